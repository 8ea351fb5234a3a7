"""The format checker, on documents these tests build: our own plan (which must pass), the same
plan with deliberate errors (which must give exactly the expected findings), and documents made
from scratch with python-docx to spring the traps real offices set."""
from __future__ import annotations

import json
import re
import shutil

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from generator.checker.report import check_file, run_check
from generator.checker.rules import DAT, KHONG_DANH_GIA, KHONG_DAT, LOI, LUU_Y, THONG_TIN
from generator.main import build

from .conftest import SHIPPED_CONFIG
from .docx_read import paragraphs_in_order


def findings(path) -> set[tuple[str, str]]:
    return {(f.rule, f.severity) for f in check_file(path, render=False).findings}


def messages(path) -> list[str]:
    return [f"{f.rule}: {f.message}" for f in check_file(path, render=False).findings]


@pytest.fixture(scope="module")
def issued(tmp_path_factory):
    """The plan as the office issues it: number and day filled in."""
    tmp = tmp_path_factory.mktemp("issued")
    config = tmp / "plan.yaml"
    text = SHIPPED_CONFIG.read_text(encoding="utf-8").replace("  number: null", "  number: 5")
    config.write_text(text.replace("    day: null", "    day: 5"), encoding="utf-8")
    build(config, tmp / "out")
    return tmp / "out"


@pytest.fixture
def plan(issued, tmp_path):
    target = tmp_path / "ke_hoach.docx"
    shutil.copy(issued / "ke_hoach.docx", target)
    return target


def edit(path, fn):
    d = docx.Document(str(path))
    fn(d)
    d.save(str(path))


def para(d, pattern):
    return next(p for p in paragraphs_in_order(d) if re.search(pattern, p.text))


def retext(p, text):
    p.runs[0].text = text
    for r in p.runs[1:]:
        r._r.getparent().remove(r._r)


# -- our own documents ------------------------------------------------------------------------

def test_issued_plan_and_annex_have_no_findings_at_all(issued):
    for name in ("ke_hoach.docx", "phu_luc.docx"):
        report = check_file(issued / name, render=False)
        assert report.findings == [], name
        assert all(r.status in (DAT, KHONG_DANH_GIA) for r in report.results)


def test_draft_plan_only_notes_the_blank_number_and_day(built, capsys):
    _, out = built
    assert findings(out / "ke_hoach.docx") == {("so_ky_hieu", THONG_TIN), ("dia_danh_ngay", THONG_TIN)}
    assert run_check([out / "ke_hoach.docx", out / "phu_luc.docx"], render=False) == 0
    printed = capsys.readouterr().out
    assert "0 lỗi, 0 lưu ý, 2 thông tin" in printed and "(Kế hoạch)" in printed and "(Phụ lục)" in printed


def test_static_rules_are_all_evaluated_on_our_plan(issued):
    report = check_file(issued / "ke_hoach.docx", render=False)
    not_evaluated = {r.rule for r in report.results if r.status == KHONG_DANH_GIA}
    assert not_evaluated == {"khoi_ky_mot_trang", "trang_chi_co_chu_ky", "dong_mot_chu"}  # need LibreOffice


def test_a_plan_with_deliberate_errors_gives_exactly_the_expected_findings(plan, capsys):
    def break_it(d):
        d.sections[0].left_margin = Mm(25)
        retext(para(d, r"^Số:"), "Số: 5 /KH- LĐLĐ")
        retext(para(d, r"^Lạng Sơn, ngày"), "Lạng Sơn, ngày 5 tháng 2 năm 2023")
        retext(para(d, r"^Độc lập"), "Độc lập – Tự do – Hạnh phúc")
        para(d, r"^Tập trung làm nổi bật").runs[0].font.name = "Arial"
        last = para(d, r"trước ngày 07/4/2023")
        last.runs[-1].text = "."
    edit(plan, break_it)
    assert messages(plan) == [
        "le_trang: lề trái 25.0 mm; NĐ 30: 30–35 mm.",
        "phong_chu: 1 đoạn dùng phông Arial; NĐ 30: Times New Roman (bộ mã Unicode).",
        "so_ky_hieu: số 5 nhỏ hơn 10 phải có số 0 phía trước: «05».",
        "so_ky_hieu: không để dấu cách giữa số và dấu gạch chéo.",
        "so_ky_hieu: ký hiệu «KH- LĐLĐ» không được có dấu cách (ví dụ «KH-LĐLĐ»).",
        "tieu_ngu: Tiêu ngữ dùng gạch dài (–); giữa các cụm từ là gạch nối (-) có dấu cách hai bên; "
        "đúng là «Độc lập - Tự do - Hạnh phúc».",
        "dia_danh_ngay: ngày 5 phải viết «05» (ngày 1–9 có số 0 phía trước).",
        "dia_danh_ngay: tháng 2 phải viết «02» (tháng 1, 2 có số 0 phía trước).",
        "ket_thuc: đoạn cuối của nội dung phải kết thúc bằng «./.».",
    ]
    assert run_check([plan], render=False) == 1
    assert "LỖI: le_trang [mục 1]" in capsys.readouterr().out


