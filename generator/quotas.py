"""The quota rule of section II.3.2.2, in one place: the annex table and the change report
both come from `allocate`, and the plan's tier sentences from the same `Tier` objects."""
from __future__ import annotations

from typing import Any, NamedTuple

from .model import Plan, QuotaRules, Tier, Unit


class Row(NamedTuple):
    """One line of the annex table."""

    stt: int
    name: str
    members: int
    collectives: int
    individuals: int


class Totals(NamedTuple):
    collectives: int
    individuals: int
    awards: int  # collectives + individuals of the units
    provincial: int  # what the provincial federation's own row adds
    grand_total: int


class Allocation(NamedTuple):
    rows: tuple[Row, ...]
    totals: Totals


def tier_for(members: int, tiers: tuple[Tier, ...]) -> Tier:
    """The one tier holding `members`; config validation guarantees there is exactly one."""
    for tier in tiers:
        if tier.contains(members):
            return tier
    raise ValueError(f"no tier holds {members} members")  # unreachable after validation


def individuals_for(members: int, rules: QuotaRules) -> int:
    return tier_for(members, rules.tiers).individuals


def allocate_units(units: tuple[Unit, ...], rules: QuotaRules, provincial_awards: int) -> Allocation:
    rows = tuple(
        Row(i, u.name, u.members, rules.collectives_per_unit, individuals_for(u.members, rules))
        for i, u in enumerate(units, 1)
    )
    collectives = sum(r.collectives for r in rows)
    individuals = sum(r.individuals for r in rows)
    awards = collectives + individuals
    return Allocation(rows, Totals(collectives, individuals, awards, provincial_awards, awards + provincial_awards))


def allocate(plan: Plan) -> Allocation:
    return allocate_units(plan.units, plan.quotas, plan.provincial_row.awards)


def units_of(plan: Plan, allocation: Allocation) -> list[dict[str, Any]]:
    """Each unit of the annex and the provincial row, as the packs and the intake see them: the
    provincial row may send one collective or one individual, never both."""
    own = {u.name: u for u in plan.units}
    place = plan.document.place
    units = [{"stt": r.stt, "name": r.name, "members": r.members, "collectives": r.collectives,
              "individuals": r.individuals, "provincial": False,
              "place": (own[r.name].place if r.name in own else None) or place,
              "full_name": (own[r.name].full_name if r.name in own else None) or r.name} for r in allocation.rows]
    p = plan.provincial_row
    units.append({"stt": len(units) + 1, "name": p.name, "members": None, "collectives": p.awards,
                  "individuals": p.awards, "provincial": True, "place": place, "full_name": p.name})
    return units
