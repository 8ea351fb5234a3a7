"""«Kiểm tra» on the page: a draft's thể thức and the plan's templates checked by the same steps
as `kiem-tra` and `kiem-tra-mau`, in the clerk's words, nothing kept."""
from __future__ import annotations

import io
import json
import subprocess
import sys

from playwright.sync_api import expect

from .conftest import ROOT, click_and_wait
from .test_web_safety import Server, _client, open_page


def test_a_draft_uploaded_gets_the_findings_the_command_line_gives(browser, tmp_path, built):
    s = Server(tmp_path)
    try:
        draft = built[1] / "ke_hoach.docx"
        page = open_page(browser, s.url + "kiem-tra", 1366, 768)
        with page.expect_response(lambda r: r.url.endswith("/api/check/files"), timeout=600_000):
            page.set_input_files("#drafts", [str(draft)])
        expect(page.locator("#status")).to_contain_text("Đã kiểm tra 1 tệp")
        head = page.locator("#reports h3").first.inner_text()
        cli = subprocess.run([sys.executable, "build_docs.py", "kiem-tra", str(draft), "--format", "json"],
                             cwd=ROOT, capture_output=True, text=True)
        summary = json.loads(cli.stdout)["summary"][0]
        assert head.startswith("ke_hoach.docx (") and f"đã đánh giá {summary['evaluated']}/{summary['total']}" in head
        shown = page.locator("#reports li.finding").count()
        assert shown == sum(f["status"] != "không đánh giá được" for f in json.loads(cli.stdout)["findings"])
        assert not list(s.out.glob("**/ke_hoach.docx"))  # the upload is not kept in output/
        click_and_wait(page, "#templates", "/api/check/templates")
        expect(page.locator("#status")).to_have_text("Các mẫu không có lỗi.")
    finally:
        s.stop()


def test_only_word_files_are_checked(tmp_path):
    client, token, _, _, _ = _client(tmp_path)
    res = client.post("/api/check/files", data={"files": (io.BytesIO(b"x"), "a.doc")}, headers={"X-CSRF-Token": token})
    assert res.status_code == 400 and "chỉ kiểm tra được tệp Word .docx" in res.get_json()["message"]
