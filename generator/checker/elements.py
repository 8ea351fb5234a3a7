"""The elements NĐ 30 names (Quốc hiệu, tiêu ngữ, number, date line, tên loại, subject, body,
Nơi nhận, signer), found in a document's paragraphs split into the lines Word prints, for the
rules (rules.py) to judge."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from .docmodel import NS, Document, Para, is_typed_rule

# Every tên loại of NĐ 30 Phụ lục III (and the Nghị định the office also receives), as printed.
TYPES = {t.upper(): t for t in (
    "Nghị quyết", "Quyết định", "Chỉ thị", "Quy chế", "Quy định", "Thông cáo", "Thông báo", "Hướng dẫn",
    "Chương trình", "Kế hoạch", "Phương án", "Đề án", "Dự án", "Báo cáo", "Biên bản", "Tờ trình", "Hợp đồng",
    "Công điện", "Bản ghi nhớ", "Bản thỏa thuận", "Giấy ủy quyền", "Giấy mời", "Giấy giới thiệu",
    "Giấy nghỉ phép", "Phiếu gửi", "Phiếu chuyển", "Phiếu báo", "Thư công", "Nghị định")}
TYPES.update({"BẢN THOẢ THUẬN": "Bản thỏa thuận", "GIẤY UỶ QUYỀN": "Giấy ủy quyền"})  # the old placing of the mark
# A title set as a tên loại (capitals, bold, centred, up to eight words) that NĐ 30 does not list:
# judged as a document with a type name, and named for what it is.
UNKNOWN_TYPE = "tên loại ngoài NĐ 30"
ROMAN = r"(?:I|II|III|IV|V|VI|VII|VIII|IX|X|XI|XII)"
# What stands in the space for the signature, not the signer: «(đã ký)», «(Ký, ghi rõ họ tên)»,
# «[chữ ký số]», «(Ký tên, đóng dấu)».
AUTHORITY = re.compile(r"(?i)(TM|KT|TL|TUQ|Q)\.\s*\S"  # «TM. BAN THƯỜNG VỤ», «KT. GIÁM ĐỐC», «TL. Hiệu trưởng»
                       r"|\s*người (báo cáo|lập( biểu)?|đề nghị|viết đơn|làm đơn|giao việc|nhận việc)\s*$")  # a form's signer
# Where an annex begins («PHỤ LỤC», «Phụ lục 01»): the content has ended above it.
ANNEX_TITLE = re.compile(r"(?i)phụ lục(\s+(số\s+)?[IVX\d]+)?\.?")
PLACEHOLDER = re.compile(r"(?i)[\[(][^\])]*\bký\b[^\])]*[\])]")
DOTS = re.compile(r"[.…_\s]+")  # a name left to fill in: a form, not a signer
DATE_LINE = re.compile(r"^[^\d,:]{2,40},\s*ngày\b")  # «Lạng Sơn, ngày …»: a place name has no «:»
DATE_LINE_OF_A_FORM = re.compile(r"^[^\d,:]{0,40},\s*ngày\b")  # the place, too, may be left to fill in
# A line that begins a name of its own in the left header block: with the formatting alike, the
# line above it is the parent body (NĐ 30: «tên cơ quan, tổ chức chủ quản trực tiếp»).
ORG_START = re.compile(r"(TRƯỜNG|SỞ|BAN|PHÒNG|VĂN PHÒNG|CỤC|CHI CỤC|VỤ|TRUNG TÂM|BỆNH VIỆN|CHI BỘ|CÔNG TY|"
                       r"CHI NHÁNH|KHOA|VIỆN|HỌC VIỆN|TỔ|ĐOÀN|HỘI ĐỒNG)\b")
# Where a parent's name may run on to the next line: «BAN CHẤP HÀNH / CÔNG ĐOÀN …» is one name.
RUNS_ON = re.compile(r"(BAN CHẤP HÀNH|BAN THƯỜNG VỤ|THƯỜNG TRỰC|BCH|ĐẢNG ỦY|ĐẢNG UỶ)$")


def squash(text: str) -> str:
    return " ".join(text.split())


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
    closing: Para | None = None  # the content's last paragraph, the one that ends with «./.»
    kinh_gui: Para | None = None
    noi_nhan: Para | None = None
    recipients: list[Para] = field(default_factory=list)
    authority: list[Para] = field(default_factory=list)
    signer_name: Para | None = None
    annex_lines: list[Para] = field(default_factory=list)


def is_rule_para(p: Para) -> bool:
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
        return [_tab_centred(p)]
    head, tail = p.split_at(m.start())
    return [_tab_centred(head), tail.split_at(m.end() - m.start())[1]]


def _tab_centred(p: Para) -> Para:
    """A header line typed as a tab and then its text, the paragraph's first tab stop a centre
    one («\\tSố: 213/TB-ĐTII» at a centre stop under «\\tTRƯỜNG …»): Word prints it centred on
    that stop, as if centred in a column."""
    if p.element is None or not p.text.startswith("\t") or "\t" in p.text[1:].rstrip():
        return p
    stops = [(int(t.get(f"{{{NS['w']}}}pos", "0")), t.get(f"{{{NS['w']}}}val"))
             for t in p.element.findall("w:pPr/w:tabs/w:tab", NS) if t.get(f"{{{NS['w']}}}val") != "clear"]
    return replace(p, alignment="center") if stops and min(stops)[1] == "center" else p


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


def find_elements(doc: Document) -> Elements:
    """Each element NĐ 30 names, found on the lines Word prints (not on whole paragraphs)."""
    e = Elements()
    paras = doc.paragraphs
    if paras and any(p.style_name.startswith("BK ") for p in paras):
        e.doc_type = CERTIFICATE
        return e
    _header(e, paras)
    after_header = [p for p in paras if p.table is None or (p.table != e.header_table)]
    _type(e, after_header)
    start = e.type_line.index + 1 if e.type_line else (e.vv.index + 1 if e.vv else 0)
    _subject_or_annex(e, paras, start)
    body_end = _signer_block(e, paras, start)
    for p in paras[start:body_end]:
        # «gửi:» alone: «Kính» sits in a text box or a run the layout moved.
        if re.match(r"(Kính\s*)?g[ửở]i\s*:", squash(p.text)):  # «gởi»: the older spelling
            e.kinh_gui = p
    body_start = max([start] + [p.index + 1 for p in e.subject] + ([e.kinh_gui.index + 1] if e.kinh_gui else []))
    # The addressees listed under «Kính gửi:», a line each («- Sở …;»), belong to it, not to the content.
    while e.kinh_gui is not None and body_start < len(paras) and re.fullmatch(
            r"[-–+]\s.{2,150}", squash(paras[body_start].text)):
        body_start += 1
    if e.doc_type in ("Quyết định", "Nghị quyết"):
        # NĐ 30 Mẫu 1.2: the authority that decides («HIỆU TRƯỞNG TRƯỜNG …») stands between the
        # subject and the «Căn cứ» lines, in capitals: not content.
        while body_start < body_end and not paras[body_start].text.strip():
            body_start += 1
        if body_start < body_end and _in_capitals(paras[body_start]):
            body_start += 1
    if e.doc_type != "Phụ lục":
        e.body = [p for p in paras[body_start:body_end] if p.table is None and p.text.strip() and not is_rule_para(p)]
        _end_content(e)
    return e


def _in_capitals(p: Para) -> bool:
    t = squash(p.text)
    return t.upper() == t and len(t.split()) >= 2 and bool(re.search(r"[^\W\d_]", t))


def _end_content(e: Elements) -> None:
    """Where the content ends: not at an annex that follows it, nor at what stands between it
    and the signature: a date line, a note of what is attached («(Đính kèm …)»), «(đã ký)»; and
    with no «Nơi nhận:» to end it, not at a signer's block set as paragraphs («TL. Hiệu trưởng /
    Phó Hiệu trưởng / name»), a form's signer («Người báo cáo»), the signers' heading of minutes
    («CÁC THÀNH VIÊN HỘI ĐỒNG …») or a form's fields («Bộ phận công tác: …»)."""
    body = e.body
    annex = next((i for i, p in enumerate(body) if i > 0 and ANNEX_TITLE.fullmatch(squash(p.text))), None)
    if annex is not None:
        del body[annex:]
    if e.noi_nhan is None:
        cut = next((i for i in range(max(1, len(body) - 8), len(body)) if AUTHORITY.match(squash(body[i].text))), None)
        if cut is not None:
            del body[cut:]

    def not_content(t: str) -> bool:
        if (DATE_LINE_OF_A_FORM.match(t) or re.match(r"(?i)\((đính kèm|kèm theo|gửi kèm)\b.*\)$", t)
                or PLACEHOLDER.fullmatch(t)):
            return True
        return e.noi_nhan is None and t.upper() == t and len(t.split()) <= 8 and not t.endswith((".", ";"))

    while body and not_content(squash(body[-1].text)):
        body.pop()
    # A form's fields are not its last sentence, though their print is judged as content's.
    field_line = re.compile(r"[^:]{1,30}:\s*[^.;:]{1,60}")
    e.closing = next((p for p in reversed(body) if e.noi_nhan is not None or not field_line.fullmatch(squash(p.text))),
                     None)


