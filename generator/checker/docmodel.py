"""A .docx read the way Word shows it: each property resolved through the run, its character
style, the paragraph style chain, the table style and the document defaults.

Read straight from the package's XML with lxml (no python-docx objects), because the checker
must also read documents that python-docx would not write: legacy fonts in the Normal style,
bold switched off per run, headers that only some sections or only even pages carry.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

from lxml import etree

from ..styles import StyleSheet


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS = {"w": W, "r": R, "a": A}
TWIP_MM = 25.4 / 1440


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


_NOWHERE = ("part", None, None)  # a header or footer paragraph


def is_punctuation(text: str) -> bool:
    """Only punctuation and spaces: «:», «;», «./.», «(», a typed rule line."""
    text = "".join(text.split())
    return bool(text) and all(unicodedata.category(c).startswith("P") or c in "_" for c in text)


def is_typed_rule(text: str) -> bool:
    """A line drawn by typing underscores or dashes (offices type the rule under the motto
    this way): a rule, not a word; with an ornament or two in it («_____&_____», «----¯----»)."""
    squeezed = "".join(text.split())
    dashes = len(re.findall(r"[_\-–—]", squeezed))
    return dashes >= 3 and len(squeezed) - dashes <= 3 and not re.search(r"[^\W_]", squeezed)


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
    # Its own space before and after is not printed next to a paragraph of the same style.
    contextual_spacing: bool = False

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
    new_page: bool = True  # not a continuous section break: the section opens a page of its own


@dataclass
class Document:
    path: Path
    paragraphs: list[Para]
    tables: list[list[list[list[Para]]]]  # table -> row -> cell -> paragraphs
    sections: list[Section]
    even_and_odd_headers: bool
    part_xml: dict[str, etree._Element]
    styles: StyleSheet
    part_paragraphs: dict[str, list[Para]]  # headers and footers, resolved like the body
    package_faults: list = field(default_factory=list)  # package.Fault, read from the zip
    default_tab_mm: float = 12.7  # settings' defaultTabStop: where a leading <w:tab/> prints the text

    def printed_start_mm(self, p: Para) -> float:
        """Where the first line prints, from the margin (NĐ 30's «lùi vào» is seen on the page):
        the left indent plus the first-line one (a hanging indent, a numbered item's label,
        counts back from the left); a paragraph opening with a tab prints at the next default
        tab stop, which Word counts from the margin (its own custom tab stops are not read)."""
        start = p.left_mm + p.first_line_mm
        if not p.text.startswith("\t") or p.first_line_mm >= self.default_tab_mm:
            return start
        stop = self.default_tab_mm
        while stop <= start:
            stop += self.default_tab_mm
        return stop

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
