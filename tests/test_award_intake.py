"""The award cycle, part 1: a pack for every unit, and the lists they send back checked against
the quotas of the same config. Names below are invented."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from generator import intake
from generator.checker.report import check_file
from generator.checker.rules import LOI
from generator.cli import main as cli_main
from generator.config import load_plan
from generator.exceptions import ConfigError

from .conftest import SHIPPED_CONFIG
from .rendering import require_libreoffice

PERSONS = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em", "Vi Thị Giang",
           "Lường Văn Hải", "Nông Thị Hoa", "Chu Văn Khánh", "Đinh Thị Lan", "Hà Văn Minh", "Lộc Thị Ngọc",
           "Mã Văn Phúc", "Triệu Thị Quyên", "Lăng Văn Sơn", "Hứa Thị Thu", "Vy Văn Toàn", "Dương Thị Uyên",
           "Bế Văn Vinh", "Tô Thị Xuân", "Lục Văn Yên", "Hoàng Thị Ánh", "Nguyễn Văn Bảo", "Trần Thị Châu",
           "Lê Văn Đạt", "Phạm Thị Hằng", "Hoàng Văn Khoa", "Vi Thị Liên", "Lường Văn Nam", "Nông Thị Oanh",
           "Chu Văn Quang", "Đinh Thị Thảo", "Hà Văn Trung"]


@pytest.fixture(scope="module")
def packs(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("packs")
    assert cli_main(["--config", str(SHIPPED_CONFIG), "--output", str(out), "ho-so"]) == 0
    return out / "ho_so"


def sections(ws):
    """{"tap_the": (header row, [data rows]), "ca_nhan": …} as the sheet numbers its rows."""
    out, current = {}, None
    for row in ws.iter_rows():
        first = row[0].value
        if first == "STT":
            current = "tap_the" if row[1].value == "Tên tập thể*" else "ca_nhan"
            out[current] = (row[0].row, [])
        elif current and isinstance(first, int):
            out[current][1].append(row[0].row)
        elif first is not None:
            current = None
    return out


def fill(path: Path, collectives: list[list], individuals: list[list], save_to: Path | None = None) -> Path:
    """As a unit fills its list in Excel: the given rows, in order, in each section."""
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    found = sections(ws)
    for kind, values in (("tap_the", collectives), ("ca_nhan", individuals)):
        _, rows = found[kind]
        for r, row_values in zip(rows, values):
            for j, v in enumerate(row_values, 2):
                ws.cell(row=r, column=j, value=v)
    target = save_to or path
    wb.save(target)
    return target


def person(name, unit, gender="Nam"):
    return [name, gender, 1980, "Chủ tịch công đoàn cơ sở", unit, "Hoàn thành xuất sắc nhiệm vụ 3 năm liền", ""]


def collective(unit):
    return [f"Công đoàn cơ sở Trường THPT {unit[-8:]}", unit, "Tập thể lao động xuất sắc", ""]


def filled_set(packs: Path, target: Path) -> Path:
    """Every unit's list filled up to its quota; the provincial row proposes one person."""
    target.mkdir()
    plan = load_plan(SHIPPED_CONFIG)
    from generator import quotas

    names = iter(PERSONS)
    for r in quotas.allocate(plan).rows:
        folder = next(packs.glob(f"{r.stt:02d}-*"))
        people = [person(next(names), r.name) for _ in range(r.individuals)]
        fill(folder / "danh_sach.xlsx", [collective(r.name)], people, target / f"{folder.name}.xlsx")
    folder = next(packs.glob("15-*"))
    fill(folder / "danh_sach.xlsx", [], [person("Hoàng Thị Mai", "Văn phòng LĐLĐ tỉnh", "Nữ")], target / "15.xlsx")
    return target


# -- the packs ------------------------------------------------------------------------------------------

def test_a_pack_for_every_unit_and_one_for_the_provincial_row(packs):
    folders = sorted(p.name for p in packs.iterdir())
    assert len(folders) == 15 and folders[3] == "04-LĐLĐ huyện Đình Lập" and folders[-1] == "15-Cơ quan LĐLĐ tỉnh"
    for f in packs.iterdir():
        assert sorted(p.name for p in f.iterdir()) == ["bien_ban.docx", "danh_sach.xlsx", "to_trinh.docx", "tom_tat.docx"]


