"""The fast renderer is plain docxtpl, exactly, on any template: docxtpl's own fourteen test
templates (../shared/fixtures/docxtpl-templates, read in place, never copied), and templates of
ours that put tags where clerks will: a footnote, an endnote, a Word comment, a nested
vertical merge, a paragraph that re-binds a namespace prefix."""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import zipfile
from pathlib import Path

import docx
import pytest

from generator.exceptions import TemplateError
from generator.render import CompiledTemplate
from generator.templating import make_env

from .conftest import ROOT
from .test_render_equivalence import reference_render

FIXTURES = ROOT.parent / "shared" / "fixtures" / "docxtpl-templates"
ISSUED = dt.datetime(2023, 2, 1)
TAG = re.compile(r"\{\{|\{%")


def fast_render(path: Path, ctx: dict) -> bytes:
    return CompiledTemplate(path, make_env()).render(ctx, ISSUED)


def tags_left(data: bytes) -> dict[str, int]:
    """Jinja openers left in the text of each XML part (markup between w:t stripped)."""
    out = {}
    with zipfile.ZipFile(__import__("io").BytesIO(data)) as z:
        for name in z.namelist():
            if name.endswith(".xml"):
                text = re.sub(r"<[^>]+>", "", z.read(name).decode("utf-8", "replace"))
                out[name] = len(TAG.findall(text))
    return out


def _fixture_contexts() -> dict:
    if not (FIXTURES / "contexts.json").is_file():
        why = f"thiếu {FIXTURES}: bỏ qua so sánh với mẫu thử của docxtpl"
        if os.environ.get("CI") == "true":
            pytest.fail(why + " — nhưng trong CI phép so sánh này phải chạy.")
        pytest.skip(why)
    return json.loads((FIXTURES / "contexts.json").read_text(encoding="utf-8"))


FIXTURE_NAMES = ["cellbg_tpl.docx", "comments_tpl.docx", "dynamic_table_tpl.docx", "footnotes_tpl.docx",
                 "horizontal_merge_tpl.docx", "less_cells_after_loop_tpl.docx", "merge_paragraph_tpl.docx",
                 "nested_for_tpl.docx", "order_tpl.docx", "preserve_spaces_tpl.docx", "richtext_tpl.docx",
                 "vertical_merge_nested_tpl.docx", "vertical_merge_tpl.docx", "word2016_tpl.docx"]


def test_the_fixture_list_is_every_template_with_a_context():
    assert sorted(_fixture_contexts()) == FIXTURE_NAMES


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_each_docxtpl_test_template_renders_to_docxtpl_s_own_bytes(name):
    ctx = _fixture_contexts()[name]
    reference = reference_render(FIXTURES / name, ctx, ISSUED)
    fast = fast_render(FIXTURES / name, ctx)
    assert tags_left(fast) == tags_left(reference)  # no tag left beyond what docxtpl prints
    assert fast == reference


# -- templates of ours, built here ------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NOTES = {
    "footnote": ("footnotes", "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"),
    "endnote": ("endnotes", "application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml"),
}


def _base(path: Path, body_text: str = "Kế hoạch {{ plan.name }}.") -> Path:
    d = docx.Document()
    d.add_paragraph(body_text)
    d.save(str(path))
    return path


