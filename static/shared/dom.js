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

// keyedRows makes parent's children one node per item, in order, keeping the
// node already there for an item's key: a list refreshed after a fetch does
// not swap the row someone is typing in, or is about to click, for a copy.
// make(item) builds a new node; fill(node, item) brings a node up to date.
// Children that are not rows (an "empty" line) are removed.
export function keyedRows(parent, items, keyOf, make, fill) {
  const old = rowsOf(parent);
  place(parent, items.map((it) => {
    const k = String(keyOf(it));
    let n = old.get(k);
    old.delete(k);
    if (!n) {
      n = make(it);
      n.dataset.row = k;
    }
    fill(n, it);
    return n;
  }));
}

// keepRows is keyedRows for rows drawn whole by build(item): a row whose
// drawing did not change (same markup) keeps its node.
export function keepRows(parent, items, keyOf, build) {
  const old = rowsOf(parent);
  place(parent, items.map((it) => {
    const n = build(it);
    n.dataset.row = String(keyOf(it));
    const was = old.get(n.dataset.row);
    return was && was.isEqualNode(n) ? was : n;
  }));
}

function rowsOf(parent) {
  const m = new Map();
  for (const n of parent.children) if (n.dataset.row !== undefined) m.set(n.dataset.row, n);
  return m;
}

// place makes nodes parent's children, moving only those out of place.
function place(parent, nodes) {
  let next = parent.firstElementChild;
  for (const n of nodes) {
    if (n === next) next = next.nextElementSibling;
    else parent.insertBefore(n, next);
  }
  while (next) {
    const n = next;
    next = next.nextElementSibling;
    n.remove();
  }
}

// setUnlessEdited shows the server's value v in a form control, unless the
// person changed the control since it last showed one: their edit stays
// until they save it (or the page forgets it: delete e.dataset.was).
export function setUnlessEdited(e, v) {
  const prop = e.type === "checkbox" ? "checked" : "value";
  const server = prop === "checked" ? String(!!v) : String(v ?? "");
  if (e.dataset.was === undefined || String(e[prop]) === e.dataset.was) e[prop] = prop === "checked" ? !!v : server;
  e.dataset.was = server;
}

// refill replaces parent's children with nodes only if they differ (markup,
// not the state of a control): a row refreshed with the same data keeps the
// link or box someone is about to click.
export function refill(parent, nodes) {
  const old = parent.children;
  if (old.length === nodes.length && nodes.every((n, i) => n.isEqualNode(old[i]))) return;
  parent.replaceChildren(...nodes);
}

const hiding = new WeakMap();

// showFor shows e (a toast) for ms, counted from the first frame that paints
// it: on a busy page a message is never taken down before it could be seen.
export function showFor(e, ms) {
  const was = hiding.get(e);
  if (was) { cancelAnimationFrame(was.frame); clearTimeout(was.timer); }
  e.hidden = false;
  const h = { timer: 0, frame: 0 };
  h.frame = requestAnimationFrame(() => { h.timer = setTimeout(() => { e.hidden = true; }, ms); });
  hiding.set(e, h);
}
