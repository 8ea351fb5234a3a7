"""Load config/plan.yaml into a validated model.Plan, or raise ConfigError listing every mistake.

The YAML is composed (never constructed) with PyYAML's SafeLoader, so every value keeps its
line, column and the exact text the clerk typed. That is how `4.468` is read as 4468 members
rather than the float YAML would make of it, and how every message can point at its line.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from pathlib import Path
from typing import Callable, TypeVar

import yaml

from . import config_awards, config_cycle
from .formatting import thousands
from .exceptions import ConfigError, Problem
from .model import (
    Column,
    DocumentInfo,
    DocumentRef,
    MonthYear,
    Nominations,
    Plan,
    PlanDate,
    ProvincialRow,
    QuotaRules,
    RecipientGroup,
    Schedule,
    Signer,
    Tier,
    Unit,
)

T = TypeVar("T")

# XML 1.0 cannot hold these; a .docx containing one does not open in Word.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_GROUPED = re.compile(r"\d{1,3}(?:\.\d{3})+")
_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_MONTH_YEAR = re.compile(r"(\d{1,2})/(\d{4})")
_NULL = "tag:yaml.org,2002:null"
# libyaml's safe loader when PyYAML has it (17 times faster here); both only compose nodes.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Missing:
    """Sentinel for an absent optional field."""


MISSING = _Missing()


def _yaml_syntax_problem(err: yaml.YAMLError, text: str) -> Problem:
    if isinstance(err, yaml.reader.ReaderError):
        line = text.count("\n", 0, err.position) + 1
        column = err.position - (text.rfind("\n", 0, err.position) + 1) + 1
        char = f"U+{err.character:04X}" if isinstance(err.character, int) else repr(err.character)
        return Problem("(cú pháp YAML)", f"tệp có ký tự điều khiển {char} không được phép; xóa ký tự đó.", line, column)
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    problem = getattr(err, "problem", None) or str(err)
    hint = "kiểm tra dấu hai chấm, dấu ngoặc, dấu nháy và thụt lề ở dòng này hoặc dòng ngay trên."
    line_text = text.splitlines()[mark.line] if mark and mark.line < len(text.splitlines()) else ""
    if "'\\t'" in problem or (mark and line_text[mark.column:mark.column + 1] == "\t"):
        hint = "có ký tự Tab dùng để thụt lề; YAML chỉ nhận dấu cách. Thay Tab bằng dấu cách."
    elif "',' or ']'" in problem or "',' or '}'" in problem:
        hint = "một dấu ngoặc [ hoặc { chưa được đóng, hoặc thiếu dấu phẩy giữa các phần tử."
    elif "found unexpected end of stream" in problem or "found unexpected end" in problem:
        hint = "một dấu nháy hoặc dấu ngoặc mở mà chưa đóng."
    elif "mapping values are not allowed" in problem:
        hint = "có dấu hai chấm thừa, hoặc tên có dấu hai chấm cần đặt trong dấu nháy \"...\"."
    elif "could not find expected ':'" in problem:
        hint = "thiếu dấu hai chấm sau tên trường, hoặc thụt lề không thẳng hàng."
    line = mark.line + 1 if mark else None
    column = mark.column + 1 if mark else None
    return Problem("(cú pháp YAML)", f"tệp không đọc được: {hint} (YAML: {problem})", line, column)


class _Reader:
    """Walks the composed YAML tree and collects every problem instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    # -- reporting ---------------------------------------------------------
    def fail(self, node: yaml.Node | None, field: str, message: str, unit: str | None = None) -> None:
        line = node.start_mark.line + 1 if node is not None else None
        column = node.start_mark.column + 1 if node is not None else None
        self.problems.append(Problem(field, message, line, column, unit))

    def warn(self, node: yaml.Node | None, field: str, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else None
        column = node.start_mark.column + 1 if node is not None else None
        self.warnings.append(Problem(field, message, line, column))

    # -- structure ---------------------------------------------------------
    def mapping(
        self,
        node: yaml.Node,
        field: str,
        required: tuple[str, ...],
        optional: tuple[str, ...] = (),
        unit: str | None = None,
    ) -> dict[str, yaml.Node] | None:
        """The mapping's values by key, after checking for missing, unknown and repeated keys."""
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, field, "cần là một nhóm các trường (dạng `tên: giá trị`).", unit)
            return None
        known = required + optional
        values: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
            path = f"{field}.{key}" if field else key
            if key in values:
                self.fail(key_node, path, "trường này được ghi hai lần; xóa một lần.", unit)
            elif key not in known:
                guess = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
                hint = f' Có phải ý là "{guess[0]}"?' if guess else ""
                allowed = ", ".join(known)
                self.fail(key_node, path, f'trường "{key}" không có trong mẫu.{hint} Các trường hợp lệ: {allowed}.', unit)
            else:
                values[key] = value_node
        for key in required:
            if key not in values:
                path = f"{field}.{key}" if field else key
                self.fail(node, path, f'thiếu trường "{key}".', unit)
        return values

    def items(self, node: yaml.Node, field: str, empty: str) -> list[yaml.Node] | None:
        """A list that must hold something: None, with the reason given, when it is not a list
        or is empty."""
        items = self.sequence(node, field)
        if items is not None and not items:
            self.fail(node, field, empty)
            return None
        return items

    def sequence(self, node: yaml.Node, field: str) -> list[yaml.Node] | None:
        if not isinstance(node, yaml.SequenceNode):
            self.fail(node, field, "cần là một danh sách (mỗi phần tử một dòng bắt đầu bằng `- `).")
            return None
        return list(node.value)

    def get(self, values: dict[str, yaml.Node] | None, key: str, field: str,
            parse: Callable[[yaml.Node, str], T], default: T | _Missing = MISSING) -> T | None:
        """Parse values[key]; an absent key yields `default` (already reported if required)."""
        if values is None:
            return None
        path = f"{field}.{key}" if field else key
        node = values.get(key)
        if node is None:
            return None if isinstance(default, _Missing) else default
        if not isinstance(default, _Missing) and _is_null(node):
            return default
        return parse(node, path)

    # -- scalars -----------------------------------------------------------
    def text(self, node: yaml.Node, field: str, unit: str | None = None) -> str | None:
        if not isinstance(node, yaml.ScalarNode) or _is_null(node):
            self.fail(node, field, "cần một dòng chữ, không được để trống.", unit)
            return None
        raw = node.value
        bad = _XML_ILLEGAL.search(raw)
        if bad:
            code = f"U+{ord(bad.group()):04X}"
            self.fail(node, field, f"có ký tự điều khiển {code} mà văn bản Word không chứa được; xóa ký tự đó.", unit)
            return None
        hidden = next((c for c in raw if unicodedata.category(c) == "Cf"), None)
        if hidden is not None:
            name = unicodedata.name(hidden, "")
            self.fail(node, field, f"có ký tự vô hình U+{ord(hidden):04X} {name} (thường dính vào khi sao chép từ "
                      "trang web hoặc tin nhắn); gõ lại dòng chữ này.", unit)
            return None
        # NFD (decomposed) Vietnamese from some keyboards becomes NFC, so names compare
        # equal and Word shows one glyph per letter; line breaks inside a name are folded.
        value = _tidy(raw)
        if not value:
            self.fail(node, field, "không được để trống.", unit)
            return None
        return value

    def whole(self, node: yaml.Node, field: str, unit: str | None = None, minimum: int = 0,
              maximum: int | None = None) -> int | None:
        """A whole number, written plainly (4468) or grouped the Vietnamese way (4.468)."""
        raw = node.value.strip() if isinstance(node, yaml.ScalarNode) else None
        if raw is None or _is_null(node):
            self.fail(node, field, "cần một số nguyên, không được để trống.", unit)
            return None
        value = whole_number(raw)
        if isinstance(value, str):
            self.fail(node, field, value, unit)
            return None
        if value < minimum:
            self.fail(node, field, f"phải từ {minimum} trở lên.", unit)
            return None
        if maximum is not None and value > maximum:
            self.fail(node, field, f"{thousands(value)} quá lớn (tối đa {thousands(maximum)}); "
                      "kiểm tra xem có gõ thừa chữ số không.", unit)
            return None
        return value

    def boolean(self, node: yaml.Node, field: str) -> bool | None:
        raw = node.value.strip().lower() if isinstance(node, yaml.ScalarNode) else ""
        if raw in ("true", "yes", "có"):
            return True
        if raw in ("false", "no", "không"):
            return False
        self.fail(node, field, "cần ghi true (có) hoặc false (không).")
        return None

    def date(self, node: yaml.Node, field: str) -> dt.date | None:
        raw = node.value.strip() if isinstance(node, yaml.ScalarNode) else ""
        iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", raw)
        m = _DATE.fullmatch(raw)
        if not m and not iso:
            self.fail(node, field, f'"{raw}" không phải ngày; viết theo kiểu ngày/tháng/năm, ví dụ 07/4/2023.')
            return None
        day, month, year = (int(g) for g in (m.groups() if m else reversed(iso.groups())))
        try:
            return dt.date(year, month, day)
        except ValueError:
            self.fail(node, field, f'ngày "{raw}" không có thật (tháng {month} năm {year} không có ngày {day}).')
            return None

    def month_year(self, node: yaml.Node, field: str) -> MonthYear | None:
        raw = node.value.strip() if isinstance(node, yaml.ScalarNode) else ""
        m = _MONTH_YEAR.fullmatch(raw)
        if not m or not 1 <= int(m.group(1)) <= 12:
            self.fail(node, field, f'"{raw}" không phải tháng/năm; viết ví dụ 05/2021.')
            return None
        return MonthYear(int(m.group(1)), int(m.group(2)))


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == _NULL


