"""The documents the tool writes, as data: one registry entry per kind of document.

Each kind names its Word template, a pure function that builds its context from the validated
config (and, for the award cycle, from the nominations), how it fans out, and where it is
written under output/. Everything else reads this list: rendering and the all-or-nothing
write (main.py), the page's downloads and previews, kiem-tra-mau, the benchmark, and the
contract tests every kind must pass. A new document is a new entry and a new template, never a
second pipeline.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any, Callable, Iterable, NamedTuple

from . import context, context_cycle
from .model import Plan
from .quotas import Allocation

ONE, PER_UNIT = "one", "per_unit"
AWARDS, MARKS = "awards", "marks"


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
    # What the context also takes, as (plan, allocation, data): "awards", the decision's awardees
    # (awards.Awards); "marks", what the last intake marked (intake.Marks); "": nothing more.
    reads: str = ""
    # Built only when this holds for the plan (one of two templates for one output).
    applies: Callable[[Plan], bool] | None = None
    # (rendered bytes, context) -> bytes: a last step that needs the rendered document (the
    # certificates' layout); pure, so it runs in the render pool; it writes the package with
    # output.normalize_docx, as every build does.
    finish: Callable[[bytes, dict], bytes] | None = None

    @property
    def uses_awards(self) -> bool:
        return self.reads == AWARDS


PACK = "ho_so/{stt:02d}-{name}/"  # output/ho_so/04-LĐLĐ huyện Đình Lập/…


def _mode(mode: str) -> Callable[[Plan], bool]:
    return lambda plan: plan.certificates is not None and plan.certificates.mode == mode


def _layout(data: bytes, ctx: dict) -> bytes:
    from .certificate import lay_out  # lxml: only for the award cycle's steps

    return lay_out(data, ctx)


KINDS: tuple[Kind, ...] = (
    Kind("ke_hoach", "Kế hoạch", "ke_hoach.docx", context.build, "ke_hoach.docx"),
    Kind("phu_luc", "Phụ lục", "phu_luc.docx", context.build, "phu_luc.docx"),
    Kind("de_cuong", "Đề cương báo cáo", "de_cuong_bao_cao.docx", context_cycle.outline, "de_cuong_bao_cao.docx",
         applies=lambda plan: plan.outline is not None),
    # The units' nomination packs (python build_docs.py ho-so).
    Kind("to_trinh", "Tờ trình đề nghị khen thưởng", "to_trinh.docx", context.packs, PACK + "to_trinh.docx",
         PER_UNIT, "packs"),
    Kind("danh_sach", "Danh sách đề nghị", "danh_sach.xlsx", context.packs, PACK + "danh_sach.xlsx",
         PER_UNIT, "packs"),
    Kind("bien_ban", "Biên bản họp xét", "bien_ban.docx", context.packs, PACK + "bien_ban.docx", PER_UNIT, "packs"),
    Kind("tom_tat", "Bản tóm tắt thành tích", "tom_tat.docx", context.packs, PACK + "tom_tat.docx", PER_UNIT, "packs"),
    # The decision (python build_docs.py quyet-dinh), from the awardees intake accepted.
    Kind("to_trinh_ban", "Tờ trình của Ban", "to_trinh_ban.docx", context.decision, "quyet_dinh/to_trinh_ban.docx",
         group="decision", reads=AWARDS),
    Kind("quyet_dinh", "Quyết định khen thưởng", "quyet_dinh.docx", context.decision, "quyet_dinh/quyet_dinh.docx",
         group="decision", reads=AWARDS),
    Kind("danh_sach_khen_thuong", "Danh sách kèm theo Quyết định", "danh_sach_khen_thuong.docx", context.decision,
         "quyet_dinh/danh_sach_khen_thuong.docx", group="decision", reads=AWARDS),
    # The công văn đôn đốc (python build_docs.py don-doc), from what the last intake marked.
    Kind("don_doc", "Công văn đôn đốc", "cong_van_don_doc.docx", context_cycle.chase, "don_doc/cong_van_don_doc.docx",
         group="chase", reads=MARKS),
    Kind("phu_luc_don_doc", "Phụ lục của Công văn đôn đốc", "phu_luc_don_doc.docx", context_cycle.chase,
         "don_doc/phu_luc_don_doc.docx", group="chase", reads=MARKS),
    # After the decision, from its list: the Giấy mời (one, or one per recipient, as the config
    # says), the prize payment list and the công văn that sends the decision.
    Kind("giay_moi", "Giấy mời dự Hội nghị", "giay_moi.docx", context_cycle.invitation, "giay_moi/giay_moi.docx",
         group="invitations", reads=AWARDS, applies=lambda plan: not plan.conference.per_recipient),
    Kind("giay_moi_rieng", "Giấy mời (mỗi người một bản)", "giay_moi.docx", context_cycle.invitations,
         "giay_moi/{stt:02d}-{name}.docx", PER_UNIT, "invitations", reads=AWARDS,
         applies=lambda plan: plan.conference.per_recipient),
    Kind("tien_thuong", "Danh sách nhận tiền thưởng", "danh_sach_tien_thuong.docx", context_cycle.prizes,
         "tien_thuong/danh_sach_tien_thuong.docx", group="prizes", reads=AWARDS),
    Kind("gui_quyet_dinh", "Công văn gửi Quyết định", "cong_van_gui_quyet_dinh.docx", context_cycle.results,
         "thong_bao/cong_van_gui_quyet_dinh.docx", group="results", reads=AWARDS),
    # The certificates (python build_docs.py bang-khen): one template per mode.
    Kind("bang_khen", "Bằng khen (in cả trang)", "bang_khen.docx", context.certificates, "bang_khen/bang_khen.docx",
         group="certificates", reads=AWARDS, applies=_mode("full"), finish=_layout),
    Kind("bang_khen_phoi", "Bằng khen (in lên phôi)", "bang_khen_phoi.docx", context.certificates,
         "bang_khen/bang_khen.docx", group="certificates", reads=AWARDS, applies=_mode("overlay"), finish=_layout),
    Kind("so_cap_bang", "Sổ cấp Bằng khen", "so_cap_bang.docx", context.certificates, "bang_khen/so_cap_bang.docx",
         group="certificates", reads=AWARDS),
)

# What each group needs from the config before its documents can be built.
NEEDS = {"packs": ("nominations",), "intake": ("nominations",), "decision": ("nominations", "decision"),
         "certificates": ("nominations", "decision", "certificates"), "chase": ("nominations", "chase"),
         "invitations": ("nominations", "decision", "conference"),
         "prizes": ("nominations", "decision", "decision.prize_amounts"),
         "results": ("nominations", "decision", "results")}


def _part(plan: Plan, dotted: str):
    value = plan
    for name in dotted.split("."):
        value = getattr(value, name, None) if value is not None else None
    return value


def missing(group: str, plan: Plan) -> tuple[str, ...]:
    """The config sections a group needs and the plan lacks."""
    return tuple(part for part in NEEDS.get(group, ()) if _part(plan, part) is None)


def available(kind: Kind, plan: Plan) -> bool:
    """The config has every section this kind's context reads."""
    return not missing(kind.group, plan)


