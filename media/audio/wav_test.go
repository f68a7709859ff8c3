package audio

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The fixtures in testdata/wav are made by testdata/wav/make-wav-fixtures.sh;
// reference.json holds what ffprobe says about each one and NAME.s16 is
// ffmpeg's decode of the lossy ones.

type wavRef struct {
	File       string  `json:"file"`
	Codec      string  `json:"codec"`
	SampleRate int     `json:"sample_rate"`
	Channels   int     `json:"channels"`
	Duration   float64 `json:"duration"`
	Decoded    int64   `json:"decoded_frames"`
}

func loadWAVRefs(t testing.TB) []wavRef {
	t.Helper()
	b, err := os.ReadFile("testdata/wav/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var refs []wavRef
	if err := json.Unmarshal(b, &refs); err != nil {
		t.Fatal(err)
	}
	if len(refs) < 20 {
		t.Fatalf("reference.json lists %d fixtures, want all of them", len(refs))
	}
	return refs
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata/wav", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// openWAVBytes opens b and fails the test on error.
func openWAVBytes(t testing.TB, b []byte) (*wavStream, string) {
	t.Helper()
	s, codec, err := openWAV(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("openWAV: %v", err)
	}
	return s.(*wavStream), codec
}

// decodeAll reads s to io.EOF in reads of bufFrames frames.
func decodeAll(t testing.TB, s Stream, bufFrames int) []float32 {
	t.Helper()
	buf := make([]float32, bufFrames*s.Channels())
	var out []float32
	for range 1 << 20 {
		n, err := s.Read(buf)
		if n%s.Channels() != 0 {
			t.Fatalf("Read returned %d samples, not a multiple of %d channels", n, s.Channels())
		}
		out = append(out, buf[:n]...)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("Read: %v", err)
		}
	}
	t.Fatal("Read never returned io.EOF")
	return nil
}

func decodeFixture(t testing.TB, name string) ([]float32, *wavStream) {
	t.Helper()
	s, _ := openWAVBytes(t, readFixture(t, name))
	return decodeAll(t, s, 4096), s
}

// TestWAVMatchesFFprobe checks codec, rate, channels and duration of every
// fixture against ffprobe, and that Frames agrees with what Read delivers.
func TestWAVMatchesFFprobe(t *testing.T) {
	for _, ref := range loadWAVRefs(t) {
		t.Run(ref.File, func(t *testing.T) {
			s, info, err := Open(bytes.NewReader(readFixture(t, ref.File)))
			if err != nil {
				t.Fatal(err)
			}
			if info.Format != FormatWAV || info.Codec != ref.Codec {
				t.Errorf("format/codec = %s/%s, ffprobe says wav/%s", info.Format, info.Codec, ref.Codec)
			}
			if s.SampleRate() != ref.SampleRate || s.Channels() != ref.Channels {
				t.Errorf("rate/channels = %d/%d, ffprobe says %d/%d", s.SampleRate(), s.Channels(), ref.SampleRate, ref.Channels)
			}
			samples := decodeAll(t, s, 1000)
			frames := int64(len(samples) / s.Channels())
			if s.Frames() != frames {
				t.Errorf("Frames() = %d, Read delivered %d", s.Frames(), frames)
			}
			tol := 0.001 // PCM: within 1 ms
			fpb := int64(s.(*wavStream).fpb)
			if fpb > 1 {
				tol = float64(fpb) / float64(ref.SampleRate) // block codecs: within one block
			}
			// ffmpeg does not trim the last block to fact when it decodes.
			if d := frames - ref.Decoded; d > 0 || d < 0 && (fpb == 1 || -d >= fpb) {
				t.Errorf("decoded %d frames, ffmpeg %d", frames, ref.Decoded)
			}
			if ref.File == "truncated-ima.wav" {
				return // ffprobe's duration is the header's claim, not the audio there
			}
			if d := float64(frames) / float64(s.SampleRate()); math.Abs(d-ref.Duration) > tol {
				t.Errorf("duration = %.6f s, ffprobe says %.6f s (tolerance %.4f)", d, ref.Duration, tol)
			}
		})
	}
}

// TestWAVMatchesFFmpegDecode compares our samples of the lossy fixtures with
// ffmpeg's decode (libgsm for GSM).
func TestWAVMatchesFFmpegDecode(t *testing.T) {
	tests := []struct {
		file    string
		maxDiff int // in 16-bit steps
	}{
		{"mulaw.wav", 0},
		{"mulaw-ext.wav", 0},
		{"alaw.wav", 0},
		{"ima-mono.wav", 0},
		{"ima-stereo.wav", 0},
		{"ima-sox.wav", 0},
		{"gsm.wav", 0},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, _ := decodeFixture(t, tt.file)
			raw := readFixture(t, strings.TrimSuffix(tt.file, ".wav")+".s16")
			want := make([]float32, len(raw)/2)
			decodeS16(want, raw)
			n := min(len(got), len(want))
			if n < len(want)*9/10 {
				t.Fatalf("decoded %d samples, ffmpeg %d", len(got), len(want))
			}
			diff, at := 0, 0
			for i := range n {
				if d := int(math.Abs(float64(got[i]-want[i])) * 32768); d > diff {
					diff, at = d, i
				}
			}
			if c := correlation(got[:n], want[:n]); c < 0.99 {
				t.Errorf("correlation with ffmpeg = %.4f, want > 0.99", c)
			}
			if diff > tt.maxDiff {
				t.Errorf("max difference with ffmpeg = %d (at sample %d: %v vs %v), want <= %d",
					diff, at, got[at]*32768, want[at]*32768, tt.maxDiff)
			}
		})
	}
}

