"""The project's own error types. The CLI and the web page catch these at their edge;
anything else is a bug and may show a traceback."""
from __future__ import annotations

from typing import NamedTuple


class GeneratorError(Exception):
    """Base class: `str(err)` is a complete message in Vietnamese for the clerk."""

    def on_page(self) -> str:
        """The message as the browser page shows it (the page has buttons, not commands)."""
        return str(self)


class StepError(GeneratorError):
    """A step that cannot be done yet, with what to do named once for each door: the message
    holds «{key}» where the action goes, and ACTIONS gives the command line's words and the
    page's (the control to use) for each key."""

    ACTIONS: dict[str, tuple[str, str]] = {
        "intake_first": ("chạy python build_docs.py tiep-nhan THƯ_MỤC_DANH_SÁCH",
                         "tải danh sách các đơn vị lên ở trang «Tiếp nhận hồ sơ»"),
        "intake": ("chạy lại python build_docs.py tiep-nhan THƯ_MỤC_DANH_SÁCH",
                   "tải lại danh sách ở trang «Tiếp nhận hồ sơ»"),
        "allow": ("chạy python build_docs.py quyet-dinh --allow-incomplete",
                  "đánh dấu «Lập cả khi còn đơn vị chưa đủ hồ sơ» rồi bấm lại «Lập Quyết định»"),
        "decision": ("chạy python build_docs.py quyet-dinh", "bấm «Lập Quyết định»"),
        "decision_again": ("chạy lại python build_docs.py quyet-dinh", "bấm lại «Lập Quyết định»"),
        "redo": ("chạy lại python build_docs.py tiep-nhan THƯ_MỤC_DANH_SÁCH rồi python build_docs.py quyet-dinh",
                 "tải lại danh sách ở trang «Tiếp nhận hồ sơ» rồi bấm «Lập Quyết định»"),
    }

    def __init__(self, template: str):
        super().__init__(template)
        self.template = template

    def _said(self, door: int) -> str:
        text = self.template
        for key, words in self.ACTIONS.items():
            text = text.replace("{" + key + "}", words[door])
        return text

    def __str__(self) -> str:
        return self._said(0)

    def on_page(self) -> str:
        said = self._said(1)  # a sentence of its own there, not after «LỖI: »
        return said[:1].upper() + said[1:]


class AwardsError(StepError):
    """The awardees cannot make a decision: intake is incomplete, or a row lacks what it needs."""


class Problem(NamedTuple):
    """One mistake in what the clerk gave, located so the clerk can find it: in the config by its
    field, line and column; in a unit's list by its file, sheet, row and column."""

    field: str  # the config's dotted path, e.g. "units[3].members"; "" in a unit's list
    message: str  # Vietnamese, says what is wrong and how to fix it
    line: int | None = None  # 1-based: the config's line, or the sheet's row
    column: int | str | None = None  # the config's column (1-based), or the sheet's «C (Giới tính)»
    unit: str | None = None  # the unit's name, when the field belongs to one
    file: str = ""  # a unit's list: its file's name
    sheet: str = ""
    over_quota: bool = False  # a unit's list that is sound but names more than its quota

    def location(self, source: str) -> str:
        where = source
        if self.line is not None:
            where += f", dòng {self.line}"
            if self.column is not None:
                where += f", cột {self.column}"
        return where

    def render(self, source: str = "") -> str:
        """«plan.yaml, dòng 3, cột 5: units[0].members: …» for the config; «ds.xlsx: trang
        «Danh sách», dòng 12, cột C (Giới tính): …» for a unit's list."""
        if self.file:
            where = ", ".join(x for x in (self.sheet and f"trang «{self.sheet}»", self.line and f"dòng {self.line}",
                                          self.column and f"cột {self.column}") if x)
            return f"{self.file}{': ' + where if where else ''}: {self.message}"
        unit = f' (đơn vị "{self.unit}")' if self.unit else ""
        return f"{self.location(source)}: {self.field}{unit}: {self.message}"

    @classmethod
    def in_list(cls, file: str, sheet: str, row: int | None, column: str, message: str,
                over_quota: bool = False) -> Problem:
        """A mistake in a unit's list, where the workbook shows it."""
        return cls("", message, row, column, file=file, sheet=sheet, over_quota=over_quota)


class ConfigError(GeneratorError):
    """The config has one or more mistakes; all of them are listed at once."""

    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        head = f"Tệp cấu hình có {len(self.problems)} lỗi, chưa tạo văn bản nào:"
        return "\n".join([head] + ["  - " + p.render(self.source) for p in self.problems])


class StrictWarningError(ConfigError):
    """Warnings turned into errors by --strict."""

    def __str__(self) -> str:
        head = "Chế độ --strict: các cảnh báo sau được coi là lỗi, chưa tạo văn bản nào:"
        return "\n".join([head] + ["  - " + p.render(self.source) for p in self.problems])


class TemplateError(GeneratorError):
    """A template is missing, is not a .docx, or names something the config does not give."""


class OutputError(GeneratorError):
    """The documents could not be written; the previous ones are left as they were."""


class SheetError(GeneratorError):
    """A spreadsheet the clerk or a unit gave cannot be read (not a workbook, out of bounds)."""


class LayoutError(GeneratorError):
    """The certificate template's boxes and the config's do not match, or a text cannot fit its box."""


class DocxReadError(GeneratorError):
    """A .docx given to the checker cannot be read as Word writes one."""


class PdfError(GeneratorError):
    """LibreOffice is missing or failed while converting to PDF."""
