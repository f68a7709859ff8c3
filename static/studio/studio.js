// The curators' studio: log in, see what waits for review (calls, verbatims,
// the quarantine and its reasons), and review one call (review.js). The
// server owns the state; this page shows it and sends the curator's
// decisions. Live updates come from the `library` event on /api/events.
// The address says what is on screen: #/ is the queue, #/review/ID a call.

import { el, fmtTime, markFindings } from "/shared/dom.js";
import { events } from "/shared/events.js";
import { api, hooks } from "./api.js";
import { t, kindLabel, getLang, setLang } from "./i18n.js";
import { openReview, closeReview, refresh, relabel, actions } from "./review.js";
import { $, toast } from "./ui.js";
import * as library from "./library.js";
import * as clips from "./clips.js";
import * as playlists from "./playlists.js";
import * as programme from "./programme.js";
import * as search from "./search.js";
import * as tags from "./tags.js";
import * as retention from "./retention.js";
import * as resonance from "./resonance.js";
import * as uploads from "./uploads.js";
import * as admin from "./admin.js";
import * as workshops from "./workshops.js";
import * as insight from "./insight.js";

// pages are the curation screens, by the first part of the address
// (#/library, #/call/ID?at=MS, #/search?q=...); each has open, and may have
// close (leaving it) and relabel (after a language switch).
const pages = { library, call: clips, playlists, programme, search, tags, retention, resonance, uploads, admin };
pages.workshops = workshops; // #/workshops, #/workshops/ID: facilitators run sessions
const view = { me: null, calls: [], verbatims: [], quarantine: [], selected: new Set(), event: null, reviewing: 0 };

hooks.error = toast;
hooks.unauthorized = () => { if (view.me) toast(t("loggedOut")); showLogin(); };

pages.insight = insight; // perception gap, below the line, product reviews (#/insight)

function show(screen) {
  document.body.dataset.screen = screen;
  for (const s of document.querySelectorAll(".screen")) s.hidden = s.id !== screen;
  $("logout").hidden = !view.me;
  $("tabs").hidden = !view.me || screen === "login";
  const tab = screen === "review" ? "queue" : screen === "call" ? "library" : screen;
  // Facilitators may read the queue and what resonates; curation is for curators and admins.
  const facilitator = view.me && view.me.role === "facilitator";
  for (const a of document.querySelectorAll("#tabs [data-tab]")) {
    a.hidden = facilitator && !["queue", "resonance", "insight", "workshops"].includes(a.dataset.tab);
    if (a.dataset.tab === tab) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  }
  $("who").textContent = view.me ? `${view.me.name} · ${view.me.role}` : "";
}

function showLogin() {
  view.me = null;
  clearTimeout(reloadTimer);
  closeReview();
  for (const p of Object.values(pages)) if (p.close) p.close();
  disconnect();
  show("login");
  $("login-name").focus();
}

