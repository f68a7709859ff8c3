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
