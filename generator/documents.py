"""The documents the tool writes, as data: one registry entry per kind of document.

Each kind names its Word template, a pure function that builds its context from the validated
config (and, for the award cycle, from the nominations), how it fans out, and where it is
written under output/. Everything else reads this list: rendering and the all-or-nothing
write (main.py), the page's downloads and previews, --check-template, the benchmark, and the
contract tests every kind must pass. A new document is a new entry and a new template, never a
second pipeline.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any, Callable, Iterable, NamedTuple

from . import context
from .model import Plan
from .quotas import Allocation

ONE, PER_UNIT = "one", "per_unit"


class Kind(NamedTuple):
    key: str
    label: str  # what the clerk calls it (the page's download list)
    template: str  # file name in the plan's templates folder
    # (plan, allocation) -> the context of the document (ONE), or one context per unit
    # (PER_UNIT), each holding "unit": {"stt", "name", …} for the output path.
    context: Callable[[Plan, Allocation], Any]
    output: str  # path under output/; for PER_UNIT a pattern with {stt} and {name}
    fan_out: str = ONE
    group: str = "plan"  # the documents one command builds together: `python build_docs.py` builds "plan"


PACK = "ho_so/{stt:02d}-{name}/"  # output/ho_so/04-LĐLĐ huyện Đình Lập/…

KINDS: tuple[Kind, ...] = (
    Kind("ke_hoach", "Kế hoạch", "ke_hoach.docx", context.build, "ke_hoach.docx"),
    Kind("phu_luc", "Phụ lục", "phu_luc.docx", context.build, "phu_luc.docx"),
    # The units' nomination packs (python build_docs.py --packs).
    Kind("to_trinh", "Tờ trình đề nghị khen thưởng", "to_trinh.docx", context.packs, PACK + "to_trinh.docx",
         PER_UNIT, "packs"),
    Kind("danh_sach", "Danh sách đề nghị (Excel)", "danh_sach.xlsx", context.packs, PACK + "danh_sach.xlsx",
         PER_UNIT, "packs"),
    Kind("bien_ban", "Biên bản họp xét", "bien_ban.docx", context.packs, PACK + "bien_ban.docx", PER_UNIT, "packs"),
    Kind("tom_tat", "Bản tóm tắt thành tích", "tom_tat.docx", context.packs, PACK + "tom_tat.docx", PER_UNIT, "packs"),
)


def of_group(group: str, kinds: Iterable[Kind] = KINDS) -> tuple[Kind, ...]:
    return tuple(k for k in kinds if k.group == group)


def safe_name(name: str) -> str:
    """A unit's name as a file or folder name on any system: Vietnamese letters kept (composed),
    the characters Windows refuses, control characters and trailing dots or spaces removed."""
    name = unicodedata.normalize("NFC", name)
    name = re.sub(r'[<>:"/\\|?*\x00-\x1f]', " ", name)
    return " ".join(name.split()).rstrip(". ") or "don-vi"


def outputs(kind: Kind, plan: Plan, allocation: Allocation) -> list[tuple[str, dict]]:
    """(path under output/, context) of every document of this kind."""
    built = kind.context(plan, allocation)
    if kind.fan_out == ONE:
        return [(kind.output, built)]
    if kind.fan_out == PER_UNIT:
        return [(kind.output.format(stt=ctx["unit"]["stt"], name=safe_name(ctx["unit"]["name"])), ctx)
                for ctx in built]
    raise ValueError(f"{kind.key}: fan_out {kind.fan_out!r} is not one of {ONE!r}, {PER_UNIT!r}")


def sample_context(kind: Kind, plan: Plan, allocation: Allocation) -> dict:
    """One context of this kind (the first, for a kind that fans out): what its template may use."""
    built = outputs(kind, plan, allocation)
    return built[0][1] if built else {}
