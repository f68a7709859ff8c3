// The review of one call: its waveform (precomputed peaks, so an hour-long
// call never decodes in the browser) with the redaction ranges as regions,
// the original or the anonymized preview to listen to, the transcript with
// its personal data marked and editable, the metadata, and the decision.
// The server owns the review: every change is saved and its answer shown.

import WaveSurfer from "/vendor/wavesurfer.js-7.12.12/wavesurfer.esm.js";
import RegionsPlugin from "/vendor/wavesurfer.js-7.12.12/plugins/regions.esm.js";
import { el, fmtTime, markFindings } from "/shared/dom.js";
import { api } from "./api.js";
import { t, kindLabel } from "./i18n.js";

const $ = (id) => document.getElementById(id);
const RANGE_COLOR = "rgba(239, 107, 91, 0.35)";

// rv is the review on screen: the server's review object and the player.
const rv = { id: 0, data: null, peaks: null, duration: 0, ws: null, regions: null, source: "original",
  version: 0, saveTimer: 0, saving: null, editing: false, poll: 0, onDone: null, noDrag: null,
  settling: 0 };

// editable: only a call waiting for review has its ranges and transcript changed.
const editable = () => rv.data && rv.data.recording.status === "pending";

// peaksOf turns audiowaveform JSON v2 ([min, max, ...] integers) into one
// channel of absolute peaks in 0..1, and the duration it covers in seconds.
function peaksOf(p) {
  const full = 2 ** ((p.bits || 16) - 1);
  const out = new Array(p.data.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = Math.max(Math.abs(p.data[2 * i]), Math.abs(p.data[2 * i + 1])) / full;
  return { peaks: out, duration: (p.length * p.samples_per_pixel) / p.sample_rate };
}

const sourceURL = () => rv.source === "preview"
  ? `/api/recordings/${rv.id}/preview?v=${rv.version}` : `/api/recordings/${rv.id}/original`;

// openReview loads call id and shows it; onDone is called once it is approved or rejected.
export async function openReview(id, onDone) {
  closeReview();
  rv.id = id;
  rv.onDone = onDone;
  rv.source = "original";
  rv.editing = false;
  $("rv-title").textContent = "…";
  $("render-box").hidden = true;
  $("decision").hidden = false;
  // Without peaks (404) wavesurfer decodes the audio itself: slower, still right.
  const [data, peaks] = await Promise.all([api(`recordings/${id}/review`), api(`recordings/${id}/peaks`, "GET", undefined, [404])]);
  if (!data || rv.id !== id) return;
  rv.data = data;
  rv.duration = (data.recording.duration_ms || 0) / 1000;
  rv.peaks = peaks && Array.isArray(peaks.data) ? peaksOf(peaks) : null;
  if (!rv.duration && rv.peaks) rv.duration = rv.peaks.duration;
  if (!data.original) rv.source = "preview";
  renderMeta();
  renderCues();
  buildWave();
  setRegions(data.redactions);
  showRender(data.render, data.recording.status);
  if (data.render && (data.render.state === "queued" || data.render.state === "rendering")) pollRender();
}

// closeReview stops playback and forgets the call.
export function closeReview() {
  clearTimeout(rv.saveTimer);
  clearTimeout(rv.poll);
  if (rv.ws) rv.ws.destroy();
  Object.assign(rv, { id: 0, data: null, ws: null, regions: null, saving: null, poll: 0, noDrag: null, settling: 0 });
  $("waveform").replaceChildren();
}

function renderMeta() {
  const r = rv.data.recording;
  $("rv-title").textContent = r.title || r.path || `#${r.id}`;
  const dl = $("rv-meta");
  dl.replaceChildren();
  const row = (k, v) => { if (v !== undefined && v !== null && v !== "") dl.append(el("dt", "", t(k)), el("dd", "", v)); };
  row("topic", r.topic);
  row("sentiment", r.sentiment ? t(r.sentiment) : "");
  row("score", r.score === undefined || r.score === null ? "" : `${r.score} / 10`);
  row("duration", fmtTime(r.duration_ms));
  row("channel", r.channel);
  row("date", r.call_date);
  row("source", r.path);
  row("findings", t("findingsN", rv.data.cues.reduce((n, c) => n + (c.findings || []).length, 0)));
  $("rv-status").textContent = t("status_" + r.status);
  $("rv-status").className = "badge " + r.status;
  $("original-gone").hidden = rv.data.original !== false;
  for (const id of ["edit-transcript", "add-range"]) $(id).disabled = !editable();
  document.querySelectorAll("#ranges .range-del").forEach((b) => { b.disabled = !editable(); });
  if (rv.regions && !editable() && rv.noDrag) { rv.noDrag(); rv.noDrag = null; }
  document.querySelector('[data-src="original"]').disabled = rv.data.original === false;
  showSource();
}

function speakerClass(s) {
  const k = (s || "").toLowerCase();
  return k.startsWith("cons") || k.startsWith("agent") ? "agent" : "client";
}

// renderCues shows the transcript, read-only with findings marked, or as text boxes while editing.
function renderCues() {
  const list = $("cues");
  list.replaceChildren();
  rv.data.cues.forEach((c, i) => {
    const li = el("li", "cue " + speakerClass(c.speaker));
    li.dataset.i = i;
    const head = el("div", "cue-head");
    const at = el("button", "time", fmtTime(c.start_ms, true));
    at.type = "button";
    at.dataset.seek = c.start_ms;
    head.append(at, el("span", "who", c.speaker || t(speakerClass(c.speaker))));
    li.append(head);
    if (rv.editing) {
      const box = el("textarea", "cue-edit");
      box.value = c.text;
      box.rows = Math.max(1, Math.ceil(c.text.length / 70));
      box.setAttribute("aria-label", `${t("transcript")} ${fmtTime(c.start_ms)}`);
      li.append(box);
    } else {
      const p = el("p", "text");
      markFindings(p, c.text, c.findings, kindLabel);
      li.append(p);
    }
    list.append(li);
  });
  $("edit-transcript").hidden = rv.editing;
  $("save-transcript").hidden = !rv.editing;
  $("cancel-edit").hidden = !rv.editing;
}

function buildWave() {
  rv.regions = RegionsPlugin.create();
  const opts = { container: $("waveform"), height: 120, waveColor: "#7d8796", progressColor: "#f2b84b",
    cursorColor: "#f1efe9", cursorWidth: 2, barWidth: 2, barGap: 1, barRadius: 1, normalize: true,
    url: sourceURL(), plugins: [rv.regions] };
  if (rv.peaks) Object.assign(opts, { peaks: [rv.peaks.peaks], duration: rv.duration });
  rv.ws = WaveSurfer.create(opts);
  if (editable()) rv.noDrag = rv.regions.enableDragSelection({ color: RANGE_COLOR });
  // Ranges made by the curator are saved; those drawn from the server's answer are not.
  rv.regions.on("region-created", (r) => { if (!String(r.id).startsWith("saved-")) scheduleSave(); });
  rv.regions.on("region-updated", () => scheduleSave());
  rv.ws.on("timeupdate", (s) => { $("rv-pos").textContent = fmtTime(s * 1000, true); });
  rv.ws.on("play", () => { $("play").textContent = t("pause"); });
  rv.ws.on("pause", () => { $("play").textContent = t("play"); });
  rv.ws.on("error", () => {}); // a missing original is said in words, not thrown
  $("rv-dur").textContent = fmtTime(rv.duration * 1000, true);
  $("play").textContent = t("play");
}

// setRegions draws the server's ranges on the waveform and in the list.
function setRegions(list) {
  rv.data.redactions = list || [];
  drawRegions();
  const ol = $("ranges");
  ol.replaceChildren();
  rv.data.redactions.forEach((x, i) => {
    const li = el("li", "range");
    const seek = el("button", "range-time", `${fmtTime(x.start_ms, true)} – ${fmtTime(x.end_ms, true)}`);
    seek.type = "button";
    seek.dataset.seek = x.start_ms;
    const del = el("button", "range-del", "✕");
    del.type = "button";
    del.dataset.act = "delete-range";
    del.dataset.i = i;
    del.disabled = !editable();
    del.title = t("deleteRange");
    del.setAttribute("aria-label", `${t("deleteRange")} ${fmtTime(x.start_ms, true)}`);
    li.append(seek, del);
    ol.append(li);
  });
  $("no-ranges").hidden = rv.data.redactions.length > 0;
}

// drawRegions puts the saved ranges on the waveform. A region made before the
// waveform knows its duration would be clamped to nothing, so it waits.
function drawRegions() {
  const ws = rv.ws;
  if (!ws || !rv.regions) return;
  if (!ws.getDuration()) { ws.once("ready", () => { if (rv.ws === ws) drawRegions(); }); return; }
  rv.regions.clearRegions();
  rv.data.redactions.forEach((x, i) => rv.regions.addRegion({ id: `saved-${i}-${rv.version}`, start: x.start_ms / 1000,
    end: x.end_ms / 1000, color: RANGE_COLOR, drag: editable(), resize: editable() }));
}

// say shows a short status by the transport, relabelled with the language.
function say(key) {
  $("save-state").dataset.i18n = key;
  $("save-state").textContent = t(key);
}

function scheduleSave() {
  clearTimeout(rv.saveTimer);
  say("saving");
  rv.saveTimer = setTimeout(saveRanges, 300);
}

// saveRanges sends the regions on the waveform; the server sorts, merges and clamps them.
function saveRanges() {
  clearTimeout(rv.saveTimer);
  if (!rv.regions) return Promise.resolve();
  const id = rv.id;
  const ranges = rv.regions.getRegions()
    .map((r) => ({ start_ms: Math.round(r.start * 1000), end_ms: Math.round(r.end * 1000) }))
    .filter((r) => r.end_ms > r.start_ms)
    .sort((a, b) => a.start_ms - b.start_ms);
  rv.saving = api(`recordings/${id}/redactions`, "PUT", ranges).then((saved) => {
    if (!saved || rv.id !== id) return;
    rv.version++;
    setRegions(saved);
    say("saved");
    if (rv.source === "preview") reload();
  });
  return rv.saving;
}

// reload points the player at the current source, keeping the position.
function reload() {
  const at = rv.ws.getCurrentTime();
  const args = rv.peaks ? [[rv.peaks.peaks], rv.duration] : [];
  rv.ws.load(sourceURL(), ...args).then(() => rv.ws && rv.ws.setTime(at)).catch(() => {});
}

function showSource() {
  document.querySelectorAll("[data-src]").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.src === rv.source)));
}

