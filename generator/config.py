"""Load config/plan.yaml into a validated model.Plan, or raise ConfigError listing every mistake.

The YAML is composed (never constructed) with PyYAML's SafeLoader, so every value keeps its
line, column and the exact text the clerk typed. That is how `4.468` is read as 4468 members
rather than the float YAML would make of it, and how every message can point at its line.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from . import config_awards, config_cycle
from .config_reader import (
    DATE,
    GROUPED,
    LOADER,
    MAX_CONFIG_BYTES,
    MAX_MEMBERS,
    Reader,
    is_null,
    normal_name,
    precheck,
    read_plan_date,
    read_recipients,
    read_ref,
    read_signer,
    read_text_lines,
    syntax_problem,
    tidy,
)
from .exceptions import ConfigError, Problem
from .formatting import short_date
from .model import Column, DocumentInfo, Nominations, Plan, PlanDate, ProvincialRow, QuotaRules, Schedule, Tier, Unit


def load_plan(path: str | Path) -> Plan:
    """Read and validate the config at `path`."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_CONFIG_BYTES:  # never read a huge file whole to find that out
            raise ConfigError(str(path), [Problem("(tệp)", f"tệp cấu hình lớn hơn {MAX_CONFIG_BYTES // 1024} KB; tệp "
                                                  "thật chỉ vài chục KB: có lẽ chọn nhầm tệp.")])
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(str(path), [Problem("(tệp)", "không tìm thấy tệp cấu hình.")]) from None
    except UnicodeDecodeError as err:
        raise ConfigError(str(path), [Problem("(tệp)", f"tệp không phải UTF-8 (byte {err.start}); lưu lại với mã UTF-8.")]) from None
    except OSError as err:
        raise ConfigError(str(path), [Problem("(tệp)", f"không đọc được tệp: {err.strerror}.")]) from None
    return parse_plan(text, str(path))


def parse_plan(text: str, source: str = "config/plan.yaml") -> Plan:
    """Validate YAML text into a Plan; raise ConfigError with every problem found."""
    precheck(text, source)
    try:
        root = yaml.compose(text, Loader=LOADER)
    except yaml.YAMLError as err:
        raise ConfigError(source, [syntax_problem(err, text)]) from None
    if root is None:
        raise ConfigError(source, [Problem("(tệp)", "tệp cấu hình trống.")])
    r = Reader()
    top = r.mapping(root, "", (
        "document", "conclusion", "implements", "schedule", "quotas",
        "provincial_row", "signer", "recipients", "units",
    ), ("fields", "templates", "nominations", "decision", "certificates", "chase", "conference", "results",
        "report_outline"))
    plan_parts = {}
    if top is not None:
        plan_parts = dict(
            document=r.get(top, "document", "", lambda n, f: _document(r, n, f)),
            conclusion=r.get(top, "conclusion", "", lambda n, f: read_ref(r, n, f)),
            implements=r.get(top, "implements", "", lambda n, f: read_ref(r, n, f)),
            schedule=r.get(top, "schedule", "", lambda n, f: _schedule(r, n, f)),
            quotas=r.get(top, "quotas", "", lambda n, f: _quotas(r, n, f)),
            provincial_row=r.get(top, "provincial_row", "", lambda n, f: _provincial(r, n, f)),
            signer=r.get(top, "signer", "", lambda n, f: read_signer(r, n, f)),
            recipients=r.get(top, "recipients", "", lambda n, f: read_recipients(r, n, f)),
            units=r.get(top, "units", "", lambda n, f: _units(r, n, f)),
            fields=r.get(top, "fields", "", lambda n, f: _fields(r, n, f), default={}),
            templates=r.get(top, "templates", "", r.text, default=None),
            nominations=r.get(top, "nominations", "", lambda n, f: _nominations(r, n, f), default=None),
        )
        plan_parts["decision"] = r.get(top, "decision", "", lambda n, f: config_awards.decision(
            r, n, f, plan_parts["nominations"]), default=None)
        plan_parts["certificates"] = r.get(top, "certificates", "", lambda n, f: config_awards.certificates(r, n, f),
                                           default=None)
        signer = plan_parts["signer"]
        plan_parts["chase"] = r.get(top, "chase", "", lambda n, f: config_cycle.chase(r, n, f, signer), default=None)
        plan_parts["conference"] = r.get(top, "conference", "", lambda n, f: config_cycle.conference(r, n, f, signer),
                                         default=None)
        plan_parts["results"] = r.get(top, "results", "", lambda n, f: config_cycle.results(r, n, f, signer),
                                      default=None)
        plan_parts["outline"] = r.get(top, "report_outline", "", lambda n, f: config_cycle.outline(r, n, f),
                                      default=None)
    if r.problems:
        raise ConfigError(source, r.problems)
    _check_schedule(r, plan_parts["document"].date, plan_parts["schedule"], top["schedule"])
    if plan_parts["decision"] is not None:
        config_awards.check_decision(r, plan_parts["decision"], plan_parts["document"].date, top["decision"],
                                     plan_parts["schedule"])
    config_cycle.check_after_decision(r, plan_parts, top)
    if r.problems:
        raise ConfigError(source, r.problems)
    return Plan(**plan_parts, warnings=tuple(r.warnings))


