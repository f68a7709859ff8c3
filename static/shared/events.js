// One live event stream for every tab of this origin. A browser keeps at most
// six connections per server over HTTP/1.1, and an EventSource holds one for
// good: nine open tabs stall. So one tab, the leader, holds the EventSource and
// relays what it receives to the others over a BroadcastChannel. The leader is
// whoever holds a Web Lock; the other tabs wait for it, so when the leader's
// tab closes the lock passes to the next one, which opens the stream.
//
// Web Locks need a secure context: a studio opened over plain HTTP on the
// office network has none. There the tabs elect the leader over the
// channel instead (see elect). A browser without BroadcastChannel opens
// one EventSource per tab, as every page did before.
//
//   const live = events();                  // "/api/events"
//   live.on("kiosk", (e) => render(JSON.parse(e.data)));
//   live.on("open", () => ...);             // the stream (re)opened
//   live.on("error", () => ...);            // the stream dropped; it retries by itself
//   live.close();
//
// A handle never needs reopening: the stream reconnects by itself, after an
// error the server's `retry` asks for, or 2 s after the browser gave up.

// TYPES are the server's event types the leader relays; a page may listen to
// any of them whatever the leader's page listens to.
const TYPES = ["player", "kiosk", "library", "workshop"];

const shared = new Map(); // url -> this tab's share of the stream

// events returns a handle on the live stream at url.
export function events(url = "/api/events") {
  let s = shared.get(url);
  if (!s) {
    s = newShare(url);
    shared.set(url, s);
  }
  const h = { listeners: new Map() };
  s.handles.add(h);
  const handle = {
    on(type, fn) {
      if (!h.listeners.has(type)) h.listeners.set(type, []);
      h.listeners.get(type).push(fn);
      // A page that joins a stream already open hears "open" too, so it
      // fetches the state it needs as on any (re)connection.
      if (type === "open" && s.open) queueMicrotask(() => { if (s.handles.has(h)) fn({ type: "open" }); });
      return handle;
    },
    close() {
      if (!s.handles.delete(h) || s.handles.size) return;
      s.stop();
      shared.delete(url);
    },
    // mode says how this tab gets the stream: "leader", "follower", "solo"
    // (its own EventSource), or "waiting" (not yet decided).
    get mode() { return s.mode; },
  };
  return handle;
}

