"""The certificates as PDF: the merged .docx converted once by LibreOffice, then split by unit
with pypdf, never converted again (two thousand conversions would take an hour)."""
from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from .documents import safe_name
from .exceptions import PdfError
from .output import FIXED_ZIP_TIME

DOCX, PDF = "bang_khen/bang_khen.docx", "bang_khen/bang_khen.pdf"
BY_UNIT = "bang_khen/theo_don_vi/{stt:02d}-{name}.zip"


def pdf_and_zips(docs: dict[str, bytes], awards, plan) -> dict[str, bytes]:
    from pypdf import PdfReader, PdfWriter

    from .pdf import to_pdf_bytes

    with tempfile.TemporaryDirectory(prefix="bang-khen-") as tmp:
        src = Path(tmp, "bang_khen.docx")
        src.write_bytes(docs[DOCX])
        pdf = to_pdf_bytes([src], timeout=600)["bang_khen.pdf"]
    reader = PdfReader(io.BytesIO(pdf))
    people = awards.all
    if len(reader.pages) != len(people):
        raise PdfError(f"bản PDF có {len(reader.pages)} trang cho {len(people)} Bằng khen; mỗi Bằng khen phải đúng một "
                       "trang. Kiểm tra các ô trong certificates.boxes và mẫu Bằng khen.")
    pages: dict[tuple[int, str], list[int]] = {}
    for i, a in enumerate(people):
        pages.setdefault((a.unit_stt, a.unit), []).append(i)
    out = {PDF: pdf}
    for (stt, unit), numbers in sorted(pages.items()):
        writer = PdfWriter()
        for i in numbers:
            writer.add_page(reader.pages[i])
        part = io.BytesIO()
        writer.write(part)
        name = f"{stt:02d}-{safe_name(unit)}"
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr(zipfile.ZipInfo(f"{name}.pdf", FIXED_ZIP_TIME), part.getvalue())  # same list, same bytes
        out[BY_UNIT.format(stt=stt, name=safe_name(unit))] = buf.getvalue()
    return out
