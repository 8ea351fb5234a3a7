"""The certificates' layout: the rendered template's paragraphs placed in boxes at positions in
millimetres, one page per certificate.

The template holds the wording and the look: each block is a paragraph (or a few) in a style
named «BK <box>», inside one loop over the certificates. The config holds where each box sits
on the paper (moved by the printer's offset). This step puts each certificate on its own page
as one borderless table whose rows and columns are cut at the boxes' edges and whose row
heights are exact: a box is a merged cell, so its text starts exactly where the config says,
wraps inside its width, and cannot push anything else. Text too long for its box is shrunk,
down to the box's min_size, before it is printed; text that cannot fit even so stops the build
with the awardee's name. (Frames would do the same in Word, but LibreOffice lays out two
thousand pages of frames fifteen times slower than tables.)
"""
from __future__ import annotations

import copy
import io
import zipfile
from typing import NamedTuple

from lxml import etree

from . import textfit
from .exceptions import LayoutError
from .output import normalize_docx
from .styles import StyleSheet

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
PREFIX = "BK "  # the style name of a box: «BK Ten» is the box «Ten» of the config
MM = 1440 / 25.4  # twips per millimetre
LINE = 1.2  # line height, times the font size (exact, so a box's height is known before printing)
# Room kept below the last line, times the font size: the glyphs' own box (what a PDF reader
# reports) reaches this far below a line of exact height 1.2.
DESCENT = 0.15
ROOM = 0.97  # wrap a little early: Word and LibreOffice do not break at exactly the same point


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _text(p) -> str:
    out = []
    for el in p.iter(_w("t"), _w("br"), _w("tab")):
        out.append(el.text or "" if el.tag == _w("t") else "\n" if el.tag == _w("br") else " ")
    return "".join(out)


def _twips(pt: float) -> int:
    return int(round(pt * 20))


class PrintedBox(NamedTuple):
    """A config's box (model.Box, mm) as it is printed: moved by the printer's offset, in twips."""
    name: str
    left: int  # twips from the paper's edges
    top: int
    width: int
    height: int
    min_size: float | None


def _boxes(layout: dict) -> dict[str, PrintedBox]:
    dx, dy = layout["offset"]
    return {name: PrintedBox(name, round((b["x"] + dx) * MM), round((b["y"] + dy) * MM), round(b["w"] * MM),
                      round(b["h"] * MM), b.get("min_size"))
            for name, b in layout["boxes"].items()}


def _fit(paragraphs: list, box: PrintedBox, styles: StyleSheet, who: str, known: dict) -> None:
    """Exact line heights for every paragraph of the box, and its runs shrunk until the text fits
    the box's height, wrapped at its width; the template's sizes when it fits as it is. `known`:
    the scale found for the same text in the same box (most boxes read the same on every page)."""
    looks = []
    for p in paragraphs:
        ppr = p.find("w:pPr", NS)
        sid = styles.paragraph_style(ppr)
        runs = [(r, styles.run_look(r.find("w:rPr", NS), sid)) for r in p.iterfind("w:r", NS)]
        before, after = styles.spacing(ppr, sid)
        base = styles.run_look(None, sid)
        looks.append((p, runs, before, after, max([lk.size for _, lk in runs] or [base.size]), base))
    key = (box.name, tuple((_text(p), tuple(lk for _, lk in runs), before, after) for p, runs, before, after, _, _ in looks))
    scale = known.get(key)
    if scale is None:
        scale = known[key] = _scale(looks, box, who)
    _apply(looks, scale)


