// Package pii finds personal data in French (first) and English call
// transcripts and written customer comments, so that the room only ever
// hears and reads them masked.
//
// The detector favours precision as much as recall: a transcript full of
// [redacted] is useless to a listener. Numbers are only taken when their
// shape and checksum say so (Luhn for cards, mod-97 for IBANs and social
// security numbers), and a first name alone is only taken in a name context.
// README.md lists the rules.
package pii

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// Kind is what sort of personal data a Finding is.
type Kind string

// The kinds of personal data the detector reports.
const (
	Email   Kind = "email"
	Phone   Kind = "phone"
	IBAN    Kind = "iban"
	Card    Kind = "card"
	NIR     Kind = "nir"
	Name    Kind = "name"
	Address Kind = "address"
	Custom  Kind = "custom"
)

// Finding is one piece of personal data in a line. Start and End are rune
// offsets into the line, End exclusive, and Text is the runes between them.
type Finding struct {
	Kind  Kind   `json:"kind"`
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
}

// Pattern is an identifier the company configures (a contract or customer
// number format); its matches are reported with the kind "custom".
type Pattern struct {
	Name   string
	Regexp string
}

// Detector finds personal data. It holds only compiled, read-only state, so
// one Detector is safe for concurrent use.
type Detector struct {
	custom []*regexp.Regexp
}

// New returns a Detector that also reports the matches of the custom
// patterns. An empty or invalid pattern is an error naming the pattern.
func New(custom []Pattern) (*Detector, error) {
	d := &Detector{}
	for i, p := range custom {
		name := p.Name
		if name == "" {
			name = fmt.Sprintf("#%d", i+1)
		}
		if strings.TrimSpace(p.Regexp) == "" {
			return nil, fmt.Errorf("pii: custom pattern %s: empty regular expression", name)
		}
		re, err := regexp.Compile(p.Regexp)
		if err != nil {
			return nil, fmt.Errorf("pii: custom pattern %s: invalid regular expression: %w", name, err)
		}
		d.custom = append(d.custom, re)
	}
	return d, nil
}

// Label is the bracketed French label that replaces a finding of kind k in
// masked text.
func Label(k Kind) string {
	switch k {
	case Email:
		return "[e-mail]"
	case Phone:
		return "[téléphone]"
	case IBAN:
		return "[IBAN]"
	case Card:
		return "[carte]"
	case NIR:
		return "[n° de sécurité sociale]"
	case Name:
		return "[nom]"
	case Address:
		return "[adresse]"
	case Custom:
		return "[identifiant]"
	}
	return "[donnée personnelle]"
}

// Mask returns text with each finding replaced by its Label. Findings are
// expected as Find returns them (sorted, non-overlapping); one that is out of
// range or overlaps an earlier one is skipped rather than garbling the text.
func Mask(text string, fs []Finding) string {
	if len(fs) == 0 {
		return text
	}
	runes := []rune(text)
	var b strings.Builder
	b.Grow(len(text))
	pos := 0
	for _, f := range fs {
		if f.Start < pos || f.End <= f.Start || f.End > len(runes) {
			continue
		}
		b.WriteString(string(runes[pos:f.Start]))
		b.WriteString(Label(f.Kind))
		pos = f.End
	}
	b.WriteString(string(runes[pos:]))
	return b.String()
}

// span is a candidate finding in byte offsets, before overlaps are resolved.
type span struct {
	kind       Kind
	start, end int
}

// priority decides which of two overlapping findings of different kinds
// wins: checksummed numbers are the surest, names the least sure.
func priority(k Kind) int {
	switch k {
	case Email:
		return 9
	case IBAN:
		return 8
	case NIR:
		return 7
	case Card:
		return 7
	case Custom:
		return 6
	case Phone:
		return 5
	case Address:
		return 4
	case Name:
		return 3
	}
	return 0
}

