"""`--check` over many files lays their pages out in one LibreOffice start, and judges each file
exactly as it would be judged alone."""
from __future__ import annotations

import json
import shutil

from generator import pdf
from generator.checker.report import as_json, check_file, run_check
from generator.checker.rules import KHONG_DANH_GIA, NOT_ASKED

from .rendering import require_libreoffice


def test_a_batch_is_one_libreoffice_start_and_says_what_each_file_alone_says(built, tmp_path, monkeypatch, capsys):
    require_libreoffice()
    _, out = built
    docs = [out / "ke_hoach.docx", out / "phu_luc.docx"]
    broken = tmp_path / "hong.docx"
    broken.write_bytes(b"PK\x03\x04 not a document")
    strange = tmp_path / "la.docx"
    shutil.copy(out / "phu_luc.docx", strange)
    paths = [*docs, broken, strange]
    alone = json.loads(as_json([check_file(p, True) for p in paths]))
    starts = []
    real = pdf.run_bounded
    monkeypatch.setattr(pdf, "run_bounded", lambda cmd, timeout, *rest: starts.append(cmd) or real(cmd, timeout, *rest))
    capsys.readouterr()
    assert run_check(paths, "json", render=True) == 1  # the broken file is a lỗi of its own
    batch = json.loads(capsys.readouterr().out)
    assert len(starts) == 1
    assert batch == alone


def test_a_batch_libreoffice_cannot_lay_out_is_judged_without_its_pages_not_stopped(built, monkeypatch, capsys):
    from generator.checker import rendered
    from generator.exceptions import PdfError

    _, out = built
    monkeypatch.setattr(rendered, "available", lambda: True)

    def timed_out(sources, timeout, stall=None):
        raise PdfError(f"LibreOffice không xuất xong PDF trong {timeout:.0f} giây; đã dừng.")

    monkeypatch.setattr(pdf, "pdf_bytes_of_each", timed_out)
    capsys.readouterr()
    assert run_check([out / "ke_hoach.docx", out / "phu_luc.docx"], "text", render=True) == 0
    said = capsys.readouterr().out
    assert said.count("Ghi chú: không dựng được trang: LibreOffice không xuất xong PDF") == 2
    assert said.count("Tóm tắt: 0 lỗi") == 2


def test_no_render_says_the_pages_were_not_asked_for_not_that_libreoffice_is_missing(built, capsys):
    _, out = built
    run_check([out / "ke_hoach.docx"], "json", render=False)
    reasons = {f["message"] for f in json.loads(capsys.readouterr().out)["findings"]
               if f["status"] == KHONG_DANH_GIA and f["rule"] in ("khoi_ky_mot_trang", "dong_mot_chu")}
    assert reasons == {NOT_ASKED}


def test_a_file_libreoffice_gets_stuck_on_is_named_and_the_others_are_still_laid_out(built, tmp_path, monkeypatch):
    """A scanned decision from the corpus kept LibreOffice busy for over ten minutes and took the
    whole batch's pages with it. Here a stand-in for soffice hangs on the second file."""
    import sys

    from generator.checker import rendered

    _, out = built
    sample = tmp_path / "sample.pdf"
    sample.write_bytes(b"%PDF-1.4\n")
    fake = tmp_path / "soffice"
    fake.write_text(f"#!{sys.executable}\n" + (
        "import pathlib, shutil, sys, time\n"
        "args = sys.argv[1:]\n"
        "target = pathlib.Path(args[args.index('--outdir') + 1]); target.mkdir(parents=True, exist_ok=True)\n"
        "for a in (a for a in args if a.endswith('.docx')):\n"
        "    if a.endswith('t0001.docx'):\n"
        "        time.sleep(600)\n"
        f"    shutil.copy({str(sample)!r}, target / (pathlib.Path(a).stem + '.pdf'))\n"), encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setattr(pdf, "find_soffice", lambda: str(fake))
    monkeypatch.setattr(rendered, "STALL_S", 2)

    class Pages:  # what was laid out, not read (the stand-in's PDF has no pages)
        def __init__(self, data):
            self.data = data
    monkeypatch.setattr(rendered, "Rendering", Pages)
    paths = [out / "ke_hoach.docx", out / "phu_luc.docx", out / "de_cuong_bao_cao.docx"]
    got = rendered.render_many(paths)
    assert isinstance(got[paths[0]], Pages) and isinstance(got[paths[2]], Pages)
    assert got[paths[1]] == "không dựng được trang: LibreOffice dựng trang tệp này quá 2 giây không xong; đã dừng"
