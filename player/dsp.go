package player

import (
	"math"

	"customerroom/media/audio"
)

// This file holds the signal chain between the decoder and the output:
// resampling to 48 kHz, the true-peak look-ahead limiter and gain ramps.

// dbToLin converts decibels to a linear gain.
func dbToLin(db float64) float64 { return math.Pow(10, db/20) }

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// Resampler parameters: 12 zero crossings each side and a Kaiser window with
// beta 8 give about 80 dB of stop-band rejection; the pass band ends at 92% of
// the lower Nyquist frequency (3.68 kHz for 8 kHz calls, above the 3.4 kHz
// telephone band).
const (
	rsZeroCrossings = 12
	rsBeta          = 8.0
	rsCutoff        = 0.92
	rsMaxPhases     = 4096
)

// resampler is a polyphase windowed-sinc resampler for a rational ratio
// out/in = up/down, streaming over interleaved frames of ch channels. Its
// filter is centred (zero phase), so output frame n is input time n*down/up:
// positions stay exact and seeks need no compensation.
type resampler struct {
	ch       int
	up, down int
	half     int         // taps each side of the centre
	coef     [][]float32 // [phase][2*half], nil when up > rsMaxPhases
	fc       float64

	in     []float32 // interleaved input not yet consumed, starting at input frame base
	base   int64     // input frame index of in[0]
	pushed int64     // real input frames pushed (not counting flush zeros)
	next   int64     // next output frame index
	eof    bool
}

func newResampler(inRate, outRate, ch int) *resampler {
	g := gcd(inRate, outRate)
	r := &resampler{ch: ch, up: outRate / g, down: inRate / g}
	r.fc = rsCutoff * math.Min(1, float64(r.up)/float64(r.down))
	r.half = int(math.Ceil(rsZeroCrossings / r.fc))
	// The first input sample sits at time 0; keep half zeros of history before it.
	r.in = make([]float32, r.half*ch)
	r.base = -int64(r.half)
	if r.up <= rsMaxPhases {
		r.coef = make([][]float32, r.up)
		for ph := range r.coef {
			r.coef[ph] = r.taps(float64(ph) / float64(r.up))
		}
	}
	return r
}

// taps returns the 2*half weights for input frames floor(t)-half+1 .. floor(t)+half
// where frac is t - floor(t), normalised to unit DC gain.
func (r *resampler) taps(frac float64) []float32 {
	w := make([]float32, 2*r.half)
	var sum float64
	v := make([]float64, 2*r.half)
	for j := range v {
		d := float64(j-r.half+1) - frac // input offset from t
		v[j] = r.fc * audio.Sinc(r.fc*d) * audio.Kaiser(d/float64(r.half), rsBeta)
		sum += v[j]
	}
	for j := range v {
		w[j] = float32(v[j] / sum)
	}
	return w
}

// push appends interleaved input frames.
func (r *resampler) push(x []float32) {
	r.in = append(r.in, x...)
	r.pushed += int64(len(x) / r.ch)
}

// finish marks the end of input: the tail is flushed with zeros.
func (r *resampler) finish() {
	if !r.eof {
		r.eof = true
		r.in = append(r.in, make([]float32, (r.half+1)*r.ch)...)
	}
}

// pull writes as many output frames as the buffered input allows into dst
// and returns the number of samples written.
func (r *resampler) pull(dst []float32) int {
	ch := r.ch
	avail := int64(len(r.in) / ch) // input frames base .. base+avail-1
	n := 0
	for n+ch <= len(dst) {
		pos := r.next * int64(r.down) // in units of 1/up input frames
		if r.eof && pos >= r.pushed*int64(r.up) {
			break // exactly ceil(in*up/down) frames: durations survive resampling
		}
		i := pos / int64(r.up)
		ph := int(pos % int64(r.up))
		first := i - int64(r.half) + 1
		if i+int64(r.half)-r.base >= avail {
			break
		}
		var w []float32
		if r.coef != nil {
			w = r.coef[ph]
		} else {
			w = r.taps(float64(ph) / float64(r.up))
		}
		off := int(first-r.base) * ch
		for c := 0; c < ch; c++ {
			var acc float32
			k := off + c
			for _, wj := range w {
				acc += wj * r.in[k]
				k += ch
			}
			dst[n+c] = acc
		}
		n += ch
		r.next++
	}
	// Drop input no later output needs.
	pos := r.next * int64(r.down)
	keep := pos/int64(r.up) - int64(r.half) + 1
	if drop := keep - r.base; drop > 0 && drop*int64(ch) <= int64(len(r.in)) && drop > 4096 {
		r.in = append(r.in[:0], r.in[int(drop)*ch:]...)
		r.base = keep
	}
	return n
}

