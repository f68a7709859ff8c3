package audio

import (
	"math"
	"path/filepath"
	"testing"
)

// TestMP3MatchesFFmpeg holds our layer III decoder to ffmpeg's decode of every
// MP3 fixture: same length, and sample by sample within a small tolerance
// (ffmpeg's reference is 16-bit, so ±1 LSB of rounding is expected).
func TestMP3MatchesFFmpeg(t *testing.T) {
	refs := loadCodecRefs(t)
	for _, name := range codecNames(refs) {
		if refs[name].Codec != "mp3" {
			continue
		}
		t.Run(name, func(t *testing.T) {
			s, _ := codecOpenFixture(t, name)
			got := decodeAll(t, s, 1000)
			want := codecReadS16(t, filepath.Join(codecDir, name+".ref.s16"))
			if len(got) != len(want) {
				t.Fatalf("decoded %d samples, ffmpeg %d", len(got), len(want))
			}
			var maxDiff, sum float64
			for i := range got {
				d := math.Abs(float64(got[i] - want[i]))
				maxDiff = max(maxDiff, d)
				sum += d * d
			}
			c, lag := codecCorrelation(got, want, s.Channels(), 0)
			rms := math.Sqrt(sum / float64(len(got)))
			t.Logf("%s: %d Hz × %d, max |diff| %.2e, rms diff %.2e, correlation %.6f", name, s.SampleRate(), s.Channels(), maxDiff, rms, c)
			if c < 0.999 || lag != 0 {
				t.Errorf("correlation %.6f at lag %d, want > 0.999 at lag 0", c, lag)
			}
			if maxDiff > 2e-3 {
				t.Errorf("max |diff| %.2e from ffmpeg, want < 2e-3", maxDiff)
			}
		})
	}
}
