"""The rules of NĐ 30/2020 (Phụ lục I) as code, one function each.

Every rule reports one of three statuses, so nobody mistakes silence for a pass:
ĐẠT (checked, fine), KHÔNG ĐẠT (checked, with findings), KHÔNG ĐÁNH GIÁ ĐƯỢC (the element it
checks was not found, or LibreOffice was needed and is missing). Each finding has a severity:
LỖI departs from NĐ 30, LƯU Ý is allowed but unusual, THÔNG TIN is normal for a draft (a number
or a day left blank for the office). Only LỖI makes the checker exit 1.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from ..findings import LOI, LUU_Y, THONG_TIN, Finding  # noqa: F401  (re-exported)
from . import package
from .docmodel import Document, Para, is_typed_rule

DAT, KHONG_DAT, KHONG_DANH_GIA = "đạt", "không đạt", "không đánh giá được"

FONT = "Times New Roman"
# Every tên loại of NĐ 30 Phụ lục III (and the Nghị định the office also receives), as printed.
TYPES = {t.upper(): t for t in (
    "Nghị quyết", "Quyết định", "Chỉ thị", "Quy chế", "Quy định", "Thông cáo", "Thông báo", "Hướng dẫn",
    "Chương trình", "Kế hoạch", "Phương án", "Đề án", "Dự án", "Báo cáo", "Biên bản", "Tờ trình", "Hợp đồng",
    "Công điện", "Bản ghi nhớ", "Bản thỏa thuận", "Giấy ủy quyền", "Giấy mời", "Giấy giới thiệu",
    "Giấy nghỉ phép", "Phiếu gửi", "Phiếu chuyển", "Phiếu báo", "Thư công", "Nghị định")}
TYPES.update({"BẢN THOẢ THUẬN": "Bản thỏa thuận", "GIẤY UỶ QUYỀN": "Giấy ủy quyền"})  # the old placing of the mark
# A title set as a tên loại (capitals, bold, centred, a word or three) that NĐ 30 does not list:
# judged as a document with a type name, and named for what it is.
UNKNOWN_TYPE = "tên loại ngoài NĐ 30"
ROMAN = r"(?:I|II|III|IV|V|VI|VII|VIII|IX|X|XI|XII)"
# What stands in the space for the signature, not the signer: «(đã ký)», «(Ký, ghi rõ họ tên)»,
# «[chữ ký số]», «(Ký tên, đóng dấu)».
PLACEHOLDER = re.compile(r"(?i)[\[(][^\])]*\bký\b[^\])]*[\])]")


@dataclass
class RuleResult:
    rule: str
    title: str
    status: str
    findings: list[Finding] = field(default_factory=list)
    reason: str = ""


class NotEvaluated(Exception):
    """Raised by a rule whose element is missing; the message says why."""


def squash(text: str) -> str:
    return " ".join(text.split())


def at(p: Para | None) -> str:
    return f"đoạn «{p.words}»" if p is not None else ""


# -- finding the elements --------------------------------------------------------------------

@dataclass
class Elements:
    doc_type: str = "Không rõ loại"
    header_table: int | None = None
    parent_body: Para | None = None
    issuing_body: list[Para] = field(default_factory=list)
    number: Para | None = None
    vv: Para | None = None
    quoc_hieu: Para | None = None
    tieu_ngu: Para | None = None
    date_line: Para | None = None
    type_line: Para | None = None
    subject: list[Para] = field(default_factory=list)
    body: list[Para] = field(default_factory=list)
    kinh_gui: Para | None = None
    noi_nhan: Para | None = None
    recipients: list[Para] = field(default_factory=list)
    authority: list[Para] = field(default_factory=list)
    signer_name: Para | None = None
    annex_lines: list[Para] = field(default_factory=list)


def _is_rule_para(p: Para) -> bool:
    """An empty paragraph carrying a border, or a line typed as underscores (a rule too)."""
    text = p.text.strip()
    return (not text and (p.has_border_above or p.has_border_below)) or is_typed_rule(text)


def printed_lines(p: Para) -> list[Para]:
    """A paragraph as the lines Word prints: cut at each line break (<w:br/>), so the cơ quan
    chủ quản and the cơ quan ban hành typed in one paragraph, or «- Lưu: VT.» after a break, are
    each an element of their own."""
    lines, rest = [], p
    while "\n" in rest.text:
        head, tail = rest.split_at(rest.text.index("\n"))
        lines.append(head)
        rest = tail.split_at(1)[1]  # the break itself prints nothing
    return lines + [rest]


# The date typed on the number's own line after tabs («Số: 05/UBND\t\tLạng Sơn, ngày …»): two columns.
_DATE_AFTER_TABS = re.compile(r"\t[\t ]*(?=[^\d,:\t]{2,40},\s*ngày\b)")


def _columns(p: Para) -> list[Para]:
    m = _DATE_AFTER_TABS.search(p.text)
    if not m:
        return [p]
    head, tail = p.split_at(m.start())
    return [head, tail.split_at(m.end() - m.start())[1]]


def _merge_wrapped(lines: list[Para]) -> list[Para]:
    """Recipients typed over two lines («- Các bộ, cơ quan ngang bộ,» / «cơ quan thuộc Chính phủ;»)
    are one recipient: a line that does not start with «-» continues the one before it."""
    merged: list[Para] = []
    for p in lines:
        if merged and not p.text.strip().startswith("-") and not merged[-1].text.rstrip().endswith((";", ".")):
            prev = merged[-1]
            merged[-1] = Para(**{**prev.__dict__, "text": prev.text.rstrip() + " " + p.text.strip(),
                                 "runs": prev.runs + p.runs})
        else:
            merged.append(p)
    return merged


def _own_label(p: Para, pattern: str) -> tuple[Para, Para | None]:
    """A label judged by its own runs. Offices type «Nơi nhận:» and then, in the same paragraph,
    tabs and «- Như trên;»: the label is the text up to its colon, the rest is content."""
    m = re.match(pattern, p.text)
    if m is None or not p.text[m.end():].strip():
        return p, None
    return p.split_at(m.end())


# A certificate (Bằng khen) is laid out in boxes, each a paragraph style «BK …» (certificate.py):
# not an NĐ 30 document, so only the rules of its print (the font) apply.
CERTIFICATE = "Bằng khen"
CERTIFICATE_RULES = ("phong_chu",)


def find_elements(doc: Document) -> Elements:
    e = Elements()
    paras = doc.paragraphs
    if paras and any(p.style_name.startswith("BK ") for p in paras):
        e.doc_type = CERTIFICATE
        return e
    top = [c for p in paras[:40] for line in printed_lines(p) for c in _columns(line)
           if c.text.strip() and not _is_rule_para(c)]
    for p in top:
        t = squash(p.text)
        if e.quoc_hieu is None and re.fullmatch(r"CỘNG\s*H(?:ÒA|OÀ) XÃ HỘI CHỦ NGHĨA VIỆT NAM", t.upper()):
            e.quoc_hieu = p
        elif e.tieu_ngu is None and re.match(r"độc\s*lập", t.lower()):
            e.tieu_ngu = p
        elif e.number is None and re.match(r"Số\s*:", t):
            e.number = p
        elif e.date_line is None and re.match(r"^[^\d,:]{2,40},\s*ngày\b", t):  # a place name has no «:»
            e.date_line = p
        elif e.vv is None and re.match(r"V/v\b", t):
            e.vv = p
    anchor = e.number or e.quoc_hieu
    if anchor is not None and anchor.table is not None:
        e.header_table = anchor.table
    if e.number is not None and e.number.table is not None:
        t, col = e.number.table, e.number.cell
        above = [line for p in paras if p.table == t and p.cell == col and p.row is not None
                 and (p.row < e.number.row or (p.row == e.number.row and p.index < e.number.index))
                 for line in printed_lines(p) if line.text.strip() and not _is_rule_para(line)]
        if len(above) >= 2 and not above[0].bold and all(p.bold for p in above[1:]):
            e.parent_body, e.issuing_body = above[0], above[1:]
        else:
            e.issuing_body = above
    after_header = [p for p in paras if p.table is None or (p.table != e.header_table)]
    # The type line: the first known type name after the header block.
    for p in after_header[:30]:
        t = squash(p.text).upper()
        # «BIÊN BẢN LÀM VIỆC», «GIẤY MỜI HỌP»: a tên loại with the subject's first words after it.
        kind = TYPES.get(t) or (next((v for k, v in TYPES.items() if t.startswith(k + " ")), None)
                                if len(t.split()) <= 6 and t == squash(p.text) else None)
        if kind and p.table is None:
            e.type_line, e.doc_type = p, kind
            break
        # An annex, or a list issued with a decision («DANH SÁCH … (Kèm theo Quyết định …)»).
        if re.match(r"(?i)(phụ lục|danh sách)\b", t) and p.table is None and e.quoc_hieu is None:
            e.type_line, e.doc_type = p, "Phụ lục"
            break
    if e.type_line is None and e.header_table is not None:
        # Only the first line under the header can be a tên loại.
        p = next((p for p in after_header if p.text.strip() and not _is_rule_para(p)), None)
        t = squash(p.text) if p is not None else ""
        if (p is not None and p.table is None and t.upper() == t and p.bold and p.alignment == "center"
                and 1 <= len(t.split()) <= 4 and re.fullmatch(r"[^\W\d_]+(?: [^\W\d_]+)*", t)):
            e.type_line, e.doc_type = p, f"{UNKNOWN_TYPE}: «{t}»"
    if e.type_line is None and e.vv is not None:
        e.doc_type = "Công văn"
    start = e.type_line.index + 1 if e.type_line else (e.vv.index + 1 if e.vv else 0)
    if e.type_line is not None and e.doc_type != "Phụ lục":
        for p in paras[start:start + 4]:
            if (not p.text.strip() or _is_rule_para(p) or p.table is not None or p.alignment != "center"
                    or re.match(r"(Kính gửi|Căn cứ)", p.text.strip())
                    or (e.subject and e.subject[-1].has_border_below)):
                break
            e.subject.append(p)
    if e.doc_type == "Phụ lục":
        for p in paras[e.type_line.index:e.type_line.index + 8]:
            if p.table is not None or _is_rule_para(p):
                break
            if p.text.strip():
                e.annex_lines.append(p)
    # The signer block: the table (or the paragraphs) that begins with "Nơi nhận".
    first_recipient = None
    for p in paras[start:]:
        if re.match(r"Nơi nhận", squash(p.text)):
            e.noi_nhan, first_recipient = _own_label(p, r"\s*Nơi\s+nhận\s*:?")
            break
    if e.noi_nhan is not None:
        if e.noi_nhan.table is not None:
            t, row, col = e.noi_nhan.table, e.noi_nhan.row, e.noi_nhan.cell
            e.recipients = _merge_wrapped([line for p in [first_recipient] * (first_recipient is not None) + [
                p for p in paras if p.table == t and p.row == row and p.cell == col
                and p.index > e.noi_nhan.index] for line in printed_lines(p) if line.text.strip()])
            signer = [p for p in paras if p.table == t and p.row == row and p.cell != col and p.text.strip()
                      and not PLACEHOLDER.fullmatch(p.text.strip())]
            if signer:
                e.signer_name = signer[-1]
                # The authority lines; notes such as «(Đã ký)» or «[chữ ký số]» are not part of them.
                e.authority = [p for p in signer[:-1] if not re.match(r"\s*[\[(]", p.text)]
        body_end = e.noi_nhan.index if e.noi_nhan.table is None else min(
            p.index for p in paras if p.table == e.noi_nhan.table)
    else:
        body_end = len(paras)
    for p in paras[start:body_end]:
        if re.match(r"Kính gửi", squash(p.text)):
            e.kinh_gui = p
    body_start = max([start] + [p.index + 1 for p in e.subject] + ([e.kinh_gui.index + 1] if e.kinh_gui else []))
    if e.doc_type != "Phụ lục":
        e.body = [p for p in paras[body_start:body_end] if p.table is None and p.text.strip() and not _is_rule_para(p)]
    return e


# -- the rules -------------------------------------------------------------------------------

@dataclass
class Context:
    doc: Document
    el: Elements
    rendered: object | None = None  # rendered.Rendering, when LibreOffice ran
    # Why there are no pages, in the clerk's words: asked not to lay them out, or no LibreOffice.
    unrendered: str = "cần LibreOffice để dựng trang (không có trên máy này)"


@dataclass
class Rule:
    rid: str
    title: str
    check: Callable[[Context], list[Finding]]
    types: tuple[str, ...] | None = None  # None: every type
    skip_types: tuple[str, ...] = ()


RULES: list[Rule] = []
NO_HEADER = ("Phụ lục",)
# A Biên bản is signed by the parties (chủ trì, thư ký) and sent to no list: no «Nơi nhận»
# anchors its signatures, so the signer rules do not apply to it.
NO_SIGNER_BLOCK = ("Phụ lục", "Biên bản")


def rule(rid: str, title: str, types=None, skip=()):
    def register(fn):
        RULES.append(Rule(rid, title, fn, types, skip))
        return fn
    return register


def _need(p, what: str):
    if p is None or (isinstance(p, list) and not p):
        raise NotEvaluated(f"không tìm thấy {what}")
    return p


def _size_ok(p: Para, lo: float, hi: float) -> bool:
    return bool(p.sizes) and all(lo <= s <= hi for s in p.sizes)


def _sizes(p: Para) -> str:
    return ", ".join(f"{s:g}" for s in sorted(p.sizes)) or "?"


# Para.bold/italic/upper/sizes leave out runs of punctuation alone (and sizes leave out
# sub- and superscripts); every message about them says so.
PUNCT_NOTE = " (không xét dấu câu đứng riêng như «:»)"


def _format(rid: str, p: Para, name: str, lo: float, hi: float, bold: bool | None = None,
            italic: bool | None = None, upper: bool | None = None, center: bool = True) -> list[Finding]:
    out = []
    size = f"{lo:g}" if lo == hi else f"{lo:g}–{hi:g}"
    if not _size_ok(p, lo, hi):
        out.append(Finding(rid, LOI, at(p), f"{name}: cỡ chữ {_sizes(p)}; NĐ 30: {size}{PUNCT_NOTE}."))
    if bold is not None and p.bold != bold:
        out.append(Finding(rid, LOI, at(p), f"{name}: {'chưa' if bold else 'không được'} in đậm{PUNCT_NOTE}."))
    if italic is not None and p.italic != italic:
        out.append(Finding(rid, LOI, at(p), f"{name}: {'chưa' if italic else 'không được'} in nghiêng{PUNCT_NOTE}."))
    if upper is not None and p.upper != upper:
        out.append(Finding(rid, LOI, at(p), f"{name}: {'phải' if upper else 'không'} viết chữ in hoa{PUNCT_NOTE}."))
    if center and p.alignment != "center":
        out.append(Finding(rid, LOI, at(p), f"{name}: phải căn giữa."))
    return out


def _rule_below(doc: Document, p: Para) -> bool:
    """A short solid rule under p: its bottom border, a top border or a typed line of
    underscores just below, or a drawn line shape anchored just below. Offices draw the rule as
    a shape anchored in the next paragraphs of the same column (often the «Số:» or the date
    line of the header table's next row), so those are looked at too."""
    if p.has_border_below:
        return True
    if p.table is not None:
        below = [q for q in doc.paragraphs if q.table == p.table and q.cell == p.cell and q.index > p.index][:3]
    else:
        below = doc.paragraphs[p.index + 1:p.index + 4]
    if below and (below[0].has_border_above or _is_rule_para(below[0])):
        return True
    for q in [p] + below:
        xml = q.element
        if xml is not None and xml.xpath(".//*[local-name()='line'] | .//*[local-name()='prstGeom']"
                                         "[@prst='line' or @prst='straightConnector1']"):
            return True
    return False


def _holds_annex_or_table(doc: Document, section) -> bool:
    """A landscape section is what NĐ 30 allows for an annex or a wide table."""
    later = [s.first_paragraph for s in doc.sections if s.index > section.index]
    paras = doc.paragraphs[section.first_paragraph:later[0] if later else None]
    return any(p.table is not None or re.match(r"(?i)phụ\s+lục\b", squash(p.text)) for p in paras)


@rule("kho_giay", "Khổ giấy A4, hướng dọc")
def _paper(ctx):
    out = []
    for s in ctx.doc.sections:
        if s.width_mm is None:
            continue
        short, long_ = sorted((s.width_mm, s.height_mm))
        if abs(short - 210) > 1 or abs(long_ - 297) > 1:
            out.append(Finding("kho_giay", LOI, f"mục {s.index + 1}",
                               f"khổ giấy {s.width_mm:.0f} × {s.height_mm:.0f} mm; NĐ 30: A4 (210 × 297 mm)."))
        elif s.landscape and not _holds_annex_or_table(ctx.doc, s):
            out.append(Finding("kho_giay", LUU_Y, f"mục {s.index + 1}",
                               "trang nằm ngang: chỉ dùng cho phụ lục hoặc bảng biểu rộng."))
    return out


@rule("le_trang", "Lề trang: trên, dưới 20–25 mm; trái 30–35 mm; phải 15–20 mm")
def _margins(ctx):
    limits = {"top": ("trên", 20, 25), "bottom": ("dưới", 20, 25), "left": ("trái", 30, 35), "right": ("phải", 15, 20)}
    # A landscape page is the portrait sheet turned: its bound edge (trái, 30–35 mm) is on top, so
    # the limits turn with it: trên 30–35, dưới 15–20, trái and phải 20–25 mm.
    turned = {"top": ("trên", 30, 35), "bottom": ("dưới", 15, 20), "left": ("trái", 20, 25),
              "right": ("phải", 20, 25)}
    # One finding per departure, naming every section it is in: a document of many sections with
    # the same margins says it once.
    found: dict[str, list[str]] = {}
    for s in ctx.doc.sections:
        for side, (name, lo, hi) in (turned if s.landscape else limits).items():
            v = s.margins_mm.get(side)
            if v is not None and not lo - 0.3 <= v <= hi + 0.3:
                found.setdefault(f"lề {name} {v:.1f} mm; NĐ 30: {lo}–{hi} mm"
                                 + (" (trang nằm ngang: lề của tờ giấy xoay theo)." if s.landscape else "."),
                                 []).append(str(s.index + 1))
    return [Finding("le_trang", LOI, "mục " + ", ".join(where), message) for message, where in found.items()]


def _printed_parts(doc: Document) -> list[tuple[str, Para]]:
    """(part, paragraph) of every header and footer Word prints (Document.shown)."""
    shown = sorted(doc.shown_parts("headers") | doc.shown_parts("footers"))
    return [(part, p) for part in shown for p in doc.part_paragraphs.get(part, [])]


@rule("phong_chu", "Phông chữ Times New Roman")
def _font(ctx):
    doc = ctx.doc
    bad: dict[str, list[Para]] = {}
    where = {id(p): part for part, p in _printed_parts(doc)}  # header and footer paragraphs: by their part
    for p in doc.paragraphs + [p for _, p in _printed_parts(doc)]:
        for f in p.fonts:
            if f != FONT:
                bad.setdefault(f, []).append(p)
    at_ = lambda p: f"{where[id(p)]}, {at(p)}" if id(p) in where else at(p)  # noqa: E731
    out = []
    for f, ps in bad.items():
        if re.fullmatch(FONT + r" (Bold|Italic|Bold Italic)", f):
            # No font family has that name: Word and LibreOffice both print it in another font.
            out.append(Finding("phong_chu", LOI, at_(ps[0]), f"{len(ps)} đoạn ghi phông «{f}», không có phông nào tên "
                               f"như vậy nên chữ in ra bằng phông khác; dùng {FONT} và đặt đậm/nghiêng."))
        else:
            out.append(Finding("phong_chu", LOI, at_(ps[0]), f"{len(ps)} đoạn dùng phông {f}; NĐ 30: {FONT} (bộ mã Unicode)."))
    return out


@rule("mau_chu", "Chữ màu đen")
def _colour(ctx):
    doc = ctx.doc
    coloured: dict[str, list[Para]] = {}
    for p in doc.paragraphs + [p for _, p in _printed_parts(doc)]:
        for r in p.runs:
            if r.color and r.text.strip():
                coloured.setdefault(r.color, []).append(p)
                break
    return [Finding("mau_chu", LOI, at(ps[0]), f"{len(ps)} đoạn có chữ màu #{c} (theo thuộc tính chữ); NĐ 30: chữ "
                    "màu đen.") for c, ps in coloured.items()]


@rule("so_trang", "Số trang: từ trang 2, giữa lề trên, không có ở trang 1")
def _page_numbers(ctx):
    # Only the headers and footers Word prints count (Document.shown): a footer referenced as
    # `even` in a document without evenAndOddHeaders is never seen, whatever it holds.
    doc, out = ctx.doc, []
    has = doc.header_has_page_field
    headers = sorted(h for h in doc.shown_parts("headers") if has(h))
    in_footer = sorted(f for f in doc.shown_parts("footers") if has(f))
    if getattr(ctx.rendered, "page_count", None) == 1:
        # One page prints only page 1's footer: under titlePg that is the first-page one (or none),
        # so a page number in the default footer is never printed.
        in_footer = [f for f in in_footer if f == doc.shown(doc.sections[0], "footers")["first"]]
    if in_footer:
        out.append(Finding("so_trang", LOI, in_footer[0], "số trang ở chân trang; NĐ 30: giữa, ở phần lề trên."))
    if not headers and not in_footer:
        pages = getattr(ctx.rendered, "page_count", None)
        if pages == 1:
            return []
        sev = LOI if pages else LUU_Y
        more = f" (văn bản có {pages} trang)" if pages else " (đúng nếu văn bản chỉ có một trang)"
        return [Finding("so_trang", sev, "đầu trang", "không có số trang" + more + ".")]
    if has(doc.shown(doc.sections[0], "headers")["first"]):
        out.append(Finding("so_trang", LOI, "đầu trang 1", "trang 1 có số trang; NĐ 30: không đánh số trang 1."))
    for s in doc.sections:
        shown = doc.shown(s, "headers")
        odd, even = has(shown["odd"]), has(shown["even"])
        where = f"mục {s.index + 1}"
        if even and not odd:
            out.append(Finding("so_trang", LOI, where, "chỉ trang chẵn có số trang; các trang lẻ (3, 5, …) không có."))
        elif odd and not even:
            out.append(Finding("so_trang", LOI, where, "trang chẵn không có số trang (đầu trang chẵn thiếu trường PAGE)."))
        elif not odd and not even and headers:
            out.append(Finding("so_trang", LOI, where, "các trang của mục này không có số trang."))
    for part in headers:
        for p in doc.page_field_paragraphs(part):
            if p.alignment != "center":
                out.append(Finding("so_trang", LOI, part, "số trang phải căn giữa trong lề trên."))
            if p.sizes and not _size_ok(p, 13, 14):
                out.append(Finding("so_trang", LOI, part, f"số trang cỡ 13–14; đang là {_sizes(p)}{PUNCT_NOTE}."))
    return out


@rule("so_trang_phu_luc", "Phụ lục kèm theo (nếu có) đánh số trang riêng", skip=NO_SIGNER_BLOCK)
def _annex_page_numbers(ctx):
    doc, el = ctx.doc, ctx.el
    if el.noi_nhan is None:
        raise NotEvaluated("không tìm thấy khối chữ ký, nên không biết phụ lục bắt đầu từ đâu")
    end = max(p.index for p in doc.paragraphs if p.table == el.noi_nhan.table) if el.noi_nhan.table is not None \
        else el.noi_nhan.index
    annex = next((p for p in doc.paragraphs[end + 1:]
                  if p.table is None and re.match(r"(?i)phụ\s+lục\b", squash(p.text))), None)
    if annex is None:
        return []
    section = [s for s in doc.sections if s.first_paragraph <= annex.index][-1]
    shown = doc.shown(section, "headers")
    if not any(doc.header_has_page_field(shown[k]) for k in ("odd", "even")):
        return []  # the annex's pages carry no number at all
    starts_section = not any(p.text.strip() for p in doc.paragraphs[section.first_paragraph:annex.index])
    if starts_section and section.page_start is not None:
        return []
    if ctx.rendered is not None:
        # A one-page annex on the last page prints no number of its own: nothing numbered on.
        first = ctx.rendered.page_of(annex.text)
        if first is not None and first == ctx.rendered.page_count:
            return []
    return [Finding("so_trang_phu_luc", LOI, at(annex),
                    "phụ lục đánh số trang nối tiếp văn bản chính; NĐ 30: số trang của phụ lục đánh riêng "
                    "theo từng phụ lục (đặt phụ lục ở mục mới, sau ngắt mục, và đánh số lại từ 1).")]


@rule("co_quan_chu_quan", "Tên cơ quan chủ quản: in hoa, 12–13, đứng", skip=NO_HEADER)
def _parent(ctx):
    p = _need(ctx.el.parent_body, "tên cơ quan chủ quản (dòng trên tên cơ quan ban hành)")
    return _format("co_quan_chu_quan", p, "tên cơ quan chủ quản", 12, 13, bold=False, upper=True)


@rule("co_quan_ban_hanh", "Tên cơ quan ban hành: in hoa, 12–13, đậm, có đường kẻ dưới", skip=NO_HEADER)
def _issuer(ctx):
    ps = _need(ctx.el.issuing_body, "tên cơ quan ban hành (ô trái, trên dòng Số)")
    out = []
    for p in ps:
        out += _format("co_quan_ban_hanh", p, "tên cơ quan ban hành", 12, 13, bold=True, upper=True)
    if not _rule_below(ctx.doc, ps[-1]):
        out.append(Finding("co_quan_ban_hanh", LUU_Y, at(ps[-1]),
                           "không thấy đường kẻ ngang dưới tên cơ quan ban hành (1/3–1/2 độ dài dòng chữ)."))
    return out


@rule("so_ky_hieu_the_thuc", "Dòng Số, ký hiệu: cỡ 13, đứng, căn giữa", skip=NO_HEADER)
def _number_format(ctx):
    p = _need(ctx.el.number, "dòng «Số:»")
    return _format("so_ky_hieu_the_thuc", p, "dòng số, ký hiệu", 13, 13, bold=False, italic=False)


@rule("so_ky_hieu", "Số và ký hiệu: số dưới 10 có số 0 đứng trước; gạch chéo, gạch nối, không dấu cách", skip=NO_HEADER)
def _number_text(ctx):
    p = _need(ctx.el.number, "dòng «Số:»")
    text = p.text.replace("\u00a0", " ")
    m = re.match(r"\s*Số\s*(:?)(?P<num>[^/]*?)(?P<gap>\s*)/(?P<code>.*)$", text)
    if not m:
        return [Finding("so_ky_hieu", LOI, at(p), "không đọc được số và ký hiệu; dạng đúng: «Số: 05/KH-LĐLĐ».")]
    out = []
    if not m.group(1):
        out.append(Finding("so_ky_hieu", LOI, at(p), "thiếu dấu hai chấm sau «Số»."))
    num, code = m.group("num").strip(), m.group("code").strip()
    if not num.strip(" ._…"):
        out.append(Finding("so_ky_hieu", THONG_TIN, at(p), "số văn bản để trống cho văn thư điền khi ban hành."))
    elif not num.isdigit():
        out.append(Finding("so_ky_hieu", LOI, at(p), f"số «{num}» phải là chữ số Ả Rập."))
    else:
        if int(num) < 10 and len(num) < 2:
            out.append(Finding("so_ky_hieu", LOI, at(p), f"số {num} nhỏ hơn 10 phải có số 0 phía trước: «0{num}»."))
        if m.group("gap"):
            out.append(Finding("so_ky_hieu", LOI, at(p), "không để dấu cách giữa số và dấu gạch chéo."))
    if re.search(r"\s", code) or not code:
        out.append(Finding("so_ky_hieu", LOI, at(p), f"ký hiệu «{code}» không được có dấu cách (ví dụ «KH-LĐLĐ»)."))
    return out


@rule("quoc_hieu", "Quốc hiệu: CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM, in hoa, 12–13, đậm", skip=NO_HEADER)
def _motto_country(ctx):
    p = _need(ctx.el.quoc_hieu, "Quốc hiệu")
    out = _format("quoc_hieu", p, "Quốc hiệu", 12, 13, bold=True, upper=True)
    if "HOÀ" in squash(p.text).upper():
        out.append(Finding("quoc_hieu", LUU_Y, at(p), "viết «HOÀ»; mẫu của NĐ 30 viết «HÒA» (cả hai cách bỏ dấu đều được chấp nhận)."))
    return out


@rule("tieu_ngu", "Tiêu ngữ: «Độc lập - Tự do - Hạnh phúc», 13–14, đậm, gạch dưới", skip=NO_HEADER)
def _motto(ctx):
    p = _need(ctx.el.tieu_ngu, "Tiêu ngữ")
    out = _format("tieu_ngu", p, "Tiêu ngữ", 13, 14, bold=True)
    text = squash(p.text)
    if text != "Độc lập - Tự do - Hạnh phúc":
        if re.search("[–—]", text):
            why = "dùng gạch dài (–); giữa các cụm từ là gạch nối (-) có dấu cách hai bên"
        elif re.search(r"\S-|-\S", text):
            why = "thiếu dấu cách hai bên gạch nối"
        else:
            why = "sai chữ hoặc cách viết hoa"
        out.append(Finding("tieu_ngu", LOI, at(p), f"Tiêu ngữ {why}; đúng là «Độc lập - Tự do - Hạnh phúc»."))
    if not _rule_below(ctx.doc, p):
        out.append(Finding("tieu_ngu", LUU_Y, at(p), "không thấy đường kẻ ngang liền dưới Tiêu ngữ."))
    return out


# NĐ 30 Mẫu 1.9: a Biên bản has no place-and-date line; its time is in the body («Thời gian bắt đầu»).
NO_DATE_LINE = NO_HEADER + ("Biên bản",)


@rule("dia_danh_ngay", "Địa danh và ngày tháng: nghiêng, 13–14; ngày 1–9 và tháng 1, 2 có số 0", skip=NO_DATE_LINE)
def _date(ctx):
    p = _need(ctx.el.date_line, "dòng địa danh, ngày tháng")
    out = _format("dia_danh_ngay", p, "dòng địa danh, ngày tháng", 13, 14, bold=False, italic=True)
    text = p.text.replace("\u00a0", " ")
    m = re.search(r"ngày(?P<d>[^a-zA-Zà-ỹ]*?)tháng(?P<m>[^a-zA-Zà-ỹ]*?)năm\s*(?P<y>\d{4})?", text)
    if not m:
        return out + [Finding("dia_danh_ngay", LOI, at(p), "không đọc được ngày tháng; dạng đúng: «ngày 05 tháng 02 năm 2023».")]
    day, month = m.group("d").strip(), m.group("m").strip()
    if not day.strip(" ._…/"):
        out.append(Finding("dia_danh_ngay", THONG_TIN, at(p), "ngày để trống cho văn thư điền khi ban hành."))
    elif day.isdigit():
        if int(day) < 10 and len(day) < 2:
            out.append(Finding("dia_danh_ngay", LOI, at(p), f"ngày {day} phải viết «0{day}» (ngày 1–9 có số 0 phía trước)."))
    else:
        out.append(Finding("dia_danh_ngay", LOI, at(p), f"ngày «{day}» không phải số."))
    if not month.strip(" ._…/"):
        out.append(Finding("dia_danh_ngay", THONG_TIN, at(p), "tháng để trống."))
    elif month.isdigit():
        value = int(month)
        if value <= 2 and len(month) < 2:
            out.append(Finding("dia_danh_ngay", LOI, at(p), f"tháng {value} phải viết «0{value}» (tháng 1, 2 có số 0 phía trước)."))
        if value >= 3 and month.startswith("0"):
            out.append(Finding("dia_danh_ngay", LOI, at(p), f"tháng {value} không có số 0 phía trước: «tháng {value}», không «tháng {month}»."))
    if not m.group("y"):
        out.append(Finding("dia_danh_ngay", LOI, at(p), "thiếu năm (4 chữ số)."))
    return out


@rule("ten_loai", "Tên loại văn bản: in hoa, 13–14, đậm, căn giữa", skip=("Công văn",))
def _type_line(ctx):
    p = _need(ctx.el.type_line, "tên loại văn bản (KẾ HOẠCH, QUYẾT ĐỊNH, …)")
    if ctx.el.doc_type == "Phụ lục":
        return _format("ten_loai", p, "chữ «Phụ lục»", 13, 14, bold=True)
    return _format("ten_loai", p, "tên loại văn bản", 13, 14, bold=True, upper=True)


@rule("trich_yeu", "Trích yếu nội dung: 13–14, đậm, căn giữa (Công văn: V/v 12–13, đứng)")
def _subject(ctx):
    if ctx.el.doc_type == "Công văn":
        p = _need(ctx.el.vv, "trích yếu «V/v …»")
        return _format("trich_yeu", p, "trích yếu V/v", 12, 13, bold=False, italic=False)
    if ctx.el.doc_type == "Phụ lục":
        lines = _need(ctx.el.annex_lines[1:], "tên phụ lục")
        out, open_paren = [], False
        for p in lines:
            text = p.text.strip()
            if text.startswith("(") or open_paren:  # «(Kèm theo …)», perhaps over two lines
                out += _format("trich_yeu", p, "dòng «Kèm theo …»", 13, 14, italic=True)
                open_paren = text.count("(") + open_paren > text.count(")")
            else:
                out += _format("trich_yeu", p, "tên phụ lục", 13, 14, bold=True)
        return out
    if ctx.el.doc_type == "Biên bản" and len(squash(ctx.el.type_line.text).split()) > 2 and not ctx.el.subject:
        return []  # «BIÊN BẢN LÀM VIỆC»: the subject is on the type line itself
    ps = _need(ctx.el.subject, "trích yếu nội dung (dưới tên loại)")
    out = []
    for p in ps:
        if p.text.strip().startswith("("):  # «(Ban hành kèm theo …)»: a note, not the subject
            out += _format("trich_yeu", p, "dòng ghi chú dưới trích yếu", 13, 14, bold=False)
            continue
        out += _format("trich_yeu", p, "trích yếu", 13, 14, bold=True)
    if not _rule_below(ctx.doc, ps[-1]):
        out.append(Finding("trich_yeu", LUU_Y, at(ps[-1]), "không thấy đường kẻ ngang dưới trích yếu."))
    return out


def _is_heading(p: Para) -> bool:
    return bool(re.match(rf"{ROMAN}\.|\d+(\.\d+)*\.\s|[a-zđ]\)", squash(p.text))) and len(p.text) < 120 and p.bold


def _gap(doc: Document, above: int, below: int) -> float:
    """The printed space between two paragraphs, in points: the upper one's space after plus the
    lower one's space before, as Word adds them by default (no compatibility option read). At
    the body's edge, only the paragraph's own side counts."""
    paras = doc.paragraphs
    upper = paras[above] if 0 <= above < len(paras) else None
    lower = paras[below] if 0 <= below < len(paras) else None
    return ((upper.space_after_pt or 0) if upper is not None else 0) + (
        (lower.space_before_pt or 0) if lower is not None else 0)


@rule("noi_dung", "Nội dung: 13–14, căn đều, lùi đầu dòng 1–1,27 cm, cách đoạn ≥ 6 pt, giãn dòng 1–1,5",
      skip=("Phụ lục",))
def _body(ctx):
    body = _need(ctx.el.body, "phần nội dung")
    problems: dict[str, list[Para]] = {}
    for p in body:
        def add(msg):
            problems.setdefault(msg, []).append(p)
        if not _size_ok(p, 13, 14):
            add(f"cỡ chữ nội dung phải 13–14{PUNCT_NOTE}")
        if _is_heading(p) or len(p.text) < 50 or (p.alignment == "center" and p.upper):
            continue  # headings, titles and short lines: only the size applies
        if p.alignment != "both":
            add("nội dung phải căn đều hai bên")
        if not 9.5 <= ctx.doc.printed_start_mm(p) <= 12.8:  # the print, a leading tab included
            add("chữ đầu dòng phải lùi vào 1–1,27 cm")
        if max(_gap(ctx.doc, p.index - 1, p.index), _gap(ctx.doc, p.index, p.index + 1)) < 6:
            add("khoảng cách giữa các đoạn (trước + sau) tối thiểu 6 pt")
        if p.line_spacing:
            rule_, v = p.line_spacing
            size = max(p.sizes or {14})
            ok = 1.0 <= v <= 1.5 if rule_ == "auto" else size <= v <= size * 1.8
            if not ok:
                add("khoảng cách dòng từ dòng đơn đến 1,5 dòng")
    out = []
    for msg, ps in problems.items():
        more = f" (cùng {len(ps) - 1} đoạn khác)" if len(ps) > 1 else ""
        out.append(Finding("noi_dung", LOI, at(ps[0]), f"{msg}{more}."))
    return out


@rule("de_muc", "Đề mục La Mã: «I. MỤC …», có dấu cách sau dấu chấm, in hoa, đậm", skip=("Phụ lục",))
def _headings(ctx):
    body = _need(ctx.el.body, "phần nội dung")
    out = []
    for p in body:
        t = squash(p.text)
        m = re.match(rf"({ROMAN})\.(\S)", t)
        if m and len(t) < 150 and t[len(m.group(1)) + 1:].split(" ")[0].isupper():
            out.append(Finding("de_muc", LOI, at(p), f"sau «{m.group(1)}.» phải có dấu cách: «{m.group(1)}. {t[len(m.group(1)) + 1:][:20]}»."))
        if re.match(rf"{ROMAN}\.\s*\S", t) and len(t) < 150 and t.upper() == t:
            if not p.bold:
                out.append(Finding("de_muc", LOI, at(p), "đề mục La Mã phải in đậm."))
    return out


@rule("ket_thuc", "Kết thúc nội dung bằng «./.»", skip=("Phụ lục",))
def _closing(ctx):
    body = _need(ctx.el.body, "phần nội dung")
    last = body[-1]
    if not last.text.rstrip().endswith("./."):
        return [Finding("ket_thuc", LOI, at(last), "đoạn cuối của nội dung phải kết thúc bằng «./.».")]
    return []


@rule("noi_nhan", "Nơi nhận: «Nơi nhận:» 12 nghiêng đậm; mỗi nơi 11, «- » đầu dòng, «;» cuối, dòng cuối «.»",
      skip=NO_SIGNER_BLOCK)
def _recipients(ctx):
    p = _need(ctx.el.noi_nhan, "«Nơi nhận:»")
    out = []
    if squash(p.text) != "Nơi nhận:":
        out.append(Finding("noi_nhan", LOI, at(p), "viết đúng «Nơi nhận:» (có dấu hai chấm)."))
    out += _format("noi_nhan", p, "chữ «Nơi nhận:»", 12, 12, bold=True, italic=True, center=False)
    lines = ctx.el.recipients
    if not lines:
        return out + [Finding("noi_nhan", LOI, at(p), "không có nơi nhận nào dưới «Nơi nhận:».")]
    for q in lines:
        if not _size_ok(q, 11, 11):
            out.append(Finding("noi_nhan", LOI, at(q), f"tên nơi nhận cỡ 11; đang là {_sizes(q)}{PUNCT_NOTE}."))
            break
    for i, q in enumerate(lines):
        t = q.text.strip()
        last = i == len(lines) - 1
        if not t.startswith("-"):
            out.append(Finding("noi_nhan", LOI, at(q), "mỗi nơi nhận bắt đầu bằng «- »."))
        end = "." if last else ";"
        if not t.endswith(end):
            out.append(Finding("noi_nhan", LOI, at(q), f"{'dòng cuối' if last else 'mỗi dòng'} kết thúc bằng «{end}»."))
    if not re.match(r"-\s*Lưu\s*:", lines[-1].text.strip()):
        out.append(Finding("noi_nhan", LUU_Y, at(lines[-1]), "dòng cuối thường là «- Lưu: VT, …»."))
    return out


@rule("chu_ky", "Thẩm quyền và họ tên người ký: in hoa đậm (chức vụ), đậm (họ tên), 13–14, căn giữa",
      skip=NO_SIGNER_BLOCK)
def _signer(ctx):
    name = _need(ctx.el.signer_name, "khối chữ ký (ô bên cạnh «Nơi nhận:»)")
    out = []
    for p in ctx.el.authority:
        out += _format("chu_ky", p, "chức vụ người ký", 13, 14, bold=True, upper=True)
    out += _format("chu_ky", name, "họ tên người ký", 13, 14, bold=True)
    return out


@rule("cong_van", "Công văn có «V/v» và «Kính gửi»; văn bản có tên loại thì không có «V/v»", skip=("Phụ lục",))
def _letter(ctx):
    el = ctx.el
    if el.doc_type == "Công văn":
        out = []
        if el.kinh_gui is None:
            out.append(Finding("cong_van", LOI, "phần đầu", "công văn phải có «Kính gửi:»."))
        return out
    if el.vv is not None:
        return [Finding("cong_van", LOI, at(el.vv), f"{el.doc_type} là văn bản có tên loại: trích yếu ghi dưới tên loại, không dùng «V/v»." )]
    if el.kinh_gui is not None and el.doc_type in ("Kế hoạch", "Quyết định", "Thông báo", "Biên bản"):
        return [Finding("cong_van", LUU_Y, at(el.kinh_gui), f"«Kính gửi» là của công văn, tờ trình; {el.doc_type} thường không có.")]
    return []


# -- the package (checker/package.py): one rule per thing Word is strict about -----------------

def _package_rule(rid: str):
    def check(ctx):
        return [Finding(rid, LOI, p.part, p.message) for p in ctx.doc.package_problems if p.rule == rid]
    return check


for _rid, _title in package.CHECKS.items():
    RULES.append(Rule(_rid, _title, _package_rule(_rid)))


# -- rendered rules (LibreOffice) --------------------------------------------------------------

def _rendered(ctx):
    if ctx.rendered is None:
        raise NotEvaluated(ctx.unrendered)
    return ctx.rendered


@rule("khoi_ky_mot_trang", "Khối chữ ký không bị tách sang hai trang", skip=NO_SIGNER_BLOCK)
def _signer_one_page(ctx):
    r = _rendered(ctx)
    name = _need(ctx.el.signer_name, "khối chữ ký")
    first = (ctx.el.authority or [name])[0]
    pa, pn = r.page_of(first.text, last=True), r.page_of(name.text, last=True)
    if pa is None or pn is None:
        raise NotEvaluated("không tìm thấy khối chữ ký trên trang đã dựng")
    if pa != pn:
        return [Finding("khoi_ky_mot_trang", LOI, at(name), f"chức vụ ở trang {pa}, họ tên ở trang {pn}: khối chữ ký bị tách trang.")]
    return []


@rule("trang_chi_co_chu_ky", "Không có trang chỉ có khối chữ ký", skip=NO_SIGNER_BLOCK)
def _signer_alone(ctx):
    r = _rendered(ctx)
    anchor = ctx.el.noi_nhan or ctx.el.signer_name
    _need(anchor, "khối chữ ký")
    page = r.page_of(anchor.text, last=True)
    if page is None:
        raise NotEvaluated("không tìm thấy khối chữ ký trên trang đã dựng")
    if page > 1 and not r.text_above(page, anchor.text):
        return [Finding("trang_chi_co_chu_ky", LOI, f"trang {page}",
                        f"khối chữ ký đứng riêng ở đầu trang {page}, không có dòng nội dung nào đi cùng; "
                        "chuyển vài dòng cuối của nội dung sang cùng trang.")]
    return []


@rule("dong_mot_chu", "Trang 1 không có dòng cuối đoạn chỉ một chữ")
def _runt(ctx):
    r = _rendered(ctx)
    return [Finding("dong_mot_chu", LUU_Y, f"trang 1, «{words}»", "dòng cuối của đoạn chỉ có một chữ; sửa câu chữ hoặc giãn chữ để đoạn gọn hơn.")
            for words in r.runts(1)]


# -- running the rules -------------------------------------------------------------------------

NOT_ASKED = "không dựng trang (đã chọn --no-render)"


def evaluate(doc: Document, rendered=None, unrendered: str | None = None) -> tuple[Elements, list[RuleResult]]:
    el = find_elements(doc)
    ctx = Context(doc, el, rendered, *([unrendered] if unrendered else []))
    results = []
    for r in RULES:
        if el.doc_type in r.skip_types or (r.types is not None and el.doc_type not in r.types):
            continue
        if el.doc_type == CERTIFICATE and r.rid not in CERTIFICATE_RULES:
            continue
        try:
            findings = r.check(ctx)
        except NotEvaluated as why:
            results.append(RuleResult(r.rid, r.title, KHONG_DANH_GIA, reason=str(why)))
            continue
        status = KHONG_DAT if any(f.severity in (LOI, LUU_Y) for f in findings) else DAT
        results.append(RuleResult(r.rid, r.title, status, findings))
    return el, results
