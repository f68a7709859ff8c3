package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// The curators' studio, driven in a real Chromium against the real program:
// a curator logs in, reviews a freshly imported call whose transcript holds
// personal data, adds a range to bleep, approves, and the room then lists the
// call. Like the kiosk tests these fail, not skip, without Chromium.

const (
	studioUser = "camille"
	studioPass = "s3cret-pass"
)

func (b *browser) studioShot(t *testing.T, name string) { b.shotIn(t, "studio", name) }

// studioProblems are the console's errors, less those the studio expects:
// GET /api/auth/me answers 401 before the curator has logged in, and
// POST /api/auth/login 401 to a wrong password (Chromium logs both).
func (b *browser) studioProblems() []string {
	return b.problemsBut(func(m chromedp.ConsoleMessage) bool {
		return strings.Contains(m.Text, "401") && (strings.HasSuffix(m.URL, "/api/auth/me") || strings.HasSuffix(m.URL, "/api/auth/login"))
	})
}

// startStudio starts the program with a curator account and the review
// fixtures imported: one pending call (its id returned) and two verbatims.
func startStudio(t *testing.T) (*room, int64) {
	t.Helper()
	r := startRoom(t)
	env := func(string) string { return "" }
	if err := run(context.Background(), []string{"user", "add", "--data", r.data, "--role", "curator", studioUser},
		env, strings.NewReader(studioPass+"\n"), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"import", "--json", "--data", r.data, "testdata/review-call.wav", "testdata/review-verbatims.csv"},
		env, strings.NewReader(""), &out, io.Discard); err != nil {
		t.Fatalf("import: %v\n%s", err, out.String())
	}
	var id int64
	for dec := json.NewDecoder(&out); dec.More(); {
		var res struct {
			Path, Status string
			ID           int64
		}
		if err := dec.Decode(&res); err != nil {
			t.Fatalf("import --json: %v", err)
		}
		if strings.HasSuffix(res.Path, ".wav") && res.Status == "imported" {
			id = res.ID
		}
	}
	if id == 0 {
		t.Fatalf("the review call was not imported:\n%s", out.String())
	}
	return r, id
}

// staffClient is an HTTP client logged in as the curator.
func staffClient(t *testing.T, r *room) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	resp, err := c.Post(r.base+"/api/auth/login", "application/json", strings.NewReader(fmt.Sprintf(`{"name":%q,"password":%q}`, studioUser, studioPass)))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("staff login: %v %v", err, resp)
	}
	resp.Body.Close()
	return c
}

type reviewJSON struct {
	Recording struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	} `json:"recording"`
	Redactions []struct {
		StartMS int64 `json:"start_ms"`
		EndMS   int64 `json:"end_ms"`
	} `json:"redactions"`
	Render struct {
		State string `json:"state"`
	} `json:"render"`
}

func getReview(t *testing.T, c *http.Client, r *room, id int64) reviewJSON {
	t.Helper()
	resp, err := c.Get(fmt.Sprintf("%s/api/recordings/%d/review", r.base, id))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var rv reviewJSON
	if err := json.NewDecoder(resp.Body).Decode(&rv); err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET review %d: %d %v", id, resp.StatusCode, err)
	}
	return rv
}

// login fills the studio's login panel.
func (b *browser) studioLogin(t *testing.T, name, pass string) {
	t.Helper()
	b.waitJS(t, "login panel", `!document.getElementById("login").hidden`)
	evalJS[bool](t, b, `(() => { document.getElementById("login-name").value = ""; document.getElementById("login-password").value = ""; return true; })()`)
	b.do(t, "log in",
		chromedp.SendKeys(chromedp.CSS("#login-name"), name),
		chromedp.SendKeys(chromedp.CSS("#login-password"), pass),
		chromedp.Click(chromedp.CSS(`#login-form button[type="submit"]`)))
}

// roomListsRecording says whether the room (loopback, no login) lists id.
func roomListsRecording(t *testing.T, r *room, id int64) bool {
	t.Helper()
	var recs []struct{ ID int64 }
	getJSON(t, r.base+"/api/recordings", &recs)
	for _, rec := range recs {
		if rec.ID == id {
			return true
		}
	}
	return false
}

