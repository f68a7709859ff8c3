package main

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The room's screen with the content real rooms have on day one (a long
// verbatim, 22 topics, a long title), at the sizes its screen may have, with
// axe-core run on every screen. Screenshots: artifacts/kiosk/WxH-N-screen.png.

// longVerbatim is a 560-character complaint, as ordinary rooms get, masked as
// the room reads it.
const longVerbatim = "Cela fait trois semaines que j'attends mon colis et personne n'est capable de me dire où il se trouve. " +
	"J'ai appelé quatre fois, on m'a promis un rappel qui n'est jamais venu, puis [nom] m'a dit de patienter encore. " +
	"Le suivi indique « livré » alors que je n'ai rien reçu, et mon voisin non plus. J'ai envoyé deux e-mails depuis [e-mail] sans réponse. " +
	"Je paie un abonnement premium justement pour éviter ce genre de situation. Aujourd'hui je veux simplement être remboursé " +
	"et qu'on me rappelle au [téléphone], pas un message automatique de plus. Sinon je résilie tout."

// longTitle names one call the way curators sometimes do.
const longTitle = "Colis perdu pendant trois semaines, quatre appels, deux e-mails, un rappel promis jamais venu et un client à bout"

// seedLongContent writes long content straight into the running room's
// catalog: the room reads it as curators would have approved it.
func seedLongContent(t *testing.T, r *room) {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(r.data, "catalog.db")+"?_busy_timeout=10000&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE recordings SET title = ? WHERE title LIKE 'Colis perdu%'`, longTitle); err != nil {
		t.Fatal(err)
	}
	topics := []string{"Livraison", "Accueil", "Facturation", "Assistance technique", "Résiliation", "Produit", "Remboursement",
		"Abonnement", "Paiement", "Commande", "Retours", "Tarifs", "Attente", "Rendez-vous", "Installation", "Réseau", "Fidélité",
		"Application", "Site web", "Garantie", "Déménagement", "Contrat"}
	now := time.Now().UTC().Format(time.RFC3339)
	exp := time.Now().AddDate(0, 6, 0).UTC().Format(time.RFC3339)
	for i, topic := range topics {
		text := fmt.Sprintf("Avis numéro %d sur le thème %s : correct, sans plus.", i+1, topic)
		date := "2026-10-20"
		if i == 0 {
			text, date = longVerbatim, "2026-11-01" // the newest: the attract loop shows it first
		}
		sum := sha256.Sum256([]byte(text))
		_, err := db.Exec(`INSERT INTO verbatims (sha256, date, channel, topic, sentiment, text, masked, status, created_at, expires_at)
			VALUES (?, ?, 'enquête', ?, 'negatif', ?, ?, 'approved', ?, ?)`, hex.EncodeToString(sum[:]), date, topic, text, text, now, exp)
		if err != nil {
			t.Fatal(err)
		}
	}
}

// axeClean runs the vendored axe-core on the page as it is and fails the
// test on any violation, listing rule, impact and nodes.
func axeClean(t *testing.T, b *browser, screen string) {
	t.Helper()
	loadAxe(t, b)
	// Let transitions end so colours are measured as shown.
	b.do(t, "settle", chromedp.Sleep(400*time.Millisecond))
	axeWhile(t, b, screen, "true")
}

// loadAxe puts the vendored axe-core in the page, once.
func loadAxe(t *testing.T, b *browser) {
	t.Helper()
	matches, _ := filepath.Glob(filepath.Join("..", "..", "static", "vendor", "axe-core-*", "axe.min.js"))
	if len(matches) == 0 {
		t.Fatal("axe-core is not vendored: run `make vendor-axe`")
	}
	if !evalJS[bool](t, b, `typeof window.axe === "object"`) {
		src, err := os.ReadFile(matches[0])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[chromedp.Void](string(src))); err != nil {
			t.Fatalf("load axe-core: %v", err)
		}
	}
}

