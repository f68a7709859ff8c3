// The participants' page (/join?c=CODE): anyone in the workshop, on their
// own phone, with no account. The server owns the session; this page asks
// for it every 2 s (participants get no event stream), shows the item on
// now, sends a vote (a new one replaces the last) and ideas. A wrong or
// ended code answers 404: the page then says so calmly and stops asking.
import { el, showFor } from "/shared/dom.js";
import { codeOf } from "/shared/room.js";
import { renderTally } from "/shared/tally.js";

const DICT = {
  fr: {
    enterTitle: "Rejoindre l'atelier", codeLabel: "Le code affiché dans la salle", join: "Rejoindre",
    waiting: "La séance va commencer. Gardez cette page ouverte.",
    voteQ: "À votre avis, quelle note ce client a-t-il donnée ?", voteScale: "De 0 (pas du tout satisfait) à 10 (ravi)",
    roomSaid: "Ce que la salle a voté", ideaLabel: "Une idée ? Une phrase suffit.", send: "Envoyer",
    overTitle: "La séance est terminée.", overText: "Merci d'avoir participé. Vos votes et vos idées restent anonymes.",
    wrongCode: "Ce code ne correspond à aucune séance en cours. Vérifiez-le sur l'écran de la salle.",
    pos: (i, n) => `· ${i} sur ${n}`, myVote: (n) => `Votre note : ${n}. Touchez-en une autre pour changer d'avis.`,
    noVote: "Touchez une note pour voter.", real: (n) => `Le client a donné ${n} sur 10.`, ideaSent: "Merci, votre idée est partie.",
    left: (n) => `${n} caractère${n > 1 ? "s" : ""} restant${n > 1 ? "s" : ""}`, moved: "L'animateur est passé à la suite : votez pour ce nouvel élément.",
    tooMany: "Doucement : réessayez dans un instant.", failed: "Cela n'a pas fonctionné. Réessayez.", offline: "Connexion coupée, nouvel essai…",
    scoreLabel: (n) => `${n} sur 10`, langName: "EN", langLabel: "English version",
    verbatim: "Un client nous a écrit", call: "Un appel",
  },
  en: {
    enterTitle: "Join the workshop", codeLabel: "The code shown in the room", join: "Join",
    waiting: "The session is about to start. Keep this page open.",
    voteQ: "What score do you think this customer gave?", voteScale: "From 0 (not satisfied at all) to 10 (delighted)",
    roomSaid: "What the room voted", ideaLabel: "An idea? One sentence is enough.", send: "Send",
    overTitle: "The session is over.", overText: "Thank you for taking part. Your votes and ideas stay anonymous.",
    wrongCode: "This code matches no session under way. Check it on the room's screen.",
    pos: (i, n) => `· ${i} of ${n}`, myVote: (n) => `Your score: ${n}. Tap another one to change your mind.`,
    noVote: "Tap a score to vote.", real: (n) => `The customer gave ${n} out of 10.`, ideaSent: "Thank you, your idea is on its way.",
    left: (n) => `${n} character${n === 1 ? "" : "s"} left`, moved: "The facilitator moved on: vote for this new item.",
    tooMany: "Easy: try again in a moment.", failed: "That did not work. Try again.", offline: "Connection lost, trying again…",
    scoreLabel: (n) => `${n} out of 10`, langName: "FR", langLabel: "Version française",
    verbatim: "A customer wrote to us", call: "A call",
  },
};

const $ = (id) => document.getElementById(id);
// view: the code in use, the last answer from the server, and whether this
// phone ever joined (a 404 after that means the session ended).
const view = { code: "", session: null, joined: false, timer: 0, sending: false, asked: 0, votes: 0 };
let lang = initialLang();
const t = (k, ...a) => { const v = DICT[lang][k] ?? DICT.fr[k] ?? k; return typeof v === "function" ? v(...a) : v; };

function initialLang() {
  const asked = new URLSearchParams(location.search).get("lang");
  if (asked in DICT) return asked;
  const kept = localStorage.getItem("join.lang");
  if (kept in DICT) return kept;
  return (navigator.language || "fr").slice(0, 2).toLowerCase() === "en" ? "en" : "fr";
}

function toast(msg) {
  const e = $("toast");
  e.textContent = msg;
  showFor(e, 3500);
}

