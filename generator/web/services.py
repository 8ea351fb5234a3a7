"""What every view of the page shares: the plan's files, the one lock every write takes, the
LibreOffice converter (kept warm when unoserver is there), the previews, the ZIPs and the
downloads. One instance per app, in app.extensions; views reach it through `services()`."""
from __future__ import annotations

import io
import subprocess
import tempfile
import threading
import zipfile
from pathlib import Path

from flask import abort, current_app, render_template, send_file

from .. import cycle, documents, pdf
from ..config import parse_plan
from ..output import write_all
from ..paths import ROOT
from ..steps import BY_KEY, Request


class Services:
    def __init__(self, config_path: Path, out_dir: Path, templates_dir: Path | None, token: str):
        self.config_path, self.out_dir, self.templates_dir, self.token = config_path, out_dir, templates_dir, token
        self.plans_dir = ROOT  # where «Kế hoạch mới» makes a plan's folder: beside the tool's own config/
        self.lock = threading.RLock()  # reentrant: a write may read the config it is about to change
        self.previews = tempfile.TemporaryDirectory(prefix="trang-xem-")
        self._converter = None
        self._warming: threading.Thread | None = None
        self._closed = False

    # -- the plan's files ------------------------------------------------------------------
    def request(self, paths: tuple[Path, ...] = (), **options) -> Request:
        """A step's request from this page: its plan's files and the options of the view."""
        return Request(self.config_path, self.out_dir, self.templates_dir, paths, options)

    def view_page(self, step: str, template: str, message: str, hint: str, view):
        """A view's page with its state (`view()`, read only when the step can run), or, when the
        config lacks a section the step needs (documents.NEEDS, the rule main.require applies),
        the page that says which to add."""
        plan = self.rules()
        if documents.missing(step, plan):
            return render_template("error.html", title="Thiếu cấu hình", message=message, hint=hint), 500
        return render_template(template, token=self.token, plan=plan, view=view())

    def read_config(self) -> bytes:
        with self.lock:  # the same lock as every write: never a file caught between two writes
            return self.config_path.read_bytes()

    def rules(self):
        """The saved config (its quota rules, its provincial row, its sections)."""
        return parse_plan(self.read_config().decode("utf-8"), self.config_path.name)

    # -- LibreOffice ---------------------------------------------------------------------------
    def _start_warm(self) -> None:
        converter = pdf.WarmConverter.start()
        with self.lock:
            if self._closed and converter is not None:
                converter.stop()
            else:
                self._converter = converter

    def pdf_bytes(self, docs: list[Path]) -> dict[str, bytes]:
        """PDFs of the build, as {name: bytes}. A LibreOffice kept running (unoserver) answers in
        about half a second where a fresh one takes two: it is started in the background at the
        first build, which itself uses a fresh LibreOffice, as do all builds without unoserver."""
        if self._warming is None:
            self._warming = threading.Thread(target=self._start_warm, daemon=True)
            self._warming.start()
        converter = self._converter
        return converter.convert(docs) if converter else pdf.to_pdf_bytes(docs)

    def to_pdfs(self, docs: list[Path]) -> list[Path]:
        return write_all(self.out_dir, self.pdf_bytes(docs))

    def close(self) -> None:
        self._closed = True
        if self._warming is not None:
            self._warming.join(timeout=90)
        if self._converter is not None:
            self._converter.stop()
        self.previews.cleanup()

    # -- previews --------------------------------------------------------------------------------
    def first_page_png(self, pdf_path: Path, name: str) -> str:
        """Page 1 of `pdf_path` as previews/<name>.png, for the page to show."""
        subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile", str(pdf_path),
                        str(Path(self.previews.name) / name)], check=True, capture_output=True)
        return name + ".png"

    def preview_docx(self, path: Path, name: str) -> None:
        """Page 1 of a .docx as previews/<name>.png, through one LibreOffice conversion."""
        if pdf.find_soffice() is None:
            return
        with tempfile.TemporaryDirectory(prefix="xem-truoc-") as tmp:
            for pdf_name, data in self.pdf_bytes([path]).items():
                shown = Path(tmp, pdf_name)
                shown.write_bytes(data)
                self.first_page_png(shown, name)

    def preview(self, name: str, allowed) -> object:
        """A preview the page listed (`allowed`: its names), never a path from the request."""
        path = Path(self.previews.name) / name
        if name not in allowed or not path.is_file():
            abort(404)
        return send_file(path, mimetype="image/png", max_age=0)

    def previews_named(self, pattern: str) -> list[str]:
        return [p.name for p in Path(self.previews.name).glob(pattern)]

    # -- downloads and ZIPs ----------------------------------------------------------------------
    def served(self, path: Path):
        """A file of the output folder, sent only when it is a regular file (no link, which could
        point anywhere on the machine) whose real path lies inside that folder."""
        try:
            real, root = path.resolve(strict=True), self.out_dir.resolve(strict=True)
        except OSError:
            abort(404)
        if path.is_symlink() or not real.is_file() or not real.is_relative_to(root):
            abort(404)
        return send_file(real, as_attachment=True, download_name=path.name)

    def download(self, name: str, listed: list[str] | tuple[str, ...]):
        """A file the page listed, by its name there: no path from the request reaches the disk."""
        if name not in listed:
            abort(404)
        return self.served(self.out_dir / listed[list(listed).index(name)])

    def zip_into(self, target: str, names: list[str]) -> None:
        """`names` (paths under output/) in one ZIP, written as `target` under output/."""
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for name in names:
                z.write(self.out_dir / name, name)
        write_all(self.out_dir, {target: buf.getvalue()})


def shelves(names: list[str]) -> list[dict]:
    """The files `names` (paths under output/) by step and by what the clerk calls them, as the
    page's JSON: {"title", "entries": [{"label", "links": [{"text", "name"}]}], "per_unit": …}."""
    entry = lambda e: {"label": e.label, "links": [link._asdict() for link in e.links]}  # noqa: E731
    return [{"step": sh.step, "title": BY_KEY[sh.step].title, "entries": [entry(e) for e in sh.entries],
             "per_unit": [entry(e) for e in sh.per_unit]} for sh in cycle.shelves(names)]


def quiet(line: str) -> None:
    """run_step's `tell` for the views: the page shows a step's warnings itself (the stale
    notices above its table)."""


def services() -> Services:
    return current_app.extensions["plan_docs"]["services"]