# No union counts this many members; a larger count is a typing slip (and the page and the
# spreadsheet import check the same bound through the validator).
MAX_MEMBERS = 10_000_000


def whole_number(raw: str) -> int | str:
    """4468 or 4.468 -> 4468; anything else -> the reason it is refused (never rounded).
    Shared by the config and the spreadsheet import of the browser page."""
    raw = raw.strip()
    if sum(c.isdigit() for c in raw) > 15:  # also keeps int() clear of its 4,300-digit limit
        return f'"{raw[:20]}…" không phải số đoàn viên: quá nhiều chữ số ({sum(c.isdigit() for c in raw)}).'

    if raw.isascii() and raw.isdigit():
        return int(raw)
    if _GROUPED.fullmatch(raw):
        return int(raw.replace(".", ""))
    return f'"{raw}" không phải số nguyên hợp lệ: {_why_not_whole(raw)}'


def _tidy(text: str) -> str:
    """Composed (NFC) Unicode, runs of spaces and line breaks folded to one space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _why_not_whole(raw: str) -> str:
    if raw.startswith("-"):
        return "số đoàn viên không thể âm."
    if "," in raw:
        return "dấu phẩy không dùng ở đây; viết 4468 hoặc 4.468 (dấu chấm ngăn hàng nghìn)."
    if re.fullmatch(r"\d+\.\d+", raw) or "." in raw:
        return ("dấu chấm chỉ dùng để ngăn từng nhóm ba chữ số (4.468); số lẻ như 4.5 không phải số người. "
                "Chương trình không tự làm tròn.")
    return "chỉ được ghi chữ số, ví dụ 4468 hoặc 4.468."


def normal_name(name: str) -> str:
    """How unit names are compared (duplicates, spreadsheet import): composed Unicode, case and
    runs of spaces ignored."""
    return _tidy(name).casefold()


# A config is a few dozen KB; these bounds are far above any real one and far below what makes
# the YAML parser slow (a 45 MB file) or crash (libyaml recurses once per level of nesting: 50 KB
# of «[» end the process with a segmentation fault, no message). Checked before any parser runs.
MAX_CONFIG_BYTES = 1024 * 1024
MAX_NESTING = 40  # levels of [ ] and { }, or of indentation steps; the shipped config uses 5
MAX_INDENT = 200  # columns of leading spaces (and «- » markers) on one line
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")


def _where(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def precheck(text: str, source: str) -> None:
    """Refuse, at its line and column, a config no parser should be handed: too large, a
    control character (libyaml reports those at a wrong place), or nested too deep."""
    if len(text.encode("utf-8")) > MAX_CONFIG_BYTES:
        raise ConfigError(source, [Problem("(tệp)", f"tệp cấu hình lớn hơn {MAX_CONFIG_BYTES // 1024} KB; tệp thật chỉ "
                                           "vài chục KB: có lẽ đã dán nhầm nội dung khác vào.")])
    bad = _FORBIDDEN.search(text)
    if bad:
        line, col = _where(text, bad.start())
        raise ConfigError(source, [Problem("(cú pháp YAML)", f"tệp có ký tự điều khiển U+{ord(bad.group()):04X} không được "
                                           "phép; xóa ký tự đó (thường do dán chữ từ nơi khác).", line, col)])
    depth, quote = 0, ""
    for m in re.finditer(r"""#[^\n]*|['"\[\]{}\n]""", text):
        ch = m.group()
        if quote:  # inside a quoted scalar nothing counts but its own closing quote
            if ch == quote or ch == "\n" and quote == "#":
                quote = ""
            continue
        if ch.startswith("#"):
            if m.start() == 0 or text[m.start() - 1] in " \t\n":
                continue  # a comment runs to the end of its line; the match already took it
            ch = "#"
        if ch in "'\"":
            before = text[m.start() - 1] if m.start() else " "
            if before in " \t\n[{,:-":
                quote = ch
        elif ch in "[{":
            depth += 1
            if depth > MAX_NESTING:
                line, col = _where(text, m.start())
                raise ConfigError(source, [Problem("(cú pháp YAML)", f"ngoặc lồng nhau quá {MAX_NESTING} tầng; tệp "
                                                   "cấu hình không cần nhiều như vậy.", line, col)])
        elif ch in "]}":
            depth = max(0, depth - 1)
    for number, line_text in enumerate(text.split("\n"), 1):
        lead = re.match(r"(?:[ ]|-[ ]|\?[ ])*", line_text).end()
        if lead > MAX_INDENT:
            raise ConfigError(source, [Problem("(cú pháp YAML)", f"dòng thụt vào quá sâu ({lead} cột); tệp cấu hình "
                                               f"không cần quá {MAX_INDENT} cột.", number, 1)])


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
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as err:
        raise ConfigError(source, [_yaml_syntax_problem(err, text)]) from None
    if root is None:
        raise ConfigError(source, [Problem("(tệp)", "tệp cấu hình trống.")])
    r = _Reader()
    top = r.mapping(root, "", (
        "document", "conclusion", "implements", "schedule", "quotas",
        "provincial_row", "signer", "recipients", "units",
    ), ("fields", "templates", "nominations", "decision", "certificates", "chase", "conference", "results",
        "report_outline"))
    plan_parts = {}
    if top is not None:
        plan_parts = dict(
            document=r.get(top, "document", "", lambda n, f: _document(r, n, f)),
            conclusion=r.get(top, "conclusion", "", lambda n, f: _ref(r, n, f)),
            implements=r.get(top, "implements", "", lambda n, f: _ref(r, n, f)),
            schedule=r.get(top, "schedule", "", lambda n, f: _schedule(r, n, f)),
            quotas=r.get(top, "quotas", "", lambda n, f: _quotas(r, n, f)),
            provincial_row=r.get(top, "provincial_row", "", lambda n, f: _provincial(r, n, f)),
            signer=r.get(top, "signer", "", lambda n, f: _signer(r, n, f)),
            recipients=r.get(top, "recipients", "", lambda n, f: _recipients(r, n, f)),
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


def _fields(r: _Reader, node: yaml.Node, field: str) -> dict | None:
    """Free values for new wording: `fields.NAME` in a template, without any code. A value is a
    date when written d/m/yyyy, a whole number when it is one (4468 or 4.468), else text; each
    is checked like every other value of its kind."""
    if _is_null(node):
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
        if raw is not None and _DATE.fullmatch(raw):
            out[name] = r.date(value_node, path)
        elif raw is not None and (raw.isdigit() or _GROUPED.fullmatch(raw)) and not value_node.style:  # plain, not quoted
            out[name] = r.whole(value_node, path)
        else:
            out[name] = r.text(value_node, path)
    return out


def _columns(r: _Reader, node: yaml.Node, field: str) -> tuple[Column, ...] | None:
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


def _nominations(r: _Reader, node: yaml.Node, field: str) -> Nominations | None:
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
            choices[_tidy(name)] = texts
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


def _document(r: _Reader, node: yaml.Node, field: str) -> DocumentInfo | None:
    v = r.mapping(node, field, ("parent_body", "issuing_body", "issuer_short", "code", "number", "place", "date"))
    if v is None:
        return None
    issuing = r.get(v, "issuing_body", field, lambda n, f: _text_lines(r, n, f))
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
        date=r.get(v, "date", field, lambda n, f: _plan_date(r, n, f)),
    )


