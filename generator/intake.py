"""Intake of the lists the units send back, checked against the allocation of the same config.

A list is the pack's own workbook filled in Excel or LibreOffice, or an .xlsx or .csv typed by
hand with the same columns. The unit is found from the sheet's «Đơn vị:» line (the file's or
its folder's name is only a fallback); each section is found by its header row, the columns the
config names. Every problem is one Vietnamese line naming the file, the sheet, the row as the
sheet numbers it, and the column.

A unit whose list has any problem contributes nothing to the consolidated list, but what was
accepted from it before stays until a good file replaces it: the accepted rows are kept per
unit in output/tiep_nhan.json, so running intake again after one unit resubmits changes that
unit's rows alone. Everything is written all or nothing.
"""
from __future__ import annotations

import functools
import json
from pathlib import Path
import re
from typing import NamedTuple

from . import intake_books, pool, quotas, sheets
from .config_reader import normal_name
from .exceptions import GeneratorError, Problem
from .intake_books import either  # noqa: F401  (the provincial row's quota in words, for the views)
from .model import NOMINATION_COLUMNS, Accepted, Plan, UnitStatus
from .nomination_list import MAX_FILE, Nominee, Parsed, _letter, _text, check_rows, parse
from .output import write_all

STATE = "tiep_nhan.json"
CONSOLIDATED, ERRORS = "tong_hop_de_nghi.xlsx", "loi_tiep_nhan.xlsx"
# What the last intake marked: the status of every unit and each problem by its unit, as the
# error list shows them; the công văn đôn đốc is written from it.
MARKS_FILE = "tiep_nhan_ket_qua.json"
DU, THIEU, VUOT, CO_LOI, CHUA_NOP = "đủ", "thiếu", "vượt", "có lỗi", "chưa nộp"


def measure(unit: quotas.UnitQuota, collectives: int, individuals: int) -> str:
    """«vượt», «đủ» or «thiếu»: what a unit has against its quota in the config as it is now.
    The provincial row may have its count in collectives and individuals together."""
    if unit.provincial:
        got, quota = collectives + individuals, unit.collectives
        return VUOT if got > quota else DU if got == quota else THIEU
    if collectives > unit.collectives or individuals > unit.individuals:
        return VUOT
    return DU if (collectives, individuals) == (unit.collectives, unit.individuals) else THIEU


class Result(NamedTuple):
    table: list[UnitStatus]
    problems: list[Problem]
    accepted: dict[str, Accepted]  # by unit name
    written: list[Path]
    not_lists: tuple[str, ...] = ()  # files in the folder that are not lists (a Tờ trình, a scan)
    notes: tuple[Problem, ...] = ()  # what the office should know but is no error (a same-name pair)


CONFIG_STAMP_FILE = "tiep_nhan_cau_hinh.json"  # the config intake judged against: a later change makes it stale


def fingerprint(plan: Plan) -> str:
    """The config as intake judged against it; any change to it, once saved, changes this."""
    import hashlib

    return hashlib.sha256(repr(plan._replace(warnings=())).encode("utf-8")).hexdigest()[:16]


