// The room's touchscreen. The server owns the state (screen, call, result,
// language, "still there?", whether the sound works); this page only shows it
// and sends taps. Live updates come from /api/events: `kiosk` for the screen,
// `player` for the playback position, `library` when the catalog changes,
// `workshop` for a workshop's live tally. While a workshop is live the room
// shows its workshop screen (title, what is on, the tally, how to join) and
// the lone listener's screens wait until it ends.
import { friendlyError, codeOf, maskedParts } from "/shared/room.js";
import { keyedRows, showFor } from "/shared/dom.js";
import { events } from "/shared/events.js";
import { renderTally, fmtAvg } from "/shared/tally.js";

const DICT = {
  fr: {
    touch: "Touchez pour écouter", homeTitle: "Écoutez nos clients", all: "Tous", allTopics: "Tous les thèmes", delighted: "Clients ravis",
    unhappy: "Clients mécontents", noCalls: "Aucun appel pour ce filtre.", clearFilters: "Voir tous les appels", written: "Ils nous ont écrit",
    emptyRoom: "L'équipe CX prépare les premiers appels. Revenez bientôt !", filters: "Filtres",
    back: "← Tous les appels", topic: "Thème", channel: "Canal", date: "Date", back10: "↺ 10 s", pause: "❚❚ Pause",
    resume: "▶ Reprendre", paused: "En pause", next: "Suivant →", finish: "J'ai fini d'écouter", touched: "♥ Ça me touche",
    idea: "✎ J'ai une idée", unacceptable: "⚠ Inacceptable", guessTitle: "À votre avis, quelle note ce client a-t-il donnée ?",
    guessSub: "De 0 (pas du tout satisfait) à 10 (ravi)", skip: "Voir la note sans deviner", realScore: "La note du client",
    another: "Écouter un autre appel", leave: "Je m'en vais", thanks: "Merci d'avoir écouté.",
    thanksSub: "Ce que vous avez ressenti, nos clients le vivent.", offline: "Connexion perdue, reconnexion…",
    agent: "Conseiller", client: "Client", positif: "Client ravi", negatif: "Client mécontent", neutre: "Client",
    youSaid: (g, gap) => gap === 0 ? `Vous avez dit ${g} : dans le mille !` : `Vous avez dit ${g} : écart de ${gap} ${pts(gap)}.`,
    skipped: "Vous n'avez pas donné de note.",
    room: (avg, n, topic) => `Sur le thème « ${topic} », les autres visiteurs se trompent en moyenne de ${num(avg)} ${pts(avg)} (${n} réponse${n > 1 ? "s" : ""}).`,
    firstOne: (topic) => `Vous êtes le premier à deviner sur le thème « ${topic} ».`,
    outOf: "sur 10", reacted: "Merci, c'est noté.", pairOK: "Cet appareil peut maintenant piloter la salle.",
    pairFailed: "Ce code d'appairage n'est plus valable. Demandez-en un nouveau à l'équipe CX.", ok: "OK",
    noSound: "Le son est indisponible pour le moment. L'équipe CX est prévenue.",
    stillThere: "Vous êtes toujours là ?", stillYes: "Oui, je continue",
    resetIn: (s) => `Sans réponse, l'écran revient à l'accueil dans ${s} s.`,
    volume: "Volume", quieter: "Moins fort", louder: "Plus fort", position: "Position dans l'appel", transcript: "Transcription",
    reactions: "Réactions", at: (p, d) => `${p} sur ${d}`, more: "Lire la suite", less: "Réduire", masked: "masqué pour l'anonymat",
    langName: "EN", langLabel: "EN, English version",
    wsNow: "En ce moment", wsPos: (i, n) => `${i} sur ${n}`, wsWaiting: "La séance va commencer.", wsVerbatim: "Un client nous a écrit",
    wsVotes: "Les votes de la salle", wsJoin: "Votez avec votre téléphone", wsCode: "Code", wsReal: "La note du client",
    wsAvg: (a) => `Moyenne de la salle : ${a}`, wsQR: "QR code pour rejoindre l'atelier",
    closedTitle: "La salle est fermée", closedBack: (day, hhmm) => day ? `Fermé · de retour ${day} à ${hhmm}` : `Fermé · de retour à ${hhmm}`,
    closedNoTime: "Fermé pour le moment", closingAfter: "La salle ferme après cet appel.",
  },
  en: {
    touch: "Touch to listen", homeTitle: "Listen to our customers", all: "All", allTopics: "All topics", delighted: "Delighted customers",
    unhappy: "Unhappy customers", noCalls: "No call for this filter.", clearFilters: "Show all calls", written: "What they wrote to us",
    emptyRoom: "The CX team is preparing the first calls. Come back soon!", filters: "Filters",
    back: "← All calls", topic: "Topic", channel: "Channel", date: "Date", back10: "↺ 10 s", pause: "❚❚ Pause",
    resume: "▶ Resume", paused: "Paused", next: "Next →", finish: "I'm done listening", touched: "♥ This moves me",
    idea: "✎ I have an idea", unacceptable: "⚠ Unacceptable", guessTitle: "What score do you think this customer gave?",
    guessSub: "From 0 (not satisfied at all) to 10 (delighted)", skip: "Show the score without guessing", realScore: "The customer's score",
    another: "Listen to another call", leave: "I'm leaving", thanks: "Thank you for listening.",
    thanksSub: "What you felt, our customers live.", offline: "Connection lost, reconnecting…",
    agent: "Agent", client: "Customer", positif: "Delighted customer", negatif: "Unhappy customer", neutre: "Customer",
    youSaid: (g, gap) => gap === 0 ? `You said ${g}: spot on!` : `You said ${g}: ${gap} ${pts(gap)} off.`,
    skipped: "You did not guess.",
    room: (avg, n, topic) => `On “${topic}”, other visitors are off by ${num(avg)} ${pts(avg)} on average (${n} answer${n > 1 ? "s" : ""}).`,
    firstOne: (topic) => `You are the first to guess on “${topic}”.`,
    outOf: "out of 10", reacted: "Thank you, noted.", pairOK: "This device can now control the room.",
    pairFailed: "This pairing code is no longer valid. Ask the CX team for a new one.", ok: "OK",
    noSound: "The sound is unavailable for now. The CX team has been told.",
    stillThere: "Are you still there?", stillYes: "Yes, I'm here",
    resetIn: (s) => `With no answer, the screen goes back to the start in ${s} s.`,
    volume: "Volume", quieter: "Quieter", louder: "Louder", position: "Position in the call", transcript: "Transcript",
    reactions: "Reactions", at: (p, d) => `${p} of ${d}`, more: "Read more", less: "Show less", masked: "hidden for anonymity",
    langName: "FR", langLabel: "FR, version française",
    wsNow: "Now", wsPos: (i, n) => `${i} of ${n}`, wsWaiting: "The session is about to start.", wsVerbatim: "A customer wrote to us",
    wsVotes: "The room's votes", wsJoin: "Vote with your phone", wsCode: "Code", wsReal: "The customer's score",
    wsAvg: (a) => `Room's average: ${a}`, wsQR: "QR code to join the workshop",
    closedTitle: "The room is closed", closedBack: (day, hhmm) => day ? `Closed · back ${day} at ${hhmm}` : `Closed · back at ${hhmm}`,
    closedNoTime: "Closed for now", closingAfter: "The room closes after this call.",
  },
};

