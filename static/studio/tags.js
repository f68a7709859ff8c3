// Tags: free tags and the presets (service attitudes, loyalty levers) a
// company may rename or switch off, in French and English; and the topics and
// products learned from imports, with how many calls carry each.

import { el, keyedRows, setUnlessEdited } from "/shared/dom.js";
import { api } from "./api.js";
import { t } from "./i18n.js";
import { $, toast, button, store, distinct } from "./ui.js";

// open loads the tags and the library they describe. Coming back to the
// tab shows the server's labels again, not edits left unsaved.
export async function open() {
  await Promise.all([store.loadTags(), store.loadRecordings()]);
  for (const i of $("tag-rows").querySelectorAll("input")) delete i.dataset.was;
  render();
}

// render shows the tags, one row each, updated in place: a label being typed
// or a switch just flipped in one row survives a save in another.
function render() {
  keyedRows($("tag-rows"), store.tags, (tg) => tg.name, makeRow, fillRow);
  const ul = $("learned");
  ul.replaceChildren();
  for (const [key, label] of [["topic", t("topic")], ["product", t("product")]]) {
    for (const v of distinct(store.recordings, key)) {
      const n = store.recordings.filter((r) => r[key] === v).length;
      ul.append(el("li", "muted", `${label} · ${v} (${n})`));
    }
  }
}

function makeRow(tg) {
  const tr = el("tr", "tag-row");
  tr.dataset.name = tg.name;
  const on = el("input", "t-enabled");
  on.type = "checkbox";
  const cells = [el("td", "tag-kind"), el("td", "mono", tg.name), el("td"), el("td"), el("td"), el("td", "num"), el("td")];
  cells[2].append(el("input", "t-fr"));
  cells[3].append(el("input", "t-en"));
  cells[4].append(on);
  cells[6].append(button("", "tg-save", { name: tg.name }));
  tr.append(...cells);
  return tr;
}

function fillRow(tr, tg) {
  tr.className = "tag-row " + tg.kind;
  tr.querySelector(".tag-kind").textContent = t("kind_tag_" + tg.kind);
  tr.querySelector(".t-fr").setAttribute("aria-label", `${t("labelFr")} · ${tg.name}`);
  tr.querySelector(".t-en").setAttribute("aria-label", `${t("labelEn")} · ${tg.name}`);
  tr.querySelector(".t-enabled").setAttribute("aria-label", `${t("enabled")} · ${tg.name}`);
  setUnlessEdited(tr.querySelector(".t-fr"), tg.label_fr);
  setUnlessEdited(tr.querySelector(".t-en"), tg.label_en);
  const on = tr.querySelector(".t-enabled");
  setUnlessEdited(on, tg.enabled);
  on.setAttribute("aria-label", t("enabled"));
  tr.querySelector(".num").textContent = tg.count;
  tr.querySelector('[data-act="tg-save"]').textContent = t("save");
}

// slug makes a tag's name from its French label: lower case, no accents, dashes.
const slug = (s) => s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");

async function save(tag) {
  const saved = await api("tags", "POST", tag);
  if (!saved) return;
  toast(t("tagSaved", getLabel(saved)));
  await store.loadTags();
  // The saved row shows what the server kept (labels trimmed), edited no more.
  const tr = [...$("tag-rows").children].find((x) => x.dataset.name === saved.name);
  if (tr) for (const i of tr.querySelectorAll("input")) delete i.dataset.was;
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