# -- one rule at a time --------------------------------------------------------------------------

@pytest.mark.parametrize("mutate, expected", [
    (lambda d: setattr(d.sections[0], "page_width", Mm(215.9)), ("kho_giay", LOI)),
    (lambda d: setattr(d.sections[0], "top_margin", Mm(15)), ("le_trang", LOI)),
    (lambda d: retext(para(d, r"^Lạng Sơn, ngày"), "Lạng Sơn, ngày 05 tháng 03 năm 2023"), ("dia_danh_ngay", LOI)),
    (lambda d: retext(para(d, r"^CỘNG HÒA"), "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"), ("quoc_hieu", LUU_Y)),
    (lambda d: retext(para(d, r"^Độc lập"), "Độc lập -Tự do - Hạnh phúc"), ("tieu_ngu", LOI)),
    (lambda d: retext(para(d, r"^I\. MỤC"), "I.MỤC ĐÍCH, YÊU CẦU"), ("de_muc", LOI)),
    (lambda d: setattr(para(d, r"^II\. NỘI").runs[0], "bold", False), ("de_muc", LOI)),
    (lambda d: retext(para(d, r"^- Lãnh đạo LĐLĐ tỉnh"), "Lãnh đạo LĐLĐ tỉnh;"), ("noi_nhan", LOI)),
    (lambda d: retext(para(d, r"^- Lưu: VT"), "- Lưu: VT, Ban TG-NC;"), ("noi_nhan", LOI)),
    (lambda d: setattr(para(d, r"^Nơi nhận").runs[0], "italic", False), ("noi_nhan", LOI)),
    (lambda d: setattr(para(d, r"^Lý Đức Thanh").runs[0], "bold", False), ("chu_ky", LOI)),
    (lambda d: setattr(para(d, r"^KẾ HOẠCH$").runs[0].font, "size", Pt(16)), ("ten_loai", LOI)),
    (lambda d: setattr(para(d, r"^Sơ kết 03 năm").runs[0], "bold", False), ("trich_yeu", LOI)),
    (lambda d: setattr(para(d, r"^LIÊN ĐOÀN LAO").runs[0].font, "size", Pt(14)), ("co_quan_ban_hanh", LOI)),
    # (a bold parent body cannot be told from a two-line issuing body, so the size is the trap here)
    (lambda d: setattr(para(d, r"^TỔNG LĐLĐ").runs[0].font, "size", Pt(14)), ("co_quan_chu_quan", LOI)),
    (lambda d: setattr(para(d, r"^Số:").runs[0], "italic", True), ("so_ky_hieu_the_thuc", LOI)),
    (lambda d: setattr(para(d, r"^Tập trung làm nổi bật").paragraph_format, "first_line_indent", Mm(20)), None),
    (lambda d: setattr(para(d, r"^- Thông qua việc sơ kết").paragraph_format, "alignment", WD_ALIGN_PARAGRAPH.LEFT),
     ("noi_dung", LOI)),
    (lambda d: setattr(para(d, r"^- Thông qua việc sơ kết").paragraph_format, "line_spacing", 2.0), ("noi_dung", LOI)),
    (lambda d: para(d, r"^- Chỉ ra những hạn chế").insert_paragraph_before("V/v sơ kết"), ("cong_van", LOI)),
])
def test_each_rule_finds_its_own_departure(plan, mutate, expected):
    edit(plan, mutate)
    if expected is None:  # a short paragraph: only its size is a body rule
        assert findings(plan) == set()
    else:
        assert findings(plan) == {expected}


def test_first_line_indent_outside_1_to_127_cm(plan):
    edit(plan, lambda d: setattr(para(d, r"^- Thông qua việc sơ kết").paragraph_format, "first_line_indent", Mm(20)))
    assert messages(plan) == ["noi_dung: chữ đầu dòng phải lùi vào 1–1,27 cm."]


