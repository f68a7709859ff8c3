// The workshop's tally, drawn the same way on the room's screen, the
// participants' phones, the facilitator's tablet and the printed report:
// how many voted, their mean, and one bar per score from 0 to 10, with the
// customer's real score marked once the facilitator reveals it. The numbers
// are text in the page (a screen reader reads them; print keeps them).
import { el } from "/shared/dom.js";

const WORDS = {
  fr: { votes: (n) => `${n} vote${n > 1 ? "s" : ""}`, avg: "moyenne", none: "Pas encore de vote", real: "note du client",
    bar: (s, n) => `${s} : ${n} vote${n > 1 ? "s" : ""}` },
  en: { votes: (n) => `${n} vote${n === 1 ? "" : "s"}`, avg: "average", none: "No vote yet", real: "customer's score",
    bar: (s, n) => `${s}: ${n} vote${n === 1 ? "" : "s"}` },
};

/** fmtAvg shows a mean with one decimal in lang ("6,5" in French). */
export function fmtAvg(x, lang) {
  return new Intl.NumberFormat(lang === "en" ? "en-GB" : "fr-FR", { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(x || 0);
}

/**
 * renderTally fills box with a tally ({count, avg, dist: [11 counts]}):
 * a summary line and a bar chart of the distribution. score, when a number,
 * is the customer's real score: its bar is marked and named.
 */
export function renderTally(box, tally, { score = null, lang = "fr" } = {}) {
  const w = WORDS[lang] || WORDS.fr;
  const count = (tally && tally.count) || 0;
  const dist = (tally && Array.isArray(tally.dist) ? tally.dist : []).slice(0, 11);
  while (dist.length < 11) dist.push(0);
  const top = Math.max(1, ...dist);
  box.classList.add("tally");
  const sum = el("p", "tally-sum");
  const n = el("span", "tally-count", w.votes(count));
  sum.append(n);
  if (count > 0) sum.append(el("span", "tally-avg", `${w.avg} ${fmtAvg(tally.avg, lang)}`));
  else sum.append(el("span", "tally-avg muted", w.none));
  const bars = el("ol", "tally-bars");
  const real = typeof score === "number" ? score : null;
  dist.forEach((c, s) => {
    const li = el("li", "tally-col" + (s === real ? " real" : ""));
    li.dataset.score = s;
    li.setAttribute("aria-label", w.bar(s, c) + (s === real ? ` (${w.real})` : ""));
    const bar = el("span", "tally-bar");
    bar.style.height = `${Math.round((100 * c) / top)}%`;
    const slot = el("span", "tally-slot");
    slot.append(bar);
    li.append(el("span", "tally-n", c ? String(c) : ""), slot, el("span", "tally-s", String(s)));
    bars.append(li);
  });
  box.replaceChildren(sum, bars);
  box.dataset.count = String(count);
}
