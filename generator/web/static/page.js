// The clerk's page. The server computes every quota and checks every value (the same modules
// as the command line); this script only gathers what is typed and shows what comes back.
"use strict";

const token = document.querySelector('meta[name="csrf-token"]').content;
const tbody = document.querySelector("#units tbody");
const statusBox = document.getElementById("status");
let pendingImport = null;
let timer = null;

function state() {
  return {
    number: document.getElementById("number").value,
    day: document.getElementById("day").value,
    month: document.getElementById("month").value,
    year: document.getElementById("year").value,
    units: [...tbody.querySelectorAll("tr.unit")].map((tr) => ({
      name: tr.querySelector(".name").value,
      members: tr.querySelector(".members").value,
    })),
  };
}

async function post(url, body) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
    body: JSON.stringify(body),
  });
  return [res.ok, await res.json()];
}

function setText(el, value) {
  el.textContent = value === null || value === undefined ? "—" : String(value);
}

function show(result) {
  const rows = [...tbody.querySelectorAll("tr.unit")];
  rows.forEach((tr, i) => {
    const r = result.rows[i] || {};
    setText(tr.querySelector(".stt"), i + 1);
    setText(tr.querySelector(".collectives"), r.collectives);
    setText(tr.querySelector(".individuals"), r.individuals);
    tr.querySelectorAll(".err").forEach((e) => (e.textContent = ""));
    tr.querySelectorAll("input").forEach((e) => e.classList.remove("invalid"));
  });
  const t = result.totals;
  setText(document.getElementById("total-collectives"), t && t.collectives);
  setText(document.getElementById("total-individuals"), t && t.individuals);
  setText(document.getElementById("total-awards"), t && t.awards);
  setText(document.getElementById("grand-total"), t && t.grand_total);
  setText(document.getElementById("provincial-stt"), rows.length + 1);
  document.querySelectorAll("input.invalid").forEach((e) => e.classList.remove("invalid"));
  document.querySelector('.err[data-field="document"]').textContent = "";
  const general = document.getElementById("errors");
  general.replaceChildren();
  for (const p of result.errors || []) {
    const m = /^units\[(\d+)\]\.(name|members)$/.exec(p.field);
    if (m && rows[m[1] - 1]) {
      const tr = rows[m[1] - 1];
      tr.querySelector(`.err[data-for="${m[2]}"]`).textContent = p.message;
      tr.querySelector("." + m[2]).classList.add("invalid");
      continue;
    }
    const d = /^document\.(number|date\.(day|month|year))$/.exec(p.field);
    if (d) {
      document.getElementById(d[2] || d[1]).classList.add("invalid");
      document.querySelector('.err[data-field="document"]').textContent = p.message;
      continue;
    }
    const li = document.createElement("li");
    li.textContent = `${p.field}: ${p.message}`;
    general.append(li);
  }
  const warnings = document.getElementById("warnings");
  warnings.replaceChildren();
  for (const w of result.warnings || []) {
    const li = document.createElement("li");
    li.textContent = `Cảnh báo: ${w.message}`;
    warnings.append(li);
  }
}

async function refresh() {
  const [, result] = await post("api/state", state());
  show(result);
}

function changed() {
  clearTimeout(timer);
  timer = setTimeout(refresh, 120);
}

function addRow(name = "", members = "") {
  const tr = document.getElementById("row-template").content.firstElementChild.cloneNode(true);
  tr.querySelector(".name").value = name;
  tr.querySelector(".members").value = members;
  tbody.append(tr);
  return tr;
}

document.addEventListener("input", (e) => {
  if (e.target.matches("input") && e.target.id !== "sheet") changed();
});

tbody.addEventListener("click", (e) => {
  const tr = e.target.closest("tr.unit");
  if (!tr) return;
  if (e.target.matches(".remove")) tr.remove();
  else if (e.target.matches(".up") && tr.previousElementSibling) tr.previousElementSibling.before(tr);
  else if (e.target.matches(".down") && tr.nextElementSibling) tr.nextElementSibling.after(tr);
  else return;
  refresh();
});

document.getElementById("add").addEventListener("click", () => {
  addRow().querySelector(".name").focus();
  refresh();
});

document.getElementById("save").addEventListener("click", async () => {
  statusBox.textContent = "Đang lưu…";
  const [, result] = await post("api/save", state());
  show(result);
  statusBox.textContent = result.message;
});

document.getElementById("build").addEventListener("click", async () => {
  statusBox.textContent = "Đang tạo văn bản…";
  const [ok, result] = await post("api/build", state());
  show(result);
  statusBox.textContent = result.message;
  if (!ok || !result.ok) return;
  const list = document.getElementById("downloads");
  list.replaceChildren();
  for (const name of result.files) {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = "download/" + encodeURIComponent(name);
    a.textContent = name;
    li.append(a);
    list.append(li);
  }
  const previews = document.getElementById("previews");
  previews.replaceChildren();
  for (const name of result.previews) {
    const img = document.createElement("img");
    img.src = "preview/" + encodeURIComponent(name) + "?t=" + Date.now();
    img.alt = "Trang 1 của " + name.replace(".png", ".docx");
    previews.append(img);
  }
  document.getElementById("result").hidden = false;
});

document.getElementById("sheet").addEventListener("change", async (e) => {
  const file = e.target.files[0];
  if (!file) return;
  const form = new FormData();
  form.append("file", file);
  form.append("units", JSON.stringify(state().units));
  const res = await fetch("api/import", { method: "POST", headers: { "X-CSRF-Token": token }, body: form });
  const result = await res.json();
  e.target.value = "";
  if (!result.ok) {
    statusBox.textContent = result.message;
    return;
  }
  pendingImport = result;
  const body = document.querySelector("#import-changes tbody");
  body.replaceChildren();
  for (const c of result.changes) {
    const tr = document.createElement("tr");
    for (const text of [c.name, `${c.old ?? "—"} → ${c.new}`, `${c.old_quota ?? "—"} → ${c.new_quota}`]) {
      const td = document.createElement("td");
      td.textContent = text;
      tr.append(td);
    }
    body.append(tr);
  }
  const lines = [];
  if (!result.changes.length) lines.push("Không đơn vị nào đổi số đoàn viên.");
  if (result.unmatched.length) lines.push("Không khớp đơn vị nào: " + result.unmatched.join("; "));
  for (const r of result.refused) lines.push(`${r.name}: ${r.message}`);
  document.getElementById("import-unmatched").textContent = lines.join(" ");
  document.getElementById("import").hidden = false;
});

document.getElementById("import-apply").addEventListener("click", () => {
  const rows = [...tbody.querySelectorAll("tr.unit")];
  for (const c of pendingImport ? pendingImport.changes : []) {
    rows[c.index].querySelector(".members").value = c.new_text;
  }
  pendingImport = null;
  document.getElementById("import").hidden = true;
  refresh();
});

document.getElementById("import-cancel").addEventListener("click", () => {
  pendingImport = null;
  document.getElementById("import").hidden = true;
});
