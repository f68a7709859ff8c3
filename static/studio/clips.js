// A call's page (#/call/ID, #/call/ID?at=MS from a search hit): its waveform
// with one selection to cut a clip (drag on the waveform, or the start/end
// buttons at the playhead, or a cue's own range), the transcript beside it as
// the room reads it, the clips already cut, and the call's details and tags.

import WaveSurfer from "/vendor/wavesurfer.js-7.12.12/wavesurfer.esm.js";
import RegionsPlugin from "/vendor/wavesurfer.js-7.12.12/plugins/regions.esm.js";
import { el, fmtTime } from "/shared/dom.js";
import { api } from "./api.js";
import { t } from "./i18n.js";
import { $, toast, button, store, tagPicker, picked, tagLabel, distinct } from "./ui.js";

const CLIP_COLOR = "rgba(242, 184, 75, 0.35)";
const cl = { id: 0, data: null, ws: null, regions: null, sel: null, at: null };

// open shows call id; params may carry at (ms) to start from.
export async function open(arg, params) {
  const id = Number(arg);
  const at = params.has("at") ? Number(params.get("at")) : null;
  if (cl.id === id && cl.data) { cl.at = at; jumpTo(at); return; }
  close();
  cl.id = id;
  cl.at = at;
  $("cl-title").textContent = "…";
  const [data, peaks] = await Promise.all([api(`recordings/${id}/review`), api(`recordings/${id}/peaks`, "GET", undefined, [404]),
    store.loadTags(), store.loadClips(), store.recordings.length ? null : store.loadRecordings()]);
  if (!data || cl.id !== id) return;
  cl.data = data;
  renderHead();
  renderCues();
  renderClips();
  renderMeta();
  build(peaks);
  tagPicker($("clip-tags"), store.tags);
  $("clip-title").value = "";
  showSel();
}

// close stops the player and forgets the call.
export function close() {
  if (cl.ws) cl.ws.destroy();
  Object.assign(cl, { id: 0, data: null, ws: null, regions: null, sel: null });
  $("cl-wave").replaceChildren();
}

function audioURL() {
  const r = cl.data.recording;
  if (r.status === "approved") return `/api/recordings/${r.id}/audio`;
  return cl.data.original === false ? `/api/recordings/${r.id}/preview` : `/api/recordings/${r.id}/original`;
}

function build(peaks) {
  const dur = (cl.data.recording.duration_ms || 0) / 1000;
  cl.regions = RegionsPlugin.create();
  const opts = { container: $("cl-wave"), height: 110, waveColor: "#7d8796", progressColor: "#5b8def", cursorColor: "#f1efe9",
    cursorWidth: 2, barWidth: 2, barGap: 1, barRadius: 1, normalize: true, url: audioURL(), plugins: [cl.regions] };
  if (peaks && Array.isArray(peaks.data)) {
    const full = 2 ** ((peaks.bits || 16) - 1);
    const p = [];
    for (let i = 0; i + 1 < peaks.data.length; i += 2) p.push(Math.max(Math.abs(peaks.data[i]), Math.abs(peaks.data[i + 1])) / full);
    Object.assign(opts, { peaks: [p], duration: dur || (peaks.length * peaks.samples_per_pixel) / peaks.sample_rate });
  }
  const ws = WaveSurfer.create(opts);
  cl.ws = ws;
  cl.regions.enableDragSelection({ color: CLIP_COLOR });
  // One selection at a time: a new one replaces the last.
  cl.regions.on("region-created", (r) => {
    for (const o of cl.regions.getRegions()) if (o !== r) o.remove();
    cl.sel = r;
    showSel();
  });
  cl.regions.on("region-updated", (r) => { cl.sel = r; showSel(); });
  ws.on("timeupdate", (s) => { $("cl-pos").textContent = fmtTime(s * 1000, true); currentCue(s * 1000); });
  ws.on("play", () => { $("cl-play").textContent = t("pause"); });
  ws.on("pause", () => { $("cl-play").textContent = t("play"); });
  ws.on("error", () => {});
  ws.once("ready", () => { if (cl.ws === ws) jumpTo(cl.at); });
  $("cl-dur").textContent = fmtTime(dur * 1000, true);
  $("cl-play").textContent = t("play");
}

// jumpTo seeks to ms and shows the cue there (a search hit's cue).
function jumpTo(ms) {
  if (ms === null || ms === undefined || !cl.ws) return;
  if (cl.ws.getDuration()) cl.ws.setTime(ms / 1000);
  $("cl-pos").textContent = fmtTime(ms, true);
  currentCue(ms, true);
}

function currentCue(ms, scroll) {
  let found = null;
  for (const li of $("cl-cues").children) {
    const on = ms >= Number(li.dataset.start) && ms < Number(li.dataset.end);
    li.classList.toggle("current", on);
    if (on) found = li;
  }
  if (found && scroll) found.scrollIntoView({ block: "center" });
}

function renderHead() {
  const r = cl.data.recording;
  $("cl-title").textContent = r.title || r.path || `#${r.id}`;
  $("cl-status").textContent = t("status_" + r.status);
  $("cl-status").className = "badge " + r.status;
}

