// Retention: what expires soon, and keeping a call longer, up to the
// admin's policy maximum (the server refuses beyond it and says until when).

import { el, keyedRows, setUnlessEdited } from "/shared/dom.js";
import { api } from "./api.js";
import { t } from "./i18n.js";
import { $, toast, button, day, endOfDay } from "./ui.js";

let rows = [];
let asked = 0; // counts open calls: an answer to an older question is dropped

// open lists the calls expiring within the chosen number of days. Answers
// may come back out of order when the days change quickly; only the last
// question's answer is shown.
export async function open() {
  const turn = ++asked;
  const list = await api(`expiring?days=${Number($("exp-days").value) || 30}`);
  if (!list || turn !== asked) return;
  rows = list;
  render();
}

// plus adds months to a YYYY-MM-DD day.
function plus(d, months) {
  const x = new Date(d + "T12:00:00");
  x.setMonth(x.getMonth() + months);
  return x.toISOString().slice(0, 10);
}

// render shows the rows in place: a date being picked in one row survives a
// refresh of the list.
function render() {
  keyedRows($("exp-rows"), rows, (r) => r.id, makeRow, fillRow);
  $("exp-none").hidden = rows.length > 0;
}

function makeRow(r) {
  const tr = el("tr", "exp-row");
  tr.dataset.id = r.id;
  const date = el("input", "exp-date");
  date.type = "date";
  const cells = [el("td"), el("td"), el("td", "call-date"), el("td", "expires"), el("td", "pair")];
  cells[0].append(el("a"));
  cells[1].append(el("span"));
  cells[4].append(date, button("", "exp-extend", { id: r.id }));
  tr.append(...cells);
  return tr;
}

function fillRow(tr, r) {
  const a = tr.querySelector("a");
  a.textContent = r.title || r.path || `#${r.id}`;
  a.href = `#/call/${r.id}`;
  const badge = tr.querySelector("span");
  badge.className = "badge " + r.status;
  badge.textContent = t("status_" + r.status);
  tr.querySelector(".call-date").textContent = r.call_date;
  tr.querySelector(".expires").textContent = day(r.expires_at);
  const date = tr.querySelector(".exp-date");
  setUnlessEdited(date, plus(day(r.expires_at), 3));
  date.setAttribute("aria-label", t("keepUntil"));
  tr.querySelector('[data-act="exp-extend"]').textContent = t("extend");
}

$("retention").addEventListener("click", async (ev) => {
  const b = ev.target instanceof Element ? ev.target.closest("button") : null;
  if (!b || b.dataset.act !== "exp-extend") return;
  const input = b.parentElement.querySelector(".exp-date");
  if (!input.value) return;
  const rec = await api(`recordings/${b.dataset.id}`, "PATCH", { expires_at: endOfDay(input.value) });
  if (!rec) return; // refused: the date stays as picked, to correct
  toast(t("keptUntil", rec.title, day(rec.expires_at)));
  delete input.dataset.was; // kept: the row offers the next extension again
  open();
});

$("exp-days").addEventListener("change", open);

// relabel redraws after a language switch.
export function relabel() { render(); }
