// kaohe serve's page. Every piece of text goes in through textContent (never innerHTML), so
// what a bundle or a user wrote is shown as text, never run.
"use strict";

const STATUS = {
  pass: "达标", partial: "部分达标", gap: "未达标", missing: "缺材料", manual: "待评分", veto: "否决",
};
let me = { mode: null, role: null, csrf: null, user: null };
let current = null; // the submission shown in the detail view

const $ = (id) => document.getElementById(id);

function el(tag, text, attrs) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
}

function say(text, isError) {
  const m = $("message");
  m.textContent = text || "";
  m.className = isError ? "error" : "";
}

async function api(method, url, body, contentType) {
  const headers = {};
  if (me.csrf) headers["X-CSRF-Token"] = me.csrf;
  if (contentType) headers["Content-Type"] = contentType;
  const resp = await fetch(url, { method, headers, body, credentials: "same-origin" });
  const type = resp.headers.get("Content-Type") || "";
  const data = type.includes("json") ? await resp.json() : await resp.text();
  if (!resp.ok) {
    const err = new Error((data && data.message) || ("请求失败：" + resp.status));
    err.status = resp.status;
    throw err;
  }
  return data;
}

function show(view) {
  for (const v of ["login-view", "list-view", "detail-view"]) $(v).hidden = v !== view;
}

async function start() {
  me = await api("GET", "/api/me");
  const county = me.role === "county";
  $("logout").hidden = !me.user;
  $("who").textContent = me.mode === "local"
    ? "本机模式"
    : me.user ? me.user.name + (me.user.unit ? "（" + me.user.unit + "）" : "（县级评分）") : "";
  $("ranking-links").hidden = !county;
  if (me.mode === "county" && !me.user) {
    show("login-view");
    return;
  }
  await showList();
}

async function showList() {
  show("list-view");
  $("explain").hidden = true;
  const data = await api("GET", "/api/submissions");
  const body = document.querySelector("#submissions tbody");
  body.replaceChildren();
  for (const s of data.submissions) {
    const tr = el("tr");
    tr.append(el("td", s.id), el("td", s.unit), el("td", s.filename), el("td", s.received),
      el("td", s.by || ""), el("td", s.score ?? ""), el("td", s.grade ?? ""),
      el("td", s.verdicts ? "是" : ""));
    const td = el("td");
    const open = el("button", "查看", { type: "button", "data-id": s.id });
    open.addEventListener("click", () => showDetail(s.id).catch((e) => say(e.message, true)));
    td.append(open);
    tr.append(td);
    body.append(tr);
  }
  if (data.submissions.length === 0) {
    const tr = el("tr");
    tr.append(el("td", "还没有报送材料", { colspan: "9" }));
    body.append(tr);
  }
}

function fillIndicators(a) {
  $("detail-title").textContent = a.unit + " · " + a.bundle + " · " + a.ruleset.title;
  $("detail-total").textContent = "总分 " + a.total.score + " / " + a.total.max + "，等次：" +
    a.total.grade + (a.total.provisional ? "（有待人工评分的指标，得分为暂定）" : "");
  const body = document.querySelector("#indicators tbody");
  body.replaceChildren();
  for (const ind of a.indicators) {
    const tr = el("tr", null, { "data-id": ind.id, class: "status-" + ind.status });
    const reasons = ind.findings.map((f) => f.message).join("；");
    tr.append(el("td", ind.id), el("td", ind.name), el("td", ind.max), el("td", ind.score),
      el("td", STATUS[ind.status] || ind.status), el("td", reasons));
    const td = el("td");
    const b = el("button", "说明", { type: "button" });
    b.addEventListener("click", () => explain(ind.id).catch((e) => say(e.message, true)));
    td.append(b);
    tr.append(td);
    body.append(tr);
  }
}

async function showDetail(id) {
  say("");
  show("detail-view");
  $("explain").hidden = true;
  const a = await api("GET", "/api/submissions/" + id);
  current = { id, assessment: a };
  fillIndicators(a);
  $("download-html").href = "/api/submissions/" + id + "/report.html";
  $("download-xlsx").href = "/api/submissions/" + id + "/report.xlsx";
  const county = me.role === "county";
  $("verdict-form").hidden = !county;
  $("download-verdicts").hidden = true;
  if (county) await fillForm(id);
}

async function explain(indicator) {
  const text = await api("GET", "/api/submissions/" + current.id + "/explain/" + encodeURIComponent(indicator));
  const pre = $("explain");
  pre.textContent = text;
  pre.hidden = false;
  pre.scrollIntoView();
}

function indicatorSelect(indicators, chosen) {
  const s = el("select", null, { name: "indicator" });
  for (const i of indicators) {
    const o = el("option", i.id + " " + i.name, { value: i.id });
    if (i.id === chosen) o.selected = true;
    s.append(o);
  }
  return s;
}

function addAdjustRow(indicators, id, score, reason) {
  const tr = el("tr");
  const scoreInput = el("input", null, { name: "score", inputmode: "decimal", required: "" });
  scoreInput.value = score ?? "";
  const reasonInput = el("input", null, { name: "reason", required: "" });
  reasonInput.value = reason ?? "";
  const remove = el("button", "删除", { type: "button" });
  remove.addEventListener("click", () => tr.remove());
  const cells = [indicatorSelect(indicators, id), scoreInput, reasonInput, remove];
  for (const c of cells) { const td = el("td"); td.append(c); tr.append(td); }
  document.querySelector("#adjust tbody").append(tr);
}