_FIELD_NAME = re.compile(r"[a-z][a-z0-9_]*")


def _fields(r: Reader, node: yaml.Node, field: str) -> dict | None:
    """Free values for new wording: `fields.NAME` in a template, without any code. A value is a
    date when written d/m/yyyy, a whole number when it is one (4468 or 4.468), else text; each
    is checked like every other value of its kind."""
    if is_null(node):
        return {}
    if not isinstance(node, yaml.MappingNode):
        r.fail(node, field, "cần là một nhóm `tên: giá trị`, mỗi dòng một giá trị.")
        return None
    out: dict = {}
    for key_node, value_node in node.value:
        name = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
        path = f"{field}.{name}"
        if not _FIELD_NAME.fullmatch(name):
            r.fail(key_node, path, f'tên "{name}" không dùng được trong mẫu: chỉ chữ thường không dấu, chữ số và '
                   'dấu gạch dưới, bắt đầu bằng chữ (ví dụ hoi_nghi_dia_diem).')
            continue
        if name in out:
            r.fail(key_node, path, "trường này được ghi hai lần; xóa một lần.")
            continue
        raw = value_node.value.strip() if isinstance(value_node, yaml.ScalarNode) else None
        if raw is not None and DATE.fullmatch(raw):
            out[name] = r.date(value_node, path)
        elif raw is not None and (raw.isdigit() or GROUPED.fullmatch(raw)) and not value_node.style:  # plain, not quoted
            out[name] = r.whole(value_node, path)
        else:
            out[name] = r.text(value_node, path)
    return out


def _columns(r: Reader, node: yaml.Node, field: str) -> tuple[Column, ...] | None:
    items = r.items(node, field, "cần ít nhất một cột.")
    if items is None:
        return None
    out, seen = [], set()
    for i, item in enumerate(items, 1):
        text = r.text(item, f"{field}[{i}]")
        if text is None:
            continue
        name = text.rstrip("*").strip()
        if normal_name(name) in seen or normal_name(name) == "stt":
            r.fail(item, f"{field}[{i}]", f'cột "{name}" đã có (cột STT chương trình tự thêm).')
            continue
        seen.add(normal_name(name))
        out.append(Column(name, text.endswith("*")))
    return tuple(out)


def _nominations(r: Reader, node: yaml.Node, field: str) -> Nominations | None:
    v = r.mapping(node, field, ("award", "addressee", "unit_parent", "collective_columns", "individual_columns"),
                  ("choices", "same_person"))
    if v is None:
        return None
    choices: dict = {}
    if "choices" in v:
        c = r.mapping(v["choices"], f"{field}.choices", (), tuple(k.value for k, _ in v["choices"].value)
                      if isinstance(v["choices"], yaml.MappingNode) else ())
        for name, values in (c or {}).items():
            items = r.sequence(values, f"{field}.choices.{name}")
            texts = tuple(t for t in (r.text(x, f"{field}.choices.{name}") for x in items or ()) if t)
            if items is not None and not texts:
                r.fail(values, f"{field}.choices.{name}", "cần ít nhất một giá trị để chọn.")
            choices[tidy(name)] = texts
    individual = r.get(v, "individual_columns", field, lambda n, f: _columns(r, n, f))
    same: tuple[str, ...] = ()
    if "same_person" in v:
        items = r.sequence(v["same_person"], f"{field}.same_person") or ()
        names = {normal_name(c.name): c.name for c in individual or ()}
        for x in items:
            text = r.text(x, f"{field}.same_person")
            if text and normal_name(text) not in names:
                r.fail(x, f"{field}.same_person", f"«{text}» không phải một cột của individual_columns "
                                                  f"({', '.join(names.values())}).")
            elif text:
                same += (names[normal_name(text)],)
    return Nominations(
        award=r.get(v, "award", field, r.text),
        addressee=r.get(v, "addressee", field, r.text),
        unit_parent=r.get(v, "unit_parent", field, r.text),
        collective_columns=r.get(v, "collective_columns", field, lambda n, f: _columns(r, n, f)),
        individual_columns=individual,
        choices=choices,
        same_person=same,
    )


