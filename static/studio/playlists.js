// Playlists: manual ones (calls, clips and verbatims in the order the curator
// drags them into) and rule ones (a form; the calls matching it are counted
// live from the approved library, as the server evaluates the rule when the
// room plays it). Every playlist exports as M3U.

import { el, fmtTime } from "/shared/dom.js";
import { api } from "./api.js";
import { t } from "./i18n.js";
import { $, toast, button, fillSelect, distinct, store, tagPicker, picked, verbatimTitle } from "./ui.js";
import { entryOf } from "./library.js";

// pl.edit is the playlist in the editor: {id, name, rule|null, items:[{kind,id,title,detail}], vsec}.
const pl = { edit: null, drag: -1 };
const RULE_FIELDS = ["r-topic", "r-product", "r-channel", "r-sentiment", "r-score-min", "r-score-max", "r-from", "r-to"];

// opening counts open calls: only the latest may act once its lists arrive.
let opening = 0;

// open lists the playlists and opens the one in the address (#/playlists/ID).
// The lists take a moment to load: a playlist the curator started meanwhile
// ("New…" clicked while they load) is theirs, and stays open as typed.
export async function open(arg) {
  const turn = ++opening;
  const editing = pl.edit;
  await Promise.all([store.loadPlaylists(), store.loadTags(), store.loadRecordings(), store.loadVerbatims(), store.loadClips()]);
  if (turn !== opening) return;
  renderList();
  fillPickers();
  if (pl.edit !== editing) { if (pl.edit && pl.edit.rule) freshRuleTags(); return; }
  if (arg && (!pl.edit || String(pl.edit.id) !== arg)) await load(Number(arg));
  else if (!arg) { pl.edit = null; $("pl-form").hidden = true; }
}

function renderList() {
  const ul = $("pl-list");
  ul.replaceChildren();
  for (const p of store.playlists) {
    const li = el("li");
    const a = el("a", "pl-link" + (pl.edit && pl.edit.id === p.id ? " current" : ""));
    a.href = `#/playlists/${p.id}`;
    a.dataset.id = p.id;
    a.append(el("span", "title", p.name), el("span", "muted small", ` ${p.rule ? t("ruleBadge") : t("manualBadge")} · ${t("itemsN", p.count)}`));
    li.append(a);
    ul.append(li);
  }
  if (!store.playlists.length) ul.append(el("li", "empty", t("noPlaylists")));
}

const approved = (list) => list.filter((x) => x.status === "approved");

function fillPickers() {
  fillSelect($("pl-add-recording"), approved(store.recordings).map((r) => [r.id, `♪ ${r.title || r.path}`]));
  fillSelect($("pl-add-clip"), approved(store.clips).map((c) => [c.id, `✂ ${c.title} (${fmtTime(c.start_ms)}–${fmtTime(c.end_ms)})`]));
  fillSelect($("pl-add-verbatim"), approved(store.verbatims).map((v) => [v.id, `❝ ${verbatimTitle(v)}`]));
  const recs = store.recordings;
  fillSelect($("r-topic"), distinct(recs, "topic").map((v) => [v, v]));
  fillSelect($("r-product"), distinct(recs, "product").map((v) => [v, v]));
  fillSelect($("r-channel"), distinct(recs, "channel").map((v) => [v, v]));
}

async function load(id) {
  const p = await api(`playlists/${id}`);
  if (!p) return;
  const kindOf = (it) => (it.clip_id ? "clip" : it.verbatim_id ? "verbatim" : "recording");
  pl.edit = { id: p.id, name: p.name, rule: p.rule || null, vsec: p.verbatim_seconds || 20,
    items: p.rule ? [] : p.items.map((it) => ({ kind: kindOf(it), id: entryOf(it)[kindOf(it) + "_id"], title: it.title || verbatimTitle({ masked: it.text }),
      detail: it.verbatim_id ? "" : fmtTime(it.end_ms - it.start_ms) })) };
  showEditor();
}

function blank(rule) {
  pl.edit = { id: 0, name: "", rule: rule ? {} : null, vsec: 20, items: [] };
  history.replaceState(null, "", "#/playlists");
  showEditor();
  $("pl-name").focus();
}

