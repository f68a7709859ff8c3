package main

import (
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// The workshop's three pages in a real Chromium against the real program:
// the room's screen in workshop mode, a participant's phone on /join, and
// the facilitator's tablet driving a session down to the printable report.
// Participants' votes come from Go HTTP clients, each with its own cookie
// jar (its own device). Like the other browser tests they fail, not skip,
// without Chromium. Screenshots go to artifacts/workshop/.

const facilitatorPass = "s3cret-pass" // newStaff's password

func workshopArtifacts(t *testing.T) string { return artifactsDir(t, "workshop") }

func (b *browser) workshopShot(t *testing.T, name string) { b.shotIn(t, "workshop", name) }

// workshopProblems are the console's errors, less the refusals the pages
// expect and handle: 401 from /api/auth/me before the login, and 404 from
// /api/join/ for a wrong or ended code (Chromium logs each failed request).
func (b *browser) workshopProblems() []string {
	return b.problemsBut(func(m chromedp.ConsoleMessage) bool {
		return strings.Contains(m.Text, "401") && strings.HasSuffix(m.URL, "/api/auth/me") ||
			strings.Contains(m.Text, "404") && strings.Contains(m.URL, "/api/join/")
	})
}

// uiWorkshop is the part of a session the tests read.
type uiWorkshop struct {
	ID      int64    `json:"id"`
	Title   string   `json:"title"`
	State   string   `json:"state"`
	Code    string   `json:"code"`
	JoinURL string   `json:"join_url"`
	Teams   []string `json:"teams"`
	Index   int      `json:"index"`
	Items   []struct {
		Key   string `json:"key"`
		Type  string `json:"type"`
		ID    int64  `json:"id"`
		Title string `json:"title"`
		Score *int   `json:"score"`
	} `json:"items"`
	Revealed bool `json:"revealed"`
	Tally    *struct {
		Item  string  `json:"item"`
		Count int     `json:"count"`
		Avg   float64 `json:"avg"`
		Dist  []int   `json:"dist"`
	} `json:"tally"`
	Ideas []struct {
		Text string `json:"text"`
	} `json:"ideas"`
	Notes []struct {
		Text string `json:"text"`
	} `json:"notes"`
}

// uiWorkshopRoom starts the program with the demo library, a curator who
// makes a playlist of two calls (delivery, customer score 2; welcome, 10),
// and a facilitator. It answers the facilitator's client and the playlist.
func uiWorkshopRoom(t *testing.T) (*room, *apiClient, int64) {
	t.Helper()
	r := startRoom(t)
	cur := newStaff(t, r, "claire", "curator")
	calls := map[string]int64{}
	var recs []struct {
		ID    int64  `json:"id"`
		Topic string `json:"topic"`
	}
	cur.do("GET", "/api/recordings?status=approved", "", &recs)
	for _, x := range recs {
		calls[x.Topic] = x.ID
	}
	if calls["Livraison"] == 0 || calls["Accueil"] == 0 {
		t.Fatalf("demo calls: %+v", recs)
	}
	var pl struct {
		ID int64 `json:"id"`
	}
	body := fmt.Sprintf(`{"name":"Atelier livraison","items":[{"recording_id":%d},{"recording_id":%d}]}`, calls["Livraison"], calls["Accueil"])
	if code, resp := cur.do("POST", "/api/playlists", body, &pl); code != 201 || pl.ID == 0 {
		t.Fatalf("make the playlist: %d %s", code, resp)
	}
	return r, newStaff(t, r, "fanny", "facilitator"), pl.ID
}

// uiLiveWorkshop creates and starts a session as the facilitator.
func uiLiveWorkshop(t *testing.T, fac *apiClient, playlist int64, title string) uiWorkshop {
	t.Helper()
	var made uiWorkshop
	if code, resp := fac.do("POST", "/api/workshops", fmt.Sprintf(`{"title":%q,"playlist_id":%d,"teams":["Logistique","SAV"]}`, title, playlist), &made); code != 201 || made.Code == "" {
		t.Fatalf("create the workshop: %d %s", code, resp)
	}
	var w uiWorkshop
	if code, resp := fac.do("POST", fmt.Sprintf("/api/workshops/%d/start", made.ID), "{}", &w); code != 200 || w.State != "live" || len(w.Items) != 2 {
		t.Fatalf("start the workshop: %d %s", code, resp)
	}
	return w
}

// uiPhone is a phone: no account, its own cookie jar.
func uiPhone(t *testing.T, r *room) *apiClient {
	jar, _ := cookiejar.New(nil)
	return &apiClient{t, r.base, &http.Client{Jar: jar, Timeout: 10 * time.Second}}
}

// uiVote votes from a phone.
func uiVote(p *apiClient, code, item string, score int) {
	p.t.Helper()
	if status, body := p.do("POST", "/api/join/"+code+"/votes", fmt.Sprintf(`{"item":%q,"score":%d}`, item, score), nil); status != 200 && status != 201 {
		p.t.Fatalf("vote %d on %s: %d %s", score, item, status, body)
	}
}

// uiGetWorkshop is the session as the facilitator reads it.
func uiGetWorkshop(fac *apiClient, id int64) uiWorkshop {
	fac.t.Helper()
	var w uiWorkshop
	if code, body := fac.do("GET", fmt.Sprintf("/api/workshops/%d", id), "", &w); code != 200 {
		fac.t.Fatalf("GET workshop %d: %d %s", id, code, body)
	}
	return w
}

// TestWorkshopRoomScreenFollowsVotes: the room's screen switches to workshop
// mode, shows how to join, counts each vote as it arrives, shows the real
// score once revealed, and goes back to the lone listener's home at the end.
func TestWorkshopRoomScreenFollowsVotes(t *testing.T) {
	r, fac, pl := uiWorkshopRoom(t)
	b := newBrowser(t, 1280, 800)
	b.do(t, "open the room's screen", chromedp.Navigate(r.base+"/kiosk/"))
	b.waitJS(t, "the lone listener's screen", `["attract", "home"].includes(document.body.dataset.screen)`)

	w := uiLiveWorkshop(t, fac, pl, "Livraison : écouter ensemble")
	first := w.Items[0]
	b.waitJS(t, "workshop mode", screenIs("workshop")+` && document.getElementById("ws-code").textContent === `+jsString(w.Code))
	if got := evalJS[string](t, b, `document.getElementById("ws-title").textContent`); got != w.Title {
		t.Errorf("room's title %q, want %q", got, w.Title)
	}
	if got := evalJS[string](t, b, `document.getElementById("ws-item").textContent`); got != first.Title {
		t.Errorf("room shows %q playing, want %q", got, first.Title)
	}
	b.waitJS(t, "the QR code drawn", `(() => { const q = document.getElementById("ws-qr"); return q.complete && q.naturalWidth > 100; })()`)
	b.waitJS(t, "no vote yet", `document.getElementById("ws-tally").dataset.count === "0"`)
	if evalJS[bool](t, b, `!document.getElementById("ws-real").hidden`) {
		t.Error("the customer's score shows before the reveal")
	}

	// A vote from a phone reaches the screen through the workshop event; a
	// second phone's vote too; a phone changing its mind counts once.
	p1, p2 := uiPhone(t, r), uiPhone(t, r)
	uiVote(p1, w.Code, first.Key, 7)
	b.waitJS(t, "the first vote on screen", `document.getElementById("ws-tally").dataset.count === "1" &&
		document.querySelector('#ws-tally .tally-col[data-score="7"] .tally-n').textContent === "1"`)
	uiVote(p2, w.Code, first.Key, 3)
	uiVote(p1, w.Code, first.Key, 4)
	b.waitJS(t, "two phones, two votes", `document.getElementById("ws-tally").dataset.count === "2" &&
		document.querySelector('#ws-tally .tally-col[data-score="4"] .tally-n').textContent === "1" &&
		document.querySelector('#ws-tally .tally-col[data-score="7"] .tally-n').textContent === ""`)
	b.workshopShot(t, "room-1-votes")

	// The kiosk's own flow is held while the session runs.
	if code := postJSON(t, r.base+"/api/kiosk/home", "{}", nil); code != 409 {
		t.Errorf("kiosk action during a workshop: %d, want 409", code)
	}

	// The reveal: the customer's score beside the tally.
	if code, body := fac.do("POST", fmt.Sprintf("/api/workshops/%d/reveal", w.ID), "{}", nil); code != 200 {
		t.Fatalf("reveal: %d %s", code, body)
	}
	want := fmt.Sprint(*first.Score)
	b.waitJS(t, "the real score", `!document.getElementById("ws-real").hidden && document.getElementById("ws-score").textContent.startsWith(`+jsString(want)+`) &&
		document.querySelector('#ws-tally .tally-col.real').dataset.score === `+jsString(want))
	b.workshopShot(t, "room-2-reveal")
	axeClean(t, b, "room screen, revealed")

	// Next item: a fresh tally, no score; then the end gives the room back.
	fac.do("POST", fmt.Sprintf("/api/workshops/%d/next", w.ID), "{}", nil)
	b.waitJS(t, "the next item", `document.getElementById("ws-item").textContent === `+jsString(w.Items[1].Title)+
		` && document.getElementById("ws-tally").dataset.count === "0" && document.getElementById("ws-real").hidden`)
	fac.do("POST", fmt.Sprintf("/api/workshops/%d/end", w.ID), "{}", nil)
	b.waitJS(t, "the room back to its listeners", `["attract", "home"].includes(document.body.dataset.screen)`)
	if p := b.workshopProblems(); len(p) > 0 {
		t.Errorf("console problems: %v", p)
	}
}

// TestWorkshopJoinPageOnAPhone: a participant at 375x667 enters a wrong
// code, then the right one, votes, changes the vote, sends an idea, sees the
// tally after the reveal, and is told calmly when the session is over.
func TestWorkshopJoinPageOnAPhone(t *testing.T) {
	r, fac, pl := uiWorkshopRoom(t)
	w := uiLiveWorkshop(t, fac, pl, "Atelier SAV")
	first := w.Items[0]

	b := newBrowser(t, 375, 667)
	b.do(t, "open the join page", chromedp.Navigate(r.base+"/join?lang=fr"))
	b.waitJS(t, "the code form", screenIs("enter"))
	b.do(t, "a wrong code", chromedp.SendKeys(chromedp.CSS("#code"), "zz9zz9"), chromedp.Click(chromedp.CSS(`#code-form button[type="submit"]`)))
	b.waitJS(t, "the wrong code refused", screenIs("enter")+` && !document.getElementById("enter-why").hidden`)
	b.workshopShot(t, "join-1-wrong-code")
	axeClean(t, b, "join, a wrong code")

	evalJS[bool](t, b, `(() => { document.getElementById("code").value = ""; return true; })()`)
	b.do(t, "the right code", chromedp.SendKeys(chromedp.CSS("#code"), strings.ToLower(w.Code)), chromedp.Click(chromedp.CSS(`#code-form button[type="submit"]`)))
	b.waitJS(t, "the session", screenIs("live")+` && document.getElementById("item-title").textContent === `+jsString(first.Title))
	if got := evalJS[string](t, b, `location.search`); got != "?c="+w.Code {
		t.Errorf("address %q, want ?c=%s so a reload stays in", got, w.Code)
	}
	axeClean(t, b, "join, the session")

	// Vote 8, then change to 5: one vote, the new one.
	b.do(t, "vote 8", chromedp.Click(chromedp.CSS(`#scale [data-vote="8"]`)))
	b.waitJS(t, "8 chosen", `document.querySelector('#scale [data-vote="8"]').getAttribute("aria-pressed") === "true"`)
	b.do(t, "change to 5", chromedp.Click(chromedp.CSS(`#scale [data-vote="5"]`)))
	b.waitJS(t, "5 chosen, 8 not", `document.querySelector('#scale [data-vote="5"]').getAttribute("aria-pressed") === "true" &&
		document.querySelector('#scale [data-vote="8"]').getAttribute("aria-pressed") === "false"`)
	if tl := uiGetWorkshop(fac, w.ID).Tally; tl == nil || tl.Count != 1 || len(tl.Dist) != 11 || tl.Dist[5] != 1 || tl.Dist[8] != 0 {
		t.Errorf("tally after a change of mind: %+v, want one vote, on 5", tl)
	}

	// Buttons a thumb can hit, nothing sideways.
	small := evalJS[[]string](t, b, `[...document.querySelectorAll("#scale button, #idea-form button")].filter(e => {
		const r = e.getBoundingClientRect(); return r.height < 44 || r.width < 44 || r.right > innerWidth; }).map(e => e.textContent)`)
	if len(small) > 0 || evalJS[bool](t, b, `document.documentElement.scrollWidth > innerWidth`) {
		t.Errorf("at 375x667, too small or off screen: %v (or the page scrolls sideways)", small)
	}

	const idea = "Rappeler le client dès le premier colis perdu."
	b.do(t, "write an idea", chromedp.SendKeys(chromedp.CSS("#idea"), idea), chromedp.Click(chromedp.CSS(`#idea-form button[type="submit"]`)))
	b.waitJS(t, "the idea sent", `document.getElementById("idea").value === "" && !document.getElementById("toast").hidden`)
	found := false
	for _, x := range uiGetWorkshop(fac, w.ID).Ideas {
		found = found || x.Text == idea
	}
	if !found {
		t.Errorf("the facilitator does not see the idea %q", idea)
	}
	b.workshopShot(t, "join-2-voted")

	// After the reveal the phone shows the room's tally and the real score.
	fac.do("POST", fmt.Sprintf("/api/workshops/%d/reveal", w.ID), "{}", nil)
	b.waitJS(t, "the tally after the reveal", `!document.getElementById("result").hidden && document.getElementById("tally").dataset.count === "1"`)
	b.workshopShot(t, "join-3-revealed")
	axeClean(t, b, "join, revealed")

	// English, then the end.
	b.do(t, "English", chromedp.Click(chromedp.CSS(`button.lang`)))
	b.waitJS(t, "English words", `document.documentElement.lang === "en" && document.getElementById("vote-q").textContent.startsWith("What score")`)
	fac.do("POST", fmt.Sprintf("/api/workshops/%d/end", w.ID), "{}", nil)
	b.waitJS(t, "the session is over", screenIs("over")+` && document.getElementById("over-title").textContent === "The session is over."`)
	b.workshopShot(t, "join-4-over")
	if p := b.workshopProblems(); len(p) > 0 {
		t.Errorf("console problems: %v", p)
	}
}

// TestWorkshopDriveScreenAndReport: the facilitator logs in to the studio
// on a tablet, closes an action left open by an earlier session, creates a
// session, starts it, sees a phone's vote and idea arrive, reveals, notes a
// moment, turns the note into an action for a team, ends, and opens the
// printable report with the tally, the idea, the note and the action.
func TestWorkshopDriveScreenAndReport(t *testing.T) {
	r, fac, pl := uiWorkshopRoom(t)

	// An earlier session left an action open.
	var earlier uiWorkshop
	fac.do("POST", "/api/workshops", fmt.Sprintf(`{"title":"Atelier de septembre","playlist_id":%d,"teams":["SAV"]}`, pl), &earlier)
	var old struct {
		ID int64 `json:"id"`
	}
	if code, body := fac.do("POST", "/api/actions", fmt.Sprintf(`{"text":"Revoir le script d'accueil","team":"SAV","due":"2026-12-01","workshop_id":%d,"evidence":[]}`, earlier.ID), &old); code != 201 {
		t.Fatalf("an earlier action: %d %s", code, body)
	}

	b := newBrowser(t, 1280, 800)
	b.do(t, "open the studio", chromedp.Navigate(r.base+"/studio/?lang=fr"))
	b.studioLogin(t, "fanny", facilitatorPass)
	b.waitJS(t, "the workshops tab", `!document.querySelector('#tabs [data-tab="workshops"]').hidden`)
	b.openTab(t, "workshops")
	b.waitJS(t, "the playlist offered", `[...document.getElementById("wk-new-playlist").options].some(o => o.value === "`+fmt.Sprint(pl)+`")`)

	const title = "Livraison : la voix des clients"
	b.do(t, "title", chromedp.SendKeys(chromedp.CSS("#wk-new-title"), title))
	b.setValue(t, "#wk-new-playlist", fmt.Sprint(pl))
	b.do(t, "teams", chromedp.SendKeys(chromedp.CSS("#wk-new-teams"), "Logistique, SAV"))
	b.workshopShot(t, "drive-0-new-session")
	b.do(t, "create", chromedp.Click(chromedp.CSS(`#wk-form button[type="submit"]`)))
	b.waitJS(t, "the drive screen", `/^#\/workshops\/\d+$/.test(location.hash) && !document.getElementById("wk-start").hidden &&
		document.getElementById("wk-title").textContent === `+jsString(title))
	id := evalJS[int64](t, b, `Number(location.hash.split("/")[2])`)

	// The open action of the earlier session is there to close.
	b.waitJS(t, "the earlier action", `document.querySelector('#wk-open [data-id="`+fmt.Sprint(old.ID)+`"]') !== null`)
	b.do(t, "mark it done", chromedp.Click(chromedp.CSS(`#wk-open [data-id="`+fmt.Sprint(old.ID)+`"] [data-status="done"]`)))
	b.waitJS(t, "marked done", `document.querySelector('#wk-open [data-id="`+fmt.Sprint(old.ID)+`"]') === null`)
	var open []struct {
		ID int64 `json:"id"`
	}
	fac.do("GET", "/api/actions?status=open", "", &open)
	for _, a := range open {
		if a.ID == old.ID {
			t.Errorf("action %d is still open after Done", old.ID)
		}
	}

	// Start: the room plays the first call; code, QR and transcript show.
	b.do(t, "start", chromedp.Click(chromedp.CSS("#wk-start")))
	b.waitJS(t, "live", `document.getElementById("wk-state").classList.contains("live") && document.querySelector("#wk-queue .current") !== null`)
	w := uiGetWorkshop(fac, id)
	b.waitJS(t, "code and QR", `document.getElementById("wk-code").textContent === `+jsString(w.Code)+
		` && (() => { const q = document.getElementById("wk-qr"); return q.complete && q.naturalWidth > 100; })()`)
	b.waitJS(t, "the transcript", `document.querySelectorAll("#wk-cues .cue").length > 0`)

	// A phone votes and sends an idea: both arrive live.
	p := uiPhone(t, r)
	uiVote(p, w.Code, w.Items[0].Key, 6)
	const idea = "Un SMS quand le colis prend du retard."
	if code, body := p.do("POST", "/api/join/"+w.Code+"/ideas", fmt.Sprintf(`{"text":%q}`, idea), nil); code != 201 {
		t.Fatalf("idea: %d %s", code, body)
	}
	b.waitJS(t, "the vote", `document.getElementById("wk-tally").dataset.count === "1"`)
	b.waitJS(t, "the idea", `document.getElementById("wk-ideas").textContent.includes(`+jsString(idea)+`)`)

	// Reveal, then a note on this moment, turned into an action for a team.
	b.do(t, "reveal", chromedp.Click(chromedp.CSS("#wk-reveal")))
	b.waitJS(t, "the real score", `!document.getElementById("wk-real").hidden && document.getElementById("wk-real").textContent.includes(`+jsString(fmt.Sprint(*w.Items[0].Score))+`)`)
	const note = "Trois appels avant une réponse : le client a dû insister."
	b.do(t, "a note", chromedp.SendKeys(chromedp.CSS("#wk-note"), note), chromedp.Click(chromedp.CSS(`#wk-note-form button[type="submit"]`)))
	b.waitJS(t, "the note listed", `document.getElementById("wk-notes").textContent.includes(`+jsString(note)+`)`)
	b.do(t, "note to action", chromedp.Click(chromedp.CSS(`#wk-notes [data-act="wk-note-action"]`)))
	b.waitJS(t, "the action form filled", `document.getElementById("wk-action-text").value === `+jsString(note)+
		` && document.querySelectorAll("#wk-action-evidence input:checked").length === 1`)
	b.setValue(t, "#wk-action-team", "Logistique")
	b.do(t, "save the action", chromedp.Click(chromedp.CSS(`#wk-action-form button[type="submit"]`)))
	b.waitJS(t, "the action listed", `document.getElementById("wk-actions").textContent.includes(`+jsString(note)+`)`)
	b.workshopShot(t, "drive-1-1280x800")
	axeClean(t, b, "drive screen")

	// The drive screen fits a 1024x768 tablet: transport and columns in view, nothing sideways.
	b.do(t, "a smaller tablet", chromedp.EmulateViewport(1024, 768))
	b.waitJS(t, "relaid", `innerWidth === 1024`)
	offscreen := evalJS[[]string](t, b, `["wk-prev", "wk-play", "wk-next", "wk-reveal", "wk-end", "wk-tally", "wk-note", "wk-queue"].filter(id => {
		const r = document.getElementById(id).getBoundingClientRect(); return r.width === 0 || r.right > innerWidth + 1 || r.top > innerHeight - 20; })`)
	if len(offscreen) > 0 || evalJS[bool](t, b, `document.documentElement.scrollWidth > innerWidth`) {
		t.Errorf("at 1024x768 these are off screen: %v (or the page scrolls sideways)", offscreen)
	}
	b.workshopShot(t, "drive-2-1024x768")

	// End: two taps.
	b.do(t, "end", chromedp.Click(chromedp.CSS("#wk-end")))
	b.waitJS(t, "asks to confirm", `document.getElementById("wk-end").classList.contains("danger")`)
	b.do(t, "confirm", chromedp.Click(chromedp.CSS("#wk-end")))
	b.waitJS(t, "ended", `document.getElementById("wk-state").classList.contains("ended")`)
	if p := b.workshopProblems(); len(p) > 0 {
		t.Errorf("console problems on the drive screen: %v", p)
	}

	// The printable report.
	b.do(t, "A4 width", chromedp.EmulateViewport(900, 1200))
	b.do(t, "open the report", chromedp.Navigate(fmt.Sprintf("%s/studio/report.html?id=%d", r.base, id)))
	b.waitJS(t, "the report", `document.body.dataset.ready === "true"`)
	text := evalJS[string](t, b, `document.getElementById("sheet").innerText`)
	for _, want := range []string{title, "Logistique, SAV", w.Items[0].Title, idea, note, "Logistique"} {
		if !strings.Contains(text, want) {
			t.Errorf("the report lacks %q:\n%s", want, text)
		}
	}
	if acts := evalJS[string](t, b, `document.getElementById("rp-actions").innerText`); !strings.Contains(acts, w.Items[0].Title) || !strings.Contains(acts, "Logistique") {
		t.Errorf("the action's row %q lacks its team or its evidence (%q)", acts, w.Items[0].Title)
	}
	if strings.Contains(text, "fanny") || strings.Contains(text, "claire") {
		t.Errorf("the report names a person:\n%s", text)
	}
	if v := evalJS[string](t, b, `document.querySelector("#rp-items tr").dataset.votes`); v != "1" {
		t.Errorf("first item's votes %q, want 1", v)
	}
	if c := evalJS[string](t, b, `document.querySelector('#rp-items tr .tally-col[data-score="6"] .tally-n').textContent`); c != "1" {
		t.Errorf("first item's distribution at 6: %q, want 1", c)
	}
	b.workshopShot(t, "report-1-page")
	axeClean(t, b, "workshop report")
	pdf, err := chromedp.Run(b.ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), func(p *page.PrintToPDFParams) { v := true; p.PreferCSSPageSize = &v }))
	if err != nil || len(pdf) < 1000 || !strings.HasPrefix(string(pdf), "%PDF") {
		t.Fatalf("print the report to PDF: %v (%d bytes)", err, len(pdf))
	}
	os.WriteFile(filepath.Join(workshopArtifacts(t), "report.pdf"), pdf, 0o644)
	if p := b.workshopProblems(); len(p) > 0 {
		t.Errorf("console problems: %v", p)
	}
}
