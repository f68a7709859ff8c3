// Small charts drawn as SVG in the page: horizontal bars, columns with lines,
// and sparklines. Nothing is fetched and nothing is parsed as markup: every
// node is made with createElementNS and every word goes in as textContent.
// A chart is a picture of a table the page shows beside it (for screen
// readers and for printing), so charts carry only short labels; each bar and
// point keeps its figure in data-value, which is what the tests read.
// Colours come from CSS classes (.s0, .s1, .line, .ref), so print can change them.

import { el } from "./dom.js";

const NS = "http://www.w3.org/2000/svg";

// svg makes an SVG element with attributes and optional text.
function svg(tag, attrs = {}, text) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) e.setAttribute(k, String(v));
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

// frame is the <svg> root: a picture with a title, scaled to its box.
function frame(w, h, title, cls) {
  const root = svg("svg", { viewBox: `0 0 ${w} ${h}`, class: "chart " + (cls || ""), role: "img", preserveAspectRatio: "xMinYMin meet" });
  if (title) {
    root.append(svg("title", {}, title));
    root.setAttribute("aria-label", title);
  }
  return root;
}

const num = (v) => typeof v === "number" && Number.isFinite(v);
const round = (v) => Math.round(v * 10) / 10;

// niceMax rounds a maximum up to 1, 2, 2.5 or 5 times a power of ten.
export function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

// hbars draws one row per label with one bar per series, side by side:
// {labels, series: [{name, values}], max, title, format}. A legend names
// the series when there are several.
export function hbars({ labels, series, max, title, format = String }) {
  const rowH = 14 * series.length + 10, left = 150, right = 44, w = 480;
  const top = series.length > 1 ? 22 : 6;
  const h = top + rowH * labels.length + 6;
  const top0 = niceMax(max ?? Math.max(0, ...series.flatMap((s) => s.values.filter(num))));
  const root = frame(w, h, title, "hbars");
  const x = (v) => left + ((w - left - right) * Math.max(0, v)) / top0;
  if (series.length > 1) legend(root, series, left, 12);
  labels.forEach((label, i) => {
    const y0 = top + i * rowH;
    root.append(svg("text", { x: left - 6, y: y0 + rowH / 2, class: "label", "text-anchor": "end", "dominant-baseline": "middle" }, clip(label, 22)));
    series.forEach((s, k) => {
      const v = s.values[i];
      const y = y0 + 5 + k * 14;
      if (!num(v)) {
        root.append(svg("text", { x: left + 3, y: y + 6, class: "value", "dominant-baseline": "middle" }, "—"));
        return;
      }
      const bar = svg("rect", { x: left, y, width: Math.max(1, x(v) - left), height: 12, rx: 2, class: "bar s" + k, "data-label": label, "data-series": s.name, "data-value": round(v) });
      bar.append(svg("title", {}, `${label} · ${s.name}: ${format(v)}`));
      root.append(bar, svg("text", { x: x(v) + 4, y: y + 6, class: "value", "dominant-baseline": "middle" }, format(v)));
    });
  });
  root.append(svg("line", { x1: left, x2: left, y1: top, y2: h - 6, class: "axis" }));
  return root;
}

// columns draws one column group per label (bars), lines across them, and
// dashed reference levels: {labels, series: [{name, values}], lines:
// [{name, values}], refs: [{name, value}], max, title, format}.
export function columns({ labels, series = [], lines = [], refs = [], max, title, format = String }) {
  const w = 480, h = 180, left = 34, right = 8, top = 24, bottom = 30;
  const all = [...series, ...lines].flatMap((s) => s.values.filter(num)).concat(refs.map((r) => r.value));
  const top0 = niceMax(max ?? Math.max(0, ...all));
  const root = frame(w, h, title, "columns");
  const plotH = h - top - bottom;
  const y = (v) => top + plotH - (plotH * Math.min(Math.max(0, v), top0)) / top0;
  const slot = (w - left - right) / Math.max(1, labels.length);
  const cx = (i) => left + slot * i + slot / 2;
  // the grid: 0, half and the top
  for (const g of [0, top0 / 2, top0]) {
    root.append(svg("line", { x1: left, x2: w - right, y1: y(g), y2: y(g), class: g ? "grid" : "axis" }),
      svg("text", { x: left - 4, y: y(g), class: "tick", "text-anchor": "end", "dominant-baseline": "middle" }, format(g)));
  }
  const bw = Math.min(28, (slot * 0.7) / Math.max(1, series.length));
  labels.forEach((label, i) => {
    series.forEach((s, k) => {
      const v = s.values[i];
      if (!num(v)) return;
      const bx = cx(i) - (bw * series.length) / 2 + k * bw;
      const bar = svg("rect", { x: bx, y: y(v), width: bw - 2, height: Math.max(0.5, y(0) - y(v)), rx: 2, class: "bar s" + k, "data-label": label, "data-series": s.name, "data-value": round(v) });
      bar.append(svg("title", {}, `${label} · ${s.name}: ${format(v)}`));
      root.append(bar);
    });
    root.append(svg("text", { x: cx(i), y: h - bottom + 14, class: "label", "text-anchor": "middle" }, clip(label, 10)));
  });
  lines.forEach((s, k) => {
    const pts = s.values.map((v, i) => (num(v) ? [cx(i), y(v)] : null)).filter(Boolean);
    if (pts.length > 1) root.append(svg("polyline", { points: pts.map((p) => p.join(",")).join(" "), class: "line l" + k, fill: "none" }));
    s.values.forEach((v, i) => {
      if (!num(v)) return;
      const dot = svg("circle", { cx: cx(i), cy: y(v), r: 3.5, class: "dot l" + k, "data-label": labels[i], "data-series": s.name, "data-value": round(v) });
      dot.append(svg("title", {}, `${labels[i]} · ${s.name}: ${format(v)}`));
      root.append(dot);
    });
  });
  refs.forEach((r) => {
    const ry = y(r.value);
    root.append(svg("line", { x1: left, x2: w - right, y1: ry, y2: ry, class: "ref", "data-value": round(r.value) }),
      svg("text", { x: w - right, y: ry - 4, class: "ref-label", "text-anchor": "end" }, `${r.name} ${format(r.value)}`));
  });
  legend(root, [...series.map((s, k) => ({ ...s, cls: "s" + k })), ...lines.map((s, k) => ({ ...s, cls: "l" + k, line: true }))], left, 12);
  return root;
}

