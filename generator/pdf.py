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
from pathlib import Path

from .exceptions import PdfError
from .output import write_all

TIMEOUT_S = 120
INSTALL_HINT = ("Cài LibreOffice rồi chạy lại: trên Debian/Ubuntu «sudo apt install libreoffice-writer-nogui "
                "fonts-liberation2»; trên Windows cài LibreOffice và thêm thư mục program của nó vào PATH.")


def find_soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for guess in (r"C:\Program Files\LibreOffice\program\soffice.exe", "/Applications/LibreOffice.app/Contents/MacOS/soffice"):
        if os.path.exists(guess):
            return guess
    return None


def to_pdf_bytes(sources: list[Path], timeout: float = TIMEOUT_S) -> dict[str, bytes]:
    """Convert .docx files; return {pdf name: bytes}. Nothing is written beside the sources."""
    soffice = find_soffice()
    if soffice is None:
        raise PdfError("không tìm thấy LibreOffice (lệnh soffice) để xuất PDF. " + INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="lo-") as tmp:
        profile = Path(tmp, "profile").as_uri()
        outdir = Path(tmp, "out")
        cmd = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
               "--convert-to", "pdf", "--outdir", str(outdir), *map(str, sources)]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise PdfError(f"LibreOffice không xuất xong PDF trong {timeout:.0f} giây; đã dừng.") from None
        except OSError as err:
            raise PdfError(f"không chạy được LibreOffice ({soffice}): {err}. " + INSTALL_HINT) from None
        result = {}
        for src in sources:
            pdf = outdir / (src.stem + ".pdf")
            if not pdf.is_file():
                detail = (proc.stderr or proc.stdout).strip()[-300:]
                raise PdfError(f"LibreOffice không tạo được {pdf.name} từ {src}. {detail}")
            result[pdf.name] = pdf.read_bytes()
        return result


def convert(sources: list[Path], out_dir: Path) -> list[Path]:
    return write_all(out_dir, to_pdf_bytes(sources))