async function fillForm(id) {
  const f = await api("GET", "/api/submissions/" + id + "/form");
  current.form = f;
  const form = $("verdict-form");
  let saved = {};
  if (f.verdicts) {
    try { saved = JSON.parse(f.verdicts.text); } catch (_) { saved = {}; }
    $("download-verdicts").hidden = false;
    $("download-verdicts").href = "/api/submissions/" + id + "/verdicts";
  }
  form.evaluator.value = saved["评分人"] || (me.user ? me.user.name : "");
  form.date.value = saved["评分日期"] || new Date().toISOString().slice(0, 10);
  const manual = document.querySelector("#manual tbody");
  manual.replaceChildren();
  for (const i of f.indicators.filter((i) => i.manual)) {
    const prev = (saved["评分"] || {})[i.id] || {};
    const tr = el("tr", null, { "data-id": i.id });
    const score = el("input", null, { name: "score-" + i.id, inputmode: "decimal", placeholder: "0–" + i.max });
    score.value = prev["得分"] ?? "";
    const note = el("input", null, { name: "note-" + i.id });
    note.value = prev["说明"] ?? "";
    tr.append(el("td", i.id), el("td", i.name + "（" + i.max + " 分）"));
    for (const c of [score, note]) { const td = el("td"); td.append(c); tr.append(td); }
    manual.append(tr);
  }
  document.querySelector("#adjust tbody").replaceChildren();
  for (const [ind, v] of Object.entries(saved["调整"] || {})) {
    addAdjustRow(f.indicators, ind, v["得分"], v["理由"]);
  }
}

function number(text) {
  const t = String(text).trim();
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : t;
}

async function saveVerdicts(ev) {
  ev.preventDefault();
  const form = $("verdict-form");
  const doc = { "评分人": form.evaluator.value.trim(), "评分日期": form.date.value };
  const scores = {};
  for (const tr of document.querySelectorAll("#manual tbody tr")) {
    const id = tr.getAttribute("data-id");
    const score = tr.querySelector("input[name^=score-]").value;
    const note = tr.querySelector("input[name^=note-]").value.trim();
    if (score.trim() === "") continue;
    scores[id] = { "得分": number(score) };
    if (note) scores[id]["说明"] = note;
  }
  if (Object.keys(scores).length) doc["评分"] = scores;
  const adjust = {};
  for (const tr of document.querySelectorAll("#adjust tbody tr")) {
    const id = tr.querySelector("select").value;
    adjust[id] = { "得分": number(tr.querySelector("input[name=score]").value),
      "理由": tr.querySelector("input[name=reason]").value.trim() };
  }
  if (Object.keys(adjust).length) doc["调整"] = adjust;
  try {
    const a = await api("PUT", "/api/submissions/" + current.id + "/verdicts",
      JSON.stringify(doc), "application/json");
    current.assessment = a;
    fillIndicators(a);
    $("download-verdicts").hidden = false;
    $("download-verdicts").href = "/api/submissions/" + current.id + "/verdicts";
    say("评分已保存：总分 " + a.total.score + "，等次 " + a.total.grade);
  } catch (e) {
    say(e.message, true);
  }
}

async function upload(ev) {
  ev.preventDefault();
  const file = $("bundle-file").files[0];
  if (!file) return;
  const data = new FormData();
  data.append("bundle", file, file.name);
  say("正在上传并评分……");
  try {
    const r = await api("POST", "/api/submissions", data);
    say("已收到 " + r.filename + "（编号 " + r.id + "）：总分 " + r.assessment.total.score +
      "，等次 " + r.assessment.total.grade);
    $("upload-form").reset();
    await showList();
  } catch (e) {
    say(e.message, true);
  }
}

async function showRanking() {
  const r = await api("GET", "/api/ranking");
  const body = document.querySelector("#ranking tbody");
  body.replaceChildren();
  for (const e of r.ranking) {
    const tr = el("tr");
    tr.append(el("td", e.rank), el("td", e.unit), el("td", e.score), el("td", e.grade));
    body.append(tr);
  }
  $("ranking").hidden = false;
}

async function login(ev) {
  ev.preventDefault();
  const f = $("login-form");
  try {
    await api("POST", "/api/login", JSON.stringify({ user: f.user.value, password: f.password.value }),
      "application/json");
    f.reset();
    say("");
    await start();
  } catch (e) {
    say(e.message, true);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("login-form").addEventListener("submit", login);
  $("upload-form").addEventListener("submit", upload);
  $("verdict-form").addEventListener("submit", saveVerdicts);
  $("add-adjust").addEventListener("click", () =>
    addAdjustRow(current && current.form ? current.form.indicators : [], null, "", ""));
  $("back").addEventListener("click", () => showList().catch((e) => say(e.message, true)));
  $("show-ranking").addEventListener("click", () => showRanking().catch((e) => say(e.message, true)));
  $("logout").addEventListener("click", async () => {
    try { await api("POST", "/api/logout"); } catch (_) { /* already out */ }
    me = { mode: me.mode, role: null, csrf: null, user: null };
    await start();
  });
  start().catch((e) => say(e.message, true));
});
