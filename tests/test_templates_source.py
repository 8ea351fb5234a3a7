"""The Word templates are the source of the wording: a template edited in Word or LibreOffice
builds, a broken one is caught with its paragraph before it fills anything, a new plan starts
from a copy, and every kind of document in the registry passes the same contract."""
from __future__ import annotations

import copy
import hashlib
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest

from generator import context, documents, quotas
from generator.checker.report import check_file
from generator.checker.rules import LOI
from generator.cli import main as cli_main
from generator.config import load_plan
from generator.main import TEMPLATES_DIR, build, issued_at, render_documents
from generator.templatecheck import dump
from generator.web import editing

from .conftest import ROOT, SHIPPED_CONFIG
from .docx_read import open_doc, paragraphs_in_order, table_rows
from .rendering import require_libreoffice
from .test_render_equivalence import reference_render

TAG = re.compile(r"\{\{|\{%")


def words(path: Path) -> list[str]:
    return [" ".join(p.text.split()) for p in paragraphs_in_order(open_doc(path))]


def errors(path: Path) -> list[str]:
    return [f"{f.rule}: {f.message}" for f in check_file(path, render=False).findings if f.severity == LOI]


@pytest.fixture(scope="module")
def shipped_words(tmp_path_factory):
    out = tmp_path_factory.mktemp("shipped")
    build(SHIPPED_CONFIG, out)
    return {k.output: words(out / k.output) for k in documents.of_group("plan")}


# -- the dumps a reviewer reads ----------------------------------------------------------------------

@pytest.mark.parametrize("kind", documents.KINDS, ids=lambda k: k.key)
def test_each_template_has_its_current_text_dump_beside_it(kind):
    committed = TEMPLATES_DIR / f"{kind.template}.txt"
    assert committed.read_text(encoding="utf-8") == dump(TEMPLATES_DIR / kind.template), (
        f"run: python build_docs.py --dump-template templates/{kind.template} --save")


def test_the_dump_shows_style_tags_and_direct_formatting():
    text = dump(TEMPLATES_DIR / "ke_hoach.docx")
    assert "[VB Ten loai] KẾ HOẠCH" in text and "{%p for t in tiers %}" in text
    assert "**trước ngày {{ schedule.conference_by|short_date }}**" in text
    assert "## đầu trang (mục 1)" in text


# -- the contract every kind of document passes ------------------------------------------------------

# The shipped config chooses one of two templates (or fan-outs) where it may; the other is built
# from the same config with that choice turned.
OTHER_CHOICE = {
    "bang_khen_phoi": lambda plan: plan._replace(certificates=plan.certificates._replace(mode="overlay")),
    "giay_moi_rieng": lambda plan: plan._replace(conference=plan.conference._replace(per_recipient=True)),
}


@pytest.mark.parametrize("kind", documents.KINDS, ids=lambda k: k.key)
def test_every_kind_renders_strictly_reproducibly_as_docxtpl_and_passes_the_checks(kind, tmp_path):
    from .test_schema_valid import assert_valid

    from generator.output import normalize_docx

    plan = load_plan(SHIPPED_CONFIG)
    if kind.applies is not None and not kind.applies(plan):  # the config's other choice
        plan = OTHER_CHOICE[kind.key](plan)
    assert kind.applies is None or kind.applies(plan)
    allocation = quotas.allocate(plan)
    chosen = documents.sample_data(kind, plan)
    _, first = render_documents(plan, group=kind.group, data=chosen)
    _, again = render_documents(plan, group=kind.group, data=chosen)
    for path, ctx in documents.outputs(kind, plan, allocation, chosen):
        data = first[path]
        assert data == again[path]  # byte-identical rebuilds
        if kind.template.endswith(".xlsx"):  # a workbook: every tag filled, in every cell
            from openpyxl import load_workbook

            cells = [c.value for ws in load_workbook(io.BytesIO(data)) for row in ws.iter_rows() for c in row]
            assert not [v for v in cells if isinstance(v, str) and (TAG.search(v) or v.startswith("<<"))], path
            continue
        expected = reference_render(kind.template, ctx, issued_at(plan))  # plain docxtpl's bytes
        if kind.finish is not None:  # then the kind's own last step (the certificates' layout)
            expected = normalize_docx(kind.finish(expected, ctx))
        assert data == expected
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for name in z.namelist():
                if name.endswith(".xml"):
                    assert not TAG.search(re.sub(r"<[^>]+>", "", z.read(name).decode())), (path, name)
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        assert errors(target) == []
        assert_valid([target])


