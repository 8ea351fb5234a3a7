"""«Tiếp nhận hồ sơ» on the clerk's page, in Debian's Chromium: upload the units' lists, see
each unit's status and every problem by row and column, download the results, build the
packs. The same CSRF, Host and size rules as the rest of the page."""
from __future__ import annotations

import io
import re
import zipfile

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from generator.cli import main as cli_main

from .conftest import SHIPPED_CONFIG, click_and_wait
from .test_award_intake import collective, fill, person, sections
from .test_web import expect_text
from .test_web_safety import Server, _client, open_page


@pytest.fixture(scope="module")
def packs(tmp_path_factory):
    out = tmp_path_factory.mktemp("packs")
    assert cli_main(["--config", str(SHIPPED_CONFIG), "--output", str(out), "ho-so"]) == 0
    return out / "ho_so"


@pytest.fixture
def server(tmp_path):
    s = Server(tmp_path)
    yield s
    s.stop()


def lists(packs, tmp_path):
    """Đình Lập's list, right; Thành phố's, with one Chức vụ left empty."""
    good = fill(next(packs.glob("04-*")) / "danh_sach.xlsx", [collective("LĐLĐ huyện Đình Lập")],
                [person("Nguyễn Văn An", "LĐLĐ huyện Đình Lập")], tmp_path / "04-Dinh Lap.xlsx")
    incomplete = person("Trần Thị Bình", "LĐLĐ Thành phố", "Nữ")
    incomplete[3] = None
    bad = fill(next(packs.glob("01-*")) / "danh_sach.xlsx", [collective("LĐLĐ Thành phố")],
               [person("Lê Văn Cường", "LĐLĐ Thành phố"), incomplete], tmp_path / "01-Thanh pho.xlsx")
    row = sections(load_workbook(bad).worksheets[0])["ca_nhan"][1][1]
    return good, bad, row


def status(page, stt):
    return page.locator("#intake tbody tr.unit").nth(stt - 1).locator("td.status")


def test_the_view_lists_every_unit_as_not_yet_sent(browser, server):
    page = open_page(browser, server.url + "tiep-nhan")
    assert page.locator("#intake tbody tr.unit").count() == 15
    expect_text(status(page, 1), "chưa nộp")
    expect_text(page.locator("#intake tbody tr.unit").nth(14).locator("td").nth(3), "0 (01 tập thể hoặc 01 cá nhân)")


def test_uploading_lists_shows_each_status_and_every_problem_by_row_and_column(browser, server, packs, tmp_path):
    good, bad, row = lists(packs, tmp_path)
    page = open_page(browser, server.url + "tiep-nhan", 1366, 900)
    page.set_input_files("#lists", [str(good), str(bad)])
    expect_text(page.locator("#status"), "Đã nhận 2 tệp; có lỗi, xem bảng dưới.")
    expect_text(status(page, 4), "đủ")
    expect_text(status(page, 1), "có lỗi")
    expect_text(page.locator("#intake tr.problems li"), [f"dòng {row}, cột E (Chức vụ): chưa điền «Chức vụ» (cá nhân)."])
    expect_text(page.locator("#inbox li"), ["01-Thanh pho.xlsx Bỏ tệp này", "04-Dinh Lap.xlsx Bỏ tệp này"])
    page.screenshot(path=str(tmp_path / "tiep-nhan.png"), full_page=True)  # renders whole
    with page.expect_download() as info:
        page.click("#intake-downloads a[data-name='tong_hop_de_nghi.xlsx']")
    target = tmp_path / "tong_hop.xlsx"
    info.value.save_as(target)
    wb = load_workbook(target)
    assert [c.value for c in wb["Cá nhân"][2]][1:3] == ["LĐLĐ huyện Đình Lập", "Nguyễn Văn An"]
    assert wb["Cá nhân"].max_row == 2  # Thành phố's list, with its problem, adds nothing
    with page.expect_download() as info:
        page.click("#intake-downloads a[data-name='loi_tiep_nhan.xlsx']")
    info.value.save_as(tmp_path / "loi.xlsx")
    book = load_workbook(tmp_path / "loi.xlsx")
    assert book.sheetnames == ["LĐLĐ Thành phố"]  # one sheet per unit, to send back as it is
    errors = book["LĐLĐ Thành phố"]
    assert [c.value for c in errors[2]] == ["01-Thanh pho.xlsx", "Danh sách", row, "E (Chức vụ)",
                                            "chưa điền «Chức vụ» (cá nhân)."]


