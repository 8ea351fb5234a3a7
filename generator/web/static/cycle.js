// «Các bước»: each step of the cycle with its state, its one action and its documents by name.
// The server judges every state (cycle.py); this script shows it and runs the actions through the
// same endpoints as the other views, then asks for the whole cycle again.
"use strict";

const DOWNLOAD = "download/cac-buoc/";

function render(view) {
  const box = document.getElementById("steps");
  box.replaceChildren();
  const byStep = new Map(view.documents.map((shelf) => [shelf.step, shelf]));
  view.steps.forEach((st, i) => {
    const card = document.createElement("section");
    card.className = "step-card " + st.cls;
    card.id = "buoc-" + st.step;
    const h = document.createElement("h2");
    h.textContent = `${i + 1}. ${st.title}`;
    const state = document.createElement("p");
    const mark = document.createElement("span");
    mark.className = "state";
    mark.textContent = st.state;
    state.append(mark, st.when ? ` (${st.when})` : "", st.said ? ` — ${st.said}` : "");
    card.append(h, state);
    const p = document.createElement("p");
    if (st.post) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = st.action;
      button.dataset.step = st.step;
      button.dataset.post = st.post;
      p.append(button);
    } else {
      const a = document.createElement("a");
      a.href = st.view;
      a.textContent = st.action;
      p.append(a);
    }
    card.append(p);
    const docs = document.createElement("div");
    docs.className = "shelves";
    if (byStep.has(st.step)) shelfList(docs, [byStep.get(st.step)], DOWNLOAD);
    docs.querySelectorAll("h4").forEach((el) => el.remove()); // the card's own title says it
    card.append(docs);
    box.append(card);
  });
}

document.getElementById("steps").addEventListener("click", async (e) => {
  const button = e.target.closest("button[data-post]");
  if (!button) return;
  const step = button.dataset.step;
  const body = step === "decision" ? { allow_incomplete: document.getElementById("allow-incomplete").checked } : {};
  const data = await act(() => {}, button.dataset.post, body, `Đang làm: ${button.textContent}…`);
  const { data: now } = await fetch("api/cycle").then(async (r) => ({ data: await r.json() })).catch(() => ({ data: null }));
  if (now && now.steps) render(now);
  setStatus(data.message, data.ok ? "" : "error");
  const card = document.getElementById("buoc-" + step);
  if (data.ok && card) card.scrollIntoView({ block: "nearest" });
});

document.getElementById("new-plan").addEventListener("click", () =>
  act(() => {}, "api/cycle/new-plan", { name: document.getElementById("new-plan-name").value }, "Đang tạo kế hoạch mới…"));
document.getElementById("new-plan-name").addEventListener("keydown", (e) => {
  if (e.key === "Enter") document.getElementById("new-plan").click();
});

render(JSON.parse(document.getElementById("view").textContent));