def _text_lines(r: _Reader, node: yaml.Node, field: str) -> tuple[str, ...] | None:
    if isinstance(node, yaml.ScalarNode):
        line = r.text(node, field)
        return (line,) if line else None
    items = r.items(node, field, "danh sách trống.")
    if items is None:
        return None
    lines = tuple(r.text(n, f"{field}[{i}]") for i, n in enumerate(items, 1))
    return lines if all(lines) else None


def _plan_date(r: _Reader, node: yaml.Node, field: str) -> PlanDate | None:
    v = r.mapping(node, field, ("month", "year"), ("day",))
    if v is None:
        return None
    year = r.get(v, "year", field, lambda n, f: r.whole(n, f, minimum=1900))
    month = r.get(v, "month", field, r.whole)
    day = r.get(v, "day", field, r.whole, default=None)
    if month is not None and not 1 <= month <= 12:
        r.fail(v["month"], f"{field}.month", "tháng phải từ 1 đến 12.")
        return None
    if None in (year, month):
        return None
    if day is not None:
        try:
            dt.date(year, month, day)
        except ValueError:
            r.fail(v["day"], f"{field}.day", f"ngày {day}/{month}/{year} không có thật.")
            return None
    return PlanDate(year, month, day)


def _ref(r: _Reader, node: yaml.Node, field: str) -> DocumentRef | None:
    v = r.mapping(node, field, ("number", "date", "issuer"))
    if v is None:
        return None
    number = r.get(v, "number", field, r.text)
    if number and " " in number:
        r.fail(v["number"], f"{field}.number", "số, ký hiệu văn bản không có dấu cách (ví dụ 01-KL/TW).")
    return DocumentRef(number, r.get(v, "date", field, r.date), r.get(v, "issuer", field, r.text))