function showEditor() {
  const p = pl.edit;
  $("pl-form").hidden = false;
  $("pl-name").value = p.name;
  $("pl-kind").textContent = p.rule ? t("ruleBadge") : t("manualBadge");
  $("pl-manual").hidden = !!p.rule;
  $("pl-rule").hidden = !p.rule;
  $("pl-m3u").hidden = !p.id;
  $("pl-m3u").href = p.id ? `/api/playlists/${p.id}.m3u` : "#";
  $("pl-delete").hidden = !p.id;
  $("pl-vsec").value = p.vsec;
  if (p.rule) {
    const r = p.rule;
    for (const [id, k] of [["r-topic", "topic"], ["r-product", "product"], ["r-channel", "channel"], ["r-sentiment", "sentiment"], ["r-from", "from"], ["r-to", "to"]]) $(id).value = r[k] || "";
    $("r-score-min").value = r.score_min ?? "";
    $("r-score-max").value = r.score_max ?? "";
    tagPicker($("r-tags"), store.tags, r.tags || []);
    countRule();
  } else {
    renderItems();
  }
  renderList();
}

function renderItems() {
  const ol = $("pl-items");
  ol.replaceChildren();
  pl.edit.items.forEach((it, i) => {
    const li = el("li", "pl-item " + it.kind);
    li.draggable = true;
    li.dataset.i = i;
    li.dataset.key = it.kind + ":" + it.id;
    li.append(el("span", "handle", "⠿"), el("span", "kind-icon", { recording: "♪", clip: "✂", verbatim: "❝" }[it.kind]),
      el("span", "title", it.title), el("span", "muted small", it.detail || t(it.kind)),
      button("↑", "pl-up", { i }, "small ghost"), button("↓", "pl-down", { i }, "small ghost"), button("✕", "pl-remove", { i }, "small ghost"));
    li.querySelector('[data-act="pl-up"]').disabled = i === 0;
    li.querySelector('[data-act="pl-down"]').disabled = i === pl.edit.items.length - 1;
    li.querySelector('[data-act="pl-remove"]').setAttribute("aria-label", t("remove"));
    ol.append(li);
  });
  $("pl-empty").hidden = pl.edit.items.length > 0;
}

// ruleOf reads the rule form; empty fields are left out.
function ruleOf() {
  const r = {};
  for (const [id, k] of [["r-topic", "topic"], ["r-product", "product"], ["r-channel", "channel"], ["r-sentiment", "sentiment"], ["r-from", "from"], ["r-to", "to"]]) if ($(id).value) r[k] = $(id).value;
  if ($("r-score-min").value !== "") r.score_min = Number($("r-score-min").value);
  if ($("r-score-max").value !== "") r.score_max = Number($("r-score-max").value);
  const tags = picked($("r-tags"));
  if (tags.length) r.tags = tags;
  return r;
}

// ruleMatches is the server's rule (every set field must match) over the approved calls.
function ruleMatches(r) {
  return approved(store.recordings).filter((x) => (!r.topic || x.topic === r.topic) && (!r.product || x.product === r.product) &&
    (!r.channel || x.channel === r.channel) && (!r.sentiment || x.sentiment === r.sentiment) &&
    (r.score_min === undefined || (x.score !== null && x.score >= r.score_min)) && (r.score_max === undefined || (x.score !== null && x.score <= r.score_max)) &&
    (!r.from || x.call_date >= r.from) && (!r.to || (x.call_date && x.call_date.slice(0, 10) <= r.to)) &&
    (r.tags || []).every((tg) => (x.tags || []).includes(tg)));
}

// freshRuleTags brings the rule form's tags up to date with the store,
// keeping what is ticked, and redraws them only if the tags differ: a
// checkbox is not swapped under the curator's finger.
function freshRuleTags() {
  const box = $("r-tags");
  const chosen = picked(box);
  const want = store.tags.filter((x) => x.enabled || chosen.includes(x.name)).map((x) => x.name).join("\n");
  const shown = [...box.querySelectorAll("input")].map((c) => c.value).join("\n");
  if (want !== shown) tagPicker(box, store.tags, chosen);
  countRule();
}

