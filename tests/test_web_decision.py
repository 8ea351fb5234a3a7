"""«Quyết định và Bằng khen» on the clerk's page, in Debian's Chromium: counts per unit, the
decision refused while intake is incomplete, then built with previews of page 1 of each
document and of the first certificate, and everything downloadable."""
from __future__ import annotations

import io
import zipfile

import pytest
from playwright.sync_api import expect

from generator.cli import main as cli_main

from .conftest import click_and_wait
from .rendering import require_libreoffice
from .test_award_decision import LISTS
from .test_web import expect_text
from .test_web_safety import Server, open_page


@pytest.fixture
def server(tmp_path):
    s = Server(tmp_path)
    yield s
    s.stop()


def intake(server, folder=LISTS):
    assert cli_main(["--config", str(server.config), "--output", str(server.out), "tiep-nhan", str(folder)]) in (0, 1)


def test_the_decision_is_refused_while_a_unit_has_not_sent_its_list(browser, server, tmp_path):
    import shutil

    partial = tmp_path / "lists"
    shutil.copytree(LISTS, partial)
    next(partial.glob("04-*.xlsx")).unlink()
    intake(server, partial)
    page = open_page(browser, server.url + "quyet-dinh")
    expect_text(page.locator("#awards tbody tr.unit").nth(3).locator("td.status"), "chưa nộp")
    expect(page.locator("#certificates")).to_be_disabled()
    click_and_wait(page, "#decision", "/api/decision/build")
    expect(page.locator("#status")).to_contain_text("LĐLĐ huyện Đình Lập: chưa nộp")
    expect(page.locator("#status")).to_have_class("error")
    said = page.locator("#status").inner_text()  # as shown: one message a line, the page's own controls
    assert "«Lập cả khi còn đơn vị chưa đủ hồ sơ»" in said and "«Tiếp nhận hồ sơ»" in said
    assert "--" not in said and "build_docs" not in said
    assert "\n" in said
    assert not (server.out / "quyet_dinh").exists()


def test_building_the_decision_and_the_certificates_shows_their_first_pages(browser, server):
    require_libreoffice()
    intake(server)
    page = open_page(browser, server.url + "quyet-dinh", 1366, 1000)
    assert page.locator("#awards tbody tr.unit").count() == 15
    expect_text(page.locator("#sum-c"), "14")
    expect_text(page.locator("#sum-i"), "33")
    click_and_wait(page, "#decision", "/api/decision/build")
    expect(page.locator("#status")).to_have_text("Đã lập Quyết định: 14 tập thể và 33 cá nhân.")
    expect_text(page.locator("#awards tbody tr.unit").nth(0).locator("td").nth(5), "1 tập thể, 3 cá nhân")
    expect(page.locator("#previews figcaption")).to_have_count(3)
    click_and_wait(page, "#certificates", "/api/certificates/build")
    expect(page.locator("#status")).to_contain_text("Đã in 47 Bằng khen")
    expect(page.locator("#previews figcaption")).to_have_text(
        ["Tờ trình của Ban", "Quyết định", "Danh sách kèm theo", "Bằng khen đầu tiên", "Sổ cấp Bằng khen"])
    for img in page.locator("#previews img").all():  # every preview loaded, not a broken image
        assert page.evaluate("(el) => el.complete && el.naturalWidth > 0", img.element_handle())
    page.screenshot(path=str(server.out.parent / "quyet-dinh.png"), full_page=True)  # renders whole
    links = page.locator("#award-downloads a")
    names = [a.get_attribute("data-name") for a in links.all()]
    # Shown by what the clerk calls them, each with its formats; the units' ZIPs under one heading.
    expect(page.locator("#award-downloads li", has_text="Quyết định khen thưởng — Word · PDF")).to_have_count(1)
    expect(page.locator("#award-downloads h5", has_text="Theo đơn vị")).to_have_count(1)
    assert "quyet_dinh/quyet_dinh.docx" in names and "bang_khen/bang_khen.pdf" in names
    assert sum(n.startswith("bang_khen/theo_don_vi/") for n in names) == 15
    with page.expect_download() as info:
        page.click("#award-downloads a[data-name='quyet_dinh_bang_khen.zip']")
    with zipfile.ZipFile(io.BytesIO(open(info.value.path(), "rb").read())) as z:
        inside = z.namelist()
    assert "quyet_dinh/danh_sach_khen_thuong.docx" in inside and "bang_khen/so_cap_bang.docx" in inside


def test_downloads_are_only_the_listed_files(server):
    client = server.app.test_client()
    intake(server)
    for name in ("../config/plan.yaml", "tiep_nhan.json", "quyet_dinh/khen_thuong.json", "%2e%2e/plan.yaml"):
        assert client.get("/download/khen-thuong/" + name).status_code == 404


def test_building_without_the_pages_token_is_refused(server):
    client = server.app.test_client()
    for url in ("/api/decision/build", "/api/certificates/build"):
        res = client.post(url, json={})
        assert res.status_code == 403 and "CSRF" in res.get_json()["message"]
    assert not (server.out / "quyet_dinh").exists()


def test_the_papers_after_the_decision_are_one_button_each_with_a_preview_and_a_download(browser, server):
    require_libreoffice()
    intake(server)
    page = open_page(browser, server.url + "quyet-dinh", 1366, 1000)
    for button in ("#invitations", "#prizes", "#results"):
        expect(page.locator(button)).to_be_disabled()  # nothing to send before there is a decision
    click_and_wait(page, "#decision", "/api/decision/build")
    for button, api, said, caption, file in (
            ("#invitations", "/api/papers/invitations", "Đã lập Giấy mời", "Giấy mời", "giay_moi/giay_moi.docx"),
            ("#prizes", "/api/papers/prizes", "Đã lập Danh sách nhận tiền thưởng", "Danh sách nhận tiền thưởng",
             "tien_thuong/danh_sach_tien_thuong.docx"),
            ("#results", "/api/papers/results", "Đã lập Công văn gửi Quyết định", "Công văn gửi Quyết định",
             "thong_bao/cong_van_gui_quyet_dinh.docx")):
        click_and_wait(page, button, api)
        expect(page.locator("#status")).to_contain_text(said)
        expect(page.locator("#previews figcaption", has_text=caption)).to_have_count(1)
        assert file in [a.get_attribute("data-name") for a in page.locator("#award-downloads a").all()]
        with page.expect_download() as info:
            page.click(f"#award-downloads a[data-name='{file}']")
        assert open(info.value.path(), "rb").read() == (server.out / file).read_bytes()
    for img in page.locator("#previews img").all():
        assert page.evaluate("(el) => el.complete && el.naturalWidth > 0", img.element_handle())
