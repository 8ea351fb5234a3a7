"""The cycle when the facts change under it: a member count lowered after the lists came in, two
people of one name in two units. Every document and every page judges intake against the
config as it is now, and a unit over its quota never enters a decision."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook

from generator.cli import main as cli_main

from .conftest import ROOT, SHIPPED_CONFIG

LISTS = ROOT / "tests" / "data" / "danh_sach_don_vi"
CITY = "LĐLĐ Thành phố"


def cli(config: Path, out: Path, *args: str) -> int:
    return cli_main(["--config", str(config), "--output", str(out), *args])


def article_one(out: Path) -> tuple[int, int]:
    text = next(p.text for p in docx.Document(str(out / "quyet_dinh" / "quyet_dinh.docx")).paragraphs
                if p.text.startswith("Điều 1."))
    m = re.search(r"cho (\d+) tập thể và (\d+) cá nhân", text)
    return int(m.group(1)), int(m.group(2))


def listed(out: Path) -> dict[str, list[str]]:
    data = json.loads((out / "quyet_dinh" / "khen_thuong.json").read_text(encoding="utf-8"))
    return {kind: [row["unit"] for row in data[kind]] for kind in ("tap_the", "ca_nhan")}


@pytest.fixture
def lowered(tmp_path):
    """Intake done with every unit «đủ»; then Thành phố's members lowered 4.468 → 1.950 (3 → 1)."""
    config = tmp_path / "plan.yaml"
    shutil.copy(SHIPPED_CONFIG, config)
    out = tmp_path / "out"
    assert cli(config, out, "tiep-nhan", str(LISTS)) == 0
    text = config.read_text(encoding="utf-8")
    assert text.count("members: 4.468") == 1
    config.write_text(text.replace("members: 4.468", "members: 1.950"), encoding="utf-8")
    return config, out


def test_a_count_lowered_after_intake_makes_the_unit_over_its_quota_not_short(lowered, capsys):
    config, out = lowered
    assert cli(config, out, "quyet-dinh") == 2
    said = capsys.readouterr()
    assert "Cảnh báo: tệp cấu hình đã đổi sau lần tiếp nhận" in said.out
    assert (f"{CITY}: số lượng phân bổ đổi từ 01 tập thể, 03 cá nhân thành 01 tập thể, 01 cá nhân") in said.out
    assert (f"  - {CITY}: vượt (đã nhận 01 tập thể, 03 cá nhân; được phân bổ 01 tập thể, 01 cá nhân; lúc tiếp nhận là "
            "01 tập thể, 03 cá nhân: số đoàn viên đã đổi sau đó)") in said.err
    assert "không bao giờ được đưa vào Quyết định" in said.err
    assert not (out / "quyet_dinh").exists()


def test_with_allow_incomplete_the_over_quota_unit_is_left_out_and_every_count_agrees(lowered, capsys):
    config, out = lowered
    assert cli(config, out, "quyet-dinh", "--allow-incomplete") == 0
    assert f"Chưa đưa vào Quyết định: {CITY} (vượt)." in capsys.readouterr().out
    units = listed(out)
    assert CITY not in units["tap_the"] + units["ca_nhan"]
    assert article_one(out) == (len(units["tap_the"]), len(units["ca_nhan"]))
    # Every unit in the decision is within the quota of the config as it is now.
    assert cli(config, out) == 0  # the plan of the same config: its quotas.json
    quotas = {u["name"]: (u["collectives"], u["individuals"]) for u in
              json.loads((out / "quotas.json").read_text(encoding="utf-8"))["units"]}
    for name, (c, i) in quotas.items():
        assert units["tap_the"].count(name) <= c and units["ca_nhan"].count(name) <= i, name
    totals = json.loads((out / "quotas.json").read_text(encoding="utf-8"))["totals"]
    assert article_one(out)[1] <= totals["individuals"] + totals["grand_total"] - totals["awards"]
    # The certificates print the same people.
    assert cli(config, out, "bang-khen", "--no-pdf") == 0
    pages = docx.Document(str(out / "bang_khen" / "bang_khen.docx")).tables
    assert len(pages) == sum(article_one(out))


