"""The build, stage by stage: config -> quotas -> context -> render -> write."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import NamedTuple

from . import book, config, context_cycle, documents
from . import pool, progress, quotas, stamp, workbook
from .exceptions import ConfigError, GeneratorError, Problem, StepError, StrictWarningError
from .model import Plan
from .output import MANIFEST, manifest_bytes, read_manifest, write_all
from .paths import DEFAULT_CONFIG, DEFAULT_OUTPUT, TEMPLATES_DIR
from .quotas import Allocation


class Change(NamedTuple):
    name: str
    old: tuple[int, int] | None  # (collectives, individuals); None = a new unit
    new: tuple[int, int] | None  # None = a unit removed


class BuildResult(NamedTuple):
    plan: Plan
    allocation: Allocation
    written: list[Path]
    changes: tuple[Change, ...] = ()
    old_totals: dict | None = None
    unchanged: bool = False  # nothing rendered: the folder held this very set already


def issued_at(plan: Plan) -> dt.datetime:
    return dt.datetime.combine(plan.document.date.earliest(), dt.time())


def templates_for(plan: Plan, config_path: Path | None) -> Path:
    """The plan's own templates (its `templates:` key, relative to its config file), or the
    project's."""
    if plan.templates is None or config_path is None:
        return TEMPLATES_DIR
    return (Path(config_path).parent / plan.templates).resolve()


def plan_documents(plan: Plan, group: str = "plan", kinds: tuple = documents.KINDS,
                   data=None) -> tuple[Allocation, list[tuple]]:
    """What a build of the group would render: (kind, path under output/, context) of each
    document, computed without importing any rendering library."""
    allocation = quotas.allocate(plan)
    chosen = documents.of_group(group, kinds, plan)
    return allocation, [(kind, path, ctx) for kind in chosen
                        for path, ctx in documents.outputs(kind, plan, allocation, data)]


def render_jobs(plan: Plan, jobs: list[tuple], templates_dir: Path) -> dict[str, bytes]:
    """Every planned document as bytes, nothing written. The templates are checked first
    (templatecheck), so a broken one stops the build whole."""
    from . import render  # Jinja and lxml: a rebuild with nothing to render (stamp.still_there) needs neither

    render.require_sound([(templates_dir / kind.template, ctx) for kind, _, ctx in jobs if kind.template.endswith(".docx")])
    work = [(templates_dir / kind.template, path, ctx, kind.finish) for kind, path, ctx in jobs]
    return _render_all(work, issued_at(plan))


def render_documents(plan: Plan, templates_dir: Path = TEMPLATES_DIR, group: str = "plan",
                     kinds: tuple = documents.KINDS, data=None) -> tuple[Allocation, dict[str, bytes]]:
    """The pure part of a build: every document of the group as bytes, nothing written.
    `data`: what the group's kinds read (documents.Kind.reads): the awardees or intake's marks."""
    allocation, jobs = plan_documents(plan, group, kinds, data)
    return allocation, render_jobs(plan, jobs, templates_dir)


# Below this many documents a pool costs more than it saves (the plan is two).
PARALLEL_FROM = 40


def _render_all(work: list[tuple], issued: dt.datetime) -> dict[str, bytes]:
    """Every document, in order; many (the packs: four per unit) over the machine's cores."""
    import functools


    rendered = pool.spread(functools.partial(_render_job, issued=issued), work, PARALLEL_FROM, "Đang dựng văn bản")
    return {path: data for (_, path, _, _), data in zip(work, rendered)}


def _render_job(job: tuple, issued: dt.datetime) -> bytes:
    template, _, ctx, finish = job
    return _render(template, ctx, issued, finish)


def _render(template: Path, ctx: dict, issued: dt.datetime, finish=None) -> bytes:
    if template.suffix == ".xlsx":
        return workbook.fill(template, ctx, issued)
    from . import render  # Jinja and lxml: only once something is rendered

    data = render.compiled(template.parent, template.name).render(ctx, issued)
    return finish(data, ctx) if finish is not None else data


