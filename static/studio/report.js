// A workshop's printable report (report.html?id=N), built from
// GET /api/workshops/{id}/report: the items played with the room's tally
// against the customer's score, the ideas, the notes and the actions with
// their evidence. Teams only, never names. The browser's print dialog makes
// the A4 page or the PDF; the Markdown and CSV exports sit beside it.

import { el, fmtTime } from "/shared/dom.js";
import { renderTally, fmtAvg } from "/shared/tally.js";
import { api, hooks } from "./api.js";
import { t, getLang, setLang } from "./i18n.js";

const $ = (id) => document.getElementById(id);
const id = Number(new URLSearchParams(location.search).get("id")) || 0;
// view: the report, and the session's items (type, id, key) to name the
// evidence and say which item a note or an idea was about.
const view = { report: null, items: [] };

hooks.error = (msg) => fail(msg);
hooks.unauthorized = () => { location.href = "/studio/"; };

function fail(msg) {
  const p = el("p", "error", t("rpMissing"));
  if (msg) p.append(el("span", "small", ` (${msg})`));
  $("sheet").replaceChildren(p);
}

function when(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(getLang() === "en" ? "en-GB" : "fr-FR", { dateStyle: "long", timeStyle: "short" }).format(d);
}

function hour(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(getLang() === "en" ? "en-GB" : "fr-FR", { timeStyle: "short" }).format(d);
}

const typeIcon = { recording: "♪", clip: "✂", verbatim: "❝" };

// itemName finds the title of the item a note or an idea was about.
function itemName(key) {
  if (!key) return "";
  const it = view.items.find((x) => x.key === key);
  return it ? it.title || "" : "";
}

// evidenceName names an action's evidence: the report's item when it is one, else its kind and number.
function evidenceName(e) {
  if (e.title) return e.title;
  const [kind, n] = e.clip_id ? ["clip", e.clip_id] : e.verbatim_id ? ["verbatim", e.verbatim_id] : ["recording", e.recording_id];
  const it = view.items.find((x) => x.type === kind && x.id === n);
  if (it && (it.title || it.text)) return `${typeIcon[kind]} ${it.title || it.text.slice(0, 60)}`;
  return t(kind === "clip" ? "evClip" : kind === "verbatim" ? "evVerbatim" : "evRecording", n);
}

function render() {
  const r = view.report;
  if (!r) return;
  document.title = `${r.title} · ${t("rpTitle")}`;
  $("rp-title").textContent = r.title;
  const span = r.started_at ? `${when(r.started_at)}${r.ended_at ? ` – ${hour(r.ended_at)}` : ""}` : "";
  const colon = getLang() === "en" ? ":" : " :";
  $("rp-meta").textContent = [`${t("rpTeams")}${colon} ${(r.teams || []).join(", ") || "—"}`, span].filter(Boolean).join(" · ");

  const body = $("rp-items");
  body.replaceChildren();
  (r.items || []).forEach((it, i) => {
    const tr = el("tr");
    tr.dataset.votes = it.votes ?? 0;
    const votes = it.votes || 0;
    const score = typeof it.score === "number" ? it.score : null;
    const gap = score !== null && votes ? Math.abs(it.avg - score) : null;
    const dist = el("td", "dist");
    const box = el("div");
    renderTally(box, { count: votes, avg: it.avg, dist: it.dist || [] }, { score, lang: getLang() });
    dist.append(box);
    const name = el("td");
    name.append(`${typeIcon[it.type] || ""} ${it.title || ""}`);
    tr.append(el("td", "num", String(i + 1)), name, el("td", "num", String(votes)), el("td", "num", votes ? fmtAvg(it.avg, getLang()) : "—"),
      el("td", "num", score === null ? "—" : `${score} / 10`), el("td", "num" + (gap !== null && gap >= 2 ? " gap-bad" : ""), gap === null ? "—" : fmtAvg(gap, getLang())), dist);
    body.append(tr);
  });

  list($("rp-ideas"), r.ideas, (x) => {
    const li = el("li", "", x.text);
    const about = itemName(x.item);
    if (about) li.append(el("span", "small", ` — ${about}`));
    return li;
  });
  list($("rp-notes"), r.notes, (n) => {
    const li = el("li", "", n.text);
    const about = [n.item_title || itemName(n.item), n.at_ms ? fmtTime(n.at_ms) : ""].filter(Boolean).join(", ");
    if (about) li.append(el("span", "small", ` — ${about}`));
    return li;
  });

  const acts = $("rp-actions");
  acts.replaceChildren();
  for (const a of r.actions || []) {
    const tr = el("tr");
    tr.append(el("td", "", a.text), el("td", "", a.team || "—"), el("td", "num", a.due || "—"), el("td", "", t("status_" + a.status)),
      el("td", "small", (a.evidence || []).map((e) => evidenceName(e)).join(" ; ")));
    acts.append(tr);
  }
  if (!(r.actions || []).length) {
    const tr = el("tr");
    const td = el("td", "none", t("rpNone"));
    td.colSpan = 5;
    tr.append(td);
    acts.append(tr);
  }
  document.body.dataset.ready = "true";
}

function list(ul, items, row) {
  ul.replaceChildren(...(items || []).map(row));
  if (!(items || []).length) ul.append(el("li", "none", t("rpNone")));
}

document.addEventListener("click", (ev) => {
  const b = ev.target instanceof Element ? ev.target.closest("button") : null;
  if (!b) return;
  if (b.dataset.act === "print") print();
  else if (b.dataset.act === "lang") { setLang(getLang() === "fr" ? "en" : "fr"); render(); }
});

async function start() {
  setLang(getLang());
  $("rp-md").href = `/api/workshops/${id}/report.md`;
  $("rp-csv").href = `/api/workshops/${id}/report.csv`;
  if (!id) { fail(""); return; }
  const [r, w] = await Promise.all([api(`workshops/${id}/report`), api(`workshops/${id}`)]);
  if (!r) return;
  view.report = r;
  view.items = (w && w.items) || [];
  render();
}
start();
