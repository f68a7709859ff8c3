package player

import (
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"

	"customerroom/media/audio"
)

// measure returns what ingest stores for a file: integrated loudness and true peak.
func measure(t *testing.T, path string) (lufs, dbtp float64) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, _, err := audio.Open(f)
	if err != nil {
		t.Fatal(err)
	}
	a, err := audio.Analyze(s, audio.AnalyzeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return a.LoudnessLUFS, a.TruePeakDBTP
}

// renderTrack renders tr from start to end through the engine's chain
// (gain, volume, limiter with its tail flushed, fades) at full volume, with
// the limiter bypassed or not.
func renderTrack(t *testing.T, p *Player, tr Track, bypass bool) []float32 {
	t.Helper()
	src, err := openSource(tr, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer src.close()
	e := &engine{p: p, src: src, track: tr, gain: p.trackGain(tr), buf: make([]float32, 2*1000), fadeN: p.opt.FadeMS * SampleRate / 1000}
	e.vol.cur, e.vol.target = 1, 1
	e.fade.cur, e.fade.target = 1, 1
	e.lim = newLimiter(p.opt.CeilingDBTP)
	e.lim.bypass = bypass
	var out []float32
	for {
		n, err := e.render(e.buf)
		out = append(out, e.buf[:n]...)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	tail := make([]float32, 2*limLatency)
	e.lim.process(tail)
	return append(out, tail...)
}

// TestLimiterBypassIsIdentity plays the demo calls (real 16 kHz speech)
// with the loudness target set so that each one's measured true peak, after
// its gain, sits exactly at the bypass threshold: the loudest any bypassed
// track can be. The bypassed chain must give the limited chain's samples
// exactly, which holds because the limiter's gain stays 1 there.
func TestLimiterBypassIsIdentity(t *testing.T) {
	files, _ := filepath.Glob("../media/demo/files/*.wav")
	if len(files) == 0 {
		t.Fatal("no demo calls found")
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			lufs, dbtp := measure(t, path)
			opt := Options{Volume: 10, MaxVolume: 10}
			opt.defaults()
			gain := opt.CeilingDBTP - tpMarginDB - bypassMarginDB - dbtp
			opt.TargetLUFS = lufs + gain - 1e-9 // just under: the sum is not exact in floating point
			p := New(nil, nil, opt)
			tr := Track{RecordingID: 1, Path: path, LoudnessLUFS: lufs, TruePeakDBTP: dbtp}
			if !p.limiterIdle(tr) {
				t.Fatalf("true peak %.2f dBTP + gain %.2f dB: not bypassed at the threshold", dbtp, gain)
			}
			p2 := New(nil, nil, Options{Volume: 10, MaxVolume: 10, TargetLUFS: opt.TargetLUFS + 0.01})
			if p2.limiterIdle(tr) {
				t.Fatalf("bypassed 0.01 dB over the threshold")
			}
			limited := renderTrack(t, p, tr, false)
			bypassed := renderTrack(t, p, tr, true)
			if len(limited) != len(bypassed) {
				t.Fatalf("%d samples limited, %d bypassed", len(limited), len(bypassed))
			}
			var peak float64
			for i := range limited {
				if math.Float32bits(limited[i]) != math.Float32bits(bypassed[i]) {
					t.Fatalf("sample %d: limited %g, bypassed %g", i, limited[i], bypassed[i])
				}
				peak = math.Max(peak, math.Abs(float64(limited[i])))
			}
			// The signal must come near enough to the ceiling for the
			// limiter to have looked closely (blocks above its quiet limit).
			if q := float64(newLimiter(opt.CeilingDBTP).quietLimit()); peak <= q {
				t.Fatalf("sample peak %.3f never above the limiter's quiet limit %.3f: the test proves nothing", peak, q)
			}
			t.Logf("%d samples identical; sample peak %.2f dBFS", len(limited), 20*math.Log10(peak))
		})
	}
}

// TestResamplerWholeRatioPath checks the integer-ratio path (all phases of
// an input window at once) against the one-output-at-a-time path it
// replaces, over pushes and pulls of awkward sizes, mono and stereo.
func TestResamplerWholeRatioPath(t *testing.T) {
	for _, rate := range []int{8000, 12000, 16000, 24000} {
		for _, ch := range []int{1, 2} {
			in := make([]float32, rate*ch/2)
			for i := range in {
				in[i] = float32(speechLike(float64(i/ch)/float64(rate))) * float32(1+i%ch)
			}
			run := func(fast bool) []float32 {
				r := newResampler(rate, SampleRate, ch)
				if r.grp == nil {
					t.Fatalf("%d Hz x%d: no whole-ratio path", rate, ch)
				}
				if !fast {
					r.grp = nil
				}
				var out []float32
				buf := make([]float32, 777*ch)
				for k := 0; k < len(in); k += 313 * ch {
					r.push(in[k:min(len(in), k+313*ch)])
					for n := r.pull(buf); n > 0; n = r.pull(buf) {
						out = append(out, buf[:n]...)
					}
				}
				r.finish()
				for n := r.pull(buf); n > 0; n = r.pull(buf) {
					out = append(out, buf[:n]...)
				}
				return out
			}
			fast, slow := run(true), run(false)
			if len(fast) != len(slow) {
				t.Fatalf("%d Hz x%d: %d samples, want %d", rate, ch, len(fast), len(slow))
			}
			for i := range fast {
				if d := math.Abs(float64(fast[i] - slow[i])); d > 1e-6 {
					t.Fatalf("%d Hz x%d: sample %d differs by %g", rate, ch, i, d)
				}
			}
		}
	}
}