def test_a_kind_that_fans_out_per_unit_writes_one_document_per_unit_in_nested_folders(tmp_path):
    """The registry's second fan-out, with a kind made here (the award cycle's packs use it)."""
    d = docx.Document()
    d.add_paragraph("Đơn vị: {{ unit.name }}, STT {{ unit.stt }}, đề nghị {{ unit.individuals }} cá nhân.")
    d.save(str(tmp_path / "thu.docx"))

    def per_unit(plan, allocation):
        return [{"unit": {"stt": r.stt, "name": r.name, "individuals": r.individuals}} for r in allocation.rows]
    kind = documents.Kind("thu", "Thử", "thu.docx", per_unit, "ho_so/{stt:02d}-{name}/thu.docx",
                          documents.PER_UNIT, "thu")
    plan = load_plan(SHIPPED_CONFIG)
    _, docs = render_documents(plan, tmp_path, group="thu", kinds=(kind,))
    assert len(docs) == 14
    path = "ho_so/04-LĐLĐ huyện Đình Lập/thu.docx"
    assert path in docs
    from generator.output import write_all

    write_all(tmp_path / "out", docs)
    assert words(tmp_path / "out" / path) == ["Đơn vị: LĐLĐ huyện Đình Lập, STT 4, đề nghị 1 cá nhân."]


def test_safe_names_keep_vietnamese_and_drop_what_windows_refuses():
    assert documents.safe_name("CĐ cơ sở A/B: «Tốt»?  ") == "CĐ cơ sở A B «Tốt»"
    assert documents.safe_name("...") == "don-vi"


# -- --check-template -------------------------------------------------------------------------------

def _edited_copy(tmp_path, old: str, new: str, name="ke_hoach.docx") -> Path:
    target = tmp_path / name
    with zipfile.ZipFile(TEMPLATES_DIR / name) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = parts["word/document.xml"].decode()
    assert old in xml, old
    parts["word/document.xml"] = xml.replace(old, new, 1).encode()
    with zipfile.ZipFile(target, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)
    return target


def check_template(capsys, *files) -> tuple[int, str]:
    capsys.readouterr()
    code = cli_main(["--config", str(SHIPPED_CONFIG), "kiem-tra-mau", *map(str, files)])
    return code, capsys.readouterr().out


def test_the_shipped_templates_pass_the_check(capsys):
    code, out = check_template(capsys)
    assert code == 0 and "Tóm tắt: 0 lỗi, 0 thông tin." in out


@pytest.mark.parametrize("old, new, expected", [
    ("{{ signer.title }}", "{{ signer.title }", "LỖI: ke_hoach.docx: thân văn bản, đoạn «{{ signer.title }{{ signer.name }}»: "
                                                "thẻ «{{ …» mở mà không đóng bằng «}}» trong cùng đoạn."),
    ("{% endif %}{% if r.note %}", "{% if r.note %}", "LỖI: ke_hoach.docx: thân văn bản, đoạn «- {{ r.name }}{% if loop.last %}.{% else %};"
                                                      "{% if r.note %}{{ r.note }};{% endif %}{% endfor %}»: «{% if … %}» không có «{% endif %}» đóng lại"),
    ("{{ signer.name }}", "{{ signer.nam }}", "LỖI: ke_hoach.docx: thân văn bản, đoạn «{{ signer.nam }}»: «signer.nam» không có "
                                              "trong cấu hình. Có phải ý là «signer.name»?"),
    ("{{ doc.place }}", "{{ docs.place }}", "«docs» không có trong cấu hình. Có phải ý là «doc»?"),
], ids=["unclosed-tag", "if-without-endif", "near-attribute", "near-name"])
def test_each_broken_template_is_caught_with_its_paragraph(capsys, tmp_path, old, new, expected):
    code, out = check_template(capsys, _edited_copy(tmp_path, old, new))
    assert code == 1 and expected in out


