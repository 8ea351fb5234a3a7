from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from generator.main import build

ROOT = Path(__file__).resolve().parent.parent
# The tests' own copy of the config the project ships (config/plan.yaml as committed): the
# clerk's config/plan.yaml is theirs to edit, and an edit there must never change what the
# tests see, nor a test run see a half-saved file. Change both when the shipped config changes.
SHIPPED_CONFIG = ROOT / "tests" / "data" / "plan.yaml"


def pytest_configure(config):
    # The prepared-template cache of the test run stays out of the user's home folder.
    os.environ["PLAN_DOCS_CACHE"] = tempfile.mkdtemp(prefix="plan-docs-cache-")


def pytest_unconfigure(config):
    shutil.rmtree(os.environ.pop("PLAN_DOCS_CACHE", ""), ignore_errors=True)


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


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium (Debian: chromium) thiếu; trong CI các kiểm thử trình duyệt phải chạy.")
        pytest.skip("không có Chromium tại /usr/bin/chromium: bỏ qua kiểm thử trình duyệt")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


# What a step on the page waits for is the server's answer, however long the machine takes (a
# build makes previews through LibreOffice): a fixed few seconds failed on a loaded machine.
# The bound is only there so a hung server fails the test instead of the whole run.
STEP_ANSWER_MS = 600_000


def click_and_wait(page, selector: str, api: str) -> None:
    """Click the step's button and return once the page has the answer of its POST to `api`."""
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.split("?")[0].endswith(api),
                              timeout=STEP_ANSWER_MS):
        page.click(selector)
