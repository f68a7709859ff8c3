// The room's touchscreen. The server owns the state (screen, call, result,
// language); this page only shows it and sends taps. Live updates come from
// /api/events: `kiosk` for the screen, `player` for the playback position.
"use strict";

const DICT = {
  fr: {
    touch: "Touchez pour écouter", homeTitle: "Écoutez nos clients", all: "Tous", allTopics: "Tous les thèmes", delighted: "Clients ravis",
    unhappy: "Clients mécontents", noCalls: "Aucun appel pour ce filtre.", written: "Ils nous ont écrit",
    back: "← Tous les appels", topic: "Thème", channel: "Canal", date: "Date", back10: "↺ 10 s", pause: "Pause",
    resume: "Reprendre", next: "Suivant →", finish: "J'ai fini d'écouter", touched: "♥ Ça me touche",
    idea: "✎ J'ai une idée", unacceptable: "⚠ Inacceptable", guessTitle: "À votre avis, quelle note ce client a-t-il donnée ?",
    guessSub: "De 0 (pas du tout satisfait) à 10 (ravi)", skip: "Passer", realScore: "La note du client",
    another: "Écouter un autre appel", end: "Terminer", thanks: "Merci d'avoir écouté.",
    thanksSub: "Ce que vous avez ressenti, nos clients le vivent.", offline: "Connexion perdue, reconnexion…",
    agent: "Conseiller", client: "Client", positif: "Client ravi", negatif: "Client mécontent", neutre: "Client",
    youSaid: (g, gap) => gap === 0 ? `Vous avez dit ${g} : dans le mille !` : `Vous avez dit ${g} : écart de ${gap} point${gap > 1 ? "s" : ""}.`,
    room: (avg, n, topic) => `Sur le thème « ${topic} », la salle se trompe en moyenne de ${avg} point${avg > 1 ? "s" : ""} (${n} réponse${n > 1 ? "s" : ""}).`,
    reacted: "Merci, c'est noté.", slow: "Doucement : réessayez dans un instant.", pairOK: "Cet appareil peut maintenant piloter la salle.",
    min: "min",
  },
  en: {
    touch: "Touch to listen", homeTitle: "Listen to our customers", all: "All", allTopics: "All topics", delighted: "Delighted customers",
    unhappy: "Unhappy customers", noCalls: "No call for this filter.", written: "What they wrote to us",
    back: "← All calls", topic: "Topic", channel: "Channel", date: "Date", back10: "↺ 10 s", pause: "Pause",
    resume: "Resume", next: "Next →", finish: "I'm done listening", touched: "♥ This moves me",
    idea: "✎ I have an idea", unacceptable: "⚠ Unacceptable", guessTitle: "What score do you think this customer gave?",
    guessSub: "From 0 (not satisfied at all) to 10 (delighted)", skip: "Skip", realScore: "The customer's score",
    another: "Listen to another call", end: "Finish", thanks: "Thank you for listening.",
    thanksSub: "What you felt, our customers live.", offline: "Connection lost, reconnecting…",
    agent: "Agent", client: "Customer", positif: "Delighted customer", negatif: "Unhappy customer", neutre: "Customer",
    youSaid: (g, gap) => gap === 0 ? `You said ${g}: spot on!` : `You said ${g}: ${gap} point${gap > 1 ? "s" : ""} off.`,
    room: (avg, n, topic) => `On “${topic}”, the room is off by ${avg} point${avg > 1 ? "s" : ""} on average (${n} answer${n > 1 ? "s" : ""}).`,
    reacted: "Thank you, noted.", slow: "Easy: try again in a moment.", pairOK: "This device can now control the room.",
    min: "min",
  },
};

