"""The awardees: the nominations intake accepted (output/tiep_nhan.json), in the annex's order,
as the decision, its list and the certificates all read them. One list feeds all three, so
the counts in Điều 1, the rows of the list and the certificates cannot disagree.

The decision is refused while intake still has units that are not «đủ», unless the office
says to go on without them (quyet-dinh --allow-incomplete); then they are named.
"""
from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from . import intake, quotas
from .exceptions import AwardsError
from .model import Accepted, Plan, UnitStatus


class Awardee(NamedTuple):
    kind: str  # "tap_the" or "ca_nhan"
    unit_stt: int
    unit: str  # the unit that proposed them (a row of the annex)
    name: str
    gender: str
    position: str
    workplace: str
    values: dict  # every column of their row, as the list names it


class Awards(NamedTuple):
    collectives: tuple[Awardee, ...]
    individuals: tuple[Awardee, ...]
    # With --allow-incomplete: (unit, status) of the units left out (not sent, with errors, over
    # quota), and of those in with fewer than their quota («thiếu»: what they sent is listed).
    missing: tuple[tuple[str, str], ...] = ()
    partial: tuple[tuple[str, str], ...] = ()
    # For the certificates: the Số sổ of the first (None: the config's, or 1), and the record
    # book's other decisions (book.Entry), which the record book lists with this one.
    first_number: int | None = None
    book: tuple = ()

    @property
    def all(self) -> tuple[Awardee, ...]:
        """List order: I. TẬP THỂ, then II. CÁ NHÂN; certificates are numbered in this order."""
        return self.collectives + self.individuals


def _require(plan: Plan) -> None:
    if plan.nominations is None or plan.decision is None:
        missing = "nominations" if plan.nominations is None else "decision"
        raise AwardsError(f"tệp cấu hình thiếu mục {missing}; xem mục đó trong config/plan.yaml của dự án.")


def from_accepted(plan: Plan, accepted: dict[str, Accepted], table: list[UnitStatus], allow_incomplete: bool = False) -> Awards:
    """The awardees of the units intake accepted, in the annex's order (pure)."""
    _require(plan)
    problems = [(r.name, r.status) for r in table if r.status != intake.DU]
    if problems and not allow_incomplete:
        lines = "\n".join(f"  - {_why(r)}" for r in table if r.status != intake.DU)
        over = [r for r in table if r.status == intake.VUOT]
        raise AwardsError(f"tiếp nhận hồ sơ chưa xong, còn {len(problems)} đơn vị chưa «đủ»:\n{lines}\n"
                          "Khi các đơn vị gửi đủ danh sách: {intake}.\n"
                          "Hoặc lập Quyết định với các đơn vị đã đủ (các đơn vị trên sẽ không có trong danh sách): "
                          "{allow}."
                          + ("\nĐơn vị «vượt» không bao giờ được đưa vào Quyết định: đơn vị gửi lại danh sách đúng số "
                             "lượng được phân bổ (hoặc sửa lại số đoàn viên nếu đã sửa nhầm), rồi {intake}."
                             if over else ""))
    d = plan.decision
    roles = {"tap_the": d.collective_columns, "ca_nhan": d.individual_columns}
    out: dict[str, list[Awardee]] = {"tap_the": [], "ca_nhan": []}
    skipped = {name for name, status in problems if status != intake.THIEU}
    left_out = tuple((n, st) for n, st in problems if n in skipped)
    partial = tuple((n, st) for n, st in problems if n not in skipped)
    for row in table:
        entry = accepted.get(row.name)
        if not entry or row.name in skipped:
            continue
        for kind, label in (("tap_the", "tập thể"), ("ca_nhan", "cá nhân")):
            for i, values in enumerate(entry.rows(kind), 1):
                get = {role: " ".join(str(values.get(col) or "").split()) for role, col in roles[kind].items()}
                if not get.get("name"):
                    raise AwardsError(f"{row.name}: {label} thứ {i} trong danh sách đã tiếp nhận chưa có tên "
                                      f"(cột «{roles[kind]['name']}»); sửa danh sách của đơn vị rồi {{intake}}.")
                out[kind].append(Awardee(kind, row.stt, row.name, get["name"], get.get("gender", ""),
                                         get.get("position", ""), get.get("unit", ""), dict(values)))
    if not out["tap_the"] and not out["ca_nhan"]:
        raise AwardsError("chưa có tập thể, cá nhân nào được tiếp nhận; trước khi lập Quyết định: {intake_first}.")
    return Awards(tuple(out["tap_the"]), tuple(out["ca_nhan"]), left_out, partial)


