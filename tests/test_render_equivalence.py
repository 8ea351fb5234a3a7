"""The compiled renderer gives the very bytes of plain docxtpl (render, save, normalize):
the speed-up changes nothing in the documents."""
import io

from docxtpl import DocxTemplate

from generator import context, quotas
from generator.config import load_plan
from generator.main import TEMPLATES_DIR, issued_at, render_documents
from generator.output import normalize_docx
from generator.documents import of_group
from generator.templating import make_env

TEMPLATES = tuple(k.template for k in of_group("plan"))

from .conftest import SHIPPED_CONFIG


def reference_render(name, ctx, issued) -> bytes:
    """Plain docxtpl: render, save, normalize. `name` is a shipped template's name or a path."""
    tpl = DocxTemplate(str(TEMPLATES_DIR / name))  # an absolute path stays itself
    tpl.render(ctx, jinja_env=make_env())
    core = tpl.docx.core_properties
    core.created = core.modified = issued
    buf = io.BytesIO()
    tpl.save(buf)
    return normalize_docx(buf.getvalue())


def test_compiled_renderer_matches_plain_docxtpl_byte_for_byte():
    plan = load_plan(SHIPPED_CONFIG)
    _, fast = render_documents(plan)
    assert_each_as_docxtpl(plan, fast)


def assert_each_as_docxtpl(plan, fast: dict) -> None:
    """Every document of the plan's build, each from its own kind's context, as plain docxtpl."""
    allocation = quotas.allocate(plan)
    kinds = of_group("plan", plan=plan)
    assert {k.output for k in kinds} == set(fast)
    for kind in kinds:
        ctx = kind.context(plan, allocation)
        assert fast[kind.output] == reference_render(kind.template, ctx, issued_at(plan)), kind.template


def test_rendering_twice_in_one_process_gives_the_same_bytes():
    plan = load_plan(SHIPPED_CONFIG)
    assert render_documents(plan)[1] == render_documents(plan)[1]


def test_compiled_renderer_matches_docxtpl_on_a_longer_annex_with_special_characters():
    from generator.config import parse_plan

    text = SHIPPED_CONFIG.read_text(encoding="utf-8")
    units = "".join(f"  - name: 'CĐ số {i} & <Cơ sở> \"A\"'\n    members: {i * 97}\n" for i in range(1, 41))
    plan = parse_plan(text[: text.index("units:\n")] + "units:\n" + units)
    _, fast = render_documents(plan)
    assert_each_as_docxtpl(plan, fast)


def _filled_the_plain_way(template, ctx, issued) -> bytes:
    """workbook.fill as it was: the template parsed from the file, every cell styled on its
    own, openpyxl's own save (level 6), then fixed_bytes."""
    from openpyxl import load_workbook

    from generator import workbook

    real_open, real_styled, real_saved = workbook._open_template, workbook._styled_like, workbook._saved

    def styled_alone(cell, model):
        from copy import copy

        cell.font, cell.border, cell.fill = copy(model.font), copy(model.border), copy(model.fill)
        cell.alignment, cell.protection = copy(model.alignment), copy(model.protection)

    def saved_plainly(wb):
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()

    workbook._open_template, workbook._styled_like = (lambda path: load_workbook(path)), styled_alone
    workbook._saved = saved_plainly
    try:
        return workbook.fill(template, ctx, issued)
    finally:
        workbook._open_template, workbook._styled_like, workbook._saved = real_open, real_styled, real_saved


def test_every_units_list_from_the_kept_template_is_the_list_openpyxl_makes_from_the_file():
    from generator import documents

    plan = load_plan(SHIPPED_CONFIG)
    allocation = quotas.allocate(plan)
    kind = next(k for k in documents.KINDS if k.template.endswith(".xlsx"))
    _, packs = render_documents(plan, TEMPLATES_DIR, "packs")
    outputs = documents.outputs(kind, plan, allocation)
    assert len(outputs) == len(allocation.rows) + 1
    for path, ctx in outputs:
        assert packs[path] == _filled_the_plain_way(TEMPLATES_DIR / kind.template, ctx, issued_at(plan)), path
