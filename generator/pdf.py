"""PDF through LibreOffice, the converter the docxtpl community trusts most (see docs/research).

Each conversion gets its own throw-away LibreOffice profile, so it works while the clerk has
LibreOffice open and two conversions never share (and break) one profile. The PDFs are written
to a temporary folder and moved into place only when all of them exist.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Callable

from .exceptions import PdfError
from .output import write_all

TIMEOUT_S = 120
INSTALL_HINT = ("Cài LibreOffice (miễn phí, libreoffice.org) rồi chạy lại: trên Windows chỉ cần cài như mọi phần "
                "mềm, chương trình tự tìm thấy nó; trên Debian/Ubuntu «sudo apt install libreoffice-writer-nogui "
                "fonts-liberation2». Các tệp .docx vẫn được tạo đủ mà không cần LibreOffice.")


def _windows_candidates() -> list[str]:
    """Where LibreOffice's installer puts soffice.exe: the registry's App Paths entry, then both
    Program Files folders (a 32-bit LibreOffice on 64-bit Windows goes to «Program Files (x86)»)."""
    found: list[str] = []
    try:
        import winreg
    except ImportError:
        winreg = None
    if winreg is not None:
        key = r"SOFTWARE\Microsoft\Windows\CurrentVersion\App Paths\soffice.exe"
        for hive in (winreg.HKEY_LOCAL_MACHINE, winreg.HKEY_CURRENT_USER):
            try:
                with winreg.OpenKey(hive, key) as k:
                    found.append(winreg.QueryValue(k, None))
            except OSError:
                continue
    for var in ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)"):
        base = os.environ.get(var)
        if base:
            found.append(os.path.join(base, "LibreOffice", "program", "soffice.exe"))
    found += [r"C:\Program Files\LibreOffice\program\soffice.exe",
              r"C:\Program Files (x86)\LibreOffice\program\soffice.exe"]
    return found


def find_soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    guesses = _windows_candidates() if os.name == "nt" else []
    for guess in guesses + ["/Applications/LibreOffice.app/Contents/MacOS/soffice"]:
        if guess and os.path.isfile(guess):
            return guess
    return None


class Stalled(subprocess.TimeoutExpired):
    """The child made no progress (progress() unchanged) for `timeout` seconds."""


def run_bounded(cmd: list[str], timeout: float, progress: Callable[[], int] | None = None,
                stall: float | None = None) -> subprocess.CompletedProcess:
    """A child run to completion or killed with everything it started. soffice hands the work to
    soffice.bin, which a plain kill of soffice leaves running (re-parented, busy) for minutes;
    so the child gets its own process group (POSIX) or job of processes (Windows), and the
    whole group goes on a timeout or any other way out. Output is decoded as UTF-8 whatever
    the code page, with undecodable bytes shown as U+FFFD rather than ending the run. With
    `progress` (a count that grows as the child works) and `stall`, a child whose count stays
    the same for `stall` seconds is stopped too (Stalled)."""
    kwargs: dict = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "stdin": subprocess.DEVNULL}
    if os.name == "nt":
        kwargs["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP
    else:
        kwargs["start_new_session"] = True
    proc = subprocess.Popen(cmd, **kwargs)
    try:
        out, err = _wait(proc, timeout, progress, stall)
    except BaseException:
        _kill_group(proc)
        proc.communicate()
        raise
    finally:
        if proc.poll() is None:
            _kill_group(proc)
    if os.name != "nt":
        _kill_group(proc)  # soffice.bin may outlive soffice even after a normal exit
    decode = lambda b: (b or b"").decode("utf-8", errors="replace")  # noqa: E731
    return subprocess.CompletedProcess(cmd, proc.returncode, decode(out), decode(err))


def _wait(proc: subprocess.Popen, timeout: float, progress, stall) -> tuple[bytes, bytes]:
    if progress is None or stall is None:
        return proc.communicate(timeout=timeout)
    start = last = time.monotonic()
    seen = progress()
    while True:
        try:
            return proc.communicate(timeout=0.5)
        except subprocess.TimeoutExpired:
            now = time.monotonic()
            if now - start > timeout:
                raise
            count = progress()
            if count != seen:
                seen, last = count, now
            elif now - last > stall:
                raise Stalled(proc.args, stall) from None


def _kill_group(proc: subprocess.Popen) -> None:
    import signal

    if os.name == "nt":
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(proc.pid)], capture_output=True)
        return
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def to_pdf_bytes(sources: list[Path], timeout: float = TIMEOUT_S) -> dict[str, bytes]:
    """Convert .docx files; return {pdf name: bytes}. Nothing is written beside the sources."""
    result, missing = pdf_bytes_of_each(sources, timeout)
    if missing:
        src, detail = next(iter(missing.items()))
        raise PdfError(f"LibreOffice không tạo được {src.stem}.pdf từ {src}. {detail}")
    return result


NOT_REACHED = ""  # pdf_bytes_of_each's reason for a source LibreOffice stalled before


def pdf_bytes_of_each(sources: list[Path], timeout: float = TIMEOUT_S,
                      stall: float | None = None) -> tuple[dict[str, bytes], dict[Path, str]]:
    """All `sources` in one LibreOffice start (a start costs about two seconds, a page a
    fraction of that): ({pdf name: bytes} of those it made, {source: why} of those it did not).
    The sources' stems must differ. With `stall`: LibreOffice lays the files out in order, so
    when no new PDF comes for `stall` seconds it is stopped, the file it was on is reported as
    the one it could not lay out, and those after it as NOT_REACHED (for another start)."""
    soffice = find_soffice()
    if soffice is None:
        raise PdfError("không tìm thấy LibreOffice (lệnh soffice) để xuất PDF. " + INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="lo-") as tmp:
        profile = Path(tmp, "profile").as_uri()
        outdir = Path(tmp, "out")
        cmd = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
               "--convert-to", "pdf", "--outdir", str(outdir), *map(str, sources)]
        made = lambda: len(list(outdir.glob("*.pdf"))) if outdir.is_dir() else 0  # noqa: E731
        try:
            proc = run_bounded(cmd, timeout, made if stall else None, stall)
        except Stalled:
            result = {p.name: p.read_bytes() for p in outdir.glob("*.pdf")}
            left = [src for src in sources if src.stem + ".pdf" not in result]
            why = f"LibreOffice dựng trang tệp này quá {stall:.0f} giây không xong; đã dừng"
            return result, {src: (why if i == 0 else NOT_REACHED) for i, src in enumerate(left)}
        except subprocess.TimeoutExpired:
            raise PdfError(f"LibreOffice không xuất xong PDF trong {timeout:.0f} giây; đã dừng.") from None
        except OSError as err:
            raise PdfError(f"không chạy được LibreOffice ({soffice}): {err}. " + INSTALL_HINT) from None
        result, missing = {}, {}
        for src in sources:
            pdf = outdir / (src.stem + ".pdf")
            if pdf.is_file():
                result[pdf.name] = pdf.read_bytes()
            else:
                missing[src] = (proc.stderr or proc.stdout).strip()[-300:]
        return result, missing


def convert(sources: list[Path], out_dir: Path) -> list[Path]:
    return write_all(out_dir, to_pdf_bytes(sources))


class _Server:
    """One unoserver with its own LibreOffice and throw-away profile."""

    def __init__(self, py: str, soffice: str):
        import socket

        ports = []
        for _ in range(2):
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", 0))
                ports.append(sock.getsockname()[1])
        self.port = ports[0]
        self.profile = tempfile.TemporaryDirectory(prefix="lo-warm-")
        self.proc = subprocess.Popen(
            [py, "-m", "unoserver.server", "--interface", "127.0.0.1", "--port", str(ports[0]),
             "--uno-interface", "127.0.0.1", "--uno-port", str(ports[1]), "--executable", soffice,
             "--user-installation", self.profile.name, "--conversion-timeout", str(TIMEOUT_S), "--quiet"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)

    def wait_ready(self, deadline: float) -> bool:
        import time
        import xmlrpc.client

        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                with xmlrpc.client.ServerProxy(f"http://127.0.0.1:{self.port}", allow_none=True) as proxy:
                    proxy.info()
                return True
            except OSError:
                time.sleep(0.2)
        return False

    def convert(self, src: Path) -> bytes:
        import xmlrpc.client

        with xmlrpc.client.ServerProxy(f"http://127.0.0.1:{self.port}", allow_none=True) as proxy:
            try:
                data = proxy.convert(None, xmlrpc.client.Binary(src.read_bytes()), None, "pdf", None, [], True,
                                     None, None)
            except (OSError, xmlrpc.client.Fault) as err:
                raise PdfError(f"LibreOffice (đang chạy) không xuất được {src.name}: {err}") from None
        return data.data

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.profile.cleanup()


class WarmConverter:
    """LibreOffice kept running behind unoserver, for callers that convert again and again
    (the browser page's previews, the benchmark). A cold soffice start costs about 2 s; a
    conversion by a running one, a fraction of that. One server per document (two, on two
    cores) converts the plan and the annex side by side: 0.5 s one after the other, 0.3 s so.

    unoserver's server must run under a Python that can `import uno` (Debian: python3-uno),
    which is rarely the project's own; `tools/setup_warm_pdf.sh` makes one in `.uno-venv/`.
    The client side is plain XML-RPC, so the project itself needs neither uno nor unoserver.
    """

    def __init__(self, servers: list[_Server]):
        self._servers = servers

    @staticmethod
    def _server_python() -> str | None:
        root = Path(__file__).resolve().parent.parent
        candidates = [os.environ.get("PLAN_DOCS_UNO_PYTHON"), str(root / ".uno-venv" / "bin" / "python"),
                      "/usr/bin/python3"]
        for py in filter(None, candidates):
            if os.path.exists(py) and subprocess.run([py, "-c", "import uno, unoserver"],
                                                     capture_output=True).returncode == 0:
                return py
        return None

    @classmethod
    def unavailable_reason(cls) -> str:
        if find_soffice() is None:
            return "LibreOffice is not installed"
        return "no Python with both uno (python3-uno) and unoserver: run tools/setup_warm_pdf.sh"

    @classmethod
    def start(cls, workers: int = 2, timeout: float = 60) -> "WarmConverter | None":
        import time

        py, soffice = cls._server_python(), find_soffice()
        if py is None or soffice is None:
            return None
        servers = [_Server(py, soffice) for _ in range(max(1, min(workers, os.cpu_count() or 1)))]
        deadline = time.monotonic() + timeout
        ready = [s for s in servers if s.wait_ready(deadline)]
        for s in servers:
            if s not in ready:
                s.stop()
        return cls(ready) if ready else None

    def convert(self, sources: list[Path]) -> dict[str, bytes]:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(len(self._servers)) as pool:
            jobs = [(src, pool.submit(self._servers[i % len(self._servers)].convert, src))
                    for i, src in enumerate(sources)]
            return {src.stem + ".pdf": job.result() for src, job in jobs}

    def stop(self) -> None:
        for server in self._servers:
            server.stop()