def _schedule(r: _Reader, node: yaml.Node, field: str) -> Schedule | None:
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


def _fmt(d: dt.date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}" if d.month <= 2 else f"{d.day:02d}/{d.month}/{d.year}"


# The deadlines in the clerk's words: warnings are read on the page, where YAML keys mean nothing
# (the CLI prints the key itself in front of each message).
_DEADLINES = {"units_review_by": "hạn hoàn thành sơ kết ở đơn vị", "reports_due": "hạn gửi báo cáo",
              "conference_by": "hạn tổ chức Hội nghị sơ kết"}


def _check_schedule(r: _Reader, date: PlanDate, s: Schedule, node: yaml.MappingNode) -> None:
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
                   f"{_DEADLINES[second]} ({_fmt(b)}) đến trước {_DEADLINES[first]} ({_fmt(a)}): {why}. "
                   "Kiểm tra lại hai ngày này.")
    issued = dt.date(date.year, date.month, date.day or 1)
    for key in ("units_review_by", "reports_due", "conference_by"):
        d = getattr(s, key)
        if d < issued:
            r.warn(nodes[key], f"schedule.{key}",
                   f"{_DEADLINES[key]} ({_fmt(d)}) đến trước ngày ban hành Kế hoạch ({date.month:02d}/{date.year}).")
    if (s.review_from.year, s.review_from.month) > (s.review_to.year, s.review_to.month):
        r.warn(nodes["review_to"], "schedule.review_to", "tháng kết thúc giai đoạn sơ kết đến trước tháng bắt đầu.")