function newShare(url) {
  const s = { url, handles: new Set(), open: false, mode: "waiting", source: null, last: {}, stop: () => {} };
  const id = Math.random().toString(36).slice(2) + Date.now().toString(36);
  const dispatch = (type, data) => {
    for (const h of s.handles) for (const fn of h.listeners.get(type) || []) fn(data === undefined ? { type } : { type, data });
  };
  const status = (open) => { s.open = open; dispatch(open ? "open" : "error"); };

  // source opens the EventSource; deliver gets each message.
  const openSource = (deliver) => {
    let retry = 0;
    const connect = () => {
      const src = new EventSource(url);
      s.source = src;
      src.addEventListener("open", () => deliver({ kind: "open" }));
      src.addEventListener("error", () => {
        if (s.source !== src) return;
        deliver({ kind: "error" });
        // The browser retries by itself unless it gave up (an HTTP error,
        // a server shutting down): then a fresh one, a little later.
        if (src.readyState === EventSource.CLOSED) {
          s.source = null;
          retry = setTimeout(() => { if (s.mode === "leader" || s.mode === "solo") connect(); }, 2000);
        }
      });
      for (const type of TYPES) src.addEventListener(type, (e) => { if (s.source === src) deliver({ kind: "event", type, data: e.data }); });
    };
    connect();
    return () => {
      clearTimeout(retry);
      if (s.source) s.source.close();
      s.source = null;
    };
  };

  if (typeof BroadcastChannel !== "function") {
    s.mode = "solo";
    const close = openSource((m) => {
      if (m.kind === "event") dispatch(m.type, m.data);
      else status(m.kind === "open");
    });
    s.stop = () => { s.mode = "stopped"; close(); };
    return s;
  }

  const channel = new BroadcastChannel("customer-room-events " + url);
  let closeSource = () => {};

  // The leader hands every message to its own pages and to the other tabs,
  // and keeps the latest of each type for the tabs that join later.
  const startLeading = () => {
    s.mode = "leader";
    closeSource = openSource((m) => {
      channel.postMessage(m);
      if (m.kind === "event") {
        s.last[m.type] = m.data;
        dispatch(m.type, m.data);
      } else status(m.kind === "open");
    });
  };

  s.mode = "follower";
  // way is how this tab comes to lead: a Web Lock, or an election. Its hear
  // sees every message first; its quit hands the lead on.
  const way = "locks" in navigator ? lock() : elect();

  channel.onmessage = ({ data: m }) => {
    if (!m || (m.to && m.to !== id)) return;
    way.hear(m);
    if (s.mode === "leader") {
      // A tab that just joined asks where things stand.
      if (m.kind === "hello") channel.postMessage({ kind: "welcome", to: m.from, from: id, open: s.open, last: s.last });
      return;
    }
    switch (m.kind) {
      case "open": case "error": status(m.kind === "open"); break;
      case "event": dispatch(m.type, m.data); break;
      case "welcome":
        if (m.open && !s.open) status(true);
        for (const [type, data] of Object.entries(m.last || {})) dispatch(type, data);
        break;
    }
  };
  // Tabs already following get the state from the leader, if there is one.
  channel.postMessage({ kind: "hello", from: id });

  // lock leads while this tab holds the Web Lock; the next tab waiting for
  // it takes over when this one lets go.
  function lock() {
    const abort = new AbortController();
    let release = () => {};
    navigator.locks.request("customer-room-events " + url, { signal: abort.signal }, () => new Promise((resolve) => {
      release = resolve;
      startLeading();
    })).catch(() => { /* aborted: the page closed its handle */ });
    return { hear() {}, quit() { abort.abort(); release(); } };
  }

  // elect leads without Web Locks. The leader beats every second and, when
  // its page goes, says goodbye naming a successor among the tabs that said
  // hello. A follower that hears nothing for 2.5 s (300 ms at first: a
  // leader answers a hello at once), or is named, claims the lead at its
  // next check, whose period is random so two tabs rarely claim together,
  // and takes it at the check after if no leader answered and no smaller id
  // claimed meanwhile.
  function elect() {
    const started = Date.now();
    let heard = started; // when a leader (or a claimant) last spoke; 0: named successor
    const followers = new Set(); // the other tabs, as they said hello
    let beat = 0;
    let claimed = 0; // when this tab claimed, while it waits for objections
    const check = setInterval(() => {
      if (s.mode !== "follower") return;
      // A claim stands if no smaller id objected within 100 ms: two tabs
      // that claim together never both open a stream.
      if (claimed && Date.now() - claimed >= 100) {
        claimed = 0;
        startLeading();
        beat = setInterval(() => channel.postMessage({ kind: "beat", from: id }), 1000);
        return;
      }
      const quiet = Date.now() - heard;
      if (!claimed && (heard === 0 || quiet > 2500 || (heard === started && quiet > 300))) {
        claimed = Date.now();
        channel.postMessage({ kind: "claim", from: id });
      }
    }, 150 + Math.random() * 250);
    const stepDown = () => {
      clearInterval(beat);
      closeSource();
      s.mode = "follower";
      channel.postMessage({ kind: "hello", from: id });
      if (s.open) status(true); // pages hear "open" again, and see the mode
    };
    return {
      // A leader answers a claim by asserting itself; a claimant gives way
      // to a leader or to a smaller id; of two leaders the larger id steps
      // down; a claimant tells a newcomer; a leader leaving names its
      // successor, and the others wait for its claim.
      hear(m) {
        if (m.kind === "beat" || m.kind === "claim" || m.kind === "welcome") heard = Date.now();
        if (m.kind === "claim" && s.mode === "leader") channel.postMessage({ kind: "beat", from: id });
        else if (m.kind === "claim" && m.from < id) claimed = 0;
        if (m.kind === "welcome" || m.kind === "beat") {
          if (s.mode !== "leader") claimed = 0;
          else if (m.kind === "beat" && m.from < id) stepDown();
        }
        if (m.kind === "hello" && claimed) channel.postMessage({ kind: "claim", from: id });
        if (m.kind === "bye") heard = m.next === id ? 0 : Date.now();
        if (m.kind === "hello") followers.add(m.from);
        if (m.kind === "leave") followers.delete(m.from);
      },
      quit() {
        clearInterval(check);
        clearInterval(beat);
        const next = followers.values().next().value;
        channel.postMessage(s.mode === "leader" ? { kind: "bye", from: id, next } : { kind: "leave", from: id });
      },
    };
  }

  s.stop = () => {
    way.quit();
    s.mode = "stopped";
    closeSource();
    channel.close();
  };
  // Leaving the page closes the stream at once, so reloads never pile up
  // connections, and hands the lead on.
  addEventListener("pagehide", () => s.stop());
  return s;
}
