// Accounts (admins only: add, change a role, disable, reset a password) and
// the room's paired devices (curators too: pair a tablet with a link and
// code, list and revoke).

import { el } from "/shared/dom.js";
import { api } from "./api.js";
import { t } from "./i18n.js";
import { $, toast, button } from "./ui.js";

const ad = { me: null, users: [], devices: [] };
const ROLES = ["curator", "facilitator", "admin"];

// open loads what the signed-in account may manage.
export async function open(_arg, _params, me) {
  ad.me = me;
  const admin = me && me.role === "admin";
  $("user-rows").closest("table").hidden = !admin;
  $("user-form").hidden = !admin;
  $("users-admin-only").hidden = admin;
  const [users, devices] = await Promise.all([admin ? api("users") : null, api("kiosk/devices")]);
  ad.users = users || [];
  ad.devices = devices || [];
  render();
}

function render() {
  const body = $("user-rows");
  body.replaceChildren();
  for (const u of ad.users) {
    const tr = el("tr", "user-row");
    tr.dataset.id = u.id;
    tr.dataset.name = u.name;
    const role = el("select", "u-role");
    for (const r of ROLES) { const o = el("option", "", t("role_" + r)); o.value = r; role.append(o); }
    role.value = u.role;
    role.setAttribute("aria-label", t("role"));
    const off = el("input", "u-disabled");
    off.type = "checkbox";
    off.checked = !!u.disabled;
    off.setAttribute("aria-label", t("disabled"));
    const self = ad.me && ad.me.id === u.id;
    role.disabled = off.disabled = self; // an admin does not lock themself out
    const pw = el("input", "u-password");
    pw.type = "password";
    pw.autocomplete = "new-password";
    pw.placeholder = t("newPassword");
    const cells = [el("td", "", u.name), el("td"), el("td"), el("td", "pair")];
    cells[1].append(role);
    cells[2].append(off);
    cells[3].append(pw, button(t("reset"), "u-password"));
    tr.append(...cells);
    body.append(tr);
  }
  const ul = $("device-rows");
  ul.replaceChildren();
  for (const d of ad.devices) {
    const li = el("li", "device");
    li.append(el("span", "title", d.label), el("span", "muted small", " " + (d.paired_at || "").slice(0, 16).replace("T", " ")),
      button(t("revoke"), "dev-revoke", { id: d.id }));
    ul.append(li);
  }
  if (!ad.devices.length) ul.append(el("li", "empty", t("noDevices")));
}

async function change(id, body, msg) {
  const u = await api(`users/${id}`, "PATCH", body);
  if (u !== null) toast(msg);
  open(null, null, ad.me);
}

$("admin").addEventListener("click", async (ev) => {
  const b = ev.target instanceof Element ? ev.target.closest("button") : null;
  if (!b) return;
  if (b.dataset.act === "u-password") {
    const tr = b.closest("tr");
    const pw = tr.querySelector(".u-password").value;
    if (pw.length < 8) { toast(t("passwordShort")); return; }
    change(Number(tr.dataset.id), { password: pw }, t("passwordReset", tr.dataset.name));
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
  const url = location.origin + p.path;
  $("pair-link").href = url;
  $("pair-link").textContent = url;
  $("pair-code").textContent = p.token;
  $("pair-expires").textContent = t("pairExpires", new Date(p.expires_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }));
  $("pairing").hidden = false;
  $("pair-label").value = "";
});

// relabel redraws after a language switch.
export function relabel() { render(); }
