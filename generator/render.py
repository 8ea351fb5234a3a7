"""Fill the .docx templates, strictly: an unknown variable or a broken tag stops the build with
the template's name and the paragraph it is in, never an empty string or "None" in a document.

docxtpl does the template work (patch_xml, its table fixes, its \\n and \\t handling); what this
module adds is doing the expensive part once. `CompiledTemplate` reads a template, lets docxtpl
patch its XML and compiles the Jinja source a single time; each render then only runs Jinja,
docxtpl's post-processing, and writes the zip. The output is byte-for-byte what
`DocxTemplate.render()` + `save()` + `normalize_docx()` give (tests/test_render_equivalence.py),
in a fraction of the time, which matters for the browser page that rebuilds on every edit.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import marshal
import os
import pickle
import re
import sys
import tempfile
import threading
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import docx
import docxtpl
import jinja2
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.coreprops import CoreProperties
from docx.opc.oxml import serialize_part_xml
from docx.oxml import parse_xml
from docxtpl import DocxTemplate
from lxml import etree
from jinja2.sandbox import SandboxedEnvironment

from . import formatting, templatecheck
from .exceptions import TemplateError
from .output import FIXED_ZIP_TIME, deflated, write_part

CACHE_VERSION = 6  # raise when _Prepared changes
FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
# Parts docxtpl never fills: a tag there would reach the office as raw «{{ … }}».
_UNFILLED = {"word/endnotes.xml": "chú thích cuối văn bản (endnote)",
             "word/comments.xml": "ghi chú (comment) của Word"}


def _month_year(value: dict) -> str:
    return f"{value['month']:02d}/{value['year']}"


def _strict(fn):
    """A filter given an undefined value raises Jinja's own 'is undefined' error, naming the
    missing attribute, instead of a TypeError from inside the filter."""
    def wrapper(value, *args):
        if isinstance(value, jinja2.Undefined):
            value._fail_with_undefined_error()
        return fn(value, *args)
    return wrapper


def make_env(autoescape: bool = True) -> SandboxedEnvironment:
    """Config values are data: sandboxed, XML-escaped (with docxtpl's default a `&` in a name
    silently deletes table rows) and strict about undefined names. A spreadsheet's cells are
    filled without the escaping: openpyxl escapes what it writes."""
    env = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=autoescape)
    env.filters.update({name: _strict(fn) for name, fn in {
        "thousands": formatting.thousands,
        "two_digits": formatting.two_digits,
        "short_date": formatting.short_date,
        "month_year": _month_year,
        "capitalize_first": formatting.capitalize_first,
        "keep_last": formatting.keep_last,
        "in_words": formatting.in_words,
        "weekday": formatting.weekday,
    }.items()})
    return env


def _paragraph_text(xml_line: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", xml_line).split())


def _template_line(err: Exception) -> int | None:
    """The template line a runtime error happened on: Jinja rewrites the traceback so that
    frames of the template carry its own line numbers."""
    line, tb = None, err.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


class _Part:
    """One XML part with Jinja in it (the body, a header or a footer), compiled once."""

    def __init__(self, template_name: str, label: str, source: str, env: SandboxedEnvironment,
                 code: bytes | None = None):
        self.label = label
        self.lines = source.splitlines()
        if code is None:  # not in the cache: parse and compile (the slow part of a cold start)
            try:
                ast = env.parse(source)
            except jinja2.TemplateSyntaxError as err:
                where = self.where(err.lineno)
                raise TemplateError(
                    f"mẫu {template_name} có thẻ hỏng ({label}{where}): {err.message}. "
                    "Mỗi {{ ... }} và {% ... %} phải đóng đủ; mỗi {% if %}/{% for %} cần {% endif %}/{% endfor %}."
                ) from None
            self.code = marshal.dumps(env.compile(ast))
        else:
            self.code = code
        self.template = env.template_class.from_code(env, marshal.loads(self.code), env.make_globals(None))

    def where(self, lineno: int | None) -> str:
        if not lineno or lineno > len(self.lines):
            return ""
        return f", đoạn «{_paragraph_text(self.lines[lineno - 1])[:120]}»"


_LISTING = re.compile(r"[\t\a\n\f]")
_BODY_START = re.compile(rb"<w:body[^>]*>")
_CORE_PROPS = ("author", "comments", "identifier", "language", "subject", "title")


class _Prepared(NamedTuple):
    """Everything a render needs that depends only on the template file: plain, picklable data,
    kept on disk between runs (see _cache_path) so a cold start skips python-docx and Jinja's
    compiler."""

    names: list[str]  # zip entries in python-docx's order
    parts: dict[str, bytes]  # every part as python-docx writes it
    body_source: str
    body_code: bytes
    headers: dict[str, tuple[str, str, bytes]]  # part name -> (encoding, patched source, code)
    footnotes: dict[str, tuple[str, bytes]]  # part name -> (patched source, code)
    refs: list  # templatecheck.Ref: every value the template reads
    sections: int  # docxtpl renders the footnotes once per section
    core_part: str
    core_props: dict[str, str]
    packed: dict[str, bytes]  # the parts no render changes, deflated as zipfile would (output.write_part)


# LibreOffice writes the core properties' relationship as «…/officedocument/2006/relationships/…»
# (lower-case d). python-docx does not know that spelling, adds a second docProps/core.xml, and
# docxtpl saves a package with two parts of one name, which Word refuses (docxtpl issue #558,
# python-docx PR #1436, both open). A template a clerk saved in LibreOffice is read with the
# standard spelling instead; the file itself is left as it is.
_LO_CORE_REL = b"http://schemas.openxmlformats.org/officedocument/2006/relationships/metadata/core-properties"
_CORE_REL = b"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"


def template_bytes(path: Path) -> bytes:
    """The template as docxtpl should read it (see _LO_CORE_REL)."""
    data = path.read_bytes()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            rels = z.read("_rels/.rels")
            if _LO_CORE_REL not in rels:
                return data
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w") as fixed:
                for info in z.infolist():
                    body = z.read(info.filename)
                    fixed.writestr(info, rels.replace(_LO_CORE_REL, _CORE_REL) if info.filename == "_rels/.rels" else body)
            return out.getvalue()
    except (zipfile.BadZipFile, KeyError):
        return data  # not a package: _open says so in the clerk's words


def _open(path: Path):
    tpl = DocxTemplate(io.BytesIO(template_bytes(path)))
    try:
        tpl.render_init()
    except Exception as err:  # python-docx raises several types for a broken package
        raise TemplateError(f"mẫu {path} không mở được như một tệp .docx: {err}") from None
    return tpl


def _sources(tpl) -> tuple[str, dict[str, tuple[str, str]], dict[str, str], list[tuple[str, str, str]]]:
    """Every part docxtpl fills, patched as docxtpl patches it, one paragraph a line: the body,
    {header/footer part: (encoding, source)}, {footnotes part: source}; and the parts it never
    fills, as (what, part name, patched xml)."""

    doc = tpl.docx
    body = _with_paragraph_lines(tpl.patch_xml(tpl.get_xml()))
    headers = {}
    for rel in doc.part.rels.values():
        if rel.reltype in (RT.HEADER, RT.FOOTER) and rel.target_part.blob:
            xml = tpl.get_part_xml(rel.target_part)
            headers[str(rel.target_part.partname).lstrip("/")] = (
                tpl.get_headers_footers_encoding(xml), _with_paragraph_lines(tpl.patch_xml(xml)))
    footnotes = {}
    for part in doc.part.package.parts:  # as docxtpl's render_footnotes finds them
        if part.content_type == FOOTNOTES_TYPE:
            blob = part.blob.decode("utf-8") if isinstance(part.blob, bytes) else part.blob
            footnotes[str(part.partname).lstrip("/")] = _with_paragraph_lines(tpl.patch_xml(blob))
    unfilled = [(what, str(part.partname).lstrip("/"), tpl.patch_xml(part.blob.decode("utf-8")))
                for part in doc.part.package.parts
                for name, what in _UNFILLED.items() if str(part.partname).lstrip("/") == name]
    return body, headers, footnotes, unfilled


def _labelled(body: str, headers: dict, footnotes: dict) -> list[tuple[str, str]]:
    return ([("thân văn bản", body)] + [(f"đầu/chân trang {name}", src) for name, (_, src) in headers.items()]
            + [(f"chú thích chân trang {name}", src) for name, src in footnotes.items()])


def inspect(path: Path) -> tuple[list, list]:
    """What kiem-tra-mau reports of a template: (findings, refs), nothing raised."""
    body, headers, footnotes, unfilled = _sources(_open(path))
    return templatecheck.analyse(path.name, _labelled(body, headers, footnotes), unfilled, _env())


def _prepare(path: Path, env: SandboxedEnvironment) -> _Prepared:
    """The slow path: open the template with docxtpl/python-docx, check, patch and compile it."""
    tpl = _open(path)
    doc = tpl.docx
    buf = io.BytesIO()
    doc.save(buf)
    with zipfile.ZipFile(buf) as z:
        names = z.namelist()
        parts = {n: z.read(n) for n in names}
    body_source, header_sources, footnote_sources, unfilled = _sources(tpl)
    findings, refs = templatecheck.analyse(path.name, _labelled(body_source, header_sources, footnote_sources),
                                           unfilled, env)
    errors = [f for f in findings if f.severity == templatecheck.LOI]
    if errors:  # a broken template stops the build before anything is filled
        broken = any(f.rule in ("the_mo", "the_dong", "khoi", "cu_phap") for f in errors)
        hint = "\nMỗi {{ ... }} và {% ... %} phải đóng đủ; mỗi {% if %}/{% for %} cần {% endif %}/{% endfor %}."
        raise TemplateError(f"mẫu {path.name} {'có thẻ hỏng' if broken else 'có lỗi'}:\n"
                            + "\n".join(f"  - {f.location}: {f.message}" for f in errors) + (hint if broken else ""))
    body = _Part(path.name, "thân văn bản", body_source, env)
    headers = {name: (encoding, source, _Part(path.name, "đầu/chân trang", source, env).code)
               for name, (encoding, source) in header_sources.items()}
    footnotes = {name: (source, _Part(path.name, "chú thích chân trang", source, env).code)
                 for name, source in footnote_sources.items()}
    core = doc.core_properties
    core_part = str(doc.part.package._core_properties_part.partname).lstrip("/")
    # Compressed once here and kept with the rest: on a cold build this was a fifth of the render.
    filled = {"word/document.xml", core_part, *headers, *footnotes}
    packed = {name: deflated(parts[name], 6) for name in names if name not in filled}
    return _Prepared(names, parts, "\n".join(body.lines), body.code, headers, footnotes, refs, len(doc.sections),
                     core_part, {p: getattr(core, p) for p in _CORE_PROPS}, packed)


def _with_paragraph_lines(xml: str) -> str:
    # As docxtpl's render_xml_part does, so Jinja's line numbers name a paragraph.
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)


def _cache_dir() -> Path | None:
    if os.environ.get("PLAN_DOCS_CACHE") == "off":
        return None
    if os.environ.get("PLAN_DOCS_CACHE"):
        return Path(os.environ["PLAN_DOCS_CACHE"])
    base = os.environ.get("LOCALAPPDATA") or os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "lldl-plan-docs"


def _cache_key(data: bytes) -> str:
    h = hashlib.sha256(data)
    for part in (CACHE_VERSION, sys.version, docxtpl.__version__, docx.__version__, jinja2.__version__):
        h.update(str(part).encode())
    return h.hexdigest()[:32]


def _load_prepared(path: Path, env: SandboxedEnvironment) -> _Prepared:
    """From the disk cache when the very same template was prepared before; the cache is only
    an optimisation, so any problem with it falls back to preparing afresh."""
    data = path.read_bytes()
    folder = _cache_dir()
    target = folder / f"{_cache_key(data)}.pickle" if folder else None
    if target is not None and target.is_file():
        try:
            with open(target, "rb") as fh:
                return pickle.load(fh)
        except Exception:
            pass
    prepared = _prepare(path, env)
    if target is not None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(prepared, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, target)
        except OSError:
            pass
    return prepared


class CompiledTemplate:
    """A .docx template read, patched and compiled once; `render` fills it many times."""

    def __init__(self, path: Path, env: SandboxedEnvironment):
        self.name = path.name
        if not path.is_file():
            raise TemplateError(f"không tìm thấy mẫu {path}. Lấy lại tệp mẫu từ thư mục templates/ của dự án.")
        if not zipfile.is_zipfile(path):
            raise TemplateError(f"mẫu {path} không phải tệp Word .docx (có thể là .doc cũ hoặc tệp hỏng). "
                                "Mở bằng Word và lưu lại dưới dạng .docx.")
        p = _load_prepared(path, env)
        self._names, self._parts = p.names, p.parts
        self._tpl = DocxTemplate(str(path))  # for docxtpl's post-processing methods only
        self._root = parse_xml(p.parts["word/document.xml"])
        self._body = _Part(self.name, "thân văn bản", p.body_source, env, p.body_code)
        self._headers = {name: (enc, _Part(self.name, "đầu/chân trang", src, env, code))
                         for name, (enc, src, code) in p.headers.items()}
        self._footnotes = {name: _Part(self.name, "chú thích chân trang", src, env, code)
                           for name, (src, code) in p.footnotes.items()}
        self._sections, self._env = p.sections, env
        self.refs = p.refs
        self._core_name = p.core_part
        self._core_el = parse_xml(p.parts[p.core_part])
        self._core = CoreProperties(self._core_el)
        # Core properties go through Jinja as docxtpl does. One with no brace and no line end
        # comes out of Jinja unchanged, so it is set as it is (Jinja would fold \r\n and drop a
        # final newline: those go through it).
        self._core_props = {k: env.from_string(v) if re.search(r"[{\r\n]", v) else v for k, v in p.core_props.items()}
        self._lock = threading.Lock()  # one render at a time: the core properties are shared
        self._packed = p.packed
        document = p.parts["word/document.xml"]
        start, end = document.find(b"<w:body>"), document.rfind(b"</w:body>")
        self._splice = (document[:start], document[end + len(b"</w:body>"):]) if start > 0 and end > 0 else None

    def check_context(self, context: dict[str, Any]) -> None:
        """Every value the template reads is in the context (templatecheck's rule, the one the
        build and kiem-tra-mau apply too): never an empty string or «None» in a document."""
        templatecheck.refuse(templatecheck.missing(self.name, self.refs, context))

    def _render_part(self, part: _Part, context: dict[str, Any]) -> str:
        try:
            xml = part.template.render(context)
        except jinja2.UndefinedError as err:
            where = part.where(_template_line(err))
            raise TemplateError(f"mẫu {self.name} ({part.label}{where}) dùng giá trị không có: {err.message}.") from None
        except (jinja2.TemplateError, TypeError, ValueError) as err:
            where = part.where(_template_line(err))
            raise TemplateError(f"mẫu {self.name} ({part.label}{where}) không điền được: {err}.") from None
        # The rest of docxtpl's render_xml_part, unchanged.
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        # resolve_listing only rewrites a \t, \a, \n or \f inside <w:t>: without one it returns
        # the same string, after three nested regex passes over every paragraph and run.
        if not _LISTING.search(xml):
            return xml
        return self._tpl.resolve_listing(xml)

    def _document_xml(self, tree) -> bytes:
        """document.xml with the rendered body, as docxtpl's map_tree + python-docx's save write it.

        The body's only namespace declarations are the ones it was given from the document
        root, which map_tree's move drops; splicing the serialized body without them into the
        serialized document gives the same bytes (tests/test_render_equivalence.py) with no
        tree to move. Should a template's body declare anything else, the move is done, into
        a fresh root (benchmarks/NOTES.md §2: moving a body back out is what cost seconds).
        """

        root_ns = self._root.nsmap
        if self._splice is not None and all(root_ns.get(k) == v for k, v in tree.nsmap.items()):
            head, tail = self._splice
            body = etree.tostring(tree, encoding="UTF-8", xml_declaration=False)
            # A declaration below <w:body> (Word and LibreOffice sometimes re-bind a prefix on
            # one paragraph) is reconciled by the move against the root's prefixes; a splice
            # would keep it as it is. Only the move is exact then.
            if b"xmlns" not in body[body.index(b">"):]:
                return head + _BODY_START.sub(b"<w:body>", body, count=1) + tail
        # A fresh document root each time, not the compiled one with its body put back after:
        # putting the 2,000-row body back cost lxml 6.5 s of namespace bookkeeping, parsing the
        # document part again 0.02 s.

        root = parse_xml(self._parts["word/document.xml"])
        root.replace(root.body, tree)
        return serialize_part_xml(root)

    def render(self, context: dict[str, Any], issued: dt.datetime) -> bytes:
        self.check_context(context)
        with self._lock:
            return self._render_locked(context, issued)

    def _render_locked(self, context: dict[str, Any], issued: dt.datetime) -> bytes:
        tpl = self._tpl
        tpl.docx_ids_index = 1000
        rendered: dict[str, bytes] = {}

        tree = tpl.fix_tables(self._render_part(self._body, context))
        tpl.fix_docpr_ids(tree)
        rendered["word/document.xml"] = self._document_xml(tree)

        for name, (encoding, part) in self._headers.items():
            xml = self._render_part(part, context).encode(encoding)
            rendered[name] = serialize_part_xml(parse_xml(xml))

        for name, part in self._footnotes.items():
            xml = self._render_part(part, context)
            # docxtpl renders the footnotes again for every further section, each time from
            # the last result: rare (a footnote in a template of several sections), so those
            # passes are compiled here rather than cached.
            for _ in range(self._sections - 1):
                source = _with_paragraph_lines(tpl.patch_xml(xml))
                xml = self._render_part(_Part(self.name, "chú thích chân trang", source, self._env), context)
            rendered[name] = xml.encode("utf-8")

        for prop, value in self._core_props.items():
            setattr(self._core, prop, value if isinstance(value, str) else value.render(context))
        self._core.created = self._core.modified = issued  # from the config, not the clock
        rendered[self._core_name] = serialize_part_xml(self._core_el)

        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            for name in self._names:
                info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
                info.compress_type, info.create_system, info.external_attr = zipfile.ZIP_DEFLATED, 0, 0
                if name in rendered:
                    write_part(z, info, rendered[name], 6)
                else:
                    write_part(z, info, self._parts[name], 6, self._packed.get(name))
        return out.getvalue()


@lru_cache(maxsize=8)
def _compiled(templates_dir: Path, name: str, mtime_ns: int, size: int) -> CompiledTemplate:
    # Keyed on the file's mtime and size: a template edited in Word is read again.
    return CompiledTemplate(templates_dir / name, _env())


@lru_cache(maxsize=1)
def _env() -> SandboxedEnvironment:
    return make_env()


def compiled(templates_dir: Path, name: str) -> CompiledTemplate:
    path = templates_dir / name
    try:
        st = path.stat()
    except OSError:
        raise TemplateError(f"không tìm thấy mẫu {path}. Lấy lại tệp mẫu từ thư mục templates/ của dự án.") from None
    return _compiled(templates_dir, name, st.st_mtime_ns, st.st_size)


def require_sound(pairs: list[tuple[Path, dict]]) -> None:
    """Before a build: every template of it sound (`compiled` refuses broken tags) and every
    value it reads present in its context; otherwise nothing is rendered or written."""
    templatecheck.refuse([f for path, ctx in pairs
                          for f in templatecheck.missing(path.name, compiled(path.parent, path.name).refs, ctx)])
