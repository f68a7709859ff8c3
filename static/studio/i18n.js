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
    tabQueue: "Relecture", tabLibrary: "Bibliothèque", tabPlaylists: "Playlists", tabProgramme: "Programme", tabTags: "Tags",
    tabRetention: "Conservation", tabResonance: "Ce qui touche", tabUploads: "Importer", tabAdmin: "Comptes et appareils",
    searchPlaceholder: "Rechercher (titres, transcriptions, verbatims, tags)",
    allKinds: "Appels et verbatims", calls: "Appels", verbatims: "Verbatims", anyStatus: "Tous statuts", anyTopic: "Tous thèmes",
    anyProduct: "Tous produits", anyChannel: "Tous canaux", anySentiment: "Tout sentiment", anyTag: "Tous tags",
    expiringSoon: "expire sous 30 jours", filterText: "Filtrer le texte", resetFilters: "Effacer les filtres", addTag: "Ajouter le tag",
    addToPlaylist: "Ajouter à la playlist", extendTo: "Conserver jusqu'au", title: "Titre", status: "Statut", product: "Produit",
    tags: "Tags", expires: "Expire le",
    shownSelected: (n, total, sel) => `${n} sur ${total} affiché${n > 1 ? "s" : ""} · ${sel} sélectionné${sel > 1 ? "s" : ""}`,
    verbatimsNoTags: "Les verbatims ne portent pas de tags : seuls les appels ont été tagués.", taggedN: (n) => `${n} appel${n > 1 ? "s" : ""} tagué${n > 1 ? "s" : ""}.`,
    approvedItemsN: (n) => `${n} élément${n > 1 ? "s" : ""} approuvé${n > 1 ? "s" : ""} (les appels sont rendus en arrière-plan).`,
    rejectedItemsN: (n) => `${n} élément${n > 1 ? "s" : ""} refusé${n > 1 ? "s" : ""}.`, pickPlaylist: "Choisissez une playlist.",
    addedToPlaylist: (n, name) => `${n} élément${n > 1 ? "s" : ""} ajouté${n > 1 ? "s" : ""} à « ${name} ».`, pickDate: "Choisissez une date.",
    verbatimsNoExpiry: "L'expiration d'un verbatim ne se change pas : seuls les appels ont été prolongés.",
    extendedN: (n) => `${n} appel${n > 1 ? "s" : ""} conservé${n > 1 ? "s" : ""} plus longtemps.`, selectFirst: "Sélectionnez d'abord des éléments.",
    backLibrary: "← Bibliothèque", startHere: "[ Début ici", endHere: "Fin ici ]", playSelection: "▶ Écouter l'extrait",
    clipHint: "Glissez sur la forme d'onde pour choisir un extrait, ou placez la tête de lecture et utilisez « Début ici » / « Fin ici ».",
    newClip: "Nouvel extrait", saveClip: "Enregistrer l'extrait", clipsOfCall: "Extraits de cet appel", callDetails: "Fiche de l'appel",
    none: "—", saveDetails: "Enregistrer la fiche", clipThisCue: "Extraire", noClips: "Aucun extrait.", noSelection: "aucune sélection",
    clipSaved: (title) => `Extrait « ${title} » enregistré.`, detailsSaved: "Fiche enregistrée.",
    newManual: "+ Manuelle", newRule: "+ À règle", playlistName: "Nom de la playlist", m3u: "Exporter en M3U", delete: "Supprimer",
    verbatimSeconds: "Durée d'affichage d'un verbatim (s)", dragOrder: "Glissez les éléments (ou ↑ ↓) pour les ordonner.",
    emptyPlaylist: "Playlist vide : ajoutez des appels, des extraits ou des verbatims.", add: "Ajouter",
    roomOnlyNote: "La playlist montre ce que la salle peut voir : seuls les éléments approuvés y figurent.",
    scoreMin: "Note min.", scoreMax: "Note max.", from: "Du", to: "Au", ruleBadge: "à règle", manualBadge: "manuelle",
    itemsN: (n) => `${n} élément${n > 1 ? "s" : ""}`, noPlaylists: "Aucune playlist.", recording: "appel", clip: "extrait", verbatim: "verbatim",
    remove: "Retirer", matchingCalls: (n) => `${n} appel${n > 1 ? "s" : ""} approuvé${n > 1 ? "s" : ""} correspond${n > 1 ? "ent" : ""} à la règle`,
    confirmDelete: (name) => `Supprimer la playlist « ${name} » ?`, playlistSaved: (name, n) => `Playlist « ${name} » enregistrée (${n} élément${n > 1 ? "s" : ""}).`,
    addSlot: "Ajouter une plage", day: "Jour", until: "Jusqu'à", playlist: "Playlist", addSlotBtn: "Ajouter la plage", slots: "Plages",
    saveProgramme: "Enregistrer le programme", nowInRoom: "Maintenant dans la salle", everyDay: "Tous les jours",
    weekday: (d) => ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"][d],
    weekdayShort: (d) => ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."][d], noSlots: "Aucune plage : la salle montre tous les appels approuvés.",
    unsaved: "Modifications non enregistrées", nowPlaylist: (when, name) => `${when} : la salle montre « ${name} ».`,
    nowAll: (when) => `${when} : aucune plage, la salle montre tous les appels approuvés.`,
    previewUnsaved: "Aperçu du programme affiché, pas encore enregistré.", previewClock: "Calculé avec l'heure de cet ordinateur ; la salle suit sa propre horloge.",
    emptyNow: "La playlist n'a rien à montrer maintenant.", emptySlot: "Une plage ne peut pas finir quand elle commence.", programmeSaved: "Programme enregistré : la salle le suit.",
    resultsFor: (q) => `Résultats pour « ${q} »`, noHits: "Aucun résultat.",
    kind: "Type", labelFr: "Libellé français", labelEn: "Libellé anglais", enabled: "Actif", uses: "Emplois", newTag: "Nouveau tag",
    createTag: "Créer le tag", learned: "Thèmes et produits appris des imports", kind_tag_free: "libre", kind_tag_attitude: "attitude de service",
    kind_tag_lever: "levier de fidélité", tagSaved: (l) => `Tag « ${l} » enregistré.`,
    expiringList: "Expirent bientôt", within30: "sous 30 jours", within90: "sous 90 jours", within365: "sous un an",
    retentionNote: "Un appel peut être conservé jusqu'au maximum fixé par l'administrateur ; au-delà, le serveur refuse et dit jusqu'à quand.",
    callDate: "Date de l'appel", keepUntil: "Conserver jusqu'au", noneExpiring: "Rien n'expire dans ce délai.", extend: "Prolonger",
    keptUntil: (title, d) => `« ${title} » conservé jusqu'au ${d}.`,
    resonanceNote: "Des totaux seulement : aucune écoute n'est rattachée à une personne.", plays: "Écoutes", completions: "Jusqu'au bout",
    touched: "Touché", idea: "Une idée", unacceptable: "Inacceptable", guesses: "Notes devinées", avgGap: "Écart moyen",
    dropHere: "Déposez ici des fichiers ou des dossiers : audio, transcriptions (.vtt, .srt), fiches (.json), verbatims (.csv).",
    chooseFiles: "Choisir des fichiers", chooseFolder: "Choisir un dossier", file: "Fichier", size: "Taille", progress: "Envoi", result: "Résultat",
    up_queued: "en attente", up_sending: "envoi…", up_sent: "reçu, import en cours…", up_attached: "joint à son enregistrement", up_imported: "importé, à relire",
    up_duplicate: "doublon, déjà dans la bibliothèque", up_rejected: "refusé, mis en quarantaine", up_failed: "échec de l'envoi",
    users: "Comptes", role: "Rôle", disabled: "Désactivé", newPassword: "Nouveau mot de passe", addUser: "Ajouter un compte",
    role_curator: "curateur", role_facilitator: "animateur", role_admin: "administrateur", adminOnly: "Seul un administrateur gère les comptes.",
    devices: "Appareils appairés", pairDevice: "Appairer une tablette", deviceLabel: "Nom de l'appareil", makeCode: "Créer un code",
    openOnTablet: "Ouvrez ce lien sur la tablette :", code: "Code", reset: "Changer", revoke: "Révoquer", noDevices: "Aucun appareil appairé.",
    passwordShort: "Un mot de passe a au moins 8 caractères.", passwordReset: (n) => `Mot de passe de ${n} changé.`, revoked: "Appareil révoqué.",
    roleChanged: (n) => `Rôle de ${n} changé.`, userDisabled: (n) => `Compte ${n} désactivé.`, userEnabled: (n) => `Compte ${n} réactivé.`,
    userAdded: (n) => `Compte ${n} ajouté.`, pairExpires: (h) => `Valable jusqu'à ${h}.`,
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
    tabQueue: "Review", tabLibrary: "Library", tabPlaylists: "Playlists", tabProgramme: "Programme", tabTags: "Tags",
    tabRetention: "Retention", tabResonance: "What resonates", tabUploads: "Import", tabAdmin: "Accounts and devices",
    searchPlaceholder: "Search (titles, transcripts, verbatims, tags)",
    allKinds: "Calls and verbatims", calls: "Calls", verbatims: "Verbatims", anyStatus: "Any status", anyTopic: "Any topic",
    anyProduct: "Any product", anyChannel: "Any channel", anySentiment: "Any sentiment", anyTag: "Any tag",
    expiringSoon: "expires within 30 days", filterText: "Filter the text", resetFilters: "Clear filters", addTag: "Add the tag",
    addToPlaylist: "Add to the playlist", extendTo: "Keep until", title: "Title", status: "Status", product: "Product",
    tags: "Tags", expires: "Expires",
    shownSelected: (n, total, sel) => `${n} of ${total} shown · ${sel} selected`,
    verbatimsNoTags: "Verbatims carry no tags: only the calls were tagged.", taggedN: (n) => `${n} call${n > 1 ? "s" : ""} tagged.`,
    approvedItemsN: (n) => `${n} item${n > 1 ? "s" : ""} approved (calls render in the background).`,
    rejectedItemsN: (n) => `${n} item${n > 1 ? "s" : ""} rejected.`, pickPlaylist: "Choose a playlist.",
    addedToPlaylist: (n, name) => `${n} item${n > 1 ? "s" : ""} added to "${name}".`, pickDate: "Choose a date.",
    verbatimsNoExpiry: "A verbatim's expiry cannot be changed: only the calls were extended.",
    extendedN: (n) => `${n} call${n > 1 ? "s" : ""} kept longer.`, selectFirst: "Select some items first.",
    backLibrary: "← Library", startHere: "[ Start here", endHere: "End here ]", playSelection: "▶ Play the clip",
    clipHint: "Drag on the waveform to choose a clip, or place the playhead and use \u201cStart here\u201d / \u201cEnd here\u201d.",
    newClip: "New clip", saveClip: "Save the clip", clipsOfCall: "Clips of this call", callDetails: "Call details",
    none: "—", saveDetails: "Save the details", clipThisCue: "Clip it", noClips: "No clip yet.", noSelection: "nothing selected",
    clipSaved: (title) => `Clip "${title}" saved.`, detailsSaved: "Details saved.",
    newManual: "+ Manual", newRule: "+ Rule", playlistName: "Playlist name", m3u: "Export as M3U", delete: "Delete",
    verbatimSeconds: "How long a verbatim shows (s)", dragOrder: "Drag the items (or ↑ ↓) to order them.",
    emptyPlaylist: "Empty playlist: add calls, clips or verbatims.", add: "Add",
    roomOnlyNote: "The playlist shows what the room may see: approved items only.",
    scoreMin: "Min. score", scoreMax: "Max. score", from: "From", to: "To", ruleBadge: "rule", manualBadge: "manual",
    itemsN: (n) => `${n} item${n > 1 ? "s" : ""}`, noPlaylists: "No playlist yet.", recording: "call", clip: "clip", verbatim: "verbatim",
    remove: "Remove", matchingCalls: (n) => `${n} approved call${n > 1 ? "s" : ""} match${n > 1 ? "" : "es"} the rule`,
    confirmDelete: (name) => `Delete the playlist "${name}"?`, playlistSaved: (name, n) => `Playlist "${name}" saved (${n} item${n > 1 ? "s" : ""}).`,
    addSlot: "Add a time slot", day: "Day", until: "Until", playlist: "Playlist", addSlotBtn: "Add the slot", slots: "Time slots",
    saveProgramme: "Save the programme", nowInRoom: "Now in the room", everyDay: "Every day",
    weekday: (d) => ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"][d],
    weekdayShort: (d) => ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][d], noSlots: "No slot: the room shows every approved call.",
    unsaved: "Unsaved changes", nowPlaylist: (when, name) => `${when}: the room shows "${name}".`,
    nowAll: (when) => `${when}: no slot, the room shows every approved call.`,
    previewUnsaved: "Preview of the programme on screen, not saved yet.", previewClock: "Computed with this computer's clock; the room follows its own.",
    emptyNow: "The playlist has nothing to show now.", emptySlot: "A slot cannot end when it starts.", programmeSaved: "Programme saved: the room follows it.",
    resultsFor: (q) => `Results for "${q}"`, noHits: "No result.",
    kind: "Kind", labelFr: "French label", labelEn: "English label", enabled: "On", uses: "Uses", newTag: "New tag",
    createTag: "Create the tag", learned: "Topics and products learned from imports", kind_tag_free: "free", kind_tag_attitude: "service attitude",
    kind_tag_lever: "loyalty lever", tagSaved: (l) => `Tag "${l}" saved.`,
    expiringList: "Expiring soon", within30: "within 30 days", within90: "within 90 days", within365: "within a year",
    retentionNote: "A call may be kept up to the maximum the admin set; beyond it the server refuses and says until when.",
    callDate: "Call date", keepUntil: "Keep until", noneExpiring: "Nothing expires within that time.", extend: "Extend",
    keptUntil: (title, d) => `"${title}" kept until ${d}.`,
    resonanceNote: "Totals only: no listening is tied to a person.", plays: "Plays", completions: "Heard to the end",
    touched: "Touched", idea: "An idea", unacceptable: "Unacceptable", guesses: "Score guesses", avgGap: "Average gap",
    dropHere: "Drop files or folders here: audio, transcripts (.vtt, .srt), details (.json), verbatims (.csv).",
    chooseFiles: "Choose files", chooseFolder: "Choose a folder", file: "File", size: "Size", progress: "Upload", result: "Result",
    up_queued: "waiting", up_sending: "sending…", up_sent: "received, importing…", up_attached: "attached to its recording", up_imported: "imported, to review",
    up_duplicate: "duplicate, already in the library", up_rejected: "refused, quarantined", up_failed: "upload failed",
    users: "Accounts", role: "Role", disabled: "Disabled", newPassword: "New password", addUser: "Add an account",
    role_curator: "curator", role_facilitator: "facilitator", role_admin: "admin", adminOnly: "Only an admin manages accounts.",
    devices: "Paired devices", pairDevice: "Pair a tablet", deviceLabel: "Device name", makeCode: "Make a code",
    openOnTablet: "Open this link on the tablet:", code: "Code", reset: "Change", revoke: "Revoke", noDevices: "No paired device.",
    passwordShort: "A password has at least 8 characters.", passwordReset: (n) => `${n}'s password changed.`, revoked: "Device revoked.",
    roleChanged: (n) => `${n}'s role changed.`, userDisabled: (n) => `Account ${n} disabled.`, userEnabled: (n) => `Account ${n} enabled again.`,
    userAdded: (n) => `Account ${n} added.`, pairExpires: (h) => `Valid until ${h}.`,
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
