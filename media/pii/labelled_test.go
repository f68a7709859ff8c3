package pii

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
)

// labelledLine is one line of testdata/labelled.jsonl (made by
// internal/labelgen; see generate.go).
type labelledLine struct {
	Text  string `json:"text"`
	Spans []struct {
		Kind  Kind `json:"kind"`
		Start int  `json:"start"`
		End   int  `json:"end"`
	} `json:"spans"`
}

func loadLabelled(tb testing.TB) []labelledLine {
	tb.Helper()
	return loadJSONL(tb, "testdata/labelled.jsonl")
}

func loadJSONL(tb testing.TB, path string) []labelledLine {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []labelledLine
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var l labelledLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			tb.Fatal(err)
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// score is the detector's result on the labelled set.
//
// Scoring, stated so that it can be judged:
//   - a labelled span is recalled when the findings of its kind that overlap
//     it cover at least 80% of its runes (a finding covering a third of a
//     phone number would leave the number audible, so it does not count);
//   - a finding is a true positive when it overlaps a labelled span of the
//     same kind; any other finding, including one of the wrong kind, is a
//     false positive;
//   - exact counts recalled spans whose findings match the span's bounds
//     exactly, for information only.
type score struct {
	spans, recalled, exact map[Kind]int
	findings, truePos      int
	misses, falsePos       []string
}

func (s score) recall(k Kind) float64 {
	if s.spans[k] == 0 {
		return 1
	}
	return float64(s.recalled[k]) / float64(s.spans[k])
}

func (s score) precision() float64 {
	if s.findings == 0 {
		return 1
	}
	return float64(s.truePos) / float64(s.findings)
}

func scoreLabelled(d *Detector, lines []labelledLine) score {
	s := score{spans: map[Kind]int{}, recalled: map[Kind]int{}, exact: map[Kind]int{}}
	for _, l := range lines {
		fs := d.Find(l.Text)
		runes := []rune(l.Text)
		for _, sp := range l.Spans {
			s.spans[sp.Kind]++
			covered, exact := 0, false
			for _, f := range fs {
				if f.Kind != sp.Kind || f.End <= sp.Start || f.Start >= sp.End {
					continue
				}
				covered += min(f.End, sp.End) - max(f.Start, sp.Start)
				exact = exact || (f.Start == sp.Start && f.End == sp.End)
			}
			if covered*5 >= (sp.End-sp.Start)*4 {
				s.recalled[sp.Kind]++
				if exact {
					s.exact[sp.Kind]++
				}
			} else {
				s.misses = append(s.misses, fmt.Sprintf("%s %q in %q", sp.Kind, string(runes[sp.Start:sp.End]), l.Text))
			}
		}
		for _, f := range fs {
			s.findings++
			tp := false
			for _, sp := range l.Spans {
				if f.Kind == sp.Kind && f.Start < sp.End && sp.Start < f.End {
					tp = true
				}
			}
			if tp {
				s.truePos++
			} else {
				s.falsePos = append(s.falsePos, fmt.Sprintf("%s %q in %q", f.Kind, f.Text, l.Text))
			}
		}
	}
	return s
}

// targets are the recall each kind must reach on the labelled set.
var targets = map[Kind]float64{
	Email: 0.98, Phone: 0.98, IBAN: 0.98, Card: 0.98, NIR: 0.98, Name: 0.85, Address: 0.85,
}

const precisionTarget = 0.95

func TestLabelled(t *testing.T) {
	lines := loadLabelled(t)
	if len(lines) < 400 {
		t.Fatalf("labelled set has %d lines, want at least 400", len(lines))
	}
	d, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	s := scoreLabelled(d, lines)
	kinds := make([]Kind, 0, len(targets))
	for k := range targets {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool { return kinds[i] < kinds[j] })
	for _, k := range kinds {
		t.Logf("%-8s recall %.3f (%d/%d, %d exact)", k, s.recall(k), s.recalled[k], s.spans[k], s.exact[k])
		if s.spans[k] == 0 {
			t.Errorf("%s: no labelled span", k)
		}
		if s.recall(k) < targets[k] {
			t.Errorf("%s: recall %.3f under target %.2f", k, s.recall(k), targets[k])
		}
	}
	t.Logf("precision %.3f (%d/%d)", s.precision(), s.truePos, s.findings)
	if s.precision() < precisionTarget {
		t.Errorf("precision %.3f under target %.2f", s.precision(), precisionTarget)
	}
	for _, m := range s.misses {
		t.Logf("missed: %s", m)
	}
	for _, m := range s.falsePos {
		t.Logf("false positive: %s", m)
	}
}

// TestHardSet scores the small hand-written set of hard lines
// (testdata/hard.jsonl, written by scripts/pii-labelled/hard.py). It is
// kept apart from the generated set and not tuned to: it only logs its
// figures and misses (go test -run TestHardSet -v), as a measure of what
// the detector still gets wrong.
func TestHardSet(t *testing.T) {
	d, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	s := scoreLabelled(d, loadJSONL(t, "testdata/hard.jsonl"))
	spans, recalled := 0, 0
	for k, n := range s.spans {
		spans += n
		recalled += s.recalled[k]
		t.Logf("%-8s recall %d/%d", k, s.recalled[k], n)
	}
	t.Logf("overall recall %d/%d, precision %d/%d", recalled, spans, s.truePos, s.findings)
	for _, m := range s.misses {
		t.Logf("missed: %s", m)
	}
	for _, m := range s.falsePos {
		t.Logf("false positive: %s", m)
	}
}

// BenchmarkLabelled reports the labelled-set figures: recall per kind and
// overall precision.
func BenchmarkLabelled(b *testing.B) {
	lines := loadLabelled(b)
	d, err := New(nil)
	if err != nil {
		b.Fatal(err)
	}
	var s score
	for b.Loop() {
		s = scoreLabelled(d, lines)
	}
	for k := range targets {
		b.ReportMetric(s.recall(k), "recall-"+string(k))
	}
	b.ReportMetric(s.precision(), "precision")
}

// BenchmarkFind reports throughput on the labelled set in lines per second.
func BenchmarkFind(b *testing.B) {
	lines := loadLabelled(b)
	d, err := New(nil)
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for b.Loop() {
		for _, l := range lines {
			d.Find(l.Text)
		}
		n += len(lines)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "lines/s")
}

// BenchmarkFindLongLine runs Find on long adversarial lines (the fuzzer
// once found a separator run that made tokenizing quadratic); it reports
// bytes/s through b.SetBytes.
func BenchmarkFindLongLine(b *testing.B) {
	d, err := New(nil)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct{ name, text string }{
		{"separators", "zéro" + strings.Repeat(", ", 50000)},
		{"names", strings.Repeat("Bonjour Camille Dupont ", 4000)},
		{"digits", strings.Repeat("4111 ", 20000)},
		{"phones", strings.Repeat("06 12 34 56 78 x ", 5000)},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.text)))
			for b.Loop() {
				d.Find(c.text)
			}
		})
	}
}
