"""NĐ 30's rules from the date line to the signer (tên loại, trích yếu, body, headings, the
closing, Nơi nhận, the signer, the công văn's V/v), then one per thing Word is strict about in
the package, and those judged on the laid-out pages; registered with rulebook.rule after
rules_layout's, in the report's order."""
from __future__ import annotations

import re

from . import package
from ..findings import LOI, LUU_Y, THONG_TIN, Finding
from .docmodel import Document, Para
from .elements import ROMAN, squash
from .rulebook import (
    NO_HEADER,
    NO_SIGNER_BLOCK,
    PUNCT_NOTE,
    RULES,
    NotEvaluated,
    Rule,
    _format,
    _need,
    _size_ok,
    _sizes,
    at,
    rule,
    rule_below,
)

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
    printed = _printed_offset(ctx, p)
    out = _format("ten_loai", p, "tên loại văn bản", 13, 14, bold=True, upper=True, center=printed is None)
    if printed is not None and printed > CENTRE_MM + 1:
        out.append(Finding("ten_loai", LOI, at(p), f"tên loại văn bản in lệch {printed:.1f} mm so với giữa dòng (NĐ 30: "
                           f"căn giữa; cho phép {CENTRE_MM + 1:g} mm; đo trên trang đã dựng)."))
    return out


def _printed_offset(ctx, p) -> float | None:
    """How far (mm) the first printed line reading p's text lies from the middle of the text
    area of its page, for a paragraph outside tables; None when the pages were not laid out or
    the line is not found (then the paragraph's alignment is judged)."""
    r = ctx.rendered
    if r is None or p.table is not None:
        return None
    found = r.lines_like(p.text)
    section = next((s for s in reversed(ctx.doc.sections) if s.first_paragraph <= p.index), None)
    if not found or section is None or not section.margins_mm:
        return None
    page, _, centre = found[0]
    width = r.page_width(page)
    left, right = section.margins_mm.get("left", 30.0), section.margins_mm.get("right", 20.0)
    if width is None:
        return None
    middle = (left + (width * 25.4 / 72 - left - right) / 2)
    return abs(centre * 25.4 / 72 - middle)


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
    if not rule_below(ctx.doc, ps[-1]):
        out.append(Finding("trich_yeu", LUU_Y, at(ps[-1]), "không thấy đường kẻ ngang dưới trích yếu."))
    return out


def _is_heading(p: Para) -> bool:
    return bool(re.match(rf"{ROMAN}\.|\d+(\.\d+)*\.\s|[a-zđ]\)", squash(p.text))) and len(p.text) < 120 and p.bold


def _gap(doc: Document, above: int, below: int) -> float:
    """The printed space between two paragraphs, in points: the larger of the upper one's space
    after and the lower one's space before (ISO 29500 §17.3.1.33; LibreOffice lays a .docx out
    so), not their sum. A paragraph with contextualSpacing prints neither of its own sides next
    to a paragraph of the same style (§17.3.1.9, as LibreOffice does: the side is dropped, not
    subtracted). At the body's edge, only the paragraph's own side counts. Spacing given in lines
    and HTML auto spacing are not read."""
    paras = doc.paragraphs
    upper = paras[above] if 0 <= above < len(paras) else None
    lower = paras[below] if 0 <= below < len(paras) else None
    alike = upper is not None and lower is not None and upper.style_name == lower.style_name
    after = 0 if upper is None or (alike and upper.contextual_spacing) else upper.space_after_pt or 0
    before = 0 if lower is None or (alike and lower.contextual_spacing) else lower.space_before_pt or 0
    return max(after, before)


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
            add("khoảng cách giữa các đoạn tối thiểu 6 pt (theo thuộc tính, như Word in: khoảng lớn hơn "
                    "giữa «sau» của đoạn trên và «trước» của đoạn dưới)")
        if p.line_spacing:
            rule_, v = p.line_spacing
            size = max(p.sizes or {14})
            if rule_ == "auto":
                ok = 1.0 <= v <= 1.5
            elif rule_ == "atLeast":  # below the font's own line height Word prints single spacing
                ok = v <= size * 1.8
            else:
                ok = size <= v <= size * 1.8
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
    last = _need(ctx.el.closing, "đoạn cuối của nội dung")
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
    out += _format("chu_ky", name, "họ tên người ký", 13, 14, bold=True, center=False)
    return out + _name_centred(ctx, name)


