"""The package as Word reads it, before any formatting: parts, relationships, content types and
the structure Word refuses to open without "repair". No schema is needed: each rule is one
thing Word is strict about, reported with the part it is in.

Markup compatibility is read as Word 2010+ reads it: inside mc:AlternateContent only the first
mc:Choice counts (a shape's mc:Fallback repeats its docPr id and its text box's tables).
"""
from __future__ import annotations

import posixpath
import re
import zipfile
from collections import Counter
from typing import NamedTuple

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
NS = {"w": W, "mc": MC, "wp": WP}

# Marks that may stand after a cell's last paragraph without being content.
_RANGE_MARKS = {f"{{{W}}}{t}" for t in (
    "bookmarkStart", "bookmarkEnd", "commentRangeStart", "commentRangeEnd", "permStart", "permEnd",
    "proofErr", "moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd")}
_STORY = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml$")


class Fault(NamedTuple):
    rule: str
    part: str
    message: str


# rule id -> title; the rules module reports each as a rule of its own.
CHECKS = {
    "goi_trung_ten": "Gói .docx: không có hai mục cùng tên",
    "goi_xml": "Gói .docx: mỗi phần văn bản là XML đọc được",
    "goi_kieu_noi_dung": "Gói .docx: mỗi phần có kiểu nội dung ([Content_Types].xml)",
    "goi_quan_he": "Gói .docx: mỗi quan hệ trỏ tới một phần có thật",
    "goi_bang": "Bảng có lưới cột (w:tblGrid) và không hàng nào rộng hơn lưới",
    "goi_o_bang": "Mỗi ô bảng kết thúc bằng một đoạn văn",
    "goi_sectpr": "Thuộc tính mục cuối (w:sectPr) đứng cuối thân văn bản",
    "goi_trung_id": "Không trùng số hiệu hình (wp:docPr) hay dấu trang (bookmark) trong một phần",
}


def _source_of(rels_name: str) -> str:
    """word/_rels/document.xml.rels -> word/document.xml; _rels/.rels -> the package root ("")."""
    folder, name = posixpath.split(rels_name)
    return posixpath.join(posixpath.dirname(folder), name[: -len(".rels")])


def _target(source: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target)).lstrip("/")


def _as_word_reads(root: etree._Element) -> etree._Element:
    for alt in root.xpath("//mc:AlternateContent", namespaces=NS):
        branches = [b for b in alt if isinstance(b.tag, str)]
        keep = next((b for b in branches if b.tag == f"{{{MC}}}Choice"), branches[-1] if branches else None)
        for b in branches:
            if b is not keep:
                alt.remove(b)
    return root


def _package_level(z: zipfile.ZipFile, names: list[str]) -> list[Fault]:
    out = []
    for name, n in Counter(n.lower() for n in names).items():
        if n > 1:
            out.append(Fault("goi_trung_ten", name, f"mục «{name}» có {n} lần trong tệp zip; Word không mở được gói như vậy."))
    try:
        ct = etree.fromstring(z.read("[Content_Types].xml"))
    except (KeyError, etree.XMLSyntaxError):
        return out + [Fault("goi_kieu_noi_dung", "[Content_Types].xml", "thiếu hoặc hỏng [Content_Types].xml.")]
    defaults = {e.get("Extension", "").lower() for e in ct.iterfind(f"{{{CT}}}Default")}
    overrides = {e.get("PartName", "").lstrip("/").lower() for e in ct.iterfind(f"{{{CT}}}Override")}
    parts = [n for n in dict.fromkeys(names) if not n.endswith("/") and n != "[Content_Types].xml"]
    for name in parts:
        ext = name.rsplit(".", 1)[-1].lower() if "." in posixpath.basename(name) else ""
        if name.lower() not in overrides and ext not in defaults:
            out.append(Fault("goi_kieu_noi_dung", name, f"phần «{name}» không có kiểu nội dung trong [Content_Types].xml."))
    existing = {n.lower() for n in parts}
    for rels in (n for n in parts if n.endswith(".rels")):
        try:
            root = etree.fromstring(z.read(rels))
        except etree.XMLSyntaxError as err:
            out.append(Fault("goi_quan_he", rels, f"không đọc được: {err}."))
            continue
        source = _source_of(rels)
        for rel in root.iterfind(f"{{{PKG_REL}}}Relationship"):
            if rel.get("TargetMode") == "External":
                continue
            target = _target(source, rel.get("Target", ""))
            if target.lower() not in existing:
                out.append(Fault("goi_quan_he", rels,
                                   f"quan hệ {rel.get('Id')} trỏ tới «{target}», phần này không có trong gói."))
    return out


