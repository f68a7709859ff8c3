// Accounts (admins only: add, change a role, disable, reset a password) and
// the room's paired devices (curators too: pair a tablet with a short code,
// its QR code or link; list and revoke).

import { el, keyedRows } from "/shared/dom.js";
import { api } from "./api.js";
import { t } from "./i18n.js";
import { $, toast, button } from "./ui.js";

const ad = { me: null, users: [], devices: [] };
const ROLES = ["curator", "facilitator", "admin"];

let asked = 0; // counts open calls: an answer to an older one is dropped

// open loads what the signed-in account may manage.
export async function open(_arg, _params, me) {
  const turn = ++asked;
  ad.me = me;
  const admin = me && me.role === "admin";
  $("user-rows").closest("table").hidden = !admin;
  $("user-form").hidden = !admin;
  $("users-admin-only").hidden = admin;
  const [users, devices] = await Promise.all([admin ? api("users") : null, api("kiosk/devices")]);
  if (turn !== asked) return;
  ad.users = users || [];
  ad.devices = devices || [];
  render();
}

// render shows the accounts and devices, rows updated in place: a password
// being typed in one row survives a change saved in another.
function render() {
  keyedRows($("user-rows"), ad.users, (u) => u.id, makeUser, fillUser);
  const ul = $("device-rows");
  keyedRows(ul, ad.devices, (d) => d.id, makeDevice, fillDevice);
  if (!ad.devices.length) ul.append(el("li", "empty", t("noDevices")));
}

function makeUser(u) {
  const tr = el("tr", "user-row");
  tr.dataset.id = u.id;
  const role = el("select", "u-role");
  for (const r of ROLES) { const o = el("option"); o.value = r; role.append(o); }
  const off = el("input", "u-disabled");
  off.type = "checkbox";
  const pw = el("input", "u-password");
  pw.type = "password";
  pw.autocomplete = "new-password";
  const cells = [el("td", "u-name"), el("td"), el("td"), el("td", "pair")];
  cells[1].append(role);
  cells[2].append(off);
  cells[3].append(pw, button("", "u-password"));
  tr.append(...cells);
  return tr;
}

// fillUser shows an account as the server has it: the role and the switch
// are saved as soon as changed, so the server's word is the one shown.
function fillUser(tr, u) {
  tr.dataset.name = u.name;
  tr.querySelector(".u-name").textContent = u.name;
  const role = tr.querySelector(".u-role");
  for (const o of role.options) o.textContent = t("role_" + o.value);
  role.value = u.role;
  role.setAttribute("aria-label", t("role"));
  const off = tr.querySelector(".u-disabled");
  off.checked = !!u.disabled;
  off.setAttribute("aria-label", t("disabled"));
  const self = ad.me && ad.me.id === u.id;
  role.disabled = off.disabled = self; // an admin does not lock themself out
  tr.querySelector(".u-password").placeholder = t("newPassword");
  tr.querySelector('[data-act="u-password"]').textContent = t("reset");
}

function makeDevice(d) {
  const li = el("li", "device");
  li.append(el("span", "title"), el("span", "muted small"), button("", "dev-revoke", { id: d.id }));
  return li;
}

function fillDevice(li, d) {
  li.querySelector(".title").textContent = d.label;
  li.querySelector(".muted").textContent = " " + (d.paired_at || "").slice(0, 16).replace("T", " ");
  li.querySelector("button").textContent = t("revoke");
}

async function change(id, body, msg) {
  const u = await api(`users/${id}`, "PATCH", body);
  if (u !== null) toast(msg);
  open(null, null, ad.me);
  return u !== null;
}

$("admin").addEventListener("click", async (ev) => {
  const b = ev.target instanceof Element ? ev.target.closest("button") : null;
  if (!b) return;
  if (b.dataset.act === "u-password") {
    const tr = b.closest("tr");
    const pw = tr.querySelector(".u-password").value;
    if (pw.length < 8) { toast(t("passwordShort")); return; }
    if (await change(Number(tr.dataset.id), { password: pw }, t("passwordReset", tr.dataset.name))) tr.querySelector(".u-password").value = "";
  } else if (b.dataset.act === "dev-revoke") {
    if (await api(`kiosk/devices/${b.dataset.id}`, "DELETE", {}) !== null) toast(t("revoked"));
    open(null, null, ad.me);
  }
});

$("admin").addEventListener("change", (ev) => {
  const e = ev.target;
  const tr = e.closest && e.closest("tr.user-row");
  if (!tr) return;
  if (e.classList.contains("u-role")) change(Number(tr.dataset.id), { role: e.value }, t("roleChanged", tr.dataset.name));
  if (e.classList.contains("u-disabled")) change(Number(tr.dataset.id), { disabled: e.checked }, t(e.checked ? "userDisabled" : "userEnabled", tr.dataset.name));
});

$("user-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const u = await api("users", "POST", { name: $("nu-name").value.trim(), role: $("nu-role").value, password: $("nu-password").value });
  if (u === null) return;
  toast(t("userAdded", $("nu-name").value.trim()));
  $("nu-name").value = "";
  $("nu-password").value = "";
  open(null, null, ad.me);
});

$("pair-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const p = await api("kiosk/pairings", "POST", { label: $("pair-label").value.trim() });
  if (!p) return;
  $("pair-link").href = p.url;
  $("pair-link").textContent = p.url;
  $("pair-entry").href = p.entry_url;
  $("pair-entry").textContent = p.entry_url.replace(/^https?:\/\//, "");
  $("pair-qr").src = p.qr;
  $("pair-code").textContent = p.code;
  $("pair-expires").textContent = t("pairExpires", new Date(p.expires_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }));
  $("pairing").hidden = false;
  $("pair-label").value = "";
  awaitPairing(Date.parse(p.expires_at));
});

// awaitPairing asks every 2 s, while the code is valid, whether a tablet
// used it: the new device is then listed and the code put away.
let waiting = 0;
function awaitPairing(until) {
  const had = new Set(ad.devices.map((d) => d.id));
  clearInterval(waiting);
  waiting = setInterval(async () => {
    if (Date.now() > until || $("pairing").hidden) { clearInterval(waiting); return; }
    const ds = await api("kiosk/devices");
    const added = (ds || []).find((d) => !had.has(d.id));
    if (!added) return;
    clearInterval(waiting);
    ad.devices = ds;
    render();
    $("pairing").hidden = true;
    toast(t("paired", added.label));
  }, 2000);
}

// relabel redraws after a language switch.
export function relabel() { render(); }
