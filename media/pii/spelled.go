package pii

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Transcribers sometimes write a phone number the way the customer says it:
// "zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit". The
// words are parsed into numbers up to 99, each written with the digits it
// stands for ("six" → "6", "douze" → "12"), and a run whose digits make ten,
// starting with 0, is a phone number. Digit groups ("06", "12") may be mixed
// in.

// numWords maps French number words (accents optional) to their values.
// "et" joins "vingt et un"; the parser handles it.
var numWords = map[string]int{
	"zéro": 0, "zero": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5,
	"six": 6, "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12,
	"treize": 13, "quatorze": 14, "quinze": 15, "seize": 16, "vingt": 20, "vingts": 20,
	"trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60,
}

// token is a word of the text with its byte span.
type token struct {
	w          string // lower case
	start, end int
	sepBefore  string // what separates it from the previous token
}

// spelledTokens splits text into words at spaces, hyphens and commas,
// keeping the separators so that a sentence end breaks a number.
func spelledTokens(text string) []token {
	var toks []token
	i := 0
	sepStart := 0
	for i < len(text) {
		r, w := utf8.DecodeRuneInString(text[i:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			j := i + w
			for j < len(text) {
				r2, w2 := utf8.DecodeRuneInString(text[j:])
				if !(unicode.IsLetter(r2) || unicode.IsDigit(r2)) {
					break
				}
				j += w2
			}
			toks = append(toks, token{strings.ToLower(text[i:j]), i, j, text[sepStart:i]})
			i = j
			sepStart = j
			continue
		}
		i += w
	}
	return toks
}

// joinable reports whether a separator may sit inside a spoken number
// sequence: spaces, hyphens, commas, dots between groups.
func joinable(sep string) bool {
	if len(sep) > 4 {
		return false
	}
	for _, c := range sep {
		if c != ' ' && c != '-' && c != ',' && c != '.' {
			return false
		}
	}
	return true
}

// parseNumber reads one number (0..99, or a 1-2 digit group) at toks[i] and
// returns its digits and how many tokens it used (0 when there is none).
func parseNumber(toks []token, i int) (string, int) {
	t := toks[i].w
	if t[0] >= '0' && t[0] <= '9' {
		if len(t) <= 2 && isDigitsOnly(t) {
			return t, 1
		}
		return "", 0
	}
	v, ok := numWords[t]
	if !ok {
		return "", 0
	}
	n := 1
	next := func() (int, bool) {
		if i+n < len(toks) && joinable(toks[i+n].sepBefore) {
			x, ok := numWords[toks[i+n].w]
			return x, ok
		}
		return 0, false
	}
	nextIsEt := i+n < len(toks) && toks[i+n].w == "et" && joinable(toks[i+n].sepBefore)
	switch {
	case v == 4:
		// quatre-vingt(s) [-un … -dix-neuf]
		if x, ok := next(); ok && x == 20 {
			v = 80
			n++
			// "quatre-vingts" with its s is 80 and ends there.
			if toks[i+n-1].w == "vingt" {
				v, n = addUnits(toks, i, n, v, true)
			}
		}
	case v == 10:
		// dix-sept, dix-huit, dix-neuf
		if x, ok := next(); ok && x >= 7 && x <= 9 {
			v += x
			n++
		}
	case v >= 20 && v <= 60:
		if nextIsEt {
			// vingt et un, soixante et onze
			if i+n+1 < len(toks) && joinable(toks[i+n+1].sepBefore) {
				x := toks[i+n+1].w
				if x == "un" || x == "une" || (v == 60 && x == "onze") {
					if x == "onze" {
						v += 11
					} else {
						v++
					}
					n += 2
				}
			}
		} else {
			v, n = addUnits(toks, i, n, v, v == 60)
		}
	}
	if v < 10 {
		return string(rune('0' + v)), n
	}
	return string([]rune{rune('0' + v/10), rune('0' + v%10)}), n
}

// addUnits adds a following unit (1-9) or, after soixante and quatre-vingt,
// a teen (10-19) to v.
func addUnits(toks []token, i, n, v int, teens bool) (int, int) {
	if i+n >= len(toks) || !joinable(toks[i+n].sepBefore) {
		return v, n
	}
	x, ok := numWords[toks[i+n].w]
	if !ok {
		return v, n
	}
	switch {
	case x >= 1 && x <= 9:
		return v + x, n + 1
	case teens && x >= 11 && x <= 16:
		return v + x, n + 1
	case teens && x == 10:
		v += 10
		n++
		if i+n < len(toks) && joinable(toks[i+n].sepBefore) {
			if y, ok := numWords[toks[i+n].w]; ok && y >= 7 && y <= 9 {
				return v + y, n + 1
			}
		}
		return v, n
	}
	return v, n
}

func isDigitsOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigitByte(s[i]) {
			return false
		}
	}
	return s != ""
}

// spelledKeys gate findSpelledPhones: a spelled phone number holds "zéro"
// or one of the tens.
var spelledKeys = []string{"zéro", "zero", "dix", "onze", "douze", "treize", "quatorze", "quinze", "seize",
	"vingt", "trente", "quarante", "cinquante", "soixante"}

// findSpelledPhones finds phone numbers said in words; low is text
// lower-cased.
func findSpelledPhones(text, low string, add func(Kind, int, int)) {
	if !mentions(low, spelledKeys) {
		return
	}
	toks := spelledTokens(text)
	for i := 0; i < len(toks); i++ {
		// A number starts with "zéro", or with a digit group "06" when
		// words follow ("06, douze, trente-quatre, …"); digits alone are
		// the regexps' job.
		w := toks[i].w
		if w != "zéro" && w != "zero" && !(len(w) == 2 && w[0] == '0' && isDigitsOnly(w)) {
			continue
		}
		digits := ""
		words := false
		j := i
		for j < len(toks) && len(digits) < 10 {
			if j > i && !joinable(toks[j].sepBefore) {
				break
			}
			d, n := parseNumber(toks, j)
			if n == 0 {
				break
			}
			words = words || !isDigitsOnly(toks[j].w)
			digits += d
			j += n
		}
		if len(digits) != 10 || !words || referenceBefore(text, toks[i].start) {
			continue
		}
		// The number must end there, not run on into more number words.
		if j < len(toks) && joinable(toks[j].sepBefore) {
			if w := toks[j].w; w != "un" && w != "une" {
				if _, n := parseNumber(toks, j); n > 0 {
					continue
				}
			}
		}
		add(Phone, toks[i].start, toks[j-1].end)
		i = j - 1
	}
}