function countRule() {
  const found = ruleMatches(ruleOf());
  $("r-count").textContent = t("matchingCalls", found.length);
  const ol = $("r-preview");
  ol.replaceChildren(...found.slice(0, 12).map((x) => el("li", "muted", `♪ ${x.title} · ${x.call_date || ""} · ${x.topic || ""}`)));
}

function move(from, to) {
  const items = pl.edit.items;
  if (to < 0 || to >= items.length || from === to) return;
  const [it] = items.splice(from, 1);
  items.splice(to, 0, it);
  renderItems();
}

$("playlists").addEventListener("click", async (ev) => {
  const b = ev.target instanceof Element ? ev.target.closest("button") : null;
  if (!b || b.disabled) return;
  const i = Number(b.dataset.i);
  switch (b.dataset.act) {
    case "pl-new-manual": blank(false); break;
    case "pl-new-rule": blank(true); break;
    case "pl-up": move(i, i - 1); break;
    case "pl-down": move(i, i + 1); break;
    case "pl-remove": pl.edit.items.splice(i, 1); renderItems(); break;
    case "pl-add": {
      const sel = $(b.dataset.from);
      if (!sel.value) break;
      const kind = b.dataset.from.replace("pl-add-", "");
      const text = sel.selectedOptions[0].textContent.replace(/^\S+ /, "");
      pl.edit.items.push({ kind, id: Number(sel.value), title: text, detail: "" });
      renderItems();
      break;
    }
    case "pl-delete": {
      if (!confirm(t("confirmDelete", pl.edit.name))) break;
      if (await api(`playlists/${pl.edit.id}`, "DELETE", {}) !== null) {
        pl.edit = null;
        location.hash = "#/playlists";
        await store.loadPlaylists();
        $("pl-form").hidden = true;
        renderList();
      }
      break;
    }
  }
});

// Saving: the button stays disabled until the server has answered, so a
// second click does not send the playlist twice, and "saved" means this save.
$("pl-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const btn = $("pl-save");
  btn.disabled = true;
  try {
    await save();
  } finally {
    btn.disabled = false;
  }
});

async function save() {
  const p = pl.edit;
  const body = { name: $("pl-name").value.trim(), verbatim_seconds: Number($("pl-vsec").value) || 20 };
  if (p.rule) body.rule = ruleOf();
  else body.items = p.items.map((it) => ({ [it.kind + "_id"]: it.id }));
  const saved = await api(p.id ? `playlists/${p.id}` : "playlists", p.id ? "PUT" : "POST", body);
  if (!saved) return;
  toast(t("playlistSaved", saved.name, saved.count));
  await store.loadPlaylists();
  if (location.hash !== `#/playlists/${saved.id}`) { pl.edit = null; location.hash = `#/playlists/${saved.id}`; } else await load(saved.id);
}

$("pl-rule").addEventListener("input", (ev) => {
  if (RULE_FIELDS.includes(ev.target.id) || ev.target.closest("#r-tags")) countRule();
});

// Drag to order: the dragged item goes where it is dropped.
$("pl-items").addEventListener("dragstart", (ev) => {
  const li = ev.target.closest && ev.target.closest(".pl-item");
  if (!li) return;
  pl.drag = Number(li.dataset.i);
  ev.dataTransfer.effectAllowed = "move";
  ev.dataTransfer.setData("text/plain", li.dataset.key);
  li.classList.add("dragging");
});
$("pl-items").addEventListener("dragover", (ev) => { if (pl.drag >= 0) ev.preventDefault(); });
$("pl-items").addEventListener("drop", (ev) => {
  ev.preventDefault();
  const li = ev.target.closest && ev.target.closest(".pl-item");
  const from = pl.drag;
  pl.drag = -1;
  if (li && from >= 0) move(from, Number(li.dataset.i));
});
$("pl-items").addEventListener("dragend", () => { pl.drag = -1; document.querySelectorAll(".pl-item.dragging").forEach((x) => x.classList.remove("dragging")); });

// relabel redraws after a language switch.
export function relabel() {
  fillPickers();
  if (pl.edit) {
    pl.edit.name = $("pl-name").value;
    if (pl.edit.rule) pl.edit.rule = ruleOf();
  }
  if (pl.edit) showEditor(); else renderList();
}
