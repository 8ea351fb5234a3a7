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

// A list of download links: each name under `prefix` (download/…), textContent only.
function linkList(list, names, prefix) {
  list.replaceChildren();
  for (const name of names) {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = prefix + encodeURIComponent(name);
    a.textContent = name;
    li.append(a);
    list.append(li);
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
}
