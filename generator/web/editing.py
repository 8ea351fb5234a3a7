"""Edit config/plan.yaml the way the clerk's page needs: round-trip with ruamel.yaml, so the
comments, key order and layout stay; only the values the page changes are rewritten.

The page's state is applied to the YAML document and the resulting text goes through the very
validator the CLI uses (config.parse_plan), so the page shows the CLI's own words."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import itertools
import os
import re
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from ..config_reader import normal_name, whole_number
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
    d = doc["document"] if any(k in state for k in ("number", "day", "month", "year")) else {}
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
    # Units are matched by identity: each row of the page names the unit it was loaded as
    # ("orig", empty for a row the clerk added), never by its position, so a unit added or
    # moved in the file is not overwritten by whatever row now stands at its place.
    by_name: dict[str, Any] = {}
    for entry in units:
        by_name.setdefault(normal_name(str(entry.get("name") or "")), entry)
    rows = []
    for item in state.get("units", []):
        orig = item.get("orig")
        entry = by_name.pop(normal_name(str(orig)), None) if orig else None
        entry = CommentedMap() if entry is None else entry
        name = item.get("name")
        name = "" if name is None else unicodedata.normalize("NFC", " ".join(str(name).split()))
        members = _number_or_text(item.get("members"))
        if entry.get("name") != name:
            entry["name"] = name
        if not (isinstance(members, int) and _count_of(entry.get("members")) == members):
            entry["members"] = members
        rows.append(entry)
    if [id(e) for e in rows] != [id(e) for e in units]:  # untouched order keeps the list as it is
        del units[:]
        units.extend(rows)
    return doc


BACKUPS_KEPT = 100  # the newest backups kept; older ones are removed after a save


def version(data: bytes) -> str:
    """What a page's edits were based on: a save is refused when the file has changed since."""
    return hashlib.sha256(data).hexdigest()


def _backup(path: Path, data: bytes, now: dt.datetime) -> Path:
    """The previous file under a name no other backup has (microseconds, then a counter), written
    in full and fsynced before it gets that name: a crash leaves a whole backup or none."""
    backups = path.parent / "backups"
    backups.mkdir(exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=backups, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        stem = f"{path.stem}-{now:%Y%m%d-%H%M%S-%f}"
        for n in itertools.count(1):
            target = backups / f"{stem}{'' if n == 1 else f'-{n}'}{path.suffix}"
            try:
                os.link(tmp, target)  # fails if the name is taken: never overwrites a backup
                return target
            except FileExistsError:
                continue
            except OSError:  # no hard links here: the lock of the page serialises saves
                if not target.exists():
                    os.replace(tmp, target)
                    return target
    finally:
        Path(tmp).unlink(missing_ok=True)


def _prune(path: Path) -> None:
    pattern = re.compile(re.escape(path.stem) + r"-\d{8}-\d{6}-\d{6}(-\d+)?" + re.escape(path.suffix) + "$")
    found = sorted(p for p in (path.parent / "backups").iterdir() if pattern.match(p.name))
    for old in found[:-BACKUPS_KEPT]:
        old.unlink(missing_ok=True)


def save(path: Path, text: str, now: dt.datetime | None = None) -> Path:
    """Keep the previous file as a backup, then replace the config atomically."""
    try:
        backup = _backup(path, path.read_bytes(), now or dt.datetime.now())
    except OSError as err:
        raise OutputError(f"không lưu được bản cũ của {path}: {err.strerror or err}. Tệp vẫn giữ nguyên.") from None
    write_all(path.parent, {path.name: text.encode("utf-8")})
    try:
        _prune(path)
    except OSError:
        pass  # an old backup that cannot be removed costs nothing
    return backup


def problems_by_field(err: ConfigError) -> list[dict]:
    return [{"field": p.field, "unit": p.unit, "message": p.message} for p in err.problems]
