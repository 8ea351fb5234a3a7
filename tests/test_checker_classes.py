"""The checker on documents it was never tuned on: each class of false finding seen in real
offices' drafts, and each thing it used to miss, rebuilt here from scratch (no test reads
../shared/fixtures). Then the package rules, each on a deliberately broken copy of our output."""
from __future__ import annotations

import re
import warnings
import zipfile

import docx
import pytest
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, Twips
from lxml import etree

from generator.checker import rendered
from generator.checker.report import check_file
from generator.checker.rules import DAT, LOI, PUNCT_NOTE

from .test_checker import _page_field, findings, messages, scratch


def _signer_cell(d):
    sign = d.tables[-1]
    return sign.rows[0].cells[0]


def _relabel(path, build_label):
    """Replace the «Nơi nhận:» paragraph's runs with those build_label(paragraph) adds."""
    d = docx.Document(str(path))
    p = _signer_cell(d).paragraphs[0]
    for r in list(p.runs):
        r._r.getparent().remove(r._r)
    build_label(p)
    d.save(str(path))


def _run(p, text, size, bold=False, italic=False):
    r = p.add_run(text)
    r.font.size, r.bold, r.italic = Pt(size), bold, italic
    return r


# -- «Nơi nhận:» judged by its own runs --------------------------------------------------------

def test_noi_nhan_sharing_its_paragraph_with_the_first_recipient_is_judged_by_the_label_alone(tmp_path):
    path = scratch(tmp_path)

    def label(p):
        _run(p, "Nơi nhận:", 12, bold=True, italic=True)
        _run(p, "\t\t\t", 14)
        _run(p, "- ", 11, bold=True)
        _run(p, "Như trên", 11)
        _run(p, ";", 11)
    _relabel(path, label)
    assert not [m for m in messages(path) if m.startswith("noi_nhan")]


def test_the_recipient_after_the_label_is_still_checked_as_a_recipient(tmp_path):
    path = scratch(tmp_path)

    def label(p):
        _run(p, "Nơi nhận:", 12, bold=True, italic=True)
        _run(p, "\t", 12)
        _run(p, "- Như trên;", 13)  # a recipient must be 11 pt
    _relabel(path, label)
    assert f"noi_nhan: tên nơi nhận cỡ 11; đang là 13{PUNCT_NOTE}." in messages(path)


def test_a_label_that_is_really_upright_is_still_an_error(tmp_path):
    path = scratch(tmp_path)
    _relabel(path, lambda p: (_run(p, "Nơi nhận:", 12, bold=True), _run(p, "\t- Như trên;", 11)))
    assert f"noi_nhan: chữ «Nơi nhận:»: chưa in nghiêng{PUNCT_NOTE}." in messages(path)


# -- punctuation alone is not judged for bold or italic ------------------------------------------

def test_an_upright_colon_after_an_italic_label_is_not_a_finding(tmp_path):
    path = scratch(tmp_path)
    _relabel(path, lambda p: (_run(p, "Nơi nhận", 12, bold=True, italic=True), _run(p, ":", 12, bold=True)))
    assert not [m for m in messages(path) if m.startswith("noi_nhan")]


def test_the_same_punctuation_rule_holds_for_bold_in_the_signer_block(tmp_path):
    path = scratch(tmp_path)
    d = docx.Document(str(path))
    name = d.tables[-1].rows[0].cells[1].paragraphs[-1]
    _run(name, ".", 14, bold=False)  # a stray upright full stop after the bold name
    d.save(str(path))
    assert not [m for m in messages(path) if m.startswith("chu_ky")]


def test_a_label_of_punctuation_only_is_still_judged(tmp_path):
    """The rule leaves out punctuation beside words, not a paragraph that is nothing else."""
    from generator.checker.docmodel import Para, Run

    p = Para(0, "./.", "Normal", [Run("./.", None, 14, False, False, False)], None, 0, 0, None, None, None,
             False, False)
    assert p.bold is False and p.italic is False


# -- only the headers and footers Word shows count ---------------------------------------------

def _even_footer_with_page(path, even_and_odd: bool):
    d = docx.Document(str(path))
    s = d.sections[0]
    footer = s.even_page_footer
    footer.is_linked_to_previous = False
    _page_field(footer.paragraphs[0])
    d.settings.odd_and_even_pages_header_footer = even_and_odd
    if even_and_odd:  # Word would then show an empty even header: give it the number too
        s.even_page_header.is_linked_to_previous = False
        _page_field(s.even_page_header.paragraphs[0])
    d.save(str(path))


def test_a_footer_referenced_only_as_even_is_never_shown_without_even_and_odd_headers(tmp_path):
    path = scratch(tmp_path, pages=3)
    _even_footer_with_page(path, even_and_odd=False)
    assert ("so_trang", LOI) not in findings(path)


def test_the_same_footer_counts_once_even_and_odd_headers_is_on(tmp_path):
    path = scratch(tmp_path, pages=3)
    _even_footer_with_page(path, even_and_odd=True)
    assert "so_trang: số trang ở chân trang; NĐ 30: giữa, ở phần lề trên." in messages(path)


# -- legacy fonts in headers and footers -----------------------------------------------------------

def _header_font(path, font, *, even: bool):
    d = docx.Document(str(path))
    s = d.sections[0]
    header = s.even_page_header if even else s.header
    header.is_linked_to_previous = False
    r = header.add_paragraph().add_run("Sở Nội vụ")
    r.font.name = font
    d.save(str(path))


def test_a_legacy_font_in_a_shown_header_is_an_error_naming_the_part(tmp_path):
    path = scratch(tmp_path)
    _header_font(path, "VNI-Times", even=False)
    found = [f for f in check_file(path, render=False).findings if f.rule == "phong_chu"]
    assert len(found) == 1 and found[0].severity == LOI
    assert re.match(r"word/header\d*\.xml, đoạn «Sở Nội vụ»", found[0].location)
    assert "VNI-Times" in found[0].message


def test_a_legacy_font_in_a_header_word_never_shows_is_not_a_finding(tmp_path):
    path = scratch(tmp_path)
    _header_font(path, ".VnTime", even=True)  # an even header, and no evenAndOddHeaders
    assert ("phong_chu", LOI) not in findings(path)


# -- an annex has its own page numbers ---------------------------------------------------------------