function renderCues() {
  const list = $("cl-cues");
  list.replaceChildren();
  for (const c of cl.data.cues) {
    const li = el("li", "cue " + ((c.speaker || "").toLowerCase().startsWith("cons") || (c.speaker || "").toLowerCase().startsWith("agent") ? "agent" : "client"));
    li.dataset.start = c.start_ms;
    li.dataset.end = c.end_ms;
    const head = el("div", "cue-head");
    const at = button(fmtTime(c.start_ms, true), "cl-seek", { ms: c.start_ms }, "time");
    head.append(at, el("span", "who", c.speaker || ""), el("span", "grow"), button(t("clipThisCue"), "cl-cue-clip", { start: c.start_ms, end: c.end_ms }, "small ghost"));
    li.append(head, el("p", "text", c.masked || c.text));
    list.append(li);
  }
}

function renderClips() {
  const ul = $("cl-clips");
  ul.replaceChildren();
  const mine = store.clips.filter((c) => c.recording_id === cl.id);
  const byName = new Map(store.tags.map((x) => [x.name, x]));
  for (const c of mine) {
    const li = el("li", "clip-row");
    li.dataset.clip = c.id;
    const b = button(`▶ ${fmtTime(c.start_ms, true)} – ${fmtTime(c.end_ms, true)}`, "cl-clip-play", { start: c.start_ms, end: c.end_ms }, "small");
    li.append(b, el("span", "title", c.title), el("span", "muted small", (c.tags || []).map((n) => tagLabel(byName.get(n)) || n).join(", ")));
    ul.append(li);
  }
  if (!mine.length) ul.append(el("li", "empty", t("noClips")));
}

function renderMeta() {
  const r = cl.data.recording;
  $("m-title").value = r.title || "";
  $("m-topic").value = r.topic || "";
  $("m-product").value = r.product || "";
  $("m-sentiment").value = r.sentiment || "";
  $("m-score").value = r.score ?? "";
  tagPicker($("m-tags"), store.tags, r.tags || []);
  const opts = (id, key) => $(id).replaceChildren(...distinct(store.recordings, key).map((v) => { const o = el("option"); o.value = v; return o; }));
  opts("dl-topics", "topic");
  opts("dl-products", "product");
}

function showSel() {
  const s = cl.sel;
  $("clip-start").textContent = s ? fmtTime(s.start * 1000, true) : "–";
  $("clip-end").textContent = s ? fmtTime(s.end * 1000, true) : "–";
  $("clip-len").textContent = s ? `(${((s.end - s.start)).toFixed(1)} s)` : t("noSelection");
  $("clip-save").disabled = !s || s.end - s.start < 0.2;
}

// select makes the selection start..end (seconds), replacing any.
function select(start, end) {
  if (!cl.regions || !cl.ws.getDuration()) return;
  const dur = cl.ws.getDuration();
  start = Math.max(0, Math.min(start, dur));
  end = Math.max(start, Math.min(end, dur));
  if (cl.sel && cl.regions.getRegions().includes(cl.sel)) {
    cl.sel.setOptions({ start, end });
    showSel();
  } else {
    cl.regions.addRegion({ start, end, color: CLIP_COLOR, drag: true, resize: true });
  }
}

$("call").addEventListener("click", (ev) => {
  const b = ev.target instanceof Element ? ev.target.closest("button") : null;
  if (!b || b.disabled || !cl.ws) return;
  const d = b.dataset;
  const now = cl.ws.getCurrentTime();
  switch (d.act) {
    case "cl-back": location.hash = "#/library"; break;
    case "cl-play": cl.ws.playPause(); break;
    case "cl-seek": cl.ws.setTime(Number(d.ms) / 1000); break;
    case "cl-start": select(now, cl.sel && cl.sel.end > now ? cl.sel.end : now + 5); break;
    case "cl-end": select(cl.sel && cl.sel.start < now ? cl.sel.start : Math.max(0, now - 5), now); break;
    case "cl-cue-clip": select(Number(d.start) / 1000, Number(d.end) / 1000); break;
    case "cl-play-sel": if (cl.sel) cl.sel.play(true); break;
    case "cl-clip-play": cl.ws.play(Number(d.start) / 1000, Number(d.end) / 1000); break;
  }
});

$("clip-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  if (!cl.sel) return;
  const id = cl.id;
  const body = { start_ms: Math.round(cl.sel.start * 1000), end_ms: Math.round(cl.sel.end * 1000), title: $("clip-title").value.trim(), tags: picked($("clip-tags")) };
  const saved = await api(`recordings/${id}/clips`, "POST", body);
  if (!saved || cl.id !== id) return;
  toast(t("clipSaved", saved.title));
  $("clip-title").value = "";
  await store.loadClips();
  renderClips();
});

$("meta-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const id = cl.id;
  const score = $("m-score").value;
  const body = { title: $("m-title").value.trim(), topic: $("m-topic").value.trim(), product: $("m-product").value.trim(),
    sentiment: $("m-sentiment").value, tags: picked($("m-tags")) };
  if (score === "") body.clear_score = true; else body.score = Number(score);
  const rec = await api(`recordings/${id}`, "PATCH", body);
  if (!rec || cl.id !== id) return;
  cl.data.recording = rec;
  renderHead();
  toast(t("detailsSaved"));
});

// relabel redraws after a language switch.
export function relabel() {
  if (!cl.data) return;
  renderHead();
  renderCues();
  renderClips();
  tagPicker($("clip-tags"), store.tags, picked($("clip-tags")));
  tagPicker($("m-tags"), store.tags, picked($("m-tags")));
  showSel();
  $("cl-play").textContent = t(cl.ws && cl.ws.isPlaying() ? "pause" : "play");
}