// route shows what the address asks for, once logged in.
function route() {
  if (!view.me) return;
  const [path, query] = location.hash.replace(/^#\/?/, "").split("?");
  const [name, arg] = path.split("/");
  for (const [k, p] of Object.entries(pages)) if (k !== name && p.close) p.close();
  if (name === "review" && /^\d+$/.test(arg || "")) {
    view.reviewing = Number(arg);
    show("review");
    openReview(view.reviewing, loadQueue);
  } else if (pages[name]) {
    view.reviewing = 0;
    closeReview();
    show(name);
    pages[name].open(arg, new URLSearchParams(query || ""), view.me);
  } else {
    view.reviewing = 0;
    closeReview();
    show("queue");
    loadQueue();
  }
}

async function loadQueue() {
  const [calls, verbatims, quarantine] = await Promise.all([
    api("recordings?status=pending"), api("verbatims?status=pending"), api("quarantine")]);
  if (calls) view.calls = calls;
  if (verbatims) view.verbatims = verbatims;
  if (quarantine) view.quarantine = quarantine;
  for (const id of view.selected) if (!view.verbatims.some((v) => v.id === id)) view.selected.delete(id);
  renderQueue();
}

function renderQueue() {
  if (!performance.getEntriesByName("studio-screen").length) performance.mark("studio-screen"); // make bench: first page shown
  $("calls-count").textContent = view.calls.length;
  $("verbatims-count").textContent = view.verbatims.length;
  $("quarantine-count").textContent = view.quarantine.length;
  // An import the watcher refused has no id: it went to the quarantine.
  const e = view.event;
  const ev = e ? " · " + t("libraryEvent", e.status === "rejected" && !e.id ? "quarantined" : e.status, e.id) : "";
  $("import-status").textContent = t("waiting", view.calls.length + view.verbatims.length) + ev;

  const calls = $("calls");
  calls.replaceChildren();
  for (const c of view.calls) {
    const li = el("li");
    const b = el("button", "row call " + (c.sentiment || ""));
    b.type = "button";
    b.dataset.review = c.id;
    b.append(el("span", "title", c.title || c.path || `#${c.id}`));
    const meta = el("span", "meta");
    meta.append(el("span", "", fmtTime(c.duration_ms)), el("span", "", c.topic || ""), el("span", c.findings ? "findings" : "", t("findingsN", c.findings || 0)));
    b.append(meta);
    if (c.path) b.append(el("span", "path", c.path));
    li.append(b);
    calls.append(li);
  }
  $("no-calls").hidden = view.calls.length > 0;

  const vs = $("verbatims");
  vs.replaceChildren();
  for (const v of view.verbatims) {
    const li = el("li", "verbatim " + (v.sentiment || ""));
    li.dataset.id = v.id;
    const pick = el("input");
    pick.type = "checkbox";
    pick.dataset.vsel = v.id;
    pick.checked = view.selected.has(v.id);
    pick.setAttribute("aria-label", t("approveSelected"));
    const body = el("div", "v-body");
    const text = el("p", "text");
    markFindings(text, v.text, v.findings, kindLabel);
    const masked = el("p", "masked");
    masked.append(el("span", "muted", t("maskedAs") + " "), v.masked || "");
    const meta = el("p", "meta", [v.date, v.channel, v.topic, v.score === undefined || v.score === null ? "" : `${v.score}/10`].filter(Boolean).join(" · "));
    const reason = el("input", "reason");
    reason.placeholder = t("reason");
    reason.dataset.i18nPlaceholder = "reason";
    const ok = el("button", "small primary", t("approve"));
    Object.assign(ok.dataset, { act: "v-approve", id: v.id, i18n: "approve" });
    const no = el("button", "small", t("reject"));
    Object.assign(no.dataset, { act: "v-reject", id: v.id, i18n: "reject" });
    const acts = el("div", "v-actions");
    acts.append(ok, reason, no);
    body.append(text, masked, meta, acts);
    li.append(pick, body);
    vs.append(li);
  }
  $("no-verbatims").hidden = view.verbatims.length > 0;
  $("select-all").checked = view.verbatims.length > 0 && view.selected.size === view.verbatims.length;
  $("approve-selected").disabled = view.selected.size === 0;

  const q = $("quarantine");
  q.replaceChildren();
  for (const f of view.quarantine) {
    const li = el("li", "quarantined");
    li.append(el("span", "name", f.name), el("span", "reason", f.reason), el("span", "at", (f.at || "").replace("T", " ").slice(0, 16)));
    q.append(li);
  }
  $("no-quarantine").hidden = view.quarantine.length > 0;
}

async function decideVerbatim(id, verdict, reason) {
  const ok = await api(`verbatims/${id}/${verdict}`, "POST", verdict === "reject" ? { reason } : {});
  if (ok) view.selected.delete(id);
  return ok;
}

// The page's one click handler.
document.addEventListener("click", async (ev) => {
  const b = ev.target instanceof Element ? ev.target.closest("button") : null;
  if (!b || b.disabled) return;
  const act = b.dataset.act;
  if (b.dataset.review) { location.hash = `#/review/${b.dataset.review}`; return; }
  if (b.dataset.seek !== undefined) { actions.seek(Number(b.dataset.seek)); return; }
  if (b.dataset.src) { actions.source(b.dataset.src); return; }
  switch (act) {
    case "lang": {
      setLang(getLang() === "fr" ? "en" : "fr");
      if (view.me) renderQueue();
      relabel();
      const p = pages[document.body.dataset.screen];
      if (view.me && p && p.relabel) p.relabel();
      break;
    }
    case "logout": showLogin(); api("auth/logout", "POST", {}); break; // nothing more is asked once the click is made
    case "back": location.hash = "#/"; break;
    case "v-approve": if (await decideVerbatim(Number(b.dataset.id), "approve")) loadQueue(); break;
    case "v-reject": {
      const input = b.parentElement.querySelector(".reason");
      if (!input.value.trim()) { toast(t("reasonNeeded")); input.focus(); break; }
      if (await decideVerbatim(Number(b.dataset.id), "reject", input.value.trim())) loadQueue();
      break;
    }
    case "approve-selected": {
      const ids = [...view.selected];
      b.disabled = true;
      let n = 0;
      for (const id of ids) if (await decideVerbatim(id, "approve")) n++;
      toast(t("approvedN", n));
      loadQueue();
      break;
    }
    case "play": actions.play(); break;
    case "add-range": actions.addRange(); break;
    case "delete-range": actions.deleteRange(Number(b.dataset.i)); break;
    case "edit": actions.edit(); break;
    case "cancel-edit": actions.cancelEdit(); break;
    case "save-transcript": actions.saveTranscript(); break;
    case "withdraw": actions.withdraw(); break;
    case "approve": b.disabled = true; await actions.approve(); b.disabled = false; break;
    case "reject": {
      const reason = $("reject-reason").value.trim();
      if (!reason) { toast(t("reasonNeeded")); $("reject-reason").focus(); break; }
      await actions.reject(reason);
      break;
    }
  }
});

document.addEventListener("change", (ev) => {
  const box = ev.target;
  if (box.id === "select-all") {
    view.selected = new Set(box.checked ? view.verbatims.map((v) => v.id) : []);
    renderQueue();
  } else if (box.dataset && box.dataset.vsel) {
    const id = Number(box.dataset.vsel);
    if (box.checked) view.selected.add(id); else view.selected.delete(id);
    $("approve-selected").disabled = view.selected.size === 0;
    $("select-all").checked = view.selected.size === view.verbatims.length;
  }
});

$("search-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const q = $("search-q").value.trim();
  if (q) location.hash = "#/search?q=" + encodeURIComponent(q);
});

