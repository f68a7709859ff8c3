package redact

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"testing"
	"unicode/utf8"

	"customerroom/media/audio"
)

// checkCues holds the invariants every parser output keeps, whatever the
// input: cues are not inverted, words lie inside their cue in time, and a
// word's offsets are valid rune offsets whose text is the word's Text.
func checkCues(t *testing.T, cues []TimedCue, disjointWords bool) {
	t.Helper()
	for i, c := range cues {
		if c.EndMS < c.StartMS || c.StartMS < 0 {
			t.Fatalf("cue %d: %d–%d", i, c.StartMS, c.EndMS)
		}
		if !utf8.ValidString(c.Text) {
			t.Fatalf("cue %d: text not UTF-8: %q", i, c.Text)
		}
		rs := []rune(c.Text)
		prevEnd := 0
		for j, w := range c.Words {
			if w.StartMS < c.StartMS || w.EndMS > c.EndMS || w.EndMS < w.StartMS {
				t.Fatalf("cue %d (%d–%d) word %d: %d–%d outside the cue", i, c.StartMS, c.EndMS, j, w.StartMS, w.EndMS)
			}
			if w.Start < 0 || w.End < w.Start || w.End > len(rs) {
				t.Fatalf("cue %d word %d: runes %d–%d of %d", i, j, w.Start, w.End, len(rs))
			}
			if string(rs[w.Start:w.End]) != w.Text {
				t.Fatalf("cue %d word %d: text %q, runes there %q", i, j, w.Text, string(rs[w.Start:w.End]))
			}
			if disjointWords {
				if w.Start < prevEnd || w.Start == w.End {
					t.Fatalf("cue %d word %d: runes %d–%d after a word ending at %d", i, j, w.Start, w.End, prevEnd)
				}
				prevEnd = w.End
			}
		}
	}
}

func FuzzParseVTTWords(f *testing.F) {
	if b, err := os.ReadFile("testdata/call.vtt"); err == nil {
		f.Add(b)
	}
	f.Add([]byte("WEBVTT\n\n00:01.000 --> 00:02.000\n<v A>a <00:01.500>b\n"))
	f.Add([]byte("WEBVTT\r\n\r\nid\r\n00:00:01.000 --> 00:00:00.500\r\nx\r\n"))
	f.Add([]byte("WEBVTT\n\n00:01.000 --> 00:02.000\n<00:01.5>&amp;<c.x \n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cues, err := ParseVTTWords(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error not marked invalid: %v", err)
			}
			return
		}
		checkCues(t, cues, true)
	})
}

func FuzzWordsFromVTTCue(f *testing.F) {
	f.Add(int64(3000), int64(7000), "<v Client>Je m'appelle <00:00:05.120>Jean <00:00:05.480>Dupont")
	f.Add(int64(0), int64(-5), "a <00:00:01.000> b <")
	f.Fuzz(func(t *testing.T, start, end int64, raw string) {
		if start < 0 {
			return // cue times come from parseVTTTime, never negative
		}
		text, words := WordsFromVTTCue(start, end, raw)
		checkCues(t, []TimedCue{{StartMS: start, EndMS: max(start, end), Text: text, Words: words}}, true)
	})
}

