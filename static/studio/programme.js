// The programme: which playlist the room's home screen shows when, and when
// the room is closed (a dim clock, no sound), as a week grid (7 days × 24 hours). Slots are added from the form (a click on the
// grid fills it), then the whole programme is saved at once (PUT). The
// preview of "now" is computed here, with the rule the room uses (a weekday
// slot beats an every-day one, then a closed slot beats a playlist, then the
// newest wins; a slot ending before it starts runs past midnight), on this computer's clock: GET /api/kiosk/home
// is the room's own and is not open to a laptop.

import { el } from "/shared/dom.js";
import { api } from "./api.js";
import { t } from "./i18n.js";
import { $, toast, button, fillSelect, store } from "./ui.js";

const DAYS = [1, 2, 3, 4, 5, 6, 0]; // the grid's columns, Monday first
const pg = { entries: [], dirty: false, timer: 0 };

// slot keeps what a programme entry says (the server adds its id).
const slot = ({ weekday, start_min, end_min, playlist_id, closed }) => (closed ? { weekday, start_min, end_min, closed: true } : { weekday, start_min, end_min, playlist_id });
const hhmm = (min) => min === 1440 ? "24:00" : `${String(Math.floor(min / 60) % 24).padStart(2, "0")}:${String(min % 60).padStart(2, "0")}`;
const minOf = (s) => { const [h, m] = s.split(":").map(Number); return h * 60 + m; };

// pick is the slot on air on weekday at minute, as kiosk.Pick decides.
export function pick(entries, weekday, minute) {
  const yesterday = (weekday + 6) % 7;
  let best = null;
  entries.forEach((e, i) => {
    const on = (d) => e.weekday === -1 || e.weekday === d;
    const live = e.start_min < e.end_min ? on(weekday) && minute >= e.start_min && minute < e.end_min
      : (on(weekday) && minute >= e.start_min) || (on(yesterday) && minute < e.end_min);
    if (!live) return;
    const better = !best ? true
      : (e.weekday >= 0) !== (best.e.weekday >= 0) ? e.weekday >= 0
        : !!e.closed !== !!best.e.closed ? !!e.closed : i > best.i;
    if (better) best = { e, i };
  });
  return best ? best.e : null;
}

// open loads the programme and the playlists.
export async function open() {
  const [entries] = await Promise.all([api("kiosk/programme"), store.loadPlaylists()]);
  if (!entries) return;
  pg.entries = entries.map(slot);
  pg.dirty = false;
  fillForm();
  render();
  clearInterval(pg.timer);
  pg.timer = setInterval(preview, 30000);
}

// close stops the clock of the preview.
export function close() { clearInterval(pg.timer); pg.timer = 0; }

const labelOf = (e) => (e.closed ? t("closed") : nameOf(e.playlist_id));
const nameOf = (id) => (store.playlists.find((p) => p.id === id) || { name: `#${id}` }).name;
const hue = (id) => (id * 137) % 360;

function fillForm() {
  fillSelect($("p-day"), [[-1, t("everyDay")], ...DAYS.map((d) => [d, t("weekday", d)])]);
  fillSelect($("p-playlist"), store.playlists.map((p) => [p.id, p.name]));
}

function render() {
  const now = new Date();
  const table = $("week");
  table.replaceChildren();
  const head = el("tr");
  const corner = el("th");
  corner.append(el("span", "sr-only", t("hourCol")));
  head.append(corner, ...DAYS.map((d) => el("th", d === now.getDay() ? "today" : "", t("weekdayShort", d))));
  const thead = el("thead");
  thead.append(head);
  const body = el("tbody");
  for (let h = 0; h < 24; h++) {
    const tr = el("tr");
    tr.append(el("th", "hour", `${String(h).padStart(2, "0")}:00`));
    for (const d of DAYS) {
      let e = null;
      for (let m = h * 60; m < h * 60 + 60 && !e; m += 15) e = pick(pg.entries, d, m);
      const td = el("td", "slot");
      const b = button("", "pg-cell", { day: d, hour: h }, "cell");
      b.setAttribute("aria-label", `${t("weekday", d)} ${h}:00`);
      if (e) {
        const prev = h > 0 ? pick(pg.entries, d, h * 60 - 1) : pick(pg.entries, d, 0);
        b.classList.add("on");
        b.classList.toggle("closed", !!e.closed);
        if (e.closed) b.dataset.closed = "1";
        else {
          b.style.setProperty("--h", hue(e.playlist_id));
          b.dataset.playlist = e.playlist_id;
        }
        if (h === 0 || prev !== e) b.textContent = labelOf(e);
        b.title = `${labelOf(e)} · ${hhmm(e.start_min)}–${hhmm(e.end_min)}`;
      }
      if (d === now.getDay() && h === now.getHours()) td.classList.add("now");
      td.append(b);
      tr.append(td);
    }
    body.append(tr);
  }
  table.append(thead, body);

  const ul = $("prog-entries");
  ul.replaceChildren();
  pg.entries.forEach((e, i) => {
    const li = el("li", e.closed ? "entry closed" : "entry");
    if (!e.closed) li.style.setProperty("--h", hue(e.playlist_id));
    li.append(el("span", "swatch"), el("span", "", `${e.weekday < 0 ? t("everyDay") : t("weekday", e.weekday)} ${hhmm(e.start_min)}–${hhmm(e.end_min)}`),
      el("span", "title", labelOf(e)), button("✕", "pg-remove", { i }, "small ghost"));
    ul.append(li);
  });
  if (!pg.entries.length) ul.append(el("li", "empty", t("noSlots")));
  $("prog-state").textContent = pg.dirty ? t("unsaved") : "";
  $("prog-save").disabled = !pg.dirty;
  preview();
}