func correlation(a, b []float32) float64 {
	var ab, aa, bb float64
	for i := range a {
		ab += float64(a[i]) * float64(b[i])
		aa += float64(a[i]) * float64(a[i])
		bb += float64(b[i]) * float64(b[i])
	}
	if aa == 0 || bb == 0 {
		return 0
	}
	return ab / math.Sqrt(aa*bb)
}

// TestWAVSameAudio checks that fixtures holding the same audio in different
// containers, sample formats or broken headers decode to the same samples.
func TestWAVSameAudio(t *testing.T) {
	mono, _ := decodeFixture(t, "s16-mono.wav")
	stereo, _ := decodeFixture(t, "s16-stereo.wav")
	short, _ := decodeFixture(t, "rf64.wav") // 0.25 s, 16-bit
	ima, _ := decodeFixture(t, "ima-mono.wav")
	left, right := make([]float32, len(stereo)/2), make([]float32, len(stereo)/2)
	for i := range left {
		left[i], right[i] = stereo[2*i], -2*stereo[2*i+1]
	}
	tests := []struct {
		file string
		want []float32
		tol  float32
	}{
		{"odd-chunks.wav", mono, 0},
		{"data-size-0.wav", mono, 0},
		{"data-size-ffffffff.wav", mono, 0},
		{"truncated.wav", mono[:3200], 0},
		{"lying-size.wav", mono[:1600], 0},
		{"s16-stereo-ext.wav", stereo, 0},
		{"s24-ext.wav", short, 0},
		{"s32-ext.wav", short, 0},
		{"f32.wav", short, 0},
		{"rf64-trailer.wav", short, 0},
		{"f32-ext.wav", short, 0},
		{"f64.wav", short, 0},
		{"u8.wav", mono, 2.0 / 128}, // sox dithers down to 8 bits
		{"truncated-ima.wav", ima[:2*2041+1+74*8], 0},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, _ := decodeFixture(t, tt.file)
			if len(got) != len(tt.want) {
				t.Fatalf("decoded %d samples, want %d", len(got), len(tt.want))
			}
			for i := range got {
				if d := got[i] - tt.want[i]; d > tt.tol || d < -tt.tol {
					t.Fatalf("sample %d = %v, want %v (tolerance %v)", i, got[i], tt.want[i], tt.tol)
				}
			}
		})
	}
	// Stereo keeps its channel order: right is the left inverted at half level.
	if len(left) != len(mono) {
		t.Fatalf("stereo has %d frames, mono %d", len(left), len(mono))
	}
	for i := range left {
		if left[i] != mono[i] || math.Abs(float64(right[i]-mono[i])) > 3.0/32768 {
			t.Fatalf("frame %d: L=%v R=%v, want L=%v R≈%v", i, left[i], right[i], mono[i], -mono[i]/2)
		}
	}
	// And the first 16-bit sample is the file's first data word.
	raw := readFixture(t, "s16-mono.wav")
	first := int16(binary.LittleEndian.Uint16(raw[44:]))
	if mono[0] != float32(first)/32768 {
		t.Errorf("first sample %v, data word %d", mono[0], first)
	}
}

