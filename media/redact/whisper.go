package redact

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strings"
	"unicode"
)

// MaxWhisperBytes caps what ParseWhisperJSON reads: whisper.cpp's full JSON
// of a one-hour call, with every token's probabilities, is about 5 MB.
const MaxWhisperBytes = 16 << 20

// maxSeconds bounds times so that converting them to milliseconds cannot
// overflow; no call lasts 100 days.
const maxSeconds = 100 * 24 * 3600

// The shapes ParseWhisperJSON reads. Fields it does not use are left out;
// numbers are float64 because tools write 5120 as well as 5120.0.
type (
	whisperFile struct {
		Transcription []cppSegment `json:"transcription"` // whisper.cpp
		Segments      []pySegment  `json:"segments"`      // OpenAI Whisper, faster-whisper, WhisperX
	}
	cppTimes struct {
		From *float64 `json:"from"`
		To   *float64 `json:"to"`
	}
	cppStamps struct {
		From string `json:"from"`
		To   string `json:"to"`
	}
	cppSegment struct {
		Timestamps *cppStamps `json:"timestamps"`
		Offsets    *cppTimes  `json:"offsets"`
		Text       string     `json:"text"`
		Speaker    string     `json:"speaker"`
		Tokens     []struct {
			Text    string    `json:"text"`
			Offsets *cppTimes `json:"offsets"`
		} `json:"tokens"`
	}
	pySegment struct {
		Start   *float64 `json:"start"`
		End     *float64 `json:"end"`
		Text    string   `json:"text"`
		Speaker string   `json:"speaker"`
		Words   []struct {
			Word    string   `json:"word"`
			Start   *float64 `json:"start"`
			End     *float64 `json:"end"`
			Speaker string   `json:"speaker"`
		} `json:"words"`
	}
)

// rawWord is a word before alignment; timed is false when the tool gave no
// times (WhisperX cannot align numerals and leaves them out).
type rawWord struct {
	text       string
	start, end int64
	timed      bool
}

// ParseWhisperJSON reads a whisper-style JSON transcript and returns its
// segments as cues, with word timings when the file has them. It accepts
//   - whisper.cpp's --output-json / -ojf: "transcription" segments with
//     "offsets" in ms (or "timestamps" strings), and with -ojf "tokens":
//     special tokens ("[_BEG_]", "[_TT_150]", "<|endoftext|>") are skipped
//     and a token not starting with a space continues the previous word;
//   - OpenAI Whisper's JSON: "segments" with "start"/"end" in seconds and,
//     with word_timestamps, "words" [{"word","start","end"}];
//   - faster-whisper and WhisperX, the same shape; WhisperX's diarization
//     "speaker" becomes the cue's Speaker, and words it could not align
//     (no "start"/"end") get the stretch between their timed neighbours.
//
// Cue text is the segment's text, trimmed; words are found in it in order so
// that their rune offsets refer to it. Words outside their segment's times
// widen the cue (the aligner is the better witness of where a word is).
// Times must be finite, non-negative and in order: an error names the
// segment and word, since a transcript with broken times would misplace
// every redaction after it.
func ParseWhisperJSON(r io.Reader) ([]TimedCue, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxWhisperBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read whisper JSON: %w", err)
	}
	if len(data) > MaxWhisperBytes {
		return nil, invalidf("whisper JSON is over %d MB: not a call transcript", MaxWhisperBytes>>20)
	}
	var f whisperFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, jsonError(data, err)
	}
	switch {
	case f.Transcription != nil:
		return cppCues(f.Transcription)
	case f.Segments != nil:
		return pyCues(f.Segments)
	}
	return nil, invalidf(`not a whisper JSON transcript: no "segments" (Whisper, WhisperX) or "transcription" (whisper.cpp)`)
}

