"""Build templates/ke_hoach.docx and templates/phu_luc.docx with python-docx.

The templates are ordinary Word files: a clerk may open and edit them, and the build only
fills in the {{ ... }} tags. This script is how they were made; tests/test_templates.py fails
when the committed templates differ from what it builds, so an edit made here must be
followed by `python tools/make_templates.py`, and an edit made in Word must be carried back here.

Every format fact of the format spec (page, margins, fonts, sizes, indents, spacing) is set
here once, as a named paragraph style of the template, so the body paragraphs carry no
direct formatting and the format checker can read the styles back.

Inline markup in the texts below: **bold**, *italic*. Lines starting with {%p are
docxtpl paragraph tags: the paragraph holding them disappears from the output.
"""
from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from generator.output import normalize_docx  # noqa: E402

FONT = "Times New Roman"
TEXT_WIDTH_MM = 210 - 30 - 15  # A4 less the left and right margins
INDENT = Mm(12.7)  # 1.27 cm first-line indent of the body [NĐ30]
FIXED_TIME = dt.datetime(2023, 1, 1)

# -- the plan's wording ------------------------------------------------------------------
# (style, text). Styles: I = "VB Muc I", 1 = "VB Muc 1", 1.1 = "VB Muc 1.1", p = body.
C = "Kết luận số {{ conclusion.number }}"
PLAN_BODY: list[tuple[str, str]] = [
    ("p", "Thực hiện Kế hoạch số {{ implements.number }}, ngày {{ implements.date|short_date }} của "
          "{{ implements.issuer }} về Sơ kết 03 năm thực hiện " + C + " của Bộ Chính trị về tiếp tục "
          "thực hiện Chỉ thị số 05-CT/TW của Bộ Chính trị về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, "
          "phong cách Hồ Chí Minh (*Sau đây viết tắt là " + C + "*); Liên đoàn Lao động (LĐLĐ) tỉnh xây dựng "
          "kế hoạch sơ kết 03 năm thực hiện " + C + ", như sau:"),
    ("I", "I. MỤC ĐÍCH, YÊU CẦU"),
    ("1", "1. Mục đích"),
    ("p", "- Sơ kết, đánh giá toàn diện quá trình lãnh đạo, chỉ đạo, tổ chức thực hiện " + C + "; đánh giá "
          "những việc đã làm được, chỉ ra những hạn chế, yếu kém, những vấn đề phát sinh trong quá trình thực "
          "hiện; nguyên nhân của những hạn chế, yếu kém và đề ra giải pháp thiết thực, khả thi để tiếp tục đẩy "
          "mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh gắn với thực hiện Nghị quyết "
          "Trung ương 4 (*khóa XII*) về tăng cường xây dựng, chỉnh đốn Đảng, Kết luận số 21-KL/TW, ngày "
          "25/10/2021 của Hội nghị lần thứ tư, Ban Chấp hành Trung ương Đảng khóa XIII về xây dựng, chỉnh đốn "
          "Đảng và hệ thống chính trị; kiên quyết ngăn chặn, đẩy lùi, xử lý nghiêm cán bộ, đoàn viên, người "
          "lao động (ĐV, NLĐ) suy thoái về tư tưởng chính trị, đạo đức, lối sống, biểu hiện “*tự diễn biến*”, "
          "“*tự chuyển hóa*” trong thời gian tới."),
    ("p", "- Thông qua việc sơ kết, tiếp tục nâng cao nhận thức của các cấp công đoàn, ĐV, NLĐ về tầm quan "
          "trọng của " + C + " của Bộ Chính trị, thấy rõ vai trò to lớn, mục đích, ý nghĩa của việc học tập "
          "và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh đối với sự nghiệp xây dựng và bảo vệ Tổ quốc, "
          "góp phần vào công cuộc xây dựng, chỉnh đốn Đảng, bồi đắp nền tảng đạo đức, văn hóa trong Đảng và "
          "toàn xã hội từ đó tạo chuyển biến mạnh mẽ về nhận thức, hành động trong mỗi cán bộ, ĐV, NLĐ."),
    ("p", "- Kịp thời biểu dương, khen thưởng những tập thể và cá nhân có thành tích trong học tập và làm theo "
          "tư tưởng, đạo đức, phong cách Hồ Chí Minh. Qua đó nhân rộng những cách làm hay, kinh nghiệm tốt "
          "trong thực hiện Chỉ thị số 05-CT/TW của Bộ Chính trị một cách hiệu quả, thiết thực."),
    ("1", "2. Yêu cầu"),
    ("p", "- Việc tổ chức sơ kết và biểu dương, khen thưởng phải đảm bảo trang trọng, thiết thực, hiệu quả, "
          "tiết kiệm gắn với việc thực hiện nhiệm vụ chính trị của các cấp công đoàn trong tỉnh."),
    ("p", "- Các tập thể, cá nhân được biểu dương, khen thưởng phải thực sự là những tấm gương tiêu biểu, được "
          "lựa chọn công khai, dân chủ từ các cấp công đoàn hoặc được phát hiện qua các phong trào thi đua do "
          "các cấp công đoàn phối hợp phát động."),
    ("I", "II. NỘI DUNG, HÌNH THỨC, THỜI GIAN THỰC HIỆN"),
    ("1", "1. Nội dung sơ kết"),
    ("p", "Tập trung làm nổi bật một số nội dung:"),
    ("p", "- Kết quả triển khai thực hiện " + C + " của Bộ Chính trị từ tháng "
          "{{ schedule.review_from|month_year }} đến tháng {{ schedule.review_to|month_year }}. Những chuyển "
          "biến rõ nét, những kết quả nổi bật của các cấp công đoàn từ khi triển khai thực hiện " + C +
          " của Bộ Chính trị đến nay."),
    ("p", "- Kết quả giải quyết những vấn đề trọng tâm, bức xúc, nổi cộm, việc thực hiện nội dung đột phá nhằm "
          "tạo chuyển biến rõ nét trong học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh."),
    ("p", "- Những cách làm hay, sáng tạo trong triển khai thực hiện " + C + " tại các cấp công đoàn."),
    ("p", "- Chỉ ra những hạn chế, khuyết điểm, nguyên nhân và bài học kinh nghiệm."),
    ("p", "- Xác định nhiệm vụ trọng tâm thời gian tới."),
    ("p", "- Các đề xuất, kiến nghị với Đảng, Nhà nước, Tổng Liên đoàn Lao động Việt Nam, Tỉnh ủy, Liên đoàn "
          "Lao động tỉnh Lạng Sơn, cấp ủy, chính quyền các cấp."),
    ("1", "2. Hình thức và thời gian thực hiện"),
    ("1.1", "2.1. Hình thức"),
    ("p", "- LĐLĐ tỉnh: Tổ chức Hội nghị sơ kết việc triển khai thực hiện " + C + " vào dịp cuối tháng "
          "{{ schedule.conference_month.month|two_digits }} năm {{ schedule.conference_month.year }}."),
    ("p", "- LĐLĐ các huyện, thành phố, công đoàn ngành: Xây dựng báo cáo và tùy vào điều kiện cụ thể, tổ chức "
          "hội nghị sơ kết, biểu dương, khen thưởng các tập thể, cá nhân tiêu biểu, điển hình trong học tập và "
          "làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh ở cấp mình."),
    ("1.1", "2.2. Thời gian"),
    ("p", "- LĐLĐ tỉnh: Tổ chức Hội nghị sơ kết **trước ngày {{ schedule.conference_by|short_date }}** (thời "
          "gian cụ thể sẽ thông báo sau)."),
    ("p", "- LĐLĐ huyện, thành phố, công đoàn ngành: Hoàn thành việc tổ chức sơ kết trước ngày "
          "{{ schedule.units_review_by|short_date }}."),
    ("1", "3. Khen thưởng"),
    ("1.1", "3.1. Các LĐLĐ huyện, thành phố, công đoàn ngành"),
    ("p", "Tùy theo điều kiện cụ thể của từng huyện, thành phố, ngành quyết định số lượng tập thể, cá nhân được "
          "biểu dương, khen thưởng."),
    ("1.1", "3.2. Liên đoàn Lao động tỉnh"),
    ("p", "Tổ chức biểu dương, khen thưởng các tập thể, cá nhân có thành tích xuất sắc trong học tập và làm theo "
          "tư tưởng, đạo đức, phong cách Hồ Chí Minh, cụ thể như sau:"),
    ("1.1.1", "3.2.1. Về đối tượng, tiêu chuẩn, trình tự, hồ sơ, thủ tục đề khen thưởng"),
    ("p", "Thực hiện theo Hướng dẫn 45/HD-LĐLĐ, ngày 28/12/2021 của Liên đoàn Lao động tỉnh Lạng Sơn về Học "
          "tập Chuyên đề toàn khóa nhiệm kỳ Đại hội XIII của Đảng “Học tập và làm theo tư tưởng, đạo đức, "
          "phong cách Hồ Chí Minh về ý chí tự lực, tự cường và khát vọng phát triển đất nước phồn vinh, hạnh "
          "phúc”."),
    ("1.1.1", "3.2.2. Về số lượng"),
    ("p", "**- Đối với tập thể:**"),
    ("p", "Mỗi LĐLĐ huyện, thành phố, công đoàn ngành đề nghị khen thưởng: "
          "**{{ collectives_per_unit|two_digits }}\u00a0tập\u00a0thể.**"),  # a count stays with its noun
    ("p", "**- Đối với cá nhân:**"),
    ("p", "Các LĐLĐ huyện, thành phố, công đoàn ngành căn cứ số lượng đoàn viên, đề nghị khen thưởng theo chỉ "
          "tiêu như sau:"),
    ("tag", "{%p for t in tiers %}"),
    ("p", "+ Đơn vị có {% if t.lower is none %}từ {{ t.upper|thousands }} đoàn viên trở xuống"
          "{% elif t.upper is none %}từ {{ t.lower|thousands }} đoàn viên trở lên"
          "{% else %}từ {{ t.lower|thousands }} - {{ t.upper|thousands }} đoàn viên{% endif %}"
          " đề nghị khen thưởng: **{{ t.individuals|two_digits }}\u00a0cá\u00a0nhân;**"),
    ("tag", "{%p endfor %}"),
    ("p", "Số lượng phân bổ cụ thể cho từng đơn vị tại Phụ lục kèm theo Kế hoạch này."),
    ("p", "**- Các Ban Liên đoàn Lao động tỉnh đề nghị khen thưởng {{ provincial.text }}.**"),
    ("1.1.1", "3.2.3. Hồ sơ đề nghị khen thưởng"),
    ("p", "- Tờ trình kèm theo danh sách đề nghị khen thưởng."),
    ("p", "- Bản tóm tắt thành tích của tập thể, cá nhân đề nghị khen thưởng."),
    ("p", "- Biên bản họp xét khen thưởng của cấp trình khen thưởng."),
    ("I", "III. TỔ CHỨC THỰC HIỆN"),
    ("1", "1. Liên đoàn Lao động tỉnh"),
    ("1.1", "1.1. Ban Tuyên giáo - Nữ công"),
    ("p", "Chủ trì, phối hợp với các ban LĐLĐ tỉnh tham mưu cho Ban Thường vụ Liên đoàn Lao động tỉnh xây dựng "
          "kế hoạch, chỉ đạo, hướng dẫn các cấp công đoàn tổ chức triển khai thực hiện. Tham mưu xây dựng báo "
          "cáo, dự trù kinh phí và các điều kiện cần thiết để tổ chức sơ kết việc triển khai thực hiện " + C + "."),
    ("1.1", "1.2. Ban Chính sách pháp luật và Quan hệ lao động"),
    ("p", "Chủ trì, phối hợp với Ban Tuyên giáo - Nữ công tham mưu cho Ban Thường vụ LĐLĐ tỉnh về công tác thi "
          "đua khen thưởng sơ kết việc triển khai thực hiện " + C + "."),
    ("1.1", "1.3. Văn phòng - Tài chính"),
    ("p", "Chuẩn bị Hội trường, Ma kết, giấy mời, đặt cơm, phối hợp dự trù kinh phí và quyết toán kinh phí tổ "
          "chức Hội nghị sơ kết."),
    ("1", "2. LĐLĐ các huyện, thành phố, công đoàn ngành"),
    ("p", "- Tuyên truyền trong ĐV, NLĐ, các công đoàn cơ sở trực thuộc tiếp tục triển khai thực hiện " + C +
          ", ngày {{ conclusion.date|short_date }} của {{ conclusion.issuer }} về tiếp tục thực hiện Chỉ thị số "
          "05-CT/TW của Bộ Chính trị về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh."),
    ("p", "- Xây dựng báo cáo và tùy vào điều kiện cụ thể, tổ chức hội nghị sơ kết, biểu dương, khen thưởng các "
          "tập thể, cá nhân có thành tích xuất sắc trong học tập và làm theo tư tưởng, đạo đức, phong cách Hồ "
          "Chí Minh. Gửi báo cáo và hồ sơ đề nghị khen thưởng về LĐLĐ tỉnh (qua Ban Tuyên giáo - Nữ công) "
          "trước ngày **{{ schedule.reports_due|short_date }}**./."),
]

