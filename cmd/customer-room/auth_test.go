package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
)

func TestUserLoginLogout(t *testing.T) {
	r := startRoom(t)
	add := func(name, role, pw string) error {
		return run(context.Background(), []string{"user", "add", "--data", r.data, "--role", role, name}, func(string) string { return "" }, strings.NewReader(pw+"\n"), io.Discard, io.Discard)
	}
	if err := add("camille", "curator", "s3cret-pass"); err != nil {
		t.Fatal(err)
	}
	if err := add("camille", "curator", "another-pass"); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("duplicate user: %v", err)
	}
	if err := add("zoe", "boss", "s3cret-pass"); err == nil {
		t.Error("unknown role accepted")
	}
	if err := add("zoe", "curator", "short"); err == nil {
		t.Error("short password accepted")
	}

	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	post := func(path, body string) int {
		resp, err := client.Post(r.base+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	me := func() int {
		resp, err := client.Get(r.base + "/api/auth/me")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := me(); code != 401 {
		t.Errorf("me before login: %d, want 401", code)
	}
	if code := post("/api/auth/login", `{"name":"camille","password":"wrong-pass"}`); code != 401 {
		t.Errorf("wrong password: %d, want 401", code)
	}
	if code := post("/api/auth/login", `{"name":"nobody","password":"s3cret-pass"}`); code != 401 {
		t.Errorf("unknown user: %d, want 401", code)
	}
	if code := post("/api/auth/login", `{"name":"camille","password":"s3cret-pass"}`); code != 200 {
		t.Fatalf("login: %d", code)
	}
	if code := me(); code != 200 {
		t.Errorf("me after login: %d, want 200", code)
	}
	if code := post("/api/auth/logout", ``); code != 200 {
		t.Errorf("logout: %d", code)
	}
	if code := me(); code != 401 {
		t.Errorf("me after logout: %d, want 401", code)
	}
}
