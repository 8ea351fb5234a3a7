"""What the rest of the cycle's paperwork prints: the công văn đôn đốc and its Phụ lục (from what
intake marked), the Giấy mời, the đề cương báo cáo, the prize payment list and the công văn that
sends the decision (from the decision's own list). Each is built from the same records as the
documents before it, so their names and numbers cannot disagree with them."""
from __future__ import annotations

from typing import Any

from .config_awards import decision_day
from .context import _plain, _recipients, build, decision, full_names
from .formatting import date_line, month_text, two_digits_or_blank
from .model import Letter, Plan
from .quotas import Allocation


def _letter(plan: Plan, letter: Letter) -> dict[str, Any]:
    """The keys a letter's template shares with the plan's: its number and date, its signer,
    and its recipients after «Như trên» (the Kính gửi)."""
    d = letter.date
    return {
        "letter": {"code": letter.code, "number": two_digits_or_blank(letter.number),
                   "date_line": date_line(d.year, d.month, d.day),
                   "short_date": f"{two_digits_or_blank(d.day)}/{month_text(d.month)}/{d.year}"},
        "signer": _plain(letter.signer),
        "recipients": _recipients(letter.recipients),
    }


def chased_units(plan: Plan, allocation: Allocation, marks) -> list[dict[str, Any]]:
    """The units the last intake (intake.Marks) marked other than «đủ», in the annex's order, each
    with what is missing or wrong. The provincial row is the office's own Ban, reminded in
    person, never by công văn; a unit intake found nothing wrong with is never named."""
    # Imported here: the registry imports this module, and a cold build of the plan never reads
    # a workbook (intake imports openpyxl's helpers).
    from . import intake

    full = full_names(plan)
    problems: dict[str, list[dict]] = {}
    for unit, p in marks.problems:
        if unit is not None:
            problems.setdefault(unit, []).append({"sheet": p.sheet, "row": p.row, "column": p.column,
                                                  "message": p.message})
    out = []
    for r in marks.table:
        if r["status"] == intake.DU or r["provincial"]:
            continue
        out.append({"stt": r["stt"], "name": r["name"], "full_name": full.get(r["name"], r["name"]),
                    "status": r["status"], "sent": r["status"] != intake.CHUA_NOP,
                    "short": r["status"] == intake.THIEU,
                    "collectives": r["collectives"], "collectives_quota": r["collectives_quota"],
                    "individuals": r["individuals"], "individuals_quota": r["individuals_quota"],
                    "problems": problems.get(r["name"], [])})
    return out


def chase(plan: Plan, allocation: Allocation, marks) -> dict[str, Any]:
    """The công văn đôn đốc and its Phụ lục: one letter whose Kính gửi are the chased units."""
    c = plan.chase
    chased = chased_units(plan, allocation, marks)
    return {
        **build(plan, allocation),
        **_letter(plan, c.letter),
        "chase": {"new_deadline": c.new_deadline,
                  "overdue": decision_day(c.letter.date) > plan.schedule.reports_due},
        "chased": chased,
        "addressees": chased,
    }


def _invitees(plan: Plan, allocation: Allocation, awards) -> tuple[list, list, list]:
    from .context import units_of

    c = plan.conference
    leaders = ([{"kind": "leader", "name": u["name"], "full_name": u["full_name"]}
                for u in units_of(plan, allocation) if not u["provincial"]] if c.leaders else [])
    guests = list(c.guests)
    invited = ([{**_plain(a), "workplace": _workplace(plan, a)} for a in awards.all]
               if c.awardees and awards is not None else [])
    return guests, leaders, invited


def _workplace(plan: Plan, a) -> str:
    from .config import normal_name

    full = full_names(plan)
    return full.get(a.unit, a.unit) if normal_name(a.workplace) == normal_name(a.unit) else a.workplace