def test_number_left_blank_is_information_not_an_error(plan):
    edit(plan, lambda d: retext(para(d, r"^Số:"), "Số:        /KH-LĐLĐ"))
    assert findings(plan) == {("so_ky_hieu", THONG_TIN)}
    assert run_check([plan], render=False) == 0


def test_a_page_number_on_page_1_is_an_error(plan):
    def number_page_one(d):
        d.sections[0].different_first_page_header_footer = False
    edit(plan, number_page_one)
    assert messages(plan) == ["so_trang: trang 1 có số trang; NĐ 30: không đánh số trang 1."]


def test_a_page_number_in_the_footer_is_an_error(plan):
    def move_to_footer(d):
        s = d.sections[0]
        header_p = s.header.paragraphs[0]._p
        s.footer.is_linked_to_previous = False
        s.footer.paragraphs[0]._p.addnext(header_p)
    edit(plan, move_to_footer)
    assert "so_trang: số trang ở chân trang; NĐ 30: giữa, ở phần lề trên." in messages(plan)


# -- documents made from scratch: the traps ------------------------------------------------------

def scratch(tmp_path, name="doc.docx", *, normal_font="Times New Roman", normal_bold=False, runs_font=None,
            body_bold_off=False, even_only=False, kind="KẾ HOẠCH", vv=False, kinh_gui=False, pages=1):
    """A short, correct administrative document built with python-docx; options spring traps."""
    d = docx.Document()
    s = d.sections[0]
    s.page_width, s.page_height = Mm(210), Mm(297)
    s.top_margin = s.bottom_margin = Mm(20)
    s.left_margin, s.right_margin = Mm(30), Mm(15)
    normal = d.styles["Normal"]
    normal.font.name, normal.font.size, normal.font.bold = normal_font, Pt(14), normal_bold
    rpr = normal.element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:hAnsi"), normal_font)
    normal.paragraph_format.space_after = Pt(6)
    for p in list(d.element.body.iter(qn("w:p"))):
        p.getparent().remove(p)

    def add(container, text, size=14, bold=None, italic=None, align=WD_ALIGN_PARAGRAPH.CENTER, indent=None):
        p = container.add_paragraph()
        p.alignment = align
        if indent is not None:
            p.paragraph_format.first_line_indent = indent
        run = p.add_run(text)
        run.font.size = Pt(size)
        if bold is not None:
            run.bold = bold
        if italic is not None:
            run.italic = italic
        if runs_font:
            run.font.name = runs_font
        return p

    def first(cell, text, **kw):
        cell._tc.remove(cell.paragraphs[0]._p)
        return add(cell, text, **kw)

    t = d.add_table(rows=1, cols=2)
    left, right = t.rows[0].cells
    first(left, "UBND TỈNH LẠNG SƠN", size=13, bold=False)
    add(left, "SỞ NỘI VỤ", size=13, bold=True).paragraph_format.space_after = Pt(0)
    add(left, "", size=13).paragraph_format.left_indent = Mm(20)
    left.paragraphs[-1]._p.get_or_add_pPr().append(_border("top"))
    add(left, "Số: 05/KH-SNV" if not vv else "Số: 05/SNV-VP", size=13, bold=False)
    if vv:
        add(left, "V/v báo cáo kết quả", size=12, bold=False)
    first(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=13, bold=True)
    add(right, "Độc lập - Tự do - Hạnh phúc", size=14, bold=True)
    right.paragraphs[-1]._p.get_or_add_pPr().append(_border("bottom"))
    add(right, "Lạng Sơn, ngày 05 tháng 3 năm 2024", size=14, italic=True, bold=False)
    if kind:
        add(d, kind, bold=True)
        subject = add(d, "Triển khai công tác năm 2024", bold=True)
        subject._p.get_or_add_pPr().append(_border("bottom"))
    if kinh_gui:
        add(d, "Kính gửi: Các phòng, ban thuộc Sở.", bold=False)
    body = ("Thực hiện chỉ đạo của cấp trên, cơ quan xây dựng kế hoạch triển khai công tác trong năm với các "
            "nội dung chủ yếu như sau, bảo đảm đúng tiến độ và chất lượng đề ra.")
    add(d, "I. MỤC ĐÍCH, YÊU CẦU", bold=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=Mm(12.7))
    for i in range(pages * 9):
        end = "./." if i == pages * 9 - 1 else ""
        add(d, body + end, bold=False if body_bold_off else None, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=Mm(12.7))
    sign = d.add_table(rows=1, cols=2)
    l, r = sign.rows[0].cells
    first(l, "Nơi nhận:", size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    add(l, "- Như trên;", size=11, bold=False, align=WD_ALIGN_PARAGRAPH.LEFT)
    add(l, "- Lưu: VT.", size=11, bold=False, align=WD_ALIGN_PARAGRAPH.LEFT)
    first(r, "GIÁM ĐỐC", bold=True)
    add(r, "Nguyễn Văn A", bold=True)
    s.different_first_page_header_footer = True
    header = s.even_page_header if even_only else s.header
    header.is_linked_to_previous = False
    hp = header.paragraphs[0]
    hp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(hp, runs_font)
    if even_only:
        d.settings.odd_and_even_pages_header_footer = True
        s.header.is_linked_to_previous = False
    path = tmp_path / name
    d.save(str(path))
    return path


def _border(side):
    bdr = OxmlElement("w:pBdr")
    line = OxmlElement(f"w:{side}")
    line.set(qn("w:val"), "single"), line.set(qn("w:sz"), "6")
    bdr.append(line)
    return bdr


def _page_field(p, font=None):
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), " PAGE ")
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "2"
    r.append(t)
    fld.append(r)
    p._p.append(fld)
    p.runs  # noqa: B018  (python-docx sees the field's run through the paragraph)
    for run in p._p.iter(qn("w:r")):
        rpr = OxmlElement("w:rPr")
        sz = OxmlElement("w:sz")
        sz.set(qn("w:val"), "28")
        if font:  # every run of the document in this font, the page number's too
            fonts = OxmlElement("w:rFonts")
            fonts.set(qn("w:ascii"), font)
            fonts.set(qn("w:hAnsi"), font)
            rpr.append(fonts)
        rpr.append(sz)
        run.insert(0, rpr)


