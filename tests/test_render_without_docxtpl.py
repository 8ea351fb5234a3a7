"""Where a render leaves docxtpl out (a table grid it would leave alone, a paragraph with a line
break it resolved before, a core part with no tag in it), the document is still docxtpl's own,
byte for byte; and docxtpl is called wherever it has something to do."""
from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
import zlib

import docx
import pytest
from docxtpl import DocxTemplate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from generator import render
from generator.render import CompiledTemplate
from generator.templating import make_env

from .test_render_equivalence import reference_render

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
ISSUED = dt.datetime(2023, 2, 1)
PLAIN = DocxTemplate("unused.docx")  # docxtpl's post-processing methods need no document


# -- the table grid -----------------------------------------------------------------------------

@st.composite
def tables(draw, depth=0):
    """Mostly tables whose rows fill the grid exactly (a cell counted by its gridSpan), each
    perhaps spoilt as a template's loop or a clerk's edit spoils one: a cell more or fewer, a
    span of 0 or not a number, no grid at all; sometimes a table nested in a cell."""
    columns = draw(st.integers(0, 4))
    xml = "<w:tbl>"
    if draw(st.integers(0, 9)):
        xml += "<w:tblGrid>" + '<w:gridCol w:w="1000"/>' * columns + "</w:tblGrid>"
    for _ in range(draw(st.integers(0, 3))):
        spans, left = [], columns
        while left > 0:
            spans.append(draw(st.integers(1, left)))
            left -= spans[-1]
        spoil = draw(st.sampled_from(["none"] * 6 + ["more", "fewer", "zero", "bad"]))
        if spoil == "more":
            spans.append(1)
        elif spoil == "fewer" and spans:
            spans.pop()
        elif spoil in ("zero", "bad") and spans:
            spans[0] = "0" if spoil == "zero" else draw(st.sampled_from(["", "x", "1.5"]))
        xml += "<w:tr>"
        for span in spans:
            props = "" if span == 1 else f'<w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr>'
            inner = draw(tables(depth + 1)) if depth < 1 and not draw(st.integers(0, 5)) else ""
            xml += f"<w:tc>{props}{inner}<w:p/></w:tc>"
        xml += "</w:tr>"
    return xml + "</w:tbl>"


def _body(content: str) -> str:
    return f'<w:body xmlns:w="{W}">{content}<w:sectPr/></w:body>'


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(st.lists(tables(), max_size=3))
def test_a_grid_said_to_fit_is_one_docxtpls_fix_tables_leaves_as_it_is(found):
    xml = _body("".join(found))
    tree = etree.fromstring(xml, parser=etree.XMLParser(recover=True))
    if render._grid_fits(tree):
        assert etree.tostring(PLAIN.fix_tables(xml)) == etree.tostring(tree)


def test_a_grid_that_does_not_fit_is_left_to_docxtpl():
    narrower = _body('<w:tbl><w:tblGrid><w:gridCol w:w="1000"/><w:gridCol w:w="1000"/></w:tblGrid>'
                     "<w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl>")  # a column removed by a loop
    wider = _body('<w:tbl><w:tblGrid><w:gridCol w:w="1000"/></w:tblGrid>'
                  "<w:tr><w:tc><w:p/></w:tc><w:tc><w:p/></w:tc></w:tr></w:tbl>")
    fits = _body('<w:tbl><w:tblGrid><w:gridCol w:w="1000"/><w:gridCol w:w="1000"/></w:tblGrid>'
                 '<w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p/></w:tc></w:tr></w:tbl>')
    for xml, expected in ((narrower, False), (wider, False), (fits, True)):
        tree = etree.fromstring(xml, parser=etree.XMLParser(recover=True))
        assert render._grid_fits(tree) is expected
        assert (etree.tostring(PLAIN.fix_tables(xml)) == etree.tostring(tree)) is expected


# -- tabs and line breaks in a value --------------------------------------------------------------

texts = st.text(alphabet=st.sampled_from(list("ab \t\n\a\f<>")), max_size=8).map(
    lambda s: s.replace("<", "&lt;").replace(">", "&gt;"))


