package pii

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Go's regexp has no look-around, so each pattern is matched loosely and the
// boundaries and checksums are checked in code. Every regexp is compiled
// once, at package init.
var (
	emailRe = regexp.MustCompile(`[\p{L}\p{N}._%+\-]+@[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)*\.\p{L}{2,}`)
	// "jean point dupont arobase gmail point com": e-mails as people say them.
	spokenEmailRe = regexp.MustCompile(`(?i)[\p{L}\p{N}]+(?:[ ](?:point|tiret|underscore|tiret du bas)[ ][\p{L}\p{N}]+)*[ ]arobase[ ][\p{L}\p{N}\-]+(?:[ ]point[ ][\p{L}]{2,})+`)

	// French numbers: 0X then four pairs, or +33/0033 with an optional (0).
	// Separators include the no-break spaces that word processors put in
	// written numbers, and the slash some people use.
	frPhoneRe = regexp.MustCompile(`(?:(?:\+|00)[ \x{a0}\x{202f}]?33[ .\-\x{a0}\x{202f}]?(?:\(0\)[ .\-\x{a0}\x{202f}]?)?[1-9]|0[1-9])(?:[ .\-/\x{a0}\x{202f}]?[0-9]{2}){4}`)
	// Dictated digit by digit: "0 6 1 2 3 4 5 6 7 8".
	digitPhoneRe = regexp.MustCompile(`0(?:[ .\-][0-9]){9}`)
	// Other countries' E.164 numbers: + or 00, a country code, then groups.
	intlPhoneRe = regexp.MustCompile(`(?:\+|00)[1-9][0-9]{0,2}(?:[ .\-\x{a0}\x{202f}]?\(?[0-9]{1,5}\)?){2,6}`)

	// Cards: 4-4-4-4(-3), Amex 4-6-5, or 13 to 19 digits in one run.
	cardRe = regexp.MustCompile(`[0-9]{4}(?:[ \-\x{a0}\x{202f}]?[0-9]{4}){2,3}(?:[ \-\x{a0}\x{202f}]?[0-9]{1,3})?|[0-9]{4}[ \-\x{a0}\x{202f}]?[0-9]{6}[ \-\x{a0}\x{202f}]?[0-9]{4,5}|[0-9]{13,19}`)

	// NIR: sex, year, month, department (2A/2B for Corsica), commune,
	// order, key; spaces or dots allowed between the groups.
	nirRe = regexp.MustCompile(`[1-478][ .\x{a0}\x{202f}]?[0-9]{2}[ .\x{a0}\x{202f}]?[0-9]{2}[ .\x{a0}\x{202f}]?(?:[0-9]{2}|2[ABab])(?:[ .\x{a0}\x{202f}]?[0-9]){6}[ .\x{a0}\x{202f}]?[0-9]{2}`)
)

// wordRune is true for runes that glue onto a number or a word, so a match
// touching one is part of something longer (an order reference, a word).
func wordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// bounded reports whether text[s:e] is not glued to a letter or digit on
// either side.
func bounded(text string, s, e int) bool {
	if s > 0 {
		r, _ := utf8.DecodeLastRuneInString(text[:s])
		if wordRune(r) {
			return false
		}
	}
	if e < len(text) {
		r, _ := utf8.DecodeRuneInString(text[e:])
		if wordRune(r) {
			return false
		}
	}
	return true
}

// numberRun reports whether text[s:e] is inside a longer run of digit
// groups ("12 34 56 78 90 12 34"): a phone regexp must not cut one out of an
// order or parcel number read out in pairs.
func numberRun(text string, s, e int) bool {
	if r, w := utf8.DecodeLastRuneInString(text[:s]); isSep(r) && s-w > 0 && isDigitByte(text[s-w-1]) {
		return true
	}
	if r, w := utf8.DecodeRuneInString(text[e:]); isSep(r) && e+w < len(text) && isDigitByte(text[e+w]) {
		return true
	}
	return false
}

// isSep is a separator inside a written number.
func isSep(r rune) bool {
	return r == ' ' || r == '.' || r == '-' || r == '/' || r == '\u00a0' || r == '\u202f'
}

func isDigitByte(b byte) bool { return b >= '0' && b <= '9' }

