package audio

import "math"

// ITU-R BS.1770-4 K-weighting, as the analog prototype libebur128 and
// pyloudnorm use, so the filter can be designed by bilinear transform for any
// sample rate (8 kHz telephone audio included), not only the 48 kHz
// coefficients printed in the recommendation.
const (
	shelfF0   = 1681.974450955533  // Hz, high-shelf pre-filter (stage 1)
	shelfGain = 3.999843853973347  // dB
	shelfQ    = 0.7071752369554196 //
	rlbF0     = 38.13547087602444  // Hz, RLB high-pass (stage 2)
	rlbQ      = 0.5003270373238773 //

	absoluteGateLUFS = -70.0 // BS.1770-4 absolute gate
	relativeGateLU   = -10.0 // BS.1770-4 relative gate
	lufsOffset       = -0.691

	// Gated blocks go into a histogram so a meter's memory does not grow with
	// the length of the call. Each bin keeps the exact count and energy sum of
	// its blocks; only the relative gate is resolved to the bin width.
	histBinsPerLU = 100
	histMaxLUFS   = 30.0
	histBins      = int((histMaxLUFS - absoluteGateLUFS) * histBinsPerLU)
)

// biquad is a second-order IIR section (a0 normalised to 1).
type biquad struct{ b0, b1, b2, a1, a2 float64 }

// kWeighting returns the two K-weighting stages designed for rate.
func kWeighting(rate int) (shelf, rlb biquad) {
	fs := float64(rate)
	k := math.Tan(math.Pi * shelfF0 / fs)
	vh := math.Pow(10, shelfGain/20)
	vb := math.Pow(vh, 0.4996667741545416)
	a0 := 1 + k/shelfQ + k*k
	shelf = biquad{
		b0: (vh + vb*k/shelfQ + k*k) / a0,
		b1: 2 * (k*k - vh) / a0,
		b2: (vh - vb*k/shelfQ + k*k) / a0,
		a1: 2 * (k*k - 1) / a0,
		a2: (1 - k/shelfQ + k*k) / a0,
	}
	k = math.Tan(math.Pi * rlbF0 / fs)
	a0 = 1 + k/rlbQ + k*k
	rlb = biquad{
		b0: 1, b1: -2, b2: 1, // the recommendation's unnormalised numerator
		a1: 2 * (k*k - 1) / a0,
		a2: (1 - k/rlbQ + k*k) / a0,
	}
	return shelf, rlb
}

// channelWeight is the BS.1770-4 weight G of channel ch out of n. Mono and
// the dual-channel calls we get (agent left, customer right) weigh 1.0 per
// channel, so a mono file measures as ffmpeg's ebur128 reports mono; the 5.1
// layout (L R C LFE Ls Rs) drops the LFE and lifts the surrounds.
func channelWeight(ch, n int) float64 {
	if n == 6 {
		switch ch {
		case 3:
			return 0
		case 4, 5:
			return 1.41
		}
	}
	return 1
}

// kState is one channel's filter memory (transposed direct form II).
type kState struct{ s1, s2, r1, r2 float64 }

// LoudnessMeter measures BS.1770-4 integrated loudness, streaming: memory is
// fixed whatever the length of the call, so ingest can meter a long recording
// while it decodes it once.
type LoudnessMeter struct {
	channels int
	shelf    biquad
	rlb      biquad
	weights  []float64
	state    []kState

	hopLen  int       // samples per 100 ms hop (per channel)
	hopFill int       // samples of the current hop seen so far
	hopSum  []float64 // per channel sum of squares of the current hop
	hops    [4]float64
	nHops   int // completed hops so far

	histCount [histBins]uint32
	histSum   [histBins]float64
}

// NewLoudnessMeter returns a meter for interleaved audio at sampleRate with
// channels channels. Both must be positive.
func NewLoudnessMeter(sampleRate, channels int) *LoudnessMeter {
	if sampleRate <= 0 {
		sampleRate = 1
	}
	if channels <= 0 {
		channels = 1
	}
	shelf, rlb := kWeighting(sampleRate)
	m := &LoudnessMeter{
		channels: channels,
		shelf:    shelf,
		rlb:      rlb,
		weights:  make([]float64, channels),
		state:    make([]kState, channels),
		hopSum:   make([]float64, channels),
		hopLen:   max((sampleRate+5)/10, 1),
	}
	for ch := range channels {
		m.weights[ch] = channelWeight(ch, channels)
	}
	return m
}

