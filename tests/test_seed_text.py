"""Every sentence of the real plan comes out of the generator (tests/data/seed_plan.txt is the
text extracted from it). The extraction's artefacts are undone and the typos the README lists
are corrected before comparing; nothing else is allowed to differ."""
import re
from pathlib import Path

import pytest

from .docx_read import full_text, open_doc, squash

SEED = (Path(__file__).parent / "data" / "seed_plan.txt").read_text(encoding="utf-8")

# Typos of the source, corrected in the generated plan (listed in the README).
CORRECTIONS = [
    ("01-KH/TW", "01-KL/TW"),
    ("01- KL/TW", "01-KL/TW"),
    ("21- KL/TW", "21-KL/TW"),
    ("NLD", "NLĐ"),
    ("Đối với Cá nhân", "Đối với cá nhân"),
    ("Chủ trì, Phối hợp", "Chủ trì, phối hợp"),
    ("LĐLĐ Huyện, thành phố", "LĐLĐ huyện, thành phố"),
    ("Lưu VT", "Lưu: VT"),
]


def _seed_lines() -> tuple[list[str], list[str]]:
    text = SEED.replace("tổ chức sơ\n\nkết", "tổ chức sơ kết")  # one paragraph split by the extraction
    for wrong, right in CORRECTIONS:
        text = text.replace(wrong, right)
    plan_part, annex_part = text.split("## PHÂN BỐ SỐ LƯỢNG KHEN THƯỞNG")
    def clean(block):
        out = []
        for line in block.splitlines():
            line = re.sub(r"^#+\s*", "", line)
            line = re.sub(r"</?b>|\*", "", line).replace(" | ", " ")
            line = squash(line)
            if line:
                out.append(line)
        return out
    annex = clean("PHÂN BỐ SỐ LƯỢNG KHEN THƯỞNG" + annex_part.split("\nSTT")[0])
    return clean(plan_part), annex


PLAN_LINES, ANNEX_LINES = _seed_lines()


@pytest.fixture(scope="module")
def texts(built):
    _, out = built
    return squash(full_text(open_doc(out / "ke_hoach.docx"))), squash(full_text(open_doc(out / "phu_luc.docx")))


@pytest.mark.parametrize("line", PLAN_LINES, ids=lambda s: s[:40])
def test_every_seed_sentence_of_the_plan_is_generated(texts, line):
    assert line in texts[0]


@pytest.mark.parametrize("line", ANNEX_LINES, ids=lambda s: s[:40])
def test_the_annex_heading_is_generated(texts, line):
    assert line in texts[1]


def test_the_seed_covers_the_whole_plan():
    # A guard on the guard: the split above must keep the plan's many paragraphs.
    assert len(PLAN_LINES) > 60 and "Lý Đức Thanh" in PLAN_LINES


def test_the_header_block_lost_by_the_extraction_is_there(texts):
    for text in ("TỔNG LĐLĐ VIỆT NAM", "LIÊN ĐOÀN LAO ĐỘNG TỈNH LẠNG SƠN",
                 "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"):
        assert text in texts[0]


def test_the_plan_mentions_its_annex(texts):
    assert "Phụ lục kèm theo" in texts[0]


def test_no_template_tag_or_none_is_left(built):
    _, out = built
    for name in ("ke_hoach.docx", "phu_luc.docx"):
        text = full_text(open_doc(out / name))
        for leftover in ("{{", "}}", "{%", "%}", "None"):
            assert leftover not in text, (name, leftover)


def test_the_plan_ends_with_the_closing_mark(texts):
    body = texts[0].split("Nơi nhận:")[0]
    assert body.rstrip().endswith("./.")
