package player

import (
	"math"

	"customerroom/media/audio"
	"customerroom/player/internal/polyphase"
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
	rsMaxGroup      = 6
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
	// grp is coef interleaved by tap ([tap][phase]) when the ratio is a
	// whole number (down 1, up <= rsMaxGroup: 8, 12, 16 and 24 kHz calls):
	// each input window is then read once for all up outputs.
	grp []float32
	// grpB is grp laid out for polyphase.Up (8 and 16 kHz calls, 6 and 3
	// phases, in vector registers); planar is its output and chans a
	// stereo window split into its two channels.
	grpB, planar, chans []float32

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
		if r.down == 1 && r.up <= rsMaxGroup && ch <= 2 {
			r.grp = make([]float32, 2*r.half*r.up)
			for ph, w := range r.coef {
				for j, v := range w {
					r.grp[j*r.up+ph] = v
				}
			}
			if polyphase.Vectorized(r.up) {
				r.grpB = polyphase.Bcast(r.grp)
			}
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
		if r.grp != nil && ph == 0 && n+r.up*ch <= len(dst) {
			// All up outputs of as many whole input frames from i on as
			// dst, the input and its end allow, in one run (down is 1).
			m := min((len(dst)-n)/(r.up*ch), int(r.base+avail-int64(r.half)-i))
			if r.eof {
				m = min(m, int(r.pushed-i))
			}
			x := r.in[off : off+(2*r.half+m-1)*ch]
			switch {
			case r.grpB != nil:
				r.upVector(dst[n:n+m*r.up*ch], x, m)
			case ch == 1:
				upMonoRun(dst[n:n+m*r.up], r.grp, x, r.up, m)
			default:
				for k := range m {
					upStereo(dst[n+2*k*r.up:n+2*(k+1)*r.up], r.grp, x[2*k:2*(k+2*r.half)])
				}
			}
			n += m * r.up * ch
			r.next += int64(m * r.up)
			continue
		}
		switch ch {
		case 1:
			dst[n] = dot(w, r.in[off:off+len(w)])
		case 2:
			dst[n], dst[n+1] = dot2(w, r.in[off:off+2*len(w)])
		default:
			for c := 0; c < ch; c++ {
				var acc float32
				k := off + c
				for _, wj := range w {
					acc += wj * r.in[k]
					k += ch
				}
				dst[n+c] = acc
			}
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

// upVector is upMonoRun through polyphase.Up, whose planar output (each
// phase's m samples together) is interleaved into dst; a stereo window is
// split into its channels first, each upsampled on its own.
func (r *resampler) upVector(dst, x []float32, m int) {
	up, ch, taps := r.up, r.ch, 2*r.half
	if cap(r.planar) < up*m {
		r.planar = make([]float32, up*m)
	}
	y := r.planar[:up*m]
	dst = dst[:up*m*ch]
	if ch == 1 {
		polyphase.Up(y, r.grpB, x, up, taps, m)
		for p := range up {
			for k, v := range y[p*m : (p+1)*m] {
				dst[k*up+p] = v
			}
		}
		return
	}
	n := taps + m - 1 // window frames
	if cap(r.chans) < n {
		r.chans = make([]float32, n)
	}
	one := r.chans[:n]
	for c := range 2 {
		for i := range one {
			one[i] = x[2*i+c]
		}
		polyphase.Up(y, r.grpB, one, up, taps, m)
		for p := range up {
			for k, v := range y[p*m : (p+1)*m] {
				dst[2*(k*up+p)+c] = v
			}
		}
	}
}

// upMonoRun is upMono for m consecutive input frames: x holds their windows
// (2*half+m-1 samples, frame k's window starting at x[k]) and dst their
// m*up outputs. 8 and 16 kHz calls take upVector instead.
func upMonoRun(dst, g, x []float32, up, m int) {
	taps := len(x) - m + 1
	for k := range m {
		upMono(dst[k*up:(k+1)*up], g, x[k:k+taps])
	}
}

// upMono computes the len(dst) phases of an integer-ratio upsampler for
// one input window x: dst[p] = sum_j g[j*up+p] * x[j], with up = len(dst).
// Each sample of x is loaded once for all phases.
func upMono(dst, g, x []float32) {
	up := len(dst)
	var acc [rsMaxGroup]float32
	for j, v := range x {
		c := g[j*up : j*up+up]
		for p, w := range c {
			acc[p] += w * v
		}
	}
	copy(dst, acc[:up])
}

// upStereo is upMono over an interleaved stereo window; dst holds up frames.
func upStereo(dst, g, x []float32) {
	up := len(dst) / 2
	var acc [2 * rsMaxGroup]float32
	for j := 0; j+1 < len(x); j += 2 {
		v, u := x[j], x[j+1]
		c := g[(j/2)*up : (j/2)*up+up]
		for p, w := range c {
			acc[2*p] += w * v
			acc[2*p+1] += w * u
		}
	}
	copy(dst, acc[:2*up])
}

// dot is the filter's inner product over one channel, in four partial sums
// (the resampler is the player's second cost after the limiter).
func dot(w, x []float32) float32 {
	x = x[:len(w)]
	var a0, a1, a2, a3 float32
	i := 0
	for ; i+4 <= len(w); i += 4 {
		a0 += w[i] * x[i]
		a1 += w[i+1] * x[i+1]
		a2 += w[i+2] * x[i+2]
		a3 += w[i+3] * x[i+3]
	}
	for ; i < len(w); i++ {
		a0 += w[i] * x[i]
	}
	return (a0 + a1) + (a2 + a3)
}

// dot2 is dot over interleaved stereo x, both channels in one pass.
func dot2(w, x []float32) (float32, float32) {
	x = x[:2*len(w)]
	var l0, l1, r0, r1 float32
	i := 0
	for ; i+2 <= len(w); i += 2 {
		l0 += w[i] * x[2*i]
		r0 += w[i] * x[2*i+1]
		l1 += w[i+1] * x[2*i+2]
		r1 += w[i+1] * x[2*i+3]
	}
	for ; i < len(w); i++ {
		l0 += w[i] * x[2*i]
		r0 += w[i] * x[2*i+1]
	}
	return l0 + l1, r0 + r1
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
//
// It is the player's main cost, so it works in blocks of limBlock frames: a
// block whose samples (and their interpolation neighbours) are too small for
// any interpolated peak to reach the ceiling needs gain 1 everywhere, and
// once the gain has recovered to exactly 1 for a whole window such a block is
// a plain copy through the delay line. Speech at the loudness target is
// mostly that.
type limiter struct {
	ceil float32
	rel  float64

	// w holds limHist frames of history, then the block being processed
	// (interleaved stereo); the history is moved to the front after each call.
	w  []float32
	pk [limBlock + tpTaps]uint32 // per-frame magnitudes of a block's reach
	n  int64                     // frames pushed

	// dq is a monotonic deque (increasing gains) of the required gains in
	// the look-ahead window and their frames, as a ring with room for the
	// window and the frame that leaves it: dqHead, dqLen.
	dq            [limLookahead + 1]int64
	dqv           [limLookahead + 1]float32
	gi            int // next slot in rwin
	dqHead, dqLen int
	r             float64 // released gain
	rwin          [limLookahead]float64
	rsum          float64
	lastLow       int64 // last frame whose required gain was below 1
	lastRel       int64 // last frame whose released gain was below 1
	lastLoud      int64 // last frame with a sample above the quiet limit

	// bypass makes the limiter a plain delay of limLatency frames: the
	// engine sets it for a track whose measured true peak, after its
	// loudness gain, stays safely under the ceiling, where the limiter's
	// gain would be exactly 1 throughout (TestLimiterBypassIsIdentity).
	bypass bool
	// tmp holds the history while a run is delayed in place.
	tmp [2 * limHist]float32
}

// limLatency is the constant delay of the limiter, in frames.
const limLatency = tpDelay + limLookahead - 1

// limHist is the history the limiter keeps: the delay plus the interpolator's reach.
const limHist = limLatency + tpTaps

// limBlock is the limiter's unit of work for the quiet test, and limSub
// the frames that share one test for interpolation inside a loud block.
const (
	limBlock = 32
	limSub   = 4
)

// limRelSnap: a released gain this close to 1 is 1 (-0.00001 dB), so the
// limiter settles to an exact copy instead of creeping up forever.
const limRelSnap = 1e-6

func newLimiter(ceilingDBTP float64) *limiter {
	l := &limiter{
		ceil:     float32(dbToLin(ceilingDBTP - tpMarginDB)),
		rel:      1 - math.Exp(-1/(limRelease*SampleRate)),
		w:        make([]float32, 2*limHist, 2*(limHist+1024)),
		r:        1,
		lastLow:  -1 << 40,
		lastRel:  -1 << 40,
		lastLoud: -1 << 40,
	}
	for i := range l.rwin {
		l.rwin[i] = 1
	}
	l.rsum = limLookahead
	return l
}

// process limits buf (interleaved stereo) in place, delayed by limLatency.
func (l *limiter) process(buf []float32) {
	if l.bypass {
		l.delay(buf)
		return
	}
	limit := l.quietLimit()
	for len(buf) >= 2 {
		// A settled limiter passes a quiet run through as a plain delay,
		// the whole run at once: what block's settled path does 32
		// frames at a time, without the per-block bookkeeping.
		if l.settled(l.n) && l.lastLoud < l.n-tpTaps+1 {
			k := quietFrames(buf, limit)
			if k >= limBlock {
				l.delay(buf[:2*k])
				buf = buf[2*k:]
				continue
			}
		}
		k := min(len(buf)/2, limBlock)
		l.block(buf[:2*k])
		buf = buf[2*k:]
	}
}

// quietLimit is the sample magnitude under which no interpolated peak can
// reach the ceiling.
func (l *limiter) quietLimit() float32 { return l.ceil / max(tpL1, 1) }

// settled reports whether every gain in the window at frame n0 is 1 and
// stays 1 while the input is quiet.
func (l *limiter) settled(n0 int64) bool {
	return l.r == 1 && n0-tpDelay-l.lastLow >= limLookahead && n0-tpDelay-l.lastRel >= limLookahead
}

// quietFrames is how many leading frames of buf have both samples at or
// under limit.
// (magnitudes compared as float bits without the sign: one unsigned
// compare a sample, and a NaN counts as loud).
func quietFrames(buf []float32, limit float32) int {
	lb := math.Float32bits(limit)
	i := 0
	for ; i+4 <= len(buf); i += 4 {
		a := max(math.Float32bits(buf[i])&^(1<<31), math.Float32bits(buf[i+1])&^(1<<31))
		b := max(math.Float32bits(buf[i+2])&^(1<<31), math.Float32bits(buf[i+3])&^(1<<31))
		if max(a, b) > lb {
			break
		}
	}
	for ; i < len(buf); i++ {
		if math.Float32bits(buf[i])&^(1<<31) > lb {
			break
		}
	}
	return i / 2
}

// delay passes buf through the limiter's delay line unchanged, in place:
// what the settled limiter does, and all the bypassed one does. The state
// afterwards is the settled one, so limiting resumes seamlessly.
func (l *limiter) delay(buf []float32) {
	m := len(buf) / 2
	if m == 0 {
		return
	}
	// The history after this run: the last limHist frames of w + buf.
	next := l.tmp[:]
	if m >= limHist {
		copy(next, buf[2*(m-limHist):])
	} else {
		copy(next, l.w[2*m:2*limHist])
		copy(next[2*(limHist-m):], buf)
	}
	// Output frame j is input frame j - limLatency: from the history for
	// the first limLatency frames, from buf itself after that.
	if m > limLatency {
		copy(buf[2*limLatency:], buf[:2*(m-limLatency)])
		copy(buf, l.w[2*(limHist-limLatency):2*limHist])
	} else {
		copy(buf, l.w[2*(limHist-limLatency):2*(limHist-limLatency+m)])
	}
	copy(l.w[:2*limHist], next)
	l.w = l.w[:2*limHist]
	n0 := l.n
	l.gi = int((int64(l.gi) + int64(m)) % limLookahead)
	l.dqHead, l.dqLen = 0, 1
	l.dq[0], l.dqv[0] = n0+int64(m)-1-tpDelay, 1
	l.rsum = limLookahead
	l.n += int64(m)
}

// block processes at most limBlock frames.
func (l *limiter) block(buf []float32) {
	m := len(buf) / 2
	w := append(l.w[:2*limHist], buf...)
	l.w = w
	// Frame n (global) sits at w index q = n - n0 + limHist, n0 = l.n.
	// Peaks are computed for frames kk = n - tpDelay, from frames
	// kk-tpDelay+1 .. kk+tpDelay; a block's reach is w[limHist-tpTaps+1 : ].
	// pk[j] is frame (limHist-tpTaps+1+j)'s larger magnitude, as float bits
	// without the sign: for non-negative floats the bits order as the values.
	reach := w[2*(limHist-tpTaps+1):]
	pk := l.pk[:len(reach)/2]
	var loudBits uint32
	// Above this, interpolation might reach the ceiling.
	limit := l.quietLimit()
	limitBits := math.Float32bits(limit)
	n0 := l.n
	for j := range pk {
		a := math.Float32bits(reach[2*j]) &^ (1 << 31)
		b := math.Float32bits(reach[2*j+1]) &^ (1 << 31)
		pk[j] = max(a, b)
		loudBits = max(loudBits, pk[j])
		if pk[j] > limitBits {
			l.lastLoud = max(l.lastLoud, n0-tpTaps+1+int64(j))
		}
	}
	quiet := math.Float32frombits(loudBits) <= limit
	if quiet && l.settled(n0) {
		// Settled: every gain in the window is 1 and stays 1.
		l.gi = (l.gi + m) % limLookahead // rwin is all ones already
		l.dqHead, l.dqLen = 0, 1
		l.dq[0], l.dqv[0] = n0+int64(m)-1-tpDelay, 1
		l.rsum = limLookahead
		copy(buf, w[2*(limHist-limLatency):2*(limHist-limLatency+m)])
		l.n += int64(m)
		l.shift(m)
		return
	}
	interp := false
	for i := 0; i < m; i++ {
		q := limHist + i // w index of the new frame
		kq := q - tpDelay
		wi := n0 + int64(i) - tpDelay // global index of frame kq
		g := float32(1)
		if !quiet && i%limSub == 0 {
			// Interpolation cannot exceed its window's peak times the
			// interpolator's L1 norm: below that, skip the work for the
			// next limSub frames, whose windows span pk[i : i+limSub+tpTaps-1].
			var wm uint32
			for _, v := range pk[i:min(len(pk), i+limSub+tpTaps-1)] {
				wm = max(wm, v)
			}
			interp = math.Float32frombits(wm) > limit
		}
		if !quiet {
			a, b := w[2*kq], w[2*kq+1]
			peak := max(abs32(a), abs32(b))
			win := w[2*(kq-tpDelay+1) : 2*(kq+tpDelay+1)]
			if interp {
				for p := 0; p < 3; p++ {
					c := &tpCoef[p]
					var sa, sb float32
					for j := 0; j < tpTaps; j++ {
						sa += c[j] * win[2*j]
						sb += c[j] * win[2*j+1]
					}
					peak = max(peak, abs32(sa), abs32(sb))
				}
			}
			if peak > l.ceil {
				g = l.ceil / peak
				l.lastLow = wi
			}
		}
		// Sliding minimum over the last limLookahead required gains.
		for l.dqLen > 0 && l.dqv[(l.dqHead+l.dqLen-1)%(limLookahead+1)] >= g {
			l.dqLen--
		}
		tail := (l.dqHead + l.dqLen) % (limLookahead + 1)
		l.dq[tail], l.dqv[tail] = wi, g
		l.dqLen++
		if l.dq[l.dqHead] <= wi-limLookahead {
			l.dqHead = (l.dqHead + 1) % (limLookahead + 1)
			l.dqLen--
		}
		mg := float64(l.dqv[l.dqHead])
		// Release towards unity, never above what the window needs.
		l.r = math.Min(mg, l.r+(1-l.r)*l.rel)
		if l.r < 1 && l.r > 1-limRelSnap {
			l.r = 1
		}
		if l.r < 1 {
			l.lastRel = wi
		}
		l.rsum += l.r - l.rwin[l.gi]
		l.rwin[l.gi] = l.r
		l.gi++
		if l.gi == limLookahead {
			l.gi = 0
		}
		gain := float32(l.rsum / limLookahead)
		if wi-l.lastRel >= limLookahead {
			gain, l.rsum = 1, limLookahead
		}
		o := q - limLatency
		buf[2*i], buf[2*i+1] = w[2*o]*gain, w[2*o+1]*gain
	}
	l.n += int64(m)
	l.shift(m)
}

// shift keeps the last limHist frames of w as the next call's history.
func (l *limiter) shift(m int) {
	copy(l.w, l.w[2*m:2*(m+limHist)])
	l.w = l.w[:2*limHist]
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