def _scale(looks: list, box: PrintedBox, who: str) -> float:
    room = box.width / 20 * ROOM
    biggest = max(size for *_, size, _ in looks)
    least = box.min_size if box.min_size is not None else biggest
    scale = 1.0
    while True:
        need = 0.0
        for p, runs, before, after, size, base in looks:
            text = _text(p)
            look = runs[0][1] if runs else base
            if any(lk.caps for _, lk in runs) or (not runs and base.caps):
                text = text.upper()
            face = textfit.face(look.font, look.bold, look.italic)
            # the widest face of the paragraph measures all of it: wide on purpose, never narrow
            widths = [textfit.face(lk.font, lk.bold, lk.italic) for _, lk in runs] or [face]
            n = max(textfit.lines(text, f, size * scale, room) for f in widths)
            need += before + after + n * size * scale * LINE
        if need + DESCENT * looks[-1][4] * scale <= box.height / 20:
            break
        if biggest * (scale - 0.02) < least - 1e-9:
            raise LayoutError(f"{who}: chữ trong ô «{box.name}» quá dài, thu nhỏ tới cỡ {least:g} vẫn không vừa ô "
                              f"{box.width / MM:.0f}×{box.height / MM:.0f} mm. Nới rộng ô (certificates.boxes), giảm "
                              "min_size, hoặc rút gọn chữ.")
        scale -= 0.02
    return scale


def _apply(looks: list, scale: float) -> None:
    for p, runs, _, _, size, _ in looks:
        ppr = p.find("w:pPr", NS)
        if ppr is None:
            ppr = etree.SubElement(p, _w("pPr"))
            p.insert(0, ppr)
        for old in ppr.findall("w:framePr", NS):
            ppr.remove(old)
        spacing = ppr.find("w:spacing", NS)
        if spacing is None:
            spacing = etree.SubElement(ppr, _w("spacing"))
            _order(ppr, spacing)
        spacing.set(_w("line"), str(_twips(size * scale * LINE)))
        spacing.set(_w("lineRule"), "exact")
        if scale < 1.0:
            for r, look in runs:
                rpr = r.find("w:rPr", NS)
                if rpr is None:
                    rpr = etree.Element(_w("rPr"))
                    r.insert(0, rpr)
                for tag in ("sz", "szCs"):
                    el = rpr.find(f"w:{tag}", NS)
                    if el is None:
                        el = etree.SubElement(rpr, _w(tag))
                        _order(rpr, el)
                    el.set(_w("val"), str(max(2, int(round(look.size * scale * 2)))))


# The schema's order of the pPr and rPr children this step may add (Word refuses other orders).
_PPR = ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
        "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
        "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
        "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
        "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"]
_RPR = ["rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
        "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing",
        "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText",
        "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath"]


def _order(parent, child) -> None:
    order = _PPR if parent.tag == _w("pPr") else _RPR
    local = etree.QName(child).localname
    parent.remove(child)
    rank = order.index(local)
    for i, sibling in enumerate(parent):
        name = etree.QName(sibling).localname
        if name in order and order.index(name) > rank:
            parent.insert(i, child)
            return
    parent.append(child)


def _tiny_paragraph(page_break: bool = False):
    """A paragraph one point high: the anchor of a page (and its page break), nothing to read."""
    return copy.deepcopy(_TINY[page_break])


def _make_tiny(page_break: bool):
    p = etree.Element(_w("p"))
    ppr = etree.SubElement(p, _w("pPr"))
    if page_break:
        etree.SubElement(ppr, _w("pageBreakBefore"))
    spacing = etree.SubElement(ppr, _w("spacing"))
    spacing.attrib.update({_w("before"): "0", _w("after"): "0", _w("line"): "20", _w("lineRule"): "exact"})
    rpr = etree.SubElement(ppr, _w("rPr"))
    etree.SubElement(rpr, _w("sz")).set(_w("val"), "2")
    return p


_TINY = {flag: _make_tiny(flag) for flag in (False, True)}


def _page(boxes: list[PrintedBox], content: dict[str, list], paper_width: int, skeletons: dict):
    """One certificate: a table cut at every box edge, each box a merged cell holding its
    paragraphs. The empty table is made once per set of boxes and copied for each page."""
    key = tuple(b.name for b in boxes)
    if key not in skeletons:
        skeletons[key] = _skeleton(boxes, paper_width)
    tbl = copy.deepcopy(skeletons[key])
    for tc in tbl.iter(_w("tc")):
        name = tc.get("box")
        if name is not None:
            del tc.attrib["box"]
            tc.extend(content[name])
    return tbl