def test_a_correct_document_made_from_scratch_passes(tmp_path):
    assert findings(scratch(tmp_path)) == set()


def test_trap_per_run_times_new_roman_over_a_legacy_vntime_normal_style(tmp_path):
    path = scratch(tmp_path, normal_font=".VnTime", runs_font="Times New Roman")
    assert "phong_chu" not in {rule for rule, _ in findings(path)}
    # and the legacy font is found when a run does not override it
    assert ("phong_chu", LOI) in findings(scratch(tmp_path, "legacy.docx", normal_font=".VnTime"))


def test_trap_bold_inherited_from_normal_and_switched_off_per_run(tmp_path):
    path = scratch(tmp_path, normal_bold=True, body_bold_off=True)
    assert findings(path) == set()
    report = check_file(path, render=False)
    assert {r.rule: r.status for r in report.results}["noi_dung"] == DAT


def test_inherited_bold_is_seen_where_it_is_not_switched_off(tmp_path):
    path = scratch(tmp_path, normal_bold=True, body_bold_off=False)
    # The body inherits bold; a bold body is not an NĐ 30 format rule of its own, but the
    # Roman heading stays bold and the name keeps its bold: no false finding either way.
    assert ("de_muc", LOI) not in findings(path) and ("chu_ky", LOI) not in findings(path)


def test_trap_three_pages_numbered_only_on_even_pages(tmp_path):
    path = scratch(tmp_path, even_only=True, pages=3)
    assert messages(path) == ["so_trang: chỉ trang chẵn có số trang; các trang lẻ (3, 5, …) không có."]


def test_a_cong_van_needs_vv_and_kinh_gui(tmp_path):
    letter = scratch(tmp_path, "cv.docx", kind=None, vv=True, kinh_gui=True)
    assert check_file(letter, render=False).doc_type == "Công văn"
    assert findings(letter) == set()
    no_greeting = scratch(tmp_path, "cv2.docx", kind=None, vv=True)
    assert findings(no_greeting) == {("cong_van", LOI)}


def test_kinh_gui_in_a_ke_hoach_is_unusual(tmp_path):
    assert findings(scratch(tmp_path, kinh_gui=True)) == {("cong_van", LUU_Y)}


@pytest.mark.parametrize("kind, expected", [
    ("QUYẾT ĐỊNH", "Quyết định"), ("TỜ TRÌNH", "Tờ trình"), ("BÁO CÁO", "Báo cáo"),
    ("THÔNG BÁO", "Thông báo"), ("BIÊN BẢN HỌP", "Biên bản"), ("KẾ HOẠCH", "Kế hoạch"),
])
def test_document_types_are_recognised_by_their_type_line(tmp_path, kind, expected):
    assert check_file(scratch(tmp_path, kind=kind), render=False).doc_type == expected