// showRender says where the rendition stands once the call is approved.
function showRender(render, status) {
  const st = (render && render.state) || "none";
  const active = st === "queued" || st === "rendering";
  const box = $("render-box");
  box.hidden = !(active || st === "failed" || status === "approved" || status === "rejected");
  $("render-progress").hidden = !active;
  $("render-progress").value = (render && render.progress) || 0;
  box.dataset.state = status === "rejected" ? "rejected" : status === "approved" ? "done" : st;
  $("render-status").textContent = status === "rejected" ? t("rejected") : status === "approved" ? t("renderDone")
    : active ? t("rendering") : st === "failed" ? t("renderFailed") + ((render && render.error) || "") : "";
  $("decision").hidden = active || status === "approved" || status === "rejected";
  $("withdraw").hidden = status !== "approved";
}

function pollRender() {
  clearTimeout(rv.poll);
  const id = rv.id;
  rv.poll = setTimeout(async () => {
    rv.poll = 0;
    const data = await api(`recordings/${id}/review`);
    if (!data || rv.id !== id) return;
    rv.data.render = data.render;
    rv.data.recording = data.recording;
    showRender(data.render, data.recording.status);
    renderMeta();
    drawRegions();
    // A finished render turns the call approved a moment later: wait for it a few polls.
    const st = data.render.state;
    if (st === "queued" || st === "rendering" || (st === "done" && data.recording.status === "pending" && rv.settling-- > 0)) pollRender();
    else if (rv.onDone) rv.onDone();
  }, 500);
}

