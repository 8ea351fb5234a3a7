"""The record book (sổ cấp Bằng khen) across decisions: output/so_cap_bang.json keeps, for every
decision whose certificates were printed, its numbers and the certificates under them, so the
next decision's Số sổ runs on and no two decisions of the book share a number.

A decision is the same one when its ký hiệu and date agree and its number agrees or is still
blank on one side (the office numbers a decision when it signs): printing its certificates again
replaces its entry and keeps its first number."""
from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

from .exceptions import ConfigError, GeneratorError, Problem
from .model import Plan

LEDGER = "so_cap_bang.json"


class Entry(NamedTuple):
    code: str
    number: int | None
    date: tuple  # (year, month, day or None)
    first: int
    last: int
    rows: tuple  # {"so_so", "name", "unit", "address", "kind"} of each certificate

    def same_decision(self, code: str, number: int | None, date: tuple) -> bool:
        return (self.code == code and tuple(self.date) == tuple(date)
                and (self.number is None or number is None or self.number == number))


def read(out_dir: Path) -> list[Entry]:
    path = out_dir / LEDGER
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as err:
        raise GeneratorError(f"không đọc được sổ cấp Bằng khen ({path}): {err}; khôi phục tệp từ bản sao lưu, "
                             "hoặc ghi certificates.first_number trong tệp cấu hình rồi xóa tệp này.") from None
    try:
        return [Entry(e["code"], e["number"], tuple(e["date"]), int(e["first"]), int(e["last"]), tuple(e["rows"]))
                for e in data["decisions"]]
    except (KeyError, TypeError, ValueError) as err:
        raise GeneratorError(f"sổ cấp Bằng khen ({path}) không đúng dạng ({err}); khôi phục tệp từ bản sao lưu.") from None


def _key(plan: Plan) -> tuple:
    d = plan.decision
    return d.code, d.number, (d.date.year, d.date.month, d.date.day)


def first_number(plan: Plan, ledger: list[Entry], count: int, source: str) -> tuple[int, list[Entry]]:
    """(the Số sổ this decision starts from, the book's other decisions). The config's
    certificates.first_number when it is set, else this decision's own earlier start, else one
    after the book's last number; a range that would reuse another decision's number is
    refused."""
    code, number, date = _key(plan)
    others = [e for e in ledger if not e.same_decision(code, number, date)]
    own = next((e for e in ledger if e.same_decision(code, number, date)), None)
    c = plan.certificates
    last = max((e.last for e in others), default=0)
    first = c.first_number if c.first_number is not None else own.first if own else last + 1
    end = first + count - 1
    clash = next((e for e in others if first <= e.last and e.first <= end), None)
    if clash is not None:
        said = (f"số sổ {first:02d}–{end:02d} trùng với Quyết định số {_shown(clash.number)}/{clash.code} "
                f"(số {clash.first:02d}–{clash.last:02d}) đã ghi trong sổ cấp Bằng khen; số đầu phải từ {last + 1:02d}"
                " trở lên")
        if c.first_number is not None:
            raise ConfigError(source, [Problem("certificates.first_number", said + ".", c.first_number_line)])
        raise GeneratorError(said + f": ghi certificates.first_number: {last + 1} trong tệp cấu hình.")
    return first, others


def _shown(number: int | None) -> str:
    return "    " if number is None else f"{number:02d}"


def entry(plan: Plan, first: int, certificates: list[dict]) -> Entry:
    code, number, date = _key(plan)
    rows = tuple({k: c[k] for k in ("so_so", "name", "unit", "address", "kind")} for c in certificates)
    return Entry(code, number, date, first, first + len(rows) - 1, rows)


def dump(entries: list[Entry]) -> bytes:
    data = {"decisions": [e._asdict() for e in sorted(entries, key=lambda e: e.first)]}
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
