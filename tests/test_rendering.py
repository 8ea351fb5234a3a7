"""A document is what it looks like printed: both documents go through LibreOffice to PDF and
are read back with pdftotext (-layout for text per page, -bbox for where each word sits)."""
from __future__ import annotations

import re
import subprocess

import pytest
from lxml import etree

from generator.checker.report import check_file
from generator.cli import main as cli_main
from generator.main import build
from generator.pdf import to_pdf_bytes

from .conftest import SHIPPED_CONFIG
from .rendering import require_libreoffice

MM = 72 / 25.4  # PDF points per millimetre


class Pdf:
    def __init__(self, path):
        self.path = path
        layout = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
        self.pages = [p for p in layout.stdout.split("\f") if p.strip()]
        bbox = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True).stdout
        root = etree.fromstring(re.sub(rb"<!DOCTYPE[^>]*>", b"", bbox))
        ns = {"x": "http://www.w3.org/1999/xhtml"}
        self.words = []  # (page, word, xMin, yMin, xMax, yMax) in mm
        self.width = self.height = 0.0
        for i, page in enumerate(root.iterfind(".//x:page", ns), 1):
            self.width, self.height = float(page.get("width")) / MM, float(page.get("height")) / MM
            for w in page.iterfind("x:word", ns):
                self.words.append((i, w.text, *(float(w.get(k)) / MM for k in ("xMin", "yMin", "xMax", "yMax"))))

    def find(self, page, text):
        return [w for w in self.words if w[0] == page and w[1] == text]

    def top_words(self, page, within_mm=17):
        return [w for w in self.words if w[0] == page and w[3] < within_mm]


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    require_libreoffice()
    out = tmp_path_factory.mktemp("pdf")
    build(SHIPPED_CONFIG, out)
    for name, data in to_pdf_bytes([out / "ke_hoach.docx", out / "phu_luc.docx"]).items():
        (out / name).write_bytes(data)
    return Pdf(out / "ke_hoach.pdf"), Pdf(out / "phu_luc.pdf")


def test_page_counts(pdfs):
    plan, annex = pdfs
    assert len(plan.pages) == 4
    assert len(annex.pages) == 1


def test_page_1_has_the_issuing_bodies_top_left_and_the_motto_top_right(pdfs):
    plan, _ = pdfs
    middle = plan.width / 2
    (lien,) = plan.find(1, "LIÊN")[:1]
    (cong,) = plan.find(1, "CỘNG")[:1]
    (doc,) = plan.find(1, "Độc")[:1]
    assert lien[4] < middle and lien[3] < 35  # left half, near the top
    assert cong[2] > middle - 10 and cong[3] < 30 and doc[2] > middle
    assert plan.find(1, "TỔNG")[0][3] < lien[3]  # the parent body above the issuing body


def test_no_page_number_on_page_1_and_a_centred_one_on_page_2(pdfs):
    plan, _ = pdfs
    assert plan.top_words(1) == []
    numbers = [w for w in plan.top_words(2) if w[1] == "2"]
    assert len(numbers) == 1
    centre = (numbers[0][2] + numbers[0][4]) / 2
    assert abs(centre - (30 + (210 - 45) / 2)) < 3  # centred over the text area


def test_no_word_runs_past_the_right_margin(pdfs):
    for pdf in pdfs:
        right_edge = pdf.width - 15 + 0.5
        over = [w for w in pdf.words if w[4] > right_edge]
        assert over == [], over[:3]


def test_annex_table_on_its_own_page_with_the_totals(pdfs):
    _, annex = pdfs
    page = annex.pages[0]
    assert "PHÂN BỐ SỐ LƯỢNG KHEN THƯỞNG" in page and "STT" in page
    assert re.search(r"Tổng cộng\s+14\s+32\s+46", page)
    assert re.search(r"Cơ quan LĐLĐ tỉnh.*47", page.replace("\n", " "))


def test_a_long_annex_repeats_its_header_row_and_is_numbered_from_page_2(tmp_path):
    require_libreoffice()
    text = SHIPPED_CONFIG.read_text(encoding="utf-8")
    units = "".join(f"  - name: Công đoàn cơ sở số {i}\n    members: {1000 + 37 * i}\n" for i in range(1, 61))
    config = tmp_path / "plan.yaml"
    config.write_text(text[: text.index("units:\n")] + "units:\n" + units, encoding="utf-8")
    build(config, tmp_path)
    (tmp_path / "phu_luc.pdf").write_bytes(to_pdf_bytes([tmp_path / "phu_luc.docx"])["phu_luc.pdf"])
    annex = Pdf(tmp_path / "phu_luc.pdf")
    assert len(annex.pages) >= 2
    for i, page in enumerate(annex.pages, 1):
        assert "STT" in page and "Tập thể" in page and "Cá nhân" in page, f"header row missing on page {i}"
    assert annex.top_words(1) == [] and [w[1] for w in annex.top_words(2)] == ["2"]


def test_build_with_pdf_writes_both_pdfs(tmp_path, capsys):
    require_libreoffice()
    assert cli_main(["--config", str(SHIPPED_CONFIG), "--output", str(tmp_path), "--pdf"]) == 0
    printed = capsys.readouterr().out
    for name in ("ke_hoach.pdf", "phu_luc.pdf", "ke_hoach.docx", "phu_luc.docx"):
        assert (tmp_path / name).stat().st_size > 1000
        assert str(tmp_path / name) in printed
    assert (tmp_path / "ke_hoach.pdf").read_bytes().startswith(b"%PDF")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith((".tmp", ".old")) or p.name.startswith(".dang-ghi")]


def test_pdf_without_libreoffice_says_how_to_install_it_and_keeps_the_docx(tmp_path, capsys, monkeypatch):
    import generator.pdf as pdf

    monkeypatch.setattr(pdf, "find_soffice", lambda: None)
    assert cli_main(["--config", str(SHIPPED_CONFIG), "--output", str(tmp_path), "--pdf"]) == 2
    err = capsys.readouterr().err
    assert "không tìm thấy LibreOffice" in err and "apt install libreoffice-writer-nogui" in err
    assert (tmp_path / "ke_hoach.docx").is_file() and not (tmp_path / "ke_hoach.pdf").exists()


def test_rendered_rules_pass_on_our_plan(built):
    require_libreoffice()
    _, out = built
    report = check_file(out / "ke_hoach.docx", render=True)
    status = {r.rule: r.status for r in report.results}
    assert status["khoi_ky_mot_trang"] == status["trang_chi_co_chu_ky"] == status["dong_mot_chu"] == "đạt"
    assert {f.severity for f in report.findings} == {"thông tin"}


def test_rendered_rules_find_a_signer_block_alone_on_its_page(tmp_path):
    require_libreoffice()
    import docx

    build(SHIPPED_CONFIG, tmp_path)
    d = docx.Document(str(tmp_path / "ke_hoach.docx"))
    sign = d.tables[-1]._tbl
    page_break = d.add_paragraph()
    page_break.add_run().add_break(__import__("docx").enum.text.WD_BREAK.PAGE)
    sign.addprevious(page_break._p)
    d.save(str(tmp_path / "ke_hoach.docx"))
    report = check_file(tmp_path / "ke_hoach.docx", render=True)
    assert ("trang_chi_co_chu_ky", "thông tin") in {(f.rule, f.severity) for f in report.findings}
