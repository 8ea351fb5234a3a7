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
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
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


def units_of(plan: Plan, allocation: Allocation) -> list[dict[str, Any]]:
    """Each unit of the annex and the provincial row, as the packs and the intake see them: the
    provincial row may send one collective or one individual, never both."""
    units = [{"stt": r.stt, "name": r.name, "members": r.members, "collectives": r.collectives,
              "individuals": r.individuals, "provincial": False} for r in allocation.rows]
    p = plan.provincial_row
    units.append({"stt": len(units) + 1, "name": p.name, "members": None, "collectives": p.awards,
                  "individuals": p.awards, "provincial": True})
    return units


def packs(plan: Plan, allocation: Allocation) -> list[dict[str, Any]]:
    """One context per unit: its pack (Tờ trình, list, minutes, one summary page per slot)."""
    if plan.nominations is None:
        from .exceptions import ConfigError, Problem

        raise ConfigError("cấu hình", [Problem("nominations", "thiếu mục nominations: các giá trị của hồ sơ đề "
                                                            "nghị khen thưởng (xem config/plan.yaml của dự án).")])
    base = build(plan, allocation)
    nominations = _plain(plan.nominations)
    out = []
    for unit in units_of(plan, allocation):
        if unit["provincial"]:
            slots = [{"kind": "ca_hai", "n": 1, "of": 1}]
        else:
            slots = ([{"kind": "tap_the", "n": i, "of": unit["collectives"]} for i in range(1, unit["collectives"] + 1)]
                     + [{"kind": "ca_nhan", "n": i, "of": unit["individuals"]} for i in range(1, unit["individuals"] + 1)])
        out.append({**base, "nominations": nominations, "unit": unit, "slots": slots})
    return out
