from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.main import build

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_CONFIG = ROOT / "config" / "plan.yaml"


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """One build of the shipped config, shared by the read-only tests."""
    out = tmp_path_factory.mktemp("built")
    result = build(SHIPPED_CONFIG, out)
    return result, out


@pytest.fixture
def config_copy(tmp_path) -> Path:
    target = tmp_path / "plan.yaml"
    shutil.copy(SHIPPED_CONFIG, target)
    return target
