package redact

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
)

// w is a Word literal without the text, which tests check through offsets.
func w(startMS, endMS int64, start, end int) Word {
	return Word{StartMS: startMS, EndMS: endMS, Start: start, End: end}
}

// checkWords compares words ignoring Text, then checks Text is the runes of
// the cue text at the offsets.
func checkWords(t *testing.T, text string, got, want []Word) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d words %+v, want %d %+v", len(got), got, len(want), want)
	}
	rs := []rune(text)
	for i := range want {
		g := got[i]
		if g.StartMS != want[i].StartMS || g.EndMS != want[i].EndMS || g.Start != want[i].Start || g.End != want[i].End {
			t.Errorf("word %d %q: %+v, want %+v", i, g.Text, g, want[i])
		}
		if g.Text != string(rs[g.Start:g.End]) {
			t.Errorf("word %d text %q, cue text there %q", i, g.Text, string(rs[g.Start:g.End]))
		}
	}
}

func TestParseVTTWordsFixture(t *testing.T) {
	f, err := os.Open("testdata/call.vtt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cues, err := ParseVTTWords(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(cues) != 4 {
		t.Fatalf("%d cues, want 4: %+v", len(cues), cues)
	}
	want := []struct {
		start, end    int64
		speaker, text string
		words         []Word
	}{
		{0, 3200, "Conseillère", "Bonjour, service client, je vous écoute.", []Word{
			w(0, 1600, 0, 8), w(0, 1600, 9, 16), w(0, 1600, 17, 24), w(1600, 3200, 25, 27), w(1600, 3200, 28, 32), w(1600, 3200, 33, 40)}},
		{3500, 8000, "Client", "Je m'appelle Jean Dupont, mon numéro c'est le 06 12 34 56 78", []Word{
			w(3500, 5120, 0, 2), w(3500, 5120, 3, 12), w(5120, 5480, 13, 17), w(5480, 6300, 18, 25),
			w(5480, 6300, 26, 29), w(5480, 6300, 30, 36), w(6300, 6900, 37, 42), w(6300, 6900, 43, 45),
			w(6900, 7200, 46, 48), w(7200, 7400, 49, 51), w(7400, 7600, 52, 54), w(7600, 7800, 55, 57), w(7800, 8000, 58, 60)}},
		// "Client: " is a speaker prefix; the 00:00:09.400 mark goes backwards and is dropped.
		{8500, 11000, "Client", "Mon IBAN FR76 & le reste ensuite", []Word{
			w(9000, 9800, 0, 3), w(9000, 9800, 4, 8), w(9800, 11000, 9, 13), w(9800, 11000, 14, 15),
			w(9800, 11000, 16, 18), w(9800, 11000, 19, 24), w(9800, 11000, 25, 32)}},
		{60000, 62500, "", "Sans horodatage, la conseillère note.", nil},
	}
	for i, c := range cues {
		wc := want[i]
		if c.StartMS != wc.start || c.EndMS != wc.end || c.Speaker != wc.speaker || c.Text != wc.text {
			t.Errorf("cue %d: %d–%d %q %q, want %d–%d %q %q", i, c.StartMS, c.EndMS, c.Speaker, c.Text, wc.start, wc.end, wc.speaker, wc.text)
			continue
		}
		if wc.words == nil && c.Words != nil {
			t.Errorf("cue %d has words %+v, want none (no inline timestamps)", i, c.Words)
		}
		checkWords(t, c.Text, c.Words, wc.words)
	}
	// The phone number, found by the detector at runes 46–60 of cue 2, is
	// hidden from the first digit's start to the last one's end, plus margins.
	got := RangesFor(cues[1], []Span{{46, 60}}, DefaultMarginMS)
	if want := []Range{{6750, 8150}}; !reflect.DeepEqual(got, want) {
		t.Errorf("ranges for the phone number %v, want %v", got, want)
	}
}

