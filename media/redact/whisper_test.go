package redact

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
)

// The second cue of every fixture, with the phone number at runes 46–60.
const cue2Text = "Je m'appelle Jean Dupont, mon numéro c'est le 06 12 34 56 78."

func TestParseWhisperJSONFixtures(t *testing.T) {
	cue1 := "Bonjour, service client, je vous écoute."
	cue1Words := func(ms ...int64) []Word {
		off := [][2]int{{0, 8}, {9, 16}, {17, 24}, {25, 27}, {28, 32}, {33, 40}}
		out := make([]Word, len(off))
		for i, o := range off {
			out[i] = w(ms[2*i], ms[2*i+1], o[0], o[1])
		}
		return out
	}
	cue2Offsets := [][2]int{{0, 2}, {3, 12}, {13, 17}, {18, 25}, {26, 29}, {30, 36}, {37, 42}, {43, 45}, {46, 48}, {49, 51}, {52, 54}, {55, 57}, {58, 61}}
	cue2Words := func(ms ...int64) []Word {
		out := make([]Word, len(cue2Offsets))
		for i, o := range cue2Offsets {
			out[i] = w(ms[2*i], ms[2*i+1], o[0], o[1])
		}
		return out
	}
	tests := []struct {
		file    string
		cues    []TimedCue
		phoneMS Range // what RangesFor hides for the phone number
	}{
		{"whisper-cpp.json", []TimedCue{
			{StartMS: 0, EndMS: 3200, Text: cue1, Words: cue1Words(0, 700, 700, 1150, 1150, 1600, 1600, 1800, 1800, 2100, 2100, 3000)},
			// "numéro" was split mid-character over two tokens; it is placed by its neighbours.
			{StartMS: 3500, EndMS: 8000, Text: cue2Text, Words: cue2Words(3500, 3700, 3700, 4500, 5120, 5480, 5480, 6050, 6100, 6300, 6300, 6700,
				6700, 6850, 6850, 6900, 6900, 7200, 7200, 7400, 7400, 7600, 7600, 7800, 7800, 8000)},
			{StartMS: 8500, EndMS: 11000, Text: "Merci, au revoir."},
		}, Range{6750, 8150}},
		{"whisper-openai.json", []TimedCue{
			{StartMS: 0, EndMS: 3200, Text: cue1, Words: cue1Words(0, 700, 700, 1150, 1150, 1600, 1600, 1800, 1800, 2100, 2100, 3000)},
			// The last word runs past its segment: the cue widens to hold it.
			{StartMS: 3500, EndMS: 8160, Text: cue2Text, Words: cue2Words(3500, 3700, 3700, 4500, 5120, 5480, 5480, 6050, 6100, 6300, 6300, 6700,
				6700, 6850, 6850, 6900, 6900, 7200, 7200, 7400, 7400, 7600, 7600, 7800, 7800, 8160)},
		}, Range{6750, 8310}},
		{"whisperx.json", []TimedCue{
			{StartMS: 31, EndMS: 3193, Speaker: "SPEAKER_00", Text: cue1, Words: cue1Words(31, 652, 712, 1133, 1153, 1534, 1614, 1794, 1814, 2094, 2114, 2975)},
			// WhisperX could not align the digits: they share the rest of the segment.
			{StartMS: 3500, EndMS: 8000, Speaker: "SPEAKER_01", Text: cue2Text, Words: cue2Words(3500, 3700, 3720, 4500, 5120, 5480, 5500, 6050, 6100, 6300, 6300, 6700,
				6700, 6850, 6850, 6900, 6900, 8000, 6900, 8000, 6900, 8000, 6900, 8000, 6900, 8000)},
		}, Range{6750, 8150}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open("testdata/" + tt.file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			cues, err := ParseWhisperJSON(f)
			if err != nil {
				t.Fatal(err)
			}
			if len(cues) != len(tt.cues) {
				t.Fatalf("%d cues, want %d: %+v", len(cues), len(tt.cues), cues)
			}
			for i, c := range cues {
				want := tt.cues[i]
				if c.StartMS != want.StartMS || c.EndMS != want.EndMS || c.Speaker != want.Speaker || c.Text != want.Text {
					t.Errorf("cue %d: %d–%d %q %q, want %d–%d %q %q", i, c.StartMS, c.EndMS, c.Speaker, c.Text, want.StartMS, want.EndMS, want.Speaker, want.Text)
					continue
				}
				if want.Words == nil && c.Words != nil {
					t.Errorf("cue %d: words %+v, want none", i, c.Words)
				}
				checkWords(t, c.Text, c.Words, want.Words)
			}
			got := RangesFor(cues[1], []Span{{46, 60}}, DefaultMarginMS)
			if want := []Range{tt.phoneMS}; !reflect.DeepEqual(got, want) {
				t.Errorf("phone number hidden over %v, want %v", got, want)
			}
		})
	}
}

func TestParseWhisperJSONErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"truncated", "{\"segments\": [\n{\"start\": 0,", "line 2"},
		{"NaN", `{"segments": [{"start": NaN, "end": 1.0, "text": "x"}]}`, "NaN is not a number"},
		{"-Infinity", `{"segments": [{"start": 0, "end": 1.0, "words": [{"word": "x", "start": -Infinity, "end": 1}]}]}`, "Infinity is not a number"},
		{"overflow", `{"segments": [{"start": 0, "end": 1e400}]}`, "out of range"},
		{"past 100 days", `{"segments": [{"start": 0, "end": 1e300}]}`, "segment 1 end is 1e+300, past 100 days"},
		{"negative", `{"segments": [{"start": -0.5, "end": 1}]}`, "segment 1 start is negative"},
		{"inverted segment", `{"segments": [{"start": 0, "end": 1}, {"start": 3, "end": 2}]}`, "segment 2 ends (0:02.000) before it starts (0:03.000)"},
		{"inverted word", `{"segments": [{"start": 0, "end": 3, "words": [{"word": " Jean", "start": 2, "end": 1}]}]}`, `segment 1 word 1 ("Jean") ends`},
		{"half-timed word", `{"segments": [{"start": 0, "end": 3, "words": [{"word": "a", "start": 2}]}]}`, "a start but no end"},
		{"untimed segment", `{"segments": [{"text": "x"}]}`, `segment 1 has no "start" and "end"`},
		{"unknown shape", `{"results": []}`, "not a whisper JSON transcript"},
		{"array", `[1, 2]`, "should not be a array"},
		{"string time", `{"segments": [{"start": "0", "end": 1}]}`, `"segments.start" should not be a string`},
		{"cpp bad timestamps", `{"transcription": [{"timestamps": {"from": "0:0", "to": "00:00:01,000"}, "text": "x"}]}`, "segment 1: bad timestamps"},
		{"cpp no times", `{"transcription": [{"text": "x"}]}`, "segment 1 has no times"},
		{"cpp inverted token", `{"transcription": [{"offsets": {"from": 0, "to": 900}, "tokens": [{"text": " a", "offsets": {"from": 500, "to": 400}}]}]}`, "segment 1 token 1 ends"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseWhisperJSON(strings.NewReader(tt.in))
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err %v, want ErrInvalid with %q", err, tt.want)
			}
		})
	}
	t.Run("too big", func(t *testing.T) {
		big := `{"segments": [], "pad": "` + strings.Repeat("x", MaxWhisperBytes) + `"}`
		if _, err := ParseWhisperJSON(strings.NewReader(big)); !errors.Is(err, ErrInvalid) {
			t.Errorf("err %v, want ErrInvalid", err)
		}
	})
}

func TestParseWhisperJSONEdges(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []TimedCue
	}{
		{"no words", `{"segments": [{"start": 1.5, "end": 2.25, "text": " Oui. "}]}`,
			[]TimedCue{{StartMS: 1500, EndMS: 2250, Text: "Oui."}}},
		{"no word timed", `{"segments": [{"start": 0, "end": 1, "text": "a b", "words": [{"word": "a"}, {"word": "b"}]}]}`,
			[]TimedCue{{StartMS: 0, EndMS: 1000, Text: "a b"}}},
		{"speaker from words", `{"segments": [{"start": 0, "end": 1, "text": "a", "words": [{"word": "a", "start": 0, "end": 1, "speaker": "SPEAKER_02"}]}]}`,
			[]TimedCue{{StartMS: 0, EndMS: 1000, Speaker: "SPEAKER_02", Text: "a", Words: []Word{{StartMS: 0, EndMS: 1000, Text: "a", Start: 0, End: 1}}}}},
		{"word missing from text takes the gap", `{"segments": [{"start": 0, "end": 3, "text": "un deux trois", "words": [{"word": "un", "start": 0, "end": 1}, {"word": "2", "start": 1, "end": 2}, {"word": "trois", "start": 2, "end": 3}]}]}`,
			[]TimedCue{{StartMS: 0, EndMS: 3000, Text: "un deux trois", Words: []Word{
				{StartMS: 0, EndMS: 1000, Text: "un", Start: 0, End: 2}, {StartMS: 1000, EndMS: 2000, Text: "deux", Start: 3, End: 7}, {StartMS: 2000, EndMS: 3000, Text: "trois", Start: 8, End: 13}}}}},
		{"empty transcription", `{"transcription": []}`, []TimedCue{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseWhisperJSON(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}
