package redact

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxVTTBytes caps what ParseVTTWords reads: a one-hour call with word
// timestamps is about 1 MB of WebVTT.
const MaxVTTBytes = 8 << 20

// ParseVTTWords reads a whole WebVTT file and returns its cues with word
// timings from the cues' inline timestamps (`<00:00:05.120>`), which
// go-astisub drops. It follows the WebVTT file structure: an optional BOM,
// the WEBVTT line and header, blocks separated by blank lines, optional cue
// ids, `start --> end [settings]` timing lines (mm:ss.ttt or hh:mm:ss.ttt;
// a comma is accepted for the dot, as SRT-minded tools write it), multi-line
// payloads; NOTE, STYLE and REGION blocks and any block without a timing
// line are skipped, as the format says. Line ends may be LF, CRLF or CR.
//
// Each cue's Text is what WordsFromVTTCue makes of its payload, and a
// "Name: " prefix becomes the Speaker when there is no <v> voice, like the
// transcript reader does, so offsets line up with the text the detector sees.
// A malformed timing line or a cue that ends before it starts is an error
// naming the line, rather than a cue silently lost: a lost cue is unredacted
// speech.
func ParseVTTWords(r io.Reader) ([]TimedCue, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxVTTBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read WebVTT: %w", err)
	}
	if len(data) > MaxVTTBytes {
		return nil, invalidf("WebVTT file is over %d MB: not a call transcript", MaxVTTBytes>>20)
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	text := strings.ReplaceAll(strings.ReplaceAll(string(data), "\r\n", "\n"), "\r", "\n")
	lines := strings.Split(text, "\n")
	if first := lines[0]; first != "WEBVTT" && !strings.HasPrefix(first, "WEBVTT ") && !strings.HasPrefix(first, "WEBVTT\t") {
		return nil, invalidf("not a WebVTT file: the first line must be WEBVTT")
	}
	// The header runs to the first blank line; a timing line ends it too,
	// as tools that forget the blank line still mean it as a cue.
	i := 1
	for i < len(lines) && lines[i] != "" && !strings.Contains(lines[i], "-->") {
		i++
	}
	var cues []TimedCue
	for i < len(lines) {
		if strings.TrimSpace(lines[i]) == "" {
			i++
			continue
		}
		start := i
		for i < len(lines) && strings.TrimSpace(lines[i]) != "" {
			i++
		}
		block := lines[start:i]
		t := 0
		if !strings.Contains(block[0], "-->") {
			if len(block) < 2 || !strings.Contains(block[1], "-->") {
				continue // NOTE, STYLE, REGION or stray text
			}
			t = 1 // a cue id
		}
		s, e, err := parseTiming(block[t])
		if err != nil {
			return nil, invalidf("WebVTT line %d: %v", start+t+1, err)
		}
		if e < s {
			return nil, invalidf("WebVTT line %d: cue ends (%s) before it starts (%s)", start+t+1, clock(e), clock(s))
		}
		// A payload line holding "-->" would start a new cue in a strict
		// parser; a transcript never has one, so it is kept as text.
		payload := strings.Join(block[t+1:], "\n")
		c := TimedCue{StartMS: s, EndMS: e}
		c.Text, c.Words, c.Speaker = wordsFromVTT(s, e, payload)
		if c.Speaker == "" {
			c.Speaker, c.Text, c.Words = speakerPrefix(c.Text, c.Words)
		}
		cues = append(cues, c)
	}
	return cues, nil
}

// speakerPrefix splits "Name: text" the way media's transcript reader does
// and shifts the words to the remaining text.
func speakerPrefix(text string, words []Word) (string, string, []Word) {
	name, rest, ok := strings.Cut(text, ": ")
	if !ok || len(name) > 40 || strings.ContainsAny(name, ".!?") {
		return "", text, words
	}
	cut := utf8.RuneCountInString(name) + 2
	var out []Word
	for _, w := range words {
		if w.Start < cut {
			continue // the name itself
		}
		w.Start, w.End = w.Start-cut, w.End-cut
		out = append(out, w)
	}
	if words != nil && out == nil {
		out = []Word{}
	}
	return name, rest, out
}

// parseTiming reads "start --> end [settings]".
func parseTiming(line string) (int64, int64, error) {
	l, r, _ := strings.Cut(line, "-->")
	fields := strings.Fields(r)
	if len(fields) == 0 {
		return 0, 0, fmt.Errorf("timing line %q has no end time", trimForError(line))
	}
	s, ok := parseVTTTime(strings.TrimSpace(l))
	if !ok {
		return 0, 0, fmt.Errorf("bad start time in %q: want 00:01.000 or 00:00:01.000", trimForError(line))
	}
	e, ok := parseVTTTime(fields[0])
	if !ok {
		return 0, 0, fmt.Errorf("bad end time in %q: want 00:01.000 or 00:00:01.000", trimForError(line))
	}
	return s, e, nil
}