def _with_note(path: Path, kind: str, note_runs: list[str]) -> Path:
    """Add a footnote or endnote the way Word stores it: its own part (with the \\r\\n after the
    declaration that Word writes), a relationship, a content type, and a reference in the body.
    The note's text is split over several runs, as Word splits a tag it has spell-checked."""
    part, ctype = NOTES[kind]
    runs = "".join(f'<w:r><w:t xml:space="preserve">{t}</w:t></w:r><w:proofErr w:type="spellStart"/>'
                   for t in note_runs)
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<w:{part} xmlns:w="{W_NS}">'
           f'<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>'
           f'<w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:{kind}>'
           f'<w:{kind} w:id="1"><w:p>{runs}</w:p></w:{kind}></w:{part}>')
    src = zipfile.ZipFile(path)
    entries = {n: src.read(n) for n in src.namelist()}
    src.close()
    entries[f"word/{part}.xml"] = xml.encode()
    entries["word/_rels/document.xml.rels"] = entries["word/_rels/document.xml.rels"].replace(
        b"</Relationships>", f'<Relationship Id="rId90" Type="{REL}/{part}" Target="{part}.xml"/></Relationships>'.encode())
    entries["[Content_Types].xml"] = entries["[Content_Types].xml"].replace(
        b"</Types>", f'<Override PartName="/word/{part}.xml" ContentType="{ctype}"/></Types>'.encode())
    entries["word/document.xml"] = entries["word/document.xml"].replace(
        b"</w:t></w:r></w:p>", f'</w:t></w:r><w:r><w:{kind}Reference w:id="1"/></w:r></w:p>'.encode(), 1)
    with zipfile.ZipFile(path, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return path


CTX = {"plan": {"name": "Tổng kết 05 năm & «giai đoạn» 2021–2026"}}


def test_a_tag_in_a_footnote_is_filled_exactly_as_docxtpl_fills_it(tmp_path):
    path = _with_note(_base(tmp_path / "t.docx"), "footnote", ["Theo {{ pl", "an.name }}", " (bản chính)."])
    fast = fast_render(path, CTX)
    assert fast == reference_render(path, CTX, ISSUED)
    notes = zipfile.ZipFile(__import__("io").BytesIO(fast)).read("word/footnotes.xml").decode()
    assert "Theo Tổng kết 05 năm &amp; «giai đoạn» 2021–2026" in notes and not TAG.search(notes)


def test_a_tag_in_an_endnote_stops_the_build_naming_the_part(tmp_path):
    """docxtpl never fills endnotes: the tag would print as it is, so the build refuses."""
    path = _with_note(_base(tmp_path / "t.docx"), "endnote", ["Xem {{ plan.name }}."])
    with pytest.raises(TemplateError, match=r"chú thích cuối văn bản \(endnote\) \(word/endnotes\.xml\), đoạn "
                                            r"«Xem \{\{ plan\.name \}\}\.»: thẻ «\{\{ plan\.name \}\}» ở phần này "
                                            r"không được điền"):
        fast_render(path, CTX)


def _with_comment(tmp_path, text: str) -> Path:
    d = docx.Document()
    p = d.add_paragraph("Kế hoạch {{ plan.name }}.")
    d.add_comment(p.runs, text=text, author="Văn thư")
    path = tmp_path / "t.docx"
    d.save(str(path))
    return path


def test_a_tag_in_a_word_comment_stops_the_build_naming_the_part(tmp_path):
    path = _with_comment(tmp_path, "Sửa lại thành {{ plan.period }}")
    with pytest.raises(TemplateError, match=r"ghi chú \(comment\) của Word \(word/comments\.xml\), đoạn .*không được điền"):
        fast_render(path, CTX)


def test_a_word_comment_without_tags_is_kept_as_it_is(tmp_path):
    path = _with_comment(tmp_path, "Kiểm tra lại tên kế hoạch")
    assert fast_render(path, CTX) == reference_render(path, CTX, ISSUED)


def _nested_merge_template(path: Path, rebind_prefix: bool) -> Path:
    d = docx.Document()
    d.add_paragraph("Danh sách đề nghị khen thưởng")
    t = d.add_table(rows=6, cols=2)
    cells = [["Đơn vị", "Họ và tên"], ["{%tr for u in units %}", ""], ["{%tr for p in u.people %}", ""],
             ["{% vm %}{{ u.name }}", "{{ p }}"], ["{%tr endfor %}", ""], ["{%tr endfor %}", ""]]
    for row, texts in zip(t.rows, cells):
        for cell, text in zip(row.cells, texts):
            cell.text = text
    d.save(str(path))
    if rebind_prefix:
        # As in docxtpl's vertical_merge_nested_tpl: one paragraph re-binds wp14 to the w14 URI.
        src = zipfile.ZipFile(path)
        entries = {n: src.read(n) for n in src.namelist()}
        src.close()
        w14 = "http://schemas.microsoft.com/office/word/2010/wordml"
        doc = entries["word/document.xml"]
        if b"xmlns:w14=" not in doc:
            doc = doc.replace(b"<w:document ", f'<w:document xmlns:w14="{w14}" '.encode(), 1)
        entries["word/document.xml"] = doc.replace(
            b"<w:body><w:p>", f'<w:body><w:p xmlns:wp14="{w14}" wp14:textId="77777777">'.encode(), 1)
        with zipfile.ZipFile(path, "w") as z:
            for name, data in entries.items():
                z.writestr(name, data)
    return path


MERGE_CTX = {"units": [{"name": "LĐLĐ huyện Đình Lập", "people": ["Nguyễn Văn A", "Trần Thị B", "Hoàng C"]},
                       {"name": "Công đoàn ngành Y tế", "people": ["Lý Văn D"]}]}


@pytest.mark.parametrize("rebind_prefix", [False, True], ids=["plain", "prefix-re-bound"])
def test_a_nested_vertical_merge_renders_as_docxtpl_does(tmp_path, rebind_prefix):
    path = _nested_merge_template(tmp_path / "t.docx", rebind_prefix)
    fast = fast_render(path, MERGE_CTX)
    assert fast == reference_render(path, MERGE_CTX, ISSUED)
    body = zipfile.ZipFile(__import__("io").BytesIO(fast)).read("word/document.xml").decode()
    assert re.findall(r'<w:vMerge w:val="(\w+)"/>', body) == ["restart", "continue", "continue", "restart"]
    assert "Hoàng C" in body and not TAG.search(re.sub(r"<[^>]+>", "", body))
    if rebind_prefix:  # the spliced body must not keep a prefix bound to the wrong namespace
        assert 'xmlns:wp14="http://schemas.microsoft.com/office/word/2010/wordml"' not in body


def test_a_value_with_line_breaks_and_tabs_is_laid_out_as_docxtpl_lays_it_out(tmp_path):
    """docxtpl turns \\n, \\t, \\a and \\f in a value into a break, a tab, a new paragraph and a
    page break; the renderer skips that pass only when none of them is in a part."""
    path = tmp_path / "listing.docx"
    document = docx.Document()
    document.add_paragraph("{{ text }}")
    document.add_paragraph("Không có ký tự đặc biệt: {{ plain }}")
    document.save(path)
    ctx = {"text": "dòng một\ndòng hai\tcột\ađoạn mới\ftrang mới", "plain": "x"}
    fast = fast_render(path, ctx)
    assert fast == reference_render(path, ctx, ISSUED)
    xml = zipfile.ZipFile(io.BytesIO(fast)).read("word/document.xml")
    assert b"<w:br/>" in xml and b"<w:tab/>" in xml and b'w:type="page"' in xml
