package redact

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"customerroom/media/audio"
)

// speechLike is a deterministic stand-in for a call: band-limited noise
// shaped by a 4 Hz syllable envelope, a 180 Hz voiced component, pauses, and
// a few full-scale samples so the clipping edges of int16 are covered.
func speechLike(frames, ch int, seed uint64) []int16 {
	rng := rand.New(rand.NewPCG(seed, 1))
	out := make([]int16, frames*ch)
	var lp [8]float64
	for f := range frames {
		t := float64(f) / 8000
		env := math.Max(0, math.Sin(2*math.Pi*4*t))
		for c := range ch {
			lp[c] = 0.7*lp[c] + 0.3*(rng.Float64()*2-1)
			v := env * (0.35*lp[c] + 0.3*math.Sin(2*math.Pi*180*t+float64(c)))
			out[f*ch+c] = int16(math.Round(v * 32767))
		}
	}
	for i := 0; i+1 < len(out); i += 997 {
		out[i], out[i+1] = 32767, -32768
	}
	return out
}

// writeWAV16 writes a canonical 16-bit PCM WAV; it is the fixture generator
// for these tests (nothing is checked in: the audio is made here).
func writeWAV16(t testing.TB, path string, rate, ch int, samples []int16) {
	t.Helper()
	data := make([]byte, 2*len(samples))
	for i, v := range samples {
		binary.LittleEndian.PutUint16(data[2*i:], uint16(v))
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(append(wavHeader(rate, ch, int64(len(data))), data...)); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// decoded is a whole decoded file, for assertions.
type decoded struct {
	rate, ch int
	frames   int64 // as announced by Frames()
	s        []float32
}

func decodeFile(t testing.TB, path string) decoded {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, _, err := audio.Open(f)
	if err != nil {
		t.Fatal(err)
	}
	d := decoded{rate: s.SampleRate(), ch: s.Channels(), frames: s.Frames()}
	buf := make([]float32, 4096*d.ch)
	for {
		n, err := s.Read(buf)
		d.s = append(d.s, buf[:n]...)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return d
}

// renderFile renders src into a new file and returns its path.
func renderFile(t testing.TB, src string, ranges []Range, sound Sound) (string, Result) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	dst := filepath.Join(t.TempDir(), "rendition.wav")
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	res, err := Render(context.Background(), out, in, ranges, sound, nil)
	if err != nil {
		t.Fatal(err)
	}
	return dst, res
}

func toInt16(x float32) int16 {
	return int16(math.Max(-32768, math.Min(32767, math.RoundToEven(float64(x)*32768))))
}

// checkRendition asserts the properties Render promises, given the decoded
// source and rendition and the ranges applied.
func checkRendition(t *testing.T, src, out decoded, applied []Range, sound Sound) {
	t.Helper()
	if out.rate != src.rate || out.ch != src.ch || len(out.s) != len(src.s) {
		t.Fatalf("rendition %d Hz × %d, %d samples; source %d Hz × %d, %d samples",
			out.rate, out.ch, len(out.s), src.rate, src.ch, len(src.s))
	}
	if out.frames != int64(len(out.s)/out.ch) {
		t.Errorf("rendition header says %d frames, holds %d", out.frames, len(out.s)/out.ch)
	}
	ch, rate := src.ch, src.rate
	inside := make([]bool, len(src.s)/ch)
	ramp := int64(rate * rampMS / 1000)
	for _, r := range applied {
		a, b := msToFrame(r.StartMS, rate), min(msToFrame(r.EndMS, rate), int64(len(inside)))
		for f := a; f < b; f++ {
			inside[f] = true
		}
		// Past the ramps: the tone or silence, per channel.
		lo, hi := a+ramp, b-ramp
		if hi-lo < int64(rate/50) { // under 20 ms: too short to measure a frequency
			continue
		}
		for c := range ch {
			var sum float64
			crossings := 0
			for f := lo; f < hi; f++ {
				v := float64(out.s[int(f)*ch+c])
				sum += v * v
				if f > lo && (out.s[int(f-1)*ch+c] < 0) != (v < 0) {
					crossings++
				}
				if sound == SoundSilence && v != 0 {
					t.Fatalf("range %v channel %d frame %d: %v, want silence", r, c, f, v)
				}
			}
			if sound == SoundSilence {
				continue
			}
			rms := math.Sqrt(sum / float64(hi-lo))
			if db := 20 * math.Log10(rms/(tonePeak/math.Sqrt2)); math.Abs(db) > 0.5 {
				t.Errorf("range %v channel %d: tone RMS %.4f is %.2f dB off 0.0707", r, c, rms, db)
			}
			hz := float64(crossings) / 2 / (float64(hi-lo) / float64(rate))
			if math.Abs(hz-toneHz) > 25 {
				t.Errorf("range %v channel %d: tone at %.0f Hz by zero crossings, want 1000", r, c, hz)
			}
		}
	}
	for f, in := range inside {
		if in {
			continue
		}
		for c := range ch {
			i := f*ch + c
			if got, want := toInt16(out.s[i]), toInt16(src.s[i]); got != want {
				t.Fatalf("frame %d channel %d outside the ranges: %d, source %d", f, c, got, want)
			}
		}
	}
}

func TestRender(t *testing.T) {
	tests := []struct {
		name     string
		rate, ch int
		seconds  float64
		ranges   []Range
		sound    Sound
		applied  []Range
	}{
		{"8k mono bleep", 8000, 1, 6, []Range{{1000, 2000}, {4100, 4800}}, SoundBleep, []Range{{1000, 2000}, {4100, 4800}}},
		{"8k mono silence", 8000, 1, 6, []Range{{1000, 2000}, {4100, 4800}}, SoundSilence, []Range{{1000, 2000}, {4100, 4800}}},
		{"16k stereo bleep merged and clamped", 16000, 2, 5, []Range{{4500, 9000}, {200, 700}, {600, 1500}}, SoundBleep, []Range{{200, 1500}, {4500, 5000}}},
		{"16k stereo silence", 16000, 2, 3, []Range{{0, 400}, {2999, 3000}}, SoundSilence, []Range{{0, 400}, {2999, 3000}}},
		{"44.1k stereo short ranges", 44100, 2, 2, []Range{{100, 103}, {500, 508}, {1000, 1300}}, SoundBleep, []Range{{100, 103}, {500, 508}, {1000, 1300}}},
		{"no ranges", 8000, 1, 1, nil, SoundBleep, []Range{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := filepath.Join(t.TempDir(), "call.wav")
			writeWAV16(t, src, tt.rate, tt.ch, speechLike(int(tt.seconds*float64(tt.rate)), tt.ch, 7))
			path, res := renderFile(t, src, tt.ranges, tt.sound)
			if len(res.Ranges) != len(tt.applied) {
				t.Fatalf("applied %v, want %v", res.Ranges, tt.applied)
			}
			for i := range tt.applied {
				if res.Ranges[i] != tt.applied[i] {
					t.Fatalf("applied %v, want %v", res.Ranges, tt.applied)
				}
			}
			if want := int64(tt.seconds * float64(tt.rate)); res.Frames != want || res.DurationMS != int64(tt.seconds*1000) {
				t.Errorf("result %d frames %d ms, want %d frames", res.Frames, res.DurationMS, want)
			}
			checkRendition(t, decodeFile(t, src), decodeFile(t, path), res.Ranges, tt.sound)
		})
	}
}

// TestRenderNoClick uses a smooth source so any jump at a range's edge would
// stand out: the largest sample-to-sample step of the rendition must stay
// within what the source, the tone and the ramp can make.
func TestRenderNoClick(t *testing.T) {
	for _, sound := range []Sound{SoundBleep, SoundSilence} {
		t.Run(string(sound), func(t *testing.T) {
			const rate, amp = 8000, 0.6
			s := make([]int16, 2*rate)
			for i := range s {
				s[i] = int16(math.Round(amp * 32767 * math.Sin(2*math.Pi*150*float64(i)/rate)))
			}
			src := filepath.Join(t.TempDir(), "sine.wav")
			writeWAV16(t, src, rate, 1, s)
			// Ranges starting and ending at the sine's peaks: the worst case.
			path, _ := renderFile(t, src, []Range{{500 + 5/3, 900}, {1200, 1210}}, sound)
			out := decodeFile(t, path).s
			srcStep := amp * 2 * math.Pi * 150 / rate
			toneStep := tonePeak * 2 * math.Pi * toneHz / rate
			r := float64(rate * rampMS / 1000)
			rampStep := (amp + tonePeak) * math.Pi / 2 / (r + 1)
			bound := srcStep + toneStep + rampStep + 2.0/32768
			worst := 0.0
			for i := 1; i < len(out); i++ {
				worst = max(worst, math.Abs(float64(out[i]-out[i-1])))
			}
			if worst > bound {
				t.Errorf("largest step %.4f, bound %.4f: the ramps click", worst, bound)
			}
			// Without ramps the cut at a peak would be a step of about amp.
			if bound > amp/2 {
				t.Fatalf("bound %.3f too loose to catch a click", bound)
			}
		})
	}
}

// TestRenderCodecs renders compressed fixtures of media/audio (read in place,
// not copied): outside the ranges the rendition is the decoded source
// quantised to 16 bits.
func TestRenderCodecs(t *testing.T) {
	for _, name := range []string{"flac-16bit-mono.flac", "flac-16bit-stereo.flac", "mpeg25-8k-cbr.mp3", "vorbis-22k-mono.ogg"} {
		t.Run(name, func(t *testing.T) {
			src := filepath.Join("..", "audio", "testdata", "codecs", name)
			if _, err := os.Stat(src); err != nil {
				t.Skipf("fixture moved or missing: %v", err)
			}
			ref := decodeFile(t, src)
			dur := framesToMS(int64(len(ref.s)/ref.ch), ref.rate)
			path, res := renderFile(t, src, []Range{{dur / 4, dur / 2}}, SoundBleep)
			checkRendition(t, ref, decodeFile(t, path), res.Ranges, SoundBleep)
		})
	}
}

// unknownLength is a real decoded stream whose length is hidden, as a
// streamed Ogg or a VBR MP3 without a Xing header would have it.
type unknownLength struct{ audio.Stream }

func (unknownLength) Frames() int64 { return -1 }

func openStream(t *testing.T, path string) (audio.Stream, func()) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	s, _, err := audio.Open(f)
	if err != nil {
		t.Fatal(err)
	}
	return s, func() { f.Close() }
}

func TestRenderUnknownLength(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "call.wav")
	writeWAV16(t, src, 16000, 2, speechLike(3*16000, 2, 3))
	s, done := openStream(t, src)
	defer done()

	dst := filepath.Join(dir, "out.wav")
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	var calls [][2]int64
	res, err := render(context.Background(), out, unknownLength{s}, []Range{{2500, 9000}, {100, 300}}, SoundBleep,
		func(done, total int64) { calls = append(calls, [2]int64{done, total}) })
	if err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	if res.Frames != 3*16000 || len(res.Ranges) != 2 || res.Ranges[1] != (Range{2500, 3000}) {
		t.Fatalf("result %+v", res)
	}
	if len(calls) < 2 || calls[0] != [2]int64{0, -1} || calls[len(calls)-1] != [2]int64{res.Frames, res.Frames} {
		t.Errorf("progress calls %v", calls)
	}
	raw, err := os.ReadFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	if got := binary.LittleEndian.Uint32(raw[40:]); int(got) != len(raw)-44 {
		t.Errorf("data size %d, file holds %d bytes of data", got, len(raw)-44)
	}
	if got := binary.LittleEndian.Uint32(raw[4:]); int(got) != len(raw)-8 {
		t.Errorf("RIFF size %d, file is %d bytes", got, len(raw))
	}
	checkRendition(t, decodeFile(t, src), decodeFile(t, dst), res.Ranges, SoundBleep)

	// A range past the real end is reported once the end is known.
	s2, done2 := openStream(t, src)
	defer done2()
	_, err = render(context.Background(), &discard{}, unknownLength{s2}, []Range{{5000, 6000}}, SoundBleep, nil)
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("range past the end of an unknown-length source: %v, want ErrInvalid", err)
	}
}

