"""The rest of the cycle's paperwork, end to end as the clerk runs it: the chase letter names
exactly the units intake marks (and drops one that resubmits), the invitation invites exactly
the decision's awardees, the prize list adds up to Điều 2's awardees at the config's amounts, the
results letter goes to the units with awardees, and the record book runs on across decisions."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook

from generator import formatting
from generator.cli import main as cli_main
from generator.config import load_plan, parse_plan
from generator.exceptions import ConfigError

from .conftest import ROOT, SHIPPED_CONFIG

LISTS = ROOT / "tests" / "data" / "danh_sach_don_vi"
MISSING = "LĐLĐ huyện Lộc Bình"  # sends nothing
BROKEN = "LĐLĐ huyện Đình Lập"  # sends a list with a blank required cell


def texts(path: Path) -> list[str]:
    d = docx.Document(str(path))
    out = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            out += [c.text for c in row.cells]
    return out


def body(path: Path) -> str:
    return "\n".join(texts(path))


def numbered_rows(path: Path, table: int = 0) -> list[list[str]]:
    t = docx.Document(str(path)).tables[table]
    return [[c.text for c in r.cells] for r in t.rows if r.cells[0].text.strip().isdigit()]


@pytest.fixture(scope="module")
def cycle(tmp_path_factory):
    """A config copy, the units' lists (one missing, one broken), and a run function."""
    root = tmp_path_factory.mktemp("papers")
    config = root / "plan.yaml"
    shutil.copy(SHIPPED_CONFIG, config)
    lists = root / "nop"
    shutil.copytree(LISTS, lists)
    next(lists.glob(f"*{MISSING}*")).unlink()
    broken = next(lists.glob(f"*{BROKEN}*"))
    wb = load_workbook(broken)
    ws = wb.worksheets[0]
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == "Nam" or cell.value == "Nữ":  # a gender the list requires
                cell.value = None
                break
        else:
            continue
        break
    wb.save(broken)
    out = root / "output"

    def run(*args: str) -> int:
        return cli_main(["--config", str(config), "--output", str(out), *args])

    assert run() == 0
    assert run("tiep-nhan", str(lists)) == 1
    return root, config, lists, out, run


def kinh_gui(path: Path) -> list[str]:
    """The units a letter is addressed to: «Kính gửi: X.» or the lines under «Kính gửi:»."""
    paras = [p.text for p in docx.Document(str(path)).paragraphs]
    i = next(i for i, t in enumerate(paras) if t.startswith("Kính gửi"))
    if paras[i].strip() != "Kính gửi:":
        return [paras[i].split(":", 1)[1].strip().rstrip(".")]
    out = []
    for t in paras[i + 1:]:
        if not t.startswith("- "):
            break
        out.append(t[2:].rstrip(";."))
    return out


def test_the_chase_letter_names_exactly_the_units_intake_marks(cycle):
    root, config, lists, out, run = cycle
    assert run("don-doc") == 0
    plan = load_plan(config)
    full = {u.name: u.full_name for u in plan.units}
    import json

    marks = json.loads((out / "tiep_nhan_ket_qua.json").read_text(encoding="utf-8"))
    marked = [r["name"] for r in marks["table"] if r["status"] != "đủ" and not r["provincial"]]
    assert sorted(marked) == sorted([MISSING, BROKEN])
    assert kinh_gui(out / "don_doc/cong_van_don_doc.docx") == [full[n] for n in marked]
    rows = numbered_rows(out / "don_doc/phu_luc_don_doc.docx")
    assert [r[1] for r in rows] == marked
    by_unit = {r[1]: r for r in rows}
    assert by_unit[MISSING][2] == "Chưa nộp" and "Chưa gửi hồ sơ" in by_unit[MISSING][3]
    # The broken list's problem, in intake's words, with its row and column.
    problem = next(p for p in marks["problems"] if p["unit"] == BROKEN)
    assert f"dòng {problem['row']}" in by_unit[BROKEN][3] and problem["message"] in by_unit[BROKEN][3]
    # Nobody intake found complete is named anywhere in the letter or its annex.
    everything = body(out / "don_doc/cong_van_don_doc.docx") + body(out / "don_doc/phu_luc_don_doc.docx")
    for u in plan.units:
        if u.name not in marked:
            assert u.full_name not in everything and f"\n{u.name}\n" not in everything


