"""Format properties of the format spec, read back from the generated documents."""
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH as A
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from .docx_read import find_paragraph, open_doc, paragraphs_in_order


def effective(paragraph, attr):
    """A run-independent paragraph property as Word shows it (direct, then the style chain)."""
    style = paragraph.style
    value = getattr(paragraph.paragraph_format, attr)
    while value is None and style is not None:
        value = getattr(style.paragraph_format, attr)
        style = style.base_style
    return value


def font_of(paragraph, attr):
    style = paragraph.style
    while style is not None:
        value = getattr(style.font, attr)
        if value is not None:
            return value
        style = style.base_style
    return None


@pytest.fixture(scope="module", params=["ke_hoach.docx", "phu_luc.docx"])
def doc(request, built):
    return open_doc(built[1] / request.param)


@pytest.fixture(scope="module")
def plan(built):
    return open_doc(built[1] / "ke_hoach.docx")


def test_a4_portrait_with_the_spec_margins(doc):
    s = doc.sections[0]
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)
    assert [round(x.mm) for x in (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)] == [20, 20, 30, 15]


def test_times_new_roman_everywhere(doc):
    rfonts = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:rFonts"))
    assert rfonts.get(qn("w:ascii")) == rfonts.get(qn("w:hAnsi")) == "Times New Roman"
    for p in paragraphs_in_order(doc):
        for r in p.runs:
            assert r.font.name in (None, "Times New Roman")
        assert font_of(p, "name") == "Times New Roman"


def test_page_numbers_from_page_two_only(doc):
    s = doc.sections[0]
    assert s.different_first_page_header_footer
    assert "PAGE" not in s.first_page_header._element.xml
    instr = [e.text for e in s.header._element.iter(qn("w:instrText"))]
    assert [i.strip() for i in instr] == ["PAGE"]
    p = s.header.paragraphs[0]
    assert effective(p, "alignment") == A.CENTER and font_of(p, "size") == Pt(13)


@pytest.mark.parametrize("pattern, size, bold, italic, align", [
    (r"^TỔNG LĐLĐ VIỆT NAM$", 13, False, False, A.CENTER),
    (r"^LIÊN ĐOÀN LAO ĐỘNG", 13, True, False, A.CENTER),
    (r"^Số: +/KH-LĐLĐ$", 13, False, False, A.CENTER),
    (r"^CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM$", 13, True, False, A.CENTER),
    (r"^Độc lập - Tự do - Hạnh phúc$", 14, True, False, A.CENTER),
    (r"^Lạng Sơn, ngày +tháng 02 năm 2023$", 14, False, True, A.CENTER),
    (r"^KẾ HOẠCH$", 14, True, False, A.CENTER),
    (r"^Sơ kết 03 năm", 14, True, False, A.CENTER),
    (r"^I\. MỤC ĐÍCH, YÊU CẦU$", 14, True, False, A.JUSTIFY),
    (r"^2\.1\. Hình thức$", 14, True, False, A.JUSTIFY),
    (r"^3\.2\.1\. ", 14, True, False, A.JUSTIFY),
    (r"^Tập trung làm nổi bật", 14, False, False, A.JUSTIFY),
    (r"^Nơi nhận:$", 12, True, True, A.LEFT),
    (r"^- Tổng LĐLĐ Việt Nam;$", 11, False, False, A.LEFT),
    (r"^TM\. BAN THƯỜNG VỤ$", 14, True, False, A.CENTER),
    (r"^CHỦ TỊCH$", 14, True, False, A.CENTER),
    (r"^Lý Đức Thanh$", 14, True, False, A.CENTER),
])
def test_plan_elements_size_style_alignment(plan, pattern, size, bold, italic, align):
    p = find_paragraph(plan, pattern)
    assert font_of(p, "size") == Pt(size)
    assert bool(font_of(p, "bold")) is bold
    assert bool(font_of(p, "italic")) is italic
    assert effective(p, "alignment") == align
    for r in p.runs:  # no run overrides what the style says
        assert r.font.size is None and r.bold in (None, bold) and r.italic in (None, italic)


