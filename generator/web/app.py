"""The clerk's page: Flask, server-rendered HTML and a little plain JavaScript.

Every rule comes from the same modules as the CLI: the validator (config.parse_plan, through
editing.py), the quotas (quotas.py), the build (main.build_plan). The page only edits values.

Security: binds 127.0.0.1 unless told otherwise (another address needs --allow-remote); a
request whose Host is not this machine's own name and port is refused, which defeats DNS
rebinding; a POST from another site's page (Origin or Referer) is refused, and every POST
carries the page's CSRF token; the page cannot be framed (X-Frame-Options, CSP); uploads are
size-limited, only .xlsx/.csv are read, and spreadsheets are read within fixed bounds
(importing.py); downloads are looked up in a fixed list of the current build's files, so no
path from a request reaches the file system; everything the page shows is escaped.

Lost updates: the page sends the version (a hash) of the file its edits are based on; a save
of a file changed since is refused with what changed on disk, and units are matched by name.
"""
from __future__ import annotations

import hmac
import json
import secrets
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, abort, jsonify, render_template, request, send_file
from werkzeug.exceptions import HTTPException

from .. import documents, quotas
from ..config import load_plan, parse_plan
from ..config_reader import whole_number
from ..exceptions import ConfigError, GeneratorError
from ..formatting import thousands
from ..model import Unit
from .. import intake
from ..main import PAPER_FOLDERS, build_group, build_plan, templates_for
from ..sheets import KINDS_TEXT, LIST_SUFFIXES
from ..output import write_all
from . import editing, importing

# What the page offers comes from the registry: each document of the plan, its PDF and a preview.
_DOCS = tuple(kind.output for kind in documents.of_group("plan"))
DOWNLOADS = _DOCS + tuple(name.rsplit(".", 1)[0] + ".pdf" for name in _DOCS)
PREVIEWS = tuple(name.rsplit(".", 1)[0] + ".png" for name in _DOCS)
MAX_UPLOAD = 2 * 1024 * 1024
LOOPBACK = ("127.0.0.1", "localhost", "[::1]")
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
       "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'")
MESSAGES = {
    400: "Yêu cầu không đúng dạng.",
    403: "Yêu cầu bị từ chối.",
    404: "Không có trang hoặc tệp này.",
    405: "Trang này không nhận kiểu yêu cầu đó.",
    413: f"Tệp quá lớn (tối đa {MAX_UPLOAD // 1024 // 1024} MB).",
    500: "Chương trình gặp lỗi ngoài dự kiến; chưa có gì bị ghi. Tải lại trang và thử lại; nếu còn lỗi, "
         "chép dòng lỗi trong cửa sổ dòng lệnh gửi người phụ trách.",
}