// What the catalog says in French, as an English reader expects it.
const EN_WORDS = {
  channel: { "téléphone": "phone", "telephone": "phone", "avis": "review", "enquête": "survey", "enquete": "survey", "e-mail": "email",
    "email": "email", "chat": "chat", "courrier": "letter", "réseaux sociaux": "social media", "boutique": "shop" },
  topic: { "Livraison": "Delivery", "Accueil": "Welcome", "Facturation": "Billing", "Assistance technique": "Technical support",
    "Résiliation": "Cancellation", "Produit": "Product", "Remboursement": "Refund", "Abonnement": "Subscription", "Paiement": "Payment",
    "Commande": "Order", "Retour": "Returns", "Retours": "Returns", "Tarifs": "Prices", "Prix": "Prices", "Attente": "Waiting time",
    "Rendez-vous": "Appointment", "Installation": "Installation", "Réseau": "Network", "Fidélité": "Loyalty", "Application": "App",
    "Site web": "Website", "Service client": "Customer service", "SAV": "After-sales service", "Garantie": "Warranty",
    "Déménagement": "Moving home", "Contrat": "Contract", "Sécurité": "Security", "Relation client": "Customer relations" },
  label: { "nom": "name", "téléphone": "phone", "e-mail": "email", "IBAN": "IBAN", "carte": "card", "n° de sécurité sociale": "social security no.",
    "adresse": "address" },
};

const $ = (id) => document.getElementById(id);
const view = { state: null, home: null, player: null, cues: [], cuesFor: 0, current: -1, mood: "", topic: "", quote: 0, stillUntil: 0, workshop: null };
let lang = "fr";
const t = (k, ...a) => { const v = DICT[lang][k] ?? DICT.fr[k] ?? k; return typeof v === "function" ? v(...a) : v; };
const num = (x) => new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(x);
// French counts 0 to 1.99 as singular; English only exactly 1.
const pts = (x) => (lang === "fr" ? x < 2 : x === 1) ? "point" : "points";
const word = (kind, s) => (lang === "en" && s && EN_WORDS[kind][s]) || s;

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