// discard is an io.WriteSeeker that keeps only its size.
type discard struct{ pos, size int64 }

func (d *discard) Write(p []byte) (int, error) {
	d.pos += int64(len(p))
	d.size = max(d.size, d.pos)
	return len(p), nil
}

func (d *discard) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
		d.pos = off
	case io.SeekCurrent:
		d.pos += off
	case io.SeekEnd:
		d.pos = d.size + off
	}
	return d.pos, nil
}

func TestRenderCancel(t *testing.T) {
	src := filepath.Join(t.TempDir(), "call.wav")
	writeWAV16(t, src, 8000, 1, speechLike(80*8000, 1, 5)) // 80 s: several progress calls
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var last int64
	_, err = Render(ctx, &discard{}, in, []Range{{1000, 2000}}, SoundBleep, func(done, total int64) {
		last = done
		if done > 0 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	if last == 0 || last >= 80*8000 {
		t.Errorf("cancelled at frame %d: want mid-way", last)
	}
}

func TestRenderErrors(t *testing.T) {
	src := filepath.Join(t.TempDir(), "call.wav")
	writeWAV16(t, src, 8000, 1, speechLike(8000, 1, 1))
	tests := []struct {
		name   string
		ranges []Range
		sound  Sound
	}{
		{"past the end", []Range{{1500, 1600}}, SoundBleep},
		{"inverted", []Range{{500, 400}}, SoundBleep},
		{"unknown sound", []Range{{0, 100}}, "beep"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := os.Open(src)
			if err != nil {
				t.Fatal(err)
			}
			defer in.Close()
			_, err = Render(context.Background(), &discard{}, in, tt.ranges, tt.sound, nil)
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("err %v, want ErrInvalid", err)
			}
		})
	}
	t.Run("not audio", func(t *testing.T) {
		f, err := os.Open("testdata/README.md")
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := Render(context.Background(), &discard{}, f, nil, SoundBleep, nil); err == nil {
			t.Error("rendered a text file")
		}
	})
}