def test_a_loop_variable_is_checked_against_the_list_it_runs_over(capsys, tmp_path):
    code, out = check_template(capsys, _edited_copy(tmp_path, "{{ r.members|thousands }}", "{{ r.member|thousands }}",
                                                    "phu_luc.docx"))
    assert code == 1 and "«rows.member» không có trong cấu hình. Có phải ý là «rows.members»?" in out


def test_a_tag_in_a_header_is_named_with_its_header(capsys, tmp_path):
    target = tmp_path / "ke_hoach.docx"
    shutil.copy(TEMPLATES_DIR / "ke_hoach.docx", target)
    d = docx.Document(str(target))
    d.sections[0].header.add_paragraph("Trang của {{ doc.isuer_short }}")
    d.save(str(target))
    code, out = check_template(capsys, target)
    assert code == 1 and re.search(r"đầu/chân trang word/header\d*\.xml, đoạn «Trang của \{\{ doc\.isuer_short \}\}»: "
                                   r"«doc\.isuer_short» không có trong cấu hình\. Có phải ý là «doc\.issuer_short»\?", out)


def test_config_values_no_template_uses_are_information(capsys, tmp_path):
    config = tmp_path / "plan.yaml"
    config.write_text(SHIPPED_CONFIG.read_text(encoding="utf-8") + "fields:\n  chua_dung: Một giá trị\n", encoding="utf-8")
    capsys.readouterr()
    assert cli_main(["--config", str(config), "kiem-tra-mau"]) == 0
    assert "THÔNG TIN: fields.chua_dung: giá trị này trong cấu hình không được mẫu nào dùng." in capsys.readouterr().out


def test_a_tag_in_an_endnote_is_reported_by_the_check(capsys, tmp_path):
    from .test_render_any_template import _with_note

    target = tmp_path / "ke_hoach.docx"
    shutil.copy(TEMPLATES_DIR / "ke_hoach.docx", target)
    _with_note(target, "endnote", ["Xem {{ doc.code }}"])
    code, out = check_template(capsys, target)
    assert code == 1 and "chú thích cuối văn bản (endnote) (word/endnotes.xml), đoạn «Xem {{ doc.code }}»" in out


def test_a_broken_template_stops_the_build_before_any_document_is_written(tmp_path, capsys):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    _edited_copy(templates, "{{ signer.name }}", "{{ signer.nam }}").replace(templates / "ke_hoach.docx")
    capsys.readouterr()
    code = cli_main(["--config", str(SHIPPED_CONFIG), "--output", str(tmp_path / "out"), "--templates", str(templates)])
    assert code == 2 and "«signer.nam» không có trong cấu hình" in capsys.readouterr().err
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_the_check_template_of_a_missing_file_is_a_clear_message(capsys, tmp_path):
    capsys.readouterr()
    assert cli_main(["--config", str(SHIPPED_CONFIG), "kiem-tra-mau", str(tmp_path / "khong-co.docx")]) == 2
    assert "không tìm thấy mẫu" in capsys.readouterr().err


# -- edited the way Word and LibreOffice save -----------------------------------------------------------

def _build_with(tmp_path, templates: Path, config: Path = SHIPPED_CONFIG) -> Path:
    out = tmp_path / "out"
    build(config, out, templates)
    return out