// masked fills e with text whose anonymized parts ([nom], [téléphone]…) show as chips.
function masked(e, text) {
  e.replaceChildren();
  for (const p of maskedParts(text)) {
    if (typeof p === "string") { e.append(p); continue; }
    const chip = el("span", "pii", word("label", p.label));
    chip.title = t("masked");
    e.append(chip);
  }
  return e;
}

function fmtTime(ms) {
  const s = Math.max(0, Math.floor((ms || 0) / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

function fmtDate(d) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d || "")) return d || "—";
  return new Intl.DateTimeFormat(lang === "fr" ? "fr-FR" : "en-GB", { day: "numeric", month: "long", year: "numeric" }).format(new Date(d + "T12:00:00"));
}

function toast(msg) {
  const e = $("toast");
  e.textContent = msg;
  showFor(e, 4000);
}

// notice is a message that stays until the listener taps OK (pairing).
function notice(msg) {
  $("notice-text").textContent = msg;
  $("notice").hidden = false;
}

// api sends a request; a refusal becomes a short message in the room's
// language (the server's own text goes to the log, never to the screen).
async function api(path, body, { quiet = false } = {}) {
  let r, data;
  try {
    r = await fetch("/api/" + path, {
      method: body === undefined ? "GET" : "POST",
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    data = await r.json().catch(() => ({}));
  } catch (e) {
    if (!quiet && view.online) toast(friendlyError("network", lang));
    return null;
  }
  if (r.ok) return data;
  const code = codeOf(r.status, data);
  console.info(`room: ${path} refused (${code})`);
  if (code === "unavailable" && view.state) render({ ...view.state, sound_ok: false, seq: view.state.seq });
  if (!quiet) toast(friendlyError(code, lang));
  return null;
}

async function act(action, body) {
  const st = await api("kiosk/" + action, body || {});
  if (st && st.screen) render(st);
  return st;
}

function applyLang() {
  document.documentElement.lang = lang;
  document.querySelectorAll("[data-i18n]").forEach((e) => { e.textContent = t(e.dataset.i18n); });
  document.querySelectorAll("[data-i18n-label]").forEach((e) => { e.setAttribute("aria-label", t(e.dataset.i18nLabel)); });
  document.querySelectorAll(".lang").forEach((b) => {
    const vis = el("span", "", t("langName"));
    vis.setAttribute("aria-hidden", "true");
    b.replaceChildren(vis, el("span", "sr-only", t("langLabel")));
    b.lang = lang === "fr" ? "en" : "fr";
  });
  document.querySelectorAll(".cue .who").forEach((w) => { w.textContent = t(w.closest(".cue").classList.contains("agent") ? "agent" : "client"); });
}

// older says whether state a is older than b. States count up (seq) within
// one life of the server (boot); another boot is a restarted server, whose
// state is news whatever its count.
function older(a, b) { return !!b && a.boot === b.boot && a.seq < b.seq; }

// render shows the server's state; the same state on every screen.
function render(st) {
  if (older(st, view.state)) return; // an older answer arriving late
  const prev = view.state;
  view.state = st;
  if ("workshop" in st) view.workshop = roomWorkshop(st.workshop);
  if (st.lang !== lang) {
    lang = st.lang;
    applyLang();
    renderHome();
    showAttract(false);
    if (st.call) showCall(st.call);
  }
  const screen = shownScreen();
  const changed = !prev || view.shown !== screen;
  view.shown = screen;
  if (!performance.getEntriesByName("room-screen").length) performance.mark("room-screen"); // make bench: first screen shown
  if (changed) $("toast").hidden = true;
  if (st.screen === "attract" && (!prev || prev.screen !== "attract")) forgetVisitor();
  document.body.dataset.screen = screen;
  for (const s of document.querySelectorAll(".screen")) s.hidden = s.id !== screen;
  if (screen === "workshop") showWorkshop();
  showClock(screen === "closed");
  $("closing").hidden = !st.closed;
  document.querySelectorAll("[data-sound-down]").forEach((e) => { e.hidden = st.sound_ok !== false; });
  document.body.classList.toggle("no-sound", st.sound_ok === false);
  if (st.screen === "home" && changed) loadHome();
  if (st.screen === "attract" && changed) showAttract(false);
  if (st.screen === "listening" && st.call) showCall(st.call);
  if (st.screen === "reveal" && st.result) showResult(st.result);
  if (st.screen === "guess") document.querySelectorAll("#scale button").forEach((b) => { b.disabled = false; });
  showStill(st);
  if (changed && !st.still_there) {
    const h = document.querySelector(`#${screen} h1`);
    if (h) h.focus({ preventScroll: true });
  }
}

// forgetVisitor clears everything the last visitor chose on this screen.
function forgetVisitor() {
  view.mood = "";
  view.topic = "";
  $("home-body").scrollTop = 0;
  $("topic-filters").scrollLeft = 0;
  $("filters").scrollLeft = 0;
  renderHome();
}

// The "still there?" prompt: the server decides when; this counts down.
let stillTimer = 0;
function showStill(st) {
  const box = $("still");
  const on = !!st.still_there && st.screen !== "attract";
  clearInterval(stillTimer);
  if (!on) {
    if (!box.hidden) {
      box.hidden = true;
      const h = document.querySelector(`#${st.screen} h1`);
      if (h) h.focus({ preventScroll: true });
    }
    return;
  }
  view.stillUntil = Date.now() + (st.reset_in_ms || 0);
  const tick = () => { $("still-count").textContent = t("resetIn", Math.max(0, Math.ceil((view.stillUntil - Date.now()) / 1000))); };
  tick();
  stillTimer = setInterval(tick, 1000);
  if (box.hidden) {
    box.hidden = false;
    $("still-yes").focus({ preventScroll: true });
  }
}

async function loadHome() {
  const h = await api("kiosk/home", undefined, { quiet: true });
  if (h) { view.home = h; renderHome(); }
  return h;
}

function moodLabel(s) { return t(s === "positif" || s === "negatif" ? s : "neutre"); }

function chip(text, data, pressed) {
  const b = el("button", "chip", text);
  b.type = "button";
  Object.assign(b.dataset, data);
  b.setAttribute("aria-pressed", String(pressed));
  return b;
}

function renderHome() {
  const h = view.home;
  if (!h) return;
  const empty = h.calls.length === 0 && h.quotes.length === 0;
  $("filters").hidden = empty;
  const topics = $("topic-filters");
  const sorted = [...h.topics].sort((a, b) => word("topic", a).localeCompare(word("topic", b), lang));
  // Chips and cards are updated in place: a refresh (a filter tapped, the
  // language, the home reloaded) never swaps the one under a finger.
  const label = (x) => (x ? word("topic", x) : t("allTopics"));
  keyedRows(topics, ["", ...sorted], (x) => x, (x) => chip(label(x), { topic: x }, false), (b, x) => {
    b.textContent = label(x);
    b.setAttribute("aria-pressed", String(view.topic === x));
  });
  document.querySelectorAll("#mood-filters .chip").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.mood === view.mood)));
  const keep = (x) => (!view.mood || x.sentiment === view.mood) && (!view.topic || x.topic === view.topic);
  const calls = $("calls");
  keyedRows(calls, h.calls.filter(keep), (c) => c.id, () => el("li"), (li, c) => {
    const b = el("button", "card " + c.sentiment);
    b.type = "button";
    b.dataset.call = c.id;
    b.append(el("span", "mood " + c.sentiment, moodLabel(c.sentiment)), el("span", "title", c.title));
    const meta = el("span", "meta");
    meta.append(el("span", "", word("topic", c.topic)), el("span", "", fmtTime(c.duration_ms)));
    b.append(meta);
    if (!li.firstChild || !li.firstChild.isEqualNode(b)) li.replaceChildren(b);
  });
  const filtered = !!(view.mood || view.topic);
  $("no-calls").hidden = calls.children.length > 0;
  $("no-calls-text").textContent = empty ? t("emptyRoom") : filtered ? t("noCalls") : "";
  $("no-calls").classList.toggle("empty-room", empty);
  $("clear-filters").hidden = !filtered;
  const quotes = $("quotes");
  quotes.replaceChildren();
  const shown = h.quotes.filter(keep).slice(0, 12);
  $("written").hidden = shown.length === 0;
  for (const q of shown) {
    const li = el("li", "quote " + q.sentiment);
    const p = masked(el("p", "quote-text"), q.text);
    p.id = "q" + q.id;
    li.append(p, el("small", "", [word("channel", q.channel), word("topic", q.topic), q.date && fmtDate(q.date)].filter(Boolean).join(" · ")));
    quotes.append(li);
  }
  // A long verbatim is cut after a few lines, with the rest on tap.
  requestAnimationFrame(() => {
    for (const p of quotes.querySelectorAll(".quote-text")) {
      if (p.scrollHeight <= p.clientHeight + 2) continue;
      const more = el("button", "more ghost", t("more"));
      more.type = "button";
      more.dataset.more = p.id;
      more.setAttribute("aria-expanded", "false");
      more.setAttribute("aria-controls", p.id);
      p.after(more);
    }
  });
}