// TestWAVReadSizes checks every buffer size gives the same samples, including
// buffers smaller than one codec block.
func TestWAVReadSizes(t *testing.T) {
	for _, name := range []string{"s16-stereo.wav", "u8.wav", "alaw.wav", "ima-stereo.wav", "ima-sox.wav", "gsm.wav", "truncated-ima.wav"} {
		want, _ := decodeFixture(t, name)
		for _, frames := range []int{1, 3, 160, 321, 2041, 100000} {
			s, _ := openWAVBytes(t, readFixture(t, name))
			got := decodeAll(t, s, frames)
			if !equalSamples(got, want) {
				t.Errorf("%s read %d frames at a time: %d samples differ from a 4096-frame read (%d)", name, frames, len(got), len(want))
			}
		}
	}
}

func equalSamples(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestWAVSeek checks SeekFrame lands exactly on the frame, inside and across
// codec blocks, and that seeking to or past the end gives io.EOF.
func TestWAVSeek(t *testing.T) {
	for _, name := range []string{"s16-mono.wav", "s16-stereo.wav", "s24-ext.wav", "f64.wav", "mulaw.wav", "ima-mono.wav", "ima-stereo.wav", "ima-sox.wav", "truncated.wav", "data-size-0.wav", "gsm.wav"} {
		t.Run(name, func(t *testing.T) {
			all, s0 := decodeFixture(t, name)
			ch := s0.channels
			frames := int64(len(all) / ch)
			fpb := int64(s0.fpb)
			for _, f := range []int64{0, 1, fpb - 1, fpb, fpb + 7, 2*fpb + 100, frames / 2, frames - 1, frames, frames + 5} {
				if f < 0 {
					continue
				}
				s, _ := openWAVBytes(t, readFixture(t, name))
				decodeAll(t, s, 333) // seek from the end, not a fresh stream
				if err := s.SeekFrame(f); err != nil {
					t.Fatalf("SeekFrame(%d): %v", f, err)
				}
				got := decodeAll(t, s, 500)
				var want []float32
				if f < frames {
					want = all[f*int64(ch):]
				}
				if len(got) != len(want) {
					t.Fatalf("after SeekFrame(%d) read %d samples, want %d", f, len(got), len(want))
				}
				// GSM's filters restart at the pre-roll block, so its audio
				// after a seek may differ by a few least significant bits.
				if name == "gsm.wav" && f != 0 {
					if !closeSamples(got, want, 64.0/32768) {
						t.Fatalf("after SeekFrame(%d) GSM audio differs by more than 64 LSB", f)
					}
				} else if !equalSamples(got, want) {
					t.Fatalf("after SeekFrame(%d) samples differ", f)
				}
			}
			var sk Seeker = s0
			if err := sk.SeekFrame(-1); err == nil {
				t.Error("SeekFrame(-1) gave no error")
			}
		})
	}
}

func closeSamples(a, b []float32, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(float64(a[i]-b[i])) > tol {
			return false
		}
	}
	return true
}

// wavHeader builds a canonical header for the error and memory tests.
func wavHeader(tag, channels uint16, rate uint32, blockAlign, bits uint16, extra []byte, dataSize uint32) []byte {
	var b bytes.Buffer
	fmtSize := 16
	if extra != nil {
		fmtSize = 18 + len(extra)
	}
	b.WriteString("RIFF")
	binary.Write(&b, binary.LittleEndian, uint32(0))
	b.WriteString("WAVEfmt ")
	binary.Write(&b, binary.LittleEndian, uint32(fmtSize))
	for _, v := range []any{tag, channels, rate, rate * uint32(blockAlign), blockAlign, bits} {
		binary.Write(&b, binary.LittleEndian, v)
	}
	if extra != nil {
		binary.Write(&b, binary.LittleEndian, uint16(len(extra)))
		b.Write(extra)
	}
	b.WriteString("data")
	binary.Write(&b, binary.LittleEndian, dataSize)
	return b.Bytes()
}

