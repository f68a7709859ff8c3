// Workshops: the facilitator makes a session from a playlist (#/workshops)
// and drives it from a tablet (#/workshops/ID): the running order, play and
// pause on the room's speaker, next and previous, the reveal, the end; the
// live tally from the `workshop` event, the call's transcript, notes tied to
// the item and the moment, participants' ideas, actions for a team with
// their evidence, and the open actions of earlier sessions to close first.
// The server owns the session; every button answers its new state.

import { el, fmtTime, keepRows } from "/shared/dom.js";
import { events } from "/shared/events.js";
import { renderTally } from "/shared/tally.js";
import { api } from "./api.js";
import { t, getLang } from "./i18n.js";
import { $, toast, button, fillSelect, store } from "./ui.js";

// wk: the session on the drive screen (w, as GET /api/workshops/{id}
// answers), the player, the transcript shown and for which item, this
// session's actions, and the evidence an action in the form will point to.
const wk = { id: 0, w: null, player: null, cues: [], cuesFor: "", actions: [], evidence: new Set(), ending: false, source: null, list: [] };

const ICON = { recording: "♪", clip: "✂", verbatim: "❝" };

// open shows the list (#/workshops) or drives one session (#/workshops/ID).
export async function open(arg) {
  if (arg && /^\d+$/.test(arg)) {
    $("wk-home").hidden = true;
    $("wk-drive").hidden = false;
    if (wk.id !== Number(arg)) { wk.id = Number(arg); wk.w = null; wk.cuesFor = ""; wk.evidence.clear(); wk.actions = []; }
    listen();
    await Promise.all([load(), loadPlayer(), loadActions()]);
    return;
  }
  close();
  wk.id = 0;
  $("wk-home").hidden = false;
  $("wk-drive").hidden = true;
  const [list] = await Promise.all([api("workshops"), store.loadPlaylists()]);
  if (list) wk.list = list;
  renderHome();
}

// close stops following the room when the drive screen is left.
export function close() {
  if (wk.source) wk.source.close();
  wk.source = null;
}

export function relabel() {
  if (wk.id && wk.w) render(); else if (!wk.id) renderHome();
}

function renderHome() {
  fillSelect($("wk-new-playlist"), store.playlists.map((p) => [p.id, `${p.name} (${t("wkItemsN", p.count)})`]));
  const ul = $("wk-list");
  const rows = [...wk.list].sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)));
  keepRows(ul, rows, (w) => w.id, (w) => {
    const li = el("li", "wk-row");
    const a = el("a", "title", w.title);
    a.href = `#/workshops/${w.id}`;
    const when = (w.started_at || w.created_at || "").replace("T", " ").slice(0, 16);
    li.append(a, el("span", "badge " + w.state, t("wk_" + w.state)), el("span", "muted small", [w.code, (w.teams || []).join(", "), when].filter(Boolean).join(" · ")));
    if (w.state === "ended") {
      const r = el("a", "small", t("wkReport"));
      r.href = `report.html?id=${w.id}`;
      r.target = "_blank";
      r.rel = "noopener";
      li.append(r);
    }
    return li;
  });
  if (!rows.length) ul.append(el("li", "empty", t("wkNoSessions")));
  if (!store.playlists.length) toast(t("wkNoPlaylist"));
}

async function load() {
  const id = wk.id;
  const w = await api(`workshops/${id}`);
  if (w && wk.id === id) { wk.w = w; render(); }
}

async function loadPlayer() {
  const p = await api("player");
  if (p) { wk.player = p; showPlayer(); }
}

async function loadActions() {
  const id = wk.id;
  const all = await api("actions?status=open");
  if (all && wk.id === id) { wk.actions = all.filter((a) => a.workshop_id === id); renderActions(); }
}

