"""«Kiểm tra»: a draft's thể thức checked against NĐ 30 (`kiem-tra`), the files uploaded from the
page and read in a folder of their own, never kept; and the plan's templates checked against the
data of its config (`kiem-tra-mau`). The same steps, the same findings as the command line."""
from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Blueprint, jsonify, render_template, request

from ... import documents
from ...checker.reading import MAX_FILE
from ...checker.rules import KHONG_DANH_GIA
from ...exceptions import GeneratorError
from ...steps import run_step
from ..services import quiet, services

bp = Blueprint("check", __name__)
MAX_BATCH = 60 * 1024 * 1024  # a few drafts at once; each is bounded again by the reader


def report_json(rep) -> dict:
    """One file's report as the page shows it: each finding with its rule's title."""
    findings = [{"severity": f.severity, "title": r.title, "location": f.location, "message": f.message}
                for r in rep.results for f in r.findings]
    unjudged = [{"title": r.title, "reason": r.reason} for r in rep.results if r.status == KHONG_DANH_GIA]
    evaluated, total = rep.coverage()
    return {"file": rep.path.name, "type": rep.doc_type, "errors": rep.errors, "findings": findings,
            "unjudged": unjudged, "note": rep.render_note, "evaluated": evaluated, "total": total}


@bp.get("/kiem-tra")
def page():
    s = services()
    return render_template("check.html", token=s.token, plan=s.rules())


@bp.post("/api/check/files")
def check_files():
    request.max_content_length = MAX_BATCH
    uploads = [f for f in request.files.getlist("files") if f and f.filename]
    if not uploads:
        return jsonify({"ok": False, "message": "Chưa chọn tệp."}), 400
    with tempfile.TemporaryDirectory(prefix="kiem-tra-") as tmp:
        paths = []
        for f in uploads:
            stem, dot, ext = f.filename.replace("\\", "/").rsplit("/", 1)[-1].rpartition(".")
            if not dot or ext.lower() != "docx":
                return jsonify({"ok": False, "message": f"«{f.filename}»: chỉ kiểm tra được tệp Word .docx "
                                "(tệp .doc: mở bằng Word, lưu thành .docx)."}), 400
            data = f.read(MAX_FILE + 1)
            path = Path(tmp, f"{len(paths) + 1:02d}-{documents.safe_name(stem)}.docx")
            path.write_bytes(data)
            paths.append(path)
        try:
            reports = run_step("check", services().request(tuple(paths)), tell=quiet).result
        except GeneratorError as err:
            return jsonify({"ok": False, "message": err.on_page()}), 400
    shown = [report_json(rep) for rep in reports]
    for one, f in zip(shown, uploads):
        one["file"] = f.filename  # as the clerk named it, not the folder's copy
    errors = sum(one["errors"] for one in shown)
    return jsonify({"ok": True, "reports": shown,
                    "message": f"Đã kiểm tra {len(shown)} tệp: " + (f"{errors} lỗi, xem dưới." if errors else "không có lỗi.")})


@bp.post("/api/check/templates")
def check_templates():
    s = services()
    try:
        done = run_step("check_template", s.request(), tell=quiet)
    except GeneratorError as err:
        return jsonify({"ok": False, "message": err.on_page()}), 400
    return jsonify({"ok": True, "lines": "\n".join(done.lines).splitlines(),
                    "message": "Các mẫu không có lỗi." if done.code == 0 else "Mẫu có lỗi, xem dưới."})
