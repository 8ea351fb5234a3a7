"""«Các bước»: the whole cycle on one page. Each step in the office's order with its state (done,
and when; waiting, and for what; to be redone, because what it is made from changed since), its
one action, and its documents by name. An action posts to the same endpoint as the view that
holds it (the plan's builds the saved config); intake, which needs the units' files, links to
its view."""
from __future__ import annotations

import re
import unicodedata

from flask import Blueprint, jsonify, render_template, request

from ... import cycle
from ...exceptions import GeneratorError
from ...output import write_all
from ...steps import BY_KEY, run_step
from ..services import quiet, services, shelves
from . import awards, intake, plan

bp = Blueprint("cycle", __name__)

# step: (the button's words, the endpoint it posts to, or the view that holds the action)
ACTIONS = {
    "plan": ("Tạo Kế hoạch và Phụ lục từ tệp cấu hình đã lưu", "api/cycle/plan", None),
    "packs": ("Tạo bộ hồ sơ mẫu", "api/intake/packs", None),
    "intake": ("Nhận danh sách các đơn vị gửi về", None, "tiep-nhan"),
    "chase": ("Lập công văn đôn đốc", "api/intake/chase", None),
    "decision": ("Lập Quyết định", "api/decision/build", None),
    "certificates": ("In Bằng khen", "api/certificates/build", None),
    "invitations": ("Lập Giấy mời", "api/papers/invitations", None),
    "prizes": ("Lập Danh sách nhận tiền thưởng", "api/papers/prizes", None),
    "results": ("Lập Công văn gửi Quyết định", "api/papers/results", None),
}

# The states as CSS class names (no diacritics), for the strip and the cards.
STATE_CLASS = {cycle.DONE: "xong", cycle.STALE: "can-lam-lai", cycle.WAITING: "dang-cho", cycle.NOT_YET: "chua-lam"}
NAV = {"plan": "./", "packs": "tiep-nhan", "intake": "tiep-nhan", "decision": "quyet-dinh", "certificates": "quyet-dinh"}


def files() -> list[str]:
    """Every file of the cycle the page may hand out, as the views that make them list them."""
    s = services()
    out = s.out_dir
    packs = sorted(p.relative_to(out).as_posix() for p in (out / "ho_so").glob("*/*")
                   if p.is_file() and not p.is_symlink()) if (out / "ho_so").is_dir() else []
    listed = [n for n in plan.DOWNLOADS + intake.FILES if (out / n).is_file()]
    return listed + [n for n in packs if cycle.what(n)] + awards.files()


def states() -> list[dict]:
    """Each step's state, as the page's JSON; none when the config cannot be read (the plan's
    view says why)."""
    s = services()
    try:
        found = cycle.states(s.config_path, s.out_dir, s.templates_dir)
    except (GeneratorError, OSError):
        return []
    return [{**st._asdict(), "title": BY_KEY[st.step].title, "cls": STATE_CLASS[st.state],
             "action": ACTIONS[st.step][0], "post": ACTIONS[st.step][1], "view": ACTIONS[st.step][2]} for st in found]


def view() -> dict:
    names = files()
    return {"ok": True, "steps": states(), "documents": shelves(names)}


@bp.get("/cac-buoc")
def page():
    s = services()
    return render_template("cycle.html", token=s.token, plan=s.rules(), view=view())


@bp.get("/api/cycle")
def api_cycle():
    return jsonify(view())


@bp.post("/api/cycle/plan")
def build_plan():
    s = services()
    with s.lock:
        try:
            built = run_step("plan", s.request(), tell=quiet).result
        except GeneratorError as err:
            return jsonify({**view(), "ok": False, "message": err.on_page()}), 400
    said = "Văn bản đã đúng với tệp cấu hình, không cần tạo lại." if built.unchanged else "Đã tạo Kế hoạch và Phụ lục."
    return jsonify({**view(), "message": said})


@bp.get("/api/cycle/nav")
def api_nav():
    return jsonify({"ok": True, "nav": nav()})


# What a new plan's folder opens with: a double-click, as the tool's own launcher. ASCII only
# (cmd reads a .bat in the machine's code page); %~dp0 carries the folder's real name.
OPEN_PLAN = ("@echo off\r\nrem Bam dup de mo trang nhap lieu cua ke hoach trong thu muc nay.\r\n"
             'call "%~dp0..\\Chay-trang-nhap-lieu.bat" --config "%~dp0plan.yaml" --output "%~dp0output" %*\r\n')
LAUNCHER = "Mo-ke-hoach-nay.bat"


def folder_name(name: str) -> str:
    """A new plan's folder: the clerk's words without diacritics, spaces as «_» («Kế hoạch 2027»
    → «ke_hoach_2027»), so its launcher and every path stay plain on any Windows."""
    plain = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "_", plain).strip("_")[:60]


@bp.post("/api/cycle/new-plan")
def new_plan():
    s = services()
    name = folder_name(str((request.get_json(silent=True) or {}).get("name") or ""))
    if not name:
        return jsonify({"ok": False, "message": "Gõ tên thư mục cho kế hoạch mới, ví dụ «ke_hoach_2027»."}), 400
    target = s.plans_dir / name
    with s.lock:
        try:
            run_step("new_plan", s.request((target,)), tell=quiet)
            write_all(target, {LAUNCHER: OPEN_PLAN.encode("ascii")})
        except GeneratorError as err:
            return jsonify({**view(), "ok": False, "message": err.on_page()}), 400
    return jsonify({**view(), "message": f"Đã tạo kế hoạch mới trong thư mục «{name}» (tệp cấu hình và các mẫu chép từ "
                    f"kế hoạch này). Đóng trang này, rồi bấm đúp «{LAUNCHER}» trong thư mục đó để mở kế hoạch mới."})


@bp.get("/download/cac-buoc/<path:name>")
def download(name: str):
    return services().download(name, files())




def nav() -> list[dict]:
    """The cycle's main steps with their states, for the strip at the top of every view."""
    return [{"title": st["title"], "state": st["state"], "cls": STATE_CLASS[st["state"]], "href": NAV[st["step"]]}
            for st in states() if st["step"] in NAV]
