// The pairing page (/pair): someone holding a tablet types the code a
// curator made in the studio. The server spends the code and gives this
// browser its device cookie; the room's screen then takes its taps. The
// message stays until the next try: nothing else on this page changes.
const DICT = {
  fr: {
    title: "Appairer cet appareil avec la salle",
    why: "Un membre de l'équipe CX crée le code dans le studio (Comptes et appareils). Il reste valable 15 minutes.",
    codeLabel: "Code d'appairage", pair: "Appairer", goRoom: "Ouvrir l'écran de la salle",
    ok: "C'est fait : cet appareil peut maintenant piloter la salle.",
    unknown: "Ce code n'est pas valable : il a peut-être expiré ou déjà servi. Demandez-en un nouveau à l'équipe CX.",
    shape: "Un code a huit lettres et chiffres, comme K7MQ-4XRP.",
    tooMany: "Trop d'essais : attendez une minute avant de réessayer.",
    failed: "La salle ne répond pas. Vérifiez le réseau et réessayez.",
    langName: "EN", langLabel: "English version", docTitle: "Customer Room · Appairer cet appareil",
  },
  en: {
    title: "Pair this device with the room",
    why: "Someone from the CX team makes the code in the studio (Accounts and devices). It is valid for 15 minutes.",
    codeLabel: "Pairing code", pair: "Pair", goRoom: "Open the room's screen",
    ok: "Done: this device can now control the room.",
    unknown: "This code is not valid: it may have expired or been used. Ask the CX team for a new one.",
    shape: "A code has eight letters and digits, like K7MQ-4XRP.",
    tooMany: "Too many tries: wait a minute before trying again.",
    failed: "The room does not answer. Check the network and try again.",
    langName: "FR", langLabel: "Version française", docTitle: "Customer Room · Pair this device",
  },
};

const $ = (id) => document.getElementById(id);
const asked = new URLSearchParams(location.search).get("lang");
let lang = asked in DICT ? asked : (navigator.language || "fr").slice(0, 2).toLowerCase() === "en" ? "en" : "fr";
const t = (k) => DICT[lang][k] ?? DICT.fr[k];
let shown = ""; // the key of the message on screen, redrawn on a language switch

function relabel() {
  document.documentElement.lang = lang;
  document.title = t("docTitle");
  document.querySelectorAll("[data-i18n]").forEach((e) => { e.textContent = t(e.dataset.i18n); });
  const b = $("lang");
  b.textContent = t("langName");
  b.lang = lang === "fr" ? "en" : "fr";
  b.setAttribute("aria-label", `${t("langName")} · ${t("langLabel")}`);
  if (shown) $("result").textContent = t(shown);
}

function say(key, ok) {
  shown = key;
  $("result").textContent = t(key);
  $("result").classList.toggle("ok", ok);
  $("go").hidden = !ok;
}

// A code as typed: any case, spaces or a dash anywhere.
const compact = (s) => s.toUpperCase().replace(/[\s-]/g, "");

$("code-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const code = compact($("code").value);
  if (!/^[A-Z0-9]{8}$/.test(code)) { say("shape", false); return; }
  const btn = ev.target.querySelector("button");
  btn.disabled = true;
  try {
    const r = await fetch("/api/kiosk/pair", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ token: code }) });
    if (r.ok) say("ok", true);
    else if (r.status === 429) say("tooMany", false);
    else if (r.status === 403 || r.status === 400) say("unknown", false);
    else say("failed", false);
  } catch {
    say("failed", false);
  } finally {
    btn.disabled = false;
  }
  if (shown === "ok") $("go").querySelector("a").focus();
});

$("lang").addEventListener("click", () => { lang = lang === "fr" ? "en" : "fr"; relabel(); });
relabel();
const given = new URLSearchParams(location.search).get("code");
if (given) $("code").value = given;
$("code").focus();