async function preview() {
  const now = new Date();
  const box = $("prog-now");
  const e = pick(pg.entries, now.getDay(), now.getHours() * 60 + now.getMinutes());
  const when = `${t("weekday", now.getDay())} ${hhmm(now.getHours() * 60 + now.getMinutes())}`;
  box.replaceChildren(el("p", "", !e ? t("nowAll", when) : e.closed ? t("nowClosed", when) : t("nowPlaylist", when, nameOf(e.playlist_id))));
  box.dataset.playlist = e && !e.closed ? e.playlist_id : "";
  box.dataset.closed = e && e.closed ? "1" : "";
  if (pg.dirty) box.append(el("p", "muted small", t("previewUnsaved")));
  box.append(el("p", "muted small", t("previewClock")));
  if (!e || e.closed) return;
  const p = await api(`playlists/${e.playlist_id}`);
  if (!p || box.dataset.playlist !== String(e.playlist_id)) return;
  const ol = el("ol", "rows compact now-items");
  for (const it of p.items.slice(0, 8)) ol.append(el("li", "", `${it.verbatim_id ? "❝" : it.clip_id ? "✂" : "♪"} ${it.title || it.text || ""}`));
  if (!p.items.length) ol.append(el("li", "empty", t("emptyNow")));
  box.append(ol);
}

// A closed slot has no playlist.
function closedToggled() {
  const closed = $("p-closed").checked;
  $("p-playlist").disabled = closed;
  $("p-playlist").required = !closed;
}
$("p-closed").addEventListener("change", closedToggled);

$("prog-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const start = minOf($("p-start").value), end = minOf($("p-end").value) || 1440;
  if (start === end) { toast(t("emptySlot")); return; }
  const weekday = Number($("p-day").value);
  if ($("p-closed").checked) pg.entries.push({ weekday, start_min: start, end_min: end, closed: true });
  else {
    const pid = Number($("p-playlist").value);
    if (!pid) { toast(t("pickPlaylist")); return; }
    pg.entries.push({ weekday, start_min: start, end_min: end, playlist_id: pid });
  }
  pg.dirty = true;
  render();
});

$("programme").addEventListener("click", async (ev) => {
  const b = ev.target instanceof Element ? ev.target.closest("button") : null;
  if (!b || b.disabled) return;
  switch (b.dataset.act) {
    case "pg-cell":
      $("p-day").value = b.dataset.day;
      $("p-start").value = hhmm(Number(b.dataset.hour) * 60);
      $("p-end").value = hhmm((Number(b.dataset.hour) * 60 + 60) % 1440);
      if (b.dataset.playlist) $("p-playlist").value = b.dataset.playlist;
      $("p-closed").checked = !!b.dataset.closed;
      closedToggled();
      ($("p-closed").checked ? $("p-closed") : $("p-playlist")).focus();
      break;
    case "pg-remove": pg.entries.splice(Number(b.dataset.i), 1); pg.dirty = true; render(); break;
    case "prog-save": {
      b.disabled = true;
      const saved = await api("kiosk/programme", "PUT", pg.entries);
      if (!saved) { b.disabled = false; return; }
      pg.entries = saved.map(slot);
      pg.dirty = false;
      render();
      $("prog-state").textContent = t("programmeSaved");
      break;
    }
  }
});

// relabel redraws after a language switch.
export function relabel() { fillForm(); render(); }
