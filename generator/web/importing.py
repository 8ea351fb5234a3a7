"""«Nhập từ bảng tính»: member counts from an .xlsx or .csv, matched to the config's units."""
from __future__ import annotations

import csv
import io

from ..config import normal_name, whole_number
from ..exceptions import GeneratorError

MAX_ROWS = 5000


class ImportError_(GeneratorError):
    pass


def _rows_xlsx(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many kinds for a file that is not a workbook
        raise ImportError_(f"không đọc được tệp .xlsx: {err}") from None
    rows = []
    for row in wb.worksheets[0].iter_rows(values_only=True):
        rows.append(list(row))
        if len(rows) > MAX_ROWS:
            break
    wb.close()
    return rows


def _rows_csv(data: bytes) -> list[list]:
    for encoding in ("utf-8-sig", "cp1258", "latin-1"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t") if text.strip() else csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect)][:MAX_ROWS]


def _count(value) -> int | str:
    if isinstance(value, bool) or value is None:
        return "ô số đoàn viên trống."
    if isinstance(value, int):
        return value if value >= 0 else "số đoàn viên không thể âm."
    if isinstance(value, float):
        if value.is_integer() and value >= 0:
            return int(value)
        return f"ô có số thập phân {value}; số đoàn viên phải là số nguyên (chương trình không tự làm tròn)."
    return whole_number(str(value))


def read(filename: str, data: bytes) -> list[tuple[str, int | str]]:
    """(name, count or the reason the count is refused) for every row that has a name."""
    lower = filename.lower()
    if lower.endswith(".xlsx"):
        rows = _rows_xlsx(data)
    elif lower.endswith(".csv"):
        rows = _rows_csv(data)
    else:
        raise ImportError_("chỉ nhận tệp .xlsx hoặc .csv.")
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
        name = " ".join(str(row[name_col] or "").split())
        if name:
            out.append((name, _count(row[count_col])))
    if not out:
        raise ImportError_("không tìm thấy dòng nào có tên đơn vị và số đoàn viên.")
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
