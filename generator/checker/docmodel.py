"""A .docx read the way Word shows it: each property resolved through the run, its character
style, the paragraph style chain, the table style and the document defaults.

Read straight from the package's XML with lxml (no python-docx objects), because the checker
must also read documents that python-docx would not write: legacy fonts in the Normal style,
bold switched off per run, headers that only some sections or only even pages carry.
"""
from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from lxml import etree

from . import package

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS = {"w": W, "r": R, "a": A}
TWIP_MM = 25.4 / 1440


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _on(el) -> bool | None:
    """A toggle property (<w:b/>, <w:b w:val="0"/>): True, False, or None when absent."""
    if el is None:
        return None
    return el.get(w("val"), "true") not in ("0", "false", "off", "none")


_NOWHERE = ("part", None, None)  # a header or footer paragraph


def is_punctuation(text: str) -> bool:
    """Only punctuation and spaces: «:», «;», «./.», «(», a typed rule line."""
    text = "".join(text.split())
    return bool(text) and all(unicodedata.category(c).startswith("P") or c in "_" for c in text)


def is_typed_rule(text: str) -> bool:
    """A line drawn by typing underscores or dashes (offices type the rule under the motto
    this way): a rule, not a word."""
    return bool(re.fullmatch(r"[_\-–—]{3,}", "".join(text.split())))


class DocxReadError(Exception):
    pass


@dataclass
class Style:
    sid: str
    name: str
    kind: str
    based_on: str | None
    rpr: etree._Element | None
    ppr: etree._Element | None


class Styles:
    def __init__(self, root: etree._Element | None, theme_fonts: dict[str, str]):
        self.by_id: dict[str, Style] = {}
        self.default_para: str | None = None
        self.default_table: str | None = None
        self.doc_rpr = self.doc_ppr = None
        self.theme_fonts = theme_fonts
        if root is None:
            return
        defaults = root.find(w("docDefaults"))
        if defaults is not None:
            self.doc_rpr = defaults.find(f"{w('rPrDefault')}/{w('rPr')}")
            self.doc_ppr = defaults.find(f"{w('pPrDefault')}/{w('pPr')}")
        for el in root.iterfind(w("style")):
            sid = el.get(w("styleId"))
            name_el, based = el.find(w("name")), el.find(w("basedOn"))
            style = Style(sid, name_el.get(w("val")) if name_el is not None else sid, el.get(w("type"), "paragraph"),
                          based.get(w("val")) if based is not None else None, el.find(w("rPr")), el.find(w("pPr")))
            self.by_id[sid] = style
            if el.get(w("default")) in ("1", "true"):
                if style.kind == "paragraph":
                    self.default_para = sid
                elif style.kind == "table":
                    self.default_table = sid

    def chain(self, sid: str | None) -> list[Style]:
        out, seen = [], set()
        while sid and sid in self.by_id and sid not in seen:
            seen.add(sid)
            out.append(self.by_id[sid])
            sid = self.by_id[sid].based_on
        return out


@dataclass
class Run:
    text: str
    font: str | None
    size: float | None  # points
    bold: bool
    italic: bool
    caps: bool
    script: bool = False  # superscript or subscript: Word prints it smaller, whatever its size
    color: str | None = None  # RRGGBB as written, None for automatic (black)


