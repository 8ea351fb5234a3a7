"""The units' lists as Excel workbooks: filled from templates/danh_sach.xlsx for the packs, and
read back, as the units return them, by the intake.

The template holds the wording (title, sections, the instructions sheet) and is edited in Excel.
This module fills its `{{ … }}` cells, and at each of its two marker cells (`<<tap_the>>`,
`<<ca_nhan>>`) writes the columns the config names and exactly as many rows as the unit may
propose. Dropdowns are plain list validations, which Excel and LibreOffice both keep on save
(openpyxl drops the x14 extension kind). The sheet is protected with no password: the headers
cannot be changed by mistake, the rows to fill are unlocked.
"""
from __future__ import annotations

import io
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from .exceptions import TemplateError
from .output import normalize_zip

MARKERS = {"<<tap_the>>": "collective_columns", "<<ca_nhan>>": "individual_columns"}

# What makes Excel (or a CSV export of the sheet) read a text as a formula or a DDE call, after
# OWASP's guidance on CSV injection: `=HYPERLINK("http://…?"&A1)` sends data out on a click.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _clean(value):
    """A text without the characters a workbook cannot hold (control characters), shown as
    «\ufffd» rather than ending the whole write."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # openpyxl: only when a workbook is read or made

    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value) if isinstance(value, str) else value


def _as_text(cell, value) -> None:
    cell.data_type = "s"
    if value.startswith(FORMULA_START):
        cell.quotePrefix = True


def put(cell, value) -> None:
    """Every value the tool writes into a workbook is data: a text is a string cell, never a
    formula, whatever it starts with (a unit's name, a cell a unit typed, a file name, a
    formula's cached result); one that looks like a formula also carries Excel's quote prefix,
    so editing the cell in Excel keeps it text."""
    cell.value = _clean(value)
    if isinstance(value, str):
        _as_text(cell, value)


def append(ws, values) -> None:
    """ws.append, with every value put as data (see put). The row is placed by openpyxl itself:
    asking ws.max_row for it would scan every cell of the sheet for every row."""
    ws.append([_clean(v) for v in values])
    row = ws._current_row  # the row append just wrote (openpyxl's own counter)
    for column, value in enumerate(values, 1):
        if isinstance(value, str):
            _as_text(ws.cell(row=row, column=column), value)


@lru_cache(maxsize=1)
def _env():
    from .templating import make_env  # Jinja: only once something is rendered or checked

    return make_env(autoescape=False)


@lru_cache(maxsize=256)
def _cell_template(source: str):
    # The same few cells are filled for every unit: each compiled once, not once per unit.
    return _env().from_string(source)


def inspect(template: Path) -> tuple[list, list]:
    """What kiem-tra-mau reports of the list template: each sheet's cells read as the
    paragraphs of one part (one cell a line), through the same analysis as a Word template."""
    from openpyxl import load_workbook  # openpyxl: only when a workbook is read or made

    from . import templatecheck

    try:
        wb = load_workbook(template)
    except Exception as err:  # openpyxl raises many kinds for a file that is not a workbook
        raise TemplateError(f"mẫu {template} không mở được như một tệp Excel .xlsx: {err}") from None
    parts = []
    for ws in wb.worksheets:
        cells = [f"{c.coordinate}: {c.value}" for row in ws.iter_rows() for c in row
                 if isinstance(c.value, str) and ("{{" in c.value or "{%" in c.value)]
        parts.append((f"trang «{ws.title}»", "\n".join(cells)))
    return templatecheck.analyse(template.name, parts, [], _env())


def header(columns) -> list[str]:
    """The header row of a section: STT, then the config's columns, a required one with its «*»."""
    return ["STT"] + [c["name"] + ("*" if c["required"] else "") for c in columns]


def _column_letter(i: int) -> str:
    from openpyxl.utils import get_column_letter  # openpyxl: only when a workbook is read or made

    return get_column_letter(i)


def _reduce(obj):
    """A row or column holder (openpyxl's DimensionHolder) pickles as the defaultdict it derives
    from: its constructor then gets the default factory as the worksheet and loses the factory.
    It is rebuilt from its own arguments instead; everything else pickles as openpyxl made it."""
    from openpyxl.worksheet.dimensions import DimensionHolder  # openpyxl: only when a workbook is read or made

    if type(obj) is DimensionHolder:
        return (DimensionHolder, (obj.worksheet, obj.reference, obj.default_factory),
                {"max_outline": obj.max_outline}, None, iter(obj.items()))
    return NotImplemented


@lru_cache(maxsize=4)
def _parsed(path: str, size: int, mtime_ns: int) -> bytes:
    """The template as openpyxl reads it, pickled: parsing the .xlsx was a third of a pack's
    list, and unpickling a fresh copy for each unit costs a tenth of that. Keyed on the file's
    size and change time, so a template edited in Excel is read again."""
    import pickle  # only when a workbook is made: not on a rebuild with nothing to do

    from openpyxl import load_workbook  # openpyxl: only when a workbook is read or made

    class Pickler(pickle.Pickler):
        def reducer_override(self, obj):
            return _reduce(obj)

    buf = io.BytesIO()
    Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL).dump(load_workbook(path))
    return buf.getvalue()


def _open_template(template: Path):
    import pickle  # only when a workbook is made

    try:
        st = os.stat(template)
        return pickle.loads(_parsed(str(template), st.st_size, st.st_mtime_ns))
    except FileNotFoundError:
        raise TemplateError(f"không tìm thấy mẫu {template}. Lấy lại tệp mẫu từ thư mục templates/ của dự án.") from None
    except Exception as err:  # openpyxl raises many kinds for a file that is not a workbook
        raise TemplateError(f"mẫu {template} không mở được như một tệp Excel .xlsx: {err}") from None


