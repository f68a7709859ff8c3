// Package redact makes the anonymized rendition of a call: it turns the
// personal data found in a transcript into time ranges (RangesFor, with word
// timings from WebVTT inline timestamps or a whisper JSON transcript when
// there are some) and renders the recording with those ranges bleeped or
// silenced (Render). It depends only on media/audio so the catalog, the
// server and the CLI can all call it without an import cycle.
package redact

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"unicode/utf8"
)

// ErrInvalid marks errors caused by the input (ranges a curator sent, a
// transcript file) rather than by the machine; callers map it to a "bad
// request" and show the message, which names the item and what is wrong.
var ErrInvalid = errors.New("invalid")

// invalidf returns an error that wraps ErrInvalid but reads as msg alone.
func invalidf(format string, args ...any) error {
	return &invalidError{fmt.Sprintf(format, args...)}
}

type invalidError struct{ msg string }

func (e *invalidError) Error() string { return e.msg }
func (e *invalidError) Unwrap() error { return ErrInvalid }

// MaxRanges caps how many ranges Validate accepts. A call with 10,000
// redactions is not anonymized, it is destroyed; the cap keeps a bad client
// from making the renderer and the review page do unbounded work.
const MaxRanges = 10000

// DefaultMarginMS is the margin RangesFor is meant to be called with: word
// timings from forced alignment are typically off by 50–100 ms, and the
// onset of a digit bleeding past the bleep is enough to guess it.
const DefaultMarginMS = 150

// Range is a span of a recording to hide, in milliseconds from its start;
// EndMS is exclusive.
type Range struct {
	StartMS int64 `json:"start_ms"`
	EndMS   int64 `json:"end_ms"`
}

// Validate checks ranges a curator (or the detector) asks to hide against a
// recording of durationMS milliseconds and returns them sorted, clamped to
// the duration and with overlapping or touching ranges merged. A negative
// durationMS means the duration is unknown: nothing is clamped. Ranges that
// start before 0, are empty or inverted, or start at or past the end are
// rejected rather than silently dropped, so a curator who typed 1:20:00 for
// 1:02:00 hears about it. The input slice is not modified.
func Validate(ranges []Range, durationMS int64) ([]Range, error) {
	if len(ranges) > MaxRanges {
		return nil, invalidf("too many redactions (%d); at most %d", len(ranges), MaxRanges)
	}
	out := make([]Range, 0, len(ranges))
	for i, r := range ranges {
		switch {
		case r.StartMS < 0:
			return nil, invalidf("redaction %d starts before the recording (%s); times count from 0:00", i+1, clock(r.StartMS))
		case r.EndMS <= r.StartMS:
			return nil, invalidf("redaction %d (%s–%s) is empty or ends before it starts", i+1, clock(r.StartMS), clock(r.EndMS))
		case durationMS >= 0 && r.StartMS >= durationMS:
			return nil, invalidf("redaction %d starts at %s, after the end of the recording (%s)", i+1, clock(r.StartMS), clock(durationMS))
		}
		if durationMS >= 0 {
			r.EndMS = min(r.EndMS, durationMS)
		}
		out = append(out, r)
	}
	return merge(out), nil
}

// merge sorts rs in place and merges overlapping or touching ranges; it
// assumes every range is non-empty.
func merge(rs []Range) []Range {
	slices.SortFunc(rs, func(a, b Range) int {
		return cmp.Or(cmp.Compare(a.StartMS, b.StartMS), cmp.Compare(a.EndMS, b.EndMS))
	})
	out := rs[:0]
	for _, r := range rs {
		if n := len(out); n > 0 && r.StartMS <= out[n-1].EndMS {
			out[n-1].EndMS = max(out[n-1].EndMS, r.EndMS)
			continue
		}
		out = append(out, r)
	}
	return out
}

// clock formats ms as h:mm:ss.mmm or m:ss.mmm, the way the studio shows times.
func clock(ms int64) string {
	sign := ""
	if ms < 0 {
		sign, ms = "-", -ms
	}
	h, m, s, f := ms/3600000, ms/60000%60, ms/1000%60, ms%1000
	if h > 0 {
		return fmt.Sprintf("%s%d:%02d:%02d.%03d", sign, h, m, s, f)
	}
	return fmt.Sprintf("%s%d:%02d.%03d", sign, m, s, f)
}

// Word is one timed word of a cue, from WebVTT inline timestamps or a
// whisper JSON transcript. Start and End are rune offsets of the word in the
// cue's Text (End exclusive), the unit the PII detector reports findings in.
type Word struct {
	StartMS int64  `json:"start_ms"`
	EndMS   int64  `json:"end_ms"`
	Text    string `json:"text"`
	Start   int    `json:"start"`
	End     int    `json:"end"`
}

// TimedCue is a cue of a transcript with its words when the transcript has
// word timings (Words is nil otherwise). Text has no markup and no speaker
// prefix; Speaker is the voice (WebVTT <v>) or diarization label, if any.
type TimedCue struct {
	StartMS int64  `json:"start_ms"`
	EndMS   int64  `json:"end_ms"`
	Speaker string `json:"speaker,omitempty"`
	Text    string `json:"text"`
	Words   []Word `json:"words,omitempty"`
}

// Span is a finding of the PII detector: rune offsets in a cue's Text, End
// exclusive.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// RangesFor maps findings in cue to the audio to hide, sorted and merged.
//
// With word timings it hides only the words a span touches, widened by
// marginMS on each side. Without them it hides the whole cue (widened the
// same way): where a word falls inside a cue is unknown, and spoken digits
// take far longer than written ones, so proportional guesses leak. The
// margin is clamped at 0 but not to the cue: cue and word times come from
// different passes of the recogniser and a word often runs past its cue's
// end; Validate clamps to the recording. A span that touches no word (it
// lies in punctuation the aligner skipped) falls back to the whole cue,
// since hiding too much is the safe failure.
func RangesFor(cue TimedCue, spans []Span, marginMS int64) []Range {
	marginMS = max(marginMS, 0)
	n := utf8.RuneCountInString(cue.Text)
	whole := Range{cue.StartMS, cue.EndMS}
	var out []Range
	for _, sp := range spans {
		s, e := max(sp.Start, 0), min(sp.End, n)
		if s >= e {
			continue
		}
		r, ok := wordsRange(cue.Words, s, e)
		if !ok {
			r = whole
		}
		r.StartMS = max(r.StartMS-marginMS, 0)
		r.EndMS = max(r.EndMS+marginMS, r.StartMS)
		if r.EndMS > r.StartMS {
			out = append(out, r)
		}
	}
	return merge(out)
}

// wordsRange is the time covered by the words overlapping rune span [s, e).
func wordsRange(words []Word, s, e int) (Range, bool) {
	var r Range
	found := false
	for _, w := range words {
		if w.End <= s || w.Start >= e {
			continue
		}
		ws, we := min(w.StartMS, w.EndMS), max(w.StartMS, w.EndMS)
		if !found {
			r, found = Range{ws, we}, true
			continue
		}
		r.StartMS, r.EndMS = min(r.StartMS, ws), max(r.EndMS, we)
	}
	return r, found
}
