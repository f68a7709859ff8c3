package ingest

import (
	"context"
	"os"
	"path/filepath"
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
	r := b.wait(t)
	if r.Status != Imported || r.DurationMS < 5900 {
		t.Fatalf("paused copy: %+v (the first half was imported?)", r)
	}
	select {
	case r := <-b.got:
		t.Fatalf("a second import: %+v", r)
	case <-time.After(500 * time.Millisecond):
	}
	if exists(dst) {
		t.Errorf("imported file still in the inbox")
	}
	if n, _ := catOf(im).CountRecordings(context.Background()); n != 1 {
		t.Errorf("%d recordings, want 1", n)
	}
}
