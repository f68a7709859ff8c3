package player

import (
	"math"
	"math/rand"
	"testing"
)

// refLimiter is the limiter as it was before it worked in blocks (commit
// 745e03e): frame by frame through a modulo ring. TestLimiterMatchesReference
// holds the block version to it.
type refLimiter struct {
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

func newRefLimiter(ceilingDBTP float64) *refLimiter {
	l := &refLimiter{
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

func (l *refLimiter) frame(i int64) (float32, float32) {
	if i < 0 {
		return 0, 0
	}
	k := int(i%int64(len(l.sig)/2)) * 2
	return l.sig[k], l.sig[k+1]
}

// process limits buf (interleaved stereo) in place, delayed by limLatency.
func (l *refLimiter) process(buf []float32) {
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

// TestLimiterMatchesReference feeds the same signals through the block
// limiter and the frame-by-frame reference, in chunks of several sizes:
// quiet speech-like material (the settled fast path), hot noise (the limiter
// working), and material that alternates between them. The only intended
// difference is the released gain snapping to 1 within limRelSnap.
func TestLimiterMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	const frames = 3 * SampleRate
	signals := map[string][]float32{}
	quiet := make([]float32, 2*frames)
	hot := make([]float32, 2*frames)
	mixed := make([]float32, 2*frames)
	for i := 0; i < frames; i++ {
		s := float32(speechLike(float64(i) / SampleRate))
		quiet[2*i], quiet[2*i+1] = 0.1*s, 0.08*s
		hot[2*i], hot[2*i+1] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
		amp := float32(0.05)
		if (i/7000)%3 == 1 {
			amp = 3
		}
		mixed[2*i], mixed[2*i+1] = amp*s, -amp*s
	}
	signals["quiet"], signals["hot"], signals["mixed"] = quiet, hot, mixed
	for name, x := range signals {
		for _, chunk := range []int{1, 17, 960, 4800} {
			ref := newRefLimiter(-1)
			got := newLimiter(-1)
			a := append([]float32(nil), x...)
			b := append([]float32(nil), x...)
			for o := 0; o < len(a); o += 2 * chunk {
				e := min(len(a), o+2*chunk)
				ref.process(a[o:e])
				got.process(b[o:e])
			}
			var worst float64
			for i := range a {
				worst = math.Max(worst, math.Abs(float64(a[i]-b[i])))
			}
			t.Logf("%s in chunks of %d: worst difference %g", name, chunk, worst)
			if worst > 2e-5 {
				t.Errorf("%s in chunks of %d: differs from the reference by up to %g", name, chunk, worst)
			}
		}
	}
}