// Find returns the personal data in text, sorted by Start and
// non-overlapping. Overlapping findings of one kind are merged; across kinds
// the surer kind wins (see priority).
func (d *Detector) Find(text string) []Finding {
	if text == "" {
		return nil
	}
	var spans []span
	add := func(k Kind, s, e int) {
		if s < e {
			spans = append(spans, span{k, s, e})
		}
	}
	if strings.IndexByte(text, '@') >= 0 || strings.Contains(text, "arobase") {
		findEmails(text, add)
	}
	// One lower-cased copy for every finder's gates and cues, offsets kept.
	low := lowerSameLength(text)
	// Each number kind needs a least count of digits, and most comments
	// have none or a few: counting them once skips the number regexps.
	if first, n := digitCount(text); n > 0 {
		if n >= 8 {
			findPhones(text, add)
		}
		if n >= 13 {
			findCards(text, add)
			findNIRs(text, add)
		}
		findIBANs(text, add)
		findAddresses(text, low, first, add)
	}
	findSpelledPhones(text, low, add)
	findNames(text, low, add)
	for _, re := range d.custom {
		for _, m := range re.FindAllStringIndex(text, -1) {
			add(Custom, m[0], m[1])
		}
	}
	if len(spans) == 0 {
		return nil
	}
	spans = resolve(spans)
	return toFindings(text, spans)
}

// resolve merges overlapping spans of the same kind, then keeps, among
// overlapping spans of different kinds, the one with the higher priority
// (the longer one on a tie).
func resolve(spans []span) []span {
	sort.Slice(spans, func(i, j int) bool {
		if spans[i].kind != spans[j].kind {
			return spans[i].kind < spans[j].kind
		}
		return spans[i].start < spans[j].start
	})
	merged := spans[:0:0]
	for _, s := range spans {
		if n := len(merged); n > 0 && merged[n-1].kind == s.kind && s.start < merged[n-1].end {
			if s.end > merged[n-1].end {
				merged[n-1].end = s.end
			}
			continue
		}
		merged = append(merged, s)
	}
	sort.SliceStable(merged, func(i, j int) bool {
		pi, pj := priority(merged[i].kind), priority(merged[j].kind)
		if pi != pj {
			return pi > pj
		}
		li, lj := merged[i].end-merged[i].start, merged[j].end-merged[j].start
		if li != lj {
			return li > lj
		}
		return merged[i].start < merged[j].start
	})
	// kept stays sorted by start and non-overlapping, so a candidate only
	// needs checking against its two neighbours.
	var kept []span
	for _, s := range merged {
		i := sort.Search(len(kept), func(i int) bool { return kept[i].start >= s.start })
		if i > 0 && kept[i-1].end > s.start {
			continue
		}
		if i < len(kept) && kept[i].start < s.end {
			continue
		}
		kept = append(kept, span{})
		copy(kept[i+1:], kept[i:])
		kept[i] = s
	}
	return kept
}

// toFindings converts byte spans to rune offsets. Invalid UTF-8 bytes count
// as one rune each, as they do in []rune(text).
func toFindings(text string, spans []span) []Finding {
	out := make([]Finding, 0, len(spans))
	runeAt := func(b int) int { return b } // ASCII: bytes are runes
	if !isASCII(text) {
		idx := make([]int, len(text)+1)
		r := 0
		for i := 0; i < len(text); {
			_, w := utf8.DecodeRuneInString(text[i:])
			for j := 0; j < w; j++ {
				idx[i+j] = r
			}
			i += w
			r++
		}
		idx[len(text)] = r
		runeAt = func(b int) int { return idx[b] }
	}
	var runes []rune
	for _, s := range spans {
		f := Finding{Kind: s.kind, Start: runeAt(s.start), End: runeAt(s.end)}
		if f.End <= f.Start {
			continue
		}
		if utf8.ValidString(text[s.start:s.end]) {
			f.Text = text[s.start:s.end]
		} else {
			if runes == nil {
				runes = []rune(text)
			}
			f.Text = string(runes[f.Start:f.End])
		}
		out = append(out, f)
	}
	return out
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// digitCount returns the offset of the first ASCII digit in s and how many
// there are (-1, 0 for none).
func digitCount(s string) (first, n int) {
	first = -1
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			if n == 0 {
				first = i
			}
			n++
		}
	}
	return first, n
}
