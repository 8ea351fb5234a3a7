"""Regenerate docs/*.png: every page of both documents, as LibreOffice prints them, and the
award cycle's decision, its list and a certificate in each mode (from the invented lists in
tests/data).

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
    award_cycle()
    for png in sorted(DOCS.glob("*.png")):
        print(f"đã ghi {png.relative_to(ROOT)}")


def award_cycle() -> None:
    """packs -> intake -> decision -> certificates, in both modes; page 1 of the decision and of
    its list, and the first person's certificate."""
    from generator.cli import main as cli

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        for args in (["--intake", str(ROOT / "tests" / "data" / "danh_sach_don_vi")], ["--decision"], ["--certificates"]):
            assert cli(["--output", str(out), *args]) == 0, args
        pdfs = to_pdf_bytes([out / "quyet_dinh" / "quyet_dinh.docx", out / "quyet_dinh" / "danh_sach_khen_thuong.docx"])
        for name, data in pdfs.items():
            (out / name).write_bytes(data)
            subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(out / name),
                            str(DOCS / (Path(name).stem + "-1"))], check=True)
        listed = __import__("json").loads((out / "quyet_dinh" / "khen_thuong.json").read_text(encoding="utf-8"))
        first_person = len(listed["tap_the"]) + 1
        overlay = Path(tmp) / "plan.yaml"
        text = DEFAULT_CONFIG.read_text(encoding="utf-8")
        overlay.write_text(__import__("re").sub(r"(?m)^  mode: full$", "  mode: overlay", text, count=1), encoding="utf-8")
        shots = {"bang-khen-full": out}
        assert cli(["--config", str(overlay), "--output", str(out / "phoi"), "--intake",
                    str(ROOT / "tests" / "data" / "danh_sach_don_vi")]) == 0
        for args in (["--decision"], ["--certificates"]):
            assert cli(["--config", str(overlay), "--output", str(out / "phoi"), *args]) == 0
        shots["bang-khen-phoi"] = out / "phoi"
        for name, folder in shots.items():
            subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(first_person), "-l", str(first_person),
                            "-singlefile", str(folder / "bang_khen" / "bang_khen.pdf"), str(DOCS / name)], check=True)


if __name__ == "__main__":
    main()
