"""Reading a .docx into a docmodel.Document within bounds: the package opened (refused before
anything is inflated when it is not what Word writes), its parts parsed with lxml, each
paragraph's properties resolved through run, character style, paragraph style chain, table
style and document defaults, and its sections with the headers and footers they show."""
from __future__ import annotations

import re
import stat
import unicodedata
import zipfile
import zlib
from pathlib import Path
from typing import NamedTuple

from lxml import etree

from . import package
from ..exceptions import DocxReadError
from ..styles import StyleSheet, first, on, space_after, space_before
from .docmodel import NS, R, TWIP_MM, _NOWHERE, Document, Para, Run, Section, w


def _theme_fonts(z: zipfile.ZipFile) -> dict[str, str]:
    try:
        theme = etree.fromstring(z.read("word/theme/theme1.xml"))
    except KeyError:
        return {}
    out = {}
    for kind in ("major", "minor"):
        latin = theme.find(f".//a:{kind}Font/a:latin", NS)
        if latin is not None:
            out[kind] = latin.get("typeface")
    return out


# The page's own colour: text in it (filler in the space for a signature) prints as nothing.
_PAPER = ("FFFFFF",)


def _black(color: str | None) -> bool:
    """Automatic, black, or a black Word's palette offers («Black, Text 1, Lighter 5%»: 0D0D0D):
    every channel at most 0x26 prints as black."""
    if color in (None, "AUTO"):
        return True
    try:
        return len(color) == 6 and all(int(color[i:i + 2], 16) <= 0x26 for i in (0, 2, 4))
    except ValueError:
        return False


def _color(rpr):
    el = rpr.find(w("color"))
    return el.get(w("val"), "").upper() or None if el is not None else None


def _jc(ppr):
    el = ppr.find(w("jc"))
    if el is None:
        return None
    val = el.get(w("val"))
    return {"start": "left", "end": "right", "distribute": "both"}.get(val, val)


def _ind(attr):
    def get(ppr):
        el = ppr.find(w("ind"))
        if el is None:
            return None
        if attr == "firstLine":
            if el.get(w("hanging")) is not None:
                return -int(el.get(w("hanging"))) * TWIP_MM
            if el.get(w("firstLine")) is not None:
                return int(el.get(w("firstLine"))) * TWIP_MM
            return None
        v = el.get(w(attr)) or el.get(w("start" if attr == "left" else attr))
        return int(v) * TWIP_MM if v is not None else None
    return get


def _line(ppr):
    el = ppr.find(w("spacing"))
    if el is None or el.get(w("line")) is None:
        return None
    rule = el.get(w("lineRule"), "auto")
    value = int(el.get(w("line")))
    return ("auto", value / 240) if rule == "auto" else (rule, value / 20)


def _border(side):
    def get(ppr):
        bdr = ppr.find(w("pBdr"))
        if bdr is None:
            return None
        el = bdr.find(w(side))
        return el is not None and el.get(w("val")) not in ("nil", "none")
    return get


# A stranger's file is read within bounds: a 1 MB .docx can inflate its document.xml to 1 GB.
MAX_FILE = 50 * 1024 * 1024  # the .docx itself
MAX_XML_PART = 25 * 1024 * 1024  # one XML part, inflated (a thousand-page document is about 20 MB)
MAX_XML_TOTAL = 80 * 1024 * 1024  # all its XML parts, inflated


