package audio

import (
	"math"
	"math/rand/v2"
	"testing"
)

// sine returns frames of a sine at freq Hz and amplitude amp (1 = 0 dBFS) in
// every channel listed in on; the other channels stay silent.
func sine(rate, channels, frames int, freq, amp float64, on ...int) []float32 {
	out := make([]float32, frames*channels)
	for i := range frames {
		v := float32(amp * math.Sin(2*math.Pi*freq*float64(i)/float64(rate)))
		for _, ch := range on {
			out[i*channels+ch] = v
		}
	}
	return out
}

// speechLike is deterministic noise shaped like speech: syllable-rate
// bursts of low-passed noise with pauses, at roughly -20 dBFS RMS.
func speechLike(rate, channels, frames int, seed uint64) []float32 {
	r := rand.New(rand.NewPCG(seed, 1))
	out := make([]float32, frames*channels)
	lp := make([]float64, channels)
	for i := range frames {
		t := float64(i) / float64(rate)
		env := math.Max(0, math.Sin(2*math.Pi*3.1*t)) * math.Max(0, math.Sin(2*math.Pi*0.23*t+0.5))
		for ch := range channels {
			lp[ch] += 0.3 * (r.NormFloat64() - lp[ch])
			out[i*channels+ch] = float32(0.4 * env * lp[ch])
		}
	}
	return out
}

func dbAmp(db float64) float64 { return math.Pow(10, db/20) }

func integrated(rate, channels int, samples []float32) float64 {
	m := NewLoudnessMeter(rate, channels)
	m.Write(samples)
	return m.Integrated()
}

// The 48 kHz design must reproduce the coefficients printed in BS.1770-4.
func TestKWeighting48kMatchesRecommendation(t *testing.T) {
	shelf, rlb := kWeighting(48000)
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"pre b0", shelf.b0, 1.53512485958697},
		{"pre b1", shelf.b1, -2.69169618940638},
		{"pre b2", shelf.b2, 1.19839281085285},
		{"pre a1", shelf.a1, -1.69065929318241},
		{"pre a2", shelf.a2, 0.73248077421585},
		{"rlb a1", rlb.a1, -1.99004745483398},
		{"rlb a2", rlb.a2, 0.99007225036621},
	} {
		if math.Abs(c.got-c.want) > 1e-7 {
			t.Errorf("%s = %.14f, want %.14f", c.name, c.got, c.want)
		}
	}
}

// BS.1770-4: a 0 dBFS 997 Hz sine in one channel reads -3.01 LUFS; the
// per-rate filter design must keep that at every rate we take.
func TestFullScaleSineOneChannel(t *testing.T) {
	for _, c := range []struct {
		rate, channels int
		tol            float64
	}{
		{48000, 2, 0.02}, {44100, 2, 0.02}, {32000, 2, 0.02}, {16000, 2, 0.05}, {8000, 2, 0.1}, {48000, 1, 0.02},
	} {
		got := integrated(c.rate, c.channels, sine(c.rate, c.channels, 3*c.rate, 997, 1, 0))
		if math.Abs(got-(-3.01)) > c.tol {
			t.Errorf("%d Hz, %d ch: %.3f LUFS, want -3.01 ± %.2f", c.rate, c.channels, got, c.tol)
		}
	}
}

// EBU Tech 3341 minimum requirements tests 1 to 5 (stereo 1 kHz sines at
// 48 kHz), expected -23.0 ± 0.1 LUFS, except test 2 (-33.0).
func TestEBUTech3341(t *testing.T) {
	type seg struct{ db, seconds float64 }
	for _, c := range []struct {
		name string
		segs []seg
		want float64
	}{
		{"test1", []seg{{-23, 20}}, -23},
		{"test2", []seg{{-33, 20}}, -33},
		{"test3", []seg{{-36, 10}, {-23, 60}, {-36, 10}}, -23},
		{"test4", []seg{{-72, 10}, {-36, 10}, {-23, 60}, {-36, 10}, {-72, 10}}, -23},
		{"test5", []seg{{-26, 20}, {-20, 20.1}, {-26, 20}}, -23},
	} {
		t.Run(c.name, func(t *testing.T) {
			const rate = 48000
			m := NewLoudnessMeter(rate, 2)
			for _, s := range c.segs {
				m.Write(sine(rate, 2, int(s.seconds*rate), 1000, dbAmp(s.db), 0, 1))
			}
			if got := m.Integrated(); math.Abs(got-c.want) > 0.1 {
				t.Errorf("%.3f LUFS, want %.1f ± 0.1", got, c.want)
			}
		})
	}
}