func TestWAVErrors(t *testing.T) {
	s16 := readFixture(t, "s16-mono.wav")
	fmtOnly := s16[:36]
	extGUID := func(sub uint16, tail string) []byte {
		e := []byte{16, 0, 4, 0, 0, 0, byte(sub), byte(sub >> 8)}
		return append(e, tail...)
	}
	ksTail := "\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71"
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "not a RIFF/WAVE file"},
		{"not riff", []byte("ID3\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"), "not a RIFF/WAVE file"},
		{"riff not wave", []byte("RIFF\x04\x00\x00\x00AVI "), "not a RIFF/WAVE file"},
		{"no chunks", []byte("RIFF\x04\x00\x00\x00WAVE"), "missing fmt chunk"},
		{"only LIST", []byte("RIFF\x10\x00\x00\x00WAVELIST\x04\x00\x00\x00INFO"), "missing fmt chunk"},
		{"missing data", fmtOnly, "missing data chunk"},
		{"data before fmt", []byte("RIFF\x10\x00\x00\x00WAVEdata\x02\x00\x00\x00\x00\x00"), "missing fmt chunk"},
		{"short fmt", []byte("RIFF\x10\x00\x00\x00WAVEfmt \x04\x00\x00\x00\x01\x00\x01\x00"), "fmt chunk too short"},
		{"mp3 in wav", wavHeader(0x55, 1, 8000, 1, 0, nil, 0), "unsupported WAV format tag 0x0055 (MP3 in WAV)"},
		{"ms adpcm", wavHeader(0x02, 1, 8000, 256, 4, nil, 0), "unsupported WAV format tag 0x0002 (Microsoft ADPCM)"},
		{"unknown tag", wavHeader(0x1234, 1, 8000, 1, 8, nil, 0), "unsupported WAV format tag 0x1234 (unknown codec)"},
		{"zero channels", wavHeader(1, 0, 8000, 2, 16, nil, 0), "zero channels"},
		{"nine channels", wavHeader(1, 9, 8000, 18, 16, nil, 0), "9 channels"},
		{"zero rate", wavHeader(1, 1, 0, 2, 16, nil, 0), "zero sample rate"},
		{"absurd rate", wavHeader(1, 1, 0xFFFFFFFF, 2, 16, nil, 0), "absurd"},
		{"12-bit pcm", wavHeader(1, 1, 8000, 2, 12, nil, 0), "unsupported PCM sample size 12"},
		{"16-bit float", wavHeader(3, 1, 8000, 2, 16, nil, 0), "unsupported IEEE float sample size 16"},
		{"16-bit mulaw", wavHeader(7, 1, 8000, 2, 16, nil, 0), "G.711 sample size 16"},
		{"ima block align 4", wavHeader(0x11, 1, 8000, 4, 4, []byte{1, 0}, 0), "absurd IMA ADPCM block align 4"},
		{"ima block align 0", wavHeader(0x11, 2, 8000, 0, 4, []byte{1, 0}, 0), "absurd IMA ADPCM block align 0"},
		{"ima 3 bits", wavHeader(0x11, 1, 8000, 256, 3, []byte{1, 0}, 0), "IMA ADPCM sample size 3"},
		{"gsm block align 33", wavHeader(0x31, 1, 8000, 33, 0, []byte{64, 1}, 0), "GSM 6.10 block align 33"},
		{"gsm stereo", wavHeader(0x31, 2, 8000, 130, 0, []byte{64, 1}, 0), "GSM 6.10 in WAV is mono"},
		{"extensible short", wavHeader(0xFFFE, 1, 8000, 2, 16, []byte{0, 0}, 0), "WAVE_FORMAT_EXTENSIBLE fmt chunk too short"},
		{"extensible ambisonic", wavHeader(0xFFFE, 1, 8000, 2, 16, extGUID(1, "\x00\x00\x00\x00\x21\x07\xd3\x11\x86\x44\xc8\xc1\xca\x00\x00\x00"), 0), "unsupported WAVE_FORMAT_EXTENSIBLE sub-format"},
		{"extensible mp3", wavHeader(0xFFFE, 1, 8000, 1, 0, extGUID(0x55, ksTail), 0), "0x0055 (MP3 in WAV)"},
		{"extensible in extensible", wavHeader(0xFFFE, 1, 8000, 2, 16, extGUID(0xFFFE, ksTail), 0), "itself extensible"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, err := openWAV(bytes.NewReader(tt.in))
			if err == nil {
				t.Fatalf("no error; stream %+v", s)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q, want it to say %q", err, tt.want)
			}
		})
	}
}

