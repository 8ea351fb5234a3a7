"""Regenerate docs/*.png: every page of both documents, as LibreOffice prints them.

    python tools/make_previews.py

Needs LibreOffice and poppler-utils (pdftoppm). The README shows page 1 of each.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.documents import of_group  # noqa: E402
from generator.main import DEFAULT_CONFIG, build  # noqa: E402
from generator.pdf import to_pdf_bytes  # noqa: E402

DOCS = ROOT / "docs"


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    for old in DOCS.glob("ke_hoach-*.png"):
        old.unlink()
    for old in DOCS.glob("phu_luc-*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        build(DEFAULT_CONFIG, out)
        pdfs = to_pdf_bytes([out / kind.output for kind in of_group("plan")])
        for name, data in pdfs.items():
            pdf = out / name
            pdf.write_bytes(data)
            subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(DOCS / pdf.stem)], check=True)
    for png in sorted(DOCS.glob("*.png")):
        print(f"đã ghi {png.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