func TestLoudnessProperties(t *testing.T) {
	for _, rate := range []int{8000, 16000, 44100, 48000} {
		x := speechLike(rate, 2, 10*rate, 7)
		base := integrated(rate, 2, x)
		if base < -40 || base > -10 {
			t.Fatalf("%d Hz: implausible base loudness %.2f", rate, base)
		}
		// +6 dB of gain is +6.02 LU: every block moves, gates included.
		louder := make([]float32, len(x))
		for i, v := range x {
			louder[i] = v * 2
		}
		if d := integrated(rate, 2, louder) - base; math.Abs(d-20*math.Log10(2)) > 0.02 {
			t.Errorf("%d Hz: x2 gain raised loudness by %.3f LU, want 6.02", rate, d)
		}
		// Channel order does not matter (L/R weigh the same).
		swapped := make([]float32, len(x))
		for i := 0; i < len(x); i += 2 {
			swapped[i], swapped[i+1] = x[i+1], x[i]
		}
		if d := integrated(rate, 2, swapped) - base; math.Abs(d) > 1e-9 {
			t.Errorf("%d Hz: swapping channels moved loudness by %g", rate, d)
		}
		// Streaming: any split of the writes gives the same figure.
		m := NewLoudnessMeter(rate, 2)
		r := rand.New(rand.NewPCG(1, uint64(rate)))
		for rest := x; len(rest) > 0; {
			n := min(len(rest), 2*r.IntN(3000))
			m.Write(rest[:n])
			rest = rest[n:]
		}
		if got := m.Integrated(); math.Abs(got-base) > 1e-9 {
			t.Errorf("%d Hz: chunked writes gave %.6f, one write %.6f", rate, got, base)
		}
		// Mono copy of one channel reads like that channel alone in stereo.
		mono := make([]float32, len(x)/2)
		left := make([]float32, len(x))
		for i := range mono {
			mono[i] = x[2*i]
			left[2*i] = x[2*i]
		}
		if d := integrated(rate, 1, mono) - integrated(rate, 2, left); math.Abs(d) > 1e-9 {
			t.Errorf("%d Hz: mono differs from the same channel in stereo by %g LU", rate, d)
		}
	}
}

// The relative gate drops blocks more than 10 LU under the ungated mean:
// adding a long quiet stretch (-20 LU) must not pull the figure down, while a
// stretch only 5 LU lower must.
func TestRelativeGate(t *testing.T) {
	const rate = 16000
	loud := sine(rate, 1, 10*rate, 1000, dbAmp(-20), 0)
	base := integrated(rate, 1, loud)
	withQuiet := append(append([]float32{}, loud...), sine(rate, 1, 30*rate, 1000, dbAmp(-40), 0)...)
	// Only the three blocks straddling the change (-1.2, -3, -6 LU) count.
	if d := integrated(rate, 1, withQuiet) - base; math.Abs(d) > 0.1 {
		t.Errorf("a -20 LU stretch moved loudness by %.3f LU; the relative gate should drop it", d)
	}
	withMid := append(append([]float32{}, loud...), sine(rate, 1, 10*rate, 1000, dbAmp(-25), 0)...)
	if d := integrated(rate, 1, withMid) - base; d > -1 {
		t.Errorf("a -5 LU stretch moved loudness by only %.3f LU; it should count", d)
	}
}

func TestLoudnessSilenceAndShort(t *testing.T) {
	for _, c := range []struct {
		name    string
		samples []float32
	}{
		{"nothing", nil},
		{"digital silence", make([]float32, 48000)},
		{"below the absolute gate", sine(48000, 1, 48000, 1000, dbAmp(-75), 0)},
		{"shorter than one block", sine(48000, 1, 48000*39/100, 1000, 0.5, 0)},
	} {
		if got := integrated(48000, 1, c.samples); !math.IsInf(got, -1) {
			t.Errorf("%s: %v LUFS, want -Inf", c.name, got)
		}
	}
	// Filter memory flushed during a long silence leaves the meter working:
	// a minute of silence between two bursts reads as one second does (the
	// silent blocks are gated out either way).
	burst := sine(8000, 1, 8000, 1000, 0.5, 0)
	gap := func(seconds int) float64 {
		m := NewLoudnessMeter(8000, 1)
		m.Write(burst)
		m.Write(make([]float32, 8000*seconds))
		m.Write(burst)
		return m.Integrated()
	}
	if got, want := gap(60), gap(1); math.Abs(got-want) > 1e-6 {
		t.Errorf("after a minute of silence: %.6f LUFS, after a second %.6f", got, want)
	}
}