// The attract loop: quotes change silently, with their context. The first
// shows at once; the next ones fade.
function showAttract(fade) {
  const qs = (view.home && view.home.quotes) || [];
  const lead = $("attract-lead"), text = $("quote-text"), ctx = $("quote-context");
  if (!qs.length) {
    lead.textContent = view.home && !view.home.calls.length ? t("emptyRoom") : t("homeTitle");
    lead.hidden = false;
    text.hidden = true;
    ctx.textContent = "";
    return;
  }
  const q = qs[view.quote % qs.length];
  const box = $("attract-quote");
  const put = () => {
    lead.hidden = true;
    text.hidden = false;
    ctx.textContent = [word("channel", q.channel), word("topic", q.topic)].filter(Boolean).join(" · ");
    fitQuote(q.text);
    box.classList.remove("fade");
  };
  if (fade && !document.hidden && !matchMedia("(prefers-reduced-motion: reduce)").matches) {
    box.classList.add("fade");
    setTimeout(put, 600);
  } else put();
}

const QUOTE_SIZES = [2.3, 2.0, 1.75, 1.5, 1.3, 1.15];

// fitQuote shows text as large as the space allows; when even the smallest
// size overflows, it cuts on a sentence boundary (the whole text is on the
// home screen, one tap away).
function fitQuote(full) {
  const box = $("attract-quote"), fit = $("quote-fit"), q = $("quote-text");
  const fits = () => fit.offsetHeight <= box.clientHeight;
  for (const size of QUOTE_SIZES) {
    q.style.fontSize = size + "rem";
    masked(q, full);
    if (fits()) return;
  }
  const sentences = full.match(/[^.!?…]+[.!?…]+[»”"]?\s*|[^.!?…]+$/g) || [full];
  for (let n = sentences.length - 1; n >= 1; n--) {
    masked(q, sentences.slice(0, n).join("").trim() + " …");
    if (fits()) return;
  }
  const words = sentences[0].split(/\s+/);
  for (let n = words.length - 1; n >= 1; n--) {
    masked(q, words.slice(0, n).join(" ") + " …");
    if (fits()) return;
  }
}

async function rotateQuote() {
  if (!view.home) await loadHome();
  if (view.home && view.home.quotes.length > 1) {
    view.quote++;
    showAttract(true);
  }
}

function speakerClass(s) {
  const k = (s || "").toLowerCase();
  return k.startsWith("cons") || k.startsWith("agent") ? "agent" : "client";
}

async function showCall(call) {
  $("ctx-title").textContent = call.title;
  $("ctx-topic").textContent = word("topic", call.topic) || "—";
  $("ctx-channel").textContent = word("channel", call.channel) || "—";
  $("ctx-date").textContent = fmtDate(call.call_date);
  const mood = $("ctx-mood");
  mood.className = "mood " + call.sentiment;
  mood.textContent = moodLabel(call.sentiment);
  $("dur").textContent = fmtTime(call.duration_ms);
  if (view.cuesFor === call.id) { follow(); return; }
  view.cuesFor = call.id;
  view.current = -1;
  view.cues = [];
  $("transcript").replaceChildren();
  $("transcript-wrap").scrollTop = 0;
  const cues = await api(`recordings/${call.id}/transcript`, undefined, { quiet: true });
  if (!cues || view.cuesFor !== call.id) return;
  view.cues = cues;
  const list = $("transcript");
  cues.forEach((c, i) => {
    const li = el("li", "cue " + speakerClass(c.speaker));
    li.dataset.i = i;
    const b = el("button", "cue-line");
    b.type = "button";
    b.dataset.seek = c.start_ms;
    b.append(el("span", "who", t(speakerClass(c.speaker))), masked(el("span", "said"), c.text));
    li.append(b);
    list.append(li);
  });
  follow();
}

// position is where the listener is in the call: what they hear when the
// player reports it (its output latency taken off), else its position.
function position(p) { return p.heard_position_ms ?? p.position_ms; }

// follow shows the server's playback: progress, paused state, volume, and the
// transcript line being heard, scrolled to the middle.
function follow() {
  const p = view.player;
  const st = view.state;
  if (!st || !st.call) return;
  const ours = p && p.item && p.item.recording_id === st.call.id;
  const pos = ours ? position(p) : 0;
  const dur = (ours && p.duration_ms) || st.call.duration_ms || 1;
  const pct = Math.min(100, Math.max(0, (100 * pos) / dur));
  $("progress-fill").style.width = pct + "%";
  const bar = $("progress");
  bar.setAttribute("aria-valuenow", String(Math.round(pct)));
  bar.setAttribute("aria-valuetext", t("at", fmtTime(pos), fmtTime(dur)));
  $("pos").textContent = fmtTime(pos);
  const paused = !!ours && p.state === "paused";
  const pp = $("playpause");
  pp.dataset.act = paused ? "resume" : "pause";
  pp.textContent = t(paused ? "resume" : "pause");
  $("paused-mark").hidden = !paused;
  $("listening").classList.toggle("paused", paused);
  if (p && p.max_volume) $("vol-level").textContent = `${Math.round((100 * p.volume) / p.max_volume)} %`;
  let cur = -1;
  view.cues.forEach((c, i) => { if (c.start_ms <= pos) cur = i; });
  if (cur === view.current) return;
  view.current = cur;
  document.querySelectorAll(".cue.current").forEach((e) => { e.classList.remove("current"); e.removeAttribute("aria-current"); });
  const e = document.querySelector(`.cue[data-i="${cur}"]`);
  if (e) {
    e.classList.add("current");
    e.setAttribute("aria-current", "true");
    const wrap = $("transcript-wrap");
    wrap.scrollTo({ top: e.offsetTop - wrap.clientHeight / 2 + e.offsetHeight / 2, behavior: "smooth" });
  }
}

function seekTo(ms) {
  const dur = (view.player && view.player.duration_ms) || (view.state && view.state.call && view.state.call.duration_ms) || 0;
  act("seek", { position_ms: Math.round(Math.max(0, dur ? Math.min(ms, dur - 250) : ms)) });
}

function volumeStep(dir) {
  const p = view.player;
  if (!p || !p.max_volume) return;
  const step = Math.max(1, Math.round(p.max_volume / 10));
  const v = Math.min(p.max_volume, Math.max(0, p.volume + dir * step));
  if (v !== p.volume) act("volume", { volume: v });
}

function showResult(r) {
  $("rv-title").textContent = view.state.call ? view.state.call.title : r.title;
  const score = $("rv-score");
  score.replaceChildren(String(r.score), el("small", "", " / 10"));
  score.setAttribute("aria-label", `${r.score} ${t("outOf")}`);
  $("rv-guess").textContent = r.guess === null || r.guess === undefined ? t("skipped") : t("youSaid", r.guess, r.gap);
  const topic = word("topic", r.topic) || "—";
  $("rv-room").textContent = r.guesses > 0 ? t("room", Math.round(r.avg_gap * 10) / 10, r.guesses, topic) : t("firstOne", topic);
}

// shownScreen is the screen on show: the workshop's while one is live, the
// clock in closed hours (but for the last call, which plays to its end).
function shownScreen() {
  if (view.workshop) return "workshop";
  if (view.state.closed && view.state.screen !== "listening") return "closed";
  return view.state.screen;
}

// The clock of closed hours: this machine's time (the room's own), in the
// room's language, and when the room opens again, in the room's time as the
// server wrote it (opens_at carries its offset).
let clockTimer = 0;
function showClock(on) {
  clearInterval(clockTimer);
  if (!on) return;
  const tick = () => {
    const now = new Date();
    const loc = lang === "fr" ? "fr-FR" : "en-GB";
    $("clock-time").textContent = new Intl.DateTimeFormat(loc, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(now);
    $("clock-date").textContent = new Intl.DateTimeFormat(loc, { weekday: "long", day: "numeric", month: "long" }).format(now);
    const at = view.state && view.state.opens_at;
    if (!at) { $("clock-back").textContent = t("closedNoTime"); return; }
    const day = at.slice(0, 10), hhmm = at.slice(11, 16);
    const today = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}-${String(now.getDate()).padStart(2, "0")}`;
    const weekday = day === today ? "" : new Intl.DateTimeFormat(loc, { weekday: "long" }).format(new Date(day + "T12:00:00"));
    $("clock-back").textContent = t("closedBack", weekday, hhmm);
  };
  tick();
  clockTimer = setInterval(tick, 10000);
}

// roomWorkshop reads a live workshop from the kiosk state's "workshop" field,
// or from a `workshop` event (the whole session: items, index, tally); null
// when none is live.
function roomWorkshop(w) {
  if (!w || (w.state && w.state !== "live")) return null;
  if (!Array.isArray(w.items)) return w;
  const it = w.items[w.index] || null;
  return { id: w.id, title: w.title, code: w.code, join_url: w.join_url, index: w.index, count: w.items.length, revealed: !!w.revealed,
    tally: w.tally, item: it && { title: it.title, type: it.type, text: it.text }, score: w.revealed && it ? it.score : null };
}

// onWorkshop takes a `workshop` event. The session's end brings the room
// back to its own screen, asked for afresh.
function onWorkshop(data) {
  const was = view.workshop;
  view.workshop = roomWorkshop(data);
  if (!view.state) return;
  if (!view.workshop && was) { api("kiosk", undefined, { quiet: true }).then((st) => { if (st) { view.state = null; render(st); } }); }
  if (!!was !== !!view.workshop) render({ ...view.state, workshop: view.workshop });
  else if (view.workshop) showWorkshop();
}

// showWorkshop fills the workshop screen: what is on, the live tally and,
// once revealed, the customer's score beside it; the QR code and the code.
function showWorkshop() {
  const w = view.workshop;
  if (!w) return;
  $("ws-title").textContent = w.title || "";
  const it = w.item;
  $("ws-pos").textContent = it && w.count ? t("wsPos", w.index + 1, w.count) : "";
  $("ws-kind").textContent = it ? (it.type === "verbatim" ? t("wsVerbatim") : t("wsNow")) : "";
  $("ws-item").textContent = it ? (it.title || "") : t("wsWaiting");
  const text = $("ws-text");
  text.hidden = !(it && it.type === "verbatim" && it.text);
  if (!text.hidden) masked(text, it.text); else text.replaceChildren();
  $("ws-votes").hidden = !it;
  const score = w.revealed && typeof w.score === "number" ? w.score : null;
  renderTally($("ws-tally"), w.tally, { score, lang });
  $("ws-real").hidden = score === null;
  if (score !== null) {
    $("ws-score").replaceChildren(String(score), el("small", "", " / 10"));
    $("ws-score").setAttribute("aria-label", `${score} ${t("outOf")}`);
    $("ws-gap").textContent = w.tally && w.tally.count ? t("wsAvg", fmtAvg(w.tally.avg, lang)) : "";
  }
  const qr = $("ws-qr");
  const src = w.code ? `/api/join/${encodeURIComponent(w.code)}/qr.png` : "";
  if (qr.getAttribute("src") !== src) { if (src) qr.src = src; else qr.removeAttribute("src"); }
  qr.alt = t("wsQR");
  $("ws-code").textContent = w.code || "";
  $("ws-url").textContent = (w.join_url || "").replace(/^https?:\/\//, "").replace(/\?.*$/, "");
}

// Taps: one listener for the whole page, so nothing depends on hover.
document.addEventListener("click", (ev) => {
  const target = ev.target instanceof Element ? ev.target : null;
  if (!target) return;
  if (view.workshop && !target.closest(".notice")) return; // the workshop's screen only shows; the facilitator drives
  if (view.state && shownScreen() === "closed" && !target.closest(".notice")) return; // closed: nothing to start
  if (view.state && view.state.screen === "attract" && !target.closest(".notice")) { act("wake"); return; }
  if (target.closest("#progress")) {
    const r = $("progress").getBoundingClientRect();
    const dur = (view.player && view.player.duration_ms) || (view.state.call && view.state.call.duration_ms) || 0;
    seekTo(((ev.clientX - r.left) / r.width) * dur);
    return;
  }
  const b = target.closest("button");
  if (!b) return;
  const a = b.dataset.act;
  if (a === "lang") act("lang", { lang: lang === "fr" ? "en" : "fr" });
  else if (a === "wake") act("here");
  else if (a === "dismiss") $("notice").hidden = true;
  else if (a === "clear") { view.mood = ""; view.topic = ""; renderHome(); }
  else if (a) act(a);
  else if (b.dataset.call) {
    if (view.state && view.state.sound_ok === false) toast(friendlyError("unavailable", lang));
    else act("listen", { recording_id: Number(b.dataset.call) });
  } else if (b.dataset.seek !== undefined) seekTo(Number(b.dataset.seek));
  else if (b.dataset.vol) volumeStep(Number(b.dataset.vol));
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
  } else if (b.dataset.more) {
    const p = $(b.dataset.more);
    const open = p.classList.toggle("open");
    b.setAttribute("aria-expanded", String(open));
    b.textContent = t(open ? "less" : "more");
  } else if (b.dataset.mood !== undefined) { view.mood = b.dataset.mood; renderHome(); }
  else if (b.dataset.topic !== undefined) { view.topic = b.dataset.topic; renderHome(); }
});

// Keys: the attract screen wakes from the keyboard; the progress bar and the
// 0-10 scale take the arrow keys.
document.addEventListener("keydown", (ev) => {
  const st = view.state;
  if (!st || view.workshop || shownScreen() === "closed") return;
  if (st.screen === "attract" && (ev.key === "Enter" || ev.key === " ")) { ev.preventDefault(); act("wake"); return; }
  if (ev.target === $("progress")) {
    const pos = view.player ? position(view.player) : 0;
    const d = { ArrowRight: 5000, ArrowUp: 5000, ArrowLeft: -5000, ArrowDown: -5000, PageUp: 30000, PageDown: -30000 }[ev.key];
    if (d) { ev.preventDefault(); seekTo(pos + d); }
    if (ev.key === "Home") { ev.preventDefault(); seekTo(0); }
    return;
  }
  const s = ev.target instanceof Element && ev.target.closest("#scale");
  if (s) {
    const bs = [...s.querySelectorAll("button")];
    const i = bs.indexOf(ev.target);
    const j = { ArrowRight: i + 1, ArrowUp: i + 1, ArrowLeft: i - 1, ArrowDown: i - 1, Home: 0, End: bs.length - 1 }[ev.key];
    if (j === undefined) return;
    ev.preventDefault();
    const k = Math.max(0, Math.min(bs.length - 1, j));
    bs.forEach((b, n) => { b.tabIndex = n === k ? 0 : -1; });
    bs[k].focus();
  }
});

// Presence: any touch, scroll or key on a visit counts, so a listener
// reading the transcript is never reset. Throttled; at once while the
// "still there?" prompt shows. "here" never wakes the attract loop.
let lastHere = 0;
function presence() {
  const st = view.state;
  if (!st || st.screen === "attract" || view.workshop) return;
  const now = Date.now();
  if (!st.still_there && now - lastHere < 5000) return;
  lastHere = now;
  api("kiosk/here", {}, { quiet: true }).then((s) => { if (s && s.screen) render(s); });
}
for (const type of ["pointerdown", "keydown", "wheel", "scroll"]) addEventListener(type, presence, { capture: true, passive: true });

// The live connection, shared with the other tabs of this origin (one holds
// the stream, the others hear it relayed: see /shared/events.js); it
// reconnects by itself. While away, a small mark says so and the attract
// loop keeps showing the quotes it has. body's data-stream says how this tab
// follows the room (leader, follower or solo), data-live whether it does.
let source = null;
let awayTimer = 0;
function connect() {
  source = events();
  source.on("open", () => {
    document.body.dataset.stream = source.mode;
    document.body.dataset.live = "1";
    view.online = true;
    clearTimeout(awayTimer);
    $("offline").hidden = true;
    document.body.classList.remove("offline");
    // The state as of now. A state pushed meanwhile may be newer than this
    // answer (the request left before it): render keeps the newest, by seq
    // within the server's boot, so a late answer never undoes a push.
    api("kiosk", undefined, { quiet: true }).then((st) => { if (st) render(st); });
    if (view.home) loadHome();
  });
  source.on("error", () => {
    document.body.dataset.live = "0";
    view.online = false;
    clearTimeout(awayTimer);
    awayTimer = setTimeout(() => {
      $("offline").hidden = false;
      document.body.classList.add("offline");
      if (!view.state) render({ screen: "attract", lang, seq: 0, sound_ok: true }); // never reached the server: show the loop
    }, 1200);
  });
  source.on("kiosk", (e) => render(JSON.parse(e.data)));
  source.on("player", (e) => { view.player = JSON.parse(e.data); follow(); });
  source.on("workshop", (e) => onWorkshop(JSON.parse(e.data)));
  source.on("library", () => {
    if (view.state && (view.state.screen === "home" || view.state.screen === "attract")) loadHome();
  });
}

// Leaving the page closes the stream at once, so reloads never pile up
// connections (a browser allows only six per server), and hands the lead on.
addEventListener("pagehide", () => { if (source) source.close(); });
addEventListener("resize", () => { if (view.state && view.state.screen === "attract") showAttract(false); });

function buildScale() {
  const s = $("scale");
  for (let i = 0; i <= 10; i++) {
    const b = el("button", "", String(i));
    b.type = "button";
    b.dataset.guess = i;
    b.tabIndex = i === 5 ? 0 : -1;
    s.append(b);
  }
}

async function pair() {
  const token = new URLSearchParams(location.search).get("pair");
  if (!token) return;
  history.replaceState(null, "", location.pathname);
  const ok = await api("kiosk/pair", { token }, { quiet: true });
  notice(t(ok ? "pairOK" : "pairFailed"));
}

async function start() {
  if (new URLSearchParams(location.search).has("hidecursor")) document.body.classList.add("no-cursor");
  buildScale();
  applyLang();
  await pair();
  // The state is asked for at once, not after the event stream opens: the
  // first screen shows one round trip after the script runs.
  api("kiosk", undefined, { quiet: true }).then((st) => { if (st && !view.state) render(st); });
  connect();
  loadHome().then(() => { if (view.state && view.state.screen === "attract") showAttract(false); });
  setInterval(() => { if (view.state && shownScreen() === "attract") rotateQuote(); }, 7000);
}
start();
