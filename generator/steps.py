"""What a clerk does, as data: one Step per action of the cycle, each naming its command, the
config sections it needs (documents.NEEDS, through main.require), what it runs, and what it
says when done. The command line (cli.py) and the page (web/) are two doors onto `run_step`:
neither builds anything itself.

A step is load → check → compute → build the context → render → write atomically; those
stages are main.py's and the registry's (documents.py). Here is only which step runs which,
in which order, and its summary.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Mapping, NamedTuple

from . import output, summary
from .exceptions import GeneratorError
from .paths import DEFAULT_CONFIG, DEFAULT_OUTPUT

# Exit codes, as the README documents them.
DONE, FINDINGS, CLERKS_INPUT, BUG = 0, 1, 2, 3


class Request(NamedTuple):
    """What a door hands a step: the plan's files and the step's own options."""

    config: Path = DEFAULT_CONFIG
    output: Path = DEFAULT_OUTPUT
    templates: Path | None = None  # None: the plan's own (its `templates:` key), else templates/
    paths: tuple[Path, ...] = ()  # the folder of lists, the files to check, the new plan's folder
    options: Mapping[str, Any] = {}  # the step's own: allow_incomplete, pdf, strict, …

    def option(self, name: str, default: Any = None) -> Any:
        return self.options.get(name, default)


class Done(NamedTuple):
    result: Any  # the step's own record (main.BuildResult, main.AwardResult, intake.Result, …)
    lines: tuple[str, ...]  # what the step says, in the command line's words
    code: int = DONE


class Step(NamedTuple):
    key: str
    command: str  # what the clerk types: Vietnamese without diacritics
    title: str  # what the clerk calls it
    help: str
    run: Callable[[Request], Any] | None  # None: the page, which the command line opens itself
    say: Callable[[Any, Request], list[str]] = lambda result, request: []
    # What the clerk must read before the step is judged (a config changed since intake):
    # told at once, so it is seen even when the step then refuses.
    before: Callable[[Request], list[str]] = lambda request: []
    code: Callable[[Any], int] = lambda result: DONE
    settles: bool = True  # what a killed earlier run left in output/ is settled first
    old_flag: str | None = None  # the option that was this step before the commands


def _plan(request: Request):
    from . import main  # the build imports yaml and the registry: not for --help

    edited = request.option("plan")  # the page's: the plan as its form holds it, checked by the same validator
    if edited is not None:
        result = main.build_plan(edited, request.output, request.templates or main.templates_for(edited, request.config))
    else:
        result = main.build(request.config, request.output, request.templates, strict=request.option("strict", False))
    if request.option("pdf"):
        from . import pdf  # subprocess: only when PDFs are asked for

        pdfs = pdf.convert([p for p in result.written if p.suffix == ".docx"], request.output)
        result = result._replace(written=list(result.written) + pdfs)
    return result


def _packs(request: Request):
    from . import main  # the build (yaml, the registry): not for --help

    return main.build_group(request.config, request.output, "packs", request.templates)


def _intake(request: Request):
    from . import config, intake, main  # yaml and openpyxl: only when lists are read

    plan = config.load_plan(request.config)
    main.require(plan, "intake", str(request.config))
    return intake.run(plan, request.paths[0], request.output)


def _decision(request: Request):
    from . import main, pdf  # the build (yaml, the registry): not for --help

    convert = request.option("convert") or (pdf.to_pdf_bytes if request.option("pdf") else None)
    return main.build_decision(request.config, request.output, request.templates,
                               request.option("allow_incomplete", False), convert)


def _certificates(request: Request):
    from . import main  # the build (yaml, the registry): not for --help

    return main.build_certificates(request.config, request.output, request.templates, pdf=request.option("pdf"))


def _paper(group: str) -> Callable[[Request], Any]:
    def run(request: Request):
        from . import main  # the build (yaml, the registry): not for --help

        return main.build_paper(request.config, request.output, group, request.templates)

    return run


def _check(request: Request):
    from .checker.report import check_files  # lxml and the rules: only when a file is checked

    return check_files(list(request.paths), render=request.option("render", True))


def _check_template(request: Request):
    from . import main  # the build (yaml, the registry): not for --help

    return main.check_templates(request.config, list(request.paths), request.templates)


def _dump_template(request: Request) -> str | Path:
    from . import main  # the build (yaml, the registry): not for --help

    return main.dump_template(request.paths[0], save=request.option("save", False))


def _new_plan(request: Request) -> list[str]:
    from . import main  # the build (yaml, the registry): not for --help

    return main.new_plan(request.config, request.paths[0])


STEPS: tuple[Step, ...] = (
    Step("plan", "ke-hoach", "Kế hoạch và Phụ lục",
         "tạo Kế hoạch, Phụ lục (và Đề cương báo cáo khi cấu hình có) (mặc định khi không gõ lệnh nào)",
         _plan, summary.plan),
    Step("packs", "ho-so", "Bộ hồ sơ mẫu", "tạo bộ hồ sơ đề nghị khen thưởng cho từng đơn vị (output/ho_so/)",
         _packs, summary.packs, old_flag="--packs"),
    Step("intake", "tiep-nhan", "Tiếp nhận hồ sơ",
         "kiểm tra các danh sách đề nghị các đơn vị gửi về (trong thư mục THƯ_MỤC) so với số lượng phân bổ",
         _intake, summary.intake, code=lambda result: FINDINGS if result.problems else DONE, old_flag="--intake"),
    Step("decision", "quyet-dinh", "Quyết định khen thưởng",
         "lập Tờ trình của Ban, Quyết định khen thưởng và danh sách kèm theo từ kết quả tiếp nhận (output/quyet_dinh/)",
         _decision, summary.decision, before=summary.stale, old_flag="--decision"),
    Step("certificates", "bang-khen", "Bằng khen",
         "in Bằng khen cho từng người trong danh sách của Quyết định (output/bang_khen/: .docx, .pdf, ZIP theo "
         "đơn vị, sổ cấp bằng)", _certificates, summary.certificates, old_flag="--certificates"),
    Step("chase", "don-doc", "Công văn đôn đốc",
         "công văn đôn đốc các đơn vị mà lần tiếp nhận gần nhất đánh dấu chưa «đủ», kèm Phụ lục nội dung cần bổ sung "
         "(output/don_doc/)", _paper("chase"), summary.chase, before=summary.stale, old_flag="--chase"),
    Step("invitations", "giay-moi", "Giấy mời dự Hội nghị",
         "Giấy mời dự Hội nghị (mục conference; mời cả người được khen thưởng theo Quyết định) (output/giay_moi/)",
         _paper("invitations"), summary.written, old_flag="--invitations"),
    Step("prizes", "tien-thuong", "Danh sách nhận tiền thưởng",
         "Danh sách nhận tiền thưởng theo danh sách của Quyết định (output/tien_thuong/)",
         _paper("prizes"), summary.written, old_flag="--prizes"),
    Step("results", "gui-quyet-dinh", "Công văn gửi Quyết định",
         "công văn gửi Quyết định khen thưởng đến các đơn vị có người được khen (output/thong_bao/)",
         _paper("results"), summary.written, old_flag="--results"),
    Step("check", "kiem-tra", "Kiểm tra thể thức", "kiểm tra thể thức các tệp .docx theo NĐ 30/2020, không tạo văn bản",
         _check, summary.check_reports, code=summary.check_code, settles=False, old_flag="--check"),
    Step("check_template", "kiem-tra-mau", "Kiểm tra mẫu",
         "kiểm tra thẻ trong mẫu (mặc định: các mẫu của kế hoạch) với dữ liệu của tệp cấu hình",
         _check_template, summary.template_findings, code=summary.template_code, settles=False,
         old_flag="--check-template"),
    Step("dump_template", "xem-mau", "Bản chữ của mẫu",
         "in từng đoạn của mẫu kèm tên kiểu và thẻ (để so sánh thay đổi)", _dump_template, summary.dumped,
         settles=False, old_flag="--dump-template"),
    Step("new_plan", "ke-hoach-moi", "Kế hoạch mới",
         "chép tệp cấu hình và các mẫu sang thư mục THƯ_MỤC để làm kế hoạch mới", _new_plan,
         lambda lines, request: list(lines), settles=False, old_flag="--new-plan"),
    # The page is the other door onto these steps, not a step: the command line opens it itself
    # (cli.py), so nothing here imports the page.
    Step("serve", "trang", "Trang nhập liệu", "mở trang nhập liệu trên trình duyệt", None,
         code=lambda code: code, settles=False, old_flag="--serve"),
)
BY_KEY = {step.key: step for step in STEPS}
BY_COMMAND = {step.command: step for step in STEPS}


def run_step(key: str, request: Request, tell: Callable[[str], None] = print) -> Done:
    """Run one step for either door. `tell` gets at once what must be read even if the step
    then refuses: what a killed earlier run left, settled before anything is read (an intake cut
    short between its renames must not be read half old, half new), and the step's warnings."""
    step = BY_KEY[key]
    if step.settles:
        for note in output.recover_all(request.config, request.output):
            tell(note)
    for line in step.before(request):
        tell(line)
    result = step.run(request)
    return Done(result, tuple(step.say(result, request)), step.code(result))


def exit_code_of(err: BaseException) -> int:
    """The README's exit codes for what stopped a step."""
    return CLERKS_INPUT if isinstance(err, GeneratorError) else BUG