def test_each_list_has_exactly_the_quota_rows_dropdowns_and_locked_headers(packs):
    wb = load_workbook(packs / "01-LĐLĐ Thành phố" / "danh_sach.xlsx")
    ws = wb.worksheets[0]
    found = sections(ws)
    assert len(found["tap_the"][1]) == 1 and len(found["ca_nhan"][1]) == 3  # 4.468 members: 1 and 3
    header = [c.value for c in ws[found["ca_nhan"][0]]][:8]
    assert header == ["STT", "Họ và tên*", "Giới tính*", "Năm sinh", "Chức vụ*", "Đơn vị công tác*",
                      "Tóm tắt thành tích*", "Ghi chú"]
    texts = [str(c.value) for row in ws.iter_rows(max_row=8) for c in row if c.value]
    assert "Đơn vị: LĐLĐ Thành phố" in texts and "LĐLĐ THÀNH PHỐ" in texts
    assert any(t.endswith("01 tập thể, 03 cá nhân") for t in texts)
    (dv,) = [d for d in ws.data_validations.dataValidation if d.formula1 == '"Nam,Nữ"']
    rows = found["ca_nhan"][1]
    assert str(dv.sqref) == f"C{rows[0]}:C{rows[-1]}" and dv.type == "list"
    assert ws.protection.sheet
    assert ws.cell(found["ca_nhan"][0], 2).protection.locked and not ws.cell(rows[0], 2).protection.locked
    assert "Hướng dẫn" in wb.sheetnames


def test_the_provincial_list_offers_one_collective_or_one_individual(packs):
    ws = load_workbook(packs / "15-Cơ quan LĐLĐ tỉnh" / "danh_sach.xlsx").worksheets[0]
    found = sections(ws)
    assert len(found["tap_the"][1]) == 1 and len(found["ca_nhan"][1]) == 1
    assert any("01 tập thể hoặc 01 cá nhân" in str(c.value) for row in ws.iter_rows(max_row=8) for c in row)


def test_every_pack_document_passes_the_check(packs):
    from .test_schema_valid import assert_valid

    docs = sorted(packs.glob("04-*/*.docx")) + sorted(packs.glob("15-*/*.docx"))
    assert len(docs) == 6
    for doc in docs:
        assert not [f for f in check_file(doc, render=False).findings if f.severity == LOI], doc
    assert_valid(docs)


def test_the_tờ_trình_asks_for_the_units_own_quota(packs):
    from .docx_read import full_text, open_doc

    unit = full_text(open_doc(packs / "04-LĐLĐ huyện Đình Lập" / "to_trinh.docx"))
    assert "xét tặng Bằng khen của Ban Chấp hành Liên đoàn Lao động tỉnh cho 01 tập thể và 01 cá nhân (có danh sách" in unit
    assert "Kính gửi: Ban Thường vụ Liên đoàn Lao động tỉnh Lạng Sơn." in unit and "LĐLĐ HUYỆN ĐÌNH LẬP" in unit
    provincial = full_text(open_doc(packs / "15-Cơ quan LĐLĐ tỉnh" / "to_trinh.docx"))
    # It proposes what it chooses, within its quota, and it has no Ban Chấp hành of its own.
    assert "cho …… tập thể, …… cá nhân (tổng cộng không quá 01) (có danh sách kèm theo)" in provincial
    assert "TM. BAN CHẤP HÀNH" not in provincial and "CHÁNH VĂN PHÒNG" in provincial
    assert "TM. BAN CHẤP HÀNH" in unit


