// The clerk's page. The server computes every quota and checks every value (the same modules
// as the command line); this script gathers what is typed, shows what comes back, and never
// loses the clerk's typing: a failed request says so in red and leaves the form as it is.
"use strict";
// Shared with the other page: common.js (token, send, setStatus, setText).


// The version (hash) of the file this page's edits are based on, and the state it held then:
// a save of a file changed since is refused by the server, and compared here unit by unit.
let version = document.querySelector('meta[name="config-version"]').content;
const tbody = document.querySelector("#units tbody");
let pendingImport = null;
let pendingDisk = null;
let timer = null;
let ticket = 0; // replies to older requests than the latest are dropped

function state() {
  return {
    version,
    number: document.getElementById("number").value,
    day: document.getElementById("day").value,
    month: document.getElementById("month").value,
    year: document.getElementById("year").value,
    units: [...tbody.querySelectorAll("tr.unit")].map((tr) => ({
      name: tr.querySelector(".name").value,
      orig: tr.dataset.orig,
      members: tr.querySelector(".members").value,
    })),
  };
}

let loaded = state(); // the state as the file held it when the page opened or last saved

function show(result) {
  if (!result.rows) return; // an error without the table: the status line says it
  const rows = [...tbody.querySelectorAll("tr.unit")];
  rows.forEach((tr, i) => {
    const r = result.rows[i] || {};
    setText(tr.querySelector(".stt"), i + 1);
    setText(tr.querySelector(".collectives"), r.collectives);
    setText(tr.querySelector(".individuals"), r.individuals);
    const sum = Number.isInteger(r.collectives) && Number.isInteger(r.individuals) ? r.collectives + r.individuals : null;
    setText(tr.querySelector(".awards"), sum);
    tr.querySelectorAll(".err").forEach((e) => (e.textContent = ""));
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
    li.textContent = p.message;
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
  const mine = ++ticket;
  const { data } = await send("api/state", state());
  if (mine !== ticket) return; // the clerk typed again since: a newer reply is on its way
  if (!data.rows) {
    setStatus(data.message, "error");
    refreshFailed = true;
  } else if (refreshFailed) {
    setStatus("");
    refreshFailed = false;
  }
  show(data);
}

function changed() {
  clearTimeout(timer);
  timer = setTimeout(refresh, 120);
}

function addRow(name = "", members = "", orig = "") {
  const tr = document.getElementById("row-template").content.firstElementChild.cloneNode(true);
  tr.querySelector(".name").value = name;
  tr.querySelector(".members").value = members;
  tr.dataset.orig = orig;
  tbody.append(tr);
  return tr;
}

document.addEventListener("input", (e) => {
  if (e.target.matches("input") && e.target.id !== "sheet" && !e.target.closest("#conflict")) changed();
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

// -- saving, and a file changed elsewhere ---------------------------------------------------------

const key = (name) => (name || "").normalize("NFC").split(/\s+/).filter(Boolean).join(" ").toLowerCase();
const DOC_FIELDS = ["number", "day", "month", "year"];
const docText = (s) => `Số ${s.number || "…"}, ngày ${s.day || "…"}/${s.month}/${s.year}`;

// What differs between the state the page opened with, the file on disk now, and the page.
function differences(disk) {
  const byKey = (units, field) => new Map(units.map((u) => [key(u[field]), u]));
  const before = byKey(loaded.units, "name");
  const now = byKey(disk.units, "name");
  const page = state();
  const edited = new Map(page.units.filter((u) => u.orig).map((u) => [key(u.orig), u]));
  const out = [];
  const docMine = DOC_FIELDS.some((f) => page[f] !== loaded[f]);
  if (docMine || DOC_FIELDS.some((f) => disk[f] !== loaded[f])) {
    out.push({ what: "Số, ngày văn bản", before: docText(loaded), disk: docText(disk), mine: docMine ? docText(page) : "",
      apply: (s) => DOC_FIELDS.forEach((f) => (s[f] = page[f])) });
  }
  const names = new Set([...before.keys(), ...now.keys(), ...edited.keys()]);
  for (const k of names) {
    const b = before.get(k), d = now.get(k), p = edited.get(k);
    const mineChanged = b && (!p || p.name !== b.name || p.members !== b.members);
    const diskChanged = (b && !d) || (!b && d) || (b && d && (b.members !== d.members || b.name !== d.name));
    if (!mineChanged && !diskChanged) continue;
    out.push({ what: (p || d || b).name, before: describe(b), disk: describe(d), mine: mineChanged ? describe(p) : "",
      apply: (s) => {
        const i = s.units.findIndex((u) => key(u.name) === k);
        if (!p) { if (i >= 0) s.units.splice(i, 1); return; } // removed on this page
        if (i >= 0) Object.assign(s.units[i], { name: p.name, members: p.members });
        else s.units.push({ name: p.name, members: p.members, orig: "" });
      } });
  }
  for (const u of page.units.filter((u) => !u.orig)) { // rows added on this page
    out.push({ what: u.name || "(đơn vị mới)", before: "(không có)", disk: describe(now.get(key(u.name))),
      mine: `${u.name}: ${u.members}`,
      apply: (s) => { if (!s.units.some((x) => key(x.name) === key(u.name))) s.units.push({ name: u.name, members: u.members, orig: "" }); } });
  }
  return out;
}

function describe(u) {
  return u ? `${u.name}: ${u.members}` : "(không có)";
}

function load(s) {
  for (const f of DOC_FIELDS) document.getElementById(f).value = s[f];
  tbody.replaceChildren();
  for (const u of s.units) addRow(u.name, u.members, u.orig || "");
}

function showConflict(data) {
  pendingDisk = data;
  const body = document.querySelector("#conflict-table tbody");
  body.replaceChildren();
  const items = data.disk ? differences(data.disk) : [];
  for (const [i, item] of items.entries()) {
    const tr = document.createElement("tr");
    for (const text of [item.what, item.before, item.disk, item.mine]) {
      const td = document.createElement("td");
      td.textContent = text;
      tr.append(td);
    }
    tr.lastElementChild.className = "mine";
    const td = document.createElement("td");
    if (item.mine) {
      const box = document.createElement("input");
      box.type = "checkbox";
      box.checked = true;
      box.dataset.item = i;
      box.setAttribute("aria-label", "Giữ phần bạn sửa: " + item.what);
      td.append(box);
    }
    tr.append(td);
    body.append(tr);
  }
  pendingDisk.items = items;
  document.getElementById("conflict-apply").disabled = !data.disk;
  document.getElementById("conflict").hidden = false;
  document.getElementById("conflict").scrollIntoView();
}

document.getElementById("conflict-apply").addEventListener("click", () => {
  const disk = pendingDisk.disk;
  const merged = { ...disk, units: disk.units.map((u) => ({ ...u })) };
  for (const box of document.querySelectorAll("#conflict-table input:checked")) {
    pendingDisk.items[box.dataset.item].apply(merged);
  }
  version = pendingDisk.version;
  load(merged);
  loaded = { ...disk, version, units: disk.units.map((u) => ({ ...u })) };
  pendingDisk = null;
  document.getElementById("conflict").hidden = true;
  setStatus("Đã áp dụng phần bạn sửa lên bản mới trên đĩa; kiểm tra lại rồi bấm Lưu.");
  refresh();
});

document.getElementById("conflict-reload").addEventListener("click", () => location.reload());

// Enter in a field saves, as in a form: the keyboard alone is enough to edit and keep a count.
document.addEventListener("keydown", (e) => {
  if (e.key === "Enter" && e.target.matches("#units input, .doc input")) {
    e.preventDefault();
    document.getElementById("save").click();
  }
});

document.getElementById("save").addEventListener("click", async () => {
  setStatus("Đang lưu…", "busy");
  const mine = ++ticket;
  const sent = state();
  const { status, data } = await send("api/save", sent);
  if (status === 409) {
    setStatus(data.message, "error");
    showConflict(data);
    return;
  }
  if (mine === ticket) show(data);
  setStatus(data.message, data.ok ? "" : "error");
  if (data.ok) {
    version = data.version;
    for (const tr of tbody.querySelectorAll("tr.unit")) tr.dataset.orig = tr.querySelector(".name").value.trim();
    loaded = state();
  }
});

document.getElementById("build").addEventListener("click", async () => {
  setStatus("Đang tạo văn bản…", "busy");
  const mine = ++ticket;
  const { status, data } = await send("api/build", state());
  if (mine === ticket) show(data);
  setStatus(data.message, status === 200 && data.ok ? "" : "error");
  if (status !== 200 || !data.ok) return;
  shelfList(document.getElementById("downloads"), data.documents, "download/");
  const previews = document.getElementById("previews");
  previews.replaceChildren();
  for (const name of data.previews) {
    const img = document.createElement("img");
    img.src = "preview/" + encodeURIComponent(name) + "?t=" + Date.now();
    img.alt = "Trang 1 của " + name.replace(".png", ".docx");
    previews.append(img);
  }
  document.getElementById("result").hidden = false;
  offer(document.getElementById("result"));
});

// -- spreadsheet import -----------------------------------------------------------------------------

document.getElementById("sheet").addEventListener("change", async (e) => {
  const file = e.target.files[0];
  if (!file) return;
  const form = new FormData();
  form.append("file", file);
  form.append("units", JSON.stringify(state().units.map(({ name, members }) => ({ name, members }))));
  setStatus("Đang đọc bảng tính…", "busy");
  const { data } = await send("api/import", form);
  e.target.value = "";
  if (!data.ok) {
    setStatus(data.message, "error");
    return;
  }
  setStatus("");
  pendingImport = data;
  const body = document.querySelector("#import-changes tbody");
  body.replaceChildren();
  for (const c of data.changes) {
    const tr = document.createElement("tr");
    for (const text of [c.name, `${c.old ?? "—"} → ${c.new_text}`, `${c.old_quota ?? "—"} → ${c.new_quota}`]) {
      const td = document.createElement("td");
      td.textContent = text;
      tr.append(td);
    }
    body.append(tr);
  }
  const lines = [];
  if (!data.changes.length) lines.push("Không đơn vị nào đổi số đoàn viên.");
  if (data.unmatched.length) lines.push("Không khớp đơn vị nào: " + data.unmatched.join("; "));
  for (const r of data.refused) lines.push(`${r.name}: ${r.message}`);
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
