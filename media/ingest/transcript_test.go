package ingest

import (
	"strings"
	"testing"
	"time"
)

func TestReadTranscript(t *testing.T) {
	tests := []struct {
		name, format, in string
		cues             int
		speaker          string // of the first cue
		err              string
	}{
		{name: "vtt voices", format: "vtt", in: "WEBVTT\n\n00:00:00.200 --> 00:00:03.000\n<v Conseiller>Bonjour\n\n00:00:03.100 --> 00:00:05.000\n<v Client>Ma facture\n", cues: 2, speaker: "Conseiller"},
		{name: "vtt bom crlf", format: "vtt", in: "\ufeffWEBVTT\r\n\r\n00:00.500 --> 00:01.000\r\n<v Anne Roux>Oui\r\n", cues: 1, speaker: "Anne Roux"},
		{name: "vtt empty", format: "vtt", in: "WEBVTT\n", cues: 0},
		{name: "srt name prefix", format: "srt", in: "1\n00:00:01,000 --> 00:00:02,000\nClient: Bonjour\n\n2\n00:00:02,500 --> 00:00:03,000\nAu revoir.\n", cues: 2, speaker: "Client"},
		{name: "missing header", format: "vtt", in: "00:00:01.000 --> 00:00:02.000\nhi\n", err: "missing WEBVTT header"},
		{name: "end before start", format: "vtt", in: "WEBVTT\n\n00:00:05.000 --> 00:00:01.000\nhi\n", err: "ends before it starts"},
		{name: "srt end before start", format: "srt", in: "1\n00:00:05,000 --> 00:00:01,000\nhi\n", err: "ends before it starts"},
		{name: "bad timestamp vtt", format: "vtt", in: "WEBVTT\n\n00:xx:01.000 --> 00:00:02.000\nhi\n", err: "malformed vtt"},
		{name: "bad timestamp srt", format: "srt", in: "1\n00:00:01,000 --> 00:00:zz,000\nhi\n", err: "malformed srt"},
		{name: "not utf-8", format: "vtt", in: "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nd\xe9\xe7u\n", err: "not UTF-8"},
		{name: "huge", format: "vtt", in: "WEBVTT\n\n" + strings.Repeat("x", maxTranscriptBytes), err: "larger than"},
		{name: "unknown format", format: "ass", in: "x", err: "unsupported"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cues, err := ReadTranscript(strings.NewReader(tc.in), tc.format)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(cues) != tc.cues {
				t.Fatalf("%d cues %+v, want %d", len(cues), cues, tc.cues)
			}
			if tc.speaker != "" && cues[0].Speaker != tc.speaker {
				t.Errorf("speaker %q, want %q", cues[0].Speaker, tc.speaker)
			}
		})
	}
}

// TestReadTranscriptManyCues: a long but legitimate transcript parses in
// reasonable time with every cue (guards against quadratic behaviour).
func TestReadTranscriptManyCues(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("WEBVTT\n\n")
	for i := range 5000 {
		s := time.Duration(i) * time.Second
		sb.WriteString(fmtVTT(s) + " --> " + fmtVTT(s+900*time.Millisecond) + "\n<v Client>phrase\n\n")
	}
	done := make(chan int, 1)
	go func() {
		cues, err := ReadTranscript(strings.NewReader(sb.String()), "vtt")
		if err != nil {
			t.Error(err)
		}
		done <- len(cues)
	}()
	select {
	case n := <-done:
		if n != 5000 {
			t.Errorf("%d cues, want 5000", n)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("5,000-cue transcript did not parse within 20 s")
	}
}

func fmtVTT(d time.Duration) string {
	ms := d.Milliseconds()
	return strings.TrimSpace(strings.Join([]string{pad(ms/3600000, 2), pad(ms/60000%60, 2), pad(ms/1000%60, 2)}, ":") + "." + pad(ms%1000, 3))
}

func pad(n int64, w int) string {
	s := strings.Repeat("0", w) + itoa(n)
	return s[len(s)-w:]
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func FuzzReadTranscript(f *testing.F) {
	f.Add([]byte("WEBVTT\n\n00:00:00.200 --> 00:00:03.000\n<v Conseiller>Bonjour\n"), true)
	f.Add([]byte("WEBVTT\n\nSTYLE\n::cue { color: red }\n\nNOTE x\n\nid\n00:01.000 --> 00:02.000 align:start\n<b>hi</b> <c.x>there</c>\n"), true)
	f.Add([]byte("1\n00:00:01,000 --> 00:00:02,000\nClient: Bonjour\n"), false)
	f.Add([]byte("1\n00:00:01,000 --> 00:00:02,000\n<font color=\"red\">x</font>\n\n2\n"), false)
	f.Fuzz(func(t *testing.T, data []byte, vtt bool) {
		format := "srt"
		if vtt {
			format = "vtt"
		}
		cues, err := ReadTranscript(strings.NewReader(string(data)), format)
		if err != nil {
			return
		}
		for _, q := range cues {
			if q.EndMS < q.StartMS || q.StartMS < 0 || q.Text == "" {
				t.Fatalf("bad cue %+v", q)
			}
		}
	})
}
