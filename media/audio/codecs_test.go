package audio

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

const codecDir = "testdata/codecs"

// codecRef is one entry of testdata/codecs/reference.json (ffprobe's figures).
type codecRef struct {
	Codec      string  `json:"codec"`
	SampleRate int     `json:"sample_rate"`
	Channels   int     `json:"channels"`
	Duration   float64 `json:"duration"`
}

func loadCodecRefs(t testing.TB) map[string]codecRef {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(codecDir, "reference.json"))
	if err != nil {
		t.Fatal(err)
	}
	refs := map[string]codecRef{}
	if err := json.Unmarshal(b, &refs); err != nil {
		t.Fatal(err)
	}
	return refs
}

func codecNames(refs map[string]codecRef) []string {
	names := make([]string, 0, len(refs))
	for n := range refs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func codecOpenFixture(t testing.TB, name string) (Stream, Info) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(codecDir, name))
	if err != nil {
		t.Fatal(err)
	}
	s, info, err := Open(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("Open %s: %v", name, err)
	}
	return s, info
}

// codecReadS16 loads ffmpeg's decode (signed 16-bit LE) as float32.
func codecReadS16(t testing.TB, path string) []float32 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float32, len(b)/2)
	for i := range out {
		out[i] = float32(int16(binary.LittleEndian.Uint16(b[2*i:]))) / 32768
	}
	return out
}

// codecReadWAVInts returns the integer samples of a PCM WAV (8-bit unsigned, 16 or 24-bit).
func codecReadWAVInts(t testing.TB, path string) (samples []int32, bits int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p := 12
	for p+8 <= len(b) {
		id, size := string(b[p:p+4]), int(binary.LittleEndian.Uint32(b[p+4:]))
		body := b[p+8 : min(len(b), p+8+size)]
		switch id {
		case "fmt ":
			bits = int(binary.LittleEndian.Uint16(body[14:]))
		case "data":
			bps := bits / 8
			for i := 0; i+bps <= len(body); i += bps {
				var v int32
				switch bits {
				case 8:
					v = int32(body[i]) - 128
				case 16:
					v = int32(int16(binary.LittleEndian.Uint16(body[i:])))
				case 24:
					v = int32(uint32(body[i])<<8|uint32(body[i+1])<<16|uint32(body[i+2])<<24) >> 8
				}
				samples = append(samples, v)
			}
			return samples, bits
		}
		p += 8 + size + size%2
	}
	t.Fatalf("%s: no data chunk", path)
	return nil, 0
}

// codecCorrelation is the highest normalised correlation of a against b over lags
// of ±maxLag frames on the first channel, and the lag that gives it.
func codecCorrelation(a, b []float32, ch, maxLag int) (float64, int) {
	best, bestLag := -1.0, 0
	na, nb := len(a)/ch, len(b)/ch
	for lag := -maxLag; lag <= maxLag; lag++ {
		var sab, saa, sbb float64
		for i := 0; i < na; i++ {
			j := i + lag
			if j < 0 || j >= nb {
				continue
			}
			x, y := float64(a[i*ch]), float64(b[j*ch])
			sab += x * y
			saa += x * x
			sbb += y * y
		}
		if saa == 0 || sbb == 0 {
			continue
		}
		if c := sab / math.Sqrt(saa*sbb); c > best {
			best, bestLag = c, lag
		}
	}
	return best, bestLag
}

func TestCodecFixtures(t *testing.T) {
	refs := loadCodecRefs(t)
	for _, name := range codecNames(refs) {
		ref := refs[name]
		t.Run(name, func(t *testing.T) {
			s, info := codecOpenFixture(t, name)
			if info.Codec != ref.Codec {
				t.Errorf("codec %q, want %q", info.Codec, ref.Codec)
			}
			if s.SampleRate() != ref.SampleRate || s.Channels() != ref.Channels {
				t.Errorf("got %d Hz × %d, want %d Hz × %d", s.SampleRate(), s.Channels(), ref.SampleRate, ref.Channels)
			}
			pcm := decodeAll(t, s, 1000)
			frames := int64(len(pcm) / s.Channels())
			if s.Frames() != frames {
				t.Errorf("Frames() = %d, decoded %d", s.Frames(), frames)
			}
			// ffprobe reports an MP3's length before the gapless trim (all frames),
			// so up to encoder delay + padding (≈ 2 MPEG frames, 3 at most) longer
			// than the audio: 80 ms at 44.1 kHz, more at the low MPEG-2.5 rates.
			tol := 0.030
			if ref.Codec == "mp3" {
				spf := 576
				if ref.SampleRate >= 32000 {
					spf = 1152
				}
				tol = max(0.080, 3*float64(spf)/float64(ref.SampleRate))
			}
			dur := float64(frames) / float64(s.SampleRate())
			if math.Abs(dur-ref.Duration) > tol {
				t.Errorf("duration %.4f s, ffprobe %.4f s (tolerance %.3f)", dur, ref.Duration, tol)
			}
			if ref.Codec == "flac" {
				want, bits := codecReadWAVInts(t, filepath.Join(codecDir, strings.TrimSuffix(name, ".flac")+".wav"))
				if len(want) != len(pcm) {
					t.Fatalf("decoded %d samples, source has %d", len(pcm), len(want))
				}
				scale := float32(int64(1) << (bits - 1))
				for i, v := range pcm {
					if int32(v*scale) != want[i] {
						t.Fatalf("sample %d: %v, want %d (not bit-exact)", i, v*scale, want[i])
					}
				}
				return
			}
			want := codecReadS16(t, filepath.Join(codecDir, name+".ref.s16"))
			wantFrames := int64(len(want) / s.Channels())
			if frames != wantFrames {
				t.Errorf("decoded %d frames, ffmpeg decodes %d", frames, wantFrames)
			}
			c, lag := codecCorrelation(pcm, want, s.Channels(), 1200)
			if c < 0.98 {
				t.Errorf("correlation with ffmpeg's decode %.4f at lag %d, want > 0.98", c, lag)
			}
			t.Logf("%d frames, correlation %.4f at lag %d", frames, c, lag)
		})
	}
}