def test_a_unit_that_resubmits_is_dropped_from_the_next_chase_letter(cycle, tmp_path):
    root, config, lists, out, run = cycle
    again = tmp_path / "nop"
    shutil.copytree(lists, again)
    shutil.copy(next(LISTS.glob(f"*{BROKEN}*")), next(again.glob(f"*{BROKEN}*")))
    out2 = tmp_path / "output"
    shutil.copytree(out, out2)
    assert cli_main(["--config", str(config), "--output", str(out2), "tiep-nhan", str(again)]) == 0
    assert cli_main(["--config", str(config), "--output", str(out2), "don-doc"]) == 0
    plan = load_plan(config)
    assert kinh_gui(out2 / "don_doc/cong_van_don_doc.docx") == [
        next(u.full_name for u in plan.units if u.name == MISSING)]
    shutil.copy(next(LISTS.glob(f"*{MISSING}*")), again)
    assert cli_main(["--config", str(config), "--output", str(out2), "tiep-nhan", str(again)]) == 0
    assert cli_main(["--config", str(config), "--output", str(out2), "don-doc"]) == 0
    assert not (out2 / "don_doc/cong_van_don_doc.docx").exists()  # nothing to chase: no letter left


@pytest.fixture(scope="module")
def decided(cycle):
    root, config, lists, out, run = cycle
    assert run("quyet-dinh", "--allow-incomplete") == 0
    assert run("bang-khen", "--no-pdf") == 0
    assert all(run(step) == 0 for step in ("giay-moi", "tien-thuong", "gui-quyet-dinh"))
    import json

    listed = json.loads((out / "quyet_dinh/khen_thuong.json").read_text(encoding="utf-8"))
    return cycle, listed


def test_the_invitation_invites_exactly_the_decisions_awardees(decided):
    (root, config, lists, out, run), listed = decided
    lines = [t for t in texts(out / "giay_moi/giay_moi.docx") if t.startswith("+ ")]
    named = [re.sub(r"^\+ (Đại diện |Đồng chí )", "", t).split(" (")[0].split(",")[0].rstrip(";.") for t in lines]
    assert named == [a["name"] for a in listed["tap_the"] + listed["ca_nhan"]]
    assert any("sẽ được nhận Bằng khen" in t for t in texts(out / "giay_moi/giay_moi.docx"))


def test_the_prize_list_adds_up_to_the_decisions_awardees_at_the_configs_amounts(decided):
    (root, config, lists, out, run), listed = decided
    amounts = load_plan(config).decision.prize_amounts
    expected = len(listed["tap_the"]) * amounts.collective + len(listed["ca_nhan"]) * amounts.individual
    path = out / "tien_thuong/danh_sach_tien_thuong.docx"
    rows = numbered_rows(path)
    assert len(rows) == len(listed["tap_the"]) + len(listed["ca_nhan"])
    assert sum(int(r[2].replace(".", "")) for r in rows) == expected
    t = docx.Document(str(path)).tables[0]
    total = next(r for r in t.rows if r.cells[0].text.startswith("Tổng cộng"))
    assert total.cells[-2].text == formatting.thousands(expected)
    words = next(p.text for p in docx.Document(str(path)).paragraphs if p.text.startswith("Bằng chữ"))
    assert words == f"Bằng chữ: {formatting.capitalize_first(formatting.in_words(expected))} đồng."
    # Each unit's subtotal is the sum of its rows.
    sub, current = {}, None
    for r in t.rows:
        first = r.cells[0].text
        if first.startswith("Cộng "):
            assert int(r.cells[-2].text.replace(".", "")) == sub.pop(current)
        elif first.strip().isdigit():
            sub[current] = sub.get(current, 0) + int(r.cells[2].text.replace(".", ""))
        elif first and not first.startswith(("STT", "Tổng")):
            current = first