def compare(old: dict | None, allocation: Allocation) -> list[Change]:
    if not old:
        return []
    before = {u["name"]: (u["collectives"], u["individuals"]) for u in old.get("units", [])}
    after = {r.name: (r.collectives, r.individuals) for r in allocation.rows}
    changes = [Change(n, before.get(n), q) for n, q in after.items() if before.get(n) != q]
    changes += [Change(n, q, None) for n, q in before.items() if n not in after]
    return changes


def build(config_path: Path = DEFAULT_CONFIG, out_dir: Path = DEFAULT_OUTPUT,
          templates_dir: Path | None = None, strict: bool = False) -> BuildResult:
    """`templates_dir` None: the plan's own (see templates_for)."""
    plan = config.load_plan(config_path)
    if strict and plan.warnings:
        raise StrictWarningError(str(config_path), list(plan.warnings))
    return build_plan(plan, out_dir, templates_dir or templates_for(plan, config_path))


def build_group(config_path: Path, out_dir: Path, group: str, templates_dir: Path | None = None) -> BuildResult:
    """Every document of one group of the registry (`packs`, …), written all or nothing; when
    the folder holds exactly what this would write, nothing is rendered."""
    plan = config.load_plan(config_path)
    require(plan, group, str(config_path))
    templates_dir = templates_dir or templates_for(plan, config_path)
    allocation, jobs, mark, written = _stamped(plan, out_dir, group, templates_dir)
    unchanged = written is not None
    if not unchanged:
        docs = render_jobs(plan, jobs, templates_dir)
        docs.update(stamp.record(group, mark, docs))
        written = write_all(out_dir, docs)
    return BuildResult(plan, allocation, written, unchanged=unchanged)


def _stamped(plan: Plan, out_dir: Path, group: str, templates_dir: Path, extra: tuple[str, ...] = ()):
    """(allocation, jobs, the set's stamp, its files when the folder already holds exactly them
    else None) of a group that reads nothing but the config."""
    allocation, jobs = plan_documents(plan, group)
    mark = stamp.of([(templates_dir / kind.template, path, ctx) for kind, path, ctx in jobs], issued_at(plan))
    return allocation, jobs, mark, stamp.still_there(out_dir, group, mark, [path for _, path, _ in jobs] + list(extra))


def is_current(plan: Plan, config_path: Path, out_dir: Path, group: str, templates_dir: Path | None = None) -> bool:
    """The folder holds what building `group` (plan, packs) from the config would write now."""
    extra = (MANIFEST,) if group == "plan" else ()
    return _stamped(plan, out_dir, group, templates_dir or templates_for(plan, config_path), extra)[3] is not None


def build_plan(plan: Plan, out_dir: Path = DEFAULT_OUTPUT, templates_dir: Path = TEMPLATES_DIR) -> BuildResult:
    """Render and write a validated plan (the CLI reads it from a file, the browser page from its
    form); when the folder holds exactly what this would write, nothing is rendered."""
    old = read_manifest(out_dir)
    allocation, jobs, mark, written = _stamped(plan, out_dir, "plan", templates_dir, (MANIFEST,))
    unchanged = written is not None
    if not unchanged:
        docs = render_jobs(plan, jobs, templates_dir)
        docs[MANIFEST] = manifest_bytes(allocation)
        docs.update(stamp.record("plan", mark, docs))
        written = write_all(out_dir, docs)
    return BuildResult(plan, allocation, written, tuple(compare(old, allocation)),
                       old.get("totals") if old else None, unchanged)


