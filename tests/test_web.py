"""The clerk's page, driven in Debian's Chromium by Playwright (never `playwright install`),
plus the security rules checked with Flask's test client."""
from __future__ import annotations

import csv
import re
import shutil
import threading

import pytest
from playwright.sync_api import expect

from generator.config import load_plan
from generator.web.app import create_app

from .conftest import ROOT, SHIPPED_CONFIG, click_and_wait
from .docx_read import open_doc, table_rows



@pytest.fixture
def site(tmp_path):
    from werkzeug.serving import make_server

    config = tmp_path / "config" / "plan.yaml"
    config.parent.mkdir()
    shutil.copy(SHIPPED_CONFIG, config)
    app = create_app(config, tmp_path / "output")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/", config, tmp_path / "output"
    server.shutdown()
    app.extensions["plan_docs"]["close"]()


@pytest.fixture
def page(browser, site):
    url, _, _ = site
    context = browser.new_context(accept_downloads=True, viewport={"width": 1100, "height": 1400})
    pg = context.new_page()
    pg.goto(url)
    yield pg
    context.close()


def row(page, n):
    return page.locator("tr.unit").nth(n - 1)


def expect_text(locator, text):
    from playwright.sync_api import expect

    expect(locator).to_have_text(text, timeout=5000)


def test_page_shows_the_annex_as_it_will_print(page):
    assert page.locator("tr.unit").count() == 14
    expect_text(row(page, 1).locator(".individuals"), "3")
    assert row(page, 1).locator(".members").input_value() == "4.468"
    expect_text(page.locator("#total-collectives"), "14")
    expect_text(page.locator("#total-individuals"), "32")
    expect_text(page.locator("#total-awards"), "46")
    expect_text(page.locator("#grand-total"), "47")
    assert "01 tập thể hoặc 01 cá nhân" in page.locator("tr.provincial").inner_text()


def test_2000_to_2001_moves_the_quota_from_1_to_2_and_the_totals(page):
    members = row(page, 4).locator(".members")  # LĐLĐ huyện Đình Lập, 1.509
    members.fill("2000")
    expect_text(row(page, 4).locator(".individuals"), "1")
    expect_text(page.locator("#total-individuals"), "32")
    members.fill("2001")
    expect_text(row(page, 4).locator(".individuals"), "2")
    expect_text(page.locator("#total-individuals"), "33")
    expect_text(page.locator("#total-awards"), "47")
    expect_text(page.locator("#grand-total"), "48")


def test_4_5_shows_the_clis_message_inline_and_nothing_is_saved(page, site):
    _, config, _ = site
    before = config.read_bytes()
    row(page, 5).locator(".members").fill("4.5")
    expect_text(row(page, 5).locator('.err[data-for="members"]'),
                '"4.5" không phải số nguyên hợp lệ: dấu chấm chỉ dùng để ngăn từng nhóm ba chữ số (4.468); '
                "số lẻ như 4.5 không phải số người. Chương trình không tự làm tròn.")
    expect_text(page.locator("#total-individuals"), "—")
    page.click("#save")
    expect_text(page.locator("#status"), "Chưa lưu: còn lỗi, xem các ô được đánh dấu.")
    assert config.read_bytes() == before
    assert not (config.parent / "backups").exists()
    assert row(page, 5).locator(".members").input_value() == "4.5"  # nothing typed is lost


def test_the_units_table_keeps_its_columns_when_an_error_appears(page, site):
    page.set_viewport_size({"width": 1366, "height": 768})
    widths = lambda: [round(b["width"]) for b in (h.bounding_box() for h in page.locator("#units thead th").all())]  # noqa: E731
    before = widths()
    row(page, 5).locator(".members").fill("4.5")  # a long message under the count
    row(page, 3).locator(".name").fill("")  # and one under a name
    expect(row(page, 5).locator('.err[data-for="members"]')).not_to_be_empty()
    assert widths() == before
    tops = [b.bounding_box()["y"] for b in row(page, 5).locator(".actions button").all()]
    assert max(tops) - min(tops) < 5  # ↑ ↓ ✕ on one line (a wrapped button sits a line lower)


