// What both pages of the tool share: the CSRF token, and requests that never hang and never
// lose the clerk's typing (a failure comes back as {ok: false, message}).
"use strict";

let token = document.querySelector('meta[name="csrf-token"]').content;
const statusBox = document.getElementById("status");
let refreshFailed = false; // page.js: a red line of its own refresh, cleared by the next good one

function setStatus(message, kind = "") {
  refreshFailed = false;
  statusBox.textContent = message;
  statusBox.className = kind;
}

const OFFLINE =
  "Không kết nối được với chương trình (cửa sổ dòng lệnh đã đóng hoặc máy chủ đã dừng). " +
  "Mở lại trang bằng Chay-trang-nhap-lieu.bat (bấm đúp) rồi bấm lại; những gì bạn gõ vẫn còn trên trang.";

async function renewToken() {
  try {
    const res = await fetch("api/token");
    if (!res.ok) return false;
    token = (await res.json()).token;
    return true;
  } catch (e) {
    return false;
  }
}

// One request, every failure turned into {ok: false, message}; a stale token (the server was
// restarted) is renewed once and the request sent again.
async function send(url, body, retried = false) {
  const isForm = body instanceof FormData;
  let res;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: isForm ? { "X-CSRF-Token": token } : { "Content-Type": "application/json", "X-CSRF-Token": token },
      body: isForm ? body : JSON.stringify(body),
    });
  } catch (e) {
    return { status: 0, data: { ok: false, message: OFFLINE } };
  }
  let data;
  try {
    data = await res.json();
  } catch (e) {
    data = { ok: false, message: `Máy chủ trả lời lỗi ${res.status}; những gì bạn gõ vẫn còn trên trang. Thử lại.` };
  }
  if (res.status === 403 && !retried && /CSRF/.test(data.message || "") && (await renewToken())) {
    return send(url, body, true);
  }
  return { status: res.status, data };
}

// Downloads by what the clerk calls them, grouped by step: «Quyết định khen thưởng — Word · PDF»,
// and each unit's files under one «Theo đơn vị» heading (cycle.shelves on the server). Each link
// keeps its file's path in data-name; textContent only.
function shelfList(box, shelves, prefix) {
  box.replaceChildren();
  const entry = (e) => {
    const li = document.createElement("li");
    const label = document.createElement("span");
    label.textContent = e.label + " — ";
    li.append(label);
    e.links.forEach((link, i) => {
      if (i) li.append(" · ");
      const a = document.createElement("a");
      a.href = prefix + encodeURIComponent(link.name);
      a.dataset.name = link.name;
      a.textContent = link.text;
      li.append(a);
    });
    return li;
  };
  for (const shelf of shelves) {
    const part = document.createElement("div");
    part.className = "shelf";
    const h = document.createElement("h4");
    h.textContent = shelf.title;
    const list = document.createElement("ul");
    shelf.entries.forEach((e) => list.append(entry(e)));
    part.append(h, list);
    if (shelf.per_unit.length) {
      const sub = document.createElement("h5");
      sub.textContent = "Theo đơn vị";
      const units = document.createElement("ul");
      units.className = "per-unit";
      shelf.per_unit.forEach((e) => units.append(entry(e)));
      part.append(sub, units);
    }
    box.append(part);
  }
}

// A unit's count against its quota, «3/1 (vượt 2)» when it is over.
function againstQuota(got, quota) {
  return `${got}/${quota}` + (got > quota ? ` (vượt ${got - quota})` : "");
}

// Lines worth knowing that are no error (the config changed since intake, two people of one
// name): one list item each, textContent only.
function showLines(list, lines) {
  list.replaceChildren();
  for (const line of lines) {
    const li = document.createElement("li");
    li.textContent = line;
    list.append(li);
  }
}

function setText(el, value) {
  el.textContent = value === null || value === undefined ? "—" : String(value);
}

// A view's action: say what is being done, send it, show the answer, and redraw the view from
// the state the server sends back (`show`, the view's own render).
// While it runs, the stage the server reports (as the command line prints it) is shown
// after `busy`: «Đang dựng văn bản: 120/800».
async function act(show, url, body, busy) {
  setStatus(busy, "busy");
  let running = true;
  const poll = async () => {
    while (running) {
      await new Promise((r) => setTimeout(r, 700));
      if (!running) break;
      try {
        const res = await fetch("api/progress");
        const { text } = await res.json();
        if (running && text) setStatus(`${busy} ${text}`, "busy");
      } catch (e) {
        /* the answer to the action itself says what went wrong */
      }
    }
  };
  poll();
  const { data } = await send(url, body);
  running = false;
  setStatus(data.message, data.ok ? "" : "error");
  if (data.table) show(data);
  refreshNav();
  return data;
}

// The strip of the cycle's steps at the top of every view, redrawn after an action.
async function refreshNav() {
  const list = document.querySelector("nav.cycle ol");
  if (!list) return;
  let nav;
  try {
    nav = (await (await fetch("api/cycle/nav")).json()).nav;
  } catch (e) {
    return; // the action's own answer says what went wrong
  }
  list.querySelectorAll("li.step").forEach((li) => li.remove());
  const tool = list.querySelector("li.tool"); // the checker stays last
  for (const st of nav) {
    const li = document.createElement("li");
    li.className = "step " + st.cls;
    const a = document.createElement("a");
    a.href = st.href;
    a.textContent = st.title;
    li.append(a, `: ${st.state}`);
    list.insertBefore(li, tool);
  }
}

// A build's result at once: its file downloaded (`name`, when the list offers it), else the
// list of its documents scrolled into view.
function offer(box, name) {
  const link = name && box.querySelector(`a[data-name="${CSS.escape(name)}"]`);
  if (link) link.click();
  else box.scrollIntoView({ block: "start" });  // "start": the sticky bar at the bottom would cover it
}
