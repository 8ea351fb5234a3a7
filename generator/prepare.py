"""The slow path of a template, taken once per template file (render.py keeps the result on
disk): python-docx opens the package, docxtpl patches its XML, templatecheck checks every tag
and Jinja compiles each part. Nothing here runs on a build whose templates are in the cache.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx.opc.constants
from docx.opc.coreprops import CoreProperties
from docx.opc.oxml import serialize_part_xml
from docx.oxml import parse_xml
from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment

from . import templatecheck
from .exceptions import TemplateError
from .output import deflated
from .templating import DATE_STAND_IN, DATE_STAND_IN_TEXT, JinjaPart, PreparedTemplate, goes_through_jinja, with_paragraph_lines

RT = docx.opc.constants.RELATIONSHIP_TYPE
FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
CORE_PROPS = ("author", "comments", "identifier", "language", "subject", "title")
# Parts docxtpl never fills: a tag there would reach the office as raw «{{ … }}».
_UNFILLED = {"word/endnotes.xml": "chú thích cuối văn bản (endnote)",
             "word/comments.xml": "ghi chú (comment) của Word"}

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
    body = with_paragraph_lines(tpl.patch_xml(tpl.get_xml()))
    headers = {}
    for rel in doc.part.rels.values():
        if rel.reltype in (RT.HEADER, RT.FOOTER) and rel.target_part.blob:
            xml = tpl.get_part_xml(rel.target_part)
            headers[str(rel.target_part.partname).lstrip("/")] = (
                tpl.get_headers_footers_encoding(xml), with_paragraph_lines(tpl.patch_xml(xml)))
    footnotes = {}
    for part in doc.part.package.parts:  # as docxtpl's render_footnotes finds them
        if part.content_type == FOOTNOTES_TYPE:
            blob = part.blob.decode("utf-8") if isinstance(part.blob, bytes) else part.blob
            footnotes[str(part.partname).lstrip("/")] = with_paragraph_lines(tpl.patch_xml(blob))
    unfilled = [(what, str(part.partname).lstrip("/"), tpl.patch_xml(part.blob.decode("utf-8")))
                for part in doc.part.package.parts
                for name, what in _UNFILLED.items() if str(part.partname).lstrip("/") == name]
    return body, headers, footnotes, unfilled


def _labelled(body: str, headers: dict, footnotes: dict) -> list[tuple[str, str]]:
    return ([("thân văn bản", body)] + [(f"đầu/chân trang {name}", src) for name, (_, src) in headers.items()]
            + [(f"chú thích chân trang {name}", src) for name, src in footnotes.items()])


def inspect(path: Path, env: SandboxedEnvironment) -> tuple[list, list]:
    """What kiem-tra-mau reports of a template: (findings, refs), nothing raised."""
    body, headers, footnotes, unfilled = _sources(_open(path))
    return templatecheck.analyse(path.name, _labelled(body, headers, footnotes), unfilled, env)


def core_with_stand_in(core_xml: bytes, props: dict[str, str]) -> bytes | None:
    """The core part as every render leaves it (render._render_locked): each property set as
    python-docx sets it, created and modified DATE_STAND_IN. None when that part changes with
    the context (a property goes through Jinja) or python-docx's writing of it is not what a
    render can repeat by replacing the date's text: then each render sets it with python-docx."""
    if any(goes_through_jinja(value) for value in props.values()):
        return None
    element = parse_xml(core_xml)
    core = CoreProperties(element)
    try:
        for prop, value in props.items():
            setattr(core, prop, value)
    except ValueError:  # python-docx refuses a value over 255 characters: each render says so
        return None
    core.created = core.modified = DATE_STAND_IN
    filled = serialize_part_xml(element)
    return filled if filled.count(DATE_STAND_IN_TEXT) == 2 else None


def prepare(path: Path, env: SandboxedEnvironment) -> PreparedTemplate:
    """Open the template with docxtpl/python-docx, check, patch and compile it."""
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
    body = JinjaPart(path.name, "thân văn bản", body_source, env)
    headers = {name: (encoding, source, JinjaPart(path.name, "đầu/chân trang", source, env).code)
               for name, (encoding, source) in header_sources.items()}
    footnotes = {name: (source, JinjaPart(path.name, "chú thích chân trang", source, env).code)
                 for name, source in footnote_sources.items()}
    core = doc.core_properties
    core_part = str(doc.part.package._core_properties_part.partname).lstrip("/")
    core_props = {p: getattr(core, p) for p in CORE_PROPS}
    # Compressed once here and kept with the rest: on a cold build this was a fifth of the render.
    filled = {"word/document.xml", core_part, *headers, *footnotes}
    packed = {name: deflated(parts[name], 6) for name in names if name not in filled}
    return PreparedTemplate(names, parts, dict(doc.element.nsmap), "\n".join(body.lines),
                            body.code, headers, footnotes, refs, len(doc.sections), core_part, core_props,
                            core_with_stand_in(parts[core_part], core_props), packed)
