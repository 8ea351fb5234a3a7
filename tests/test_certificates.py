"""Certificates: one page each, every word inside its box (pdftotext -bbox), in both modes, on
A4 and A3, with the printer's offset; long names shrink or wrap, never overflow. Names invented."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from generator import awards as A
from generator.config import load_plan, parse_plan
from generator.exceptions import ConfigError, LayoutError
from generator.main import render_documents
from generator.pdf import to_pdf_bytes

from .conftest import ROOT, SHIPPED_CONFIG
from .rendering import require_libreoffice

PT = 72 / 25.4  # points per millimetre
LONG_COLLECTIVE = "Công đoàn cơ sở Trường Phổ thông Dân tộc nội trú THCS - THPT"  # 60 characters
LONG_PERSON = "Hoàng Thị Phương Thảo Nguyễn Ngọc Bảo An"  # 40 characters
UNIT = "LĐLĐ huyện Tràng Định"


def person(name: str, gender: str = "Nữ", position: str = "Giáo viên", workplace: str = "Trường Tiểu học Chi Lăng",
           stt: int = 8, unit: str = UNIT) -> A.Awardee:
    return A.Awardee("ca_nhan", stt, unit, name, gender, position, workplace, {})


def collective(name: str, stt: int = 8, unit: str = UNIT) -> A.Awardee:
    return A.Awardee("tap_the", stt, unit, name, "", "", unit, {})


# three lines at the template's 22 pt where the box holds two (a wrap alone would overflow)
THREE_LINES = ("Công đoàn cơ sở Trường Phổ thông Dân tộc nội trú Trung học cơ sở và Trung học phổ thông "
               "huyện Tràng Định tỉnh Lạng Sơn và Trường Phổ thông Dân tộc bán trú Tiểu học xã Quốc Khánh")
LONG = A.Awards((collective(LONG_COLLECTIVE), collective(THREE_LINES),
                 collective("Công đoàn Trung tâm Y tế huyện Văn Quan", 9, "LĐLĐ huyện Văn Quan")),
                (person(LONG_PERSON, position="Phó Chủ tịch Công đoàn cơ sở kiêm Trưởng ban Nữ công",
                        workplace="Trường Phổ thông Dân tộc nội trú Trung học cơ sở và Trung học phổ thông huyện Tràng Định"),
                 person("Vi Văn An", "Nam", stt=1, unit="LĐLĐ Thành phố")))
assert len(LONG_COLLECTIVE) == 60 and len(LONG_PERSON) == 40


def plan_with(**certificates):
    plan = load_plan(SHIPPED_CONFIG)
    return plan._replace(certificates=plan.certificates._replace(**certificates))


def render(plan, chosen=LONG) -> bytes:
    return render_documents(plan, group="certificates", data=chosen)[1]["bang_khen/bang_khen.docx"]


def words_by_page(pdf: Path) -> tuple[list[tuple[float, float]], list[list[tuple[str, float, float, float, float]]]]:
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    sizes, pages = [], []
    for page in re.findall(r"<page width=\"([\d.]+)\" height=\"([\d.]+)\">(.*?)</page>", html, re.S):
        sizes.append((float(page[0]), float(page[1])))
        pages.append([(w, float(a), float(b), float(c), float(d)) for a, b, c, d, w in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page[2])])
    return sizes, pages


def to_pdf(data: bytes, tmp_path: Path) -> Path:
    src = tmp_path / "bang_khen.docx"
    src.write_bytes(data)
    pdf = tmp_path / "bang_khen.pdf"
    pdf.write_bytes(to_pdf_bytes([src])["bang_khen.pdf"])
    return pdf


def outside(words, boxes: dict, offset=(0.0, 0.0), slack=1.0) -> list[str]:
    """The words no box of the layout holds (positions in points; the boxes moved by the offset)."""
    rects = [((b.x + offset[0]) * PT, (b.y + offset[1]) * PT, (b.x + offset[0] + b.w) * PT, (b.y + offset[1] + b.h) * PT)
             for b in boxes.values()]
    return [w for w, x0, y0, x1, y1 in words
            if not any(x0 >= a - slack and y0 >= b - slack and x1 <= c + slack and y1 <= d + slack for a, b, c, d in rects)]


@pytest.mark.parametrize("mode", ["full", "overlay"])
def test_every_certificate_is_one_page_and_no_word_leaves_its_box(mode, tmp_path):
    require_libreoffice()
    plan = plan_with(mode=mode)
    sizes, pages = words_by_page(to_pdf(render(plan), tmp_path))
    assert len(pages) == len(LONG.all)  # one page each, no blank page at the end
    assert all(abs(w - 297 * PT) < 1 and abs(h - 210 * PT) < 1 for w, h in sizes)  # A4 landscape
    boxes = plan.certificates.boxes[mode]
    for page in pages:
        assert page and outside(page, boxes) == []
    text = [" ".join(w for w, *_ in page) for page in pages]
    assert LONG_COLLECTIVE in text[0] and THREE_LINES in text[1] and f"Đồng chí {LONG_PERSON}" in text[3]
    assert ("BẰNG KHEN" in text[0]) == (mode == "full")  # the stock has it printed already


def test_the_printer_offset_moves_every_word_by_it_and_a3_is_a3(tmp_path):
    require_libreoffice()
    base = plan_with(mode="overlay")
    moved = plan_with(mode="overlay", offset_x=4.0, offset_y=-3.0)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    _, before = words_by_page(to_pdf(render(base), tmp_path / "a"))
    _, after = words_by_page(to_pdf(render(moved), tmp_path / "b"))
    for page_a, page_b in zip(before, after):
        assert [w for w, *_ in page_a] == [w for w, *_ in page_b]
        for (_, x0, y0, *_), (_, x1, y1, *_) in zip(page_a, page_b):
            assert abs(x1 - x0 - 4 * PT) < 0.5 and abs(y1 - y0 + 3 * PT) < 0.5
    (tmp_path / "c").mkdir()
    sizes, pages = words_by_page(to_pdf(render(plan_with(mode="overlay", paper="A3")), tmp_path / "c"))
    assert len(pages) == 5 and all(abs(w - 420 * PT) < 1 and abs(h - 297 * PT) < 1 for w, h in sizes)


def test_a_long_name_shrinks_to_fit_and_a_short_one_keeps_the_templates_size():
    import docx

    doc = docx.Document(__import__("io").BytesIO(render(plan_with(mode="full"), A.Awards(
        (collective(THREE_LINES), collective("Công đoàn Trường Mầm non Hoa Sen")), ()))))
    sizes = []
    for table in doc.tables:
        name = next(p for p in table._tbl.iter("{*}p") if "Công đoàn" in "".join(t.text or "" for t in p.iter("{*}t")))
        sz = [int(el.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val")) / 2 for el in name.iter("{*}sz")]
        sizes.append(sz[0] if sz else 22.0)  # no size of its own: the style's 22 pt
    assert sizes[1] == 22.0
    assert 14.0 <= sizes[0] < 22.0


def test_a_name_that_cannot_fit_even_at_min_size_stops_with_its_name():
    endless = " ".join(["Công đoàn cơ sở Trường Trung học phổ thông"] * 10)
    with pytest.raises(LayoutError) as err:
        render(plan_with(mode="overlay"), A.Awards((collective(endless),), ()))
    message = str(err.value)
    assert "số sổ 1" in message and UNIT in message and "«Ten»" in message and "min_size" in message


def test_the_address_follows_gender_when_the_config_says_so():
    import docx

    data = render(plan_with(mode="overlay", address={"Nam": "Ông", "Nữ": "Bà"}), A.Awards(
        (), (person("Vi Văn An", "Nam"), person("Lường Thị Hoa", "Nữ"))))
    text = [p.text for p in docx.Document(__import__("io").BytesIO(data)).paragraphs] + [
        c.text for t in docx.Document(__import__("io").BytesIO(data)).tables for c in t._cells]
    assert "Ông Vi Văn An" in text and "Bà Lường Thị Hoa" in text


def config_with(old: str, new: str) -> str:
    text = SHIPPED_CONFIG.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


def test_a_box_off_the_paper_is_refused_with_its_field_and_line():
    text = config_with("      Ky: {x: 160, y: 145, w: 120, h: 62}", "      Ky: {x: 200, y: 145, w: 120, h: 62}")
    with pytest.raises(ConfigError) as err:
        parse_plan(text)
    (problem,) = err.value.problems
    assert problem.field == "certificates.boxes.overlay.Ky"
    assert "nằm ngoài tờ giấy 297×210 mm" in problem.message
    assert problem.line == text[:text.index("      Ky: {x: 200")].count("\n") + 1


def test_an_offset_that_pushes_a_box_off_the_paper_is_refused():
    text = config_with("  offset:\n    x: 0\n    y: 0", "  offset:\n    x: 0\n    y: 8")
    with pytest.raises(ConfigError) as err:
        parse_plan(text)
    assert {p.field for p in err.value.problems} == {"certificates.boxes.full.Ky", "certificates.boxes.overlay.Ky"}


def test_overlapping_boxes_are_refused():
    text = config_with("      Chuc vu: {x: 40, y: 108, w: 217, h: 14, min_size: 11}",
                       "      Chuc vu: {x: 40, y: 100, w: 217, h: 14, min_size: 11}")
    with pytest.raises(ConfigError) as err:
        parse_plan(text)
    (problem,) = err.value.problems
    assert problem.field == "certificates.boxes.overlay.Chuc vu" and "chồng lên ô «Ten»" in problem.message


def test_a_template_box_the_config_does_not_place_is_refused():
    plan = plan_with(mode="full")
    boxes = dict(plan.certificates.boxes)
    boxes["full"] = {k: v for k, v in boxes["full"].items() if k != "Tang"}
    with pytest.raises(LayoutError) as err:
        render(plan._replace(certificates=plan.certificates._replace(boxes=boxes)))
    assert "BK Tang" in str(err.value)


def test_a_mode_without_its_boxes_is_refused_with_the_line_of_boxes():
    text = SHIPPED_CONFIG.read_text(encoding="utf-8")
    start = text.index("    overlay:\n      Ten:")
    end = text.index("\n\n", start)
    broken = text[:start] + text[end:]
    broken = __import__("re").sub(r"(?m)^  mode: full$", "  mode: overlay", broken, count=1)
    with pytest.raises(ConfigError) as err:
        parse_plan(broken)
    (problem,) = err.value.problems
    assert problem.field == "certificates.boxes" and "«overlay»" in problem.message
    assert problem.line == text[:text.index("    full:\n      Quoc hieu")].count("\n") + 1  # the boxes it has


def test_space_the_style_puts_before_a_paragraph_counts_toward_its_box(tmp_path):
    """A clerk who adds room above the signer's name in the style, not on the paragraph, gets the
    same check: a name pushed out of its box stops the build instead of being cut off."""
    import shutil

    from docx import Document
    from docx.shared import Pt

    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    doc = Document(str(templates / "bang_khen_phoi.docx"))
    doc.styles["BK Ten"].paragraph_format.space_before = Pt(40)  # 14 mm above a name in a 20 mm box
    doc.save(str(templates / "bang_khen_phoi.docx"))
    plan = plan_with(mode="overlay")
    with pytest.raises(LayoutError) as err:
        render_documents(plan, templates, group="certificates", data=LONG)
    assert "«Ten»" in str(err.value)


def test_a_style_in_capitals_is_measured_in_capitals(tmp_path):
    import io
    import shutil

    from docx import Document

    name = "Công đoàn cơ sở Trường Phổ thông Dân tộc nội trú Trung học cơ sở và Trung học phổ thông huyện Văn Quan"
    chosen = A.Awards((collective(name),), ())

    def name_size(templates) -> float:
        doc = Document(io.BytesIO(render_documents(plan_with(mode="overlay"), templates, group="certificates",
                                                   data=chosen)[1]["bang_khen/bang_khen.docx"]))
        p = next(p for p in doc.tables[0]._tbl.iter("{*}p") if "Văn Quan" in "".join(t.text or "" for t in p.iter("{*}t")))
        sizes = [int(el.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val")) / 2 for el in p.iter("{*}sz")]
        return sizes[0] if sizes else 22.0

    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    assert name_size(templates) == 22.0  # two lines as typed
    doc = Document(str(templates / "bang_khen_phoi.docx"))
    doc.styles["BK Ten"].font.all_caps = True
    doc.save(str(templates / "bang_khen_phoi.docx"))
    assert name_size(templates) < 22.0  # three in capitals: shrunk to two