// TestWAVEmptyData checks a header with no audio gives zero frames and EOF.
func TestWAVEmptyData(t *testing.T) {
	s16 := readFixture(t, "s16-mono.wav")
	s, _ := openWAVBytes(t, s16[:44])
	if s.Frames() != 0 {
		t.Errorf("Frames() = %d, want 0", s.Frames())
	}
	if n, err := s.Read(make([]float32, 10)); n != 0 || !errors.Is(err, io.EOF) {
		t.Errorf("Read = %d, %v; want 0, io.EOF", n, err)
	}
}

// TestWAVCompressedNoFact checks the frame count of compressed WAVs whose
// fact chunk is missing or 0: Frames() is what Read delivers, never -1, and
// an empty data chunk reads as zero frames then io.EOF (FuzzWAV found
// Frames() == -1 with an empty IMA or GSM data chunk and no fact).
func TestWAVCompressedNoFact(t *testing.T) {
	ima := func(ch uint16) []byte { return wavHeader(0x11, ch, 8000, 256*ch, 4, []byte{0xf9, 0x01}, 0) }
	gsm := wavHeader(0x31, 1, 8000, 65, 0, []byte{64, 1}, 0)
	withFact := func(h []byte, fact uint32, data []byte) []byte {
		// fact goes before data: cut the data header, add fact, put it back.
		b := bytes.Clone(h[:len(h)-8])
		b = append(b, "fact\x04\x00\x00\x00"...)
		b = binary.LittleEndian.AppendUint32(b, fact)
		b = append(b, "data"...)
		b = binary.LittleEndian.AppendUint32(b, uint32(len(data)))
		return append(b, data...)
	}
	block := make([]byte, 20) // a header and four 8-frame groups of a 256-byte block
	tests := []struct {
		name string
		in   []byte
		want int64
	}{
		{"ima mono, empty data", ima(1), 0},
		{"ima stereo, empty data", ima(2), 0},
		{"gsm, empty data", gsm, 0},
		{"ima, fact 0, empty data", withFact(ima(1), 0, nil), 0},
		{"ima, fact 0, part of a block", withFact(ima(1), 0, block), 33},
		{"ima, no fact, part of a block", append(ima(1), block...), 33},
		{"gsm, fact 0, one block", withFact(gsm, 0, make([]byte, 65)), 320},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := openWAVBytes(t, tt.in)
			if s.Frames() != tt.want {
				t.Errorf("Frames() = %d, want %d", s.Frames(), tt.want)
			}
			if got := int64(len(decodeAll(t, s, 100))); got != tt.want {
				t.Errorf("Read delivered %d frames, want %d", got, tt.want)
			}
			if n, err := s.Read(make([]float32, 10)); n != 0 || !errors.Is(err, io.EOF) {
				t.Errorf("Read after the end = %d, %v; want 0, io.EOF", n, err)
			}
		})
	}
}

// endlessPCM is a ReadSeeker over a long PCM WAV it synthesizes on the fly, so
// the test can decode an hour of audio without holding it.
type endlessPCM struct {
	head []byte
	size int64
	off  int64
}

func (e *endlessPCM) Read(p []byte) (int, error) {
	if e.off >= e.size {
		return 0, io.EOF
	}
	n := int(min(int64(len(p)), e.size-e.off))
	for i := range n {
		o := e.off + int64(i)
		if o < int64(len(e.head)) {
			p[i] = e.head[o]
		} else {
			p[i] = byte(o * 7)
		}
	}
	e.off += int64(n)
	return n, nil
}

func (e *endlessPCM) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		off += e.off
	case io.SeekEnd:
		off += e.size
	}
	if off < 0 {
		return 0, errors.New("negative seek")
	}
	e.off = off
	return off, nil
}

