"""The clerk's page loses nothing: two tabs, an editor open beside it, a server restarted under
it, out-of-order replies, and a hostile page on another site. Browser tests drive Debian's
Chromium; the rest use Flask's test client. Traffic goes to 127.0.0.1 only."""
from __future__ import annotations

import re
import shutil
import threading

import pytest
from ruamel.yaml import YAML

from generator.config import load_plan
from generator.web import editing
from generator.web.app import create_app

from .conftest import SHIPPED_CONFIG
from .test_web import expect_text, row


class Server:
    """The page on 127.0.0.1, in this process; restartable on the same port with a new token."""

    def __init__(self, tmp_path):
        self.config = tmp_path / "config" / "plan.yaml"
        self.config.parent.mkdir()
        shutil.copy(SHIPPED_CONFIG, self.config)
        self.out = tmp_path / "output"
        self.port = 0
        self.start()

    def start(self):
        from werkzeug.serving import make_server

        self.app = create_app(self.config, self.out)
        self.server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self.port = self.server.server_port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.app.extensions["plan_docs"]["close"]()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/"


@pytest.fixture
def server(tmp_path):
    s = Server(tmp_path)
    yield s
    s.stop()


def open_page(browser, url, width=1100, height=1400):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(url)
    return page


def members(config, n):
    return load_plan(config).units[n - 1].members


# -- no lost update ------------------------------------------------------------------------------

def test_two_tabs_saving_in_turn_lose_neither_edit(browser, server):
    a, b = open_page(browser, server.url), open_page(browser, server.url)
    row(a, 1).locator(".members").fill("4.500")
    row(b, 2).locator(".members").fill("4.300")
    a.click("#save")
    expect_text(a.locator("#status"), re.compile(r"^Đã lưu"))
    assert members(server.config, 1) == 4500
    b.click("#save")
    expect_text(b.locator("#status"), re.compile(r"^Chưa lưu: plan\.yaml đã được sửa ở nơi khác"))
    assert members(server.config, 1) == 4500 and members(server.config, 2) == 4227  # nothing overwritten
    conflict = b.locator("#conflict-table tbody tr")
    expect_text(conflict, ["LĐLĐ Thành phốLĐLĐ Thành phố: 4.468LĐLĐ Thành phố: 4.500",
                           "LĐLĐ huyện Cao LộcLĐLĐ huyện Cao Lộc: 4.227LĐLĐ huyện Cao Lộc: 4.227LĐLĐ huyện Cao Lộc: 4.300"])
    b.click("#conflict-apply")
    assert row(b, 1).locator(".members").input_value() == "4.500"  # the other tab's edit, now on this page
    assert row(b, 2).locator(".members").input_value() == "4.300"  # and this tab's own
    b.click("#save")
    expect_text(b.locator("#status"), re.compile(r"^Đã lưu"))
    assert members(server.config, 1) == 4500 and members(server.config, 2) == 4300


def test_a_unit_inserted_in_an_editor_is_neither_deleted_nor_overwritten(browser, server):
    page = open_page(browser, server.url)
    row(page, 3).locator(".members").fill("3.100")  # LĐLĐ huyện Lộc Bình
    text = server.config.read_text(encoding="utf-8")
    inserted = "  - name: LĐLĐ huyện Cao Lộc\n"
    server.config.write_text(text.replace(inserted, "  - name: Công đoàn Khu kinh tế\n    members: 1.234\n" + inserted),
                             encoding="utf-8")  # an editor puts a new unit second
    page.click("#save")
    expect_text(page.locator("#status"), re.compile(r"^Chưa lưu"))
    inserted_row = page.locator("#conflict-table tbody tr", has_text="Công đoàn Khu kinh tế")
    expect_text(inserted_row, "Công đoàn Khu kinh tế(không có)Công đoàn Khu kinh tế: 1.234")  # theirs: nothing to tick
    page.click("#conflict-apply")
    page.click("#save")
    expect_text(page.locator("#status"), re.compile(r"^Đã lưu"))
    units = {u.name: u.members for u in load_plan(server.config).units}
    assert units["Công đoàn Khu kinh tế"] == 1234 and units["LĐLĐ huyện Lộc Bình"] == 3100
    assert units["LĐLĐ huyện Cao Lộc"] == 4227 and len(units) == 15