SUBJECT = ("Sơ kết 03 năm thực hiện Kết luận số {{ conclusion.number }}, ngày {{ conclusion.date|short_date }} "
           "của {{ conclusion.issuer }} về tiếp tục thực hiện Chỉ thị số 05-CT/TW của Bộ Chính trị về đẩy mạnh "
           "học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh")

ANNEX_TITLE = "PHÂN BỐ SỐ LƯỢNG KHEN THƯỞNG"
ANNEX_SUBTITLE = ("Tập thể, cá nhân có thành tích xuất sắc trong học tập và làm theo tư tưởng,\n"
                  "đạo đức, phong cách Hồ Chí Minh")
ANNEX_ATTACHED = ("(Kèm theo Kế hoạch số {{ doc.number }}/{{ doc.code }} ngày {{ doc.short_date }}\n"
                  "của {{ doc.issuer_short }})")

# -- styles: every format fact lives here -------------------------------------------------
# name: (size pt, bold, italic, alignment, first-line indent, space before pt, space after pt)
J, CENTER, LEFT = WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT
STYLES = {
    "VB Co quan chu quan": (13, False, False, CENTER, None, 0, 0),
    "VB Co quan ban hanh": (13, True, False, CENTER, None, 0, 0),
    "VB So ky hieu": (13, False, False, CENTER, None, 6, 0),
    "VB Quoc hieu": (13, True, False, CENTER, None, 0, 0),
    "VB Tieu ngu": (14, True, False, CENTER, None, 0, 0),
    "VB Dia danh ngay": (14, False, True, CENTER, None, 6, 0),
    "VB Ten loai": (14, True, False, CENTER, None, 18, 0),
    "VB Trich yeu": (14, True, False, CENTER, None, 0, 0),
    "VB Muc I": (14, True, False, J, INDENT, 0, 6),
    "VB Muc 1": (14, True, False, J, INDENT, 0, 6),
    "VB Muc 1.1": (14, True, False, J, INDENT, 0, 6),
    "VB Muc 1.1.1": (14, True, False, J, INDENT, 0, 6),
    "VB Noi nhan": (12, True, True, LEFT, None, 6, 0),
    "VB Noi nhan muc": (11, False, False, LEFT, None, 0, 0),
    "VB Chuc vu ky": (14, True, False, CENTER, None, 0, 0),
    "VB Ho ten ky": (14, True, False, CENTER, None, 0, 0),
    "VB Phu luc": (14, True, False, CENTER, None, 0, 0),
    "VB Kem theo": (14, False, True, CENTER, None, 0, 0),
    "VB Bang": (13, False, False, CENTER, None, 0, 0),
    "VB Bang trai": (13, False, False, LEFT, None, 0, 0),
    "VB Bang dau": (13, True, False, CENTER, None, 0, 0),
    "VB So trang": (13, False, False, CENTER, None, 0, 0),
    "VB Gach ngang": (1, False, False, CENTER, None, 3, 0),
}
BODY_STYLE = {"p": "Normal", "I": "VB Muc I", "1": "VB Muc 1", "1.1": "VB Muc 1.1", "1.1.1": "VB Muc 1.1.1"}


