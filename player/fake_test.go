package player

import (
	"context"
	"customerroom/media"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// fakeOutput is a clocked output for tests: Write blocks until the test has
// allowed that many frames (the test is the device clock), records every
// sample, and can be made to stall forever or to report a device error.
type fakeOutput struct {
	mu      sync.Mutex
	cond    *sync.Cond
	samples []float32
	limit   int64 // frames the "device" accepts; -1 unlimited
	stall   bool
	err     error
	closed  bool
	release chan struct{} // closed to free a stalled Write at test end
	firstAt time.Time     // when the first non-silent sample arrived
}

var _ Output = (*fakeOutput)(nil)

func newFakeOutput(t testing.TB, limit int64) *fakeOutput {
	o := &fakeOutput{limit: limit, release: make(chan struct{})}
	o.cond = sync.NewCond(&o.mu)
	t.Cleanup(func() {
		close(o.release)
		o.mu.Lock()
		o.closed = true
		o.cond.Broadcast()
		o.mu.Unlock()
	})
	return o
}

func (o *fakeOutput) Write(s []float32) (int, error) {
	o.mu.Lock()
	if o.stall {
		o.mu.Unlock()
		<-o.release
		return 0, errClosed
	}
	for !o.closed && o.limit >= 0 && int64(len(o.samples)+len(s))/2 > o.limit {
		o.cond.Wait()
	}
	defer o.mu.Unlock()
	if o.closed {
		return 0, errClosed
	}
	if o.firstAt.IsZero() {
		for _, v := range s {
			if v != 0 {
				o.firstAt = time.Now()
				break
			}
		}
	}
	o.samples = append(o.samples, s...)
	o.cond.Broadcast()
	return len(s), nil
}

func (o *fakeOutput) Err() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.err
}

func (o *fakeOutput) Name() string { return "fake" }

func (o *fakeOutput) Close() error {
	o.mu.Lock()
	o.closed = true
	o.cond.Broadcast()
	o.mu.Unlock()
	return nil
}

// allow lets the device accept frames more frames.
func (o *fakeOutput) allow(frames int64) {
	o.mu.Lock()
	o.limit += frames
	o.cond.Broadcast()
	o.mu.Unlock()
}

// frames is how many frames were written.
func (o *fakeOutput) frames() int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	return int64(len(o.samples) / 2)
}

// waitFrames waits until at least n frames were written.
func (o *fakeOutput) waitFrames(t testing.TB, n int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for o.frames() < n {
		if time.Now().After(deadline) {
			t.Fatalf("output got %d frames, want %d", o.frames(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// settle waits until the output has not grown for a while (the engine idles).
func (o *fakeOutput) settle() {
	last := int64(-1)
	for o.frames() != last {
		last = o.frames()
		time.Sleep(30 * time.Millisecond)
	}
}

func (o *fakeOutput) copySamples() []float32 {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]float32(nil), o.samples...)
}

// fakeLibrary resolves recordings, clips and playlists from maps.
type fakeLibrary struct {
	recordings map[int64]Track
	clips      map[int64]Track
	playlists  map[int64][]Track
}

func (l *fakeLibrary) Resolve(_ context.Context, req Request) ([]Track, error) {
	switch {
	case req.RecordingID != 0:
		if t, ok := l.recordings[req.RecordingID]; ok {
			return []Track{t}, nil
		}
	case req.ClipID != 0:
		if t, ok := l.clips[req.ClipID]; ok {
			return []Track{t}, nil
		}
	case req.PlaylistID != 0:
		if ts, ok := l.playlists[req.PlaylistID]; ok {
			return ts, nil
		}
	}
	return nil, media.Errorf(media.ENotFound, "%+v", req)
}

// writeWAV writes a float32 WAV (so test signals survive exactly).
func writeWAV(t testing.TB, path string, rate, ch int, x []float32) {
	t.Helper()
	le := binary.LittleEndian
	var b []byte
	b = append(b, "RIFF"...)
	b = le.AppendUint32(b, uint32(36+4*len(x)))
	b = append(b, "WAVEfmt "...)
	b = le.AppendUint32(b, 16)
	b = le.AppendUint16(b, 3)
	b = le.AppendUint16(b, uint16(ch))
	b = le.AppendUint32(b, uint32(rate))
	b = le.AppendUint32(b, uint32(rate*ch*4))
	b = le.AppendUint16(b, uint16(ch*4))
	b = le.AppendUint16(b, 32)
	b = append(b, "data"...)
	b = le.AppendUint32(b, uint32(4*len(x)))
	for _, v := range x {
		b = le.AppendUint32(b, math.Float32bits(v))
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// sine returns a mono sine of amplitude amp.
func sine(rate int, hz, amp float64, seconds float64) []float32 {
	n := int(float64(rate) * seconds)
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(amp * math.Sin(2*math.Pi*hz*float64(i)/float64(rate)))
	}
	return x
}

// rampSignal is a mono 48 kHz signal whose value encodes its frame: value
// 0.5*f/n. Reading an output sample tells which source frame it came from.
func rampSignal(n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = 0.5 * float32(i) / float32(n)
	}
	return x
}

// startPlayer runs a player on out and stops it at test end, checking Run's return.
func startPlayer(t testing.TB, out Output, lib Library, opt Options) *Player {
	t.Helper()
	if opt.Volume == 0 {
		opt.MaxVolume, opt.Volume = 10, 10
	}
	p := New(out, lib, opt)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(3 * time.Second):
			t.Error("Run did not return within 3 s of cancel")
		}
	})
	return p
}

func tmpWAV(t testing.TB, name string, rate, ch int, x []float32) string {
	p := filepath.Join(t.TempDir(), name)
	writeWAV(t, p, rate, ch, x)
	return p
}

// maxStep is the largest sample-to-sample jump on either channel.
func maxStep(x []float32) float64 {
	var m float64
	for i := 2; i < len(x); i++ {
		m = math.Max(m, math.Abs(float64(x[i]-x[i-2])))
	}
	return m
}