def test_the_page_marks_intake_stale_and_shows_the_unit_over(lowered):
    from generator.web.app import create_app

    config, out = lowered
    app = create_app(config, out)
    c = app.test_client()
    try:
        html = c.get("/tiep-nhan").get_data(as_text=True)
        assert 'id="intake-notices"' in html
        token = html.split('name="csrf-token" content="')[1].split('"')[0]
        view = c.post("/api/intake/packs", headers={"X-CSRF-Token": token}, json={}).get_json()
        assert any("tệp cấu hình đã đổi sau lần tiếp nhận" in line for line in view["stale"])
        assert any(line.startswith(f"{CITY}: số lượng phân bổ đổi từ") for line in view["stale"])
        row = next(r for r in view["table"] if r["name"] == CITY)
        assert (row["status"], row["individuals"], row["individuals_quota"]) == ("vượt", 3, 1)
        refused = c.post("/api/decision/build", headers={"X-CSRF-Token": token}, json={"allow_incomplete": False})
        assert refused.status_code == 400 and f"{CITY}: vượt" in refused.get_json()["message"]
        assert refused.get_json()["stale"]
    finally:
        app.extensions["plan_docs"]["close"]()


def test_intake_run_again_under_the_new_count_is_no_longer_stale(lowered):
    from generator import intake
    from generator.config import load_plan

    config, out = lowered
    assert intake.stale(load_plan(config), out)
    assert cli(config, out, "tiep-nhan", str(LISTS)) == 1  # Thành phố's list: now over its quota
    assert intake.stale(load_plan(config), out) == []


def test_certificates_of_a_decision_made_before_a_count_was_lowered_are_refused(tmp_path, capsys):
    config = tmp_path / "plan.yaml"
    shutil.copy(SHIPPED_CONFIG, config)
    out = tmp_path / "out"
    assert cli(config, out, "tiep-nhan", str(LISTS)) == 0 and cli(config, out, "quyet-dinh") == 0
    config.write_text(config.read_text(encoding="utf-8").replace("members: 4.468", "members: 1.950"), encoding="utf-8")
    assert cli(config, out, "bang-khen", "--no-pdf") == 2
    err = capsys.readouterr().err
    assert "số lượng phân bổ đã đổi sau khi lập Quyết định" in err
    assert f"{CITY}: Quyết định có 01 tập thể, 03 cá nhân; nay được phân bổ 01 tập thể, 01 cá nhân" in err
    assert not (out / "bang_khen").exists()


def test_two_people_of_one_name_in_two_units_both_reach_the_decision(tmp_path, capsys):
    config = tmp_path / "plan.yaml"
    shutil.copy(SHIPPED_CONFIG, config)
    nop = tmp_path / "nop"
    shutil.copytree(LISTS, nop)
    for name, year in (("02-LĐLĐ huyện Cao Lộc.xlsx", 1994), ("04-LĐLĐ huyện Đình Lập.xlsx", 1982)):
        wb = load_workbook(nop / name)
        row = next(r for r in wb.worksheets[0].iter_rows() if r[0].value == 1 and r[2].value in ("Nam", "Nữ"))
        row[1].value, row[2].value, row[3].value = "Hoàng Thị Thị Ngọc", "Nữ", year
        wb.save(nop / name)
    out = tmp_path / "out"
    assert cli(config, out, "tiep-nhan", str(nop)) == 0
    assert capsys.readouterr().out.count("Thông tin: ") == 2
    assert cli(config, out, "quyet-dinh") == 0
    data = json.loads((out / "quyet_dinh" / "khen_thuong.json").read_text(encoding="utf-8"))
    both = [row["unit"] for row in data["ca_nhan"] if row["name"] == "Hoàng Thị Thị Ngọc"]
    assert both == ["LĐLĐ huyện Cao Lộc", "LĐLĐ huyện Đình Lập"]


def test_the_provincial_rows_quota_is_the_configs(tmp_path):
    from generator import intake
    from generator.config import load_plan

    config = tmp_path / "plan.yaml"
    text = SHIPPED_CONFIG.read_text(encoding="utf-8")
    m = re.search(r"(provincial_row:\n(?:  .*\n)*?  awards: )(\d+)", text)
    assert m and m.group(2) == "1"
    config.write_text(text[:m.start(2)] + "2" + text[m.end(2):], encoding="utf-8")
    plan = load_plan(config)
    row = next(r for r in intake.current(plan, tmp_path / "out") if r.provincial)
    assert row.collectives_quota == 2 and intake.either(row.collectives_quota) == "02 tập thể hoặc 02 cá nhân"
