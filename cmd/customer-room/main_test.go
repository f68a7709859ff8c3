package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary act as the program itself, so tests can send
// it real signals: CR_TEST_MAIN=1 runs main() instead of the tests.
func TestMain(m *testing.M) {
	if os.Getenv("CR_TEST_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// syncBuffer is a bytes.Buffer safe to write from the server and read from the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var healthURL = regexp.MustCompile(`http://([0-9.]+:[0-9]+)/api/health`)

// room is a running server started through run(), as main would.
type room struct {
	base   string
	data   string
	stderr *syncBuffer
	cancel context.CancelFunc
	done   chan error
}

func startRoom(t testing.TB, extra ...string) *room {
	t.Helper()
	data := filepath.Join(t.TempDir(), "data")
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	args := append([]string{"serve", "--data", data, "--addr", "127.0.0.1:0", "--audio", "null"}, extra...)
	r := &room{data: data, stderr: stderr, cancel: cancel, done: make(chan error, 1)}
	go func() {
		r.done <- run(ctx, args, func(string) string { return "" }, strings.NewReader(""), stdout, stderr)
	}()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if m := healthURL.FindStringSubmatch(stdout.String()); m != nil {
			r.base = "http://" + m[1]
			break
		}
		select {
		case err := <-r.done:
			t.Fatalf("server exited early: %v\n%s", err, stderr)
		case <-time.After(20 * time.Millisecond):
		}
	}
	if r.base == "" {
		t.Fatalf("server never printed its URL; stderr:\n%s", stderr)
	}
	t.Cleanup(func() { r.stop(t) })
	return r
}

// stop cancels the root context and checks run returns cleanly and promptly.
func (r *room) stop(t testing.TB) {
	t.Helper()
	if r.cancel == nil {
		return
	}
	r.cancel()
	r.cancel = nil
	select {
	case err := <-r.done:
		if err != nil {
			t.Errorf("run returned %v after shutdown", err)
		}
	case <-time.After(5 * time.Second):
		t.Errorf("run did not return within 5 s of shutdown")
	}
}

func getJSON(t testing.TB, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if v != nil {
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
	}
	return resp.StatusCode
}

func postJSON(t testing.TB, url, body string, v any) int {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if v != nil {
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatalf("POST %s: %v", url, err)
		}
	}
	return resp.StatusCode
}

type playerState struct {
	State      string `json:"state"`
	PositionMS int64  `json:"position_ms"`
	DurationMS int64  `json:"duration_ms"`
	Item       *struct {
		RecordingID int64 `json:"recording_id"`
	} `json:"item"`
}

