"""The build, stage by stage: config -> quotas -> context -> render -> write."""
from __future__ import annotations

import datetime as dt
from typing import NamedTuple
from pathlib import Path

from . import config, context, quotas, render
from .exceptions import StrictWarningError
from .model import Plan
from .output import MANIFEST, manifest_bytes, read_manifest, write_all
from .quotas import Allocation

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = ROOT / "config" / "plan.yaml"
DEFAULT_OUTPUT = ROOT / "output"
TEMPLATES_DIR = ROOT / "templates"


class Change(NamedTuple):
    name: str
    old: tuple[int, int] | None  # (collectives, individuals); None = a new unit
    new: tuple[int, int] | None  # None = a unit removed


class BuildResult(NamedTuple):
    plan: Plan
    allocation: Allocation
    written: list[Path]
    changes: tuple[Change, ...] = ()
    old_totals: dict | None = None


def issued_at(plan: Plan) -> dt.datetime:
    d = plan.document.date
    return dt.datetime(d.year, d.month, d.day or 1)


def render_documents(plan: Plan, templates_dir: Path = TEMPLATES_DIR) -> tuple[Allocation, dict[str, bytes]]:
    """The pure part of a build: documents as bytes, nothing written."""
    allocation = quotas.allocate(plan)
    ctx = context.build(plan, allocation)
    return allocation, render.render_all(templates_dir, ctx, issued_at(plan))


def compare(old: dict | None, allocation: Allocation) -> list[Change]:
    if not old:
        return []
    before = {u["name"]: (u["collectives"], u["individuals"]) for u in old.get("units", [])}
    after = {r.name: (r.collectives, r.individuals) for r in allocation.rows}
    changes = [Change(n, before.get(n), q) for n, q in after.items() if before.get(n) != q]
    changes += [Change(n, q, None) for n, q in before.items() if n not in after]
    return changes


def build(config_path: Path = DEFAULT_CONFIG, out_dir: Path = DEFAULT_OUTPUT,
          templates_dir: Path = TEMPLATES_DIR, strict: bool = False) -> BuildResult:
    plan = config.load_plan(config_path)
    if strict and plan.warnings:
        raise StrictWarningError(str(config_path), list(plan.warnings))
    return build_plan(plan, out_dir, templates_dir)


def build_plan(plan: Plan, out_dir: Path = DEFAULT_OUTPUT, templates_dir: Path = TEMPLATES_DIR) -> BuildResult:
    """Render and write a validated plan (the CLI reads it from a file, the browser page from its form)."""
    allocation, documents = render_documents(plan, templates_dir)
    old = read_manifest(out_dir)
    documents[MANIFEST] = manifest_bytes(allocation)
    written = write_all(out_dir, documents)
    return BuildResult(plan, allocation, written, tuple(compare(old, allocation)), old.get("totals") if old else None)