def _set_fonts(rpr_owner, size_pt: float) -> None:
    font = rpr_owner.font
    font.name = FONT
    font.size = Pt(size_pt)
    rpr = rpr_owner.element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attr), FONT)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "vi-VN")
    rpr.append(lang)


def define_styles(doc) -> None:
    normal = doc.styles["Normal"]
    _set_fonts(normal, 14)
    pf = normal.paragraph_format
    pf.alignment = J
    pf.first_line_indent = INDENT
    pf.space_before, pf.space_after = Pt(0), Pt(6)
    pf.line_spacing_rule = WD_LINE_SPACING.MULTIPLE
    pf.line_spacing = 1.1
    pf.widow_control = True
    # Word's document defaults, so text outside any style (headers, tables) is Times New Roman too.
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rfonts = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:rFonts"))
    for attr in list(rfonts.attrib):
        del rfonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attr), FONT)
    from docx.enum.style import WD_STYLE_TYPE
    for name, (size, bold, italic, align, indent, before, after) in STYLES.items():
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.quick_style = True
        style.font.size = Pt(size)
        style.font.bold = bold
        style.font.italic = italic
        spf = style.paragraph_format
        spf.alignment = align
        spf.first_line_indent = indent if indent is not None else Mm(0)
        spf.space_before, spf.space_after = Pt(before), Pt(after)
        if name.startswith("VB Muc"):
            spf.keep_with_next = True
        if name in ("VB Noi nhan muc", "VB Bang", "VB Bang trai", "VB Bang dau", "VB So trang",
                    "VB Co quan chu quan", "VB Co quan ban hanh", "VB Quoc hieu", "VB Tieu ngu", "VB Gach ngang"):
            spf.line_spacing = 1.0
    doc.styles["VB Noi nhan muc"].paragraph_format.tab_stops.add_tab_stop(Mm(52), WD_TAB_ALIGNMENT.LEFT)
    doc.styles["VB Ten loai"].paragraph_format.keep_with_next = True
    doc.styles["VB Trich yeu"].paragraph_format.keep_with_next = True