@st.composite
def paragraphs(draw):
    ppr = draw(st.sampled_from(["", '<w:pPr><w:jc w:val="center"/></w:pPr>']))
    runs = ""
    for text in draw(st.lists(texts, max_size=3)):
        rpr = draw(st.sampled_from(["", "<w:rPr><w:b/></w:rPr>"]))
        runs += f'<w:r>{rpr}<w:t xml:space="preserve">{text}</w:t></w:r>'
    return f"<w:p>{ppr}{runs}</w:p>" + draw(st.sampled_from(["", "\n", "<w:bookmarkEnd/>"]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(st.lists(paragraphs(), max_size=5))
def test_resolving_each_paragraph_alone_gives_docxtpls_resolve_listing_of_the_whole(found):
    xml = "<w:body>" + "".join(found) + "</w:body>"
    template = CompiledTemplate.__new__(CompiledTemplate)
    template._tpl, template._listing, template._listing_added = PLAIN, {}, False
    assert render._PARAGRAPH.sub(template._resolved, xml) == PLAIN.resolve_listing(xml)


def _listing_template(tmp_path):
    path = tmp_path / "listing.docx"
    document = docx.Document()
    document.add_paragraph("{{ issuing }}")
    document.add_paragraph("Đoàn viên: {{ members }}")
    document.save(path)
    return path


def test_a_paragraph_with_a_line_break_met_before_is_rendered_without_docxtpl(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAN_DOCS_CACHE", str(tmp_path / "cache"))
    path = _listing_template(tmp_path)
    first = {"issuing": "LIÊN ĐOÀN LAO ĐỘNG\nTỈNH LẠNG SƠN", "members": "4.098"}
    CompiledTemplate(path, make_env()).render(first, ISSUED)  # docxtpl resolves the two lines once

    def refused(self):
        raise AssertionError("docxtpl was needed")

    later = dict(first, members="4.099")
    monkeypatch.setattr(CompiledTemplate, "_docxtpl", refused)
    again = CompiledTemplate(path, make_env()).render(later, ISSUED)  # a new process would build this one
    assert again == reference_render(path, later, ISSUED)
    with pytest.raises(AssertionError, match="docxtpl was needed"):  # a line break not met before
        CompiledTemplate(path, make_env()).render(dict(later, issuing="CÔNG ĐOÀN\nNGÀNH Y TẾ"), ISSUED)


def test_the_paragraphs_kept_per_template_are_bounded(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAN_DOCS_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(render, "LISTING_KEPT", 3)
    path = _listing_template(tmp_path)
    template = CompiledTemplate(path, make_env())
    for i in range(5):
        ctx = {"issuing": f"dòng {i}\ndòng sau", "members": "1"}
        assert template.render(ctx, ISSUED) == reference_render(path, ctx, ISSUED)
    assert len(render._read_cached(template._listing_file, dict)) == 3


@pytest.mark.parametrize("damage", [b"", b"not a pickle", b"\x80\x05N.", b"\x80\x05]\x94."])  # None, a list
def test_a_damaged_cache_file_is_a_miss_and_the_document_is_docxtpls(tmp_path, monkeypatch, damage):
    monkeypatch.setenv("PLAN_DOCS_CACHE", str(tmp_path / "cache"))
    path = _listing_template(tmp_path)
    ctx = {"issuing": "LIÊN ĐOÀN LAO ĐỘNG\nTỈNH LẠNG SƠN", "members": "4.098"}
    CompiledTemplate(path, make_env()).render(ctx, ISSUED)
    for kept in (tmp_path / "cache").iterdir():
        kept.write_bytes(damage)
    assert CompiledTemplate(path, make_env()).render(ctx, ISSUED) == reference_render(path, ctx, ISSUED)


# -- the core part and pictures -------------------------------------------------------------------

@pytest.mark.parametrize("issued", [dt.datetime(2023, 2, 1), dt.datetime(2026, 12, 31, 23, 59, 59)])
@pytest.mark.parametrize("title", ["Kế hoạch", "{{ title }}", ""])
def test_the_core_part_is_python_docxs_with_the_issue_date(tmp_path, issued, title):
    path = tmp_path / "core.docx"
    document = docx.Document()
    document.add_paragraph("{{ title }}")
    document.core_properties.title = title
    document.core_properties.subject = "Sơ kết"
    document.save(path)
    ctx = {"title": "Kế hoạch sơ kết"}
    fast = CompiledTemplate(path, make_env()).render(ctx, issued)
    assert fast == reference_render(path, ctx, issued)
    core = zipfile.ZipFile(io.BytesIO(fast)).read("docProps/core.xml")
    assert issued.strftime("%Y-%m-%dT%H:%M:%SZ").encode() in core


def _png() -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def test_pictures_are_numbered_as_docxtpl_numbers_them(tmp_path):
    path = tmp_path / "picture.docx"
    document = docx.Document()
    document.add_paragraph("{{ name }}")
    document.add_picture(io.BytesIO(_png()))
    document.add_picture(io.BytesIO(_png()))
    document.save(path)
    ctx = {"name": "Nguyễn Văn A"}
    fast = CompiledTemplate(path, make_env()).render(ctx, ISSUED)
    assert fast == reference_render(path, ctx, ISSUED)
    assert b'<wp:docPr id="1002"' in zipfile.ZipFile(io.BytesIO(fast)).read("word/document.xml")