// listen follows the room while the drive screen is open: the session's
// tallies and ideas (`workshop`) and the speaker's position (`player`).
function listen() {
  if (wk.source) return;
  // The stream is shared with the studio's other tabs and its own library
  // feed (see /shared/events.js); it reconnects by itself.
  const src = events();
  wk.source = src;
  let dropped = false;
  src.on("workshop", (e) => {
    let d;
    try { d = JSON.parse(e.data); } catch { return; }
    if (!wk.w || d.id !== wk.id) return;
    // The event is the room's view: keep what only staff read (notes, the
    // queue's scores, the open actions) from the last full answer.
    const items = Array.isArray(d.items) && d.items.length === wk.w.items.length
      ? wk.w.items.map((it, i) => ({ ...it, score: it.score ?? d.items[i].score })) : wk.w.items;
    wk.w = { ...wk.w, ...d, items, notes: d.notes || wk.w.notes, open_actions: d.open_actions || wk.w.open_actions };
    render();
  });
  src.on("player", (e) => {
    try { wk.player = JSON.parse(e.data); } catch { return; }
    showPlayer();
  });
  // Back after a drop: what happened meanwhile is read afresh.
  src.on("error", () => { dropped = true; });
  src.on("open", () => {
    if (dropped && wk.source === src && wk.id) load();
    dropped = false;
  });
}

const current = () => (wk.w && wk.w.index >= 0 ? wk.w.items[wk.w.index] : null);
const recordingOf = (it) => it.recording_id || (it.type === "recording" ? it.id : 0);

// evidenceOf is what an item is: {recording_id}, {clip_id} or {verbatim_id}.
function evidenceOf(it) {
  return { [it.type === "clip" ? "clip_id" : it.type === "verbatim" ? "verbatim_id" : "recording_id"]: it.id };
}

function itemByKey(key) { return (wk.w && wk.w.items.find((it) => it.key === key)) || null; }

function render() {
  const w = wk.w;
  $("wk-title").textContent = w.title;
  const badge = $("wk-state");
  badge.className = "badge " + w.state;
  badge.textContent = t("wk_" + w.state);
  $("wk-report").href = `report.html?id=${w.id}`;
  const live = w.state === "live", draft = w.state === "draft";
  $("wk-start").hidden = !draft;
  for (const id of ["wk-prev", "wk-play", "wk-next", "wk-reveal", "wk-end"]) $(id).hidden = draft || w.state === "ended";
  $("wk-prev").disabled = !live || w.index <= 0;
  $("wk-next").disabled = !live || w.index >= w.items.length - 1;
  $("wk-reveal").disabled = !live || w.revealed || w.index < 0;
  $("wk-reveal").textContent = t(w.revealed ? "wkRevealed" : "wkReveal");
  $("wk-end").textContent = t(wk.ending ? "wkEndConfirm" : "wkEnd");
  $("wk-end").classList.toggle("danger", wk.ending);
  $("wk-pos").textContent = w.index >= 0 ? t("wkPos", w.index + 1, w.items.length) : "";
  renderJoin();
  renderQueue();
  renderItem();
  renderTallyBox();
  renderNotes();
  renderIdeas();
  renderOpen();
  renderEvidence();
  fillTeams();
  showPlayer();
}

