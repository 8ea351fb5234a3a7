"""The command line: one command per step (steps.STEPS), a thin door onto steps.run_step.

`python build_docs.py` alone builds the plan. The mode options of earlier releases (--packs,
--intake DIR, …) still work for one release and say which command replaces them. The project's
own errors are printed in Vietnamese (exit 2); anything else is a bug (exit 3, with its
traceback for whoever maintains the tool)."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__, progress, steps
from .exceptions import GeneratorError
from .paths import DEFAULT_CONFIG, DEFAULT_OUTPUT

# argparse's own words (its usage line, its errors) in Vietnamese. argparse looks `_` and
# `ngettext` up in its module when it formats, so replacing them there translates every message.
_ARGPARSE_WORDS = {
    "usage: ": "cách dùng: ",
    "positional arguments": "giá trị cần gõ",
    "options": "tùy chọn",
    "show this help message and exit": "in hướng dẫn này rồi thoát",
    "show program's version number and exit": "in số phiên bản rồi thoát",
    "%(prog)s: error: %(message)s\n": "%(prog)s: LỖI: %(message)s\n",
    "the following arguments are required: %s": "còn thiếu: %s",
    "unrecognized arguments: %s": "không hiểu: %s (xem python build_docs.py LỆNH --help)",
    "invalid choice: %(value)r (choose from %(choices)s)": "«%(value)s» không phải lệnh hay lựa chọn nào (chọn một trong: %(choices)s)",
    "expected one argument": "cần một giá trị sau tùy chọn này",
    "expected at most one argument": "chỉ nhận tối đa một giá trị",
    "expected at least one argument": "cần ít nhất một giá trị",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s: %(message)s",
    "invalid %(type)s value: %(value)r": "«%(value)s» không phải giá trị hợp lệ (%(type)s)",
    "ambiguous option: %(option)s could match %(matches)s": "tùy chọn %(option)s chưa rõ: có thể là %(matches)s",
    "not allowed with argument %s": "không dùng cùng %s",
    "ignored explicit argument %r": "tùy chọn này không nhận giá trị %r",
    "one of the arguments %s is required": "cần một trong: %s",
    "subcommands": "lệnh",
}


def _vi(text: str) -> str:
    return _ARGPARSE_WORDS.get(text, text)


def _vi_n(singular: str, plural: str, n: int) -> str:
    return "cần %s giá trị" if singular == "expected %s argument" else (singular if n == 1 else plural)


argparse._ = _vi
argparse.ngettext = _vi_n

def _terminal_width() -> int:
    """What shutil.get_terminal_size gives, less argparse's margin of 2."""
    try:
        columns = int(os.environ.get("COLUMNS", 0))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return (columns or 80) - 2


class _Formatter(argparse.HelpFormatter):
    # argparse makes a formatter on every add_argument and the default one imports shutil (with
    # bz2 and lzma, 4 ms) for the terminal's width, on every run, help or not.
    def __init__(self, prog: str, **kwargs) -> None:
        kwargs.setdefault("width", _terminal_width())
        super().__init__(prog, **kwargs)


# Options that take a value, wherever they are typed: what follows them is never the command.
_VALUED = ("--config", "--output", "--templates", "--port", "--host", "--format")


def _common() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False, formatter_class=_Formatter)
    p.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="tệp cấu hình (mặc định config/plan.yaml)")
    p.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="thư mục ghi văn bản (mặc định output/)")
    p.add_argument("--templates", type=Path, default=None,
                   help="thư mục mẫu .docx (mặc định: khóa templates: của tệp cấu hình, hoặc templates/)")
    p.add_argument("--debug", action="store_true", help="in cả traceback khi có lỗi")
    return p


