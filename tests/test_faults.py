"""Killed runs of the award cycle: `--intake`, `--decision` and `--certificates` killed at every
rename of the set they write and at random moments (20 runs each). After any one later command
each set is wholly the old one or wholly the new one, and no temporary file, old copy or
journal remains anywhere in the output."""
from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from .conftest import ROOT, SHIPPED_CONFIG

LISTS = ROOT / "tests" / "data" / "danh_sach_don_vi"
RUNS = 20
SETS = {
    "intake": ["tiep_nhan.json", "tong_hop_de_nghi.xlsx", "loi_tiep_nhan.xlsx"],
    "decision": ["quyet_dinh/to_trinh_ban.docx", "quyet_dinh/quyet_dinh.docx",
                 "quyet_dinh/danh_sach_khen_thuong.docx", "quyet_dinh/khen_thuong.json"],
    "certificates": ["bang_khen/bang_khen.docx", "bang_khen/so_cap_bang.docx"],
}
# The later command: the next step of the cycle, which reads the set that was cut short (the
# decision reads intake's, the certificates the decision's list), and must settle it first.
LATER = {"intake": ["quyet-dinh"], "decision": ["bang-khen", "--no-pdf"], "certificates": []}
_KILLED_AT = """
import os, sys
sys.path.insert(0, {root!r})
nth, out, calls, real = int(sys.argv[1]), os.path.realpath(sys.argv[2]), [0], os.replace
def replace(src, dst, **kwargs):
    if os.path.realpath(dst).startswith(out + os.sep):  # a rename of the output, not the template cache's
        calls[0] += 1
    if calls[0] == nth:
        os._exit(9)  # killed just before this rename: no finally, no except
    return real(src, dst, **kwargs)
os.replace = replace
from generator.cli import main
sys.exit(main(sys.argv[3:]))
"""


def tool(out: Path, *args: str) -> list[str]:
    return ["--config", str(SHIPPED_CONFIG), "--output", str(out), *args]


def run(out: Path, *args: str) -> None:
    done = subprocess.run([sys.executable, str(ROOT / "build_docs.py"), *tool(out, *args)], capture_output=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr.decode("utf-8")


def snapshot(out: Path, names: list[str]) -> dict[str, bytes | None]:
    return {n: (out / n).read_bytes() if (out / n).exists() else None for n in names}


def leftovers(out: Path) -> list[str]:
    """What a write under way leaves: temporary files, second names of old files, journals."""
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.name.startswith(".")
                  and (p.name.endswith((".tmp", ".old")) or p.name.startswith(".dang-ghi")))


@pytest.fixture(scope="module")
def stages(tmp_path_factory):
    """For each command: the output folder just before it runs with new input, the set as it
    is there (old), and the set that run writes (new). The new input is one unit's list with a
    name changed, so every set differs."""
    base = tmp_path_factory.mktemp("faults")
    lists_a, lists_b = base / "nop_a", base / "nop_b"
    shutil.copytree(LISTS, lists_a)
    shutil.copytree(LISTS, lists_b)
    changed = lists_b / "02-LĐLĐ huyện Cao Lộc.xlsx"
    wb = load_workbook(changed)
    cell = next(row[1] for row in wb.worksheets[0].iter_rows() if row[0].value == 1 and row[2].value in ("Nam", "Nữ"))
    cell.value += " Mới"  # the first person's name
    wb.save(changed)
    out = base / "a"
    for args in (["ho-so"], ["tiep-nhan", str(lists_a)], ["quyet-dinh"], ["bang-khen", "--no-pdf"]):
        run(out, *args)
    steps = {"intake": ["tiep-nhan", str(lists_b)], "decision": ["quyet-dinh"],
             "certificates": ["bang-khen", "--no-pdf"]}
    found = {}
    for name, args in steps.items():
        before = base / f"before-{name}"
        shutil.copytree(out, before)
        started = time.monotonic()
        run(out, *args)
        found[name] = (before, args, snapshot(before, SETS[name]), snapshot(out, SETS[name]),
                       time.monotonic() - started)
    for name, (_, _, old, new, _) in found.items():
        assert old != new, f"{name}: the new input must change the set"
    return found


@pytest.mark.parametrize("name", list(SETS))
def test_a_killed_run_leaves_each_set_wholly_old_or_wholly_new(stages, tmp_path, name):
    before, args, old, new, seconds = stages[name]
    renames = len(SETS[name])
    rng = random.Random(f"{name}-kills")  # the same moments on every run of the suite
    seen = {"old": 0, "new": 0}
    for attempt in range(RUNS):
        out = tmp_path / f"run{attempt}"
        shutil.copytree(before, out)
        if attempt < renames + 1:  # before each rename of the set, and with all done but the journal
            code = _KILLED_AT.format(root=str(ROOT))
            nth = attempt + 1 if attempt < renames else renames + 1
            killed = subprocess.run([sys.executable, "-c", code, str(nth), str(out), *tool(out, *args)],
                                    capture_output=True,
                                    timeout=300)
            assert killed.returncode in (9, 0), killed.stderr.decode("utf-8")
        else:  # anywhere: while it imports, reads, renders or writes
            proc = subprocess.Popen([sys.executable, str(ROOT / "build_docs.py"), *tool(out, *args)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0, seconds * 1.2))
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=60)
        run(out, *LATER[name])
        now = snapshot(out, SETS[name])
        assert now in (old, new), f"{name}, run {attempt}: a mixed set " + ", ".join(
            f"{n}: {'old' if now[n] == old[n] else 'new' if now[n] == new[n] else 'other'}" for n in now)
        seen["old" if now == old else "new"] += 1
        assert leftovers(out) == [], f"{name}, run {attempt}"
        shutil.rmtree(out)
    assert seen["old"] >= renames  # a kill before a rename really came mid-way
