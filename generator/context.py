"""What the templates print: plain data built from the Plan and its Allocation.
Numbers stay numbers and dates stay dates; the templates format them with the filters of
formatting.py, so the wording and its punctuation live in the templates alone."""
from __future__ import annotations

from typing import Any

from .formatting import date_line, month_text, two_digits_or_blank
from .model import Plan
from .quotas import Allocation


def _plain(value: Any) -> Any:
    """Typed records to plain dicts, all the way down, so templates see only data."""
    if hasattr(value, "_asdict"):
        return {k: _plain(v) for k, v in value._asdict().items()}
    return value


def build(plan: Plan, allocation: Allocation) -> dict[str, Any]:
    d = plan.document
    recipients = []
    for group in plan.recipients:
        for i, name in enumerate(group.names, 1):
            # A shared note is printed once, on the group's last line, as the clerk types it.
            note = group.note if i == len(group.names) else None
            recipients.append({"name": name, "note": note})
    return {
        "doc": {
            "parent_body": d.parent_body,
            "issuing_body": "\n".join(d.issuing_body),  # docxtpl turns \n into a line break
            "issuer_short": d.issuer_short,
            "code": d.code,
            "number": two_digits_or_blank(d.number),
            "place": d.place,
            "date_line": date_line(d.date.year, d.date.month, d.date.day),
            "short_date": f"{two_digits_or_blank(d.date.day)}/{month_text(d.date.month)}/{d.date.year}",
        },
        "conclusion": _plain(plan.conclusion),
        "implements": _plain(plan.implements),
        "schedule": _plain(plan.schedule),
        "collectives_per_unit": plan.quotas.collectives_per_unit,
        "tiers": [
            {"lower": t.lower or None, "upper": t.upper, "individuals": t.individuals,
             "lower_inclusive": t.lower_inclusive, "upper_inclusive": t.upper_inclusive}
            for t in plan.quotas.tiers
        ],
        "provincial": _plain(plan.provincial_row),
        "rows": [_plain(r) for r in allocation.rows],
        "totals": _plain(allocation.totals),
        "signer": _plain(plan.signer),
        "recipients": recipients,
        "fields": dict(plan.fields),
    }