$("login-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  $("login-error").hidden = true;
  const me = await api("auth/login", "POST", { name: $("login-name").value.trim(), password: $("login-password").value }, [401, 400]);
  if (!me) { $("login-error").hidden = false; return; }
  $("login-password").value = "";
  await loggedIn();
});

async function loggedIn() {
  view.me = await api("auth/me", "GET", undefined, [401]);
  if (!view.me) { showLogin(); return; }
  connect();
  route();
}

// The live connection: imports and approvals elsewhere refresh the queue.
// The stream is shared with the other tabs of this origin (see
// /shared/events.js) and reconnects by itself.
let source = null;
let reloadTimer = 0;
function connect() {
  if (source) return;
  source = events();
  source.on("open", () => { $("offline").hidden = true; });
  source.on("error", () => { $("offline").hidden = !view.me; });
  source.on("library", (e) => {
    let data = {};
    try { data = JSON.parse(e.data); } catch { /* a malformed event only refreshes */ }
    view.event = data;
    if (view.reviewing) refresh(data);
    clearTimeout(reloadTimer);
    uploads.onLibrary(data);
    reloadTimer = setTimeout(() => {
      if (!view.me || view.reviewing) return;
      const screen = document.body.dataset.screen;
      if (screen === "library") library.open(); else if (screen === "queue") loadQueue();
    }, 300);
  });
}

function disconnect() {
  if (source) source.close();
  source = null;
  $("offline").hidden = true;
}

// Leaving the page closes the stream at once (a browser keeps only six per
// server), and another tab takes the lead.
addEventListener("pagehide", disconnect);
addEventListener("hashchange", route);
addEventListener("keydown", (ev) => {
  if (ev.key === " " && view.reviewing && !(ev.target instanceof HTMLInputElement || ev.target instanceof HTMLTextAreaElement || ev.target instanceof HTMLButtonElement)) {
    ev.preventDefault();
    actions.play();
  }
});

setLang(getLang());
loggedIn();
