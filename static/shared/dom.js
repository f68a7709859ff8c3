// Small DOM and formatting helpers shared by the pages that are ES modules
// (the studio). Text always goes in through textContent, never as HTML.

// el makes an element with an optional class and text.
export function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

// fmtTime shows milliseconds as m:ss, or m:ss.t with tenths.
export function fmtTime(ms, tenths) {
  const total = Math.max(0, ms || 0) / 1000;
  const s = Math.floor(total);
  const out = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  return tenths ? `${out}.${Math.floor((total - s) * 10)}` : out;
}

// markFindings appends text to parent with each finding wrapped in a <mark>
// carrying its kind. Offsets are in runes (code points), as the server sends
// them; overlapping findings keep the first.
export function markFindings(parent, text, findings, label) {
  const runes = Array.from(text || "");
  let at = 0;
  for (const f of [...(findings || [])].sort((a, b) => a.start - b.start)) {
    if (f.start < at || f.end <= f.start || f.start >= runes.length) continue;
    if (f.start > at) parent.append(runes.slice(at, f.start).join(""));
    const m = el("mark", "finding kind-" + f.kind, runes.slice(f.start, f.end).join(""));
    m.dataset.kind = f.kind;
    m.title = label ? label(f.kind) : f.kind;
    parent.append(m, el("span", "kind", label ? label(f.kind) : f.kind));
    at = Math.min(f.end, runes.length);
  }
  if (at < runes.length) parent.append(runes.slice(at).join(""));
}
