"""The whole award cycle on the page only, as a clerk who never opens a command line does it:
edit a count, build the plan, make the packs, fill the units' lists from the packs the page gave
(one list wrong), read its problems, fix and upload it again, make the decision (refused while a
unit has sent nothing, then with the checkbox), print the certificates and download every
document. At the end each Word and Excel file equals, byte for byte, what the command line makes
from the same config and the same lists. No text the page shows, in any state reached, names a
command-line flag. Screenshots of each step at 1366×768 go to tmp_path (and to
$PLAN_DOCS_SCREENSHOTS, for the README, when it is set)."""
from __future__ import annotations

import io
import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from generator import quotas
from generator.cli import main as cli_main
from generator.config import load_plan

from .conftest import STEP_ANSWER_MS, click_and_wait
from .rendering import require_libreoffice
from .test_award_intake import collective, fill, person, sections
from .test_web import expect_text, row
from .test_web_safety import Server

FLAG = re.compile(r"(?<![\w-])--[a-z]")
UNSENT = 14  # Công đoàn Viên chức sends nothing: the decision is refused until the checkbox


@pytest.fixture
def server(tmp_path):
    s = Server(tmp_path)
    yield s
    s.stop()


class Clerk:
    def __init__(self, browser, server, shots: Path):
        self.context = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True)
        self.page = self.context.new_page()
        self.server, self.shots, self.n = server, shots, 0

    def go(self, path: str) -> None:
        self.page.goto(self.server.url + path)

    def sees_no_flag(self) -> None:
        text = self.page.inner_text("body")
        assert not FLAG.search(text), FLAG.search(text).group(0) + " in: " + text[max(0, FLAG.search(text).start() - 80):][:200]

    def shot(self, name: str) -> None:
        self.sees_no_flag()
        self.n += 1
        self.page.screenshot(path=str(self.shots / f"{self.n}-{name}.png"))

    def on_cycle(self, step: str) -> str:
        """Press a step's button on «Các bước» and return what the page says when it is done."""
        with self.page.expect_response(lambda r: r.url.endswith("/api/cycle") and r.request.method == "GET",
                                       timeout=STEP_ANSWER_MS):
            self.page.click(f"button[data-step='{step}']")
        self.sees_no_flag()
        return self.page.locator("#status").inner_text()


def unit_lists(packs: Path, plan, target: Path, broken: bool) -> Path:
    """Each unit's list filled from its pack up to its quota, but for UNSENT; Thành phố's with a
    Chức vụ left empty when `broken`."""
    target.mkdir(exist_ok=True)
    n = 0
    for u in quotas.units_of(plan, quotas.allocate(plan)):
        if u.stt == UNSENT:
            continue
        folder = next(packs.glob(f"{u.stt:02d}-*"))
        if u.provincial:
            fill(folder / "danh_sach.xlsx", [], [person("Hoàng Thị Mai", "Văn phòng LĐLĐ tỉnh", "Nữ")],
                 target / f"{folder.name}.xlsx")
            continue
        people = []
        for _ in range(u.individuals):
            n += 1
            people.append(person(f"Người Thứ {n:02d}", u.name))
        if broken and u.stt == 1:
            people[0][3] = None
        fill(folder / "danh_sach.xlsx", [collective(u.name)], people, target / f"{folder.name}.xlsx")
    return target