// axeWhile runs axe (loaded) in one evaluation and fails the test on any
// violation. The JavaScript condition held must be true before and after the
// run: a screen that the room's own timers take down checks the screen
// meant, or fails saying so, never another one in silence.
func axeWhile(t *testing.T, b *browser, screen, held string) {
	t.Helper()
	js := fmt.Sprintf(`(async () => { const held = () => (%s); if (!held()) return "gone";
		const r = await axe.run(document, {resultTypes: ["violations"]}); if (!held()) return "gone";
		return JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(" ") + ": " + n.failureSummary)}))); })()`, held)
	out, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe on %s: %v", screen, err)
	}
	if out == "gone" {
		t.Fatalf("axe on %s: the screen changed during the check (%s no longer holds)", screen, held)
	}
	var vs []struct {
		ID     string   `json:"id"`
		Impact string   `json:"impact"`
		Nodes  []string `json:"nodes"`
	}
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		t.Fatal(err)
	}
	nodes := 0
	for _, v := range vs {
		nodes += len(v.Nodes)
		t.Errorf("axe on %s: %s (%s), %d nodes:\n  %s", screen, v.ID, v.Impact, len(v.Nodes), strings.Join(v.Nodes, "\n  "))
	}
	t.Logf("axe on %s: %d violations, %d nodes", screen, len(vs), nodes)
}

// inView fails when an element is not wholly inside the viewport (and so
// under a finger), or is smaller than min px in either direction.
func inView(t *testing.T, b *browser, size, what, sel string, min int) {
	t.Helper()
	js := fmt.Sprintf(`(() => { const e = document.querySelector(%q); if (!e) return "missing"; const r = e.getBoundingClientRect();
		if (r.width < %d || r.height < %d) return "too small: " + Math.round(r.width) + "x" + Math.round(r.height);
		if (r.left < 0 || r.top < 0 || r.right > innerWidth + 0.5 || r.bottom > innerHeight + 0.5) return "outside the screen: " + JSON.stringify(r);
		const p = e.parentElement.closest(".context-card, .home-body, .center");
		if (p) { const q = p.getBoundingClientRect(); if (r.bottom > q.bottom + 0.5 || r.top < q.top - 0.5) return "outside its card: " + Math.round(r.bottom) + " > " + Math.round(q.bottom); }
		return ""; })()`, sel, min, min)
	if msg := evalJS[string](t, b, js); msg != "" {
		t.Errorf("%s: %s (%s) %s", size, what, sel, msg)
	}
}

