"""The annex table, read back cell by cell from the generated .docx."""
from docx.oxml.ns import qn

from .docx_read import open_doc, table_rows

SEED_ROWS = [
    ("1", "LĐLĐ Thành phố", "4.468", "1", "3"),
    ("2", "LĐLĐ huyện Cao Lộc", "4.227", "1", "3"),
    ("3", "LĐLĐ huyện Lộc Bình", "3.032", "1", "3"),
    ("4", "LĐLĐ huyện Đình Lập", "1.509", "1", "1"),
    ("5", "LĐLĐ Huyện Chi Lăng", "2.439", "1", "2"),
    ("6", "LĐLĐ huyện Hữu Lũng", "4.232", "1", "3"),
    ("7", "LĐLĐ huyện Văn Lãng", "1.825", "1", "1"),
    ("8", "LĐLĐ huyện Tràng Định", "2.241", "1", "2"),
    ("9", "LĐLĐ huyện Văn Quan", "2.170", "1", "2"),
    ("10", "LĐLĐ huyện Bình Gia", "2.275", "1", "2"),
    ("11", "LĐLĐ huyện Bắc Sơn", "2.088", "1", "2"),
    ("12", "Công đoàn ngành Y tế", "4.258", "1", "3"),
    ("13", "Công đoàn ngành Giáo dục", "2.323", "1", "2"),
    ("14", "Công đoàn Viên chức", "4.098", "1", "3"),
]


def _table(built):
    _, out = built
    doc = open_doc(out / "phu_luc.docx")
    assert len(doc.tables) == 1
    return doc.tables[0]


def test_header_rows_as_the_seed_merges_them(built):
    rows = table_rows(_table(built))
    assert rows[0] == ["STT", "Đơn vị", "Tổng số đoàn viên công đoàn", "Số lượng phân bổ", "Số lượng phân bổ", "Ghi chú"]
    assert rows[1] == ["STT", "Đơn vị", "Tổng số đoàn viên công đoàn", "Tập thể", "Cá nhân", "Ghi chú"]


def test_every_unit_row_as_in_the_seed(built):
    rows = table_rows(_table(built))[2:-2]
    assert [tuple(r[:5]) for r in rows] == SEED_ROWS
    assert all(r[5] == "" for r in rows)


def test_totals_row_14_32_46(built):
    assert table_rows(_table(built))[-2] == ["", "Tổng cộng", "", "14", "32", "46"]


def test_provincial_row_spans_both_quota_columns_and_carries_47(built):
    assert table_rows(_table(built))[-1] == ["15", "Cơ quan LĐLĐ tỉnh", "", "01 tập thể hoặc 01 cá nhân",
                                             "01 tập thể hoặc 01 cá nhân", "47"]
    last = _table(built).rows[-1]._tr
    spans = [tc.tcPr.find(qn("w:gridSpan")) for tc in last.iter(qn("w:tc"))]
    assert [s.get(qn("w:val")) for s in spans if s is not None] == ["2"]


def test_totals_and_header_rows_are_bold(built):
    table = _table(built)
    for row in (table.rows[0], table.rows[-2]):
        runs = [r for c in row.cells for p in c.paragraphs for r in p.runs if r.text.strip()]
        assert runs and all(r.bold or (p.style.font.bold) for c in row.cells for p in c.paragraphs
                            for r in p.runs if r.text.strip())


def test_header_rows_repeat_on_every_page(built):
    table = _table(built)
    for row in table.rows[:2]:
        assert row._tr.trPr.find(qn("w:tblHeader")) is not None
    assert table.rows[2]._tr.trPr is None or table.rows[2]._tr.trPr.find(qn("w:tblHeader")) is None


def test_every_cell_has_a_single_border(built):
    table = _table(built)
    assert table.style.name == "Table Grid"
    borders = table.style.element.find(qn("w:tblPr")).find(qn("w:tblBorders"))
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        assert borders.find(qn(f"w:{side}")).get(qn("w:val")) == "single"