func TestServeHealthDemoAndPlayCycle(t *testing.T) {
	r := startRoom(t)

	var health struct {
		Status, Version, DB string
		Audio               struct {
			Output string
			OK     bool
		}
	}
	if code := getJSON(t, r.base+"/api/health", &health); code != 200 {
		t.Fatalf("health status %d", code)
	}
	if health.Status != "ok" || health.DB != "ok" || !health.Audio.OK || health.Audio.Output != "null" || health.Version == "" {
		t.Fatalf("health = %+v", health)
	}

	var recs []struct {
		ID         int64
		Title      string
		Status     string
		DurationMS int64 `json:"duration_ms"`
		Cues       int
		Sentiment  string
	}
	getJSON(t, r.base+"/api/recordings", &recs)
	if len(recs) < 4 {
		t.Fatalf("demo seed: %d recordings, want at least 4", len(recs))
	}
	moods := map[string]bool{}
	for _, rec := range recs {
		if rec.Status != "approved" || rec.DurationMS < 5000 || rec.Cues < 3 || rec.Title == "" {
			t.Errorf("demo recording %+v: want approved, > 5 s, >= 3 cues, titled", rec)
		}
		moods[rec.Sentiment] = true
	}
	if !moods["positif"] || !moods["negatif"] {
		t.Errorf("demo sentiments %v: want both delighted and unhappy customers", moods)
	}
	var verbatims []struct{ Text string }
	getJSON(t, r.base+"/api/verbatims", &verbatims)
	if len(verbatims) < 6 {
		t.Errorf("demo seed: %d verbatims, want 6", len(verbatims))
	}
	var cues []struct {
		StartMS int64 `json:"start_ms"`
		EndMS   int64 `json:"end_ms"`
		Speaker string
		Text    string
	}
	getJSON(t, fmt.Sprintf("%s/api/recordings/%d/transcript", r.base, recs[0].ID), &cues)
	if len(cues) != recs[0].Cues || cues[0].Speaker == "" || cues[0].Text == "" || cues[0].EndMS <= cues[0].StartMS {
		t.Errorf("transcript = %+v", cues)
	}

	// Listen to the event stream while the cycle runs.
	events := make(chan playerState, 64)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", r.base+"/api/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("events content type %q", ct)
	}
	go func() {
		sc := bufio.NewScanner(resp.Body)
		typ := ""
		for sc.Scan() {
			line := sc.Text()
			if v, ok := strings.CutPrefix(line, "event: "); ok {
				typ = v
			}
			if v, ok := strings.CutPrefix(line, "data: "); ok && typ == "player" {
				var st playerState
				if json.Unmarshal([]byte(v), &st) == nil {
					select {
					case events <- st:
					default:
					}
				}
			}
		}
	}()

	id := recs[0].ID
	var st playerState
	if code := postJSON(t, r.base+"/api/player/play", fmt.Sprintf(`{"recording_id":%d}`, id), &st); code != 200 {
		t.Fatalf("play: status %d", code)
	}
	if st.State != "playing" || st.Item == nil || st.Item.RecordingID != id {
		t.Fatalf("after play: %+v", st)
	}
	// The position advances, and the stream pushes it.
	deadline := time.After(5 * time.Second)
	for seen := false; !seen; {
		select {
		case ev := <-events:
			seen = ev.State == "playing" && ev.PositionMS >= 300
		case <-deadline:
			t.Fatal("no player event with an advancing position within 5 s")
		}
	}
	if code := postJSON(t, r.base+"/api/player/pause", ``, &st); code != 200 || st.State != "paused" {
		t.Fatalf("pause: %d %+v", code, st)
	}
	if code := postJSON(t, r.base+"/api/player/stop", ``, &st); code != 200 || st.State != "idle" {
		t.Fatalf("stop: %d %+v", code, st)
	}
	cancel()
	r.stop(t)
}

func TestServeRefusesBadRequests(t *testing.T) {
	r := startRoom(t)
	cases := []struct {
		method, path, body string
		status             int
	}{
		{"GET", "/api/recordings/999", "", 404},
		{"GET", "/api/recordings/abc", "", 400},
		{"GET", "/api/recordings/-1/transcript", "", 400},
		{"GET", "/api/nothing", "", 404},
		{"GET", "/api/playlists/999", "", 404},
		{"GET", "/api/playlists/x", "", 400},
		{"POST", "/api/player/play", `{"recording_id":999}`, 404},
		{"POST", "/api/player/play", `{}`, 400},
		{"POST", "/api/player/play", `{"recording_id":1,"clip_id":2}`, 400},
		{"POST", "/api/player/play", `not json`, 400},
		{"POST", "/api/player/seek", `{"position_ms":-5}`, 400},
		{"POST", "/api/player/explode", `{}`, 404},
	}
	for _, c := range cases {
		req, _ := http.NewRequest(c.method, r.base+c.path, strings.NewReader(c.body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var e struct{ Error, Code string }
		json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if resp.StatusCode != c.status || e.Error == "" || e.Code == "" {
			t.Errorf("%s %s %s: %d %+v, want %d with error and code", c.method, c.path, c.body, resp.StatusCode, e, c.status)
		}
	}
	var health struct{ Status string }
	if getJSON(t, r.base+"/api/health", &health); health.Status != "ok" {
		t.Errorf("server unhealthy after bad requests: %+v", health)
	}
}

func TestServeBadSetupFailsInOneLine(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a-file")
	os.WriteFile(file, []byte("x"), 0o600)
	corrupt := filepath.Join(dir, "corrupt")
	os.Mkdir(corrupt, 0o750)
	os.WriteFile(filepath.Join(corrupt, "catalog.db"), bytes.Repeat([]byte("not a database "), 400), 0o600)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()

	cases := []struct {
		name string
		args []string
		want string
	}{
		{"missing parent", []string{"--data", filepath.Join(dir, "no", "such", "data")}, "does not exist"},
		{"parent is a file", []string{"--data", filepath.Join(file, "data")}, "not a folder"},
		{"port in use", []string{"--data", filepath.Join(dir, "ok"), "--addr", busy.Addr().String()}, "address already in use"},
		{"corrupt database", []string{"--data", corrupt}, "corrupt or not a SQLite database"},
		{"bad audio output", []string{"--data", filepath.Join(dir, "ok2"), "--audio", "speakers"}, "want alsa, null or file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			args := append([]string{"serve", "--addr", "127.0.0.1:0", "--audio", "null"}, c.args...)
			err := run(ctx, args, func(string) string { return "" }, strings.NewReader(""), io.Discard, io.Discard)
			if err == nil {
				t.Fatal("run succeeded")
			}
			if !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q: want one line containing %q", err, c.want)
			}
		})
	}
}

