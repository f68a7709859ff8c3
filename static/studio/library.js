// The library: every recording and verbatim, any status, filtered in the
// page (the lists are small enough to hold), with bulk actions on the
// selection: tag, approve, reject, add to a manual playlist, keep longer.

import { el, fmtTime, keyedRows, refill } from "/shared/dom.js";
import { api } from "./api.js";
import { t } from "./i18n.js";
import { $, toast, fillSelect, distinct, store, tagLabel, day, endOfDay, verbatimTitle } from "./ui.js";

const lib = { items: [], selected: new Set() };
const FILTERS = ["f-kind", "f-status", "f-topic", "f-product", "f-channel", "f-sentiment", "f-score-min", "f-score-max", "f-from", "f-to", "f-tag", "f-expiring", "f-text"];
const SOON = 30 * 86400e3;

const fold = (s) => (s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

function itemsOf(recs, vs) {
  return [
    ...recs.map((r) => ({ kind: "call", key: "r" + r.id, id: r.id, title: r.title || r.path || `#${r.id}`, status: r.status, topic: r.topic,
      product: r.product, channel: r.channel, sentiment: r.sentiment, score: r.score, date: r.call_date, tags: r.tags || [],
      expires: r.expires_at, duration: r.duration_ms, demo: r.demo })),
    ...vs.map((v) => ({ kind: "verbatim", key: "v" + v.id, id: v.id, title: verbatimTitle(v), text: v.text, status: v.status, topic: v.topic,
      product: "", channel: v.channel, sentiment: v.sentiment, score: v.score, date: v.date, tags: [], expires: v.expires_at, demo: v.demo })),
  ];
}

let asked = 0; // counts open calls: an answer to an older one is dropped

// open loads the library and shows it. It runs again on every library event
// (an import, an approval): rows that did not change stay as they are.
export async function open(_arg, params) {
  const turn = ++asked;
  const [recs, vs] = await Promise.all([store.loadRecordings(), store.loadVerbatims(), store.loadTags(), store.loadPlaylists()]);
  if (turn !== asked) return;
  lib.items = itemsOf(recs, vs);
  const keys = new Set(lib.items.map((x) => x.key));
  for (const k of lib.selected) if (!keys.has(k)) lib.selected.delete(k);
  fillFilters();
  render();
  const focus = params && params.get("verbatim");
  const row = focus && document.querySelector(`#lib-rows tr[data-key="v${Number(focus)}"]`);
  if (row) { row.classList.add("focus"); row.scrollIntoView({ block: "center" }); }
}

function fillFilters() {
  const pairs = (k) => distinct(lib.items, k).map((v) => [v, v]);
  fillSelect($("f-topic"), pairs("topic"));
  fillSelect($("f-product"), pairs("product"));
  fillSelect($("f-channel"), pairs("channel"));
  fillSelect($("f-tag"), store.tags.map((x) => [x.name, tagLabel(x)]));
  fillSelect($("b-tag"), store.tags.filter((x) => x.enabled).map((x) => [x.name, tagLabel(x)]));
  fillSelect($("b-playlist"), store.playlists.filter((p) => !p.rule).map((p) => [p.id, p.name]));
}

function matches(x) {
  const v = (id) => $(id).value;
  const n = (id) => ($(id).value === "" ? null : Number($(id).value));
  if (v("f-kind") && x.kind !== v("f-kind")) return false;
  if (v("f-status") && x.status !== v("f-status")) return false;
  for (const [id, k] of [["f-topic", "topic"], ["f-product", "product"], ["f-channel", "channel"], ["f-sentiment", "sentiment"]]) {
    if (v(id) && x[k] !== v(id)) return false;
  }
  const lo = n("f-score-min"), hi = n("f-score-max");
  if ((lo !== null || hi !== null) && (x.score === null || x.score === undefined)) return false;
  if (lo !== null && x.score < lo) return false;
  if (hi !== null && x.score > hi) return false;
  if (v("f-from") && !(x.date >= v("f-from"))) return false;
  if (v("f-to") && !(x.date && x.date.slice(0, 10) <= v("f-to"))) return false;
  if (v("f-tag") && !x.tags.includes(v("f-tag"))) return false;
  if ($("f-expiring").checked && !(x.expires && Date.parse(x.expires) - Date.now() < SOON)) return false;
  const q = fold(v("f-text").trim());
  if (q && !fold([x.title, x.text, x.topic, x.product, x.tags.join(" ")].join(" ")).includes(q)) return false;
  return true;
}

const shown = () => lib.items.filter(matches);

// render draws the rows that pass the filters, in place: a row whose item
// did not change keeps its nodes (the link about to be clicked, the box
// being ticked).
export function render() {
  const list = shown();
  const byName = new Map(store.tags.map((x) => [x.name, x]));
  keyedRows($("lib-rows"), list, (x) => x.key, () => el("tr"), (tr, x) => {
    tr.className = "lib-row " + x.kind + " " + (x.sentiment || "");
    tr.dataset.key = x.key;
    refill(tr, cellsOf(x, byName));
    tr.querySelector("input").checked = lib.selected.has(x.key);
  });
  const sel = list.filter((x) => lib.selected.has(x.key)).length;
  $("lib-count").textContent = t("shownSelected", list.length, lib.items.length, sel);
  $("lib-all").checked = list.length > 0 && sel === list.length;
}

// cellsOf are a row's cells; the box's ticking is set apart, as state.
function cellsOf(x, byName) {
  const pick = el("input");
  pick.type = "checkbox";
  pick.dataset.key = x.key;
  pick.setAttribute("aria-label", x.title);
  const title = el("td", "title-cell");
  if (x.kind === "call") {
    const a = el("a", "", x.title);
    a.href = x.status === "pending" ? `#/review/${x.id}` : `#/call/${x.id}`;
    title.append(el("span", "kind-icon", "♪"), a, el("span", "muted small", " " + fmtTime(x.duration)));
  } else {
    title.append(el("span", "kind-icon", "❝"), el("span", "", x.title));
    title.title = x.text || "";
  }
  const tags = el("td", "tags-cell");
  for (const n of x.tags) tags.append(el("span", "tagchip", tagLabel(byName.get(n)) || n));
  const cells = [el("td", "", ""), title, el("td", "", ""), el("td", "", x.topic), el("td", "", x.product), el("td", "", x.channel),
    el("td", "", x.sentiment ? t(x.sentiment) : ""), el("td", "num", x.score ?? ""), el("td", "", x.date), tags,
    el("td", "", x.demo ? "—" : day(x.expires))];
  cells[0].append(pick);
  cells[2].append(el("span", "badge " + x.status, t("status_" + x.status)));
  return cells;
}

// selectedItems are the chosen items still shown by the filters.
const selectedItems = () => shown().filter((x) => lib.selected.has(x.key));

async function each(list, fn) {
  let n = 0;
  for (const x of list) if (await fn(x)) n++;
  return n;
}

const bulk = {
  async "lib-tag"(list) {
    const tag = $("b-tag").value;
    if (!tag) return;
    const calls = list.filter((x) => x.kind === "call");
    if (calls.length < list.length) toast(t("verbatimsNoTags"));
    const n = await each(calls, (x) => x.tags.includes(tag) || api(`recordings/${x.id}`, "PATCH", { tags: [...x.tags, tag] }));
    return t("taggedN", n);
  },
  async "lib-approve"(list) {
    const n = await each(list.filter((x) => x.status === "pending"), (x) => api(`${x.kind === "call" ? "recordings" : "verbatims"}/${x.id}/approve`, "POST", {}));
    return t("approvedItemsN", n);
  },
  async "lib-reject"(list) {
    const reason = $("b-reason").value.trim();
    if (!reason) { $("b-reason").focus(); return t("reasonNeeded"); }
    const n = await each(list.filter((x) => x.status !== "rejected"), (x) => api(`${x.kind === "call" ? "recordings" : "verbatims"}/${x.id}/reject`, "POST", { reason }));
    return t("rejectedItemsN", n);
  },
  async "lib-playlist"(list) {
    const id = $("b-playlist").value;
    if (!id) return t("pickPlaylist");
    const p = await api(`playlists/${id}`);
    if (!p) return "";
    const items = p.items.map(entryOf);
    for (const x of list) items.push(x.kind === "call" ? { recording_id: x.id } : { verbatim_id: x.id });
    const saved = await api(`playlists/${id}`, "PUT", { name: p.name, items, verbatim_seconds: p.verbatim_seconds });
    return saved ? t("addedToPlaylist", list.length, p.name) : "";
  },
  async "lib-extend"(list) {
    const d = $("b-expiry").value;
    if (!d) { $("b-expiry").focus(); return t("pickDate"); }
    const calls = list.filter((x) => x.kind === "call");
    if (calls.length < list.length) toast(t("verbatimsNoExpiry"));
    const n = await each(calls, (x) => api(`recordings/${x.id}`, "PATCH", { expires_at: endOfDay(d) }));
    return t("extendedN", n);
  },
};

// entryOf turns a playlist item back into what PUT takes.
export function entryOf(it) {
  if (it.clip_id) return { clip_id: it.clip_id };
  if (it.verbatim_id) return { verbatim_id: it.verbatim_id };
  return { recording_id: it.recording_id };
}

$("library").addEventListener("click", async (ev) => {
  const b = ev.target instanceof Element ? ev.target.closest("button") : null;
  if (!b || b.disabled) return;
  const act = b.dataset.act;
  if (act === "lib-reset") {
    for (const id of FILTERS) { if ($(id).type === "checkbox") $(id).checked = false; else $(id).value = ""; }
    render();
    return;
  }
  if (!bulk[act]) return;
  const list = selectedItems();
  if (!list.length) { toast(t("selectFirst")); return; }
  b.disabled = true;
  const msg = await bulk[act](list);
  b.disabled = false;
  if (msg) toast(msg);
  await open();
});

$("library").addEventListener("input", (ev) => {
  const e = ev.target;
  if (e.dataset && e.dataset.key) {
    if (e.checked) lib.selected.add(e.dataset.key); else lib.selected.delete(e.dataset.key);
    render();
  } else if (e.id === "lib-all") {
    for (const x of shown()) if (e.checked) lib.selected.add(x.key); else lib.selected.delete(x.key);
    render();
  } else if (FILTERS.includes(e.id)) {
    render();
  }
});

// relabel redraws after a language switch.
export function relabel() { fillFilters(); render(); }
