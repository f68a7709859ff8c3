package audio

import "math"

// True peak per ITU-R BS.1770-4 Annex 2: oversample 4x (2x from 96 kHz, none
// from 192 kHz) with a polyphase interpolating FIR and take the largest
// magnitude. The filter is a Kaiser-windowed sinc cut at the input Nyquist
// frequency, tpTaps taps per phase. Being a Nyquist filter, its phase 0 is the
// input sample itself, so only the in-between phases are computed.
const (
	tpTaps   = 48 // taps per phase
	tpHalf   = tpTaps / 2
	tpKaiser = 8.0 // Kaiser window beta: ~ -80 dB sidelobes
	tpBlock  = 256 // output positions per block in Write
)

// tpFilter holds the interpolation phases 1..factor-1.
type tpFilter struct {
	factor int
	phases [][tpTaps]float32
	// l1 is the largest sum of |taps| over the phases: no interpolated value
	// can exceed l1 * max|x| over its window, which lets Write skip, exactly,
	// the stretches that cannot beat the current maximum.
	l1 float64
}

func newTPFilter(rate int) *tpFilter {
	f := &tpFilter{factor: 4}
	switch {
	case rate >= 192000:
		f.factor = 1
	case rate >= 96000:
		f.factor = 2
	}
	for p := 1; p < f.factor; p++ {
		var h [tpTaps]float32
		frac := float64(p) / float64(f.factor)
		var sum float64
		tmp := make([]float64, tpTaps)
		for k := range tpTaps {
			// Tap k multiplies x[n+k-tpHalf+1]; the output sits at n+frac.
			t := float64(k-tpHalf+1) - frac
			tmp[k] = sinc(t) * kaiser(t/float64(tpHalf), tpKaiser)
			sum += tmp[k]
		}
		var l1 float64
		for k := range tpTaps {
			h[k] = float32(tmp[k] / sum) // unity gain at DC
			l1 += math.Abs(float64(h[k]))
		}
		f.l1 = max(f.l1, l1)
		f.phases = append(f.phases, h)
	}
	return f
}

func sinc(t float64) float64 {
	if t == 0 {
		return 1
	}
	return math.Sin(math.Pi*t) / (math.Pi * t)
}

// kaiser is the Kaiser window at x in [-1, 1].
func kaiser(x, beta float64) float64 {
	if x <= -1 || x >= 1 {
		return 0
	}
	return besselI0(beta*math.Sqrt(1-x*x)) / besselI0(beta)
}

// besselI0 is the modified Bessel function of the first kind, order 0.
func besselI0(x float64) float64 {
	sum, term := 1.0, 1.0
	for k := 1; k < 50; k++ {
		term *= (x / (2 * float64(k))) * (x / (2 * float64(k)))
		sum += term
		if term < sum*1e-17 {
			break
		}
	}
	return sum
}

// TruePeakMeter measures the true (inter-sample) peak, streaming: a clipped
// or hot call can exceed 0 dBFS between samples, and the player's -1 dBTP
// ceiling is meant for exactly that.
type TruePeakMeter struct {
	channels int
	f        *tpFilter
	// hist[ch] holds the channel's last tpTaps-1 samples followed by the
	// samples of the current Write, de-interleaved.
	hist [][]float32
	peak float64 // largest |value| so far (linear)
}

// NewTruePeakMeter returns a meter for interleaved audio at sampleRate with
// channels channels. Both must be positive.
func NewTruePeakMeter(sampleRate, channels int) *TruePeakMeter {
	if channels <= 0 {
		channels = 1
	}
	m := &TruePeakMeter{channels: channels, f: newTPFilter(sampleRate), hist: make([][]float32, channels)}
	for ch := range m.hist {
		m.hist[ch] = make([]float32, tpTaps-1, tpTaps-1+4096)
	}
	return m
}

// Write feeds interleaved samples; a trailing partial frame is ignored.
// Samples must be finite (Analyze sanitises decoder output).
func (m *TruePeakMeter) Write(interleaved []float32) {
	nch := m.channels
	frames := len(interleaved) / nch
	if frames == 0 {
		return
	}
	for ch := range nch {
		h := m.hist[ch]
		for i := ch; i < frames*nch; i += nch {
			x := interleaved[i]
			h = append(h, x)
			if a := float64(abs32(x)); a > m.peak {
				m.peak = a
			}
		}
		// Interpolate every position whose window is complete: position
		// j (between h[j] and h[j+1]) needs h[j-tpHalf+1 .. j+tpHalf].
		m.peak = m.f.scan(h, len(h)-tpTaps+1, m.peak)
		m.hist[ch] = append(h[:0], h[len(h)-(tpTaps-1):]...)
	}
}

// scan interpolates the n positions whose windows start at h[0..n-1] and
// returns the larger of peak and every interpolated magnitude. Blocks whose
// input cannot produce a value above peak (by the filter's L1 bound) are
// skipped: the result is the same as computing them, only faster.
func (f *tpFilter) scan(h []float32, n int, peak float64) float64 {
	if f.factor == 1 {
		return peak
	}
	for start := 0; start < n; start += tpBlock {
		end := min(start+tpBlock, n)
		var mx float32
		for _, x := range h[start : end+tpTaps-1] {
			mx = max(mx, abs32(x))
		}
		if float64(mx)*f.l1*(1+1e-6) <= peak {
			continue
		}
		peak = f.block(h, start, end, peak)
	}
	return peak
}

// block interpolates positions start..end-1: the meter's hot loop.
func (f *tpFilter) block(h []float32, start, end int, peak float64) float64 {
	var best float32
	if f.factor == 4 {
		p1, p2, p3 := &f.phases[0], &f.phases[1], &f.phases[2]
		for j := start; j < end; j++ {
			w := (*[tpTaps]float32)(h[j : j+tpTaps])
			var a1, a2, a3, b1, b2, b3 float32
			for k := 0; k < tpTaps; k += 2 {
				x0, x1 := w[k], w[k+1]
				a1 += x0 * p1[k]
				a2 += x0 * p2[k]
				a3 += x0 * p3[k]
				b1 += x1 * p1[k+1]
				b2 += x1 * p2[k+1]
				b3 += x1 * p3[k+1]
			}
			best = max(best, abs32(a1+b1), abs32(a2+b2), abs32(a3+b3))
		}
	} else {
		for j := start; j < end; j++ {
			w := (*[tpTaps]float32)(h[j : j+tpTaps])
			for p := range f.phases {
				ph := &f.phases[p]
				var a float32
				for k := range tpTaps {
					a += w[k] * ph[k]
				}
				best = max(best, abs32(a))
			}
		}
	}
	return max(peak, float64(best))
}

func abs32(x float32) float32 {
	return math.Float32frombits(math.Float32bits(x) &^ (1 << 31))
}

// DBTP returns the true peak of everything written so far in dB relative to
// full scale, or math.Inf(-1) for digital silence. The last samples'
// interpolation (which needs samples not yet written) is computed as if the
// stream ended with silence, without disturbing later Writes.
func (m *TruePeakMeter) DBTP() float64 {
	peak := m.peak
	tail := make([]float32, 2*(tpTaps-1))
	for _, h := range m.hist {
		copy(tail, h)
		clear(tail[tpTaps-1:])
		peak = m.f.scan(tail, tpTaps-1, peak)
	}
	return 20 * math.Log10(peak)
}