def invitation_base(plan: Plan, allocation: Allocation, awards) -> dict[str, Any]:
    c = plan.conference
    base = decision(plan, allocation, awards) if awards is not None else {
        **build(plan, allocation), "nominations": _plain(plan.nominations), "decision": _decision_only(plan)}
    return {
        **base,
        **_letter(plan, c.letter),
        "conference": {"day": c.day, "weekday": _weekday(c.day), "time": f"{c.hour:02d} giờ {c.minute:02d}",
                       "place": c.place, "leaders": c.leaders, "chair": c.chair},
        "awardee_invited": c.awardees,
    }


def _decision_only(plan: Plan) -> dict[str, Any]:
    d = plan.decision
    return {"code": d.code, "number": two_digits_or_blank(d.number), "campaign": d.campaign,
            "date_line": date_line(d.date.year, d.date.month, d.date.day)}


def _weekday(day) -> str:
    from .formatting import weekday

    return weekday(day)


def invitation(plan: Plan, allocation: Allocation, awards) -> dict[str, Any]:
    """One Giấy mời with everyone invited: guests, each unit's leader, each awardee."""
    guests, leaders, invited = _invitees(plan, allocation, awards)
    return {**invitation_base(plan, allocation, awards), "invitee": None, "guests": guests, "leaders": leaders,
            "awardees": invited}


def invitations(plan: Plan, allocation: Allocation, awards) -> list[dict[str, Any]]:
    """One Giấy mời per recipient, in the order guests, the units' leaders, the awardees; each
    names its file by its recipient («unit» is what the registry's per-unit output reads)."""
    base = invitation_base(plan, allocation, awards)
    guests, leaders, invited = _invitees(plan, allocation, awards)
    # Every invitee has the same keys, whoever they are: the template asks by kind.
    blank = {"full_name": "", "unit": "", "position": "", "workplace": ""}
    people = [{**blank, "kind": "guest", "name": g} for g in guests] + [{**blank, **x} for x in leaders + invited]
    return [{**base, "invitee": person, "guests": [], "leaders": [], "awardees": [],
             "unit": {"stt": i, "name": person["name"]}} for i, person in enumerate(people, 1)]


def outline(plan: Plan, allocation: Allocation) -> dict[str, Any]:
    return {**build(plan, allocation), "outline": _plain(plan.outline)}


def prizes(plan: Plan, allocation: Allocation, awards) -> dict[str, Any]:
    """The prize payment list: the decision's awardees in its order, grouped by unit, each with
    the amount the config sets for a collective or an individual; totals per unit and overall
    are sums of the same rows."""
    amounts = plan.decision.prize_amounts
    units: list[dict] = []
    by_unit: dict[str, dict] = {}
    for a in awards.all:
        if a.unit not in by_unit:
            by_unit[a.unit] = {"stt": a.unit_stt, "name": a.unit, "rows": [], "total": 0}
            units.append(by_unit[a.unit])
    units.sort(key=lambda u: u["stt"])
    stt = 0
    for u in units:  # within a unit, its collectives first, as the decision lists them
        for a in [x for x in awards.collectives if x.unit == u["name"]] + [
                x for x in awards.individuals if x.unit == u["name"]]:
            stt += 1
            amount = amounts.collective if a.kind == "tap_the" else amounts.individual
            u["rows"].append({**_plain(a), "stt": stt, "amount": amount})
            u["total"] += amount
    return {
        **decision(plan, allocation, awards),
        "prizes": {"units": units, "count": stt, "total": sum(u["total"] for u in units),
                   "collective": amounts.collective, "individual": amounts.individual,
                   "thousand": amounts.thousand},
    }


def results(plan: Plan, allocation: Allocation, awards) -> dict[str, Any]:
    """The công văn that sends the decision: every unit with awardees, and theirs."""
    base = decision(plan, allocation, awards)
    # The provincial row is the office's own Ban: it gets the decision by hand, not by công văn.
    units = [u for u in base["awards"]["units"] if u["name"] != plan.provincial_row.name]
    return {**base, **_letter(plan, plan.results), "addressees": units}
