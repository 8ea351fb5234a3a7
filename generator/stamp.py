"""Whether a build would write exactly what its folder already holds.

A rebuild with nothing changed is what a clerk does most (open the launcher, build, look). Its
stamp is a digest of everything the documents are made from: each document's context, its
template's bytes, the date it is issued, the tool (version and source files) and the libraries
that render. The stamp is written with the set, together with the digest of every file in it;
the next build compares both and, when they match, renders nothing and imports none of the
rendering libraries. Anything it cannot put in the digest (a value JSON does not hold) makes
the build render, so the shortcut can only ever be missed, never wrong.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import importlib.util
import json
import os
from pathlib import Path

from . import __version__

STAMP = ".dau-lan-dung-{group}.json"  # beside the set; hidden, as the other manifests are
# What renders a template: an upgrade of any of them may change the bytes.
RENDERERS = ("docxtpl", "docx", "jinja2", "lxml", "openpyxl")
_PACKAGE = Path(__file__).resolve().parent


class _NotStampable(TypeError):
    pass


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return [type(value).__name__, value.isoformat()]
    raise _NotStampable(type(value).__name__)


def _files_state(root: Path) -> list:
    """Size and change time of every source file: an edited tool renders again, version or not."""
    found = []
    for folder, _, names in os.walk(root):
        for name in names:
            if name.endswith(".py"):
                st = os.stat(os.path.join(folder, name))
                found.append((os.path.relpath(os.path.join(folder, name), root), st.st_size, st.st_mtime_ns))
    return sorted(found)


@functools.lru_cache(maxsize=1)
def renderers_state() -> tuple:
    """Where each rendering library lies, its size and time, read once per process (the stamp
    and every template's cache key ask for it). An upgrade while the page runs is seen by the
    next process, which then renders again: a stale state can only cost a render."""
    state = []
    for name in RENDERERS:
        spec = importlib.util.find_spec(name)  # looked up, not imported
        origin = spec.origin if spec is not None else None
        st = os.stat(origin) if origin and os.path.exists(origin) else None
        state.append((name, origin, st.st_size if st else None, st.st_mtime_ns if st else None))
    return tuple(state)


def of(jobs: list[tuple[Path, str, dict]], issued: dt.datetime) -> str | None:
    """jobs: (template file, path under output/, context) of every document of the set. None: some
    value cannot be stamped, so the set is always rendered."""
    digest = hashlib.sha256()
    try:
        head = {"tool": __version__, "source": _files_state(_PACKAGE), "renderers": renderers_state(),
                "issued": issued.isoformat()}
        digest.update(json.dumps(head, sort_keys=True).encode())
        for template, path, ctx in jobs:
            digest.update(json.dumps([template.name, path], ensure_ascii=False).encode())
            digest.update(hashlib.sha256(template.read_bytes()).digest())
            digest.update(json.dumps(ctx, sort_keys=True, ensure_ascii=False, default=_plain).encode())
    except (_NotStampable, OSError, ValueError):
        return None
    return digest.hexdigest()


def name_of(group: str) -> str:
    return STAMP.format(group=group)


def still_there(out_dir: Path, group: str, stamp: str | None, names: list[str]) -> list[Path] | None:
    """The set's files, in the order they were written, when the folder holds exactly what a
    build with this stamp writes (every file of `names` present with the bytes written); None
    when anything differs, and the set is built."""
    if stamp is None:
        return None
    try:
        recorded = json.loads((out_dir / name_of(group)).read_text(encoding="utf-8"))
        if recorded.get("stamp") != stamp or sorted(recorded.get("files", ())) != sorted(names):
            return None
        paths = []
        for name, digest in recorded["files"].items():
            path = out_dir / name
            if hashlib.sha256(path.read_bytes()).hexdigest() != digest:
                return None
            paths.append(path)
        paths.append(out_dir / name_of(group))  # as write_all names every file of the set
    except (OSError, ValueError, AttributeError, TypeError):
        return None  # no stamp yet, a file gone or unreadable, a stamp edited by hand
    return paths


def record(group: str, stamp: str | None, docs: dict[str, bytes]) -> dict[str, bytes]:
    """The stamp file written in the same set as `docs` (all or nothing with them)."""
    if stamp is None:
        return {}
    files = {name: hashlib.sha256(data).hexdigest() for name, data in docs.items()}
    return {name_of(group): (json.dumps({"stamp": stamp, "files": files}, ensure_ascii=False, indent=1) + "\n").encode()}