def stale(plan: Plan, out_dir: Path) -> list[str]:
    """Why the last intake no longer matches the config as it is now (empty: it matches): the
    config changed after it, and which units' quotas moved, old → new."""
    try:
        stamp = json.loads((out_dir / CONFIG_STAMP_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(stamp, dict) or stamp.get("config") == fingerprint(plan):
        return []
    said = ["tệp cấu hình đã đổi sau lần tiếp nhận hồ sơ gần nhất: các đơn vị được xét lại theo số lượng phân bổ "
            "hiện nay."]
    state = load_state(out_dir)
    for u in quotas.units_of(plan, quotas.allocate(plan)):
        then = state[u.name].quota if u.name in state else None
        now = [u.collectives, u.individuals]
        if isinstance(then, list) and then != now:
            said.append(f"{u.name}: số lượng phân bổ đổi từ {then[0]:02d} tập thể, {then[1]:02d} cá nhân thành "
                        f"{now[0]:02d} tập thể, {now[1]:02d} cá nhân.")
    return said


def list_files(folder: Path) -> tuple[list[Path], list[Path]]:
    """(the lists to read, the other files) in `folder`. Excel's lock files (~$…) and hidden
    files are neither: they are not what a unit sent."""
    everything = sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(("~$", ".")))
    return ([p for p in everything if p.suffix.lower() in sheets.LIST_SUFFIXES],
            [p for p in everything if p.suffix.lower() not in sheets.LIST_SUFFIXES])


def read_bounded(path: Path) -> bytes:
    """At most one byte more than a list may have: a 3 GB file is refused without being read."""
    with open(path, "rb") as fh:
        return fh.read(MAX_FILE + 1)


# From this many lists on they are read in a process pool; fewer cost more to spread than to read.
PARALLEL_FROM = 40


def _parse_file(item: tuple[str, Path], plan: Plan) -> Parsed:
    shown, path = item
    return parse(shown, read_bounded(path), plan)


def run(plan: Plan, folder: Path, out_dir: Path) -> Result:
    """Check every list in `folder` and write the consolidated list, the error list and the
    accepted rows to `out_dir`, all or nothing."""
    table, problems, accepted, notes = evaluate(plan, folder, load_state(out_dir))
    outputs = {
        STATE: (json.dumps({name: a._asdict() for name, a in accepted.items()}, ensure_ascii=False, indent=2,
                           sort_keys=True) + "\n").encode("utf-8"),
        CONFIG_STAMP_FILE: (json.dumps({"config": fingerprint(plan)}) + "\n").encode("utf-8"),
        CONSOLIDATED: intake_books.consolidated(plan, accepted, table),
        ERRORS: intake_books.errors(problems, table),
        MARKS_FILE: _marks_bytes(table, problems),
    }
    others = tuple(p.relative_to(folder).as_posix() for p in list_files(folder)[1])
    return Result(table, problems, accepted, write_all(out_dir, outputs), others, tuple(notes))


class Marks(NamedTuple):
    """The last intake's verdict: the status table and the problems, each with its unit's name
    (None for a file of no known unit)."""
    table: list[UnitStatus]
    problems: tuple[tuple[str | None, Problem], ...]


def _marks_bytes(table: list[UnitStatus], problems: list[Problem]) -> bytes:
    unit_of = {r.file: r.name for r in table if r.file}
    data = {"table": [r._asdict() for r in table], "problems": [{"unit": unit_of.get(p.file), "file": p.file, "sheet": p.sheet, "row": p.line,
                                          "column": p.column, "message": p.message, "over_quota": p.over_quota}
                                         for p in problems]}
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _stored_problem(d: dict) -> Problem:
    return Problem.in_list(d["file"], d["sheet"], d["row"], d["column"], d["message"], d["over_quota"])


def load_marks(out_dir: Path) -> Marks | None:
    """What the last intake in out_dir marked; None when intake has not run there (or its file
    is not one intake wrote)."""
    try:
        data = json.loads((out_dir / MARKS_FILE).read_text(encoding="utf-8"))
        table = [UnitStatus(**{f: r[f] for f in UnitStatus._fields}) for r in data["table"]]
        problems = tuple((d.get("unit"), _stored_problem(d)) for d in data["problems"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return Marks(table, problems)


def rejudged(plan: Plan, out_dir: Path, marks: Marks) -> Marks:
    """The last intake's marks under the config as it is now: a unit whose list had problems keeps
    that verdict and its problems; every other unit is judged again from what was accepted, so a
    quota lowered since then turns «đủ» into «vượt»."""
    stored = {r.name: r for r in marks.table}
    kept = {u for u, _ in marks.problems if u is not None}
    table = [stored[r.name] if r.name in kept and r.name in stored else r for r in current(plan, out_dir)]
    return Marks(table, marks.problems)


def current(plan: Plan, out_dir: Path) -> list[UnitStatus]:
    """The status table of what was accepted so far, nothing read or written (the page on load)."""
    return evaluate(plan, None, load_state(out_dir))[0]


def evaluate(plan: Plan, folder: Path | None, previous: dict[str, Accepted]
             ) -> tuple[list[UnitStatus], list[Problem], dict[str, Accepted], list[Problem]]:
    """The pure part of intake: (status table, problems, accepted rows, notes) from the lists in
    `folder` (None: no new list) and what was accepted before. Every unit is judged against the
    allocation of the config as it is now: rows accepted under a larger quota are «vượt»."""
    if plan.nominations is None:
        raise GeneratorError("tệp cấu hình thiếu mục nominations (các cột của danh sách đề nghị).")
    if folder is not None and not folder.is_dir():
        raise GeneratorError(f"không tìm thấy thư mục {folder} chứa danh sách các đơn vị gửi về.")
    units = quotas.units_of(plan, quotas.allocate(plan))
    parsed = _read_lists(plan, folder, {normal_name(u.name): u for u in units})
    twice = _sent_twice(parsed)
    notes = _same_people(plan, parsed, previous)
    problems: list[Problem] = []
    accepted = {name: entry for name, entry in previous.items() if name in {u.name for u in units}}
    status: dict[str, tuple[str, str]] = {}
    for p, unit in parsed:
        problems.extend(p.problems)
        if unit is None:
            continue
        if p.problems:
            over = all(x.over_quota for x in p.problems)
            status[unit.name] = (VUOT if over else CO_LOI, p.file)
        elif unit.name not in twice:
            accepted[unit.name] = Accepted(p.file, [unit.collectives, unit.individuals],
                                           *(tuple(n.values for n in p.nominees if n.kind == k) for k in NOMINATION_COLUMNS))
    sent = {unit.name: p for p, unit in parsed if unit is not None}
    return [_row(u, accepted.get(u.name), sent.get(u.name), status.get(u.name)) for u in units], \
        problems, accepted, notes


def _read_lists(plan: Plan, folder: Path | None, by_key: dict) -> list[tuple[Parsed, dict | None]]:
    """Every list in `folder`, read and checked, with the unit it is from (None: not found)."""
    files = [] if folder is None else list_files(folder)[0]
    shown_names = [path.relative_to(folder).as_posix() for path in files]
    # Opening a workbook is two thirds of intake: many lists are read over the machine's cores.
    read = pool.spread(functools.partial(_parse_file, plan=plan), list(zip(shown_names, files)), PARALLEL_FROM,
                       "Đang đọc danh sách")
    parsed = []
    for path, shown, p in zip(files, shown_names, read):
        unit = by_key.get(normal_name(p.unit)) if p.unit else None
        if unit is None and not p.unit:
            for guess in (path.stem, path.parent.name):  # the file's or its folder's name, as packs name them
                unit = by_key.get(normal_name(re.sub(r"^\d+\s*[-_.]\s*", "", guess)))
                if unit:
                    break
        if unit is None and not p.problems:  # an unreadable file says only that
            why = (f"đơn vị «{p.unit}» không có trong Phụ lục của kế hoạch" if p.unit else
                   "không thấy dòng «Đơn vị: …» và tên tệp không trùng tên đơn vị nào")
            p.problems.append(Problem.in_list(shown, p.sheet, None, "", why + "; kiểm tra lại tên đơn vị."))
        elif not p.problems:
            p.problems.extend(check_rows(p, unit, plan))
        parsed.append((p, unit))
    return parsed


def _sent_twice(parsed: list[tuple[Parsed, dict | None]]) -> set[str]:
    """Two files for one unit: neither is taken, the office asks which one counts."""
    seen: dict[str, list[Parsed]] = {}
    for p, unit in parsed:
        if unit is not None:
            seen.setdefault(unit.name, []).append(p)
    for name, ps in seen.items():
        if len(ps) > 1:
            for p in ps:
                others = ", ".join(q.file for q in ps if q is not p)
                p.problems.append(Problem.in_list(p.file, p.sheet, None, "", f"{name} có hai tệp danh sách (cùng với {others}); "
                                          "giữ lại một tệp rồi chạy lại."))
    return {name for name, ps in seen.items() if len(ps) > 1}


def _same_people(plan: Plan, parsed: list[tuple[Parsed, dict | None]], previous: dict[str, Accepted]) -> list[Problem]:
    """The same person proposed by two units (same name and the same details, same_person) is a
    problem of each list that proposes them now; two people of one name only a note."""
    persons: dict[str, list[tuple[str, tuple, Parsed | None, Nominee | None]]] = {}
    first_col = plan.nominations.individual_columns[0].name
    identity = _identity_columns(plan)
    fresh = {unit.name for _, unit in parsed if unit is not None}
    for p, unit in parsed:
        if unit is not None:
            for n in p.nominees:
                if n.kind == "ca_nhan" and n.values.get(first_col):
                    persons.setdefault(normal_name(n.values[first_col]), []).append(
                        (unit.name, _person(n.values, identity), p, n))
    for name, entry in previous.items():
        if name not in fresh:
            for values in entry.ca_nhan:
                if values.get(first_col):
                    persons.setdefault(normal_name(values[first_col]), []).append(
                        (name, _person(values, identity), None, None))
    notes: list[Problem] = []
    for entries in persons.values():
        if len({u for u, _, _, _ in entries}) < 2:
            continue
        for u, who, p, n in entries:
            if p is None:
                continue
            same = sorted({v for v, w, _, _ in entries if v != u and w == who})
            namesake = sorted({v for v, w, _, _ in entries if v != u and w != who})
            where = f"{_letter(1)} ({first_col})"
            if same:
                p.problems.append(Problem.in_list(p.file, p.sheet, n.row, where, f"«{n.values[first_col]}» cũng được "
                                          f"{', '.join(same)} đề nghị ({_described(n.values, identity)}); mỗi người chỉ "
                                          "được một đơn vị đề nghị."))
            if namesake:
                notes.append(Problem.in_list(p.file, p.sheet, n.row, where, f"«{n.values[first_col]}» trùng tên với một người "
                                     f"{', '.join(namesake)} đề nghị nhưng khác {', '.join(identity[1:]) or 'thông tin'}:"
                                     " hai người khác nhau, vẫn nhận cả hai."))
    return notes


def _row(u: quotas.UnitQuota, got: Accepted | None, sent: Parsed | None, marked: tuple[str, str] | None) -> UnitStatus:
    """A unit's line of the status table."""
    if sent is not None:  # what the unit sent this time, accepted or not: «cá nhân 2/1» says why
        c, i = (sum(n.kind == k for n in sent.nominees) for k in ("tap_the", "ca_nhan"))
    else:
        c = len(got.tap_the) if got else 0
        i = len(got.ca_nhan) if got else 0
    if marked is not None:
        state, file = marked
    elif got is None:
        state, file = CHUA_NOP, ""
    else:
        state, file = measure(u, c, i), got.file
    then = got.quota if got is not None and sent is None else None
    return UnitStatus(u.stt, u.name, u.provincial, c, u.collectives, i, u.individuals, state, file,
                      then if isinstance(then, list) and then != [u.collectives, u.individuals] else None)


def _identity_columns(plan: Plan) -> tuple[str, ...]:
    """The columns that make two rows one person: the config's same_person, else the name and
    the year-of-birth and workplace columns the list has."""
    nom = plan.nominations
    if nom.same_person:
        return nom.same_person
    cols = [c.name for c in nom.individual_columns]
    extra = [c for c in cols[1:] if normal_name(c) in ("năm sinh", "đơn vị công tác", "nơi công tác", "đơn vị")]
    return (cols[0], *extra)


def _person(values: dict, identity: tuple[str, ...]) -> tuple:
    return tuple(normal_name(_text(values.get(c))) for c in identity)


def _described(values: dict, identity: tuple[str, ...]) -> str:
    return ", ".join(f"{c}: {_text(values.get(c))}" for c in identity[1:] if _text(values.get(c))) or "cùng tên"


def load_state(out_dir: Path) -> dict[str, Accepted]:
    """What intake accepted so far; an entry that is not one intake wrote (edited by hand) is
    not accepted, so its unit counts as not sent."""
    try:
        data = json.loads((out_dir / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    out = {}
    for name, entry in (data.items() if isinstance(data, dict) else ()):
        try:
            rows = [tuple(dict(v) for v in entry.get(k, [])) for k in NOMINATION_COLUMNS]
            quota = entry.get("quota")
            out[name] = Accepted(str(entry["file"]), quota if isinstance(quota, list) else None, *rows)
        except (AttributeError, KeyError, TypeError, ValueError):
            continue
    return out


def table_text(table: list[UnitStatus]) -> str:
    width = max(len(r.name) for r in table)
    lines = [f"{'STT':>3}  {'Đơn vị':<{width}}  {'Tập thể':>7}  {'Cá nhân':>7}  Tình trạng"]
    for r in table:
        c, i = intake_books.status_cells(r)[2:4]
        lines.append(f"{r.stt:>3}  {r.name:<{width}}  {c:>7}  {i.split(' ')[0]:>7}  {r.status}"
                     + (f"  ({r.file})" if r.file else ""))
    return "\n".join(lines)


def sample_marks(plan: Plan) -> Marks:
    """Invented marks, each status in turn and a problem for each unit with errors: the data
    kiem-tra-mau and the contract tests render the chase letter with."""
    units = quotas.units_of(plan, quotas.allocate(plan))
    states = (CHUA_NOP, THIEU, CO_LOI, VUOT, DU)
    table, problems = [], []
    for i, u in enumerate(units):
        state = states[i % len(states)]
        file = "" if state == CHUA_NOP else f"{u.stt:02d}-{u.name}.xlsx"
        table.append(UnitStatus(u.stt, u.name, u.provincial, 0 if state in (CHUA_NOP, THIEU) else u.collectives,
                                u.collectives, u.individuals + (state == VUOT), u.individuals, state, file, None))
        if state in (CO_LOI, VUOT):
            problems.append((u.name, Problem.in_list(file, "Danh sách", 12, "C (Giới tính)", "ô «Giới tính» để trống.",
                                                state == VUOT)))
    return Marks(table, tuple(problems))
