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
import io
import re
import threading
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta
from jinja2.sandbox import SandboxedEnvironment

from . import formatting
from .exceptions import TemplateError
from .output import FIXED_ZIP_TIME

TEMPLATES = ("ke_hoach.docx", "phu_luc.docx")
_DOCUMENT = "word/document.xml"
_HEADER_FOOTER = re.compile(r"word/(header|footer)\d*\.xml")


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


def make_env() -> SandboxedEnvironment:
    """Config values are data: sandboxed, XML-escaped (with docxtpl's default a `&` in a name
    silently deletes table rows) and strict about undefined names."""
    env = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=True)
    env.filters.update({name: _strict(fn) for name, fn in {
        "thousands": formatting.thousands,
        "two_digits": formatting.two_digits,
        "short_date": formatting.short_date,
        "month_year": _month_year,
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

    def __init__(self, template_name: str, label: str, source: str, env: SandboxedEnvironment):
        self.label = label
        self.lines = source.splitlines()
        try:
            self.ast = env.parse(source)
            self.template = env.from_string(source)
        except jinja2.TemplateSyntaxError as err:
            where = self.where(err.lineno)
            raise TemplateError(
                f"mẫu {template_name} có thẻ hỏng ({label}{where}): {err.message}. "
                "Mỗi {{ ... }} và {% ... %} phải đóng đủ; mỗi {% if %}/{% for %} cần {% endif %}/{% endfor %}."
            ) from None

    def where(self, lineno: int | None) -> str:
        if not lineno or lineno > len(self.lines):
            return ""
        return f", đoạn «{_paragraph_text(self.lines[lineno - 1])[:120]}»"

    def paragraphs_naming(self, name: str) -> list[str]:
        pattern = re.compile(r"(\{\{|\{%)[^}%]*\b" + re.escape(name) + r"\b")
        return [_paragraph_text(line)[:120] for line in self.lines if pattern.search(line)]


class CompiledTemplate:
    """A .docx template read, patched and compiled once; `render` fills it many times."""

    def __init__(self, path: Path, env: SandboxedEnvironment):
        from docxtpl import DocxTemplate  # imported here: --check and --help do not need it

        self.name = path.name
        if not path.is_file():
            raise TemplateError(f"không tìm thấy mẫu {path}. Lấy lại tệp mẫu từ thư mục templates/ của dự án.")
        if not zipfile.is_zipfile(path):
            raise TemplateError(f"mẫu {path} không phải tệp Word .docx (có thể là .doc cũ hoặc tệp hỏng). "
                                "Mở bằng Word và lưu lại dưới dạng .docx.")
        self._tpl = DocxTemplate(str(path))
        try:
            self._tpl.render_init()
        except Exception as err:  # python-docx raises several types for a broken package
            raise TemplateError(f"mẫu {path} không mở được như một tệp .docx: {err}") from None
        doc = self._tpl.docx
        from docx.opc.constants import RELATIONSHIP_TYPE as RT

        # The parts as python-docx writes them: everything not rendered is copied from here.
        buf = io.BytesIO()
        doc.save(buf)
        with zipfile.ZipFile(buf) as z:
            self._names = z.namelist()
            self._parts = {n: z.read(n) for n in self._names}

        self._root = doc.element
        body_source = self._with_paragraph_lines(self._tpl.patch_xml(self._tpl.get_xml()))
        self._body = _Part(self.name, "thân văn bản", body_source, env)
        self._core_part = doc.part.package._core_properties_part
        self._lock = threading.Lock()  # render swaps the body in and out of the shared tree
        self._headers: dict[str, tuple[str, str, _Part]] = {}
        for rel in doc.part.rels.values():
            if rel.reltype in (RT.HEADER, RT.FOOTER) and rel.target_part.blob:
                part = rel.target_part
                xml = self._tpl.get_part_xml(part)
                encoding = self._tpl.get_headers_footers_encoding(xml)
                source = self._with_paragraph_lines(self._tpl.patch_xml(xml))
                self._headers[str(part.partname).lstrip("/")] = (
                    encoding, str(part.partname), _Part(self.name, "đầu/chân trang", source, env))
        props = ("author", "comments", "identifier", "language", "subject", "title")
        core = doc.core_properties
        self._core_templates = {p: env.from_string(getattr(core, p)) for p in props}
        self.variables = set(meta.find_undeclared_variables(self._body.ast))
        for _, _, part in self._headers.values():
            self.variables |= meta.find_undeclared_variables(part.ast)

    @staticmethod
    def _with_paragraph_lines(xml: str) -> str:
        # As docxtpl's render_xml_part does, so Jinja's line numbers name a paragraph.
        return re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)

    def check_context(self, context: dict[str, Any]) -> None:
        missing = sorted(self.variables - set(context))
        if missing:
            where = []
            for name in missing:
                found = self._body.paragraphs_naming(name)
                where.append(f"{name} (đoạn «{found[0]}»)" if found else name)
            raise TemplateError(f"mẫu {self.name} dùng biến không có trong cấu hình: {', '.join(where)}. "
                                "Sửa thẻ {{ ... }} trong mẫu hoặc thêm dữ liệu vào cấu hình.")

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
        return self._tpl.resolve_listing(xml)

    def render(self, context: dict[str, Any], issued: dt.datetime) -> bytes:
        from docx.opc.oxml import serialize_part_xml
        from docx.oxml import parse_xml

        self.check_context(context)
        with self._lock:
            return self._render_locked(context, issued)

    def _render_locked(self, context: dict[str, Any], issued: dt.datetime) -> bytes:
        from docx.opc.oxml import serialize_part_xml
        from docx.oxml import parse_xml

        tpl = self._tpl
        tpl.docx_ids_index = 1000
        rendered: dict[str, bytes] = {}

        tree = tpl.fix_tables(self._render_part(self._body, context))
        tpl.fix_docpr_ids(tree)
        body = self._root.body
        self._root.replace(body, tree)
        try:
            rendered[_DOCUMENT] = serialize_part_xml(self._root)
        finally:
            self._root.replace(tree, body)  # the compiled template stays as it was read

        for name, (encoding, _, part) in self._headers.items():
            xml = self._render_part(part, context).encode(encoding)
            rendered[name] = serialize_part_xml(parse_xml(xml))

        core = tpl.docx.core_properties
        for prop, template in self._core_templates.items():
            setattr(core, prop, template.render(context))
        core.created = core.modified = issued  # from the config: the bytes must not depend on the clock
        rendered[str(self._core_part.partname).lstrip("/")] = serialize_part_xml(self._core_part._element)

        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            for name in self._names:
                info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
                info.compress_type, info.create_system, info.external_attr = zipfile.ZIP_DEFLATED, 0, 0
                z.writestr(info, rendered.get(name, self._parts[name]), compresslevel=6)
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


def render_all(templates_dir: Path, context: dict[str, Any], issued: dt.datetime) -> dict[str, bytes]:
    templates = [compiled(templates_dir, name) for name in TEMPLATES]
    for t in templates:  # every template is checked before any is rendered
        t.check_context(context)
    return {t.name: t.render(context, issued) for t in templates}
