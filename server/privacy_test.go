package server

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"customerroom/kiosk"
	"customerroom/media"
	"customerroom/media/catalog"
	"customerroom/player"
)

// Markers planted in what the room must never receive.
const (
	secretSource   = "dupont-0612345678.wav"
	secretPending  = "Pendingword"
	secretRejected = "Rejectedword"
	secretBare     = "Unrenderedword"
	secretVerbatim = "Verbatimpending"
)

// TestRoomSeesOnlyWhatItMay walks every GET route the server registers, as
// the room's screen (loopback, no login), with every id substituted in turn,
// plus the room's actions that name an item. None may return a pending,
// rejected or unrendered item, a source file name, or a score before the
// reveal. A route added later is walked without changing this test.
func TestRoomSeesOnlyWhatItMay(t *testing.T) {
	ctx := context.Background()
	cat, err := catalog.Open(ctx, filepath.Join(t.TempDir(), "catalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	score := 3
	add := func(title string, st media.Status, rendition string) int64 {
		t.Helper()
		cue := media.Cue{StartMS: 0, EndMS: 1000, Speaker: "Client", Text: "bonjour " + title + " colis, Jean Dupont"}
		id, err := cat.AddRecording(ctx, media.NewRecording{
			Recording: media.Recording{SHA256: title, Title: title + " call", SourceName: secretSource, Path: "library/" + title + ".wav",
				Rendition: rendition, Topic: "Livraison", Score: &score, Status: st, DurationMS: 20000},
			Transcript: []media.Cue{cue},
			// Checked: the room may read the masked text, never the original.
			Review: []media.ReviewCue{{Cue: cue, Masked: "bonjour " + title + " colis, [nom]",
				Findings: []media.Finding{{Kind: "name", Start: 22 + len([]rune(title)), End: 32 + len([]rune(title)), Text: "Jean Dupont"}}}},
			Peaks: []byte(`{"version":2,"data":[0,1]}`),
		})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	ok := add("Approvedword", media.StatusApproved, "library/ok.wav")
	ids := []int64{ok, add(secretPending, media.StatusPending, ""), add(secretRejected, media.StatusRejected, ""),
		add(secretBare, media.StatusApproved, "")}
	if _, err := cat.AddVerbatims(ctx, []media.Verbatim{{Date: "2026-11-02", Text: secretVerbatim + " colis", Masked: secretVerbatim + " colis", Status: media.StatusPending},
		{Date: "2026-11-02", Text: "Approved verbatim colis de Jean Dupont", Masked: "Approved verbatim colis de [nom]", Status: media.StatusApproved},
		{Date: "2026-11-03", Text: "Unchecked verbatim colis Jean Dupont", Status: media.StatusApproved}}); err != nil {
		t.Fatal(err)
	}
	var entries []media.PlaylistEntry
	for _, id := range ids {
		entries = append(entries, media.PlaylistEntry{RecordingID: id})
	}
	plID, err := cat.CreatePlaylist(ctx, "Tout", entries)
	if err != nil {
		t.Fatal(err)
	}

	pl := &roomPlayer{st: player.State{State: player.StateIdle}}
	room := kiosk.New(kiosk.Options{Library: cat, Player: pl})
	srv := New(Config{Version: "test", Library: cat, Accounts: cat, Player: pl, Kiosk: room, KioskStore: cat, KeepAlive: 50 * time.Millisecond})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- srv.Run(runCtx, ln) }()
	defer func() { stop(); <-done }()
	base := "http://" + ln.Addr().String()
	client := &http.Client{Timeout: 2 * time.Second}

	check := func(method, path, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer resp.Body.Close()
		var b []byte
		if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
			b = readFor(resp.Body, 300*time.Millisecond) // the replayed state of every event type
		} else {
			b, _ = io.ReadAll(resp.Body)
		}
		got := string(b)
		for _, secret := range []string{secretSource, secretPending, secretRejected, secretBare, secretVerbatim, `"score":3`, `"path":`, "Dupont", `"findings":[{`, `"masked"`} {
			if strings.Contains(got, secret) {
				t.Errorf("%s %s (%d) gives the room %q: %.300s", method, path, resp.StatusCode, secret, got)
			}
		}
		return resp.StatusCode, got
	}

	walked := 0
	for _, r := range srv.app.GetRoutes(true) {
		if r.Method != http.MethodGet || !strings.HasPrefix(r.Path, "/api/") {
			continue
		}
		paths := []string{r.Path}
		if strings.Contains(r.Path, ":id") {
			paths = nil
			for _, id := range append(ids, plID) {
				paths = append(paths, strings.ReplaceAll(r.Path, ":id", fmt.Sprint(id)))
			}
		}
		for _, p := range paths {
			for _, q := range []string{"", "?q=colis", "?status=all", "?status=pending"} {
				check("GET", p+q, "")
				walked++
			}
		}
	}
	if walked < 40 {
		t.Errorf("walked only %d requests: did the routes move?", walked)
	}
	// The approved call is there: the walk is not vacuous.
	if st, body := check("GET", "/api/recordings", ""); st != 200 || !strings.Contains(body, "Approvedword") {
		t.Errorf("room list: %d %s", st, body)
	}
	if st, body := check("GET", "/api/search?q=colis", ""); st != 200 || !strings.Contains(body, "Approved") {
		t.Errorf("room search: %d %s", st, body)
	}
	// Actions that name an item refuse everything but the playable call (the
	// player's own resolution through the catalog is tested in cmd, where the
	// real player runs).
	for _, id := range ids[1:] {
		check("POST", "/api/kiosk/wake", "")
		if st, _ := check("POST", "/api/kiosk/listen", fmt.Sprintf(`{"recording_id":%d}`, id)); st != 404 {
			t.Errorf("kiosk listen of unplayable %d: %d, want 404", id, st)
		}
	}
}

// readFor reads r for d at most, for event streams that never end.
func readFor(r io.Reader, d time.Duration) []byte {
	var (
		mu  sync.Mutex
		buf bytes.Buffer
	)
	go func() {
		b := make([]byte, 4096)
		for {
			n, err := r.Read(b)
			mu.Lock()
			buf.Write(b[:n])
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	time.Sleep(d)
	mu.Lock()
	defer mu.Unlock()
	return bytes.Clone(buf.Bytes())
}