def _annex(path, *, new_section: bool, restart: bool, lines: int = 30):
    d = docx.Document(str(path))
    if new_section:
        # Everything so far becomes section 1; the annex opens section 2.
        body = d.element.body
        last = body.sectPr
        p = OxmlElement("w:p")
        ppr = OxmlElement("w:pPr")
        import copy
        first = copy.deepcopy(last)
        ppr.append(first)
        p.append(ppr)
        body.insert(list(body).index(last), p)
        if restart:
            num = OxmlElement("w:pgNumType")
            num.set(qn("w:start"), "1")
            last.append(num)
    else:
        d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    title = d.add_paragraph()
    _run(title, "Phụ lục", 14, bold=True)
    for i in range(lines):
        d.add_paragraph(f"Dòng {i + 1} của danh sách kèm theo.")
    d.save(str(path))


def _second_section(path, *, continuous: bool = False):
    """Section 1 ends here; section 2 (the document's own sectPr, titlePg and headers inherited)
    goes on with body text, not an annex."""
    import copy

    d = docx.Document(str(path))
    body = d.element.body
    last = body.sectPr
    p, ppr = OxmlElement("w:p"), OxmlElement("w:pPr")
    ppr.append(copy.deepcopy(last))
    p.append(ppr)
    body.insert(list(body).index(last), p)
    if continuous:
        kind = OxmlElement("w:type")
        kind.set(qn("w:val"), "continuous")
        last.insert(0, kind)
    for i in range(30):
        d.add_paragraph(f"Đoạn {i + 1} của phần tiếp theo, vẫn là nội dung của văn bản.")
    d.save(str(path))


def test_a_later_section_with_its_first_page_apart_and_no_number_there_leaves_a_page_unnumbered(tmp_path):
    path = scratch(tmp_path, pages=2)
    assert docx.Document(str(path)).sections[0].different_first_page_header_footer
    _second_section(path)
    said = [m for m in messages(path) if m.startswith("so_trang")]
    assert [m for m in said if "trang đầu của mục này" in m], said


def test_a_continuous_later_section_opens_no_page_so_nothing_is_unnumbered(tmp_path):
    path = scratch(tmp_path, pages=2)
    _second_section(path, continuous=True)
    assert not [m for m in messages(path) if "trang đầu của mục này" in m]


def test_an_annex_numbered_on_from_the_main_text_is_an_error(tmp_path):
    path = scratch(tmp_path, pages=2)
    _annex(path, new_section=False, restart=False)
    found = [f for f in check_file(path, render=False).findings if f.rule == "so_trang_phu_luc"]
    assert [f.severity for f in found] == [LOI]
    assert found[0].location == "đoạn «Phụ lục»"


def test_an_annex_in_its_own_section_without_a_restart_is_still_numbered_on(tmp_path):
    path = scratch(tmp_path, pages=2)
    _annex(path, new_section=True, restart=False)
    assert ("so_trang_phu_luc", LOI) in findings(path)


def test_an_annex_in_its_own_section_numbered_from_1_passes(tmp_path):
    path = scratch(tmp_path, pages=2)
    _annex(path, new_section=True, restart=True)
    assert not [f for f in findings(path) if f[0] == "so_trang_phu_luc"]


def test_an_annex_of_one_page_at_the_end_is_not_numbered_on_when_the_pages_show_it(tmp_path):
    """Without the printed pages the checker cannot tell a one-page annex from a longer one;
    with them, an annex that is only the last page prints no number of its own."""
    from .rendering import require_libreoffice

    require_libreoffice()
    path = scratch(tmp_path, pages=2)
    _annex(path, new_section=False, restart=False, lines=3)
    assert ("so_trang_phu_luc", LOI) in findings(path)
    assert not [f for f in check_file(path, render=True).findings if f.rule == "so_trang_phu_luc"]
    longer = scratch(tmp_path, "longer.docx", pages=2)
    _annex(longer, new_section=False, restart=False, lines=60)
    assert [f.rule for f in check_file(longer, render=True).findings if f.rule == "so_trang_phu_luc"] == ["so_trang_phu_luc"]


# -- a typed rule line is not a word -----------------------------------------------------------------

def _rendering_of(lines: list[list[str]]) -> rendered.Rendering:
    """A Rendering of one page holding one wide block with these lines, as pdftotext -bbox-layout
    reports them."""
    words = lambda ws: "".join(f'<word xMin="{100 + 40 * i}" yMin="0" xMax="{130 + 40 * i}" yMax="10">{w}</word>'  # noqa: E731
                               for i, w in enumerate(ws))
    xml = ('<html xmlns="http://www.w3.org/1999/xhtml"><body><doc><page width="595" height="842"><flow>'
           '<block xMin="100" yMin="0" xMax="500" yMax="40">'
           + "".join(f"<line>{words(ws)}</line>" for ws in lines)
           + "</block></flow></page></doc></body></html>")
    r = rendered.Rendering.__new__(rendered.Rendering)
    r._bbox = etree.fromstring(xml.encode())
    return r


def test_a_line_of_underscores_under_the_motto_is_not_a_one_word_last_line():
    r = _rendering_of([["Độc", "lập", "–", "Tự", "do", "–", "Hạnh", "phúc"], ["_" * 38]])
    assert r.runts(1) == []


def test_a_real_one_word_last_line_is_still_found():
    r = _rendering_of([["Căn", "cứ", "Luật", "Công", "đoàn", "ngày", "20", "tháng", "6", "năm"], ["2012;"]])
    found = r.runts(1)
    assert len(found) == 1 and found[0].endswith("tháng 6 năm / 2012;")


# -- the package, as Word reads it ------------------------------------------------------------------

@pytest.fixture(scope="module")
def ours(built):
    return built[1] / "ke_hoach.docx"