def open_package(path: Path) -> zipfile.ZipFile:
    """The .docx as a zip, refused with the reason before anything is inflated when it is not a
    regular file (a device, a pipe: reading one never ends), is too large, or holds a part that
    is encrypted, compressed in a way Word never writes, or inflates past the bounds. The sizes
    a zip declares bound what zipfile gives back (more is a CRC error), so checking them is
    enough."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise DocxReadError(f"không tìm thấy tệp {path}.") from None
    except OSError as err:
        raise DocxReadError(f"không mở được {path}: {err.strerror or err}.") from None
    if not stat.S_ISREG(info.st_mode):
        raise DocxReadError(f"{path} không phải một tệp thường (thư mục, thiết bị hay đường ống): không đọc.")
    if info.st_size > MAX_FILE:
        raise DocxReadError(f"{path} lớn hơn {MAX_FILE // 1024 // 1024} MB: quá lớn để kiểm tra.")
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as err:
        raise DocxReadError(f"{path} không đọc được như một tệp .docx (không phải tệp nén của Word): {err}") from None
    total = 0
    for member in z.infolist():
        if not member.filename.endswith((".xml", ".rels")):
            continue  # images and embedded files are never inflated here
        if member.flag_bits & 0x1:
            raise DocxReadError(f"{path}: phần {member.filename} được mã hóa (đặt mật khẩu); bỏ mật khẩu rồi kiểm tra lại.")
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise DocxReadError(f"{path}: phần {member.filename} nén theo cách Word không dùng; lưu lại bằng Word.")
        if member.file_size > MAX_XML_PART:
            raise DocxReadError(f"{path}: phần {member.filename} giải nén ra {member.file_size // 1024 // 1024} MB, quá "
                                f"{MAX_XML_PART // 1024 // 1024} MB: không kiểm tra.")
        total += member.file_size
    if total > MAX_XML_TOTAL:
        raise DocxReadError(f"{path}: các phần văn bản giải nén ra quá {MAX_XML_TOTAL // 1024 // 1024} MB: không kiểm tra.")
    return z


class _Raw(NamedTuple):
    faults: list
    root: etree._Element
    styles: StyleSheet
    settings: etree._Element | None
    rels: dict[str, str]
    parts: dict[str, etree._Element | None]


def _read(path: Path, z: zipfile.ZipFile) -> _Raw:
    faults = package.inspect(z)
    names = set(z.namelist())
    doc_name = "word/document.xml"
    if doc_name not in names:
        raise DocxReadError(f"{path} không có word/document.xml: không phải văn bản Word.")
    parse = lambda n: etree.fromstring(z.read(n)) if n in names else None  # noqa: E731
    root = parse(doc_name)
    styles = StyleSheet(parse("word/styles.xml"), _theme_fonts(z))
    settings = parse("word/settings.xml")
    rels_root = parse("word/_rels/document.xml.rels")
    rels = {}
    if rels_root is not None:
        for rel in rels_root:
            if rel.get("Target") and rel.get("TargetMode") != "External":  # no target: Word skips it too
                rels[rel.get("Id")] = "word/" + rel.get("Target").lstrip("/").removeprefix("word/")
    parts = {n: parse(n) for n in rels.values() if n in names and n.endswith(".xml")}
    return _Raw(faults, root, styles, settings, rels, parts)


class _Paragraphs:
    """The body's paragraphs in reading order (into table cells), each with its properties
    resolved, and the grid of every table's cells."""

    def __init__(self, styles: StyleSheet):
        self.styles = styles
        self.paragraphs: list[Para] = []
        self.tables: list = []

    def _runs(self, p_el, para_styles: tuple) -> list[Run]:
        runs = []
        # Runs of this paragraph only (its nearest paragraph is this one: not those of text
        # boxes anchored in it), at any depth of the wrappers Word prints through: hyperlink,
        # field, smart tags within smart tags («VIỆT <smartTag><smartTag>NAM»), customXml,
        # content controls, insertions; not deleted text.
        for r_el in p_el.xpath(".//w:r[count(ancestor::w:p[1] | $p) = 1][not(ancestor::w:del | ancestor::w:moveFrom)]",
                               p=p_el, namespaces=NS):
            text = "".join(
                (t.text or "") if t.tag == w("t") else ("\t" if t.tag == w("tab") else "\n")
                for t in r_el if t.tag in (w("t"), w("tab"), w("br"))
            )
            chain = self.styles.run_chain(r_el.find(w("rPr")), *para_styles)
            font, size, bold, italic, caps = self.styles.look(chain)
            script = first(chain, lambda r: (r.find(w("vertAlign")).get(w("val")) in ("superscript", "subscript"))
                                if r.find(w("vertAlign")) is not None else None)
            color = first(chain, _color)
            if first(chain, lambda r: on(r.find(w("vanish")))) or size == 0 or color in _PAPER:
                continue  # text Word never shows (hidden, no size, white on the page) is no element
            # Composed (NFC) text, so «KẾ HOẠCH» typed with combining marks still reads as itself.
            runs.append(Run(unicodedata.normalize("NFC", text), font, size, bold, italic, caps, bool(script),
                            None if _black(color) else color))
        return runs

    def make(self, p_el, table_style: str | None, where: tuple) -> Para:
        styles = self.styles
        ppr = p_el.find(w("pPr"))
        sid = styles.paragraph_style(ppr)
        style_pprs = styles.style_pprs(sid)
        pprs = styles.paragraph_chain(ppr, sid, table_style)
        runs = self._runs(p_el, (sid, table_style))
        style = styles.by_id.get(sid)
        return Para(
            index=len(self.paragraphs) if where != _NOWHERE else -1, text="".join(r.text for r in runs),
            style_name=style.name if style else (sid or "Normal"), runs=runs,
            alignment=first(pprs, _jc), first_line_mm=first(pprs, _ind("firstLine")) or 0.0,
            left_mm=first(pprs, _ind("left")) or 0.0, space_after_pt=first(pprs, space_after),
            space_before_pt=first(pprs, space_before),
            line_spacing=first(pprs, _line), has_border_below=bool(first([ppr] + style_pprs, _border("bottom"))),
            has_border_above=bool(first([ppr] + style_pprs, _border("top"))),
            table=where[0], row=where[1], cell=where[2], element=p_el,
            contextual_spacing=bool(first(pprs, lambda pr: on(pr.find(w("contextualSpacing"))))),
        )

    def walk(self, container, table_style, where) -> None:
        for child in container:
            if child.tag == w("p"):
                self.paragraphs.append(self.make(child, table_style, where))
            elif child.tag == w("tbl"):
                tpr = child.find(w("tblPr"))
                ts = tpr.find(w("tblStyle")) if tpr is not None else None
                tstyle = ts.get(w("val")) if ts is not None else self.styles.default_table
                t_index = len(self.tables)
                grid: list = []
                self.tables.append(grid)
                for ri, tr in enumerate(child.iterfind(w("tr"))):
                    row: list = []
                    grid.append(row)
                    for ci, tc in enumerate(tr.iterfind(w("tc"))):
                        start = len(self.paragraphs)
                        self.walk(tc, tstyle, (t_index, ri, ci) if where[0] is None else where)
                        row.append(self.paragraphs[start:])
            elif child.tag in (w("sdt"), w("sdtContent"), w("customXml"), w("ins")):
                self.walk(child, table_style, where)