func TestKioskScreensAtEverySize(t *testing.T) {
	r := startRoom(t)
	seedLongContent(t, r)
	var home struct {
		Calls  []struct{ ID int64 }
		Topics []string
	}
	getJSON(t, r.base+"/api/kiosk/home", &home)
	if len(home.Topics) < 22 || len(home.Calls) < 4 {
		t.Fatalf("seeded home has %d topics and %d calls, want 22+ and 4+", len(home.Topics), len(home.Calls))
	}
	sizes := []struct{ w, h int }{{800, 480}, {1280, 800}, {1920, 1080}}
	for _, sz := range sizes {
		size := fmt.Sprintf("%dx%d", sz.w, sz.h)
		t.Run(size, func(t *testing.T) {
			b := newBrowser(t, sz.w, sz.h)
			shot := func(n int, name string) { b.screenshot(t, fmt.Sprintf("%s-%d-%s", size, n, name)) }
			b.do(t, "open the kiosk", chromedp.Navigate(r.base+"/kiosk/"))

			// Attract: the long verbatim fits above "Touchez pour écouter".
			b.waitJS(t, "attract with the long quote", screenIs("attract")+` && document.getElementById("quote-text").textContent.startsWith("Cela fait trois semaines")`)
			if txt := evalJS[string](t, b, `document.getElementById("quote-text").textContent`); strings.Contains(txt, "[") {
				t.Errorf("raw masking brackets on the attract screen: %q", txt)
			}
			overlap := evalJS[string](t, b, `(() => { const q = document.getElementById("quote-fit").getBoundingClientRect(), c = document.querySelector(".attract-cta").getBoundingClientRect();
				return q.bottom <= c.top && q.top >= 0 && c.bottom <= innerHeight ? "" : JSON.stringify({quote: q, cta: c}); })()`)
			if overlap != "" {
				t.Errorf("%s: the quote overlaps the call to action or leaves the screen: %s", size, overlap)
			}
			shot(1, "attract")
			axeClean(t, b, size+" attract")

			// Home: 22 topics in one scrollable row; the calls keep the room.
			b.do(t, "touch", chromedp.Click(chromedp.CSS(".attract-cta")))
			b.waitJS(t, "home with cards and topics", screenIs("home")+` && document.querySelectorAll("#calls .card").length >= 4 && document.querySelectorAll("#topic-filters .chip").length === 23`)
			filters := evalJS[float64](t, b, `document.getElementById("filters").getBoundingClientRect().height`)
			body := evalJS[float64](t, b, `document.getElementById("home-body").getBoundingClientRect().height`)
			if filters > 80 || body < float64(sz.h)*0.5 {
				t.Errorf("%s: filters take %.0f px (want one row, 80 max), calls get %.0f px (want half the screen)", size, filters, body)
			}
			if n := evalJS[int](t, b, `document.querySelector(".pii") ? 1 : 0`); n != 1 {
				t.Errorf("%s: masked parts of verbatims are not shown as chips", size)
			}
			if evalJS[bool](t, b, `document.getElementById("quotes").textContent.includes("[")`) {
				t.Errorf("%s: raw brackets in the verbatims", size)
			}
			b.waitJS(t, "the long verbatim folds with a read-more", `document.querySelector("#quotes [data-more]") !== null`)
			shot(2, "home")
			axeClean(t, b, size+" home")

			// Listening: the long title, every control in view and usable.
			id := evalJS[int64](t, b, `Number([...document.querySelectorAll("#calls .card")].find(c => c.textContent.includes("Colis perdu pendant")).dataset.call)`)
			b.do(t, "tap the long call", chromedp.Click(chromedp.CSS(fmt.Sprintf(`[data-call="%d"]`, id))))
			b.waitJS(t, "listening with its transcript", screenIs("listening")+` && document.querySelectorAll(".cue").length >= 3`)
			for _, c := range []struct{ what, sel string }{
				{"progress bar", "#progress"}, {"play/pause", "#playpause"}, {"back 10 s", `[data-act="back"]`}, {"next", `#listening [data-act="next"]`},
				{"finish", "#listening .finish"}, {"volume up", `[data-vol="1"]`}, {"reaction", `[data-react="idea"]`},
			} {
				inView(t, b, size, c.what, c.sel, 40)
			}
			if w := evalJS[float64](t, b, `document.getElementById("progress").getBoundingClientRect().width`); w < 150 {
				t.Errorf("%s: progress bar %.0f px wide", size, w)
			}
			b.waitJS(t, "a cue highlighted", currentCue+` >= 0`)
			shot(3, "listening")
			axeClean(t, b, size+" listening")
			b.do(t, "pause", chromedp.Click(chromedp.CSS("#playpause")))
			b.waitJS(t, "paused state shown", `!document.getElementById("paused-mark").hidden && document.getElementById("listening").classList.contains("paused")`)
			shot(4, "listening-paused")
			axeClean(t, b, size+" listening paused")

			// Guess, then the reveal naming the call.
			b.do(t, "finish", chromedp.Click(chromedp.CSS("#listening .finish")))
			b.waitJS(t, "guess", screenIs("guess"))
			for _, sel := range []string{`#scale [data-guess="0"]`, `#scale [data-guess="10"]`, `#guess [data-act="skip"]`, `#guess [data-act="leave"]`} {
				inView(t, b, size, "guess control", sel, 44)
			}
			shot(5, "guess")
			axeClean(t, b, size+" guess")
			b.do(t, "guess 4", chromedp.Click(chromedp.CSS(`#scale [data-guess="4"]`)))
			b.waitJS(t, "reveal", screenIs("reveal")+` && document.getElementById("rv-title").textContent.startsWith("Colis perdu pendant")`)
			for _, sel := range []string{`#reveal [data-act="home"]`, `#reveal [data-act="done"]`} {
				inView(t, b, size, "reveal control", sel, 44)
			}
			shot(6, "reveal")
			axeClean(t, b, size+" reveal")
			b.do(t, "another call", chromedp.Click(chromedp.CSS(`#reveal [data-act="home"]`)))
			b.waitJS(t, "home", screenIs("home"))
			b.do(t, "listen again", chromedp.Click(chromedp.CSS(fmt.Sprintf(`[data-call="%d"]`, id))))
			b.waitJS(t, "listening", screenIs("listening"))
			b.do(t, "finish", chromedp.Click(chromedp.CSS("#listening .finish")))
			b.waitJS(t, "guess", screenIs("guess"))
			b.do(t, "skip the guess", chromedp.Click(chromedp.CSS(`#guess [data-act="skip"]`)))
			b.waitJS(t, "reveal without a guess", screenIs("reveal")+` && /^\d+/.test(document.getElementById("rv-score").textContent)`)
			b.do(t, "say goodbye", chromedp.Click(chromedp.CSS(`#reveal [data-act="done"]`)))
			b.waitJS(t, "thanks", screenIs("thanks"))
			b.do(t, "leave", chromedp.Click(chromedp.CSS(`#thanks [data-act="leave"]`)))
			b.waitJS(t, "attract after leaving", screenIs("attract"))
			var ks kioskState
			if getJSON(t, r.base+"/api/kiosk", &ks); ks.Screen != "attract" || ks.Call != nil {
				t.Errorf("server after leave: %+v", ks)
			}

			// Thanks (a call without a score leads there): only reachable by the
			// API on the demo library, which scores every call.
			postJSON(t, r.base+"/api/kiosk/wake", ``, nil)
			postJSON(t, r.base+"/api/kiosk/listen", fmt.Sprintf(`{"recording_id":%d}`, id), nil)
			postJSON(t, r.base+"/api/kiosk/finish", ``, nil)
			postJSON(t, r.base+"/api/kiosk/done", ``, nil)
			b.waitJS(t, "thanks", screenIs("thanks"))
			inView(t, b, size, "leave on thanks", `#thanks [data-act="leave"]`, 44)
			shot(7, "thanks")
			axeClean(t, b, size+" thanks")
			postJSON(t, r.base+"/api/kiosk/leave", ``, nil)
			b.waitJS(t, "attract", screenIs("attract"))
			if p := b.problems(); len(p) > 0 {
				t.Errorf("console errors:\n%s", strings.Join(p, "\n"))
			}
		})
	}
}

