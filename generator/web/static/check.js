// «Kiểm tra»: drafts checked against NĐ 30 and the plan's templates against its config. The
// server runs the same steps as the command line; this script shows their findings.
"use strict";

function reports(list) {
  const box = document.getElementById("reports");
  box.replaceChildren();
  for (const rep of list) {
    const part = document.createElement("div");
    part.className = "report";
    const h = document.createElement("h3");
    const counts = ["lỗi", "lưu ý", "thông tin"].map((s) => `${rep.findings.filter((f) => f.severity === s).length} ${s}`);
    h.textContent = `${rep.file} (${rep.type}): ${counts.join(", ")}; đã đánh giá ${rep.evaluated}/${rep.total} quy tắc`;
    const ul = document.createElement("ul");
    for (const f of rep.findings) {
      const li = document.createElement("li");
      li.className = "finding sev-" + f.severity.replace(/\s+/g, "-");
      li.textContent = `${f.severity.toUpperCase()}: ${f.title}${f.location ? " [" + f.location + "]" : ""}: ${f.message}`;
      ul.append(li);
    }
    for (const u of rep.unjudged) {
      const li = document.createElement("li");
      li.textContent = `Không đánh giá được: ${u.title}: ${u.reason}.`;
      ul.append(li);
    }
    if (rep.note) {
      const li = document.createElement("li");
      li.textContent = `Ghi chú: ${rep.note}.`;
      ul.append(li);
    }
    part.append(h, ul);
    box.append(part);
  }
}

document.getElementById("drafts").addEventListener("change", async (e) => {
  if (!e.target.files.length) return;
  const form = new FormData();
  for (const f of e.target.files) form.append("files", f);
  e.target.value = "";
  const data = await act(() => {}, "api/check/files", form, "Đang kiểm tra (dựng trang bằng LibreOffice)…");
  if (data.ok) reports(data.reports);
});

document.getElementById("templates").addEventListener("click", async () => {
  const data = await act(() => {}, "api/check/templates", {}, "Đang kiểm tra các mẫu…");
  if (data.lines) showLines(document.getElementById("template-lines"), data.lines);
});