@dataclass
class Para:
    index: int  # position among all paragraphs, in reading order
    text: str
    style_name: str
    runs: list[Run]
    alignment: str | None  # left, center, right, both (justified)
    first_line_mm: float
    left_mm: float
    space_after_pt: float | None
    space_before_pt: float | None
    line_spacing: tuple[str, float] | None  # ("auto", 1.15) or ("exact"/"atLeast", pt)
    has_border_below: bool
    has_border_above: bool
    table: int | None = None  # which table (in body order), None outside tables
    row: int | None = None
    cell: int | None = None
    element: etree._Element | None = field(default=None, repr=False)

    def split_at(self, pos: int) -> tuple["Para", "Para"]:
        """The paragraph cut after character `pos`: two paragraphs at the same place, each with
        its own runs (a run that spans the cut is split, both halves keeping its formatting)."""
        head, tail, seen = [], [], 0
        for r in self.runs:
            if seen + len(r.text) <= pos:
                head.append(r)
            elif seen >= pos:
                tail.append(r)
            else:
                cut = pos - seen
                head.append(replace(r, text=r.text[:cut]))
                tail.append(replace(r, text=r.text[cut:]))
            seen += len(r.text)
        make = lambda runs: Para(**{**self.__dict__, "runs": runs, "text": "".join(r.text for r in runs)})  # noqa: E731
        return make(head), make(tail)

    @property
    def words(self) -> str:
        text = " ".join(self.text.split())
        return text if len(text) <= 60 else text[:57] + "…"

    def _visible(self) -> list[Run]:
        return [r for r in self.runs if r.text.strip()]

    def _styled(self) -> list[Run]:
        """The runs judged for bold, italic, capitals and size: a run of punctuation alone (the
        «:» of «Nơi nhận:» left upright, a «;» at 15 pt) is not, since its slant, weight or size
        barely shows. A paragraph of nothing but punctuation is judged by all its runs."""
        runs = self._visible()
        return [r for r in runs if not is_punctuation(r.text)] or runs

    @property
    def bold(self) -> bool:
        runs = self._styled()
        return bool(runs) and all(r.bold for r in runs)

    @property
    def italic(self) -> bool:
        runs = self._styled()
        return bool(runs) and all(r.italic for r in runs)

    @property
    def sizes(self) -> set[float]:
        runs = [r for r in self._styled() if not r.script] or self._styled()  # H₂O's «2» is set smaller
        return {r.size for r in runs if r.size is not None}

    @property
    def fonts(self) -> set[str]:
        return {r.font or "?" for r in self._visible()}

    @property
    def upper(self) -> bool:
        runs = self._styled()
        return bool(runs) and all(r.caps or r.text == r.text.upper() for r in runs)


@dataclass
class Section:
    index: int
    width_mm: float | None
    height_mm: float | None
    landscape: bool
    margins_mm: dict[str, float]
    title_page: bool
    headers: dict[str, str | None]  # default/first/even -> part name (inherited from earlier sections)
    footers: dict[str, str | None]
    first_paragraph: int = 0  # index in Document.paragraphs of the section's first paragraph
    page_start: int | None = None  # <w:pgNumType w:start>: numbering restarts here


@dataclass
class Document:
    path: Path
    paragraphs: list[Para]
    tables: list[list[list[list[Para]]]]  # table -> row -> cell -> paragraphs
    sections: list[Section]
    even_and_odd_headers: bool
    part_xml: dict[str, etree._Element]
    styles: Styles
    part_paragraphs: dict[str, list[Para]]  # headers and footers, resolved like the body
    package_problems: list = field(default_factory=list)  # package.Problem, read from the zip
    default_tab_mm: float = 12.7  # settings' defaultTabStop: where a leading <w:tab/> prints the text

    def printed_start_mm(self, p: Para) -> float:
        """Where the first line's text prints, from the indent: a paragraph opening with a tab
        prints at the next default tab stop (its own custom tab stops are not read)."""
        if not p.text.startswith("\t") or p.first_line_mm >= self.default_tab_mm:
            return p.first_line_mm
        stop = self.default_tab_mm
        while stop <= p.left_mm + p.first_line_mm:
            stop += self.default_tab_mm
        return stop - p.left_mm

    def header_has_page_field(self, part: str | None) -> bool:
        return part is not None and _has_page_field(self.part_xml.get(part))

    def page_field_paragraphs(self, part: str) -> list[Para]:
        return [p for p in self.part_paragraphs.get(part, []) if _has_page_field(p.element)]

    def body_paragraphs(self) -> list[Para]:
        return [p for p in self.paragraphs if p.table is None]

    def shown(self, section: "Section", kind: str) -> dict[str, str | None]:
        """The header (kind="headers") or footer parts Word prints on the pages of a section:
        {"first": …, "odd": …, "even": …}. A first-page part shows only under titlePg (and
        then the first page shows nothing when there is none), an even-page part only under
        evenAndOddHeaders in settings.xml; otherwise every page shows the default one. So a
        footer referenced only as `even`, without that setting, is never printed."""
        refs = getattr(section, kind)
        default = refs["default"]
        return {
            "first": refs["first"] if section.title_page else default,
            "odd": default,
            "even": refs["even"] if self.even_and_odd_headers else default,
        }

    def shown_parts(self, kind: str) -> set[str]:
        return {part for s in self.sections for part in self.shown(s, kind).values() if part}


def _has_page_field(root) -> bool:
    """A PAGE field, simple or complex (an instrText ' PAGE ' between fldChar begin/end)."""
    if root is None:
        return False
    for fld in root.iter(w("fldSimple")):
        if re.match(r"\s*PAGE\b", fld.get(w("instr"), "")):
            return True
    return any(re.match(r"\s*PAGE\b", t.text or "") for t in root.iter(w("instrText")))


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


