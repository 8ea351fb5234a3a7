"""The clerk's page: Flask, server-rendered HTML and a little plain JavaScript.

Every rule comes from the same modules as the CLI: the validator (config.parse_plan, through
editing.py), the quotas (quotas.py), and every build through steps.run_step, as the command line
runs them. The page only edits values. This module is the factory (security hooks, error pages);
services.py holds what the views share; views/ has one blueprint per view.

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
import secrets
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, abort, jsonify, render_template, request
from werkzeug.exceptions import HTTPException
from werkzeug.serving import make_server

from .. import progress
from ..config import load_plan
from ..exceptions import GeneratorError
from ..output import recover, recover_all
from .services import Services
from .views import awards, check, cycle, intake, plan

MAX_UPLOAD = plan.MAX_UPLOAD
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
    shared = Services(config_path, out_dir, templates_dir, secrets.token_urlsafe(32))
    latest = progress.Latest()
    progress.listen("page", latest)
    app.extensions["plan_docs"] = {"services": shared, "close": shared.close}
    _guard(app, shared, extra_hosts, latest)
    _errors(app)
    for view in (plan.bp, intake.bp, awards.bp, cycle.bp, check.bp):
        app.register_blueprint(view)
    # Where the cycle stands, at the top of every view (read when a page is rendered, not per request).
    app.context_processor(lambda: {"cycle_nav": cycle.nav})

    @app.get("/api/progress")
    def api_progress():
        # Polled by the page while a long build runs (certificates, packs): the same stages the
        # CLI prints. Read-only, and the Host check still applies.
        stage = latest.stage
        return jsonify({"text": stage.line() if stage else None})

    @app.get("/api/token")
    def api_token():
        # A page left open across a restart of the server asks for the new token. Another
        # site's page cannot read this answer (same-origin policy), nor reach it under another
        # name (the Host check).
        return jsonify({"token": shared.token})

    return app


def _guard(app: Flask, shared: Services, extra_hosts: tuple[str, ...], latest) -> None:
    """Every request: from this machine's own names only; every POST from this page, with its
    CSRF token; what a killed run left settled before an action reads output/."""

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
            if not hmac.compare_digest(sent, shared.token):
                abort(403, "Thiếu hoặc sai mã bảo vệ (CSRF); tải lại trang.")

    @app.before_request
    def fresh_progress_and_settled_output():
        if request.method == "POST":
            latest.clear()  # a new action: the last one's stages are not its own
            # What a killed run (this page's, or a command's) left in output/ is settled before
            # an action reads it, as every command does before it starts.
            recover(shared.out_dir)

    @app.after_request
    def security_headers(response):
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Cache-Control"] = "no-store"
        return response


def _errors(app: Flask) -> None:
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


def serve(config_path: Path, out_dir: Path, host: str = "127.0.0.1", port: int = 8000,
          open_browser: bool = True, templates_dir: Path | None = None, allow_remote: bool = False) -> int:
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