def test_enter_in_a_count_saves_as_the_save_button_does(page, site):
    _, config, _ = site
    row(page, 4).locator(".members").fill("2001")
    row(page, 4).locator(".members").press("Enter")
    expect_text(page.locator("#status"), re.compile(r"^Đã lưu plan\.yaml"))
    assert "    members: 2001" in config.read_text(encoding="utf-8").splitlines()


def test_save_keeps_the_yamls_comments_and_writes_a_dated_backup(page, site):
    _, config, _ = site
    config.chmod(0o640)
    mode = 0o640
    before = config.read_text(encoding="utf-8")
    row(page, 4).locator(".members").fill("2001")
    expect_text(row(page, 4).locator(".individuals"), "2")
    page.click("#save")
    expect_text(page.locator("#status"), re.compile(r"^Đã lưu plan\.yaml; bản cũ giữ ở backups/plan-\d{8}-\d{6}-\d{6}\.yaml\.$"))
    after = config.read_text(encoding="utf-8")
    comments = lambda text: [line for line in text.splitlines() if line.strip().startswith("#")]  # noqa: E731
    assert comments(after) == comments(before)
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines()) if a != b]
    assert changed == [("    members: 1.509", "    members: 2001")]
    assert config.stat().st_mode & 0o777 == mode  # the config keeps its permissions
    (backup,) = (config.parent / "backups").iterdir()
    assert backup.read_text(encoding="utf-8") == before and backup.name.startswith("plan-")
    assert load_plan(config).units[3].members == 2001


def test_units_can_be_added_moved_and_removed(page):
    page.click("#add")
    new = row(page, 15)
    new.locator(".name").fill("Công đoàn Khu kinh tế")
    new.locator(".members").fill("3.000")
    expect_text(new.locator(".individuals"), "3")
    expect_text(page.locator("#provincial-stt"), "16")
    new.locator(".up").click()
    assert row(page, 14).locator(".name").input_value() == "Công đoàn Khu kinh tế"
    row(page, 1).locator(".remove").click()
    expect_text(page.locator("#total-collectives"), "14")
    expect_text(page.locator("#provincial-stt"), "15")


def test_build_and_download_both_documents(page, site, tmp_path):
    _, _, out = site
    row(page, 4).locator(".members").fill("2001")
    expect_text(row(page, 4).locator(".individuals"), "2")
    click_and_wait(page, "#build", "/api/build")
    expect_text(page.locator("#status"), "Đã tạo văn bản.")
    for name in ("ke_hoach.docx", "phu_luc.docx"):
        with page.expect_download() as info:
            page.click(f"#downloads a[data-name='{name}']")
        target = tmp_path / f"downloaded-{name}"
        info.value.save_as(target)
        open_doc(target)  # reopens with python-docx
    rows = table_rows(open_doc(tmp_path / "downloaded-phu_luc.docx").tables[0])
    assert rows[5][1:5] == ["LĐLĐ huyện Đình Lập", "2.001", "1", "2"]
    assert rows[-1][-1] == "48"
    if shutil.which("soffice"):
        assert page.locator("#previews img").count() == 3  # Kế hoạch, Phụ lục, Đề cương báo cáo
        page.locator("#previews img").first.evaluate("img => img.decode()")
    page.screenshot(path=str(tmp_path / "web-page.png"), full_page=True)  # renders whole