class _Resolver:
    def __init__(self, styles: Styles):
        self.s = styles

    def _rfont(self, rpr) -> str | None:
        if rpr is None:
            return None
        rf = rpr.find(w("rFonts"))
        if rf is None:
            return None
        if rf.get(w("ascii")):
            return rf.get(w("ascii"))
        if rf.get(w("hAnsi")):
            return rf.get(w("hAnsi"))
        theme = rf.get(w("asciiTheme")) or rf.get(w("hAnsiTheme"))
        if theme:
            return self.s.theme_fonts.get("major" if theme.startswith("major") else "minor", theme)
        return None

    def run_props(self, rpr_chain: list) -> tuple[str | None, float | None, bool, bool, bool]:
        """First definition wins along the chain: run, character style, paragraph style, table, defaults."""
        font = size = bold = italic = caps = None
        for rpr in rpr_chain:
            if rpr is None:
                continue
            if font is None:
                font = self._rfont(rpr)
            if size is None and rpr.find(w("sz")) is not None:
                size = int(rpr.find(w("sz")).get(w("val"))) / 2
            if bold is None:
                bold = _on(rpr.find(w("b")))
            if italic is None:
                italic = _on(rpr.find(w("i")))
            if caps is None:
                caps = _on(rpr.find(w("caps")))
        return font, size if size is not None else 10.0, bool(bold), bool(italic), bool(caps)

    def style_rprs(self, sid: str | None) -> list:
        return [st.rpr for st in self.s.chain(sid)]

    def style_pprs(self, sid: str | None) -> list:
        return [st.ppr for st in self.s.chain(sid)]


def _ppr_value(pprs: list, getter):
    for ppr in pprs:
        if ppr is None:
            continue
        value = getter(ppr)
        if value is not None:
            return value
    return None


# The page's own colour: text in it (filler in the space for a signature) prints as nothing.
_PAPER = ("FFFFFF",)


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


def _spacing_after(ppr):
    el = ppr.find(w("spacing"))
    if el is None or el.get(w("after")) is None:
        return None
    return int(el.get(w("after"))) / 20


def _spacing_before(ppr):
    el = ppr.find(w("spacing"))
    if el is None or el.get(w("before")) is None:
        return None
    return int(el.get(w("before"))) / 20


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
    import stat

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