def create_app(config_path: Path, out_dir: Path, templates_dir: Path | None = None,
               extra_hosts: tuple[str, ...] = ()) -> Flask:
    """`templates_dir` None: the plan's own (its `templates:` key). `extra_hosts`: names besides
    this machine's own (127.0.0.1, localhost, [::1]) that a request's Host may carry, for
    --allow-remote."""
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_UPLOAD
    token = secrets.token_urlsafe(32)
    previews = tempfile.TemporaryDirectory(prefix="trang-xem-")
    lock = threading.RLock()  # reentrant: a write may read the config it is about to change
    warm: dict = {"converter": None, "thread": None, "closed": False}

    def start_warm() -> None:
        from ..pdf import WarmConverter

        converter = WarmConverter.start()
        with lock:
            if warm["closed"] and converter is not None:
                converter.stop()
            else:
                warm["converter"] = converter

    def close() -> None:
        warm["closed"] = True
        if warm["thread"] is not None:
            warm["thread"].join(timeout=90)
        if warm["converter"] is not None:
            warm["converter"].stop()
        previews.cleanup()

    app.extensions["plan_docs"] = {"close": close}

    def pdf_bytes(docs: list[Path]) -> dict[str, bytes]:
        """PDFs of the build, as {name: bytes}. A LibreOffice kept running (unoserver) answers in
        about half a second where a fresh one takes two: it is started in the background at the
        first build, which itself uses a fresh LibreOffice, as do all builds without unoserver."""
        from ..pdf import to_pdf_bytes

        if warm["thread"] is None:
            warm["thread"] = threading.Thread(target=start_warm, daemon=True)
            warm["thread"].start()
        converter = warm["converter"]
        return converter.convert(docs) if converter else to_pdf_bytes(docs)

    def to_pdfs(docs: list[Path], folder: Path = out_dir) -> list[Path]:
        return write_all(folder, pdf_bytes(docs))

    def first_page_png(pdf: Path, name: str) -> str:
        """Page 1 of `pdf` as previews/<name>.png, for the page to show."""
        subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                        str(Path(previews.name) / name)], check=True, capture_output=True)
        return name + ".png"

    def rules():  # the saved config's quota rules and provincial row
        return parse_plan(read_config().decode("utf-8"), config_path.name)

    def state_from_plan(plan) -> dict:
        d = plan.document
        return {"number": "" if d.number is None else str(d.number), "day": "" if d.date.day is None else str(d.date.day),
                "month": str(d.date.month), "year": str(d.date.year),
                "units": [{"name": u.name, "orig": u.name, "members": thousands(u.members)} for u in plan.units]}

    def read_config() -> bytes:
        with lock:  # the same lock as every write: never a file caught between two writes
            return config_path.read_bytes()

    def evaluate(state: dict, saved_bytes: bytes | None = None) -> tuple[dict, object | None, str]:
        """Rows with their quotas, totals, and the validator's problems for this state."""
        saved = (read_config() if saved_bytes is None else saved_bytes).decode("utf-8")
        base = parse_plan(saved, config_path.name)
        counts = [whole_number(str(item.get("members", ""))) for item in state.get("units", [])]
        rows = [{"stt": i, "collectives": base.quotas.collectives_per_unit if isinstance(m, int) else None,
                 "individuals": quotas.individuals_for(m, base.quotas) if isinstance(m, int) else None}
                for i, m in enumerate(counts, 1)]
        text = editing.dump(editing.apply_state(editing.loads(saved), state))
        plan, problems = None, []
        try:
            plan = parse_plan(text, config_path.name)  # the CLI's own validator
        except ConfigError as err:
            problems = editing.problems_by_field(err)
        totals = None
        if counts and all(isinstance(m, int) for m in counts):  # the totals of the quota module itself
            units = tuple(Unit(str(i), m) for i, m in enumerate(counts))
            totals = quotas.allocate_units(units, base.quotas, base.provincial_row.awards).totals._asdict()
        warnings = [{"field": w.field, "message": w.message} for w in plan.warnings] if plan else []
        return {"rows": rows, "totals": totals, "errors": problems, "warnings": warnings}, plan, text

    def allowed_hosts() -> set[str]:
        port = request.environ.get("SERVER_PORT", "")
        names = LOOPBACK + extra_hosts
        hosts = {f"{name}:{port}" for name in names}
        if port == "80":  # a browser leaves out the default port
            hosts |= set(names)
        return hosts

    @app.before_request
    def check_origin_and_csrf():
        hosts = allowed_hosts()
        if request.host.lower() not in hosts:
            abort(403, f"Trang chỉ mở qua địa chỉ của máy này, không qua «{request.host}».")
        if request.method == "POST":
            for header in ("Origin", "Referer"):
                sent = request.headers.get(header)
                if sent and sent != "null" and urlsplit(sent).netloc.lower() not in hosts:
                    abort(403, "Yêu cầu đến từ một trang khác, không phải trang nhập liệu này.")
            sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token") or ""
            if not hmac.compare_digest(sent, token):
                abort(403, "Thiếu hoặc sai mã bảo vệ (CSRF); tải lại trang.")

    @app.after_request
    def security_headers(response):
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.get("/")
    def page():
        data = read_config()
        try:
            plan = parse_plan(data.decode("utf-8"), str(config_path))
        except ConfigError as err:
            return render_template("error.html", title="Tệp cấu hình có lỗi", message=str(err),
                                   hint="Sửa tệp cấu hình rồi tải lại trang."), 500
        allocation = quotas.allocate(plan)
        return render_template("page.html", state=state_from_plan(plan), plan=plan, token=token,
                               version=editing.version(data),
                               config_name=f"{config_path.parent.name}/{config_path.name}",
                               rows=allocation.rows, totals=allocation.totals)

    from .. import progress

    latest = progress.Latest()
    progress.listen("page", latest)

    @app.before_request
    def fresh_progress():
        if request.method == "POST":  # a new action: the last one's stages are not its own
            latest.clear()

    @app.before_request
    def settle_output():
        # What a killed run (this page's, or a command's) left in output/ is settled before an
        # action reads it, as every command does before it starts.
        if request.method == "POST":
            from ..output import recover

            recover(out_dir)

    @app.get("/api/progress")
    def api_progress():
        # Polled by the page while a long build runs (certificates, packs): the same stages the
        # CLI prints. Read-only, and the Host check above still applies.
        stage = latest.stage
        return jsonify({"text": stage.line() if stage else None})

    @app.get("/api/token")
    def api_token():
        # A page left open across a restart of the server asks for the new token. Another
        # site's page cannot read this answer (same-origin policy), nor reach it under another
        # name (the Host check above).
        return jsonify({"token": token})

    def state_json() -> dict:
        data = request.get_json(silent=True)
        units = data.get("units", []) if isinstance(data, dict) else None
        # Each unit is a row of the table: a name and a count, as the page sends them.
        if not isinstance(units, list) or not all(
                isinstance(u, dict) and all(isinstance(v, (str, int, float, bool, type(None))) for v in u.values())
                for u in units):
            abort(400, "Dữ liệu gửi lên không đúng dạng.")
        return data

    @app.post("/api/state")
    def api_state():
        result, _, _ = evaluate(state_json())
        return jsonify(result)

    def conflict(data: bytes) -> tuple:
        try:
            disk = state_from_plan(parse_plan(data.decode("utf-8"), str(config_path)))
        except ConfigError as err:
            return jsonify({"ok": False, "conflict": True, "disk": None, "message":
                            f"Chưa lưu: {config_path.name} vừa được sửa ở nơi khác và đang có lỗi ({err}). "
                            "Sửa tệp đó rồi tải lại trang; những gì bạn gõ vẫn còn trên trang."}), 409
        return jsonify({"ok": False, "conflict": True, "disk": disk, "version": editing.version(data), "message":
                        f"Chưa lưu: {config_path.name} đã được sửa ở nơi khác (tab khác hoặc trình soạn thảo) sau "
                        "khi trang này mở. Xem các thay đổi bên dưới rồi chọn tải lại, hoặc áp dụng phần bạn sửa."}), 409

    @app.post("/api/save")
    def api_save():
        state = state_json()
        with lock:  # the check and the write together: nobody saves in between
            data = config_path.read_bytes()
            if state.get("version") != editing.version(data):
                return conflict(data)
            result, plan, text = evaluate(state, data)
            if plan is None:
                return jsonify({**result, "ok": False, "message": "Chưa lưu: còn lỗi, xem các ô được đánh dấu."}), 400
            try:
                backup = editing.save(config_path, text)
            except GeneratorError as err:
                return jsonify({**result, "ok": False, "message": err.on_page()}), 500
            saved = config_path.read_bytes()
        return jsonify({**result, "ok": True, "version": editing.version(saved),
                        "message": f"Đã lưu {config_path.name}; bản cũ giữ ở {backup.parent.name}/{backup.name}."})

    @app.post("/api/build")
    def api_build():
        result, plan, _ = evaluate(state_json())
        if plan is None:
            return jsonify({**result, "ok": False, "message": "Chưa tạo văn bản: còn lỗi, xem các ô được đánh dấu."}), 400
        with lock:
            try:
                built = build_plan(plan, out_dir, templates_dir or templates_for(plan, config_path))
                files = [p.name for p in built.written if p.name in DOWNLOADS]
                pngs = []
                from ..pdf import find_soffice

                if find_soffice() is not None:
                    pdfs = to_pdfs([out_dir / name for name in _DOCS])
                    files += [p.name for p in pdfs]
                    pngs = [first_page_png(pdf, pdf.stem) for pdf in pdfs]
            except GeneratorError as err:
                return jsonify({**result, "ok": False, "message": err.on_page()}), 500
            except (OSError, subprocess.CalledProcessError) as err:
                return jsonify({**result, "ok": True, "files": files, "previews": [],
                                "message": f"Đã tạo văn bản; không dựng được ảnh xem trước: {err}"})
        return jsonify({**result, "ok": True, "files": files, "previews": pngs, "message": "Đã tạo văn bản."})

    def served(path: Path):
        """A file of the output folder, sent only when it is a regular file (no link, which could
        point anywhere on the machine) whose real path lies inside that folder."""
        try:
            real, root = path.resolve(strict=True), out_dir.resolve(strict=True)
        except OSError:
            abort(404)
        if path.is_symlink() or not real.is_file() or not real.is_relative_to(root):
            abort(404)
        return send_file(real, as_attachment=True, download_name=path.name)

    @app.get("/download/<name>")
    def download(name: str):
        if name not in DOWNLOADS:
            abort(404)
        return served(out_dir / DOWNLOADS[DOWNLOADS.index(name)])

    @app.get("/preview/<name>")
    def preview(name: str):
        if name not in PREVIEWS:
            abort(404)
        path = Path(previews.name) / PREVIEWS[PREVIEWS.index(name)]
        if not path.is_file():
            abort(404)
        return send_file(path, mimetype="image/png", max_age=0)

    @app.post("/api/import")
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
        base = rules().quotas
        for change in found["changes"]:
            old = whole_number(str(units[change["index"]]["members"]))
            change["old"] = thousands(old) if isinstance(old, int) else None
            change["old_quota"] = quotas.individuals_for(old, base) if isinstance(old, int) else None
            change["new_quota"] = quotas.individuals_for(change["new"], base)
            change["new_text"] = thousands(change["new"])
        return jsonify({"ok": True, **found})

    # -- «Tiếp nhận hồ sơ»: the units' lists, checked by intake.py -----------------------------
    inbox = out_dir / "nop"  # the lists the clerk uploaded, as the units sent them
    CHASE = ("don_doc/cong_van_don_doc.docx", "don_doc/phu_luc_don_doc.docx")
    INTAKE_FILES = (intake.CONSOLIDATED, intake.ERRORS, "ho_so.zip") + CHASE

    def intake_view(result=None) -> dict:
        plan = rules()
        table = result.table if result else intake.current(plan, out_dir)
        problems = result.problems if result else []
        files = [p.relative_to(inbox).as_posix() for p in intake.list_files(inbox)[0]] if inbox.is_dir() else []
        as_json = lambda p: {"file": p.file, "sheet": p.sheet, "row": p.row, "column": p.column,  # noqa: E731
                             "message": p.message, "line": p.line()}
        table = [{**r, "either": intake.either(r["collectives_quota"])} for r in table]
        return {"ok": True, "table": table, "files": files, "stale": intake.stale(plan, out_dir),
                "notes": [as_json(p) for p in (result.notes if result else ())],
                "problems": [as_json(p) for p in problems],
                "downloads": [n for n in INTAKE_FILES if (out_dir / n).is_file()]}

    @app.get("/tiep-nhan")
    def intake_page():
        plan = rules()
        if plan.nominations is None:
            return render_template("error.html", title="Thiếu cấu hình", message="Tệp cấu hình chưa có mục nominations "
                                   "(các cột của danh sách đề nghị khen thưởng).", hint="Thêm mục đó rồi tải lại."), 500
        return render_template("intake.html", token=token, plan=plan, view=intake_view())

    @app.post("/api/intake/upload")
    def intake_upload():
        request.max_content_length = 20 * 1024 * 1024  # several units' lists at once; each ≤ 5 MB below
        uploads = [f for f in request.files.getlist("files") if f and f.filename]
        if not uploads:
            return jsonify({"ok": False, "message": "Chưa chọn tệp."}), 400
        files = {}
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
        plan = rules()
        with lock:
            write_all(inbox, files)
            result = intake.run(plan, inbox, out_dir)
        view = intake_view(result)
        return jsonify({**view, "message": f"Đã nhận {len(files)} tệp; "
                        + ("có lỗi, xem bảng dưới." if result.problems else "không có lỗi.")})

    @app.post("/api/intake/remove")
    def intake_remove():
        name = (request.get_json(silent=True) or {}).get("name")
        current_files = {p.name: p for p in inbox.glob("*")} if inbox.is_dir() else {}
        if name not in current_files:  # only a file the page listed: no path from the request
            abort(404)
        plan = rules()
        with lock:
            current_files[name].unlink()
            result = intake.run(plan, inbox, out_dir)
        return jsonify({**intake_view(result), "message": f"Đã bỏ tệp {name}."})

    @app.post("/api/intake/packs")
    def intake_packs():
        import io
        import zipfile

        with lock:
            built = build_group(config_path, out_dir, "packs", templates_dir)
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
                for path in sorted(built.written):
                    z.write(path, path.relative_to(out_dir).as_posix())
            write_all(out_dir, {"ho_so.zip": buf.getvalue()})
        return jsonify({**intake_view(), "message": f"Đã tạo {len(built.written)} tệp hồ sơ mẫu cho "
                        f"{len(built.allocation.rows) + 1} đơn vị (tải ho_so.zip)."})

    @app.post("/api/intake/chase")
    def intake_chase():
        from ..main import build_paper

        with lock:
            try:
                built = build_paper(config_path, out_dir, "chase", templates_dir)
            except GeneratorError as err:
                return jsonify({**intake_view(), "ok": False, "message": err.on_page()}), 400
            chased = built.chased
            if not chased:
                return jsonify({**intake_view(), "message": "Không có đơn vị nào cần đôn đốc: lần tiếp nhận gần nhất, "
                                "mọi đơn vị đều «đủ»."})
            message = f"Đã lập Công văn đôn đốc {len(chased)} đơn vị: " + ", ".join(u["name"] for u in chased) + "."
            try:
                preview_docx(out_dir / CHASE[0], "don-doc")
            except (GeneratorError, OSError, subprocess.CalledProcessError) as err:
                message += f" Không dựng được ảnh xem trước: {err}"
        return jsonify({**intake_view(), "message": message})

    @app.get("/preview/tiep-nhan/don-doc.png")
    def chase_preview():
        shown = Path(previews.name) / "don-doc.png"
        if not shown.is_file():
            abort(404)
        return send_file(shown, mimetype="image/png", max_age=0)

    @app.get("/download/tiep-nhan/<path:name>")
    def intake_download(name: str):
        if name not in INTAKE_FILES:
            abort(404)
        return served(out_dir / INTAKE_FILES[INTAKE_FILES.index(name)])

    # -- «Quyết định và Bằng khen»: the decision and the certificates, by main.build_decision and
    # main.build_certificates (the steps quyet-dinh, bang-khen) ------------------------------
    AWARD_FOLDERS = ("quyet_dinh", "bang_khen") + tuple(PAPER_FOLDERS[g] for g in ("invitations", "prizes", "results"))
    ALL_AWARDS = "quyet_dinh_bang_khen.zip"

    def award_files() -> list[str]:
        """Every file of the last decision and certificates, as paths under output/."""
        # The files of the current sets, from their manifests (never a listing of the folders,
        # which may hold what a killed run left), as regular files: a link could point anywhere.
        from ..main import read_manifest_of

        names = [n for folder in AWARD_FOLDERS for n in read_manifest_of(out_dir, folder)
                 if not n.endswith(".json") and (out_dir / n).is_file() and not (out_dir / n).is_symlink()]
        return names + ([ALL_AWARDS] if (out_dir / ALL_AWARDS).is_file() else [])

    def award_view() -> dict:
        from ..awards import read_dump
        from ..exceptions import AwardsError
        from ..main import DECISION_LIST

        plan = rules()
        table = intake.current(plan, out_dir) if plan.nominations is not None else []
        try:
            chosen = read_dump(plan, out_dir / DECISION_LIST)
        except AwardsError:
            chosen = None
        for row in table:
            row["in_decision"] = None if chosen is None else [
                sum(a.unit == row["name"] for a in part) for part in (chosen.collectives, chosen.individuals)]
        order = ["to_trinh_ban", "quyet_dinh", "danh_sach_khen_thuong", "bang_khen", "so_cap_bang", "giay_moi",
                 "danh_sach_tien_thuong", "cong_van_gui_quyet_dinh"]  # as the office writes them
        shown = sorted((p.name for p in Path(previews.name).glob("khen-*.png")),
                       key=lambda n: order.index(n[5:-4]) if n[5:-4] in order else len(order))
        return {"ok": True, "table": table, "downloads": award_files(), "previews": shown,
                "stale": intake.stale(plan, out_dir) if plan.nominations is not None else [],
                "decision": None if chosen is None else {"collectives": len(chosen.collectives),
                                                          "individuals": len(chosen.individuals)}}

    def zip_all() -> None:
        import io
        import zipfile

        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for name in award_files():
                if name != ALL_AWARDS:
                    z.write(out_dir / name, name)
        write_all(out_dir, {ALL_AWARDS: buf.getvalue()})

    @app.get("/quyet-dinh")
    def award_page():
        plan = rules()
        if plan.decision is None or plan.nominations is None:
            return render_template("error.html", title="Thiếu cấu hình", message="Tệp cấu hình chưa có mục decision "
                                   "(Quyết định khen thưởng) hoặc nominations.", hint="Thêm các mục đó rồi tải lại."), 500
        return render_template("decision.html", token=token, plan=plan, view=award_view())

    @app.post("/api/decision/build")
    def decision_build():
        from ..main import build_decision
        from ..pdf import find_soffice

        allow = bool((request.get_json(silent=True) or {}).get("allow_incomplete"))
        with lock:
            convert = pdf_bytes if find_soffice() is not None else None
            try:
                built = build_decision(config_path, out_dir, templates_dir, allow_incomplete=allow, convert=convert)
            except GeneratorError as err:
                return jsonify({**award_view(), "ok": False, "message": err.on_page()}), 400
            message = (f"Đã lập Quyết định: {len(built.awards.collectives):02d} tập thể và "
                       f"{len(built.awards.individuals):02d} cá nhân.")
            if built.awards.missing:
                message += " Chưa đưa vào: " + ", ".join(f"{n} ({s})" for n, s in built.awards.missing) + "."
            if built.awards.partial:
                message += " Chưa đủ số lượng (đưa vào những gì đã nhận): " + ", ".join(
                    n for n, _ in built.awards.partial) + "."
            if convert is not None:
                try:
                    for pdf in (p for p in built.written if p.suffix == ".pdf"):
                        first_page_png(pdf, f"khen-{pdf.stem}")
                except (GeneratorError, OSError, subprocess.CalledProcessError) as err:
                    message += f" Không dựng được ảnh xem trước: {err}"
            zip_all()
        return jsonify({**award_view(), "message": message})

    @app.post("/api/certificates/build")
    def certificates_build():
        from .. import certificate_pdf
        from ..main import build_certificates

        with lock:
            try:
                built = build_certificates(config_path, out_dir, templates_dir)
                zip_all()
                pdf = out_dir / certificate_pdf.PDF
                if pdf in built.written:  # its first page is the preview
                    first_page_png(pdf, "khen-bang_khen")
                    preview_docx(out_dir / "bang_khen" / "so_cap_bang.docx", "khen-so_cap_bang")
            except GeneratorError as err:
                return jsonify({**award_view(), "ok": False, "message": err.on_page()}), 400
            except (OSError, subprocess.CalledProcessError) as err:
                return jsonify({**award_view(), "message": f"Đã in Bằng khen; không dựng được ảnh xem trước: {err}"})
        done = (f"Đã in {len(built.awards.all)} Bằng khen (kiểu «{built.plan.certificates.mode}»), một trang mỗi "
                "người" + ("; ZIP theo từng đơn vị." if pdf in built.written else "."))
        return jsonify({**award_view(), "message": " ".join((done, *built.notes))})

    def preview_docx(path: Path, name: str) -> None:
        """Page 1 of a .docx as previews/<name>.png, through one LibreOffice conversion."""
        from ..pdf import find_soffice

        if find_soffice() is None:
            return
        with tempfile.TemporaryDirectory(prefix="xem-truoc-") as tmp:
            for pdf_name, data in pdf_bytes([path]).items():
                pdf = Path(tmp, pdf_name)
                pdf.write_bytes(data)
                first_page_png(pdf, name)

    # What each later paper's button says it made, by step (main.PAPER_FOLDERS).
    PAPER_DONE = {"invitations": "Đã lập Giấy mời dự Hội nghị", "prizes": "Đã lập Danh sách nhận tiền thưởng",
                  "results": "Đã lập Công văn gửi Quyết định"}

    @app.post("/api/papers/<group>")
    def paper_build(group: str):
        from ..main import build_paper

        if group not in PAPER_DONE:
            abort(404)
        with lock:
            try:
                built = build_paper(config_path, out_dir, group, templates_dir)
            except GeneratorError as err:
                return jsonify({**award_view(), "ok": False, "message": err.on_page()}), 400
            message = f"{PAPER_DONE[group]} ({len([p for p in built.written if not p.name.startswith('.')])} tệp)."
            try:
                first = next(p for p in built.written if p.suffix == ".docx")
                preview_docx(first, "khen-" + (first.stem if group != "invitations" else "giay_moi"))
            except (StopIteration, GeneratorError, OSError, subprocess.CalledProcessError) as err:
                message += f" Không dựng được ảnh xem trước: {err}" if not isinstance(err, StopIteration) else ""
            zip_all()
        return jsonify({**award_view(), "message": message})

    @app.get("/download/khen-thuong/<path:name>")
    def award_download(name: str):
        files = award_files()
        if name not in files:  # only a file the page listed: no path from the request
            abort(404)
        return served(out_dir / files[files.index(name)])

    @app.get("/preview/khen-thuong/<name>")
    def award_preview(name: str):
        shown = {p.name: p for p in Path(previews.name).glob("khen-*.png")}
        if name not in shown:
            abort(404)
        return send_file(shown[name], mimetype="image/png", max_age=0)

    @app.errorhandler(HTTPException)
    def http_error(err):
        """Every error in Vietnamese: JSON for the page's requests, a page for a person."""
        # Our own abort() messages are Vietnamese; werkzeug's defaults (its class's description) are not.
        own = err.description if err.description != type(err).description else None
        message = own or MESSAGES.get(err.code, MESSAGES[400])
        if err.code == 413:  # the limit of this route (the units' lists take 20 MB at once), not the default
            limit = request.max_content_length or MAX_UPLOAD
            message = f"Tệp quá lớn (tối đa {limit // 1024 // 1024} MB mỗi lần gửi)."
        if request.path.startswith("/api/"):
            return jsonify({"ok": False, "message": message}), err.code
        return render_template("error.html", title=f"Lỗi {err.code}", message=message,
                               hint="Quay lại trang nhập liệu."), err.code

    @app.errorhandler(Exception)
    def unexpected(err):
        import traceback

        traceback.print_exception(err, file=sys.stderr)  # for whoever maintains the tool
        if request.path.startswith("/api/"):
            return jsonify({"ok": False, "message": MESSAGES[500]}), 500
        return render_template("error.html", title="Lỗi", message=MESSAGES[500], hint=""), 500

    return app