def test_reloading_takes_the_file_as_it_is_on_disk(browser, server):
    a, b = open_page(browser, server.url), open_page(browser, server.url)
    row(a, 1).locator(".members").fill("4.500")
    a.click("#save")
    expect_text(a.locator("#status"), re.compile(r"^Đã lưu"))
    row(b, 2).locator(".members").fill("4.300")
    b.click("#save")
    expect_text(b.locator("#status"), re.compile(r"^Chưa lưu"))
    b.click("#conflict-reload")
    b.wait_for_load_state()
    assert row(b, 1).locator(".members").input_value() == "4.500"
    assert row(b, 2).locator(".members").input_value() == "4.227"


def _client(tmp_path):
    config = tmp_path / "plan.yaml"
    shutil.copy(SHIPPED_CONFIG, config)
    app = create_app(config, tmp_path / "out")
    c = app.test_client()
    html = c.get("/").get_data(as_text=True)
    token = html.split('name="csrf-token" content="')[1].split('"')[0]
    version = html.split('name="config-version" content="')[1].split('"')[0]
    return c, token, version, config, app


def _state(plan, version, **changes):
    units = [{"name": u.name, "orig": u.name, "members": str(u.members)} for u in plan.units]
    for i, value in changes.items():
        units[int(i[1:]) - 1]["members"] = value
    d = plan.document
    return {"version": version, "number": "", "day": "", "month": str(d.date.month), "year": str(d.date.year),
            "units": units}


def test_a_save_based_on_an_older_file_is_refused_and_the_file_is_untouched(tmp_path):
    c, token, version, config, app = _client(tmp_path)
    plan = load_plan(config)
    ok = c.post("/api/save", json=_state(plan, version, u1="4500"), headers={"X-CSRF-Token": token})
    assert ok.status_code == 200 and ok.get_json()["version"] != version
    after = config.read_bytes()
    stale = c.post("/api/save", json=_state(plan, version, u2="4300"), headers={"X-CSRF-Token": token})
    assert stale.status_code == 409
    body = stale.get_json()
    assert body["conflict"] and body["disk"]["units"][0]["members"] == "4.500"
    assert config.read_bytes() == after
    app.extensions["plan_docs"]["close"]()


def test_units_are_matched_by_name_never_by_position():
    doc = editing.loads("units:\n  - name: A  # đơn vị gốc\n    members: 1\n  - name: B\n    members: 2\n"
                        "  - name: C\n    members: 3\n")
    state = {"units": [{"name": "C", "orig": "C", "members": "3"}, {"name": "A đổi tên", "orig": "A", "members": "10"},
                       {"name": "D", "orig": "", "members": "4"}]}
    out = editing.dump(editing.apply_state(doc, state))
    units = YAML(typ="safe").load(out)["units"]
    assert units == [{"name": "C", "members": 3}, {"name": "A đổi tên", "members": 10}, {"name": "D", "members": 4}]
    assert "# đơn vị gốc" in out  # a unit keeps its own comment wherever it moves


def test_a_null_name_is_refused_not_saved_as_none(tmp_path):
    c, token, version, config, app = _client(tmp_path)
    state = _state(load_plan(config), version)
    state["units"][0]["name"] = None
    res = c.post("/api/save", json=state, headers={"X-CSRF-Token": token})
    assert res.status_code == 400
    assert any(e["field"] == "units[1].name" for e in res.get_json()["errors"])
    assert "None" not in config.read_text(encoding="utf-8")
    app.extensions["plan_docs"]["close"]()


def test_a_name_typed_in_nfd_is_saved_in_nfc(tmp_path):
    import unicodedata

    c, token, version, config, app = _client(tmp_path)
    state = _state(load_plan(config), version)
    state["units"][0]["name"] = unicodedata.normalize("NFD", "LĐLĐ Thành phố Lạng Sơn")
    assert c.post("/api/save", json=state, headers={"X-CSRF-Token": token}).status_code == 200
    assert "  - name: LĐLĐ Thành phố Lạng Sơn\n" in config.read_text(encoding="utf-8")
    app.extensions["plan_docs"]["close"]()


