"""Spreadsheets read within fixed bounds: the page's «Nhập từ bảng tính» and the intake of the
units' lists both read through here.

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
import zipfile

from lxml import etree

from .exceptions import SheetError
from .formatting import thousands

MAX_ROWS, MAX_COLS = 5000, 50
MAX_CELLS = 250_000  # <c> elements streamed in all, with a value or not (rows are freed as they pass)
MAX_STRINGS = 250_000  # shared strings
MAX_UNZIPPED = 100 * 1024 * 1024
# openpyxl reads every other part whole (styles, theme, workbook, relationships): a 316 KB file
# can hold 900,000 styles, 91 MB inflated, which took 94 s and 2.3 GB. Real lists have a few
# dozen styles in a few KB; Excel itself allows 64,000 cell formats.
MAX_OTHER_PART = 5 * 1024 * 1024
MAX_STYLE_ELEMENTS = 100_000

# What a unit may send. .xlsx and .xlsm go through openpyxl after the streaming bounds check
# below (a macro is never run: openpyxl reads values only); .xls (Excel 97-2003) and .ods
# (LibreOffice) through calamine, whose Rust reader is bounded here by the file's size and,
# for the zipped .ods, by its inflated size.
LIST_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
KINDS_TEXT = ".xlsx, .xls, .ods hoặc .csv"

SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


def _bounds() -> str:
    return f"{thousands(MAX_ROWS)} dòng × {MAX_COLS} cột"


def _column(ref: str) -> int:
    n = 0
    for ch in re.match(r"[A-Z]*", ref).group(0):
        n = n * 26 + ord(ch) - 64
    return n


def _first_sheet_entry(z: zipfile.ZipFile) -> tuple[str, str]:
    """(title, part name) of the workbook's first sheet."""
    workbook = etree.fromstring(z.read("xl/workbook.xml"))
    sheet = workbook.find(f"{{{SHEET_NS}}}sheets/{{{SHEET_NS}}}sheet")
    rid = sheet.get(f"{{{REL_NS}}}id")
    rels = etree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    target = next(r.get("Target") for r in rels.iterfind(f"{{{PKG_REL_NS}}}Relationship") if r.get("Id") == rid)
    return sheet.get("name", ""), (target.lstrip("/") if target.startswith("/") else
                                   posixpath.normpath(posixpath.join("xl", target)))


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
            raise SheetError(f"tệp .xlsx giải nén ra hơn {MAX_UNZIPPED // 1024 // 1024} MB; "
                               "chỉ nhận bảng tính nhỏ (danh sách đơn vị và số đoàn viên).")
        sheet_part = _first_sheet_entry(z)[1]
        for info in z.infolist():
            if (info.filename not in (sheet_part, "xl/sharedStrings.xml") and info.filename.endswith((".xml", ".rels"))
                    and info.file_size > MAX_OTHER_PART):
                raise SheetError(f"phần {info.filename} của tệp .xlsx giải nén ra hơn {MAX_OTHER_PART // 1024 // 1024} MB; "
                                 "danh sách thật chỉ vài KB: lưu lại tệp bằng Excel hoặc dùng danh sách mẫu.")
        if "xl/styles.xml" in z.namelist():
            with z.open("xl/styles.xml") as fh:
                for count, (_, el) in enumerate(etree.iterparse(fh, events=("end",), huge_tree=False), 1):
                    if count > MAX_STYLE_ELEMENTS:
                        raise SheetError(f"tệp .xlsx có hơn {thousands(MAX_STYLE_ELEMENTS)} mục định dạng (styles.xml); "
                                         "quá lớn để đọc: lưu lại tệp bằng Excel hoặc dùng danh sách mẫu.")
                    el.clear()
        if "xl/sharedStrings.xml" in z.namelist():
            for count, _ in enumerate(_stream(z, "xl/sharedStrings.xml", "si"), 1):
                if count > MAX_STRINGS:
                    raise SheetError(f"bảng tính có hơn {thousands(MAX_STRINGS)} chuỗi chữ; quá lớn để nhập.")
        cells = 0
        for cell in _stream(z, sheet_part, "c", "row"):
            if cell.tag == f"{{{SHEET_NS}}}row":
                continue
            cells += 1
            if cells > MAX_CELLS:
                raise SheetError(f"bảng tính có hơn {thousands(MAX_CELLS)} ô; chỉ đọc tối đa {_bounds()}.")
            if len(cell):  # a value (<v>, <is>, <f>), not just formatting
                ref = cell.get("r", "")
                row = int(re.sub(r"[A-Z]", "", ref) or 0)
                if _column(ref) > MAX_COLS or row > MAX_ROWS:
                    raise SheetError(f"ô {ref} nằm ngoài vùng đọc được; chỉ đọc tối đa {_bounds()} "
                                       "ở trang tính đầu tiên.")
    except SheetError:
        raise
    except (zipfile.BadZipFile, KeyError, StopIteration, etree.XMLSyntaxError, ValueError, OSError,
            AttributeError, EOFError, zipfile.LargeZipFile) as err:
        raise SheetError(_broken_xlsx(err)) from None


