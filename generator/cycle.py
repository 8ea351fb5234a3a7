"""Where the award cycle stands, and what its files are called, read from the output folder.

The page's «Các bước» view and every view's downloads come from here: each step in the order the
office works (Kế hoạch → Hồ sơ mẫu → Tiếp nhận → Quyết định → Bằng khen, with the papers around
them) with its state, and every file by the name the clerk gives it and its format, grouped by
the step that writes it. A step's documents are stale when what they are made from changed after
them: the plan by its build stamp (exact: the config, a template, the tool), intake by the
config's fingerprint (exact), the rest by the files' times (the decision after the intake it read,
the certificates after the decision). Nothing here writes.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import NamedTuple

from . import documents, main
from .config import load_plan

DONE, STALE, WAITING, NOT_YET = "xong", "cần làm lại", "đang chờ", "chưa làm"
FORMATS = {".docx": "Word", ".pdf": "PDF", ".xlsx": "Excel", ".zip": "ZIP"}

# Files no kind of the registry writes, by step: intake's workbooks, the page's ZIPs, the
# certificates' PDF split by unit.
OTHER_FILES = (
    ("intake", "tong_hop_de_nghi.xlsx", "Danh sách tổng hợp đề nghị"),
    ("intake", "loi_tiep_nhan.xlsx", "Danh sách lỗi gửi lại các đơn vị"),
    ("packs", "ho_so.zip", "Bộ hồ sơ mẫu của mọi đơn vị"),
    ("decision", "quyet_dinh_bang_khen.zip", "Tất cả văn bản của Quyết định và Bằng khen"),
)
BY_UNIT_ZIP = re.compile(r"bang_khen/theo_don_vi/(?P<unit>[^/]+)\.zip")


class Link(NamedTuple):
    text: str  # «Word», «PDF»; under «Theo đơn vị», the document's name too
    name: str  # path under output/


class Item(NamedTuple):
    label: str  # «Quyết định khen thưởng», or a unit's «04-LĐLĐ huyện Đình Lập»
    links: tuple[Link, ...]


class Shelf(NamedTuple):
    """One step's files: its documents, then its per-unit files under «Theo đơn vị»."""
    step: str
    entries: tuple[Item, ...]
    per_unit: tuple[Item, ...]


def _pattern(kind: documents.Kind) -> re.Pattern:
    stem = kind.output.rsplit(".", 1)[0]
    text = re.escape(stem).replace(r"\{stt:02d\}", r"(?P<stt>\d{2})").replace(r"\{name\}", r"(?P<name>[^/]+)")
    return re.compile(text + r"\.(docx|pdf|xlsx)")


_KINDS = [(k, _pattern(k)) for k in documents.KINDS]


def what(name: str) -> tuple[str, str, str | None] | None:
    """(step, the document's name, the unit's folder or None) of a path under output/; None for a
    file the clerk does not download (a manifest, a stamp)."""
    for group, path, label in OTHER_FILES:
        if name == path:
            return group, label, None
    found = BY_UNIT_ZIP.fullmatch(name)
    if found:
        return "certificates", "Bằng khen, PDF", found["unit"]
    for kind, pattern in _KINDS:
        m = pattern.fullmatch(name)
        if m:
            unit = f"{m['stt']}-{m['name']}" if "stt" in m.groupdict() else None
            return kind.group, kind.label, unit
    return None


def shelves(names: list[str]) -> list[Shelf]:
    """The files `names` (paths under output/) by step, in the cycle's order, each document once
    with its formats («Quyết định khen thưởng — Word · PDF»)."""
    by_step: dict[str, tuple[dict, dict]] = {}
    for name in names:
        known = what(name)
        if known is None:
            continue
        step, label, unit = known
        fmt = FORMATS.get(Path(name).suffix.lower(), Path(name).suffix)
        docs, units = by_step.setdefault(step, ({}, {}))
        if unit is None:
            docs.setdefault(label, []).append(Link(fmt, name))
        else:
            units.setdefault(unit, []).append((label, Link(f"{label} ({fmt})", name)))
    order = [s for s in ORDER if s in by_step]
    rank = {label: i for i, label in enumerate([k.label for k in documents.KINDS] + [o[2] for o in OTHER_FILES])}
    # A document's Word, PDF and Excel in that order; documents in the registry's order.
    return [Shelf(s, tuple(Item(label, tuple(links)) for label, links in
                           sorted(by_step[s][0].items(), key=lambda item: rank.get(item[0], len(rank)))),
                  tuple(Item(unit, tuple(link for _, link in sorted(links, key=lambda lk: rank.get(lk[0], 0))))
                        for unit, links in sorted(by_step[s][1].items())))
            for s in order]


# The cycle's order; «Tiếp nhận» before the chase letter it leads to, the papers after the decision.
ORDER = ("plan", "packs", "intake", "chase", "decision", "certificates", "invitations", "prizes", "results")


class StepState(NamedTuple):
    step: str
    state: str  # DONE, STALE, WAITING (for an earlier step or the units) or NOT_YET
    when: str  # «02/12/2026 10:20» of its files, "" when none
    said: str  # one line in the clerk's words: what it holds, or what it waits for


