"""The award cycle, part 2: the decision, its list and the certificates, from the units' lists
in tests/data (invented names) through packs -> intake -> decision -> certificates."""
from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from generator import awards, quotas
from generator.checker.report import check_file
from generator.checker.rules import LOI
from generator.cli import main as cli_main
from generator.config import load_plan, parse_plan
from generator.exceptions import ConfigError
from generator.model import Accepted, UnitStatus

from .conftest import ROOT, SHIPPED_CONFIG
from .rendering import require_libreoffice

LISTS = ROOT / "tests" / "data" / "danh_sach_don_vi"


def run(*args: str) -> int:
    return cli_main(["--config", str(SHIPPED_CONFIG), *args])


@pytest.fixture(scope="module")
def chain(tmp_path_factory) -> Path:
    """The whole cycle, as the clerk runs it, in one output folder."""
    require_libreoffice()
    out = tmp_path_factory.mktemp("cycle")
    assert run("--output", str(out), "ho-so") == 0
    assert run("--output", str(out), "tiep-nhan", str(LISTS)) == 0
    assert run("--output", str(out), "quyet-dinh", "--pdf") == 0
    assert run("--output", str(out), "bang-khen") == 0
    return out


def data_rows(table) -> list[list[str]]:
    """The awardees' rows of a list table: those whose STT is a number (not the header, not a unit's
    sub-heading)."""
    return [[c.text for c in row.cells] for row in table.rows if row.cells[0].text.strip().isdigit()]


def article_one(path: Path) -> tuple[int, int]:
    text = next(p.text for p in docx.Document(str(path)).paragraphs if p.text.startswith("Điều 1."))
    m = re.search(r"cho (\d+) tập thể và (\d+) cá nhân \(có danh sách kèm theo\)", text)
    return int(m.group(1)), int(m.group(2))


# -- consistency, end to end ----------------------------------------------------------------------

def test_article_one_the_list_and_the_certificates_count_the_same_awardees(chain):
    collectives, individuals = article_one(chain / "quyet_dinh" / "quyet_dinh.docx")
    listed = docx.Document(str(chain / "quyet_dinh" / "danh_sach_khen_thuong.docx"))
    assert (len(data_rows(listed.tables[0])), len(data_rows(listed.tables[1]))) == (collectives, individuals)
    # 14 units with one collective each; their individuals per the tiers, and one from the provincial row
    assert (collectives, individuals) == (14, 33)
    pdf = PdfReader(str(chain / "bang_khen" / "bang_khen.pdf"))
    certificates = docx.Document(str(chain / "bang_khen" / "bang_khen.docx"))
    assert len(pdf.pages) == len(certificates.tables) == collectives + individuals
    record = docx.Document(str(chain / "bang_khen" / "so_cap_bang.docx"))
    assert len(data_rows(record.tables[0])) == collectives + individuals
    printed = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(str(chain / "quyet_dinh" / "quyet_dinh.pdf")).pages)
    assert f"cho {collectives} tập thể và {individuals} cá nhân (có danh sách kèm theo)" in printed  # as printed


def test_the_list_numbers_each_part_on_and_groups_it_by_unit_in_the_annex_order(chain):
    listed = docx.Document(str(chain / "quyet_dinh" / "danh_sach_khen_thuong.docx"))
    for table in listed.tables:
        assert [int(r[0]) for r in data_rows(table)] == list(range(1, len(data_rows(table)) + 1))
        xml = table._tbl.xml
        assert "<w:tblHeader/>" in xml.split("</w:tr>")[0]  # the header row repeats on every page
        assert xml.count("<w:cantSplit/>") == len(table.rows)  # no row split across pages
    headings = [r.cells[0].text for r in listed.tables[1].rows if not r.cells[0].text.strip().isdigit()][1:]
    plan = load_plan(SHIPPED_CONFIG)
    annex = [u.name for u in quotas.units_of(plan, quotas.allocate(plan))]
    assert headings == annex  # every unit proposed individuals, in the annex's order


def test_every_certificate_carries_its_record_number_in_list_order(chain):
    pdf = PdfReader(str(chain / "bang_khen" / "bang_khen.pdf"))
    texts = [" ".join(page.extract_text().split()) for page in pdf.pages]
    listed = json.loads((chain / "quyet_dinh" / "khen_thuong.json").read_text(encoding="utf-8"))
    people = listed["tap_the"] + listed["ca_nhan"]
    for number, (text, person) in enumerate(zip(texts, people), start=1):
        assert f"Số sổ: {number:02d}" in text
        assert person["name"] in text
    assert texts[len(listed["tap_the"])].count("Đồng chí") == 1  # the first person; collectives have no title


