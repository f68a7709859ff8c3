package audio

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkAnalyze measures Analyze on a minute of speech-like audio at the
// telephone rate and at the studio rate. x-realtime is seconds of audio
// analysed per second of CPU; MB/s counts the 16-bit PCM bytes the same audio
// takes in a WAV file, to compare with ffmpeg reading that file:
//
//	ffmpeg -nostats -i F.wav -af ebur128=peak=true -f null -
func BenchmarkAnalyze(b *testing.B) {
	const seconds = 60
	for _, c := range []struct {
		signal         string
		rate, channels int
	}{
		{"speech", 8000, 1}, {"speech", 48000, 2},
		// Steady noise is the worst case: true peak can skip almost nothing.
		{"noise", 8000, 1}, {"noise", 48000, 2},
	} {
		x := speechLike(c.rate, c.channels, seconds*c.rate, 42)
		if c.signal == "noise" {
			x = noise(c.channels*seconds*c.rate, 42)
		}
		buf := make([]float32, len(x))
		b.Run(fmt.Sprintf("%s_%dHz_%dch_60s", c.signal, c.rate, c.channels), func(b *testing.B) {
			b.SetBytes(int64(2 * len(x)))
			b.ReportAllocs()
			for b.Loop() {
				copy(buf, x) // Analyze may rewrite corrupt samples in place
				if _, err := Analyze(newSliceStream(c.rate, c.channels, buf), AnalyzeOptions{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(seconds*b.N)/b.Elapsed().Seconds(), "x-realtime")
		})
	}
}

// noise is n samples of Gaussian noise at -20 dBFS RMS.
func noise(n int, seed uint64) []float32 {
	r := rand.New(rand.NewPCG(seed, 2))
	out := make([]float32, n)
	for i := range out {
		out[i] = float32(0.1 * r.NormFloat64())
	}
	return out
}

// BenchmarkMeters splits Analyze's cost by meter (48 kHz stereo, 10 s).
func BenchmarkMeters(b *testing.B) {
	const rate, channels = 48000, 2
	x := speechLike(rate, channels, 10*rate, 42)
	b.Run("loudness", func(b *testing.B) {
		b.SetBytes(int64(2 * len(x)))
		for b.Loop() {
			m := NewLoudnessMeter(rate, channels)
			for i := 0; i < len(x); i += 8192 {
				m.Write(x[i:min(i+8192, len(x))])
			}
			_ = m.Integrated()
		}
	})
	b.Run("truepeak", func(b *testing.B) {
		b.SetBytes(int64(2 * len(x)))
		for b.Loop() {
			m := NewTruePeakMeter(rate, channels)
			for i := 0; i < len(x); i += 8192 {
				m.Write(x[i:min(i+8192, len(x))])
			}
			_ = m.DBTP()
		}
	})
	b.Run("truepeak_noskip", func(b *testing.B) {
		b.SetBytes(int64(2 * len(x)))
		for b.Loop() {
			_ = bruteTruePeak(rate, channels, x)
		}
	})
	b.Run("peaks", func(b *testing.B) {
		b.SetBytes(int64(2 * len(x)))
		for b.Loop() {
			p := newPeakBuilder(rate, channels, 0, 0)
			for i := 0; i < len(x); i += 8192 {
				p.write(x[i:min(i+8192, len(x))])
			}
			_ = p.peaks()
		}
	})
}