def _when(path: Path) -> str:
    return dt.datetime.fromtimestamp(path.stat().st_mtime).strftime("%d/%m/%Y %H:%M")


def _newer(a: Path, b: Path) -> bool:
    """`a` was written after `b` (both there)."""
    return a.is_file() and b.is_file() and a.stat().st_mtime_ns > b.stat().st_mtime_ns


def states(config_path: Path, out: Path, templates: Path | None = None) -> list[StepState]:
    """Each step of the cycle the config has sections for, in order."""
    from . import intake  # openpyxl: only for the award cycle's steps

    plan = load_plan(config_path)
    plan_current = main.is_current(plan, config_path, out, "plan", templates)

    out_ = {name: out / name for name in ("ke_hoach.docx", intake.MARKS_FILE, intake.STATE, "quyet_dinh/khen_thuong.json",
                                          "bang_khen/bang_khen.docx", "don_doc/cong_van_don_doc.docx")}
    found = []
    plan_doc = out_["ke_hoach.docx"]
    if plan_doc.is_file():
        found.append(StepState("plan", DONE if plan_current else STALE, _when(plan_doc),
                               "" if plan_current else "tệp cấu hình hoặc mẫu đã sửa sau khi tạo: tạo lại văn bản."))
    else:
        found.append(StepState("plan", NOT_YET, "", "chưa tạo Kế hoạch và Phụ lục."))
    if plan.nominations is None:
        return found
    packs = sorted((out / "ho_so").glob("*/to_trinh.docx")) if (out / "ho_so").is_dir() else []
    if packs:
        current = main.is_current(plan, config_path, out, "packs", templates)
        found.append(StepState("packs", DONE if current else STALE, _when(packs[-1]), f"{len(packs)} đơn vị."
                               + ("" if current else " Tệp cấu hình hoặc mẫu đã sửa sau đó: tạo lại bộ hồ sơ.")))
    else:
        found.append(StepState("packs", NOT_YET, "", "chưa tạo bộ hồ sơ mẫu gửi các đơn vị."))
    marks = intake.load_marks(out)
    table = intake.current(plan, out)
    changed = intake.stale(plan, out)  # the config changed since the last intake (read once: two steps ask)
    full = sum(r.status == intake.DU for r in table)
    if marks is None:
        found.append(StepState("intake", WAITING, "", f"chờ các đơn vị gửi danh sách (0/{len(table)} đơn vị đủ)."))
    else:
        state = STALE if changed else DONE if full == len(table) else WAITING
        found.append(StepState("intake", state, _when(out_[intake.MARKS_FILE]), f"{full}/{len(table)} đơn vị đủ"
                               + ("." if full == len(table) else ": chờ các đơn vị còn lại gửi hoặc sửa danh sách.")
                               + (" " + changed[0] if changed else "")))
    chase = out_["don_doc/cong_van_don_doc.docx"]
    if plan.chase is not None:
        if chase.is_file():
            found.append(StepState("chase", STALE if _newer(out_[intake.MARKS_FILE], chase) else DONE, _when(chase),
                                   "lập trước lần tiếp nhận gần nhất: lập lại." if _newer(out_[intake.MARKS_FILE], chase)
                                   else ""))
        elif marks is not None and full < len(table):
            found.append(StepState("chase", NOT_YET, "", f"{len(table) - full} đơn vị chưa đủ hồ sơ."))
    if plan.decision is None:
        return found
    listed = out_["quyet_dinh/khen_thuong.json"]
    if listed.is_file():
        stale = _newer(out_[intake.STATE], listed) or changed != []
        found.append(StepState("decision", STALE if stale else DONE, _when(listed),
                               "có danh sách tiếp nhận mới hơn: lập lại Quyết định." if stale else ""))
    else:
        found.append(StepState("decision", NOT_YET if full == len(table) else WAITING, "",
                               "đủ hồ sơ của mọi đơn vị: lập Quyết định." if full == len(table)
                               else f"chờ tiếp nhận đủ hồ sơ ({full}/{len(table)} đơn vị đủ)."))
    after = [("certificates", out_["bang_khen/bang_khen.docx"], plan.certificates is not None)]
    after += [(group, out / folder, getattr(plan, section, None) is not None)
              for group, folder, section in (("invitations", "giay_moi", "conference"),
                                             ("prizes", "tien_thuong", "decision"), ("results", "thong_bao", "results"))]
    for group, path, configured in after:
        if not configured:
            continue
        files = ([path] if path.is_file() else sorted(path.glob("*.docx")) if path.is_dir() else [])
        if not files:
            found.append(StepState(group, NOT_YET if listed.is_file() else WAITING, "",
                                   "" if listed.is_file() else "chờ Quyết định."))
            continue
        stale = _newer(listed, files[0])
        found.append(StepState(group, STALE if stale else DONE, _when(files[0]),
                               "Quyết định đã lập lại sau đó: làm lại." if stale else ""))
    return found
