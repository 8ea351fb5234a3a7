"""Run the rules on files and print the result: readable Vietnamese, or JSON for other tools."""
from __future__ import annotations

from dataclasses import dataclass
import json
from pathlib import Path

from . import rendered as rendered_mod
from .. import progress
from ..exceptions import DocxReadError
from ..findings import Finding
from .reading import load
from .rules import DAT, KHONG_DANH_GIA, KHONG_DAT, LOI, LUU_Y, NOT_ASKED, THONG_TIN, RuleResult, evaluate


@dataclass
class FileReport:
    path: Path
    doc_type: str
    results: list[RuleResult]
    render_note: str = ""

    @property
    def findings(self):
        return [f for r in self.results for f in r.findings]

    @property
    def errors(self) -> int:
        return sum(f.severity == LOI for f in self.findings)

    def coverage(self) -> tuple[int, int]:
        evaluated = sum(r.status != KHONG_DANH_GIA for r in self.results)
        return evaluated, len(self.results)


UNREADABLE = "không đọc được"


def unreadable(path: Path, why: str) -> FileReport:
    """A file the checker cannot read is a finding of its own, and the rest of a batch is still
    judged: one broken file never hides the report of the others."""

    finding = Finding("doc_tep", LOI, "", why)
    return FileReport(path, UNREADABLE, [RuleResult("doc_tep", "Đọc được tệp .docx", KHONG_DAT, [finding])])


def check_file(path: Path, render: bool = True, rendering=None, loaded=None) -> FileReport:
    """Every rule on one file. A file that is not a sound .docx (broken zip, encrypted part, a
    value where Word's XML wants a number, no body) gives the finding «không đọc được …».
    `rendering`: its pages laid out already (a batch's one LibreOffice start), or the reason
    they could not be. `loaded`: what `read(path)` gave, when it was read already."""
    try:
        return _check(path, render, rendering, loaded)
    except DocxReadError as err:
        return unreadable(path, str(err))
    except (ValueError, TypeError, AttributeError, KeyError, IndexError) as err:
        # What malformed XML turns into inside the rules: w:sz="24.5", w:pgSz w:w="210mm",
        # a Relationship without Target. The file's fault, said as such, never a traceback.
        detail = str(err).split(":", 1)[-1].strip()[:120]
        return unreadable(path, f"{path}: có giá trị hoặc cấu trúc không đúng chuẩn của Word ({type(err).__name__}"
                                f"{': ' + detail if detail else ''}); mở bằng Word rồi lưu lại, rồi kiểm tra lại.")


def read(path: Path):
    """The file as the rules read it, or the error reading it gave (raised again by check_file,
    which turns it into the file's finding)."""
    try:
        return load(path)
    except Exception as err:  # noqa: BLE001 - kept for check_file, which says what it means
        return err


def _check(path: Path, render: bool, prepared=None, loaded=None) -> FileReport:
    doc = load(path) if loaded is None else loaded
    if isinstance(doc, Exception):
        raise doc
    rendering, note = None, ""
    if render and prepared is None:
        prepared = (rendered_mod.render_many([path])[path] if rendered_mod.available() else
                    "không có LibreOffice/pdftotext: các quy tắc cần dựng trang không đánh giá được")
    if render:
        rendering, note = (None, prepared) if isinstance(prepared, str) else (prepared, "")
    # Why there are no pages, as it was: not asked for, or what LibreOffice said (never «not
    # installed» for a file it could not lay out).
    el, results = evaluate(doc, rendering, (note or None) if render else NOT_ASKED)
    if rendering is not None and rendering.external:
        shown = "; ".join(rendering.external[:5]) + (f"; … ({len(rendering.external)} mục)" if len(rendering.external) > 5 else "")
        results.append(RuleResult("lien_ket_ngoai", "Không có liên kết ra ngoài khi dựng trang", KHONG_DAT, [Finding(
            "lien_ket_ngoai", THONG_TIN, "", f"tệp có {len(rendering.external)} liên kết ra ngoài (ảnh, mẫu, đối tượng "
            f"hoặc trường tải nội dung): {shown}. Đã bỏ khi dựng trang để kiểm tra, không tải gì về.")]))
    return FileReport(path, el.doc_type, results, note)