@pytest.mark.parametrize("hidden", ["\u200b", "\u202e", "\u2060", "\ufeff"])
def test_invisible_characters_in_a_name_are_refused(tmp_path, hidden):
    c, token, version, config, app = _client(tmp_path)
    before = config.read_bytes()
    state = _state(load_plan(config), version)
    state["units"][1]["name"] = "LĐLĐ Thành" + hidden + " phố"  # would pass the duplicate check
    res = c.post("/api/save", json=state, headers={"X-CSRF-Token": token})
    assert res.status_code == 400 and config.read_bytes() == before
    (err,) = [e for e in res.get_json()["errors"] if e["field"] == "units[2].name"]
    assert f"ký tự vô hình U+{ord(hidden):04X}" in err["message"]
    app.extensions["plan_docs"]["close"]()


@pytest.mark.parametrize("count, why", [("10000001", "10.000.001 quá lớn (tối đa 10.000.000)"),
                                        ("1" * 4301, "quá nhiều chữ số (4301)"),
                                        ("1" + "0" * 30, "quá nhiều chữ số (31)")])
def test_impossible_member_counts_are_refused_not_a_500(tmp_path, count, why):
    c, token, version, config, app = _client(tmp_path)
    res = c.post("/api/state", json=_state(load_plan(config), version, u1=count), headers={"X-CSRF-Token": token})
    assert res.status_code == 200
    (err,) = res.get_json()["errors"]
    assert err["field"] == "units[1].members" and why in err["message"]
    app.extensions["plan_docs"]["close"]()


# -- only this machine's pages ----------------------------------------------------------------------