def _header(e: Elements, paras: list[Para]) -> None:
    """Quốc hiệu, tiêu ngữ, number, date line, V/v, and the bodies above the number."""
    top = [c for p in paras[:40] for line in printed_lines(p) for c in _columns(line)
           if c.text.strip() and not is_rule_para(c)]
    for p in top:
        t = squash(p.text)
        if e.quoc_hieu is None and re.fullmatch(r"CỘNG\s*H(?:ÒA|OÀ) XÃ HỘI CHỦ NGHĨA VIỆT NAM", t.upper()):
            e.quoc_hieu = p
        elif e.tieu_ngu is None and re.match(r"độc\s*lập", t.lower()):
            e.tieu_ngu = p
        elif e.number is None and re.match(r"Số\s*:", t):
            e.number = p
        elif e.date_line is None and DATE_LINE.match(t):
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
                 for line in printed_lines(p) if line.text.strip() and not is_rule_para(line)]
        if len(above) >= 2 and not above[0].bold and all(p.bold for p in above[1:]):
            e.parent_body, e.issuing_body = above[0], above[1:]
        elif len(above) >= 2 and len({p.bold for p in above}) == 1 and (k := _new_name(above)):
            e.parent_body, e.issuing_body = above[0], above[k:]
        else:
            e.issuing_body = above


