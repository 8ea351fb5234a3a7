"""One unit's list of nominations: read from its workbook (or .csv) within bounds, its unit
found from the «Đơn vị:» line, each section by its header row, and its rows checked against the
config's columns and the unit's quota. Every problem names the file, the sheet, the row as the
sheet numbers it, and the column."""
from __future__ import annotations

import re
from typing import Any, NamedTuple
import unicodedata

from . import sheets
from .config_reader import normal_name
from .exceptions import Problem, SheetError
from .intake_books import either
from .model import NOMINATION_COLUMNS
from .model import Plan

MAX_FILE = 5 * 1024 * 1024
LABEL = {"tap_the": "tập thể", "ca_nhan": "cá nhân"}


class Nominee(NamedTuple):
    kind: str  # "tap_the" or "ca_nhan"
    values: dict[str, str]  # column name (as the config writes it) -> text
    row: int


class Parsed(NamedTuple):
    file: str
    sheet: str
    unit: str | None  # as the sheet (or the file name) gives it
    nominees: list[Nominee]
    problems: list[Problem]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", " ".join(str(value).split()))


def _letter(i: int) -> str:
    from openpyxl.utils import get_column_letter  # openpyxl: only when a workbook is read or made

    return get_column_letter(i + 1)


def parse(name: str, data: bytes, plan: Plan) -> Parsed:
    """One returned list: its unit, its nominees, and what is wrong with it."""
    nom = plan.nominations
    if len(data) > MAX_FILE:
        return Parsed(name, "", None, [], [Problem.in_list(name, "", None, "", f"tệp lớn hơn {MAX_FILE // 1024 // 1024} MB; "
                                                   "danh sách đề nghị chỉ cần vài chục dòng.")])
    try:
        sheet, rows = sheets.read(name, data)
    except SheetError as err:
        return Parsed(name, "", None, [], [Problem.in_list(name, "", None, "", str(err))])
    problems: list[Problem] = []
    unit = None
    for i, row in enumerate(rows[:15], 1):
        for cell in row:
            m = re.match(r"(?i)\s*đơn vị\s*:\s*(.+)", _text(cell))
            if m:
                unit = m.group(1).strip()
                break
        if unit:
            break
    headers = {kind: ["stt"] + [normal_name(c.name) for c in getattr(nom, cols)] for kind, cols in NOMINATION_COLUMNS.items()}
    nominees: list[Nominee] = []
    kind, columns = None, {}
    for i, row in enumerate(rows, 1):
        cells = [_text(c) for c in row]
        names = [normal_name(c.rstrip("*")) if c else "" for c in cells]  # rows come padded to 50 cells
        filled = [c for c in names if c]
        matched = next((k for k, h in headers.items() if filled and filled[0] == "stt" and sorted(filled) == sorted(h)), None)
        if matched:
            kind = matched
            config_cols = getattr(nom, NOMINATION_COLUMNS[kind])
            columns = {c.name: names.index(normal_name(c.name)) for c in config_cols}
            continue
        if filled and filled[0] == "stt":
            problems.append(Problem.in_list(name, sheet, i, "", "dòng tiêu đề cột không khớp các cột của danh sách mẫu: "
                                    f"cần «{', '.join(headers['tap_the'])}» hoặc «{', '.join(headers['ca_nhan'])}»."))
            kind = None
            continue
        if kind is None:
            continue
        first = cells[0] if cells else ""
        if first and not re.fullmatch(r"\d+", first):
            kind = None  # the section ended: the next heading, the signatures
            continue
        values = {c: (cells[j] if j < len(cells) else "") for c, j in columns.items()}
        if any(values.values()):
            nominees.append(Nominee(kind, values, i))
    return Parsed(name, sheet, unit, nominees, problems)


def check_rows(p: Parsed, unit: dict, plan: Plan) -> list[Problem]:
    """Required cells, choices, Ông/Bà against Giới tính, and the counts against the quota."""
    nom = plan.nominations
    out: list[Problem] = []
    choices = {normal_name(k): {normal_name(v): v for v in vals} for k, vals in nom.choices.items()}
    for n in p.nominees:
        cols = getattr(nom, NOMINATION_COLUMNS[n.kind])
        for j, c in enumerate(cols, 1):
            value = n.values.get(c.name, "")
            where = f"{_letter(j)} ({c.name})"
            hidden = next((ch for ch in value if unicodedata.category(ch) in ("Cc", "Cf")), None)
            if hidden:  # a control or invisible character: pasted from elsewhere, and no workbook holds it
                out.append(Problem.in_list(p.file, p.sheet, n.row, where, f"ô có ký tự ẩn U+{ord(hidden):04X} (thường do dán "
                                   "từ nơi khác); gõ lại ô này."))
            if c.required and not value:
                out.append(Problem.in_list(p.file, p.sheet, n.row, where, f"chưa điền «{c.name}» ({LABEL[n.kind]})."))
            allowed = choices.get(normal_name(c.name))
            if value and allowed and normal_name(value) not in allowed:
                out.append(Problem.in_list(p.file, p.sheet, n.row, where, f"«{value}» không có trong danh sách chọn: "
                                   f"{', '.join(allowed.values())}."))
        gender = next((n.values[c.name] for c in cols if normal_name(c.name) == "giới tính"), "")
        address_col = next(((j, c) for j, c in enumerate(cols, 1) if normal_name(c.name) == "ông/bà"), None)
        if gender and address_col and n.values.get(address_col[1].name):
            address = n.values[address_col[1].name]
            expected = {"nam": "ông", "nữ": "bà"}.get(normal_name(gender))
            if expected and normal_name(address) != expected:
                out.append(Problem.in_list(p.file, p.sheet, n.row, f"{_letter(address_col[0])} ({address_col[1].name})",
                                   f"«{address}» không khớp Giới tính «{gender}»."))
    counts = {k: [n for n in p.nominees if n.kind == k] for k in NOMINATION_COLUMNS}
    if unit.provincial:
        allowed = unit.collectives  # the provincial row: this many, collectives or individuals (the config's)
        if len(p.nominees) > allowed:
            out.append(Problem.in_list(p.file, p.sheet, p.nominees[allowed].row, "", "vượt số lượng: "
                               f"{unit.name} chỉ được đề nghị {either(allowed)}, danh sách có "
                               f"{len(counts['tap_the'])} tập thể và {len(counts['ca_nhan'])} cá nhân.", over_quota=True))
    else:
        for kind, quota in (("tap_the", unit.collectives), ("ca_nhan", unit.individuals)):
            if len(counts[kind]) > quota:
                out.append(Problem.in_list(p.file, p.sheet, counts[kind][quota].row, "", f"vượt số lượng: {len(counts[kind])} "
                                   f"{LABEL[kind]}, được phân bổ {quota:02d}.", over_quota=True))
    return out
