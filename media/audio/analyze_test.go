package audio

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// sliceStream is a Stream over interleaved samples, handing out at most
// chunk samples per Read so tests exercise the streaming boundaries.
type sliceStream struct {
	rate, channels int
	data           []float32
	chunk          int
	frames         int64
	err            error // returned instead of io.EOF at the end, if set
}

var _ Stream = (*sliceStream)(nil)

func newSliceStream(rate, channels int, data []float32) *sliceStream {
	return &sliceStream{rate: rate, channels: channels, data: data, chunk: 1 << 30, frames: -1}
}

func (s *sliceStream) SampleRate() int { return s.rate }
func (s *sliceStream) Channels() int   { return s.channels }
func (s *sliceStream) Frames() int64   { return s.frames }
func (s *sliceStream) Read(dst []float32) (int, error) {
	if len(s.data) == 0 {
		if s.err != nil {
			return 0, s.err
		}
		return 0, io.EOF
	}
	n := min(len(dst), len(s.data), s.chunk)
	n -= n % s.channels
	copy(dst, s.data[:n])
	s.data = s.data[n:]
	return n, nil
}

// readPCM16ForTest reads a canonical 16-bit PCM WAV fixture (the files
// testdata/loudness/make.sh writes). It stands in for the package's WAV
// decoder, which is being written in parallel, and is not a general parser.
func readPCM16ForTest(t testing.TB, path string) (rate, channels int, samples []float32) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		t.Fatalf("%s: not a RIFF/WAVE file", path)
	}
	for p := 12; p+8 <= len(b); {
		id, size := string(b[p:p+4]), int(binary.LittleEndian.Uint32(b[p+4:]))
		body := b[p+8 : min(p+8+size, len(b))]
		switch id {
		case "fmt ":
			if binary.LittleEndian.Uint16(body) != 1 || binary.LittleEndian.Uint16(body[14:]) != 16 {
				t.Fatalf("%s: not 16-bit PCM", path)
			}
			channels = int(binary.LittleEndian.Uint16(body[2:]))
			rate = int(binary.LittleEndian.Uint32(body[4:]))
		case "data":
			samples = make([]float32, len(body)/2)
			for i := range samples {
				samples[i] = float32(int16(binary.LittleEndian.Uint16(body[2*i:]))) / 32768
			}
			return rate, channels, samples
		}
		p += 8 + size + size&1
	}
	t.Fatalf("%s: no data chunk", path)
	return
}

// reference is testdata/loudness/reference.json: ffmpeg's ebur128 figures.
type reference struct {
	Files map[string]struct {
		LUFS float64  `json:"lufs"`
		TP   *float64 `json:"true_peak_dbtp"` // null: -inf (silence)
	} `json:"files"`
}

func loadReference(t *testing.T) reference {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "loudness", "reference.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref reference
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Files) == 0 {
		t.Fatal("reference.json lists no files")
	}
	return ref
}

func TestAnalyzeMatchesFFmpeg(t *testing.T) {
	ref := loadReference(t)
	for name, want := range ref.Files {
		t.Run(name, func(t *testing.T) {
			rate, nch, samples := readPCM16ForTest(t, filepath.Join("testdata", "loudness", name))
			s := newSliceStream(rate, nch, samples)
			s.chunk = 1000 * nch // odd-sized reads cross hop and FIR boundaries
			a, err := Analyze(s, AnalyzeOptions{})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%-22s LUFS ours %7.2f ffmpeg %6.1f | dBTP ours %7.2f ffmpeg %v", name, a.LoudnessLUFS, want.LUFS, a.TruePeakDBTP, fmtRef(want.TP))
			if math.Abs(a.LoudnessLUFS-want.LUFS) > 0.5 {
				t.Errorf("loudness %.2f LUFS, ffmpeg %.1f", a.LoudnessLUFS, want.LUFS)
			}
			if want.TP == nil {
				if a.TruePeakDBTP != SilenceDBTP {
					t.Errorf("true peak %.2f dBTP, want the silence floor %v", a.TruePeakDBTP, SilenceDBTP)
				}
			} else if math.Abs(a.TruePeakDBTP-*want.TP) > 1 {
				t.Errorf("true peak %.2f dBTP, ffmpeg %.1f", a.TruePeakDBTP, *want.TP)
			}
			if a.Frames != int64(len(samples)/nch) {
				t.Errorf("frames %d, want %d", a.Frames, len(samples)/nch)
			}
			if _, err := json.Marshal(a); err != nil {
				t.Errorf("analysis does not encode: %v", err)
			}
		})
	}
}

func fmtRef(p *float64) string {
	if p == nil {
		return "-inf"
	}
	return fmt.Sprintf("%.1f", *p)
}

// badStream misbehaves the ways a buggy decoder might.
type badStream struct {
	rate, channels int
	n              int   // samples claimed per Read
	err            error // returned with them
}

func (s *badStream) SampleRate() int { return s.rate }
func (s *badStream) Channels() int   { return s.channels }
func (s *badStream) Frames() int64   { return -1 }
func (s *badStream) Read(dst []float32) (int, error) {
	return s.n, s.err
}