function renderJoin() {
  const w = wk.w;
  const qr = $("wk-qr");
  // Only a live session's code answers: the QR code is asked for once it runs.
  const on = w.state === "live" && !!w.code;
  $("wk-join-box").hidden = !on;
  const src = on ? `/api/join/${encodeURIComponent(w.code)}/qr.png` : "";
  if (on && qr.getAttribute("src") !== src) qr.src = src;
  qr.alt = w.join_url || "";
  $("wk-code").textContent = w.code || "";
  $("wk-url").textContent = (w.join_url || "").replace(/^https?:\/\//, "");
}

function renderQueue() {
  const w = wk.w;
  // Rows are kept when unchanged: the room's events (votes, ideas) come
  // often during a session, and a row is not swapped under a click.
  keepRows($("wk-queue"), w.items, (it) => it.key, (it) => {
    const i = w.items.indexOf(it);
    const li = el("li", "wk-q " + it.type + (i === w.index ? " current" : i < w.index ? " past" : ""));
    li.dataset.key = it.key;
    if (i === w.index) li.setAttribute("aria-current", "step");
    li.append(el("span", "kind-icon", ICON[it.type] || "•"), el("span", "title", it.title || verbatimLine(it.text)));
    if (it.type !== "verbatim" && it.end_ms > it.start_ms) li.append(el("span", "muted small", fmtTime(it.end_ms - it.start_ms)));
    return li;
  });
}

function verbatimLine(s) { s = s || ""; return s.length > 60 ? s.slice(0, 58) + "…" : s; }

function renderItem() {
  const w = wk.w, it = current();
  $("wk-kind").textContent = it ? `${ICON[it.type] || ""} ${t(it.type === "verbatim" ? "wkVerbatimCard" : it.type === "clip" ? "wkClip" : "wkCall")}` : "";
  $("wk-item").textContent = it ? it.title || verbatimLine(it.text) : t(w.state === "ended" ? "wkOver" : "wkNotStarted");
  $("wk-text").hidden = !(it && it.type === "verbatim");
  $("wk-text").textContent = it && it.type === "verbatim" ? it.text || "" : "";
  $("wk-note-form").hidden = !it;
  if (!it || it.type === "verbatim") { wk.cues = []; wk.cuesFor = it ? it.key : ""; $("wk-cues").replaceChildren(); return; }
  if (wk.cuesFor === it.key) return;
  wk.cuesFor = it.key;
  $("wk-cues").replaceChildren();
  loadTranscript(it);
}

// loadTranscript shows the masked transcript of the item's call (a clip:
// only its stretch).
async function loadTranscript(it) {
  const cues = await api(`recordings/${recordingOf(it)}/transcript`);
  if (wk.cuesFor !== it.key) return;
  const end = it.end_ms > it.start_ms ? it.end_ms : Infinity;
  wk.cues = (cues || []).filter((c) => it.type !== "clip" || (c.end_ms > it.start_ms && c.start_ms < end));
  const ol = $("wk-cues");
  ol.replaceChildren();
  wk.cues.forEach((c, i) => {
    const li = el("li", "cue " + (/^(cons|agent)/i.test(c.speaker || "") ? "agent" : "client"));
    li.dataset.i = i;
    const head = el("div", "cue-head");
    head.append(el("span", "", fmtTime(c.start_ms)), el("span", "", c.speaker || ""));
    li.append(head, el("p", "text", c.text));
    ol.append(li);
  });
  if (!wk.cues.length) ol.append(el("li", "empty", t("wkNoTranscript")));
  showPlayer();
}

function renderTallyBox() {
  const w = wk.w, it = current();
  const score = w.revealed && it && typeof it.score === "number" ? it.score : null;
  const tally = w.tally && it && (!w.tally.item || w.tally.item === it.key) ? w.tally : null;
  renderTally($("wk-tally"), tally, { score, lang: getLang() });
  $("wk-real").hidden = score === null;
  $("wk-real").textContent = score === null ? "" : t("wkReal", score);
}

function renderNotes() {
  const ul = $("wk-notes");
  const notes = [...(wk.w.notes || [])].reverse();
  keepRows(ul, notes, (n) => n.id, (n) => {
    const li = el("li", "wk-note");
    const it = itemByKey(n.item);
    const where = [it ? it.title || verbatimLine(it.text) : "", n.at_ms ? t("wkAt", fmtTime(n.at_ms)) : ""].filter(Boolean).join(" · ");
    li.append(el("p", "text", n.text), el("span", "muted small", where), button(t("wkToAction"), "wk-note-action", { id: n.id }));
    return li;
  });
  if (!notes.length) ul.append(el("li", "empty", t("wkNoNotes")));
}

function renderIdeas() {
  const ideas = [...(wk.w.ideas || [])].reverse();
  $("wk-ideas-count").textContent = ideas.length;
  const ul = $("wk-ideas");
  keepRows(ul, ideas, (idea) => idea.id, (idea) => {
    const li = el("li", "wk-idea");
    const it = itemByKey(idea.item);
    li.append(el("p", "text", idea.text), el("span", "muted small", it ? it.title || verbatimLine(it.text) : ""), button(t("wkToAction"), "wk-idea-action", { id: idea.id }));
    return li;
  });
  if (!ideas.length) ul.append(el("li", "empty", t("wkNoIdeas")));
}

function renderOpen() {
  const ul = $("wk-open");
  const open = (wk.w.open_actions || []).filter((a) => a.workshop_id !== wk.id && a.status === "open");
  keepRows(ul, open, (a) => a.id, (a) => actionRow(a, true));
  if (!open.length) ul.append(el("li", "empty", t("wkNoOpen")));
}

function renderActions() {
  const ul = $("wk-actions");
  keepRows(ul, wk.actions, (a) => a.id, (a) => actionRow(a, false));
  if (!wk.actions.length) ul.append(el("li", "empty", t("wkNoActions")));
}

// actionRow shows an action: what, who, when, and done/dropped buttons.
function actionRow(a, closable) {
  const li = el("li", "wk-action " + a.status);
  li.dataset.id = a.id;
  li.append(el("p", "text", a.text), el("span", "muted small", [a.team, a.due, t("status_" + a.status)].filter(Boolean).join(" · ")));
  if (closable && a.status === "open") {
    const row = el("span", "row-btns");
    row.append(button(t("wkDone"), "wk-close-action", { id: a.id, status: "done" }), button(t("wkDropped"), "wk-close-action", { id: a.id, status: "dropped" }));
    li.append(row);
  }
  return li;
}

// renderEvidence lists the session's items as checkboxes for the action
// form; the current item is ticked until the facilitator picks otherwise.
function renderEvidence() {
  const box = $("wk-action-evidence");
  const it = current();
  if (!wk.evidence.size && it) wk.evidence.add(it.key);
  box.replaceChildren();
  for (const x of wk.w.items) {
    const l = el("label", "tagchip");
    const c = el("input");
    c.type = "checkbox";
    c.value = x.key;
    c.checked = wk.evidence.has(x.key);
    l.append(c, ` ${ICON[x.type] || ""} ${x.title || verbatimLine(x.text)}`);
    box.append(l);
  }
}

function fillTeams() {
  const dl = $("wk-teams");
  dl.replaceChildren(...(wk.w.teams || []).map((tm) => { const o = el("option"); o.value = tm; return o; }));
  const team = $("wk-action-team");
  if (!team.value && (wk.w.teams || []).length) team.value = wk.w.teams[0];
  const due = $("wk-action-due");
  if (!due.value) {
    const d = new Date(Date.now() + 30 * 86400e3);
    due.value = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  }
}

// showPlayer shows play or pause for the speaker and follows the transcript.
function showPlayer() {
  const p = wk.player, it = current();
  const ours = !!(p && it && p.item && it.type !== "verbatim" && p.item.recording_id === recordingOf(it));
  const pp = $("wk-play");
  const paused = ours && p.state === "paused";
  pp.disabled = !ours || p.state === "idle" || !wk.w || wk.w.state !== "live";
  pp.textContent = t(paused ? "wkPlay" : "wkPause");
  pp.dataset.state = ours ? p.state : "idle";
  const pos = ours ? p.position_ms : -1;
  let cur = -1;
  wk.cues.forEach((c, i) => { if (c.start_ms <= pos) cur = i; });
  const was = document.querySelector("#wk-cues .cue.current");
  const now = document.querySelector(`#wk-cues .cue[data-i="${cur}"]`);
  if (was === now) return;
  if (was) { was.classList.remove("current"); was.removeAttribute("aria-current"); }
  if (now) {
    now.classList.add("current");
    now.setAttribute("aria-current", "true");
    const box = $("wk-cues");
    box.scrollTo({ top: now.offsetTop - box.offsetTop - box.clientHeight / 2 + now.offsetHeight / 2, behavior: "smooth" });
  }
}

// drive sends one of start|next|prev|reveal|end; the answer is the session.
async function drive(step) {
  const w = await api(`workshops/${wk.id}/${step}`, "POST", {});
  if (w && w.id) {
    wk.w = { ...wk.w, ...w };
    if (step !== "reveal") wk.evidence.clear();
    render();
  }
  return w;
}

// startAction fills the action form from a note or an idea, pointing at its item.
function startAction(text, key, ev) {
  $("wk-action-text").value = text;
  wk.evidence.clear();
  if (key) wk.evidence.add(key);
  if (ev && !key) {
    const it = wk.w.items.find((x) => (ev.clip_id && x.type === "clip" && x.id === ev.clip_id) ||
      (ev.verbatim_id && x.type === "verbatim" && x.id === ev.verbatim_id) || (ev.recording_id && x.type === "recording" && x.id === ev.recording_id));
    if (it) wk.evidence.add(it.key);
  }
  renderEvidence();
  $("wk-action-text").focus();
}

$("workshops").addEventListener("click", async (ev) => {
  const b = ev.target instanceof Element ? ev.target.closest("button") : null;
  if (!b || b.disabled) return;
  const act = b.dataset.act;
  if (act !== "wk-end" && wk.ending) { wk.ending = false; if (wk.w) render(); }
  switch (act) {
    case "wk-start": b.disabled = true; await drive("start"); break;
    case "wk-prev": await drive("prev"); break;
    case "wk-next": await drive("next"); break;
    case "wk-reveal": await drive("reveal"); break;
    case "wk-end":
      // Two taps end it: participants lose access at once, so no slip of the finger.
      if (!wk.ending) { wk.ending = true; render(); break; }
      wk.ending = false;
      await drive("end");
      break;
    case "wk-play": {
      const p = await api(`player/${b.dataset.state === "paused" ? "resume" : "pause"}`, "POST", {});
      if (p && p.state) { wk.player = p; showPlayer(); } else loadPlayer();
      break;
    }
    case "wk-note-action": {
      const n = (wk.w.notes || []).find((x) => String(x.id) === b.dataset.id);
      if (n) startAction(n.text, n.item, n);
      break;
    }
    case "wk-idea-action": {
      const i = (wk.w.ideas || []).find((x) => String(x.id) === b.dataset.id);
      if (i) startAction(i.text, i.item);
      break;
    }
    case "wk-close-action": {
      const a = await api(`actions/${b.dataset.id}`, "PATCH", { status: b.dataset.status });
      if (a) {
        wk.w.open_actions = (wk.w.open_actions || []).map((x) => (String(x.id) === b.dataset.id ? { ...x, status: b.dataset.status } : x));
        renderOpen();
        toast(t("wkStatusSaved"));
      }
      break;
    }
  }
});

$("wk-action-evidence").addEventListener("change", (ev) => {
  const c = ev.target;
  if (!(c instanceof HTMLInputElement)) return;
  if (c.checked) wk.evidence.add(c.value); else wk.evidence.delete(c.value);
});

$("wk-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const teams = $("wk-new-teams").value.split(/[,;\n]/).map((x) => x.trim()).filter(Boolean);
  const made = await api("workshops", "POST", { title: $("wk-new-title").value.trim(), playlist_id: Number($("wk-new-playlist").value), teams });
  if (!made || !made.id) return;
  $("wk-new-title").value = "";
  $("wk-new-teams").value = "";
  toast(t("wkCreated", made.code));
  location.hash = `#/workshops/${made.id}`;
});

$("wk-note-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const it = current();
  const text = $("wk-note").value.trim();
  if (!it || !text) return;
  const p = wk.player;
  const at = p && p.item && it.type !== "verbatim" && p.item.recording_id === recordingOf(it) ? Math.round(p.position_ms) : 0;
  const note = await api(`workshops/${wk.id}/notes`, "POST", { text, ...evidenceOf(it), at_ms: at });
  if (!note) return;
  $("wk-note").value = "";
  wk.w.notes = [...(wk.w.notes || []), { item: it.key, ...note }];
  renderNotes();
  toast(t("wkNoteSaved"));
});

$("wk-action-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const evidence = wk.w.items.filter((x) => wk.evidence.has(x.key)).map(evidenceOf);
  if (!evidence.length) { toast(t("wkNoEvidence")); return; }
  const a = await api("actions", "POST", { text: $("wk-action-text").value.trim(), team: $("wk-action-team").value.trim(),
    due: $("wk-action-due").value, workshop_id: wk.id, evidence });
  if (!a) return;
  $("wk-action-text").value = "";
  wk.actions = [...wk.actions.filter((x) => x.id !== a.id), a];
  renderActions();
  toast(t("wkActionSaved"));
});