func digitsOf(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if isDigitByte(s[i]) {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func findEmails(text string, add func(Kind, int, int)) {
	for _, m := range emailRe.FindAllStringIndex(text, -1) {
		add(Email, m[0], m[1])
	}
	if strings.Contains(text, "arobase") {
		for _, m := range spokenEmailRe.FindAllStringIndex(text, -1) {
			add(Email, m[0], m[1])
		}
	}
}

// referenceBefore reports whether the words just before position s say the
// number is a reference (order, parcel, invoice), not a phone number.
func referenceBefore(text string, s int) bool {
	from := s - 32
	if from < 0 {
		from = 0
	}
	for from > 0 && !utf8.RuneStart(text[from]) {
		from--
	}
	w := strings.ToLower(text[from:s])
	for _, k := range []string{"commande", "colis", "suivi", "référence", "reference", "réf", "facture", "dossier", "ticket", "order", "tracking", "invoice", "siret", "siren"} {
		if strings.Contains(w, k) {
			return true
		}
	}
	return false
}

func findPhones(text string, add func(Kind, int, int)) {
	for _, m := range frPhoneRe.FindAllStringIndex(text, -1) {
		if !bounded(text, m[0], m[1]) || numberRun(text, m[0], m[1]) || referenceBefore(text, m[0]) {
			continue
		}
		// Slashes only between every pair: "01/02/2024 10:30" is a date
		// and a time.
		if n := strings.Count(text[m[0]:m[1]], "/"); n != 0 && n != 4 {
			continue
		}
		add(Phone, m[0], m[1])
	}
	for _, m := range digitPhoneRe.FindAllStringIndex(text, -1) {
		if text[m[0]+2] != '0' && bounded(text, m[0], m[1]) && !numberRun(text, m[0], m[1]) && !referenceBefore(text, m[0]) {
			add(Phone, m[0], m[1])
		}
	}
	for _, m := range intlPhoneRe.FindAllStringIndex(text, -1) {
		s, e := m[0], m[1]
		// The loose group pattern may swallow a trailing ")" or a lone "(".
		for e > s && (text[e-1] == '(' || text[e-1] == ' ') {
			e--
		}
		if !bounded(text, s, e) || referenceBefore(text, s) {
			continue
		}
		n := len(digitsOf(text[s:e]))
		if strings.HasPrefix(text[s:], "00") {
			n -= 2
		}
		// E.164 allows at most 15 digits; fewer than 8 is not a
		// subscriber number anywhere.
		if n < 8 || n > 15 {
			continue
		}
		add(Phone, s, e)
	}
}

// luhn reports whether the digit string passes the Luhn check.
func luhn(digits string) bool {
	sum, double := 0, false
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

func findCards(text string, add func(Kind, int, int)) {
	for _, m := range cardRe.FindAllStringIndex(text, -1) {
		if !bounded(text, m[0], m[1]) || numberRun(text, m[0], m[1]) {
			continue
		}
		ds := digitsOf(text[m[0]:m[1]])
		if len(ds) < 13 || len(ds) > 19 {
			continue
		}
		// Issuer digits 2 to 6 (Mastercard, Amex/Diners/JCB, Visa,
		// Mastercard, Discover/Maestro): Luhn alone lets one random
		// reference in ten through.
		if ds[0] < '2' || ds[0] > '6' || !luhn(ds) {
			continue
		}
		add(Card, m[0], m[1])
	}
}

// ibanLengths is the length of the IBAN of each country (SWIFT registry).
var ibanLengths = map[string]int{
	"AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
	"BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29,
	"ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28,
	"HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
	"LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
	"MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29,
	"RO": 24, "RS": 22, "SA": 24, "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28,
	"TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}

// ibanValid checks the mod-97 of an IBAN in compact upper-case form.
func ibanValid(s string) bool {
	r := s[4:] + s[:4]
	m := 0
	for i := 0; i < len(r); i++ {
		c := r[i]
		switch {
		case c >= '0' && c <= '9':
			m = (m*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			m = (m*100 + int(c-'A') + 10) % 97
		default:
			return false
		}
	}
	return m == 1
}

func upperASCII(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

func isAlnumByte(c byte) bool {
	return isDigitByte(c) || isLetterByte(c)
}

// ibanStarts returns where an IBAN may start: two ASCII letters then two
// check digits.
func ibanStarts(text string) []int {
	var starts []int
	for i := 2; i+1 < len(text); i++ {
		if isDigitByte(text[i]) && isDigitByte(text[i+1]) && isLetterByte(text[i-2]) && isLetterByte(text[i-1]) {
			starts = append(starts, i-2)
			i += 2
		}
	}
	return starts
}

func isLetterByte(c byte) bool {
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// findIBANs scans from each "CC00" start, collecting alphanumerics across
// single spaces or dashes until the country's length is reached: a regexp
// alone would run on into the next word ("… 189 merci").
func findIBANs(text string, add func(Kind, int, int)) {
	for _, s := range ibanStarts(text) {
		if s > 0 {
			if r, _ := utf8.DecodeLastRuneInString(text[:s]); wordRune(r) {
				continue
			}
		}
		cc := [2]byte{upperASCII(text[s]), upperASCII(text[s+1])}
		want, ok := ibanLengths[string(cc[:])]
		if !ok {
			continue
		}
		var b []byte
		i := s
		for i < len(text) && len(b) < want {
			c := text[i]
			if isAlnumByte(c) {
				b = append(b, upperASCII(c))
				i++
				continue
			}
			r, w := utf8.DecodeRuneInString(text[i:])
			if (r == ' ' || r == '-' || r == '\u00a0' || r == '\u202f') && i+w < len(text) && isAlnumByte(text[i+w]) && len(b) >= 4 {
				i += w
				continue
			}
			i = len(text) + 1
		}
		if len(b) != want || i > len(text) || !bounded(text, s, i) {
			continue
		}
		if ibanValid(string(b)) {
			add(IBAN, s, i)
		}
	}
}

// nirKey is the NIR key of its first 13 characters: 97 - (n mod 97), with
// Corsica's 2A and 2B counted as 19 and 18.
func nirKey(first13 string) int {
	s := strings.ToUpper(first13)
	s = strings.Replace(s, "2A", "19", 1)
	s = strings.Replace(s, "2B", "18", 1)
	n := 0
	for i := 0; i < len(s); i++ {
		if !isDigitByte(s[i]) {
			return -1
		}
		n = (n*10 + int(s[i]-'0')) % 97
	}
	return 97 - n
}

func findNIRs(text string, add func(Kind, int, int)) {
	for _, m := range nirRe.FindAllStringIndex(text, -1) {
		if !bounded(text, m[0], m[1]) {
			continue
		}
		var b []byte
		for i := m[0]; i < m[1]; i++ {
			if isAlnumByte(text[i]) {
				b = append(b, text[i])
			}
		}
		if len(b) != 15 {
			continue
		}
		// Corsica's letters sit in the department field only.
		if strings.ContainsAny(string(b[:5]), "ABab") || strings.ContainsAny(string(b[7:]), "ABab") {
			continue
		}
		key := int(b[13]-'0')*10 + int(b[14]-'0')
		if nirKey(string(b[:13])) == key {
			add(NIR, m[0], m[1])
		}
	}
}