// Write feeds interleaved samples; a trailing partial frame is ignored.
// Samples must be finite (Analyze sanitises decoder output).
func (m *LoudnessMeter) Write(interleaved []float32) {
	nch := m.channels
	frames := len(interleaved) / nch
	for frames > 0 {
		n := min(frames, m.hopLen-m.hopFill)
		seg := interleaved[:n*nch]
		for ch := range nch {
			m.hopSum[ch] += m.filter(ch, seg)
		}
		interleaved = interleaved[n*nch:]
		frames -= n
		m.hopFill += n
		if m.hopFill == m.hopLen {
			m.endHop()
		}
	}
}

// filter runs channel ch of seg through the K-weighting cascade and returns
// the sum of squares of the weighted signal. This is the meter's hot loop:
// coefficients and state live in locals.
func (m *LoudnessMeter) filter(ch int, seg []float32) float64 {
	nch := m.channels
	p, r := m.shelf, m.rlb
	st := m.state[ch]
	s1, s2, r1, r2 := st.s1, st.s2, st.r1, st.r2
	var sum float64
	for i := ch; i < len(seg); i += nch {
		x := float64(seg[i])
		y := p.b0*x + s1
		s1 = p.b1*x - p.a1*y + s2
		s2 = p.b2*x - p.a2*y
		z := y + r1 // rlb.b0 == 1
		r1 = -2*y - r.a1*z + r2
		r2 = y - r.a2*z
		sum += z * z
	}
	m.state[ch] = kState{s1, s2, r1, r2}
	return sum
}

// endHop closes a 100 ms hop and, once four hops are in, gates the 400 ms
// block that ends with it (75 % overlap).
func (m *LoudnessMeter) endHop() {
	var e float64
	for ch, s := range m.hopSum {
		e += m.weights[ch] * s
		m.hopSum[ch] = 0
		// Flush denormal-bound filter memory after a long silence: far below
		// anything audible, and denormals are slow on some CPUs.
		st := &m.state[ch]
		if math.Abs(st.s1)+math.Abs(st.s2)+math.Abs(st.r1)+math.Abs(st.r2) < 1e-30 {
			*st = kState{}
		}
	}
	m.hops[m.nHops%4] = e
	m.nHops++
	m.hopFill = 0
	if m.nHops < 4 {
		return
	}
	power := (m.hops[0] + m.hops[1] + m.hops[2] + m.hops[3]) / float64(4*m.hopLen)
	l := lufsOffset + 10*math.Log10(power)
	if !(l >= absoluteGateLUFS) { // also drops NaN
		return
	}
	i := min(int((l-absoluteGateLUFS)*histBinsPerLU), histBins-1)
	m.histCount[i]++
	m.histSum[i] += power
}

// Integrated returns the gated integrated loudness in LUFS of everything
// written so far, or math.Inf(-1) when every block is gated out (silence,
// or less than 400 ms of audio). Block energies are kept exactly; only the
// relative gate's decision is made to 0.01 LU (the histogram's bin width).
func (m *LoudnessMeter) Integrated() float64 {
	var n uint64
	var sum float64
	for i, c := range m.histCount {
		n += uint64(c)
		sum += m.histSum[i]
	}
	if n == 0 {
		return math.Inf(-1)
	}
	rel := lufsOffset + 10*math.Log10(sum/float64(n)) + relativeGateLU
	// Blocks strictly above the relative gate count (BS.1770-4: > Γr).
	start := 0
	if rel > absoluteGateLUFS {
		start = int(math.Ceil((rel-absoluteGateLUFS)*histBinsPerLU - 1e-9))
	}
	n, sum = 0, 0
	for i := start; i < histBins; i++ {
		n += uint64(m.histCount[i])
		sum += m.histSum[i]
	}
	if n == 0 {
		return math.Inf(-1)
	}
	return lufsOffset + 10*math.Log10(sum/float64(n))
}
