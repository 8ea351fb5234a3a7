"""«Nhập từ bảng tính»: member counts from an .xlsx or .csv, matched to the config's units.

A spreadsheet is read within fixed bounds, whatever it claims: a few KB of .xlsx can declare a
million rows (`<dimension ref="A1:ZZZ1048576">`) or hold one row of twenty million cells, and a
reader that trusts either fills the machine's memory. So the sheet is first streamed once with
lxml (constant memory, stopping at the first bound passed), and only then handed to openpyxl's
read-only reader with its declared dimension reset. Every decoder or parser error becomes a
Vietnamese message.
"""
from __future__ import annotations

import codecs
import csv
import io
import posixpath
import re
import unicodedata
import zipfile

from lxml import etree

from ..config import MAX_MEMBERS, normal_name, whole_number
from ..exceptions import GeneratorError
from ..formatting import thousands

MAX_ROWS, MAX_COLS = 5000, 50
MAX_CELLS = 250_000  # <c> elements streamed in all, with a value or not (rows are freed as they pass)
MAX_STRINGS = 250_000  # shared strings
MAX_UNZIPPED = 100 * 1024 * 1024

SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


class ImportError_(GeneratorError):
    pass


def _bounds() -> str:
    return f"{thousands(MAX_ROWS)} dòng × {MAX_COLS} cột"


def _column(ref: str) -> int:
    n = 0
    for ch in re.match(r"[A-Z]*", ref).group(0):
        n = n * 26 + ord(ch) - 64
    return n


def _first_sheet(z: zipfile.ZipFile) -> str:
    workbook = etree.fromstring(z.read("xl/workbook.xml"))
    sheet = workbook.find(f"{{{SHEET_NS}}}sheets/{{{SHEET_NS}}}sheet")
    rid = sheet.get(f"{{{REL_NS}}}id")
    rels = etree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    target = next(r.get("Target") for r in rels.iterfind(f"{{{PKG_REL_NS}}}Relationship") if r.get("Id") == rid)
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))


def _stream(z: zipfile.ZipFile, name: str, *tags: str):
    """Each element of these tags in a part, freed (with what came before it) once looked at:
    memory stays constant however many there are."""
    with z.open(name) as fh:
        for _, el in etree.iterparse(fh, events=("end",), tag=[f"{{{SHEET_NS}}}{t}" for t in tags], huge_tree=False):
            yield el
            el.clear()
            while el.getprevious() is not None:
                del el.getparent()[0]


def _scan_xlsx(data: bytes) -> None:
    """Refuse, with the reason, a workbook that is larger than the bounds in any way."""
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        if sum(i.file_size for i in z.infolist()) > MAX_UNZIPPED:
            raise ImportError_(f"tệp .xlsx giải nén ra hơn {MAX_UNZIPPED // 1024 // 1024} MB; "
                               "chỉ nhận bảng tính nhỏ (danh sách đơn vị và số đoàn viên).")
        if "xl/sharedStrings.xml" in z.namelist():
            for count, _ in enumerate(_stream(z, "xl/sharedStrings.xml", "si"), 1):
                if count > MAX_STRINGS:
                    raise ImportError_(f"bảng tính có hơn {thousands(MAX_STRINGS)} chuỗi chữ; quá lớn để nhập.")
        cells = 0
        for cell in _stream(z, _first_sheet(z), "c", "row"):
            if cell.tag == f"{{{SHEET_NS}}}row":
                continue
            cells += 1
            if cells > MAX_CELLS:
                raise ImportError_(f"bảng tính có hơn {thousands(MAX_CELLS)} ô; chỉ đọc tối đa {_bounds()}.")
            if len(cell):  # a value (<v>, <is>, <f>), not just formatting
                ref = cell.get("r", "")
                row = int(re.sub(r"[A-Z]", "", ref) or 0)
                if _column(ref) > MAX_COLS or row > MAX_ROWS:
                    raise ImportError_(f"ô {ref} nằm ngoài vùng đọc được; chỉ đọc tối đa {_bounds()} "
                                       "ở trang tính đầu tiên.")
    except ImportError_:
        raise
    except (zipfile.BadZipFile, KeyError, StopIteration, etree.XMLSyntaxError, ValueError, OSError,
            AttributeError, EOFError, zipfile.LargeZipFile) as err:
        raise ImportError_(f"không đọc được tệp .xlsx (tệp hỏng hoặc không phải bảng tính Excel): {err}") from None


def _rows_xlsx(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    _scan_xlsx(data)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        ws = wb.worksheets[0]
        ws.reset_dimensions()  # never the dimension the file declares
        rows = [list(r) for r in ws.iter_rows(max_row=MAX_ROWS, max_col=MAX_COLS, values_only=True)]
        wb.close()
    except Exception as err:  # openpyxl raises many kinds for a file that is not a workbook
        raise ImportError_(f"không đọc được tệp .xlsx: {err}") from None
    return rows


def _decode(data: bytes) -> str:
    """Text of a CSV: by its BOM (UTF-8, UTF-16), by the zero bytes of UTF-16 without one, else
    strict UTF-8, else Windows-1258 (Excel's «CSV» on a Vietnamese Windows); never a decoding
    that silently turns letters into others."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    head = data[:4096]
    if head.count(b"\0") > len(head) // 4:
        return data.decode("utf-16-le" if head[1::2].count(b"\0") > head[0::2].count(b"\0") else "utf-16-be")
    for encoding in ("utf-8", "cp1258"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportError_("không nhận ra bảng mã của tệp .csv; trong Excel chọn Lưu thành «CSV UTF-8».")


def _rows_csv(data: bytes) -> list[list]:
    try:
        text = _decode(data)
    except UnicodeDecodeError as err:
        raise ImportError_(f"tệp .csv hỏng bảng mã ({err.reason}); trong Excel chọn Lưu thành «CSV UTF-8».") from None
    if "\0" in text:
        raise ImportError_("tệp .csv có ký tự rỗng (NUL): không phải tệp chữ; lưu lại thành «CSV UTF-8».")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:  # one column, or a single line: no delimiter to find
        dialect = csv.excel
    try:
        rows = []
        for row in csv.reader(io.StringIO(text), dialect):
            rows.append(row[:MAX_COLS])
            if len(rows) >= MAX_ROWS:
                break
        return rows
    except csv.Error as err:
        raise ImportError_(f"không đọc được tệp .csv: {err}.") from None


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
    lower = filename.lower()
    if lower.endswith(".xlsx"):
        rows = _rows_xlsx(data)
    elif lower.endswith(".csv"):
        rows = _rows_csv(data)
    else:
        raise ImportError_("chỉ nhận tệp .xlsx hoặc .csv.")
    if rows and max(len(r) for r in rows) < 2:
        raise ImportError_("bảng tính chỉ có một cột; cần hai cột: tên đơn vị và số đoàn viên.")
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
