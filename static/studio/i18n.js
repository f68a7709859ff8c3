// The studio's words, French first and English. t(key, ...args) looks a key
// up in the current language; a function entry takes arguments (counts).
// The language comes from ?lang=, then the last choice, then the browser.

const DICT = {
  fr: {
    studio: "Studio", loginTitle: "Connexion au studio", name: "Nom", password: "Mot de passe", login: "Se connecter",
    badLogin: "Nom ou mot de passe incorrect.", logout: "Se déconnecter", loggedOut: "Vous avez été déconnecté.",
    pendingCalls: "Appels à relire", pendingVerbatims: "Verbatims à relire", quarantine: "Quarantaine",
    noCalls: "Aucun appel en attente.", noVerbatims: "Aucun verbatim en attente.", noQuarantine: "Aucun fichier en quarantaine.",
    findingsN: (n) => n === 0 ? "aucune donnée personnelle" : `${n} donnée${n > 1 ? "s" : ""} personnelle${n > 1 ? "s" : ""}`,
    waiting: (n) => `${n} élément${n > 1 ? "s" : ""} en attente de relecture`,
    libraryEvent: (status, id) => `Bibliothèque : ${({ imported: "importé", duplicate: "doublon ignoré", approved: "approuvé", rejected: "refusé", pending: "remis en relecture", quarantined: "mis en quarantaine" })[status] || status}${id ? " (n° " + id + ")" : ""}`,
    approve: "Approuver", reject: "Refuser", reason: "Motif du refus", reasonNeeded: "Indiquez un motif de refus.",
    approveSelected: "Approuver la sélection", selectAll: "Tout sélectionner", maskedAs: "Dans la salle :",
    back: "← File d'attente", topic: "Thème", sentiment: "Sentiment", score: "Note", duration: "Durée", channel: "Canal",
    date: "Date", source: "Fichier source", findings: "Données personnelles",
    play: "▶ Lecture", pause: "❚❚ Pause", original: "Original", preview: "Aperçu anonymisé", listen: "Écouter :",
    addRange: "+ Masquer ici", ranges: "Plages masquées", noRanges: "Aucune plage masquée.", deleteRange: "Supprimer la plage",
    dragHint: "Glissez sur la forme d'onde pour masquer une plage ; tirez ses bords pour l'ajuster.",
    saved: "Plages enregistrées.", saving: "Enregistrement…", transcript: "Transcription", edit: "Modifier",
    save: "Enregistrer", cancel: "Annuler", transcriptSaved: "Transcription enregistrée, données personnelles détectées à nouveau.",
    decision: "Décision", withdraw: "Retirer de la salle", rendering: "Rendu de la version anonymisée…", renderDone: "Approuvé : la salle peut l'écouter.",
    renderFailed: "Le rendu a échoué : ", rejected: "Refusé.", approvedN: (n) => `${n} verbatim${n > 1 ? "s" : ""} approuvé${n > 1 ? "s" : ""}.`,
    originalGone: "L'original a été supprimé après le délai de grâce.", agent: "Conseiller", client: "Client",
    status_pending: "à relire", status_approved: "approuvé", status_rejected: "refusé",
    negatif: "négatif", neutre: "neutre", positif: "positif",
    kind_email: "e-mail", kind_phone: "téléphone", kind_iban: "IBAN", kind_card: "carte", kind_nir: "n° de sécurité sociale",
    kind_name: "nom", kind_address: "adresse", kind_custom: "autre", offline: "Connexion perdue, reconnexion…",
  },
  en: {
    studio: "Studio", loginTitle: "Sign in to the studio", name: "Name", password: "Password", login: "Sign in",
    badLogin: "Wrong name or password.", logout: "Sign out", loggedOut: "You have been signed out.",
    pendingCalls: "Calls to review", pendingVerbatims: "Verbatims to review", quarantine: "Quarantine",
    noCalls: "No call waiting.", noVerbatims: "No verbatim waiting.", noQuarantine: "No file in quarantine.",
    findingsN: (n) => n === 0 ? "no personal data" : `${n} personal data finding${n > 1 ? "s" : ""}`,
    waiting: (n) => `${n} item${n > 1 ? "s" : ""} waiting for review`,
    libraryEvent: (status, id) => `Library: ${({ duplicate: "duplicate skipped", pending: "back to review" })[status] || status}${id ? " (#" + id + ")" : ""}`,
    approve: "Approve", reject: "Reject", reason: "Reason for rejecting", reasonNeeded: "Give a reason for rejecting.",
    approveSelected: "Approve selected", selectAll: "Select all", maskedAs: "In the room:",
    back: "← Queue", topic: "Topic", sentiment: "Sentiment", score: "Score", duration: "Duration", channel: "Channel",
    date: "Date", source: "Source file", findings: "Personal data",
    play: "▶ Play", pause: "❚❚ Pause", original: "Original", preview: "Anonymized preview", listen: "Listen to:",
    addRange: "+ Redact here", ranges: "Redacted ranges", noRanges: "No redacted range.", deleteRange: "Delete the range",
    dragHint: "Drag on the waveform to redact a range; pull its edges to adjust it.",
    saved: "Ranges saved.", saving: "Saving…", transcript: "Transcript", edit: "Edit",
    save: "Save", cancel: "Cancel", transcriptSaved: "Transcript saved, personal data detected again.",
    decision: "Decision", withdraw: "Withdraw from the room", rendering: "Rendering the anonymized version…", renderDone: "Approved: the room can play it.",
    renderFailed: "Rendering failed: ", rejected: "Rejected.", approvedN: (n) => `${n} verbatim${n > 1 ? "s" : ""} approved.`,
    originalGone: "The original was deleted after the grace period.", agent: "Agent", client: "Customer",
    status_pending: "to review", status_approved: "approved", status_rejected: "rejected",
    negatif: "negative", neutre: "neutral", positif: "positive",
    kind_email: "e-mail", kind_phone: "phone", kind_iban: "IBAN", kind_card: "card", kind_nir: "social security no.",
    kind_name: "name", kind_address: "address", kind_custom: "other", offline: "Connection lost, reconnecting…",
  },
};

function initialLang() {
  const asked = new URLSearchParams(location.search).get("lang");
  if (asked in DICT) return asked;
  const kept = localStorage.getItem("studio.lang");
  if (kept in DICT) return kept;
  for (const l of navigator.languages || [navigator.language || ""]) {
    const short = l.slice(0, 2).toLowerCase();
    if (short in DICT) return short;
  }
  return "fr";
}

let lang = initialLang();

// t is the text for key in the current language.
export const t = (k, ...a) => { const v = DICT[lang][k] ?? DICT.fr[k] ?? k; return typeof v === "function" ? v(...a) : v; };

// kindLabel names a kind of personal data.
export const kindLabel = (kind) => t("kind_" + kind);

export const getLang = () => lang;

// setLang switches language, remembers it, and relabels every data-i18n
// element (data-i18n-placeholder for inputs).
export function setLang(l) {
  lang = l in DICT ? l : "fr";
  localStorage.setItem("studio.lang", lang);
  document.documentElement.lang = lang;
  document.querySelectorAll("[data-i18n]").forEach((e) => { e.textContent = t(e.dataset.i18n); });
  document.querySelectorAll("[data-i18n-placeholder]").forEach((e) => { e.placeholder = t(e.dataset.i18nPlaceholder); });
  document.querySelectorAll(".lang").forEach((b) => { b.textContent = lang === "fr" ? "EN" : "FR"; });
}
