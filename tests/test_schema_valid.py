"""Word opens what we write without "repair": every template and every document the tool writes
validates against the ECMA-376 Transitional schemas and the package rules Word enforces, through
the shared validator (../shared/tools/ooxml_validate.py). The schemas are never copied here."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.main import TEMPLATES_DIR, build

from .conftest import ROOT, SHIPPED_CONFIG

SHARED = ROOT.parent / "shared"
VALIDATOR = SHARED / "tools" / "ooxml_validate.py"


def _require_validator():
    missing = [str(p) for p in (VALIDATOR, SHARED / "ooxml-xsd") if not p.exists()]
    if missing:
        why = "thiếu " + ", ".join(missing) + ": bỏ qua kiểm tra lược đồ OOXML"
        if os.environ.get("CI") == "true":
            pytest.fail(why + " — nhưng trong CI kiểm tra này phải chạy.")
        pytest.skip(why)


def validate(paths: list[Path]) -> subprocess.CompletedProcess:
    _require_validator()
    return subprocess.run([sys.executable, str(VALIDATOR), *map(str, paths)],
                          capture_output=True, text=True, timeout=300)


def assert_valid(paths: list[Path]) -> None:
    assert paths
    done = validate(paths)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 schema errors, 0 package-check errors" in done.stdout.splitlines()[-1]


def test_every_shipped_template_is_schema_valid():
    assert_valid(sorted(TEMPLATES_DIR.glob("*.docx")))


def test_every_document_of_the_shipped_config_is_schema_valid(built):
    _, out = built
    assert_valid(sorted(out.glob("*.docx")))


def test_a_sixty_unit_annex_is_schema_valid(tmp_path):
    text = SHIPPED_CONFIG.read_text(encoding="utf-8")
    units = "".join(f"  - name: Công đoàn cơ sở số {i} & <A>\n    members: {1000 + 37 * i}\n" for i in range(1, 61))
    config = tmp_path / "plan.yaml"
    config.write_text(text[: text.index("units:\n")] + "units:\n" + units, encoding="utf-8")
    build(config, tmp_path / "out")
    assert_valid(sorted((tmp_path / "out").glob("*.docx")))


def test_the_validator_does_find_an_element_out_of_order(tmp_path):
    """The test above can fail: the same validator refuses tblLook before jc."""
    import zipfile

    src = TEMPLATES_DIR / "ke_hoach.docx"
    bad = tmp_path / "bad.docx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(bad, "w") as zout:
        for name in zin.namelist():
            data = zin.read(name)
            if name == "word/document.xml":
                data = data.replace(b'<w:jc w:val="center"/><w:tblLayout', b"<w:tblLayout", 1)
                data = data.replace(b'w:val="04A0"/>', b'w:val="04A0"/><w:jc w:val="center"/>', 1)
            zout.writestr(name, data)
    done = validate([bad])
    assert done.returncode == 1