func trimForError(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

// parseVTTTime parses [h+:]mm:ss.ttt into milliseconds.
func parseVTTTime(s string) (int64, bool) {
	parts := strings.Split(s, ":")
	if len(parts) != 2 && len(parts) != 3 {
		return 0, false
	}
	num := func(p string, minLen, maxLen int) (int64, bool) {
		if len(p) < minLen || len(p) > maxLen {
			return 0, false
		}
		var n int64
		for _, c := range []byte(p) {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int64(c-'0')
		}
		return n, true
	}
	var h int64
	if len(parts) == 3 {
		var ok bool
		if h, ok = num(parts[0], 1, 6); !ok {
			return 0, false
		}
		parts = parts[1:]
	}
	m, ok := num(parts[0], 2, 2)
	if !ok || m > 59 {
		return 0, false
	}
	sec, frac, found := strings.Cut(parts[1], ".")
	if !found {
		sec, frac, found = strings.Cut(parts[1], ",")
	}
	sv, ok1 := num(sec, 2, 2)
	ms, ok2 := num(frac, 3, 3)
	if !found || !ok1 || !ok2 || sv > 59 {
		return 0, false
	}
	return ((h*60+m)*60+sv)*1000 + ms, true
}

// WordsFromVTTCue turns the payload of a WebVTT cue spanning startMS–endMS
// into plain text and timed words. Tags are stripped (<v>, <c>, <i>, <b>,
// <u>, <lang>, <ruby>, <rt>, timestamps), entities decoded, and runs of
// white space, line breaks included, become one space, trimmed at the ends:
// the caller should keep the returned text as the cue's text, since Word
// offsets (in runes) refer to it.
//
// A word spans from the last inline timestamp before it (or the cue start)
// to the first one after it (or the cue end). When several words sit between
// two timestamps they all get that whole stretch: where each falls inside it
// is unknown, and guessing would leak. Timestamps before the cue start or
// going backwards are dropped, those past its end count as the end. A cue
// with no inline timestamp has no word timings: words is nil.
func WordsFromVTTCue(startMS, endMS int64, rawText string) (text string, words []Word) {
	text, words, _ = wordsFromVTT(startMS, endMS, rawText)
	return text, words
}

// wordsFromVTT is WordsFromVTTCue that also returns the first voice's name.
func wordsFromVTT(startMS, endMS int64, raw string) (string, []Word, string) {
	endMS = max(endMS, startMS)
	type mark struct {
		pos int // rune offset in the plain text where the timestamp sits
		ms  int64
	}
	var (
		b       strings.Builder
		runes   int
		space   bool // a space is pending (collapsed, written before the next rune)
		marks   []mark
		speaker string
		voiced  bool
		starts  []int // rune offsets where words start
		ends    []int
		inWord  bool
	)
	last := startMS
	emit := func(s string) {
		for _, c := range s {
			if unicode.IsSpace(c) {
				if inWord {
					ends = append(ends, runes)
					inWord = false
				}
				space = runes > 0
				continue
			}
			if space {
				b.WriteByte(' ')
				runes++
				space = false
			}
			if !inWord {
				starts = append(starts, runes)
				inWord = true
			}
			b.WriteRune(c)
			runes++
		}
	}
	for len(raw) > 0 {
		lt := strings.IndexByte(raw, '<')
		if lt < 0 {
			emit(html.UnescapeString(raw))
			break
		}
		emit(html.UnescapeString(raw[:lt]))
		raw = raw[lt+1:]
		gt := strings.IndexByte(raw, '>')
		tag := raw
		if gt < 0 {
			raw = "" // an unclosed tag runs to the end, as in the spec's tokenizer
		} else {
			tag, raw = raw[:gt], raw[gt+1:]
		}
		switch {
		case len(tag) > 0 && tag[0] >= '0' && tag[0] <= '9':
			// A timestamp going backwards is a broken file: dropping it
			// gives the words around it a longer span, the safe side.
			if ms, ok := parseVTTTime(strings.TrimSpace(tag)); ok && ms >= last {
				last = min(ms, endMS)
				// The mark is placed where the next word would start.
				pos := runes
				if space {
					pos++
				}
				marks = append(marks, mark{pos, last})
			}
		case tag == "v" || strings.HasPrefix(tag, "v.") || strings.HasPrefix(tag, "v ") || strings.HasPrefix(tag, "v\t"):
			if !voiced {
				if _, ann, ok := strings.Cut(strings.Replace(tag, "\t", " ", 1), " "); ok {
					speaker = strings.TrimSpace(html.UnescapeString(ann))
				}
				voiced = true
			}
		}
	}
	if inWord {
		ends = append(ends, runes)
	}
	text := b.String()
	if len(marks) == 0 {
		return text, nil, speaker
	}
	words := make([]Word, len(starts))
	rs := []rune(text)
	m := 0 // marks[:m] are at or before the current word's start
	for i := range starts {
		for m < len(marks) && marks[m].pos <= starts[i] {
			m++
		}
		w := Word{StartMS: startMS, EndMS: endMS, Text: string(rs[starts[i]:ends[i]]), Start: starts[i], End: ends[i]}
		if m > 0 {
			w.StartMS = marks[m-1].ms
		}
		for k := m; k < len(marks); k++ {
			if marks[k].pos >= ends[i] {
				w.EndMS = marks[k].ms
				break
			}
		}
		words[i] = w
	}
	return text, words, speaker
}