@pytest.mark.parametrize("kind", documents.of_group("plan"), ids=lambda k: k.key)
def test_a_libreoffice_round_trip_of_each_template_builds_the_same_words(kind, tmp_path, shipped_words):
    require_libreoffice()
    from generator.pdf import find_soffice

    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    saved = tmp_path / "saved"
    subprocess.run([find_soffice(), f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "docx",
                    "--outdir", str(saved), str(templates / kind.template)], check=True, capture_output=True, timeout=180)
    shutil.copy(saved / kind.template, templates / kind.template)
    out = _build_with(tmp_path, templates)
    assert words(out / kind.output) == shipped_words[kind.output]
    assert errors(out / kind.output) == []
    # LibreOffice misspells the core properties' relationship; plain docxtpl then writes two
    # docProps/core.xml (docxtpl #558). Ours reads the template with the standard spelling: the
    # same bytes as plain docxtpl given that spelling, and a package with one part of each name.
    from generator.prepare import template_bytes
    from generator.render import CompiledTemplate
    from generator.templating import make_env

    plan = load_plan(SHIPPED_CONFIG)
    ctx = documents.sample_context(kind, plan, quotas.allocate(plan))
    repaired = tmp_path / "repaired.docx"
    repaired.write_bytes(template_bytes(templates / kind.template))
    fast = CompiledTemplate(templates / kind.template, make_env()).render(ctx, issued_at(plan))
    assert fast == reference_render(repaired, ctx, issued_at(plan))
    names = zipfile.ZipFile(io.BytesIO(fast)).namelist()
    assert len(names) == len(set(names)) and names.count("docProps/core.xml") == 1


def test_a_template_with_libreoffices_misspelt_core_properties_gives_one_core_part(tmp_path):
    """Some LibreOffice versions write «officedocument» in lower case; plain docxtpl then saves two
    docProps/core.xml (docxtpl #558). Ours reads the standard spelling and writes one."""
    from generator.prepare import _CORE_REL, _LO_CORE_REL

    template = tmp_path / "ke_hoach.docx"
    with zipfile.ZipFile(TEMPLATES_DIR / "ke_hoach.docx") as src, zipfile.ZipFile(template, "w") as out:
        for name in src.namelist():
            data = src.read(name)
            out.writestr(name, data.replace(_CORE_REL, _LO_CORE_REL) if name == "_rels/.rels" else data)
    plan = load_plan(SHIPPED_CONFIG)
    ctx = context.build(plan, quotas.allocate(plan))
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate it writes
        plain = reference_render(template, ctx, issued_at(plan))
    assert zipfile.ZipFile(io.BytesIO(plain)).namelist().count("docProps/core.xml") == 2  # the bug, as it is
    from generator.render import CompiledTemplate
    from generator.templating import make_env

    ours = CompiledTemplate(template, make_env()).render(ctx, issued_at(plan))
    names = zipfile.ZipFile(io.BytesIO(ours)).namelist()
    assert names.count("docProps/core.xml") == 1 and len(names) == len(set(names))


WORD_SPLIT = ('{{ concl</w:t></w:r><w:proofErr w:type="spellStart"/><w:bookmarkStart w:id="0" w:name="_GoBack"/>'
              '<w:bookmarkEnd w:id="0"/><w:r w:rsidR="00A1B2C3" w:rsidRPr="00D4E5F6"><w:t xml:space="preserve">usion.num'
              '</w:t></w:r><w:proofErr w:type="spellEnd"/><w:r w:rsidR="00F0E1D2"><w:t xml:space="preserve">ber }}')


def test_a_tag_split_across_runs_the_way_word_splits_it_builds_the_same_words(tmp_path, shipped_words):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    _edited_copy(templates, "{{ conclusion.number }}", WORD_SPLIT).replace(templates / "ke_hoach.docx")
    out = _build_with(tmp_path, templates)
    assert words(out / "ke_hoach.docx") == shipped_words["ke_hoach.docx"]
    assert_plain_docxtpl(out / "ke_hoach.docx", templates / "ke_hoach.docx")