def _skeleton(boxes: list[PrintedBox], paper_width: int):
    """The table of one page with its cells empty: a box's first cell is marked with its name."""
    ys = sorted({b.top for b in boxes} | {b.top + b.height for b in boxes})
    xs = sorted({0, paper_width} | {b.left for b in boxes} | {b.left + b.width for b in boxes})
    tbl = etree.Element(_w("tbl"))
    pr = etree.SubElement(tbl, _w("tblPr"))
    etree.SubElement(pr, _w("tblW")).attrib.update({_w("w"): str(paper_width), _w("type"): "dxa"})
    etree.SubElement(pr, _w("tblLayout")).set(_w("type"), "fixed")
    margins = etree.SubElement(pr, _w("tblCellMar"))
    for side in ("top", "left", "bottom", "right"):
        etree.SubElement(margins, _w(side)).attrib.update({_w("w"): "0", _w("type"): "dxa"})
    etree.SubElement(pr, _w("tblLook")).attrib.update({_w("val"): "0000", _w("firstRow"): "0", _w("lastRow"): "0",
                                                       _w("firstColumn"): "0", _w("lastColumn"): "0",
                                                       _w("noHBand"): "1", _w("noVBand"): "1"})
    grid = etree.SubElement(tbl, _w("tblGrid"))
    for a, b in zip(xs, xs[1:]):
        etree.SubElement(grid, _w("gridCol")).set(_w("w"), str(b - a))
    for top, bottom in zip(ys, ys[1:]):
        tr = etree.SubElement(tbl, _w("tr"))
        trpr = etree.SubElement(tr, _w("trPr"))
        etree.SubElement(trpr, _w("cantSplit"))
        etree.SubElement(trpr, _w("trHeight")).attrib.update({_w("val"): str(bottom - top), _w("hRule"): "exact"})
        col = 0
        empty_from = None
        while col < len(xs) - 1:
            box = next((b for b in boxes if b.left == xs[col] and b.top <= top and bottom <= b.top + b.height), None)
            if box is None:
                empty_from = col if empty_from is None else empty_from
                col += 1
                continue
            if empty_from is not None:
                _cell(tr, xs, empty_from, col, None, None)
                empty_from = None
            end = xs.index(box.left + box.width)
            merge = None if box.height == bottom - top else ("restart" if box.top == top else "continue")
            _cell(tr, xs, col, end, merge, box.name if box.top == top else None)
            col = end
        if empty_from is not None:
            _cell(tr, xs, empty_from, col, None, None)
    return tbl


def _cell(tr, xs: list[int], start: int, end: int, merge: str | None, box: str | None) -> None:
    tc = etree.SubElement(tr, _w("tc"))
    pr = etree.SubElement(tc, _w("tcPr"))
    etree.SubElement(pr, _w("tcW")).attrib.update({_w("w"): str(xs[end] - xs[start]), _w("type"): "dxa"})
    if end - start > 1:
        etree.SubElement(pr, _w("gridSpan")).set(_w("val"), str(end - start))
    if merge:
        el = etree.SubElement(pr, _w("vMerge"))
        if merge == "restart":
            el.set(_w("val"), "restart")
    if box:
        tc.set("box", box)  # filled by _page with the box's paragraphs
    else:
        tc.append(_tiny_paragraph())