def as_text(reports: list[FileReport]) -> str:
    lines = []
    for rep in reports:
        lines.append(f"{rep.path} ({rep.doc_type})")
        for r in rep.results:
            for f in r.findings:
                where = f" [{f.location}]" if f.location else ""
                lines.append(f"  {f.severity.upper()}: {f.rule}{where}: {f.message}")
        for r in rep.results:
            if r.status == KHONG_DANH_GIA:
                lines.append(f"  KHÔNG ĐÁNH GIÁ ĐƯỢC: {r.rule}: {r.reason}.")
        if rep.render_note:
            lines.append(f"  Ghi chú: {rep.render_note}.")
        passed = sum(r.status == DAT for r in rep.results)
        failed = sum(r.status == KHONG_DAT for r in rep.results)
        evaluated, total = rep.coverage()
        counts = {s: sum(f.severity == s for f in rep.findings) for s in (LOI, LUU_Y, THONG_TIN)}
        lines.append(f"  Tóm tắt: {counts[LOI]} lỗi, {counts[LUU_Y]} lưu ý, {counts[THONG_TIN]} thông tin; "
                     f"quy tắc: {passed} đạt, {failed} không đạt, {total - evaluated} không đánh giá được; "
                     f"đã đánh giá {evaluated}/{total} quy tắc ({100 * evaluated / max(total, 1):.0f}%).")
    return "\n".join(lines)


def as_json(reports: list[FileReport]) -> str:
    findings, summary = [], []
    for rep in reports:
        for r in rep.results:
            for f in r.findings:
                findings.append({"file": str(rep.path), "rule": f.rule, "severity": f.severity,
                                 "status": r.status, "location": f.location, "message": f.message})
            if r.status == KHONG_DANH_GIA:
                findings.append({"file": str(rep.path), "rule": r.rule, "severity": THONG_TIN,
                                 "status": r.status, "location": "", "message": r.reason})
        evaluated, total = rep.coverage()
        summary.append({"file": str(rep.path), "type": rep.doc_type, "errors": rep.errors,
                        "rules": {r.rule: r.status for r in rep.results},
                        "evaluated": evaluated, "total": total, "coverage": round(evaluated / max(total, 1), 3)})
    return json.dumps({"findings": findings, "summary": summary}, ensure_ascii=False, indent=2)


def run_check(paths: list[Path], fmt: str = "text", render: bool = True) -> int:
    """kiem-tra: the reports printed, readable or as JSON; 1 when a file has an error."""
    reports = check_files(paths, render)
    print(as_json(reports) if fmt == "json" else as_text(reports))
    return exit_code(reports)


def exit_code(reports: list[FileReport]) -> int:
    return 1 if any(rep.errors for rep in reports) else 0


def check_files(paths: list[Path], render: bool = True) -> list[FileReport]:
    """Every file's report, in order; LibreOffice started once for the batch."""
    from concurrent.futures import ThreadPoolExecutor

    laid_out: dict = {}
    with ThreadPoolExecutor(max_workers=1) as pool:
        pages = None
        if render and len(paths) > 1 and rendered_mod.available():
            # One LibreOffice start for the batch: starting it once per file cost 4.4× as much
            # for six. While it lays the pages out (another process), the files are read here.
            progress.report(f"Đang dựng trang của {len(paths)} tệp (LibreOffice, một lần cho tất cả)")
            pages = pool.submit(rendered_mod.render_many, list(paths))
        loaded = {path: read(path) for path in paths}
        if pages is not None:
            laid_out = pages.result()
    reports = []
    for n, path in enumerate(paths, 1):
        if len(paths) > 1:
            progress.report("Đang kiểm tra", n, len(paths))
        reports.append(check_file(path, render, laid_out.get(path), loaded[path]))
    return reports
