package audio

import (
	"math"
	"math/rand/v2"
	"testing"
)

func dbtp(rate, channels int, samples []float32) float64 {
	m := NewTruePeakMeter(rate, channels)
	m.Write(samples)
	return m.DBTP()
}

// bruteTruePeak interpolates every position of every channel, with no
// skipping and no streaming: what TruePeakMeter must agree with exactly.
func bruteTruePeak(rate, channels int, samples []float32) float64 {
	f := newTPFilter(rate)
	var peak float64
	frames := len(samples) / channels
	for ch := range channels {
		h := make([]float32, tpTaps-1, frames+2*(tpTaps-1))
		for i := range frames {
			x := samples[i*channels+ch]
			h = append(h, x)
			peak = max(peak, math.Abs(float64(x)))
		}
		h = append(h, make([]float32, tpTaps-1)...)
		if f.factor > 1 {
			peak = f.block(h, 0, len(h)-tpTaps+1, peak)
		}
	}
	return 20 * math.Log10(peak)
}

// A sine at a quarter of the sample rate, phased so every sample sits at
// ±amp/√2: the sample peak is 3 dB under the true peak, which the 4x
// interpolator must find.
func TestTruePeakQuarterRateSine(t *testing.T) {
	for _, c := range []struct {
		rate int
		db   float64
		tol  float64
	}{
		{48000, -6, 0.05}, {44100, 0, 0.05}, {16000, -1, 0.05}, {8000, -3, 0.05},
	} {
		amp := dbAmp(c.db)
		x := make([]float32, c.rate)
		var samplePeak float64
		for i := range x {
			// Fade in and out (raised cosine) so the edges do not ring.
			fade, edge := 1.0, float64(min(i, len(x)-1-i))
			if edge < 2000 {
				fade = 0.5 - 0.5*math.Cos(math.Pi*edge/2000)
			}
			x[i] = float32(fade * amp * math.Sin(math.Pi/2*float64(i)+math.Pi/4))
			samplePeak = max(samplePeak, math.Abs(float64(x[i])))
		}
		if sp := 20 * math.Log10(samplePeak); math.Abs(sp-(c.db-3.01)) > 0.01 {
			t.Fatalf("test signal: sample peak %.3f dBFS", sp)
		}
		if got := dbtp(c.rate, 1, x); math.Abs(got-c.db) > c.tol {
			t.Errorf("%d Hz: %.3f dBTP, want %.1f", c.rate, got, c.db)
		}
	}
}

// Skipping blocks by the L1 bound and splitting the input across Writes
// must not change the figure at all.
func TestTruePeakMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, c := range []struct{ rate, channels int }{
		{8000, 1}, {16000, 2}, {44100, 2}, {48000, 1}, {96000, 2}, {192000, 1},
	} {
		for trial := range 4 {
			x := speechLike(c.rate, c.channels, c.rate/2+r.IntN(5000), uint64(trial))
			// Sprinkle a few isolated spikes, the case skipping must not miss.
			for range trial {
				x[r.IntN(len(x))] = float32(r.Float64()*2 - 1)
			}
			want := bruteTruePeak(c.rate, c.channels, x)
			m := NewTruePeakMeter(c.rate, c.channels)
			for rest := x; len(rest) > 0; {
				n := min(len(rest), c.channels*r.IntN(700))
				m.Write(rest[:n])
				rest = rest[n:]
			}
			if got := m.DBTP(); got != want {
				t.Errorf("%d Hz %d ch trial %d: streaming %.9f dBTP, brute force %.9f", c.rate, c.channels, trial, got, want)
			}
		}
	}
}

func TestTruePeakProperties(t *testing.T) {
	const rate = 44100
	x := speechLike(rate, 2, 3*rate, 11)
	tp := dbtp(rate, 2, x)
	var sp float64
	for _, v := range x {
		sp = max(sp, math.Abs(float64(v)))
	}
	if sp := 20 * math.Log10(sp); tp < sp {
		t.Errorf("true peak %.3f below sample peak %.3f", tp, sp)
	}
	half := make([]float32, len(x))
	for i, v := range x {
		half[i] = v / 2
	}
	if d := dbtp(rate, 2, half) - tp; math.Abs(d+20*math.Log10(2)) > 1e-4 {
		t.Errorf("halving the signal moved the true peak by %.5f dB, want -6.02", d)
	}
	// DBTP is a look, not a flush: asking twice, or mid-stream, changes nothing.
	m := NewTruePeakMeter(rate, 2)
	m.Write(x[:len(x)/2])
	_ = m.DBTP()
	m.Write(x[len(x)/2:])
	if a, b := m.DBTP(), m.DBTP(); a != tp || b != tp {
		t.Errorf("DBTP after a mid-stream DBTP: %v then %v, want %v", a, b, tp)
	}
	// A lone full-scale click rings above 0 dBFS between samples.
	click := make([]float32, 1000)
	click[500] = 1
	if got := dbtp(48000, 1, click); got < 0 {
		t.Errorf("click: %.3f dBTP, want ≥ 0", got)
	}
}

func TestTruePeakSilence(t *testing.T) {
	for _, n := range []int{0, 1, 100, 48000} {
		if got := dbtp(48000, 2, make([]float32, 2*n)); !math.IsInf(got, -1) {
			t.Errorf("%d frames of silence: %v dBTP, want -Inf", n, got)
		}
	}
}

// Every interpolation phase passes DC at unity gain and the L1 bound really
// bounds the phases (it is what makes skipping exact).
func TestTruePeakFilter(t *testing.T) {
	for _, rate := range []int{8000, 48000, 96000} {
		f := newTPFilter(rate)
		for p, h := range f.phases {
			var sum, l1 float64
			for _, v := range h {
				sum += float64(v)
				l1 += math.Abs(float64(v))
			}
			if math.Abs(sum-1) > 1e-6 {
				t.Errorf("%d Hz phase %d: DC gain %v", rate, p+1, sum)
			}
			if l1 > f.l1 {
				t.Errorf("%d Hz phase %d: L1 %v above the bound %v", rate, p+1, l1, f.l1)
			}
		}
	}
}

// The symmetric 4x kernel in block must equal plain convolution with each
// phase (to float32 rounding).
func TestTruePeakBlockMatchesConvolution(t *testing.T) {
	f := newTPFilter(48000)
	r := rand.New(rand.NewPCG(8, 9))
	h := make([]float32, tpTaps)
	for trial := range 200 {
		for i := range h {
			h[i] = float32(r.Float64()*2 - 1)
		}
		var want float64
		for _, ph := range f.phases {
			var a float64
			for k := range tpTaps {
				a += float64(h[k]) * float64(ph[k])
			}
			want = max(want, math.Abs(a))
		}
		if got := f.block(h, 0, 1, 0); math.Abs(got-want) > 1e-5 {
			t.Fatalf("trial %d: block %v, convolution %v", trial, got, want)
		}
	}
}