def _new_name(lines: list[Para]) -> int | None:
    """The first line (after the first) that begins a body's name of its own, the formatting
    telling nothing: «BỘ GIÁO DỤC VÀ ĐÀO TẠO / TRƯỜNG ĐH DUY TÂN»."""
    for k in range(1, len(lines)):
        text = squash(lines[k].text).upper()
        if ORG_START.match(text) and not RUNS_ON.search(squash(lines[k - 1].text).upper()):
            return k
    return None


def _type(e: Elements, after_header: list[Para]) -> None:
    """The type line: the first known type name after the header block."""
    for p in after_header[:30]:
        t = squash(p.text).upper()
        # «BIÊN BẢN LÀM VIỆC», «GIẤY MỜI HỌP»: a tên loại with the subject's first words after it;
        # set as a title (capitals, centred) it may run on: «BIÊN BẢN HỌP TỔ CHUYÊN GIA ĐẤU THẦU».
        words = len(t.split())
        titled = t == squash(p.text) and (words <= 6 or (words <= 14 and p.alignment == "center"))
        kind = TYPES.get(t) or (next((v for k, v in TYPES.items() if t.startswith(k + " ")), None)
                                if titled else None)
        if kind and p.table is None:
            e.type_line, e.doc_type = p, kind
            return
        # An annex, or a list issued with a decision («DANH SÁCH … (Kèm theo Quyết định …)»).
        if re.match(r"(?i)(phụ lục|danh sách)\b", t) and p.table is None and e.quoc_hieu is None:
            e.type_line, e.doc_type = p, "Phụ lục"
            return
    if e.header_table is not None:
        # Only the first line under the header can be a tên loại.
        p = next((p for p in after_header if p.text.strip() and not is_rule_para(p)), None)
        if p is not None and _titled(p):
            e.type_line, e.doc_type = p, f"{UNKNOWN_TYPE}: «{squash(p.text)}»"
    elif e.type_line is None:
        # A header typed as lines of spaced columns (a Party document: «ĐẢNG CỘNG SẢN VIỆT NAM»,
        # no Quốc hiệu): the first title line of a column of its own.
        p = next((p for p in paras_of(after_header[:15]) if _titled(p) and not re.search(r"\t| {3,}", p.text.strip())),
                 None)
        if p is not None:
            e.type_line, e.doc_type = p, f"{UNKNOWN_TYPE}: «{squash(p.text)}»"
    if e.type_line is None and e.vv is not None:
        e.doc_type = "Công văn"