def _story_level(name: str, root: etree._Element) -> list[Fault]:
    out = []
    root = _as_word_reads(root)
    for ti, tbl in enumerate(root.iter(f"{{{W}}}tbl"), 1):
        grid = tbl.find(f"{{{W}}}tblGrid")
        if grid is None:
            out.append(Fault("goi_bang", name, f"bảng {ti} không có lưới cột (w:tblGrid)."))
            continue
        cols = len(grid.findall(f"{{{W}}}gridCol"))
        for ri, tr in enumerate(tbl.iterfind(f"{{{W}}}tr"), 1):
            cells = tr.xpath("./w:tc | ./w:sdt/w:sdtContent/w:tc | ./w:customXml/w:tc", namespaces=NS)
            span = 0
            for tc in cells:
                gs = tc.find(f"{{{W}}}tcPr/{{{W}}}gridSpan")
                span += int(gs.get(f"{{{W}}}val", "1")) if gs is not None else 1
            for edge in ("gridBefore", "gridAfter"):
                el = tr.find(f"{{{W}}}trPr/{{{W}}}{edge}")
                span += int(el.get(f"{{{W}}}val", "0")) if el is not None else 0
            if span > cols:
                out.append(Fault("goi_bang", name, f"bảng {ti}, hàng {ri} rộng {span} ô nhưng lưới chỉ có {cols} cột."))
    for ci, tc in enumerate(root.iter(f"{{{W}}}tc"), 1):
        blocks = [c for c in tc if isinstance(c.tag, str) and c.tag != f"{{{W}}}tcPr" and c.tag not in _RANGE_MARKS]
        if not blocks or blocks[-1].tag != f"{{{W}}}p":
            text = "".join(tc.itertext()).strip()[:40]
            out.append(Fault("goi_o_bang", name, f"ô bảng «{text}» không kết thúc bằng một đoạn văn (w:p)."))
    body = root.find(f"{{{W}}}body")
    if body is not None:
        children = [c for c in body if isinstance(c.tag, str)]
        sect = body.find(f"{{{W}}}sectPr")
        if sect is not None and children[-1] is not sect:
            out.append(Fault("goi_sectpr", name, "w:sectPr của thân văn bản không đứng cuối cùng."))
    for what, ids in (("số hiệu hình wp:docPr", root.xpath("//wp:docPr/@id", namespaces=NS)),
                      ("số hiệu dấu trang (bookmark)", root.xpath("//w:bookmarkStart/@w:id", namespaces=NS))):
        dup = sorted(i for i, n in Counter(ids).items() if n > 1)
        if dup:
            out.append(Fault("goi_trung_id", name, f"trùng {what}: {', '.join(dup[:5])}."))
    return out


def inspect(z: zipfile.ZipFile) -> list[Fault]:
    names = z.namelist()
    out = _package_level(z, names)
    for name in dict.fromkeys(names):
        if _STORY.match(name):
            try:
                root = etree.fromstring(z.read(name))
            except etree.XMLSyntaxError as err:
                out.append(Fault("goi_xml", name, f"phần «{name}» không phải XML hợp lệ: {err}."))
                continue
            out += _story_level(name, root)
    return out
