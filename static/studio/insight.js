// Insight for the CX team (#/insight): how far employees' guesses fall from
// customers' scores (by topic and by month, against the published
// barometer), what is "below the line" (topics and products whose customers'
// average is under a threshold, with a one-click playlist of their calls and
// verbatims), and the products whose twice-yearly review is due.
// #/insight/product/NAME is a product's review pack (product.js).
// Only aggregates exist: the server has no per-person figure to show.

import { el } from "/shared/dom.js";
import { hbars, columns, sparkline, dataTable as table, formatNumber, monthName } from "/shared/charts.js";
import { api } from "./api.js";
import { t, getLang } from "./i18n.js";
import { $, toast, button } from "./ui.js";
import * as product from "./product.js";

const st = {
  me: null, perception: null, alerts: null, products: null,
  threshold: 3, scale: 5, made: {}, // made: alert key → playlist id created from it
};

// nf formats a figure with one decimal in the page's language; "—" when missing.
const nf = (v, digits = 1) => formatNumber(v, getLang(), digits);

// monthLabel names a YYYY-MM month briefly ("oct. 2026", "Oct 2026").
const monthLabel = (m) => monthName(m, getLang());

const ym = (d) => d.toISOString().slice(0, 7);

// open shows the overview, or a product's pack for #/insight/product/NAME.
export async function open(arg, query, me) {
  st.me = me;
  const parts = location.hash.replace(/^#\/?/, "").split("?")[0].split("/");
  if (arg === "product" && parts.length > 2) {
    $("in-overview").hidden = true;
    $("in-product").hidden = false;
    product.open(decodeURIComponent(parts.slice(2).join("/")), query, me);
    return;
  }
  $("in-product").hidden = true;
  $("in-overview").hidden = false;
  if (!$("in-from").value) {
    const now = new Date();
    $("in-to").value = ym(now);
    $("in-from").value = ym(new Date(now.getFullYear() - 1, now.getMonth() + 1, 15));
  }
  await Promise.all([loadPerception(), loadAlerts(), loadProducts()]);
}

async function loadPerception() {
  const q = new URLSearchParams();
  if ($("in-from").value) q.set("from", $("in-from").value);
  if ($("in-to").value) q.set("to", $("in-to").value);
  const p = await api("insights/perception?" + q);
  if (p) { st.perception = p; renderPerception(); }
}

async function loadAlerts() {
  const a = await api(`insights/alerts?threshold=${encodeURIComponent(st.threshold)}&scale=${st.scale}`);
  if (a) { st.alerts = a; renderAlerts(); }
}

async function loadProducts() {
  const list = await api("insights/products");
  if (list) { st.products = list; renderProducts(); }
}

const r1 = (v) => (typeof v === "number" ? Math.round(v * 10) / 10 : "");

// runningGaps is the room's running average gap month by month, weighted by guesses.
function runningGaps(months) {
  let n = 0, sum = 0;
  return months.map((m) => {
    if (m.guesses > 0 && typeof m.avg_gap === "number") { n += m.guesses; sum += m.avg_gap * m.guesses; }
    return n ? sum / n : null;
  });
}

function renderPerception() {
  const p = st.perception;
  if (!p) return;
  const o = p.overall || {};
  const ref10 = (p.reference_gap ?? 14) / 10; // the barometer's points are on 100; our scores on 10
  const sum = $("in-summary");
  sum.replaceChildren();
  if (!o.guesses) {
    sum.append(el("span", "", t("noGuesses")));
  } else {
    const big = el("strong", "big-figure", nf(o.avg_gap));
    big.id = "in-overall-gap";
    big.dataset.value = r1(o.avg_gap);
    sum.append(t("roomGapIs"), " ", big, " ", t("gapOutOf10", o.guesses, nf(o.avg_gap * 10, 0)));
    sum.append(el("br"), el("span", "muted", t("guessVsActual", nf(o.avg_guess), nf(o.avg_actual))));
  }
  const ref = el("p", "ref-line");
  ref.id = "in-reference";
  ref.dataset.value = p.reference_gap ?? 14;
  ref.textContent = t("referenceIs", p.reference_gap ?? 14, nf(ref10));
  sum.append(ref);

  const topics = p.by_topic || [];
  const fmt = (v) => nf(v);
  $("in-topic-chart").replaceChildren(topics.length
    ? hbars({ labels: topics.map((x) => x.topic), series: [{ name: t("avgGuess"), values: topics.map((x) => x.avg_guess) }, { name: t("avgActual"), values: topics.map((x) => x.avg_actual) }], max: 10, title: t("chartTopicTitle"), format: fmt })
    : el("p", "empty", t("noGuesses")));
  $("in-topic-table").replaceChildren(table(t("chartTopicTitle"), [t("topic"), t("guesses"), t("avgGuess"), t("avgActual"), t("avgGap")],
    topics.map((x) => ({ key: x.topic, cells: [x.topic, { text: x.guesses, value: x.guesses }, { text: nf(x.avg_guess), value: r1(x.avg_guess) }, { text: nf(x.avg_actual), value: r1(x.avg_actual) }, { text: nf(x.avg_gap), value: r1(x.avg_gap), cls: "num strong" }] }))));

  const months = p.by_month || [];
  const running = runningGaps(months);
  $("in-month-chart").replaceChildren(months.length
    ? columns({ labels: months.map((m) => monthLabel(m.month)), series: [{ name: t("avgGap"), values: months.map((m) => m.avg_gap) }], lines: [{ name: t("runningAvg"), values: running }],
      refs: [{ name: t("reference"), value: ref10 }], max: Math.max(2, ...months.map((m) => m.avg_gap || 0), ref10), title: t("chartMonthTitle"), format: fmt })
    : el("p", "empty", t("noGuesses")));
  $("in-month-table").replaceChildren(table(t("chartMonthTitle"), [t("month"), t("guesses"), t("avgGuess"), t("avgActual"), t("avgGap"), t("runningAvg")],
    months.map((m, i) => ({ key: m.month, cells: [monthLabel(m.month), { text: m.guesses, value: m.guesses }, { text: nf(m.avg_guess), value: r1(m.avg_guess) }, { text: nf(m.avg_actual), value: r1(m.avg_actual) }, { text: nf(m.avg_gap), value: r1(m.avg_gap), cls: "num strong" }, { text: nf(running[i]), value: r1(running[i]) }] }))));
}

const alertKey = (a) => `${a.kind}:${a.name}`;

function renderAlerts() {
  const a = st.alerts;
  if (!a) return;
  const items = a.items || [];
  const curator = st.me && st.me.role !== "facilitator";
  const rows = items.map((x, i) => {
    const made = st.made[alertKey(x)];
    let action;
    if (made) {
      action = el("a", "made", t("playlistMade"));
      action.href = `#/playlists/${made}`;
    } else if (curator) {
      action = button(t("makePlaylist"), "in-playlist", { i }, "small primary");
      action.disabled = !(x.recordings || []).length && !(x.verbatims || []).length;
    } else action = el("span", "muted", "");
    // The trend's monthly averages are customers' scores on 0–10: brought to the asked scale.
    const scale = a.scale || st.scale;
    const trend = (x.trend || []).map((p) => (typeof p.avg === "number" ? (p.avg * scale) / 10 : null));
    const spark = sparkline(trend, { max: scale, threshold: a.threshold, title: t("trendOf", x.name, (x.trend || []).map((p, k) => `${monthLabel(p.month)} ${nf(trend[k])}/${scale}`).join(", ")) });
    return { key: alertKey(x), cells: [
      { node: kindBadge(x), cls: "" }, { text: x.name, cls: "name" }, { text: x.count, value: x.count },
      { text: `${nf(x.avg)} / ${scale}`, value: r1(x.avg), cls: "num bad" }, { node: spark, cls: "spark-cell" },
      { text: t("itemsCount", (x.recordings || []).length, (x.verbatims || []).length), cls: "muted" }, { node: action, cls: "" }] };
  });
  $("in-alerts").replaceChildren(items.length
    ? table(t("belowLine"), [t("kind"), t("name"), t("count"), t("average"), t("trend"), t("content"), { hidden: t("actions") }], rows, "alerts")
    : el("p", "empty", t("nothingBelow", nf(a.threshold), a.scale || st.scale)));
}

function kindBadge(x) {
  return el("span", "badge kind-" + x.kind, t(x.kind === "product" ? "productKind" : "topicKind"));
}

function renderProducts() {
  const list = [...(st.products || [])].sort((a, b) => Number(b.review_due) - Number(a.review_due) || a.product.localeCompare(b.product, "fr"));
  const box = $("in-products");
  if (!list.length) { box.replaceChildren(el("p", "empty", t("noProducts"))); return; }
  const due = list.filter((p) => p.review_due).length;
  const rows = list.map((p) => {
    const a = el("a", "", t("openPack"));
    a.href = "#/insight/product/" + encodeURIComponent(p.product);
    return { key: p.product, cells: [{ text: p.product, cls: "name" }, { text: p.count, value: p.count }, { text: p.last_review || t("never"), cls: "" },
      { node: el("span", "badge " + (p.review_due ? "due" : "ok"), t(p.review_due ? "reviewDue" : "reviewOk")), cls: "" }, { node: a, cls: "" }] };
  });
  box.replaceChildren(el("p", due ? "due-line" : "muted", t("dueCount", due)),
    table(t("productReviews"), [t("product"), t("count"), t("lastReview"), t("status"), ""], rows, "products"));
}

// makePlaylist turns an alert into a manual playlist of its calls and verbatims.
async function makePlaylist(i, b) {
  const x = (st.alerts.items || [])[i];
  if (!x) return;
  b.disabled = true;
  const name = `${t("belowLine")} · ${x.name} · ${new Date().toISOString().slice(0, 10)}`;
  const items = [...(x.recordings || []).map((id) => ({ recording_id: id })), ...(x.verbatims || []).map((id) => ({ verbatim_id: id }))];
  const saved = await api("playlists", "POST", { name, items });
  if (!saved) { b.disabled = false; return; }
  st.made[alertKey(x)] = saved.id;
  toast(t("playlistSaved", saved.name, saved.count ?? items.length));
  renderAlerts();
}

$("insight").addEventListener("click", (ev) => {
  const b = ev.target instanceof Element ? ev.target.closest("button") : null;
  if (!b || b.disabled) return;
  switch (b.dataset.act) {
    case "in-playlist": makePlaylist(Number(b.dataset.i), b); break;
    case "in-threshold": applyThreshold(); break;
    default: product.click(b);
  }
});

function applyThreshold() {
  const scale = Number($("in-scale").value) === 10 ? 10 : 5;
  let v = Number($("in-threshold").value);
  if (!Number.isFinite(v) || v <= 0 || v > scale) { toast(t("thresholdRange", scale)); return; }
  st.threshold = v;
  st.scale = scale;
  loadAlerts();
}

$("insight").addEventListener("change", (ev) => {
  const id = ev.target.id;
  if (id === "in-from" || id === "in-to") loadPerception();
  else if (id === "in-scale") {
    // keep the same bar when the scale changes: 3/5 is 6/10
    const to = Number(ev.target.value) === 10 ? 10 : 5;
    if (to !== st.scale) $("in-threshold").value = String(Math.round((Number($("in-threshold").value) * to / st.scale) * 10) / 10);
    applyThreshold();
  } else if (id === "in-threshold") applyThreshold();
  else product.change(ev.target);
});

// relabel redraws after a language switch.
export function relabel() {
  if (!$("in-product").hidden) { product.relabel(); return; }
  renderPerception();
  renderAlerts();
  renderProducts();
}
