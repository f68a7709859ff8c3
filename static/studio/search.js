// Search over titles, transcripts, verbatims and tags (the server's FTS5:
// accents, case and prefixes do not matter; staff see every status). A call's
// hit opens its page at the matching cue.

import { el, fmtTime } from "/shared/dom.js";
import { api } from "./api.js";
import { t } from "./i18n.js";
import { $, markSnippet } from "./ui.js";

let last = "";

// open runs the query in the address (#/search?q=...).
export async function open(_arg, params) {
  const q = (params.get("q") || "").trim();
  last = q;
  $("search-q").value = q;
  $("search-title").textContent = t("resultsFor", q);
  $("search-hits").replaceChildren();
  $("search-none").hidden = true;
  if (!q) return;
  const hits = await api("search?q=" + encodeURIComponent(q));
  if (!hits || last !== q) return;
  render(hits);
}

function render(hits) {
  const ul = $("search-hits");
  ul.replaceChildren();
  for (const h of hits) {
    const li = el("li", "hit-row hit-" + h.type);
    const a = el("a", "hit-link");
    a.href = h.type === "recording" ? `#/call/${h.id}?at=${h.start_ms || 0}` : `#/library?verbatim=${h.id}`;
    a.dataset.type = h.type;
    a.dataset.id = h.id;
    const head = el("span", "hit-head");
    head.append(el("span", "kind-icon", h.type === "recording" ? "♪" : "❝"), el("span", "title", h.title || t("verbatim")));
    if (h.type === "recording") head.append(el("span", "muted small", " · " + fmtTime(h.start_ms)));
    const snip = el("span", "snippet");
    markSnippet(snip, h.snippet);
    a.append(head, snip);
    li.append(a);
    ul.append(li);
  }
  $("search-none").hidden = hits.length > 0;
}

// relabel re-runs the title in the new language.
export function relabel() { $("search-title").textContent = t("resultsFor", last); }