def _own_options(key: str, p: argparse.ArgumentParser) -> None:
    """Each step's own options; a step accepts no other's."""
    if key == "plan":
        p.add_argument("--strict", action="store_true", help="coi cảnh báo (hạn ngày lệch nhau) là lỗi")
        p.add_argument("--pdf", action="store_true", help="xuất thêm PDF qua LibreOffice")
    elif key == "intake":
        p.add_argument("folder", type=Path, metavar="THƯ_MỤC", help="thư mục chứa danh sách các đơn vị gửi về")
    elif key == "decision":
        p.add_argument("--allow-incomplete", action="store_true",
                       help="lập cả khi còn đơn vị chưa đủ hồ sơ: với các đơn vị đã đủ, nêu tên các đơn vị còn thiếu")
        p.add_argument("--pdf", action="store_true", help="xuất thêm PDF qua LibreOffice")
    elif key == "certificates":
        p.add_argument("--no-pdf", action="store_true",
                       help="chỉ tạo .docx, không xuất PDF (mặc định: có PDF khi máy có LibreOffice)")
    elif key == "check":
        p.add_argument("files", nargs="+", type=Path, metavar="TỆP.docx", help="các tệp cần kiểm tra (nhận cả *.docx)")
        p.add_argument("--no-render", action="store_true", help="không dựng trang qua LibreOffice (nhanh hơn)")
        p.add_argument("--format", choices=("text", "json"), default="text", help="dạng kết quả")
    elif key == "check_template":
        p.add_argument("files", nargs="*", type=Path, metavar="TỆP.docx", help="các mẫu (mặc định: mọi mẫu của kế hoạch)")
    elif key == "dump_template":
        p.add_argument("file", type=Path, metavar="TỆP.docx", help="mẫu .docx hoặc .xlsx")
        p.add_argument("--save", action="store_true",
                       help="ghi bản chữ vào tệp .txt cạnh mẫu (UTF-8) thay vì in ra màn hình")
    elif key == "new_plan":
        p.add_argument("folder", type=Path, metavar="THƯ_MỤC", help="thư mục mới cho kế hoạch mới")
    elif key == "serve":
        p.add_argument("--port", type=int, default=8000, help="cổng của trang (mặc định 8000)")
        p.add_argument("--host", default="127.0.0.1", help="địa chỉ lắng nghe (mặc định 127.0.0.1, chỉ máy này)")
        p.add_argument("--allow-remote", action="store_true",
                       help="cho phép --host khác 127.0.0.1: máy khác trong mạng cũng mở và sửa được kế hoạch")
        p.add_argument("--no-browser", action="store_true", help="không tự mở trình duyệt")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="build_docs.py",
        formatter_class=_Formatter,
        description="Tạo Kế hoạch, Phụ lục và các văn bản của vòng khen thưởng (.docx) từ tệp cấu hình YAML. "
                    "Không gõ lệnh nào thì tạo Kế hoạch và Phụ lục.",
        epilog="Xem hướng dẫn của một lệnh: python build_docs.py LỆNH --help. Mã thoát: 0 xong, 1 có lỗi trong "
               "tệp được kiểm tra, 2 lỗi dữ liệu hoặc cách gõ, 3 lỗi của chương trình.",
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}", help="in số phiên bản rồi thoát")
    commands = p.add_subparsers(dest="command", metavar="LỆNH", title="lệnh")
    common = _common()
    for step in steps.STEPS:
        sub = commands.add_parser(step.command, parents=[common], help=step.help, description=step.help[:1].upper()
                                  + step.help[1:] + ".", prog=f"build_docs.py {step.command}",
                                  formatter_class=_Formatter)
        _own_options(step.key, sub)
    return p


def _command_at(argv: list[str]) -> int | None:
    """Where the command word is, skipping the values of options."""
    i = 0
    while i < len(argv):
        word = argv[i]
        if word in _VALUED:
            i += 2
            continue
        if not word.startswith("-") and word in steps.BY_COMMAND:
            return i
        i += 1
    return None


# The later papers' old options could be given together, and each was made in turn.
_PAPERS = ("chase", "invitations", "prizes", "results")


def _old_flags(argv: list[str]) -> tuple[list[list[str]], list[str]]:
    """The mode options of earlier releases rewritten to their commands (one command line per
    step), and what to tell the clerk about each. Two modes at once were never both done (the
    first won, silently): they are refused, except the later papers, which were made in turn."""
    old = {step.old_flag: step for step in steps.STEPS if step.old_flag}
    found = [(i, old[w]) for i, w in enumerate(argv) if w in old]
    if not found:
        return [argv], []
    several = len(found) > 1 and not all(step.key in _PAPERS for _, step in found)
    if several or _command_at(argv) is not None:
        named = ", ".join(f"«{argv[i]}»" for i, _ in found)
        raise GeneratorError(f"mỗi lần chỉ một việc: {named} là nhiều lệnh cùng lúc. Gõ từng lệnh một, ví dụ "
                             f"python build_docs.py {found[0][1].command}.")
    rest = [w for i, w in enumerate(argv) if i not in {j for j, _ in found}]
    notes = [f"Ghi chú: «{step.old_flag}» nay là lệnh «{step.command}» (python build_docs.py {step.command} …); "
             "cách gõ cũ còn dùng được đến phiên bản sau." for _, step in found]
    return [[step.command] + rest for _, step in found], notes


