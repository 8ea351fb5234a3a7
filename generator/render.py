"""Fill the .docx templates, strictly: an unknown variable or a broken tag stops the build with
the template's name and the paragraph it is in, never an empty string or "None" in a document.

docxtpl does the template work (patch_xml, its table fixes, its \\n and \\t handling); what this
module adds is doing the expensive part once. prepare.py opens a template with python-docx, lets
docxtpl patch its XML and compiles the Jinja source a single time, and the result is kept on
disk; each render then only runs Jinja, docxtpl's post-processing, and writes the zip. The output
is byte-for-byte what `DocxTemplate.render()` + `save()` + `normalize_docx()` give
(tests/test_render_equivalence.py), in a fraction of the time, which matters for the browser
page that rebuilds on every edit. A render imports python-docx and docxtpl only for a step that
would change something (a table whose grid docxtpl corrects, a picture to renumber, a tab or line
break to resolve, a core property with Jinja in it): a cold build of the shipped templates needs
neither, which is a third of the import floor.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import os
import pickle
import re
import sys
import tempfile
import threading
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from lxml import etree
from jinja2.sandbox import SandboxedEnvironment

from . import stamp, templatecheck
from .exceptions import TemplateError
from .output import FIXED_ZIP_TIME, write_part
from .templating import (CACHE_VERSION, DATE_STAND_IN_TEXT, W3CDTF, JinjaPart, PreparedTemplate, goes_through_jinja,
                         make_env, with_paragraph_lines)

_LISTING = re.compile(r"[\t\a\n\f]")
_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)  # docxtpl's resolve_listing's
LISTING_KEPT = 256  # paragraphs resolved before, kept per template
_BODY_START = re.compile(rb"<w:body[^>]*>")
# python-docx reads and writes a part with this parser and tostring call (docx.oxml.parser,
# docx.opc.oxml.serialize_part_xml); its element classes change nothing in the bytes.
_PART_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False)
_W_BODY = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}body"


def _parse_part(xml: str | bytes):
    return etree.fromstring(xml, _PART_PARSER)


def _serialize_part(element) -> bytes:
    return etree.tostring(element, encoding="UTF-8", standalone=True)


def _template_line(err: Exception) -> int | None:
    """The template line a runtime error happened on: Jinja rewrites the traceback so that
    frames of the template carry its own line numbers."""
    line, tb = None, err.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _grid_fits(tree) -> bool:
    """Whether docxtpl's fix_tables would leave every table of `tree` as it is: no row has more
    cells than the grid has columns, and the widest row, a cell counted by its gridSpan, fills
    the grid. Anything else, or anything fix_tables would stumble on, is left to fix_tables."""
    if "w" not in tree.nsmap:
        return False
    ns = "{" + tree.nsmap["w"] + "}"
    for table in tree.iter(ns + "tbl"):
        grid = table.find(ns + "tblGrid")
        if grid is None:
            return False
        columns, widest = len(grid.findall(ns + "gridCol")), 0
        for row in table.iter(ns + "tr"):
            cells = row.findall(ns + "tc")
            if len(cells) > columns:
                return False
            width = 0
            for cell in cells:
                props = cell.find(ns + "tcPr")
                span = None if props is None else props.find(ns + "gridSpan")
                try:
                    width += 1 if span is None else int(span.get(ns + "val"))
                except (TypeError, ValueError):
                    return False
            widest = max(widest, width)
        if columns > widest:
            return False
    return True


def _cache_dir() -> Path | None:
    if os.environ.get("PLAN_DOCS_CACHE") == "off":
        return None
    if os.environ.get("PLAN_DOCS_CACHE"):
        return Path(os.environ["PLAN_DOCS_CACHE"])
    base = os.environ.get("LOCALAPPDATA") or os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "lldl-plan-docs"


def _cache_key(data: bytes) -> str:
    # The libraries as installed (where each lies, its size and time), found without importing
    # them, as the build's stamp finds them: an upgrade of any prepares the template afresh.
    h = hashlib.sha256(data)
    for part in (CACHE_VERSION, sys.version, stamp.renderers_state()):
        h.update(str(part).encode())
    return h.hexdigest()[:32]


def _read_cached(target: Path | None, kind: type):
    """The cache is only an optimisation: any problem reading it, or anything but a `kind` in
    it, is a miss."""
    if target is None or not target.is_file():
        return None
    try:
        with open(target, "rb") as fh:
            found = pickle.load(fh)
    except Exception:
        return None
    return found if isinstance(found, kind) else None


def _write_cached(target: Path | None, value) -> None:
    if target is None:
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, target)
    except OSError:  # on Windows, another build reading the file at that moment: the next one writes it
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _load_prepared(path: Path, env: SandboxedEnvironment) -> tuple[PreparedTemplate, Path | None]:
    """From the disk cache when the very same template was prepared before; with the cache
    file's name without its suffix, for what else is kept of this template (None: no cache)."""
    folder = _cache_dir()
    stem = folder / _cache_key(path.read_bytes()) if folder else None
    target = stem.with_suffix(".pickle") if stem else None
    prepared = _read_cached(target, PreparedTemplate)
    if prepared is None:
        from . import prepare  # python-docx and docxtpl: only for a template not prepared before

        prepared = prepare.prepare(path, env)
        _write_cached(target, prepared)
    return prepared, stem


