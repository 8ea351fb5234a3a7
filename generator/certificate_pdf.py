"""The certificates as PDF: the merged .docx converted once by LibreOffice, then split by unit
with pypdf, never converted again (two thousand conversions would take an hour)."""
from __future__ import annotations

import io
from pathlib import Path
import tempfile
import zipfile

from . import progress
from .documents import safe_name
from .exceptions import PdfError
from .output import FIXED_ZIP_TIME
from .pdf import to_pdf_bytes

DOCX, PDF = "bang_khen/bang_khen.docx", "bang_khen/bang_khen.pdf"
BY_UNIT = "bang_khen/theo_don_vi/{stt:02d}-{name}.zip"


def _writer(plan):
    """A PDF that a reader prints at actual size: «Fit to page» would move every line off the
    pre-printed stock. Its dates are the decision's, not the clock's, and it carries no random
    file identifier, so the same list gives the same bytes."""
    from pypdf import PdfWriter  # pypdf: only when the certificates' PDF is split
    from pypdf.generic import NameObject

    writer = PdfWriter()
    writer.create_viewer_preferences()
    writer.viewer_preferences.print_scaling = NameObject("/None")
    d = plan.decision.date if plan.decision is not None else plan.document.date
    stamp = d.earliest().strftime("D:%Y%m%d000000")
    writer.add_metadata({"/Producer": "LibreOffice, pypdf", "/CreationDate": stamp, "/ModDate": stamp})
    return writer


def _pdf(writer) -> bytes:
    part = io.BytesIO()
    writer.write(part)
    return part.getvalue()


def pdf_and_zips(docs: dict[str, bytes], awards, plan) -> dict[str, bytes]:
    from pypdf import PdfReader  # pypdf: only when the certificates' PDF is split



    progress.report(f"Đang chuyển {len(awards.all)} trang sang PDF (LibreOffice, một lần cho tất cả)")
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
    whole = _writer(plan)
    for page in reader.pages:
        whole.add_page(page)
    out = {PDF: _pdf(whole)}
    for n, ((stt, unit), numbers) in enumerate(sorted(pages.items()), 1):
        progress.report("Đang tách PDF theo đơn vị", n, len(pages))
        writer = _writer(plan)
        for i in numbers:
            writer.add_page(reader.pages[i])
        name = f"{stt:02d}-{safe_name(unit)}"
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr(zipfile.ZipInfo(f"{name}.pdf", FIXED_ZIP_TIME), _pdf(writer))  # same list, same bytes
        out[BY_UNIT.format(stt=stt, name=safe_name(unit))] = buf.getvalue()
    return out
