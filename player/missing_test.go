package player

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"customerroom/media"
)

// reportingLibrary is a fakeLibrary that also takes reports of missing files.
type reportingLibrary struct {
	*fakeLibrary
	mu      sync.Mutex
	missing []int64
}

var _ MissingReporter = (*reportingLibrary)(nil)

func (l *reportingLibrary) TrackMissing(_ context.Context, t Track) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.missing = append(l.missing, t.RecordingID)
	return nil
}

func (l *reportingLibrary) reported() []int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.missing)
}

// TestMissingRenditionIsReportedAndUnavailable: a call whose file is gone
// at play time is reported to the library (which takes it out of the room)
// and Play answers "unavailable", the error the room's screen turns into
// its "sound unavailable" message; in a playlist the other calls still play.
func TestMissingRenditionIsReportedAndUnavailable(t *testing.T) {
	ts := levelTracks(t, 2)
	gone := Track{RecordingID: 99, Path: filepath.Join(t.TempDir(), "gone.wav"), DurationMS: 1000}
	lib := &reportingLibrary{fakeLibrary: &fakeLibrary{
		recordings: map[int64]Track{99: gone},
		playlists:  map[int64][]Track{1: {gone, ts[1]}},
	}}
	out := newFakeOutput(t, -1)
	p := startPlayer(t, out, lib, Options{})

	err := p.Play(context.Background(), Request{RecordingID: 99})
	if media.ErrorCode(err) != media.EUnavailable {
		t.Fatalf("Play of a call whose file is gone: %v, want an unavailable error", err)
	}
	if got := lib.reported(); !slices.Equal(got, []int64{99}) {
		t.Fatalf("reported %v, want [99]", got)
	}
	if s := p.State(); s.State != StateIdle {
		t.Fatalf("state %q after the refused Play", s.State)
	}

	if err := p.Play(context.Background(), Request{PlaylistID: 1}); err != nil {
		t.Fatalf("playlist with one call gone: %v", err)
	}
	if q := p.State().Queue; len(q) != 1 || q[0].RecordingID != ts[1].RecordingID {
		t.Fatalf("queue %+v, want only the call that is there", q)
	}
	waitState(t, p, StateIdle)
	if got := levels(out.copySamples()); len(got) != 1 || got[0] != 2 {
		t.Errorf("played %v, want [2]", got)
	}
	if got := lib.reported(); !slices.Equal(got, []int64{99, 99}) {
		t.Errorf("reported %v, want [99 99]", got)
	}
}

// TestFileRemovedWhileQueuedIsReported: a queued call's file disappears
// while the one before it plays: the engine reports it when it comes to
// open it and moves on.
func TestFileRemovedWhileQueuedIsReported(t *testing.T) {
	ts := levelTracks(t, 2)
	lib := &reportingLibrary{fakeLibrary: &fakeLibrary{playlists: map[int64][]Track{1: {ts[0], ts[1]}}}}
	out := newFakeOutput(t, chunkFrames) // holds the first call after one block
	p := startPlayer(t, out, lib, Options{})
	if err := p.Play(context.Background(), Request{PlaylistID: 1}); err != nil {
		t.Fatal(err)
	}
	out.waitFrames(t, chunkFrames)
	if err := os.Remove(ts[1].Path); err != nil {
		t.Fatal(err)
	}
	out.allow(100 * SampleRate)
	waitState(t, p, StateIdle)
	deadline := time.Now().Add(5 * time.Second)
	for len(lib.reported()) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if got := lib.reported(); !slices.Equal(got, []int64{ts[1].RecordingID}) {
		t.Errorf("reported %v, want [%d]", got, ts[1].RecordingID)
	}
}

// panickyStream is a decoder with a defect: it panics on its first read.
type panickyStream struct{}

func (panickyStream) SampleRate() int             { return SampleRate }
func (panickyStream) Channels() int               { return 1 }
func (panickyStream) Frames() int64               { return SampleRate }
func (panickyStream) Read([]float32) (int, error) { panic("index out of range [4] with length 4") }

// TestDefectInATrackSkipsIt: a decoder that panics while a call plays (on
// the engine's goroutine, where a panic would end the server) costs that
// call only: the player skips it, plays the next, and keeps taking orders.
func TestDefectInATrackSkipsIt(t *testing.T) {
	ts := levelTracks(t, 2)
	bad := ts[0]
	openTrack = func(tr Track, atMS int64) (*source, error) {
		if tr.RecordingID == bad.RecordingID {
			return &source{s: panickyStream{}, ch: 1, total: SampleRate}, nil
		}
		return openSource(tr, atMS)
	}
	t.Cleanup(func() { openTrack = openSource })
	lib := &fakeLibrary{playlists: map[int64][]Track{1: {ts[0], ts[1]}}}
	out := newFakeOutput(t, -1)
	p := startPlayer(t, out, lib, Options{})
	if err := p.Play(context.Background(), Request{PlaylistID: 1}); err != nil {
		t.Fatal(err)
	}
	waitState(t, p, StateIdle)
	if got := levels(out.copySamples()); len(got) != 1 || got[0] != 2 {
		t.Errorf("played %v, want only the second call [2]", got)
	}
	// The engine still runs: the good call plays again.
	before := out.frames()
	if err := p.Play(context.Background(), Request{PlaylistID: 1}); err != nil {
		t.Fatal(err)
	}
	waitState(t, p, StateIdle)
	if out.frames() <= before {
		t.Error("nothing played after the defect")
	}
}