def test_a_tag_whose_halves_are_formatted_differently_builds(tmp_path, shipped_words):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    halves = '{{ doc.</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">number }}'
    _edited_copy(templates, "{{ doc.number }}", halves).replace(templates / "ke_hoach.docx")
    out = _build_with(tmp_path, templates)
    assert words(out / "ke_hoach.docx") == shipped_words["ke_hoach.docx"]
    assert_plain_docxtpl(out / "ke_hoach.docx", templates / "ke_hoach.docx")


def assert_plain_docxtpl(built: Path, template: Path) -> None:
    plan = load_plan(SHIPPED_CONFIG)
    ctx = context.build(plan, quotas.allocate(plan))
    assert built.read_bytes() == reference_render(template, ctx, issued_at(plan))


def test_a_sentence_edited_with_python_docx_shows_up_in_the_output(tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    d = docx.Document(str(templates / "ke_hoach.docx"))
    p = next(p for p in d.paragraphs if p.text.startswith("Chuẩn bị Hội trường"))
    p.runs[0].text = "Chuẩn bị hội trường và tài liệu cho Hội nghị tại {{ doc.place }}."
    for run in p.runs[1:]:
        run.text = ""
    d.save(str(templates / "ke_hoach.docx"))
    out = _build_with(tmp_path, templates)
    assert "Chuẩn bị hội trường và tài liệu cho Hội nghị tại Lạng Sơn." in words(out / "ke_hoach.docx")
    assert_plain_docxtpl(out / "ke_hoach.docx", templates / "ke_hoach.docx")


# -- fields: free values for new wording -------------------------------------------------------------

def _with_fields(tmp_path, block: str) -> Path:
    config = tmp_path / "plan.yaml"
    config.write_text(SHIPPED_CONFIG.read_text(encoding="utf-8") + block, encoding="utf-8")
    return config


def test_fields_are_text_dates_and_numbers_checked_like_everything_else(tmp_path):
    import datetime as dt

    plan = load_plan(_with_fields(tmp_path, "fields:\n  dia_diem: Hội trường  LĐLĐ tỉnh\n  ngay_hop: 15/4/2026\n"
                                            "  so_dai_bieu: 1.200\n  ma_so: '0042'\n"))
    assert plan.fields == {"dia_diem": "Hội trường LĐLĐ tỉnh", "ngay_hop": dt.date(2026, 4, 15),
                           "so_dai_bieu": 1200, "ma_so": "0042"}


@pytest.mark.parametrize("block, field, why", [
    ("fields:\n  Dia-diem: x\n", "fields.Dia-diem", "chỉ chữ thường không dấu"),
    ("fields:\n  ngay_hop: 31/2/2026\n", "fields.ngay_hop", "không có thật"),
    ("fields:\n  ghi_chu: \"a\\u0007b\"\n", "fields.ghi_chu", "ký tự điều khiển U+0007"),
    ("fields:\n  ghi_chu: \"a\\u200bb\"\n", "fields.ghi_chu", "ký tự vô hình U+200B"),
])
def test_a_bad_field_is_refused_with_its_line(tmp_path, capsys, block, field, why):
    config = _with_fields(tmp_path, block)
    line = len(SHIPPED_CONFIG.read_text(encoding="utf-8").splitlines()) + 2
    capsys.readouterr()
    assert cli_main(["--config", str(config), "--output", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert f"dòng {line}" in err and field in err and why in err


# -- a new plan from a copy, and a second plan no code knows --------------------------------------------

def test_new_plan_copies_config_and_templates_and_never_overwrites(tmp_path, capsys):
    target = tmp_path / "ke_hoach_2026"
    assert cli_main(["--config", str(SHIPPED_CONFIG), "ke-hoach-moi", str(target)]) == 0
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()) == sorted(
        ["plan.yaml"] + sorted({f"templates/{k.template}" for k in documents.KINDS}))
    assert load_plan(target / "plan.yaml").templates == "templates"
    before = (target / "plan.yaml").read_bytes()
    capsys.readouterr()
    assert cli_main(["--config", str(SHIPPED_CONFIG), "ke-hoach-moi", str(target)]) == 2
    assert "đã có tệp" in capsys.readouterr().err and (target / "plan.yaml").read_bytes() == before


def _tree_hash(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*.py")) + sorted(folder.rglob("*.html")) + sorted(folder.rglob("*.js")):
        h.update(p.relative_to(folder).as_posix().encode() + p.read_bytes())
    return h.hexdigest()


FOUR_TIERS = [{"to": 1000, "to_inclusive": True, "individuals": 1},
              {"from": 1001, "from_inclusive": True, "to": 2500, "to_inclusive": True, "individuals": 2},
              {"from": 2501, "from_inclusive": True, "to": 4000, "to_inclusive": True, "individuals": 3},
              {"from": 4001, "from_inclusive": True, "individuals": 4}]
BOUNDARIES = {1000: 1, 1001: 2, 2500: 2, 2501: 3, 4000: 3, 4001: 4}


def make_second_plan(tmp_path) -> Path:
    """«Tổng kết 05 năm», 20 units, four tiers, another signer, a sentence with a new field: all
    by copying, editing the template as a clerk would in Word, and editing the YAML."""
    from ruamel.yaml.comments import CommentedMap

    target = tmp_path / "tong_ket_2026"
    assert cli_main(["--config", str(SHIPPED_CONFIG), "ke-hoach-moi", str(target)]) == 0
    template = target / "templates" / "ke_hoach.docx"
    d = docx.Document(str(template))
    subject = next(p for p in d.paragraphs if p.style.name == "VB Trich yeu")
    subject.runs[0].text = ("Tổng kết 05 năm thực hiện Kết luận số {{ conclusion.number }} của {{ conclusion.issuer }}, "
                            "giai đoạn 2021–2026")
    for run in subject.runs[1:]:
        run.text = ""
    anchor = next(p for p in d.paragraphs if p.text.startswith("- LĐLĐ tỉnh: Tổ chức Hội nghị sơ kết việc"))
    added = copy.deepcopy(anchor._p)
    anchor._p.addnext(added)
    new = next(p for p in d.paragraphs if p._p is added)
    new.runs[0].text = ("- Hội nghị tổng kết tổ chức tại {{ fields.hoi_nghi_dia_diem }}, "
                        "ngày {{ fields.hoi_nghi_ngay|short_date }}.")
    for run in new.runs[1:]:
        run.text = ""
    d.save(str(template))

    config = target / "plan.yaml"
    doc = editing.loads(config.read_text(encoding="utf-8"))
    counts = list(BOUNDARIES) + [500, 1800, 2200, 3300, 3900, 4500, 5200, 700, 1500, 2900, 3100, 6000, 1200, 2000]
    doc["units"] = [CommentedMap(name=f"Công đoàn cơ sở số {i:02d}", members=m) for i, m in enumerate(counts, 1)]
    doc["quotas"]["individual_tiers"] = [CommentedMap(t) for t in FOUR_TIERS]
    doc["signer"]["on_behalf"], doc["signer"]["title"], doc["signer"]["name"] = "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Hoàng Văn Nam"
    doc["fields"] = CommentedMap(hoi_nghi_dia_diem="Hội trường LĐLĐ tỉnh", hoi_nghi_ngay="15/4/2026")
    config.write_text(editing.dump(doc), encoding="utf-8")
    assert cli_main(["--config", str(config), "--output", str(target / "output")]) == 0
    return target


def test_a_second_plan_builds_from_a_copy_with_no_code_change(tmp_path):
    generator = ROOT / "generator"
    before = _tree_hash(generator)
    target = make_second_plan(tmp_path)
    out = target / "output"
    text = words(out / "ke_hoach.docx")
    assert ("Tổng kết 05 năm thực hiện Kết luận số 01-KL/TW của Bộ Chính trị, giai đoạn 2021–2026") in text
    assert "- Hội nghị tổng kết tổ chức tại Hội trường LĐLĐ tỉnh, ngày 15/4/2026." in text
    tiers = [t for t in text if t.startswith("+ Đơn vị có")]
    assert tiers == ["+ Đơn vị có từ 1.000 đoàn viên trở xuống đề nghị khen thưởng: 01 cá nhân;",
                     "+ Đơn vị có từ 1.001 - 2.500 đoàn viên đề nghị khen thưởng: 02 cá nhân;",
                     "+ Đơn vị có từ 2.501 - 4.000 đoàn viên đề nghị khen thưởng: 03 cá nhân;",
                     "+ Đơn vị có từ 4.001 đoàn viên trở lên đề nghị khen thưởng: 04 cá nhân;"]
    assert "KT. CHỦ TỊCH" in text and "PHÓ CHỦ TỊCH" in text and "Hoàng Văn Nam" in text
    rows = table_rows(open_doc(out / "phu_luc.docx").tables[0])
    by_members = {int(r[2].replace(".", "")): int(r[4]) for r in rows if re.fullmatch(r"[\d.]+", r[2] or "-")}
    assert len(by_members) == 20 and all(by_members[m] == q for m, q in BOUNDARIES.items())
    for name in ("ke_hoach.docx", "phu_luc.docx"):
        assert errors(out / name) == [], name
    assert _tree_hash(generator) == before  # no file under generator/ changed


def test_the_page_edits_and_builds_the_plan_of_its_config(tmp_path):
    from generator.web.app import create_app

    target = make_second_plan(tmp_path)
    app = create_app(target / "plan.yaml", tmp_path / "page-out")
    c = app.test_client()
    html = c.get("/").get_data(as_text=True)
    token = html.split('name="csrf-token" content="')[1].split('"')[0]
    assert "Công đoàn cơ sở số 20" in html
    plan = load_plan(target / "plan.yaml")
    state = {"version": "", "number": "", "day": "", "month": "2", "year": "2023",
             "units": [{"name": u.name, "orig": u.name, "members": str(u.members)} for u in plan.units]}
    res = c.post("/api/build", json=state, headers={"X-CSRF-Token": token})
    assert res.status_code == 200, res.get_json()
    assert any(t.startswith("Tổng kết 05 năm") for t in words(tmp_path / "page-out" / "ke_hoach.docx"))
    app.extensions["plan_docs"]["close"]()


def test_a_broken_tag_in_the_excel_list_template_is_named_by_its_cell(capsys, tmp_path):
    from openpyxl import load_workbook

    copy_ = tmp_path / "danh_sach_cua_toi.xlsx"  # a renamed copy: checked with everything any kind provides
    wb = load_workbook(TEMPLATES_DIR / "danh_sach.xlsx")
    wb.worksheets[0]["A7"] = "Đơn vị: {{ unit.nam }}"
    wb.save(copy_)
    code, out = check_template(capsys, copy_)
    assert code == 1 and ("LỖI: danh_sach_cua_toi.xlsx: trang «Danh sách», đoạn «A7: Đơn vị: {{ unit.nam }}»: "
                          "«unit.nam» không có trong cấu hình. Có phải ý là «unit.name»?") in out


def test_a_plan_without_nominations_checks_only_the_plans_templates(capsys, tmp_path):
    text = SHIPPED_CONFIG.read_text(encoding="utf-8")
    start, end = text.index("nominations:\n"), text.index("\n# ---", text.index("nominations:\n"))
    config = tmp_path / "plan.yaml"
    config.write_text(text[:start] + text[end + 1:], encoding="utf-8")
    capsys.readouterr()
    assert cli_main(["--config", str(config), "kiem-tra-mau"]) == 0
    assert "Tóm tắt: 0 lỗi, 0 thông tin." in capsys.readouterr().out
