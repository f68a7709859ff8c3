package main

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// The room as a device: closed hours (the studio marks them, the room's
// screen dims to a clock), in a real Chromium against the real server.

// newTab opens another tab (target) in b's browser, with its console
// collected; it closes with the test.
func (b *browser) newTab(t *testing.T) *browser {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx)
	t.Cleanup(cancel)
	tab := &browser{ctx: ctx}
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	tab.collectConsole()
	return tab
}

// hhmm is a time of day as the studio's time inputs take it.
func hhmm(t time.Time) string { return t.Format("15:04") }

func TestKioskBrowserClosedHours(t *testing.T) {
	r := startCuration(t)
	studio := newBrowser(t, 1366, 768)
	kiosk := studio.newTab(t)
	if err := chromedp.Do(kiosk.ctx, chromedp.EmulateViewport(800, 480)); err != nil {
		t.Fatal(err)
	}
	kiosk.do(t, "open the room's screen", chromedp.Navigate(r.base+"/kiosk/"))
	kiosk.waitJS(t, "attract", screenIs("attract"))

	// The curator closes the room for the hours around now, every day.
	now := time.Now()
	from, until := now.Add(-time.Hour).Truncate(time.Hour), now.Add(2*time.Hour).Truncate(time.Hour)
	studio.do(t, "open the studio", chromedp.Navigate(r.base+"/studio/?lang=fr"))
	studio.studioLogin(t, studioUser, studioPass)
	studio.waitJS(t, "queue", screenIs("queue")+` && !document.getElementById("tabs").hidden`)
	studio.openTab(t, "programme")
	studio.waitJS(t, "week grid", `document.querySelectorAll("#week tbody td").length === 168`)
	studio.do(t, "click a grid cell", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#week [data-act="pg-cell"][data-day="%d"][data-hour="%d"]`, int(now.Weekday()), now.Hour()))))
	studio.jsClick(t, "#p-closed")
	studio.waitJS(t, "no playlist for a closed slot", `document.getElementById("p-playlist").disabled`)
	studio.setValue(t, "#p-day", "-1")
	studio.setValue(t, "#p-start", hhmm(from))
	studio.setValue(t, "#p-end", hhmm(until))
	studio.do(t, "add the closed slot", chromedp.Click(chromedp.CSS(`#prog-form button[type="submit"]`)))
	studio.waitJS(t, "closed cells on the grid", `document.querySelectorAll("#week .cell.closed").length === 21 && document.querySelector("#week .cell.closed").textContent === "Fermé"`)
	studio.waitJS(t, "preview: closed now", `document.getElementById("prog-now").dataset.closed === "1" && document.getElementById("prog-now").textContent.includes("la salle est fermée")`)
	studio.do(t, "save the programme", chromedp.Click(chromedp.CSS("#prog-save")))
	studio.waitJS(t, "programme saved", `document.getElementById("prog-state").textContent.startsWith("Programme enregistré")`)
	studio.studioShot(t, "16-programme-closed")
	var saved []struct {
		Closed     bool  `json:"closed"`
		PlaylistID int64 `json:"playlist_id"`
		StartMin   int   `json:"start_min"`
	}
	staffGet(t, staffClient(t, r), r.base+"/api/kiosk/programme", &saved)
	if len(saved) != 1 || !saved[0].Closed || saved[0].PlaylistID != 0 || saved[0].StartMin != from.Hour()*60 {
		t.Fatalf("saved programme %+v, want one closed slot from %s", saved, hhmm(from))
	}

	// The room's screen, already open, dims to the clock with no reload.
	kiosk.waitJS(t, "the clock", screenIs("closed")+` && /^\d\d:\d\d$/.test(document.getElementById("clock-time").textContent)`)
	back := fmt.Sprintf("Fermé · de retour à %s", hhmm(until))
	if until.Day() != now.Day() {
		back = "Fermé · de retour " // tomorrow: the weekday is named
	}
	kiosk.waitJS(t, "when the room opens", fmt.Sprintf(`document.getElementById("clock-back").textContent.startsWith(%s)`, jsString(back)))
	if n := evalJS[int](t, kiosk, `[...document.querySelectorAll("#closed button, #closed a, #closed [tabindex='0']")].length`); n != 0 {
		t.Errorf("the clock screen has %d controls, want none", n)
	}
	axeClean(t, kiosk, "closed")
	kiosk.screenshot(t, "800x480-closed-clock")
	// A tap does nothing; the server refuses sound in plain words.
	kiosk.do(t, "tap the clock", chromedp.Click(chromedp.CSS("#closed")))
	var ks struct {
		Screen  string  `json:"screen"`
		Closed  bool    `json:"closed"`
		OpensAt *string `json:"opens_at"`
	}
	if getJSON(t, r.base+"/api/kiosk", &ks); ks.Screen != "attract" || !ks.Closed || ks.OpensAt == nil || (*ks.OpensAt)[11:16] != hhmm(until) {
		t.Errorf("room state while closed: %+v, want attract, closed, opening at %s", ks, hhmm(until))
	}
	var refusal struct{ Error, Code string }
	if st := postJSON(t, r.base+"/api/player/play", `{"recording_id":1}`, &refusal); st != 409 || refusal.Code != "conflict" || !strings.HasPrefix(refusal.Error, "the room is closed until") {
		t.Errorf("play while closed: %d %+v", st, refusal)
	}
	// In English, both sides.
	postJSON(t, r.base+"/api/kiosk/lang", `{"lang":"en"}`, nil)
	kiosk.waitJS(t, "English clock", `document.getElementById("closed-title").textContent === "The room is closed" && document.getElementById("clock-back").textContent.startsWith("Closed · back")`)
	axeClean(t, kiosk, "closed, English")
	studio.do(t, "English studio", chromedp.Click(chromedp.CSS(`.top .lang`)))
	studio.waitJS(t, "English preview", `document.getElementById("prog-now").textContent.includes("the room is closed") && document.querySelector("#week .cell.closed").textContent === "Closed"`)

	// The curator removes the closed slot: the room opens at once.
	studio.jsClick(t, `#prog-entries [data-act="pg-remove"]`)
	studio.do(t, "save the programme", chromedp.Click(chromedp.CSS("#prog-save")))
	kiosk.waitJS(t, "open again", screenIs("attract"))
	if p := append(studio.studioProblems(), kiosk.problems()...); len(p) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(p, "\n"))
	}
}