func TestStudioBrowserReviewAndApprove(t *testing.T) {
	r, id := startStudio(t)
	staff := staffClient(t, r)
	if roomListsRecording(t, r, id) {
		t.Fatalf("the room lists call %d before its review", id)
	}
	before := getReview(t, staff, r, id)

	b := newBrowser(t, 1366, 768)
	b.do(t, "open the studio", chromedp.Navigate(r.base+"/studio/?lang=fr"))
	b.studioShot(t, "1-login")
	b.studioLogin(t, studioUser, studioPass)

	// The queue: the pending call with its findings, the verbatims, the quarantine.
	call := fmt.Sprintf(`#calls [data-review="%d"]`, id)
	b.waitJS(t, "queue with the call", screenIs("queue")+` && document.querySelector(`+jsString(call)+`) !== null`)
	b.waitJS(t, "pending verbatims", `document.querySelectorAll("#verbatims .verbatim").length >= 2 && document.querySelector("#verbatims mark.finding") !== null`)
	if n := evalJS[string](t, b, `document.getElementById("calls-count").textContent`); n == "0" || n == "" {
		t.Errorf("pending calls count %q", n)
	}
	if who := evalJS[string](t, b, `document.getElementById("who").textContent`); !strings.Contains(who, studioUser) {
		t.Errorf("header says %q, want the curator's name", who)
	}
	b.studioShot(t, "2-queue")
	axeClean(t, b, "studio queue")

	// The review: findings marked in the transcript, ranges on the waveform.
	b.do(t, "open the call", chromedp.Click(chromedp.CSS(call)))
	b.waitJS(t, "review with findings", screenIs("review")+` && document.querySelectorAll("#cues mark.finding").length >= 2`)
	marks := evalJS[[]string](t, b, `[...document.querySelectorAll("#cues mark.finding")].map(m => m.dataset.kind + ":" + m.textContent)`)
	if !strings.Contains(strings.Join(marks, "|"), "phone:06 12 34 56 78") {
		t.Errorf("marked findings %q: want the phone number marked as phone", marks)
	}
	if txt := evalJS[string](t, b, `document.getElementById("cues").textContent`); !strings.Contains(txt, "téléphone") {
		t.Errorf("transcript does not name the finding's kind: %q", txt)
	}
	b.waitJS(t, "waveform drawn", `document.querySelector("#waveform > div") !== null && document.querySelectorAll("#ranges .range").length === `+fmt.Sprint(len(before.Redactions)))
	meta := evalJS[string](t, b, `document.getElementById("rv-meta").textContent`)
	for _, want := range []string{"Livraison", "2 / 10", "review-call.wav"} {
		if !strings.Contains(meta, want) {
			t.Errorf("metadata %q lacks %q", meta, want)
		}
	}
	// Everything a review needs fits a 1366x768 laptop screen, without sideways scrolling.
	offscreen := evalJS[[]string](t, b, `["waveform", "play", "approve", "reject", "cues", "ranges"].filter(id => {
		const r = document.getElementById(id).getBoundingClientRect();
		return r.width === 0 || r.right > innerWidth || r.top > innerHeight - 20; })`)
	if len(offscreen) > 0 || evalJS[bool](t, b, `document.documentElement.scrollWidth > innerWidth`) {
		t.Errorf("at 1366x768 these are off screen: %v (or the page scrolls sideways)", offscreen)
	}
	b.studioShot(t, "3-review")
	axeClean(t, b, "studio review")

	// Editing the transcript: new personal data is found and marked.
	b.do(t, "edit the transcript", chromedp.Click(chromedp.CSS(`#edit-transcript`)))
	b.waitJS(t, "text boxes", `document.querySelectorAll("#cues textarea").length === 3`)
	evalJS[bool](t, b, `(() => { document.querySelector('#cues .cue[data-i="2"] textarea').value = "Merci, écrivez-moi à jean.dupont@exemple.fr."; return true; })()`)
	b.do(t, "save the transcript", chromedp.Click(chromedp.CSS(`#save-transcript`)))
	b.waitJS(t, "the new e-mail marked", `document.querySelectorAll("#cues textarea").length === 0 && [...document.querySelectorAll('#cues .cue[data-i="2"] mark.finding')].some(m => m.dataset.kind === "email" && m.textContent === "jean.dupont@exemple.fr")`)
	before = getReview(t, staff, r, id)
	b.waitJS(t, "ranges after the edit", `document.querySelectorAll("#ranges .range").length === `+fmt.Sprint(len(before.Redactions)))

	// A manual range: on the first cue (no personal data there), from the button at the playhead.
	b.do(t, "seek to the first cue", chromedp.Click(chromedp.CSS(`#cues .cue[data-i="0"] .time`)))
	b.do(t, "add a range", chromedp.Click(chromedp.CSS(`[data-act="add-range"]`)))
	b.waitJS(t, "range saved", `document.querySelectorAll("#ranges .range").length === `+fmt.Sprint(len(before.Redactions)+1))
	rv := getReview(t, staff, r, id)
	manual := false
	for _, x := range rv.Redactions {
		manual = manual || x.EndMS <= 2000 && x.EndMS-x.StartMS >= 900
	}
	if !manual || len(rv.Redactions) != len(before.Redactions)+1 {
		t.Errorf("saved redactions %+v; want those before (%+v) and a new one before 2 s", rv.Redactions, before.Redactions)
	}
	// A range drawn by dragging on the waveform, from 6.6 to 7.6 s where nobody speaks.
	wave := evalJS[[]float64](t, b, `(() => { const r = document.getElementById("waveform").getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })()`)
	y := wave[1] + wave[3]/2
	x0, x1 := wave[0]+wave[2]*6.6/8, wave[0]+wave[2]*7.6/8
	b.do(t, "drag on the waveform",
		chromedp.MouseEvent(input.DispatchMouseEventTypeMousePressed, x0, y, chromedp.ButtonLeft, chromedp.ClickCount(1)),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, (x0+x1)/2, y, chromedp.ButtonLeft),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x1, y, chromedp.ButtonLeft),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseReleased, x1, y, chromedp.ButtonLeft, chromedp.ClickCount(1)))
	b.waitJS(t, "dragged range saved", `document.querySelectorAll("#ranges .range").length === `+fmt.Sprint(len(before.Redactions)+2))
	// Deleting it again.
	last := -1
	for i, x := range getReview(t, staff, r, id).Redactions {
		if x.StartMS >= 6300 && x.EndMS <= 8000 {
			last = i
		}
	}
	if last < 0 {
		t.Fatalf("no range between 6.3 and 8 s after the drag: %+v", getReview(t, staff, r, id).Redactions)
	}
	b.do(t, "delete the dragged range", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#ranges [data-act="delete-range"][data-i="%d"]`, last))))
	b.waitJS(t, "range deleted", `document.querySelectorAll("#ranges .range").length === `+fmt.Sprint(len(before.Redactions)+1))
	if rv = getReview(t, staff, r, id); len(rv.Redactions) != len(before.Redactions)+1 {
		t.Errorf("after deleting the dragged range the server keeps %+v", rv.Redactions)
	}

	// The anonymized preview is what the page plays when asked.
	b.do(t, "listen to the preview", chromedp.Click(chromedp.CSS(`[data-src="preview"]`)))
	b.waitJS(t, "preview chosen", `document.querySelector('[data-src="preview"]').getAttribute("aria-pressed") === "true"`)
	if st := evalAsync[float64](t, b, fmt.Sprintf(`fetch("/api/recordings/%d/preview", {headers: {Range: "bytes=0-43"}}).then(r => r.status)`, id)); st != 206 && st != 200 {
		t.Errorf("the preview answers %v", st)
	}
	b.do(t, "back to the original", chromedp.Click(chromedp.CSS(`[data-src="original"]`)))

	// Approve: the rendition renders, then the room lists the call.
	b.do(t, "approve", chromedp.Click(chromedp.CSS(`#approve`)))
	b.waitJS(t, "render done", `document.getElementById("render-box").dataset.state === "done" && document.getElementById("rv-status").classList.contains("approved")`)
	b.studioShot(t, "4-approved")
	if !roomListsRecording(t, r, id) {
		t.Errorf("the room does not list call %d after its approval", id)
	}

	// English labels, the same page.
	b.do(t, "switch to English", chromedp.Click(chromedp.CSS(`.top .lang`)))
	b.waitJS(t, "English labels", `document.documentElement.lang === "en" && document.querySelector('[data-act="back"]').textContent === "← Queue" && document.getElementById("render-status").textContent === "Approved: the room can play it." && document.querySelector(".transcript-head h2").textContent === "Transcript"`)
	b.studioShot(t, "5-approved-en")

	// Back in the queue the call waits no more.
	b.do(t, "back to the queue", chromedp.Click(chromedp.CSS(`[data-act="back"]`)))
	b.waitJS(t, "queue without the call", screenIs("queue")+` && document.querySelector(`+jsString(call)+`) === null && document.querySelector("#queue h2 span").textContent === "Calls to review"`)

	if p := b.studioProblems(); len(p) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(p, "\n"))
	}
}

