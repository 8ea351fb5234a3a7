"""Reading the config's YAML: the reader that keeps every value's line and column and collects
every problem, and the values more than one section has (dates, signers, recipients). Every
config module (config, config_awards, config_cycle) reads with these; none reads another's.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Callable, TypeVar

import yaml

from .exceptions import ConfigError, Problem
from .formatting import thousands
from .model import DocumentRef, MonthYear, PlanDate, RecipientGroup, Signer

T = TypeVar("T")

# XML 1.0 cannot hold these; a .docx containing one does not open in Word.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
GROUPED = re.compile(r"\d{1,3}(?:\.\d{3})+")
DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_MONTH_YEAR = re.compile(r"(\d{1,2})/(\d{4})")
_NULL = "tag:yaml.org,2002:null"
# libyaml's safe loader when PyYAML has it (17 times faster here); both only compose nodes.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Missing:
    """Sentinel for an absent optional field."""


MISSING = _Missing()


def syntax_problem(err: yaml.YAMLError, text: str) -> Problem:
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


class Reader:
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
                import difflib  # only for a key that is misspelt

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
        if not isinstance(default, _Missing) and is_null(node):
            return default
        return parse(node, path)

    # -- scalars -----------------------------------------------------------
    def text(self, node: yaml.Node, field: str, unit: str | None = None) -> str | None:
        if not isinstance(node, yaml.ScalarNode) or is_null(node):
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
        value = tidy(raw)
        if not value:
            self.fail(node, field, "không được để trống.", unit)
            return None
        return value

    def whole(self, node: yaml.Node, field: str, unit: str | None = None, minimum: int = 0,
              maximum: int | None = None) -> int | None:
        """A whole number, written plainly (4468) or grouped the Vietnamese way (4.468)."""
        raw = node.value.strip() if isinstance(node, yaml.ScalarNode) else None
        if raw is None or is_null(node):
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
        m = DATE.fullmatch(raw)
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


def is_null(node: yaml.Node) -> bool:
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
    if GROUPED.fullmatch(raw):
        return int(raw.replace(".", ""))
    return f'"{raw}" không phải số nguyên hợp lệ: {_why_not_whole(raw)}'


def tidy(text: str) -> str:
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
    return tidy(name).casefold()


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



def read_text_lines(r: Reader, node: yaml.Node, field: str) -> tuple[str, ...] | None:
    if isinstance(node, yaml.ScalarNode):
        line = r.text(node, field)
        return (line,) if line else None
    items = r.items(node, field, "danh sách trống.")
    if items is None:
        return None
    lines = tuple(r.text(n, f"{field}[{i}]") for i, n in enumerate(items, 1))
    return lines if all(lines) else None


def read_plan_date(r: Reader, node: yaml.Node, field: str) -> PlanDate | None:
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


def read_ref(r: Reader, node: yaml.Node, field: str) -> DocumentRef | None:
    v = r.mapping(node, field, ("number", "date", "issuer"))
    if v is None:
        return None
    number = r.get(v, "number", field, r.text)
    if number and " " in number:
        r.fail(v["number"], f"{field}.number", "số, ký hiệu văn bản không có dấu cách (ví dụ 01-KL/TW).")
    return DocumentRef(number, r.get(v, "date", field, r.date), r.get(v, "issuer", field, r.text))


def read_signer(r: Reader, node: yaml.Node, field: str, own_name: bool = False) -> Signer | None:
    """`own_name`: one who signs in his own name (a Ban's head) has no «TM.» line unless given."""
    v = r.mapping(node, field, ("title", "name") if own_name else ("on_behalf", "title", "name"),
                  ("on_behalf",) if own_name else ())
    if v is None:
        return None
    on_behalf = r.get(v, "on_behalf", field, r.text, default="") if own_name else r.get(v, "on_behalf", field, r.text)
    return Signer(on_behalf, *(r.get(v, k, field, r.text) for k in ("title", "name")))


def read_recipients(r: Reader, node: yaml.Node, field: str) -> tuple[RecipientGroup, ...] | None:
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
        names = r.get(v, "group", f, lambda n, ff: read_text_lines(r, n, ff))
        note = r.get(v, "note", f, r.text, default=None)
        if names:
            groups.append(RecipientGroup(tuple(n.rstrip(";.") for n in names), note.rstrip(";") if note else None))
    return tuple(groups)
