"""Every save survives a crash: the config's name always points at a complete file, backups are
whole and never overwrite each other, a set of documents is either the old set or the new one,
and what a crash leaves is settled (and said) on the next start. Loops are bounded in count and
time, and traffic goes to 127.0.0.1 only."""
from __future__ import annotations

import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from generator.config import load_plan
from generator.output import journal_name, recover, recover_all, write_all
from generator.web import editing

from .conftest import ROOT, SHIPPED_CONFIG


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request(url, data=None, headers=None, timeout=5):
    req = urllib.request.Request(url, data=json.dumps(data).encode() if data is not None else None,
                                 headers={"Content-Type": "application/json", **(headers or {})},
                                 method="POST" if data is not None else "GET")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as res:
            return res.status, res.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def _page_keys(html: str) -> tuple[str, str]:
    token = html.split('name="csrf-token" content="')[1].split('"')[0]
    version = html.split('name="config-version" content="')[1].split('"')[0]
    return token, version


def _state(config: Path, version: str, first: int) -> dict:
    plan = load_plan(config)
    units = [{"name": u.name, "orig": u.name, "members": str(u.members)} for u in plan.units]
    units[0]["members"] = str(first)
    return {"version": version, "number": "", "day": "", "month": "2", "year": "2023", "units": units}


def _start_server(config: Path, out: Path, port: int) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, str(ROOT / "build_docs.py"), "trang", "--no-browser", "--port", str(port),
                             "--config", str(config), "--output", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=ROOT)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if _request(f"http://127.0.0.1:{port}/", timeout=1)[0] == 200:
                return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise AssertionError("the page did not start: " + proc.communicate()[0].decode(errors="replace"))


def test_sigkill_at_random_points_of_a_save_loop_never_loses_the_config(tmp_path):
    """40 runs: a server saving as fast as it can is killed at a random moment; the config is
    always there and parses, and the next start settles what was left."""
    config = tmp_path / "config" / "plan.yaml"
    config.parent.mkdir()
    shutil.copy(SHIPPED_CONFIG, config)
    rng = random.Random(20261128)
    saves = 0
    for run in range(40):
        port = _free_port()
        proc = _start_server(config, tmp_path / "out", port)
        url = f"http://127.0.0.1:{port}/"
        token, version = _page_keys(_request(url)[1].decode())
        stop = threading.Event()
        saved = threading.Semaphore(0)  # one release per save of this run

        def save_loop():
            nonlocal saves, version
            n = 0
            while not stop.is_set() and n < 500:
                n += 1
                try:
                    status, body = _request(url + "api/save", _state(config, version, 4000 + n),
                                            {"X-CSRF-Token": token}, timeout=2)
                except (OSError, http.client.HTTPException):
                    return  # the server is gone (killed before or in the middle of its answer)
                if status == 200:
                    saves += 1
                    version = json.loads(body)["version"]
                    saved.release()
                elif status == 409:
                    version = json.loads(body)["version"]
        worker = threading.Thread(target=save_loop)
        worker.start()
        # Killed after a few saves (counted, not timed: on a loaded machine a save may take a
        # second), at a random moment of the next one.
        for _ in range(rng.randint(2, 4)):
            assert saved.acquire(timeout=120), f"run {run}: the page stopped saving"
        time.sleep(rng.uniform(0, 0.05))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        stop.set()
        worker.join(timeout=10)
        assert config.is_file(), f"run {run}: plan.yaml is missing"
        load_plan(config)  # complete and valid at every instant
        for backup in (config.parent / "backups").glob("*.yaml"):
            assert backup.stat().st_size > 0, f"run {run}: empty backup {backup.name}"
        recover_all(config, tmp_path / "out")
        leftovers = [p.name for p in config.parent.iterdir() if p.name.startswith(".")]
        assert not leftovers, f"run {run}: {leftovers}"
    assert saves > 40  # the loop really saved, many times


def test_concurrent_requests_never_get_a_500(tmp_path):
    """25 threads × 30 requests, reads and saves mixed, against the page in this process."""
    from werkzeug.serving import make_server

    from generator.web.app import create_app

    config = tmp_path / "plan.yaml"
    shutil.copy(SHIPPED_CONFIG, config)
    app = create_app(config, tmp_path / "out")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/"
    token, version = _page_keys(_request(url)[1].decode())
    statuses: list[int] = []

    def worker(k):
        nonlocal version
        for i in range(30):
            kind = (k + i) % 3
            try:
                if kind == 0:
                    status, body = _request(url + "api/save", _state(config, version, 3000 + k * 100 + i),
                                            {"X-CSRF-Token": token}, timeout=30)
                    if status in (200, 409):
                        version = json.loads(body)["version"]
                elif kind == 1:
                    status, _ = _request(url + "api/state", _state(config, version, 2000 + i), {"X-CSRF-Token": token},
                                         timeout=30)
                else:
                    status, _ = _request(url, timeout=30)
            except OSError as err:
                status = f"{type(err).__name__}"
            statuses.append(status)
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(25)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    finally:
        server.shutdown()
        app.extensions["plan_docs"]["close"]()
    assert len(statuses) == 750
    assert not [s for s in statuses if s not in (200, 409)], sorted(set(map(str, statuses)))
    load_plan(config)


# -- backups ------------------------------------------------------------------------------------------

