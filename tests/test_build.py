"""The run: same config, same bytes; the change report; the committed templates; the CLI."""
import re
import time
import zipfile

from generator.cli import main as cli_main
from generator.main import build

from .conftest import SHIPPED_CONFIG


def test_two_builds_more_than_two_seconds_apart_are_byte_identical(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    build(SHIPPED_CONFIG, first)
    time.sleep(2.1)  # zip timestamps have a 2-second resolution
    build(SHIPPED_CONFIG, second)
    for name in ("ke_hoach.docx", "phu_luc.docx", "quotas.json"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_document_dates_come_from_the_config(built):
    _, out = built
    core = zipfile.ZipFile(out / "ke_hoach.docx").read("docProps/core.xml").decode()
    assert "2023-02-01T00:00:00Z" in core


def _set_members(config, unit_name, members):
    text = config.read_text(encoding="utf-8")
    text, n = re.subn(rf"(- name: {unit_name}\n    members: )\S+", rf"\g<1>{members}", text)
    assert n == 1
    config.write_text(text, encoding="utf-8")


def test_change_report_after_a_count_crosses_a_tier_bound(config_copy, tmp_path, capsys):
    out = tmp_path / "out"
    assert cli_main(["--config", str(config_copy), "--output", str(out)]) == 0
    first = capsys.readouterr().out
    assert "So với lần tạo trước" not in first
    _set_members(config_copy, "LĐLĐ huyện Đình Lập", "2.001")  # 1.509 -> 2.001: tier 1 -> tier 2
    assert cli_main(["--config", str(config_copy), "--output", str(out)]) == 0
    report = capsys.readouterr().out
    assert "LĐLĐ huyện Đình Lập: cá nhân 1 → 2" in report
    assert "cá nhân 32 → 33" in report and "tổng chung 47 → 48" in report
    assert report.count(" → ") == 5  # the one unit, then collectives, individuals, sum, grand total


def test_unchanged_rebuild_says_nothing_changed(config_copy, tmp_path, capsys):
    out = tmp_path / "out"
    cli_main(["--config", str(config_copy), "--output", str(out)])
    capsys.readouterr()
    cli_main(["--config", str(config_copy), "--output", str(out)])
    assert "không đơn vị nào thay đổi" in capsys.readouterr().out


def test_cli_prints_the_quota_table_with_totals_and_the_paths(config_copy, tmp_path, capsys):
    out = tmp_path / "out"
    assert cli_main(["--config", str(config_copy), "--output", str(out)]) == 0
    printed = capsys.readouterr().out
    assert re.search(r"1\s+LĐLĐ Thành phố\s+4\.468\s+1\s+3", printed)
    assert re.search(r"Tổng cộng\s+14\s+32\s+= 46", printed) and "= 47" in printed
    assert str(out / "ke_hoach.docx") in printed and str(out / "phu_luc.docx") in printed


def test_shipped_config_warns_that_reports_are_due_before_the_review_ends(capsys, tmp_path):
    cli_main(["--config", str(SHIPPED_CONFIG), "--output", str(tmp_path)])
    err_and_out = capsys.readouterr().out
    assert "Cảnh báo" in err_and_out and "07/4/2023" in err_and_out and "10/4/2023" in err_and_out