def test_the_whole_cycle_on_the_page_equals_the_command_lines_documents(browser, server, tmp_path):
    require_libreoffice()
    shots = tmp_path / "shots"
    shots.mkdir()
    clerk = Clerk(browser, server, shots)
    page = clerk.page

    # 1. The plan: a count edited and saved, the documents built.
    clerk.go("")
    row(page, 4).locator(".members").fill("2001")
    expect_text(row(page, 4).locator(".individuals"), "2")
    click_and_wait(page, "#save", "/api/save")
    expect(page.locator("#status")).to_contain_text("Đã lưu")
    click_and_wait(page, "#build", "/api/build")
    expect_text(page.locator("#status"), "Đã tạo văn bản.")
    expect(page.locator("#downloads li", has_text="Kế hoạch — Word · PDF")).to_have_count(1)
    clerk.shot("ke-hoach")

    # 2. The packs, from «Các bước»: the ZIP is offered at once.
    clerk.go("cac-buoc")
    expect(page.locator("#buoc-plan .state")).to_have_text("xong")
    with page.expect_download(timeout=STEP_ANSWER_MS) as got:
        clerk.go("tiep-nhan")
        click_and_wait(page, "#packs", "/api/intake/packs")
    packs_zip = tmp_path / "ho_so.zip"
    got.value.save_as(packs_zip)
    packs = tmp_path / "from-page"
    with zipfile.ZipFile(packs_zip) as z:
        z.extractall(packs)
    plan = load_plan(server.config)
    assert [u.individuals for u in quotas.units_of(plan, quotas.allocate(plan))][3] == 2  # the edited count

    # 3. Intake: one list wrong, its problem read by row and column, fixed and sent again.
    sent = unit_lists(packs / "ho_so", plan, tmp_path / "nop", broken=True)
    with page.expect_response(lambda r: r.url.endswith("/api/intake/upload"), timeout=STEP_ANSWER_MS):
        page.set_input_files("#lists", sorted(sent.iterdir()))
    first = page.locator("#intake tbody tr.unit").nth(0)
    expect(first.locator("td.status")).to_have_text("có lỗi")
    broken_row = sections(load_workbook(next(sent.glob("01-*"))).worksheets[0])["ca_nhan"][1][0]
    expect(page.locator("#intake tr.problems").first).to_contain_text(f"dòng {broken_row}, cột E (Chức vụ)")
    clerk.shot("tiep-nhan-co-loi")
    fixed = unit_lists(packs / "ho_so", plan, tmp_path / "nop-lai", broken=False)
    with page.expect_response(lambda r: r.url.endswith("/api/intake/upload"), timeout=STEP_ANSWER_MS):
        page.set_input_files("#lists", [next(fixed.glob("01-*"))])
    expect(first.locator("td.status")).to_have_text("đủ")
    expect(page.locator("#intake tbody tr.unit").nth(UNSENT - 1).locator("td.status")).to_have_text("chưa nộp")
    clerk.shot("tiep-nhan-da-sua")

    # 4. The decision: refused, in the page's words, then made with the checkbox.
    clerk.go("cac-buoc")
    said = clerk.on_cycle("decision")
    assert "Đánh dấu «Lập cả khi còn đơn vị chưa đủ hồ sơ»" in said or "đánh dấu «Lập cả khi còn đơn vị chưa đủ hồ sơ»" in said
    page.check("#allow-incomplete")
    assert clerk.on_cycle("decision").startswith("Đã lập Quyết định")
    expect(page.locator("#buoc-decision .state")).to_have_text("xong")

    # 5. The certificates.
    assert clerk.on_cycle("certificates").startswith("Đã in")
    expect(page.locator("#buoc-certificates .state")).to_have_text("xong")
    expect(page.locator("#buoc-certificates h5", has_text="Theo đơn vị")).to_have_count(1)
    page.set_viewport_size({"width": 1366, "height": 768})
    clerk.shot("cac-buoc")

    # 6. Every document, downloaded from «Các bước».
    got_files = {}
    for link in page.locator("#steps a[data-name]").all():
        name = link.get_attribute("data-name")
        with page.expect_download() as info:
            link.click()
        got_files[name] = Path(info.value.path()).read_bytes()
    assert {"ke_hoach.docx", "quyet_dinh/quyet_dinh.docx", "bang_khen/bang_khen.docx",
            "tong_hop_de_nghi.xlsx"} <= set(got_files)

    # The command line, from the same config and the same lists.
    same = tmp_path / "cli"
    lists = tmp_path / "cli-lists"
    shutil.copytree(sent, lists)
    shutil.copy(next(fixed.glob("01-*")), lists)
    base = ["--config", str(server.config), "--output", str(same)]
    for command in (["ke-hoach"], ["ho-so"], ["tiep-nhan", str(lists)], ["quyet-dinh", "--allow-incomplete"],
                    ["bang-khen"]):
        assert cli_main(base + command) in (0, 1), command  # 1: intake found a unit that sent nothing
    compared = [n for n in got_files if n.endswith((".docx", ".xlsx"))]
    differ = [n for n in compared if got_files[n] != (same / n).read_bytes()]
    assert compared and differ == []
    with zipfile.ZipFile(io.BytesIO(packs_zip.read_bytes())) as z:
        in_zip = [n for n in z.namelist() if n.endswith((".docx", ".xlsx"))]
        assert len(in_zip) == 60 and all(z.read(n) == (same / n).read_bytes() for n in in_zip)
    keep = os.environ.get("PLAN_DOCS_SCREENSHOTS")
    if keep:
        for png in shots.iterdir():
            shutil.copy(png, Path(keep) / f"trang-{png.name}")


def test_a_new_plan_is_made_from_the_page_with_a_launcher_that_opens_it(tmp_path):
    from generator import documents
    from generator.web.views.cycle import LAUNCHER

    from .test_web_safety import _client

    client, token, _, _, app = _client(tmp_path)
    app.extensions["plan_docs"]["services"].plans_dir = tmp_path / "plans"
    post = lambda name: client.post("/api/cycle/new-plan", json={"name": name}, headers={"X-CSRF-Token": token})  # noqa: E731
    res = post("Kế hoạch Đợt 2027")
    assert res.status_code == 200 and "«ke_hoach_dot_2027»" in res.get_json()["message"]
    made = tmp_path / "plans" / "ke_hoach_dot_2027"
    assert load_plan(made / "plan.yaml").templates == "templates"
    assert {p.name for p in (made / "templates").iterdir()} == {k.template for k in documents.KINDS}
    launcher = (made / LAUNCHER).read_bytes()
    assert launcher.isascii() and b"\r\n" in launcher and b'--config "%~dp0plan.yaml"' in launcher
    assert b'"%~dp0..\\Chay-trang-nhap-lieu.bat"' in launcher  # the tool's own launcher, beside the plan's folder
    again = post("ke_hoach_dot_2027")
    assert again.status_code == 400 and "đã có tệp" in again.get_json()["message"]
    assert post("  ").status_code == 400
