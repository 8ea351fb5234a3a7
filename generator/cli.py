"""The command line: a thin door onto main.build. Catches the project's own errors and prints
them in Vietnamese; anything else is a bug and keeps its traceback."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .exceptions import GeneratorError


def _parser() -> argparse.ArgumentParser:
    from .paths import DEFAULT_CONFIG, DEFAULT_OUTPUT

    p = argparse.ArgumentParser(
        prog="build_docs.py",
        description="Tạo Kế hoạch, Phụ lục và các văn bản của vòng khen thưởng (.docx) từ tệp cấu hình YAML; "
                    "không có tùy chọn nào thì tạo Kế hoạch và Phụ lục.",
    )
    p.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="tệp cấu hình (mặc định config/plan.yaml)")
    p.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="thư mục ghi văn bản (mặc định output/)")
    p.add_argument("--templates", type=Path, default=None,
                   help="thư mục mẫu .docx (mặc định: khóa templates: của tệp cấu hình, hoặc templates/)")
    p.add_argument("--strict", action="store_true", help="coi cảnh báo (hạn ngày lệch nhau) là lỗi")
    p.add_argument("--pdf", action="store_true", help="xuất thêm PDF qua LibreOffice")
    p.add_argument("--check", nargs="+", type=Path, metavar="FILE.docx",
                   help="kiểm tra thể thức các tệp .docx theo NĐ 30/2020, không tạo văn bản")
    p.add_argument("--no-render", action="store_true", help="--check không dựng trang qua LibreOffice (nhanh hơn)")
    p.add_argument("--format", choices=("text", "json"), default="text", help="dạng kết quả của --check")
    p.add_argument("--check-template", nargs="*", type=Path, metavar="FILE.docx",
                   help="kiểm tra thẻ trong mẫu (mặc định: các mẫu của kế hoạch) với dữ liệu của tệp cấu hình")
    p.add_argument("--dump-template", type=Path, metavar="FILE.docx",
                   help="in từng đoạn của mẫu kèm tên kiểu và thẻ (để so sánh thay đổi)")
    p.add_argument("--save", action="store_true",
                   help="--dump-template ghi bản chữ vào tệp .txt cạnh mẫu (UTF-8) thay vì in ra màn hình")
    p.add_argument("--new-plan", type=Path, metavar="DIR",
                   help="chép tệp cấu hình và các mẫu sang thư mục DIR để làm kế hoạch mới")
    p.add_argument("--packs", action="store_true",
                   help="tạo bộ hồ sơ đề nghị khen thưởng cho từng đơn vị (output/ho_so/)")
    p.add_argument("--intake", type=Path, metavar="DIR",
                   help="kiểm tra các danh sách đề nghị đơn vị gửi về trong thư mục DIR, so với số lượng phân bổ")
    p.add_argument("--decision", action="store_true",
                   help="lập Tờ trình của Ban, Quyết định khen thưởng và danh sách kèm theo từ kết quả --intake "
                        "(output/quyet_dinh/)")
    p.add_argument("--allow-incomplete", action="store_true",
                   help="--decision khi còn đơn vị chưa đủ hồ sơ: lập với các đơn vị đã đủ, nêu tên các đơn vị còn thiếu")
    p.add_argument("--certificates", action="store_true",
                   help="in Bằng khen cho từng người trong danh sách của Quyết định (output/bang_khen/: .docx, .pdf, "
                        "ZIP theo đơn vị, sổ cấp bằng)")
    p.add_argument("--chase", action="store_true",
                   help="công văn đôn đốc các đơn vị mà lần --intake gần nhất đánh dấu chưa «đủ», kèm Phụ lục nội dung "
                        "cần bổ sung (output/don_doc/)")
    p.add_argument("--invitations", action="store_true",
                   help="Giấy mời dự Hội nghị (mục conference; mời cả người được khen thưởng theo Quyết định) "
                        "(output/giay_moi/)")
    p.add_argument("--prizes", action="store_true",
                   help="Danh sách nhận tiền thưởng theo danh sách của Quyết định (output/tien_thuong/)")
    p.add_argument("--results", action="store_true",
                   help="công văn gửi Quyết định khen thưởng đến các đơn vị có người được khen (output/thong_bao/)")
    p.add_argument("--no-pdf", action="store_true",
                   help="--certificates chỉ tạo .docx, không xuất PDF (mặc định: có PDF khi máy có LibreOffice)")
    p.add_argument("--serve", action="store_true", help="mở trang nhập liệu trên trình duyệt")
    p.add_argument("--port", type=int, default=8000, help="cổng của trang nhập liệu (mặc định 8000)")
    p.add_argument("--host", default="127.0.0.1", help="địa chỉ lắng nghe (mặc định 127.0.0.1, chỉ máy này)")
    p.add_argument("--allow-remote", action="store_true",
                   help="cho phép --host khác 127.0.0.1: máy khác trong mạng cũng mở và sửa được kế hoạch")
    p.add_argument("--no-browser", action="store_true", help="không tự mở trình duyệt khi --serve")
    p.add_argument("--debug", action="store_true", help="in cả traceback khi có lỗi")
    from . import __version__

    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return p


def _table(result) -> str:
    from .formatting import thousands

    rows = result.allocation.rows
    width = max([len(r.name) for r in rows] + [len("Đơn vị")])
    lines = [f"{'STT':>3}  {'Đơn vị':<{width}}  {'Đoàn viên':>10}  {'Tập thể':>7}  {'Cá nhân':>7}"]
    for r in rows:
        lines.append(f"{r.stt:>3}  {r.name:<{width}}  {thousands(r.members):>10}  {r.collectives:>7}  {r.individuals:>7}")
    t = result.allocation.totals
    prov = result.plan.provincial_row
    lines.append(f"{'':>3}  {'Tổng cộng':<{width}}  {'':>10}  {t.collectives:>7}  {t.individuals:>7}  = {t.awards}")
    lines.append(f"{len(rows) + 1:>3}  {prov.name:<{width}}  {'':>10}  {prov.text}  + {t.provincial}")
    lines.append(f"{'':>3}  {'Tổng số khen thưởng':<{width}}  {'':>10}  {'':>7}  {'':>7}  = {t.grand_total}")
    return "\n".join(lines)


def _changes(result) -> str:
    if result.old_totals is None:
        return ""
    if not result.changes and result.old_totals.get("grand_total") == result.allocation.totals.grand_total:
        return "So với lần tạo trước: không đơn vị nào thay đổi số lượng phân bổ."
    lines = ["So với lần tạo trước:"]
    for c in result.changes:
        if c.old is None:
            lines.append(f"  + {c.name}: đơn vị mới, {c.new[0]} tập thể, {c.new[1]} cá nhân")
        elif c.new is None:
            lines.append(f"  - {c.name}: đã bỏ (trước đây {c.old[0]} tập thể, {c.old[1]} cá nhân)")
        else:
            parts = []
            if c.old[0] != c.new[0]:
                parts.append(f"tập thể {c.old[0]} → {c.new[0]}")
            if c.old[1] != c.new[1]:
                parts.append(f"cá nhân {c.old[1]} → {c.new[1]}")
            lines.append(f"  * {c.name}: " + ", ".join(parts))
    o, t = result.old_totals, result.allocation.totals
    lines.append(f"  Tổng: tập thể {o['collectives']} → {t.collectives}, cá nhân {o['individuals']} → "
                 f"{t.individuals}, cộng {o['awards']} → {t.awards}, tổng chung {o['grand_total']} → {t.grand_total}")
    return "\n".join(lines)


def _warnings(plan, source) -> str:
    return "\n".join("Cảnh báo: " + w.render(source) for w in plan.warnings)


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


UNCHANGED = "Không có gì thay đổi so với lần tạo trước; các văn bản vẫn là:"


def _say_written(paths, heading: str = "Đã ghi:") -> None:
    """The documents a step wrote, as the clerk looks for them (not the set's own hidden manifest)."""
    print(heading)
    for path in paths:
        if not path.name.startswith("."):
            print(f"  {path}")


def _say_stale(args) -> None:
    """The config changed after intake: said before the decision is judged against it."""
    from .config import load_plan
    from .intake import stale

    plan = load_plan(args.config)
    for line in stale(plan, args.output) if plan.nominations is not None else []:
        print("Cảnh báo: " + line)


def _papers(args, groups: list[str]) -> int:
    from .main import build_paper

    if "chase" in groups:
        _say_stale(args)
    for group in groups:
        result = build_paper(args.config, args.output, group, args.templates)
        if group == "chase":
            chased = result.chased
            if not chased:
                print("Không có đơn vị nào cần đôn đốc: lần tiếp nhận gần nhất, mọi đơn vị đều «đủ» "
                      "(hoặc chỉ còn Cơ quan LĐLĐ tỉnh).")
                continue
            print(f"Công văn đôn đốc {len(chased)} đơn vị: " + ", ".join(f"{u['name']} ({u['status']})" for u in chased)
                  + ".")
        _say_written(result.written)
    return 0


def run(args: argparse.Namespace) -> int:
    if args.check:
        from .checker.report import run_check

        return run_check(expand(args.check), args.format, render=not args.no_render)
    if args.dump_template:
        from .templatecheck import dump

        path = args.dump_template
        if not path.is_file():
            raise GeneratorError(f"không tìm thấy mẫu {path}.")
        if path.suffix.lower() not in (".docx", ".xlsx"):
            raise GeneratorError(f"{path} không phải mẫu .docx hay .xlsx.")
        try:
            text = dump(path)
        except Exception as err:  # python-docx and openpyxl raise many kinds for a broken package
            raise GeneratorError(f"không đọc được mẫu {path} (tệp hỏng hoặc không phải tệp Word/Excel): {err}") from None
        if args.save:
            from .output import write_all

            target = path.with_name(path.name + ".txt")
            write_all(target.parent, {target.name: text.encode("utf-8")})
            print(f"Đã ghi {target}")
        else:
            sys.stdout.write(text)
        return 0
    if args.new_plan:
        from .main import new_plan

        for line in new_plan(args.config, args.new_plan):
            print(line)
        return 0
    if args.check_template is not None:
        from .main import check_templates
        from .templatecheck import LOI, report

        findings = check_templates(args.config, expand(args.check_template), args.templates)
        print(report(findings))
        return 1 if any(f.severity == LOI for f in findings) else 0
    papers = [g for g in ("chase", "invitations", "prizes", "results") if getattr(args, g)]
    if args.packs or args.intake or args.decision or args.certificates or papers:
        # What a killed earlier run left is settled before anything is read: an intake cut short
        # between its renames must not be read half old, half new by the decision.
        from .output import recover_all

        for note in recover_all(args.config, args.output):
            print(note)
    if args.packs:
        from .main import build_group

        result = build_group(args.config, args.output, "packs", args.templates)
        print(f"Đã ghi {len(result.written)} tệp hồ sơ của {len(result.allocation.rows) + 1} đơn vị vào "
              f"{args.output / 'ho_so'}.")
        return 0
    if args.intake:
        from .config import load_plan
        from .intake import run, table_text

        result = run(load_plan(args.config), args.intake, args.output)
        print(table_text(result.table))
        for problem in result.problems:
            print("LỖI: " + problem.line())
        for note in result.notes:
            print("Thông tin: " + note.line())
        if result.not_lists:
            from .sheets import KINDS_TEXT

            print(f"Không đọc (không phải danh sách {KINDS_TEXT}): " + ", ".join(result.not_lists))
        _say_written(result.written)
        return 1 if result.problems else 0
    if args.decision:
        from .main import build_decision

        convert = None
        if args.pdf:
            from .pdf import to_pdf_bytes as convert
        _say_stale(args)
        result = build_decision(args.config, args.output, args.templates, args.allow_incomplete, convert)
        a = result.awards
        for name, status in a.missing:
            print(f"Chưa đưa vào Quyết định: {name} ({status}).")
        for name, status in a.partial:
            print(f"Chưa đủ số lượng, đưa vào những gì đã nhận: {name} ({status}).")
        print(f"Quyết định: {len(a.collectives):02d} tập thể và {len(a.individuals):02d} cá nhân "
              f"của {len({x.unit for x in a.all})} đơn vị.")
        _say_written(result.written)
        return 0
    if args.certificates:
        from .main import build_certificates

        result = build_certificates(args.config, args.output, args.templates, pdf=False if args.no_pdf else None)
        print(f"Bằng khen: {len(result.awards.all)} bản, kiểu in «{result.plan.certificates.mode}», khổ "
              f"{result.plan.certificates.paper} ngang.")
        for note in result.notes:
            print(note)
        _say_written(result.written)
        return 0
    if papers:
        return _papers(args, papers)
    if args.serve:
        from .web.app import serve

        return serve(args.config, args.output, args.host, args.port, open_browser=not args.no_browser,
                     allow_remote=args.allow_remote,
                     templates_dir=args.templates)
    from .main import build
    from .output import recover_all

    for note in recover_all(args.config, args.output):
        print(note)
    result = build(args.config, args.output, args.templates, strict=args.strict)
    print(_table(result))
    if result.plan.warnings:
        print(_warnings(result.plan, str(args.config)))
    report = _changes(result)
    if report:
        print(report)
    written = list(result.written)
    if args.pdf:
        from .pdf import convert

        written += convert([p for p in result.written if p.suffix == ".docx"], args.output)
    _say_written(written, UNCHANGED if result.unchanged and not args.pdf else "Đã ghi:")
    return 0


def main(argv: list[str] | None = None) -> int:
    utf8_streams()
    args = _parser().parse_args(argv)
    if not args.serve:  # the page shows progress itself
        from . import progress

        progress.listen("cli", progress.to_stderr())
    try:
        return run(args)
    except GeneratorError as err:
        if args.debug:
            raise
        print(f"LỖI: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Đã dừng.", file=sys.stderr)
        return 130
