package server

import (
	"context"
	"customerroom/media/clocktest"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// login logs claire (curator) in and returns her session cookies.
func (f kioskFixture) login(t *testing.T) []*http.Cookie {
	t.Helper()
	if err := f.cat.AddUser(context.Background(), "claire", "curator", "correct horse"); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("POST", "/api/auth/login", strings.NewReader(`{"name":"claire","password":"correct horse"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := f.srv.app.Test(req, -1)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("login: %v %v", err, resp.Status)
	}
	return resp.Cookies()
}

// send is one request with full control of its headers.
func (f kioskFixture) send(t *testing.T, method, path, contentType, body string, header map[string]string, cookies []*http.Cookie) int {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("X-Test-Peer", stranger)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	resp, err := f.srv.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestCrossSiteStateChangesAreRefused: a page on another site holding the
// curator's cookie (the browser sends it only if SameSite fails, e.g. an
// older browser or a sibling subdomain) cannot change anything, and no
// route accepts the body types an HTML form can send without a preflight.
func TestCrossSiteStateChangesAreRefused(t *testing.T) {
	f := newKioskFixture(t)
	session := f.login(t)
	const pairing = "/api/kiosk/pairings"
	cases := []struct {
		name        string
		contentType string
		body        string
		header      map[string]string
		want        int
	}{
		{"same origin", "application/json", `{"label":"a"}`, map[string]string{"Origin": "http://example.com"}, 201},
		{"no origin (curl, scripts)", "application/json", `{"label":"b"}`, nil, 201},
		{"other site", "application/json", `{"label":"c"}`, map[string]string{"Origin": "http://evil.example"}, 403},
		{"other port", "application/json", `{"label":"c"}`, map[string]string{"Origin": "http://example.com:8081"}, 403},
		{"null origin", "application/json", `{"label":"c"}`, map[string]string{"Origin": "null"}, 403},
		{"cross-site fetch metadata", "application/json", `{"label":"c"}`, map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"form-encoded", "application/x-www-form-urlencoded", `label=c`, nil, 400},
		{"text/plain", "text/plain", `{"label":"c"}`, nil, 400},
		{"multipart", "multipart/form-data; boundary=x", "--x--", nil, 400},
		{"no content type", "", `{"label":"c"}`, nil, 400},
	}
	for _, c := range cases {
		if got := f.send(t, "POST", pairing, c.contentType, c.body, c.header, session); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
	// Uploads are the one multipart route, and take nothing else.
	if got := f.send(t, "POST", "/api/uploads", "application/json", `{}`, nil, session); got != 400 {
		t.Errorf("JSON upload: %d, want 400", got)
	}
	if got := f.send(t, "POST", "/api/uploads", "multipart/form-data; boundary=x", "--x--\r\n", map[string]string{"Origin": "http://evil.example"}, session); got != 403 {
		t.Errorf("cross-site upload: %d, want 403", got)
	}
	// Reading stays possible from anywhere the access rules allow.
	if got := f.send(t, "GET", "/api/kiosk/devices", "", "", map[string]string{"Origin": "http://evil.example"}, session); got != 200 {
		t.Errorf("GET with a foreign Origin: %d, want 200 (reads change nothing)", got)
	}
}

// TestLoginIsRateLimited: guessing one account's password stops after 5
// tries, the right password included, until the bucket refills; guessing
// many accounts from one address stops after 10.
func TestLoginIsRateLimited(t *testing.T) {
	try := func(f kioskFixture, name, pw string) (int, string) {
		req := httptest.NewRequest("POST", "/api/auth/login", strings.NewReader(fmt.Sprintf(`{"name":%q,"password":%q}`, name, pw)))
		req.Header.Set("Content-Type", "application/json")
		resp, err := f.srv.app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	// A clock that stands still: no bucket refills however slow bcrypt is
	// on a loaded machine.
	clock := clocktest.New(time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC))
	f := newKioskFixtureAt(t, clock)
	if err := f.cat.AddUser(context.Background(), "claire", "curator", "correct horse"); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if got, body := try(f, "claire", "wrong guess"); got != 401 {
			t.Fatalf("guess %d: %d %s, want 401", i+1, got, body)
		}
	}
	if got, body := try(f, "CLAIRE", "correct horse"); got != 429 || !strings.Contains(body, "this account") {
		t.Errorf("right password after 5 guesses: %d %s, want 429 for the account", got, body)
	}

	f = newKioskFixtureAt(t, clock)
	for i := range 10 {
		if got, body := try(f, fmt.Sprintf("user%d", i), "wrong guess"); got != 401 {
			t.Fatalf("guess %d: %d %s, want 401", i+1, got, body)
		}
	}
	if got, body := try(f, "someone-else", "wrong guess"); got != 429 || strings.Contains(body, "this account") {
		t.Errorf("11th guess from one address: %d %s, want 429 for the address", got, body)
	}
}

// TestHardenedAnswers: security headers on every answer; logout clears the
// cookie on the path it was set; a DNS-rebinding page (trusted address,
// foreign Host) is refused; pairing with bogus codes from other addresses
// cannot lock out a good one; an empty range is 416; a missing audio file
// says so without the server's paths.
func TestHardenedAnswers(t *testing.T) {
	f := newKioskFixture(t)
	req := httptest.NewRequest("GET", "/api/health", nil)
	resp, err := f.srv.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("no %s header", h)
		}
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP %q lacks frame-ancestors", csp)
	}

	session := f.login(t)
	// DNS rebinding: the room's own address, someone else's host name.
	req = httptest.NewRequest("POST", "/api/kiosk/wake", strings.NewReader("{}"))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Test-Peer", screen)
	req.Host = "evil.example"
	if resp, _ := f.srv.app.Test(req, -1); resp.StatusCode != 403 {
		t.Errorf("trusted address with a foreign Host: %d, want 403", resp.StatusCode)
	}
	for _, host := range []string{"localhost:8080", "127.0.0.1:8080", "[::1]:8080"} {
		req = httptest.NewRequest("GET", "/api/kiosk", nil)
		req.Header.Set("X-Test-Peer", screen)
		req.Host = host
		if resp, _ := f.srv.app.Test(req, -1); resp.StatusCode != 200 {
			t.Errorf("the room's screen on %s: %d, want 200", host, resp.StatusCode)
		}
	}

	// Pairing: three strangers with bogus codes; a fourth address still pairs.
	for i := range 3 {
		for range 8 {
			f.do(t, fmt.Sprintf("10.1.1.%d", i+1), "POST", "/api/kiosk/pair", `{"token":"bogus-token-0123456789"}`)
		}
	}
	r := f.do(t, stranger, "POST", "/api/kiosk/pairings", `{"label":"tablette"}`, session...)
	if r.status != 201 {
		t.Fatalf("create pairing: %d %v", r.status, r.body)
	}
	token, _ := r.body["token"].(string)
	if r := f.do(t, "10.1.1.9", "POST", "/api/kiosk/pair", `{"token":"`+token+`"}`); r.status != 200 {
		t.Errorf("a good code after others' bogus ones: %d %v, want 200", r.status, r.body)
	}

	req = httptest.NewRequest("POST", "/api/auth/logout", strings.NewReader("{}"))
	req.Header.Set("Content-Type", "application/json")
	for _, c := range session {
		req.AddCookie(c)
	}
	resp, _ = f.srv.app.Test(req, -1)
	if sc := strings.ToLower(resp.Header.Get("Set-Cookie")); !strings.Contains(sc, "path=/") || !strings.Contains(sc, "expires=") {
		t.Errorf("logout's cookie %q: want it cleared on Path=/", sc)
	}

	// The fixture's call has no file on disk: a short message, no path.
	for _, rg := range []string{"", "bytes=-0"} {
		req = httptest.NewRequest("GET", fmt.Sprintf("/api/recordings/%d/audio", f.rec), nil)
		req.Header.Set("X-Test-Peer", screen)
		if rg != "" {
			req.Header.Set("Range", rg)
		}
		resp, _ := f.srv.app.Test(req, -1)
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 404 || strings.Contains(string(b), "/") && strings.Contains(string(b), ".wav") {
			t.Errorf("missing file (Range %q): %d %s", rg, resp.StatusCode, b)
		}
	}
}

func TestSatisfiableRanges(t *testing.T) {
	for _, c := range []struct {
		rg   string
		size int64
		want bool
	}{
		{"bytes=0-", 10, true}, {"bytes=-0", 10, false}, {"bytes=-5", 10, true}, {"bytes=10-", 10, false},
		{"bytes=9-9", 10, true}, {"bytes=-0,10-", 10, false}, {"bytes=-0,2-3", 10, true}, {"bytes=-1", 0, false}, {"items=1-2", 10, true},
	} {
		if got := satisfiable(c.rg, c.size); got != c.want {
			t.Errorf("satisfiable(%q, %d) = %v, want %v", c.rg, c.size, got, c.want)
		}
	}
}

// TestHealthSaysWhatIsWrong: a nearly full disk makes health degraded with
// a reason that says what to do.
func TestHealthSaysWhatIsWrong(t *testing.T) {
	f := newKioskFixture(t)
	f.srv.cfg.DiskFree = func() (uint64, error) { return 50 << 20, nil }
	r := f.do(t, stranger, "GET", "/api/health", "")
	reasons, _ := r.body["reasons"].([]any)
	if r.status != 200 || r.body["status"] != "degraded" || len(reasons) != 1 || !strings.Contains(fmt.Sprint(reasons[0]), "50 MB free") {
		t.Errorf("health with 50 MB free: %d %v", r.status, r.body)
	}
	f.srv.cfg.DiskFree = func() (uint64, error) { return 5 << 30, nil }
	if r := f.do(t, stranger, "GET", "/api/health", ""); r.body["status"] != "ok" {
		t.Errorf("health with 5 GB free: %v", r.body)
	}
	// A database that cannot be written shows too.
	f.cat.Close()
	if r := f.do(t, stranger, "GET", "/api/health", ""); r.body["status"] != "degraded" || r.body["db"] == "ok" {
		t.Errorf("health with the database closed: %v", r.body)
	}
}

// TestMetrics: the Prometheus text for the machine itself and admins only,
// with requests by route pattern (never an id) and status.
func TestMetrics(t *testing.T) {
	f := newKioskFixture(t)
	f.do(t, screen, "GET", "/api/health", "")
	f.do(t, screen, "GET", fmt.Sprintf("/api/recordings/%d", f.rec), "")
	f.do(t, screen, "GET", "/api/recordings/424242", "")
	if r := f.do(t, stranger, "GET", "/metrics", ""); r.status != 403 {
		t.Errorf("metrics from the office network: %d, want 403", r.status)
	}
	req := httptest.NewRequest("GET", "/metrics", nil)
	req.Header.Set("X-Test-Peer", screen)
	resp, err := f.srv.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	text := string(b)
	for _, want := range []string{
		`customerroom_http_request_duration_seconds_count{method="GET",route="/api/health",status="200"} 1`,
		`customerroom_http_request_duration_seconds_count{method="GET",route="/api/recordings/:id",status="200"} 1`,
		`customerroom_http_request_duration_seconds_count{method="GET",route="/api/recordings/:id",status="404"} 1`,
		`customerroom_http_request_duration_seconds_bucket{method="GET",route="/api/health",status="200",le="+Inf"} 1`,
		`customerroom_player_state{state="idle"} 1`, `customerroom_sse_clients 0`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %s:\n%s", want, text)
		}
	}
	if strings.Contains(text, "424242") {
		t.Error("a raw path with an id reached the metrics")
	}
}
