"""«Kế hoạch»: the units' member counts edited on the page, saved to the YAML, and the plan built
from them (the step `ke-hoach`), with its downloads and first-page previews."""
from __future__ import annotations

import json
import subprocess

from flask import Blueprint, abort, jsonify, render_template, request

from ... import documents, quotas
from ...config import parse_plan
from ...config_reader import whole_number
from ...exceptions import ConfigError, GeneratorError
from ...formatting import thousands
from ...model import Unit
from ...pdf import find_soffice
from ...steps import run_step
from .. import editing, importing
from ..services import services, shelves

bp = Blueprint("plan", __name__)

# What the page offers comes from the registry: each document of the plan, its PDF and a preview.
DOCS = tuple(kind.output for kind in documents.of_group("plan"))
DOWNLOADS = DOCS + tuple(name.rsplit(".", 1)[0] + ".pdf" for name in DOCS)
PREVIEWS = tuple(name.rsplit(".", 1)[0] + ".png" for name in DOCS)
MAX_UPLOAD = 2 * 1024 * 1024


def state_from_plan(plan) -> dict:
    d = plan.document
    return {"number": "" if d.number is None else str(d.number), "day": "" if d.date.day is None else str(d.date.day),
            "month": str(d.date.month), "year": str(d.date.year),
            "units": [{"name": u.name, "orig": u.name, "members": thousands(u.members)} for u in plan.units]}


def evaluate(state: dict, saved_bytes: bytes | None = None) -> tuple[dict, object | None, str]:
    """Rows with their quotas, totals, and the validator's problems for this state."""
    s = services()
    saved = (s.read_config() if saved_bytes is None else saved_bytes).decode("utf-8")
    base = parse_plan(saved, s.config_path.name)
    counts = [whole_number(str(item.get("members", ""))) for item in state.get("units", [])]
    rows = [{"stt": i, "collectives": base.quotas.collectives_per_unit if isinstance(m, int) else None,
             "individuals": quotas.individuals_for(m, base.quotas) if isinstance(m, int) else None}
            for i, m in enumerate(counts, 1)]
    text = editing.dump(editing.apply_state(editing.loads(saved), state))
    plan, problems = None, []
    try:
        plan = parse_plan(text, s.config_path.name)  # the CLI's own validator
    except ConfigError as err:
        problems = editing.problems_by_field(err)
    totals = None
    if counts and all(isinstance(m, int) for m in counts):  # the totals of the quota module itself
        units = tuple(Unit(str(i), m) for i, m in enumerate(counts))
        totals = quotas.allocate_units(units, base.quotas, base.provincial_row.awards).totals._asdict()
    warnings = [{"field": w.field, "message": w.message} for w in plan.warnings] if plan else []
    return {"rows": rows, "totals": totals, "errors": problems, "warnings": warnings}, plan, text


def state_json() -> dict:
    data = request.get_json(silent=True)
    units = data.get("units", []) if isinstance(data, dict) else None
    # Each unit is a row of the table: a name and a count, as the page sends them.
    if not isinstance(units, list) or not all(
            isinstance(u, dict) and all(isinstance(v, (str, int, float, bool, type(None))) for v in u.values())
            for u in units):
        abort(400, "Dữ liệu gửi lên không đúng dạng.")
    return data


def conflict(data: bytes) -> tuple:
    name = services().config_path.name
    try:
        disk = state_from_plan(parse_plan(data.decode("utf-8"), str(services().config_path)))
    except ConfigError as err:
        return jsonify({"ok": False, "conflict": True, "disk": None, "message":
                        f"Chưa lưu: {name} vừa được sửa ở nơi khác và đang có lỗi ({err}). "
                        "Sửa tệp đó rồi tải lại trang; những gì bạn gõ vẫn còn trên trang."}), 409
    return jsonify({"ok": False, "conflict": True, "disk": disk, "version": editing.version(data), "message":
                    f"Chưa lưu: {name} đã được sửa ở nơi khác (tab khác hoặc trình soạn thảo) sau "
                    "khi trang này mở. Xem các thay đổi bên dưới rồi chọn tải lại, hoặc áp dụng phần bạn sửa."}), 409


