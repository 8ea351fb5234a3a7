"""What the office's own documents say, checked in the documents the tool makes: the intake
workbooks printable and sent back one sheet per unit, a broken list said in Vietnamese, the
Ban's Tờ trình naming a unit by its full name and leaving a zero out, the decision's list
keeping a unit's heading with its first row and its title in one phrase."""
from __future__ import annotations

import io
import zipfile

import docx
import pytest
from openpyxl import load_workbook

from generator import intake, sheets
from generator.cli import main as cli_main
from generator.config import load_plan
from generator.exceptions import SheetError

from .conftest import ROOT, SHIPPED_CONFIG

LISTS = ROOT / "tests" / "data" / "danh_sach_don_vi"


@pytest.fixture(scope="module")
def decided(tmp_path_factory):
    out = tmp_path_factory.mktemp("wording")
    for args in (["tiep-nhan", str(LISTS)], ["quyet-dinh"]):
        assert cli_main(["--config", str(SHIPPED_CONFIG), "--output", str(out), *args]) == 0
    return out


def test_the_intake_workbooks_print_as_the_packs_list_does(decided):
    for name in (intake.CONSOLIDATED, intake.ERRORS):
        for ws in load_workbook(decided / name).worksheets:
            assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1, (name, ws.title)
            assert ws.print_title_rows == "$1:$1" and ws.freeze_panes == "A2"
            assert ws["A1"].font.name == "Times New Roman" and ws["A1"].font.b and ws["A1"].border.top.style == "thin"
            assert all(ws.column_dimensions[c].width >= 6 for c in "ABC")
    wide = load_workbook(decided / intake.CONSOLIDATED)["Cá nhân"]
    assert wide.column_dimensions["A"].width == 6 and max(d.width for d in wide.column_dimensions.values()) >= 28


def test_the_error_workbook_has_one_sheet_per_unit_in_the_annexs_order(tmp_path):
    nop = tmp_path / "nop"
    nop.mkdir()
    for name, unit in (("07.csv", "LĐLĐ huyện Văn Lãng"), ("02.csv", "LĐLĐ huyện Cao Lộc")):
        (nop / name).write_text(f"Đơn vị: {unit}\n\nII. CÁ NHÂN\nSTT,Họ và tên*,Giới tính*,Năm sinh,Chức vụ*,"
                                "Đơn vị công tác*,Tóm tắt thành tích*,Ghi chú\n1,Nguyễn Văn An,Nam,1980,,Trường,Tốt,\n",
                                encoding="utf-8")
    intake.run(load_plan(SHIPPED_CONFIG), nop, tmp_path / "out")
    book = load_workbook(tmp_path / "out" / intake.ERRORS)
    assert book.sheetnames == ["LĐLĐ huyện Cao Lộc", "LĐLĐ huyện Văn Lãng"]
    assert [c.value for c in book["LĐLĐ huyện Cao Lộc"][2]][0] == "02.csv"


def test_a_broken_list_is_named_and_explained_in_vietnamese(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")  # a zip, but no workbook inside
    with pytest.raises(SheetError) as err:
        sheets.read("04-Đình Lập.xlsx", buf.getvalue())
    said = str(err.value)
    assert "There is no item" not in said and "archive" not in said
    assert said == ("không đọc được tệp .xlsx: tệp thiếu phần xl/workbook.xml của một bảng tính Excel (tệp hỏng hoặc "
                    "không phải .xlsx); mở bằng Excel rồi lưu lại.")
    with pytest.raises(SheetError, match="không phải tệp Excel .xlsx"):
        sheets.read("a.xlsx", b"not a zip at all")


def test_the_bans_tờ_trình_names_units_in_full_and_leaves_a_zero_out(decided):
    text = "\n".join(p.text for p in docx.Document(str(decided / "quyet_dinh" / "to_trinh_ban.docx")).paragraphs)
    assert "1. Liên đoàn Lao động thành phố Lạng Sơn: 01 tập thể, 03 cá nhân." in text
    assert "15. Cơ quan LĐLĐ tỉnh: 01 cá nhân." in text and "00 tập thể" not in text


def test_the_decisions_list_keeps_a_units_heading_with_its_rows_and_its_title_in_one_phrase(decided):
    doc = docx.Document(str(decided / "quyet_dinh" / "danh_sach_khen_thuong.docx"))
    title = [p.text for p in doc.paragraphs[:3]]
    assert title[1].startswith("Tập thể, cá nhân được tặng Bằng khen") and " có thành tích xuất sắc" in title[1]
    assert not any(t.startswith("Có thành tích") for t in title)
    heading = doc.styles["VB Bang nhom"]
    assert heading.paragraph_format.keep_with_next  # a unit's heading row never ends a page alone
    for table in doc.tables:
        assert table.rows[0]._tr.trPr.find(docx.oxml.ns.qn("w:tblHeader")) is not None  # header on every page


def test_the_decision_keeps_article_2_with_article_3_and_the_signature(decided):
    doc = docx.Document(str(decided / "quyet_dinh" / "quyet_dinh.docx"))
    article = {p.text[:7]: p for p in doc.paragraphs if p.text.startswith("Điều ")}
    assert article["Điều 2."].paragraph_format.keep_with_next and article["Điều 3."].paragraph_format.keep_with_next
    assert article["Điều 1."].text.endswith("giai đoạn 2021\u00a0-\u00a02023.")  # its last line is never one word


def test_no_document_of_the_cycle_fails_a_rule_of_our_own_checker(tmp_path):
    """0 lỗi and 0 lưu ý with rendering: the plan with its report outline, the packs of a city, two
    districts and the provincial office, the decision's three documents, the certificates and
    their record book (the later papers: test_cycle_papers)."""
    from generator.checker.report import check_file
    from generator.findings import LOI, LUU_Y

    from .rendering import require_libreoffice

    require_libreoffice()
    out = tmp_path / "out"
    for args in ([], ["ho-so"], ["tiep-nhan", str(LISTS)], ["quyet-dinh"], ["bang-khen", "--no-pdf"]):
        assert cli_main(["--config", str(SHIPPED_CONFIG), "--output", str(out), *args]) == 0
    docs = sorted(out.glob("*.docx")) + sorted((out / "quyet_dinh").glob("*.docx")) + sorted(
        (out / "bang_khen").glob("*.docx"))
    for unit in ("01-*", "02-*", "04-*", "15-*"):
        docs += sorted(next((out / "ho_so").glob(unit)).glob("*.docx"))
    assert len(docs) == 3 + 3 + 2 + 4 * 3  # a pack: Tờ trình, Biên bản, Tóm tắt (its list is a workbook)
    found = {doc.relative_to(out).as_posix(): [f"{f.severity}: {f.rule}: {f.message}" for f in check_file(doc, True).findings
                                             if f.severity in (LOI, LUU_Y)] for doc in docs}
    assert {name: said for name, said in found.items() if said} == {}


def test_a_collective_certificate_names_the_unit_in_full(decided):
    assert cli_main(["--config", str(SHIPPED_CONFIG), "--output", str(decided), "bang-khen", "--no-pdf"]) == 0
    doc = docx.Document(str(decided / "bang_khen" / "bang_khen.docx"))
    text = "\n".join(c.text for row in doc.tables[0].rows for c in row.cells)  # the first certificate's page
    assert "Liên đoàn Lao động thành phố Lạng Sơn" in text and "LĐLĐ Thành phố" not in text