// call sends a request about the session; it answers {status, data}
// (status 0 when the network failed).
async function call(path, body) {
  try {
    const r = await fetch(`/api/join/${encodeURIComponent(view.code)}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
    const data = await r.json().catch(() => ({}));
    return { status: r.status, data };
  } catch {
    return { status: 0, data: null };
  }
}

function show(screen) {
  const was = document.body.dataset.screen;
  document.body.dataset.screen = screen;
  for (const s of document.querySelectorAll(".screen")) s.hidden = s.id !== screen;
  if (was !== screen) {
    const h = document.querySelector(`#${screen} h1`);
    if (h && screen !== "live") h.focus({ preventScroll: true });
  }
}

function applyLang() {
  document.documentElement.lang = lang;
  document.querySelectorAll("[data-i18n]").forEach((e) => { e.textContent = t(e.dataset.i18n); });
  const b = document.querySelector(".lang");
  b.textContent = t("langName");
  b.setAttribute("aria-label", `${t("langName")} · ${t("langLabel")}`); // label in name (WCAG 2.5.3)
  b.lang = lang === "fr" ? "en" : "fr";
  for (const v of $("scale").children) v.setAttribute("aria-label", t("scoreLabel", v.dataset.vote));
  if (view.session) render(view.session);
  if (!$("enter-why").hidden) $("enter-why").textContent = t("wrongCode");
  showLeft();
}

// render shows the server's answer: the item on now, my vote, and the
// room's tally once the facilitator revealed it.
function render(s) {
  view.session = s;
  if (s.state === "ended") { over(); return; }
  show("live");
  $("ws-title").textContent = s.title || "";
  const item = s.item;
  $("waiting").hidden = !!item;
  $("item-box").hidden = !item;
  $("ws-pos").textContent = item && s.count ? t("pos", s.index + 1, s.count) : "";
  if (!item) return;
  const box = $("item-box");
  const fresh = box.dataset.item !== String(item.id);
  box.dataset.item = item.id;
  $("item-title").textContent = item.title || t(item.type === "verbatim" ? "verbatim" : "call");
  $("item-text").hidden = !(item.type === "verbatim" && item.text);
  $("item-text").textContent = item.text || "";
  const mine = typeof s.my_vote === "number" ? s.my_vote : null;
  // After the reveal the votes on this item are closed.
  for (const b of $("scale").children) { b.setAttribute("aria-pressed", String(Number(b.dataset.vote) === mine)); b.disabled = !!s.revealed; }
  $("my-vote").textContent = mine === null ? t("noVote") : t("myVote", mine);
  $("result").hidden = !s.revealed;
  if (s.revealed) {
    const score = typeof s.score === "number" ? s.score : item.score;
    $("real").hidden = typeof score !== "number";
    $("real").textContent = typeof score === "number" ? t("real", score) : "";
    renderTally($("tally"), s.tally, { score: typeof score === "number" ? score : null, lang });
  }
  if (fresh) $("item-title").focus({ preventScroll: true });
}

function over() {
  clearTimeout(view.timer);
  view.session = null;
  show("over");
}

function wrong() {
  clearTimeout(view.timer);
  view.session = null;
  $("enter-why").hidden = false;
  $("enter-why").textContent = t("wrongCode");
  $("code").value = view.code;
  show("enter");
}

// poll asks for the session now, then again 2 s after the answer. An
// answer overtaken by a newer question or by a vote is stale (it would show
// the vote just cast as missing): it is dropped, and the polling goes on.
async function poll() {
  clearTimeout(view.timer);
  if (!view.code) return;
  const turn = ++view.asked, votes = view.votes;
  const { status, data } = await call("");
  if (turn !== view.asked) return; // the newer question goes on polling
  if (votes !== view.votes) { clearTimeout(view.timer); view.timer = setTimeout(poll, document.hidden ? 6000 : 2000); return; }
  if (status === 200 && data) {
    view.joined = true;
    render(data);
  } else if (status === 404 || status === 410) {
    if (view.joined) over(); else wrong();
    return;
  } else if (status === 0) {
    toast(t("offline"));
  }
  clearTimeout(view.timer);
  view.timer = setTimeout(poll, document.hidden ? 6000 : 2000);
}

function use(code) {
  view.code = code.trim().toUpperCase().replace(/[^A-Z0-9]/g, "");
  view.joined = false;
  if (!view.code) return;
  history.replaceState(null, "", "/join?c=" + encodeURIComponent(view.code));
  poll();
}

async function vote(score) {
  const s = view.session;
  if (!s || !s.item || view.sending) return;
  view.sending = true;
  const { status, data } = await call("/votes", { item: s.item.id, score });
  view.sending = false;
  if (status === 200 || status === 201) {
    view.votes++; // an answer to a poll sent before the vote is stale
    render({ ...view.session, my_vote: data && typeof data.my_vote === "number" ? data.my_vote : score });
    return;
  }
  answerFailure(status, data);
}

function answerFailure(status, data) {
  const code = status === 0 ? "network" : codeOf(status, data);
  if (code === "not_found") { poll(); return; }
  if (code === "conflict") toast(t("moved"));
  else if (code === "too_many") toast(t("tooMany"));
  else if (code === "network") toast(t("offline"));
  else toast(t("failed"));
  poll();
}

function showLeft() { $("idea-left").textContent = t("left", 280 - $("idea").value.length); }

// One click handler for the page.
document.addEventListener("click", (ev) => {
  const b = ev.target instanceof Element ? ev.target.closest("button") : null;
  if (!b || b.disabled) return;
  if (b.dataset.act === "lang") {
    lang = lang === "fr" ? "en" : "fr";
    localStorage.setItem("join.lang", lang);
    applyLang();
  } else if (b.dataset.vote !== undefined) vote(Number(b.dataset.vote));
});

$("code-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  use($("code").value);
});

$("idea-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const text = $("idea").value.trim();
  if (!text) return;
  const send = $("idea-form").querySelector("button");
  send.disabled = true;
  const { status, data } = await call("/ideas", { text });
  send.disabled = false;
  if (status === 200 || status === 201) {
    $("idea").value = "";
    showLeft();
    toast(t("ideaSent"));
  } else answerFailure(status, data);
});

$("idea").addEventListener("input", showLeft);
document.addEventListener("visibilitychange", () => { if (!document.hidden && view.session) poll(); });

function buildScale() {
  const s = $("scale");
  for (let i = 0; i <= 10; i++) {
    const b = el("button", "", String(i));
    b.type = "button";
    b.dataset.vote = i;
    b.setAttribute("aria-pressed", "false");
    b.setAttribute("aria-label", t("scoreLabel", i));
    s.append(b);
  }
}

buildScale();
applyLang();
const asked = new URLSearchParams(location.search).get("c");
if (asked) use(asked); else show("enter");