@bp.get("/")
def page():
    s = services()
    data = s.read_config()
    try:
        plan = parse_plan(data.decode("utf-8"), str(s.config_path))
    except ConfigError as err:
        return render_template("error.html", title="Tệp cấu hình có lỗi", message=str(err),
                               hint="Sửa tệp cấu hình rồi tải lại trang."), 500
    allocation = quotas.allocate(plan)
    return render_template("page.html", state=state_from_plan(plan), plan=plan, token=s.token,
                           version=editing.version(data),
                           config_name=f"{s.config_path.parent.name}/{s.config_path.name}",
                           rows=allocation.rows, totals=allocation.totals)


@bp.post("/api/state")
def api_state():
    result, _, _ = evaluate(state_json())
    return jsonify(result)


@bp.post("/api/save")
def api_save():
    s = services()
    state = state_json()
    with s.lock:  # the check and the write together: nobody saves in between
        data = s.config_path.read_bytes()
        if state.get("version") != editing.version(data):
            return conflict(data)
        result, plan, text = evaluate(state, data)
        if plan is None:
            return jsonify({**result, "ok": False, "message": "Chưa lưu: còn lỗi, xem các ô được đánh dấu."}), 400
        try:
            backup = editing.save(s.config_path, text)
        except GeneratorError as err:
            return jsonify({**result, "ok": False, "message": err.on_page()}), 500
        saved = s.config_path.read_bytes()
    return jsonify({**result, "ok": True, "version": editing.version(saved),
                    "message": f"Đã lưu {s.config_path.name}; bản cũ giữ ở {backup.parent.name}/{backup.name}."})


@bp.post("/api/build")
def api_build():
    s = services()
    result, plan, _ = evaluate(state_json())
    if plan is None:
        return jsonify({**result, "ok": False, "message": "Chưa tạo văn bản: còn lỗi, xem các ô được đánh dấu."}), 400
    with s.lock:
        try:
            built = run_step("plan", s.request(plan=plan), tell=lambda line: None).result
            files = [p.name for p in built.written if p.name in DOWNLOADS]
            pngs = []
            if find_soffice() is not None:
                pdfs = s.to_pdfs([s.out_dir / name for name in DOCS])
                files += [p.name for p in pdfs]
                pngs = [s.first_page_png(pdf, pdf.stem) for pdf in pdfs]
        except GeneratorError as err:
            return jsonify({**result, "ok": False, "message": err.on_page()}), 500
        except (OSError, subprocess.CalledProcessError) as err:
            return jsonify({**result, "ok": True, "files": files, "documents": shelves(files), "previews": [],
                            "message": f"Đã tạo văn bản; không dựng được ảnh xem trước: {err}"})
    return jsonify({**result, "ok": True, "files": files, "documents": shelves(files), "previews": pngs,
                    "message": "Đã tạo văn bản."})


@bp.get("/download/<name>")
def download(name: str):
    return services().download(name, DOWNLOADS)


@bp.get("/preview/<name>")
def preview(name: str):
    return services().preview(name, PREVIEWS)


@bp.post("/api/import")
def api_import():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return jsonify({"ok": False, "message": "Chưa chọn tệp."}), 400
    try:
        units = json.loads(request.form.get("units", "[]"))
        if not (isinstance(units, list) and all(isinstance(u, dict) and isinstance(u.get("name"), str)
                                                and isinstance(u.get("members"), str) for u in units)):
            abort(400, "Danh sách đơn vị gửi kèm không đúng dạng; tải lại trang.")
        rows = importing.read(upload.filename, upload.read(MAX_UPLOAD + 1))
    except GeneratorError as err:
        return jsonify({"ok": False, "message": f"Không nhập được: {err}"}), 400
    except ValueError:
        abort(400, "Danh sách đơn vị gửi kèm không đúng dạng; tải lại trang.")
    found = importing.match(rows, units)
    base = services().rules().quotas
    for change in found["changes"]:
        old = whole_number(str(units[change["index"]]["members"]))
        change["old"] = thousands(old) if isinstance(old, int) else None
        change["old_quota"] = quotas.individuals_for(old, base) if isinstance(old, int) else None
        change["new_quota"] = quotas.individuals_for(change["new"], base)
        change["new_text"] = thousands(change["new"])
    return jsonify({"ok": True, **found})