def rebuilt(src, dst, *, document=None, extra=(), drop=(), duplicate=None, rels=None):
    """A copy of src with document.xml edited by document(root), entries added or dropped."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for name in zin.namelist():
            if name in drop:
                continue
            data = zin.read(name)
            if name == "word/document.xml" and document is not None:
                root = etree.fromstring(data)
                document(root)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            if name == "word/_rels/document.xml.rels" and rels is not None:
                data = rels(data)
            zout.writestr(name, data)
        for name, data in extra:
            zout.writestr(name, data)
        if duplicate:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # zipfile warns of the very thing we build
                zout.writestr(duplicate, zin.read(duplicate))
    return dst


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def package_messages(path, rule):
    return [(f.location, f.message) for f in check_file(path, render=False).findings if f.rule == rule]


def test_our_own_documents_pass_every_package_rule(ours):
    assert not [f for f in check_file(ours, render=False).findings if f.rule.startswith("goi_")]


def test_a_relationship_whose_target_is_missing(ours, tmp_path):
    bad = rebuilt(ours, tmp_path / "x.docx", rels=lambda d: d.replace(
        b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/image" Target="media/image1.png"/></Relationships>'))
    assert package_messages(bad, "goi_quan_he") == [
        ("word/_rels/document.xml.rels", "quan hệ rId99 trỏ tới «word/media/image1.png», phần này không có trong gói.")]


def test_a_part_with_no_content_type(ours, tmp_path):
    bad = rebuilt(ours, tmp_path / "x.docx", extra=[("word/extra.bin", b"\0")])
    assert package_messages(bad, "goi_kieu_noi_dung") == [
        ("word/extra.bin", "phần «word/extra.bin» không có kiểu nội dung trong [Content_Types].xml.")]


def test_duplicate_zip_entries(ours, tmp_path):
    bad = rebuilt(ours, tmp_path / "x.docx", duplicate="word/styles.xml")
    assert package_messages(bad, "goi_trung_ten") == [
        ("word/styles.xml", "mục «word/styles.xml» có 2 lần trong tệp zip; Word không mở được gói như vậy.")]


def test_a_table_without_its_grid(ours, tmp_path):
    def drop_grid(root):
        grid = root.find(f".//{W}tblGrid")
        grid.getparent().remove(grid)
    bad = rebuilt(ours, tmp_path / "x.docx", document=drop_grid)
    assert package_messages(bad, "goi_bang") == [("word/document.xml", "bảng 1 không có lưới cột (w:tblGrid).")]


def test_a_row_wider_than_its_grid(ours, tmp_path):
    def narrow_grid(root):
        grid = root.find(f".//{W}tblGrid")
        grid.remove(grid[-1])
    bad = rebuilt(ours, tmp_path / "x.docx", document=narrow_grid)
    found = package_messages(bad, "goi_bang")
    assert found and all(re.fullmatch(r"bảng 1, hàng \d rộng 2 ô nhưng lưới chỉ có 1 cột\.", m) for _, m in found)


def test_a_cell_that_does_not_end_with_a_paragraph(ours, tmp_path):
    def empty_cell(root):
        tc = root.find(f".//{W}tc")
        for p in tc.findall(f"{W}p"):
            tc.remove(p)
    bad = rebuilt(ours, tmp_path / "x.docx", document=empty_cell)
    assert package_messages(bad, "goi_o_bang") == [
        ("word/document.xml", "ô bảng «» không kết thúc bằng một đoạn văn (w:p).")]


def test_a_section_properties_element_that_is_not_last(ours, tmp_path):
    def move_sectpr(root):
        body = root.find(f"{W}body")
        body.insert(0, body.find(f"{W}sectPr"))
    bad = rebuilt(ours, tmp_path / "x.docx", document=move_sectpr)
    assert package_messages(bad, "goi_sectpr") == [
        ("word/document.xml", "w:sectPr của thân văn bản không đứng cuối cùng.")]


def test_duplicate_bookmark_and_drawing_ids(ours, tmp_path):
    wp = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"

    def duplicate_ids(root):
        p = root.find(f".//{W}body/{W}p")
        for _ in range(2):
            mark = etree.SubElement(p, f"{W}bookmarkStart", {f"{W}id": "7", f"{W}name": "x"})
            run = etree.SubElement(p, f"{W}r")
            inline = etree.SubElement(etree.SubElement(run, f"{W}drawing"), f"{{{wp}}}inline")
            etree.SubElement(inline, f"{{{wp}}}docPr", {"id": "3", "name": "Hình"})
            mark.tail = None
    bad = rebuilt(ours, tmp_path / "x.docx", document=duplicate_ids)
    assert package_messages(bad, "goi_trung_id") == [
        ("word/document.xml", "trùng số hiệu hình wp:docPr: 3."),
        ("word/document.xml", "trùng số hiệu dấu trang (bookmark): 7."),
    ]


# -- a subscript's size, and a landscape annex -------------------------------------------------------

def _body_paragraph(d):
    return next(p for p in d.paragraphs if p.text.startswith("Thực hiện chỉ đạo"))


def test_a_subscript_or_a_lone_semicolon_set_at_15_pt_is_not_a_body_size_finding(tmp_path):
    path = scratch(tmp_path)
    d = docx.Document(str(path))
    p = _body_paragraph(d)
    _run(p, " axit HNO", 14)
    _run(p, "3", 15).font.subscript = True
    _run(p, ";", 15)
    d.save(str(path))
    assert not [m for m in messages(path) if m.startswith("noi_dung")]


def test_a_word_set_at_12_pt_in_the_body_is_still_found(tmp_path):
    path = scratch(tmp_path)
    d = docx.Document(str(path))
    _run(_body_paragraph(d), " (nhà bỏ hoang)", 12)
    d.save(str(path))
    assert f"noi_dung: cỡ chữ nội dung phải 13–14{PUNCT_NOTE}." in messages(path)


def _landscape_tail(path, *, table: bool):
    from docx.enum.section import WD_ORIENT, WD_SECTION

    d = docx.Document(str(path))
    s = d.add_section(WD_SECTION.NEW_PAGE)
    s.orientation, s.page_width, s.page_height = WD_ORIENT.LANDSCAPE, s.page_height, s.page_width
    _run(d.add_paragraph(), "Phụ lục" if table else "Một đoạn văn bản thường đặt trên trang ngang.", 14, bold=table)
    if table:
        d.add_table(rows=2, cols=6)
    d.save(str(path))


def test_a_landscape_section_holding_an_annex_table_is_not_a_finding(tmp_path):
    path = scratch(tmp_path)
    _landscape_tail(path, table=True)
    assert not [f for f in findings(path) if f[0] == "kho_giay"]


def test_a_landscape_page_of_plain_text_is_still_noted(tmp_path):
    path = scratch(tmp_path)
    _landscape_tail(path, table=False)
    assert ("kho_giay", "lưu ý") in findings(path)


# -- what Word never shows, and what only stands in for the signature ---------------------------------

def _signature_cell(path, build):
    d = docx.Document(str(path))
    build(d.tables[-1].rows[0].cells[1])
    d.save(str(path))


def test_white_filler_in_the_space_for_the_signature_is_not_the_signers_title(tmp_path):
    path = scratch(tmp_path)

    def filler(cell):
        name = cell.paragraphs[-1]
        p = name.insert_paragraph_before()
        r = _run(p, "..................", 22)  # typed to hold the space, printed white on white
        r.font.color.rgb = docx.shared.RGBColor(0xFF, 0xFF, 0xFF)
    _signature_cell(path, filler)
    assert not [m for m in messages(path) if m.startswith(("chu_ky", "mau_chu"))]


def test_a_hidden_or_zero_size_run_is_no_element(tmp_path):
    path = scratch(tmp_path)

    def hidden(cell):
        p = cell.paragraphs[0]
        r = _run(p, " ghi chú nội bộ", 9)
        r.font.hidden = True
    _signature_cell(path, hidden)
    assert not [m for m in messages(path) if m.startswith("chu_ky")]


@pytest.mark.parametrize("note", ["(đã ký)", "(Đã ký)", "(ký, ghi rõ họ tên)", "[chữ ký số]", "(Ký tên, đóng dấu)"])
def test_a_placeholder_under_the_name_is_not_taken_for_the_signer(tmp_path, note):
    path = scratch(tmp_path)
    _signature_cell(path, lambda cell: _run(cell.add_paragraph(), note, 14, italic=True))
    assert not [m for m in messages(path) if m.startswith("chu_ky")]
    from generator.checker.reading import load
    from generator.checker.elements import find_elements

    assert find_elements(load(path)).signer_name.text == "Nguyễn Văn A"


def test_coloured_text_is_an_error_and_black_or_automatic_text_is_not(tmp_path):
    path = scratch(tmp_path)
    assert not [m for m in messages(path) if m.startswith("mau_chu")]
    d = docx.Document(str(path))
    body = next(p for p in d.paragraphs if p.text.startswith("Thực hiện"))
    body.runs[0].font.color.rgb = docx.shared.RGBColor(0, 0, 0)  # black, written out: fine
    body.runs[-1].font.color.rgb = docx.shared.RGBColor(0x0D, 0x0D, 0x0D)  # «Black, Text 1, Lighter 5%»: black too
    r = body.add_run(" www.langson.gov.vn")
    r.font.color.rgb = docx.shared.RGBColor(0x05, 0x63, 0xC1)
    d.save(str(path))
    said = [m for m in messages(path) if m.startswith("mau_chu")]
    assert said == ["mau_chu: 1 đoạn có chữ màu #0563C1 (theo thuộc tính chữ); NĐ 30: chữ màu đen."]


def _landscape(path, margins):
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    d = docx.Document(str(path))
    s = d.sections[0]
    s.orientation, s.page_width, s.page_height = WD_ORIENT.LANDSCAPE, Mm(297), Mm(210)
    s.top_margin, s.bottom_margin, s.left_margin, s.right_margin = (Mm(v) for v in margins)
    d.save(str(path))


def test_a_landscape_page_has_its_margins_judged_turned_with_the_sheet(tmp_path):
    path = scratch(tmp_path)
    _landscape(path, (30, 4.9, 20, 20))  # the bound edge on top; a bottom margin a printer cuts
    said = [m for m in messages(path) if m.startswith("le_trang")]
    assert said == ["le_trang: lề dưới 4.9 mm; NĐ 30: 15–20 mm (trang nằm ngang: lề của tờ giấy xoay theo)."]
    _landscape(path, (30, 15, 20, 20))
    assert not [m for m in messages(path) if m.startswith("le_trang")]


# -- the kind of document ---------------------------------------------------------------------------

@pytest.mark.parametrize("kind, expected", [("PHƯƠNG ÁN", "Phương án"), ("ĐỀ ÁN", "Đề án"), ("QUY CHẾ", "Quy chế"),
                                            ("GIẤY GIỚI THIỆU", "Giấy giới thiệu"), ("NGHỊ QUYẾT", "Nghị quyết"),
                                            ("GIẤY MỜI HỌP", "Giấy mời"), ("BÁO CÁO TUẦN", "Báo cáo")])
def test_every_type_name_of_nd30_is_known_also_with_words_after_it(tmp_path, kind, expected):
    from generator.checker.reading import load
    from generator.checker.elements import find_elements

    assert find_elements(load(scratch(tmp_path, kind=kind))).doc_type == expected


def test_a_type_name_nd30_does_not_list_is_named_as_such_not_taken_for_a_cong_van(tmp_path):
    """An «ĐỀ XUẤT» with a V/v under it: judged as a document with a type name (its size, the V/v
    that does not belong there), and said to be outside NĐ 30's list."""
    from generator.checker.reading import load
    from generator.checker.elements import find_elements

    path = scratch(tmp_path, kind="ĐỀ XUẤT", vv=True)
    d = docx.Document(str(path))
    title = next(p for p in d.paragraphs if p.text == "ĐỀ XUẤT")
    title.runs[0].font.size = Pt(16)
    d.save(str(path))
    assert find_elements(load(path)).doc_type == "tên loại ngoài NĐ 30: «ĐỀ XUẤT»"
    said = messages(path)
    assert any(m.startswith("ten_loai") and "16" in m for m in said), said
    assert any(m.startswith("cong_van") and "V/v" in m for m in said), said


