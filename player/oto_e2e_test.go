package player

// End-to-end through real oto/ALSA without a sound card: the test binary
// re-executes itself (oto opens one context per process) with HOME pointing at
// a folder whose .asoundrc routes pcm.!default to ALSA's `file` plugin. The
// file is a FIFO the test reads at real-time pace: ALSA's null device has no
// clock, so the FIFO's back-pressure is what paces oto like a sound card.

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"customerroom/media"
	"customerroom/media/audio"
)

const helperEnv = "PLAYER_OTO_HELPER"

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		os.Exit(otoHelper(mode))
	}
	os.Exit(m.Run())
}

// helperResult is what the child prints for the parent.
type helperResult struct {
	OpenErr        string `json:"open_err,omitempty"`
	Health         Health `json:"health"`
	PlayErr        string `json:"play_err,omitempty"`
	PlayUnavail    bool   `json:"play_unavailable"`
	Finished       bool   `json:"finished"`
	ShutdownMS     int64  `json:"shutdown_ms"`
	FirstPositionS int64  `json:"-"`
}

// otoHelper is the child's main: play the fixture named in the environment through oto.
func otoHelper(mode string) int {
	var res helperResult
	loud, _ := strconv.ParseFloat(os.Getenv("PLAYER_FIXTURE_LUFS"), 64)
	tr := Track{RecordingID: 1, Path: os.Getenv("PLAYER_FIXTURE"), LoudnessLUFS: loud, DurationMS: 2000}
	lib := &fakeLibrary{recordings: map[int64]Track{1: tr}}
	out, err := OpenOutput("alsa")
	if err != nil {
		fmt.Println(err)
		return 3
	}
	if err := out.Err(); err != nil {
		res.OpenErr = err.Error()
	}
	p := New(out, lib, Options{MaxVolume: 10, Volume: 10})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	time.Sleep(200 * time.Millisecond)
	if err := p.Play(context.Background(), Request{RecordingID: 1}); err != nil {
		res.PlayErr = err.Error()
		res.PlayUnavail = media.ErrorCode(err) == media.EUnavailable
	} else {
		if mode == "pauseresume" {
			time.Sleep(600 * time.Millisecond)
			for range 3 {
				p.Pause()
				time.Sleep(250 * time.Millisecond)
				p.Resume()
				time.Sleep(400 * time.Millisecond)
			}
		}
		deadline := time.Now().Add(20 * time.Second)
		time.Sleep(100 * time.Millisecond)
		for p.State().State != StateIdle && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		res.Finished = p.State().State == StateIdle
		if mode == "rest" {
			time.Sleep(1500 * time.Millisecond) // idle, still running
		}
	}
	res.Health = p.Health()
	start := time.Now()
	cancel()
	<-done
	res.ShutdownMS = time.Since(start).Milliseconds()
	json.NewEncoder(os.Stdout).Encode(res)
	return 0
}

// speechLike is a band-limited test signal (under 3.4 kHz, no exact zeros)
// defined analytically, so the 48 kHz reference needs no resampler of ours.
func speechLike(tsec float64) float64 {
	env := 0.6 + 0.4*math.Sin(2*math.Pi*3*tsec) // syllable-rate modulation
	return env * (0.3*math.Sin(2*math.Pi*180*tsec) + 0.2*math.Sin(2*math.Pi*720*tsec+1) +
		0.1*math.Sin(2*math.Pi*1900*tsec+2) + 0.05*math.Sin(2*math.Pi*3100*tsec+0.5) + 0.001)
}

// playCaptured runs the helper in mode through ALSA's file plugin into a
// FIFO read at a card's pace, checks it played to the end, and returns its
// result and what reached the card.
func playCaptured(t *testing.T, dir, mode string, env ...string) (helperResult, []byte) {
	t.Helper()
	rc, captured := captureALSA(t, dir)
	res, raw := runOtoHelper(t, mode, rc, env...)
	t.Logf("helper: %s", raw)
	if !res.Health.OK || res.PlayErr != "" || !res.Finished {
		t.Fatalf("playback through oto failed: %+v", res)
	}
	select {
	case b := <-captured:
		return res, b
	case <-time.After(10 * time.Second):
		t.Fatal("ALSA never closed the capture FIFO")
		return res, nil
	}
}

func runOtoHelper(t *testing.T, mode, asoundrc string, env ...string) (helperResult, []byte) {
	t.Helper()
	home := t.TempDir()
	if err := os.WriteFile(filepath.Join(home, ".asoundrc"), []byte(asoundrc), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "HOME="+home, helperEnv+"="+mode)
	cmd.Env = append(cmd.Env, env...)
	cmd.Stderr = os.Stderr
	outb, err := cmd.Output()
	if err != nil {
		t.Fatalf("helper: %v\n%s", err, outb)
	}
	var res helperResult
	if err := json.Unmarshal(outb, &res); err != nil {
		t.Fatalf("helper output %q: %v", outb, err)
	}
	return res, outb
}

