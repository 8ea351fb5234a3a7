"""«Quyết định và Bằng khen»: the decision (`quyet-dinh`), the certificates (`bang-khen`) and the
later papers (`giay-moi`, `tien-thuong`, `gui-quyet-dinh`), each with its previews, and one ZIP
of all of them."""
from __future__ import annotations

import subprocess

from flask import Blueprint, abort, jsonify, request

from ... import certificate_pdf, intake
from ...awards import read_dump
from ...exceptions import AwardsError, GeneratorError
from ...main import DECISION_LIST, PAPER_FOLDERS, read_manifest_of
from ...pdf import find_soffice
from ...steps import run_step
from ..services import quiet, services, shelves

bp = Blueprint("awards", __name__)

FOLDERS = ("quyet_dinh", "bang_khen") + tuple(PAPER_FOLDERS[g] for g in ("invitations", "prizes", "results"))
ALL = "quyet_dinh_bang_khen.zip"
# The previews in the order the office writes the documents.
ORDER = ("to_trinh_ban", "quyet_dinh", "danh_sach_khen_thuong", "bang_khen", "so_cap_bang", "giay_moi",
         "danh_sach_tien_thuong", "cong_van_gui_quyet_dinh")
# What each later paper's button says it made, by step.
PAPER_DONE = {"invitations": "Đã lập Giấy mời dự Hội nghị", "prizes": "Đã lập Danh sách nhận tiền thưởng",
              "results": "Đã lập Công văn gửi Quyết định"}



def files() -> list[str]:
    """Every file of the last decision and certificates, as paths under output/."""
    # The files of the current sets, from their manifests (never a listing of the folders,
    # which may hold what a killed run left), as regular files: a link could point anywhere.
    out = services().out_dir
    names = [n for folder in FOLDERS for n in read_manifest_of(out, folder)
             if not n.endswith(".json") and (out / n).is_file() and not (out / n).is_symlink()]
    return names + ([ALL] if (out / ALL).is_file() else [])


def view() -> dict:
    s = services()
    plan = s.rules()
    table = intake.current(plan, s.out_dir) if plan.nominations is not None else []
    try:
        chosen = read_dump(plan, s.out_dir / DECISION_LIST)
    except AwardsError:
        chosen = None
    rows = [{**row._asdict(), "in_decision": None if chosen is None else [
        sum(a.unit == row.name for a in part) for part in (chosen.collectives, chosen.individuals)]} for row in table]
    shown = sorted(s.previews_named("khen-*.png"),
                   key=lambda n: ORDER.index(n[5:-4]) if n[5:-4] in ORDER else len(ORDER))
    downloads = files()
    return {"ok": True, "table": rows, "downloads": downloads, "documents": shelves(downloads), "previews": shown,
            "stale": intake.stale(plan, s.out_dir) if plan.nominations is not None else [],
            "decision": None if chosen is None else {"collectives": len(chosen.collectives),
                                                      "individuals": len(chosen.individuals)}}


def zip_all() -> None:
    services().zip_into(ALL, [name for name in files() if name != ALL])


@bp.get("/quyet-dinh")
def page():
    return services().view_page("decision", "decision.html", "Tệp cấu hình chưa có mục decision "
                               "(Quyết định khen thưởng) hoặc nominations.", "Thêm các mục đó rồi tải lại.", view)


@bp.post("/api/decision/build")
def decision():
    s = services()
    allow = bool((request.get_json(silent=True) or {}).get("allow_incomplete"))
    with s.lock:
        convert = s.pdf_bytes if find_soffice() is not None else None
        try:
            built = run_step("decision", s.request(allow_incomplete=allow, convert=convert), tell=quiet).result
        except GeneratorError as err:
            return jsonify({**view(), "ok": False, "message": err.on_page()}), 400
        a = built.awards
        message = f"Đã lập Quyết định: {len(a.collectives):02d} tập thể và {len(a.individuals):02d} cá nhân."
        if a.missing:
            message += " Chưa đưa vào: " + ", ".join(f"{n} ({st})" for n, st in a.missing) + "."
        if a.partial:
            message += " Chưa đủ số lượng (đưa vào những gì đã nhận): " + ", ".join(n for n, _ in a.partial) + "."
        if convert is not None:
            try:
                for pdf in (p for p in built.written if p.suffix == ".pdf"):
                    s.first_page_png(pdf, f"khen-{pdf.stem}")
            except (GeneratorError, OSError, subprocess.CalledProcessError) as err:
                message += f" Không dựng được ảnh xem trước: {err}"
        zip_all()
    return jsonify({**view(), "message": message})


@bp.post("/api/certificates/build")
def certificates():
    s = services()
    with s.lock:
        try:
            built = run_step("certificates", s.request(), tell=quiet).result
            zip_all()
            pdf = s.out_dir / certificate_pdf.PDF
            if pdf in built.written:  # its first page is the preview
                s.first_page_png(pdf, "khen-bang_khen")
                s.preview_docx(s.out_dir / "bang_khen" / "so_cap_bang.docx", "khen-so_cap_bang")
        except GeneratorError as err:
            return jsonify({**view(), "ok": False, "message": err.on_page()}), 400
        except (OSError, subprocess.CalledProcessError) as err:
            return jsonify({**view(), "message": f"Đã in Bằng khen; không dựng được ảnh xem trước: {err}"})
    done = (f"Đã in {len(built.awards.all)} Bằng khen (kiểu «{built.plan.certificates.mode}»), một trang mỗi "
            "người" + ("; ZIP theo từng đơn vị." if pdf in built.written else "."))
    return jsonify({**view(), "message": " ".join((done, *built.notes))})


@bp.post("/api/papers/<group>")
def paper(group: str):
    if group not in PAPER_DONE:
        abort(404)
    s = services()
    with s.lock:
        try:
            built = run_step(group, s.request(), tell=quiet).result
        except GeneratorError as err:
            return jsonify({**view(), "ok": False, "message": err.on_page()}), 400
        message = f"{PAPER_DONE[group]} ({len([p for p in built.written if not p.name.startswith('.')])} tệp)."
        first = next((p for p in built.written if p.suffix == ".docx"), None)
        if first is not None:
            try:
                s.preview_docx(first, "khen-" + (first.stem if group != "invitations" else "giay_moi"))
            except (GeneratorError, OSError, subprocess.CalledProcessError) as err:
                message += f" Không dựng được ảnh xem trước: {err}"
        zip_all()
    return jsonify({**view(), "message": message})


@bp.get("/download/khen-thuong/<path:name>")
def download(name: str):
    return services().download(name, files())


@bp.get("/preview/khen-thuong/<name>")
def preview(name: str):
    return services().preview(name, services().previews_named("khen-*.png"))
