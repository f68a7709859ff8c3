package ingest

import (
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestWatcherKeepsFileStillBeingWritten: a writer that pauses mid-copy with
// the file open (a network copy stalling) for longer than the stability check
// must not lose the second half: the file is imported whole, once, and only
// then removed from the inbox.
func TestWatcherKeepsFileStillBeingWritten(t *testing.T) {
	im := newImporter(t)
	b := startInbox(t, im)
	data := mustRead(t, "testdata/call-8k.wav")
	dst := filepath.Join(b.w.Inbox, "paused.wav")
	f, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(data[:len(data)/2])
	// Far longer than StableChecks polls plus SidecarWait (≈ 0.22 s here;
	// 2.5 s against the 2.5 s of the defaults in the field).
	time.Sleep(time.Second)
	f.Write(data[len(data)/2:])
	f.Close()
	b.wantWholeOnce(t, im, dst, "paused copy", 500*time.Millisecond)
}

// TestWatcherAccountsForEveryFile: every file in the inbox ends imported,
// quarantined with a reason, or in the waiting list with why; a lone
// metadata file is logged once, not at every rescan; a name too long to
// quarantine as is goes under a shortened one, the full name in the note.
func TestWatcherAccountsForEveryFile(t *testing.T) {
	im := newImporter(t)
	var logs syncLog
	b := startInboxWith(t, im, func(w *Watcher) {
		w.Rescan = 150 * time.Millisecond
		w.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	})
	in := b.w.Inbox
	long := strings.Repeat("enregistrement-du-client-", 10) + ".wav" // 254 bytes
	writeFile(t, in, "copie.wav.part", []byte("half"))
	writeFile(t, in, "~$notes.txt", []byte("lock"))
	writeFile(t, in, "Thumbs.db", []byte("thumbs"))
	os.Mkdir(filepath.Join(in, "dossier"), 0o750)
	os.Symlink("/etc/hostname", filepath.Join(in, "lien.wav"))
	writeFile(t, in, "seul.vtt", mustRead(t, "testdata/call-8k.vtt"))
	writeFile(t, in, "seul.json", []byte(`{"title": "Sans audio"}`))
	writeFile(t, in, long, []byte("not audio at all"))

	wantWaiting := []string{"copie.wav.part", "dossier", "seul.json", "seul.vtt"}
	wantQuarantined := []string{"~$notes.txt", "Thumbs.db", "lien.wav"}
	deadline := time.Now().Add(8 * time.Second)
	for {
		var names []string
		for _, f := range b.w.Waiting() {
			names = append(names, f.Name)
			if f.Reason == "" || f.Since.IsZero() {
				t.Errorf("waiting entry without a reason or a date: %+v", f)
			}
		}
		inbox := listDir(in)
		slices.Sort(inbox)
		if slices.Equal(names, wantWaiting) && slices.Equal(inbox, wantWaiting) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting %v, inbox %v; want both %v", b.w.Waiting(), inbox, wantWaiting)
		}
		time.Sleep(50 * time.Millisecond)
	}
	q := b.w.Quarantine
	for _, n := range wantQuarantined {
		note, err := os.ReadFile(filepath.Join(q, n+".error.txt"))
		if _, lerr := os.Lstat(filepath.Join(q, n)); lerr != nil || err != nil || len(note) == 0 {
			t.Errorf("%s not quarantined with a note: %v %v", n, lerr, err)
		}
	}
	var shortNote string
	for _, n := range listDir(q) {
		if strings.HasSuffix(n, ".error.txt") && strings.HasPrefix(n, "enregistrement") {
			b, _ := os.ReadFile(filepath.Join(q, n))
			shortNote = string(b)
			if len(n) > 255 {
				t.Errorf("quarantine name still too long: %d bytes", len(n))
			}
		}
	}
	if !strings.Contains(shortNote, long) {
		t.Errorf("the long name was not quarantined with its full name in the note: %v", listDir(q))
	}
	// Several rescans later, the lone metadata was logged once.
	time.Sleep(500 * time.Millisecond)
	if n := strings.Count(logs.String(), "seul.json"); n != 1 {
		t.Errorf("seul.json logged %d times:\n%s", n, logs.String())
	}
}

// syncLog collects log output written from several goroutines.
type syncLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
