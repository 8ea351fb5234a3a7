// «Tiếp nhận hồ sơ»: upload the units' lists, see each unit's status and every problem by row
// and column, download the consolidated list and the error list, build the packs. The server
// does every check (intake.py, the same as `tiep-nhan`); this script only shows what comes back.
"use strict";

function cell(tr, text, cls) {
  const td = document.createElement("td");
  td.textContent = text;
  if (cls) td.className = cls;
  tr.append(td);
  return td;
}

function render(view) {
  const body = document.querySelector("#intake tbody");
  body.replaceChildren();
  const byFile = new Map();
  for (const p of view.problems) {
    if (!byFile.has(p.file)) byFile.set(p.file, []);
    byFile.get(p.file).push(p);
  }
  const shown = new Set();
  for (const r of view.table) {
    const tr = document.createElement("tr");
    tr.className = "unit status-" + r.status.replace(/\s+/g, "-");
    cell(tr, r.stt, "num");
    cell(tr, r.name);
    cell(tr, r.provincial ? `${r.collectives}` : againstQuota(r.collectives, r.collectives_quota), "num");
    cell(tr, r.provincial ? `${r.individuals} (${r.either})` : againstQuota(r.individuals, r.individuals_quota), "num");
    cell(tr, r.status, "status");
    cell(tr, r.file || "");
    body.append(tr);
    const problems = byFile.get(r.file) || [];
    if (r.file && problems.length) {
      shown.add(r.file);
      const sub = document.createElement("tr");
      sub.className = "problems";
      const td = cell(sub, "");
      td.colSpan = 6;
      const ul = document.createElement("ul");
      for (const p of problems) {
        const li = document.createElement("li");
        const where = [p.row && `dòng ${p.row}`, p.column && `cột ${p.column}`].filter(Boolean).join(", ");
        li.textContent = (where ? where + ": " : "") + p.message;
        ul.append(li);
      }
      td.append(ul);
      body.append(sub);
    }
  }
  // Why the table may differ from the last intake (the config changed since), and what is
  // worth knowing but no error (two people of one name): one line each, above the table.
  showLines(document.getElementById("intake-notices"), [...(view.stale || []), ...(view.notes || []).map((n) => n.line)]);
  const other = document.getElementById("other-problems");
  other.replaceChildren();
  for (const p of view.problems.filter((p) => !shown.has(p.file))) {
    const li = document.createElement("li");
    li.textContent = p.line;
    other.append(li);
  }
  const inbox = document.getElementById("inbox");
  inbox.replaceChildren();
  for (const name of view.files) {
    const li = document.createElement("li");
    li.textContent = name + " ";
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "Bỏ tệp này";
    button.dataset.name = name;
    li.append(button);
    inbox.append(li);
  }
  shelfList(document.getElementById("intake-downloads"), view.documents, "download/tiep-nhan/");
}

document.getElementById("lists").addEventListener("change", async (e) => {
  if (!e.target.files.length) return;
  const form = new FormData();
  for (const f of e.target.files) form.append("files", f);
  e.target.value = "";
  await act(render, "api/intake/upload", form, "Đang kiểm tra các danh sách…");
});

document.getElementById("inbox").addEventListener("click", (e) => {
  if (e.target.matches("button[data-name]")) act(render, "api/intake/remove", { name: e.target.dataset.name }, "Đang bỏ tệp…");
});

document.getElementById("chase").addEventListener("click", () =>
  act(showChase, "api/intake/chase", {}, "Đang lập công văn đôn đốc…"));

// After the chase letter: the table as before, and page 1 of the letter when one was made.
function showChase(view) {
  render(view);
  const box = document.getElementById("chase-preview");
  box.replaceChildren();
  if (!view.downloads.includes("don_doc/cong_van_don_doc.docx")) return;
  const fig = document.createElement("figure");
  const img = document.createElement("img");
  img.src = `preview/tiep-nhan/don-doc.png?t=${Date.now()}`;
  img.alt = "Trang 1: Công văn đôn đốc";
  img.onerror = () => fig.remove();  // no LibreOffice: no preview, the download is there
  const cap = document.createElement("figcaption");
  cap.textContent = "Công văn đôn đốc";
  fig.append(img, cap);
  box.append(fig);
}

document.getElementById("packs").addEventListener("click", async () => {
  const data = await act(render, "api/intake/packs", {}, "Đang tạo bộ hồ sơ mẫu…");
  if (data.ok) offer(document.getElementById("intake-downloads"), "ho_so.zip");
});

render(JSON.parse(document.getElementById("view").textContent));