def _why(row: UnitStatus) -> str:
    """One unit not «đủ», as the refusal lists it; a quota that moved since intake is named."""
    said = f"{row.name}: {row.status}"
    if row.status == intake.VUOT and not row.provincial:
        said += (f" (đã nhận {row.collectives:02d} tập thể, {row.individuals:02d} cá nhân; được phân bổ "
                 f"{row.collectives_quota:02d} tập thể, {row.individuals_quota:02d} cá nhân")
        then = row.quota_then
        if then:
            said += f"; lúc tiếp nhận là {then[0]:02d} tập thể, {then[1]:02d} cá nhân: số đoàn viên đã đổi sau đó"
        said += ")"
    return said


def load(plan: Plan, out_dir: Path, allow_incomplete: bool = False) -> Awards:
    """What intake accepted and wrote to out_dir, checked as the decision needs it."""
    _require(plan)
    if not (out_dir / intake.STATE).is_file():
        raise AwardsError(f"chưa có kết quả tiếp nhận hồ sơ ({out_dir / intake.STATE}); trước hết: {{intake_first}}.")
    state = intake.load_state(out_dir)
    table, _, accepted, _ = intake.evaluate(plan, None, state)  # judged against the config as it is now
    return from_accepted(plan, accepted, table, allow_incomplete)


def within_quotas(plan: Plan, awards: Awards) -> None:
    """The certificates print a decision's list only while no unit in it has more than the
    config, as it is now, allocates it: a count lowered after the decision needs a new one."""
    over = []
    for u in quotas.units_of(plan, quotas.allocate(plan)):
        c = sum(a.unit == u.name for a in awards.collectives)
        i = sum(a.unit == u.name for a in awards.individuals)
        if intake.measure(u, c, i) == intake.VUOT:
            over.append(f"  - {u.name}: Quyết định có {c:02d} tập thể, {i:02d} cá nhân; nay được phân bổ "
                        + (intake.either(u.collectives) if u.provincial else
                           f"{u.collectives:02d} tập thể, {u.individuals:02d} cá nhân"))
    if over:
        raise AwardsError("số lượng phân bổ đã đổi sau khi lập Quyết định:\n" + "\n".join(over) + "\nĐể lập Quyết định "
                          "theo số lượng hiện nay: {redo}; rồi in Bằng khen.")


def sample(plan: Plan) -> Awards:
    """Invented awardees, one slot of each kind per unit: the data kiem-tra-mau and the contract
    tests render the decision's templates with."""
    _require(plan)
    units = quotas.units_of(plan, quotas.allocate(plan))
    rows = []
    for u in units:
        rows.append(Awardee("tap_the", u.stt, u.name, f"Công đoàn cơ sở số {u.stt}", "", "", u.name, {}))
        rows.append(Awardee("ca_nhan", u.stt, u.name, f"Nguyễn Văn {u.stt}", "Nam", "Chủ tịch Công đoàn cơ sở",
                            u.name, {}))
    return Awards(tuple(a for a in rows if a.kind == "tap_the"), tuple(a for a in rows if a.kind == "ca_nhan"))


def dump(awards: Awards) -> bytes:
    """The decision's list as data (quyet_dinh/khen_thuong.json), for the certificates."""
    import json

    data = {"tap_the": [a._asdict() for a in awards.collectives], "ca_nhan": [a._asdict() for a in awards.individuals],
            "missing": [list(m) for m in awards.missing], "partial": [list(m) for m in awards.partial]}
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def read_dump(plan: Plan, path: Path) -> Awards:
    """The awardees of the last decision built; every one must have a name."""
    import json

    _require(plan)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        parts = {k: [Awardee(**{f: row[f] for f in Awardee._fields}) for row in data[k]] for k in ("tap_the", "ca_nhan")}
    except FileNotFoundError:
        raise AwardsError(f"chưa có Quyết định khen thưởng ({path}); Bằng khen in đúng danh sách kèm theo Quyết "
                          "định: trước hết {decision}.") from None
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise AwardsError(f"không đọc được danh sách của Quyết định ({path}): {err}; {{decision_again}}.") from None
    for kind, label in (("tap_the", "tập thể"), ("ca_nhan", "cá nhân")):
        for i, a in enumerate(parts[kind], 1):
            if not str(a.name or "").strip():
                raise AwardsError(f"{path}: {label} thứ {i} ({a.unit}) không có tên; sửa danh sách rồi "
                                  "{decision_again} trước khi in Bằng khen.")
    return Awards(tuple(parts["tap_the"]), tuple(parts["ca_nhan"]),
                  tuple(tuple(m) for m in data.get("missing", [])), tuple(tuple(m) for m in data.get("partial", [])))