def test_a_file_can_be_dropped_and_the_packs_built(browser, server, packs, tmp_path):
    good, _, _ = lists(packs, tmp_path)
    page = open_page(browser, server.url + "tiep-nhan")
    page.set_input_files("#lists", str(good))
    expect_text(status(page, 4), "đủ")
    page.click("#inbox button[data-name='04-Dinh Lap.xlsx']")
    expect_text(page.locator("#status"), "Đã bỏ tệp 04-Dinh Lap.xlsx.")
    expect_text(status(page, 4), "đủ")  # what was accepted stays until a good file replaces it
    assert page.locator("#inbox li").count() == 0
    click_and_wait(page, "#packs", "/api/intake/packs")
    expect_text(page.locator("#status"), "Đã tạo 60 tệp hồ sơ mẫu cho 15 đơn vị (tải ho_so.zip).")
    with page.expect_download() as info:
        page.click("#intake-downloads a[data-name='ho_so.zip']")
    info.value.save_as(tmp_path / "ho_so.zip")
    names = zipfile.ZipFile(tmp_path / "ho_so.zip").namelist()
    assert len(names) == 60 and "ho_so/04-LĐLĐ huyện Đình Lập/to_trinh.docx" in names


def test_the_intake_posts_need_the_token_and_refuse_other_files(tmp_path):
    c, token, _, _, app = _client(tmp_path)
    for url in ("/api/intake/upload", "/api/intake/remove", "/api/intake/packs"):
        assert c.post(url, json={}).status_code == 403
    exe = c.post("/api/intake/upload", headers={"X-CSRF-Token": token},
                 data={"files": (io.BytesIO(b"MZ"), "virus.exe")})
    assert exe.status_code == 400 and "chỉ nhận tệp .xlsx, .xls, .ods hoặc .csv" in exe.get_json()["message"]
    big = c.post("/api/intake/upload", headers={"X-CSRF-Token": token},
                 data={"files": (io.BytesIO(b"a,b\n" * 1_400_000), "lon.csv")})
    assert big.status_code == 400 and re.search(r"lớn hơn 5 MB", big.get_json()["message"])
    assert c.post("/api/intake/remove", headers={"X-CSRF-Token": token}, json={"name": "../plan.yaml"}).status_code == 404
    assert c.get("/download/tiep-nhan/../plan.yaml").status_code == 404
    app.extensions["plan_docs"]["close"]()


def test_the_chase_letter_is_one_button_naming_the_units_the_table_marks(browser, server, packs, tmp_path):
    from .conftest import click_and_wait
    from .rendering import require_libreoffice

    require_libreoffice()
    good, bad, _ = lists(packs, tmp_path)
    page = open_page(browser, server.url + "tiep-nhan", 1366, 900)
    page.set_input_files("#lists", [str(good), str(bad)])
    expect_text(status(page, 1), "có lỗi")
    click_and_wait(page, "#chase", "/api/intake/chase")
    marked = [t for t in page.locator("#intake tbody tr.unit td:nth-child(2)").all_text_contents()]
    statuses = page.locator("#intake tbody tr.unit td.status").all_text_contents()
    chased = [n for n, s in zip(marked, statuses) if s != "đủ" and n != "Cơ quan LĐLĐ tỉnh"]
    expect(page.locator("#status")).to_contain_text(f"Đã lập Công văn đôn đốc {len(chased)} đơn vị")
    assert "LĐLĐ huyện Đình Lập" not in page.locator("#status").inner_text()  # «đủ»: never chased
    img = page.locator("#chase-preview img")
    expect(img).to_have_count(1)
    page.wait_for_function("() => { const i = document.querySelector('#chase-preview img'); "
                           "return i && i.complete && i.naturalWidth > 0; }")
    with page.expect_download() as info:
        page.click("#intake-downloads a[data-name='don_doc/phu_luc_don_doc.docx']")
    import docx as python_docx

    annex = python_docx.Document(info.value.path())
    rows = [r.cells[1].text for r in annex.tables[0].rows[1:]]
    assert rows == chased