def check_templates(config_path: Path, files: list[Path], templates_dir: Path | None = None) -> list:
    """kiem-tra-mau: the plan's templates (or `files`) against the data of its config. A file
    named like a registered template is checked with that kind's data, any other (a renamed
    copy) with everything any kind provides; values no template uses are listed for the full set."""
    from . import templatecheck  # Jinja: only once something is rendered or checked

    plan = config.load_plan(config_path)
    allocation = quotas.allocate(plan)
    folder = templates_dir or templates_for(plan, config_path)
    contexts = {k.template: documents.sample_context(k, plan, allocation) for k in documents.KINDS
                if documents.available(k, plan)}  # e.g. no nominations: no packs to check
    targets = [folder / name for name in contexts] if not files else list(files)
    anything = {key: value for ctx in contexts.values() for key, value in ctx.items()}
    findings, refs, union = [], [], {}
    for path in targets:
        if not path.is_file():
            raise GeneratorError(f"không tìm thấy mẫu {path}.")
        ctx = contexts.get(path.name, anything)
        if path.suffix.lower() == ".xlsx":
            found, read = workbook.inspect(path)
        else:
            from . import prepare, templating  # python-docx, docxtpl and Jinja: only for a check of templates

            found, read = prepare.inspect(path, templating.make_env())
        findings += found + templatecheck.missing(path.name, read, ctx)
        refs += read
        union.update(ctx)
    if files or any(f.rule in ("the_mo", "the_dong", "khoi", "cu_phap") for f in findings):
        return findings  # a few files, or one that does not parse: "unused" would mislead
    return findings + templatecheck.unused(refs, union)


def dump_template(path: Path, save: bool = False) -> str | Path:
    """xem-mau: every paragraph of a template with its style and tags, to compare versions; with
    `save`, written beside the template as FILE.docx.txt (UTF-8), and that path returned."""
    from . import templatecheck  # Jinja: only once something is rendered or checked

    if not path.is_file():
        raise GeneratorError(f"không tìm thấy mẫu {path}.")
    if path.suffix.lower() not in (".docx", ".xlsx"):
        raise GeneratorError(f"{path} không phải mẫu .docx hay .xlsx.")
    try:
        text = templatecheck.dump(path)
    except Exception as err:  # python-docx and openpyxl raise many kinds for a broken package
        raise GeneratorError(f"không đọc được mẫu {path} (tệp hỏng hoặc không phải tệp Word/Excel): {err}") from None
    if not save:
        return text
    target = path.with_name(path.name + ".txt")
    write_all(target.parent, {target.name: text.encode("utf-8")})
    return target


# The command a clerk types, as the README shows it: the launcher on Windows (it runs the venv's
# Python in cmd.exe and PowerShell alike), the script elsewhere.
TOOL_COMMAND = ".\\Tao-van-ban.bat" if os.name == "nt" else "python build_docs.py"

NEW_PLAN_TEMPLATES = (
    "\n# ---------------------------------------------------------------------\n"
    "# Thư mục các mẫu Word của kế hoạch này, tính từ thư mục chứa tệp cấu hình.\n"
    "# Sửa câu chữ trong các mẫu đó bằng Word; đừng sửa các thẻ {{ ... }}.\n"
    "# ---------------------------------------------------------------------\n"
    "templates: templates\n"
)


def new_plan(config_path: Path, target: Path) -> list[str]:
    """ke-hoach-moi DIR: the config and the templates copied into DIR, the copy's config pointing at
    its own templates. Nothing that exists is overwritten."""
    import re

    plan = config.load_plan(config_path)
    source_templates = templates_for(plan, config_path)
    if target.exists() and not target.is_dir():
        raise GeneratorError(f"{target} là một tệp, không phải thư mục; chọn tên một thư mục mới.")
    if target.exists() and any(target.iterdir()):
        raise GeneratorError(f"thư mục {target} đã có tệp; chọn một thư mục mới (không ghi đè gì cả).")
    text = Path(config_path).read_text(encoding="utf-8")
    if re.search(r"(?m)^templates:", text):
        text = re.sub(r"(?m)^templates:.*$", "templates: templates", text)
    else:
        text = text.rstrip("\n") + "\n" + NEW_PLAN_TEMPLATES
    files = {"plan.yaml": text.encode("utf-8")}
    for kind in documents.KINDS:
        path = source_templates / kind.template
        if not path.is_file():
            raise GeneratorError(f"không tìm thấy mẫu {path} để chép.")
        files[f"templates/{kind.template}"] = path.read_bytes()
    existed = target.exists()
    try:
        written = write_all(target, files)
    except BaseException:
        # Nothing half-made stays behind, so the same command can simply be run again.
        import shutil

        if existed:
            for child in target.iterdir():
                shutil.rmtree(child, ignore_errors=True) if child.is_dir() else child.unlink(missing_ok=True)
        else:
            shutil.rmtree(target, ignore_errors=True)
        raise
    config_copy = target / "plan.yaml"
    return [f"Đã tạo kế hoạch mới trong {target}:"] + [f"  {p}" for p in written] + [
        "Tiếp theo: sửa câu chữ trong các mẫu bằng Word, sửa số liệu trong plan.yaml, rồi chạy",
        f"  {TOOL_COMMAND} kiem-tra-mau --config {config_copy.as_posix()}",
        f"  {TOOL_COMMAND} --config {config_copy.as_posix()} --output {(target / 'output').as_posix()}"]