def setup_page(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance, section.footer_distance = Mm(10), Mm(10)
    # Page numbers from page 2 [NĐ30]: page 1 takes the (empty) first-page header.
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    section.first_page_header.paragraphs[0].style = doc.styles["VB So trang"]
    header = section.header
    header.is_linked_to_previous = False
    p = header.paragraphs[0]
    p.style = doc.styles["VB So trang"]
    _page_field(p)


def _page_field(paragraph) -> None:
    def run_with(child):
        r = OxmlElement("w:r")
        r.append(child)
        paragraph._p.append(r)
    begin = OxmlElement("w:fldChar"); begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText"); instr.set(qn("xml:space"), "preserve"); instr.text = " PAGE "
    sep = OxmlElement("w:fldChar"); sep.set(qn("w:fldCharType"), "separate")
    shown = OxmlElement("w:t"); shown.text = "2"
    end = OxmlElement("w:fldChar"); end.set(qn("w:fldCharType"), "end")
    for child in (begin, instr, sep, shown, end):
        run_with(child)


def add_text(paragraph, text: str) -> None:
    """Append runs for `text`, honouring **bold** and *italic*."""
    for token in re.split(r"(\*\*.+?\*\*|\*[^*]+?\*)", text):
        if not token:
            continue
        if token.startswith("**"):
            paragraph.add_run(token[2:-2]).bold = True
        elif token.startswith("*"):
            paragraph.add_run(token[1:-1]).italic = True
        else:
            paragraph.add_run(token)


def para(container, style: str, text: str = ""):
    p = container.add_paragraph(style=style)
    if text:
        add_text(p, text)
    return p


def rule(container, length_mm: float, width_mm: float):
    """A short solid rule: an empty 1 pt paragraph whose top border is indented to length."""
    p = para(container, "VB Gach ngang")
    side = Mm((width_mm - length_mm) / 2)
    p.paragraph_format.left_indent = side
    p.paragraph_format.right_indent = side
    ppr = p._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        top.set(qn(k), v)
    bdr.append(top)
    ppr.insert(0, bdr) if ppr.find(qn("w:pStyle")) is None else ppr.find(qn("w:pStyle")).addnext(bdr)
    return p


def _borderless(table, widths_mm: list[float], cell_margin_mm: float = 0) -> None:
    tbl = table._tbl
    tblpr = tbl.tblPr
    # The schema fixes the order of tblPr's children and Word may ignore one out of place:
    # both go before tblLook (and whatever follows it), never appended after it.
    after = ("w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
    layout = OxmlElement("w:tblLayout"); layout.set(qn("w:type"), "fixed")
    tblpr.insert_element_before(layout, "w:tblCellMar", *after)
    mar = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        e = OxmlElement(f"w:{side}"); e.set(qn("w:w"), str(int(cell_margin_mm * 56.7))); e.set(qn("w:type"), "dxa")
        mar.append(e)
    tblpr.insert_element_before(mar, *after)
    _widths(table, widths_mm)


def _widths(table, widths_mm: list[float]) -> None:
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    tblw = table._tbl.tblPr.find(qn("w:tblW"))
    if tblw is None:
        tblw = OxmlElement("w:tblW"); table._tbl.tblPr.append(tblw)
    tblw.set(qn("w:type"), "dxa"); tblw.set(qn("w:w"), str(int(sum(widths_mm) * 56.7)))
    for i, col in enumerate(table.columns):
        col.width = Mm(widths_mm[i])
        for cell in col.cells:
            cell.width = Mm(widths_mm[i])


def _first_para(cell, style: str, text: str = ""):
    p = cell.paragraphs[0]
    p.style = cell.part.document.styles[style]
    if text:
        add_text(p, text)
    return p


def _cant_split(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))


def _fixed_core(doc, title: str) -> None:
    core = doc.core_properties
    core.author = core.last_modified_by = "LĐLĐ tỉnh Lạng Sơn"
    core.title = title
    core.created = core.modified = FIXED_TIME
    core.revision = 1


def _drop_leftovers(doc) -> None:
    """python-docx's blank document carries a thumbnail of itself, a Word 2010 copy of its
    styles (stylesWithEffects, 438 kB) and a bibliography part: none belongs in an office
    document, and the copy of the styles doubled the size of every output."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    pkg = doc.part.package
    for rid, rel in list(pkg.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del pkg.rels[rid]
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype.rsplit("/", 1)[-1] in ("stylesWithEffects", "customXml"):
            del doc.part.rels[rid]


def _zoom_with_percent(doc) -> None:
    """python-docx's blank document has <w:zoom w:val="bestFit"/>, but the schema requires
    w:percent on every zoom; Word may "repair" a file without it."""
    zoom = doc.settings.element.find(qn("w:zoom"))
    if zoom is not None and zoom.get(qn("w:percent")) is None:
        zoom.set(qn("w:percent"), "100")


def new_document(title: str):
    doc = Document()
    _drop_leftovers(doc)
    _zoom_with_percent(doc)
    define_styles(doc)
    setup_page(doc)
    _fixed_core(doc, title)
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    return doc


def build_plan():
    doc = new_document("Kế hoạch")
    # "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in 13 pt bold is 95 mm wide: the header table is
    # 3 mm wider than the text area (1.5 mm into each margin) so the motto stays on one line.
    left_w, right_w = 68, 100
    header = doc.add_table(rows=2, cols=2)
    _borderless(header, [left_w, right_w])
    lc, rc = header.cell(0, 0), header.cell(0, 1)
    _first_para(lc, "VB Co quan chu quan", "{{ doc.parent_body }}")
    para(lc, "VB Co quan ban hanh", "{{ doc.issuing_body }}")
    rule(lc, 25, left_w)
    _first_para(rc, "VB Quoc hieu", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    para(rc, "VB Tieu ngu", "Độc lập - Tự do - Hạnh phúc")
    rule(rc, 58, right_w)
    _first_para(header.cell(1, 0), "VB So ky hieu", "Số: {{ doc.number }}/{{ doc.code }}")
    _first_para(header.cell(1, 1), "VB Dia danh ngay", "{{ doc.place }}, {{ doc.date_line }}")

    para(doc, "VB Ten loai", "KẾ HOẠCH")
    para(doc, "VB Trich yeu", SUBJECT)
    rule(doc, 55, TEXT_WIDTH_MM)
    for kind, text in PLAN_BODY:
        if kind == "tag":
            doc.add_paragraph(text)
            continue
        para(doc, BODY_STYLE[kind], text)

    # The last sentence travels with the signer block, so no page holds the signature alone.
    doc.paragraphs[-1].paragraph_format.keep_with_next = True
    para(doc, "Normal").paragraph_format.keep_with_next = True  # a blank line before the block
    sign = doc.add_table(rows=1, cols=2)
    _borderless(sign, [80, TEXT_WIDTH_MM - 80])
    _cant_split(sign.rows[0])
    left, right = sign.cell(0, 0), sign.cell(0, 1)
    _first_para(left, "VB Noi nhan", "Nơi nhận:")
    para(left, "VB Noi nhan muc", "{%p for r in recipients %}")
    p = para(left, "VB Noi nhan muc",
             "- {{ r.name }}{% if loop.last %}.{% else %};{% endif %}{% if r.note %}")
    p.add_run("\t")
    p.add_run("{{ r.note }};{% endif %}")
    para(left, "VB Noi nhan muc", "{%p endfor %}")
    _first_para(right, "VB Chuc vu ky", "{{ signer.on_behalf }}")
    para(right, "VB Chuc vu ky", "{{ signer.title }}")
    for _ in range(4):  # room for the signature and the seal [practice]
        para(right, "VB Chuc vu ky")
    para(right, "VB Ho ten ky", "{{ signer.name }}")
    para(doc, "VB Gach ngang")  # Word wants a paragraph after a closing table
    return doc


ANNEX_COLUMNS = [14, 58, 28, 22, 22, 21]  # STT, Đơn vị, đoàn viên, Tập thể, Cá nhân, Ghi chú


def build_annex():
    doc = new_document("Phụ lục")
    para(doc, "VB Phu luc", "Phụ lục")
    para(doc, "VB Phu luc", ANNEX_TITLE)
    p = para(doc, "VB Phu luc")
    first, second = ANNEX_SUBTITLE.split("\n")
    run = p.add_run(first)
    run.add_break()
    p.add_run(second)
    attached = para(doc, "VB Kem theo")
    first, second = ANNEX_ATTACHED.split("\n")
    attached.add_run(first).add_break()
    attached.add_run(second)
    rule(doc, 40, TEXT_WIDTH_MM)
    para(doc, "VB Bang")  # air between the rule and the table

    t = doc.add_table(rows=7, cols=6)
    t.style = doc.styles["Table Grid"]
    _widths(t, ANNEX_COLUMNS)
    heads = ["STT", "Đơn vị", "Tổng số đoàn viên công đoàn", "Số lượng phân bổ", "", "Ghi chú"]
    for i, text in enumerate(heads):
        _first_para(t.cell(0, i), "VB Bang dau", text)
    _first_para(t.cell(1, 3), "VB Bang dau", "Tập thể")
    _first_para(t.cell(1, 4), "VB Bang dau", "Cá nhân")
    for i in (0, 1, 2, 5):
        t.cell(0, i).merge(t.cell(1, i))
    t.cell(0, 3).merge(t.cell(0, 4))
    for row in t.rows[:2]:
        trpr = row._tr.get_or_add_trPr()
        trpr.append(OxmlElement("w:tblHeader"))  # repeated at the top of every page
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT as V
    for row in t.rows:
        _cant_split(row)
        for cell in row.cells:
            cell.vertical_alignment = V.CENTER

    _first_para(t.cell(2, 0), "VB Bang", "{%tr for r in rows %}")
    data = ["{{ r.stt }}", "{{ r.name }}", "{{ r.members|thousands }}", "{{ r.collectives }}",
            "{{ r.individuals }}", ""]
    for i, text in enumerate(data):
        _first_para(t.cell(3, i), "VB Bang trai" if i == 1 else "VB Bang", text)
    _first_para(t.cell(4, 0), "VB Bang", "{%tr endfor %}")
    totals = ["", "**Tổng cộng**", "", "**{{ totals.collectives }}**", "**{{ totals.individuals }}**",
              "**{{ totals.awards }}**"]
    for i, text in enumerate(totals):
        _first_para(t.cell(5, i), "VB Bang trai" if i == 1 else "VB Bang", text)
    prov = ["{{ rows|length + 1 }}", "{{ provincial.name }}", "", "{{ provincial.text }}", "",
            "**{{ totals.grand_total }}**"]
    for i, text in enumerate(prov):
        _first_para(t.cell(6, i), "VB Bang trai" if i == 1 else "VB Bang", text)
    t.cell(6, 3).merge(t.cell(6, 4))
    para(doc, "VB Gach ngang")  # Word wants a paragraph after a closing table
    return doc


def build_all() -> dict[str, bytes]:
    import io
    out = {}
    for name, builder in (("ke_hoach.docx", build_plan), ("phu_luc.docx", build_annex)):
        buf = io.BytesIO()
        builder().save(buf)
        out[name] = normalize_docx(buf.getvalue())
    return out


def main() -> None:
    target = ROOT / "templates"
    target.mkdir(exist_ok=True)
    for name, data in build_all().items():
        (target / name).write_bytes(data)
        print(f"đã ghi {target / name}")


if __name__ == "__main__":
    main()