def load(path: Path) -> Document:
    import zlib

    z = open_package(path)
    try:
        problems = package.inspect(z)
        names = set(z.namelist())
        doc_name = "word/document.xml"
        if doc_name not in names:
            raise DocxReadError(f"{path} không có word/document.xml: không phải văn bản Word.")
        parse = lambda n: etree.fromstring(z.read(n)) if n in names else None  # noqa: E731
        root = parse(doc_name)
        styles = Styles(parse("word/styles.xml"), _theme_fonts(z))
        settings = parse("word/settings.xml")
        rels_root = parse("word/_rels/document.xml.rels")
        rels = {}
        if rels_root is not None:
            for rel in rels_root:
                if rel.get("Target") and rel.get("TargetMode") != "External":  # no target: Word skips it too
                    rels[rel.get("Id")] = "word/" + rel.get("Target").lstrip("/").removeprefix("word/")
        parts = {n: parse(n) for n in rels.values() if n in names and n.endswith(".xml")}
    except (zipfile.BadZipFile, OSError, etree.XMLSyntaxError, KeyError, zlib.error, EOFError,
            NotImplementedError, RuntimeError) as err:
        raise DocxReadError(f"{path} không đọc được như một tệp .docx: {err}") from None

    resolver = _Resolver(styles)
    body = root.find(w("body"))
    if body is None:
        raise DocxReadError(f"{path}: word/document.xml không có thân văn bản (w:body) theo chuẩn của Word "
                            f"(phần tử gốc là «{etree.QName(root).localname}» trong «{etree.QName(root).namespace}»).")
    paragraphs: list[Para] = []
    tables: list = []

    def make_para(p_el, table_style: str | None, where: tuple) -> Para:
        ppr = p_el.find(w("pPr"))
        ps = ppr.find(w("pStyle")) if ppr is not None else None
        sid = ps.get(w("val")) if ps is not None else styles.default_para
        style_pprs = resolver.style_pprs(sid)
        table_pprs = resolver.style_pprs(table_style) if table_style else []
        pprs = [ppr] + style_pprs + table_pprs + [styles.doc_ppr]
        para_rprs = resolver.style_rprs(sid)
        table_rprs = resolver.style_rprs(table_style) if table_style else []
        runs = []
        # Runs of this paragraph only: not those of text boxes anchored in it.
        for r_el in p_el.xpath("./w:r | ./w:hyperlink/w:r | ./w:fldSimple/w:r | ./w:smartTag/w:r"
                               " | ./w:ins/w:r | ./w:sdt/w:sdtContent/w:r", namespaces=NS):
            text = "".join(
                (t.text or "") if t.tag == w("t") else ("\t" if t.tag == w("tab") else "\n")
                for t in r_el if t.tag in (w("t"), w("tab"), w("br"))
            )
            rpr = r_el.find(w("rPr"))
            rs = rpr.find(w("rStyle")) if rpr is not None else None
            char_rprs = resolver.style_rprs(rs.get(w("val"))) if rs is not None else []
            chain = [rpr] + char_rprs + para_rprs + table_rprs + [styles.doc_rpr]
            font, size, bold, italic, caps = resolver.run_props(chain)
            script = _ppr_value(chain, lambda r: (r.find(w("vertAlign")).get(w("val")) in ("superscript", "subscript"))
                                if r.find(w("vertAlign")) is not None else None)
            color = _ppr_value(chain, _color)
            if _ppr_value(chain, lambda r: _on(r.find(w("vanish")))) or size == 0 or color in _PAPER:
                continue  # text Word never shows (hidden, no size, white on the page) is no element
            # Composed (NFC) text, so «KẾ HOẠCH» typed with combining marks still reads as itself.
            runs.append(Run(unicodedata.normalize("NFC", text), font, size, bold, italic, caps, bool(script),
                            None if color in (None, "AUTO", "000000") else color))
        style = styles.by_id.get(sid)
        line = _ppr_value(pprs, _line)
        return Para(
            index=len(paragraphs) if where != _NOWHERE else -1, text="".join(r.text for r in runs),
            style_name=style.name if style else (sid or "Normal"), runs=runs,
            alignment=_ppr_value(pprs, _jc), first_line_mm=_ppr_value(pprs, _ind("firstLine")) or 0.0,
            left_mm=_ppr_value(pprs, _ind("left")) or 0.0, space_after_pt=_ppr_value(pprs, _spacing_after),
            space_before_pt=_ppr_value(pprs, _spacing_before),
            line_spacing=line, has_border_below=bool(_ppr_value([ppr] + style_pprs, _border("bottom"))),
            has_border_above=bool(_ppr_value([ppr] + style_pprs, _border("top"))),
            table=where[0], row=where[1], cell=where[2], element=p_el,
        )

    def walk(container, table_style, where):
        for child in container:
            if child.tag == w("p"):
                paragraphs.append(make_para(child, table_style, where))
            elif child.tag == w("tbl"):
                tpr = child.find(w("tblPr"))
                ts = tpr.find(w("tblStyle")) if tpr is not None else None
                tstyle = ts.get(w("val")) if ts is not None else styles.default_table
                t_index = len(tables)
                grid: list = []
                tables.append(grid)
                for ri, tr in enumerate(child.iterfind(w("tr"))):
                    row: list = []
                    grid.append(row)
                    for ci, tc in enumerate(tr.iterfind(w("tc"))):
                        start = len(paragraphs)
                        walk(tc, tstyle, (t_index, ri, ci) if where[0] is None else where)
                        row.append(paragraphs[start:])
            elif child.tag in (w("sdt"), w("sdtContent"), w("customXml"), w("ins")):
                walk(child, table_style, where)

    walk(body, None, (None, None, None))
    part_paragraphs = {name: [make_para(p, None, _NOWHERE) for p in root_.iter(w("p"))]
                       for name, root_ in parts.items() if root_ is not None and re.search(r"(header|footer)\d*\.xml$", name)}

    sections: list[Section] = []
    index_of = {id(p.element): p.index for p in paragraphs}
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
        sections.append(Section(i, width, height, landscape, margins, _on(sect.find(w("titlePg"))) is True,
                                dict(inherited["headers"]), dict(inherited["footers"]), starts_at,
                                int(start) if start and start.lstrip("-").isdigit() else None))
        owner = sect.getparent().getparent() if sect.getparent().tag == w("pPr") else None
        if owner is not None and id(owner) in index_of:
            starts_at = index_of[id(owner)] + 1
    even_odd = settings is not None and _on(settings.find(w("evenAndOddHeaders"))) is True
    tab = settings.find(w("defaultTabStop")) if settings is not None else None
    tab_mm = int(tab.get(w("val"))) * TWIP_MM if tab is not None and (tab.get(w("val")) or "").isdigit() else 12.7
    return Document(path, paragraphs, tables, sections, even_odd, parts, styles, part_paragraphs, problems,
                    tab_mm or 12.7)
