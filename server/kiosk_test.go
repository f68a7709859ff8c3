package server

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	qrcode "github.com/skip2/go-qrcode"

	"customerroom/kiosk"
	"customerroom/media"
	"customerroom/media/catalog"
	"customerroom/media/clocktest"
	"customerroom/player"
)

// roomPlayer is a player that only keeps its state. It embeds the Player
// interface for the methods the kiosk tests never call.
type roomPlayer struct {
	Player
	mu sync.Mutex
	st player.State
}

var _ kiosk.Player = (*roomPlayer)(nil)

func (p *roomPlayer) State() player.State {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.st
}
func (p *roomPlayer) set(s string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.st.State = s
	return nil
}
func (p *roomPlayer) Subscribe() (<-chan player.State, func()) {
	return make(chan player.State), func() {}
}
func (p *roomPlayer) SubscribeChanges() (<-chan player.State, func()) {
	return make(chan player.State), func() {}
}
func (p *roomPlayer) Health() player.Health { return player.Health{OK: true} }
func (p *roomPlayer) Play(ctx context.Context, req player.Request) error {
	p.mu.Lock()
	p.st.Item = &player.Item{RecordingID: req.RecordingID}
	p.mu.Unlock()
	return p.set(player.StatePlaying)
}
func (p *roomPlayer) Pause() error                  { return p.set(player.StatePaused) }
func (p *roomPlayer) Resume() error                 { return p.set(player.StatePlaying) }
func (p *roomPlayer) Stop() error                   { return p.set(player.StateIdle) }
func (p *roomPlayer) SeekTo(positionMS int64) error { return nil }
func (p *roomPlayer) SetVolume(v int) error {
	if v < 0 || v > 100 {
		return media.Errorf(media.EInvalid, "volume %d outside 0..100", v)
	}
	return nil
}

type kioskFixture struct {
	srv *Server
	cat *catalog.Catalog
	rec int64
}

// newKioskFixture builds a server on a real catalog holding one approved call
// (score 3, topic Livraison). The peer address of a request is taken from
// its X-Test-Peer header, so tests can play the room's screen or a stranger.
func newKioskFixture(t testing.TB, trusted ...netip.Prefix) kioskFixture {
	t.Helper()
	return newKioskFixtureAt(t, nil, trusted...)
}