def _tab_indented(path, tab_twips=None):
    d = docx.Document(str(path))
    for p in d.paragraphs:
        if p.text.startswith("Thực hiện"):
            p.paragraph_format.first_line_indent = 0
            p.runs[0].text = "\t" + p.runs[0].text
    if tab_twips is not None:
        d.settings.element.find(qn("w:defaultTabStop")).set(qn("w:val"), str(tab_twips))
    d.save(str(path))


def test_a_first_line_indented_with_a_leading_tab_is_judged_where_it_prints(tmp_path):
    path = scratch(tmp_path)
    _tab_indented(path)  # Word's default tab stop: 720 twips, 12.7 mm, as a first-line indent
    assert not [m for m in messages(path) if "lùi vào" in m]
    _tab_indented(path, 1440)  # a 25.4 mm stop prints the text too far in
    assert [m for m in messages(path) if "lùi vào" in m]


def _indented(path, left_twips: int, first_line_twips: int):
    d = docx.Document(str(path))
    for p in d.paragraphs:
        if p.text.startswith("Thực hiện"):
            p.paragraph_format.left_indent = Twips(left_twips)
            p.paragraph_format.first_line_indent = Twips(first_line_twips)
    d.save(str(path))


def test_a_hanging_item_whose_first_line_prints_at_1_cm_is_indented_as_nd30_asks(tmp_path):
    """A numbered item set 851 twips in with 284 hanging: its label, the first line, prints
    567 twips (10 mm) from the margin, where NĐ 30 wants the first line."""
    path = scratch(tmp_path)
    _indented(path, 851, -284)
    assert not [m for m in messages(path) if "lùi vào" in m]


def test_a_first_line_indent_on_top_of_a_left_indent_prints_too_far_in(tmp_path):
    path = scratch(tmp_path)
    _indented(path, 567, 426)  # 17.5 mm from the margin
    assert [m for m in messages(path) if "lùi vào" in m]


def _page_number_in_default_footer(path, first_page_apart: bool):
    d = docx.Document(str(path))
    for p in [p for p in d.paragraphs if p.text.startswith("Thực hiện") and not p.text.endswith("./.")][:6]:
        p._p.getparent().remove(p._p)  # one page
    s = d.sections[0]
    s.different_first_page_header_footer = first_page_apart
    s.footer.is_linked_to_previous = False
    _page_field(s.footer.paragraphs[0], None)
    d.save(str(path))


