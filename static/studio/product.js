// A product's review pack (#/insight/product/NAME?from=YYYY-MM-DD&to=...):
// what a product manager takes from the twice-yearly review — the period's
// calls, clips and verbatims, the customers' scores and their trend, how far
// employees' guesses fell from them, and the open actions. It prints on A4
// (studio.css, @media print) and a review can be marked done.
// insight.js routes here and forwards its section's clicks and changes.

import { el } from "/shared/dom.js";
import { columns, dataTable as table, formatNumber, monthName } from "/shared/charts.js";
import { api } from "./api.js";
import { t, getLang } from "./i18n.js";
import { $, toast } from "./ui.js";

const pk = { name: "", data: null, me: null };
const nf = (v, digits = 1) => formatNumber(v, getLang(), digits);
const day = (d) => (d || "").slice(0, 10);
const r1 = (v) => (typeof v === "number" ? Math.round(v * 10) / 10 : "");

// sixMonthsBefore is the day six months before a YYYY-MM-DD day.
function sixMonthsBefore(d) {
  const x = new Date(d + "T12:00:00");
  x.setMonth(x.getMonth() - 6);
  return x.toISOString().slice(0, 10);
}

// open loads a product's pack for the period in the address, or the last six months.
export async function open(name, query, me) {
  pk.me = me;
  if (name !== pk.name) pk.data = null;
  pk.name = name;
  const to = query.get("to") || new Date().toISOString().slice(0, 10);
  $("pk-to").value = to;
  $("pk-from").value = query.get("from") || sixMonthsBefore(to);
  $("pk-title").textContent = name;
  // Marking a review done is for curators (the API refuses facilitators).
  document.querySelector('[data-act="pk-reviewed"]').hidden = !me || me.role === "facilitator";
  render();
  await load();
}

async function load() {
  const q = new URLSearchParams({ from: $("pk-from").value, to: $("pk-to").value });
  const data = await api(`insights/products/${encodeURIComponent(pk.name)}?${q}`);
  if (!data) return;
  pk.data = data;
  render();
}

function section(title, ...children) {
  const s = el("section", "pk-block");
  s.append(el("h2", "", title), ...children);
  return s;
}

function render() {
  const box = $("pk-body");
  const d = pk.data;
  $("pk-period").textContent = d ? t("periodIs", day(d.from), day(d.to)) : "";
  if (!d) { box.replaceChildren(el("p", "muted", t("loading"))); return; }
  const sc = d.scores || {}, pe = d.perception || {};
  const figs = el("dl", "pk-figures");
  const fig = (label, value, id, raw) => {
    const dt = el("dt", "", label), dd = el("dd", "", value);
    dd.id = id;
    if (raw !== undefined && raw !== "") dd.dataset.value = raw;
    figs.append(dt, dd);
  };
  fig(t("calls"), (d.recordings || []).length, "pk-n-calls", (d.recordings || []).length);
  fig(t("clipsWord"), (d.clips || []).length, "pk-n-clips", (d.clips || []).length);
  fig(t("verbatims"), (d.verbatims || []).length, "pk-n-verbatims", (d.verbatims || []).length);
  fig(t("avgScore"), sc.count ? `${nf(sc.avg)} / 10` : "—", "pk-avg", r1(sc.avg));
  fig(t("scoresCount"), sc.count || 0, "pk-n-scores", sc.count || 0);
  fig(t("avgGap"), pe.guesses ? t("gapOf", nf(pe.avg_gap), pe.guesses) : t("noGuessesShort"), "pk-gap", r1(pe.avg_gap));

  const trend = sc.trend || [];
  const chart = trend.length
    ? columns({ labels: trend.map((m) => monthName(m.month, getLang())), series: [{ name: t("avgScore"), values: trend.map((m) => m.avg) }], max: 10, title: t("scoreTrend"), format: (v) => nf(v) })
    : el("p", "empty", t("noScores"));
  const trendTable = table(t("scoreTrend"), [t("month"), t("count"), t("avgScore")],
    trend.map((m) => ({ key: m.month, cells: [monthName(m.month, getLang()), { text: m.count, value: m.count }, { text: nf(m.avg), value: r1(m.avg) }] })));
  const pair = el("div", "chart-row");
  const c = el("div", "chart-box");
  c.append(chart);
  pair.append(c, trendTable);

  const calls = (d.recordings || []).map((r) => {
    const a = el("a", "", r.title || `#${r.id}`);
    a.href = `#/call/${r.id}`;
    return { key: r.id, cells: [{ node: a, cls: "title-cell" }, { text: r.call_date || "", cls: "" }, { text: r.topic || "", cls: "" },
      { text: r.sentiment ? t(r.sentiment) : "", cls: "sent " + (r.sentiment || "") }, { text: r.score ?? "—", value: r.score ?? "" }] };
  });
  const clips = el("ul", "rows compact pk-clips");
  for (const c2 of d.clips || []) {
    const li = el("li");
    const a = el("a", "", "✂ " + (c2.title || `#${c2.id}`));
    a.href = `#/call/${c2.recording_id}`;
    li.append(a);
    clips.append(li);
  }
  const verbatims = el("ul", "rows compact pk-verbatims");
  for (const v of d.verbatims || []) {
    const li = el("li", "pk-verbatim");
    li.append(el("q", "", v.text || v.masked || ""), el("span", "muted small", ` ${[day(v.date), v.score === null || v.score === undefined ? "" : `${v.score}/10`].filter(Boolean).join(" · ")}`));
    verbatims.append(li);
  }
  const actions = (d.open_actions || []).map((a) => ({ key: a.id, cells: [{ text: a.text, cls: "" }, { text: a.team || "", cls: "" }, { text: day(a.due) || "—", cls: "" }, { text: a.status ? t("actionStatus_" + a.status) : "", cls: "" }] }));

  box.replaceChildren(
    figs,
    section(t("scoreTrend"), pair),
    section(t("callsOfPeriod"), calls.length ? table(t("callsOfPeriod"), [t("title"), t("callDate"), t("topic"), t("sentiment"), t("score")], calls, "pk-calls") : el("p", "empty", t("noneInPeriod"))),
    section(t("clipsWord"), (d.clips || []).length ? clips : el("p", "empty", t("noneInPeriod"))),
    section(t("verbatims"), (d.verbatims || []).length ? verbatims : el("p", "empty", t("noneInPeriod"))),
    section(t("openActions"), actions.length ? table(t("openActions"), [t("action"), t("team"), t("due"), t("status")], actions, "pk-actions") : el("p", "empty", t("noActions"))),
  );
}

// click handles the pack's buttons (insight.js forwards them).
export async function click(b) {
  switch (b.dataset.act) {
    case "pk-print": window.print(); break;
    case "pk-reviewed": {
      b.disabled = true;
      const ok = await api(`insights/products/${encodeURIComponent(pk.name)}/reviewed`, "POST", {});
      b.disabled = false;
      if (ok) toast(t("reviewMarked", pk.name));
      break;
    }
  }
}

// change reloads the pack when its period changes, keeping it in the address.
export function change(target) {
  if (target.id !== "pk-from" && target.id !== "pk-to") return;
  if (!$("pk-from").value || !$("pk-to").value) return;
  const q = new URLSearchParams({ from: $("pk-from").value, to: $("pk-to").value });
  history.replaceState(null, "", `#/insight/product/${encodeURIComponent(pk.name)}?${q}`);
  load();
}

// relabel redraws after a language switch.
export function relabel() { render(); }
