"""A .docx's styles as Word applies them, for whoever needs them: the checker reading a stranger's
document and the certificates fitting text in a box. A property is looked for along the run's own
properties, its character style, the paragraph's style (the default paragraph style when it names
none) and the styles it is based on, the table's style, then the document's defaults; the first
definition wins. Toggles count «0», «false», «off» and «none» as off, as Word does."""
from __future__ import annotations

from typing import Callable, NamedTuple

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# Word's size for text no style sizes (no w:sz down to the document's defaults).
DEFAULT_SIZE = 10.0


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def on(el) -> bool | None:
    """A toggle property (<w:b/>, <w:b w:val="0"/>): True, False, or None when absent."""
    if el is None:
        return None
    return el.get(w("val"), "true") not in ("0", "false", "off", "none")


class Style(NamedTuple):
    sid: str
    name: str
    kind: str  # "paragraph", "character", "table", "numbering"
    based_on: str | None
    rpr: etree._Element | None
    ppr: etree._Element | None


class Look(NamedTuple):
    """How a run prints: what the measuring of text and the checker's rules ask of it."""
    font: str | None  # None: no style names one
    size: float  # points
    bold: bool
    italic: bool
    caps: bool  # printed in capitals whatever was typed


def first(chain: list, getter: Callable):
    """The first definition along a chain of property elements (None: not defined anywhere)."""
    for props in chain:
        if props is not None:
            value = getter(props)
            if value is not None:
                return value
    return None


class StyleSheet:
    """word/styles.xml read once: the styles by id, the defaults, and each property resolved."""

    def __init__(self, root: etree._Element | None, theme_fonts: dict[str, str] | None = None):
        self.by_id: dict[str, Style] = {}
        self.default_para: str | None = None
        self.default_table: str | None = None
        self.doc_rpr = self.doc_ppr = None
        self.theme_fonts = theme_fonts or {}
        self._looks: dict = {}
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

    @classmethod
    def parse(cls, xml: bytes, theme_fonts: dict[str, str] | None = None) -> StyleSheet:
        return cls(etree.fromstring(xml), theme_fonts)

    def chain(self, sid: str | None) -> list[Style]:
        """The style and those it is based on, nearest first (a loop of basedOn ends the chain)."""
        out, seen = [], set()
        while sid and sid in self.by_id and sid not in seen:
            seen.add(sid)
            out.append(self.by_id[sid])
            sid = self.by_id[sid].based_on
        return out

    def paragraph_style(self, ppr) -> str | None:
        """The style a paragraph prints in: the one it names, else the default paragraph style."""
        ps = ppr.find(w("pStyle")) if ppr is not None else None
        return ps.get(w("val")) if ps is not None else self.default_para

    def style_rprs(self, sid: str | None) -> list:
        return [st.rpr for st in self.chain(sid)]

    def style_pprs(self, sid: str | None) -> list:
        return [st.ppr for st in self.chain(sid)]

    def paragraph_chain(self, ppr, sid: str | None, table_sid: str | None = None) -> list:
        """The pPr elements a paragraph's properties are looked for in, nearest first."""
        return [ppr] + self.style_pprs(sid) + (self.style_pprs(table_sid) if table_sid else []) + [self.doc_ppr]

    def run_chain(self, rpr, sid: str | None, table_sid: str | None = None) -> list:
        """The rPr elements a run's properties are looked for in, nearest first: the run's own,
        its character style's, its paragraph style's, its table style's, the defaults."""
        rs = rpr.find(w("rStyle")) if rpr is not None else None
        char = self.style_rprs(rs.get(w("val"))) if rs is not None else []
        return [rpr] + char + self.style_rprs(sid) + (self.style_rprs(table_sid) if table_sid else []) + [self.doc_rpr]

    def look(self, chain: list) -> Look:
        size = first(chain, _size)
        return Look(first(chain, self._font), DEFAULT_SIZE if size is None else size,
                    bool(first(chain, lambda r: on(r.find(w("b"))))), bool(first(chain, lambda r: on(r.find(w("i"))))),
                    bool(first(chain, lambda r: on(r.find(w("caps"))))))

    def run_look(self, rpr, sid: str | None) -> Look:
        """A run's look in a paragraph of style sid (no table), kept: the same run formatting
        comes back on every certificate."""
        key = (sid, None if rpr is None else etree.tostring(rpr))
        found = self._looks.get(key)
        if found is None:
            found = self._looks[key] = self.look(self.run_chain(rpr, sid))
        return found

    def spacing(self, ppr, sid: str | None) -> tuple[float, float]:
        """Points before and after a paragraph (no table)."""
        chain = self.paragraph_chain(ppr, sid)
        return first(chain, space_before) or 0.0, first(chain, space_after) or 0.0

    def _font(self, rpr) -> str | None:
        rf = rpr.find(w("rFonts"))
        if rf is None:
            return None
        if rf.get(w("ascii")):
            return rf.get(w("ascii"))
        if rf.get(w("hAnsi")):
            return rf.get(w("hAnsi"))
        theme = rf.get(w("asciiTheme")) or rf.get(w("hAnsiTheme"))
        if theme:
            return self.theme_fonts.get("major" if theme.startswith("major") else "minor", theme)
        return None


def _size(rpr) -> float | None:
    sz = rpr.find(w("sz"))
    return int(sz.get(w("val"))) / 2 if sz is not None and (sz.get(w("val")) or "").isdigit() else None


def space_after(ppr) -> float | None:
    el = ppr.find(w("spacing"))
    return int(el.get(w("after"))) / 20 if el is not None and el.get(w("after")) is not None else None


def space_before(ppr) -> float | None:
    el = ppr.find(w("spacing"))
    return int(el.get(w("before"))) / 20 if el is not None and el.get(w("before")) is not None else None