// TestKioskSeekVolumeAndEnglish taps the transcript and the progress bar,
// turns the volume up, and reads the listening screen in English.
func TestKioskSeekVolumeAndEnglish(t *testing.T) {
	r := startRoom(t)
	b := newBrowser(t, 1280, 800)
	b.do(t, "open the kiosk", chromedp.Navigate(r.base+"/kiosk/"))
	b.waitJS(t, "attract", screenIs("attract"))
	b.do(t, "touch", chromedp.Click(chromedp.CSS(".attract-cta")))
	b.waitJS(t, "home", screenIs("home")+` && document.querySelectorAll("#calls .card").length > 0`)
	id := evalJS[int64](t, b, `Number(document.querySelector("#calls .card").dataset.call)`)
	b.do(t, "tap a call", chromedp.Click(chromedp.CSS(fmt.Sprintf(`[data-call="%d"]`, id))))
	b.waitJS(t, "transcript", screenIs("listening")+` && document.querySelectorAll(".cue").length >= 3`)
	var cues []cue
	getJSON(t, fmt.Sprintf("%s/api/recordings/%d/transcript", r.base, id), &cues)
	b.do(t, "pause so positions hold still", chromedp.Click(chromedp.CSS("#playpause")))
	b.waitJS(t, "paused", `document.getElementById("playpause").dataset.act === "resume"`)

	// Seek by tapping a transcript line.
	last := len(cues) - 1
	b.do(t, "tap the last line", chromedp.Click(chromedp.CSS(fmt.Sprintf(`.cue[data-i="%d"] .cue-line`, last))))
	b.waitJS(t, "last line highlighted", fmt.Sprintf(`%s === %d`, currentCue, last))
	var ps playerState
	if getJSON(t, r.base+"/api/player", &ps); ps.PositionMS < cues[last].StartMS || ps.PositionMS > cues[last].StartMS+300 {
		t.Errorf("after tapping line %d (starts %d ms): player at %d ms", last, cues[last].StartMS, ps.PositionMS)
	}
	// Seek by tapping the progress bar at a quarter of its width.
	x := evalJS[float64](t, b, `(() => { const r = document.getElementById("progress").getBoundingClientRect(); return r.left + r.width / 4; })()`)
	y := evalJS[float64](t, b, `(() => { const r = document.getElementById("progress").getBoundingClientRect(); return r.top + r.height / 2; })()`)
	b.do(t, "tap the progress bar", chromedp.MouseClickXY(x, y))
	b.waitJS(t, "progress at a quarter", `Math.abs(Number(document.getElementById("progress").getAttribute("aria-valuenow")) - 25) <= 2`)
	getJSON(t, r.base+"/api/player", &ps)
	if want := ps.DurationMS / 4; ps.PositionMS < want-ps.DurationMS/50 || ps.PositionMS > want+ps.DurationMS/50 {
		t.Errorf("after tapping a quarter of the bar: %d ms of %d, want about %d", ps.PositionMS, ps.DurationMS, want)
	}
	// The slider also takes the keyboard.
	before := ps.PositionMS
	b.do(t, "focus the bar", chromedp.Focus(chromedp.CSS("#progress")))
	b.do(t, "arrow right", chromedp.KeyEvent(kb.ArrowRight))
	deadline := time.Now().Add(5 * time.Second)
	for getJSON(t, r.base+"/api/player", &ps); ps.PositionMS < before+4000 && time.Now().Before(deadline); getJSON(t, r.base+"/api/player", &ps) {
		time.Sleep(50 * time.Millisecond)
	}
	if ps.PositionMS < before+4000 || ps.PositionMS > before+6000 {
		t.Errorf("arrow right on the bar: %d -> %d ms, want 5 s further", before, ps.PositionMS)
	}

	// Volume within the admin's cap.
	var vol struct {
		Volume    int `json:"volume"`
		MaxVolume int `json:"max_volume"`
	}
	getJSON(t, r.base+"/api/player", &vol)
	b.do(t, "quieter", chromedp.Click(chromedp.CSS(`[data-vol="-1"]`)))
	deadline = time.Now().Add(5 * time.Second)
	v0 := vol.Volume
	for getJSON(t, r.base+"/api/player", &vol); vol.Volume == v0 && time.Now().Before(deadline); getJSON(t, r.base+"/api/player", &vol) {
		time.Sleep(50 * time.Millisecond)
	}
	if vol.Volume >= v0 || vol.Volume < 0 {
		t.Errorf("quieter: volume %d -> %d", v0, vol.Volume)
	}
	b.waitJS(t, "volume shown", fmt.Sprintf(`document.getElementById("vol-level").textContent === "%d %%"`, 100*vol.Volume/vol.MaxVolume))

	// English reads naturally: channel, topic and date too.
	b.do(t, "English", chromedp.Click(chromedp.CSS(`#listening .lang`)))
	b.waitJS(t, "English listening screen", `document.documentElement.lang === "en" && document.getElementById("ctx-channel").textContent === "phone"`)
	if d := evalJS[string](t, b, `document.getElementById("ctx-date").textContent`); !strings.Contains(d, "October 2026") {
		t.Errorf("English date %q, want a written month", d)
	}
	if topic := evalJS[string](t, b, `document.getElementById("ctx-topic").textContent`); topic == "" || strings.ContainsAny(topic, "éè") || topic == "Livraison" || topic == "Accueil" || topic == "Résiliation" {
		t.Errorf("English topic %q", topic)
	}
	b.screenshot(t, "seek-volume-en")
	postJSON(t, r.base+"/api/player/stop", ``, nil)
	if p := b.problems(); len(p) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(p, "\n"))
	}
}