// newKioskFixtureAt is newKioskFixture on a given clock (nil: the wall
// clock), for tests of rate limits that must not refill while they run.
func newKioskFixtureAt(t testing.TB, clock media.Clock, trusted ...netip.Prefix) kioskFixture {
	t.Helper()
	ctx := context.Background()
	cat, err := catalog.Open(ctx, filepath.Join(t.TempDir(), "catalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cat.Close() })
	score := 3
	id, err := cat.AddRecording(ctx, media.NewRecording{Recording: media.Recording{SHA256: "x", Title: "Colis perdu", Path: "a.wav",
		Rendition: "a.wav", Topic: "Livraison", Score: &score, Status: media.StatusApproved, DurationMS: 20000}})
	if err != nil {
		t.Fatal(err)
	}
	pl := &roomPlayer{st: player.State{State: player.StateIdle}}
	room := kiosk.New(kiosk.Options{Library: cat, Player: pl, Clock: clock})
	srv := New(Config{Version: "test", Library: cat, Accounts: cat, Player: pl, Kiosk: room, KioskStore: cat, Curation: cat, TrustedNetworks: trusted, Clock: clock, Hostnames: []string{"example.com"}, // httptest's Host
		RemoteAddr: func(c *fiber.Ctx) netip.Addr {
			a, _ := netip.ParseAddr(c.Get("X-Test-Peer"))
			return a
		}})
	return kioskFixture{srv, cat, id}
}

type reply struct {
	status int
	body   map[string]any
	header http.Header
}

func (f kioskFixture) do(t *testing.T, peer, method, path, body string, cookies ...*http.Cookie) reply {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Test-Peer", peer)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	resp, err := f.srv.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	r := reply{status: resp.StatusCode, header: resp.Header}
	json.Unmarshal(b, &r.body)
	return r
}

const screen, stranger = "127.0.0.1", "192.168.1.20"

func TestKioskAccess(t *testing.T) {
	f := newKioskFixture(t)
	cases := []struct {
		peer, method, path string
		want               int
	}{
		{screen, "GET", "/api/kiosk", 200},
		{"::1", "GET", "/api/kiosk", 200},
		{screen, "POST", "/api/kiosk/wake", 200},
		{stranger, "GET", "/api/kiosk", 403},
		{stranger, "POST", "/api/kiosk/wake", 403},
		{stranger, "GET", "/api/kiosk/home", 403},
		{stranger, "POST", "/api/player/stop", 403},
		{stranger, "GET", "/api/player", 403},
		{stranger, "GET", "/api/recordings", 403},
		{stranger, "GET", "/api/recordings/1/audio", 403},
		{stranger, "GET", "/api/events", 403},
		{stranger, "GET", "/api/health", 200},
		{screen, "GET", "/api/recordings", 200},
		{"", "POST", "/api/kiosk/wake", 403}, // unknown peer
		{stranger, "POST", "/api/kiosk/pairings", 401},
		{screen, "POST", "/api/kiosk/pairings", 401}, // even the screen needs a curator to pair
	}
	for _, c := range cases {
		r := f.do(t, c.peer, c.method, c.path, "")
		if r.status != c.want {
			t.Errorf("%s %s from %q: %d, want %d (%v)", c.method, c.path, c.peer, r.status, c.want, r.body)
		}
		if r.status == 403 && !strings.Contains(r.body["error"].(string), "pairing code") {
			t.Errorf("403 without a clear message: %v", r.body)
		}
	}

	office := newKioskFixture(t, netip.MustParsePrefix("10.0.0.0/8"))
	if r := office.do(t, "10.1.2.3", "POST", "/api/kiosk/wake", ""); r.status != 200 {
		t.Errorf("trusted network 10/8: %d", r.status)
	}
	if r := office.do(t, screen, "POST", "/api/kiosk/wake", ""); r.status != 403 {
		t.Errorf("loopback not in the configured networks: %d, want 403", r.status)
	}
}

func TestPairingADevice(t *testing.T) {
	f := newKioskFixture(t)
	if err := f.cat.AddUser(context.Background(), "claire", "curator", "correct horse"); err != nil {
		t.Fatal(err)
	}
	login := httptest.NewRequest("POST", "/api/auth/login", strings.NewReader(`{"name":"claire","password":"correct horse"}`))
	login.Header.Set("Content-Type", "application/json")
	resp, err := f.srv.app.Test(login, -1)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("login: %v %v", err, resp.Status)
	}
	session := resp.Cookies()

	r := f.do(t, stranger, "POST", "/api/kiosk/pairings", `{"label":"tablette atelier"}`, session...)
	token, _ := r.body["token"].(string)
	if r.status != 201 || !regexp.MustCompile(`^[A-HJKMNP-Z2-9]{8}$`).MatchString(token) || r.body["code"] != token[:4]+"-"+token[4:] ||
		!strings.HasSuffix(r.body["url"].(string), "/kiosk/?pair="+token) || !strings.HasSuffix(r.body["entry_url"].(string), "/pair") {
		t.Fatalf("create pairing: %d %v", r.status, r.body)
	}
	// The QR code is the link's (encoding is deterministic).
	qr, _ := r.body["qr"].(string)
	png, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(qr, "data:image/png;base64,"))
	want, _ := qrcode.Encode(r.body["url"].(string), qrcode.Medium, 256)
	if err != nil || !bytes.Equal(png, want) {
		t.Fatalf("qr %.40q: %v: not the link's QR code", qr, err)
	}
	// Typed by a person: lower case, a space instead of the dash.
	typed := strings.ToLower(token[:4] + " " + token[4:])
	pairReq := httptest.NewRequest("POST", "/api/kiosk/pair", strings.NewReader(`{"token":"`+typed+`"}`))
	pairReq.Header.Set("Content-Type", "application/json")
	pairReq.Header.Set("X-Test-Peer", stranger)
	resp, err = f.srv.app.Test(pairReq, -1)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("pair: %v %v", err, resp.Status)
	}
	var device *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == deviceCookie {
			device = c
		}
	}
	if device == nil || !device.HttpOnly || device.Value == token {
		t.Fatalf("device cookie %+v: want an HttpOnly secret other than the token", device)
	}
	if r := f.do(t, stranger, "POST", "/api/kiosk/wake", "", &http.Cookie{Name: deviceCookie, Value: device.Value}); r.status != 200 {
		t.Errorf("paired device: %d %v", r.status, r.body)
	}
	if r := f.do(t, stranger, "POST", "/api/kiosk/wake", "", &http.Cookie{Name: deviceCookie, Value: "forged-secret-0123456789"}); r.status != 403 {
		t.Errorf("forged cookie: %d", r.status)
	}
	if r := f.do(t, "10.9.9.9", "POST", "/api/kiosk/pair", `{"token":"`+token+`"}`); r.status != 403 || r.body["code"] != "forbidden" {
		t.Errorf("token reused: %d %v", r.status, r.body)
	}
}

