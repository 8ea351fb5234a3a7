"""The shapes Word prints as a rule line: the short line under the issuing body's name and under
the motto, which offices draw in every way Word offers. VML (Word 2003 and documents converted
from it): v:line; v:shape with a straight path or the straight-connector shape type; a thin
filled v:rect or v:shape. DrawingML (Word 2007 on): a wps:wsp with the line or straight
connector geometry, a custom path of one segment, or a thin filled rectangle. A shape whose
stroke is switched off (and that is not a filled bar) prints nothing and is no rule.
"""
from __future__ import annotations

import re

from lxml import etree

V = "urn:schemas-microsoft-com:vml"
O = "urn:schemas-microsoft-com:office:office"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
THIN_PT = 2.5  # a filled bar this high or less prints as a line
EMU_PER_PT = 12700
_STRAIGHT = re.compile(r"\s*m\s*[-\d.@,\s]+?l\s*-?[\d.@]+\s*,\s*-?[\d.@]+\s*(x\s*)?(e\s*)?$", re.I)
_UNITS = {"pt": 1.0, "in": 72.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "px": 0.75, "": 0.75}  # unitless: px


def _off(value: str | None) -> bool:
    return (value or "").strip().lower() in ("f", "false", "0", "off")


def _style_pt(style: str, key: str) -> float | None:
    m = re.search(rf"(?:^|;)\s*{key}\s*:\s*(-?[\d.]+)\s*([a-z]*)", style or "", re.I)
    if not m:
        return None
    return float(m.group(1)) * _UNITS.get(m.group(2).lower(), 0.75)


def _vml(el) -> bool:
    name = etree.QName(el).localname
    stroke = not _off(el.get("stroked"))
    stroke_el = el.find(f"{{{V}}}stroke")
    if stroke_el is not None and _off(stroke_el.get("on")):
        stroke = False
    filled = not _off(el.get("filled", "t")) and name != "line"
    height = _style_pt(el.get("style", ""), "height")
    thin_bar = filled and height is not None and 0 <= height <= THIN_PT
    if name == "line":
        return stroke
    if name == "shape":
        straight = (el.get("type", "").endswith("_x0000_t32") or el.get(f"{{{O}}}connectortype") == "straight"
                    or bool(_STRAIGHT.fullmatch(el.get("path", "") or "")))
        return (straight and stroke) or thin_bar or (stroke and height is not None and height <= 0.1)
    if name == "rect":
        return thin_bar or (stroke and height is not None and height <= 0.1)
    return False


def _wps(sp) -> bool:
    props = sp.find(f"{{{WPS}}}spPr")
    if props is None:
        return False
    ln = props.find(f"{{{A}}}ln")
    stroke = ln is None or ln.find(f"{{{A}}}noFill") is None
    filled = props.find(f"{{{A}}}solidFill") is not None
    ext = props.find(f"{{{A}}}xfrm/{{{A}}}ext")
    height = int(ext.get("cy", "0")) / EMU_PER_PT if ext is not None and (ext.get("cy") or "").isdigit() else None
    prst = props.find(f"{{{A}}}prstGeom")
    if prst is not None and prst.get("prst") in ("line", "straightConnector1"):
        return stroke
    cust = props.find(f"{{{A}}}custGeom/{{{A}}}pathLst/{{{A}}}path")
    if cust is not None and [etree.QName(c).localname for c in cust] in (["moveTo", "lnTo"], ["moveTo", "lnTo", "close"]):
        return stroke
    return filled and height is not None and height <= THIN_PT


def draws_a_rule(xml) -> bool:
    """Some shape in this element (a paragraph) prints as a rule line."""
    if xml is None:
        return False
    for el in xml.iter(f"{{{V}}}line", f"{{{V}}}shape", f"{{{V}}}rect"):
        if _vml(el):
            return True
    return any(_wps(sp) for sp in xml.iter(f"{{{WPS}}}wsp"))