func TestOtoEndToEndThroughALSAFilePlugin(t *testing.T) {
	dir := t.TempDir()
	// The fixture: 2 s of the speech-like signal at 8 kHz, mono.
	const rate, secs = 8000, 2
	x := make([]float32, rate*secs)
	for i := range x {
		x[i] = float32(speechLike(float64(i) / rate))
	}
	fixture := filepath.Join(dir, "call.wav")
	writeWAV(t, fixture, rate, 1, x)
	m := audio.NewLoudnessMeter(rate, 1)
	m.Write(x)
	srcLUFS := m.Integrated()

	res, b := playCaptured(t, dir, "play", "PLAYER_FIXTURE="+fixture, fmt.Sprintf("PLAYER_FIXTURE_LUFS=%g", srcLUFS))
	if res.ShutdownMS > 2000 {
		t.Errorf("shutdown took %d ms", res.ShutdownMS)
	}
	// Float32 little-endian stereo; drop all-zero frames (the idle device's
	// silence, counted as gaps) and keep the left channel.
	var left []float32
	var gaps int
	inAudio := false
	for i := 0; i+8 <= len(b); i += 8 {
		l := math.Float32frombits(binary.LittleEndian.Uint32(b[i:]))
		r := math.Float32frombits(binary.LittleEndian.Uint32(b[i+4:]))
		if l == 0 && r == 0 {
			if inAudio {
				gaps++
			}
			inAudio = false
			continue
		}
		if l != r {
			t.Fatalf("mono source played with different channels: %v %v", l, r)
		}
		inAudio = true
		left = append(left, l)
	}
	t.Logf("captured %d bytes, %d non-silent frames, %d silence gaps", len(b), len(left), gaps)
	// The source has no exact zeros, so the only silence after the sound
	// starts is the idle device after its end; any other gap is a dropout.
	if gaps > 1 {
		t.Errorf("%d silences after the sound started, want only the one after its end (dropouts)", gaps)
	}
	// Duration: the source's 2 s (the limiter's tail adds 2 ms, fades may round to zero at the edges).
	if d := math.Abs(float64(len(left) - rate*secs*SampleRate/rate)); d > 0.02*SampleRate {
		t.Errorf("played %d frames, want %d (±20 ms)", len(left), secs*SampleRate)
	}
	// Loudness of one channel (the mono programme) within 1 LU of the target.
	lm := audio.NewLoudnessMeter(SampleRate, 1)
	lm.Write(left)
	got := lm.Integrated()
	t.Logf("source %.2f LUFS, played %.2f LUFS (target -19)", srcLUFS, got)
	if math.Abs(got-(-19)) > 1 {
		t.Errorf("played at %.2f LUFS, want -19 ± 1", got)
	}
	// Correlation with the analytical signal at 48 kHz, over the steady middle.
	gain := dbToLin(-19 - srcLUFS)
	best := 0.0
	for lag := -200; lag <= 200; lag++ {
		var sxy, sxx, syy float64
		for i := SampleRate / 4; i < len(left)-SampleRate/4; i++ {
			ref := gain * speechLike(float64(i+lag)/SampleRate)
			v := float64(left[i])
			sxy += v * ref
			sxx += v * v
			syy += ref * ref
		}
		best = math.Max(best, sxy/math.Sqrt(sxx*syy))
	}
	t.Logf("correlation with the source: %.5f", best)
	if best < 0.999 {
		t.Errorf("correlation %.5f with the source, want >= 0.999", best)
	}
}

// readPaced reads the FIFO no faster than real time (48 kHz stereo float32)
// plus 100 ms, the way a sound card drains its buffer, and restarts its
// clock when it runs dry.
func readPaced(path string) []byte {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	const bps = SampleRate * Channels * 4
	var all []byte
	buf := make([]byte, bps/100)
	start := time.Now()
	for {
		asked := time.Now()
		n, err := f.Read(buf)
		if time.Since(asked) > 20*time.Millisecond {
			// Starved (a device at rest writes nothing): like a card after
			// an underrun, it starts again at real-time pace from now, not
			// racing through what comes next to catch up.
			start = time.Now().Add(-time.Duration(len(all)) * time.Second / bps)
		}
		all = append(all, buf[:n]...)
		if err == io.EOF || (err != nil && n == 0) {
			return all
		}
		due := start.Add(time.Duration(len(all))*time.Second/bps - 100*time.Millisecond)
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		}
		if len(all) > 60*bps { // a runaway writer: stop at a minute of audio
			return all
		}
	}
}

