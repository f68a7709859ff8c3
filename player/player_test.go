package player

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"customerroom/media"
	"customerroom/media/audio"
	"customerroom/media/clocktest"
)

const rampFrames = 10 * SampleRate // 10 s ramp track

func rampLibrary(t *testing.T) *fakeLibrary {
	path := tmpWAV(t, "ramp.wav", SampleRate, 1, rampSignal(rampFrames))
	tr := Track{RecordingID: 1, Title: "ramp", Path: path, DurationMS: 10000}
	return &fakeLibrary{recordings: map[int64]Track{1: tr}}
}

// sourceFrame decodes which ramp frame an output sample came from.
func sourceFrame(v float32) float64 { return float64(v) / 0.5 * rampFrames }

func waitState(t *testing.T, p *Player, want string) State {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		s := p.State()
		if s.State == want {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("state %q, want %q", s.State, want)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestPauseResumeKeepsPosition(t *testing.T) {
	out := newFakeOutput(t, SampleRate) // the device takes 1 s, then blocks
	p := startPlayer(t, out, rampLibrary(t), Options{})
	if err := p.Play(context.Background(), Request{RecordingID: 1}); err != nil {
		t.Fatal(err)
	}
	out.waitFrames(t, SampleRate)
	if err := p.Pause(); err != nil {
		t.Fatal(err)
	}
	out.allow(SampleRate)
	out.settle()
	paused := out.frames()
	s := p.State()
	if s.State != StatePaused {
		t.Fatalf("state %q after Pause", s.State)
	}
	// One chunk may have been in flight, then the 15 ms fade.
	if s.PositionMS < 1000 || s.PositionMS > 1000+10+15+10 {
		t.Errorf("paused at %d ms, want about 1000", s.PositionMS)
	}
	if paused-SampleRate > chunkFrames+15*SampleRate/1000 {
		t.Errorf("%d frames written after Pause, want at most a chunk and a fade", paused-SampleRate)
	}
	if err := p.Resume(); err != nil {
		t.Fatal(err)
	}
	out.waitFrames(t, paused+SampleRate/2)
	// Every frame written maps to the source frame latency earlier: nothing skipped or repeated across the pause.
	x := out.copySamples()
	for _, j := range []int64{paused + 2000, paused + 10000, paused + SampleRate/2 - 1} {
		got := sourceFrame(x[2*j])
		if want := float64(j - limLatency); math.Abs(got-want) > 1 {
			t.Errorf("output frame %d came from source frame %.1f, want %.0f", j, got, want)
		}
	}
	if s := p.State(); s.State != StatePlaying || s.PositionMS < 1000 {
		t.Errorf("after resume: %+v", s)
	}
}

func TestSeekAccuracy(t *testing.T) {
	for _, target := range []int64{5000, 250, 9000} {
		out := newFakeOutput(t, SampleRate/2)
		p := startPlayer(t, out, rampLibrary(t), Options{})
		if err := p.Play(context.Background(), Request{RecordingID: 1}); err != nil {
			t.Fatal(err)
		}
		out.waitFrames(t, SampleRate/2)
		if err := p.SeekTo(target); err != nil {
			t.Fatal(err)
		}
		if s := p.State(); s.PositionMS != target {
			t.Errorf("State right after Seek(%d): position %d", target, s.PositionMS)
		}
		out.allow(SampleRate + 4*chunkFrames)
		out.waitFrames(t, SampleRate*3/2)
		x := out.copySamples()
		// The seek's fade out ends in silence; the new audio starts at the first non-zero sample after it.
		j0 := int64(-1)
		for j := int64(SampleRate / 2); j < int64(len(x)/2); j++ {
			if x[2*j] == 0 {
				j0 = -1
				continue
			}
			if j0 < 0 {
				j0 = j
			}
		}
		if j0 < 0 {
			t.Fatal("no silence between old and new audio")
		}
		// A frame 2000 after the restart, clear of the fade in.
		j := j0 + 2000
		got := sourceFrame(x[2*j])
		want := float64(msToFrames(target) + 2000)
		if math.Abs(got-want) > 2 {
			t.Errorf("Seek(%d): audio resumed at source frame %.0f, want %.0f (error %.1f frames)", target, got-2000, want-2000, got-want)
		}
	}
}

func TestSeekRejectsOutOfRange(t *testing.T) {
	out := newFakeOutput(t, SampleRate/10)
	p := startPlayer(t, out, rampLibrary(t), Options{})
	if err := p.SeekTo(10); media.ErrorCode(err) != media.EInvalid {
		t.Errorf("Seek while idle: %v, want ErrBadRequest", err)
	}
	if err := p.Play(context.Background(), Request{RecordingID: 1}); err != nil {
		t.Fatal(err)
	}
	for _, ms := range []int64{-1, 10001} {
		if err := p.SeekTo(ms); media.ErrorCode(err) != media.EInvalid {
			t.Errorf("Seek(%d): %v, want ErrBadRequest", ms, err)
		}
	}
}

// levelTracks makes n 0.3 s tracks, each a constant level 0.1*k so the output says which played.
func levelTracks(t *testing.T, n int) []Track {
	var ts []Track
	for k := 1; k <= n; k++ {
		x := make([]float32, SampleRate*3/10)
		for i := range x {
			x[i] = 0.1 * float32(k)
		}
		ts = append(ts, Track{RecordingID: int64(k), Title: "t", Path: tmpWAV(t, "lvl.wav", SampleRate, 1, x), DurationMS: 300})
	}
	return ts
}

// levels lists the distinct plateaus (100 frames or more at 0.1*k) of the left channel, in order.
func levels(x []float32) []int {
	var out []int
	run, prev := 0, 0
	for j := 0; j+1 < len(x); j += 2 {
		k := int(math.Round(float64(x[j]) * 10))
		if math.Abs(float64(x[j])*10-float64(k)) > 1e-4 {
			k = 0
		}
		if k != prev {
			run, prev = 0, k
		}
		run++
		if k != 0 && run == 100 && (len(out) == 0 || out[len(out)-1] != k) {
			out = append(out, k)
		}
	}
	return out
}

func TestQueueOrderNextPrev(t *testing.T) {
	ts := levelTracks(t, 3)
	lib := &fakeLibrary{playlists: map[int64][]Track{7: ts}}

	t.Run("plays in order then idles", func(t *testing.T) {
		out := newFakeOutput(t, -1)
		p := startPlayer(t, out, lib, Options{})
		if err := p.Play(context.Background(), Request{PlaylistID: 7}); err != nil {
			t.Fatal(err)
		}
		waitState(t, p, StateIdle)
		if got := levels(out.copySamples()); len(got) != 3 || got[0] != 1 || got[1] != 2 || got[2] != 3 {
			t.Errorf("played %v, want [1 2 3]", got)
		}
	})

	t.Run("next and prev", func(t *testing.T) {
		out := newFakeOutput(t, SampleRate/10)
		p := startPlayer(t, out, lib, Options{})
		if err := p.Play(context.Background(), Request{PlaylistID: 7}); err != nil {
			t.Fatal(err)
		}
		cur := func() int64 {
			s := p.State()
			if s.Item == nil {
				return 0
			}
			return s.Item.RecordingID
		}
		steps := []struct {
			do   func() error
			want int64
		}{
			{p.Next, 2}, {p.Next, 3}, {p.Prev, 2}, {p.Prev, 1}, {p.Prev, 1}, {p.Next, 2}, {p.Next, 3}, {p.Next, 0},
		}
		out.waitFrames(t, SampleRate/10-chunkFrames)
		limit := int64(SampleRate / 10)
		for i, st := range steps {
			if err := st.do(); err != nil {
				t.Fatal(err)
			}
			out.allow(SampleRate / 20)
			limit += SampleRate / 20
			if st.want != 0 {
				out.waitFrames(t, limit-chunkFrames)
			}
			if got := cur(); got != st.want {
				t.Fatalf("step %d: playing %d, want %d", i, got, st.want)
			}
		}
		if s := waitState(t, p, StateIdle); len(s.Queue) != 0 {
			t.Errorf("queue after the end: %v", s.Queue)
		}
		out.settle()
		if got := fmt.Sprint(levels(out.copySamples())); got != "[1 2 3 2 1 2 3]" {
			t.Errorf("output levels %v, want [1 2 3 2 1 2 3]", got)
		}
	})
}

func TestClipPlaysOnlyItsRange(t *testing.T) {
	path := tmpWAV(t, "ramp.wav", SampleRate, 1, rampSignal(rampFrames))
	clip := Track{RecordingID: 1, ClipID: 9, Path: path, StartMS: 2000, EndMS: 2500, DurationMS: 10000}
	out := newFakeOutput(t, -1)
	p := startPlayer(t, out, &fakeLibrary{clips: map[int64]Track{9: clip}}, Options{})
	if err := p.Play(context.Background(), Request{ClipID: 9}); err != nil {
		t.Fatal(err)
	}
	waitState(t, p, StateIdle)
	x := out.copySamples()
	if n := int64(len(x) / 2); n != msToFrames(500)+limLatency {
		t.Errorf("clip wrote %d frames, want %d", n, msToFrames(500)+limLatency)
	}
	mid := len(x) / 4 * 2
	got := sourceFrame(x[mid])
	if want := float64(msToFrames(2000) + int64(mid/2) - limLatency); math.Abs(got-want) > 2 {
		t.Errorf("clip middle from source frame %.0f, want %.0f", got, want)
	}
}

// Fade thresholds: the test signal is a 1 kHz cosine at amplitude 0.5
// (-6 dBFS, under the limiter's ceiling). Its largest natural step at 48 kHz
// is 2*0.5*sin(pi*1000/48000) = 0.065; a linear 15 ms fade adds at most
// 0.5/720 = 0.0007. Without fades, starting on a cosine peak or cutting it
// mid-cycle jumps by up to 0.5. 0.1 sits well above the first and well below
// the second.
const clickThreshold = 0.1

func TestFadesDoNotClick(t *testing.T) {
	x := sine(SampleRate, 1000, 0.5, 5)
	for i := range x { // cosine: the file starts at its peak
		x[i] = float32(0.5 * math.Cos(2*math.Pi*1000*float64(i)/SampleRate))
	}
	path := tmpWAV(t, "cos.wav", SampleRate, 1, x)
	lib := &fakeLibrary{recordings: map[int64]Track{1: {RecordingID: 1, Path: path, DurationMS: 5000}}}
	// About 250 ms per step, in whole chunks: the fake device takes a Write
	// only when all of it fits.
	quarter := int64(SampleRate / 4 / chunkFrames * chunkFrames)
	out := newFakeOutput(t, quarter)
	p := startPlayer(t, out, lib, Options{})
	if err := p.Play(context.Background(), Request{RecordingID: 1}); err != nil {
		t.Fatal(err)
	}
	out.waitFrames(t, quarter)
	marks := map[string]int64{"start": 0}
	for _, step := range []struct {
		name string
		do   func() error
	}{
		{"pause", p.Pause}, {"resume", p.Resume}, {"seek", func() error { return p.SeekTo(3333) }}, {"volume", func() error { return p.SetVolume(3) }}, {"stop", p.Stop},
	} {
		marks[step.name] = out.frames()
		if err := step.do(); err != nil {
			t.Fatal(err)
		}
		out.allow(quarter)
		out.settle()
	}
	x = out.copySamples()
	var peak float64
	for _, v := range x {
		peak = math.Max(peak, math.Abs(float64(v)))
	}
	if peak < 0.45 {
		t.Fatalf("peak %.3f: the signal never reached full level, the test proves nothing", peak)
	}
	for name, at := range marks {
		lo, hi := max(0, 2*(at-100)), min(int64(len(x)), 2*(at+3*chunkFrames+2000))
		if s := maxStep(x[lo:hi]); s > clickThreshold {
			t.Errorf("%s: largest sample step %.3f > %.2f (a click)", name, s, clickThreshold)
		}
	}
	if s := maxStep(x); s > clickThreshold {
		t.Errorf("whole output: largest sample step %.3f > %.2f", s, clickThreshold)
	}
	if last := x[len(x)-2:]; last[0] != 0 || last[1] != 0 {
		t.Errorf("output ends at %v after Stop, want silence", last)
	}
}

func TestLimiterHoldsCeilingOnHotMaterial(t *testing.T) {
	// A full-scale 8 kHz-sampled square wave, then pushed 12 dB hotter by the loudness gain:
	// resampling makes Gibbs overshoot above 1.0, inter-sample peaks above that.
	const rate = 8000
	x := make([]float32, rate*2)
	for i := range x {
		if (i/7)%2 == 0 {
			x[i] = 1
		} else {
			x[i] = -1
		}
	}
	path := tmpWAV(t, "square.wav", rate, 1, x)
	for _, ceiling := range []float64{-1, -3} {
		lib := &fakeLibrary{recordings: map[int64]Track{1: {RecordingID: 1, Path: path, DurationMS: 2000, LoudnessLUFS: -31}}}
		out := newFakeOutput(t, -1)
		p := startPlayer(t, out, lib, Options{CeilingDBTP: ceiling})
		if err := p.Play(context.Background(), Request{RecordingID: 1}); err != nil {
			t.Fatal(err)
		}
		waitState(t, p, StateIdle)
		y := out.copySamples()
		tp := audio.NewTruePeakMeter(SampleRate, 2)
		tp.Write(y)
		var sp float64
		for _, v := range y {
			sp = math.Max(sp, math.Abs(float64(v)))
		}
		spDB := 20 * math.Log10(sp)
		t.Logf("ceiling %.1f dBTP: sample peak %.2f dBFS, true peak %.2f dBTP", ceiling, spDB, tp.DBTP())
		if tp.DBTP() > ceiling+0.05 {
			t.Errorf("true peak %.2f dBTP above the %.1f ceiling", tp.DBTP(), ceiling)
		}
		if spDB < ceiling-3 {
			t.Errorf("sample peak %.2f dBFS: limiter squashes far below the ceiling", spDB)
		}
	}
}

func TestLimiterUnit(t *testing.T) {
	for _, rate := range []int{8000, 16000, 44100} {
		t.Run(fmt.Sprint(rate), func(t *testing.T) { testLimiterNoise(t, rate) })
	}
}

// testLimiterNoise feeds noise 12 dB over full scale, band-limited the way the
// player's input is (made at rate, resampled to 48 kHz), straight into the limiter.
func testLimiterNoise(t *testing.T, rate int) {
	l := newLimiter(-1)
	ceil := dbToLin(-1)
	seed := uint32(1)
	in := make([]float32, 2*rate)
	for i := range in {
		seed = seed*1664525 + 1013904223
		in[i] = 4 * (float32(seed>>8)/float32(1<<24) - 0.5)
	}
	rs := newResampler(rate, SampleRate, 2)
	rs.push(in)
	rs.finish()
	all := make([]float32, 2*SampleRate+100)
	all = all[:rs.pull(all)]
	var peak float64
	tp := audio.NewTruePeakMeter(SampleRate, 2)
	for len(all) > 0 {
		buf := all[:min(len(all), 2*4800)]
		all = all[len(buf):]
		l.process(buf)
		tp.Write(buf)
		for _, v := range buf {
			peak = math.Max(peak, math.Abs(float64(v)))
		}
	}
	if peak > ceil {
		t.Errorf("sample peak %.4f above the ceiling %.4f", peak, ceil)
	}
	if tp.DBTP() > -1+0.05 {
		t.Errorf("true peak %.2f dBTP above -1", tp.DBTP())
	}
}

func TestWatchdogStalledOutput(t *testing.T) {
	out := newFakeOutput(t, -1)
	out.stall = true
	p := New(out, rampLibrary(t), Options{StallTimeout: 200 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	if err := p.Play(context.Background(), Request{RecordingID: 1}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(3 * time.Second)
	for p.Health().OK {
		if time.Now().After(deadline) {
			t.Fatal("Health still ok 3 s into a stalled Write")
		}
		time.Sleep(10 * time.Millisecond)
	}
	h := p.Health()
	if h.Output != "fake" || h.Error == "" {
		t.Errorf("health %+v", h)
	}
	if s := p.State(); s.State != StateIdle {
		t.Errorf("state %q on a stalled device, want idle", s.State)
	}
	// Public methods stay prompt while the engine is stuck in Write.
	start := time.Now()
	err := p.Play(context.Background(), Request{RecordingID: 1})
	if media.ErrorCode(err) != media.EUnavailable {
		t.Errorf("Play on a stalled device: %v, want ErrUnavailable", err)
	}
	p.Pause()
	p.Stop()
	p.SetVolume(3)
	p.State()
	// The stuck Write never returns, so a method waiting on it would take
	// forever; 1 s separates that from a slow, loaded CI machine under -race.
	if d := time.Since(start); d > time.Second {
		t.Errorf("public methods took %s with the engine stuck", d)
	}
	start = time.Now()
	cancel()
	select {
	case <-done:
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("Run returned %s after cancel, want < 2 s", d)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("Run did not return after cancel with a stuck output")
	}
}

func TestDeviceErrorMakesPlayUnavailable(t *testing.T) {
	out := newFakeOutput(t, -1)
	devErr := errors.New(`oto: ALSA error at snd_pcm_open: "default": No such file or directory`)
	out.err = devErr
	p := startPlayer(t, out, rampLibrary(t), Options{})
	err := p.Play(context.Background(), Request{RecordingID: 1})
	if media.ErrorCode(err) != media.EUnavailable || !errors.Is(err, devErr) {
		t.Errorf("Play: %v, want ErrUnavailable wrapping the device error", err)
	}
	if h := p.Health(); h.OK || h.Error != devErr.Error() {
		t.Errorf("health %+v", h)
	}
}

func TestRequestErrors(t *testing.T) {
	out := newFakeOutput(t, -1)
	p := startPlayer(t, out, rampLibrary(t), Options{})
	tests := []struct {
		req  Request
		want string // error code
	}{
		{Request{}, media.EInvalid},
		{Request{RecordingID: 1, ClipID: 2}, media.EInvalid},
		{Request{RecordingID: -1}, media.EInvalid},
		{Request{RecordingID: 404}, media.ENotFound},
		{Request{PlaylistID: 3}, media.ENotFound},
	}
	for _, tt := range tests {
		if err := p.Play(context.Background(), tt.req); media.ErrorCode(err) != tt.want {
			t.Errorf("Play(%+v): %v, want %v", tt.req, err, tt.want)
		}
	}
	for _, v := range []int{-1, 11} {
		if err := p.SetVolume(v); media.ErrorCode(err) != media.EInvalid {
			t.Errorf("SetVolume(%d): %v", v, err)
		}
	}
	if err := p.SetVolume(10); err != nil || p.State().Volume != 10 {
		t.Errorf("SetVolume(10): %v, state %+v", err, p.State())
	}
}

func TestMissingFileSkipsToNext(t *testing.T) {
	ts := levelTracks(t, 2)
	bad := Track{RecordingID: 99, Path: filepath.Join(t.TempDir(), "gone.wav")}
	lib := &fakeLibrary{playlists: map[int64][]Track{1: {bad, ts[1]}}}
	out := newFakeOutput(t, -1)
	p := startPlayer(t, out, lib, Options{})
	if err := p.Play(context.Background(), Request{PlaylistID: 1}); err != nil {
		t.Fatal(err)
	}
	waitState(t, p, StateIdle)
	if got := levels(out.copySamples()); len(got) != 1 || got[0] != 2 {
		t.Errorf("played %v, want [2]", got)
	}
}

func TestSubscribePushesWhilePlaying(t *testing.T) {
	path := tmpWAV(t, "s.wav", 8000, 1, sine(8000, 440, 0.3, 3))
	lib := &fakeLibrary{recordings: map[int64]Track{1: {RecordingID: 1, Path: path, DurationMS: 3000}}}
	p := startPlayer(t, NewNullOutput(nil), lib, Options{})
	ch, cancel := p.Subscribe()
	defer cancel()
	if err := p.Play(context.Background(), Request{RecordingID: 1}); err != nil {
		t.Fatal(err)
	}
	var n int
	var last State
	timeout := time.After(time.Second)
loop:
	for {
		select {
		case s := <-ch:
			if s.State == StatePlaying {
				n++
				last = s
			}
		case <-timeout:
			break loop
		}
	}
	if n < 4 {
		t.Errorf("%d playing states in 1 s, want >= 4", n)
	}
	if last.PositionMS < 500 || last.PositionMS > 1300 {
		t.Errorf("position %d ms after ~1 s of real-time playback", last.PositionMS)
	}
	// A reader that never reads does not block anything.
	_, cancel2 := p.Subscribe()
	defer cancel2()
	p.Pause()
	p.Resume()
	p.Pause()
}

// TestSubscribeChangesOnlyTransitions: code that follows the transport (the
// room) gets one state per transition and no position updates, and a call
// playing with only such subscribers pushes nothing.
func TestSubscribeChangesOnlyTransitions(t *testing.T) {
	path := tmpWAV(t, "s.wav", 8000, 1, sine(8000, 440, 0.3, 3))
	lib := &fakeLibrary{recordings: map[int64]Track{1: {RecordingID: 1, Path: path, DurationMS: 3000}}}
	p := startPlayer(t, NewNullOutput(nil), lib, Options{})
	ch, cancel := p.SubscribeChanges()
	defer cancel()
	if err := p.Play(context.Background(), Request{RecordingID: 1}); err != nil {
		t.Fatal(err)
	}
	var got []string
	timeout := time.After(time.Second)
loop:
	for {
		select {
		case s := <-ch:
			got = append(got, s.State)
		case <-timeout:
			break loop
		}
	}
	if len(got) != 1 || got[0] != StatePlaying {
		t.Errorf("states in the first second of play: %v, want the one transition to playing", got)
	}
	p.Pause()
	if s := <-ch; s.State != StatePaused {
		t.Errorf("after Pause: %q, want paused", s.State)
	}
}

func TestResamplerQuality(t *testing.T) {
	for _, rate := range []int{8000, 16000, 22050, 44100, 96000} {
		hz := 1000.0
		in := sine(rate, hz, 0.5, 1)
		r := newResampler(rate, SampleRate, 1)
		r.push(in)
		r.finish()
		out := make([]float32, SampleRate+1000)
		n := r.pull(out)
		if want := SampleRate; math.Abs(float64(n-want)) > 2 {
			t.Errorf("%d Hz: %d frames out of 1 s, want %d", rate, n, want)
		}
		// Compare the middle with the ideal sine at 48 kHz.
		var errPow, sigPow float64
		for i := 2000; i < n-2000; i++ {
			ideal := 0.5 * math.Sin(2*math.Pi*hz*float64(i)/SampleRate)
			d := float64(out[i]) - ideal
			errPow += d * d
			sigPow += ideal * ideal
		}
		snr := 10 * math.Log10(sigPow/errPow)
		t.Logf("%d Hz -> 48 kHz: SNR %.1f dB", rate, snr)
		if snr < 60 {
			t.Errorf("%d Hz: SNR %.1f dB, want >= 60", rate, snr)
		}
	}
}

func TestFileOutputRoundTrip(t *testing.T) {
	for _, bits := range []int{16, 32} {
		path := filepath.Join(t.TempDir(), "out.wav")
		o, err := NewFileOutputBits(path, bits)
		if err != nil {
			t.Fatal(err)
		}
		x := sine(SampleRate, 1000, 0.5, 0.5)
		st := make([]float32, 2*len(x))
		spread(st, x, 1, 1, false)
		if _, err := o.Write(st); err != nil {
			t.Fatal(err)
		}
		if err := o.Close(); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		s, _, err := audio.Open(f)
		if err != nil {
			t.Fatalf("%d bits: %v", bits, err)
		}
		if s.SampleRate() != SampleRate || s.Channels() != 2 || s.Frames() != int64(len(x)) {
			t.Errorf("%d bits: %d Hz %d ch %d frames", bits, s.SampleRate(), s.Channels(), s.Frames())
		}
		f.Close()
	}
	if _, err := OpenOutput("file:"); err == nil {
		t.Error("OpenOutput(file:) accepted an empty path")
	}
	if _, err := OpenOutput("pulse"); err == nil {
		t.Error("OpenOutput(pulse) accepted")
	}
}

// delayedOutput is a fake device that holds delay of audio in front of the
// listener (as oto's buffers and the ALSA ring do).
type delayedOutput struct {
	*fakeOutput
	delay time.Duration
}

var _ Delayer = (*delayedOutput)(nil)

func (o *delayedOutput) Delay() time.Duration { return o.delay }

// TestPositionAsHeard: position_ms is what the listener hears, the rendered
// position less the device's queue and the limiter's look-ahead, catching up
// as the queue plays out; after a seek it is the seek target at once.
func TestPositionAsHeard(t *testing.T) {
	clk := clocktest.New(time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC))
	out := &delayedOutput{newFakeOutput(t, SampleRate), 300 * time.Millisecond}
	p := startPlayer(t, out, rampLibrary(t), Options{Clock: clk})
	if err := p.Play(context.Background(), Request{RecordingID: 1}); err != nil {
		t.Fatal(err)
	}
	out.waitFrames(t, SampleRate)
	out.settle() // the device took 1 s and blocks: nothing moves now
	p.mu.Lock()
	rendered := p.posMS
	p.mu.Unlock()
	lag := (300*time.Millisecond + time.Duration(limLatency)*time.Second/SampleRate).Milliseconds()
	for _, step := range []struct {
		advance time.Duration
		want    int64
	}{
		{0, rendered - lag},
		{200 * time.Millisecond, rendered - lag + 200},
		{200 * time.Millisecond, rendered}, // the queue has played out
	} {
		clk.Advance(step.advance)
		if got := p.State().PositionMS; got != step.want {
			t.Errorf("rendered %d ms, lag %d ms, after %v more: position %d, want %d", rendered, lag, step.advance, got, step.want)
		}
	}
	if err := p.SeekTo(5000); err != nil {
		t.Fatal(err)
	}
	if got := p.State().PositionMS; got != 5000 {
		t.Errorf("right after a seek to 5000: position %d", got)
	}
}