def test_the_results_letter_goes_to_every_unit_with_awardees_and_names_theirs(decided):
    (root, config, lists, out, run), listed = decided
    plan = load_plan(config)
    full = {u.name: u.full_name for u in plan.units}
    units = list(dict.fromkeys(a["unit"] for a in sorted(listed["tap_the"] + listed["ca_nhan"],
                                                          key=lambda a: a["unit_stt"])))
    path = out / "thong_bao/cong_van_gui_quyet_dinh.docx"
    assert kinh_gui(path) == [full[u] for u in units if u in full]
    text = body(path)
    for a in listed["tap_the"] + listed["ca_nhan"]:
        assert a["name"] in text


def test_the_record_book_runs_on_into_the_next_decision_and_refuses_a_start_that_reuses_numbers(decided, tmp_path):
    (root, config, lists, out, run), listed = decided
    n = len(listed["tap_the"]) + len(listed["ca_nhan"])
    out2 = tmp_path / "output"
    shutil.copytree(out, out2)
    second = tmp_path / "plan.yaml"
    text = config.read_text(encoding="utf-8")
    # A later decision of the same year: its own number and date.
    text = text.replace("  code: QĐ-LĐLĐ\n  # Số Quyết định", "  code: QĐ-LĐLĐ\n  # Số Quyết định", 1)
    decision_at = text.index("\ndecision:")
    head, tail = text[:decision_at], text[decision_at:]
    tail = tail.replace("    day: null\n    month: 4\n    year: 2023", "    day: 25\n    month: 4\n    year: 2023", 1)
    second.write_text(head + tail, encoding="utf-8")
    assert cli_main(["--config", str(second), "--output", str(out2), "bang-khen", "--no-pdf"]) == 0
    rows = numbered_rows(out2 / "bang_khen/so_cap_bang.docx")
    assert [int(r[0]) for r in rows] == list(range(1, 2 * n + 1))  # both decisions, numbers never reused
    book = docx.Document(str(out2 / "bang_khen/so_cap_bang.docx"))
    heads = [r.cells[0].text for r in book.tables[0].rows if r.cells[0].text.startswith("Quyết định số")]
    assert len(heads) == 2 and "ngày 25 tháng 4" in heads[1]
    # Printing the second decision again keeps its numbers.
    assert cli_main(["--config", str(second), "--output", str(out2), "bang-khen", "--no-pdf"]) == 0
    assert [int(r[0]) for r in numbered_rows(out2 / "bang_khen/so_cap_bang.docx")] == list(range(1, 2 * n + 1))
    # A start the clerk sets below the first decision's last number is refused, with its line.
    clash = second.read_text(encoding="utf-8").replace("  address: Đồng chí\n", "  address: Đồng chí\n  first_number: 5\n", 1)
    second.write_text(clash, encoding="utf-8")
    line = clash.splitlines().index("  first_number: 5") + 1
    assert cli_main(["--config", str(second), "--output", str(out2), "bang-khen", "--no-pdf"]) == 2
    with pytest.raises(ConfigError) as err:
        from generator.main import build_certificates

        build_certificates(second, out2, pdf=False)
    assert err.value.problems[0].field == "certificates.first_number" and err.value.problems[0].line == line


# -- bad input: refused with its field and line -----------------------------------------------------

def shipped() -> str:
    return SHIPPED_CONFIG.read_text(encoding="utf-8")


@pytest.mark.parametrize("old, new, field", [
    ("    ca_nhan: 500.000\n", "    ca_nhan:\n", "decision.prize_amounts.ca_nhan"),
    ("    ca_nhan: 500.000\n", "", "decision.prize_amounts.ca_nhan"),
    ("  day: 27/4/2023\n", "", "conference.day"),
    ("  day: 27/4/2023\n", "  day: 31/4/2023\n", "conference.day"),
    ("  time: \"8:00\"\n", "  time: sáng\n", "conference.time"),
    ("  new_deadline: 14/4/2023\n", "  new_deadline: 14/3/2023\n", "chase.new_deadline"),
    ("report_outline:\n  form: annex\n", "report_outline:\n  form: phu luc\n", "report_outline.form"),
])
def test_a_paper_with_a_missing_or_impossible_value_is_refused_with_its_field_and_line(old, new, field):
    text = shipped()
    assert old in text
    broken = text.replace(old, new, 1)
    with pytest.raises(ConfigError) as err:
        parse_plan(broken)
    found = [p for p in err.value.problems if p.field == field]
    assert found and found[0].line is not None, err.value