// TestWAVLongCallMemory decodes an hour of 8 kHz µ-law and checks the decoder
// allocated only its fixed buffers.
func TestWAVLongCallMemory(t *testing.T) {
	const frames = 3600 * 8000
	head := wavHeader(7, 1, 8000, 1, 8, nil, frames)
	r := &endlessPCM{head: head, size: int64(len(head)) + frames}
	buf := make([]float32, 4096)
	var before, after runtimeMem
	before.read()
	s, _, err := openWAV(r)
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	for {
		n, err := s.Read(buf)
		total += int64(n)
		if err != nil {
			break
		}
	}
	after.read()
	if total != frames {
		t.Errorf("decoded %d frames, want %d", total, frames)
	}
	if a := after.total - before.total; a > 1<<20 {
		t.Errorf("decoding an hour allocated %d bytes, want < 1 MiB", a)
	}
}

type runtimeMem struct{ total uint64 }

func (m *runtimeMem) read() {
	var s runtime.MemStats
	runtime.ReadMemStats(&s)
	m.total = s.TotalAlloc
}

// FuzzWAV feeds arbitrary bytes to openWAV and reads everything: no panic,
// no hang, bounded memory, and Read delivers exactly Frames() frames.
// Its seeds are testdata/fuzz/FuzzWAV: each fixture's first 600 bytes
// (testdata/make-fuzz-seeds.sh) and the regressions it found.
func FuzzWAV(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		s, _, err := openWAV(bytes.NewReader(data))
		if err != nil {
			return
		}
		ch := s.Channels()
		if ch < 1 || ch > wavMaxChannels || s.SampleRate() < 1 {
			t.Fatalf("opened with %d channels at %d Hz", ch, s.SampleRate())
		}
		buf := make([]float32, 999*ch)
		read := func() int64 {
			var frames int64
			for {
				n, err := s.Read(buf)
				if n%ch != 0 {
					t.Fatalf("Read returned %d samples for %d channels", n, ch)
				}
				frames += int64(n / ch)
				// Every codec yields at most 5 frames per input byte (GSM).
				if frames > 5*int64(len(data))+1 {
					t.Fatalf("decoded %d frames from %d bytes", frames, len(data))
				}
				if errors.Is(err, io.EOF) {
					return frames
				}
				if err != nil {
					t.Fatalf("Read: %v", err)
				}
			}
		}
		if got := read(); got != s.Frames() {
			t.Fatalf("Read delivered %d frames, Frames() says %d", got, s.Frames())
		}
		if err := s.(Seeker).SeekFrame(s.Frames() / 3); err != nil {
			t.Fatal(err)
		}
		if got := read(); got != s.Frames()-s.Frames()/3 {
			t.Fatalf("after seeking to %d of %d, read %d frames", s.Frames()/3, s.Frames(), got)
		}
	})
}

// riffChunk returns the body of the first chunk called id in a RIFF file.
func riffChunk(t testing.TB, b []byte, id string) []byte {
	t.Helper()
	for off := 12; off+8 <= len(b); {
		size := int(binary.LittleEndian.Uint32(b[off+4:]))
		if string(b[off:off+4]) == id {
			return b[off+8 : min(off+8+size, len(b))]
		}
		off += 8 + size + size&1
	}
	t.Fatalf("no %q chunk", id)
	return nil
}

