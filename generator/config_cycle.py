"""The config's sections for the rest of the cycle's paperwork: `chase:` (the công văn đôn đốc),
`conference:` (the Giấy mời), `results:` (the công văn that sends the decision) and
`report_outline:` (the đề cương báo cáo sent with the plan), read with config_reader's reader so
every mistake names its field and line like the rest of the file."""
from __future__ import annotations

import re

import yaml

from .config_reader import read_plan_date, read_recipients, read_signer, read_text_lines
from .model import Chase, Conference, Letter, Outline, Signer

LETTER_KEYS = ("code", "date", "recipients")
LETTER_OPTIONAL = ("number", "signer")
OUTLINE_FORMS = {"annex": True, "separate": False}
_TIME = re.compile(r"(\d{1,2})\s*(?::|h|giờ)\s*(\d{2})?\s*(?:phút)?", re.IGNORECASE)


def _letter(r, v: dict, field: str, plan_signer: Signer | None) -> Letter | None:
    code = r.get(v, "code", field, r.text)
    if code and " " in code:
        r.fail(v["code"], f"{field}.code", "ký hiệu văn bản không có dấu cách (ví dụ GM-LĐLĐ).")
        code = None
    number = r.get(v, "number", field, lambda n, f: r.whole(n, f, minimum=1), default=None)
    date = r.get(v, "date", field, lambda n, f: read_plan_date(r, n, f))
    signer = r.get(v, "signer", field, lambda n, f: read_signer(r, n, f), default=plan_signer)
    recipients = r.get(v, "recipients", field, lambda n, f: read_recipients(r, n, f))
    if None in (code, date, signer, recipients):
        return None
    return Letter(code, number, date, signer, recipients)


def chase(r, node: yaml.Node, field: str, plan_signer: Signer | None) -> Chase | None:
    v = r.mapping(node, field, LETTER_KEYS + ("new_deadline",), LETTER_OPTIONAL)
    if v is None:
        return None
    letter = _letter(r, v, field, plan_signer)
    deadline = r.get(v, "new_deadline", field, r.date)
    if letter is None or deadline is None:
        return None
    if deadline < letter.date.earliest():
        r.fail(v["new_deadline"], f"{field}.new_deadline", f"hạn mới {deadline:%d/%m/%Y} đến trước ngày của công văn "
               f"đôn đốc (tháng {letter.date.month:02d}/{letter.date.year}); ghi một ngày sau đó.")
        return None
    return Chase(letter, deadline)


def conference(r, node: yaml.Node, field: str, plan_signer: Signer | None) -> Conference | None:
    v = r.mapping(node, field, LETTER_KEYS + ("day", "time", "place", "per_recipient"),
                  LETTER_OPTIONAL + ("leaders", "awardees", "guests", "chair"))
    if v is None:
        return None
    letter = _letter(r, v, field, plan_signer)
    day = r.get(v, "day", field, r.date)
    time = r.get(v, "time", field, lambda n, f: _time(r, n, f))
    place = r.get(v, "place", field, r.text)
    per_recipient = r.get(v, "per_recipient", field, r.boolean)
    leaders = r.get(v, "leaders", field, r.text, default=None)
    awardees = r.get(v, "awardees", field, r.boolean, default=False)
    guests = r.get(v, "guests", field, lambda n, f: read_text_lines(r, n, f), default=())
    chair = r.get(v, "chair", field, r.text, default=None)
    if None in (letter, day, time, place, per_recipient, awardees, guests):
        return None
    if leaders is None and not awardees and not guests:
        r.fail(node, field, "Giấy mời chưa mời ai: ghi leaders (người đại diện mỗi đơn vị, ví dụ «Đồng chí Chủ tịch»),"
               " awardees: true (các tập thể, cá nhân được khen thưởng) hoặc guests (khách mời).")
        return None
    if day < letter.date.earliest():
        r.fail(v["day"], f"{field}.day", f"Hội nghị ngày {day:%d/%m/%Y} đến trước ngày của Giấy mời "
               f"(tháng {letter.date.month:02d}/{letter.date.year}); Giấy mời gửi trước Hội nghị.")
        return None
    return Conference(letter, day, time[0], time[1], place, leaders, awardees, tuple(guests), per_recipient, chair)


def _time(r, node, field) -> tuple[int, int] | None:
    raw = node.value.strip() if isinstance(node, yaml.ScalarNode) else ""
    m = _TIME.fullmatch(raw)
    if not m or int(m.group(1)) > 23 or int(m.group(2) or 0) > 59:
        r.fail(node, field, f"«{raw}» không phải giờ; viết ví dụ 8:00 hoặc 14:30 (giờ:phút).")
        return None
    return int(m.group(1)), int(m.group(2) or 0)


def results(r, node: yaml.Node, field: str, plan_signer: Signer | None) -> Letter | None:
    v = r.mapping(node, field, LETTER_KEYS, LETTER_OPTIONAL)
    return None if v is None else _letter(r, v, field, plan_signer)


def outline(r, node: yaml.Node, field: str) -> Outline | None:
    v = r.mapping(node, field, ("form",))
    if v is None:
        return None
    form = r.get(v, "form", field, r.text)
    if form is not None and form not in OUTLINE_FORMS:
        r.fail(v["form"], f"{field}.form", f"«{form}» không phải một trong: {', '.join(OUTLINE_FORMS)} (annex: "
               "Phụ lục của Kế hoạch; separate: văn bản riêng gửi kèm Kế hoạch).")
        return None
    return None if form is None else Outline(OUTLINE_FORMS[form])


def check_after_decision(r, plan_parts: dict, top: dict) -> None:
    """Warnings, since the office may have moved a date: the letter that sends the decision
    dated before the decision, and a conference after the plan's deadline for it. (A Giấy mời
    may well go out before the decision is signed.)"""
    d, letter = plan_parts.get("decision"), plan_parts.get("results")
    if d is not None and letter is not None and letter.date.surely_before(d.date):
        node = {k.value: n for k, n in top["results"].value}["date"]
        r.warn(node, "results.date", f"công văn gửi Quyết định ghi tháng {letter.date.month:02d}/{letter.date.year}, "
               f"trước Quyết định khen thưởng (tháng {d.date.month:02d}/{d.date.year}) mà công văn gửi đi.")
    c, s = plan_parts.get("conference"), plan_parts.get("schedule")
    if c is not None and s is not None and s.conference_by is not None and c.day > s.conference_by:
        node = {k.value: n for k, n in top["conference"].value}["day"]
        r.warn(node, "conference.day", f"Hội nghị ngày {c.day:%d/%m/%Y}, sau hạn {s.conference_by:%d/%m/%Y} của "
               "Kế hoạch (schedule.conference_by).")
