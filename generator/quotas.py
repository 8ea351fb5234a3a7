"""The quota rule of section II.3.2.2, in one place: the annex table and the change report
both come from `allocate`, and the plan's tier sentences from the same `Tier` objects."""
from __future__ import annotations

from typing import NamedTuple

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


class UnitQuota(NamedTuple):
    """One unit as the award cycle sees it: a row of the annex, or the provincial row, which may
    send `collectives` awards in all, collectives or individuals as it chooses, never both counts."""

    stt: int
    name: str
    members: int | None  # None for the provincial row (its count is the config's, not the tiers')
    collectives: int
    individuals: int
    provincial: bool
    place: str  # the địa danh of its own papers' date line
    full_name: str


def units_of(plan: Plan, allocation: Allocation) -> list[UnitQuota]:
    """Each unit of the annex and the provincial row, as the packs and the intake see them."""
    own = {u.name: u for u in plan.units}
    place = plan.document.place
    units = [UnitQuota(r.stt, r.name, r.members, r.collectives, r.individuals, False,
                       (own[r.name].place if r.name in own else None) or place,
                       (own[r.name].full_name if r.name in own else None) or r.name) for r in allocation.rows]
    p = plan.provincial_row
    units.append(UnitQuota(len(units) + 1, p.name, None, p.awards, p.awards, True, place, p.name))
    return units