func TestStudioBrowserVerbatimsRejectAndLogin(t *testing.T) {
	r, id := startStudio(t)
	var roomBefore []struct{ Text string }
	getJSON(t, r.base+"/api/verbatims", &roomBefore)

	b := newBrowser(t, 1366, 768)
	b.do(t, "open the studio", chromedp.Navigate(r.base+"/studio/?lang=fr"))
	b.waitJS(t, "login panel", `!document.getElementById("login").hidden && document.querySelector("#login h1").textContent === "Connexion au studio"`)
	b.do(t, "English", chromedp.Click(chromedp.CSS(`.top .lang`)))
	b.waitJS(t, "English login", `document.querySelector("#login h1").textContent === "Sign in to the studio" && document.querySelector("#login-form button").textContent === "Sign in"`)

	b.studioLogin(t, studioUser, "wrong-password")
	b.waitJS(t, "refused", `!document.getElementById("login-error").hidden`)
	b.studioLogin(t, studioUser, studioPass)
	b.waitJS(t, "queue", screenIs("queue")+` && document.querySelectorAll("#verbatims .verbatim").length >= 2`)

	// A file that is not audio lands in the inbox: the queue learns it live
	// (the `library` event) and the quarantine says why.
	bad, err := os.ReadFile("testdata/noise.wav")
	if err != nil {
		t.Fatal(err)
	}
	staged := filepath.Join(r.data, "appel-illisible.wav.part")
	if err := os.WriteFile(staged, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(staged, filepath.Join(r.data, "inbox", "appel-illisible.wav")); err != nil {
		t.Fatal(err)
	}
	b.waitJS(t, "quarantined file with its reason", `[...document.querySelectorAll("#quarantine li")].some(li => li.querySelector(".name").textContent === "appel-illisible.wav" && li.querySelector(".reason").textContent.length > 5) && document.getElementById("import-status").textContent.includes("quarantined")`)

	// Findings are marked and the masked text is shown as the room will read it.
	text := evalJS[string](t, b, `document.getElementById("verbatims").textContent`)
	for _, want := range []string{"06 98 76 54 32", "In the room:", "phone"} {
		if !strings.Contains(text, want) {
			t.Errorf("verbatims panel lacks %q: %q", want, text)
		}
	}
	b.do(t, "select all", chromedp.Click(chromedp.CSS(`#select-all`)))
	b.do(t, "approve the selection", chromedp.Click(chromedp.CSS(`#approve-selected`)))
	b.waitJS(t, "no verbatim waiting", `document.querySelectorAll("#verbatims .verbatim").length === 0 && !document.getElementById("no-verbatims").hidden`)
	b.studioShot(t, "6-verbatims-approved-en")

	var roomAfter []struct{ Text string }
	getJSON(t, r.base+"/api/verbatims", &roomAfter)
	if len(roomAfter) != len(roomBefore)+2 {
		t.Errorf("the room has %d verbatims after approving 2, had %d", len(roomAfter), len(roomBefore))
	}
	for _, v := range roomAfter {
		if strings.Contains(v.Text, "06 98 76 54 32") || strings.Contains(v.Text, "paul.martin@") {
			t.Errorf("the room reads unmasked personal data: %q", v.Text)
		}
	}

	// Rejecting a call needs a reason; the call then leaves the queue and never reaches the room.
	b.do(t, "open the call", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#calls [data-review="%d"]`, id))))
	b.waitJS(t, "review", screenIs("review")+` && !document.getElementById("decision").hidden`)
	b.do(t, "reject without a reason", chromedp.Click(chromedp.CSS(`#reject`)))
	b.waitJS(t, "a reason is asked for", `!document.getElementById("toast").hidden && document.getElementById("toast").textContent === "Give a reason for rejecting."`)
	b.do(t, "reject with a reason", chromedp.SendKeys(chromedp.CSS(`#reject-reason`), "Appel interne, pas un client"), chromedp.Click(chromedp.CSS(`#reject`)))
	b.waitJS(t, "rejected", `document.getElementById("rv-status").classList.contains("rejected") && document.getElementById("render-box").dataset.state === "rejected" && document.getElementById("decision").hidden`)
	b.studioShot(t, "7-rejected-en")
	if roomListsRecording(t, r, id) {
		t.Errorf("the room lists the rejected call %d", id)
	}
	b.do(t, "back to the queue", chromedp.Click(chromedp.CSS(`[data-act="back"]`)))
	b.waitJS(t, "empty call queue", screenIs("queue")+` && document.querySelectorAll("#calls li").length === 0 && !document.getElementById("no-calls").hidden`)

	// Logging out returns to the login panel; the API is closed again.
	b.do(t, "log out", chromedp.Click(chromedp.CSS(`#logout`)))
	b.waitJS(t, "login again", `!document.getElementById("login").hidden`)
	if st := evalAsync[float64](t, b, `fetch("/api/recordings?status=pending").then(r => r.json()).then(l => l.filter(x => x.status === "pending").length)`); st != 0 {
		t.Errorf("after logging out the page still reads %v pending calls", st)
	}
	if p := b.studioProblems(); len(p) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(p, "\n"))
	}
}

// evalAsync evaluates a JavaScript promise and decodes what it resolves to.
func evalAsync[T any](t *testing.T, b *browser, expr string) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// jsString quotes s for JavaScript.
func jsString(s string) string {
	q, _ := json.Marshal(s)
	return string(q)
}