// sparkline is a small trend line with an optional threshold, for a table
// cell: values in order, max the top of the scale.
export function sparkline(values, { max, threshold, title } = {}) {
  const w = 96, h = 24, pad = 3;
  const root = frame(w, h, title, "spark");
  root.setAttribute("width", w);
  root.setAttribute("height", h);
  const top0 = max || niceMax(Math.max(0, ...values.filter(num)));
  const n = values.length;
  const x = (i) => (n <= 1 ? w / 2 : pad + ((w - 2 * pad) * i) / (n - 1));
  const y = (v) => h - pad - ((h - 2 * pad) * Math.min(Math.max(0, v), top0)) / top0;
  if (num(threshold)) root.append(svg("line", { x1: 0, x2: w, y1: y(threshold), y2: y(threshold), class: "ref" }));
  const pts = values.map((v, i) => (num(v) ? [x(i), y(v)] : null)).filter(Boolean);
  if (pts.length > 1) root.append(svg("polyline", { points: pts.map((p) => p.join(",")).join(" "), class: "line l0", fill: "none" }));
  values.forEach((v, i) => { if (num(v)) root.append(svg("circle", { cx: x(i), cy: y(v), r: 2, class: "dot l0", "data-value": round(v) })); });
  return root;
}

function legend(root, items, x0, y) {
  let x = x0;
  for (const it of items) {
    const cls = it.cls || "s" + items.indexOf(it);
    if (it.line) root.append(svg("line", { x1: x, x2: x + 12, y1: y - 4, y2: y - 4, class: "line " + cls }));
    else root.append(svg("rect", { x, y: y - 9, width: 10, height: 10, rx: 2, class: "bar " + cls }));
    const label = svg("text", { x: x + 15, y, class: "legend" }, it.name);
    root.append(label);
    x += 24 + it.name.length * 6.2;
  }
}

function clip(s, n) {
  s = String(s ?? "");
  return s.length > n ? s.slice(0, n - 1) + "…" : s;
}

const locale = (lang) => (lang === "en" ? "en-GB" : "fr-FR");

// formatNumber shows a figure with digits decimals in lang ("2,5" in
// French); "—" when there is none.
export const formatNumber = (v, lang, digits = 1) => (typeof v === "number" && Number.isFinite(v)
  ? v.toLocaleString(locale(lang), { minimumFractionDigits: digits, maximumFractionDigits: digits }) : "—");

// monthName names a YYYY-MM month briefly in lang ("oct. 2026", "Oct 2026").
export function monthName(m, lang) {
  const d = new Date((m || "") + "-01T12:00:00");
  return Number.isNaN(d.getTime()) ? m || "" : d.toLocaleDateString(locale(lang), { month: "short", year: "numeric" });
}

// dataTable is the table a chart stands for: a caption (read by screen
// readers, hidden on screen), headers, and rows {key, cells}; a cell is a
// text or {text, value, cls, node}. The first cell heads its row; a value
// lands in data-value, the figure unformatted.
export function dataTable(caption, headers, rows, cls = "") {
  const tb = el("table", "grid-table data-table " + cls);
  if (caption) tb.append(el("caption", "sr-only", caption));
  const head = el("tr");
  // A header given as { hidden } is for screen readers only (an actions column).
  for (const h of headers) {
    const th = el("th", "", typeof h === "string" ? h : "");
    if (typeof h === "object") th.append(el("span", "sr-only", h.hidden));
    th.scope = "col";
    head.append(th);
  }
  const thead = el("thead");
  thead.append(head);
  const body = el("tbody");
  for (const r of rows) {
    const tr = el("tr");
    if (r.key !== undefined) tr.dataset.key = r.key;
    r.cells.forEach((c, i) => {
      const cell = typeof c === "object" && c !== null ? c : { text: c };
      const td = el(i === 0 ? "th" : "td", cell.cls ?? (i === 0 ? "" : "num"), cell.node ? undefined : cell.text);
      if (i === 0) td.scope = "row";
      if (cell.node) td.append(cell.node);
      if (cell.value !== undefined && cell.value !== null && cell.value !== "") td.dataset.value = cell.value;
      tr.append(td);
    });
    body.append(tr);
  }
  tb.append(thead, body);
  return tb;
}
