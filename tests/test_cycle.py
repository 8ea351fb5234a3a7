"""Where the cycle stands (generator/cycle.py), as the command line leaves the output folder:
each step done, waiting or to be redone when what it is made from changed after it; and every
file by the name the clerk gives it, with its format, grouped by step."""
from __future__ import annotations

import os
import shutil

from generator import cycle
from generator.cli import main as cli_main

from .conftest import ROOT, SHIPPED_CONFIG

LISTS = ROOT / "tests" / "data" / "danh_sach_don_vi"


def state(config, out) -> dict[str, str]:
    return {s.step: s.state for s in cycle.states(config, out)}


def run(config, out, *command) -> int:
    return cli_main(["--config", str(config), "--output", str(out), *command])


def test_each_step_is_done_waiting_or_to_be_redone_as_what_it_is_made_from_changes(tmp_path):
    config, out = tmp_path / "plan.yaml", tmp_path / "out"
    shutil.copy(SHIPPED_CONFIG, config)
    before = state(config, out)
    assert before["plan"] == cycle.NOT_YET and before["intake"] == cycle.WAITING and before["decision"] == cycle.WAITING
    assert run(config, out, "ke-hoach") == 0 and run(config, out, "ho-so") == 0
    assert state(config, out)["plan"] == state(config, out)["packs"] == cycle.DONE
    assert run(config, out, "tiep-nhan", str(LISTS)) == 0 and run(config, out, "quyet-dinh") == 0
    assert run(config, out, "bang-khen", "--no-pdf") == 0
    done = state(config, out)
    assert done["intake"] == done["decision"] == done["certificates"] == cycle.DONE
    # A count changed: the plan, the packs and intake's verdict are made from the old one.
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("members: 4.098", "members: 4.099", 1), encoding="utf-8")
    changed = state(config, out)
    assert changed["plan"] == changed["packs"] == changed["intake"] == changed["decision"] == cycle.STALE
    config.write_text(text, encoding="utf-8")
    # Intake again after the decision: the decision (and the certificates after it) are older.
    assert run(config, out, "tiep-nhan", str(LISTS)) == 0
    listed = out / "quyet_dinh" / "khen_thuong.json"
    os.utime(listed, ns=(listed.stat().st_mtime_ns - 10**9,) * 2)
    again = state(config, out)
    assert again["plan"] == again["intake"] == cycle.DONE and again["decision"] == cycle.STALE
    assert run(config, out, "quyet-dinh") == 0
    assert state(config, out)["certificates"] == cycle.STALE  # printed from the list before


def test_files_are_named_as_the_clerk_calls_them_with_their_formats_by_step():
    names = ["ke_hoach.docx", "ke_hoach.pdf", "phu_luc.docx", "quotas.json", "quyet_dinh/quyet_dinh.docx",
             "quyet_dinh/quyet_dinh.pdf", "quyet_dinh/.danh-muc.json", "bang_khen/theo_don_vi/04-LĐLĐ huyện Đình Lập.zip",
             "ho_so/01-LĐLĐ Thành phố/danh_sach.xlsx", "ho_so/01-LĐLĐ Thành phố/to_trinh.docx", "tong_hop_de_nghi.xlsx"]
    shelves = {s.step: s for s in cycle.shelves(names)}
    assert list(shelves) == ["plan", "packs", "intake", "decision", "certificates"]  # the cycle's order
    assert [(e.label, [link.text for link in e.links]) for e in shelves["plan"].entries] == [
        ("Kế hoạch", ["Word", "PDF"]), ("Phụ lục", ["Word"])]
    assert shelves["decision"].entries[0] == cycle.Item("Quyết định khen thưởng", (
        cycle.Link("Word", "quyet_dinh/quyet_dinh.docx"), cycle.Link("PDF", "quyet_dinh/quyet_dinh.pdf")))
    unit = shelves["packs"].per_unit[0]
    assert unit.label == "01-LĐLĐ Thành phố" and [link.text for link in unit.links] == [
        "Tờ trình đề nghị khen thưởng (Word)", "Danh sách đề nghị (Excel)"]  # the registry's order
    assert shelves["certificates"].per_unit[0].label == "04-LĐLĐ huyện Đình Lập"
    assert cycle.what("quotas.json") is None and cycle.what("quyet_dinh/.danh-muc.json") is None