// TestKioskAxeFindsViolations proves the accessibility check is not vacuous:
// axe, loaded the same way, reports a page built to fail.
func TestKioskAxeFindsViolations(t *testing.T) {
	b := newBrowser(t, 800, 480)
	b.do(t, "open a bad page", chromedp.Navigate(`data:text/html,<html><body><img src="x.png"><button></button></body></html>`))
	matches, _ := filepath.Glob(filepath.Join("..", "..", "static", "vendor", "axe-core-*", "axe.min.js"))
	if len(matches) == 0 {
		t.Fatal("axe-core is not vendored: run `make vendor-axe`")
	}
	src, err := os.ReadFile(matches[0])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[chromedp.Void](string(src))); err != nil {
		t.Fatal(err)
	}
	ids, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`axe.run(document).then(r => r.violations.map(v => v.id))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"image-alt", "button-name", "html-has-lang"} {
		if !strings.Contains(strings.Join(ids, " "), want) {
			t.Errorf("axe found %v on a page built to fail, want %s among them", ids, want)
		}
	}
}

// TestKioskStillThereAndTheNextVisitor: reading (scrolling) counts as
// presence; untouched, the screen asks "still there?" with a countdown, a tap
// keeps the visit; left alone, the room resets and the next visitor finds no
// filter, no language, nothing of the last one.
//
// The prompt shows for a third of the idle timeout, then the room resets on
// its own: whatever the test does with the prompt up must fit in that
// window however loaded the machine. So the tap is made in the page turn
// that sees the prompt, and axe checks the second prompt in one evaluation
// that fails loudly if the room reset meanwhile. 9 s leaves 3 s of prompt.
func TestKioskStillThereAndTheNextVisitor(t *testing.T) {
	r := startRoom(t, "--idle-timeout", "9s") // the prompt shows 3 s before the reset
	seedLongContent(t, r)
	b := newBrowser(t, 800, 480) // about 30 s: the room's own idle timers, waited for
	b.do(t, "open the kiosk", chromedp.Navigate(r.base+"/kiosk/"))
	b.waitJS(t, "attract", screenIs("attract"))
	b.do(t, "touch", chromedp.Click(chromedp.CSS(".attract-cta")))
	b.waitJS(t, "home", screenIs("home")+` && document.querySelectorAll("#topic-filters .chip").length > 20`)
	b.do(t, "unhappy", chromedp.Click(chromedp.CSS(`#mood-filters [data-mood="negatif"]`)))
	b.do(t, "English", chromedp.Click(chromedp.CSS(`#home .lang`)))
	b.waitJS(t, "English", `document.documentElement.lang === "en"`)
	b.do(t, "a topic far along the row", chromedp.Click(chromedp.CSS(`#topic-filters [data-topic="Livraison"]`), chromedp.NodeVisible))
	b.waitJS(t, "filtered", `document.querySelector('#topic-filters [data-topic="Livraison"]').getAttribute("aria-pressed") === "true"`)
	loadAxe(t, b) // now: the prompt's seconds are for the checks

	// Reading for 10 s, longer than the idle timeout, only scrolling the list.
	end := time.Now().Add(10 * time.Second)
	for i := 0; time.Now().Before(end); i++ {
		b.do(t, "scroll", chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.getElementById("home-body").scrollTop = %d`, (i%2)*200)))
		time.Sleep(400 * time.Millisecond)
	}
	if s := evalJS[string](t, b, `document.body.dataset.screen`); s != "home" {
		t.Fatalf("a reading listener was reset: screen %s", s)
	}

	// Untouched: the prompt, with its countdown and its answer focused; a
	// tap keeps the visit. Seen and tapped in one turn of the page.
	b.waitJS(t, "still there?", `(() => { if (document.getElementById("still").hidden || !/\d+ s/.test(document.getElementById("still-count").textContent)) return false;
		window.stillFocus = document.activeElement.id; document.getElementById("still-yes").click(); return true; })()`)
	if f := evalJS[string](t, b, `window.stillFocus`); f != "still-yes" {
		t.Errorf("focus on %q with the prompt up, want its answer", f)
	}
	b.waitJS(t, "prompt gone", `document.getElementById("still").hidden`)
	if s := evalJS[string](t, b, `document.body.dataset.screen + " " + document.querySelector('#topic-filters [data-topic="Livraison"]').getAttribute("aria-pressed")`); s != "home true" {
		t.Errorf("after answering the prompt: %q, want home with the filter kept", s)
	}

	// Left alone: the prompt (checked by axe while it shows), then the reset.
	b.waitJS(t, "prompt again", `!document.getElementById("still").hidden`)
	axeWhile(t, b, "still there", `!document.getElementById("still").hidden`)
	b.screenshot(t, "800x480-8-still-there")
	b.waitJS(t, "reset to attract", screenIs("attract")+` && document.getElementById("still").hidden`)
	b.do(t, "the next visitor", chromedp.Click(chromedp.CSS(".attract-cta")))
	b.waitJS(t, "home", screenIs("home"))
	got := evalJS[string](t, b, `[document.documentElement.lang, document.querySelector('#mood-filters [aria-pressed="true"]').dataset.mood, document.querySelector('#topic-filters [aria-pressed="true"]').dataset.topic, document.getElementById("home-body").scrollTop].join("|")`)
	if got != "fr|||0" {
		t.Errorf("the next visitor finds lang|mood|topic|scroll = %q, want fr|||0", got)
	}
	if p := b.problems(); len(p) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(p, "\n"))
	}
}

// TestKioskWithoutSound runs the real program on ALSA with a dead device (an
// .asoundrc naming a card that does not exist): the screen says so before
// anyone taps, in the room's language, and nothing of ALSA's error shows.
func TestKioskWithoutSound(t *testing.T) {
	dir := t.TempDir()
	rc := "pcm.!default { type hw card 7 device 0 }\nctl.!default { type hw card 7 }\n"
	if err := os.WriteFile(filepath.Join(dir, ".asoundrc"), []byte(rc), 0o644); err != nil {
		t.Fatal(err)
	}
	_, base, stderr := startProgram(t, []string{"HOME=" + dir}, "serve", "--data", filepath.Join(dir, "data"), "--addr", "127.0.0.1:0", "--audio", "alsa")
	var health struct {
		Audio struct {
			Output string
			OK     bool
			Error  string
		}
	}
	getJSON(t, base+"/api/health", &health)
	if health.Audio.OK || health.Audio.Error == "" {
		t.Fatalf("health %+v: the test needs a dead output", health.Audio)
	}
	b := newBrowser(t, 800, 480)
	b.do(t, "open the kiosk", chromedp.Navigate(base+"/kiosk/"))
	b.waitJS(t, "attract", screenIs("attract"))
	b.do(t, "touch", chromedp.Click(chromedp.CSS(".attract-cta")))
	b.waitJS(t, "home says the sound is down", screenIs("home")+` && !document.querySelector("#home [data-sound-down]").hidden`)
	if txt := evalJS[string](t, b, `document.querySelector("#home [data-sound-down]").textContent`); !strings.Contains(txt, "Le son est indisponible") || !strings.Contains(txt, "équipe CX") {
		t.Errorf("sound message %q", txt)
	}
	b.do(t, "tap a call anyway", chromedp.Click(chromedp.CSS("#calls .card")))
	b.waitJS(t, "a friendly message", `!document.getElementById("toast").hidden && document.getElementById("toast").textContent.includes("Le son est indisponible")`)
	b.screenshot(t, "800x480-9-no-sound")
	axeClean(t, b, "no sound")
	// The server refuses too (503, code unavailable), if a screen asks anyway;
	// whatever it says, the page never shows its text.
	res, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`fetch("/api/kiosk/listen", {method: "POST", headers: {"Content-Type": "application/json"},
		body: JSON.stringify({recording_id: Number(document.querySelector("#calls .card").dataset.call)})}).then(async r => r.status + " " + (await r.json()).code)`, chromedp.EvalAwaitPromise))
	if err != nil || res != "503 unavailable" {
		t.Errorf("listen with no sound: %q %v, want 503 unavailable", res, err)
	}
	text := evalJS[string](t, b, `document.body.innerText`)
	for _, raw := range []string{"ALSA", "alsa", "pcm", "unavailable", "card 7", health.Audio.Error} {
		if strings.Contains(text, raw) {
			t.Errorf("the screen shows %q:\n%s", raw, text)
		}
	}
	if s := evalJS[string](t, b, `document.body.dataset.screen`); s != "home" {
		t.Errorf("screen %s after tapping with no sound, want home", s)
	}
	if !strings.Contains(stderr.String(), "sound output unavailable") {
		t.Errorf("the log does not say the sound is down:\n%s", stderr.String())
	}
}

// TestKioskEmptyRoomAndPairingNotice: a room with nothing approved yet has a
// proper face (no empty quote marks, no "no call for this filter" with no
// filter), and a pairing result stays on screen until read, whatever the
// room's updates.
func TestKioskEmptyRoomAndPairingNotice(t *testing.T) {
	r := startRoom(t, "--demo=false")
	b := newBrowser(t, 800, 480)
	b.do(t, "open with a spent pairing code", chromedp.Navigate(r.base+"/kiosk/?pair=not-a-real-code"))
	b.waitJS(t, "attract's empty face", screenIs("attract")+` && document.getElementById("attract-lead").textContent.includes("prépare les premiers appels")`)
	if evalJS[bool](t, b, `!document.getElementById("quote-text").hidden`) {
		t.Error("empty quote marks on the attract screen")
	}
	b.waitJS(t, "pairing notice", `!document.getElementById("notice").hidden && document.getElementById("notice-text").textContent.includes("n'est plus valable")`)
	b.screenshot(t, "800x480-10-empty-attract")
	axeClean(t, b, "empty attract")
	b.do(t, "dismiss nothing yet; wake the room", chromedp.Click(chromedp.CSS(".attract-cta")))
	b.waitJS(t, "home's empty face", screenIs("home")+` && document.getElementById("no-calls-text").textContent.includes("prépare les premiers appels")`)
	postJSON(t, r.base+"/api/kiosk/lang", `{"lang":"en"}`, nil)
	postJSON(t, r.base+"/api/kiosk/lang", `{"lang":"fr"}`, nil)
	time.Sleep(300 * time.Millisecond) // several state updates later…
	if evalJS[bool](t, b, `document.getElementById("notice").hidden`) {
		t.Error("the pairing notice went away before it was read")
	}
	if evalJS[bool](t, b, `!document.getElementById("filters").hidden || !document.getElementById("clear-filters").hidden || !document.getElementById("written").hidden`) {
		t.Error("an empty room shows filters or headings with nothing under them")
	}
	b.screenshot(t, "800x480-11-empty-home")
	axeClean(t, b, "empty home")
	b.do(t, "OK", chromedp.Click(chromedp.CSS(`#notice [data-act="dismiss"]`)))
	b.waitJS(t, "notice read", `document.getElementById("notice").hidden`)
	for _, p := range b.problems() {
		// The refused code itself is what this test asks for; the browser logs it.
		if !strings.Contains(p, "/api/kiosk/pair") {
			t.Errorf("console error: %s", p)
		}
	}
}

// TestKioskReloadShowsTheRightScreenAtOnce: a reload during a visit never
// paints the attract loop first.
func TestKioskReloadShowsTheRightScreenAtOnce(t *testing.T) {
	r := startRoom(t)
	postJSON(t, r.base+"/api/kiosk/wake", ``, nil)
	b := newBrowser(t, 1280, 800)
	// Record every screen the page shows, from its very first script.
	if _, err := chromedp.Call(b.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: `window.__screens = []; new MutationObserver(() => { const s = document.body && document.body.dataset.screen; if (s && window.__screens.at(-1) !== s) window.__screens.push(s); }).observe(document, {subtree: true, attributes: true, attributeFilter: ["data-screen"]});`}); err != nil {
		t.Fatal(err)
	}
	b.do(t, "open the kiosk", chromedp.Navigate(r.base+"/kiosk/"))
	b.waitJS(t, "home", screenIs("home"))
	b.do(t, "reload", chromedp.Reload())
	b.waitJS(t, "home again", screenIs("home")+` && document.querySelectorAll("#calls .card").length > 0`)
	if seen := evalJS[[]string](t, b, `window.__screens`); len(seen) != 1 || seen[0] != "home" {
		t.Errorf("screens shown after the reload: %v, want only home", seen)
	}
}
