package server

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

func uploadApp(t *testing.T) (*fiber.App, string) {
	dir := t.TempDir()
	s := &Server{cfg: Config{DataDir: dir}, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	app := fiber.New(fiber.Config{ErrorHandler: s.handleError, BodyLimit: 8 << 20})
	app.Post("/api/uploads", s.handleUpload)
	return app, dir
}

func postFiles(t *testing.T, app *fiber.App, files map[string]string) (int, map[string]any) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for name, content := range files {
		w, _ := mw.CreateFormFile("file", name)
		w.Write([]byte(content))
	}
	mw.Close()
	req := httptest.NewRequest("POST", "/api/uploads", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func TestUploadPutsFilesInTheInbox(t *testing.T) {
	app, dir := uploadApp(t)
	code, out := postFiles(t, app, map[string]string{"appel.wav": "RIFF....", `C:\Users\x\appel.vtt`: "WEBVTT\n"})
	if code != 202 {
		t.Fatalf("status %d %v", code, out)
	}
	for _, n := range []string{"appel.wav", "appel.vtt"} {
		if _, err := os.Stat(filepath.Join(dir, "inbox", n)); err != nil {
			t.Errorf("%s not in the inbox: %v", n, err)
		}
	}
	// Same name again: a new name, never an overwrite; no staging file left.
	code, out = postFiles(t, app, map[string]string{"appel.wav": "second"})
	if code != 202 || !strings.Contains(toJSON(out), "appel-2.wav") {
		t.Fatalf("second upload: %d %v", code, out)
	}
	ents, _ := os.ReadDir(filepath.Join(dir, "inbox"))
	if len(ents) != 3 {
		t.Errorf("inbox holds %d entries, want 3", len(ents))
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "inbox", "appel.wav")); string(b) != "RIFF...." {
		t.Errorf("first upload overwritten: %q", b)
	}
}

func TestUploadRefusesBadRequests(t *testing.T) {
	app, _ := uploadApp(t)
	code, _ := postFiles(t, app, map[string]string{"..": "x"})
	if code != 400 {
		t.Errorf("name '..': status %d", code)
	}
	req := httptest.NewRequest("POST", "/api/uploads", strings.NewReader("{}"))
	req.Header.Set("Content-Type", "application/json")
	resp, _ := app.Test(req, -1)
	if resp.StatusCode != 400 {
		t.Errorf("not multipart: status %d", resp.StatusCode)
	}
}

func toJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

func FuzzUploadName(f *testing.F) {
	for _, s := range []string{"appel.wav", "../../etc/passwd", `C:\x\y.mp3`, ".hidden", "a\x00b", strings.Repeat("é", 300) + ".wav"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		n := uploadName(in)
		if n == "" {
			return
		}
		if strings.ContainsAny(n, "/\\\x00") || strings.HasPrefix(n, ".") || filepath.Base(n) != n || len(n) > 220 {
			t.Fatalf("uploadName(%q) = %q", in, n)
		}
	})
}