def _document(r: Reader, node: yaml.Node, field: str) -> DocumentInfo | None:
    v = r.mapping(node, field, ("parent_body", "issuing_body", "issuer_short", "code", "number", "place", "date"))
    if v is None:
        return None
    issuing = r.get(v, "issuing_body", field, lambda n, f: read_text_lines(r, n, f))
    code = r.get(v, "code", field, r.text)
    if code and " " in code:
        r.fail(v["code"], f"{field}.code", "ký hiệu văn bản không có dấu cách (ví dụ KH-LĐLĐ).")
    number = r.get(v, "number", field, lambda n, f: r.whole(n, f, minimum=1), default=None)
    return DocumentInfo(
        parent_body=r.get(v, "parent_body", field, r.text),
        issuing_body=issuing,
        issuer_short=r.get(v, "issuer_short", field, r.text),
        code=code,
        number=number,
        place=r.get(v, "place", field, r.text),
        date=r.get(v, "date", field, lambda n, f: read_plan_date(r, n, f)),
    )


def _schedule(r: Reader, node: yaml.Node, field: str) -> Schedule | None:
    v = r.mapping(node, field, ("review_from", "review_to", "conference_month", "conference_by",
                                "units_review_by", "reports_due"))
    if v is None:
        return None
    return Schedule(
        review_from=r.get(v, "review_from", field, r.month_year),
        review_to=r.get(v, "review_to", field, r.month_year),
        conference_month=r.get(v, "conference_month", field, r.month_year),
        conference_by=r.get(v, "conference_by", field, r.date),
        units_review_by=r.get(v, "units_review_by", field, r.date),
        reports_due=r.get(v, "reports_due", field, r.date),
    )


# The deadlines in the clerk's words: warnings are read on the page, where YAML keys mean nothing
# (the CLI prints the key itself in front of each message).
_DEADLINES = {"units_review_by": "hạn hoàn thành sơ kết ở đơn vị", "reports_due": "hạn gửi báo cáo",
              "conference_by": "hạn tổ chức Hội nghị sơ kết"}


def _check_schedule(r: Reader, date: PlanDate, s: Schedule, node: yaml.MappingNode) -> None:
    """Deadlines that contradict each other are warnings: the office decides, --strict refuses."""
    nodes = {k.value: v for k, v in node.value}
    before = [
        ("units_review_by", "conference_by",
         "các đơn vị phải hoàn thành sơ kết trước khi LĐLĐ tỉnh tổ chức Hội nghị sơ kết"),
        ("units_review_by", "reports_due",
         "hạn gửi báo cáo sơ kết đến trước hạn hoàn thành sơ kết ở đơn vị, tức là báo cáo phải gửi trước khi có sơ kết để báo cáo"),
        ("reports_due", "conference_by", "báo cáo và hồ sơ khen thưởng phải về trước Hội nghị sơ kết"),
    ]
    for first, second, why in before:
        a, b = getattr(s, first), getattr(s, second)
        if a > b:
            r.warn(nodes[second], f"schedule.{second}",
                   f"{_DEADLINES[second]} ({short_date(b)}) đến trước {_DEADLINES[first]} ({short_date(a)}): {why}. "
                   "Kiểm tra lại hai ngày này.")
    issued = date.earliest()
    for key in ("units_review_by", "reports_due", "conference_by"):
        d = getattr(s, key)
        if d < issued:
            r.warn(nodes[key], f"schedule.{key}",
                   f"{_DEADLINES[key]} ({short_date(d)}) đến trước ngày ban hành Kế hoạch ({date.month:02d}/{date.year}).")
    if (s.review_from.year, s.review_from.month) > (s.review_to.year, s.review_to.month):
        r.warn(nodes["review_to"], "schedule.review_to", "tháng kết thúc giai đoạn sơ kết đến trước tháng bắt đầu.")


def _quotas(r: Reader, node: yaml.Node, field: str) -> QuotaRules | None:
    v = r.mapping(node, field, ("collectives_per_unit", "individual_tiers"))
    if v is None:
        return None
    per_unit = r.get(v, "collectives_per_unit", field, r.whole)
    tiers = r.get(v, "individual_tiers", field, lambda n, f: _tiers(r, n, f))
    if per_unit is None or tiers is None:
        return None
    return QuotaRules(per_unit, tiers)