def test_a_district_dates_its_tờ_trình_at_its_own_place_and_the_biên_bản_follows_mẫu_1_9(packs):
    from .docx_read import full_text, open_doc

    tt = full_text(open_doc(packs / "04-LĐLĐ huyện Đình Lập" / "to_trinh.docx"))
    assert "Đình Lập, ngày" in tt and "Lạng Sơn, ngày" not in tt
    city = full_text(open_doc(packs / "01-LĐLĐ Thành phố" / "to_trinh.docx"))
    assert "Lạng Sơn, ngày" in city  # no place of its own: the plan's
    bb = full_text(open_doc(packs / "02-LĐLĐ huyện Cao Lộc" / "bien_ban.docx"))
    assert ", ngày      tháng" not in bb  # Mẫu 1.9: no place and date line in the header
    for line in ("Chủ trì (chủ tọa):", "Thư ký (người ghi biên bản):", "Thành phần tham dự: Ban Thường vụ LĐLĐ huyện Cao Lộc",
                 "THƯ KÝ", "CHỦ TỌA", "Nơi nhận:", "- Lưu: VT, Hồ sơ.", "Số lượng được phân bổ: 01 tập thể, 03 cá nhân."):
        assert line in bb, line
    doc = open_doc(packs / "02-LĐLĐ huyện Cao Lộc" / "bien_ban.docx")
    votes = doc.tables[1]  # the header's table, the votes, the signatures
    assert [c.text for c in votes.rows[0].cells] == ["STT", "Tập thể, cá nhân được đề nghị", "Số phiếu đồng ý / số người dự",
                                                    "Tỷ lệ (%)"]
    assert [r.cells[1].text.split(":")[0] for r in votes.rows[1:]] == ["Tập thể", "Cá nhân", "Cá nhân", "Cá nhân"]


def test_the_summary_of_achievements_asks_each_kind_for_its_own_fields(packs):
    from .docx_read import full_text, open_doc

    text = full_text(open_doc(packs / "02-LĐLĐ huyện Cao Lộc" / "tom_tat.docx"))
    assert "1/1" not in text and "tập thể 1" not in text  # no machine counter in the title
    collective, *people = text.split("Thành tích đề nghị khen thưởng")[1:]
    assert "I. THÔNG TIN CHUNG" in collective and "Chức vụ" not in collective.split("II.")[0]
    assert "2. Đơn vị cấp trên trực tiếp: Liên đoàn Lao động huyện Cao Lộc." in collective
    assert "THỦ TRƯỞNG ĐƠN VỊ" in collective
    assert len(people) == 3 and all("I. SƠ LƯỢC LÝ LỊCH" in p and "NGƯỜI BÁO CÁO" in p for p in people)
    assert all("II. THÀNH TÍCH ĐẠT ĐƯỢC" in part and "III. CÁC HÌNH THỨC KHEN THƯỞNG ĐÃ ĐƯỢC NHẬN" in part
               for part in [collective, *people])


def test_packs_are_byte_identical_from_one_build_to_the_next(packs, tmp_path):
    assert cli_main(["--config", str(SHIPPED_CONFIG), "--output", str(tmp_path), "ho-so"]) == 0
    for p in packs.rglob("*.*"):
        assert (tmp_path / "ho_so" / p.relative_to(packs)).read_bytes() == p.read_bytes(), p


# -- intake ---------------------------------------------------------------------------------------------

def run_intake(folder: Path, out: Path, config: Path = SHIPPED_CONFIG) -> intake.Result:
    return intake.run(load_plan(config), folder, out)


def test_round_trip_every_list_filled_to_quota_gives_the_annex_totals(packs, tmp_path):
    lists = filled_set(packs, tmp_path / "nop")
    result = run_intake(lists, tmp_path / "out")
    assert result.problems == []
    assert {r.status for r in result.table} == {"đủ"}
    wb = load_workbook(tmp_path / "out" / "tong_hop_de_nghi.xlsx")
    assert wb["Tập thể"].max_row - 1 == 14 and wb["Cá nhân"].max_row - 1 == 32 + 1  # the annex: 14, 32, and 01
    assert wb["Cá nhân"]["B2"].value == "LĐLĐ Thành phố" and wb["Cá nhân"]["C2"].value == "Nguyễn Văn An"


