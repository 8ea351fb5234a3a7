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