func TestKioskBadInput(t *testing.T) {
	f := newKioskFixture(t)
	ctx := context.Background()
	f.do(t, screen, "POST", "/api/kiosk/wake", "")
	cases := []struct {
		path, body string
		want       int
	}{
		{"/api/kiosk/listen", `{"recording_id":999}`, 404},
		{"/api/kiosk/listen", `{"recording_id":-3}`, 400},
		{"/api/kiosk/listen", `{"recording_id":"abc"}`, 400},
		{"/api/kiosk/listen", `{}`, 400},
		{"/api/kiosk/listen", `{not json`, 400},
		{"/api/kiosk/guess", `{"guess":5}`, 409}, // not on the guess screen
		{"/api/kiosk/react", `{"kind":"touched"}`, 409},
		{"/api/kiosk/lang", `{"lang":"klingon"}`, 400},
		{"/api/kiosk/explode", ``, 404},
		{"/api/kiosk/seek", `{"position_ms":1000}`, 409}, // not listening
		{"/api/kiosk/skip", ``, 409},
		{"/api/kiosk/listen", `{"recording_id":1}`, 200},
		{"/api/kiosk/react", `{"kind":"<script>"}`, 400},
		{"/api/kiosk/seek", `{}`, 400},
		{"/api/kiosk/seek", `{"position_ms":-1}`, 400},
		{"/api/kiosk/seek", `{"position_ms":"x"}`, 400},
		{"/api/kiosk/seek", `{"position_ms":1500}`, 200},
		{"/api/kiosk/volume", `{}`, 400},
		{"/api/kiosk/volume", `{"volume":101}`, 400},
		{"/api/kiosk/volume", `{"volume":60}`, 200},
		{"/api/kiosk/finish", ``, 200},
		{"/api/kiosk/guess", `{"guess":11}`, 400},
		{"/api/kiosk/guess", `{"guess":-1}`, 400},
		{"/api/kiosk/guess", `{"guess":5.5}`, 400},
		{"/api/kiosk/guess", `{}`, 400},
		{"/api/kiosk/guess", `{"guess":7}`, 200},
		{"/api/kiosk/guess", `{"guess":7}`, 409}, // already revealed
		{"/api/kiosk/skip", ``, 409},
		{"/api/kiosk/leave", ``, 200},
		{"/api/kiosk/leave", ``, 200}, // leaving twice is harmless
	}
	for _, c := range cases {
		r := f.do(t, screen, "POST", c.path, c.body)
		if r.status != c.want || r.status >= 400 && (r.body["error"] == "" || r.body["code"] == "") {
			t.Errorf("POST %s %s: %d %v, want %d", c.path, c.body, r.status, r.body, c.want)
		}
	}
	gap, err := f.cat.GapForTopic(ctx, "Livraison")
	if err != nil || gap.Guesses != 1 || gap.AvgGap != 4 {
		t.Errorf("stats after bad input: %+v %v, want the one valid guess (gap 4)", gap, err)
	}
}