def test_a_list_re_saved_by_libreoffice_is_read_the_same(packs, tmp_path):
    require_libreoffice()
    from generator.pdf import find_soffice

    source = fill(next(packs.glob("04-*")) / "danh_sach.xlsx", [collective("LĐLĐ huyện Đình Lập")],
                  [person("Nguyễn Văn An", "LĐLĐ huyện Đình Lập")], tmp_path / "04.xlsx")
    saved = tmp_path / "nop"
    done = subprocess.run([find_soffice(), f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to",
                           "xlsx:Calc MS Excel 2007 XML", "--outdir", str(saved), str(source)], capture_output=True, timeout=180)
    assert done.returncode == 0 and (saved / "04.xlsx").is_file(), done.stderr
    result = run_intake(saved, tmp_path / "out")
    assert result.problems == []
    assert result.table[3].status == "đủ" and result.accepted["LĐLĐ huyện Đình Lập"].ca_nhan[0]["Họ và tên"] == \
        "Nguyễn Văn An"
    ws = load_workbook(saved / "04.xlsx").worksheets[0]  # the dropdown survives LibreOffice
    assert any(d.formula1 == '"Nam,Nữ"' for d in ws.data_validations.dataValidation)


def _one(packs, tmp_path, stt: int, collectives, individuals, name=None) -> Path:
    folder = tmp_path / "nop"
    folder.mkdir(exist_ok=True)
    source = next(packs.glob(f"{stt:02d}-*"))
    return fill(source / "danh_sach.xlsx", collectives, individuals, folder / (name or f"{source.name}.xlsx"))


def test_exactly_at_quota_passes_and_one_over_is_refused_with_its_row(packs, tmp_path):
    unit = "LĐLĐ huyện Đình Lập"  # 01 tập thể, 01 cá nhân
    path = _one(packs, tmp_path, 4, [collective(unit)], [person("Nguyễn Văn An", unit)])
    assert run_intake(path.parent, tmp_path / "out").table[3].status == "đủ"
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    last = sections(ws)["ca_nhan"][1][-1]
    ws.insert_rows(last + 1)  # the unit types a second person below the one row it was given
    for j, v in enumerate([2] + person("Trần Thị Bình", unit, "Nữ"), 1):
        ws.cell(row=last + 1, column=j, value=v)
    wb.save(path)
    result = run_intake(path.parent, tmp_path / "out")
    (problem,) = result.problems
    assert problem.line == last + 1 and problem.over_quota
    assert problem.message == "vượt số lượng: 2 cá nhân, được phân bổ 01."
    assert result.table[3].status == "vượt" and unit not in {r.name for r in result.table if r.status == "đủ"}


def test_the_provincial_row_may_not_send_both(packs, tmp_path):
    unit = "Cơ quan LĐLĐ tỉnh"
    path = _one(packs, tmp_path, 15, [collective(unit)], [person("Hoàng Thị Mai", unit, "Nữ")])
    result = run_intake(path.parent, tmp_path / "out")
    (problem,) = result.problems
    assert "chỉ được đề nghị 01 tập thể hoặc 01 cá nhân, danh sách có 1 tập thể và 1 cá nhân" in problem.message
    assert result.table[-1].status == "vượt"


def test_a_required_cell_left_empty_is_named_by_row_and_column(packs, tmp_path):
    unit = "LĐLĐ huyện Đình Lập"
    incomplete = person("Nguyễn Văn An", unit)
    incomplete[3] = None  # Chức vụ
    path = _one(packs, tmp_path, 4, [collective(unit)], [incomplete])
    row = sections(load_workbook(path).worksheets[0])["ca_nhan"][1][0]
    (problem,) = run_intake(path.parent, tmp_path / "out").problems
    assert problem.render() == (f"{path.name}: trang «Danh sách», dòng {row}, cột E (Chức vụ): "
                              "chưa điền «Chức vụ» (cá nhân).")


def test_rows_are_named_by_their_number_in_the_sheet_not_their_count(packs, tmp_path):
    unit = "LĐLĐ Thành phố"  # three person rows; the unit fills the first and the third
    bad = person("Lê Văn Cường", unit, "Khác")
    path = _one(packs, tmp_path, 1, [collective(unit)], [person("Nguyễn Văn An", unit), [None] * 7, bad])
    row = sections(load_workbook(path).worksheets[0])["ca_nhan"][1][2]
    (problem,) = run_intake(path.parent, tmp_path / "out").problems
    assert problem.line == row and problem.column == "C (Giới tính)" and "«Khác» không có trong danh sách chọn" in problem.message