def test_each_units_zip_holds_exactly_its_own_pages(chain):
    listed = json.loads((chain / "quyet_dinh" / "khen_thuong.json").read_text(encoding="utf-8"))
    per_unit: dict[str, list[str]] = {}
    for person in listed["tap_the"] + listed["ca_nhan"]:
        per_unit.setdefault(person["unit"], []).append(person["name"])
    zips = sorted((chain / "bang_khen" / "theo_don_vi").glob("*.zip"))
    assert len(zips) == len(per_unit) == 15
    total = 0
    for path in zips:
        with zipfile.ZipFile(path) as z:
            (name,) = z.namelist()
            pages = PdfReader(io.BytesIO(z.read(name))).pages
        unit = re.sub(r"^\d+-", "", path.stem)
        names = per_unit[unit]
        assert len(pages) == len(names)
        for page, name in zip(pages, names):  # that unit's certificates, in the list's order
            assert name in " ".join(page.extract_text().split())
        total += len(pages)
    assert total == sum(len(n) for n in per_unit.values())


def test_every_document_of_the_decision_and_the_certificates_passes_the_check(chain):
    paths = sorted((chain / "quyet_dinh").glob("*.docx")) + sorted((chain / "bang_khen").glob("*.docx"))
    assert len(paths) == 5
    types = {}
    for path in paths:
        report = check_file(path, render=True)
        assert [f.message for f in report.findings if f.severity == LOI] == [], path.name
        types[path.name] = report.doc_type
    # the lists issued with the decision are read as annexes; a certificate is not an NĐ 30 document
    assert types == {"danh_sach_khen_thuong.docx": "Phụ lục", "quyet_dinh.docx": "Quyết định",
                     "to_trinh_ban.docx": "Tờ trình", "bang_khen.docx": "Bằng khen", "so_cap_bang.docx": "Phụ lục"}


def test_a_certificate_is_judged_by_its_font_alone(chain, tmp_path):
    import docx as python_docx

    doc = python_docx.Document(str(chain / "bang_khen" / "bang_khen.docx"))
    for run in doc.tables[0]._tbl.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}rFonts"):
        run.set("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}ascii", "VNI-Times")
    doc.styles["BK Ten"].font.name = "VNI-Times"
    target = tmp_path / "bang_khen.docx"
    doc.save(str(target))
    report = check_file(target, render=False)
    assert [r.rule for r in report.results] == ["phong_chu"]
    assert any(f.severity == LOI for f in report.findings)


def test_the_decision_cites_only_the_legal_basis_in_force_on_its_date(chain):
    text = "\n".join(p.text for p in docx.Document(str(chain / "quyet_dinh" / "quyet_dinh.docx")).paragraphs)
    assert "Luật Thi đua, Khen thưởng ngày 26 tháng 11 năm 2003" in text
    assert "1689/QĐ-TLĐ" in text
    assert "ngày 15 tháng 6 năm 2022" not in text and "999/QĐ-TLĐ" not in text
    assert "Nghị định số 91/2017/NĐ-CP" in text and "98/2023/NĐ-CP" not in text
    assert "Điều lệ Công đoàn Việt Nam khóa XII" in text
    assert text.count("Căn cứ") == 5  # Luật, its decree, Điều lệ, Quy chế, and the plan
    assert "Theo đề nghị của Ban Chính sách pháp luật và Quan hệ lao động." in text
    assert "chịu trách nhiệm thi hành Quyết định này./." in text


# -- the intake must be complete --------------------------------------------------------------------

@pytest.fixture
def partial(tmp_path) -> Path:
    """Intake with two units' lists missing."""
    lists = tmp_path / "lists"
    shutil.copytree(LISTS, lists)
    for path in lists.glob("0[34]-*.xlsx"):
        path.unlink()
    out = tmp_path / "out"
    assert run("--output", str(out), "tiep-nhan", str(lists)) == 0
    return out


