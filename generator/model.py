"""Typed objects for the validated config. Everything downstream reads these, never raw YAML."""
from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from .exceptions import Problem


class Unit(NamedTuple):
    name: str
    members: int
    line: int | None = None


class Tier(NamedTuple):
    """Members in (lower, upper) with each bound inclusive or not; None means unbounded."""

    individuals: int
    lower: int | None = None
    lower_inclusive: bool = True
    upper: int | None = None
    upper_inclusive: bool = True

    def contains(self, members: int) -> bool:
        if self.lower is not None:
            if members < self.lower or (members == self.lower and not self.lower_inclusive):
                return False
        if self.upper is not None:
            if members > self.upper or (members == self.upper and not self.upper_inclusive):
                return False
        return True


class QuotaRules(NamedTuple):
    collectives_per_unit: int
    tiers: tuple[Tier, ...]


class ProvincialRow(NamedTuple):
    name: str
    text: str
    awards: int


class PlanDate(NamedTuple):
    """The issue date; the day (and the number) may be left for the office to write in."""

    year: int
    month: int
    day: int | None = None


class DocumentRef(NamedTuple):
    number: str
    date: dt.date
    issuer: str


class MonthYear(NamedTuple):
    month: int
    year: int


class Schedule(NamedTuple):
    review_from: MonthYear
    review_to: MonthYear
    conference_month: MonthYear
    conference_by: dt.date
    units_review_by: dt.date
    reports_due: dt.date


class DocumentInfo(NamedTuple):
    parent_body: str
    issuing_body: tuple[str, ...]
    issuer_short: str
    code: str
    number: int | None
    place: str
    date: PlanDate


class Signer(NamedTuple):
    on_behalf: str
    title: str
    name: str


class RecipientGroup(NamedTuple):
    names: tuple[str, ...]
    note: str | None = None


class Column(NamedTuple):
    name: str
    required: bool


class Nominations(NamedTuple):
    """What the units' packs and the intake of their lists need: the office's own values."""
    award: str
    addressee: str
    unit_parent: str
    collective_columns: tuple[Column, ...]
    individual_columns: tuple[Column, ...]
    choices: dict  # column name -> tuple of the values it may take


class Plan(NamedTuple):
    document: DocumentInfo
    conclusion: DocumentRef
    implements: DocumentRef
    schedule: Schedule
    quotas: QuotaRules
    provincial_row: ProvincialRow
    signer: Signer
    recipients: tuple[RecipientGroup, ...]
    units: tuple[Unit, ...]
    fields: dict = {}  # name -> str, int or datetime.date: free values for the templates' wording
    templates: str | None = None  # the templates' folder, relative to the config file
    nominations: Nominations | None = None
    warnings: tuple[Problem, ...] = ()