def test_the_same_person_proposed_by_two_units_is_flagged_in_both(packs, tmp_path):
    # The same person: name (spaces and case aside), year of birth and workplace all agree.
    a, b = "LĐLĐ huyện Đình Lập", "LĐLĐ huyện Văn Lãng"
    _one(packs, tmp_path, 4, [collective(a)], [person("Nguyễn  Văn An", a)])
    path = _one(packs, tmp_path, 7, [collective(b)], [person("nguyễn văn an", a)])
    result = run_intake(path.parent, tmp_path / "out")
    assert len(result.problems) == 2 and result.notes == ()
    same = f"Năm sinh: 1980, Đơn vị công tác: {a}"
    assert {p.message for p in result.problems} == {
        f"«Nguyễn Văn An» cũng được {b} đề nghị ({same}); mỗi người chỉ được một đơn vị đề nghị.",
        f"«nguyễn văn an» cũng được {a} đề nghị ({same}); mỗi người chỉ được một đơn vị đề nghị."}


def test_two_people_of_one_name_in_two_units_are_a_note_and_both_are_accepted(packs, tmp_path):
    a, b = "LĐLĐ huyện Đình Lập", "LĐLĐ huyện Văn Lãng"
    first, second = person("Hoàng Thị Thị Ngọc", a, "Nữ"), person("Hoàng Thị Thị Ngọc", b, "Nữ")
    first[2], second[2] = 1994, 1982
    _one(packs, tmp_path, 4, [collective(a)], [first])
    path = _one(packs, tmp_path, 7, [collective(b)], [second])
    result = run_intake(path.parent, tmp_path / "out")
    assert result.problems == [] and len(result.notes) == 2
    assert all("trùng tên" in n.message and "hai người khác nhau" in n.message for n in result.notes)
    status = {r.name: r.status for r in result.table}
    assert status[a] == status[b] == "đủ"
    assert [v["Họ và tên"] for v in result.accepted[a].ca_nhan] == ["Hoàng Thị Thị Ngọc"]
    assert [v["Họ và tên"] for v in result.accepted[b].ca_nhan] == ["Hoàng Thị Thị Ngọc"]


def test_the_columns_that_make_one_person_can_be_named_in_the_config(packs, tmp_path):
    config = tmp_path / "plan.yaml"
    text = SHIPPED_CONFIG.read_text(encoding="utf-8")
    config.write_text(text.replace("  individual_columns:\n", "  same_person: [Họ và tên, Năm sinh]\n  individual_columns:\n", 1),
                      encoding="utf-8")
    a, b = "LĐLĐ huyện Đình Lập", "LĐLĐ huyện Văn Lãng"
    _one(packs, tmp_path, 4, [collective(a)], [person("Nguyễn Văn An", a)])
    path = _one(packs, tmp_path, 7, [collective(b)], [person("Nguyễn Văn An", b)])  # other workplace, same year
    result = intake.run(load_plan(config), path.parent, tmp_path / "out")
    assert len(result.problems) == 2  # by name and year alone they are one person
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("  individual_columns:\n", "  same_person: [Số CCCD]\n  individual_columns:\n", 1),
                   encoding="utf-8")
    with pytest.raises(ConfigError, match="same_person.*«Số CCCD» không phải một cột"):
        load_plan(bad)