def serve(config_path: Path, out_dir: Path, host: str = "127.0.0.1", port: int = 8000,
          open_browser: bool = True, templates_dir: Path | None = None, allow_remote: bool = False) -> int:
    from werkzeug.serving import make_server

    from ..output import recover_all

    remote = host.lower().strip("[]") not in ("127.0.0.1", "localhost", "::1")
    if remote and not allow_remote:
        raise GeneratorError(f"--host {host} mở trang cho các máy khác trong mạng: ai vào được cũng sửa được kế hoạch. "
                             "Trang chỉ dành cho máy này (bỏ --host); nếu thật sự cần, thêm --allow-remote.")
    if remote:
        print(f"CẢNH BÁO: trang mở cho mọi máy thấy được {host}:{port}; ai vào được cũng sửa được kế hoạch.")
    for note in recover_all(config_path, out_dir):
        print(note)
    load_plan(config_path)  # a broken config is reported before the server starts
    app = create_app(config_path, out_dir, templates_dir, extra_hosts=(host,) if remote else ())
    try:
        server = make_server(host, port, app, threaded=True)
    except (OSError, SystemExit):  # werkzeug reports a busy port by exiting
        app.extensions["plan_docs"]["close"]()
        raise GeneratorError(f"không mở được trang ở {host}:{port}: cổng đang bận hoặc không được phép; "
                             "thử --port 8001.") from None
    url = f"http://{host}:{server.server_port}/"
    print(f"Trang nhập liệu: {url}  (Ctrl+C để dừng)")
    if open_browser:
        import webbrowser

        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        app.extensions["plan_docs"]["close"]()
    return 0
