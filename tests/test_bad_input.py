"""Bad input never corrupts, loses or silently mis-states a document.

Each case starts from a good build in `out`, breaks one thing, and checks the message (in
Vietnamese, naming the field, unit and line), the exit code, and that the last good documents
are byte-for-byte what they were, with no stray temporary file."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import pytest

from generator import output
from generator.cli import main as cli_main
from generator.exceptions import OutputError

from .conftest import ROOT, SHIPPED_CONFIG
from .docx_read import full_text, open_doc, table_rows

SHIPPED = SHIPPED_CONFIG.read_text(encoding="utf-8")


class Case:
    """A workspace with a good build already in out/."""

    def __init__(self, tmp: Path):
        self.config = tmp / "plan.yaml"
        self.out = tmp / "out"
        self.templates = tmp / "templates"
        shutil.copytree(ROOT / "templates", self.templates)
        self.config.write_text(SHIPPED, encoding="utf-8")
        assert self.run() == 0
        self.good = self.snapshot()

    def snapshot(self) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in sorted(self.out.iterdir())}

    def edit(self, old: str, new: str, count: int = 1) -> None:
        text = self.config.read_text(encoding="utf-8")
        assert text.count(old) >= count, old
        self.config.write_text(text.replace(old, new, count), encoding="utf-8")

    def line_of(self, needle: str) -> int:
        lines = self.config.read_text(encoding="utf-8").splitlines()
        return next(i for i, line in enumerate(lines, 1) if needle in line)

    def line_exact(self, whole_line: str) -> int:
        lines = self.config.read_text(encoding="utf-8").splitlines()
        return next(i for i, line in enumerate(lines, 1) if line.strip() == whole_line)

    def run(self, *extra: str) -> int:
        return cli_main(["--config", str(self.config), "--output", str(self.out),
                         "--templates", str(self.templates), *extra])

    def fails(self, capsys, *extra: str) -> str:
        capsys.readouterr()
        assert self.run(*extra) == 2
        printed = capsys.readouterr()
        assert "Traceback" not in printed.err + printed.out
        assert self.snapshot() == self.good, "the last good build was touched"
        assert not [p for p in self.out.iterdir() if p.name.endswith((".tmp", ".old")) or p.name.startswith(".dang-ghi")], \
            "stray temporary file"
        return printed.err


@pytest.fixture
def case(tmp_path) -> Case:
    return Case(tmp_path)


# -- YAML that does not parse -------------------------------------------------------------

def test_unclosed_bracket_names_the_line_and_the_fix(case, capsys):
    case.edit("  - name: LĐLĐ huyện Bắc Sơn\n", "  - name: [LĐLĐ huyện Bắc Sơn\n")
    err = case.fails(capsys)
    assert "cú pháp YAML" in err and "ngoặc" in err
    assert re.search(r"dòng (\d+)", err)
    assert int(re.search(r"dòng (\d+)", err).group(1)) >= case.line_of("[LĐLĐ huyện Bắc Sơn")


def test_tab_indentation_is_named_as_such(case, capsys):
    case.edit("    members: 2.088", "\tmembers: 2.088")
    err = case.fails(capsys)
    assert "Tab" in err and "dấu cách" in err and f"dòng {case.line_of(chr(9) + 'members')}" in err


# -- fields missing, of the wrong type, unknown -------------------------------------------

def test_missing_members_names_the_unit_and_its_line(case, capsys):
    case.edit("  - name: LĐLĐ huyện Văn Quan\n    members: 2.170\n", "  - name: LĐLĐ huyện Văn Quan\n")
    err = case.fails(capsys)
    assert 'units[9].members (đơn vị "LĐLĐ huyện Văn Quan"): thiếu trường "members"' in err
    assert f"dòng {case.line_of('LĐLĐ huyện Văn Quan')}" in err


def test_missing_top_level_section(case, capsys):
    text = case.config.read_text(encoding="utf-8")
    start = text.index("\nsigner:\n") + 1  # the top-level section, not provincial_row's own signer
    end = text.index("\n# ---", start)
    case.config.write_text(text[:start] + text[end:], encoding="utf-8")
    assert 'signer: thiếu trường "signer"' in case.fails(capsys)


def test_misspelt_key_suggests_the_known_one(case, capsys):
    case.edit("    members: 1.509", "    memebrs: 1.509")
    err = case.fails(capsys)
    assert 'trường "memebrs" không có trong mẫu. Có phải ý là "members"?' in err
    assert 'đơn vị "LĐLĐ huyện Đình Lập"' in err and f"dòng {case.line_of('memebrs')}, cột 5" in err


def test_units_of_the_wrong_type(case, capsys):
    text = case.config.read_text(encoding="utf-8")
    case.config.write_text(text[: text.index("units:\n")] + "units: Lạng Sơn\n", encoding="utf-8")
    assert "units: cần là một danh sách" in case.fails(capsys)


def test_a_list_where_a_number_belongs(case, capsys):
    case.edit("members: 4.468", "members: [4, 468]")
    assert 'units[1].members (đơn vị "LĐLĐ Thành phố"): cần một số nguyên' in case.fails(capsys)


# -- member counts ------------------------------------------------------------------------

def test_vietnamese_grouping_4_468_means_4468_members(case):
    assert case.run() == 0
    assert table_rows(open_doc(case.out / "phu_luc.docx").tables[0])[2][2] == "4.468"


def test_plain_4468_is_read_the_same(case):
    case.edit("members: 4.468", "members: 4468")
    assert case.run() == 0
    assert case.snapshot()["phu_luc.docx"] == case.good["phu_luc.docx"]


@pytest.mark.parametrize("typed, why", [
    ("4.5", "số lẻ như 4.5 không phải số người"),
    ("4,5", "dấu phẩy không dùng ở đây"),
    ("-5", "không thể âm"),
    ("nhiều", "chỉ được ghi chữ số"),
    ("4.46", "dấu chấm chỉ dùng để ngăn từng nhóm ba chữ số"),
    ("4.4680", "dấu chấm chỉ dùng để ngăn từng nhóm ba chữ số"),
    ("1e3", "chỉ được ghi chữ số"),
])
def test_member_counts_that_are_not_whole_numbers_are_refused_never_rounded(case, capsys, typed, why):
    case.edit("members: 2.439", f"members: {typed}")
    err = case.fails(capsys)
    assert f'units[5].members (đơn vị "LĐLĐ Huyện Chi Lăng"): "{typed}" không phải số nguyên hợp lệ' in err
    assert why in err and f"dòng {case.line_exact('members: ' + typed)}, cột 14" in err


def test_empty_member_count(case, capsys):
    case.edit("members: 2.439", "members:")
    assert "cần một số nguyên, không được để trống" in case.fails(capsys)


# -- the unit list ------------------------------------------------------------------------

def test_empty_unit_list(case, capsys):
    text = case.config.read_text(encoding="utf-8")
    case.config.write_text(text[: text.index("units:\n")] + "units: []\n", encoding="utf-8")
    assert "units: danh sách đơn vị trống" in case.fails(capsys)


def test_same_name_twice_after_trimming_and_unicode_normalisation(case, capsys):
    nfd = unicodedata.normalize("NFD", "LĐLĐ huyện Cao Lộc")
    case.edit("  - name: LĐLĐ huyện Bắc Sơn", f"  - name: '  {nfd}  '")
    err = case.fails(capsys)
    assert 'units[11].name (đơn vị "LĐLĐ huyện Cao Lộc"): trùng tên với đơn vị số 2' in err


# -- dates --------------------------------------------------------------------------------

def test_a_date_that_does_not_exist(case, capsys):
    case.edit("conference_by: 30/4/2023", "conference_by: 30/02/2023")
    err = case.fails(capsys)
    assert "schedule.conference_by" in err and "không có thật" in err
    assert f"dòng {case.line_of('30/02/2023')}" in err


def test_a_plan_day_that_does_not_exist(case, capsys):
    case.edit("    day: null", "    day: 30")
    assert "document.date.day: ngày 30/2/2023 không có thật" in case.fails(capsys)


def test_reports_due_before_the_review_ends_warns_and_builds(case, capsys):
    capsys.readouterr()
    assert case.run() == 0
    printed = capsys.readouterr().out
    assert "Cảnh báo" in printed and "schedule.reports_due" in printed
    assert "hạn gửi báo cáo (07/4/2023) đến trước hạn hoàn thành sơ kết ở đơn vị (10/4/2023)" in printed


def test_strict_turns_the_deadline_warning_into_an_error(case, capsys):
    err = case.fails(capsys, "--strict")
    assert "--strict" in err and "07/4/2023" in err and "10/4/2023" in err


def test_deadlines_in_order_give_no_warning(case, capsys):
    case.edit("reports_due: 07/4/2023", "reports_due: 14/4/2023")
    capsys.readouterr()
    assert case.run("--strict") == 0
    assert "Cảnh báo" not in capsys.readouterr().out


# -- text ---------------------------------------------------------------------------------

def test_decomposed_vietnamese_becomes_composed(case):
    nfd = unicodedata.normalize("NFD", "LĐLĐ huyện Bắc Sơn")
    assert nfd != "LĐLĐ huyện Bắc Sơn"
    case.edit("  - name: LĐLĐ huyện Bắc Sơn", f"  - name: {nfd}")
    assert case.run() == 0
    names = [r[1] for r in table_rows(open_doc(case.out / "phu_luc.docx").tables[0])]
    assert "LĐLĐ huyện Bắc Sơn" in names and nfd not in names


def test_control_character_is_refused_with_the_field_named(case, capsys):
    case.edit("  - name: LĐLĐ huyện Bắc Sơn", '  - name: "LĐLĐ huyện\\x0b Bắc Sơn"')
    err = case.fails(capsys)
    assert "units[11].name" in err and "U+000B" in err


def test_xml_special_characters_appear_as_typed(case):
    typed = "CĐ A & B <Cơ sở> \"Hợp nhất\" 'Một'"
    case.edit("  - name: Công đoàn Viên chức", "  - name: " + repr(typed).replace("\\'", "''"))
    assert case.run() == 0
    rows = table_rows(open_doc(case.out / "phu_luc.docx").tables[0])
    assert rows[15][1] == typed and len(rows) == 18  # no row lost after the name
    case.edit("name: LĐLĐ huyện Bắc Sơn", "name: 'Ban A & B'")
    case.edit("issuer: Tỉnh ủy Lạng Sơn", "issuer: Tỉnh ủy <Lạng Sơn> & \"X\"")
    assert case.run() == 0
    assert "của Tỉnh ủy <Lạng Sơn> & \"X\" về Sơ kết" in full_text(open_doc(case.out / "ke_hoach.docx"))


def test_template_syntax_in_a_config_value_is_printed_not_run(case):
    case.edit("  - name: Công đoàn Viên chức", "  - name: '{{ 7*7 }} {% raw %}'")
    assert case.run() == 0
    assert table_rows(open_doc(case.out / "phu_luc.docx").tables[0])[15][1] == "{{ 7*7 }} {% raw %}"


# -- templates ----------------------------------------------------------------------------

def _edit_template(path: Path, old: str, new: str) -> None:
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = parts["word/document.xml"].decode()
    assert old in xml
    parts["word/document.xml"] = xml.replace(old, new, 1).encode()
    with zipfile.ZipFile(path, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)


def test_template_naming_an_unknown_variable(case, capsys):
    _edit_template(case.templates / "ke_hoach.docx", "{{ signer.name }}", "{{ nguoi_ky }}")
    err = case.fails(capsys)
    assert "mẫu dùng biến không có trong cấu hình" in err
    assert "mẫu ke_hoach.docx: thân văn bản, đoạn «{{ nguoi_ky }}»: «nguoi_ky» không có trong cấu hình." in err


def test_template_naming_an_unknown_field(case, capsys):
    _edit_template(case.templates / "phu_luc.docx", "{{ r.members|thousands }}", "{{ r.member|thousands }}")
    err = case.fails(capsys)
    assert "mẫu phu_luc.docx: thân văn bản, đoạn «" in err and "{{ r.member|thousands }}" in err
    assert "«rows.member» không có trong cấu hình. Có phải ý là «rows.members»?" in err


def test_template_with_a_broken_tag(case, capsys):
    _edit_template(case.templates / "ke_hoach.docx", "{{ signer.title }}", "{{ signer.title }")
    err = case.fails(capsys)
    assert "mẫu ke_hoach.docx có thẻ hỏng" in err and "signer.title" in err


def test_template_with_an_unclosed_block(case, capsys):
    _edit_template(case.templates / "ke_hoach.docx", "{% endif %}{% if r.note %}", "{% if r.note %}")
    err = case.fails(capsys)
    assert "mẫu ke_hoach.docx có thẻ hỏng" in err and "endif" in err


def test_missing_template(case, capsys):
    (case.templates / "phu_luc.docx").unlink()
    assert "không tìm thấy mẫu" in case.fails(capsys) and "phu_luc.docx" in capsys.readouterr().err + "phu_luc.docx"


def test_template_that_is_not_a_docx(case, capsys):
    (case.templates / "ke_hoach.docx").write_bytes(b"\xd0\xcf\x11\xe0 an old .doc file")
    err = case.fails(capsys)
    assert "không phải tệp Word .docx" in err and "ke_hoach.docx" in err


# -- output -------------------------------------------------------------------------------

def test_output_folder_that_cannot_be_created(case, capsys, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    capsys.readouterr()
    assert cli_main(["--config", str(case.config), "--output", str(blocker / "out")]) == 2
    err = capsys.readouterr().err
    assert "không ghi được" in err and "Traceback" not in err


def test_document_locked_by_word_leaves_the_previous_build(case, capsys, monkeypatch):
    real_replace = os.replace

    def locked(src, dst):
        if Path(dst).name == "phu_luc.docx" and not str(src).endswith(".old"):
            raise PermissionError(13, "The process cannot access the file", str(dst))
        return real_replace(src, dst)

    case.edit("members: 1.509", "members: 2.509")  # a real change, so a partial write would show
    monkeypatch.setattr(output.os, "replace", locked)
    err = case.fails(capsys)
    assert "đang mở trong Word" in err and "phu_luc.docx" in err


def test_write_all_cleans_up_when_writing_fails(tmp_path, monkeypatch):
    (tmp_path / "a.docx").write_bytes(b"old")

    def full_disk(*_):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output.os, "fsync", full_disk)
    with pytest.raises(OutputError):
        output.write_all(tmp_path, {"a.docx": b"new", "b.docx": b"new"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.docx"]
    assert (tmp_path / "a.docx").read_bytes() == b"old"


# -- the run as the clerk sees it ---------------------------------------------------------

def test_the_real_command_exits_non_zero_without_a_traceback(case):
    case.edit("members: 2.439", "members: 2,439")
    proc = subprocess.run([sys.executable, str(ROOT / "build_docs.py"), "--config", str(case.config),
                           "--output", str(case.out)], capture_output=True, text=True)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("LỖI: Tệp cấu hình có 1 lỗi")
    assert case.snapshot() == case.good


def test_debug_shows_the_traceback(case):
    case.edit("members: 2.439", "members: 2,439")
    proc = subprocess.run([sys.executable, str(ROOT / "build_docs.py"), "--config", str(case.config),
                           "--output", str(case.out), "--debug"], capture_output=True, text=True)
    assert proc.returncode != 0 and "Traceback" in proc.stderr and "ConfigError" in proc.stderr


def test_every_mistake_is_listed_at_once(case, capsys):
    case.edit("members: 2.439", "members: -1")
    case.edit("members: 4.098", "members: nhiều")
    err = case.fails(capsys)
    assert "Tệp cấu hình có 2 lỗi" in err and "LĐLĐ Huyện Chi Lăng" in err and "Công đoàn Viên chức" in err


def test_config_file_missing(tmp_path, capsys):
    assert cli_main(["--config", str(tmp_path / "none.yaml"), "--output", str(tmp_path / "o")]) == 2
    assert "không tìm thấy tệp cấu hình" in capsys.readouterr().err


def test_documents_get_the_usual_file_permissions_not_mkstemps_0600(tmp_path):
    mask = os.umask(0)
    os.umask(mask)
    output.write_all(tmp_path, {"a.docx": b"new"})
    assert (tmp_path / "a.docx").stat().st_mode & 0o777 == 0o666 & ~mask != 0o600


@pytest.mark.parametrize("typed, why", [("10.000.001", "10.000.001 quá lớn (tối đa 10.000.000)"),
                                        ("1" + "0" * 30, "quá nhiều chữ số (31)"),
                                        ("9" * 4301, "quá nhiều chữ số (4301)")])
def test_a_member_count_no_union_has_is_refused_with_its_line(case, capsys, typed, why):
    case.edit("members: 4.468", f"members: {typed}")
    err = case.fails(capsys)
    line = case.line_of(f"members: {typed[:20]}")
    assert f"dòng {line}" in err and "units[1].members" in err and why in err


@pytest.mark.parametrize("hidden", ["\u200b", "\u202e", "\u00ad"])
def test_an_invisible_character_in_a_unit_name_is_refused(case, capsys, hidden):
    case.edit("name: LĐLĐ huyện Cao Lộc", f"name: LĐLĐ huyện Cao{hidden} Lộc")
    err = case.fails(capsys)
    assert "units[2].name" in err and f"ký tự vô hình U+{ord(hidden):04X}" in err and "gõ lại" in err