func TestWAVHeaderExtensible(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "six.wav")
	writeWAV16(t, src, 8000, 6, speechLike(4000, 6, 2))
	path, res := renderFile(t, src, []Range{{100, 300}}, SoundSilence)
	checkRendition(t, decodeFile(t, src), decodeFile(t, path), res.Ranges, SoundSilence)
}

func TestQuantise(t *testing.T) {
	in := []float32{0, 1, -1, 2, -2, 0.5 / 32768, 1.5 / 32768, -0.5 / 32768, 32767.0 / 32768, float32(math.NaN()), float32(math.Inf(-1))}
	want := []int16{0, 32767, -32768, 32767, -32768, 0, 2, 0, 32767, 0, -32768}
	out := make([]byte, 2*len(in))
	quantise(out, in)
	for i := range in {
		if got := int16(binary.LittleEndian.Uint16(out[2*i:])); got != want[i] {
			t.Errorf("quantise(%v) = %d, want %d", in[i], got, want[i])
		}
	}
	for v := -32768; v <= 32767; v++ {
		quantise(out[:2], []float32{float32(v) / 32768})
		if got := int16(binary.LittleEndian.Uint16(out)); int(got) != v {
			t.Fatalf("16-bit %d comes back as %d", v, got)
		}
	}
}