// TestOtoRestsWhenIdle: once a call has ended the card gets nothing more
// (oto's context is suspended) where oto would mix and write silence 50 times
// a second: the program runs on idle for 1.5 s after the call, and the card
// receives less than a second of silence in all.
func TestOtoRestsWhenIdle(t *testing.T) {
	dir := t.TempDir()
	x := make([]float32, 8000)
	for i := range x {
		x[i] = float32(speechLike(float64(i) / 8000))
	}
	fixture := filepath.Join(dir, "call.wav")
	writeWAV(t, fixture, 8000, 1, x)
	_, b := playCaptured(t, dir, "rest", "PLAYER_FIXTURE="+fixture)
	sounding, silent := 0, 0
	for i := 0; i+8 <= len(b); i += 8 {
		if binary.LittleEndian.Uint64(b[i:]) == 0 {
			silent++
		} else {
			sounding++
		}
	}
	t.Logf("%d sounding frames, %d silent frames", sounding, silent)
	if sounding < SampleRate*9/10 {
		t.Errorf("%d sounding frames, want the 1 s call", sounding)
	}
	if silent >= SampleRate {
		t.Errorf("%d silent frames (%.2f s) reached the card: the device did not rest while idle", silent, float64(silent)/SampleRate)
	}
}

func TestOtoMissingDevice(t *testing.T) {
	rc := `pcm.!default { type hw card 7 device 0 }
ctl.!default { type hw card 7 }
`
	res, raw := runOtoHelper(t, "missing", rc, "PLAYER_FIXTURE=/nonexistent.wav")
	t.Logf("helper: %s", raw)
	if res.Health.OK || res.Health.Output != "alsa" || res.Health.Error == "" {
		t.Errorf("health %+v, want not ok with the ALSA error", res.Health)
	}
	if !res.PlayUnavail {
		t.Errorf("Play: %q, want ErrUnavailable", res.PlayErr)
	}
	if res.ShutdownMS > 2000 {
		t.Errorf("shutdown took %d ms", res.ShutdownMS)
	}
}

// TestOtoPauseResumeThroughALSAFilePlugin pauses and resumes a call three
// times through real oto and ALSA and checks, sample by sample at the
// speaker, that the call goes on from where it was heard: nothing skipped,
// nothing repeated. The fixture is a 48 kHz stereo file whose left channel
// is a ramp and whose right channel is constant, so left/right names the
// source frame whatever the fades did to the level.
func TestOtoPauseResumeThroughALSAFilePlugin(t *testing.T) {
	dir := t.TempDir()
	const secs = 4
	const frames = secs * SampleRate
	x := make([]float32, 2*frames)
	for i := 0; i < frames; i++ {
		x[2*i], x[2*i+1] = 0.5*float32(i+1)/frames, 0.5
	}
	fixture := filepath.Join(dir, "ramp.wav")
	writeWAV(t, fixture, SampleRate, 2, x)
	_, b := playCaptured(t, dir, "pauseresume", "PLAYER_FIXTURE="+fixture)
	// The source frame of every sounding frame at the speaker, in order.
	var heard []int
	silences, inSound := 0, false
	for i := 0; i+8 <= len(b); i += 8 {
		l := math.Float32frombits(binary.LittleEndian.Uint32(b[i:]))
		r := math.Float32frombits(binary.LittleEndian.Uint32(b[i+4:]))
		if r == 0 {
			if inSound {
				silences++
			}
			inSound = false
			continue
		}
		inSound = true
		heard = append(heard, int(math.Round(float64(l/r)*frames))-1)
	}
	t.Logf("%d sounding frames, %d silences after sound", len(heard), silences)
	if len(heard) == 0 || heard[0] != 0 {
		t.Fatalf("the call does not start at its first frame: %v", heard[:min(len(heard), 5)])
	}
	for k := 1; k < len(heard); k++ {
		if d := heard[k] - heard[k-1]; d != 1 {
			t.Fatalf("at sounding frame %d the source jumps from frame %d to %d (%+d): skipped or repeated audio", k, heard[k-1], heard[k], d-1)
		}
	}
	// The program may exit with the last period still in the device (as
	// in TestOtoEndToEndThroughALSAFilePlugin, ±20 ms at the end).
	if last := heard[len(heard)-1]; last < frames-1-SampleRate/50 {
		t.Errorf("the call ends at frame %d, want %d", last, frames-1)
	}
	// Three pauses, and the idle device after the end if it was captured.
	if silences != 3 && silences != 4 {
		t.Errorf("%d silences, want the three pauses (and the end)", silences)
	}
}

// captureALSA makes an ALSA configuration whose default device writes raw
// frames into a FIFO in dir, read at the pace of a real card; the channel
// gets what was played once the writer closes it.
func captureALSA(t *testing.T, dir string) (rc string, captured chan []byte) {
	t.Helper()
	fifo := filepath.Join(dir, "alsa.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	captured = make(chan []byte, 1)
	go func() { captured <- readPaced(fifo) }()
	return fmt.Sprintf(`pcm.!default { type plug slave.pcm "cap" }
pcm.cap { type file slave.pcm "null" file %q format "raw" }
`, fifo), captured
}
