"""A spreadsheet is read within fixed bounds, whatever it claims: a declared dimension of a
million rows, one row of millions of cells, cells far outside the list. Peak memory is measured
in a subprocess (its VmHWM: resource.getrusage in a forked child also counts the pytest parent's
memory, which Linux carries over to the child's high-water mark). CSV in any of the encodings Excel writes either works
or is refused with a Vietnamese message, never a 500."""
from __future__ import annotations

import codecs
import io
import json
import subprocess
import sys
import zipfile

import pytest

from generator.sheets import MAX_CELLS
from generator.exceptions import SheetError
from generator.web.importing import read

from .conftest import ROOT

_MEASURE = """
import json, resource, sys
sys.path.insert(0, {root!r})
from generator.exceptions import SheetError
from generator.web.importing import read
data = open({path!r}, "rb").read()
try:
    rows, message = len(read("so_lieu.xlsx", data)), None
except SheetError as err:
    rows, message = None, str(err)
try:  # this process's own peak: a forked child's getrusage keeps the parent's (pytest's) peak
    peak_kb = int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1])
except OSError:
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"rows": rows, "message": message, "peak_mb": peak_kb / 1024}}))
"""

HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')


def crafted(path, dimension: str, rows_xml):
    """A workbook saved by openpyxl, whose sheet is then replaced by `rows_xml` (bytes chunks)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["Đơn vị", "Số đoàn viên"])
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(buf)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name in src.namelist():
            if name != "xl/worksheets/sheet1.xml":
                z.writestr(name, src.read(name))
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(HEAD + f'<dimension ref="{dimension}"/><sheetData>'.encode())
            for chunk in rows_xml:
                fh.write(chunk)
            fh.write(b"</sheetData></worksheet>")
    return path


def measure(path) -> dict:
    done = subprocess.run([sys.executable, "-c", _MEASURE.format(root=str(ROOT), path=str(path))],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _cell(ref, text):
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


LIST = [b'<row r="1">' + _cell("A1", "Đơn vị") + _cell("B1", "Số đoàn viên") + b"</row>",
        b'<row r="2">' + _cell("A2", "LĐLĐ huyện Đình Lập") + b'<c r="B2"><v>2500</v></c></row>']


def test_a_declared_dimension_of_a_million_rows_is_not_trusted(tmp_path):
    path = crafted(tmp_path / "a.xlsx", "A1:ZZZ1048576", LIST)
    assert path.stat().st_size < 10_000
    result = measure(path)
    assert result["rows"] == 1 and result["message"] is None  # the real list is read
    assert result["peak_mb"] < 300


def test_one_row_of_two_million_cells_is_refused_within_bounds(tmp_path):
    row = [b'<row r="3">'] + [b"<c><v>1</v></c>" * 100_000] * 20 + [b"</row>"]
    path = crafted(tmp_path / "b.xlsx", "A1:B2", LIST + row)
    result = measure(path)
    assert result["message"] == f"bảng tính có hơn {MAX_CELLS:,} ô; chỉ đọc tối đa 5.000 dòng × 50 cột.".replace(",", ".")
    assert result["peak_mb"] < 300


def test_twenty_million_cells_are_refused_without_reading_them_all(tmp_path):
    rows = [b'<row r="3">'] + [b"<c><v>7</v></c>" * 100_000] * 200 + [b"</row>"]
    path = crafted(tmp_path / "c.xlsx", "A1:B2", LIST + rows)
    assert path.stat().st_size < 2_000_000
    result = measure(path)  # 320 MB unpacked: refused by its size before its cells are counted
    assert result["message"].startswith(("bảng tính có hơn", "tệp .xlsx giải nén ra hơn 100 MB"))
    assert result["peak_mb"] < 300


@pytest.mark.parametrize("ref, where", [("BA2", "ô BA2"), ("A6001", "ô A6001")])
def test_a_value_outside_5000_rows_by_50_columns_is_refused_by_name(tmp_path, ref, where):
    row = int("".join(c for c in ref if c.isdigit()))
    path = crafted(tmp_path / "d.xlsx", "A1:B2", LIST + [f'<row r="{row}">'.encode() + _cell(ref, "x") + b"</row>"])
    with pytest.raises(SheetError, match=f"{where} nằm ngoài vùng đọc được; chỉ đọc tối đa 5.000 dòng × 50 cột"):
        read("d.xlsx", path.read_bytes())


def test_empty_formatted_cells_far_away_do_not_count_as_values(tmp_path):
    styled = [b'<row r="9000"><c r="ZZ9000" s="1"/></row>']
    path = crafted(tmp_path / "e.xlsx", "A1:ZZ9000", LIST + styled)
    assert read("e.xlsx", path.read_bytes()) == [("LĐLĐ huyện Đình Lập", 2500)]


def test_a_file_that_is_not_a_workbook_is_a_message(tmp_path):
    with pytest.raises(SheetError, match="không đọc được tệp .xlsx"):
        read("x.xlsx", b"PK\x03\x04 not really a zip")


# -- CSV in the encodings Excel writes ---------------------------------------------------------------

ROWS = "Đơn vị,Số đoàn viên\nLĐLĐ huyện Đình Lập,2.500\nCông đoàn ngành Y tế,4258\n"
EXPECTED = [("LĐLĐ huyện Đình Lập", 2500), ("Công đoàn ngành Y tế", 4258)]


@pytest.mark.parametrize("encoded", [
    ROWS.encode("utf-8"),
    codecs.BOM_UTF8 + ROWS.encode("utf-8"),
    codecs.BOM_UTF16_LE + ROWS.replace(",", "\t").encode("utf-16-le"),  # Excel's «Unicode Text»
    ROWS.encode("utf-16-le"),  # without its BOM
    ROWS.encode("utf-16-be"),
], ids=["utf-8", "utf-8-bom", "utf-16-bom-tabs", "utf-16-le", "utf-16-be"])
def test_csv_in_every_encoding_excel_writes_is_read(encoded):
    assert read("so_lieu.csv", encoded) == EXPECTED


def _cp1258(text: str) -> bytes:
    """As Windows-1258 stores Vietnamese: ơ, ư, ê, â, ă, đ precomposed, the tones as combining marks."""
    import unicodedata

    def encodable(t):
        try:
            t.encode("cp1258")
            return True
        except UnicodeEncodeError:
            return False

    out = []
    for ch in unicodedata.normalize("NFC", text):
        if encodable(ch):
            out.append(ch)
            continue
        base, *marks = unicodedata.normalize("NFD", ch)
        for mark in marks:  # the mark that makes a precomposed letter, the rest stay combining
            letter, rest = unicodedata.normalize("NFC", base + mark), "".join(m for m in marks if m != mark)
            if len(letter) == 1 and encodable(letter + rest):
                out.append(letter + rest)
                break
        else:
            out.append(base + "".join(marks))
    return "".join(out).encode("cp1258")


def test_a_windows_1258_csv_with_semicolons_is_read_and_names_come_out_composed():
    assert read("so_lieu.csv", _cp1258(ROWS.replace(",", ";"))) == EXPECTED


def test_a_one_column_csv_is_refused_clearly():
    with pytest.raises(SheetError, match="bảng tính chỉ có một cột; cần hai cột: tên đơn vị và số đoàn viên"):
        read("so_lieu.csv", "Đơn vị\nLĐLĐ huyện Đình Lập\n".encode("utf-8"))


def test_a_binary_file_named_csv_is_refused_clearly():
    with pytest.raises(SheetError, match="NUL|bảng mã"):
        read("so_lieu.csv", bytes(range(256)) * 4)


def test_the_page_answers_a_utf16_csv_without_a_500(tmp_path):
    from .test_web_safety import _client

    c, token, _, _, app = _client(tmp_path)
    units = json.dumps([{"name": "LĐLĐ huyện Đình Lập", "members": "1.509"}])
    for data, status in ((codecs.BOM_UTF16_LE + ROWS.encode("utf-16-le"), 200), ("chỉ một cột\n".encode("utf-16"), 400)):
        res = c.post("/api/import", headers={"X-CSRF-Token": token},
                     data={"file": (io.BytesIO(data), "so_lieu.csv"), "units": units})
        assert res.status_code == status, res.get_json()
    app.extensions["plan_docs"]["close"]()