// jsonError says where the JSON broke, by line, and names Python's NaN and
// Infinity, which json.dump writes by default and JSON does not allow.
func jsonError(data []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off := min(max(se.Offset-1, 0), int64(len(data)))
		line := bytes.Count(data[:off], []byte("\n")) + 1
		rest := data[off:]
		for _, bad := range []string{"NaN", "Infinity", "-Infinity"} {
			if bytes.HasPrefix(rest, []byte(bad)) || (off > 0 && bytes.HasPrefix(data[off-1:], []byte(bad))) {
				return invalidf("whisper JSON line %d: %s is not a number JSON allows; times must be finite", line, bad)
			}
		}
		return invalidf("whisper JSON line %d: %v", line, err)
	case errors.As(err, &te):
		line := bytes.Count(data[:min(max(te.Offset, 0), int64(len(data)))], []byte("\n")) + 1
		if strings.HasPrefix(te.Value, "number") && te.Type != nil && te.Type.Kind() == reflect.Float64 {
			return invalidf("whisper JSON line %d: %q is out of range", line, te.Field)
		}
		return invalidf("whisper JSON line %d: %q should not be a %s", line, te.Field, te.Value)
	}
	return invalidf("whisper JSON: %v", err)
}

// toMS converts a time in seconds (scale 1000) or ms (scale 1) to ms.
func toMS(v float64, scale float64, what string) (int64, error) {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return 0, invalidf("%s is not a finite number", what)
	case v < 0:
		return 0, invalidf("%s is negative (%g)", what, v)
	case v*scale > maxSeconds*1000:
		return 0, invalidf("%s is %g, past 100 days", what, v)
	}
	return int64(math.Round(v * scale)), nil
}

// timeSpan converts a start/end pair, both present or both absent.
func timeSpan(from, to *float64, scale float64, what string) (s, e int64, ok bool, err error) {
	if from == nil || to == nil {
		if from != nil || to != nil {
			return 0, 0, false, invalidf("%s has a start but no end time, or the reverse", what)
		}
		return 0, 0, false, nil
	}
	if s, err = toMS(*from, scale, what+" start"); err != nil {
		return 0, 0, false, err
	}
	if e, err = toMS(*to, scale, what+" end"); err != nil {
		return 0, 0, false, err
	}
	if e < s {
		return 0, 0, false, invalidf("%s ends (%s) before it starts (%s)", what, clock(e), clock(s))
	}
	return s, e, true, nil
}

func cppCues(segs []cppSegment) ([]TimedCue, error) {
	cues := make([]TimedCue, 0, len(segs))
	for i, sg := range segs {
		what := fmt.Sprintf("segment %d", i+1)
		var (
			s, e int64
			ok   bool
			err  error
		)
		if sg.Offsets != nil {
			s, e, ok, err = timeSpan(sg.Offsets.From, sg.Offsets.To, 1, what)
		} else if sg.Timestamps != nil {
			a, okA := parseVTTTime(sg.Timestamps.From)
			b, okB := parseVTTTime(sg.Timestamps.To)
			if !okA || !okB {
				return nil, invalidf("%s: bad timestamps %q, %q: want 00:00:01,000", what, sg.Timestamps.From, sg.Timestamps.To)
			}
			fa, fb := float64(a), float64(b)
			s, e, ok, err = timeSpan(&fa, &fb, 1, what)
		}
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, invalidf("%s has no times (offsets or timestamps)", what)
		}
		var words []rawWord
		for j, tk := range sg.Tokens {
			if isSpecialToken(tk.Text) {
				continue
			}
			var ts, te int64
			var timed bool
			if tk.Offsets != nil {
				if ts, te, timed, err = timeSpan(tk.Offsets.From, tk.Offsets.To, 1, fmt.Sprintf("%s token %d", what, j+1)); err != nil {
					return nil, err
				}
			}
			// Sub-word tokens continue the word; a leading space starts one.
			if n := len(words); n > 0 && !strings.HasPrefix(tk.Text, " ") {
				pw := &words[n-1]
				pw.text += tk.Text
				switch {
				case timed && pw.timed:
					pw.start, pw.end = min(pw.start, ts), max(pw.end, te)
				case timed:
					pw.start, pw.end, pw.timed = ts, te, true
				}
				continue
			}
			words = append(words, rawWord{tk.Text, ts, te, timed})
		}
		cues = append(cues, makeCue(s, e, sg.Speaker, sg.Text, words))
	}
	return cues, nil
}

// isSpecialToken tells whisper.cpp's control tokens from text: it prints
// them as [_BEG_], [_TT_150], [_SOT_]… or, in some versions, <|endoftext|>.
func isSpecialToken(t string) bool {
	return strings.HasPrefix(t, "[_") || (strings.HasPrefix(t, "<|") && strings.HasSuffix(t, "|>"))
}