class AwardResult(NamedTuple):
    plan: Plan
    awards: object  # awards.Awards
    written: list[Path]
    notes: tuple[str, ...] = ()  # what the clerk should know: no PDF made, and why
    chased: tuple = ()  # the chase letter's units (context_cycle.chased_units); none: no letter written


DECISION_LIST = "quyet_dinh/khen_thuong.json"  # the decision's awardees: what the certificates print
SET_MANIFEST = ".danh-muc.json"  # in quyet_dinh/ and bang_khen/: the files of the current set


def manifest(folder: str, docs: dict[str, bytes]) -> dict[str, bytes]:
    """The list of a set's files, written with the set itself: what the page offers and packs
    into its ZIP is this list, never whatever a folder happens to hold (a killed run's files)."""
    import json

    names = sorted(n for n in docs if n.startswith(folder + "/"))
    return {f"{folder}/{SET_MANIFEST}": (json.dumps(names, ensure_ascii=False, indent=1) + "\n").encode("utf-8")}


def read_manifest_of(out_dir: Path, folder: str) -> list[str]:
    import json

    try:
        names = json.loads((out_dir / folder / SET_MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [n for n in names if isinstance(n, str)] if isinstance(names, list) else []


def _drop_stale(out_dir: Path, folder: str, docs: dict[str, bytes], patterns: tuple[str, ...]) -> None:
    """A file of an earlier set that this one does not hold (a PDF of another list, a unit no
    longer in it) would disagree with the new documents: it goes."""
    for pattern in patterns:
        for old in (out_dir / folder).glob(pattern):
            if old.is_file() and old.relative_to(out_dir).as_posix() not in docs:
                old.unlink()


def build_decision(config_path: Path, out_dir: Path, templates_dir: Path | None = None,
                   allow_incomplete: bool = False, convert=None) -> AwardResult:
    """quyet-dinh: the Ban's Tờ trình, the Quyết định and its list from what intake accepted, and
    the list itself as data, so the certificates print exactly the decision's awardees.
    `convert` (paths -> {pdf name: bytes}, e.g. pdf.to_pdf_bytes): the PDFs too, written in the
    same set as the .docx, so the two can never be of different lists."""
    import tempfile  # only for the decision's PDFs, not on every build's path

    from . import awards as awards_mod  # lxml: only for the award cycle's steps

    plan = config.load_plan(config_path)
    require(plan, "decision", str(config_path))
    chosen = awards_mod.load(plan, out_dir, allow_incomplete)
    _, docs = render_documents(plan, templates_dir or templates_for(plan, config_path), "decision", data=chosen)
    docs[DECISION_LIST] = awards_mod.dump(chosen)
    if convert is not None:
        with tempfile.TemporaryDirectory(prefix="quyet-dinh-") as tmp:
            sources = []
            for name, data in docs.items():
                if name.endswith(".docx"):
                    sources.append(Path(tmp, Path(name).name))
                    sources[-1].write_bytes(data)
            for pdf_name, data in convert(sources).items():
                docs[f"quyet_dinh/{pdf_name}"] = data
    docs.update(manifest("quyet_dinh", docs))
    written = write_all(out_dir, docs)
    _drop_stale(out_dir, "quyet_dinh", docs, ("*.pdf",))
    return AwardResult(plan, chosen, written)


def build_certificates(config_path: Path, out_dir: Path, templates_dir: Path | None = None,
                       pdf: bool | None = None) -> AwardResult:
    """bang-khen: one page per awardee of the decision's list in one .docx, and the
    record-book page. With LibreOffice (`pdf` None: when it is there) also one PDF (one
    conversion) split into one ZIP per unit; without it the .docx files are made all the same."""
    from . import awards as awards_mod  # lxml: only for the award cycle's steps
    from . import certificate_pdf
    from . import pdf as libreoffice  # `pdf` is this step's own choice

    plan = config.load_plan(config_path)
    require(plan, "certificates", str(config_path))
    chosen = awards_mod.read_dump(plan, out_dir / DECISION_LIST)
    awards_mod.within_quotas(plan, chosen)


    ledger = book.read(out_dir)
    first, others = book.first_number(plan, ledger, len(chosen.all), str(config_path))
    chosen = chosen._replace(first_number=first, book=tuple(others))
    progress.report(f"Đang dựng {len(chosen.all)} Bằng khen")
    _, jobs = plan_documents(plan, "certificates", data=chosen)
    docs = render_jobs(plan, jobs, templates_dir or templates_for(plan, config_path))
    printed = next(ctx for kind, _, ctx in jobs if kind.key == "so_cap_bang")["certificates"]
    docs[book.LEDGER] = book.dump(others + [book.entry(plan, first, printed)])
    notes: tuple[str, ...] = ()
    if pdf is None:
        pdf = libreoffice.find_soffice() is not None
        if not pdf:
            notes = ("Chưa có bản PDF và ZIP theo đơn vị: máy này không có LibreOffice. Có thể in thẳng "
                     f"{certificate_pdf.DOCX} bằng Word. " + libreoffice.INSTALL_HINT,)
    if pdf:
        docs.update(certificate_pdf.pdf_and_zips(docs, chosen, plan))
    docs.update(manifest("bang_khen", docs))
    written = write_all(out_dir, docs)
    _drop_stale(out_dir, "bang_khen", docs, ("*.pdf", "theo_don_vi/*.zip"))
    return AwardResult(plan, chosen, written, notes)


# The papers made from what an earlier step left in output/: the folder each is written to.
PAPER_FOLDERS = {"chase": "don_doc", "invitations": "giay_moi", "prizes": "tien_thuong", "results": "thong_bao"}


def require(plan: Plan, group: str, source: str) -> None:
    """The config sections a step needs, all named at once."""
    lacking = documents.missing(group, plan)
    if lacking:
        raise ConfigError(source, [Problem(part, "thiếu mục này; chép mục đó từ config/plan.yaml của dự án rồi sửa "
                                                 "theo văn bản của đơn vị.") for part in lacking])


def build_paper(config_path: Path, out_dir: Path, group: str, templates_dir: Path | None = None) -> AwardResult:
    """don-doc, giay-moi, tien-thuong, gui-quyet-dinh: one of the cycle's later papers, from the
    last intake's marks (the chase letter) or from the decision's own list (the others), written
    as a set that replaces the folder's earlier one. `awards` of the result: what was read."""
    from . import awards as awards_mod  # lxml: only for the award cycle's steps

    plan = config.load_plan(config_path)
    require(plan, group, str(config_path))
    folder = PAPER_FOLDERS[group]
    if group == "chase":
        from . import intake  # lxml: only for the award cycle's steps

        data = intake.load_marks(out_dir)
        if data is None:
            raise StepError(f"chưa có kết quả tiếp nhận hồ sơ ({out_dir / intake.MARKS_FILE}); công văn đôn đốc viết từ "
                            "kết quả đó: trước hết {intake_first}.")
        data = intake.rejudged(plan, out_dir, data)  # a member count changed since: judged as it is now
        chased = tuple(context_cycle.chased_units(plan, quotas.allocate(plan), data))
        if not chased:
            _drop_stale(out_dir, folder, {}, ("*.docx", SET_MANIFEST))
            return AwardResult(plan, data, [])
    elif group == "invitations" and not plan.conference.awardees:
        data, chased = None, ()
    else:
        data, chased = awards_mod.read_dump(plan, out_dir / DECISION_LIST), ()
        awards_mod.within_quotas(plan, data)
    _, docs = render_documents(plan, templates_dir or templates_for(plan, config_path), group, data=data)
    docs.update(manifest(folder, docs))
    written = write_all(out_dir, docs)
    _drop_stale(out_dir, folder, docs, ("*.docx",))
    return AwardResult(plan, data, written, chased=chased)