def test_another_host_name_is_refused_even_with_the_token(server):
    import json
    import urllib.error
    import urllib.request

    def get(host):
        req = urllib.request.Request(server.url, headers={"Host": host})
        try:
            with urllib.request.urlopen(req, timeout=5) as res:
                return res.status, res.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode()

    status, body = get(f"x.example:{server.port}")  # a name rebound to 127.0.0.1
    assert status == 403 and "csrf-token" not in body and "Trang chỉ mở qua địa chỉ của máy này" in body
    for host in (f"127.0.0.1:{server.port}", f"localhost:{server.port}"):
        assert get(host)[0] == 200
    token = get(f"127.0.0.1:{server.port}")[1].split('name="csrf-token" content="')[1].split('"')[0]
    req = urllib.request.Request(server.url + "api/state", data=json.dumps({"units": []}).encode(), method="POST",
                                 headers={"Host": f"x.example:{server.port}", "X-CSRF-Token": token,
                                          "Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(req, timeout=5)
    assert refused.value.code == 403


def test_a_post_from_another_sites_page_is_refused(tmp_path):
    c, token, version, config, app = _client(tmp_path)
    state = _state(load_plan(config), version, u1="4500")
    for header in ({"Origin": "http://evil.example"}, {"Referer": "http://evil.example/page"}):
        res = c.post("/api/save", json=state, headers={"X-CSRF-Token": token, **header})
        assert res.status_code == 403 and "từ một trang khác" in res.get_json()["message"]
    assert c.post("/api/save", json=state, headers={"X-CSRF-Token": token, "Origin": "http://localhost"}).status_code == 200
    app.extensions["plan_docs"]["close"]()


def test_the_page_cannot_be_framed_and_errors_are_in_vietnamese(tmp_path):
    c, token, _, _, app = _client(tmp_path)
    res = c.get("/")
    assert res.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in res.headers["Content-Security-Policy"]
    assert "script-src 'self'" in res.headers["Content-Security-Policy"]
    missing = c.get("/khong-co")
    assert missing.status_code == 404 and "Không có trang hoặc tệp này." in missing.get_data(as_text=True)
    assert missing.headers["X-Frame-Options"] == "DENY"
    wrong = c.get("/api/save")
    assert wrong.status_code == 405 and wrong.get_json()["message"] == "Trang này không nhận kiểu yêu cầu đó."
    app.extensions["plan_docs"]["close"]()


def test_an_unexpected_error_is_a_vietnamese_500_not_a_stack_trace(tmp_path, monkeypatch):
    c, token, version, config, app = _client(tmp_path)
    monkeypatch.setattr(editing, "apply_state", lambda *_: 1 / 0)
    res = c.post("/api/state", json=_state(load_plan(config), version), headers={"X-CSRF-Token": token})
    assert res.status_code == 500 and res.get_json()["message"].startswith("Chương trình gặp lỗi ngoài dự kiến")
    assert "ZeroDivisionError" not in res.get_data(as_text=True)
    app.extensions["plan_docs"]["close"]()


def test_another_host_address_needs_allow_remote(tmp_path, capsys):
    from generator.cli import main as cli_main

    assert cli_main(["--config", str(SHIPPED_CONFIG), "--output", str(tmp_path), "trang", "--no-browser",
                     "--host", "0.0.0.0"]) == 2
    err = capsys.readouterr().err
    assert "--host 0.0.0.0 mở trang cho các máy khác" in err and "--allow-remote" in err


# -- a page that tells the truth ---------------------------------------------------------------------

def test_the_page_carries_on_after_the_server_restarts(browser, server):
    page = open_page(browser, server.url)
    server.stop()
    row(page, 1).locator(".members").fill("4.500")
    page.click("#save")
    expect_text(page.locator("#status"), re.compile(r"^Không kết nối được với chương trình"))
    assert page.locator("#status").get_attribute("class") == "error"
    assert row(page, 1).locator(".members").input_value() == "4.500"  # the typing is kept
    server.start()  # same port, a new CSRF token
    page.click("#save")
    expect_text(page.locator("#status"), re.compile(r"^Đã lưu plan\.yaml"))
    assert members(server.config, 1) == 4500


def test_a_stale_reply_never_overwrites_a_newer_one(browser, server):
    page = open_page(browser, server.url)
    held = []

    def hold_first(route):
        if not held:
            held.append(route)  # answered later, after the newer request
        else:
            route.continue_()
    page.route("**/api/state", hold_first)
    field = row(page, 4).locator(".members")  # LĐLĐ huyện Đình Lập
    field.fill("2001")
    for _ in range(50):  # until the first request is sent and held (bounded: 5 s)
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the first request was never sent"
    field.fill("3001")
    expect_text(row(page, 4).locator(".individuals"), "3")
    held[0].continue_()
    page.wait_for_timeout(500)
    expect_text(row(page, 4).locator(".individuals"), "3")  # not the held reply's 2
    expect_text(page.locator("#total-individuals"), "34")


def test_save_and_build_stay_on_screen_at_1366_by_768(browser, server):
    page = open_page(browser, server.url, 1366, 768)
    for button in ("#save", "#build"):
        box = page.locator(button).bounding_box()
        assert box and 0 <= box["y"] and box["y"] + box["height"] <= 768, button
    page.locator("tr.unit").nth(13).scroll_into_view_if_needed()
    assert page.locator("#save").bounding_box()["y"] + page.locator("#save").bounding_box()["height"] <= 768


def test_every_column_has_a_label_and_the_day_placeholder_shows(browser, server):
    page = open_page(browser, server.url)
    headers = page.locator("#units thead th").all_inner_texts()
    assert all(h.strip() for h in headers) and headers[5] == "Cộng"
    expect_text(row(page, 1).locator(".awards"), "4")
    day = page.locator("#day")
    assert day.evaluate("e => e.scrollWidth <= e.clientWidth")  # «để trống» is not cut off


def test_warnings_use_the_clerks_words(browser, server):
    page = open_page(browser, server.url)
    row(page, 1).locator(".members").fill("4.469")
    warning = page.locator("#warnings li").first
    expect_text(warning, re.compile(r"^Cảnh báo: hạn gửi báo cáo \(07/4/2023\) đến trước hạn hoàn thành sơ kết"))
    assert "reports_due" not in page.locator("#warnings").inner_text()


def test_a_server_error_shows_red_and_keeps_the_typing(browser, server, monkeypatch):
    page = open_page(browser, server.url)
    monkeypatch.setattr(editing, "apply_state", lambda *_: 1 / 0)
    row(page, 2).locator(".members").fill("4.301")
    expect_text(page.locator("#status"), re.compile(r"^Chương trình gặp lỗi ngoài dự kiến"))
    assert page.locator("#status").get_attribute("class") == "error"
    assert row(page, 2).locator(".members").input_value() == "4.301"