def lay_out(data: bytes, ctx: dict) -> bytes:
    """The rendered certificates (.docx bytes) with every certificate on its own page, its boxes
    where ctx["layout"] puts them; written as every package is (output.normalize_docx)."""
    layout = ctx["layout"]
    boxes = _boxes(layout)
    width, height = round(layout["width"] * MM), round(layout["height"] * MM)
    zin = zipfile.ZipFile(io.BytesIO(data))
    styles = StyleSheet.parse(zin.read("word/styles.xml"))
    doc = etree.fromstring(zin.read("word/document.xml"))
    body = doc.find("w:body", NS)
    sect = body.find("w:sectPr", NS)
    by_id = {sid: st.name[len(PREFIX):] for sid, st in styles.by_id.items() if st.name.startswith(PREFIX)}
    pages: list[dict[str, list]] = []
    first = None
    previous = None
    # The loop repeats the template's boxes once per certificate: a page begins where the first
    # box comes again after another. Everything is taken out of the body and put back placed.
    for el in list(body):
        if el is sect:
            continue
        body.remove(el)
        if el.tag != _w("p"):
            continue
        ps = el.find("w:pPr/w:pStyle", NS)
        name = by_id.get(ps.get(_w("val"))) if ps is not None else None
        if name is None:
            previous = None  # a paragraph outside the boxes (the loop's own) is dropped
            continue
        if first is None:
            first = name
        if name == first and previous != first:
            pages.append({})
        if not pages:
            continue
        if name in pages[-1] and previous != name:
            raise LayoutError(f"mẫu Bằng khen: ô «{name}» xuất hiện hai lần trên một trang; các đoạn của một ô "
                              "phải liền nhau.")
        pages[-1].setdefault(name, []).append(el)
        previous = name
    unknown = sorted({name for page in pages for name in page} - set(boxes))
    if unknown:
        raise LayoutError(f"mẫu Bằng khen dùng kiểu chữ {', '.join(PREFIX + u for u in unknown)} nhưng "
                          f"certificates.boxes.{ctx['certificate']['mode']} không có vị trí ô {', '.join(unknown)}.")
    certs = ctx["certificates"]
    if len(pages) != len(certs):
        raise LayoutError(f"mẫu Bằng khen cho {len(pages)} trang nhưng có {len(certs)} người được khen; mẫu cần đúng "
                          "một vòng {%p for c in certificates %} … {%p endfor %} bao tất cả các ô.")
    used = sorted({name for page in pages for name in page}, key=lambda n: (boxes[n].top, boxes[n].left))
    placed = [boxes[n] for n in used]
    top = min(b.top for b in placed)
    known: dict = {}
    skeletons: dict = {}
    for i, (page, cert) in enumerate(zip(pages, certs)):
        who = f"Bằng khen số sổ {cert['so_so']} ({cert['name']}, {cert['unit']})"
        for name, paragraphs in page.items():
            _fit(paragraphs, boxes[name], styles, who, known)
        body.insert(len(body) - 1, _tiny_paragraph(page_break=i > 0))
        body.insert(len(body) - 1, _page([b for b in placed if b.name in page], page, width, skeletons))
    _page_setup(sect, width, height, max(0, top - 20))
    laid_out = etree.tostring(doc, xml_declaration=True, encoding="UTF-8", standalone=True)
    return normalize_docx(data, rewrite=lambda name, body: laid_out if name == "word/document.xml" else body)


def _page_setup(sect, width: int, height: int, top: int) -> None:
    """Landscape paper; the page starts where the highest box does (less the one-point anchor),
    every other margin nil: the boxes' positions are the paper's."""
    size = sect.find("w:pgSz", NS)
    size.attrib.clear()
    size.attrib.update({_w("w"): str(width), _w("h"): str(height), _w("orient"): "landscape"})
    mar = sect.find("w:pgMar", NS)
    mar.attrib.clear()
    mar.attrib.update({_w(k): str(v) for k, v in (("top", top), ("right", 0), ("bottom", 0), ("left", 0),
                                                  ("header", 0), ("footer", 0), ("gutter", 0))})
    for ref in sect.findall("w:headerReference", NS) + sect.findall("w:footerReference", NS):
        sect.remove(ref)
    title = sect.find("w:titlePg", NS)
    if title is not None:
        sect.remove(title)
