package redact

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name     string
		ranges   []Range
		duration int64
		want     []Range
		err      string
	}{
		{"nil", nil, 1000, []Range{}, ""},
		{"sorted, merged, clamped", []Range{{5000, 7000}, {100, 200}, {150, 300}, {300, 400}, {900, 950}, {5900, 6500}}, 6000,
			[]Range{{100, 400}, {900, 950}, {5000, 6000}}, ""},
		{"unknown duration: no clamp", []Range{{5000, 70000}}, -1, []Range{{5000, 70000}}, ""},
		{"negative", []Range{{0, 10}, {-500, 100}}, 1000, nil, "redaction 2 starts before the recording (-0:00.500)"},
		{"empty", []Range{{100, 100}}, 1000, nil, "redaction 1 (0:00.100–0:00.100) is empty"},
		{"inverted", []Range{{200, 100}}, 1000, nil, "ends before it starts"},
		{"past the end", []Range{{3725000, 3726000}}, 3600000, nil, "redaction 1 starts at 1:02:05.000, after the end of the recording (1:00:00.000)"},
		{"at the end", []Range{{1000, 1001}}, 1000, nil, "after the end"},
		{"too many", make([]Range, MaxRanges+1), 1000, nil, "too many redactions (10001); at most 10000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append([]Range(nil), tt.ranges...)
			got, err := Validate(tt.ranges, tt.duration)
			if tt.err != "" {
				if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err %v, want ErrInvalid with %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			if !reflect.DeepEqual(in, tt.ranges) {
				t.Errorf("input modified: %v, was %v", tt.ranges, in)
			}
		})
	}
}

func TestRangesFor(t *testing.T) {
	// "Mon numéro c'est le 06 12" with words timed from 10 s.
	timed := TimedCue{StartMS: 10000, EndMS: 14000, Text: "Mon numéro c'est le 06 12", Words: []Word{
		{StartMS: 10000, EndMS: 10300, Start: 0, End: 3}, {StartMS: 10300, EndMS: 10800, Start: 4, End: 10},
		{StartMS: 10800, EndMS: 11100, Start: 11, End: 16}, {StartMS: 11100, EndMS: 11200, Start: 17, End: 19},
		{StartMS: 11200, EndMS: 12000, Start: 20, End: 22}, {StartMS: 12500, EndMS: 13900, Start: 23, End: 25},
	}}
	untimed := timed
	untimed.Words = nil
	early := TimedCue{StartMS: 50, EndMS: 400, Text: "Dupont", Words: []Word{{StartMS: 60, EndMS: 390, Start: 0, End: 6}}}
	tests := []struct {
		name   string
		cue    TimedCue
		spans  []Span
		margin int64
		want   []Range
	}{
		{"the words the span touches", timed, []Span{{20, 25}}, 150, []Range{{11050, 14050}}},
		{"part of a word hides the word", timed, []Span{{21, 22}}, 0, []Range{{11200, 12000}}},
		{"two findings merge", timed, []Span{{20, 22}, {23, 25}}, 300, []Range{{10900, 14200}}},
		{"two findings apart", timed, []Span{{0, 3}, {23, 25}}, 100, []Range{{9900, 10400}, {12400, 14000}}},
		{"no word timings: whole cue", untimed, []Span{{20, 25}}, 150, []Range{{9850, 14150}}},
		{"span in a gap between words: whole cue", timed, []Span{{3, 4}}, 0, []Range{{10000, 14000}}},
		{"margin stops at 0", early, []Span{{0, 6}}, 150, []Range{{0, 540}}},
		{"span beyond the text is clamped", timed, []Span{{24, 400}}, 0, []Range{{12500, 13900}}},
		{"empty and inverted spans hide nothing", timed, []Span{{5, 5}, {9, 2}, {30, 40}}, 150, []Range{}},
		{"negative margin counts as 0", timed, []Span{{0, 3}}, -100, []Range{{10000, 10300}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := RangesFor(tt.cue, tt.spans, tt.margin)
			if len(got) == 0 && len(tt.want) == 0 {
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
