"""What the templates print: plain data built from the Plan and its Allocation.
Numbers stay numbers and dates stay dates; the templates format them with the filters of
formatting.py, so the wording and its punctuation live in the templates alone."""
from __future__ import annotations

from typing import Any

from .config_awards import PAPERS
from .config_reader import normal_name
from .formatting import date_line, month_text, two_digits_or_blank
from .model import Plan
from .exceptions import AwardsError, ConfigError, Problem
from .quotas import Allocation, units_of


def _plain(value: Any) -> Any:
    """Typed records to plain dicts, all the way down, so templates see only data."""
    if hasattr(value, "_asdict"):
        return {k: _plain(v) for k, v in value._asdict().items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _recipients(groups) -> list[dict[str, Any]]:
    out = []
    for group in groups:
        for i, name in enumerate(group.names, 1):
            # A shared note is printed once, on the group's last line, as the clerk types it.
            note = group.note if i == len(group.names) else None
            out.append({"name": name, "note": note})
    return out


def build(plan: Plan, allocation: Allocation) -> dict[str, Any]:
    d = plan.document
    recipients = _recipients(plan.recipients)
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


def full_names(plan: Plan) -> dict[str, str]:
    """Each unit's full name by its short one (the short one where the config gives none)."""
    return {u.name: u.full_name or u.name for u in plan.units}


def packs(plan: Plan, allocation: Allocation) -> list[dict[str, Any]]:
    """One context per unit: its pack (Tờ trình, list, minutes, one summary page per slot)."""
    if plan.nominations is None:
        raise ConfigError("cấu hình", [Problem("nominations", "thiếu mục nominations: các giá trị của hồ sơ đề "
                                                            "nghị khen thưởng (xem config/plan.yaml của dự án).")])
    base = build(plan, allocation)
    nominations = _plain(plan.nominations)
    out = []
    for unit in units_of(plan, allocation):
        if unit.provincial:  # the config's count, collectives or individuals as the office chooses
            slots = [{"kind": "ca_hai", "n": i, "of": unit.collectives} for i in range(1, unit.collectives + 1)]
        else:
            slots = ([{"kind": "tap_the", "n": i, "of": unit.collectives} for i in range(1, unit.collectives + 1)]
                     + [{"kind": "ca_nhan", "n": i, "of": unit.individuals} for i in range(1, unit.individuals + 1)])
        out.append({**base, "nominations": nominations, "unit": unit._asdict(), "slots": slots})
    return out


def decision(plan: Plan, allocation: Allocation, awards) -> dict[str, Any]:
    """The Tờ trình of the Ban, the Quyết định and its list: the awardees grouped by the unit that
    proposed them, numbered on within each part, and the counts Điều 1 prints, taken from
    the same rows."""
    parts = {}
    for kind, rows in (("collectives", awards.collectives), ("individuals", awards.individuals)):
        listed = [{**_plain(a), "stt": i, "values": dict(a.values)} for i, a in enumerate(rows, 1)]
        units: list[dict] = []
        for a in listed:
            if not units or units[-1]["name"] != a["unit"]:
                units.append({"stt": a["unit_stt"], "name": a["unit"], "rows": []})
            units[-1]["rows"].append(a)
        parts[kind] = listed
        parts[f"{kind}_by_unit"] = units
    by_unit: dict[str, dict] = {}
    for a in awards.collectives + awards.individuals:
        u = by_unit.setdefault(a.unit, {"stt": a.unit_stt, "name": a.unit, "collectives": [], "individuals": [],
                                        "full_name": full_names(plan).get(a.unit, a.unit)})
        u["collectives" if a.kind == "tap_the" else "individuals"].append(_plain(a))
    return {
        **build(plan, allocation),
        "nominations": _plain(plan.nominations),
        "decision": decision_record(plan),
        "awards": {
            **parts,
            "units": sorted(by_unit.values(), key=lambda u: u["stt"]),
            "n_collectives": len(awards.collectives),
            "n_individuals": len(awards.individuals),
            "total": len(awards.collectives) + len(awards.individuals),
            "missing": [{"name": n, "status": s} for n, s in awards.missing],
            "partial": [{"name": n, "status": s} for n, s in awards.partial],
        },
    }


def decision_record(plan: Plan) -> dict[str, Any]:
    """The decision as its documents cite it: number, date, Căn cứ in force on its day, …"""
    d = plan.decision
    day = d.date.earliest()
    return {
        "authority": d.authority, "code": d.code, "number": two_digits_or_blank(d.number),
        "date_line": date_line(d.date.year, d.date.month, d.date.day),
        "short_date": f"{two_digits_or_blank(d.date.day)}/{month_text(d.date.month)}/{d.date.year}",
        "year": d.date.year, "proposer": d.proposer, "proposer_code": d.proposer_code,
        "proposer_signer": _plain(d.proposer_signer), "campaign": d.campaign, "prize": d.prize,
        "executors": d.executors,
        "legal_basis": [b.text for b in d.legal_basis if b.in_force(day)],
        "recipients": _recipients(d.recipients),
    }


def shown_workplace(a, full: dict[str, str]) -> str:
    """An awardee's workplace as printed: written as the proposing unit's short name («LĐLĐ
    Thành phố», which names no city), it is printed as that unit's full name."""
    return full.get(a.unit, a.unit) if normal_name(a.workplace) == normal_name(a.unit) else a.workplace


def certificates(plan: Plan, allocation: Allocation, awards) -> dict[str, Any]:
    """One certificate per awardee in the list's order, each with its Số sổ, and the page layout
    of the config's mode (boxes in mm, the paper, the printer's offset) for the layout step."""
    c = plan.certificates
    if c is None:
        raise AwardsError("tệp cấu hình thiếu mục certificates (cách in Bằng khen); xem config/plan.yaml của dự án.")
    base = decision(plan, allocation, awards)
    full = full_names(plan)
    first = awards.first_number or c.first_number or 1
    out = []
    for i, a in enumerate(awards.all):
        address = ""
        if a.kind == "ca_nhan":
            if isinstance(c.address, dict):
                by_gender = {normal_name(k): v for k, v in c.address.items()}
                address = by_gender.get(normal_name(a.gender))
                if address is None:
                    raise AwardsError(f"{a.unit}: «{a.name}» có giới tính «{a.gender}», certificates.address không ghi "
                                      f"cách gọi cho giới tính này ({', '.join(c.address)}).")
            else:
                address = c.address
        out.append({**_plain(a), "workplace": shown_workplace(a, full), "values": dict(a.values), "so_so": first + i,
                    "address": address})
    own = {"number": two_digits_or_blank(plan.decision.number), "code": plan.decision.code,
           "date_line": base["decision"]["date_line"], "first": first, "rows": out}
    decisions = sorted([own] + [{"number": two_digits_or_blank(e.number), "code": e.code,
                                 "date_line": date_line(e.date[0], e.date[1], e.date[2]), "first": e.first,
                                 "rows": [dict(r) for r in e.rows]} for e in awards.book], key=lambda d: d["first"])
    numbers = [r["so_so"] for d in decisions for r in d["rows"]]
    width, height = PAPERS[c.paper]
    boxes = c.boxes.get(c.mode) or {}
    if not boxes:
        raise AwardsError(f"certificates.boxes không có vị trí các ô cho kiểu in «{c.mode}».")
    return {
        **base,
        "certificate": {"signer": _plain(c.signer), "mode": c.mode, "paper": c.paper},
        "certificates": out,
        "book": {"decisions": decisions, "first": min(numbers, default=first), "last": max(numbers, default=first)},
        "layout": {"width": width, "height": height, "offset": [c.offset_x, c.offset_y],
                   "boxes": {k: _plain(b) for k, b in boxes.items()}},
    }
