"""«Nhập từ bảng tính»: member counts from an .xlsx or .csv, matched to the config's units.
The sheet itself is read within bounds by sheets.py."""
from __future__ import annotations

import unicodedata

from ..config_reader import MAX_MEMBERS, normal_name, whole_number
from ..formatting import thousands
from ..exceptions import SheetError
from ..sheets import rows as sheet_rows



def _count(value) -> int | str:
    if isinstance(value, bool) or value is None:
        return "ô số đoàn viên trống."
    if isinstance(value, float):
        if not value.is_integer() or value < 0:
            return f"ô có số thập phân {value}; số đoàn viên phải là số nguyên (chương trình không tự làm tròn)."
        value = int(value)
    if isinstance(value, int):
        if value < 0:
            return "số đoàn viên không thể âm."
        return value if value <= MAX_MEMBERS else f"{thousands(value)} quá lớn (tối đa {thousands(MAX_MEMBERS)})."
    parsed = whole_number(str(value))
    return _count(parsed) if isinstance(parsed, int) else parsed


def read(filename: str, data: bytes) -> list[tuple[str, int | str]]:
    """(name, count or the reason the count is refused) for every row that has a name."""
    rows = sheet_rows(filename, data)
    if rows and max(len(r) for r in rows) < 2:
        raise SheetError("bảng tính chỉ có một cột; cần hai cột: tên đơn vị và số đoàn viên.")
    name_col, count_col, start = 0, 1, 0
    for i, row in enumerate(rows[:10]):
        cells = [normal_name(str(c or "")) for c in row]
        names = [j for j, c in enumerate(cells) if "đơn vị" in c or c in ("tên", "tên đơn vị")]
        counts = [j for j, c in enumerate(cells) if "đoàn viên" in c]
        if names and counts:
            name_col, count_col, start = names[0], counts[0], i + 1
            break
    out = []
    for row in rows[start:]:
        if len(row) <= max(name_col, count_col):
            continue
        name = unicodedata.normalize("NFC", " ".join(str(row[name_col] or "").split()))
        if name:
            out.append((name, _count(row[count_col])))
    if not out:
        raise SheetError("không tìm thấy dòng nào có tên đơn vị và số đoàn viên.")
    return out


def match(rows: list[tuple[str, int | str]], units: list[dict]) -> dict:
    """Which units' counts change, and which names of the sheet match no unit."""
    index = {normal_name(u["name"]): i for i, u in enumerate(units)}
    changes, unmatched, refused = [], [], []
    for name, count in rows:
        i = index.get(normal_name(name))
        if i is None:
            unmatched.append(name)
        elif isinstance(count, str):
            refused.append({"name": name, "message": count})
        elif whole_number(str(units[i]["members"])) != count:
            changes.append({"index": i, "name": units[i]["name"], "new": count})
    return {"changes": changes, "unmatched": unmatched, "refused": refused}