def test_a_page_number_in_a_footer_a_one_page_document_never_prints_is_not_a_finding(tmp_path):
    from .rendering import require_libreoffice

    require_libreoffice()
    path = scratch(tmp_path)  # one page, its first page apart (titlePg), no first-page footer
    _page_number_in_default_footer(path, True)
    assert rendered.render_many([path])[path].page_count == 1
    said = [f.message for f in check_file(path, render=True).findings if f.rule == "so_trang"]
    assert not [m for m in said if "chân trang" in m], said
    _page_number_in_default_footer(path, False)  # now page 1 prints the default footer
    said = [f.message for f in check_file(path, render=True).findings if f.rule == "so_trang"]
    assert [m for m in said if "chân trang" in m], said


def test_spacing_is_judged_by_the_printed_gap_not_by_one_paragraph(tmp_path):
    path = scratch(tmp_path)
    d = docx.Document(str(path))
    body = [p for p in d.paragraphs if p.text.startswith("Thực hiện")]
    for p in body:  # 0 pt before and after on each paragraph…
        p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(0)
    d.save(str(path))
    assert [m for m in messages(path) if "tối thiểu 6 pt" in m]
    for p in body[:-1]:  # …but 6 pt after the one above: the printed gap is 6 pt
        p.paragraph_format.space_after = Pt(6)
    d.save(str(path))
    assert not [m for m in messages(path) if "tối thiểu 6 pt" in m]


def test_the_gap_between_paragraphs_is_the_larger_of_after_and_before_not_their_sum(tmp_path):
    path = scratch(tmp_path)
    d = docx.Document(str(path))
    for p in d.paragraphs:  # 3 pt after each and 3 pt before each: Word prints 3 pt, not 6
        if p.text.startswith("Thực hiện"):
            p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(3)
    d.save(str(path))
    assert [m for m in messages(path) if "tối thiểu 6 pt" in m]


def _contextual(path, on: bool):
    d = docx.Document(str(path))
    for p in d.paragraphs:
        if p.text.startswith("Thực hiện"):  # all in one style (Normal), 12 pt after each
            p.paragraph_format.space_before, p.paragraph_format.space_after = Pt(0), Pt(12)
            if on:
                p._p.get_or_add_pPr().append(OxmlElement("w:contextualSpacing"))
    d.save(str(path))


def test_contextual_spacing_prints_no_gap_between_paragraphs_of_one_style(tmp_path):
    path = scratch(tmp_path)
    _contextual(path, on=False)
    assert not [m for m in messages(path) if "tối thiểu 6 pt" in m]
    _contextual(path, on=True)
    assert [m for m in messages(path) if "tối thiểu 6 pt" in m]


# -- one paragraph, several printed lines -----------------------------------------------------------

def test_the_parent_body_and_the_issuer_after_a_line_break_in_one_paragraph_are_two_elements(tmp_path):
    path = scratch(tmp_path)
    before = [m for m in messages(path) if m.startswith(("co_quan", "ten_co_quan"))]
    d = docx.Document(str(path))
    left = d.tables[0].rows[0].cells[0]
    parent, issuer = left.paragraphs[0], left.paragraphs[1]
    parent.runs[-1].add_break(WD_BREAK.LINE)
    _run(parent, "SỞ NỘI VỤ", 13, bold=True)
    issuer._p.getparent().remove(issuer._p)
    d.save(str(path))
    assert [m for m in messages(path) if m.startswith(("co_quan", "ten_co_quan"))] == before


def test_the_luu_line_after_a_line_break_is_the_last_recipient(tmp_path):
    path = scratch(tmp_path)
    d = docx.Document(str(path))
    cell = _signer_cell(d)
    first, last = cell.paragraphs[1], cell.paragraphs[2]
    first.runs[-1].add_break(WD_BREAK.LINE)
    _run(first, "- Lưu: VT.", 11)
    last._p.getparent().remove(last._p)
    d.save(str(path))
    assert not [m for m in messages(path) if m.startswith("noi_nhan")]


def test_a_date_typed_after_tabs_on_the_numbers_line_is_the_date_line(tmp_path):
    path = scratch(tmp_path)
    d = docx.Document(str(path))
    header = d.tables[0].rows[0].cells
    number = next(p for p in header[0].paragraphs if p.text.startswith("Số:"))
    date = next(p for p in header[1].paragraphs if "ngày" in p.text)
    _run(number, "\t\t", 13)
    _run(number, "Lạng Sơn, ngày 05 tháng 3 năm 2024", 14, italic=True)
    date._p.getparent().remove(date._p)
    d.save(str(path))
    from generator.checker.reading import load
    from generator.checker.elements import find_elements

    el = find_elements(load(path))
    assert el.number.text.strip() == "Số: 05/KH-SNV"
    assert el.date_line.text == "Lạng Sơn, ngày 05 tháng 3 năm 2024"
    assert not [m for m in messages(path) if m.startswith(("so_ky_hieu", "dia_danh_ngay"))]


def test_the_same_margin_in_many_sections_is_one_finding_naming_them(tmp_path):
    from docx.enum.section import WD_SECTION
    from docx.shared import Mm

    path = scratch(tmp_path)
    d = docx.Document(str(path))
    for _ in range(3):
        d.add_section(WD_SECTION.NEW_PAGE)
    for s in d.sections:
        s.bottom_margin = Mm(10)
    d.save(str(path))
    assert [m for m in messages(path) if m.startswith("le_trang")] == ["le_trang: lề dưới 10.0 mm; NĐ 30: 20–25 mm."]
    assert [f.location for f in check_file(path, render=False).findings if f.rule == "le_trang"] == ["mục 1, 2, 3, 4"]


# -- class 4: a rule line drawn as a shape -----------------------------------------------------------------

VML = 'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"'
WPS_NS = ('xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
          'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
          'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"')


def _wps(geometry: str, line: str = "", cy: int = 0, fill: str = "") -> str:
    return (f'<w:drawing {WPS_NS}><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1" '
            'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
            '<wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
            '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
            f'<wp:extent cx="1270000" cy="{cy}"/><wp:wrapNone/><wp:docPr id="90" name="Rule"/>'
            '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
            f'<wps:wsp><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="1270000" cy="{cy}"/></a:xfrm>{geometry}{fill}{line}'
            '</wps:spPr><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>')