// Limiter constants. A 2 ms look-ahead is long enough for a smooth attack on
// speech consonants and short enough to add no noticeable latency; 150 ms
// release avoids pumping. tpMarginDB covers the residual error of the 8-tap
// 4x true-peak estimate.
const (
	limLookahead = 96 // frames at 48 kHz
	limRelease   = 0.150
	tpMarginDB   = 0.3
	tpTaps       = 16
	tpDelay      = tpTaps / 2 // frames the peak estimate waits for
)

// tpCoef holds the 4x oversampling interpolators for offsets 1/4, 2/4, 3/4
// between input frames k and k+1, using frames k-7 .. k+8.
var tpCoef = func() (c [3][tpTaps]float32) {
	for p := 0; p < 3; p++ {
		f := float64(p+1) / 4
		var sum float64
		var v [tpTaps]float64
		for j := 0; j < tpTaps; j++ {
			d := float64(j-tpDelay+1) - f
			v[j] = audio.Sinc(d) * audio.Kaiser(d/float64(tpDelay+1), 6)
			sum += v[j]
		}
		for j := range v {
			c[p][j] = float32(v[j] / sum)
		}
	}
	return c
}()

// tpL1 bounds the interpolators' gain (their largest L1 norm).
var tpL1 = func() float32 {
	var m float32
	for _, c := range tpCoef {
		var s float32
		for _, v := range c {
			s += abs32(v)
		}
		m = max(m, s)
	}
	return m
}()

// limiter is a stereo-linked look-ahead peak limiter on 48 kHz stereo. It
// estimates true peaks by 4x interpolation, computes the gain each frame
// needs, takes the minimum over the look-ahead window, lets it recover with
// the release constant and smooths it with a moving average of the same
// window. Because every value averaged for a frame is at most the gain that
// frame needs, the output never exceeds the ceiling (up to the true-peak
// estimate's error, covered by tpMarginDB) and the gain has no steps: no
// clipping, no clicks. It delays the signal by latency frames.
type limiter struct {
	ceil float32
	rel  float64

	sig  []float32 // ring of stereo frames
	n    int64     // frames pushed
	gwin []float32 // ring of required gains, window limLookahead
	dq   []int64   // monotonic deque of indices into gwin (increasing gains)
	r    float64   // released gain
	rwin []float64 // ring of released gains for the moving average
	rsum float64
}

// latency is the constant delay of the limiter, in frames.
const limLatency = tpDelay + limLookahead - 1

func newLimiter(ceilingDBTP float64) *limiter {
	l := &limiter{
		ceil: float32(dbToLin(ceilingDBTP - tpMarginDB)),
		rel:  1 - math.Exp(-1/(limRelease*SampleRate)),
		sig:  make([]float32, 2*(limLookahead+tpTaps+1)),
		gwin: make([]float32, limLookahead),
		rwin: make([]float64, limLookahead),
		r:    1,
	}
	for i := range l.rwin {
		l.rwin[i] = 1
	}
	l.rsum = limLookahead
	return l
}

func (l *limiter) frame(i int64) (float32, float32) {
	if i < 0 {
		return 0, 0
	}
	k := int(i%int64(len(l.sig)/2)) * 2
	return l.sig[k], l.sig[k+1]
}