func TestAnalyzeBadStreams(t *testing.T) {
	boom := errors.New("boom")
	for _, c := range []struct {
		name string
		s    Stream
		want error // nil: any error
	}{
		{"zero rate", &badStream{rate: 0, channels: 1}, nil},
		{"huge rate", &badStream{rate: 1 << 30, channels: 1}, nil},
		{"no channels", &badStream{rate: 8000, channels: 0}, nil},
		{"too many channels", &badStream{rate: 8000, channels: 1000}, nil},
		{"negative count", &badStream{rate: 8000, channels: 1, n: -1}, nil},
		{"count past the buffer", &badStream{rate: 8000, channels: 1, n: 1 << 20}, nil},
		{"partial frame", &badStream{rate: 8000, channels: 2, n: 3}, nil},
		{"no progress", &badStream{rate: 8000, channels: 1}, io.ErrNoProgress},
		{"read error", &badStream{rate: 8000, channels: 1, err: boom}, boom},
		{"error after audio", &sliceStream{rate: 8000, channels: 1, data: make([]float32, 5000), chunk: 1000, err: boom}, boom},
		{"empty", newSliceStream(8000, 1, nil), ErrNoAudio},
	} {
		t.Run(c.name, func(t *testing.T) {
			a, err := Analyze(c.s, AnalyzeOptions{})
			if err == nil || (c.want != nil && !errors.Is(err, c.want)) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			if _, jerr := json.Marshal(a); jerr != nil {
				t.Errorf("analysis does not encode: %v", jerr)
			}
		})
	}
}

func TestAnalyzeSynthetic(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	for _, c := range []struct {
		name           string
		rate, channels int
		samples        []float32
		lufs, dbtp     float64 // expected, ± 0.1
		durationMS     int64
	}{
		{"silence", 8000, 1, make([]float32, 8000), SilenceLUFS, SilenceDBTP, 1000},
		{"too short to gate", 48000, 2, sine(48000, 2, 4800, 1000, 0.5, 0, 1), SilenceLUFS, -6.02, 100},
		{"EBU 3341 test 1", 48000, 2, sine(48000, 2, 20*48000, 1000, dbAmp(-23), 0, 1), -23, -23, 20000},
		{"one channel of stereo", 44100, 2, sine(44100, 2, 44100*3/2, 997, 1, 0), -3.01, 0, 1500},
		{"corrupt floats", 8000, 1, append([]float32{nan, inf, -inf}, make([]float32, 7997)...), SilenceLUFS, SilenceDBTP, 1000},
		{"rounded duration", 8000, 1, make([]float32, 8004), SilenceLUFS, SilenceDBTP, 1001},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, chunk := range []int{c.channels, 777 * c.channels, 1 << 30} {
				s := newSliceStream(c.rate, c.channels, slices.Clone(c.samples))
				s.chunk = chunk
				a, err := Analyze(s, AnalyzeOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if math.Abs(a.LoudnessLUFS-c.lufs) > 0.1 || math.Abs(a.TruePeakDBTP-c.dbtp) > 0.1 {
					t.Errorf("chunk %d: %.3f LUFS %.3f dBTP, want %.2f and %.2f", chunk, a.LoudnessLUFS, a.TruePeakDBTP, c.lufs, c.dbtp)
				}
				if a.DurationMS != c.durationMS || a.Frames != int64(len(c.samples)/c.channels) || a.SampleRate != c.rate || a.Channels != c.channels {
					t.Errorf("chunk %d: %+v", chunk, a)
				}
				if a.Peaks.SampleRate != c.rate || a.Peaks.SamplesPerPixel != c.rate/100 || a.Peaks.Length != int((a.Frames+int64(c.rate/100)-1)/int64(c.rate/100)) {
					t.Errorf("chunk %d: peaks header %d Hz, %d spp, %d px", chunk, a.Peaks.SampleRate, a.Peaks.SamplesPerPixel, a.Peaks.Length)
				}
				if _, err := json.Marshal(a); err != nil {
					t.Errorf("analysis does not encode: %v", err)
				}
			}
		})
	}
}

func TestAnalyzeOptions(t *testing.T) {
	x := speechLike(8000, 1, 8000*10, 1)
	a, err := Analyze(newSliceStream(8000, 1, x), AnalyzeOptions{SamplesPerPixel: 8})
	if err != nil {
		t.Fatal(err)
	}
	if a.Peaks.SamplesPerPixel != 8 || a.Peaks.Length != 10000 {
		t.Errorf("spp 8: got spp %d, %d px", a.Peaks.SamplesPerPixel, a.Peaks.Length)
	}
	a, err = Analyze(newSliceStream(8000, 1, x), AnalyzeOptions{SamplesPerPixel: 8, MaxPixels: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if a.Peaks.SamplesPerPixel != 128 || a.Peaks.Length != 625 {
		t.Errorf("spp 8, cap 1000: got spp %d, %d px", a.Peaks.SamplesPerPixel, a.Peaks.Length)
	}
}

// The fixtures through the package's own WAV decoder (Open) must measure as
// through the test reader: Analyze sees the same samples either way.
func TestAnalyzeThroughOpen(t *testing.T) {
	for name := range loadReference(t).Files {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("testdata", "loudness", name)
			rate, nch, samples := readPCM16ForTest(t, path)
			want, err := Analyze(newSliceStream(rate, nch, samples), AnalyzeOptions{})
			if err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			s, _, err := Open(f)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Analyze(s, AnalyzeOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got.Frames != want.Frames || got.SampleRate != want.SampleRate || got.Channels != want.Channels ||
				math.Abs(got.LoudnessLUFS-want.LoudnessLUFS) > 0.01 || math.Abs(got.TruePeakDBTP-want.TruePeakDBTP) > 0.01 {
				t.Errorf("through Open: %+v\nthrough the test reader: %+v", got, want)
			}
		})
	}
}