// BenchmarkWAVDecode decodes about 60 s of each codec, the fixture's blocks
// repeated, and reports how many times faster than real time it runs.
func BenchmarkWAVDecode(b *testing.B) {
	for _, name := range []string{"u8", "s16-mono", "s16-stereo", "s24-ext", "s32-ext", "f32", "f64",
		"mulaw", "alaw", "ima-mono", "ima-stereo", "gsm"} {
		b.Run(name, func(b *testing.B) {
			raw := readFixture(b, name+".wav")
			s, _ := openWAVBytes(b, raw)
			fmtChunk := riffChunk(b, raw, "fmt ")
			data := riffChunk(b, raw, "data")
			data = data[:len(data)/s.blockAlign*s.blockAlign]
			seconds := float64(len(data)/s.blockAlign*s.fpb) / float64(s.rate)
			reps := int(math.Ceil(60 / seconds))
			var file bytes.Buffer
			file.WriteString("RIFF\x00\x00\x00\x00WAVEfmt ")
			binary.Write(&file, binary.LittleEndian, uint32(len(fmtChunk)))
			file.Write(fmtChunk)
			if len(fmtChunk)&1 == 1 {
				file.WriteByte(0)
			}
			file.WriteString("data")
			binary.Write(&file, binary.LittleEndian, uint32(reps*len(data)))
			file.Write(bytes.Repeat(data, reps))
			in := file.Bytes()
			audio := seconds * float64(reps)
			buf := make([]float32, 4096*s.channels)
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				st, _, err := openWAV(bytes.NewReader(in))
				if err != nil {
					b.Fatal(err)
				}
				for {
					if _, err := st.Read(buf); err != nil {
						break
					}
				}
			}
			b.ReportMetric(audio*float64(b.N)/b.Elapsed().Seconds(), "x-realtime")
		})
	}
}

// TestWAVMultichannel checks more than two channels decode in order: the
// room plays 1-2, but analysis of a 5.1 export must not fail.
func TestWAVMultichannel(t *testing.T) {
	const ch, frames = 6, 100
	var data bytes.Buffer
	for f := range frames {
		for c := range ch {
			binary.Write(&data, binary.LittleEndian, int16(f*ch+c))
		}
	}
	in := append(wavHeader(1, ch, 48000, 2*ch, 16, nil, uint32(data.Len())), data.Bytes()...)
	s, codec := openWAVBytes(t, in)
	if codec != "pcm_s16le" || s.Channels() != ch || s.Frames() != frames {
		t.Fatalf("codec %s, %d channels, %d frames", codec, s.Channels(), s.Frames())
	}
	got := decodeAll(t, s, 7)
	for i, v := range got {
		if v != float32(i)/32768 {
			t.Fatalf("sample %d = %v, want %v", i, v*32768, i)
		}
	}
}

// TestWAVReadDoesNotAllocate guards the hot path the Raspberry Pi runs for
// an hour-long call.
func TestWAVReadDoesNotAllocate(t *testing.T) {
	for _, name := range []string{"s16-stereo.wav", "mulaw.wav", "ima-stereo.wav", "gsm.wav"} {
		raw := readFixture(t, name)
		s, _ := openWAVBytes(t, raw)
		buf := make([]float32, 100*s.channels)
		allocs := testing.AllocsPerRun(50, func() {
			if _, err := s.Read(buf); errors.Is(err, io.EOF) {
				s.SeekFrame(0)
			}
		})
		if allocs != 0 {
			t.Errorf("%s: Read allocates %v times per call", name, allocs)
		}
	}
}

// TestWAVFactTrim checks fact trims only the last block's padding and is
// ignored when it would drop real audio.
func TestWAVFactTrim(t *testing.T) {
	raw := readFixture(t, "ima-sox.wav") // 256-byte blocks of 505 frames, fact 8000
	all, s0 := decodeFixture(t, "ima-sox.wav")
	whole := int64(len(riffChunk(t, raw, "data"))/s0.blockAlign) * int64(s0.fpb)
	tests := []struct {
		fact uint32
		want int64
	}{
		{8000, 8000},
		{uint32(whole) - 1, whole - 1},
		{uint32(whole), whole},
		{uint32(whole) + 5000, whole}, // says more than there is: truncated file
		{0, whole},                    // unfinished export
		{1, whole},                    // would drop 15 blocks: not trusted
	}
	for _, tt := range tests {
		in := bytes.Clone(raw)
		binary.LittleEndian.PutUint32(riffChunk(t, in, "fact"), tt.fact)
		s, _ := openWAVBytes(t, in)
		got := decodeAll(t, s, 1000)
		if int64(len(got)) != tt.want || s.Frames() != tt.want {
			t.Errorf("fact %d: decoded %d frames, Frames() %d, want %d", tt.fact, len(got), s.Frames(), tt.want)
		}
		if n := min(len(got), len(all)); !equalSamples(got[:n], all[:n]) {
			t.Errorf("fact %d: samples differ", tt.fact)
		}
	}
}