// process limits buf (interleaved stereo) in place, delayed by limLatency.
func (l *limiter) process(buf []float32) {
	ring := int64(len(l.sig) / 2)
	// A chunk whose samples, and the tpTaps-1 frames before it, are all too
	// small for any interpolated peak to reach the ceiling needs no true-peak
	// work at all: every frame's required gain is exactly 1. Speech at the
	// loudness target is mostly like that, and this loop is the player's
	// main cost on a Raspberry Pi.
	var loud float32
	for _, v := range buf {
		loud = max(loud, abs32(v))
	}
	for i := l.n - tpTaps + 1; i < l.n; i++ {
		a, b := l.frame(i)
		loud = max(loud, abs32(a), abs32(b))
	}
	quiet := loud*max(tpL1, 1) <= l.ceil
	for o := 0; o+1 < len(buf); o += 2 {
		n := l.n
		k := int(n%ring) * 2
		l.sig[k], l.sig[k+1] = buf[o], buf[o+1]
		l.n++

		// Peak of frame kk = n - tpDelay, over [kk, kk+1).
		kk := n - tpDelay
		var peak, win float32
		if !quiet {
			a, b := l.frame(kk)
			peak = max(abs32(a), abs32(b))
			for j := 0; j < tpTaps; j++ {
				x, y := l.frame(kk - tpDelay + 1 + int64(j))
				win = max(win, abs32(x), abs32(y))
			}
		}
		// Interpolation cannot exceed the window's peak times the
		// interpolator's L1 norm: below that, skip the work.
		if win*tpL1 > l.ceil {
			for p := 0; p < 3; p++ {
				var sa, sb float32
				for j := 0; j < tpTaps; j++ {
					x, y := l.frame(kk - tpDelay + 1 + int64(j))
					sa += tpCoef[p][j] * x
					sb += tpCoef[p][j] * y
				}
				peak = max(peak, abs32(sa), abs32(sb))
			}
		}
		g := float32(1)
		if peak > l.ceil {
			g = l.ceil / peak
		}
		// Sliding minimum over the last limLookahead required gains.
		wi := kk
		l.gwin[int((wi%limLookahead+limLookahead)%limLookahead)] = g
		for len(l.dq) > 0 && l.gwin[int((l.dq[len(l.dq)-1]%limLookahead+limLookahead)%limLookahead)] >= g {
			l.dq = l.dq[:len(l.dq)-1]
		}
		l.dq = append(l.dq, wi)
		if l.dq[0] <= wi-limLookahead {
			l.dq = l.dq[1:]
		}
		m := float64(l.gwin[int((l.dq[0]%limLookahead+limLookahead)%limLookahead)])
		// Release towards unity, never above what the window needs.
		l.r = math.Min(m, l.r+(1-l.r)*l.rel)
		ri := int((wi%limLookahead + limLookahead) % limLookahead)
		l.rsum += l.r - l.rwin[ri]
		l.rwin[ri] = l.r
		gain := float32(l.rsum / limLookahead)
		x, y := l.frame(wi - limLookahead + 1)
		buf[o], buf[o+1] = x*gain, y*gain
	}
}

func abs32(x float32) float32 {
	if x < 0 {
		return -x
	}
	return x
}

// ramp moves a gain linearly towards a target over a fixed number of frames,
// so fades and volume changes never step (a step is a click).
type ramp struct {
	cur, target float64
	step        float64 // per frame
}

// set starts moving towards target so that a full 0..1 move takes frames frames.
func (r *ramp) set(target float64, frames int) {
	r.target = target
	r.step = 1 / float64(frames)
}

// apply multiplies interleaved stereo buf by the ramp, advancing it per frame.
func (r *ramp) apply(buf []float32) {
	if r.cur == r.target {
		if r.cur == 1 {
			return
		}
		g := float32(r.cur)
		for i := range buf {
			buf[i] *= g
		}
		return
	}
	for o := 0; o+1 < len(buf); o += 2 {
		switch {
		case math.Abs(r.cur-r.target) <= r.step*1.001:
			r.cur = r.target
		case r.cur < r.target:
			r.cur += r.step
		default:
			r.cur -= r.step
		}
		g := float32(r.cur)
		buf[o] *= g
		buf[o+1] *= g
	}
}
