// What resonates: per call and clip, the room's aggregate plays,
// completions, reactions and score guesses; never per listener.

import { el } from "/shared/dom.js";
import { api } from "./api.js";
import { $ } from "./ui.js";

const rs = { rows: [], key: "plays", desc: true };
const value = (r, k) => (k in (r.reactions || {}) ? r.reactions[k] : r[k]);

// open loads the figures.
export async function open() {
  const list = await api("insights/resonance");
  if (!list) return;
  rs.rows = list;
  render();
}

function render() {
  const sorted = [...rs.rows].sort((a, b) => {
    const x = value(a, rs.key), y = value(b, rs.key);
    const c = typeof x === "string" ? x.localeCompare(y, "fr") : (x || 0) - (y || 0);
    return rs.desc ? -c : c;
  });
  const body = $("rs-rows");
  body.replaceChildren();
  for (const r of sorted) {
    const tr = el("tr");
    const a = el("a", "", `${r.type === "clip" ? "✂" : "♪"} ${r.title}`);
    if (r.type === "recording") a.href = `#/call/${r.id}`;
    const td = el("td");
    td.append(a);
    const pct = r.plays ? ` (${Math.round((100 * r.completions) / r.plays)} %)` : "";
    tr.append(td, ...[r.plays, `${r.completions}${pct}`, value(r, "touched"), value(r, "idea"), value(r, "unacceptable"), r.guesses,
      r.guesses ? r.avg_gap.toFixed(1) : "—"].map((v) => el("td", "num", v ?? 0)));
    body.append(tr);
  }
  for (const b of document.querySelectorAll("#resonance .sort")) b.closest("th").setAttribute("aria-sort", b.dataset.key === rs.key ? (rs.desc ? "descending" : "ascending") : "none");
}

$("resonance").addEventListener("click", (ev) => {
  const b = ev.target instanceof Element ? ev.target.closest("button") : null;
  if (!b || b.dataset.act !== "rs-sort") return;
  rs.desc = rs.key === b.dataset.key ? !rs.desc : b.dataset.key !== "title";
  rs.key = b.dataset.key;
  render();
});

// relabel redraws after a language switch.
export function relabel() { render(); }