def _sections(body, rels: dict[str, str], index_of: dict[int, int]) -> list[Section]:
    """Each section with its page, margins and the headers and footers it shows (inherited
    from the section before where it names none), and the paragraph it starts at."""
    sections: list[Section] = []
    starts_at = 0
    inherited = {"headers": {"default": None, "first": None, "even": None},
                 "footers": {"default": None, "first": None, "even": None}}
    for i, sect in enumerate([e for e in body.iter(w("sectPr"))]):
        pg, mar = sect.find(w("pgSz")), sect.find(w("pgMar"))
        width = int(pg.get(w("w"))) * TWIP_MM if pg is not None and pg.get(w("w")) else None
        height = int(pg.get(w("h"))) * TWIP_MM if pg is not None and pg.get(w("h")) else None
        margins = {}
        if mar is not None:
            for side in ("top", "bottom", "left", "right"):
                if mar.get(w(side)) is not None:
                    margins[side] = abs(int(mar.get(w(side)))) * TWIP_MM
        for kind, tag in (("headers", "headerReference"), ("footers", "footerReference")):
            for ref in sect.iterfind(w(tag)):
                inherited[kind][ref.get(w("type"), "default")] = rels.get(ref.get(f"{{{R}}}id"))
        landscape = (pg is not None and pg.get(w("orient")) == "landscape") or (
            width is not None and height is not None and width > height)
        num = sect.find(w("pgNumType"))
        start = num.get(w("start")) if num is not None else None
        sections.append(Section(i, width, height, landscape, margins, on(sect.find(w("titlePg"))) is True,
                                dict(inherited["headers"]), dict(inherited["footers"]), starts_at,
                                int(start) if start and start.lstrip("-").isdigit() else None,
                                _new_page(sect)))
        owner = sect.getparent().getparent() if sect.getparent().tag == w("pPr") else None
        if owner is not None and id(owner) in index_of:
            starts_at = index_of[id(owner)] + 1
    return sections


def _new_page(sect) -> bool:
    kind = sect.find(w("type"))
    return kind is None or kind.get(w("val")) != "continuous"


def load(path: Path) -> Document:
    z = open_package(path)
    try:
        raw = _read(path, z)
    except (zipfile.BadZipFile, OSError, etree.XMLSyntaxError, KeyError, zlib.error, EOFError,
            NotImplementedError, RuntimeError) as err:
        raise DocxReadError(f"{path} không đọc được như một tệp .docx: {err}") from None
    body = raw.root.find(w("body"))
    if body is None:
        raise DocxReadError(f"{path}: word/document.xml không có thân văn bản (w:body) theo chuẩn của Word "
                            f"(phần tử gốc là «{etree.QName(raw.root).localname}» trong «{etree.QName(raw.root).namespace}»).")
    read = _Paragraphs(raw.styles)
    read.walk(body, None, (None, None, None))
    part_paragraphs = {name: [read.make(p, None, _NOWHERE) for p in root_.iter(w("p"))]
                       for name, root_ in raw.parts.items()
                       if root_ is not None and re.search(r"(header|footer)\d*\.xml$", name)}
    sections = _sections(body, raw.rels, {id(p.element): p.index for p in read.paragraphs})
    settings = raw.settings
    even_odd = settings is not None and on(settings.find(w("evenAndOddHeaders"))) is True
    tab = settings.find(w("defaultTabStop")) if settings is not None else None
    tab_mm = int(tab.get(w("val"))) * TWIP_MM if tab is not None and (tab.get(w("val")) or "").isdigit() else 12.7
    return Document(path, read.paragraphs, read.tables, sections, even_odd, raw.parts, raw.styles, part_paragraphs,
                    raw.faults, tab_mm or 12.7)
