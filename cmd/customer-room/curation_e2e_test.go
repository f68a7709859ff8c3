package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"
)

// apiClient logs a new user of role in and calls the API with its cookie.
type apiClient struct {
	t    testing.TB
	base string
	c    *http.Client
}

func newStaff(t testing.TB, r *room, name, role string) *apiClient {
	t.Helper()
	if err := run(context.Background(), []string{"user", "add", "--data", r.data, "--role", role, name}, func(string) string { return "" },
		strings.NewReader("s3cret-pass\n"), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	s := &apiClient{t, r.base, &http.Client{Jar: jar, Timeout: 10 * time.Second}}
	if code, body := s.do("POST", "/api/auth/login", fmt.Sprintf(`{"name":%q,"password":"s3cret-pass"}`, name), nil); code != 200 {
		t.Fatalf("login %s: %d %s", name, code, body)
	}
	return s
}

func (s *apiClient) do(method, path, body string, v any) (int, string) {
	s.t.Helper()
	req, _ := http.NewRequest(method, s.base+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := s.c.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if v != nil {
		json.Unmarshal(b, v)
	}
	return resp.StatusCode, string(b)
}

// TestCurationEndToEnd drives the curation API on the demo library as a
// curator would: tags and presets, metadata, a clip, a rule playlist that a
// new approved call joins by itself, a manual playlist mixing a clip and a
// verbatim, the programme the room follows, search with and without
// accents and by prefix, the M3U export, retention limits, and accounts.
func TestCurationEndToEnd(t *testing.T) {
	r := startRoom(t)
	cur := newStaff(t, r, "claire", "curator")

	var recs []struct {
		ID    int64  `json:"id"`
		Title string `json:"title"`
		Topic string `json:"topic"`
		Path  string `json:"path"`
	}
	cur.do("GET", "/api/recordings?status=all", "", &recs)
	if len(recs) != 4 || recs[0].Path == "" {
		t.Fatalf("staff listing: %+v: want the 4 demo calls with their source names", recs)
	}
	ids := map[string]int64{}
	for _, x := range recs {
		ids[x.Topic] = x.ID
	}

	// Tags: the presets are there; a free tag and a renamed preset.
	var tags []struct {
		Name    string `json:"name"`
		Kind    string `json:"kind"`
		LabelFR string `json:"label_fr"`
	}
	cur.do("GET", "/api/tags", "", &tags)
	presets := 0
	for _, tg := range tags {
		if tg.Kind == "attitude" || tg.Kind == "lever" {
			presets++
		}
	}
	if presets != 9 {
		t.Errorf("tag presets: %d, want 5 attitudes and 4 levers: %+v", presets, tags)
	}
	if code, body := cur.do("POST", "/api/tags", `{"name":"oser","label_fr":"Prendre une initiative","label_en":"Take the initiative","enabled":true}`, nil); code != 200 {
		t.Errorf("rename a preset: %d %s", code, body)
	}

	// Metadata and tags on a call; a bad value is refused with a reason.
	if code, body := cur.do("PATCH", fmt.Sprintf("/api/recordings/%d", ids["Accueil"]), `{"product":"Box Fibre","sentiment":"positive","tags":["oser","boutique"]}`, nil); code != 200 ||
		!strings.Contains(body, `"sentiment":"positif"`) || !strings.Contains(body, `"product":"Box Fibre"`) {
		t.Errorf("patch: %d %s", code, body)
	}
	if code, _ := cur.do("PATCH", fmt.Sprintf("/api/recordings/%d", ids["Accueil"]), `{"score":11}`, nil); code != 400 {
		t.Errorf("score 11: %d, want 400", code)
	}

	// A clip of the delivery call.
	var clip struct {
		ID int64 `json:"id"`
	}
	if code, body := cur.do("POST", fmt.Sprintf("/api/recordings/%d/clips", ids["Livraison"]), `{"start_ms":3000,"end_ms":8000,"title":"Le colis perdu","tags":["porter-attention"]}`, &clip); code != 201 || clip.ID == 0 {
		t.Fatalf("clip: %d %s", code, body)
	}
	if code, _ := cur.do("POST", fmt.Sprintf("/api/recordings/%d/clips", ids["Livraison"]), `{"start_ms":3000,"end_ms":999999}`, nil); code != 400 {
		t.Errorf("clip past the end: %d, want 400", code)
	}

	// A rule playlist: delighted customers tagged "oser".
	var pl struct {
		ID    int64 `json:"id"`
		Count int   `json:"count"`
		Items []struct {
			RecordingID int64  `json:"recording_id"`
			ClipID      int64  `json:"clip_id"`
			VerbatimID  int64  `json:"verbatim_id"`
			Text        string `json:"text"`
		} `json:"items"`
	}
	if code, body := cur.do("POST", "/api/playlists", `{"name":"Ils osent","rule":{"tags":["oser"],"sentiment":"positive"}}`, &pl); code != 201 || pl.Count != 1 || pl.Items[0].RecordingID != ids["Accueil"] {
		t.Fatalf("rule playlist: %d %s", code, body)
	}
	rulePL := pl.ID
	// A new call tagged "oser" joins it by itself.
	cur.do("PATCH", fmt.Sprintf("/api/recordings/%d", ids["Assistance technique"]), `{"tags":["oser"],"sentiment":"positif"}`, nil)
	cur.do("GET", fmt.Sprintf("/api/playlists/%d", rulePL), "", &pl)
	if pl.Count != 2 {
		t.Errorf("rule playlist after tagging another call: %d items, want 2", pl.Count)
	}

	// A manual playlist mixing the clip and a verbatim.
	var vs []struct {
		ID int64 `json:"id"`
	}
	cur.do("GET", "/api/verbatims?status=approved", "", &vs)
	body := fmt.Sprintf(`{"name":"Lundi matin","items":[{"clip_id":%d},{"verbatim_id":%d},{"recording_id":%d}]}`, clip.ID, vs[0].ID, ids["Résiliation"])
	if code, resp := cur.do("POST", "/api/playlists", body, &pl); code != 201 || pl.Count != 3 || pl.Items[1].VerbatimID != vs[0].ID || pl.Items[1].Text == "" {
		t.Fatalf("manual playlist: %d %s", code, resp)
	}
	manualPL := pl.ID

	// The programme: the manual playlist all day every day; the room follows.
	if code, resp := cur.do("PUT", "/api/kiosk/programme", fmt.Sprintf(`[{"weekday":-1,"start_min":0,"end_min":1440,"playlist_id":%d}]`, manualPL), nil); code != 200 {
		t.Fatalf("programme: %d %s", code, resp)
	}
	var home struct {
		Source     string `json:"source"`
		PlaylistID int64  `json:"playlist_id"`
	}
	getJSON(t, r.base+"/api/kiosk/home", &home)
	if home.Source != "programme" || home.PlaylistID != manualPL {
		t.Errorf("room home after scheduling: %+v", home)
	}
	// The room plays the playlist: the clip first, the verbatim card skipped by the speaker.
	var ps playerState
	if code := postJSON(t, r.base+"/api/player/play", fmt.Sprintf(`{"playlist_id":%d}`, manualPL), &ps); code != 200 {
		t.Errorf("room plays the playlist: %d", code)
	}
	postJSON(t, r.base+"/api/player/stop", `{}`, nil)

	// Search: accents, case and prefixes; the room finds approved content only.
	for _, q := range []string{"resilier", "RÉSILIER", "rembours", "colis depot"} {
		var hits []struct {
			Type    string `json:"type"`
			ID      int64  `json:"id"`
			Snippet string `json:"snippet"`
			StartMS int64  `json:"start_ms"`
		}
		cur.do("GET", "/api/search?q="+url.QueryEscape(q), "", &hits)
		if len(hits) == 0 {
			t.Errorf("search %q found nothing", q)
		}
	}
	var hits []struct {
		Type    string `json:"type"`
		ID      int64  `json:"id"`
		Snippet string `json:"snippet"`
		StartMS int64  `json:"start_ms"`
	}
	getJSON(t, r.base+"/api/search?q=bloque", &hits)
	if len(hits) == 0 || hits[0].Type != "recording" || hits[0].StartMS == 0 || !strings.Contains(hits[0].Snippet, "[bloqué]") {
		t.Errorf("room search for a cue: %+v, want the delivery call's cue with its start and the match marked", hits)
	}

	// M3U export of the room's audio.
	code, m3u := cur.do("GET", fmt.Sprintf("/api/playlists/%d.m3u", manualPL), "", nil)
	if code != 200 || !strings.HasPrefix(m3u, "#EXTM3U") || strings.Count(m3u, "/audio") != 2 || !strings.Contains(m3u, "start-time=3.000") {
		t.Errorf("m3u: %d %s", code, m3u)
	}

	// Retention: extending is kept within the policy.
	later := time.Now().AddDate(0, 3, 0).UTC().Format(time.RFC3339)
	if code, resp := cur.do("PATCH", fmt.Sprintf("/api/recordings/%d", ids["Livraison"]), `{"expires_at":"`+later+`"}`, nil); code != 200 {
		t.Errorf("extend by 3 months: %d %s", code, resp)
	}
	tooLate := time.Now().AddDate(5, 0, 0).UTC().Format(time.RFC3339)
	if code, _ := cur.do("PATCH", fmt.Sprintf("/api/recordings/%d", ids["Livraison"]), `{"expires_at":"`+tooLate+`"}`, nil); code != 400 {
		t.Errorf("extend by 5 years: %d, want 400 (policy)", code)
	}
	var expiring []struct{ ID int64 }
	cur.do("GET", "/api/expiring?days=120", "", &expiring)
	if len(expiring) != 1 || expiring[0].ID != ids["Livraison"] {
		t.Errorf("expiring within 120 days: %+v, want the delivery call", expiring)
	}

	// Deleting a playlist drops it from the programme too.
	if code, _ := cur.do("DELETE", fmt.Sprintf("/api/playlists/%d", manualPL), "", nil); code != 204 {
		t.Errorf("delete playlist: %d", code)
	}
	getJSON(t, r.base+"/api/kiosk/home", &home)
	if home.Source != "all" {
		t.Errorf("room home after deleting the scheduled playlist: %+v", home)
	}

	// A verbatim's details; the facets curators filter by.
	if code, resp := cur.do("PATCH", fmt.Sprintf("/api/verbatims/%d", vs[0].ID), `{"product":"Box Fibre","sentiment":"negative","score":3}`, nil); code != 200 ||
		!strings.Contains(resp, `"sentiment":"negatif"`) || !strings.Contains(resp, `"product":"Box Fibre"`) {
		t.Errorf("patch verbatim: %d %s", code, resp)
	}
	var facets struct {
		Topics   []string `json:"topics"`
		Products []string `json:"products"`
	}
	cur.do("GET", "/api/facets", "", &facets)
	if len(facets.Topics) < 4 || len(facets.Products) != 1 || facets.Products[0] != "Box Fibre" {
		t.Errorf("facets: %+v", facets)
	}
	// A curator editing a playlist sees every item, the withdrawn one too
	// (with its status); the room sees only what it may.
	var pl2 struct{ ID int64 }
	cur.do("POST", "/api/playlists", fmt.Sprintf(`{"name":"Tout","items":[{"recording_id":%d},{"recording_id":%d}]}`, ids["Accueil"], ids["Livraison"]), &pl2)
	cur.do("POST", fmt.Sprintf("/api/recordings/%d/withdraw", ids["Livraison"]), "{}", nil)
	var staffView, roomView struct {
		Items []struct {
			RecordingID int64  `json:"recording_id"`
			Status      string `json:"status"`
		} `json:"items"`
	}
	cur.do("GET", fmt.Sprintf("/api/playlists/%d", pl2.ID), "", &staffView)
	getJSON(t, fmt.Sprintf("%s/api/playlists/%d", r.base, pl2.ID), &roomView)
	if len(staffView.Items) != 2 || staffView.Items[1].Status != "pending" || len(roomView.Items) != 1 || roomView.Items[0].Status != "" {
		t.Errorf("staff view %+v, room view %+v: want both items (one pending) for staff, the approved one alone for the room", staffView, roomView)
	}

	// Accounts: only an admin manages them; a disabled account cannot log in.
	if code, _ := cur.do("GET", "/api/users", "", nil); code != 403 {
		t.Errorf("users as a curator: %d, want 403", code)
	}
	adm := newStaff(t, r, "ada", "admin")
	var u struct{ ID int64 }
	if code, resp := adm.do("POST", "/api/users", `{"name":"felix","role":"facilitator","password":"felix-pass-1"}`, &u); code != 201 || u.ID == 0 {
		t.Fatalf("add user: %d %s", code, resp)
	}
	if code, _ := adm.do("POST", "/api/users", `{"name":"felix","role":"facilitator","password":"felix-pass-1"}`, nil); code != 409 {
		t.Errorf("add the same user again: %d, want 409", code)
	}
	adm.do("PATCH", fmt.Sprintf("/api/users/%d", u.ID), `{"disabled":true}`, nil)
	if code := postJSON(t, r.base+"/api/auth/login", `{"name":"felix","password":"felix-pass-1"}`, nil); code != 401 {
		t.Errorf("disabled account logs in: %d", code)
	}
	var me struct{ ID int64 }
	adm.do("GET", "/api/auth/me", "", &me)
	if code, resp := adm.do("PATCH", fmt.Sprintf("/api/users/%d", me.ID), `{"role":"curator"}`, nil); code != 409 {
		t.Errorf("demoting the last admin: %d %s, want 409", code, resp)
	}
}
