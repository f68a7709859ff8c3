package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// phone is a participant's phone: its own address on the loopback range
// (not the room's 127.0.0.1, which the test server alone trusts) and its
// own cookies.
type phone struct {
	base string
	c    *http.Client
}

func newPhone(t testing.TB, base string, n int) *phone {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 1, byte(n))}, Timeout: 5 * time.Second}
	jar, _ := cookiejar.New(nil)
	return &phone{c: &http.Client{Jar: jar, Timeout: 10 * time.Second, Transport: &http.Transport{DialContext: d.DialContext}}, base: base}
}

func (p *phone) do(method, path, body string, v any) (int, error) {
	req, _ := http.NewRequest(method, p.base+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := p.c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if v != nil {
		json.Unmarshal(b, v)
	}
	return resp.StatusCode, nil
}

type joinView struct {
	Title string `json:"title"`
	Item  *struct {
		ID string `json:"id"`
	} `json:"item"`
	MyVote *int `json:"my_vote"`
}

// workshopRoom starts the program trusting only 127.0.0.1 as the room's
// screen, and returns it with a facilitator and a live session's id and code
// over a playlist of two demo calls.
func workshopRoom(t testing.TB) (*room, *apiClient, int64, string) {
	t.Helper()
	r := startRoom(t, "--trusted-networks", "127.0.0.1/32")
	cur := newStaff(t, r, "claire", "curator")
	var recs []struct {
		ID    int64  `json:"id"`
		Topic string `json:"topic"`
	}
	cur.do("GET", "/api/recordings?status=approved", "", &recs)
	var pl struct{ ID int64 }
	if code, body := cur.do("POST", "/api/playlists", fmt.Sprintf(`{"name":"Atelier","items":[{"recording_id":%d},{"recording_id":%d}]}`, recs[0].ID, recs[1].ID), &pl); code != 201 {
		t.Fatalf("playlist: %d %s", code, body)
	}
	fac := newStaff(t, r, "felix", "facilitator")
	var w struct {
		ID      int64  `json:"id"`
		Code    string `json:"code"`
		JoinURL string `json:"join_url"`
		State   string `json:"state"`
	}
	if code, body := fac.do("POST", "/api/workshops", fmt.Sprintf(`{"title":"Irritants livraison","playlist_id":%d,"teams":["Logistique","SAV"]}`, pl.ID), &w); code != 201 || len(w.Code) != 6 || !strings.Contains(w.JoinURL, w.Code) {
		t.Fatalf("create: %d %s", code, body)
	}
	if code, body := fac.do("POST", fmt.Sprintf("/api/workshops/%d/start", w.ID), "{}", &w); code != 200 || w.State != "live" {
		t.Fatalf("start: %d %s", code, body)
	}
	return r, fac, w.ID, w.Code
}

// TestWorkshopSessionEndToEnd is a whole session on the real program.
func TestWorkshopSessionEndToEnd(t *testing.T) {
	r, fac, id, code := workshopRoom(t)
	a, b := newPhone(t, r.base, 2), newPhone(t, r.base, 3)

	// The room's screen is held: the lone-listener flow answers 409.
	if c := postJSON(t, r.base+"/api/kiosk/home", `{}`, nil); c != 409 {
		t.Errorf("kiosk action during a workshop: %d, want 409", c)
	}
	// Participants read nothing but the session.
	if c, err := a.do("GET", "/api/recordings", "", nil); err != nil || c != 403 {
		t.Errorf("participant reads the library: %d %v, want 403", c, err)
	}
	if c, _ := a.do("GET", "/api/join/ZZZZZZ", "", nil); c != 404 {
		t.Errorf("wrong code: %d, want 404", c)
	}
	var j joinView
	if c, err := a.do("GET", "/api/join/"+strings.ToLower(code), "", &j); err != nil || c != 200 || j.Item == nil || j.Title != "Irritants livraison" {
		t.Fatalf("join: %d %v %+v", c, err, j)
	}
	item := j.Item.ID
	for _, v := range []struct {
		p     *phone
		score int
	}{{a, 2}, {b, 6}, {a, 4}} { // a changes its mind
		if c, _ := v.p.do("POST", "/api/join/"+code+"/votes", fmt.Sprintf(`{"item":%q,"score":%d}`, item, v.score), &j); c != 200 || j.MyVote == nil || *j.MyVote != v.score {
			t.Fatalf("vote %d: %d %+v", v.score, c, j)
		}
	}
	if c, _ := b.do("POST", "/api/join/"+code+"/votes", `{"item":"r999","score":5}`, nil); c != 409 {
		t.Errorf("vote for another item: %d, want 409", c)
	}
	if c, _ := b.do("POST", "/api/join/"+code+"/ideas", `{"text":"Prévenir le client dès que le colis est bloqué"}`, nil); c != 201 {
		t.Errorf("idea: %d", c)
	}

	// The facilitator sees the tally, reveals, takes a note and an action.
	var w struct {
		Items []struct {
			RecordingID int64 `json:"recording_id"`
			Score       *int  `json:"score"`
		} `json:"items"`
		Tally struct {
			Count int     `json:"count"`
			Avg   float64 `json:"avg"`
		} `json:"tally"`
	}
	fac.do("GET", fmt.Sprintf("/api/workshops/%d", id), "", &w)
	if w.Tally.Count != 2 || w.Tally.Avg != 5 {
		t.Errorf("tally %+v: want 2 votes averaging 5 (4 and 6)", w.Tally)
	}
	fac.do("POST", fmt.Sprintf("/api/workshops/%d/reveal", id), "{}", nil)
	rec := w.Items[0].RecordingID
	if c, body := fac.do("POST", fmt.Sprintf("/api/workshops/%d/notes", id), fmt.Sprintf(`{"text":"Le client a appelé trois fois","recording_id":%d,"at_ms":4200}`, rec), nil); c != 201 {
		t.Errorf("note: %d %s", c, body)
	}
	if c, body := fac.do("POST", "/api/actions", fmt.Sprintf(`{"text":"Alerte SMS colis bloqué","team":"Logistique","due":"2027-01-15","workshop_id":%d,"evidence":[{"recording_id":%d}]}`, id, rec), nil); c != 201 {
		t.Errorf("action: %d %s", c, body)
	}
	var ended struct{ State string }
	fac.do("POST", fmt.Sprintf("/api/workshops/%d/end", id), "{}", &ended)
	if ended.State != "ended" {
		t.Errorf("end: %+v", ended)
	}
	if c, _ := a.do("GET", "/api/join/"+code, "", nil); c != 404 {
		t.Errorf("join after the end: %d, want 404", c)
	}
	if c := postJSON(t, r.base+"/api/kiosk/home", `{}`, nil); c != 200 {
		t.Errorf("kiosk after the workshop: %d, want 200", c)
	}

	// The report: the tallies against the real score, the idea, the note, the action.
	code2, md := fac.do("GET", fmt.Sprintf("/api/workshops/%d/report.md", id), "", nil)
	want := []string{"# Irritants livraison", "Logistique, SAV", "| 1 |", "| 2 | 5.0/10 |", "Prévenir le client", "Le client a appelé trois fois (à 0:04)", "Alerte SMS colis bloqué — équipe : Logistique, échéance : 2027-01-15, preuves : appel"}
	for _, s := range want {
		if !strings.Contains(md, s) {
			t.Errorf("report.md lacks %q:\n%s", s, md)
		}
	}
	if strings.Contains(md, "felix") || strings.Contains(md, "claire") {
		t.Errorf("the report names a person:\n%s", md)
	}
	if c, csv := fac.do("GET", fmt.Sprintf("/api/workshops/%d/report.csv", id), "", nil); c != 200 || !strings.Contains(csv, "action;") {
		t.Errorf("report.csv: %d %s", c, csv)
	}
	_ = code2
	// The perception gap now counts the votes beside the customer's score.
	var p struct {
		Overall struct {
			Guesses int `json:"guesses"`
		} `json:"overall"`
	}
	fac.do("GET", "/api/insights/perception", "", &p)
	if p.Overall.Guesses != 2 {
		t.Errorf("perception after the session: %+v, want the 2 votes", p)
	}
}

// voteStorm has n phones, each on its own address, vote on the item on now
// within a burst, and returns how long until every vote was counted and how
// long until the room's screen showed the last tally.
func voteStorm(t testing.TB, r *room, code string, n int) (counted, screen time.Duration) {
	// The room's screen follows the kiosk event.
	resp, err := http.Get(r.base + "/api/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	seen := make(chan time.Time, 1)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "data:") && strings.Contains(sc.Text(), fmt.Sprintf(`"count":%d,`, n)) && strings.Contains(sc.Text(), `"workshop":{`) {
				seen <- time.Now()
				return
			}
		}
	}()
	phones := make([]*phone, n)
	var item string
	for i := range phones {
		phones[i] = newPhone(t, r.base, 10+i)
		var j joinView
		if c, err := phones[i].do("GET", "/api/join/"+code, "", &j); err != nil || c != 200 {
			t.Fatalf("phone %d join: %d %v", i, c, err)
		}
		item = j.Item.ID
	}
	start := time.Now()
	var wg sync.WaitGroup
	var mu sync.Mutex
	failed := 0
	for i, p := range phones {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if c, err := p.do("POST", "/api/join/"+code+"/votes", fmt.Sprintf(`{"item":%q,"score":%d}`, item, i%11), nil); err != nil || c != 200 {
				mu.Lock()
				failed++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	counted = time.Since(start)
	if failed > 0 {
		t.Fatalf("%d of %d votes failed", failed, n)
	}
	select {
	case at := <-seen:
		screen = at.Sub(start)
	case <-time.After(5 * time.Second):
		t.Fatalf("the room's screen never showed %d votes", n)
	}
	return counted, screen
}

// TestWorkshopSixtyPhones: 60 participants vote at once on the same item;
// every vote counts and the room's screen shows the full tally.
func TestWorkshopSixtyPhones(t *testing.T) {
	r, fac, id, code := workshopRoom(t)
	voteStorm(t, r, code, 60)
	var w struct {
		Tally struct {
			Count int `json:"count"`
		} `json:"tally"`
	}
	fac.do("GET", fmt.Sprintf("/api/workshops/%d", id), "", &w)
	if w.Tally.Count != 60 {
		t.Errorf("tally after 60 phones: %d", w.Tally.Count)
	}
}

// BenchmarkWorkshopVotes: 60 phones vote at once on the same item; it
// reports how long until every vote was counted and until the room's
// screen showed the full tally (make bench prints both).
func BenchmarkWorkshopVotes(b *testing.B) {
	var counted, screen []float64
	for range b.N {
		b.StopTimer()
		r, _, _, code := workshopRoom(b)
		b.StartTimer()
		c, s := voteStorm(b, r, code, 60)
		counted, screen = append(counted, float64(c.Milliseconds())), append(screen, float64(s.Milliseconds()))
		b.StopTimer()
		r.stop(b)
		b.StartTimer()
	}
	b.ReportMetric(median(counted), "ms-all-60-counted")
	b.ReportMetric(median(screen), "ms-to-room-screen")
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[len(s)/2]
}
