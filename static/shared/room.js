// Helpers every page facing the room shares: what a listener may read when
// the server refuses something, and masked transcript text as parts.

// ERRORS maps the server's error codes ({"error","code"}) to short messages
// in the room's language that say what to do. The server's own text never
// reaches a listener: it goes to the log.
const ERRORS = {
  fr: {
    not_found: "Cet appel n'est plus disponible. Choisissez-en un autre.",
    invalid: "Cette action n'a pas fonctionné. Réessayez.",
    conflict: "L'écran a changé entre-temps. Réessayez.",
    unauthorized: "Cet appareil ne peut pas piloter la salle. Demandez à l'équipe CX.",
    forbidden: "Cet appareil ne peut pas piloter la salle. Demandez à l'équipe CX.",
    unavailable: "Le son est indisponible pour le moment. L'équipe CX est prévenue.",
    too_many: "Doucement : réessayez dans un instant.",
    internal: "Un problème est survenu. Réessayez dans un instant.",
    network: "La connexion est coupée. Réessayez dans un instant.",
  },
  en: {
    not_found: "This call is no longer available. Choose another one.",
    invalid: "That did not work. Try again.",
    conflict: "The screen changed in the meantime. Try again.",
    unauthorized: "This device cannot control the room. Ask the CX team.",
    forbidden: "This device cannot control the room. Ask the CX team.",
    unavailable: "The sound is unavailable for now. The CX team has been told.",
    too_many: "Easy: try again in a moment.",
    internal: "Something went wrong. Try again in a moment.",
    network: "The connection is down. Try again in a moment.",
  },
};

/** friendlyError is the listener's message for an error code, in lang. */
export function friendlyError(code, lang) {
  const d = ERRORS[lang] || ERRORS.fr;
  return d[code] || d.internal;
}

/** codeOf is the error code of a failed response: its body's code, else one from its status. */
export function codeOf(status, body) {
  if (body && typeof body.code === "string" && body.code) return body.code;
  return { 400: "invalid", 401: "unauthorized", 403: "forbidden", 404: "not_found", 409: "conflict", 429: "too_many", 503: "unavailable" }[status] || "internal";
}

const MASK = /\[([^\[\]\n]{1,40})\]/g;

/**
 * maskedParts splits masked text ("Bonjour [nom], …") into plain strings
 * and {label} objects, one per label the anonymizer put in brackets, so a
 * page can show each label as a chip instead of raw brackets.
 */
export function maskedParts(text) {
  const out = [];
  let last = 0;
  for (const m of String(text || "").matchAll(MASK)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push({ label: m[1] });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}
