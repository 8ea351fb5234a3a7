"""The front door: every command the README shows a clerk runs exactly as written, in a fresh
copy of the repository, from its root and from a folder elsewhere whose name has Vietnamese
letters and spaces, with the output piped on a Windows code page (cp1252).

A command is what the README prints in a code block or between backquotes that starts with a
launcher: `.\\Tao-van-ban.bat …` (Windows), `.venv/bin/python build_docs.py …`, or
`python build_docs.py …`. No Windows runs here, so the launcher is replaced by this test's
Python running the copy's build_docs.py: what the .bat adds (the venv, `pause`) is read in
test_windows.py."""
from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import parse
from generator.steps import STEPS

from .conftest import ROOT, SHIPPED_CONFIG
from .rendering import require_libreoffice

README = ROOT / "README.md"
LISTS = ROOT / "tests" / "data" / "danh_sach_don_vi"
LAUNCHERS = {  # as printed -> the options it adds before the clerk's own
    ".\\Tao-van-ban.bat": [],
    ".\\Chay-trang-nhap-lieu.bat": ["trang"],
    ".venv/bin/python build_docs.py": [],
    "python build_docs.py": [],
}


def readme_commands() -> list[list[str]]:
    """Each command of the README in its order, as the options it passes to build_docs.py."""
    text = README.read_text(encoding="utf-8")
    found = []
    for m in re.finditer(r"```[^\n]*\n(?P<block>.*?)```|`(?P<span>[^`\n]+)`", text, re.S):
        lines = (m.group("block") or "").splitlines() if m.group("block") is not None else [m.group("span")]
        for line in lines:
            for part in line.split("&&"):  # a set-up line: only its build_docs.py part is the tool's
                part = re.sub(r"\s+#.*$", "", part.strip())
                for launcher, added in LAUNCHERS.items():
                    if part == launcher or part.startswith(launcher + " "):
                        found.append(added + shlex.split(part[len(launcher):]))
    return found


def test_the_readme_shows_the_whole_cycle_with_the_launcher():
    commands = readme_commands()
    shown = {tuple(c[:1]) for c in commands}
    for word in ("ke-hoach-moi", "kiem-tra-mau", "ho-so", "tiep-nhan", "quyet-dinh", "bang-khen", "don-doc",
                 "giay-moi", "tien-thuong", "gui-quyet-dinh", "kiem-tra", "trang", "xem-mau", "--pdf"):
        assert any(word in c for c in commands), word
    # The commands, not the mode options they replace: those are named once, as the old way.
    old = [step.old_flag for step in STEPS if step.old_flag]
    assert not [c for c in commands if set(c) & set(old)]
    assert () in shown  # the plain build
    text = README.read_text(encoding="utf-8")
    # Every clerk step names the launcher, never a bare `python build_docs.py` that would run
    # outside the venv; the only bare mention says that it is handed over to the venv.
    bare = [m.start() for m in re.finditer(r"`python build_docs\.py", text)]
    assert len(bare) == 1 and "tự chuyển sang Python của `.venv`" in text[bare[0]:bare[0] + 200]


def _git_files(*which: str) -> list[str]:
    out = subprocess.run(["git", "ls-files", "-z", *which], cwd=ROOT, capture_output=True, check=True).stdout
    return list(filter(None, out.decode("utf-8").split("\0")))


def fresh_copy(target: Path) -> Path:
    """The repository as a clerk gets it: the files git would hand over, nothing built. A new
    file not yet committed comes too, unless it lies in a top folder git has never held: that
    is a clerk's own plan (the README's `ke-hoach-moi ke_hoach_2026` makes one in the root)."""
    try:
        tracked = _git_files("--cached")
        held = {name.split("/")[0] for name in tracked}
        names = tracked + [n for n in _git_files("--others", "--exclude-standard") if "/" not in n or n.split("/")[0] in held]
    except (OSError, subprocess.CalledProcessError):
        names = [p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*") if p.is_file()
                 and not {".git", ".venv", "output", "__pycache__"} & set(p.relative_to(ROOT).parts)]
    for name in filter(None, names):
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    # The config as shipped, not as this machine's clerk has edited it.
    shutil.copy2(SHIPPED_CONFIG, target / "config" / "plan.yaml")
    return target


def run_as_clerk(repo: Path, cwd: Path, options: list[str]) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "cp1252"}
    return subprocess.run([sys.executable, str(repo / "build_docs.py"), *options], cwd=cwd, env=env,
                          capture_output=True, timeout=600, stdin=subprocess.DEVNULL)


def written(stdout: str) -> list[str]:
    """The paths a command says it wrote («Đã ghi:» and the indented lines after it)."""
    lines = stdout.splitlines()
    if "Đã ghi:" not in lines:
        return []
    after = lines[lines.index("Đã ghi:") + 1:]
    return [line.strip() for line in after if line.startswith("  ")]


def run_every_command(repo: Path, cwd: Path, to_repo: str) -> list[str]:
    """Run the README's commands in `cwd`; `to_repo` is how a clerk standing there names the
    repository's own folders (output/, templates/)."""
    (cwd / "nop").mkdir(exist_ok=True)  # «chép các tệp đơn vị gửi về vào một thư mục, ví dụ nop/»
    for f in LISTS.iterdir():
        shutil.copy2(f, cwd / "nop" / f.name)
    ran = []
    for options in readme_commands():
        if "trang" in options:  # it runs until the window closes: its options must exist
            parse(options)  # (the page itself is driven in test_web*.py)
            continue
        options = [to_repo + o if re.match(r"(output|templates|config)/", o) else o for o in options]
        proc = run_as_clerk(repo, cwd, options)
        out, err = proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")  # strict: UTF-8 on any code page
        where = f"{' '.join(options)} (in {cwd}): {err[-800:]}"
        assert proc.returncode == 0, where
        assert "Traceback" not in err and "\\u" not in out + err, where
        if "--format" in options and "json" in options:
            json.loads(out)
        for path in written(out):
            assert (cwd / path).is_file(), f"{where}: {path} is said written but is not there"
        ran.append(" ".join(options))
    return ran


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    require_libreoffice()  # the README's --pdf, kiem-tra and bang-khen use it
    return fresh_copy(tmp_path_factory.mktemp("clerk") / "ke-hoach")


def test_every_readme_command_runs_as_written_from_the_repository(repo):
    ran = run_every_command(repo, repo, "")
    assert any(r.startswith("ke-hoach-moi ke_hoach_2026") for r in ran)
    assert (repo / "ke_hoach_2026" / "plan.yaml").is_file()
    assert (repo / "ke_hoach_2026" / "output" / "ke_hoach.docx").is_file()
    assert (repo / "output" / "quyet_dinh" / "quyet_dinh.docx").is_file()
    assert (repo / "output" / "bang_khen" / "bang_khen.pdf").is_file()
    # --dump-template --save rewrote the dump of an unchanged template: the committed one.
    assert (repo / "templates" / "ke_hoach.docx.txt").read_bytes() == (ROOT / "templates" / "ke_hoach.docx.txt").read_bytes()


def test_every_readme_command_runs_from_a_folder_with_vietnamese_letters_and_spaces(repo):
    elsewhere = repo.parent / "Văn thư" / "Hồ sơ khen thưởng 2026"
    elsewhere.mkdir(parents=True)
    run_every_command(repo, elsewhere, os.path.relpath(repo, elsewhere).replace(os.sep, "/") + "/")
    assert (elsewhere / "ke_hoach_2026" / "output" / "phu_luc.docx").is_file()
    assert (elsewhere / "ke_hoach_2026" / "templates" / "ke_hoach.docx").is_file()
