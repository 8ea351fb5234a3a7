"""Files a careless or hostile unit sends, broken packages and killed runs: no formula ever runs,
the checker reaches nothing outside and never crashes on a stranger's file, every read is
bounded (the checker and intake run here under a 1 GB address-space limit), and one bad file
is one unit's problem, never everyone's. The numbers are those of the issue's list."""
from __future__ import annotations

import http.server
import io
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import types
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from generator import intake, output, stamp
from generator.cli import main as cli_main
from generator.config import load_plan, parse_plan
from generator.exceptions import ConfigError, OutputError

from .conftest import ROOT, SHIPPED_CONFIG
from .rendering import require_libreoffice

LISTS = ROOT / "tests" / "data" / "danh_sach_don_vi"
PAYLOADS = ['=HYPERLINK("http://127.0.0.1:9/?"&A1,"Bấm vào đây")', "=cmd|'/c calc'!A1", "+1+1", "-2+3", "@SUM(A1)",
            "\t=1+1", "\r=1+1"]
GIB = 1024 ** 3


def limited(code: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """`code` in a child whose address space is capped at 1 GB: a read that is not bounded
    ends in MemoryError there, not in this machine swapping."""
    prelude = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (%d, %d)); sys.path.insert(0, %r)\n"
               % (GIB, GIB, str(ROOT)))
    return subprocess.run([sys.executable, "-c", prelude + code, *args], capture_output=True, timeout=timeout,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})


@pytest.fixture
def page(tmp_path):
    """The clerk's page in this process, on a copy of the shipped config, with its CSRF token."""
    from generator.web.app import create_app

    config, out = tmp_path / "plan.yaml", tmp_path / "out"
    shutil.copy(SHIPPED_CONFIG, config)
    app = create_app(config, out)
    client = app.test_client()
    token = client.get("/").get_data(as_text=True).split('name="csrf-token" content="')[1].split('"')[0]
    yield types.SimpleNamespace(client=client, token=token, config=config, out=out,
                                post=lambda url, **kw: client.post(url, headers={"X-CSRF-Token": token}, **kw))
    app.extensions["plan_docs"]["close"]()


def formulas(xlsx: Path) -> list[str]:
    """Every formula a workbook holds, in any sheet."""
    with zipfile.ZipFile(xlsx) as z:
        return [f for n in z.namelist() if n.startswith("xl/worksheets/")
                for f in re.findall(rb"<f[ >][^<]*", z.read(n))]


def csv_list(unit: str, name: str, extra: str = "") -> bytes:
    lines = [f"Đơn vị: {unit}", "", "II. CÁ NHÂN",
             "STT,Họ và tên*,Giới tính*,Năm sinh,Chức vụ*,Đơn vị công tác*,Tóm tắt thành tích*,Ghi chú",
             ",".join(["1", '"' + name.replace('"', '""') + '"', "Nam", "1980", "Chủ tịch", "Trường THPT", "Xuất sắc",
                       '"' + extra.replace('"', '""') + '"'])]
    return ("\n".join(lines) + "\n").encode("utf-8")


# -- 1. formula injection -------------------------------------------------------------------------