def test_ong_ba_must_agree_with_gioi_tinh(packs, tmp_path):
    config = tmp_path / "plan.yaml"
    config.write_text(SHIPPED_CONFIG.read_text(encoding="utf-8").replace(
        "  individual_columns:\n    - Họ và tên*\n", "  individual_columns:\n    - Ông/Bà\n    - Họ và tên*\n"), encoding="utf-8")
    out = tmp_path / "packs"
    assert cli_main(["--config", str(config), "--output", str(out), "ho-so"]) == 0
    unit = "LĐLĐ huyện Đình Lập"
    nop = tmp_path / "nop"
    nop.mkdir()
    fill(out / "ho_so" / "04-LĐLĐ huyện Đình Lập" / "danh_sach.xlsx", [collective(unit)],
                [["Bà"] + person("Nguyễn Văn An", unit, "Nam")], nop / "04.xlsx")
    (problem,) = run_intake(nop, tmp_path / "out", config).problems
    assert problem.column == "B (Ông/Bà)" and problem.message == "«Bà» không khớp Giới tính «Nam»."


def test_an_unknown_unit_and_two_files_for_one_unit(packs, tmp_path):
    unit = "LĐLĐ huyện Đình Lập"
    first = _one(packs, tmp_path, 4, [collective(unit)], [person("Nguyễn Văn An", unit)], "a.xlsx")
    _one(packs, tmp_path, 4, [collective(unit)], [person("Nguyễn Văn An", unit)], "b.xlsx")
    wb = load_workbook(first)
    wb.worksheets[0]["A7"] = "Đơn vị: LĐLĐ huyện Không Có"
    wb.save(tmp_path / "nop" / "c.xlsx")
    result = run_intake(first.parent, tmp_path / "out")
    lines = sorted(p.render() for p in result.problems)
    assert lines[0] == ("a.xlsx: trang «Danh sách»: LĐLĐ huyện Đình Lập có hai tệp danh sách (cùng với b.xlsx); "
                        "giữ lại một tệp rồi chạy lại.")
    assert lines[2] == ("c.xlsx: trang «Danh sách»: đơn vị «LĐLĐ huyện Không Có» không có trong Phụ lục của kế hoạch; "
                        "kiểm tra lại tên đơn vị.")
    assert result.table[3].status == "có lỗi"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1258"])
def test_a_csv_typed_by_hand_with_the_same_columns(tmp_path, encoding):
    from .test_upload_bounds import _cp1258

    sep = ";" if encoding == "cp1258" else ","
    lines = ["Đơn vị: LĐLĐ huyện Đình Lập", "", "I. TẬP THỂ", sep.join(["STT", "Tên tập thể*", "Đơn vị*",
             "Tóm tắt thành tích*", "Ghi chú"]), sep.join(["1", "Công đoàn Trường THPT Đình Lập", "LĐLĐ huyện Đình Lập",
             "Tập thể lao động xuất sắc", ""]), "II. CÁ NHÂN", sep.join(["STT", "Họ và tên*", "Giới tính*", "Năm sinh",
             "Chức vụ*", "Đơn vị công tác*", "Tóm tắt thành tích*", "Ghi chú"]), sep.join(["1", "Nguyễn Văn An", "Nam",
             "1980", "Chủ tịch", "Trường THPT Đình Lập", "Xuất sắc", ""])]
    text = "\n".join(lines) + "\n"
    data = _cp1258(text) if encoding == "cp1258" else text.encode(encoding)
    (tmp_path / "nop").mkdir()
    (tmp_path / "nop" / "dinh_lap.csv").write_bytes(data)
    result = run_intake(tmp_path / "nop", tmp_path / "out")
    assert result.problems == [] and result.table[3].status == "đủ"
    assert result.accepted["LĐLĐ huyện Đình Lập"].ca_nhan[0]["Họ và tên"] == "Nguyễn Văn An"


