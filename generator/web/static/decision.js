// «Quyết định và Bằng khen»: counts per unit, then the decision and the certificates, built by
// the server exactly as `quyet-dinh` and `bang-khen` build them; page 1 of each shown.
"use strict";

const LABELS = {
  "khen-to_trinh_ban.png": "Tờ trình của Ban",
  "khen-quyet_dinh.png": "Quyết định",
  "khen-danh_sach_khen_thuong.png": "Danh sách kèm theo",
  "khen-bang_khen.png": "Bằng khen đầu tiên",
  "khen-so_cap_bang.png": "Sổ cấp Bằng khen",
  "khen-giay_moi.png": "Giấy mời",
  "khen-danh_sach_tien_thuong.png": "Danh sách nhận tiền thưởng",
  "khen-cong_van_gui_quyet_dinh.png": "Công văn gửi Quyết định",
};
const PAPERS = {
  invitations: "Đang lập Giấy mời…",
  prizes: "Đang lập Danh sách nhận tiền thưởng…",
  results: "Đang lập Công văn gửi Quyết định…",
};

function td(tr, text, cls) {
  const cell = document.createElement("td");
  cell.textContent = text;
  if (cls) cell.className = cls;
  tr.append(cell);
}

function render(view) {
  const body = document.querySelector("#awards tbody");
  body.replaceChildren();
  let c = 0, i = 0, d = 0;
  for (const r of view.table) {
    const tr = document.createElement("tr");
    tr.className = "unit status-" + r.status.replace(/\s+/g, "-");
    td(tr, r.stt, "num");
    td(tr, r.name);
    td(tr, r.status, "status");
    td(tr, r.provincial ? `${r.collectives}` : againstQuota(r.collectives, r.collectives_quota), "num");
    td(tr, r.provincial ? `${r.individuals}` : againstQuota(r.individuals, r.individuals_quota), "num");
    td(tr, r.in_decision ? `${r.in_decision[0]} tập thể, ${r.in_decision[1]} cá nhân` : "—", "num");
    c += r.collectives;
    i += r.individuals;
    if (r.in_decision) d += r.in_decision[0] + r.in_decision[1];
    body.append(tr);
  }
  showLines(document.getElementById("award-notices"), view.stale || []);
  setText(document.getElementById("sum-c"), c);
  setText(document.getElementById("sum-i"), i);
  setText(document.getElementById("sum-d"), view.decision ? `${view.decision.collectives} tập thể, ${view.decision.individuals} cá nhân` : null);
  for (const id of ["certificates", ...Object.keys(PAPERS)]) document.getElementById(id).disabled = !view.decision;
  const box = document.getElementById("previews");
  box.replaceChildren();
  const stamp = Date.now();
  for (const name of view.previews) {
    const fig = document.createElement("figure");
    const img = document.createElement("img");
    img.src = `preview/khen-thuong/${encodeURIComponent(name)}?t=${stamp}`;
    img.alt = "Trang 1: " + (LABELS[name] || name);
    const cap = document.createElement("figcaption");
    cap.textContent = LABELS[name] || name;
    fig.append(img, cap);
    box.append(fig);
  }
  shelfList(document.getElementById("award-downloads"), view.documents, "download/khen-thuong/");
}

const downloads = document.getElementById("award-downloads");
document.getElementById("decision").addEventListener("click", async () => {
  const data = await act(render, "api/decision/build",
                         { allow_incomplete: document.getElementById("allow-incomplete").checked }, "Đang lập Quyết định…");
  if (data.ok) offer(downloads);
});
document.getElementById("certificates").addEventListener("click", async () => {
  const data = await act(render, "api/certificates/build", {}, "Đang in Bằng khen (một lần chuyển sang PDF cho tất cả)…");
  if (data.ok) offer(downloads);
});

for (const [group, busy] of Object.entries(PAPERS)) {
  document.getElementById(group).addEventListener("click", async () => {
    if ((await act(render, `api/papers/${group}`, {}, busy)).ok) offer(downloads);
  });
}

render(JSON.parse(document.getElementById("view").textContent));
