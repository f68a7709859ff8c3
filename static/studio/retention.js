// Retention: what expires soon, and keeping a call longer, up to the
// admin's policy maximum (the server refuses beyond it and says until when).

import { el } from "/shared/dom.js";
import { api } from "./api.js";
import { t } from "./i18n.js";
import { $, toast, button, day, endOfDay } from "./ui.js";

let rows = [];

// open lists the calls expiring within the chosen number of days.
export async function open() {
  const list = await api(`expiring?days=${Number($("exp-days").value) || 30}`);
  if (!list) return;
  rows = list;
  render();
}

// plus adds months to a YYYY-MM-DD day.
function plus(d, months) {
  const x = new Date(d + "T12:00:00");
  x.setMonth(x.getMonth() + months);
  return x.toISOString().slice(0, 10);
}

function render() {
  const body = $("exp-rows");
  body.replaceChildren();
  for (const r of rows) {
    const tr = el("tr", "exp-row");
    tr.dataset.id = r.id;
    const a = el("a", "", r.title || r.path || `#${r.id}`);
    a.href = `#/call/${r.id}`;
    const date = el("input", "exp-date");
    date.type = "date";
    date.value = plus(day(r.expires_at), 3);
    date.setAttribute("aria-label", t("keepUntil"));
    const cells = [el("td"), el("td"), el("td", "", r.call_date), el("td", "", day(r.expires_at)), el("td", "pair")];
    cells[0].append(a);
    cells[1].append(el("span", "badge " + r.status, t("status_" + r.status)));
    cells[4].append(date, button(t("extend"), "exp-extend", { id: r.id }));
    tr.append(...cells);
    body.append(tr);
  }
  $("exp-none").hidden = rows.length > 0;
}

$("retention").addEventListener("click", async (ev) => {
  const b = ev.target instanceof Element ? ev.target.closest("button") : null;
  if (!b || b.dataset.act !== "exp-extend") return;
  const d = b.parentElement.querySelector(".exp-date").value;
  if (!d) return;
  const rec = await api(`recordings/${b.dataset.id}`, "PATCH", { expires_at: endOfDay(d) });
  if (rec) { toast(t("keptUntil", rec.title, day(rec.expires_at))); open(); }
});

$("exp-days").addEventListener("change", open);

// relabel redraws after a language switch.
export function relabel() { render(); }
