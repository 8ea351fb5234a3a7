"""The rules of NĐ 30/2020 (Phụ lục I) as code, one function each.

Every rule reports one of three statuses, so nobody mistakes silence for a pass:
ĐẠT (checked, fine), KHÔNG ĐẠT (checked, with findings), KHÔNG ĐÁNH GIÁ ĐƯỢC (the element it
checks was not found, or LibreOffice was needed and is missing). Each finding has a severity:
LỖI departs from NĐ 30, LƯU Ý is allowed but unusual, THÔNG TIN is normal for a draft (a number
or a day left blank for the office). Only LỖI makes the checker exit 1.
"""
from __future__ import annotations

from ..findings import LOI, LUU_Y, THONG_TIN  # noqa: F401  (the severities, with the statuses)
# Each registers its rules when imported, and the report lists them in that order: the page and
# the header first, then the rest. Keep these two lines in this order.
from . import rules_layout  # noqa: F401  # isort: skip
from . import rules_body  # noqa: F401  # isort: skip
from .docmodel import Document
from .elements import CERTIFICATE, Elements, find_elements
from .rulebook import (  # noqa: F401  (the statuses and notes, for report.py and the tests)
    DAT, KHONG_DANH_GIA, KHONG_DAT, PUNCT_NOTE, RULES, Context, NotEvaluated, RuleResult,
)

CERTIFICATE_RULES = ("phong_chu",)  # a Bằng khen is no NĐ 30 document: only its font is judged

# -- running the rules -------------------------------------------------------------------------

NOT_ASKED = "không dựng trang (đã chọn --no-render)"


def evaluate(doc: Document, rendered=None, unrendered: str | None = None) -> tuple[Elements, list[RuleResult]]:
    el = find_elements(doc)
    ctx = Context(doc, el, rendered, *([unrendered] if unrendered else []))
    results = []
    for r in RULES:
        if el.doc_type in r.skip_types or (r.types is not None and el.doc_type not in r.types):
            continue
        if el.doc_type == CERTIFICATE and r.rid not in CERTIFICATE_RULES:
            continue
        try:
            findings = r.check(ctx)
        except NotEvaluated as why:
            results.append(RuleResult(r.rid, r.title, KHONG_DANH_GIA, reason=str(why)))
            continue
        status = KHONG_DAT if any(f.severity in (LOI, LUU_Y) for f in findings) else DAT
        results.append(RuleResult(r.rid, r.title, status, findings))
    return el, results
