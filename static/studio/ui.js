// What the studio's screens share: the toast, small form builders, and a
// cache of the lists several screens need (tags, playlists, the library),
// reloaded when a screen opens so it never shows stale choices for long.

import { el, showFor } from "/shared/dom.js";
import { api } from "./api.js";
import { t, getLang } from "./i18n.js";

export const $ = (id) => document.getElementById(id);

// toast shows a short message at the bottom of the page.
export function toast(msg) {
  const e = $("toast");
  e.textContent = msg;
  showFor(e, 3500);
}

// button makes a button carrying data-act and other data attributes.
export function button(text, act, data = {}, cls = "small") {
  const b = el("button", cls, text);
  b.type = "button";
  b.dataset.act = act;
  Object.assign(b.dataset, data);
  return b;
}

// fillSelect replaces a select's options with [value, text] pairs, first an
// "any" choice when the select has data-any (its i18n key), keeping the value.
export function fillSelect(sel, pairs) {
  const keep = sel.value;
  sel.replaceChildren();
  if (sel.dataset.any) {
    const o = el("option", "", t(sel.dataset.any));
    o.value = "";
    sel.append(o);
  }
  for (const [v, text] of pairs) {
    const o = el("option", "", text);
    o.value = String(v);
    sel.append(o);
  }
  if ([...sel.options].some((o) => o.value === keep)) sel.value = keep;
}

// distinct are the sorted non-empty values of key over items.
export const distinct = (items, key) => [...new Set(items.map((x) => x[key]).filter(Boolean))].sort((a, b) => a.localeCompare(b, "fr"));

// tagLabel is a tag's label in the current language.
export function tagLabel(tag) {
  if (!tag) return "";
  return (getLang() === "en" ? tag.label_en || tag.label_fr : tag.label_fr || tag.label_en) || tag.name;
}

// tagPicker fills box with one checkbox per enabled tag, checked when in chosen.
export function tagPicker(box, tags, chosen = []) {
  box.replaceChildren();
  for (const tg of tags.filter((x) => x.enabled || chosen.includes(x.name))) {
    const l = el("label", "tagchip " + tg.kind);
    const c = el("input");
    c.type = "checkbox";
    c.value = tg.name;
    c.checked = chosen.includes(tg.name);
    l.append(c, " " + tagLabel(tg));
    box.append(l);
  }
}

// picked are the checked tag names in a tagPicker box.
export const picked = (box) => [...box.querySelectorAll("input:checked")].map((c) => c.value);

// day is an RFC 3339 time as YYYY-MM-DD.
export const day = (iso) => (iso || "").slice(0, 10);

// endOfDay is a YYYY-MM-DD day's last second, local time, in RFC 3339.
export const endOfDay = (d) => new Date(d + "T23:59:59").toISOString();

// markSnippet appends a search snippet with [matches] in <mark>.
export function markSnippet(parent, s) {
  for (const [i, part] of (s || "").split(/\[([^\]]*)\]/).entries()) {
    if (i % 2) parent.append(el("mark", "hit", part)); else if (part) parent.append(part);
  }
}

// store caches lists several screens read.
export const store = {
  tags: [], playlists: [], recordings: [], verbatims: [], clips: [],
  async loadTags() { const x = await api("tags"); if (x) store.tags = x; return store.tags; },
  async loadPlaylists() { const x = await api("playlists"); if (x) store.playlists = x; return store.playlists; },
  async loadRecordings() { const x = await api("recordings?status=all"); if (x) store.recordings = x; return store.recordings; },
  async loadVerbatims() { const x = await api("verbatims?status=all"); if (x) store.verbatims = x; return store.verbatims; },
  async loadClips() { const x = await api("clips"); if (x) store.clips = x; return store.clips; },
};

// itemTitle names a recording, clip or verbatim for a list.
export function verbatimTitle(v) {
  const s = v.masked || v.text || "";
  return s.length > 70 ? s.slice(0, 68) + "…" : s;
}
