package main

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// More of the studio, in Chromium as a curator and an admin would use it:
// search with and without accents and jump to the cue; a manual playlist
// mixing calls and a verbatim, reordered by dragging; accounts, devices,
// tags, retention, what resonates, and an upload with its import result.

// search types q in the header's search box and presses Enter.
func (b *browser) search(t *testing.T, q string) {
	t.Helper()
	evalJS[bool](t, b, `(() => { document.getElementById("search-q").value = ""; return true; })()`)
	b.do(t, "search "+q, chromedp.SendKeys(chromedp.CSS("#search-q"), q+kb.Enter))
	b.waitJS(t, "results for "+q, screenIs("search")+` && document.getElementById("search-title").textContent.includes(`+jsString(q)+`) && (document.querySelectorAll("#search-hits li").length > 0 || !document.getElementById("search-none").hidden)`)
}

// marks are the highlighted matches of the search results, by type.
func (b *browser) marks(t *testing.T) []string {
	t.Helper()
	return evalJS[[]string](t, b, `[...document.querySelectorAll("#search-hits .hit-row")].flatMap(li => [...li.querySelectorAll("mark.hit")].map(m => li.querySelector("a").dataset.type + ":" + m.textContent))`)
}

type playlistJSON struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Items []struct {
		RecordingID int64 `json:"recording_id"`
		ClipID      int64 `json:"clip_id"`
		VerbatimID  int64 `json:"verbatim_id"`
	} `json:"items"`
}

// order is a playlist's items as r:ID, v:ID.
func (p playlistJSON) order() string {
	var out []string
	for _, it := range p.Items {
		switch {
		case it.VerbatimID != 0:
			out = append(out, fmt.Sprintf("v:%d", it.VerbatimID))
		case it.ClipID != 0:
			out = append(out, fmt.Sprintf("c:%d", it.ClipID))
		default:
			out = append(out, fmt.Sprintf("r:%d", it.RecordingID))
		}
	}
	return strings.Join(out, ",")
}

const domOrder = `[...document.querySelectorAll("#pl-items .pl-item")].map(li => li.dataset.key.replace("recording:", "r:").replace("verbatim:", "v:").replace("clip:", "c:")).join(",")`

