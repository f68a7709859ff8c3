package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"customerroom/media/audio"
	"customerroom/media/demo"
)

// reviewVTT is a transcript of the demo's "colis perdu" call, rewritten to
// hold a name, a phone number and an e-mail address, one per cue; the
// third cue carries word timings, so only its words are hidden.
const reviewVTT = `WEBVTT

1
00:00:00.000 --> 00:00:03.004
<v Conseiller>Service client, bonjour, que puis-je faire pour vous ?

2
00:00:03.454 --> 00:00:07.904
<v Client>Bonjour, je m'appelle Jean Dupont, mon colis devait arriver il y a dix jours.

3
00:00:08.354 --> 00:00:11.360
<v Conseiller>Je note votre numéro, <00:00:09.400>le <00:00:09.600>06 <00:00:09.800>12 <00:00:10.000>34 <00:00:10.200>56 <00:00:10.400>78.

4
00:00:11.810 --> 00:00:15.458
<v Client>Écrivez-moi à jean.dupont@example.fr, personne ne m'a prévenu.
`

// TestReviewApproveWithdrawEndToEnd is the review's whole path on the real
// program: a spoken call with personal data in its transcript is imported;
// the room cannot reach it; a curator adds a range and approves; the room
// then reads a masked transcript and hears a rendition bleeped over the
// ranges and sample-for-sample the source elsewhere; withdrawing it takes it
// off the speaker and the screen at once.
func TestReviewApproveWithdrawEndToEnd(t *testing.T) {
	wav, err := demo.ReadFile("colis-perdu.wav")
	if err != nil {
		t.Fatal(err)
	}
	in := t.TempDir()
	os.WriteFile(filepath.Join(in, "appel-jean.wav"), wav, 0o640)
	os.WriteFile(filepath.Join(in, "appel-jean.vtt"), []byte(reviewVTT), 0o640)

	r := startRoom(t, "--demo=false")
	noEnv := func(string) string { return "" }
	if err := run(context.Background(), []string{"user", "add", "--data", r.data, "--role", "curator", "claire"}, noEnv, strings.NewReader("s3cret-pass\n"), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"import", "--json", "--data", r.data, filepath.Join(in, "appel-jean.wav")}, noEnv, nil, &out, io.Discard); err != nil {
		t.Fatalf("import: %v %s", err, out.String())
	}
	var imp struct{ ID int64 }
	json.Unmarshal(out.Bytes(), &imp)
	id := imp.ID
	secrets := []string{"Dupont", "06 12 34 56 78", "jean.dupont@example.fr"}

	// Before approval the room gets 404 for the call, its transcript and its audio.
	for _, p := range []string{"", "/transcript", "/audio"} {
		if code := getJSON(t, fmt.Sprintf("%s/api/recordings/%d%s", r.base, id, p), nil); code != 404 {
			t.Errorf("room GET recording%s before approval: %d, want 404", p, code)
		}
	}

	jar, _ := cookiejar.New(nil)
	curator := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	call := func(method, path, body string, v any) int {
		t.Helper()
		req, _ := http.NewRequest(method, r.base+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := curator.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if v != nil {
			json.NewDecoder(resp.Body).Decode(v)
		}
		return resp.StatusCode
	}
	if code := call("POST", "/api/auth/login", `{"name":"claire","password":"s3cret-pass"}`, nil); code != 200 {
		t.Fatalf("login: %d", code)
	}
	type review struct {
		Recording struct {
			Status string `json:"status"`
		} `json:"recording"`
		Cues []struct {
			Masked   string `json:"masked"`
			Findings []struct {
				Kind string `json:"kind"`
				Text string `json:"text"`
			} `json:"findings"`
		} `json:"cues"`
		Redactions []struct {
			StartMS int64 `json:"start_ms"`
			EndMS   int64 `json:"end_ms"`
		} `json:"redactions"`
		Render struct {
			State string `json:"state"`
			Error string `json:"error"`
		} `json:"render"`
	}
	var rv review
	if code := call("GET", fmt.Sprintf("/api/recordings/%d/review", id), "", &rv); code != 200 || len(rv.Cues) != 4 {
		t.Fatalf("review: %d %+v", code, rv)
	}
	kinds := map[string]bool{}
	for _, q := range rv.Cues {
		for _, f := range q.Findings {
			kinds[f.Kind] = true
		}
	}
	for _, k := range []string{"name", "phone", "email"} {
		if !kinds[k] {
			t.Errorf("review found no %s: %+v", k, rv.Cues)
		}
	}
	// Cue 2 and 4 have cue timings only: the whole cue is hidden. Cue 3 has
	// word timings: only the number's words, with a margin, not the cue start.
	want := map[[2]int64]bool{}
	for _, rg := range rv.Redactions {
		want[[2]int64{rg.StartMS, rg.EndMS}] = true
	}
	if len(rv.Redactions) != 3 || rv.Redactions[1].StartMS <= 8354 || rv.Redactions[1].EndMS > 11360+150 {
		t.Errorf("proposed ranges %+v: want cue 2 whole, the number's words in cue 3, cue 4 whole", rv.Redactions)
	}
	// The curator adds a manual range (the agent says "bonjour" at 0.5-1.5 s).
	ranges := append(rv.Redactions, struct {
		StartMS int64 `json:"start_ms"`
		EndMS   int64 `json:"end_ms"`
	}{500, 1500})
	body, _ := json.Marshal(ranges)
	if code := call("PUT", fmt.Sprintf("/api/recordings/%d/redactions", id), string(body), &rv.Redactions); code != 200 || len(rv.Redactions) != 4 {
		t.Fatalf("set redactions: %d %+v", code, rv.Redactions)
	}
	if code := call("POST", fmt.Sprintf("/api/recordings/%d/approve", id), "{}", nil); code != 202 {
		t.Fatalf("approve: %d", code)
	}
	deadline := time.Now().Add(20 * time.Second)
	for rv.Recording.Status != "approved" {
		if time.Now().After(deadline) || rv.Render.State == "failed" {
			t.Fatalf("never approved: %+v", rv.Render)
		}
		time.Sleep(50 * time.Millisecond)
		call("GET", fmt.Sprintf("/api/recordings/%d/review", id), "", &rv)
	}

	// The room's transcript holds none of the three.
	resp, err := http.Get(fmt.Sprintf("%s/api/recordings/%d/transcript", r.base, id))
	if err != nil {
		t.Fatal(err)
	}
	tr, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(tr), "[nom]") {
		t.Errorf("room transcript after approval: %d %s", resp.StatusCode, tr)
	}
	for _, s := range secrets {
		if strings.Contains(string(tr), s) {
			t.Errorf("room transcript holds %q: %s", s, tr)
		}
	}

	// The room's audio: bleeped over each range, the source elsewhere.
	resp, err = http.Get(fmt.Sprintf("%s/api/recordings/%d/audio", r.base, id))
	if err != nil {
		t.Fatal(err)
	}
	rendition, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	got, rate := decodeMono(t, rendition)
	src, _ := decodeMono(t, wav)
	if len(got) != len(src) {
		t.Fatalf("rendition has %d samples, source %d: want the same duration", len(got), len(src))
	}
	inRange := func(i int) bool {
		ms := int64(i) * 1000 / int64(rate)
		for _, rg := range rv.Redactions {
			if ms >= rg.StartMS-1 && ms < rg.EndMS+1 {
				return true
			}
		}
		return false
	}
	diffOutside := 0
	for i := range got {
		if !inRange(i) && math.Abs(float64(got[i]-src[i])) > 1.0/32768 {
			diffOutside++
		}
	}
	if diffOutside > 0 {
		t.Errorf("%d samples outside the ranges differ from the source", diffOutside)
	}
	for _, rg := range rv.Redactions {
		// The middle of each range (past the 5 ms ramps) is the 1 kHz bleep at about -20 dBFS.
		a, b := int((rg.StartMS+20)*int64(rate)/1000), int((rg.EndMS-20)*int64(rate)/1000)
		var sum float64
		for _, v := range got[a:b] {
			sum += float64(v) * float64(v)
		}
		rms := 20 * math.Log10(math.Sqrt(sum/float64(b-a)))
		if rms < -24 || rms > -22 {
			t.Errorf("range %+v: level %.1f dBFS, want the bleep's -23 dBFS RMS (peak 0.1)", rg, rms)
		}
	}

	// Withdraw while it plays: it leaves the speaker and the screen at once.
	postJSON(t, r.base+"/api/kiosk/wake", `{}`, nil)
	var ks struct {
		Screen string `json:"screen"`
		Call   *struct {
			ID int64 `json:"id"`
		} `json:"call"`
	}
	if code := postJSON(t, r.base+"/api/kiosk/listen", fmt.Sprintf(`{"recording_id":%d}`, id), &ks); code != 200 || ks.Screen != "listening" {
		t.Fatalf("listen: %d %+v", code, ks)
	}
	if code := call("POST", fmt.Sprintf("/api/recordings/%d/withdraw", id), "{}", nil); code != 200 {
		t.Fatalf("withdraw: %d", code)
	}
	var ps playerState
	getJSON(t, r.base+"/api/player", &ps)
	if ps.State != "idle" || ps.Item != nil && ps.Item.RecordingID == id {
		t.Errorf("player after withdraw: %+v", ps)
	}
	getJSON(t, r.base+"/api/kiosk", &ks)
	if ks.Screen == "listening" || ks.Call != nil {
		t.Errorf("screen after withdraw: %+v", ks)
	}
	if code := getJSON(t, fmt.Sprintf("%s/api/recordings/%d/audio", r.base, id), nil); code != 404 {
		t.Errorf("room audio after withdraw: %d, want 404", code)
	}

	// Every decision went to the audit log, readable by an admin.
	if err := run(context.Background(), []string{"user", "add", "--data", r.data, "--role", "admin", "ada"}, noEnv, strings.NewReader("s3cret-pass\n"), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	if code := call("GET", "/api/audit", "", nil); code != 403 {
		t.Errorf("audit as a curator: %d, want 403", code)
	}
	call("POST", "/api/auth/login", `{"name":"ada","password":"s3cret-pass"}`, nil)
	var log []struct {
		Actor, Action string
	}
	call("GET", "/api/audit", "", &log)
	var actions []string
	for _, e := range log {
		actions = append(actions, e.Actor+":"+e.Action)
	}
	if got := strings.Join(actions, " "); !strings.Contains(got, "claire:withdraw claire:approve claire:redactions") {
		t.Errorf("audit log %q: want claire's redactions, approve and withdraw", got)
	}
}

// decodeMono decodes a WAV with our decoders into mono float samples.
func decodeMono(t *testing.T, data []byte) ([]float32, int) {
	t.Helper()
	s, _, err := audio.Open(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var out []float32
	buf := make([]float32, 4096*s.Channels())
	for {
		n, err := s.Read(buf)
		for i := 0; i < n; i += s.Channels() {
			out = append(out, buf[i])
		}
		if err == io.EOF {
			return out, s.SampleRate()
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}