def _tiers(r: Reader, node: yaml.Node, field: str) -> tuple[Tier, ...] | None:
    items = r.items(node, field, "cần ít nhất một mức.")
    if items is None:
        return None
    tiers: list[Tier] = []
    for i, item in enumerate(items, 1):
        f = f"{field}[{i}]"
        v = r.mapping(item, f, ("individuals",), ("from", "from_inclusive", "to", "to_inclusive"))
        if v is None:
            return None
        lower = r.get(v, "from", f, r.whole, default=None)
        upper = r.get(v, "to", f, r.whole, default=None)
        individuals = r.get(v, "individuals", f, r.whole)
        lower_inc = r.get(v, "from_inclusive", f, r.boolean, default=True)
        upper_inc = r.get(v, "to_inclusive", f, r.boolean, default=True)
        if individuals is None or None in (lower_inc, upper_inc):
            return None
        tiers.append(Tier(individuals, lower, lower_inc, upper, upper_inc))
    # Every member count must fall in exactly one tier: the tiers are read in order,
    # each starting exactly where the previous one ends, with the shared bound in one only.
    first, last = tiers[0], tiers[-1]
    if first.lower not in (None, 0) or (first.lower == 0 and not first.lower_inclusive):
        r.fail(items[0], f"{field}[1].from", "mức đầu tiên phải bắt đầu từ 0 đoàn viên (bỏ trống from).")
    if last.upper is not None:
        r.fail(items[-1], f"{field}[{len(tiers)}].to", "mức cuối cùng không được có cận trên (bỏ trống to), "
               "nếu không đơn vị đông hơn sẽ không thuộc mức nào.")
    for i, (a, b) in enumerate(zip(tiers, tiers[1:]), 2):
        # Member counts are whole numbers: «đến 1.000» and «từ 1.001», both inclusive, meet too.
        if (a.upper is not None and b.lower == a.upper + 1 and a.upper_inclusive and b.lower_inclusive):
            pass
        elif a.upper is None or b.lower is None or a.upper != b.lower:
            r.fail(items[i - 1], f"{field}[{i}].from",
                   f"mức {i} phải bắt đầu đúng ở cận trên của mức {i - 1} ({a.upper}), hoặc ở số liền sau "
                   "khi cả hai cùng tính (to_inclusive, from_inclusive), để các mức nối liền nhau.")
        elif a.upper_inclusive == b.lower_inclusive:
            who = "cả hai mức" if a.upper_inclusive else "không mức nào"
            r.fail(items[i - 1], f"{field}[{i}].from_inclusive",
                   f"số {a.upper} đang thuộc {who}; đúng một trong hai (to_inclusive của mức {i - 1}, "
                   f"from_inclusive của mức {i}) phải là true.")
        if b.upper is not None and b.lower is not None and b.upper <= b.lower:
            r.fail(items[i - 1], f"{field}[{i}].to", "cận trên phải lớn hơn cận dưới.")
    return tuple(tiers)


def _provincial(r: Reader, node: yaml.Node, field: str) -> ProvincialRow | None:
    v = r.mapping(node, field, ("name", "text", "awards"), ("signer",))
    if v is None:
        return None
    return ProvincialRow(r.get(v, "name", field, r.text), r.get(v, "text", field, r.text),
                         r.get(v, "awards", field, r.whole),
                         r.get(v, "signer", field, lambda n, f: read_signer(r, n, f, own_name=True), default=None))


def _units(r: Reader, node: yaml.Node, field: str) -> tuple[Unit, ...] | None:
    items = r.items(node, field, "danh sách đơn vị trống; cần ít nhất một đơn vị.")
    if items is None:
        return None
    units: list[Unit] = []
    seen: dict[str, tuple[int, str]] = {}
    for i, item in enumerate(items, 1):
        f = f"{field}[{i}]"
        label = _peek_name(item)
        v = r.mapping(item, f, ("name", "members"), ("place", "full_name"), unit=label)
        if v is None:
            continue
        name = r.get(v, "name", f, lambda n, ff: r.text(n, ff, unit=label))
        members = r.get(v, "members", f, lambda n, ff: r.whole(n, ff, unit=name or label, maximum=MAX_MEMBERS))
        if name is not None:
            key = normal_name(name)
            if key in seen:
                first_i, first_line = seen[key]
                r.fail(v["name"], f"{f}.name",
                       f"trùng tên với đơn vị số {first_i} (dòng {first_line}); mỗi đơn vị chỉ ghi một lần.", name)
            else:
                seen[key] = (i, str(v["name"].start_mark.line + 1))
        place = r.get(v, "place", f, lambda n, ff: r.text(n, ff, unit=name or label), default=None)
        full = r.get(v, "full_name", f, lambda n, ff: r.text(n, ff, unit=name or label), default=None)
        if name is not None and members is not None:
            units.append(Unit(name, members, item.start_mark.line + 1, place, full))
    return tuple(units)


def _peek_name(item: yaml.Node) -> str | None:
    if isinstance(item, yaml.MappingNode):
        for k, val in item.value:
            if isinstance(k, yaml.ScalarNode) and k.value == "name" and isinstance(val, yaml.ScalarNode):
                return tidy(val.value) or None
    return None
