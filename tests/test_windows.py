"""What a clerk's Windows PC does to the tool, stood in for on Linux: code pages, file locks
without flock, sharing errors that clear, the spawn start method, spreadsheets from older
Excel and LibreOffice, no LibreOffice at all, and the launchers a clerk double-clicks (read,
since no Windows runs here)."""
from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
import tomllib
import types
import zipfile
from pathlib import Path

import pytest

from generator import intake, main, output, pdf, pool, progress
from generator.cli import main as cli_main
from generator.config import load_plan
from generator.exceptions import OutputError

from .conftest import ROOT, SHIPPED_CONFIG
from .rendering import require_libreoffice
from .test_front_door import fresh_copy

LISTS = ROOT / "tests" / "data" / "danh_sach_don_vi"
BUILD = [sys.executable, str(ROOT / "build_docs.py")]


def clerk(*args, cwd=ROOT, **env) -> subprocess.CompletedProcess:
    return subprocess.run([*BUILD, *args], cwd=cwd, capture_output=True, timeout=300,
                          env={**os.environ, "PYTHONIOENCODING": "cp1252", **env})


# -- paths as typed -------------------------------------------------------------------------------

def test_a_set_is_written_to_a_folder_named_relative_to_where_the_clerk_stands(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    written = output.write_all(Path("Đơn vị") / "output", {"a.docx": b"A", "b.docx": b"B"})
    assert written == [Path("Đơn vị/output/a.docx"), Path("Đơn vị/output/b.docx")]
    assert sorted(p.name for p in (tmp_path / "Đơn vị" / "output").iterdir()) == ["a.docx", "b.docx"]


def test_a_failed_new_plan_leaves_nothing_behind_and_the_same_command_runs_again(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    real = main.write_all

    def fails_midway(folder, files):
        (folder / "templates").mkdir(parents=True)
        raise OutputError("đĩa đầy")

    monkeypatch.setattr(main, "write_all", fails_midway)
    with pytest.raises(OutputError):
        main.new_plan(SHIPPED_CONFIG, Path("ke_hoach_2026"))
    assert not (tmp_path / "ke_hoach_2026").exists()
    monkeypatch.setattr(main, "write_all", real)
    lines = main.new_plan(SHIPPED_CONFIG, Path("ke_hoach_2026"))
    assert (tmp_path / "ke_hoach_2026" / "plan.yaml").is_file()
    assert "  python build_docs.py kiem-tra-mau --config ke_hoach_2026/plan.yaml" in lines


def test_new_plan_onto_a_file_is_refused_in_words(tmp_path):
    (tmp_path / "ke_hoach_2026").write_text("x")
    proc = clerk("--config", str(SHIPPED_CONFIG), "ke-hoach-moi", "ke_hoach_2026", cwd=tmp_path)
    err = proc.stderr.decode("utf-8")
    assert proc.returncode == 2 and "là một tệp, không phải thư mục" in err and "Traceback" not in err


def test_a_pattern_the_shell_did_not_expand_is_expanded_and_one_that_matches_nothing_is_named(tmp_path, built):
    _, out = built
    proc = clerk("kiem-tra", str(out / "*.docx"), "--no-render", "--format", "json")
    assert proc.returncode == 0
    assert "ke_hoach.docx" in proc.stdout.decode("utf-8") and "phu_luc.docx" in proc.stdout.decode("utf-8")
    proc = clerk("kiem-tra", str(tmp_path / "*.docx"), "--no-render")
    assert proc.returncode == 2 and "không có tệp nào khớp" in proc.stderr.decode("utf-8")


# -- text on any code page ------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["cp1252", "cp437", "cp1258"])
def test_errors_and_the_table_come_out_as_utf8_on_a_windows_code_page(tmp_path, encoding):
    proc = clerk("--config", str(tmp_path / "không có.yaml"), PYTHONIOENCODING=encoding)
    err = proc.stderr.decode("utf-8")
    assert proc.returncode == 2 and err.startswith("LỖI:") and "\\u" not in err
    proc = clerk("--config", str(SHIPPED_CONFIG), "--output", str(tmp_path / "out"), PYTHONIOENCODING=encoding)
    assert proc.returncode == 0 and "Tổng số khen thưởng" in proc.stdout.decode("utf-8")


def test_dump_template_saved_beside_the_template_as_utf8(tmp_path):
    shutil.copy(ROOT / "templates" / "phu_luc.docx", tmp_path / "phu_luc.docx")
    proc = clerk("xem-mau", "phu_luc.docx", "--save", cwd=tmp_path)
    assert proc.returncode == 0
    assert (tmp_path / "phu_luc.docx.txt").read_bytes() == (ROOT / "templates" / "phu_luc.docx.txt").read_bytes()
    (tmp_path / "x.txt").write_text("x")
    proc = clerk("xem-mau", "x.txt", cwd=tmp_path)
    assert proc.returncode == 2 and "không phải mẫu .docx" in proc.stderr.decode("utf-8")


@pytest.fixture
def ansi_locale(monkeypatch):
    """The code page of a Vietnamese Windows as Python's default for text from a child."""
    import locale

    monkeypatch.setattr(locale, "getpreferredencoding", lambda do_setlocale=True: "cp1258")
    monkeypatch.setattr(locale, "getencoding", lambda: "cp1258")


def test_check_with_rendering_and_pdf_into_a_vietnamese_folder_under_the_cp1258_locale(tmp_path, built, ansi_locale):
    require_libreoffice()
    from generator.checker.report import check_file

    _, out = built
    folder = tmp_path / "Đơn vị"
    folder.mkdir()
    shutil.copy(out / "phu_luc.docx", folder / "phu_luc.docx")
    assert pdf.convert([folder / "phu_luc.docx"], folder) == [folder / "phu_luc.pdf"]
    report = check_file(folder / "phu_luc.docx", True)
    assert not report.errors


# -- Windows file behaviour -----------------------------------------------------------------------

_HOLDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    sys.modules["fcntl"] = None  # as on Windows: no flock
    sys.path.insert(0, {root!r})
    from generator import output
    folder, signals = Path({folder!r}), Path({signals!r})
    if sys.argv[1] == "hold":
        with output._dir_lock(folder):
            (signals / "held").touch()
            while not (signals / "trying").exists():
                time.sleep(0.02)
            time.sleep(0.5)
            (signals / "released").touch()
    else:
        output.LOCK_WAIT_S = float(sys.argv[2])
        (signals / "trying").touch()
        try:
            output.write_all(folder, {{"ke_hoach.docx": b"B", "phu_luc.docx": b"B"}})
        except output.OutputError as err:
            print("REFUSED", err)
            sys.exit(3)
        print("WROTE", (signals / "released").exists())
""")


@pytest.mark.parametrize("wait, expected", [(60, "WROTE True"), (0.05, "REFUSED")], ids=["waits", "refuses"])
def test_the_output_lock_holds_without_fcntl(tmp_path, wait, expected):
    folder, signals = tmp_path / "output", tmp_path / "signals"
    folder.mkdir()
    signals.mkdir()
    code = _HOLDER.format(root=str(ROOT), folder=str(folder), signals=str(signals))
    holder = subprocess.Popen([sys.executable, "-c", code, "hold"])
    try:
        deadline = time.monotonic() + 60
        while not (signals / "held").exists():
            assert time.monotonic() < deadline and holder.poll() is None
            time.sleep(0.02)
        second = subprocess.run([sys.executable, "-c", code, "write", str(wait)], capture_output=True, timeout=120,
                                env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    finally:
        holder.wait(timeout=60)
    said = second.stdout.decode("utf-8")
    assert said.startswith(expected), said + second.stderr.decode("utf-8")
    if expected == "REFUSED":
        assert "đang được một lần chạy khác ghi" in said and not any(folder.iterdir())


def test_a_sharing_error_that_clears_within_a_moment_is_retried(tmp_path, monkeypatch):
    real, start = os.replace, time.monotonic()

    def busy_for_200_ms(src, dst):
        if time.monotonic() - start < 0.2:
            raise PermissionError(13, "The process cannot access the file", str(dst))
        real(src, dst)

    monkeypatch.setattr(output.os, "replace", busy_for_200_ms)
    assert output.write_all(tmp_path, {"ke_hoach.docx": b"NEW"}) == [tmp_path / "ke_hoach.docx"]
    assert (tmp_path / "ke_hoach.docx").read_bytes() == b"NEW"


def test_a_file_held_open_for_good_gets_the_word_message_and_keeps_the_old_set(tmp_path, monkeypatch):
    output.write_all(tmp_path, {"ke_hoach.docx": b"OLD", "phu_luc.docx": b"OLD"})
    real, tries = os.replace, []

    def held(src, dst):
        if Path(dst).name == "phu_luc.docx":
            tries.append(dst)
            raise PermissionError(13, "The process cannot access the file", str(dst))
        real(src, dst)

    monkeypatch.setattr(output.os, "replace", held)
    monkeypatch.setattr(output, "RETRY_DELAYS_S", (0.01,) * 6)
    with pytest.raises(OutputError, match="đang mở trong Word"):
        output.write_all(tmp_path, {"ke_hoach.docx": b"NEW", "phu_luc.docx": b"NEW"})
    assert len(tries) == 7  # six tries that wait, then the last
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == {"ke_hoach.docx": b"OLD", "phu_luc.docx": b"OLD"}


def test_packs_made_with_the_spawn_start_method_are_byte_identical(tmp_path, monkeypatch):
    if (os.cpu_count() or 1) < 2:
        monkeypatch.setattr(os, "cpu_count", lambda: 2)
    plan = load_plan(SHIPPED_CONFIG)
    monkeypatch.setattr(main, "PARALLEL_FROM", 10**9)
    _, serial = main.render_documents(plan, main.TEMPLATES_DIR, "packs")
    monkeypatch.setattr(main, "PARALLEL_FROM", 40)
    monkeypatch.setattr(pool, "START_METHOD", "spawn")
    assert len(serial) >= 40  # the pool is really used
    _, spawned = main.render_documents(plan, main.TEMPLATES_DIR, "packs")
    assert list(spawned) == list(serial) and spawned == serial


def test_lists_read_over_the_cores_say_exactly_what_one_process_says(tmp_path, monkeypatch):
    if (os.cpu_count() or 1) < 2:
        monkeypatch.setattr(os, "cpu_count", lambda: 2)
    plan = load_plan(SHIPPED_CONFIG)
    lists = tmp_path / "lists"
    shutil.copytree(ROOT / "tests" / "data" / "danh_sach_don_vi", lists)
    (lists / "hong.xlsx").write_bytes(b"not a workbook")  # a file's own problem comes back from a worker
    shutil.copy(next(lists.glob("04-*.xlsx")), lists / "04-ban-sao.xlsx")  # two lists of one unit
    monkeypatch.setattr(intake, "PARALLEL_FROM", 10**9)
    serial = intake.evaluate(plan, lists, {})
    monkeypatch.setattr(intake, "PARALLEL_FROM", 2)
    monkeypatch.setattr(pool, "START_METHOD", "spawn")
    assert len(list(lists.iterdir())) >= 4 * 2  # several chunks
    spread = intake.evaluate(plan, lists, {})
    assert spread == serial
    assert any("hong.xlsx" == p.file for p in serial[1]) and any("hai tệp" in p.message for p in serial[1])


# -- spreadsheets as offices have them ------------------------------------------------------------

def test_xls_and_ods_lists_go_through_intake_and_other_files_are_named(tmp_path):
    require_libreoffice()
    if not Path("/usr/lib/libreoffice/program/libsclo.so").exists():
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice Calc thiếu; .ci/run cài libreoffice-calc-nogui.")
        pytest.skip("không có LibreOffice Calc để lưu danh sách thành .xls, .ods")
    inbox = tmp_path / "nop"
    shutil.copytree(LISTS, inbox)
    for name, kind in (("02-LĐLĐ huyện Cao Lộc.xlsx", "xls"), ("03-LĐLĐ huyện Lộc Bình.xlsx", "ods")):
        subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
                        "--convert-to", kind, "--outdir", str(inbox), str(inbox / name)],
                       capture_output=True, check=True, timeout=180)
        (inbox / name).unlink()
        assert (inbox / name).with_suffix("." + kind).is_file()
    (inbox / "04-to_trinh.pdf").write_bytes(b"%PDF-1.4")
    result = intake.run(load_plan(SHIPPED_CONFIG), inbox, tmp_path / "out")
    assert result.problems == []
    status = {row.name: (row.status, row.file) for row in result.table}
    assert status["LĐLĐ huyện Cao Lộc"] == (intake.DU, "02-LĐLĐ huyện Cao Lộc.xls")
    assert status["LĐLĐ huyện Lộc Bình"] == (intake.DU, "03-LĐLĐ huyện Lộc Bình.ods")
    assert result.not_lists == ("04-to_trinh.pdf",)


def test_a_broken_xls_or_ods_is_refused_by_name(tmp_path):
    inbox = tmp_path / "nop"
    inbox.mkdir()
    (inbox / "05-Chi Lăng.xls").write_bytes(b"\xd0\xcf\x11\xe0 not really")
    (inbox / "06-Hữu Lũng.ods").write_bytes(b"PK\x03\x04 broken")
    result = intake.run(load_plan(SHIPPED_CONFIG), inbox, tmp_path / "out")
    said = {p.file: p.message for p in result.problems}
    assert "Excel 97-2003 (.xls)" in said["05-Chi Lăng.xls"]
    assert "LibreOffice (.ods)" in said["06-Hữu Lũng.ods"]


# -- without LibreOffice; printing on stock --------------------------------------------------------

@pytest.fixture(scope="module")
def decided(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("decided")
    for args in (["ho-so"], ["tiep-nhan", str(LISTS)], ["quyet-dinh"]):
        assert cli_main(["--config", str(SHIPPED_CONFIG), "--output", str(out), *args]) == 0
    return out


def test_certificates_without_libreoffice_are_docx_and_say_what_to_install(decided, tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    shutil.copytree(decided, out)
    stale = [out / "bang_khen" / "bang_khen.pdf", out / "bang_khen" / "theo_don_vi" / "99-Cũ.zip"]
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"an earlier list")
    monkeypatch.setattr(pdf, "find_soffice", lambda: None)
    assert cli_main(["--config", str(SHIPPED_CONFIG), "--output", str(out), "bang-khen"]) == 0
    said = capsys.readouterr().out
    assert "không có LibreOffice" in said and "Cài LibreOffice" in said
    assert (out / "bang_khen" / "bang_khen.docx").is_file() and (out / "bang_khen" / "so_cap_bang.docx").is_file()
    assert not any(p.exists() for p in stale)  # nothing of another list stays beside the new one


def test_the_certificate_pdf_asks_to_be_printed_at_actual_size_and_is_reproducible(decided, tmp_path, capsys):
    require_libreoffice()
    from pypdf import PdfReader

    out = tmp_path / "out"
    shutil.copytree(decided, out)
    assert cli_main(["--config", str(SHIPPED_CONFIG), "--output", str(out), "bang-khen"]) == 0
    err = capsys.readouterr().err
    assert "Đang chuyển 47 trang sang PDF" in err and "Đang tách PDF theo đơn vị: 15/15" in err
    whole = PdfReader(out / "bang_khen" / "bang_khen.pdf")
    assert whole.viewer_preferences.print_scaling == "/None" and len(whole.pages) == 47
    with zipfile.ZipFile(out / "bang_khen" / "theo_don_vi" / "02-LĐLĐ huyện Cao Lộc.zip") as z:
        unit = PdfReader(io.BytesIO(z.read(z.namelist()[0])))
    assert unit.viewer_preferences.print_scaling == "/None"
    # The same list gives the same bytes: no clock, no random file identifier.
    first = {p: p.read_bytes() for p in (out / "bang_khen").rglob("*.*") if p.suffix in (".pdf", ".zip")}
    assert cli_main(["--config", str(SHIPPED_CONFIG), "--output", str(out), "bang-khen"]) == 0
    assert {p: p.read_bytes() for p in first} == first


def test_libreoffice_is_found_where_its_windows_installer_puts_it(tmp_path, monkeypatch):
    x86 = tmp_path / "Program Files (x86)" / "LibreOffice" / "program" / "soffice.exe"
    registered = tmp_path / "D" / "LibreOffice" / "program" / "soffice.exe"
    for exe in (x86, registered):
        exe.parent.mkdir(parents=True)
        exe.write_bytes(b"MZ")
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    monkeypatch.setattr(pdf.os, "name", "nt")
    for var in ("ProgramFiles", "ProgramW6432"):
        monkeypatch.setenv(var, str(tmp_path / "nothing here"))
    monkeypatch.setenv("ProgramFiles(x86)", str(tmp_path / "Program Files (x86)"))
    monkeypatch.setitem(sys.modules, "winreg", None)
    assert pdf.find_soffice() == str(x86)

    class Key:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    def open_key(hive, key):
        assert key.endswith(r"App Paths\soffice.exe")
        return Key()

    fake = types.SimpleNamespace(HKEY_LOCAL_MACHINE=1, HKEY_CURRENT_USER=2, OpenKey=open_key,
                                 QueryValue=lambda key, sub: str(registered))
    monkeypatch.setitem(sys.modules, "winreg", fake)
    assert pdf.find_soffice() == str(registered)  # the registry's entry comes first


def test_a_converter_that_hangs_is_killed_with_everything_it_started(tmp_path):
    pidfile = tmp_path / "child.pid"
    cmd = ["sh", "-c", f"sleep 300 & echo $! > '{pidfile}'; sleep 300"]
    with pytest.raises(subprocess.TimeoutExpired):
        pdf.run_bounded(cmd, timeout=1)
    child = int(pidfile.read_text())
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{child}/stat").read_text().split()[2]
        except FileNotFoundError:
            break
        if state == "Z":  # killed, waiting to be reaped by init
            break
        time.sleep(0.05)
    else:
        pytest.fail("soffice's child outlived the timeout")


def test_progress_counts_on_a_terminal_and_says_each_stage_once_in_a_pipe():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    pipe, tty = io.StringIO(), Tty()
    for stream in (pipe, tty):
        show = progress.to_stderr(stream)
        for n in range(1, 4):
            show(progress.Stage("Đang dựng văn bản", n, 3))
        show(progress.Stage("Đang chuyển sang PDF"))
    assert pipe.getvalue() == "Đang dựng văn bản: 1/3\nĐang dựng văn bản: 3/3\nĐang chuyển sang PDF…\n"
    assert tty.getvalue() == ("\rĐang dựng văn bản: 1/3\rĐang dựng văn bản: 2/3\rĐang dựng văn bản: 3/3\n"
                              "\rĐang chuyển sang PDF…\n")


def test_the_page_reports_the_stage_of_a_build_under_way(tmp_path, config_copy):
    from generator.web.app import create_app

    app = create_app(config_copy, tmp_path / "out")
    c = app.test_client()
    try:
        assert c.get("/api/progress").get_json() == {"text": None}
        progress.report("Đang tách PDF theo đơn vị", 3, 15)
        assert c.get("/api/progress").get_json() == {"text": "Đang tách PDF theo đơn vị: 3/15"}
    finally:
        app.extensions["plan_docs"]["close"]()


# -- what a clerk installs, and the launchers ------------------------------------------------------

def requirement_names(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-r"):
            name, _, version = line.partition("==")
            assert version, f"{path.name}: {line} is not pinned to one version"
            pins[name.lower().replace("_", "-")] = version
    return pins


def test_clerks_install_only_what_the_tool_needs_and_every_version_is_pinned():
    runtime = requirement_names(ROOT / "requirements.txt")
    dev = requirement_names(ROOT / "requirements-dev.txt")
    assert not {"pytest", "playwright", "hypothesis", "greenlet", "setuptools"} & set(runtime)
    assert {"pytest", "playwright", "hypothesis"} <= set(dev) and not set(runtime) & set(dev)
    assert "-r requirements.txt" in (ROOT / "requirements-dev.txt").read_text(encoding="utf-8")
    assert {"filelock", "python-calamine", "docxtpl", "flask"} <= set(runtime)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ".venv/bin/python -m pip install -r requirements-dev.txt && .venv/bin/python -m pytest" in ci


def test_the_project_installs_as_a_package_with_its_command(tmp_path):
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert meta["requires-python"] == ">=3.11" and meta["scripts"]["lap-van-ban"] == "generator.cli:main"
    src = fresh_copy(tmp_path / "src")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", str(src),
                    "-w", str(tmp_path / "dist")], check=True, capture_output=True, timeout=300)
    wheel = next((tmp_path / "dist").glob("*.whl"))
    from generator import __version__

    assert f"-{__version__}-" in wheel.name
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        entry = z.read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "lap-van-ban = generator.cli:main" in entry
    assert "generator/web/templates/decision.html" in names and "generator/web/static/common.js" in names
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    # The installed command works inside a plan's folder: config/ and templates/ where it runs.
    plan_folder = tmp_path / "Kế hoạch 2026"
    (plan_folder / "config").mkdir(parents=True)
    shutil.copy(SHIPPED_CONFIG, plan_folder / "config" / "plan.yaml")
    shutil.copytree(ROOT / "templates", plan_folder / "templates")
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import generator; "
            "assert generator.__file__.startswith(sys.argv[1]), generator.__file__; "
            "from generator.cli import main; sys.exit(main([]))")
    proc = subprocess.run([sys.executable, "-c", code, str(site)], cwd=plan_folder, capture_output=True, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode("utf-8")
    assert (plan_folder / "output" / "ke_hoach.docx").is_file()


LAUNCHERS = ("Chay-trang-nhap-lieu.bat", "Tao-van-ban.bat", "tools/chuan-bi.bat")


@pytest.mark.parametrize("name", LAUNCHERS)
def test_a_launcher_is_plain_ascii_with_windows_line_ends(name):
    data = (ROOT / name).read_bytes()
    data.decode("ascii")  # cmd.exe reads a batch file in the console's code page
    assert data.count(b"\r\n") == data.count(b"\n") > 0  # bare LF breaks goto in cmd.exe
    assert data.startswith(b"@echo off")
    assert "*.bat text eol=crlf" in (ROOT / ".gitattributes").read_text()


@pytest.mark.parametrize("name, serve", [("Chay-trang-nhap-lieu.bat", True), ("Tao-van-ban.bat", False)])
def test_a_launcher_prepares_the_venv_then_runs_the_tool_from_anywhere_and_pauses_on_error(name, serve):
    text = (ROOT / name).read_text(encoding="ascii")
    assert 'call "%HERE%tools\\chuan-bi.bat"' in text and 'set "HERE=%~dp0"' in text
    run = re.search(r'^"%HERE%\.venv\\Scripts\\python\.exe" "%HERE%build_docs\.py"(.*)$', text, re.M)
    assert run and run.group(1).strip() == ("trang %*" if serve else "%*")
    assert not re.search(r"^\s*(cd|chdir|pushd)\b", text, re.M | re.I)  # typed relative paths stay the clerk's
    fail = text[text.index(":fail"):]
    assert "pause" in fail and "exit /b" in fail
    # Every failure of the set-up and of the tool itself goes to the pause.
    assert text.count("if errorlevel 1 goto fail") == 2


def test_the_set_up_makes_the_venv_once_with_the_runtime_requirements_only():
    text = (ROOT / "tools" / "chuan-bi.bat").read_text(encoding="ascii")
    assert 'set "PY=%ROOT%\\.venv\\Scripts\\python.exe"' in text
    assert 'py -3 -m venv "%ROOT%\\.venv"' in text and 'python -m venv "%ROOT%\\.venv"' in text
    assert '-m pip install --disable-pip-version-check -q -r "%ROOT%\\requirements.txt"' in text
    assert "requirements-dev" not in text
    # Installed once, and again only when requirements.txt changed: the copy beside the venv.
    assert 'fc /b "%ROOT%\\requirements.txt" "%ROOT%\\.venv\\da-cai.txt"' in text
    assert 'copy /y "%ROOT%\\requirements.txt" "%ROOT%\\.venv\\da-cai.txt"' in text
    assert "sys.version_info < (3, 11)" in text
    for label in re.findall(r"goto (\w+)", text):
        assert re.search(rf"^:{label}\s*$", text, re.M), label


def test_build_docs_hands_a_python_without_the_libraries_over_to_the_venv(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copy(ROOT / "build_docs.py", repo)
    shutil.copytree(ROOT / "generator", repo / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    bare = [sys.executable, "-I", "-S", str(repo / "build_docs.py"), "--version"]  # -S: no site-packages
    proc = subprocess.run(bare, capture_output=True, timeout=60, env={**os.environ, "PYTHONIOENCODING": "cp1252"})
    assert proc.returncode == 2 and "Chay-trang-nhap-lieu.bat" in proc.stderr.decode("utf-8")
    # The project's venv: this test run's own libraries, under repo/.venv.
    import sysconfig

    venv = repo / ".venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to(Path(sys.executable).resolve())
    (venv / "pyvenv.cfg").write_text(f"home = {Path(sys.executable).resolve().parent}\n")
    lib = venv / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    lib.mkdir(parents=True)
    (lib / "site-packages").symlink_to(sysconfig.get_paths()["purelib"])
    proc = subprocess.run(bare, capture_output=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout.decode("utf-8").startswith("build_docs.py "), proc.stderr
    # A venv that lacks them too is handed over once, then the message: never a loop.
    (lib / "site-packages").unlink()
    (lib / "site-packages").mkdir()
    proc = subprocess.run(bare, capture_output=True, timeout=60)
    assert proc.returncode == 2 and "Chay-trang-nhap-lieu.bat" in proc.stderr.decode("utf-8")