def test_a_prize_list_without_amounts_names_the_section_it_needs(tmp_path, capsys):
    config = tmp_path / "plan.yaml"
    text = shipped()
    start = text.index("  prize_amounts:")
    end = text.index("\n\n", start)
    config.write_text(text[:start] + text[end + 1:], encoding="utf-8")
    assert cli_main(["--config", str(config), "--output", str(tmp_path / "out"), "tien-thuong"]) == 2
    assert "decision.prize_amounts" in capsys.readouterr().err


def test_the_chase_letter_before_any_intake_says_what_to_do_first(tmp_path, capsys):
    assert cli_main(["--config", str(SHIPPED_CONFIG), "--output", str(tmp_path), "don-doc"]) == 2
    err = capsys.readouterr().err
    assert "tiep-nhan" in err and "Traceback" not in err


# -- amounts in words, as «Bằng chữ» writes them --------------------------------------------------------

IN_WORDS = [
    (0, "không"), (1, "một"), (4, "bốn"), (5, "năm"), (10, "mười"), (11, "mười một"), (14, "mười bốn"),
    (15, "mười lăm"), (20, "hai mươi"), (21, "hai mươi mốt"), (24, "hai mươi bốn"), (25, "hai mươi lăm"),
    (31, "ba mươi mốt"), (55, "năm mươi lăm"), (100, "một trăm"), (101, "một trăm linh một"),
    (105, "một trăm linh năm"), (110, "một trăm mười"), (111, "một trăm mười một"), (115, "một trăm mười lăm"),
    (121, "một trăm hai mươi mốt"), (205, "hai trăm linh năm"), (999, "chín trăm chín mươi chín"),
    (1000, "một nghìn"), (1001, "một nghìn không trăm linh một"), (1005, "một nghìn không trăm linh năm"),
    (1010, "một nghìn không trăm mười"), (1015, "một nghìn không trăm mười lăm"),
    (1021, "một nghìn không trăm hai mươi mốt"), (1100, "một nghìn một trăm"), (10000, "mười nghìn"),
    (15000, "mười lăm nghìn"), (21000, "hai mươi mốt nghìn"), (100000, "một trăm nghìn"),
    (105000, "một trăm linh năm nghìn"), (500000, "năm trăm nghìn"), (1000000, "một triệu"),
    (1000500, "một triệu năm trăm"), (1005000, "một triệu không trăm linh năm nghìn"),
    (1050000, "một triệu không trăm năm mươi nghìn"), (1250000, "một triệu hai trăm năm mươi nghìn"),
    (2000005, "hai triệu không trăm linh năm"), (10005000, "mười triệu không trăm linh năm nghìn"),
    (28000000, "hai mươi tám triệu"), (115500000, "một trăm mười lăm triệu năm trăm nghìn"),
    (1000000000, "một tỷ"), (1000000005, "một tỷ không trăm linh năm"), (2500000000, "hai tỷ năm trăm triệu"),
    (1000000000000, "một nghìn tỷ"),
]


@pytest.mark.parametrize("amount, words", IN_WORDS, ids=[str(a) for a, _ in IN_WORDS])
def test_an_amount_in_words_says_mot_lam_linh_and_the_hundreds_of_a_later_group(amount, words):
    assert formatting.in_words(amount) == words


def test_the_office_may_write_ngan_for_a_thousand():
    assert formatting.in_words(1005000, "ngàn") == "một triệu không trăm linh năm ngàn"


# -- as the office receives them: 0 lỗi, 0 lưu ý with rendering, valid for Word ------------------------

