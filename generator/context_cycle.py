"""What the rest of the cycle's paperwork prints: the công văn đôn đốc and its Phụ lục (from what
intake marked), the Giấy mời, the đề cương báo cáo, the prize payment list and the công văn that
sends the decision (from the decision's own list). Each is built from the same records as the
documents before it, so their names and numbers cannot disagree with them."""
from __future__ import annotations

from typing import Any

from . import quotas
from .context import _plain, _recipients, build, decision, decision_record, full_names, shown_workplace
from .formatting import date_line, month_text, two_digits_or_blank, weekday
from .model import Letter, Plan
from .quotas import Allocation


def _letter(letter: Letter) -> dict[str, Any]:
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
            problems.setdefault(unit, []).append({"sheet": p.sheet, "row": p.line, "column": p.column,
                                                  "message": p.message})
    out = []
    for r in marks.table:
        if r.status == intake.DU or r.provincial:
            continue
        out.append({"stt": r.stt, "name": r.name, "full_name": full.get(r.name, r.name),
                    "status": r.status, "sent": r.status != intake.CHUA_NOP,
                    "short": r.status == intake.THIEU, "over": r.status == intake.VUOT,
                    "collectives": r.collectives, "collectives_quota": r.collectives_quota,
                    "individuals": r.individuals, "individuals_quota": r.individuals_quota,
                    "problems": problems.get(r.name, [])})
    return out


def chase(plan: Plan, allocation: Allocation, marks) -> dict[str, Any]:
    """The công văn đôn đốc and its Phụ lục: one letter whose Kính gửi are the chased units."""
    c = plan.chase
    chased = chased_units(plan, allocation, marks)
    return {
        **build(plan, allocation),
        **_letter(c.letter),
        "chase": {"new_deadline": c.new_deadline,
                  "overdue": c.letter.date.earliest() > plan.schedule.reports_due},
        "chased": chased,
        "addressees": chased,
    }


def _invitees(plan: Plan, allocation: Allocation, awards) -> tuple[list, list, list]:
    c = plan.conference
    leaders = ([{"kind": "leader", "name": u.name, "full_name": u.full_name}
                for u in quotas.units_of(plan, allocation) if not u.provincial] if c.leaders else [])
    guests = list(c.guests)
    full = full_names(plan)
    invited = ([{**_plain(a), "workplace": shown_workplace(a, full)} for a in awards.all]
               if c.awardees and awards is not None else [])
    return guests, leaders, invited


def invitation_base(plan: Plan, allocation: Allocation, awards) -> dict[str, Any]:
    c = plan.conference
    base = decision(plan, allocation, awards) if awards is not None else {
        **build(plan, allocation), "nominations": _plain(plan.nominations), "decision": decision_record(plan)}
    return {
        **base,
        **_letter(c.letter),
        "conference": {"day": c.day, "weekday": weekday(c.day), "hour": c.hour, "minute": c.minute,
                       "place": c.place, "leaders": c.leaders, "chair": c.chair},
        "awardee_invited": c.awardees,
    }


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
    base = decision(plan, allocation, awards)
    units, stt = [], 0
    for u in base["awards"]["units"]:  # the decision's units, each its collectives first
        rows = []
        for a in u["collectives"] + u["individuals"]:
            stt += 1
            rows.append({**a, "stt": stt, "amount": amounts.collective if a["kind"] == "tap_the" else amounts.individual})
        units.append({"stt": u["stt"], "name": u["name"], "rows": rows, "total": sum(r["amount"] for r in rows)})
    return {
        **base,
        "prizes": {"units": units, "count": stt, "total": sum(u["total"] for u in units),
                   "collective": amounts.collective, "individual": amounts.individual,
                   "thousand": amounts.thousand},
    }


def results(plan: Plan, allocation: Allocation, awards) -> dict[str, Any]:
    """The công văn that sends the decision: every unit with awardees, and theirs."""
    base = decision(plan, allocation, awards)
    # The provincial row is the office's own Ban: it gets the decision by hand, not by công văn.
    units = [u for u in base["awards"]["units"] if u["name"] != plan.provincial_row.name]
    return {**base, **_letter(plan.results), "addressees": units}
