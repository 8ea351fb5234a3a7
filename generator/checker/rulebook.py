"""The checker's rulebook: the three statuses, the rule record and the decorator every rule
registers with (in the order the report lists them), and the helpers the rules share. The
rules themselves are in rules_layout.py (the page and the header) and rules_body.py (from the
tên loại to the signer, the package, the laid-out pages); rules.py runs them."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..findings import LOI, Finding
from .docmodel import Document, Para
from .drawings import draws_a_rule
from .elements import Elements, is_rule_para

DAT, KHONG_DAT, KHONG_DANH_GIA = "đạt", "không đạt", "không đánh giá được"

FONT = "Times New Roman"
@dataclass
class RuleResult:
    rule: str
    title: str
    status: str
    findings: list[Finding] = field(default_factory=list)
    reason: str = ""


class NotEvaluated(Exception):
    """Raised by a rule whose element is missing; the message says why."""


def at(p: Para | None) -> str:
    return f"đoạn «{p.words}»" if p is not None else ""


# -- the rules -------------------------------------------------------------------------------

@dataclass
class Context:
    doc: Document
    el: Elements
    rendered: object | None = None  # rendered.Rendering, when LibreOffice ran
    # Why there are no pages, in the clerk's words: asked not to lay them out, or no LibreOffice.
    unrendered: str = "cần LibreOffice để dựng trang (không có trên máy này)"


@dataclass
class Rule:
    rid: str
    title: str
    check: Callable[[Context], list[Finding]]
    types: tuple[str, ...] | None = None  # None: every type
    skip_types: tuple[str, ...] = ()


RULES: list[Rule] = []
NO_HEADER = ("Phụ lục",)
# A Biên bản is signed by the parties (chủ trì, thư ký) and sent to no list: no «Nơi nhận»
# anchors its signatures, so the signer rules do not apply to it.
NO_SIGNER_BLOCK = ("Phụ lục", "Biên bản")


def rule(rid: str, title: str, types=None, skip=()):
    def register(fn):
        RULES.append(Rule(rid, title, fn, types, skip))
        return fn
    return register


def _need(p, what: str):
    if p is None or (isinstance(p, list) and not p):
        raise NotEvaluated(f"không tìm thấy {what}")
    return p


def _size_ok(p: Para, lo: float, hi: float) -> bool:
    return bool(p.sizes) and all(lo <= s <= hi for s in p.sizes)


def _sizes(p: Para) -> str:
    return ", ".join(f"{s:g}" for s in sorted(p.sizes)) or "?"


# Para.bold/italic/upper/sizes leave out runs of punctuation alone (and sizes leave out
# sub- and superscripts); every message about them says so.
PUNCT_NOTE = " (không xét dấu câu đứng riêng như «:»)"


def _format(rid: str, p: Para, name: str, lo: float, hi: float, bold: bool | None = None,
            italic: bool | None = None, upper: bool | None = None, center: bool = True) -> list[Finding]:
    out = []
    size = f"{lo:g}" if lo == hi else f"{lo:g}–{hi:g}"
    if not _size_ok(p, lo, hi):
        out.append(Finding(rid, LOI, at(p), f"{name}: cỡ chữ {_sizes(p)}; NĐ 30: {size}{PUNCT_NOTE}."))
    if bold is not None and p.bold != bold:
        out.append(Finding(rid, LOI, at(p), f"{name}: {'chưa' if bold else 'không được'} in đậm{PUNCT_NOTE}."))
    if italic is not None and p.italic != italic:
        out.append(Finding(rid, LOI, at(p), f"{name}: {'chưa' if italic else 'không được'} in nghiêng{PUNCT_NOTE}."))
    if upper is not None and p.upper != upper:
        out.append(Finding(rid, LOI, at(p), f"{name}: {'phải' if upper else 'không'} viết chữ in hoa{PUNCT_NOTE}."))
    if center and p.alignment != "center":
        out.append(Finding(rid, LOI, at(p), f"{name}: phải căn giữa."))
    return out


def rule_below(doc: Document, p: Para) -> bool:
    """A short solid rule under p: its bottom border, a top border or a typed line of
    underscores just below, or a drawn line shape anchored just below. Offices draw the rule as
    a shape anchored in the next paragraphs of the same column (often the «Số:» or the date
    line of the header table's next row), so those are looked at too."""
    if p.has_border_below:
        return True
    if p.table is not None:
        below = [q for q in doc.paragraphs if q.table == p.table and q.cell == p.cell and q.index > p.index][:3]
    else:
        below = doc.paragraphs[p.index + 1:p.index + 4]
    if below and (below[0].has_border_above or is_rule_para(below[0])):
        return True
    return any(draws_a_rule(q.element) for q in [p] + below)