def _titled(p: Para) -> bool:
    """Set as a tên loại: capitals, bold, centred, one to eight words of letters."""
    t = squash(p.text)
    return (p.table is None and t.upper() == t and p.bold and p.alignment == "center"
            and 1 <= len(t.split()) <= 8 and bool(re.fullmatch(r"[^\W\d_]+(?: [^\W\d_]+)*", t)))


def paras_of(paras: list[Para]) -> list[Para]:
    return [p for p in paras if p.text.strip() and not is_rule_para(p)]


def _subject_or_annex(e: Elements, paras: list[Para], start: int) -> None:
    if e.type_line is not None and e.doc_type != "Phụ lục":
        for p in paras[start:start + 4]:
            if (not p.text.strip() or is_rule_para(p) or p.table is not None or p.alignment != "center"
                    or re.match(r"(Kính g[ửở]i|Căn cứ)", p.text.strip())
                    # «Họ và tên: …», «Bộ phận: …» straight under the type: the fields of a form, not
                    # its subject (a subject's second line may well be «Dự toán mua sắm: …»)
                    or (not e.subject and re.match(r"(?!Về\b)[^:]{1,30}:\s*\S", p.text.strip()))
                    # a trích yếu is in lower case: «HIỆU TRƯỞNG TRƯỜNG …» under it is the authority
                    or (e.subject and squash(p.text).upper() == squash(p.text) and len(p.text.split()) >= 2)
                    or (e.subject and e.subject[-1].has_border_below)):
                break
            e.subject.append(p)
    if e.doc_type == "Phụ lục":
        for p in paras[e.type_line.index:e.type_line.index + 8]:
            if p.table is not None or is_rule_para(p):
                break
            if p.text.strip():
                e.annex_lines.append(p)


def _signer_block(e: Elements, paras: list[Para], start: int) -> int:
    """The signer block: the table (or the paragraphs) that begins with "Nơi nhận". Returns
    where the body ends."""
    first_recipient = None
    for p in paras[start:]:
        if re.match(r"Nơi nhận", squash(p.text)):
            e.noi_nhan, first_recipient = _own_label(p, r"\s*Nơi\s+nhận\s*:?")
            if first_recipient is not None and re.match(r" *\t[\s]*[^-–+\s]", first_recipient.text):
                first_recipient = None  # «Nơi nhận:», tabs, «HIỆU TRƯỞNG»: the signer's column, not a recipient
            break
    if e.noi_nhan is None:
        return len(paras)
    if e.noi_nhan.table is not None:
        t, row, col = e.noi_nhan.table, e.noi_nhan.row, e.noi_nhan.cell
        e.recipients = _merge_wrapped([line for p in [first_recipient] * (first_recipient is not None) + [
            p for p in paras if p.table == t and p.row == row and p.cell == col
            and p.index > e.noi_nhan.index] for line in printed_lines(p) if line.text.strip()])
        signer = [p for p in paras if p.table == t and p.row == row and p.cell != col and p.text.strip()
                  and not PLACEHOLDER.fullmatch(p.text.strip())]
        if signer and DOTS.fullmatch(signer[-1].text):
            # The authority lines of a form whose name is dots: no signer's name to judge.
            e.authority = [p for p in signer[:-1] if not re.match(r"\s*[\[(]", p.text)]
        elif signer:
            e.signer_name = signer[-1]
            # The authority lines; notes such as «(Đã ký)» or «[chữ ký số]» are not part of them.
            e.authority = [p for p in signer[:-1] if not re.match(r"\s*[\[(]", p.text)]
    else:
        # «Nơi nhận:» set as a paragraph, not in the signer's table: its recipients are the
        # lines below that open with a dash, up to the first that does not.
        lines = [line for p in paras[e.noi_nhan.index + 1:e.noi_nhan.index + 30] if p.table is None
                 for line in printed_lines(p) if line.text.strip()]
        ends = next((i for i, line in enumerate(lines) if not re.match(r"\s*[-–+]", line.text)), len(lines))
        e.recipients = _merge_wrapped([first_recipient] * (first_recipient is not None) + lines[:ends])
    return e.noi_nhan.index if e.noi_nhan.table is None else min(
        p.index for p in paras if p.table == e.noi_nhan.table)