func TestWordsFromVTTCue(t *testing.T) {
	tests := []struct {
		name     string
		start    int64
		end      int64
		raw      string
		text     string
		words    []Word
		noTiming bool
	}{
		{"the brief's example", 3000, 7000, "<v Client>Je m'appelle <00:00:05.120>Jean <00:00:05.480>Dupont",
			"Je m'appelle Jean Dupont", []Word{w(3000, 5120, 0, 2), w(3000, 5120, 3, 12), w(5120, 5480, 13, 17), w(5480, 7000, 18, 24)}, false},
		{"no timestamps", 0, 1000, "<i>Bonjour</i>  à vous", "Bonjour à vous", nil, true},
		{"timestamp past the cue end clamps", 0, 1000, "a <00:00:02.000>b", "a b", []Word{w(0, 1000, 0, 1), w(1000, 1000, 2, 3)}, false},
		{"timestamp before the cue start is dropped", 5000, 6000, "a <00:00:01.000>b", "a b", nil, true},
		{"mm:ss timestamp and entities", 0, 2000, "x&lt;y <00:01.000>&nbsp;z&amp;", "x<y z&", []Word{w(0, 1000, 0, 3), w(1000, 2000, 4, 6)}, false},
		{"mid-word timestamp keeps the word whole", 0, 2000, "Dup<00:00:01.000>ont", "Dupont", []Word{w(0, 2000, 0, 6)}, false},
		{"unclosed tag runs to the end", 0, 2000, "a <00:00:01.000>b <c.x unclosed", "a b", []Word{w(0, 1000, 0, 1), w(1000, 2000, 2, 3)}, false},
		{"bad timestamp tag is ignored", 0, 2000, "a <00:0x:01.000>b", "a b", nil, true},
		{"inverted cue drops its timestamps", 2000, 1000, "a <00:00:01.500>b", "a b", nil, true},
		{"line breaks are spaces", 0, 2000, "un\ndeux <00:00:01.000>\n trois ", "un deux trois", []Word{w(0, 1000, 0, 2), w(0, 1000, 3, 7), w(1000, 2000, 8, 13)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, words := WordsFromVTTCue(tt.start, tt.end, tt.raw)
			if text != tt.text {
				t.Fatalf("text %q, want %q", text, tt.text)
			}
			if tt.noTiming {
				if words != nil {
					t.Fatalf("words %+v, want none", words)
				}
				return
			}
			checkWords(t, text, words, tt.words)
		})
	}
}

func TestParseVTTWordsErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"not vtt", "1\n00:00:01,000 --> 00:00:02,000\nhello\n", "first line must be WEBVTT"},
		{"WEBVTTX", "WEBVTTX\n", "first line must be WEBVTT"},
		{"bad start", "WEBVTT\n\n00:0a:01.000 --> 00:00:02.000\nhello\n", "line 3: bad start time"},
		{"no end", "WEBVTT\n\nid\n00:00:01.000 -->\nhello\n", "line 4: timing line"},
		{"bad end", "WEBVTT\n\n00:00:01.000 --> 00:00:02\nhello\n", "line 3: bad end time"},
		{"seconds over 59", "WEBVTT\n\n00:00:61.000 --> 00:01:02.000\nhello\n", "bad start time"},
		{"inverted", "WEBVTT\n\n00:00:03.000 --> 00:00:02.000\nhello\n", "ends (0:02.000) before it starts (0:03.000)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseVTTWords(strings.NewReader(tt.in))
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err %v, want ErrInvalid with %q", err, tt.want)
			}
		})
	}
	t.Run("too big", func(t *testing.T) {
		big := "WEBVTT\n\n" + strings.Repeat("x", MaxVTTBytes)
		if _, err := ParseVTTWords(strings.NewReader(big)); !errors.Is(err, ErrInvalid) {
			t.Errorf("err %v, want ErrInvalid", err)
		}
	})
}

func TestParseVTTWordsNoBlankAfterHeader(t *testing.T) {
	cues, err := ParseVTTWords(strings.NewReader("WEBVTT\n00:01.000 --> 00:02.000\nOui.\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := []TimedCue{{StartMS: 1000, EndMS: 2000, Text: "Oui."}}; !reflect.DeepEqual(cues, want) {
		t.Errorf("cues %+v, want %+v", cues, want)
	}
}

func TestParseVTTWordsEdges(t *testing.T) {
	in := "WEBVTT\r\rNOTE a\r\r01:00:00.000 --> 01:00:01,500 line:0\r<v Agent>hi\r\rstray text block\r\r00:05.000 --> 00:06.000\r\r"
	cues, err := ParseVTTWords(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []TimedCue{{StartMS: 3600000, EndMS: 3601500, Speaker: "Agent", Text: "hi"}, {StartMS: 5000, EndMS: 6000}}
	if !reflect.DeepEqual(cues, want) {
		t.Errorf("cues %+v, want %+v", cues, want)
	}
}
