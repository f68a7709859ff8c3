// Tags: free tags and the presets (service attitudes, loyalty levers) a
// company may rename or switch off, in French and English; and the topics and
// products learned from imports, with how many calls carry each.

import { el } from "/shared/dom.js";
import { api } from "./api.js";
import { t } from "./i18n.js";
import { $, toast, button, store, distinct } from "./ui.js";

// open loads the tags and the library they describe.
export async function open() {
  await Promise.all([store.loadTags(), store.loadRecordings()]);
  render();
}

function render() {
  const body = $("tag-rows");
  body.replaceChildren();
  for (const tg of store.tags) {
    const tr = el("tr", "tag-row " + tg.kind);
    tr.dataset.name = tg.name;
    const input = (cls, v) => { const i = el("input", cls); i.value = v || ""; return i; };
    const on = el("input", "t-enabled");
    on.type = "checkbox";
    on.checked = tg.enabled;
    on.setAttribute("aria-label", t("enabled"));
    const cells = [el("td", "", t("kind_tag_" + tg.kind)), el("td", "mono", tg.name), el("td"), el("td"), el("td"), el("td", "num", tg.count), el("td")];
    cells[2].append(input("t-fr", tg.label_fr));
    cells[3].append(input("t-en", tg.label_en));
    cells[4].append(on);
    cells[6].append(button(t("save"), "tg-save", { name: tg.name }));
    tr.append(...cells);
    body.append(tr);
  }
  const ul = $("learned");
  ul.replaceChildren();
  for (const [key, label] of [["topic", t("topic")], ["product", t("product")]]) {
    for (const v of distinct(store.recordings, key)) {
      const n = store.recordings.filter((r) => r[key] === v).length;
      ul.append(el("li", "muted", `${label} · ${v} (${n})`));
    }
  }
}

// slug makes a tag's name from its French label: lower case, no accents, dashes.
const slug = (s) => s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");

async function save(tag) {
  const saved = await api("tags", "POST", tag);
  if (!saved) return;
  toast(t("tagSaved", getLabel(saved)));
  await store.loadTags();
  render();
}
const getLabel = (tg) => tg.label_fr || tg.name;

$("tags").addEventListener("click", (ev) => {
  const b = ev.target instanceof Element ? ev.target.closest("button") : null;
  if (!b || b.dataset.act !== "tg-save") return;
  const tr = b.closest("tr");
  save({ name: b.dataset.name, label_fr: tr.querySelector(".t-fr").value.trim(), label_en: tr.querySelector(".t-en").value.trim(),
    enabled: tr.querySelector(".t-enabled").checked });
});

$("tag-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const fr = $("nt-fr").value.trim();
  if (!slug(fr)) return;
  await save({ name: slug(fr), label_fr: fr, label_en: $("nt-en").value.trim() || fr, enabled: true });
  $("nt-fr").value = "";
  $("nt-en").value = "";
});

// relabel redraws after a language switch.
export function relabel() { render(); }