def test_two_saves_in_the_same_second_keep_two_whole_backups(tmp_path):
    import datetime as dt

    config = tmp_path / "plan.yaml"
    shutil.copy(SHIPPED_CONFIG, config)
    original = config.read_bytes()
    now = dt.datetime(2026, 11, 28, 17, 0, 0, 123456)
    first = editing.save(config, original.decode().replace("4.468", "4.469"), now)
    second = editing.save(config, original.decode().replace("4.468", "4.470"), now)  # the very same instant
    assert first != second and first.name == "plan-20261128-170000-123456.yaml"
    assert second.name == "plan-20261128-170000-123456-2.yaml"
    assert first.read_bytes() == original  # the original survives in a backup
    assert b"4.469" in second.read_bytes()
    assert not [p for p in first.parent.iterdir() if p.name.startswith(".")]


def test_at_least_the_last_50_backups_are_kept(tmp_path):
    config = tmp_path / "plan.yaml"
    shutil.copy(SHIPPED_CONFIG, config)
    text = config.read_text(encoding="utf-8")
    for i in range(editing.BACKUPS_KEPT + 5):
        editing.save(config, text.replace("4.468", f"{4000 + i}"))
    backups = sorted((tmp_path / "backups").iterdir())
    assert len(backups) == editing.BACKUPS_KEPT >= 50
    # the newest are the ones kept: the last backup is the file as the second-to-last save wrote it
    assert f"members: {4000 + editing.BACKUPS_KEPT + 3}\n".encode() in backups[-1].read_bytes()


# -- recovery after a crash --------------------------------------------------------------------------

def test_a_config_left_only_as_old_by_an_earlier_crash_is_put_back(tmp_path):
    """What the previous version's write could leave when killed: no plan.yaml, only
    .plan.yaml.old and a temporary file."""
    config = tmp_path / "config" / "plan.yaml"
    config.parent.mkdir()
    shutil.copy(SHIPPED_CONFIG, config.parent / ".plan.yaml.old")
    (config.parent / ".plan.yaml.abc123.tmp").write_bytes(b"units:\n  - na")
    (config.parent / ".bashrc.old").write_text("not ours")  # another program's file stays
    notes = recover_all(config, tmp_path / "out")
    assert config.read_bytes() == SHIPPED_CONFIG.read_bytes()
    assert any("đã khôi phục từ .plan.yaml.old" in n for n in notes)
    assert any(".plan.yaml.abc123.tmp" in n for n in notes)
    assert sorted(p.name for p in config.parent.iterdir()) == [".bashrc.old", "plan.yaml"]


def test_the_page_reports_what_it_recovered_when_it_starts(tmp_path):
    config = tmp_path / "config" / "plan.yaml"
    config.parent.mkdir()
    shutil.copy(SHIPPED_CONFIG, config.parent / ".plan.yaml.old")
    port = _free_port()
    proc = _start_server(config, tmp_path / "out", port)
    proc.send_signal(signal.SIGTERM)
    out = proc.communicate(timeout=10)[0].decode()
    assert "Khôi phục" in out and "đã khôi phục từ .plan.yaml.old" in out and config.is_file()


_CRASH = """
import os, sys
from pathlib import Path
sys.path.insert(0, {root!r})
from generator import output
target = {where!r}
real, calls = (getattr(os, target) if target == "replace" else getattr(output, target)), []
def crash_at(*args):
    calls.append(args)
    if len(calls) == {nth}:
        os._exit(9)  # killed here: no finally, no except
    return real(*args)
if target == "replace":
    os.replace = crash_at
else:
    setattr(output, target, crash_at)
output.write_all(Path({out!r}), {{"ke_hoach.docx": b"NEW plan", "phu_luc.docx": b"NEW annex", "quotas.json": b"NEW"}})
"""
OLD = {"ke_hoach.docx": b"OLD plan", "phu_luc.docx": b"OLD annex"}
NEW = {"ke_hoach.docx": b"NEW plan", "phu_luc.docx": b"NEW annex", "quotas.json": b"NEW"}


@pytest.mark.parametrize("where, nth, expected", [
    ("replace", 2, OLD),  # one document replaced, the next not yet
    ("replace", 3, OLD),  # two of three
    ("_fsync_dir", 2, NEW),  # all three in place, the journal not yet removed
], ids=["after-1-rename", "after-2-renames", "before-the-journal-goes"])
def test_a_crash_between_two_renames_leaves_the_old_set_or_the_new_set(tmp_path, where, nth, expected):
    out = tmp_path / "out"
    write_all(out, dict(OLD))  # quotas.json is new in the next build
    code = _CRASH.format(root=str(ROOT), where=where, nth=nth, out=str(out))
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 9
    assert (out / journal_name(NEW)).exists()  # the crash really came mid-way
    notes = recover(out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == expected
    assert len(notes) == 1 and ("trả lại bản cũ" if expected is OLD else "giữ bản mới") in notes[0]


def test_a_failed_rename_puts_the_old_set_back_at_once(tmp_path, monkeypatch):
    from generator.exceptions import OutputError

    out = tmp_path / "out"
    write_all(out, {"ke_hoach.docx": b"OLD plan", "phu_luc.docx": b"OLD annex"})
    real = os.replace

    def locked(a, b):  # on Windows, a document open in Word cannot be replaced
        if Path(b).name == "phu_luc.docx":
            raise PermissionError(13, "locked", str(b))
        real(a, b)
    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(OutputError):
        write_all(out, {"ke_hoach.docx": b"NEW plan", "phu_luc.docx": b"NEW annex"})
    monkeypatch.setattr(os, "replace", real)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == {"ke_hoach.docx": b"OLD plan", "phu_luc.docx": b"OLD annex"}