func FuzzParseWhisperJSON(f *testing.F) {
	for _, name := range []string{"whisper-cpp.json", "whisper-openai.json", "whisperx.json"} {
		if b, err := os.ReadFile("testdata/" + name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"segments":[{"start":0,"end":1,"text":"a b","words":[{"word":"b","start":0.5,"end":2},{"word":"a"}]}]}`))
	f.Add([]byte(`{"transcription":[{"offsets":{"from":0,"to":10},"text":"x","tokens":[{"text":"y"},{"text":"[_TT_1]","offsets":{"from":5,"to":1}}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		cues, err := ParseWhisperJSON(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error not marked invalid: %v", err)
			}
			return
		}
		checkCues(t, cues, false)
		for _, c := range cues {
			for _, r := range RangesFor(c, []Span{{0, 1 << 20}}, DefaultMarginMS) {
				if r.StartMS < 0 || r.EndMS <= r.StartMS {
					t.Fatalf("range %v", r)
				}
			}
		}
	})
}

// rangesFrom reads fuzz bytes as pairs of int16 milliseconds (scaled by 4 so
// ranges reach past a short recording).
func rangesFrom(data []byte) []Range {
	var rs []Range
	for len(data) >= 4 {
		a := int64(int16(binary.LittleEndian.Uint16(data))) * 4
		b := int64(int16(binary.LittleEndian.Uint16(data[2:]))) * 4
		rs = append(rs, Range{a, b})
		data = data[4:]
	}
	return rs
}

func FuzzValidate(f *testing.F) {
	f.Add([]byte{0, 0, 100, 0, 50, 0, 200, 0}, int64(1000))
	f.Add([]byte{10, 0, 5, 0}, int64(-1))
	f.Fuzz(func(t *testing.T, data []byte, duration int64) {
		in := rangesFrom(data)
		out, err := Validate(in, duration)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error not marked invalid: %v", err)
			}
			return
		}
		for i, r := range out {
			if r.StartMS < 0 || r.EndMS <= r.StartMS || (duration >= 0 && r.EndMS > duration) {
				t.Fatalf("range %d %v (duration %d)", i, r, duration)
			}
			if i > 0 && r.StartMS <= out[i-1].EndMS {
				t.Fatalf("ranges %v and %v overlap or touch", out[i-1], r)
			}
		}
		// Everything asked for is covered.
		for _, r := range in {
			if duration >= 0 {
				r.EndMS = min(r.EndMS, duration)
			}
			covered := false
			for _, o := range out {
				covered = covered || (o.StartMS <= r.StartMS && r.EndMS <= o.EndMS)
			}
			if !covered {
				t.Fatalf("%v asked for, not covered by %v", r, out)
			}
		}
	})
}

// memFile is an in-memory io.WriteSeeker, to fuzz Render without a disk.
type memFile struct {
	b   []byte
	pos int
}

func (m *memFile) Write(p []byte) (int, error) {
	if need := m.pos + len(p); need > len(m.b) {
		m.b = append(m.b, make([]byte, need-len(m.b))...)
	}
	copy(m.b[m.pos:], p)
	m.pos += len(p)
	return len(p), nil
}

func (m *memFile) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
		m.pos = int(off)
	case io.SeekCurrent:
		m.pos += int(off)
	case io.SeekEnd:
		m.pos = len(m.b) + int(off)
	}
	return int64(m.pos), nil
}

// FuzzRenderRanges renders a quarter second of 8 kHz stereo with fuzzed
// ranges: whatever they are, Render either refuses them as invalid or
// writes a rendition of the same length that is the source outside them.
func FuzzRenderRanges(f *testing.F) {
	const frames, ch = 2000, 2
	src := &memFile{}
	samples := speechLike(frames, ch, 11)
	pcm := make([]byte, 2*len(samples))
	for i, v := range samples {
		binary.LittleEndian.PutUint16(pcm[2*i:], uint16(v))
	}
	src.Write(append(wavHeader(8000, ch, int64(len(pcm))), pcm...))
	f.Add([]byte{0, 0, 10, 0, 5, 0, 40, 0}, false)
	f.Add([]byte{50, 0, 51, 0, 60, 0, 62, 0}, true)
	f.Fuzz(func(t *testing.T, data []byte, silence bool) {
		sound := SoundBleep
		if silence {
			sound = SoundSilence
		}
		dst := &memFile{}
		res, err := Render(context.Background(), dst, bytes.NewReader(src.b), rangesFrom(data), sound, nil)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error not marked invalid: %v", err)
			}
			return
		}
		s, _, err := audio.Open(bytes.NewReader(dst.b))
		if err != nil {
			t.Fatal(err)
		}
		out := make([]float32, frames*ch+ch)
		n := 0
		for n < len(out) {
			k, err := s.Read(out[n:])
			n += k
			if err != nil {
				break
			}
		}
		if n != frames*ch || res.Frames != frames || s.Frames() != frames {
			t.Fatalf("rendition %d samples, %d frames in result, %d in header; want %d frames", n, res.Frames, s.Frames(), frames)
		}
		inside := make([]bool, frames)
		for _, r := range res.Ranges {
			for fr := msToFrame(r.StartMS, 8000); fr < min(msToFrame(r.EndMS, 8000), frames); fr++ {
				inside[fr] = true
			}
		}
		for i := range frames * ch {
			if !inside[i/ch] && toInt16(out[i]) != samples[i] {
				t.Fatalf("sample %d outside %v changed: %d, was %d", i, res.Ranges, toInt16(out[i]), samples[i])
			}
		}
	})
}