func TestReactionFloodIsLimited(t *testing.T) {
	f := newKioskFixture(t)
	f.do(t, screen, "POST", "/api/kiosk/wake", "")
	f.do(t, screen, "POST", "/api/kiosk/listen", `{"recording_id":1}`)
	codes := map[int]int{}
	var limited reply
	for i := 0; i < 40; i++ {
		r := f.do(t, screen, "POST", "/api/kiosk/react", `{"kind":"idea"}`)
		codes[r.status]++
		if r.status == 429 {
			limited = r
		}
	}
	if codes[201] == 0 || codes[429] == 0 || codes[201]+codes[429] != 40 {
		t.Fatalf("40 quick reactions: %v, want some stored then 429", codes)
	}
	if limited.header.Get("Retry-After") == "" || limited.body["code"] != "too_many" {
		t.Errorf("429 without Retry-After or code: %v %v", limited.header, limited.body)
	}
	n, _ := f.cat.ReactionCounts(context.Background(), f.rec)
	if n["idea"] != codes[201] {
		t.Errorf("stored %d reactions, answered 201 %d times", n["idea"], codes[201])
	}
	// Another device has its own bucket but shares the global one.
	if r := f.do(t, "127.0.0.2", "GET", "/api/kiosk", ""); r.status != 200 {
		t.Errorf("reading state is not rate limited with reactions: %d", r.status)
	}
}

func TestLimiter(t *testing.T) {
	clock := clocktest.New(time.Unix(0, 0))
	l := newLimiter(Limit{Rate: 1, Burst: 2}, Limit{Rate: 10, Burst: 3}, clock)
	steps := []struct {
		key     string
		advance time.Duration
		want    bool
	}{
		{"a", 0, true},
		{"a", 0, true},
		{"a", 0, false}, // a's burst spent
		{"b", 0, true},  // b has its own bucket
		{"c", 0, false}, // global burst of 3 spent
		{"a", time.Second, true},
		{"a", 0, false},
		{"c", 100 * time.Millisecond, true},
	}
	for i, s := range steps {
		clock.Advance(s.advance)
		if got, _ := l.allow(s.key); got != s.want {
			t.Errorf("step %d (%s): allow = %v, want %v", i, s.key, got, s.want)
		}
	}
}

func TestLimiterTableIsCapped(t *testing.T) {
	l := newLimiter(Limit{Rate: 1, Burst: 1}, Limit{Rate: 1e9, Burst: 1e9}, nil)
	for i := 0; i < maxClients*2; i++ {
		l.allow(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}).String())
	}
	if len(l.buckets) > maxClients {
		t.Errorf("%d buckets, want at most %d", len(l.buckets), maxClients)
	}
}

// FuzzKioskRequests sends arbitrary bodies to the room's actions: whatever
// arrives, the answer is a clear 2xx/4xx, never a 5xx or a crash.
func FuzzKioskRequests(f *testing.F) {
	for _, s := range []string{`{"recording_id":1}`, `{"guess":7}`, `{"kind":"idea"}`, `{"lang":"en"}`, `{"guess":1e400}`, `[`, ``, `{"recording_id":-9223372036854775808}`} {
		f.Add("listen", s)
		f.Add("guess", s)
		f.Add("react", s)
	}
	fx := newKioskFixture(f)
	f.Fuzz(func(t *testing.T, action, body string) {
		if strings.ContainsAny(action, "/?#% \x00") || action == "" || len(action) > 64 {
			return
		}
		r := fx.do(t, screen, "POST", "/api/kiosk/"+url.PathEscape(action), body)
		if r.status >= 500 {
			t.Fatalf("POST %s %q: %d %v", action, body, r.status, r.body)
		}
	})
}

// TestStaffMayBrowseFromAnywhere: a facilitator's tablet elsewhere in the
// office reads the room's content and drives the player once logged in.
func TestStaffMayBrowseFromAnywhere(t *testing.T) {
	f := newKioskFixture(t)
	if err := f.cat.AddUser(context.Background(), "camille", "facilitator", "s3cret-pass"); err != nil {
		t.Fatal(err)
	}
	login := f.do(t, stranger, "POST", "/api/auth/login", `{"name":"camille","password":"s3cret-pass"}`)
	if login.status != 200 {
		t.Fatalf("login: %d %v", login.status, login.body)
	}
	var session *http.Cookie
	for _, c := range (&http.Response{Header: login.header}).Cookies() {
		if c.Name == sessionCookie {
			session = c
		}
	}
	if session == nil {
		t.Fatal("no session cookie")
	}
	if r := f.do(t, stranger, "GET", "/api/recordings", "", session); r.status != 200 {
		t.Errorf("facilitator browsing from the office network: %d", r.status)
	}
	if r := f.do(t, stranger, "POST", "/api/player/stop", "", session); r.status != 200 {
		t.Errorf("facilitator driving the player from a tablet: %d, want 200", r.status)
	}
	if r := f.do(t, stranger, "POST", "/api/player/stop", ""); r.status != 403 {
		t.Errorf("stranger driving the player: %d, want 403", r.status)
	}
}