def _broken_xlsx(err: Exception) -> str:
    """What is wrong with a workbook that cannot be read, in the clerk's words (the library's own
    message is English: «There is no item named 'xl/workbook.xml' in the archive»)."""
    if isinstance(err, zipfile.BadZipFile):
        why = ("không phải tệp Excel .xlsx (có thể là tệp khác đổi tên đuôi, hoặc tệp bị hỏng khi gửi); mở bằng "
               "Excel rồi lưu lại dạng .xlsx")
    elif isinstance(err, KeyError):
        part = str(err).split("'")[1] if "'" in str(err) else "phần chính"
        why = f"tệp thiếu phần {part} của một bảng tính Excel (tệp hỏng hoặc không phải .xlsx); mở bằng Excel rồi lưu lại"
    elif isinstance(err, etree.XMLSyntaxError):
        why = "nội dung bên trong tệp bị hỏng (XML không đọc được); mở bằng Excel rồi lưu lại"
    else:
        why = "tệp hỏng hoặc không phải bảng tính Excel; mở bằng Excel rồi lưu lại dạng .xlsx"
    return f"không đọc được tệp .xlsx: {why}."


def _rows_xlsx(data: bytes) -> list[list]:
    from openpyxl import load_workbook  # openpyxl: only when a workbook is read or made

    _scan_xlsx(data)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        ws = wb.worksheets[0]
        ws.reset_dimensions()  # never the dimension the file declares
        rows = [list(r) for r in ws.iter_rows(max_row=MAX_ROWS, max_col=MAX_COLS, values_only=True)]
        wb.close()
    except Exception as err:  # openpyxl raises many kinds for a file that is not a workbook
        raise SheetError(_broken_xlsx(err)) from None
    return rows


def _cell(value):
    """A calamine value as openpyxl gives it: None for an empty cell, a whole number as int."""
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _read_calamine(data: bytes, kind: str) -> tuple[str, list[list]]:
    from python_calamine import CalamineWorkbook  # calamine: only for .xls and .ods

    if kind == ".ods":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                if sum(i.file_size for i in z.infolist()) > MAX_UNZIPPED:
                    raise SheetError(f"tệp .ods giải nén ra hơn {MAX_UNZIPPED // 1024 // 1024} MB; quá lớn để đọc.")
        except zipfile.BadZipFile:
            raise SheetError("không đọc được tệp LibreOffice (.ods): tệp hỏng hoặc không phải bảng tính.") from None
    label = {".xls": "Excel 97-2003 (.xls)", ".ods": "LibreOffice (.ods)"}[kind]
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        title = wb.sheet_names[0]
        sheet = wb.get_sheet_by_index(0)
        rows: list[list] = []
        cells = 0
        for row in sheet.iter_rows():
            values = [_cell(v) for v in row[:MAX_COLS]]
            cells += len(row)
            if cells > MAX_CELLS:
                raise SheetError(f"bảng tính có hơn {thousands(MAX_CELLS)} ô; chỉ đọc tối đa {_bounds()}.")
            rows.append(values)
            if len(rows) >= MAX_ROWS:
                break
        wb.close()
    except SheetError:
        raise
    except Exception:  # calamine raises its own kinds (and ValueError) for a file that is not a workbook
        raise SheetError(f"không đọc được tệp {label}: tệp hỏng, có mật khẩu, hoặc không phải bảng tính; mở bằng "
                         "Excel hoặc LibreOffice rồi lưu lại.") from None
    # calamine starts at the first used cell; openpyxl at A1. Rows are put back where Excel shows them.
    start_row, start_col = getattr(sheet, "start", None) or (0, 0)
    rows = [[None] * start_col + r for r in rows]
    return title, [[] for _ in range(start_row)] + rows


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
    raise SheetError("không nhận ra bảng mã của tệp .csv; trong Excel chọn Lưu thành «CSV UTF-8».")


def _delimiter(text: str) -> str:
    """The delimiter most lines use: `,` (Excel in English), `;` (Excel where the comma is the
    decimal mark, as on a Vietnamese Windows) or a tab. csv.Sniffer guesses wrong when a list
    has heading lines without any delimiter, as the units' lists do."""
    lines = [line for line in text.splitlines()[:500] if line.strip()]
    counts = {d: sum(d in line for line in lines) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _rows_csv(data: bytes) -> list[list]:
    try:
        text = _decode(data)
    except UnicodeDecodeError as err:
        raise SheetError(f"tệp .csv hỏng bảng mã ({err.reason}); trong Excel chọn Lưu thành «CSV UTF-8».") from None
    if "\0" in text:
        raise SheetError("tệp .csv có ký tự rỗng (NUL): không phải tệp chữ; lưu lại thành «CSV UTF-8».")
    delimiter = _delimiter(text)
    try:
        rows = []
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            rows.append(row[:MAX_COLS])
            if len(rows) >= MAX_ROWS:
                break
        return rows
    except csv.Error as err:
        raise SheetError(f"không đọc được tệp .csv: {err}.") from None


def rows(filename: str, data: bytes) -> list[list]:
    """The first sheet of an .xlsx, or a .csv, as rows of cell values (row i is the sheet's
    row i + 1), within the bounds above."""
    return read(filename, data)[1]


def read(filename: str, data: bytes) -> tuple[str, list[list]]:
    """(the first sheet's title, its rows); a .csv's title is «CSV»."""
    lower = filename.lower()
    if lower.endswith((".xlsx", ".xlsm")):
        rows_ = _rows_xlsx(data)
        with zipfile.ZipFile(io.BytesIO(data)) as z:  # read once already by the bounds check: it opens
            return _first_sheet_entry(z)[0], rows_
    if lower.endswith(".csv"):
        return "CSV", _rows_csv(data)
    if lower.endswith((".xls", ".ods")):
        return _read_calamine(data, lower[lower.rindex("."):])
    raise SheetError(f"chỉ nhận tệp {KINDS_TEXT}.")