func pyCues(segs []pySegment) ([]TimedCue, error) {
	cues := make([]TimedCue, 0, len(segs))
	for i, sg := range segs {
		what := fmt.Sprintf("segment %d", i+1)
		s, e, ok, err := timeSpan(sg.Start, sg.End, 1000, what)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, invalidf(`%s has no "start" and "end"`, what)
		}
		speaker := sg.Speaker
		words := make([]rawWord, 0, len(sg.Words))
		for j, wd := range sg.Words {
			ws, we, timed, err := timeSpan(wd.Start, wd.End, 1000, fmt.Sprintf("%s word %d (%q)", what, j+1, strings.TrimSpace(wd.Word)))
			if err != nil {
				return nil, err
			}
			if speaker == "" {
				speaker = wd.Speaker
			}
			words = append(words, rawWord{wd.Word, ws, we, timed})
		}
		cues = append(cues, makeCue(s, e, speaker, sg.Text, words))
	}
	return cues, nil
}

// makeCue aligns the words with the segment text and fills in missing times.
func makeCue(s, e int64, speaker, text string, raw []rawWord) TimedCue {
	c := TimedCue{StartMS: s, EndMS: e, Speaker: strings.TrimSpace(speaker), Text: strings.TrimSpace(text)}
	anyTimed := false
	for _, w := range raw {
		anyTimed = anyTimed || w.timed
	}
	if !anyTimed {
		return c // no word timings: the whole cue is what a finding hides
	}
	// Untimed words get the gap between the timed words around them.
	for i := range raw {
		if raw[i].timed {
			continue
		}
		prev, next := s, e
		for k := i - 1; k >= 0; k-- {
			if raw[k].timed {
				prev = raw[k].end
				break
			}
		}
		for k := i + 1; k < len(raw); k++ {
			if raw[k].timed {
				next = raw[k].start
				break
			}
		}
		raw[i].start, raw[i].end = min(prev, next), max(prev, next)
	}
	for _, w := range raw {
		c.StartMS, c.EndMS = min(c.StartMS, w.start), max(c.EndMS, w.end)
	}
	c.Words = align([]rune(c.Text), raw)
	return c
}

// align finds each word in text in order and gives it its rune offsets.
// A word is looked for right after the previous one, skipping spaces and
// punctuation, and after k words not found, k stretches of text between
// spaces: so a word missing from the text (whisper.cpp can split a UTF-8
// character over two tokens, each then decoded as U+FFFD; WhisperX writes
// "2" where the text says "deux") neither derails the ones after it nor
// lets them match far ahead. A word not found takes the text between its
// found neighbours; that is where it was said.
func align(text []rune, raw []rawWord) []Word {
	words := make([]Word, len(raw))
	found := make([]bool, len(raw))
	cur, pending := 0, 0 // pending: words not found since the last one found
	for i, rw := range raw {
		wr := []rune(strings.TrimSpace(rw.text))
		words[i] = Word{StartMS: rw.start, EndMS: rw.end, Text: string(wr)}
		// The words not found sit in the text before this one: skip as
		// many stretches of text between spaces to resynchronise.
		budget := pending
		pending++
		for p := cur; len(wr) > 0 && p+len(wr) <= len(text); {
			if runesEqual(text[p:p+len(wr)], wr) {
				words[i].Start, words[i].End, found[i] = p, p+len(wr), true
				cur, pending = p+len(wr), 0
				break
			}
			if !unicode.IsLetter(text[p]) && !unicode.IsDigit(text[p]) {
				p++
				continue
			}
			if budget == 0 {
				break
			}
			budget--
			for p < len(text) && !unicode.IsSpace(text[p]) {
				p++
			}
		}
	}
	for i := range words {
		if found[i] {
			continue
		}
		lo, hi := 0, len(text)
		for k := i - 1; k >= 0; k-- {
			if found[k] {
				lo = words[k].End
				break
			}
		}
		for k := i + 1; k < len(words); k++ {
			if found[k] {
				hi = words[k].Start
				break
			}
		}
		for lo < hi && unicode.IsSpace(text[lo]) {
			lo++
		}
		for hi > lo && unicode.IsSpace(text[hi-1]) {
			hi--
		}
		words[i].Start, words[i].End = lo, hi
		words[i].Text = string(text[lo:hi])
	}
	return words
}

func runesEqual(a, b []rune) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
