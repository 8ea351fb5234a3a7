"""«Tiếp nhận hồ sơ»: the packs for the units (`ho-so`), their lists uploaded and checked
(`tiep-nhan`), and the chase letter to the units that are not yet «đủ» (`don-doc`)."""
from __future__ import annotations

import subprocess

from flask import Blueprint, abort, jsonify, request

from ... import documents, intake
from ...exceptions import GeneratorError
from ...output import write_all
from ...sheets import KINDS_TEXT, LIST_SUFFIXES
from ...steps import run_step
from ..services import quiet, services, shelves

bp = Blueprint("intake", __name__)

CHASE = ("don_doc/cong_van_don_doc.docx", "don_doc/phu_luc_don_doc.docx")
PACKS_ZIP = "ho_so.zip"
FILES = (intake.CONSOLIDATED, intake.ERRORS, PACKS_ZIP) + CHASE



def inbox():
    return services().out_dir / "nop"  # the lists the clerk uploaded, as the units sent them


def view(result=None) -> dict:
    s = services()
    plan = s.rules()
    table = result.table if result else intake.current(plan, s.out_dir)
    problems = result.problems if result else []
    folder = inbox()
    files = [p.relative_to(folder).as_posix() for p in intake.list_files(folder)[0]] if folder.is_dir() else []
    as_json = lambda p: {"file": p.file, "sheet": p.sheet, "row": p.line, "column": p.column,  # noqa: E731
                         "message": p.message, "line": p.render()}
    table = [{**r._asdict(), "either": intake.either(r.collectives_quota)} for r in table]
    downloads = [n for n in FILES if (s.out_dir / n).is_file()]
    return {"ok": True, "table": table, "files": files, "stale": intake.stale(plan, s.out_dir),
            "notes": [as_json(p) for p in (result.notes if result else ())],
            "problems": [as_json(p) for p in problems], "downloads": downloads, "documents": shelves(downloads)}


@bp.get("/tiep-nhan")
def page():
    return services().view_page("intake", "intake.html", "Tệp cấu hình chưa có mục nominations "
                               "(các cột của danh sách đề nghị khen thưởng).", "Thêm mục đó rồi tải lại.", view)


def _uploaded() -> dict[str, bytes] | tuple:
    uploads = [f for f in request.files.getlist("files") if f and f.filename]
    if not uploads:
        return jsonify({"ok": False, "message": "Chưa chọn tệp."}), 400
    files: dict[str, bytes] = {}
    for f in uploads:
        stem, dot, ext = f.filename.replace("\\", "/").rsplit("/", 1)[-1].rpartition(".")
        if not dot or "." + ext.lower() not in LIST_SUFFIXES:
            return jsonify({"ok": False, "message": f"«{f.filename}»: chỉ nhận tệp {KINDS_TEXT}."}), 400
        data = f.read(intake.MAX_FILE + 1)
        if len(data) > intake.MAX_FILE:
            return jsonify({"ok": False, "message": f"«{f.filename}» lớn hơn {intake.MAX_FILE // 1024 // 1024} MB; "
                            "danh sách đề nghị chỉ cần vài chục dòng."}), 400
        # Stored under a name no other file of this request has: «06?.csv» and «06*.csv» are
        # both «06.csv» once cleaned, and the second must not silently replace the first.
        base, n = documents.safe_name(stem), 1
        name = f"{base}.{ext.lower()}"
        while name in files:
            n += 1
            name = f"{base} ({n}).{ext.lower()}"
        files[name] = data
    return files


@bp.post("/api/intake/upload")
def upload():
    request.max_content_length = 20 * 1024 * 1024  # several units' lists at once; each ≤ 5 MB below
    files = _uploaded()
    if isinstance(files, tuple):
        return files
    s = services()
    with s.lock:
        write_all(inbox(), files)
        result = run_step("intake", s.request((inbox(),)), tell=quiet).result
    return jsonify({**view(result), "message": f"Đã nhận {len(files)} tệp; "
                    + ("có lỗi, xem bảng dưới." if result.problems else "không có lỗi.")})


@bp.post("/api/intake/remove")
def remove():
    name = (request.get_json(silent=True) or {}).get("name")
    folder = inbox()
    current = {p.name: p for p in folder.glob("*")} if folder.is_dir() else {}
    if name not in current:  # only a file the page listed: no path from the request
        abort(404)
    s = services()
    with s.lock:
        current[name].unlink()
        result = run_step("intake", s.request((folder,)), tell=quiet).result
    return jsonify({**view(result), "message": f"Đã bỏ tệp {name}."})


@bp.post("/api/intake/packs")
def packs():
    s = services()
    with s.lock:
        built = run_step("packs", s.request(), tell=quiet).result
        shown = [p.relative_to(s.out_dir).as_posix() for p in sorted(built.written) if not p.name.startswith(".")]
        s.zip_into(PACKS_ZIP, shown)
    return jsonify({**view(), "message": f"Đã tạo {len(shown)} tệp hồ sơ mẫu cho "
                    f"{len(built.allocation.rows) + 1} đơn vị (tải {PACKS_ZIP})."})


@bp.post("/api/intake/chase")
def chase():
    s = services()
    with s.lock:
        try:
            built = run_step("chase", s.request(), tell=quiet).result
        except GeneratorError as err:
            return jsonify({**view(), "ok": False, "message": err.on_page()}), 400
        if not built.chased:
            return jsonify({**view(), "message": "Không có đơn vị nào cần đôn đốc: lần tiếp nhận gần nhất, "
                            "mọi đơn vị đều «đủ»."})
        message = (f"Đã lập Công văn đôn đốc {len(built.chased)} đơn vị: "
                   + ", ".join(u["name"] for u in built.chased) + ".")
        try:
            s.preview_docx(s.out_dir / CHASE[0], "don-doc")
        except (GeneratorError, OSError, subprocess.CalledProcessError) as err:
            message += f" Không dựng được ảnh xem trước: {err}"
    return jsonify({**view(), "message": message})


@bp.get("/preview/tiep-nhan/don-doc.png")
def chase_preview():
    return services().preview("don-doc.png", ("don-doc.png",))


@bp.get("/download/tiep-nhan/<path:name>")
def download(name: str):
    return services().download(name, FILES)
