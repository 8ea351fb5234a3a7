"""How numbers and dates are written in Vietnamese administrative text (NĐ 30/2020, Phụ lục I).
These are the Jinja filters the templates use; the templates decide where each one goes."""
from __future__ import annotations

import datetime as dt

# Wide enough to write a number or a day in by hand, as the office does when it signs.
BLANK = " " * 8


def thousands(n: int) -> str:
    """4468 -> '4.468' (a dot between thousands, as Vietnamese writes numbers)."""
    return f"{n:,}".replace(",", ".")


def two_digits(n: int) -> str:
    """Counts in running text: 1 -> '01', 12 -> '12'."""
    return f"{n:02d}"


def month_text(month: int) -> str:
    """NĐ 30: months 1 and 2 take a leading zero, months 3 to 12 do not."""
    return f"{month:02d}" if month <= 2 else str(month)


def short_date(d: dt.date) -> str:
    """A date quoted in the body, as the seed writes them: 10/01/2023, 30/4/2023, 07/4/2023."""
    return f"{d.day:02d}/{month_text(d.month)}/{d.year}"


def date_line(year: int, month: int, day: int | None) -> str:
    """'ngày 05 tháng 02 năm 2023'; a day not yet set prints as a blank to write in."""
    return f"ngày {two_digits_or_blank(day)} tháng {month_text(month)} năm {year}"


def two_digits_or_blank(n: int | None) -> str:
    """The document number or day: '05', or a blank for the office to write in by hand."""
    return BLANK if n is None else two_digits(n)


def capitalize_first(text: str) -> str:
    """A phrase written to follow other words, opening a line: 'có thành tích …' -> 'Có thành tích …'
    (Jinja's own capitalize would lower the rest, names included)."""
    return text[:1].upper() + text[1:]


def keep_last(text: str, words: int = 3) -> str:
    """The last `words` words of a paragraph's end bound by no-break spaces, so that its last
    printed line never holds a single word («… giai đoạn 2021 - / 2023.»), whatever the
    counts before it make the line breaks."""
    parts = str(text).rsplit(" ", words - 1)
    return "\u00a0".join(parts) if len(parts) == words else str(text)