// refresh is called on a `library` event about this call.
export function refresh(ev) {
  if (rv.id && ev && Number(ev.id) === rv.id && !rv.poll) pollRender();
}

// The actions, called by the page's one click handler.
export const actions = {
  play: () => rv.ws && rv.ws.playPause(),
  seek: (ms) => rv.ws && rv.ws.setTime(ms / 1000),
  async source(src) {
    if (!rv.ws || src === rv.source) return;
    if (rv.saving) await rv.saving; // the preview is rendered from the saved ranges
    rv.source = src;
    showSource();
    reload();
  },
  addRange() {
    if (!rv.regions || !rv.ws.getDuration()) return;
    const at = rv.ws.getCurrentTime();
    const end = Math.min(rv.duration, at + 1);
    rv.regions.addRegion({ start: Math.max(0, end - 1), end, color: RANGE_COLOR, drag: true, resize: true });
  },
  deleteRange(i) {
    const r = rv.regions && rv.regions.getRegions()[i];
    if (r) { r.remove(); saveRanges(); }
  },
  edit() { rv.editing = true; renderCues(); },
  cancelEdit() { rv.editing = false; renderCues(); },
  async saveTranscript() {
    const boxes = [...document.querySelectorAll("#cues .cue-edit")];
    const cues = rv.data.cues.map((c, i) => ({ start_ms: c.start_ms, end_ms: c.end_ms, speaker: c.speaker,
      text: boxes[i] ? boxes[i].value : c.text }));
    const id = rv.id;
    const data = await api(`recordings/${id}/transcript`, "PUT", cues);
    if (!data || rv.id !== id) return;
    rv.data = data;
    rv.editing = false;
    rv.version++;
    renderMeta();
    renderCues();
    setRegions(data.redactions);
    say("transcriptSaved");
  },
  async approve() {
    if (rv.saving) await rv.saving;
    const id = rv.id;
    const res = await api(`recordings/${id}/approve`, "POST", {});
    if (!res || rv.id !== id) return;
    showRender(res.render, rv.data.recording.status);
    rv.settling = 10;
    pollRender();
  },
  async withdraw() {
    const id = rv.id;
    if (await api(`recordings/${id}/withdraw`, "POST", {}) && rv.id === id) openReview(id, rv.onDone);
  },
  async reject(reason) {
    const id = rv.id;
    const rec = await api(`recordings/${id}/reject`, "POST", { reason });
    if (!rec || rv.id !== id) return;
    rv.data.recording = rec;
    renderMeta();
    showRender(rv.data.render, "rejected");
    if (rv.onDone) rv.onDone();
  },
};

// relabel redraws what carries words after a language switch.
export function relabel() {
  if (!rv.data) return;
  renderMeta();
  if (!rv.editing) renderCues();
  setRegionsListOnly();
  showRender(rv.data.render, rv.data.recording.status);
  $("play").textContent = t(rv.ws && rv.ws.isPlaying() ? "pause" : "play");
}

function setRegionsListOnly() {
  document.querySelectorAll("#ranges .range-del").forEach((b) => { b.title = t("deleteRange"); });
}
