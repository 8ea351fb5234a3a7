"""A rebuild with nothing changed renders nothing; any change to what the documents are made of
renders again (generator/stamp.py)."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from generator import main, stamp

from .conftest import ROOT, SHIPPED_CONFIG

RENDERING = ("jinja2", "lxml", "docx", "docxtpl", "openpyxl")


@pytest.fixture
def renders(monkeypatch):
    """How many times a build rendered its documents."""
    calls = []
    real = main.render_jobs

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(main, "render_jobs", counting)
    return calls


@pytest.fixture
def plan_dir(tmp_path) -> Path:
    """A plan of its own: its config and a copy of the templates beside it."""
    shutil.copy(SHIPPED_CONFIG, tmp_path / "plan.yaml")
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    return tmp_path


def build_twice(plan_dir: Path, between=lambda: None):
    out = plan_dir / "output"
    first = main.build(plan_dir / "plan.yaml", out, plan_dir / "templates")
    between()
    return first, main.build(plan_dir / "plan.yaml", out, plan_dir / "templates")


def test_a_rebuild_with_nothing_changed_renders_nothing_and_names_the_same_files(plan_dir, renders):
    first, second = build_twice(plan_dir)
    assert len(renders) == 1
    assert second.unchanged and not first.unchanged
    assert second.written == first.written
    assert second.allocation == first.allocation and second.changes == ()


def test_a_changed_member_count_renders_again(plan_dir, renders):
    config = plan_dir / "plan.yaml"

    def edit():
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace("members: 4.098", "members: 4.099", 1), encoding="utf-8")

    assert "members: 4.098" in config.read_text(encoding="utf-8")
    _, second = build_twice(plan_dir, edit)
    assert len(renders) == 2 and not second.unchanged


def test_a_changed_sentence_in_the_config_renders_again(plan_dir, renders):
    config = plan_dir / "plan.yaml"

    def edit():
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace("issuer: Tỉnh ủy Lạng Sơn", "issuer: Tỉnh ủy tỉnh Lạng Sơn", 1),
                          encoding="utf-8")

    _, second = build_twice(plan_dir, edit)
    assert len(renders) == 2 and not second.unchanged


def test_a_template_saved_again_in_word_renders_again(plan_dir, renders):
    template = plan_dir / "templates" / "ke_hoach.docx"

    def resave():  # the same parts, other bytes: as Word's «Save» gives
        with zipfile.ZipFile(template) as z:
            parts = [(i.filename, z.read(i)) for i in z.infolist()]
        with zipfile.ZipFile(template, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
            for name, body in parts:
                z.writestr(name, body)

    _, second = build_twice(plan_dir, resave)
    assert len(renders) == 2 and not second.unchanged


def test_a_new_version_of_the_tool_renders_again(plan_dir, renders, monkeypatch):
    _, second = build_twice(plan_dir, lambda: monkeypatch.setattr(stamp, "__version__", "9.9.9"))
    assert len(renders) == 2 and not second.unchanged


@pytest.mark.parametrize("name", ["ke_hoach.docx", "phu_luc.docx", "quotas.json"])
def test_a_document_deleted_from_the_folder_is_written_again(plan_dir, renders, name):
    out = plan_dir / "output"
    first, second = build_twice(plan_dir, lambda: (out / name).unlink())
    assert len(renders) == 2 and not second.unchanged
    assert (out / name).is_file()


def test_a_document_edited_in_word_is_written_again_as_the_config_says(plan_dir, renders):
    out = plan_dir / "output"
    target = out / "phu_luc.docx"
    built = {}

    def edit():
        data = built["bytes"] = target.read_bytes()
        middle = len(data) // 2
        target.write_bytes(data[:middle] + bytes([data[middle] ^ 1]) + data[middle + 1:])  # one bit, same size

    _, second = build_twice(plan_dir, edit)
    assert len(renders) == 2 and not second.unchanged
    assert target.read_bytes() == built["bytes"]


def test_a_stamp_file_edited_by_hand_renders_again(plan_dir, renders):
    out = plan_dir / "output"
    stamp_file = out / stamp.name_of("plan")

    def edit():
        data = json.loads(stamp_file.read_text(encoding="utf-8"))
        data["files"] = {}
        stamp_file.write_text(json.dumps(data), encoding="utf-8")

    # An empty list of files would otherwise say "every file is there".
    _, second = build_twice(plan_dir, edit)
    assert len(renders) == 2 and not second.unchanged


def test_a_context_value_json_cannot_hold_is_never_stamped():
    assert stamp.of([(ROOT / "templates" / "ke_hoach.docx", "ke_hoach.docx", {"x": object()})],
                    main.issued_at(main.config.load_plan(SHIPPED_CONFIG))) is None


def _imports_of(*options: str, cwd: Path, env: dict | None = None) -> set[str]:
    code = ("import runpy, sys; sys.argv = ['build_docs.py', *sys.argv[1:]]\n"
            "try:\n    runpy.run_path(%r, run_name='__main__')\n"
            "except SystemExit:\n    pass\n"
            "sys.stderr.write('\\nMODULES ' + ' '.join(sorted(sys.modules)))\n") % str(ROOT / "build_docs.py")
    proc = subprocess.run([sys.executable, "-c", code, *options], cwd=cwd, capture_output=True, text=True,
                          encoding="utf-8", timeout=120, env=env)
    assert "MODULES " in proc.stderr, proc.stderr[-2000:]
    return {m.split(".")[0] for m in proc.stderr.rsplit("MODULES ", 1)[1].split()}


def test_help_imports_none_of_the_rendering_libraries(tmp_path):
    assert not _imports_of("--help", cwd=tmp_path) & set(RENDERING)


def test_an_unchanged_rebuild_imports_none_of_the_rendering_libraries(plan_dir):
    options = ("--config", str(plan_dir / "plan.yaml"), "--output", str(plan_dir / "output"),
               "--templates", str(plan_dir / "templates"))
    assert _imports_of(*options, cwd=plan_dir) & {"jinja2", "docx"}  # the first build renders
    assert not _imports_of(*options, cwd=plan_dir) & set(RENDERING)


def test_a_build_with_a_change_whose_templates_were_prepared_before_imports_neither_python_docx_nor_docxtpl(plan_dir):
    """python-docx and docxtpl open and patch a template once (generator/prepare.py); a build
    from the prepared templates renders with Jinja and lxml alone, the issuing body's two lines
    taken from docxtpl's own earlier resolution of them."""
    import os

    env = {**os.environ, "PLAN_DOCS_CACHE": str(plan_dir / "cache")}  # empty: the first build prepares
    options = ("--config", str(plan_dir / "plan.yaml"), "--output", str(plan_dir / "output"),
               "--templates", str(plan_dir / "templates"))
    assert {"docx", "docxtpl"} <= _imports_of(*options, cwd=plan_dir, env=env)
    config = plan_dir / "plan.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("members: 4.098", "members: 4.099", 1),
                      encoding="utf-8")
    loaded = _imports_of(*options, cwd=plan_dir, env=env)
    assert {"jinja2", "lxml"} <= loaded  # it rendered
    assert not loaded & {"docx", "docxtpl"}
    fresh = main.build(plan_dir / "plan.yaml", plan_dir / "again", plan_dir / "templates").written  # in this process, from the suite's own cache
    assert [p.read_bytes() for p in fresh] == [(plan_dir / "output" / p.name).read_bytes() for p in fresh]
