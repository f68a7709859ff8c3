package ingest

import (
	"context"
	"customerroom/media"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// inbox runs a Watcher and Pool over a temp data dir, with fast polling.
type inbox struct {
	im      *Importer
	w       *Watcher
	cancel  context.CancelFunc
	done    chan struct{}
	mu      sync.Mutex
	results []ImportResult
	got     chan ImportResult
}

func startInbox(t *testing.T, im *Importer) *inbox {
	t.Helper()
	return startInboxWith(t, im, func(*Watcher) {})
}

// startInboxWith is startInbox with the watcher adjusted by set before it runs.
func startInboxWith(t *testing.T, im *Importer, set func(*Watcher)) *inbox {
	t.Helper()
	b := &inbox{im: im, done: make(chan struct{}), got: make(chan ImportResult, 16)}
	b.w = &Watcher{
		Importer: im, Pool: NewPool(2),
		Inbox: filepath.Join(im.DataDir, "inbox"), Quarantine: filepath.Join(im.DataDir, "quarantine"),
		Poll: 40 * time.Millisecond, StableChecks: 3, SidecarWait: 100 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		OnResult: func(r ImportResult) {
			b.mu.Lock()
			b.results = append(b.results, r)
			b.mu.Unlock()
			b.got <- r
		},
	}
	set(b.w)
	os.MkdirAll(b.w.Inbox, 0o750)
	ctx, cancel := context.WithCancel(context.Background())
	b.cancel = cancel
	go func() {
		defer close(b.done)
		go b.w.Pool.Run(ctx)
		if err := b.w.Run(ctx); err != nil {
			t.Errorf("watcher: %v", err)
		}
	}()
	t.Cleanup(b.stop)
	return b
}

func (b *inbox) stop() {
	b.cancel()
	<-b.done
}

func (b *inbox) wait(t *testing.T) ImportResult {
	t.Helper()
	select {
	case r := <-b.got:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("no import result within 10 s")
		return ImportResult{}
	}
}

// exists reports whether p exists.
func exists(p string) bool { _, err := os.Stat(p); return err == nil }

// TestWatcherWaitsForSlowCopy copies a file in small chunks with pauses
// longer than one poll: it must be imported once, whole, and leave the inbox.
func TestWatcherWaitsForSlowCopy(t *testing.T) {
	im := newImporter(t)
	b := startInbox(t, im)
	data := mustRead(t, "testdata/call-8k.wav")
	dst := filepath.Join(b.w.Inbox, "slow.wav")
	f, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(data); i += len(data) / 6 {
		f.Write(data[i:min(i+len(data)/6, len(data))])
		time.Sleep(70 * time.Millisecond) // between 1 and 3 polls
	}
	f.Close()
	b.wantWholeOnce(t, im, dst, "slow copy", 300*time.Millisecond)
}

// wantWholeOnce checks that the 6-second call copied in as dst (how says
// how) was imported whole, once (nothing more within quiet), and left the
// inbox.
func (b *inbox) wantWholeOnce(t *testing.T, im *Importer, dst, how string, quiet time.Duration) {
	t.Helper()
	r := b.wait(t)
	if r.Status != Imported || r.DurationMS < 5900 {
		t.Fatalf("%s: %+v (a part of the file was imported?)", how, r)
	}
	select {
	case r := <-b.got:
		t.Fatalf("%s: imported twice: %+v", how, r)
	case <-time.After(quiet):
	}
	if exists(dst) {
		t.Errorf("%s: imported file still in the inbox", how)
	}
	if n, _ := catOf(im).CountRecordings(context.Background()); n != 1 {
		t.Errorf("%s: %d recordings, want 1", how, n)
	}
}

// TestWatcherRenameInWithSidecars: a staged copy renamed in, with its
// transcript and metadata; all three leave the inbox together.
func TestWatcherRenameInWithSidecars(t *testing.T) {
	im := newImporter(t)
	b := startInbox(t, im)
	for _, f := range []struct{ src, name string }{{"call.srt", "appel.srt"}, {"call.json", "appel.json"}, {"call.ogg", "appel.ogg"}} {
		tmp := writeFile(t, b.w.Inbox, "."+f.name+".part", mustRead(t, "testdata/"+f.src))
		if err := os.Rename(tmp, filepath.Join(b.w.Inbox, f.name)); err != nil {
			t.Fatal(err)
		}
	}
	r := b.wait(t)
	if r.Status != Imported || r.Cues != 2 {
		t.Fatalf("%+v", r)
	}
	rec, _ := catOf(im).Recording(context.Background(), r.ID)
	if rec.Title != "Facture fausse" {
		t.Errorf("metadata sidecar not read: %q", rec.Title)
	}
	ents, _ := os.ReadDir(b.w.Inbox)
	if len(ents) != 0 {
		t.Errorf("inbox not emptied: %v", ents)
	}
}

// TestWatcherQuarantinesBadFiles: a bad file and its sidecar go to
// quarantine with NAME.error.txt saying why; nothing reaches the catalog.
func TestWatcherQuarantinesBadFiles(t *testing.T) {
	im := newImporter(t)
	b := startInbox(t, im)
	writeFile(t, b.w.Inbox, "note.vtt", []byte("WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nhello\n"))
	writeFile(t, b.w.Inbox, "note.mp3", []byte("not an mp3 at all, a text file renamed"))
	r := b.wait(t)
	if r.Status != Rejected {
		t.Fatalf("%+v", r)
	}
	q := b.w.Quarantine
	msg, err := os.ReadFile(filepath.Join(q, "note.mp3.error.txt"))
	if err != nil || !strings.Contains(string(msg), "not a supported audio file") {
		t.Fatalf("error.txt: %q %v", msg, err)
	}
	if !exists(filepath.Join(q, "note.mp3")) || !exists(filepath.Join(q, "note.vtt")) {
		t.Errorf("file and sidecar not both quarantined")
	}
	// The same name again gets its own suffix instead of overwriting.
	writeFile(t, b.w.Inbox, "note.mp3", []byte("still not an mp3"))
	b.wait(t)
	if !exists(filepath.Join(q, "note-2.mp3")) || !exists(filepath.Join(q, "note-2.mp3.error.txt")) {
		t.Errorf("second bad file with the same name: %v", listDir(q))
	}
	// A malformed verbatim CSV is quarantined too, with its line number.
	writeFile(t, b.w.Inbox, "avis.csv", []byte("texte;note\n\"ok;3\n"))
	b.wait(t)
	msg, _ = os.ReadFile(filepath.Join(q, "avis.csv.error.txt"))
	if !strings.Contains(string(msg), "line 2") {
		t.Errorf("csv error.txt: %q", msg)
	}
	if n, _ := catOf(im).CountRecordings(context.Background()); n != 0 || len(libraryFiles(t, im)) != 0 {
		t.Errorf("rejected files reached the catalog or library")
	}
	if ents := listDir(b.w.Inbox); len(ents) != 0 {
		t.Errorf("inbox not emptied: %v", ents)
	}
}

func listDir(d string) []string {
	ents, _ := os.ReadDir(d)
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

// TestWatcherScansAtStart: files dropped while the server was down are
// imported at start, and a verbatim JSON export is recognised.
func TestWatcherScansAtStart(t *testing.T) {
	im := newImporter(t)
	in := filepath.Join(im.DataDir, "inbox")
	os.MkdirAll(in, 0o750)
	writeFile(t, in, "a.wav", mustRead(t, "testdata/call-8k.wav"))
	writeFile(t, in, "b.json", []byte(`[{"Texte": "Très satisfait", "Note": 9, "Date": "02/05/2026"}]`))
	writeFile(t, in, "lone.vtt", mustRead(t, "testdata/call-8k.vtt"))
	b := startInbox(t, im)
	seen := map[string]ImportStatus{}
	for range 2 {
		r := b.wait(t)
		seen[filepath.Base(r.Path)] = r.Status
	}
	if seen["a.wav"] != Imported || seen["b.json"] != Imported {
		t.Fatalf("start-up scan: %v", seen)
	}
	vs, _ := catOf(im).Verbatims(context.Background(), media.VerbatimFilter{})
	if len(vs) != 1 || vs[0].Date != "2026-05-02" || *vs[0].Score != 9 {
		t.Errorf("verbatims %+v", vs)
	}
	// A transcript without its audio waits in the inbox.
	if got := listDir(in); len(got) != 1 || got[0] != "lone.vtt" {
		t.Errorf("inbox after start-up: %v", got)
	}
}

// TestWatcherStopsPromptly: cancelling while a file is still being written
// returns at once and leaves the file for the next start.
func TestWatcherStopsPromptly(t *testing.T) {
	im := newImporter(t)
	b := startInbox(t, im)
	p := writeFile(t, b.w.Inbox, "late.wav", mustRead(t, "testdata/call-8k.wav")[:1000])
	time.Sleep(50 * time.Millisecond)
	start := time.Now()
	b.stop()
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("stop took %v", d)
	}
	if !exists(p) {
		t.Errorf("unfinished file removed from the inbox")
	}
}

func TestPoolBoundsWorkers(t *testing.T) {
	p := NewPool(2)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { p.Run(ctx); close(done) }()
	var mu sync.Mutex
	running, peak := 0, 0
	var wg sync.WaitGroup
	for range 6 {
		wg.Add(1)
		go p.Submit(ctx, func(context.Context) {
			defer wg.Done()
			mu.Lock()
			running++
			peak = max(peak, running)
			mu.Unlock()
			time.Sleep(20 * time.Millisecond)
			mu.Lock()
			running--
			mu.Unlock()
		})
	}
	wg.Wait()
	cancel()
	<-done
	if peak != 2 {
		t.Errorf("peak concurrency %d, want 2", peak)
	}
	if err := p.Submit(ctx, func(context.Context) {}); err == nil {
		t.Errorf("Submit after cancel: want an error")
	}
}

// TestWatcherSeesASameNameFileDroppedWhileFinishing: a file dropped under
// the name of one whose import is just finishing (its events arrive while
// that name is still in flight) is imported at once, not at the next rescan
// a minute later.
func TestWatcherSeesASameNameFileDroppedWhileFinishing(t *testing.T) {
	im := newImporter(t)
	var once sync.Once
	b := startInboxWith(t, im, func(w *Watcher) {
		w.Rescan = time.Hour
		report := w.OnResult
		w.OnResult = func(r ImportResult) {
			// Still inside the first file's handling: drop the next one.
			once.Do(func() { writeFile(t, w.Inbox, "appel.wav", mustRead(t, "testdata/call-8k.wav")) })
			report(r)
		}
	})
	writeFile(t, b.w.Inbox, "appel.wav", []byte("not audio at all"))
	if r := b.wait(t); r.Status != Rejected {
		t.Fatalf("first: %+v", r)
	}
	if r := b.wait(t); r.Status != Imported {
		t.Fatalf("the file dropped under the same name: %+v", r)
	}
}
