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
    monkeypatch.setattr(pdf, "run_bounded", lambda cmd, timeout: starts.append(cmd) or real(cmd, timeout))
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

    def timed_out(sources, timeout):
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