func TestStudioBrowserSearchAndManualPlaylist(t *testing.T) {
	r := startCuration(t)
	staff := staffClient(t, r)
	calls := demoCalls(t, staff, r)

	b := newBrowser(t, 1366, 768)
	b.do(t, "open the studio", chromedp.Navigate(r.base+"/studio/?lang=fr"))
	b.studioLogin(t, studioUser, studioPass)
	b.waitJS(t, "queue", screenIs("queue")+` && !document.getElementById("tabs").hidden`)

	// Without accents, with them, in capitals: the same call and verbatim, the match marked.
	var first []string
	for _, q := range []string{"resilier", "Résilier", "RÉSILIER"} {
		b.search(t, q)
		m := b.marks(t)
		joined := strings.Join(m, "|")
		if !strings.Contains(joined, "recording:Résilier") || !strings.Contains(joined, "verbatim:résilier") {
			t.Errorf("search %q marks %q: want the call's title and the verbatim's word", q, m)
		}
		if first == nil {
			first = m
		} else if strings.Join(first, "|") != joined {
			t.Errorf("search %q marks %q, unlike %q", q, m, first)
		}
	}
	b.studioShot(t, "20-search-resilier")
	// A prefix.
	b.search(t, "rembours")
	if m := b.marks(t); len(m) == 0 || !strings.HasPrefix(strings.ToLower(strings.SplitN(m[0], ":", 2)[1]), "rembours") {
		t.Errorf("search for a prefix marks %q", m)
	}
	// A cue deep in a call: its page opens there, the cue shown.
	b.search(t, "bloque")
	b.do(t, "open the hit", chromedp.Click(chromedp.CSS(`#search-hits .hit-row.hit-recording a`)))
	delivery := calls["Livraison"]
	b.waitJS(t, "the call at its cue", screenIs("call")+fmt.Sprintf(` && location.hash.startsWith("#/call/%d?at=")`, delivery.ID)+
		` && Number(location.hash.split("at=")[1]) > 0 && document.querySelector("#cl-cues .cue.current") !== null && document.querySelector("#cl-cues .cue.current").textContent.includes("bloqué")`)
	b.waitJS(t, "the playhead at the cue", `document.getElementById("cl-pos").textContent !== "0:00.0"`)
	b.studioShot(t, "21-search-jump-to-cue")

	// A manual playlist: two calls and a verbatim card.
	var vs []struct {
		ID    int64  `json:"id"`
		Topic string `json:"topic"`
	}
	staffGet(t, staff, r.base+"/api/verbatims?status=approved", &vs)
	if len(vs) == 0 {
		t.Fatal("no approved verbatim in the demo library")
	}
	b.openTab(t, "playlists")
	b.do(t, "new manual playlist", chromedp.Click(chromedp.CSS(`[data-act="pl-new-manual"]`)))
	b.waitJS(t, "manual form", `!document.getElementById("pl-manual").hidden && document.getElementById("pl-rule").hidden`)
	b.do(t, "name", chromedp.SendKeys(chromedp.CSS("#pl-name"), "Lundi matin"))
	add := func(sel string, id int64) {
		b.setValue(t, "#"+sel, fmt.Sprint(id))
		b.do(t, "add "+sel, chromedp.Click(chromedp.CSS(`[data-act="pl-add"][data-from="`+sel+`"]`)))
	}
	add("pl-add-recording", calls["Résiliation"].ID)
	add("pl-add-verbatim", vs[0].ID)
	add("pl-add-recording", calls["Accueil"].ID)
	want := fmt.Sprintf("r:%d,v:%d,r:%d", calls["Résiliation"].ID, vs[0].ID, calls["Accueil"].ID)
	if got := evalJS[string](t, b, domOrder); got != want {
		t.Fatalf("items on screen %q, want %q", got, want)
	}
	b.do(t, "save", chromedp.Click(chromedp.CSS("#pl-save")))
	b.waitJS(t, "saved and reloaded", `/^#\/playlists\/\d+$/.test(location.hash) && !document.getElementById("pl-m3u").hidden && document.querySelector("#pl-list .pl-link.current") !== null && document.querySelectorAll("#pl-items .pl-item").length === 3`)
	id := int64(evalJS[float64](t, b, `Number(location.hash.split("/")[2])`))
	var pl playlistJSON
	staffGet(t, staff, fmt.Sprintf("%s/api/playlists/%d", r.base, id), &pl)
	if pl.order() != want {
		t.Fatalf("saved order %q, want %q", pl.order(), want)
	}

	// Drag the last call to the top (HTML drag and drop, as the mouse does it), then the verbatim down with ↓.
	evalJS[bool](t, b, `(() => {
		const items = () => document.querySelectorAll("#pl-items .pl-item");
		const dt = new DataTransfer();
		items()[2].dispatchEvent(new DragEvent("dragstart", {bubbles: true, dataTransfer: dt}));
		items()[0].dispatchEvent(new DragEvent("dragover", {bubbles: true, cancelable: true, dataTransfer: dt}));
		items()[0].dispatchEvent(new DragEvent("drop", {bubbles: true, cancelable: true, dataTransfer: dt}));
		return true; })()`)
	want = fmt.Sprintf("r:%d,r:%d,v:%d", calls["Accueil"].ID, calls["Résiliation"].ID, vs[0].ID)
	if got := evalJS[string](t, b, domOrder); got != want {
		t.Fatalf("after dragging the last item to the top: %q, want %q", got, want)
	}
	b.do(t, "move the second down", chromedp.Click(chromedp.CSS(`#pl-items .pl-item:nth-child(2) [data-act="pl-down"]`)))
	want = fmt.Sprintf("r:%d,v:%d,r:%d", calls["Accueil"].ID, vs[0].ID, calls["Résiliation"].ID)
	if got := evalJS[string](t, b, domOrder); got != want {
		t.Fatalf("after ↓: %q, want %q", got, want)
	}
	b.studioShot(t, "22-manual-playlist-reordered")
	b.do(t, "save again", chromedp.Click(chromedp.CSS("#pl-save")))
	// The first save's toast says the same: wait for this save's answer too
	// (the button is disabled until it comes).
	b.waitJS(t, "saved toast", `!document.getElementById("pl-save").disabled && document.getElementById("toast").textContent.startsWith("Playlist « Lundi matin » enregistrée")`)
	staffGet(t, staff, fmt.Sprintf("%s/api/playlists/%d", r.base, id), &pl)
	if pl.order() != want {
		t.Errorf("saved order after reordering %q, want %q", pl.order(), want)
	}
	// M3U export of the two calls.
	resp, err := staff.Get(r.base + evalJS[string](t, b, `document.getElementById("pl-m3u").getAttribute("href")`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "mpegurl") {
		t.Errorf("M3U link: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}

	// The library adds to it in bulk: the delivery call.
	b.openTab(t, "library")
	b.waitJS(t, "library rows", `document.querySelectorAll("#lib-rows tr.call").length === 4`)
	b.setValue(t, "#f-text", "colis perdu")
	b.waitJS(t, "one row", `document.querySelectorAll("#lib-rows tr").length === 1`)
	b.jsClick(t, "#lib-all")
	b.setValue(t, "#b-playlist", fmt.Sprint(id))
	b.jsClick(t, `[data-act="lib-playlist"]`)
	b.waitJS(t, "added", `document.getElementById("toast").textContent.includes("ajouté à « Lundi matin »")`)
	staffGet(t, staff, fmt.Sprintf("%s/api/playlists/%d", r.base, id), &pl)
	if pl.order() != want+fmt.Sprintf(",r:%d", delivery.ID) {
		t.Errorf("after the bulk add: %q", pl.order())
	}

	if p := b.studioProblems(); len(p) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(p, "\n"))
	}
}

func TestStudioBrowserAdminTagsRetentionUploads(t *testing.T) {
	r := startRoom(t)
	adm := newStaff(t, r, "ada", "admin") // password s3cret-pass
	b := newBrowser(t, 1366, 768)
	b.do(t, "open the studio", chromedp.Navigate(r.base+"/studio/?lang=fr"))
	b.studioLogin(t, "ada", "s3cret-pass")
	b.waitJS(t, "queue", screenIs("queue")+` && !document.getElementById("tabs").hidden`)

	// Accounts: the admin adds a curator, then makes them a facilitator.
	b.openTab(t, "admin")
	b.waitJS(t, "users listed", `[...document.querySelectorAll("#user-rows tr")].some(tr => tr.dataset.name === "ada")`)
	b.do(t, "new user",
		chromedp.SendKeys(chromedp.CSS("#nu-name"), "bruno"),
		chromedp.SendKeys(chromedp.CSS("#nu-password"), "bruno-pass-1"),
		chromedp.Click(chromedp.CSS(`#user-form button[type="submit"]`)))
	b.waitJS(t, "user added", `[...document.querySelectorAll("#user-rows tr")].some(tr => tr.dataset.name === "bruno")`)
	b.setValue(t, `#user-rows tr[data-name="bruno"] .u-role`, "facilitator")
	b.waitJS(t, "role changed", `document.getElementById("toast").textContent === "Rôle de bruno changé."`)
	var users []struct {
		Name, Role string
	}
	code, _ := adm.do("GET", "/api/users", "", &users)
	found := false
	for _, u := range users {
		found = found || u.Name == "bruno" && u.Role == "facilitator"
	}
	if code != 200 || !found {
		t.Errorf("users after adding bruno as a facilitator: %d %+v", code, users)
	}
	// bruno can log in.
	resp, err := http.Post(r.base+"/api/auth/login", "application/json", strings.NewReader(`{"name":"bruno","password":"bruno-pass-1"}`))
	if err != nil || resp.StatusCode != 200 {
		t.Errorf("the new account cannot log in: %v %v", err, resp)
	} else {
		resp.Body.Close()
	}
	// A tablet paired with a short code: the studio shows it with a QR
	// code of the link and the address to type it at.
	b.do(t, "pair", chromedp.SendKeys(chromedp.CSS("#pair-label"), "Tablette salle"), chromedp.Click(chromedp.CSS(`#pair-form button[type="submit"]`)))
	b.waitJS(t, "pairing code", `!document.getElementById("pairing").hidden && /^[A-Z2-9]{4}-[A-Z2-9]{4}$/.test(document.getElementById("pair-code").textContent)
		&& document.getElementById("pair-link").textContent.includes("/kiosk/?pair=") && document.getElementById("pair-entry").textContent.endsWith("/pair")`)
	b.waitJS(t, "QR code drawn", `(() => { const i = document.getElementById("pair-qr"); return i.complete && i.naturalWidth === 256 && i.alt !== ""; })()`)
	b.studioShot(t, "30-accounts")
	pairCode := evalJS[string](t, b, `document.getElementById("pair-code").textContent`)
	entry := evalJS[string](t, b, `document.getElementById("pair-entry").href`)
	tablet := newBrowser(t, 800, 1280)
	tablet.do(t, "open the pairing page", chromedp.Navigate(entry+"?lang=fr"))
	tablet.waitJS(t, "pairing page", `document.getElementById("code") === document.activeElement`)
	pairWith := func(typed, want string) {
		t.Helper()
		evalJS[string](t, tablet, `document.getElementById("code").value = ""`)
		tablet.do(t, "type "+typed, chromedp.SendKeys(chromedp.CSS("#code"), typed),
			chromedp.Click(chromedp.CSS(`#code-form button[type="submit"]`)))
		tablet.waitJS(t, want, `document.getElementById("result").textContent.startsWith(`+jsString(want)+`)`)
	}
	pairWith("K7MQ", "Un code a huit lettres")
	pairWith("ABCD-EFGH", "Ce code n'est pas valable")
	pairWith(strings.ToLower(strings.Replace(pairCode, "-", " ", 1)), "C'est fait")
	if !evalJS[bool](t, tablet, `!document.getElementById("go").hidden`) {
		t.Error("no way on to the room's screen after pairing")
	}
	axeClean(t, tablet, "pair")
	tablet.shotIn(t, "studio", "30-pair-tablet")
	// The studio sees the tablet arrive and puts the code away.
	b.waitJS(t, "device listed", `document.getElementById("pairing").hidden && document.querySelector("#device-rows .device .title")?.textContent === "Tablette salle"
		&& document.querySelector("#device-rows .empty") === null`)
	var devices []struct {
		Label string `json:"label"`
	}
	if code, _ := adm.do("GET", "/api/kiosk/devices", "", &devices); code != 200 || len(devices) != 1 || devices[0].Label != "Tablette salle" {
		t.Errorf("devices after pairing: %d %+v", code, devices)
	}

	// Tags: a preset renamed in both languages, a free tag created.
	b.openTab(t, "tags")
	b.waitJS(t, "tags", `document.querySelectorAll("#tag-rows tr").length === 9`)
	b.setValue(t, `#tag-rows tr[data-name="oser"] .t-fr`, "Prendre une initiative")
	b.setValue(t, `#tag-rows tr[data-name="oser"] .t-en`, "Take the initiative")
	b.do(t, "save the preset", chromedp.Click(chromedp.CSS(`#tag-rows tr[data-name="oser"] [data-act="tg-save"]`)))
	b.waitJS(t, "preset saved", `document.getElementById("toast").textContent === "Tag « Prendre une initiative » enregistré."`)
	b.waitJS(t, "the table shows the saved preset", `document.querySelector('#tag-rows tr[data-name="oser"] .t-fr').value === "Prendre une initiative"`)
	b.jsClick(t, `#tag-rows tr[data-name="chose-promise"] .t-enabled`)
	b.jsClick(t, `#tag-rows tr[data-name="chose-promise"] [data-act="tg-save"]`)
	b.do(t, "free tag", chromedp.SendKeys(chromedp.CSS("#nt-fr"), "Boutique éphémère"), chromedp.Click(chromedp.CSS(`#tag-form button[type="submit"]`)))
	b.waitJS(t, "free tag listed", `document.querySelector('#tag-rows tr[data-name="boutique-ephemere"]') !== null && !document.querySelector('#tag-rows tr[data-name="chose-promise"] .t-enabled').checked`)
	var tags []struct {
		Name    string `json:"name"`
		Kind    string `json:"kind"`
		LabelFR string `json:"label_fr"`
		LabelEN string `json:"label_en"`
		Enabled bool   `json:"enabled"`
	}
	adm.do("GET", "/api/tags", "", &tags)
	got := map[string]string{}
	for _, tg := range tags {
		got[tg.Name] = fmt.Sprintf("%s/%s/%s/%v", tg.Kind, tg.LabelFR, tg.LabelEN, tg.Enabled)
	}
	for name, want := range map[string]string{"oser": "attitude/Prendre une initiative/Take the initiative/true",
		"boutique-ephemere": "free/Boutique éphémère/Boutique éphémère/true"} {
		if got[name] != want {
			t.Errorf("tag %s: %q, want %q", name, got[name], want)
		}
	}
	if !strings.HasSuffix(got["chose-promise"], "/false") {
		t.Errorf("switched-off lever: %q", got["chose-promise"])
	}
	b.studioShot(t, "31-tags")

	// Retention: a call about to expire, kept three months more.
	var recs []struct {
		ID    int64  `json:"id"`
		Title string `json:"title"`
	}
	adm.do("GET", "/api/recordings?status=all", "", &recs)
	soon := time.Now().AddDate(0, 0, 10).UTC().Format(time.RFC3339)
	if code, body := adm.do("PATCH", fmt.Sprintf("/api/recordings/%d", recs[0].ID), `{"expires_at":"`+soon+`"}`, nil); code != 200 {
		t.Fatalf("set an expiry: %d %s", code, body)
	}
	b.openTab(t, "retention")
	row := fmt.Sprintf(`#exp-rows tr[data-id="%d"]`, recs[0].ID)
	b.waitJS(t, "expiring call", `document.querySelectorAll("#exp-rows tr").length === 1 && document.querySelector(`+jsString(row)+`) !== null`)
	later := time.Now().AddDate(0, 3, 0).Format("2006-01-02")
	b.setValue(t, row+" .exp-date", later)
	b.do(t, "extend", chromedp.Click(chromedp.CSS(row+` [data-act="exp-extend"]`)))
	b.waitJS(t, "kept longer", `document.getElementById("toast").textContent.includes("conservé jusqu'au") && document.querySelectorAll("#exp-rows tr").length === 0`)
	var rec struct {
		ExpiresAt time.Time `json:"expires_at"`
	}
	adm.do("GET", fmt.Sprintf("/api/recordings/%d", recs[0].ID), "", &rec)
	if rec.ExpiresAt.Local().Format("2006-01-02") != later {
		t.Errorf("expiry after extending: %v, want %s", rec.ExpiresAt, later)
	}
	// Beyond the policy the server's sentence is shown.
	b.setValue(t, "#exp-days", "365")
	adm.do("PATCH", fmt.Sprintf("/api/recordings/%d", recs[0].ID), `{"expires_at":"`+soon+`"}`, nil)
	b.setValue(t, "#exp-days", "30")
	b.waitJS(t, "expiring again", `document.querySelector(`+jsString(row)+`) !== null`)
	// Set the date and click in one go: the list may re-render between two steps.
	tooFar := time.Now().AddDate(5, 0, 0).Format("2006-01-02")
	if !evalJS[bool](t, b, fmt.Sprintf(`(() => { const r = document.querySelector(%s); if (!r) return false; const d = r.querySelector(".exp-date");
		d.value = %q; d.dispatchEvent(new Event("change", {bubbles: true})); r.querySelector('[data-act="exp-extend"]').click(); return true; })()`, jsString(row), tooFar)) {
		t.Fatal("no row to extend too far")
	}
	b.waitJS(t, "policy refusal", `document.getElementById("toast").textContent.includes("policy")`)
	b.studioShot(t, "32-retention")

	// What resonates: every call, in aggregate.
	b.openTab(t, "resonance")
	b.waitJS(t, "resonance rows", `document.querySelectorAll("#rs-rows tr").length === 4`)
	b.do(t, "sort by title", chromedp.Click(chromedp.CSS(`[data-act="rs-sort"][data-key="title"]`)))
	// aria-sort is the column header's (ARIA allows it on columnheader only).
	b.waitJS(t, "sorted", `document.querySelector('[data-key="title"]').closest("th").getAttribute("aria-sort") === "ascending"`)

	// An upload: a call with its transcript and details, one progress each, then the import result.
	b.openTab(t, "uploads")
	var files []string
	for _, f := range []string{"review-call.wav", "review-call.vtt", "review-call.json"} {
		abs, err := filepath.Abs(filepath.Join("testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, abs)
	}
	b.do(t, "choose files", chromedp.SetUploadFiles(chromedp.CSS(`#up-files`), files))
	b.waitJS(t, "imported", `document.querySelector('#up-rows tr[data-name="review-call.wav"]') !== null && document.querySelector('#up-rows tr[data-name="review-call.wav"]').dataset.state === "imported" && [...document.querySelectorAll("#up-rows tr")].filter(tr => tr.dataset.state === "attached").length === 2`)
	if v := evalJS[float64](t, b, `document.querySelector('#up-rows tr[data-name="review-call.wav"] progress').value`); v != 1 {
		t.Errorf("progress of the sent file: %v", v)
	}
	b.studioShot(t, "33-uploads")
	// The same again: a duplicate.
	b.do(t, "choose the audio again", chromedp.SetUploadFiles(chromedp.CSS(`#up-files`), files[:1]))
	b.waitJS(t, "duplicate", `[...document.querySelectorAll('#up-rows tr[data-name="review-call.wav"]')].some(tr => tr.dataset.state === "duplicate")`)

	// English.
	b.do(t, "English", chromedp.Click(chromedp.CSS(`.top .lang`)))
	b.waitJS(t, "English uploads", `document.querySelector('#up-rows tr[data-name="review-call.wav"] .result').textContent.startsWith("imported") && document.querySelector('#tabs [data-tab="admin"]').textContent === "Accounts and devices"`)
	b.studioShot(t, "34-uploads-en")
	// The one error expected: the refused extension (400 on its PATCH).
	if p := b.studioProblems(); len(p) != 1 || !strings.Contains(p[0], "400") {
		t.Errorf("console errors:\n%s", strings.Join(p, "\n"))
	}
}