func TestCodecBadInput(t *testing.T) {
	tests := []struct {
		name     string
		mustFail bool // otherwise: a clear error, or the audio that is there then io.EOF
	}{
		{"bad-text.mp3", true},
		{"bad-random.bin", true},
		{"bad-truncated.mp3", false},
		{"bad-truncated.ogg", false},
		{"bad-truncated.opus", false},
		{"bad-truncated.flac", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(codecDir, tt.name))
			if err != nil {
				t.Fatal(err)
			}
			s, _, err := Open(bytes.NewReader(b))
			if err != nil {
				if err.Error() == "" {
					t.Fatal("empty error message")
				}
				t.Logf("rejected: %v", err)
				return
			}
			if tt.mustFail {
				t.Fatalf("opened %s, want an error", tt.name)
			}
			buf := make([]float32, 4096)
			var frames int
			for {
				n, err := s.Read(buf)
				frames += n / s.Channels()
				if err != nil {
					t.Logf("kept %d frames, then %v", frames, err)
					break
				}
			}
		})
	}
}

// TestCodecSeek checks that SeekFrame lands exactly where a straight decode
// is, both as the small fixtures seek (scanning) and with the Ogg and FLAC
// bisection windows made small enough that they bisect as a long file does.
func TestCodecSeek(t *testing.T) {
	for _, window := range []int64{oggSeekWindow, 512} {
		t.Run(fmt.Sprintf("window%d", window), func(t *testing.T) {
			defer func(o, f int64) { oggSeekWindow, flacSeekWindow = o, f }(oggSeekWindow, flacSeekWindow)
			oggSeekWindow, flacSeekWindow = window, window
			testCodecSeek(t)
		})
	}
}

func testCodecSeek(t *testing.T) {
	refs := loadCodecRefs(t)
	for _, name := range codecNames(refs) {
		t.Run(name, func(t *testing.T) {
			s, _ := codecOpenFixture(t, name)
			full := decodeAll(t, s, 1000)
			s, _ = codecOpenFixture(t, name)
			sk, ok := s.(Seeker)
			if !ok {
				t.Fatalf("%T does not implement Seeker", s)
			}
			ch := s.Channels()
			total := len(full) / ch
			for _, at := range []int{total / 2, total / 5, 0, total - 100} {
				if err := sk.SeekFrame(int64(at)); err != nil {
					t.Fatalf("SeekFrame(%d): %v", at, err)
				}
				got := make([]float32, 100*ch)
				n := codecReadFull(s, got)
				got = got[:n-n%ch]
				want := full[at*ch : min(len(full), at*ch+len(got))]
				if len(got) != len(want) {
					t.Fatalf("seek %d: read %d samples, want %d", at, len(got), len(want))
				}
				var maxDiff float64
				for i := range got {
					maxDiff = max(maxDiff, math.Abs(float64(got[i]-want[i])))
				}
				// MP3 and Opus restart their state on seek; FLAC is exact,
				// and so is Vorbis, whose decoder is primed with the packet
				// before the first one it returns.
				limit := 0.02
				if strings.HasSuffix(name, ".flac") || strings.HasSuffix(name, ".ogg") {
					limit = 0
				}
				if maxDiff > limit {
					t.Errorf("seek %d: max difference %.5f from a straight decode", at, maxDiff)
				}
			}
		})
	}
}

// codecReadFull reads until p is full or the stream ends.
func codecReadFull(s Stream, p []float32) int {
	n := 0
	for n < len(p) {
		m, err := s.Read(p[n:])
		n += m
		if err != nil {
			break
		}
	}
	return n
}