RULES_DRAWN = {
    "v:line": f'<w:pict {VML}><v:line from="0,0" to="100pt,0" strokeweight="1pt"/></w:pict>',
    "v:shape, a straight path": f'<w:pict {VML}><v:shape style="position:absolute;width:100pt;height:0" '
                                'coordsize="2000,1" path="m0,0l2000,0e" strokeweight="1pt"/></w:pict>',
    "v:shape, the straight connector": f'<w:pict {VML}><v:shape type="#_x0000_t32" o:connectortype="straight" '
                                       'style="position:absolute;width:100pt;height:0"/></w:pict>',
    "v:rect, a thin filled bar": f'<w:pict {VML}><v:rect style="position:absolute;width:100pt;height:1pt" '
                                 'fillcolor="black" stroked="f"/></w:pict>',
    "wps:wsp, line geometry": _wps('<a:prstGeom prst="line"><a:avLst/></a:prstGeom>'),
    "wps:wsp, a one-segment path": _wps('<a:custGeom><a:pathLst><a:path w="100" h="0"><a:moveTo><a:pt x="0" y="0"/>'
                                        '</a:moveTo><a:lnTo><a:pt x="100" y="0"/></a:lnTo></a:path></a:pathLst></a:custGeom>'),
    "wps:wsp, a thin filled rectangle": _wps('<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>', cy=12700,
                                             fill='<a:solidFill><a:srgbClr val="000000"/></a:solidFill>'),
}
NOT_DRAWN = {
    "v:line, its stroke off": f'<w:pict {VML}><v:line from="0,0" to="100pt,0" stroked="f"/></w:pict>',
    "wps:wsp, line geometry without a stroke": _wps('<a:prstGeom prst="line"><a:avLst/></a:prstGeom>',
                                                    line="<a:ln><a:noFill/></a:ln>"),
    "wps:wsp, a text box": _wps('<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>', cy=635000),
}


def _rule_drawn_as(tmp_path, shape_xml: str):
    """The scratch document with the issuing body's rule (a border) replaced by a shape anchored
    in the same (empty) paragraph under it."""
    path = scratch(tmp_path)
    d = docx.Document(str(path))
    left = d.tables[0].rows[0].cells[0]
    holder = next(p for p in left.paragraphs if p._p.pPr is not None and p._p.pPr.find(qn("w:pBdr")) is not None)
    holder._p.pPr.remove(holder._p.pPr.find(qn("w:pBdr")))
    run = holder.add_run()._r
    w_ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    run.append(etree.fromstring(shape_xml.replace("<w:pict ", "<w:pict " + w_ns).replace("<w:drawing ", "<w:drawing " + w_ns)))
    d.save(str(path))
    return path


MISSING = "co_quan_ban_hanh: không thấy đường kẻ ngang dưới tên cơ quan ban hành"


@pytest.mark.parametrize("kind", RULES_DRAWN)
def test_a_rule_line_drawn_as_a_shape_is_seen(tmp_path, kind):
    assert not [m for m in messages(_rule_drawn_as(tmp_path, RULES_DRAWN[kind])) if m.startswith(MISSING)]


@pytest.mark.parametrize("kind", NOT_DRAWN)
def test_a_shape_that_prints_no_line_is_not_a_rule(tmp_path, kind):
    assert [m for m in messages(_rule_drawn_as(tmp_path, NOT_DRAWN[kind])) if m.startswith(MISSING)]


# -- class 7: the signer's name centred on the title, judged by print ----------------------------------

def _name_placed(path, how):
    """The signer's name paragraph re-laid: `how` gets it and its cell's text width (twips)."""
    d = docx.Document(str(path))
    cell = d.tables[-1].rows[0].cells[1]
    width = int(cell._tc.tcPr.find(qn("w:tcW")).get(qn("w:w"))) - 2 * 108  # less the cell's default margins
    how(cell.paragraphs[-1], width)
    d.save(str(path))


