"""Typed objects for the validated config. Everything downstream reads these, never raw YAML."""
from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from .exceptions import Problem


class Unit(NamedTuple):
    name: str  # the short form, as the annex's table prints it
    members: int
    line: int | None = None
    place: str | None = None  # where the unit sits, for its own documents' date line (NĐ 30: «Đình Lập, ngày…»)
    full_name: str | None = None  # for certificates and the prose of the decision: «Liên đoàn Lao động huyện …»


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
    # Who signs this office's own Tờ trình of its pack: it has no Ban Chấp hành of its own.
    signer: "Signer | None" = None


class PlanDate(NamedTuple):
    """The issue date; the day (and the number) may be left for the office to write in."""

    year: int
    month: int
    day: int | None = None

    def earliest(self) -> dt.date:
        """The day it is taken to be when a rule needs one: a day left blank for the office
        counts as the month's first (the earliest it can be signed)."""
        return dt.date(self.year, self.month, self.day or 1)

    def surely_before(self, other: PlanDate) -> bool:
        """It comes before `other` whatever day the office writes into a blank one (a blank day
        here may be the month's last, one of `other` its first)."""
        return (self.year, self.month, self.day or 31) < (other.year, other.month, other.day or 1)


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
    # The columns that together say two rows are one person (two «Hoàng Thị Ngọc» of other
    # years and workplaces are two people); empty: the name and the year-of-birth and
    # workplace columns where the list has them.
    same_person: tuple[str, ...] = ()


class LegalBasis(NamedTuple):
    """One «Căn cứ» line and the days it may be cited: laws are replaced, so the line is data."""
    text: str
    valid_from: dt.date
    valid_to: dt.date | None = None
    line: int | None = None

    def in_force(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class Decision(NamedTuple):
    """The Quyết định khen thưởng, its list and the Ban's Tờ trình: the office's own values."""
    authority: str  # BAN THƯỜNG VỤ LIÊN ĐOÀN LAO ĐỘNG TỈNH LẠNG SƠN
    code: str
    number: int | None
    date: PlanDate
    proposer: str  # the Ban in charge, which writes the Tờ trình
    proposer_code: str  # ký hiệu of its Tờ trình, e.g. TTr-CSPL
    proposer_signer: Signer
    campaign: str  # "có thành tích xuất sắc …": the trích yếu, Điều 1 and the certificates
    prize: str  # Điều 2
    executors: str  # Điều 3, before "chịu trách nhiệm thi hành Quyết định này./."
    legal_basis: tuple[LegalBasis, ...]
    recipients: tuple[RecipientGroup, ...]
    # which column of the units' lists holds what: {"name": …, "unit": …} and
    # {"name": …, "gender": …, "position": …, "unit": …}
    collective_columns: dict
    individual_columns: dict
    prize_amounts: "PrizeAmounts | None" = None  # the money of Điều 2, for the prize payment list


class PrizeAmounts(NamedTuple):
    """What each awardee receives (đồng), as the Quy chế sets it: the prize payment list's amounts."""
    collective: int
    individual: int
    thousand: str = "nghìn"  # the word for 1.000 in «Bằng chữ»: «nghìn» or «ngàn», as the office writes


class Box(NamedTuple):
    """Where a block of a certificate is printed, in millimetres from the paper's top left."""
    x: float
    y: float
    w: float
    h: float
    min_size: float | None = None  # the smallest font size (pt) the text may shrink to


class Certificates(NamedTuple):
    mode: str  # "full" (the whole certificate on plain paper) or "overlay" (pre-printed stock)
    paper: str  # "A4" or "A3", landscape
    address: str | dict  # "Đồng chí" for everyone, or {gender: "Ông" | "Bà"}
    # Số sổ of the first certificate; None: one after the last number of the record book's earlier
    # decisions (output/so_cap_bang.json), so two decisions never share a number.
    first_number: int | None
    offset_x: float  # the printer's offset, mm, added to every box
    offset_y: float
    signer: Signer
    boxes: dict  # mode -> {box name (a template style "BK <name>") -> Box}
    first_number_line: int | None = None  # where the config sets it, for a refusal that names its line


class Letter(NamedTuple):
    """A công văn or giấy mời of the cycle: its own ký hiệu, number and date; signed as the plan
    is unless it names its signer; sent to the recipients its step chooses, then to these."""
    code: str
    number: int | None
    date: PlanDate
    signer: Signer
    recipients: tuple[RecipientGroup, ...]  # after the units the step names: «Lưu: VT, …»


class Chase(NamedTuple):
    """The công văn đôn đốc to the units intake marks: the new deadline it sets."""
    letter: Letter
    new_deadline: dt.date


class Conference(NamedTuple):
    """The conference the plan announces (§II.2.2, §III.1.3) and its Giấy mời."""
    letter: Letter
    day: dt.date
    hour: int
    minute: int
    place: str
    leaders: str | None  # who each unit sends («Đồng chí Chủ tịch»); None: the units are not invited
    awardees: bool  # the decision's awardees are invited, to receive their award
    guests: tuple[str, ...]
    per_recipient: bool  # one Giấy mời per recipient, or one with the list of everyone invited
    chair: str | None = None  # who presides («Chủ trì» of NĐ 30 Mẫu 1.7), when the invitation says


class Outline(NamedTuple):
    """The đề cương báo cáo sent with the plan: as an annex of the plan, or a paper of its own."""
    annex: bool


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
    decision: Decision | None = None
    certificates: Certificates | None = None
    chase: Chase | None = None
    conference: Conference | None = None
    results: Letter | None = None  # the công văn that sends the decision to the units
    outline: Outline | None = None
    warnings: tuple[Problem, ...] = ()


# The nominations' two lists, by the kind of award: the config's columns of each.
NOMINATION_COLUMNS = {"tap_the": "collective_columns", "ca_nhan": "individual_columns"}


class UnitStatus(NamedTuple):
    """A unit's line of the status table: what it sent, or what was accepted from it, against
    its quota in the config as it is now."""
    stt: int
    name: str
    provincial: bool
    collectives: int
    collectives_quota: int
    individuals: int
    individuals_quota: int
    status: str  # intake.DU, THIEU, VUOT, CO_LOI or CHUA_NOP: «đủ», «thiếu», «vượt», «có lỗi», «chưa nộp»
    file: str  # the list it was judged by ("" when none came)
    quota_then: list | None  # [collectives, individuals] allocated at intake, when that has moved since


class Accepted(NamedTuple):
    """What intake accepted from one unit (output/tiep_nhan.json): the list it came in, the
    quota it was judged by then, and its rows, each column's text by the config's column name."""
    file: str
    quota: list | None  # [collectives, individuals]; None in a state written before quotas were kept
    tap_the: tuple[dict, ...]
    ca_nhan: tuple[dict, ...]

    def rows(self, kind: str) -> tuple[dict, ...]:
        return self.tap_the if kind == "tap_the" else self.ca_nhan
