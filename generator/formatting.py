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
    return "\u00a0".join(str(text).rsplit(" ", words - 1))  # fewer words: all of them bound



_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
# Each group of three digits is followed by its scale word; «tỷ» starts the scales again.
_SCALES = ("", "{thousand}", "triệu")


def _three(n: int, full: bool) -> list[str]:
    """A group of three digits (1–999) as Vietnamese money is read; `full`: a group after a
    higher one, which says its hundreds even when they are none («không trăm linh năm»)."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    out: list[str] = []
    if hundreds or full:
        out += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and out:
            out.append("linh")
    elif tens == 1:
        out.append("mười")
    else:
        out += [_DIGITS[tens], "mươi"]
    if units:
        if units == 1 and tens >= 2:
            out.append("mốt")
        elif units == 5 and tens >= 1:
            out.append("lăm")
        else:
            out.append(_DIGITS[units])
    return out


def _below_billion(n: int, full: bool, thousand: str) -> list[str]:
    groups = [n // 1_000_000, n // 1000 % 1000, n % 1000]
    out: list[str] = []
    for i, g in enumerate(groups):
        if g == 0:
            continue
        out += _three(g, full or bool(out))
        scale = _SCALES[2 - i].format(thousand=thousand)
        if scale:
            out.append(scale)
    return out


def in_words(n: int, thousand: str = "nghìn") -> str:
    """A sum of money in words, as «Bằng chữ» on a payment list reads it: 1.005.000 -> «một triệu
    không trăm linh năm nghìn»; 21 -> «hai mươi mốt»; 15 -> «mười lăm». `thousand`: «nghìn»
    or «ngàn», as the office writes."""
    if n < 0:
        raise ValueError("a prize is never negative")
    if n == 0:
        return "không"
    billions, rest = divmod(n, 1_000_000_000)
    out: list[str] = []
    if billions:
        out += in_words(billions, thousand).split() + ["tỷ"]
    if rest:
        out += _below_billion(rest, bool(billions), thousand)
    return " ".join(out)


WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")


def weekday(d: dt.date) -> str:
    return WEEKDAYS[d.weekday()]