class CompiledTemplate:
    """A .docx template read, patched and compiled once; `render` fills it many times."""

    def __init__(self, path: Path, env: SandboxedEnvironment):
        self.name = path.name
        if not path.is_file():
            raise TemplateError(f"không tìm thấy mẫu {path}. Lấy lại tệp mẫu từ thư mục templates/ của dự án.")
        if not zipfile.is_zipfile(path):
            raise TemplateError(f"mẫu {path} không phải tệp Word .docx (có thể là .doc cũ hoặc tệp hỏng). "
                                "Mở bằng Word và lưu lại dưới dạng .docx.")
        p, stem = _load_prepared(path, env)
        # docxtpl's resolve_listing of each paragraph with a tab or line break in it, as met
        # before (see _resolved): kept beside the prepared template.
        self._listing_file = stem.with_suffix(".listing.pickle") if stem else None
        self._listing: dict[str, str] = _read_cached(self._listing_file, dict) or {}
        self._listing_added = False
        self._path, self._names, self._parts = path, p.names, p.parts
        self._tpl = None  # docxtpl, for a post-processing step that has something to do (_docxtpl)
        self._root_nsmap = p.root_nsmap
        self._body = JinjaPart(self.name, "thân văn bản", p.body_source, env, p.body_code)
        self._headers = {name: (enc, JinjaPart(self.name, "đầu/chân trang", src, env, code))
                         for name, (enc, src, code) in p.headers.items()}
        self._footnotes = {name: JinjaPart(self.name, "chú thích chân trang", src, env, code)
                           for name, (src, code) in p.footnotes.items()}
        self._sections, self._env = p.sections, env
        self.refs = p.refs
        self._core_name, self._core_filled = p.core_part, p.core_filled
        if self._core_filled is None:  # a property goes through Jinja, as docxtpl renders it
            from docx.opc.coreprops import CoreProperties  # python-docx: only for such a template
            from docx.oxml import parse_xml

            self._core_el = parse_xml(p.parts[p.core_part])  # with python-docx's element classes
            self._core = CoreProperties(self._core_el)
            self._core_props = {k: env.from_string(v) if goes_through_jinja(v) else v for k, v in p.core_props.items()}
        self._lock = threading.Lock()  # one render at a time: docxtpl's picture count and the core part are shared
        self._packed = p.packed
        document = p.parts["word/document.xml"]
        start, end = document.find(b"<w:body>"), document.rfind(b"</w:body>")
        self._splice = (document[:start], document[end + len(b"</w:body>"):]) if start > 0 and end > 0 else None

    def check_context(self, context: dict[str, Any]) -> None:
        """Every value the template reads is in the context (templatecheck's rule, the one the
        build and kiem-tra-mau apply too): never an empty string or «None» in a document."""
        templatecheck.refuse(templatecheck.missing(self.name, self.refs, context))

    def _docxtpl(self):
        if self._tpl is None:
            from docxtpl import DocxTemplate  # docxtpl and python-docx: only for a step that changes something

            self._tpl = DocxTemplate(str(self._path))  # for its post-processing methods only
        return self._tpl

    def _render_part(self, part: JinjaPart, context: dict[str, Any]) -> str:
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
        return _PARAGRAPH.sub(self._resolved, xml)

    def _resolved(self, match: re.Match) -> str:
        """docxtpl's resolve_listing of one paragraph. resolve_listing is this very re.sub with a
        function of the paragraph's text alone, which returns a paragraph with no \t, \a, \n or
        \f as it is; so a paragraph met before (the issuing body's two lines, on every build)
        is taken from what docxtpl gave then, and docxtpl is imported only for a new one."""
        paragraph = match.group(0)
        if not _LISTING.search(paragraph):
            return paragraph
        done = self._listing.get(paragraph)
        if done is None:
            done = self._listing[paragraph] = self._docxtpl().resolve_listing(paragraph)
            self._listing_added = True
        return done

    def _document_xml(self, tree) -> bytes:
        """document.xml with the rendered body, as docxtpl's map_tree + python-docx's save write it.

        The body's only namespace declarations are the ones it was given from the document
        root, which map_tree's move drops; splicing the serialized body without them into the
        serialized document gives the same bytes (tests/test_render_equivalence.py) with no
        tree to move. Should a template's body declare anything else, the move is done, into
        a fresh root (benchmarks/NOTES.md §2: moving a body back out is what cost seconds).
        """

        root_ns = self._root_nsmap
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

        root = _parse_part(self._parts["word/document.xml"])
        root.replace(root.find(_W_BODY), tree)  # python-docx's CT_Document.body
        return _serialize_part(root)

    def render(self, context: dict[str, Any], issued: dt.datetime) -> bytes:
        self.check_context(context)
        with self._lock:
            data = self._render_locked(context, issued)
            if self._listing_added:
                if len(self._listing) > LISTING_KEPT:  # the oldest go: a dict keeps insertion order
                    self._listing = dict(list(self._listing.items())[-LISTING_KEPT:])
                _write_cached(self._listing_file, self._listing)
                self._listing_added = False
            return data

    def _render_locked(self, context: dict[str, Any], issued: dt.datetime) -> bytes:
        rendered: dict[str, bytes] = {}

        body = self._render_part(self._body, context)
        tree = etree.fromstring(body, parser=etree.XMLParser(recover=True))  # as fix_tables parses it
        if not _grid_fits(tree):
            tree = self._docxtpl().fix_tables(body)
        if "docPr" in body:  # a picture: docxtpl numbers every wp:docPr from 1001
            tpl = self._docxtpl()
            tpl.docx_ids_index = 1000
            tpl.fix_docpr_ids(tree)
        rendered["word/document.xml"] = self._document_xml(tree)

        for name, (encoding, part) in self._headers.items():
            xml = self._render_part(part, context).encode(encoding)
            rendered[name] = _serialize_part(_parse_part(xml))

        for name, part in self._footnotes.items():
            xml = self._render_part(part, context)
            # docxtpl renders the footnotes again for every further section, each time from
            # the last result: rare (a footnote in a template of several sections), so those
            # passes are compiled here rather than cached.
            for _ in range(self._sections - 1):
                source = with_paragraph_lines(self._docxtpl().patch_xml(xml))
                xml = self._render_part(JinjaPart(self.name, "chú thích chân trang", source, self._env), context)
            rendered[name] = xml.encode("utf-8")

        rendered[self._core_name] = self._core_part(context, issued)

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

    def _core_part(self, context: dict[str, Any], issued: dt.datetime) -> bytes:
        # Created and modified are the config's issue date, not the clock.
        if self._core_filled is not None:
            return self._core_filled.replace(DATE_STAND_IN_TEXT, issued.strftime(W3CDTF).encode())
        for prop, value in self._core_props.items():
            setattr(self._core, prop, value if isinstance(value, str) else value.render(context))
        self._core.created = self._core.modified = issued
        return _serialize_part(self._core_el)


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
