"""The command line: a command per step, the old mode options still understood for one release,
argparse speaking Vietnamese, and the README's exit codes (0 done, 1 findings, 2 the clerk's
input, 3 a bug)."""
from __future__ import annotations

import pytest

from generator import steps
from generator.cli import main as cli_main
from generator.cli import parse
from tests.conftest import SHIPPED_CONFIG

# The old option, with what it took, and the command that replaces it.
OLD_AND_NEW = [(["--packs"], ["ho-so"]), (["--intake", "nop"], ["tiep-nhan", "nop"]),
               (["--decision", "--allow-incomplete"], ["quyet-dinh", "--allow-incomplete"]),
               (["--certificates", "--no-pdf"], ["bang-khen", "--no-pdf"]), (["--chase"], ["don-doc"]),
               (["--invitations"], ["giay-moi"]), (["--prizes"], ["tien-thuong"]), (["--results"], ["gui-quyet-dinh"]),
               (["--check", "a.docx", "--format", "json"], ["kiem-tra", "a.docx", "--format", "json"]),
               (["--check-template"], ["kiem-tra-mau"]), (["--dump-template", "t.docx"], ["xem-mau", "t.docx"]),
               (["--new-plan", "moi"], ["ke-hoach-moi", "moi"]), (["--serve", "--port", "8001"], ["trang", "--port", "8001"])]


def test_every_step_has_one_command_and_every_command_one_step():
    assert len({s.command for s in steps.STEPS}) == len({s.key for s in steps.STEPS}) == len(steps.STEPS)
    assert all(s.command.isascii() and s.command == s.command.lower() for s in steps.STEPS)


@pytest.mark.parametrize("old, new", OLD_AND_NEW, ids=[o[0] for o, _ in OLD_AND_NEW])
def test_an_old_mode_option_still_works_and_names_the_command_that_replaces_it(old, new, capsys):
    assert parse(["--config", "x.yaml", *old]) == parse(["--config", "x.yaml", *new])
    err = capsys.readouterr().err
    assert f"«{old[0]}» nay là lệnh «{new[0]}»" in err


def test_no_command_builds_the_plan_as_ever(tmp_path, capsys):
    assert cli_main(["--config", str(SHIPPED_CONFIG), "--output", str(tmp_path)]) == 0
    assert (tmp_path / "ke_hoach.docx").is_file() and (tmp_path / "phu_luc.docx").is_file()
    (explicit,) = parse(["ke-hoach", "--output", str(tmp_path)])
    (implied,) = parse(["--output", str(tmp_path)])
    assert explicit == implied


def test_the_options_may_come_before_or_after_the_command():
    assert parse(["--config", "a.yaml", "ho-so", "--output", "o"]) == parse(["ho-so", "--config", "a.yaml", "--output", "o"])
    # A value that is a command's name is still the option's value.
    (args,) = parse(["--output", "ho-so"])
    assert args.command == "ke-hoach" and str(args.output) == "ho-so"


def test_two_modes_at_once_are_refused_not_one_silently_done(tmp_path, capsys):
    assert cli_main(["--config", str(SHIPPED_CONFIG), "--output", str(tmp_path), "--packs", "--decision"]) == 2
    err = capsys.readouterr().err
    assert "mỗi lần chỉ một việc" in err and "Traceback" not in err
    assert not any(tmp_path.iterdir())


def test_the_old_later_papers_together_are_still_made_in_turn():
    assert [a.command for a in parse(["--invitations", "--prizes"])] == ["giay-moi", "tien-thuong"]


def test_an_option_of_another_step_is_refused_not_ignored(tmp_path, capsys):
    assert cli_main(["--config", str(SHIPPED_CONFIG), "--output", str(tmp_path), "--allow-incomplete"]) == 2
    err = capsys.readouterr().err
    assert "không hiểu: --allow-incomplete" in err
    assert not any(tmp_path.iterdir())


def test_argparse_speaks_vietnamese(capsys):
    with pytest.raises(SystemExit) as stopped:
        parse(["tiep-nhan"])
    err = capsys.readouterr().err
    assert stopped.value.code == 2
    assert "cách dùng:" in err and "LỖI: còn thiếu: THƯ_MỤC" in err
    assert "usage" not in err and "error" not in err and "required" not in err
    with pytest.raises(SystemExit):
        parse(["--help"])
    out = capsys.readouterr().out
    assert "tùy chọn:" in out and "in hướng dẫn này rồi thoát" in out and "show " not in out
    for step in steps.STEPS:
        assert step.command in out


def test_version(capsys):
    from generator import __version__

    with pytest.raises(SystemExit) as stopped:
        parse(["--version"])
    assert stopped.value.code == 0 and capsys.readouterr().out.strip() == f"build_docs.py {__version__}"


def test_exit_codes_are_the_readmes(tmp_path, capsys, monkeypatch, config_copy):
    assert cli_main(["--config", str(SHIPPED_CONFIG), "--output", str(tmp_path / "a")]) == steps.DONE
    broken = tmp_path / "hong.docx"
    broken.write_bytes(b"not a zip")
    assert cli_main(["kiem-tra", str(broken), "--no-render"]) == steps.FINDINGS
    config_copy.write_text(config_copy.read_text(encoding="utf-8").replace("members: 4.468", "members: 4,5", 1),
                           encoding="utf-8")
    assert cli_main(["--config", str(config_copy), "--output", str(tmp_path / "b")]) == steps.CLERKS_INPUT
    capsys.readouterr()

    def a_bug(request):
        raise ZeroDivisionError("a slip in the code")

    monkeypatch.setitem(steps.BY_KEY, "packs", steps.BY_KEY["packs"]._replace(run=a_bug))
    assert cli_main(["ho-so", "--config", str(SHIPPED_CONFIG), "--output", str(tmp_path / "c")]) == steps.BUG
    err = capsys.readouterr().err
    assert "ZeroDivisionError" in err and "LỖI của chương trình" in err