def _sheet_rows():
    return [["Đơn vị", "Số đoàn viên"], ["LĐLĐ huyện Đình Lập", "2.500"],
            ["  lđlđ  HUYỆN cao lộc ", "4227"], ["LĐLĐ huyện Không Có", "1.000"]]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_import_a_spreadsheet_with_one_unknown_name(page, tmp_path, kind):
    path = tmp_path / f"so_lieu.{kind}"
    if kind == "csv":
        with open(path, "w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows(_sheet_rows())
    else:
        from openpyxl import Workbook

        wb = Workbook()
        for r in _sheet_rows():
            wb.active.append([r[0], int(r[1].replace(".", "")) if r[1][0].isdigit() else r[1]])
        wb.save(path)
    page.set_input_files("#sheet", str(path))
    changes = page.locator("#import-changes tbody tr")
    expect_text(changes, ["LĐLĐ huyện Đình Lập1.509 → 2.5001 → 2"])  # the new count keeps its thousands dot
    expect_text(page.locator("#import-unmatched"), "Không khớp đơn vị nào: LĐLĐ huyện Không Có")
    page.click("#import-apply")
    assert row(page, 4).locator(".members").input_value() == "2.500"
    expect_text(row(page, 4).locator(".individuals"), "2")
    expect_text(page.locator("#total-individuals"), "33")


# -- security, with Flask's test client -------------------------------------------------------

@pytest.fixture
def client(tmp_path):
    config = tmp_path / "plan.yaml"
    shutil.copy(SHIPPED_CONFIG, config)
    app = create_app(config, tmp_path / "out")
    c = app.test_client()
    token = c.get("/").get_data(as_text=True).split('name="csrf-token" content="')[1].split('"')[0]
    yield c, token, config
    app.extensions["plan_docs"]["close"]()


def test_every_post_needs_the_csrf_token(client):
    c, token, config = client
    before = config.read_bytes()
    for url in ("/api/state", "/api/save", "/api/build", "/api/import"):
        assert c.post(url, json={"units": []}).status_code == 403
        assert c.post(url, json={"units": []}, headers={"X-CSRF-Token": "wrong"}).status_code == 403
    assert config.read_bytes() == before


def test_downloads_serve_only_the_current_builds_files(client):
    c, token, _ = client
    assert c.get("/download/ke_hoach.docx").status_code == 404  # nothing built yet
    for bad in ("../plan.yaml", "..%2fplan.yaml", "plan.yaml", "%2e%2e/plan.yaml", "quotas.json"):
        assert c.get(f"/download/{bad}").status_code == 404
    assert c.get("/preview/../plan.yaml").status_code == 404


def test_uploads_are_size_limited_and_only_spreadsheets(client):
    import io

    c, token, _ = client
    big = c.post("/api/import", headers={"X-CSRF-Token": token},
                 data={"file": (io.BytesIO(b"x" * (3 * 1024 * 1024)), "a.csv"), "units": "[]"})
    assert big.status_code == 413
    other = c.post("/api/import", headers={"X-CSRF-Token": token},
                   data={"file": (io.BytesIO(b"MZ..."), "a.exe"), "units": "[]"})
    assert other.status_code == 400 and "chỉ nhận tệp .xlsx, .xls, .ods hoặc .csv" in other.get_json()["message"]


def test_config_values_are_shown_escaped(tmp_path):
    config = tmp_path / "plan.yaml"
    config.write_text(SHIPPED_CONFIG.read_text(encoding="utf-8").replace(
        "  - name: Công đoàn Viên chức\n", "  - name: '<script>alert(1)</script> & Co'\n"), encoding="utf-8")
    html = create_app(config, tmp_path / "out").test_client().get("/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in html


def test_serve_binds_to_loopback_by_default():
    from generator.cli import parse

    (args,) = parse(["trang"])
    assert args.host == "127.0.0.1" and args.port == 8000


def test_a_busy_port_is_a_clear_message_not_a_traceback(tmp_path, capsys):
    import socket

    from generator.cli import main as cli_main

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert cli_main(["--config", str(SHIPPED_CONFIG), "--output", str(tmp_path), "trang",
                         "--port", str(port), "--no-browser"]) == 2
    err = capsys.readouterr().err
    assert f"không mở được trang ở 127.0.0.1:{port}" in err and "--port" in err


def test_the_pages_own_words_name_no_command_line_flag():
    """What the page itself can say (its templates and the strings its scripts show) tells the
    clerk which control or launcher to use, never an option of build_docs.py."""
    import re

    folder = ROOT / "generator" / "web"
    for path in sorted(folder.glob("templates/*.html")) + sorted(folder.glob("static/*.js")):
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".js":  # the strings it shows, not its comments
            text = "\n".join(re.findall(r'"([^"\n]*)"', re.sub(r"(?m)^\s*//.*$", "", text)))
        assert not re.search(r"(?<![\w-])--[a-z]", text), path.name
        assert "build_docs.py" not in text, path.name