func TestImportCLI(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	imp := func(args ...string) ([]map[string]any, error) {
		var out bytes.Buffer
		err := run(context.Background(), append([]string{"import", "--json", "--data", data}, args...), func(string) string { return "" }, strings.NewReader(""), &out, io.Discard)
		var res []map[string]any
		dec := json.NewDecoder(&out)
		for dec.More() {
			var m map[string]any
			if derr := dec.Decode(&m); derr != nil {
				t.Fatalf("import output is not JSON lines: %v", derr)
			}
			res = append(res, m)
		}
		return res, err
	}
	res, err := imp("testdata/tone.wav")
	if err != nil || len(res) != 1 || res[0]["status"] != "imported" {
		t.Fatalf("import tone.wav: %v %v", err, res)
	}
	if d := res[0]["duration_ms"].(float64); d < 1490 || d > 1510 {
		t.Errorf("duration_ms = %v, want 1500", d)
	}
	if res[0]["cues"].(float64) != 1 || res[0]["id"].(float64) <= 0 {
		t.Errorf("import result %v: want 1 cue and an id", res[0])
	}
	for _, k := range []string{"path", "status", "id", "duration_ms", "loudness_lufs", "true_peak_dbtp", "cues"} {
		if _, ok := res[0][k]; !ok {
			t.Errorf("import result lacks %q: %v", k, res[0])
		}
	}
	res, err = imp("testdata/tone.wav")
	if err != nil || res[0]["status"] != "duplicate" {
		t.Fatalf("re-import: %v %v", err, res)
	}
	res, err = imp("testdata/noise.wav")
	if !errors.Is(err, errSilent) || len(res) != 1 || res[0]["status"] != "rejected" || res[0]["error"] == "" {
		t.Fatalf("import noise.wav: %v %v", err, res)
	}
	// Nothing of the rejected file reached the catalog or the library.
	var out bytes.Buffer
	if err := run(context.Background(), []string{"check", "--data", data}, func(string) string { return "" }, nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "recordings 1\n") || !strings.Contains(out.String(), "integrity  ok") {
		t.Errorf("check after a rejected import:\n%s", out.String())
	}
	files, _ := filepath.Glob(filepath.Join(data, "library", "*", "*"))
	if len(files) != 1 {
		t.Errorf("library holds %d files, want 1: %v", len(files), files)
	}
}

// startProgram runs the test binary as the real program (see TestMain) with
// extra environment, waits for its URL, and returns it with the process.
func startProgram(t testing.TB, env []string, args ...string) (*exec.Cmd, string, *syncBuffer) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(append(os.Environ(), "CR_TEST_MAIN=1"), env...)
	stdout, _ := cmd.StdoutPipe()
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	sc := bufio.NewScanner(stdout)
	base := ""
	for sc.Scan() {
		if m := healthURL.FindStringSubmatch(sc.Text()); m != nil {
			base = "http://" + m[1]
			break
		}
	}
	go io.Copy(io.Discard, stdout)
	if base == "" {
		t.Fatalf("no URL printed; stderr:\n%s", stderr.String())
	}
	return cmd, base, stderr
}

// TestSIGTERMExitsCleanly runs the real program and sends it SIGTERM.
func TestSIGTERMExitsCleanly(t *testing.T) {
	cmd, base, stderr := startProgram(t, nil, "serve", "--data", filepath.Join(t.TempDir(), "data"), "--addr", "127.0.0.1:0", "--audio", "null")
	// Something is playing and a client holds an event stream open: neither may hold up the exit.
	postJSON(t, base+"/api/player/play", `{"recording_id":1}`, nil)
	resp, err := http.Get(base + "/api/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()

	start := time.Now()
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v; stderr:\n%s", err, stderr.String())
		}
		t.Logf("exited 0 in %v", time.Since(start))
	case <-time.After(5 * time.Second):
		t.Fatalf("still running 5 s after SIGTERM; stderr:\n%s", stderr.String())
	}
}