def of_group(group: str, kinds: Iterable[Kind] = KINDS, plan: Plan | None = None) -> tuple[Kind, ...]:
    """The kinds of a group; given a plan, only those it builds (its certificate mode's)."""
    return tuple(k for k in kinds if k.group == group and (plan is None or k.applies is None or k.applies(plan)))


# Names Windows keeps for devices, with any extension: «CON.csv» cannot be created there.
_RESERVED = re.compile(r"(?i)(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?")
MAX_NAME = 100  # characters; a path of a few folders then stays well under Windows' 260


def safe_name(name: str) -> str:
    """A unit's name (or an uploaded file's) as a file or folder name on any system: Vietnamese
    letters kept (composed); the characters Windows refuses, control characters, leading dots
    and «~$» (hidden and lock files, which intake passes over) and trailing dots or spaces
    removed; Windows' device names prefixed; at most MAX_NAME characters."""
    name = unicodedata.normalize("NFC", name)
    name = re.sub(r'[<>:"/\\|?*\x00-\x1f\x7f]', " ", name)
    name = " ".join(name.split()).lstrip(".~$ ")[:MAX_NAME].rstrip(". ") or "don-vi"
    return "_" + name if _RESERVED.fullmatch(name) else name


def outputs(kind: Kind, plan: Plan, allocation: Allocation, data=None) -> list[tuple[str, dict]]:
    """(path under output/, context) of every document of this kind; `data`: what it reads."""
    built = kind.context(plan, allocation, data) if kind.reads else kind.context(plan, allocation)
    if kind.fan_out == ONE:
        return [(kind.output, built)]
    if kind.fan_out == PER_UNIT:
        return [(kind.output.format(stt=ctx["unit"]["stt"], name=safe_name(ctx["unit"]["name"])), ctx)
                for ctx in built]
    raise ValueError(f"{kind.key}: fan_out {kind.fan_out!r} is not one of {ONE!r}, {PER_UNIT!r}")


def sample_context(kind: Kind, plan: Plan, allocation: Allocation) -> dict:
    """One context of this kind (the first, for a kind that fans out): what its template may use;
    the award cycle's kinds get invented awardees."""
    built = outputs(kind, plan, allocation, sample_data(kind, plan))
    return built[0][1] if built else {}


def sample_data(kind: Kind, plan: Plan):
    """Invented data of what the kind reads (awardees, intake's marks), or None."""
    from . import awards, intake  # lxml: only for the award cycle's steps

    return {AWARDS: awards.sample, MARKS: intake.sample_marks}.get(kind.reads, lambda plan: None)(plan)