def test_lao_only_for_loi_and_json_output(tmp_path, capsys):
    warn_only = scratch(tmp_path, kinh_gui=True)
    assert run_check([warn_only], render=False) == 0
    capsys.readouterr()
    bad = scratch(tmp_path, "bad.docx", even_only=True, pages=3)
    assert run_check([bad, warn_only], "json", render=False) == 1
    data = json.loads(capsys.readouterr().out)
    first = data["findings"][0]
    assert set(first) == {"file", "rule", "severity", "status", "location", "message"}
    assert first["rule"] == "so_trang" and first["severity"] == LOI and first["status"] == KHONG_DAT
    summary = {s["file"]: s for s in data["summary"]}
    assert summary[str(bad)]["errors"] == 1 and 0 < summary[str(bad)]["coverage"] < 1


def test_every_rule_reports_a_status_and_the_summary_gives_the_share_evaluated(issued, capsys):
    run_check([issued / "ke_hoach.docx"], render=False)
    out = capsys.readouterr().out
    assert re.search(r"quy tắc: 29 đạt, 0 không đạt, 3 không đánh giá được; đã đánh giá 29/32 quy tắc \(91%\)", out)


# -- the remaining severities, one each ------------------------------------------------------------

def _no_border_under(pattern):
    def fn(d):
        p = para(d, pattern)
        same_cell = p._p.getparent()
        for sib in same_cell.iter(qn("w:p")):
            ppr = sib.find(qn("w:pPr"))
            if ppr is not None and ppr.find(qn("w:pBdr")) is not None and sib is not p._p:
                ppr.remove(ppr.find(qn("w:pBdr")))
    return fn


@pytest.mark.parametrize("mutate, expected", [
    (lambda d: setattr(para(d, r"^Tập trung làm nổi bật").runs[0].font, "name", "Times New Roman Bold"),
     ("phong_chu", LOI)),  # no such family: it prints in a fallback font
    (_no_border_under(r"^LIÊN ĐOÀN LAO"), ("co_quan_ban_hanh", LUU_Y)),
    (_no_border_under(r"^Độc lập"), ("tieu_ngu", LUU_Y)),
    (lambda d: setattr(para(d, r"^CỘNG HÒA").runs[0].font, "size", Pt(14)), ("quoc_hieu", LOI)),
    (lambda d: retext(para(d, r"^- Lưu: VT"), "- VT, Ban TG-NC."), ("noi_nhan", LUU_Y)),
])
def test_each_remaining_severity(plan, mutate, expected):
    edit(plan, mutate)
    assert findings(plan) == {expected}


def test_a_subject_without_its_rule_is_noted(plan):
    def drop(d):
        rule_p = d.paragraphs[next(i for i, p in enumerate(d.paragraphs) if p.text.startswith("Sơ kết 03 năm")) + 1]
        rule_p._p.getparent().remove(rule_p._p)
    edit(plan, drop)
    assert findings(plan) == {("trich_yeu", LUU_Y)}


# -- rendered rules: what only the printed page shows ----------------------------------------------

def test_a_signer_block_split_across_two_pages(plan):
    from .rendering import require_libreoffice

    require_libreoffice()

    def split(d):
        sign = d.tables[-1]
        trpr = sign.rows[0]._tr.trPr
        trpr.remove(trpr.find(qn("w:cantSplit")))
        for p in d.paragraphs:
            p.paragraph_format.keep_with_next = False
        for _ in range(3):  # pushes the row over the end of page 4
            sign._tbl.addprevious(d.add_paragraph()._p)
    edit(plan, split)
    report = check_file(plan, render=True)
    # Good practice, not NĐ 30: said as «thông tin», never an error of thể thức.
    assert [(f.rule, f.severity, f.message) for f in report.findings if f.rule == "khoi_ky_mot_trang"] == [
        ("khoi_ky_mot_trang", THONG_TIN, "chức vụ ở trang 4, họ tên ở trang 5: khối chữ ký bị tách trang.")]


def test_a_single_word_last_line_on_page_1(plan):
    from .rendering import require_libreoffice

    require_libreoffice()
    text = ("Thực hiện chỉ đạo của cấp trên, cơ quan xây dựng kế hoạch triển khai công tác trong năm với các nội "
            "dung chủ yếu như sau" + ", bảo đảm" * 11 + " đúng tiến độ.")
    edit(plan, lambda d: retext(para(d, r"^Thực hiện Kế hoạch số"), text))
    report = check_file(plan, render=True)
    assert [(f.rule, f.severity) for f in report.findings] == [("dong_mot_chu", THONG_TIN)]
    assert "/ độ." in report.findings[0].location