def _centre_tab(p, width):
    """Left-aligned, the name after a centre tab stop in the middle of the cell: prints centred."""
    p.alignment = 0
    p.paragraph_format.tab_stops.add_tab_stop(docx.shared.Twips(width // 2), docx.enum.text.WD_TAB_ALIGNMENT.CENTER)
    p.runs[0].text = "\t" + p.runs[0].text


def _pushed_aside(p, width):
    """Centred, but an indent of 30 mm on the left moves its centre 15 mm right."""
    p.paragraph_format.left_indent = docx.shared.Mm(30)


def test_a_name_centred_by_a_tab_stop_prints_centred_and_is_not_a_finding(tmp_path):
    from .rendering import require_libreoffice

    require_libreoffice()
    path = scratch(tmp_path)
    _name_placed(path, _centre_tab)
    printed = [f for f in check_file(path, render=True).findings if f.rule == "chu_ky"]
    assert printed == []
    unprinted = [f.message for f in check_file(path, render=False).findings if f.rule == "chu_ky"]
    assert unprinted == ["họ tên người ký: phải căn giữa (xét theo thuộc tính của đoạn, không dựng trang)."]


def test_a_centred_name_pushed_aside_by_an_indent_is_found_on_the_printed_page(tmp_path):
    from .rendering import require_libreoffice

    require_libreoffice()
    path = scratch(tmp_path)
    _name_placed(path, _pushed_aside)
    (finding,) = [f for f in check_file(path, render=True).findings if f.rule == "chu_ky"]
    off = float(re.search(r"in lệch ([\d.]+) mm", finding.message).group(1))
    assert 13 < off < 17 and "đo trên trang đã dựng" in finding.message


# -- what the corpus audit found (classes, on small documents made here) -----------------------------

def _left_header(path, lines):
    """The left header cell's name lines replaced by `lines` (text, bold)."""
    d = docx.Document(str(path))
    cell = d.tables[0].rows[0].cells[0]
    names = [p for p in cell.paragraphs if p.text.strip() and not p.text.startswith("Số")]
    for p, (text, bold) in zip(names, lines):
        for r in p.runs:
            r.text, r.bold = "", bold
        p.runs[0].text = text
    d.save(str(path))


def test_a_parent_and_an_issuer_set_alike_are_told_apart_by_the_issuers_own_name(tmp_path):
    path = scratch(tmp_path)
    _left_header(path, [("BỘ GIÁO DỤC VÀ ĐÀO TẠO", False), ("TRƯỜNG ĐẠI HỌC DUY TÂN", False)])
    said = [m for m in messages(path) if m.startswith(("co_quan_ban_hanh", "co_quan_chu_quan"))]
    assert said == ["co_quan_ban_hanh: tên cơ quan ban hành: chưa in đậm (không xét dấu câu đứng riêng như «:»)."]
    (finding,) = [f for f in check_file(path, render=False).findings if f.rule == "co_quan_ban_hanh"]
    assert finding.location.startswith("đoạn «TRƯỜNG")  # the issuer, not the parent above it


def test_a_name_run_on_to_a_second_line_stays_one_name(tmp_path):
    path = scratch(tmp_path)
    _left_header(path, [("BAN CHẤP HÀNH", True), ("CÔNG ĐOÀN CƠ SỞ SỞ NỘI VỤ", True)])
    from generator.checker.elements import find_elements
    from generator.checker.reading import load

    el = find_elements(load(path))
    assert el.parent_body is None and [p.text for p in el.issuing_body] == ["BAN CHẤP HÀNH", "CÔNG ĐOÀN CƠ SỞ SỞ NỘI VỤ"]


def _after(p, text: str, size: int = 14):
    """A new paragraph right after p."""
    new = p.insert_paragraph_before(text)  # made before, then moved after
    p._p.addnext(new._p)
    new.runs[0].font.size = Pt(size)
    return new


def test_the_addressees_under_kinh_gui_are_not_content(tmp_path):
    path = scratch(tmp_path, kind="", vv=True, kinh_gui=True)
    d = docx.Document(str(path))
    kg = next(p for p in d.paragraphs if p.text.startswith("Kính gửi"))
    kg.runs[0].text = "Kính gửi:"
    second = _after(kg, "- Ủy ban nhân dân các huyện, thành phố.")
    kg._p.addnext(_after(kg, "- Các Sở, ban, ngành thuộc tỉnh;")._p)
    assert second._p.getprevious().xpath("string(.)") == "- Các Sở, ban, ngành thuộc tỉnh;"
    d.save(str(path))
    assert not [m for m in messages(path) if m.startswith("noi_dung")]


@pytest.mark.parametrize("note", ["(Đính kèm biên bản họp ngày 24/3/2026)", "Lạng Sơn, ngày 05 tháng 3 năm 2024"])
def test_a_date_line_or_a_note_of_what_is_attached_is_not_the_last_paragraph_of_content(tmp_path, note):
    path = scratch(tmp_path)
    d = docx.Document(str(path))
    last = next(p for p in reversed(d.paragraphs) if p.text.rstrip().endswith("./."))
    _after(last, note)
    d.save(str(path))
    assert not [m for m in messages(path) if m.startswith("ket_thuc")]


def test_a_form_whose_signer_name_is_dots_has_no_signer_to_judge(tmp_path):
    path = scratch(tmp_path)
    _signature_cell(path, lambda cell: setattr(cell.paragraphs[-1].runs[0], "text", "……………………………"))
    from generator.checker.elements import find_elements
    from generator.checker.reading import load

    el = find_elements(load(path))
    assert el.signer_name is None and el.authority


# -- the corpus audit of 2026-12-03: four more classes ---------------------------------------------

def _paragraph(d, text):
    return next(p for p in d.paragraphs if p.text == text)


def _signer_as_paragraphs(path, lines):
    """The signer's table replaced by paragraphs (offices without a table for the signer)."""
    d = docx.Document(str(path))
    sign = d.tables[-1]._tbl
    sign.getparent().remove(sign)
    for text, size, bold, italic in lines:
        p = d.add_paragraph()
        _run(p, text, size, bold=bold, italic=italic)
    d.save(str(path))


def test_a_type_name_that_runs_on_in_a_centred_title_is_still_the_type(tmp_path):
    path = scratch(tmp_path, kind="BIÊN BẢN HỌP TỔ CHUYÊN GIA ĐẤU THẦU LỰA CHỌN NHÀ THẦU")
    report = check_file(path, render=False)
    assert report.doc_type == "Biên bản"
    # the subject under it is the trích yếu, not the first paragraph of the content
    assert not [f for f in report.findings if f.rule == "noi_dung" and "Triển khai công tác" in f.location]


def test_a_form_field_under_the_type_name_is_not_its_subject(tmp_path):
    path = scratch(tmp_path, kind="BÁO CÁO")
    d = docx.Document(str(path))
    subject = _paragraph(d, "Triển khai công tác năm 2024")
    field = d.add_paragraph()
    field.alignment = subject.alignment
    _run(field, "Họ và tên: Hà Văn Bình", 14)  # not bold: as a trích yếu it would be an error
    subject._p.addprevious(field._p)
    d.save(str(path))
    assert not [f for f in check_file(path, render=False).findings
                if f.rule == "trich_yeu" and "Họ và tên" in f.location]


def test_a_signer_set_as_paragraphs_with_its_placeholder_is_not_the_end_of_the_content(tmp_path):
    path = scratch(tmp_path)
    _signer_as_paragraphs(path, [("TL. GIÁM ĐỐC", 14, True, False), ("TRƯỞNG PHÒNG", 14, True, False),
                                 ("Nguyễn Văn A", 14, True, False), ("(đã ký)", 14, False, True)])
    assert not [f for f in check_file(path, render=False).findings if f.rule == "ket_thuc"]


def _number_on_a_tab(path, stop: str):
    d = docx.Document(str(path))
    number = next(p for p in d.tables[0].rows[0].cells[0].paragraphs if p.text == "Số: 05/KH-SNV")
    number.alignment = None
    number.runs[0].text = "\tSố: 05/KH-SNV"
    tabs = OxmlElement("w:tabs")
    tab = OxmlElement("w:tab")
    tab.set(qn("w:val"), stop), tab.set(qn("w:pos"), "2268")
    tabs.append(tab)
    number._p.get_or_add_pPr().append(tabs)
    d.save(str(path))


def test_a_number_line_centred_on_a_centre_tab_stop_is_centred(tmp_path):
    path = scratch(tmp_path)
    _number_on_a_tab(path, "center")
    assert "so_ky_hieu_the_thuc: dòng số, ký hiệu: phải căn giữa." not in messages(path)


def test_a_number_line_pushed_by_a_left_tab_stop_is_not(tmp_path):
    path = scratch(tmp_path)
    _number_on_a_tab(path, "left")
    assert "so_ky_hieu_the_thuc: dòng số, ký hiệu: phải căn giữa." in messages(path)


def test_recipients_below_a_noi_nhan_paragraph_are_read_and_the_signer_beside_it_is_not_one(tmp_path):
    path = scratch(tmp_path)
    _signer_as_paragraphs(path, [("Nơi nhận:", 12, True, True), ("- Như trên;", 11, False, False),
                                 ("- Lưu: VT", 11, False, False)])
    d = docx.Document(str(path))
    label = _paragraph(d, "Nơi nhận:")
    _run(label, "\t\t\t\tGIÁM ĐỐC", 14, bold=True)  # the signer's title typed on the label's line
    d.save(str(path))
    said = [m for m in messages(path) if m.startswith("noi_nhan")]
    assert "noi_nhan: không có nơi nhận nào dưới «Nơi nhận:»." not in said
    assert "noi_nhan: dòng cuối kết thúc bằng «.»." in said  # «- Lưu: VT» lacks its final «.»
    assert not [m for m in said if "bắt đầu bằng" in m]  # «GIÁM ĐỐC» is not taken for a recipient


def test_words_inside_smart_tags_within_smart_tags_are_read_as_word_prints_them(tmp_path):
    path = scratch(tmp_path)
    d = docx.Document(str(path))
    qh = d.tables[0].rows[0].cells[1].paragraphs[0]
    run = qh.runs[0]
    run.text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT "
    last = docx.oxml.parse_xml(f'<w:r {docx.oxml.ns.nsdecls("w")}/>')
    last.append(docx.oxml.parse_xml(etree.tostring(run._r.find(qn("w:rPr")))))
    text = OxmlElement("w:t")
    text.text = "NAM"
    last.append(text)
    outer, inner = OxmlElement("w:smartTag"), OxmlElement("w:smartTag")  # as Word 2003 tagged a country
    inner.append(last)
    outer.append(inner)
    qh._p.append(outer)
    d.save(str(path))
    quoc_hieu = next(r for r in check_file(path, render=False).results if r.rule == "quoc_hieu")
    assert quoc_hieu.status == DAT, quoc_hieu


def test_a_title_of_six_words_that_nd30_does_not_list_is_a_type_name_not_content(tmp_path):
    path = scratch(tmp_path, kind="THỎA ƯỚC LAO ĐỘNG TẬP THỂ")
    report = check_file(path, render=False)
    assert report.doc_type.endswith("«THỎA ƯỚC LAO ĐỘNG TẬP THỂ»")
    assert not [f for f in report.findings if f.rule == "noi_dung" and "THỎA ƯỚC" in f.location]


def test_an_at_least_line_height_below_the_fonts_own_prints_single_spacing(tmp_path):
    path = scratch(tmp_path)
    d = docx.Document(str(path))
    for p in d.paragraphs:
        if p.text.startswith("Thực hiện chỉ đạo"):
            spacing = OxmlElement("w:spacing")
            spacing.set(qn("w:before"), "120"), spacing.set(qn("w:line"), "21"), spacing.set(qn("w:lineRule"), "atLeast")
            p._p.get_or_add_pPr().append(spacing)
    d.save(str(path))
    assert not [m for m in messages(path) if "khoảng cách dòng" in m]


def test_a_typed_rule_with_an_ornament_in_it_is_a_rule_not_the_issuers_name(tmp_path):
    path = scratch(tmp_path)
    d = docx.Document(str(path))
    cell = d.tables[0].rows[0].cells[0]
    rule = next(p for p in cell.paragraphs if not p.text)
    rule._p.pPr.remove(rule._p.pPr.find(qn("w:pBdr")))
    _run(rule, "_____&_____", 13)
    d.save(str(path))
    assert not [f for f in check_file(path, render=False).findings if "_____&_____" in f.location]


def test_an_addressee_line_under_kinh_gui_without_its_punctuation_is_not_content(tmp_path):
    path = scratch(tmp_path, kinh_gui=True)
    d = docx.Document(str(path))
    kinh_gui = _paragraph(d, "Kính gửi: Các phòng, ban thuộc Sở.")
    addressee = d.add_paragraph()
    _run(addressee, "- Các đơn vị trực thuộc Sở (để thực hiện)", 12)
    kinh_gui._p.addnext(addressee._p)
    d.save(str(path))
    assert not [f for f in check_file(path, render=False).findings if "Các đơn vị trực thuộc" in f.location]


def test_a_title_under_a_header_typed_as_spaced_columns_is_the_type_line(tmp_path):
    path = scratch(tmp_path, kind="KẾT LUẬN")
    d = docx.Document(str(path))
    header = d.tables[0]._tbl
    for text in ("ĐẢNG BỘ XÃ HÒA KHÁNH        ĐẢNG CỘNG SẢN VIỆT NAM",
                 "CHI BỘ ẤP 1                  Hòa Khánh, ngày 6 tháng 5 năm 2026"):
        p = d.add_paragraph()
        _run(p, text, 14, bold=True)
        header.addprevious(p._p)
    header.getparent().remove(header)
    d.save(str(path))
    report = check_file(path, render=False)
    assert report.doc_type.endswith("«KẾT LUẬN»")
    assert not [f for f in report.findings if f.rule == "noi_dung" and ("ĐẢNG" in f.location or "CHI BỘ" in f.location)]


def _drop_signer_table(d):
    sign = d.tables[-1]._tbl
    sign.getparent().remove(sign)


def test_minutes_end_their_content_above_the_signers_heading_and_the_annex(tmp_path):
    path = scratch(tmp_path, kind="BIÊN BẢN")
    d = docx.Document(str(path))
    _drop_signer_table(d)
    for text, bold in (("CÁC THÀNH VIÊN HỘI ĐỒNG", True), ("PHỤ LỤC", True),
                       ("Danh mục vật tư kèm theo biên bản", False)):
        p = d.add_paragraph()
        _run(p, text, 14, bold=bold)
    d.save(str(path))
    assert not [f for f in check_file(path, render=False).findings if f.rule == "ket_thuc"]


def test_a_forms_signer_label_and_fields_are_not_the_last_sentence(tmp_path):
    path = scratch(tmp_path, kind="BÁO CÁO")
    d = docx.Document(str(path))
    _drop_signer_table(d)
    for text in ("Bộ phận công tác: Văn phòng", "Người báo cáo"):
        p = d.add_paragraph()
        _run(p, text, 14)
    d.save(str(path))
    assert not [f for f in check_file(path, render=False).findings if f.rule == "ket_thuc"]


def test_the_deciding_authority_under_a_decisions_subject_is_neither_subject_nor_content(tmp_path):
    path = scratch(tmp_path, kind="QUYẾT ĐỊNH")
    d = docx.Document(str(path))
    subject = _paragraph(d, "Triển khai công tác năm 2024")
    subject._p.pPr.remove(subject._p.pPr.find(qn("w:pBdr")))
    authority = d.add_paragraph()
    authority.alignment = subject.alignment
    _run(authority, "GIÁM ĐỐC SỞ NỘI VỤ", 11, bold=True)  # 11 pt: wrong for a trích yếu or for content
    subject._p.addnext(authority._p)
    d.save(str(path))
    assert not [f for f in check_file(path, render=False).findings if "GIÁM ĐỐC SỞ NỘI VỤ" in f.location]