CENTRE_MM = 2.0  # how far the name's printed centre may lie from the title's (half a space is ~0.6 mm)


def _name_centred(ctx, name) -> list[Finding]:
    """NĐ 30 centres the signer's name under the title. Judged by print when the pages were laid
    out (the centres of the two printed lines, within CENTRE_MM: a name centred by a tab stop
    passes, a centred name pushed aside by an indent does not); by the paragraph's alignment
    when they were not."""
    title = ctx.el.authority[-1] if ctx.el.authority else None
    printed = ctx.rendered
    if printed is not None and title is not None:
        names, titles = printed.lines_like(name.text), printed.lines_like(title.text)
        pairs = [(t, n) for n in names for t in titles if t[0] == n[0] and t[1] < n[1]]
        if pairs:
            t, n = min(pairs, key=lambda tn: tn[1][1] - tn[0][1])  # the title nearest above the name
            off = abs(n[2] - t[2]) * 25.4 / 72
            if off > CENTRE_MM:
                return [Finding("chu_ky", LOI, at(name), f"họ tên người ký in lệch {off:.1f} mm so với giữa dòng «{title.words}» "
                                f"(NĐ 30: căn giữa dưới chức vụ; cho phép {CENTRE_MM:g} mm; đo trên trang đã dựng).")]
            return []
    if name.alignment != "center":
        return [Finding("chu_ky", LOI, at(name), "họ tên người ký: phải căn giữa (xét theo thuộc tính của đoạn, "
                        "không dựng trang).")]
    return []


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
        return [Finding(rid, LOI, p.part, p.message) for p in ctx.doc.package_faults if p.rule == rid]
    return check


for _rid, _title in package.CHECKS.items():
    RULES.append(Rule(_rid, _title, _package_rule(_rid)))


# -- rendered rules (LibreOffice) --------------------------------------------------------------

def _rendered(ctx):
    if ctx.rendered is None:
        raise NotEvaluated(ctx.unrendered)
    return ctx.rendered


# The three layout rules below are good practice, not NĐ 30's (nor the format spec's): what they
# find is «thông tin», never an error of thể thức.
@rule("khoi_ky_mot_trang", "Khối chữ ký không bị tách sang hai trang", skip=NO_SIGNER_BLOCK)
def _signer_one_page(ctx):
    r = _rendered(ctx)
    name = _need(ctx.el.signer_name, "khối chữ ký")
    first = (ctx.el.authority or [name])[0]
    pa, pn = r.page_of(first.text, last=True), r.page_of(name.text, last=True)
    if pa is None or pn is None:
        raise NotEvaluated("không tìm thấy khối chữ ký trên trang đã dựng")
    if pa != pn:
        return [Finding("khoi_ky_mot_trang", THONG_TIN, at(name), f"chức vụ ở trang {pa}, họ tên ở trang {pn}: khối chữ ký bị tách trang.")]
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
        return [Finding("trang_chi_co_chu_ky", THONG_TIN, f"trang {page}",
                        f"khối chữ ký đứng riêng ở đầu trang {page}, không có dòng nội dung nào đi cùng; "
                        "chuyển vài dòng cuối của nội dung sang cùng trang.")]
    return []


@rule("dong_mot_chu", "Trang 1 không có dòng cuối đoạn chỉ một chữ")
def _runt(ctx):
    r = _rendered(ctx)
    # Only the content's paragraphs: a header cell's «Số: … /TB-ĐT» wrapped is not a runt.
    body = " ".join(squash(p.text) for p in ctx.el.body)
    in_body = lambda runt: squash(runt[2:].rsplit(" / ", 1)[0][-15:] + " " + runt.rsplit(" / ", 1)[-1]) in body  # noqa: E731
    return [Finding("dong_mot_chu", THONG_TIN, f"trang 1, «{words}»", "dòng cuối của đoạn chỉ có một chữ; sửa câu chữ hoặc giãn chữ để đoạn gọn hơn.")
            for words in r.runts(1) if in_body(words)]