def _quotas(r: _Reader, node: yaml.Node, field: str) -> QuotaRules | None:
    v = r.mapping(node, field, ("collectives_per_unit", "individual_tiers"))
    if v is None:
        return None
    per_unit = r.get(v, "collectives_per_unit", field, r.whole)
    tiers = r.get(v, "individual_tiers", field, lambda n, f: _tiers(r, n, f))
    if per_unit is None or tiers is None:
        return None
    return QuotaRules(per_unit, tiers)


def _tiers(r: _Reader, node: yaml.Node, field: str) -> tuple[Tier, ...] | None:
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


def _provincial(r: _Reader, node: yaml.Node, field: str) -> ProvincialRow | None:
    v = r.mapping(node, field, ("name", "text", "awards"), ("signer",))
    if v is None:
        return None
    return ProvincialRow(r.get(v, "name", field, r.text), r.get(v, "text", field, r.text),
                         r.get(v, "awards", field, r.whole),
                         r.get(v, "signer", field, lambda n, f: _signer(r, n, f, own_name=True), default=None))


def _signer(r: _Reader, node: yaml.Node, field: str, own_name: bool = False) -> Signer | None:
    """`own_name`: one who signs in his own name (a Ban's head) has no «TM.» line unless given."""
    v = r.mapping(node, field, ("title", "name") if own_name else ("on_behalf", "title", "name"),
                  ("on_behalf",) if own_name else ())
    if v is None:
        return None
    on_behalf = r.get(v, "on_behalf", field, r.text, default="") if own_name else r.get(v, "on_behalf", field, r.text)
    return Signer(on_behalf, *(r.get(v, k, field, r.text) for k in ("title", "name")))


def _recipients(r: _Reader, node: yaml.Node, field: str) -> tuple[RecipientGroup, ...] | None:
    items = r.sequence(node, field)
    if not items:
        if items is not None:
            r.fail(node, field, "cần ít nhất một nơi nhận.")
        return None
    groups = []
    for i, item in enumerate(items, 1):
        f = f"{field}[{i}]"
        if isinstance(item, yaml.ScalarNode):
            name = r.text(item, f)
            groups.append(RecipientGroup((name.rstrip(";.") if name else name,)))
            continue
        v = r.mapping(item, f, ("group",), ("note",))
        if v is None:
            continue
        names = r.get(v, "group", f, lambda n, ff: _text_lines(r, n, ff))
        note = r.get(v, "note", f, r.text, default=None)
        if names:
            groups.append(RecipientGroup(tuple(n.rstrip(";.") for n in names), note.rstrip(";") if note else None))
    return tuple(groups)


def _units(r: _Reader, node: yaml.Node, field: str) -> tuple[Unit, ...] | None:
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
                return _tidy(val.value) or None
    return None