def test_the_decision_is_refused_while_units_have_not_sent_their_lists(partial, capsys):
    assert run("--output", str(partial), "quyet-dinh") == 2
    err = capsys.readouterr().err
    assert "còn 2 đơn vị chưa «đủ»" in err
    assert "LĐLĐ huyện Lộc Bình: chưa nộp" in err and "LĐLĐ huyện Đình Lập: chưa nộp" in err
    assert "--allow-incomplete" in err and "Traceback" not in err
    assert not (partial / "quyet_dinh").exists()


def test_allow_incomplete_builds_without_them_and_names_them(partial, capsys):
    assert run("--output", str(partial), "quyet-dinh", "--allow-incomplete") == 0
    said = capsys.readouterr().out
    assert "Chưa đưa vào Quyết định: LĐLĐ huyện Lộc Bình (chưa nộp)." in said
    collectives, individuals = article_one(partial / "quyet_dinh" / "quyet_dinh.docx")
    assert (collectives, individuals) == (12, 29)  # without 1+3 and 1+1
    text = " ".join(p.text for p in docx.Document(str(partial / "quyet_dinh" / "to_trinh_ban.docx")).paragraphs)
    assert "LĐLĐ huyện Lộc Bình (chưa nộp), LĐLĐ huyện Đình Lập (chưa nộp)" in text


def test_without_intake_the_decision_says_to_run_it_first(tmp_path, capsys):
    assert run("--output", str(tmp_path), "quyet-dinh") == 2
    assert "chạy python build_docs.py tiep-nhan" in capsys.readouterr().err


def test_certificates_need_the_decision_first(tmp_path, capsys):
    assert run("--output", str(tmp_path), "bang-khen") == 2
    assert "trước hết chạy python build_docs.py quyet-dinh" in capsys.readouterr().err


# -- bad input leaves the last good documents in place ---------------------------------------------

