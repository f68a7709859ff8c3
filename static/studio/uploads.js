// Uploads: files and folders dropped on the page (or chosen), sent with
// their sidecars (NAME.wav with NAME.vtt and NAME.json go in one request, so
// the importer finds them together), each with its progress, then the import
// result. The server's `library` events carry no file name (it may name a
// customer), so a result is matched by looking the new id up (its source
// name), the quarantine by name, and otherwise in the order files were sent.

import { el } from "/shared/dom.js";
import { api } from "./api.js";
import { t, getLang } from "./i18n.js";
import { $ } from "./ui.js";

// up.files: [{name, size, sent, state: queued|sending|sent|imported|duplicate|rejected|failed, row}]
const up = { files: [], busy: false };
const SIDE = /\.(vtt|srt|json)$/i;

export function open() { render(); }

const stem = (n) => n.replace(/\.[^.]*$/, "");
const kb = (n) => { const [k, m] = getLang() === "fr" ? ["ko", "Mo"] : ["kB", "MB"]; return n < 1e6 ? `${Math.max(1, Math.round(n / 1e3))} ${k}` : `${(n / 1e6).toFixed(1)} ${m}`; };

// add queues files and starts sending.
function add(files) {
  for (const f of files) if (!f.name.startsWith(".")) up.files.push({ file: f, name: f.name, size: f.size, sent: 0, state: "queued" });
  render();
  send();
}

// groups are the queued files by stem: a call with its sidecars travels together.
function nextGroup() {
  const first = up.files.find((x) => x.state === "queued");
  if (!first) return [];
  return up.files.filter((x) => x.state === "queued" && stem(x.name) === stem(first.name));
}

async function send() {
  if (up.busy) return;
  up.busy = true;
  for (let g = nextGroup(); g.length; g = nextGroup()) {
    await post(g);
  }
  up.busy = false;
}

function post(group) {
  return new Promise((resolve) => {
    const form = new FormData();
    for (const x of group) { form.append("file", x.file, x.name); x.state = "sending"; }
    const total = group.reduce((n, x) => n + x.size, 0) || 1;
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/uploads");
    xhr.upload.onprogress = (e) => { for (const x of group) x.sent = (e.loaded / (e.total || total)) * x.size; render(); };
    xhr.onload = () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch { /* an error page */ }
      for (const x of group) {
        x.sent = x.size;
        // A sidecar has no import of its own: it rides with its audio.
        x.state = xhr.status === 202 ? (SIDE.test(x.name) && group.length > 1 ? "attached" : "sent") : "failed";
        if (x.state === "failed") x.error = (body && body.error) || xhr.statusText;
      }
      render();
      resolve();
    };
    xhr.onerror = () => { for (const x of group) { x.state = "failed"; x.error = t("offline"); } render(); resolve(); };
    xhr.send(form);
  });
}

// onLibrary takes a `library` event and gives its result to the file it is about.
export async function onLibrary(ev) {
  if (!ev || !["imported", "duplicate", "rejected"].includes(ev.status)) return;
  if (ev.status === "rejected" && ev.id) return; // a curator's decision, not an import
  const waiting = up.files.filter((x) => x.state === "sent");
  if (!waiting.length) return;
  let match = null;
  if (ev.id && ev.status !== "rejected") {
    const rec = await api(`recordings/${ev.id}`, "GET", undefined, [404]);
    match = rec && waiting.find((x) => x.name === rec.path);
  } else if (!ev.id) {
    const q = await api("quarantine");
    match = q && waiting.find((x) => q.some((f) => f.name === x.name));
  }
  match = match || waiting[0];
  match.state = ev.status;
  match.id = ev.id;
  render();
}

function render() {
  const body = $("up-rows");
  if (!body) return;
  body.replaceChildren();
  for (const x of up.files) {
    const tr = el("tr", "up-row " + x.state);
    tr.dataset.name = x.name;
    tr.dataset.state = x.state;
    const bar = el("progress");
    bar.max = 1;
    bar.value = x.size ? x.sent / x.size : 1;
    const res = el("td", "result", t("up_" + x.state) + (x.error ? " : " + x.error : ""));
    if (x.id && (x.state === "imported" || x.state === "duplicate")) {
      const a = el("a", "", ` #${x.id}`);
      a.href = `#/review/${x.id}`;
      res.append(a);
    }
    const prog = el("td");
    prog.append(bar);
    tr.append(el("td", "mono", x.name), el("td", "num", kb(x.size)), prog, res);
    body.append(tr);
  }
}

// walk reads a dropped folder's files, recursively.
function walk(entry, path = "") {
  return new Promise((resolve) => {
    if (entry.isFile) { entry.file((f) => resolve([f]), () => resolve([])); return; }
    const reader = entry.createReader();
    const all = [];
    const next = () => reader.readEntries(async (ents) => {
      if (!ents.length) { resolve(all); return; }
      for (const e of ents) all.push(...await walk(e, path + entry.name + "/"));
      next();
    }, () => resolve(all));
    next();
  });
}

const drop = $("drop");
drop.addEventListener("dragover", (ev) => { ev.preventDefault(); drop.classList.add("over"); });
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", async (ev) => {
  ev.preventDefault();
  drop.classList.remove("over");
  const items = [...(ev.dataTransfer.items || [])].map((i) => i.webkitGetAsEntry && i.webkitGetAsEntry()).filter(Boolean);
  if (!items.length) { add([...ev.dataTransfer.files]); return; }
  const files = [];
  for (const e of items) files.push(...await walk(e));
  add(files);
});
for (const id of ["up-files", "up-folder"]) $(id).addEventListener("change", (ev) => { add([...ev.target.files]); ev.target.value = ""; });

// relabel redraws after a language switch.
export function relabel() { render(); }