// TestClosedHoursThroughTheAPI: a curator closes the room for an hour with
// the week grid's PUT; the room's state says so with its opening time, both
// the screen's listen and the player's play are refused in plain words, an
// entry in the old shape (no "closed") still saves, and the room opens on
// time.
func TestClosedHoursThroughTheAPI(t *testing.T) {
	clock := clocktest.New(time.Date(2026, 11, 2, 10, 0, 0, 0, time.Local)) // a Monday
	f := newKioskFixtureAt(t, clock)
	if err := f.cat.AddUser(context.Background(), "claire", "curator", "correct horse"); err != nil {
		t.Fatal(err)
	}
	login := f.do(t, stranger, "POST", "/api/auth/login", `{"name":"claire","password":"correct horse"}`)
	session := (&http.Response{Header: login.header}).Cookies()
	pl, err := f.cat.CreatePlaylist(context.Background(), "Matin", []media.PlaylistEntry{{RecordingID: f.rec}})
	if err != nil {
		t.Fatal(err)
	}
	week := fmt.Sprintf(`[{"weekday":-1,"start_min":540,"end_min":1080,"playlist_id":%d},{"weekday":-1,"start_min":600,"end_min":660,"closed":true}]`, pl)
	r := f.do(t, stranger, "PUT", "/api/kiosk/programme", week, session...)
	if r.status != 200 {
		t.Fatalf("PUT programme: %d %v", r.status, r.body)
	}
	if es, err := f.cat.Programme(context.Background()); err != nil || len(es) != 2 || es[0].Closed || !es[1].Closed || es[1].PlaylistID != 0 {
		t.Fatalf("stored programme %+v %v", es, err)
	}
	st := f.do(t, screen, "GET", "/api/kiosk", "")
	if st.body["closed"] != true || !strings.HasPrefix(fmt.Sprint(st.body["opens_at"]), "2026-11-02T11:00:00") {
		t.Fatalf("state after closing the hour: closed %v opens_at %v", st.body["closed"], st.body["opens_at"])
	}
	f.do(t, screen, "POST", "/api/kiosk/wake", "")
	for _, path := range []string{"/api/kiosk/listen", "/api/player/play"} {
		r := f.do(t, screen, "POST", path, fmt.Sprintf(`{"recording_id":%d}`, f.rec))
		if r.status != 409 || r.body["code"] != "conflict" || r.body["error"] != "the room is closed until Monday 11:00: no call plays before then" {
			t.Errorf("%s while closed: %d %v, want 409 saying when the room opens", path, r.status, r.body)
		}
	}
	if r := f.do(t, screen, "POST", "/api/player/stop", ""); r.status != 200 {
		t.Errorf("stop while closed: %d, want 200 (only new sound is refused)", r.status)
	}
	bad := `[{"weekday":-1,"start_min":600,"end_min":660,"closed":true,"playlist_id":1}]`
	if r := f.do(t, stranger, "PUT", "/api/kiosk/programme", bad, session...); r.status != 400 || r.body["code"] != "invalid" {
		t.Errorf("closed slot with a playlist: %d %v, want 400", r.status, r.body)
	}

	clock.Advance(time.Hour) // 11:00
	oldShape := fmt.Sprintf(`[{"weekday":1,"start_min":540,"end_min":1080,"playlist_id":%d}]`, pl)
	if r := f.do(t, stranger, "PUT", "/api/kiosk/programme", oldShape, session...); r.status != 200 {
		t.Fatalf("PUT without closed: %d %v", r.status, r.body)
	}
	if st := f.do(t, screen, "GET", "/api/kiosk", ""); st.body["closed"] != false || st.body["opens_at"] != nil {
		t.Errorf("open again: closed %v opens_at %v", st.body["closed"], st.body["opens_at"])
	}
	if r := f.do(t, screen, "POST", "/api/kiosk/listen", fmt.Sprintf(`{"recording_id":%d}`, f.rec)); r.status != 200 {
		t.Errorf("listen when open: %d %v", r.status, r.body)
	}
}