def test_every_later_paper_passes_our_own_checker_with_rendering_and_the_schema(decided, tmp_path):
    from generator.checker.report import check_file
    from generator.findings import LOI, LUU_Y

    from .rendering import require_libreoffice
    from .test_schema_valid import assert_valid

    require_libreoffice()
    (root, config, lists, out, run), listed = decided
    assert run("don-doc") == 0
    one_each = tmp_path / "plan.yaml"
    one_each.write_text(config.read_text(encoding="utf-8").replace("  per_recipient: false", "  per_recipient: true"),
                        encoding="utf-8")
    out2 = tmp_path / "output"
    shutil.copytree(out, out2)
    assert cli_main(["--config", str(one_each), "--output", str(out2), "giay-moi"]) == 0
    each = sorted((out2 / "giay_moi").glob("*.docx"))
    n_units = len(load_plan(config).units)
    assert len(each) == 1 + n_units + len(listed["tap_the"]) + len(listed["ca_nhan"])  # guest, leaders, awardees
    assert not (out2 / "giay_moi/giay_moi.docx").exists()  # the list form of the earlier set is gone
    docs = [out / "de_cuong_bao_cao.docx", out / "don_doc/cong_van_don_doc.docx", out / "don_doc/phu_luc_don_doc.docx",
            out / "giay_moi/giay_moi.docx", out / "tien_thuong/danh_sach_tien_thuong.docx",
            out / "thong_bao/cong_van_gui_quyet_dinh.docx", out / "bang_khen/so_cap_bang.docx",
            each[0], each[1], each[-1]]
    found = {d.name: [f"{f.severity}: {f.rule}: {f.message}" for f in check_file(d, True).findings
                      if f.severity in (LOI, LUU_Y)] for d in docs}
    assert {name: said for name, said in found.items() if said} == {}
    assert_valid(docs)
    awardee = texts(each[-1])
    assert any("sẽ được nhận Bằng khen" in t for t in awardee)


@pytest.mark.parametrize("day, overdue", [(5, False), (7, False), (8, True)])
def test_the_chase_letter_says_the_deadline_is_near_or_past_by_its_own_date(day, overdue):
    """reports_due is 07/4/2023: a letter of the 5th or the 7th says «sắp hết», of the 8th «đã quá»."""
    from generator import context_cycle, intake, quotas

    text = shipped()
    at = text.index("\nchase:")
    text = text[:at] + text[at:].replace("    day: null", f"    day: {day}", 1)
    plan = parse_plan(text)
    ctx = context_cycle.chase(plan, quotas.allocate(plan), intake.sample_marks(plan))
    assert ctx["chase"]["overdue"] is overdue
    from generator.main import render_jobs, plan_documents

    _, jobs = plan_documents(plan, "chase", data=intake.sample_marks(plan))
    import io

    letter = render_jobs(plan, jobs, ROOT / "templates")["don_doc/cong_van_don_doc.docx"]
    words = "\n".join(p.text for p in docx.Document(io.BytesIO(letter)).paragraphs)
    assert ("Đến nay đã quá thời hạn trên" in words) is overdue
    assert ("Đến nay sắp hết thời hạn trên" in words) is not overdue


def test_a_quota_lowered_after_intake_puts_the_unit_in_the_chase_letter_as_over(cycle, tmp_path):
    """A member count changed after the lists came in: the chase letter judges the units as the
    config is now, and the unit now over its quota is asked to send its list again."""
    root, config, lists, out, run = cycle
    changed = tmp_path / "plan.yaml"
    changed.write_text(config.read_text(encoding="utf-8").replace("    members: 4.468", "    members: 1.500", 1),
                       encoding="utf-8")
    out2 = tmp_path / "output"
    shutil.copytree(out, out2)
    assert cli_main(["--config", str(changed), "--output", str(out2), "don-doc"]) == 0
    plan = load_plan(changed)
    city = next(u for u in plan.units if u.name == "LĐLĐ Thành phố")
    assert city.full_name in kinh_gui(out2 / "don_doc/cong_van_don_doc.docx")
    row = next(r for r in numbered_rows(out2 / "don_doc/phu_luc_don_doc.docx") if r[1] == city.name)
    assert row[2] == "Vượt" and "nay được phân bổ 01 tập thể, 01 cá nhân" in row[3]
    # The units with problems in the list they sent keep them.
    assert BROKEN in [r[1] for r in numbered_rows(out2 / "don_doc/phu_luc_don_doc.docx")]