def _styled_like(cell, model) -> None:
    # openpyxl files each style assignment through its registry (a hash of the whole style);
    # the rows of a section all look alike, so the first cell is styled and the rest copy it.
    import copy  # here, not at the top: a rebuild with nothing to do makes no workbook

    cell._style = copy.copy(model._style)


def _fill_tags(wb, template: Path, ctx: dict[str, Any]) -> None:
    """Every cell holding a tag, filled from the context as the .docx templates are."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and ("{{" in cell.value or "{%" in cell.value):
                    try:
                        text = _cell_template(cell.value).render(ctx)
                    except Exception as err:  # a broken tag or a name the config does not have
                        raise TemplateError(f"mẫu {template.name}, ô {ws.title}!{cell.coordinate}: {err}") from None
                    put(cell, text)


def fill(template: Path, ctx: dict[str, Any], issued) -> bytes:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side  # openpyxl: when a list is made
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = _open_template(template)
    _fill_tags(wb, template, ctx)
    ws = wb.worksheets[0]
    found = {str(c.value).strip(): c.row for row in ws.iter_rows(max_col=1) for c in row if str(c.value).strip() in MARKERS}
    if set(found) != set(MARKERS):
        missing = ", ".join(m for m in MARKERS if m not in found)
        raise TemplateError(f"mẫu {template.name} thiếu ô đánh dấu {missing} ở cột A của trang tính đầu: chương trình "
                            "chèn danh sách tập thể, cá nhân vào đúng dòng đó.")
    unit = ctx["unit"]
    counts = {"collective_columns": unit["collectives"], "individual_columns": unit["individuals"]}
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    font, bold = Font(name="Times New Roman", size=12), Font(name="Times New Roman", size=12, bold=True)
    shade = PatternFill("solid", fgColor="EEEEEE")
    wrap = Alignment(wrap_text=True, vertical="top")
    # Bottom marker first, so the rows of the one above do not move under it.
    sections = sorted(((row, MARKERS[m]) for m, row in found.items()), reverse=True)
    placed = []
    for row, key in sections:
        n = counts[key]
        ws.insert_rows(row + 1, n)
        placed = [(r + n if r > row else r, k, c) for r, k, c in placed] + [(row, key, n)]
    choices = ctx["nominations"]["choices"]
    widths: dict[int, int] = {}
    for row, key, n in placed:
        columns = ctx["nominations"][key]
        for j, title in enumerate(header(columns), 1):
            cell = ws.cell(row=row, column=j)
            put(cell, title)
            if j == 1:
                cell.font, cell.border, cell.fill = bold, box, shade
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
                head = cell
            else:
                _styled_like(cell, head)
            widths[j] = max(widths.get(j, 0), min(len(title) + 4, 45 if j > 1 else 6))
        number = blank = None
        for i in range(1, n + 1):
            cell = ws.cell(row=row + i, column=1, value=i)
            if number is None:
                cell.border, cell.font = box, font
                number = cell
            else:
                _styled_like(cell, number)
            for j in range(2, len(columns) + 2):
                cell = ws.cell(row=row + i, column=j)
                if blank is None:
                    cell.border, cell.font, cell.alignment = box, font, wrap
                    cell.protection = Protection(locked=False)
                    blank = cell
                else:
                    _styled_like(cell, blank)
        for j, column in enumerate(columns, 2):
            values = choices.get(column["name"])
            if values and n:
                letter = _column_letter(j)
                listed = ",".join(v.replace('"', '""') for v in values)  # a quote in a choice stays a quote
                dv = DataValidation(type="list", formula1='"' + listed + '"', allow_blank=True,
                                    showErrorMessage=True, errorTitle=column["name"],
                                    error="Chọn một giá trị trong danh sách: " + ", ".join(values) + ".")
                dv.add(f"{letter}{row + 1}:{letter}{row + n}")
                ws.add_data_validation(dv)
    for j, width in widths.items():
        ws.column_dimensions[_column_letter(j)].width = max(width, ws.column_dimensions[_column_letter(j)].width or 0)
    ws.protection.sheet = True
    ws.protection.formatColumns = ws.protection.formatRows = False  # widen a column, heighten a row
    wb.properties.created = wb.properties.modified = issued
    wb.properties.lastModifiedBy = wb.properties.creator = None
    return fixed_bytes(_saved(wb), issued)


def _saved(wb) -> bytes:
    """wb.save, into a zip that only stores: fixed_bytes compresses the parts once, at its own
    level; openpyxl's own save would compress each at level 6 first, for nothing."""
    import zipfile  # only when a workbook is made

    from openpyxl.writer.excel import ExcelWriter  # openpyxl: only when a workbook is read or made

    buf = io.BytesIO()
    archive = zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED, allowZip64=True)
    ExcelWriter(wb, archive).save()  # what openpyxl's save_workbook does, with this archive
    return buf.getvalue()


def fixed_bytes(data: bytes, issued) -> bytes:
    """The same bytes for the same config: openpyxl stamps the save time into core.xml and the
    zip. A list is small: level 1 halves the time of a pack."""
    stamp = issued.strftime("%Y-%m-%dT%H:%M:%SZ").encode()

    def restamp(name: str, body: bytes) -> bytes:
        if name != "docProps/core.xml":
            return body
        return re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, body)
    return normalize_zip(data, compresslevel=1, rewrite=restamp)
