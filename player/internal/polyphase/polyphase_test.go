package polyphase

import (
	"math"
	"math/rand/v2"
	"testing"
)

// reference is Up written plainly, in float64.
func reference(g, x []float32, up, taps, m int) []float64 {
	y := make([]float64, up*m)
	for k := range m {
		for p := range up {
			var s float64
			for j := range taps {
				s += float64(g[j*up+p]) * float64(x[k+j])
			}
			y[p*m+k] = s
		}
	}
	return y
}

// TestUpMatchesTheSum: the vector kernels and the Go loop give the plain
// sum for 3 and 6 phases (and 4, which has no kernel) at every frame count
// around the kernels' block of 8, to float32 rounding.
func TestUpMatchesTheSum(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, up := range []int{3, 4, 6} {
		for _, taps := range []int{1, 2, 28, 29} {
			for _, m := range []int{1, 7, 8, 9, 16, 17, 100, 257} {
				g := make([]float32, taps*up)
				for i := range g {
					g[i] = float32(rng.NormFloat64() / float64(taps))
				}
				x := make([]float32, m+taps-1)
				for i := range x {
					x[i] = float32(rng.Float64()*2 - 1)
				}
				y := make([]float32, up*m)
				Up(y, Bcast(g), x, up, taps, m)
				want := reference(g, x, up, taps, m)
				for i, v := range y {
					if d := math.Abs(float64(v) - want[i]); d > 1e-5 {
						t.Fatalf("up %d taps %d m %d: y[%d] = %g, want %g", up, taps, m, i, v, want[i])
					}
				}
			}
		}
	}
}

// BenchmarkUp is one second of a 16 kHz call (3 phases) and of an 8 kHz
// one (6 phases) through the resampler's 28-tap filter.
func BenchmarkUp(b *testing.B) {
	for _, c := range []struct {
		name     string
		up, rate int
	}{{"16k", 3, 16000}, {"8k", 6, 8000}} {
		b.Run(c.name, func(b *testing.B) {
			const taps = 28
			g := make([]float32, taps*c.up)
			for i := range g {
				g[i] = 1 / float32(taps)
			}
			gb := Bcast(g)
			x := make([]float32, c.rate+taps-1)
			for i := range x {
				x[i] = float32(math.Sin(float64(i)))
			}
			y := make([]float32, c.up*c.rate)
			for b.Loop() {
				Up(y, gb, x, c.up, taps, c.rate)
			}
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N)*60, "cpu_s_per_audio_min")
		})
	}
}