def test_body_is_justified_with_first_line_indent_and_6pt_after(plan):
    p = find_paragraph(plan, r"^Tập trung làm nổi bật")
    assert effective(p, "first_line_indent") == Mm(12.7)
    assert effective(p, "space_after") == Pt(6)
    assert 1.0 <= effective(p, "line_spacing") <= 1.5


def test_inline_bold_and_italic_of_the_seed(plan):
    deadline = find_paragraph(plan, r"^- LĐLĐ tỉnh: Tổ chức Hội nghị sơ kết trước")
    assert [r.text for r in deadline.runs if r.bold] == ["trước ngày 30/4/2023"]
    intro = find_paragraph(plan, r"^Thực hiện Kế hoạch số")
    assert [r.text for r in intro.runs if r.italic] == ["Sau đây viết tắt là Kết luận số 01-KL/TW"]
    tier = find_paragraph(plan, r"^\+ Đơn vị có từ 2.000 - 3.000")
    assert [r.text for r in tier.runs if r.bold] == ["02\u00a0cá\u00a0nhân;"]  # kept on one line


def test_rules_under_issuing_body_motto_and_subject(plan):
    rules = [p for p in paragraphs_in_order(plan) if p._p.pPr is not None and p._p.pPr.find(qn("w:pBdr")) is not None]
    assert len(rules) == 3
    for p in rules:
        assert p.text == "" and p._p.pPr.find(qn("w:pBdr")).find(qn("w:top")).get(qn("w:val")) == "single"


def test_signer_block_sits_beside_the_recipients_and_never_splits(plan):
    sign = plan.tables[-1]
    left, right = sign.rows[0].cells
    assert left.paragraphs[0].text == "Nơi nhận:" and right.paragraphs[0].text == "TM. BAN THƯỜNG VỤ"
    assert sign.rows[0]._tr.trPr.find(qn("w:cantSplit")) is not None
    blank = [p for p in right.paragraphs if not p.text]
    assert 3 <= len(blank) <= 4  # room for the signature and the seal


def test_recipients_dash_first_semicolon_last_and_a_full_stop_at_the_end(plan):
    lines = [p.text for p in plan.tables[-1].rows[0].cells[0].paragraphs[1:]]
    assert lines == ["- Tổng LĐLĐ Việt Nam;", "- Ban Tuyên giáo Tỉnh ủy;\t(để B/c);", "- Lãnh đạo LĐLĐ tỉnh;",
                     "- Các ban LĐLĐ tỉnh;", "- LĐLĐ huyện, TP, CĐ ngành (Th/h);", "- Lưu: VT, Ban TG-NC."]


def test_header_block_is_a_borderless_two_column_table(plan):
    header = plan.tables[0]
    assert len(header.columns) == 2 and header.style.name == "Normal Table"
    assert header.rows[1].cells[0].text.startswith("Số:") and header.rows[1].cells[1].text.startswith("Lạng Sơn,")


def test_annex_heading_lines(built):
    annex = open_doc(built[1] / "phu_luc.docx")
    ps = [p for p in annex.paragraphs if p.text.strip()]
    assert [p.text for p in ps[:2]] == ["Phụ lục", "PHÂN BỐ SỐ LƯỢNG KHEN THƯỞNG"]
    for p in ps[:3]:
        assert font_of(p, "bold") and effective(p, "alignment") == A.CENTER and font_of(p, "size") == Pt(14)
    attached = ps[3]
    assert attached.text.startswith("(Kèm theo Kế hoạch số ") and font_of(attached, "italic")
    assert " /KH-LĐLĐ ngày " in attached.text and " /02/2023" in attached.text


def test_annex_table_is_13pt_single_spaced_without_indent(built):
    annex = open_doc(built[1] / "phu_luc.docx")
    for cell in annex.tables[0].rows[5].cells:
        p = cell.paragraphs[0]
        assert font_of(p, "size") == Pt(13) and effective(p, "line_spacing") == 1.0
        assert effective(p, "first_line_indent") == Mm(0)
