package main

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"os"
	"strings"
	"testing"
	"time"
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

// TestUploadNeedsCuratorAndReachesTheLibrary uploads a call from the
// curator's browser: refused without a login, then imported by the inbox
// watcher, and still invisible to the room until approved.
func TestUploadNeedsCuratorAndReachesTheLibrary(t *testing.T) {
	r := startRoom(t)
	if err := run(context.Background(), []string{"user", "add", "--data", r.data, "--role", "curator", "camille"},
		func(string) string { return "" }, strings.NewReader("s3cret-pass\n"), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	wav, err := os.ReadFile("testdata/tone.wav")
	if err != nil {
		t.Fatal(err)
	}
	upload := func(client *http.Client) int {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("file", "appel-client.wav")
		fw.Write(wav)
		mw.Close()
		resp, err := client.Post(r.base+"/api/uploads", mw.FormDataContentType(), &body)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := upload(http.DefaultClient); code != 401 {
		t.Fatalf("anonymous upload: %d, want 401", code)
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	resp, err := client.Post(r.base+"/api/auth/login", "application/json", strings.NewReader(`{"name":"camille","password":"s3cret-pass"}`))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("login: %v %v", err, resp)
	}
	resp.Body.Close()
	if code := upload(client); code != 202 {
		t.Fatalf("curator upload: %d, want 202", code)
	}
	var out bytes.Buffer
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(out.String(), "recordings 5\n") {
		if time.Now().After(deadline) {
			t.Fatalf("upload never reached the catalog:\n%s", out.String())
		}
		time.Sleep(200 * time.Millisecond)
		out.Reset()
		if err := run(context.Background(), []string{"check", "--data", r.data}, func(string) string { return "" }, nil, &out, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	var recs []struct{ Path string }
	getJSON(t, r.base+"/api/recordings", &recs)
	for _, rec := range recs {
		if rec.Path == "appel-client.wav" {
			t.Error("an unapproved upload is listed to the room")
		}
	}
	if len(recs) != 4 {
		t.Errorf("room lists %d recordings, want the 4 approved demo calls", len(recs))
	}
}