const $ = (id) => document.getElementById(id);
const view = { state: null, home: null, player: null, cues: [], cuesFor: 0, current: -1, mood: "", topic: "", quote: 0 };
let lang = "fr";
const t = (k, ...a) => { const v = DICT[lang][k] ?? DICT.fr[k] ?? k; return typeof v === "function" ? v(...a) : v; };

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function fmtTime(ms) {
  const s = Math.max(0, Math.floor((ms || 0) / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

let toastTimer = 0;
function toast(msg) {
  const e = $("toast");
  e.textContent = msg;
  e.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { e.hidden = true; }, 2600);
}

// api sends an action; a refusal is shown calmly, never thrown at the listener.
async function api(path, body) {
  try {
    const r = await fetch("/api/" + path, {
      method: body === undefined ? "GET" : "POST",
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await r.json().catch(() => ({}));
    if (r.status === 429) { toast(t("slow")); return null; }
    if (!r.ok) { toast(data.error || r.statusText); return null; }
    return data;
  } catch (e) {
    return null; // the offline overlay says what is going on
  }
}

async function act(action, body) {
  const st = await api("kiosk/" + action, body || {});
  if (st && st.screen) render(st);
  return st;
}

function applyLang() {
  document.documentElement.lang = lang;
  document.querySelectorAll("[data-i18n]").forEach((e) => { e.textContent = t(e.dataset.i18n); });
  document.querySelectorAll(".lang").forEach((b) => { b.textContent = lang === "fr" ? "EN" : "FR"; });
  document.querySelectorAll(".cue .who").forEach((w) => { w.textContent = t(w.parentElement.classList.contains("agent") ? "agent" : "client"); });
}

// render shows the server's state; the same state on every screen.
function render(st) {
  if (view.state && st.seq < view.state.seq) return; // an older answer arriving late
  const prev = view.state;
  view.state = st;
  if (st.lang !== lang) { lang = st.lang; applyLang(); renderHome(); }
  if (!prev || prev.screen !== st.screen) $("toast").hidden = true;
  document.body.dataset.screen = st.screen;
  for (const s of document.querySelectorAll(".screen")) s.hidden = s.id !== st.screen;
  if (st.screen === "home" && (!prev || prev.screen !== "home")) loadHome();
  if (st.screen === "listening" && st.call) showCall(st.call);
  if (st.screen === "reveal" && st.result) showResult(st.result);
  if (st.screen === "guess") document.querySelectorAll("#scale button").forEach((b) => { b.disabled = false; });
}

async function loadHome() {
  const h = await api("kiosk/home");
  if (h) { view.home = h; renderHome(); }
}

function moodLabel(s) { return t(s === "positif" || s === "negatif" ? s : "neutre"); }

function renderHome() {
  const h = view.home;
  if (!h) return;
  const topics = $("topic-filters");
  topics.replaceChildren();
  for (const topic of ["", ...h.topics]) {
    const b = el("button", "chip", topic || t("allTopics"));
    b.type = "button";
    b.dataset.topic = topic;
    b.setAttribute("aria-pressed", String(view.topic === topic));
    topics.append(b);
  }
  document.querySelectorAll("#mood-filters .chip").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.mood === view.mood)));
  const keep = (x) => (!view.mood || x.sentiment === view.mood) && (!view.topic || x.topic === view.topic);
  const calls = $("calls");
  calls.replaceChildren();
  for (const c of h.calls.filter(keep)) {
    const li = el("li");
    const b = el("button", "card " + c.sentiment);
    b.type = "button";
    b.dataset.call = c.id;
    b.append(el("p", "mood " + c.sentiment, moodLabel(c.sentiment)), el("span", "title", c.title));
    const meta = el("span", "meta");
    meta.append(el("span", "", c.topic), el("span", "", fmtTime(c.duration_ms)));
    b.append(meta);
    li.append(b);
    calls.append(li);
  }
  $("no-calls").hidden = calls.children.length > 0;
  const quotes = $("quotes");
  quotes.replaceChildren();
  for (const q of h.quotes.filter(keep).slice(0, 12)) {
    const li = el("li", "quote " + q.sentiment);
    li.append(el("p", "", q.text), el("small", "", [q.channel, q.topic, q.date].filter(Boolean).join(" · ")));
    quotes.append(li);
  }
}

// The attract loop: quotes fade in and out, silently, with their context.
async function rotateQuote() {
  if (!view.home) await loadHome();
  const qs = (view.home && view.home.quotes) || [];
  if (qs.length) {
    const box = document.querySelector(".attract-quote");
    box.classList.add("fade");
    setTimeout(() => {
      const q = qs[view.quote++ % qs.length];
      $("quote-text").textContent = q.text;
      $("quote-context").textContent = [q.channel, q.topic].filter(Boolean).join(" · ");
      box.classList.remove("fade");
    }, document.hidden ? 0 : 800);
  }
}

function speakerClass(s) {
  const k = (s || "").toLowerCase();
  return k.startsWith("cons") || k.startsWith("agent") ? "agent" : "client";
}

async function showCall(call) {
  $("ctx-title").textContent = call.title;
  $("ctx-topic").textContent = call.topic || "—";
  $("ctx-channel").textContent = call.channel || "—";
  $("ctx-date").textContent = call.call_date || "—";
  const mood = $("ctx-mood");
  mood.className = "mood " + call.sentiment;
  mood.textContent = moodLabel(call.sentiment);
  $("dur").textContent = fmtTime(call.duration_ms);
  if (view.cuesFor === call.id) return;
  view.cuesFor = call.id;
  view.current = -1;
  view.cues = [];
  $("transcript").replaceChildren();
  const cues = await api(`recordings/${call.id}/transcript`);
  if (!cues || view.cuesFor !== call.id) return;
  view.cues = cues;
  const list = $("transcript");
  cues.forEach((c, i) => {
    const li = el("li", "cue " + speakerClass(c.speaker));
    li.dataset.i = i;
    li.dataset.start = c.start_ms;
    li.append(el("span", "who", t(speakerClass(c.speaker))), document.createTextNode(c.text));
    list.append(li);
  });
  follow();
}

// follow highlights the cue at the server's playback position and scrolls it to the middle.
function follow() {
  const p = view.player;
  const st = view.state;
  if (!p || !st || !st.call) return;
  const ours = p.item && p.item.recording_id === st.call.id;
  const pos = ours ? p.position_ms : 0;
  const dur = (ours && p.duration_ms) || st.call.duration_ms || 1;
  $("progress-fill").style.width = Math.min(100, (100 * pos) / dur) + "%";
  $("pos").textContent = fmtTime(pos);
  const pp = $("playpause");
  const paused = ours && p.state === "paused";
  pp.dataset.act = paused ? "resume" : "pause";
  pp.textContent = t(paused ? "resume" : "pause");
  let cur = -1;
  view.cues.forEach((c, i) => { if (c.start_ms <= pos) cur = i; });
  if (cur === view.current) return;
  view.current = cur;
  document.querySelectorAll(".cue.current").forEach((e) => e.classList.remove("current"));
  const e = document.querySelector(`.cue[data-i="${cur}"]`);
  if (e) {
    e.classList.add("current");
    e.scrollIntoView({ block: "center", behavior: "smooth" });
  }
}

function showResult(r) {
  $("rv-score").replaceChildren(String(r.score), el("small", "", " / 10"));
  $("rv-guess").textContent = t("youSaid", r.guess, r.gap);
  const avg = Math.round(r.avg_gap * 10) / 10;
  $("rv-room").textContent = t("room", lang === "fr" ? String(avg).replace(".", ",") : String(avg), r.guesses, r.topic || "—");
}

// Taps: one listener for the whole page, so nothing depends on hover.
document.addEventListener("click", (ev) => {
  const target = ev.target instanceof Element ? ev.target : null;
  if (!target) return;
  if (view.state && view.state.screen === "attract") { act("wake"); return; }
  const b = target.closest("button");
  if (!b) return;
  if (b.dataset.act === "lang") act("lang", { lang: lang === "fr" ? "en" : "fr" });
  else if (b.dataset.act) act(b.dataset.act);
  else if (b.dataset.call) act("listen", { recording_id: Number(b.dataset.call) });
  else if (b.dataset.guess) {
    document.querySelectorAll("#scale button").forEach((x) => { x.disabled = true; });
    act("guess", { guess: Number(b.dataset.guess) }).then((st) => { if (!st) document.querySelectorAll("#scale button").forEach((x) => { x.disabled = false; }); });
  } else if (b.dataset.react) {
    api("kiosk/react", { kind: b.dataset.react }).then((ok) => {
      if (!ok) return;
      b.classList.add("sent");
      setTimeout(() => b.classList.remove("sent"), 1500);
      toast(t("reacted"));
    });
  } else if (b.dataset.mood !== undefined) { view.mood = b.dataset.mood; renderHome(); }
  else if (b.dataset.topic !== undefined) { view.topic = b.dataset.topic; renderHome(); }
});

// The live connection. EventSource retries by itself; when the server is gone
// long enough to close it for good, a new one is opened. The calm overlay
// shows while away, and the state is fetched afresh on return.
let source = null;
let awayTimer = 0;
function connect() {
  source = new EventSource("/api/events");
  source.addEventListener("open", () => {
    view.state = null; // a restarted server counts its states from zero again
    clearTimeout(awayTimer);
    $("offline").hidden = true;
    api("kiosk").then((st) => { if (st) render(st); });
    if (view.home) loadHome();
  });
  source.addEventListener("error", () => {
    clearTimeout(awayTimer);
    awayTimer = setTimeout(() => { $("offline").hidden = false; }, 1200);
    if (source.readyState === EventSource.CLOSED) setTimeout(connect, 2000);
  });
  source.addEventListener("kiosk", (e) => render(JSON.parse(e.data)));
  source.addEventListener("player", (e) => { view.player = JSON.parse(e.data); follow(); });
}

// Leaving the page closes the stream at once, so reloads never pile up
// connections (a browser allows only six per server).
addEventListener("pagehide", () => { if (source) source.close(); });

function buildScale() {
  const s = $("scale");
  for (let i = 0; i <= 10; i++) {
    const b = el("button", "", String(i));
    b.type = "button";
    b.dataset.guess = i;
    s.append(b);
  }
}

async function pair() {
  const token = new URLSearchParams(location.search).get("pair");
  if (!token) return;
  history.replaceState(null, "", location.pathname);
  if (await api("kiosk/pair", { token })) toast(t("pairOK"));
}

async function start() {
  if (new URLSearchParams(location.search).has("hidecursor")) document.body.classList.add("no-cursor");
  buildScale();
  applyLang();
  await pair();
  connect();
  rotateQuote();
  setInterval(() => { if (view.state && view.state.screen === "attract") rotateQuote(); }, 7000);
}
start();
