"""The two workbooks intake writes, both printable (Times New Roman, widths, wrap, borders, the
header row repeated, A4 landscape fitted to width): the consolidated list of what was accepted
(tong_hop_de_nghi.xlsx) and the list of problems, one sheet per unit (loi_tiep_nhan.xlsx)."""
from __future__ import annotations

from copy import copy
import datetime as dt
import io
import re
from typing import Any

from .config_reader import normal_name
from .model import NOMINATION_COLUMNS, Accepted, Plan, UnitStatus
from .workbook import append, fixed_bytes


def either(n: int) -> str:
    """What the provincial row may propose: «01 tập thể hoặc 01 cá nhân» for the shipped config."""
    return f"{n:02d} tập thể hoặc {n:02d} cá nhân"


def _book():
    from openpyxl import Workbook  # openpyxl: only when a workbook is read or made

    wb = Workbook()
    wb.remove(wb.active)
    return wb


def _printable(ws, widths: tuple[int, ...]) -> None:
    """A sheet the office can print as it prints the pack's list: Times New Roman, set widths,
    wrapped cells with borders, the header row in bold, shaded and repeated on every page, A4
    landscape fitted to the page's width."""
    # openpyxl: only when a workbook is read or made
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    body, head = Font(name="Times New Roman", size=12), Font(name="Times New Roman", size=12, bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    shade = PatternFill("solid", fgColor="EEEEEE")
    # One cell of the header and one of the body are styled; the others take a copy of their
    # style (setting four styles on each of thousands of cells is most of a large intake's time).
    styled: dict[bool, Any] = {}
    for row in ws.iter_rows():
        for cell in row:
            header = cell.row == 1
            quote = cell.quotePrefix  # what workbook.put gave a text that looks like a formula
            if header not in styled:
                cell.border, cell.alignment = box, wrap
                cell.font = head if header else body
                if header:
                    cell.fill = shade
                styled[header] = copy(cell._style)
            else:
                cell._style = copy(styled[header])
            cell.quotePrefix = quote
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation, ws.page_setup.paperSize = "landscape", ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True


def _sheet_title(name: str, taken: set[str]) -> str:
    """A unit's name as a sheet title: at most 31 characters, none of \\ / ? * [ ] :, unique."""
    base = re.sub(r"[\\/?*\[\]:]", " ", name).strip()[:31] or "Trang"
    title, n = base, 1
    while title.casefold() in taken:
        n += 1
        title = f"{base[:27]} ({n})"
    taken.add(title.casefold())
    return title


def _save(wb) -> bytes:

    wb.properties.created = wb.properties.modified = dt.datetime(2000, 1, 1)
    buf = io.BytesIO()
    wb.save(buf)
    return fixed_bytes(buf.getvalue(), dt.datetime(2000, 1, 1))


def consolidated(plan: Plan, accepted: dict[str, Accepted], table: list[UnitStatus]) -> bytes:
    """The accepted rows of every unit, in the annex's order (the status table's)."""
    wb = _book()
    nom = plan.nominations
    for kind, title in (("tap_the", "Tập thể"), ("ca_nhan", "Cá nhân")):
        ws = wb.create_sheet(title)
        cols = [c.name for c in getattr(nom, NOMINATION_COLUMNS[kind])]
        append(ws, ["STT", "Đơn vị đề nghị", *cols])
        n = 0
        for u in table:
            for values in (accepted[u.name].rows(kind) if u.name in accepted else ()):
                n += 1
                append(ws, [n, u.name, *[values.get(c, "") for c in cols]])
        _printable(ws, (6, 24, *(_width(c) for c in cols)))
    ws = wb.create_sheet("Tình hình")
    append(ws, ["STT", "Đơn vị", "Tập thể", "Cá nhân", "Tình trạng", "Tệp"])
    for r in table:
        append(ws, status_cells(r))
    _printable(ws, (6, 30, 10, 30, 12, 40))
    return _save(wb)


def _width(column: str) -> int:
    """A column's width from its name: the long texts (thành tích, đơn vị) wide, a year narrow."""
    name = normal_name(column)
    if "thành tích" in name:
        return 50
    if "đơn vị" in name or "tên" in name or "chức vụ" in name:
        return 28
    return max(10, min(len(column) + 4, 20))


def status_cells(r: UnitStatus) -> list:
    if r.provincial:
        return [r.stt, r.name, f"{r.collectives}", f"{r.individuals} ({either(r.collectives_quota)})",
                r.status, r.file]
    return [r.stt, r.name, f"{r.collectives}/{r.collectives_quota}",
            f"{r.individuals}/{r.individuals_quota}", r.status, r.file]


def errors(problems: list, table: list[UnitStatus]) -> bytes:
    """The problems, one sheet per unit (in the annex's order) so that each can be sent back to
    its unit as it is; a file of no known unit has a sheet of its own."""
    wb = _book()
    unit_of = {r.file: r.name for r in table if r.file}
    groups: dict[str, list] = {}
    for p in problems:
        groups.setdefault(unit_of.get(p.file, p.file), []).append(p)
    order = [r.name for r in table if r.name in groups] + sorted(g for g in groups if g not in unit_of.values())
    taken: set[str] = set()
    if not order:
        ws = wb.create_sheet("Lỗi")
        append(ws, ["Tệp", "Trang tính", "Dòng", "Cột", "Lỗi"])
        _printable(ws, (30, 14, 8, 22, 70))
    for name in order:
        ws = wb.create_sheet(_sheet_title(name, taken))
        append(ws, ["Tệp", "Trang tính", "Dòng", "Cột", "Lỗi"])
        for p in groups[name]:
            append(ws, [p.file, p.sheet, p.line, p.column, p.message])
        _printable(ws, (30, 14, 8, 22, 70))
    return _save(wb)