def _arguments(argv: list[str]) -> tuple[list[list[str]], list[str]]:
    lines, notes = _old_flags(list(argv))
    out = []
    for words in lines:
        at = _command_at(words)
        if at is not None:
            out.append([words[at]] + words[:at] + words[at + 1:])
        elif any(w in ("-h", "--help", "--version") for w in words):
            out.append(words)  # the tool's own help and version
        else:
            out.append(["ke-hoach"] + words)  # no command: the plan, as ever
    return out, notes


def parse(argv: list[str]) -> list[argparse.Namespace]:
    """The command line as parsed steps (one, or the old options' papers in turn); the notes on
    old options are printed to stderr."""
    lines, notes = _arguments(argv)
    for note in notes:
        print(note, file=sys.stderr)
    parser = _parser()
    return [parser.parse_args(words) for words in lines]


def request_of(args: argparse.Namespace) -> tuple[str, steps.Request]:
    """The parsed command line as the step's request."""
    step = steps.BY_COMMAND[args.command]
    paths: tuple[Path, ...] = ()
    if hasattr(args, "files"):
        paths = tuple(expand(args.files))
    elif hasattr(args, "folder"):
        paths = (args.folder,)
    elif hasattr(args, "file"):
        paths = (args.file,)
    options = {k: v for k, v in vars(args).items()
               if k not in ("command", "config", "output", "templates", "debug", "files", "folder", "file")}
    if "no_pdf" in options:
        options["pdf"] = False if options.pop("no_pdf") else None  # None: when LibreOffice is there
    if "no_render" in options:
        options["render"] = not options.pop("no_render")
    if "no_browser" in options:
        options["browser"] = not options.pop("no_browser")
    return step.key, steps.Request(args.config, args.output, args.templates, paths, options)


def _serve(request: steps.Request) -> int:
    """`trang`: the page, the other door onto the steps."""
    from .web.app import serve  # Flask: only for the page

    return serve(request.config, request.output, request.option("host", "127.0.0.1"), request.option("port", 8000),
                 open_browser=request.option("browser", True), allow_remote=request.option("allow_remote", False),
                 templates_dir=request.templates)


def utf8_streams() -> None:
    """A pipe or a redirect on Windows gets the ANSI code page (cp1252 has no «Ổ»), and one
    unencodable letter ends the run after the documents are written. The tool's words are
    Vietnamese, so it speaks UTF-8 whatever the console or the pipe; Windows' own console
    already takes UTF-8 from Python and is left alone."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")


def expand(paths: list[Path]) -> list[Path]:
    """File names as the clerk typed them. cmd.exe and PowerShell hand `*.docx` over as it is
    (only POSIX shells expand it), so a name that does not exist but holds * ? [ is a pattern."""
    import glob

    found: list[Path] = []
    for path in paths:
        text = str(path)
        if path.exists() or not any(ch in text for ch in "*?["):
            found.append(path)
            continue
        matches = sorted(glob.glob(text))
        if not matches:
            raise GeneratorError(f"không có tệp nào khớp «{text}».")
        found.extend(Path(m) for m in matches)
    return found


def main(argv: list[str] | None = None) -> int:
    utf8_streams()
    debug = "--debug" in (sys.argv[1:] if argv is None else argv)
    try:
        try:
            parsed = parse(sys.argv[1:] if argv is None else argv)
        except SystemExit as stop:  # argparse's answer (help, version, a mistyped command): already printed
            return stop.code if isinstance(stop.code, int) else steps.CLERKS_INPUT
        if parsed[0].command != "trang":  # the page shows progress itself
            progress.listen("cli", progress.to_stderr())
        code = steps.DONE
        for args in parsed:
            key, request = request_of(args)
            if key == "serve":
                return _serve(request)
            done = steps.run_step(key, request)
            for line in done.lines:
                print(line)
            code = max(code, done.code)
        return code
    except GeneratorError as err:
        if debug:
            raise
        print(f"LỖI: {err}", file=sys.stderr)
        return steps.CLERKS_INPUT
    except KeyboardInterrupt:
        print("Đã dừng.", file=sys.stderr)
        return 130
    except Exception:
        if debug:
            raise
        import traceback

        traceback.print_exc()  # for whoever maintains the tool
        print("LỖI của chương trình (không phải của dữ liệu): chép các dòng trên gửi người phụ trách.", file=sys.stderr)
        return steps.BUG