// sseClients reads the server's count of open event streams from /metrics.
func sseClients(t *testing.T, r *room) int {
	t.Helper()
	resp, err := http.Get(r.base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(body), "\n") {
		if n, ok := strings.CutPrefix(line, "customerroom_sse_clients "); ok {
			v, err := strconv.Atoi(strings.TrimSpace(n))
			if err != nil {
				t.Fatalf("metrics line %q: %v", line, err)
			}
			return v
		}
	}
	t.Fatalf("no customerroom_sse_clients in /metrics:\n%s\nserver log:\n%s", body, r.stderr)
	return 0
}

// TestKioskBrowserOneStreamForNineTabs: nine tabs of the room's screen in one
// browser (past the six connections a browser keeps per server) all follow
// the room over one event stream, and closing the tab that holds it hands
// the stream to another.
func TestKioskBrowserOneStreamForNineTabs(t *testing.T) { nineTabs(t, false) }

// TestKioskBrowserOneStreamForNineTabsWithoutLocks: the same where the page
// has no Web Locks, as on plain HTTP away from localhost (a curator's
// laptop on the office network): the tabs elect the leader among
// themselves over the BroadcastChannel.
func TestKioskBrowserOneStreamForNineTabsWithoutLocks(t *testing.T) { nineTabs(t, true) }

func nineTabs(t *testing.T, withoutLocks bool) {
	r := startRoom(t)
	b := newBrowser(t, 800, 480) // its own tab stays blank, so any kiosk tab can close
	tabs := make([]*browser, 9)
	for i := range tabs {
		tabs[i] = b.newTab(t)
		if withoutLocks {
			if _, err := chromedp.Call(tabs[i].ctx, page.AddScriptToEvaluateOnNewDocument,
				page.AddScriptToEvaluateOnNewDocumentParams{Source: `delete Navigator.prototype.locks;`}); err != nil {
				t.Fatal(err)
			}
		}
		tabs[i].do(t, fmt.Sprintf("open tab %d", i+1), chromedp.Navigate(r.base+"/kiosk/"))
	}
	if withoutLocks && evalJS[bool](t, tabs[0], `"locks" in navigator`) {
		t.Fatal("the page still has Web Locks")
	}
	for i, tab := range tabs {
		tab.waitJS(t, fmt.Sprintf("tab %d on attract, following the stream", i+1), screenIs("attract")+` && ["leader", "follower"].includes(document.body.dataset.stream) && document.body.dataset.live === "1"`)
	}
	leaders := func() []int {
		var out []int
		for i, tab := range tabs {
			if tab != nil && evalJS[string](t, tab, `document.body.dataset.stream`) == "leader" {
				out = append(out, i)
			}
		}
		return out
	}
	lead := leaders()
	if len(lead) != 1 {
		t.Fatalf("leaders %v, want exactly one tab holding the stream", lead)
	}

	// A change made after they all opened reaches all nine.
	postJSON(t, r.base+"/api/kiosk/wake", ``, nil)
	for i, tab := range tabs {
		tab.waitJS(t, fmt.Sprintf("tab %d home", i+1), screenIs("home"))
	}
	n := sseClients(t, r)
	t.Logf("nine tabs, one leader (tab %d): the server holds %d event stream(s)", lead[0]+1, n)
	if n > 2 {
		t.Errorf("the server holds %d event streams for nine tabs, want at most 2", n)
	}

	// The leader's tab closes: another takes the stream, and the next change
	// reaches the eight left.
	closeTab(t, tabs[lead[0]])
	tabs[lead[0]] = nil
	postJSON(t, r.base+"/api/kiosk/lang", `{"lang":"en"}`, nil)
	for i, tab := range tabs {
		if tab != nil {
			tab.waitJS(t, fmt.Sprintf("tab %d in English", i+1), `document.documentElement.lang === "en" && `+screenIs("home"))
		}
	}
	lead2 := leaders()
	if len(lead2) != 1 || lead2[0] == lead[0] {
		t.Fatalf("leaders after tab %d closed: %v, want one other tab", lead[0]+1, lead2)
	}
	n = sseClients(t, r)
	t.Logf("tab %d closed, tab %d took the lead: the server holds %d event stream(s)", lead[0]+1, lead2[0]+1, n)
	if n > 2 {
		t.Errorf("after the hand-over the server holds %d event streams, want at most 2", n)
	}
	for i, tab := range tabs {
		if tab == nil {
			continue
		}
		if p := tab.problems(); len(p) > 0 {
			t.Errorf("tab %d console errors:\n%s", i+1, strings.Join(p, "\n"))
		}
	}
}

// closeTab closes a tab opened by newTab, as a person closing it would.
func closeTab(t *testing.T, tab *browser) {
	t.Helper()
	if err := chromedp.Cancel(tab.ctx); err != nil {
		t.Fatalf("close a tab: %v", err)
	}
}
