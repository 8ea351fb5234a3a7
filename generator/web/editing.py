"""Edit config/plan.yaml the way the clerk's page needs: round-trip with ruamel.yaml, so the
comments, key order and layout stay; only the values the page changes are rewritten.

The page's state is applied to the YAML document and the resulting text goes through the very
validator the CLI uses (config.parse_plan), so the page shows the CLI's own words."""
from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from ..config import whole_number
from ..exceptions import ConfigError, OutputError
from ..output import write_all


def _yaml() -> YAML:
    y = YAML()
    y.preserve_quotes = True
    y.indent(mapping=2, sequence=4, offset=2)
    y.width = 4096
    # Keep the clerk's explicit `null` (ruamel would write an empty value).
    y.representer.add_representer(type(None), lambda r, _: r.represent_scalar("tag:yaml.org,2002:null", "null"))
    return y


def loads(text: str) -> Any:
    return _yaml().load(text)


def dump(doc: Any) -> str:
    buf = io.StringIO()
    _yaml().dump(doc, buf)
    return buf.getvalue()


def _number_or_text(value: Any) -> Any:
    """What the page sent: empty means null, a valid whole number (4468 or 4.468) becomes the
    number, anything else stays text for the validator to explain in its own words."""
    if value is None or str(value).strip() == "":
        return None
    parsed = whole_number(str(value))
    return parsed if isinstance(parsed, int) else str(value).strip()


def _count_of(node_value: Any) -> int | None:
    """The count a YAML value already holds; ruamel keeps 4.468 as a float that prints 4.468."""
    if node_value is None or isinstance(node_value, bool):
        return None
    if isinstance(node_value, int):
        return node_value
    parsed = whole_number(format(node_value, ".3f") if isinstance(node_value, float) else str(node_value))
    return parsed if isinstance(parsed, int) else None


def apply_state(doc: Any, state: dict) -> Any:
    """Put the page's state into the YAML document, rewriting only values that changed, so the
    clerk's own spelling (4.468) stays wherever the count did not change."""
    d = doc["document"]
    if "number" in state:
        new = _number_or_text(state["number"])
        if new != d.get("number"):
            d["number"] = new
    for key in ("day", "month", "year"):
        if key in state:
            new = _number_or_text(state[key])
            if new != _count_of(d["date"].get(key)):
                d["date"][key] = new
    units = doc["units"]
    items = state.get("units", [])
    for i, item in enumerate(items):
        name = " ".join(str(item.get("name", "")).split())
        members = _number_or_text(item.get("members"))
        if i >= len(units):
            units.append(CommentedMap())
        entry = units[i]
        if entry.get("name") != name:
            entry["name"] = name
        if not (isinstance(members, int) and _count_of(entry.get("members")) == members):
            entry["members"] = members
    del units[len(items):]
    return doc


def save(path: Path, text: str, now: dt.datetime | None = None) -> Path:
    """Keep the previous file as a dated backup, then replace the config atomically."""
    now = now or dt.datetime.now()
    backups = path.parent / "backups"
    try:
        backups.mkdir(exist_ok=True)
        backup = backups / f"{path.stem}-{now:%Y%m%d-%H%M%S}{path.suffix}"
        shutil.copy2(path, backup)
    except OSError as err:
        raise OutputError(f"không lưu được bản cũ của {path}: {err.strerror or err}. Tệp vẫn giữ nguyên.") from None
    write_all(path.parent, {path.name: text.encode("utf-8")})
    return backup


def problems_by_field(err: ConfigError) -> list[dict]:
    return [{"field": p.field, "unit": p.unit, "message": p.message} for p in err.problems]