def test_malformed_huge_and_bomb_files_are_messages_not_tracebacks(tmp_path):
    from .test_upload_bounds import LIST, crafted

    nop = tmp_path / "nop"
    nop.mkdir()
    (nop / "hong.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    (nop / "lon.csv").write_bytes(b"a,b\n" * (intake.MAX_FILE // 4 + 1))
    crafted(nop / "bom.xlsx", "A1:B2", LIST + [b'<row r="3">'] + [b"<c><v>1</v></c>" * 100_000] * 20 + [b"</row>"])
    result = run_intake(nop, tmp_path / "out")
    by_file = {p.file: p.message for p in result.problems}
    assert by_file["hong.xlsx"].startswith("không đọc được tệp .xlsx")
    assert by_file["lon.csv"].startswith("tệp lớn hơn 5 MB")
    assert by_file["bom.xlsx"].startswith("bảng tính có hơn 250.000 ô")


def test_a_resubmission_changes_only_that_units_rows_and_a_bad_one_keeps_the_old(packs, tmp_path):
    lists = filled_set(packs, tmp_path / "nop")
    out = tmp_path / "out"
    run_intake(lists, out)
    before = json.loads((out / "tiep_nhan.json").read_text(encoding="utf-8"))
    unit = "LĐLĐ huyện Đình Lập"
    second = tmp_path / "lan2"
    second.mkdir()
    bad = person("Người Mới", unit)
    bad[1] = None
    fill(next(packs.glob("04-*")) / "danh_sach.xlsx", [collective(unit)], [bad], second / "04.xlsx")
    result = run_intake(second, out)
    after = json.loads((out / "tiep_nhan.json").read_text(encoding="utf-8"))
    assert after == before and result.table[3].status == "có lỗi"  # the old rows stay until a good file
    fill(next(packs.glob("04-*")) / "danh_sach.xlsx", [collective(unit)], [person("Người Mới", unit)], second / "04.xlsx")
    run_intake(second, out)
    after = json.loads((out / "tiep_nhan.json").read_text(encoding="utf-8"))
    assert after[unit]["ca_nhan"][0]["Họ và tên"] == "Người Mới"
    assert {k: v for k, v in after.items() if k != unit} == {k: v for k, v in before.items() if k != unit}


def test_the_cli_prints_the_status_table_and_exits_1_on_problems(packs, tmp_path, capsys):
    unit = "LĐLĐ huyện Đình Lập"
    nop = tmp_path / "nop"
    nop.mkdir()
    fill(next(packs.glob("04-*")) / "danh_sach.xlsx", [collective(unit)], [person("Nguyễn Văn An", unit)], nop / "04.xlsx")
    capsys.readouterr()
    assert cli_main(["--config", str(SHIPPED_CONFIG), "--output", str(tmp_path / "out"), "tiep-nhan", str(nop)]) == 0
    out = capsys.readouterr().out
    rows = [" ".join(line.split()) for line in out.splitlines()]  # the table's columns, spaces folded
    assert "4 LĐLĐ huyện Đình Lập 1/1 1/1 đủ (04.xlsx)" in rows
    assert "1 LĐLĐ Thành phố 0/1 0/3 chưa nộp" in rows
    errors = load_workbook(tmp_path / "out" / "loi_tiep_nhan.xlsx")["Lỗi"]
    assert [c.value for c in errors[1]] == ["Tệp", "Trang tính", "Dòng", "Cột", "Lỗi"] and errors.max_row == 1


def test_packs_built_in_parallel_are_the_bytes_of_a_serial_build(packs, tmp_path, monkeypatch):
    from generator import main

    monkeypatch.setattr(main, "PARALLEL_FROM", 10**9)  # one process, in order
    assert cli_main(["--config", str(SHIPPED_CONFIG), "--output", str(tmp_path), "ho-so"]) == 0
    serial = {p.relative_to(tmp_path / "ho_so"): p.read_bytes() for p in (tmp_path / "ho_so").rglob("*.*")}
    assert serial == {p.relative_to(packs): p.read_bytes() for p in packs.rglob("*.*")}  # the fixture's: 60 ≥ 40, parallel


def test_an_accepted_state_edited_by_hand_counts_its_broken_units_as_not_sent(packs, tmp_path):
    out = tmp_path / "out"
    run_intake(filled_set(packs, tmp_path / "nop"), out)
    state = json.loads((out / "tiep_nhan.json").read_text(encoding="utf-8"))
    broken, kept = sorted(state)[:2]
    state[broken] = {"tap_the": "không phải danh sách"}  # no file, rows not a list
    (out / "tiep_nhan.json").write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    status = {r.name: r.status for r in intake.current(load_plan(SHIPPED_CONFIG), out)}
    assert status[broken] == intake.CHUA_NOP and status[kept] == intake.DU
