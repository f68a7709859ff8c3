package player

import "testing"

// BenchmarkResampler pulls one second of 48 kHz output from speech-like
// input at the call-centre rates, mono and dual-channel.
func BenchmarkResampler(b *testing.B) {
	for _, c := range []struct {
		name     string
		rate, ch int
	}{{"8k-mono", 8000, 1}, {"16k-mono", 16000, 1}, {"16k-stereo", 16000, 2}, {"44k-mono", 44100, 1}} {
		b.Run(c.name, func(b *testing.B) {
			in := make([]float32, c.rate*c.ch)
			for i := range in {
				in[i] = float32(speechLike(float64(i/c.ch) / float64(c.rate)))
			}
			out := make([]float32, 4800*c.ch)
			b.ResetTimer()
			c0 := cpuTime()
			for i := 0; i < b.N; i++ {
				r := newResampler(c.rate, SampleRate, c.ch)
				for k := 0; k < len(in); k += 2048 * c.ch {
					r.push(in[k:min(len(in), k+2048*c.ch)])
					for r.pull(out) > 0 {
					}
				}
			}
			b.ReportMetric((cpuTime()-c0).Seconds()/float64(b.N)*60, "cpu_s_per_audio_min")
		})
	}
}

// BenchmarkLimiter runs one second of 48 kHz stereo speech through the
// limiter at three levels: well under the ceiling, near it, and over it.
func BenchmarkLimiter(b *testing.B) {
	for _, c := range []struct {
		name string
		gain float32
	}{{"quiet", 0.3}, {"near", 0.9}, {"hot", 2}} {
		b.Run(c.name, func(b *testing.B) {
			in := make([]float32, 2*SampleRate)
			for i := 0; i < SampleRate; i++ {
				v := c.gain * float32(speechLike(float64(i)/SampleRate))
				in[2*i], in[2*i+1] = v, v
			}
			buf := make([]float32, 2*nullBlock)
			l := newLimiter(-1)
			b.ResetTimer()
			c0 := cpuTime()
			for i := 0; i < b.N; i++ {
				for k := 0; k < len(in); k += len(buf) {
					copy(buf, in[k:])
					l.process(buf)
				}
			}
			b.ReportMetric((cpuTime()-c0).Seconds()/float64(b.N)*60, "cpu_s_per_audio_min")
		})
	}
}