def test_1_nothing_a_unit_or_a_file_name_holds_becomes_a_formula_in_the_workbooks(tmp_path):
    nop = tmp_path / "nop"
    nop.mkdir()
    for i, payload in enumerate(PAYLOADS):
        (nop / f"{i:02d}.csv").write_bytes(csv_list("LĐLĐ huyện Đình Lập", payload, extra=payload))
    (nop / "=HYPERLINK(1).csv").write_bytes(b"a,b\n")  # a file name that looks like a formula
    result = intake.run(load_plan(SHIPPED_CONFIG), nop, tmp_path / "out")
    assert result.problems  # seven lists of one unit, a stray file: all are reported
    for name in (intake.CONSOLIDATED, intake.ERRORS):
        book = tmp_path / "out" / name
        assert formulas(book) == [], name
    errors = load_workbook(tmp_path / "out" / intake.ERRORS)
    cells = [c for ws in errors.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    flagged = [c for c in cells if c.value.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert any(c.value == "=HYPERLINK(1).csv" for c in flagged)
    assert flagged and all(c.data_type == "s" and c.quotePrefix for c in flagged)


def test_1_a_unit_named_like_a_formula_stays_text_in_its_pack(tmp_path):
    config = tmp_path / "plan.yaml"
    config.write_text(SHIPPED_CONFIG.read_text(encoding="utf-8").replace(
        "name: LĐLĐ huyện Đình Lập", "name: '=1+1 LĐLĐ huyện Đình Lập'"), encoding="utf-8")
    assert cli_main(["--config", str(config), "--output", str(tmp_path / "out"), "ho-so"]) == 0
    pack = next((tmp_path / "out" / "ho_so").glob("04-*")) / "danh_sach.xlsx"
    assert formulas(pack) == []
    ws = load_workbook(pack).worksheets[0]
    assert any(isinstance(c.value, str) and "=1+1 LĐLĐ huyện Đình Lập" in c.value for row in ws.iter_rows() for c in row)


# -- 2. the checker reaches nothing outside -------------------------------------------------------

class _Counter(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802
        _Counter.hits.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args):
        pass


def with_external_links(src: Path, target: Path, port: int) -> Path:
    """`src` with a linked image, an attached template and an INCLUDEPICTURE field, all at
    127.0.0.1:`port`."""
    url = f"http://127.0.0.1:{port}"
    drawing = (f'<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/'
               f'wordprocessingDrawing"><wp:extent cx="914400" cy="914400"/><wp:docPr id="901" name="anh"/>'
               f'<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData '
               f'uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic xmlns:pic="http://schemas.'
               f'openxmlformats.org/drawingml/2006/picture"><pic:nvPicPr><pic:cNvPr id="901" name="anh"/><pic:cNvPicPr/>'
               f'</pic:nvPicPr><pic:blipFill><a:blip xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
               f'relationships" r:link="rIdNgoai"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr>'
               f'<a:xfrm><a:off x="0" y="0"/><a:ext cx="914400" cy="914400"/></a:xfrm><a:prstGeom prst="rect"/>'
               f'</pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>'
               f'<w:p><w:fldSimple w:instr=\'INCLUDEPICTURE "{url}/truong.png" \\d\'><w:r><w:t>x</w:t></w:r>'
               f'</w:fldSimple></w:p>').encode()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = zin.read(info.filename)
            if info.filename == "word/_rels/document.xml.rels":
                body = body.replace(b"</Relationships>", (
                    f'<Relationship Id="rIdNgoai" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    f'relationships/image" Target="{url}/anh.png" TargetMode="External"/></Relationships>').encode())
            elif info.filename == "word/document.xml":
                body = body.replace(b"<w:sectPr", drawing + b"<w:sectPr", 1)
            zout.writestr(info, body)
    return target


def test_2_checking_a_strangers_document_makes_no_request(tmp_path, built):
    require_libreoffice()
    from generator.checker.report import check_file

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        _Counter.hits.clear()
        doc = with_external_links(built[1] / "phu_luc.docx", tmp_path / "la.docx", server.server_port)
        report = check_file(doc, True)
    finally:
        server.shutdown()
        server.server_close()
    assert _Counter.hits == []
    said = [f.message for f in report.findings if f.rule == "lien_ket_ngoai"]
    assert said and "2 liên kết ra ngoài" in said[0] and "anh.png" in said[0] and "INCLUDEPICTURE" in said[0]


# -- 3. downloads are regular files inside the output folder --------------------------------------

def test_3_a_link_placed_in_the_output_folder_is_never_served(page, tmp_path):
    out = page.out
    secret = tmp_path / "bi-mat.txt"
    secret.write_text("mật khẩu")
    (out / "bang_khen").mkdir(parents=True)
    (out / "bang_khen" / "bang_khen.pdf").symlink_to(secret)
    (out / "ke_hoach.docx").symlink_to(secret)
    (out / intake.ERRORS).symlink_to(secret)
    for url in ("/download/khen-thuong/bang_khen/bang_khen.pdf", "/download/ke_hoach.docx",
                f"/download/tiep-nhan/{intake.ERRORS}"):
        response = page.client.get(url)
        assert response.status_code == 404 and b"m\xe1\xba\xadt kh\xe1\xba\xa9u" not in response.data, url
    view = page.post("/api/certificates/build", json={}).get_json()
    assert "bang_khen/bang_khen.pdf" not in view["downloads"]


# -- 4, 5, 6. bounds on what is read -------------------------------------------------------------

_INTAKE = """
from pathlib import Path
from generator import intake
from generator.config import load_plan
result = intake.run(load_plan(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
print("\\n".join(p.render() for p in result.problems))
"""


def test_4_a_workbook_of_900000_styles_is_refused_within_bounds(tmp_path):
    nop = tmp_path / "nop"
    nop.mkdir()
    src = LISTS / "04-LĐLĐ huyện Đình Lập.xlsx"
    styles = (b'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/'
              b'spreadsheetml/2006/main"><cellXfs count="900000">' + b'<xf numFmtId="0" fontId="0"/>' * 900_000
              + b"</cellXfs></styleSheet>")
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(nop / "04.xlsx", "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, styles if info.filename == "xl/styles.xml" else zin.read(info.filename))
    assert (nop / "04.xlsx").stat().st_size < 1024 * 1024 and len(styles) > 20 * 1024 * 1024
    done = limited(_INTAKE, str(SHIPPED_CONFIG), str(nop), str(tmp_path / "out"), timeout=60)
    said = done.stdout.decode("utf-8")
    assert done.returncode == 0, done.stderr.decode("utf-8")
    assert "04.xlsx" in said and "styles.xml" in said


def test_5_a_3_gb_file_in_the_intake_folder_is_refused_unread(tmp_path):
    nop = tmp_path / "nop"
    nop.mkdir()
    with open(nop / "05-Chi Lăng.csv", "wb") as fh:
        fh.truncate(3 * GIB)  # sparse: nothing is written, the size is real
    done = limited(_INTAKE, str(SHIPPED_CONFIG), str(nop), str(tmp_path / "out"), timeout=60)
    assert done.returncode == 0, done.stderr.decode("utf-8")
    assert "05-Chi Lăng.csv: tệp lớn hơn 5 MB" in done.stdout.decode("utf-8")


_CHECK = """
from generator.cli import main
sys.exit(main(["--no-render", "kiem-tra", *sys.argv[1:]]))
"""


def test_6_a_docx_whose_text_inflates_past_the_bound_is_refused_by_the_checker(tmp_path, built):
    bomb = tmp_path / "bom.docx"
    with zipfile.ZipFile(built[1] / "phu_luc.docx") as zin, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = zin.read(info.filename)
            if info.filename == "word/document.xml":
                body = body.replace(b"<w:body>", b"<w:body>" + b"<w:p/>" * 6_000_000, 1)
            zout.writestr(info.filename, body)
    assert bomb.stat().st_size < 1024 * 1024
    done = limited(_CHECK, str(bomb), str(built[1] / "phu_luc.docx"), timeout=60)
    out = done.stdout.decode("utf-8")
    assert done.returncode == 1 and "Traceback" not in done.stderr.decode("utf-8")
    assert "giải nén ra" in out and out.count("Tóm tắt:") == 2  # the good file is still judged


# -- 7. the config's size and depth ---------------------------------------------------------------

@pytest.mark.parametrize("text, said", [
    ("units: " + "[" * 25_000, "ngoặc lồng nhau quá 40 tầng"),
    ("units:\n" + "  - name: Đơn vị\n    members: 1\n" * 40_000, "lớn hơn 1024 KB"),
    ("a:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 300)), "thụt vào quá sâu"),
], ids=["25000-deep", "1.6-MB", "300-levels"])
def test_7_a_config_too_deep_or_too_large_is_refused_before_parsing(tmp_path, text, said):
    config = tmp_path / "plan.yaml"
    config.write_text(text, encoding="utf-8")
    done = limited("from generator.cli import main\nsys.exit(main(['--config', sys.argv[1], '--output', sys.argv[2]]))",
                   str(config), str(tmp_path / "out"), timeout=60)
    assert done.returncode == 2 and said in done.stderr.decode("utf-8"), done.stderr.decode("utf-8")


def test_7_the_page_answers_a_config_made_too_deep_on_disk(page):
    page.config.write_text("units: " + "[" * 25_000, encoding="utf-8")
    answer = page.client.get("/")
    assert answer.status_code in (400, 500) and "ngoặc lồng nhau" in answer.get_data(as_text=True)
    shutil.copy(SHIPPED_CONFIG, page.config)
    assert page.client.get("/").status_code == 200  # and the server is still there


# -- 9. the checker on broken packages: a finding for that file, the others still judged ----------

def _rezip(src: Path, target: Path, change) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, change(info.filename, zin.read(info.filename)))
    return target


def _patch_member(path: Path, member: str, patch) -> Path:
    """Rewrite fields of one member's local and central headers (byte offsets from each header)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(member)
    central = data.rfind(b"PK\x01\x02", 0, len(data))
    while central != -1:  # find this member's central header
        name_len = int.from_bytes(data[central + 28:central + 30], "little")
        if data[central + 46:central + 46 + name_len] == member.encode():
            break
        central = data.rfind(b"PK\x01\x02", 0, central)
    patch(data, info.header_offset, central)
    path.write_bytes(bytes(data))
    return path


def _encrypted(data, local, central):
    data[local + 6] |= 1
    data[central + 8] |= 1


def _method_99(data, local, central):
    data[local + 8:local + 10] = (99).to_bytes(2, "little")
    data[central + 10:central + 12] = (99).to_bytes(2, "little")


def _corrupt_deflate(data, local, central):
    start = local + 30 + int.from_bytes(data[local + 26:local + 28], "little") + int.from_bytes(data[local + 28:local + 30], "little")
    for i in range(start + 20, start + 60):
        data[i] ^= 0x5A


BROKEN = {
    "sz-24.5": lambda n, b: re.sub(rb'<w:sz w:val="\d+"', b'<w:sz w:val="24.5"', b, count=1) if n == "word/styles.xml" else b,
    "pgSz-210mm": lambda n, b: re.sub(rb'w:w="\d+"', b'w:w="210mm"', b, count=1) if n == "word/document.xml" else b,
    "ind-1in": lambda n, b: b.replace(b"<w:pPr>", b'<w:pPr><w:ind w:left="1in" w:firstLine="2cm"/>', 1)
    if n == "word/document.xml" else b,
    "spacing-2cm": lambda n, b: b.replace(b"<w:pPr>", b'<w:pPr><w:spacing w:after="2cm" w:before="x" w:line="x"/>', 1)
    if n == "word/document.xml" else b,
    "pgMar-x": lambda n, b: re.sub(rb'w:top="\d+"', b'w:top="x"', b, count=1) if n == "word/document.xml" else b,
    "gridSpan-x": lambda n, b: b.replace(b"<w:tcPr>", b'<w:tcPr><w:gridSpan w:val="x"/>', 1) if n == "word/document.xml" else b,
    "rel-without-target": lambda n, b: b.replace(b"</Relationships>", b'<Relationship Id="rIdKhong" Type="http://schemas.'
                                                 b'openxmlformats.org/officeDocument/2006/relationships/image"/>'
                                                 b"</Relationships>") if n.endswith("document.xml.rels") else b,
    "no-body": lambda n, b: re.sub(rb"<w:body>.*</w:body>", b"", b, flags=re.S) if n == "word/document.xml" else b,
    "wrong-namespace": lambda n, b: b.replace(b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
                                              b"http://example.org/khong-phai-word") if n == "word/document.xml" else b,
}
PATCHED = {"zipcrypto": _encrypted, "method-99": _method_99, "corrupt-deflate": _corrupt_deflate}


@pytest.mark.parametrize("case", list(BROKEN) + list(PATCHED))
def test_9_a_broken_docx_is_a_finding_of_its_own_and_the_other_files_are_judged(tmp_path, built, case):
    good = built[1] / "phu_luc.docx"
    bad = _rezip(good, tmp_path / f"{case}.docx", BROKEN.get(case, lambda n, b: b))
    if case in PATCHED:
        _patch_member(bad, "word/document.xml", PATCHED[case])
    done = limited(_CHECK + "", str(bad), str(good), "--format", "json", timeout=60)
    err = done.stderr.decode("utf-8")
    assert "Traceback" not in err and done.returncode in (0, 1), err
    report = json.loads(done.stdout.decode("utf-8"))
    assert [s["file"] for s in report["summary"]] == [str(bad), str(good)]
    good_summary = report["summary"][1]
    assert good_summary["errors"] == 0 and good_summary["type"] != "không đọc được"
    bad_findings = [f for f in report["findings"] if f["file"] == str(bad) and f["severity"] == "lỗi"]
    if report["summary"][0]["type"] == "không đọc được":
        assert done.returncode == 1 and bad_findings and bad_findings[0]["rule"] == "doc_tep"
        assert re.search(r"[ạảãàáâậầấẩẫăắằặẳẵđêềếểễệôồốổỗộơờớởỡợư]", bad_findings[0]["message"])


def test_9_exit_codes_keep_their_meaning(tmp_path, built):
    good = built[1] / "phu_luc.docx"
    assert cli_main(["--no-render", "kiem-tra", str(good)]) == 0
    assert cli_main(["--no-render", "kiem-tra", str(good), str(tmp_path / "khong-co.docx")]) == 1
    assert cli_main(["--no-render", "kiem-tra", str(tmp_path / "*.docx")]) == 2  # the clerk's input: nothing matches


# -- 10. one bad list is one unit's problem --------------------------------------------------------

def test_10_a_control_character_in_one_list_is_that_units_problem(tmp_path):
    nop = tmp_path / "nop"
    shutil.copytree(LISTS, nop)
    (nop / "04-LĐLĐ huyện Đình Lập.xlsx").unlink()
    (nop / "04.csv").write_bytes(csv_list("LĐLĐ huyện Đình Lập", "Nguyễn\x01 Văn An"))
    result = intake.run(load_plan(SHIPPED_CONFIG), nop, tmp_path / "out")
    assert [p.file for p in result.problems] == ["04.csv"]
    assert "ký tự ẩn U+0001" in result.problems[0].message
    status = {r.name: r.status for r in result.table}
    assert status["LĐLĐ huyện Đình Lập"] == intake.CO_LOI
    assert sum(s == intake.DU for s in status.values()) == 14
    assert (tmp_path / "out" / intake.CONSOLIDATED).is_file() and (tmp_path / "out" / intake.ERRORS).is_file()


# -- 11. clear errors where there were tracebacks --------------------------------------------------

def test_11_a_folder_that_refuses_every_write_gives_the_message_not_a_traceback(tmp_path, monkeypatch):
    output.write_all(tmp_path, {"ke_hoach.docx": b"OLD", "phu_luc.docx": b"OLD"})
    monkeypatch.setattr(output, "RETRY_DELAYS_S", (0.0,))

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(args[-1]) if args else "")

    monkeypatch.setattr(output.os, "replace", refuse)
    monkeypatch.setattr(Path, "unlink", refuse)
    with pytest.raises(OutputError, match="không ghi được"):
        output.write_all(tmp_path, {"ke_hoach.docx": b"NEW", "phu_luc.docx": b"NEW"})


def test_11_a_rollback_windows_refuses_is_finished_by_the_next_recovery(tmp_path, monkeypatch):
    """The plan is replaced, then every replace is refused (on Windows: a file another program
    has just opened), the rollback's too, while deleting still works: the journal, the temporary
    files and the old copies must stay, so that the next recovery puts the whole old set back."""
    output.write_all(tmp_path, {"ke_hoach.docx": b"OLD", "phu_luc.docx": b"OLD"})
    monkeypatch.setattr(output, "RETRY_DELAYS_S", (0.0,))
    real_replace, done = os.replace, []

    def first_then_refuse(src, dst):
        if done:
            raise PermissionError(13, "The process cannot access the file", str(dst))
        real_replace(src, dst)
        done.append(dst)

    monkeypatch.setattr(output.os, "replace", first_then_refuse)
    with pytest.raises(OutputError, match="đang mở trong Word"):
        output.write_all(tmp_path, {"ke_hoach.docx": b"NEW", "phu_luc.docx": b"NEW"})
    monkeypatch.setattr(output.os, "replace", real_replace)
    assert (tmp_path / "ke_hoach.docx").read_bytes() == b"NEW"  # half the set, as the refusal left it
    output.recover(tmp_path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == {"ke_hoach.docx": b"OLD", "phu_luc.docx": b"OLD"}


def test_11_odd_requests_get_a_message_not_a_500(page):
    state = page.post("/api/state", json={"units": ["x"]})
    assert state.status_code == 400 and "không đúng dạng" in state.get_json()["message"]
    long_name = "04-" + "Đình Lập " * 40 + ".csv"
    up = page.post("/api/intake/upload",
                   data={"files": (io.BytesIO(csv_list("LĐLĐ huyện Đình Lập", "Nguyễn Văn An")), long_name)})
    assert up.status_code == 200, up.get_json()
    assert len(up.get_json()["files"][0]) <= 104
    big = page.post("/api/intake/upload", data={"files": (io.BytesIO(b"x" * (21 * 1024 * 1024)), "a.csv")})
    assert big.status_code == 413 and "tối đa 20 MB" in big.get_json()["message"]  # 15: this route's own limit


def test_11_a_check_of_a_link_to_an_endless_device_ends_at_once(tmp_path):
    link = tmp_path / "vo-tan.docx"
    link.symlink_to("/dev/zero")
    done = limited(_CHECK, str(link), timeout=30)
    assert done.returncode == 1 and "không phải một tệp thường" in done.stdout.decode("utf-8")


# -- 13, 14, 15 ---------------------------------------------------------------------------------

def test_13_leftovers_of_killed_runs_go_from_every_folder_at_the_next_command(tmp_path):
    out = tmp_path / "out"
    for folder in ("bang_khen", "bang_khen/theo_don_vi", "quyet_dinh", "ho_so/01-LĐLĐ Thành phố"):
        (out / folder).mkdir(parents=True)
        (out / folder / ".bang_khen.docx.a1b2c3.tmp").write_bytes(b"half")
        (out / folder / f".{Path(folder).name}.pdf.old").write_bytes(b"old copy")
    (out / "bang_khen" / "bang_khen.pdf").write_bytes(b"current")
    assert cli_main(["--config", str(SHIPPED_CONFIG), "--output", str(out)]) == 0
    left = [p for p in out.rglob(".*") if p.is_file() and p.name != stamp.name_of("plan")]  # the new set's own stamp
    assert left == [] and (out / "bang_khen" / "bang_khen.pdf").read_bytes() == b"current"


def test_14_every_upload_reaches_intake_under_a_name_that_cannot_collide(page):
    send = [(".04-Đình Lập.csv", "LĐLĐ huyện Đình Lập"), ("~$05.csv", "LĐLĐ Huyện Chi Lăng"),
            ("06-Hữu Lũng?.csv", "LĐLĐ huyện Hữu Lũng"), ("06-Hữu Lũng*.csv", "LĐLĐ huyện Hữu Lũng")]
    files = [(io.BytesIO(csv_list(unit, f"Người {i}")), name) for i, (name, unit) in enumerate(send)]
    view = page.post("/api/intake/upload", data={"files": files}).get_json()
    assert view["message"].startswith("Đã nhận 4 tệp")
    assert sorted(view["files"]) == ["04-Đình Lập.csv", "05.csv", "06-Hữu Lũng (2).csv", "06-Hữu Lũng.csv"]
    status = {r["name"]: r["status"] for r in view["table"]}
    assert status["LĐLĐ huyện Đình Lập"] != intake.CHUA_NOP and status["LĐLĐ Huyện Chi Lăng"] != intake.CHUA_NOP
    assert any("có hai tệp danh sách" in p["message"] for p in view["problems"])  # both Hữu Lũng lists are seen


def test_15_a_failed_pack_build_leaves_no_empty_unit_folders(tmp_path, monkeypatch):
    real, calls = os.replace, []

    def fail_late(src, dst):
        calls.append(dst)
        if len(calls) == 30:
            raise OSError(28, "No space left on device", str(dst))
        real(src, dst)

    monkeypatch.setattr(output.os, "replace", fail_late)
    assert cli_main(["--config", str(SHIPPED_CONFIG), "--output", str(tmp_path / "out"), "ho-so"]) == 2
    assert not (tmp_path / "out" / "ho_so").exists()


def test_15_a_nul_in_the_config_is_reported_where_it_is():
    lines = SHIPPED_CONFIG.read_text(encoding="utf-8").split("\n")
    at = next(i for i in range(278, len(lines)) if len(lines[i]) > 30)  # a line long enough for column 24
    lines[at] = lines[at][:23] + "\x00" + lines[at][23:]
    with pytest.raises(ConfigError) as err:
        parse_plan("\n".join(lines), "plan.yaml")
    assert f"plan.yaml, dòng {at + 1}, cột 24:" in str(err.value) and "U+0000" in str(err.value)


def test_13_the_page_offers_and_zips_only_the_files_of_the_current_set(page):
    out = page.out
    for args in (["tiep-nhan", str(LISTS)], ["quyet-dinh"], ["bang-khen", "--no-pdf"]):
        assert cli_main(["--config", str(page.config), "--output", str(out), *args]) == 0
    (out / "bang_khen" / "cua-lan-khac.docx").write_bytes(b"another run")  # in the folder, not in the set
    (out / "quyet_dinh" / ".quyet_dinh.docx.x1.tmp").write_bytes(b"half")
    view = page.post("/api/certificates/build", json={}).get_json()
    offered = set(view["downloads"])
    assert {"quyet_dinh/quyet_dinh.docx", "bang_khen/bang_khen.docx", "bang_khen/so_cap_bang.docx"} <= offered
    assert not any("cua-lan-khac" in n or n.endswith(".tmp") or "/." in n for n in offered)
    with zipfile.ZipFile(out / "quyet_dinh_bang_khen.zip") as z:
        assert not any("cua-lan-khac" in n or n.endswith(".tmp") for n in z.namelist())