def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def done(chain, tmp_path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(chain, out)
    return out


def test_an_awardee_without_a_name_stops_the_certificates_and_keeps_the_last_ones(done, capsys):
    listed = done / "quyet_dinh" / "khen_thuong.json"
    data = json.loads(listed.read_text(encoding="utf-8"))
    data["ca_nhan"][2]["name"] = "  "
    listed.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    before = snapshot(done / "bang_khen")
    assert run("--output", str(done), "bang-khen") == 2
    err = capsys.readouterr().err
    assert "cá nhân thứ 3 (LĐLĐ Thành phố) không có tên" in err and "Traceback" not in err
    assert snapshot(done / "bang_khen") == before


def test_a_decision_dated_before_the_plan_is_refused_with_its_line(tmp_path):
    text = SHIPPED_CONFIG.read_text(encoding="utf-8")
    broken = text.replace("    month: 4\n    year: 2023", "    month: 1\n    year: 2023", 1)
    assert broken != text
    with pytest.raises(ConfigError) as err:
        parse_plan(broken)
    (problem,) = err.value.problems
    assert problem.field == "decision.date"
    assert "đến trước ngày ban hành Kế hoạch" in problem.message
    assert problem.line == text[:text.index("  date:\n    day: null\n    month: 4")].count("\n") + 2


def test_a_missing_template_stops_the_decision_and_keeps_the_last_one(done, tmp_path, capsys):
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    (templates / "quyet_dinh.docx").unlink()
    before = snapshot(done / "quyet_dinh")
    assert run("--output", str(done), "--templates", str(templates), "quyet-dinh") == 2
    err = capsys.readouterr().err
    assert "quyet_dinh.docx" in err and "Traceback" not in err
    assert snapshot(done / "quyet_dinh") == before


# -- the Căn cứ as data ---------------------------------------------------------------------------

def with_decision_date(day: str, month: int, year: int) -> str:
    text = SHIPPED_CONFIG.read_text(encoding="utf-8")
    return text.replace("    day: null\n    month: 4\n    year: 2023", f"    day: {day}\n    month: {month}\n    year: {year}", 1)


def cited(plan, when: dt.date) -> list[str]:
    return [b.text for b in plan.decision.legal_basis if b.in_force(when)]


def test_from_2024_the_decision_cites_the_2022_law_and_from_june_2024_quy_che_999():
    plan = parse_plan(with_decision_date("15", 6, 2024))
    texts = cited(plan, dt.date(2024, 6, 15))
    assert any("ngày 15 tháng 6 năm 2022" in t for t in texts)
    assert any("999/QĐ-TLĐ" in t for t in texts) and not any("1689/QĐ-TLĐ" in t for t in texts)
    assert not any("năm 2003" in t for t in texts)
    assert any("98/2023/NĐ-CP" in t for t in texts) and not any("91/2017/NĐ-CP" in t for t in texts)
    assert any("khóa XIII" in t for t in texts)
    assert not plan.warnings or all(w.field != "decision.legal_basis" for w in plan.warnings)


def test_from_july_2025_decree_152_replaces_decree_98():
    plan = parse_plan(with_decision_date("1", 7, 2025))
    texts = cited(plan, dt.date(2025, 7, 1))
    assert any("152/2025/NĐ-CP" in t for t in texts) and not any("98/2023/NĐ-CP" in t for t in texts)
    before = cited(plan, dt.date(2025, 6, 30))
    assert any("98/2023/NĐ-CP" in t for t in before) and not any("152/2025/NĐ-CP" in t for t in before)


def test_a_decision_dated_after_the_conference_is_a_warning_naming_both_dates():
    plan = parse_plan(with_decision_date("null", 5, 2023))
    (warning,) = [w for w in plan.warnings if w.field == "decision.date"]
    assert "01/05/2023" in warning.message and "30/04/2023" in warning.message
    assert "trước Hội nghị" in warning.message
    assert not [w for w in parse_plan(SHIPPED_CONFIG.read_text(encoding="utf-8")).warnings if w.field == "decision.date"]


def test_a_blank_day_in_the_month_a_basis_changes_is_a_warning():
    plan = parse_plan(with_decision_date("null", 5, 2024))  # QĐ 999 from 29/5/2024
    assert any(w.field == "decision.legal_basis" and "29/05/2024" in w.message for w in plan.warnings)


def test_no_law_on_emulation_and_rewards_in_force_is_a_warning():
    text = SHIPPED_CONFIG.read_text(encoding="utf-8").replace("Luật Thi đua, Khen thưởng ngày 26", "Luật số 15 ngày 26")
    plan = parse_plan(text)
    (warning,) = [w for w in plan.warnings if w.field == "decision.legal_basis"]
    assert "không có Luật Thi đua, Khen thưởng nào còn hiệu lực" in warning.message


def test_a_basis_that_ends_before_it_begins_is_refused():
    text = SHIPPED_CONFIG.read_text(encoding="utf-8").replace("      valid_to: 31/12/2023", "      valid_to: 31/12/2003", 1)
    with pytest.raises(ConfigError) as err:
        parse_plan(text)
    assert [p.field for p in err.value.problems] == ["decision.legal_basis[1].valid_to"]


def test_a_decision_column_the_lists_do_not_have_is_refused():
    text = SHIPPED_CONFIG.read_text(encoding="utf-8").replace("    position: Chức vụ\n", "    position: Chức danh\n")
    with pytest.raises(ConfigError) as err:
        parse_plan(text)
    (problem,) = err.value.problems
    assert problem.field == "decision.individual_columns.position" and "Chức danh" in problem.message


# -- the awardees, pure ---------------------------------------------------------------------------

def test_awardees_come_in_the_annex_order_collectives_first():
    plan = load_plan(SHIPPED_CONFIG)
    table = [UnitStatus(2, "B", False, 0, 0, 1, 1, "đủ", "b.xlsx", None),
             UnitStatus(1, "A", False, 1, 1, 1, 1, "đủ", "a.xlsx", None)]
    accepted = {"A": Accepted("a.xlsx", [1, 1], ({"Tên tập thể": "CĐCS A1", "Đơn vị": "A"},),
                              ({"Họ và tên": "Lê Văn Cường", "Giới tính": "Nam", "Chức vụ": "Giáo viên",
                                "Đơn vị công tác": "Trường A"},)),
                "B": Accepted("b.xlsx", [0, 1], (), ({"Họ và tên": "Vi Thị Giang", "Giới tính": "Nữ", "Chức vụ": "Kế toán",
                                                      "Đơn vị công tác": "Trường B"},))}
    got = awards.from_accepted(plan, accepted, table)
    assert [a.name for a in got.all] == ["CĐCS A1", "Vi Thị Giang", "Lê Văn Cường"]  # the table's order: B, A
    assert got.individuals[0].position == "Kế toán" and got.individuals[0].workplace == "Trường B"


def test_the_record_book_list_fits_one_page_for_the_shipped_lists(chain, tmp_path):
    from generator.pdf import to_pdf_bytes

    pdf = to_pdf_bytes([chain / "bang_khen" / "so_cap_bang.docx"])["so_cap_bang.pdf"]
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1


def test_a_unit_left_out_later_keeps_no_zip_from_the_earlier_certificates(done, tmp_path):
    lists = tmp_path / "lists"
    shutil.copytree(LISTS, lists)
    next(lists.glob("04-*.xlsx")).unlink()
    (done / "tiep_nhan.json").unlink()  # intake from scratch: Đình Lập has sent nothing
    assert run("--output", str(done), "tiep-nhan", str(lists)) == 0
    assert run("--output", str(done), "quyet-dinh", "--allow-incomplete") == 0
    assert run("--output", str(done), "bang-khen") == 0
    zips = sorted(p.name for p in (done / "bang_khen" / "theo_don_vi").glob("*.zip"))
    assert len(zips) == 14 and not any(name.startswith("04-") for name in zips)
    assert len(PdfReader(str(done / "bang_khen" / "bang_khen.pdf")).pages) == 45


@pytest.mark.parametrize("old, new, field", [
    ("      Ky: {x: 160, y: 143, w: 120, h: 64}", "      Ky: {x: 160, y: 163, w: 120, h: 64}", "certificates.boxes.full.Ky"),
    ("    day: null\n    month: 4\n    year: 2023", "    day: 20\n    month: 1\n    year: 2023", "decision.date"),
], ids=["box off the paper", "decision before the plan"])
def test_a_bad_config_stops_the_certificates_with_its_line_and_keeps_the_last_ones(done, tmp_path, capsys, old, new,
                                                                                    field):
    text = SHIPPED_CONFIG.read_text(encoding="utf-8")
    assert old in text
    config = tmp_path / "plan.yaml"
    config.write_text(text.replace(old, new, 1), encoding="utf-8")
    line = text[:text.index(old)].count("\n") + 1
    before = snapshot(done)
    assert cli_main(["--config", str(config), "--output", str(done), "bang-khen"]) == 2
    err = capsys.readouterr().err
    assert field in err and "Traceback" not in err
    assert any(f"dòng {n}" in err for n in range(line, line + 3))
    assert snapshot(done) == before


def test_a_unit_short_of_its_quota_is_listed_with_what_it_sent_and_named(tmp_path, capsys):
    from openpyxl import load_workbook

    lists = tmp_path / "lists"
    shutil.copytree(LISTS, lists)
    path = next(lists.glob("01-*.xlsx"))  # Thành phố: 1 collective, 3 individuals; the third left out
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    last = max(row[0].row for row in ws.iter_rows() if row[0].value == 3)
    for cell in ws[last][1:]:
        cell.value = None
    wb.save(path)
    out = tmp_path / "out"
    assert run("--output", str(out), "tiep-nhan", str(lists)) == 0
    assert run("--output", str(out), "quyet-dinh") == 2
    assert "LĐLĐ Thành phố: thiếu" in capsys.readouterr().err
    assert run("--output", str(out), "quyet-dinh", "--allow-incomplete") == 0
    said = capsys.readouterr().out
    assert "Chưa đủ số lượng, đưa vào những gì đã nhận: LĐLĐ Thành phố (thiếu)." in said
    assert "Chưa đưa vào Quyết định" not in said
    assert article_one(out / "quyet_dinh" / "quyet_dinh.docx") == (14, 32)
    text = " ".join(p.text for p in docx.Document(str(out / "quyet_dinh" / "to_trinh_ban.docx")).paragraphs)
    assert "Các đơn vị đề nghị ít hơn số lượng được phân bổ: LĐLĐ Thành phố." in text
    assert "chưa đưa vào danh sách" not in text


def test_every_refusal_names_the_command_on_the_command_line_and_the_control_on_the_page():
    from generator.exceptions import StepError

    for key in StepError.ACTIONS:
        err = awards.AwardsError("việc này chưa làm được: {" + key + "}.")
        cli_words, page_words = StepError.ACTIONS[key]
        assert str(err) == f"việc này chưa làm được: {cli_words}." and "python build_docs.py " in cli_words
        assert err.on_page() == f"Việc này chưa làm được: {page_words}." and "--" not in page_words
        assert "«" in page_words  # a button, a checkbox or a page, by the name the page shows
