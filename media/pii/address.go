package pii

import (
	"regexp"
	"strings"
	"unicode"
)

// A postal address is taken only with a street number and a street type
// ("12 bis rue de la Paix", "221B Baker Street"): a postcode and a city
// alone ("75011 Paris") say where someone lives only roughly, and are
// everywhere in calls about shops and deliveries.
var (
	// Number, optional bis/ter/letter, street type; the street name is
	// walked in code (see streetName).
	frStreetRe = regexp.MustCompile(`(?i)(?:^|[^\p{L}\p{N}])([0-9]{1,4}(?:[ ]?(?:bis|ter|quater|[a-d])\b)?,?[ ]+(?:rue|avenue|av\.|bd\.?|boulevard|place|pl\.|allée|allee|impasse|imp\.|chemin|ch\.|route|rte|quai|cours|square|passage|sentier|voie|villa|cité|résidence|hameau|lieu-dit|rond-point|esplanade|promenade|parvis|faubourg|fg|chaussée|montée|clos|domaine|traverse|ruelle|venelle)[ ]+)`)
	// Postcode and city right after the street: ", 75011 Paris".
	postcodeCityRe = regexp.MustCompile(`^,?[ ]*(?:[0-9]{5}|[0-9]{2}[ ][0-9]{3})[ ]+\p{Lu}[\p{L}\-'’]*(?:[ ](?:sur|sous|en|lès|les|le|la|de|du)[ ]\p{Lu}[\p{L}\-'’]*)?(?:[ ](?i:cedex)(?:[ ][0-9]{1,2})?)?`)
	// English: number, one to three capitalized words, a street type.
	enStreetRe = regexp.MustCompile(`(?:^|[^\p{L}\p{N}])([0-9]{1,5}[A-Za-z]?[ ]+(?:\p{Lu}[\p{L}'’]*[ ]+){1,3}(?:Street|St\.?|Road|Rd\.?|Avenue|Ave\.?|Lane|Ln\.?|Drive|Dr\.?|Boulevard|Blvd\.?|Way|Court|Ct\.?|Place|Pl\.?|Square|Sq\.?|Terrace|Close|Crescent|Gardens|Grove|Row|Mews|Hill|Parkway|Highway)\b)`)
	// ", London NW1 6XE", ", Springfield, IL 62704".
	enTailRe = regexp.MustCompile(`^,?[ ]*(?:\p{Lu}[\p{L}]+[ ]*,?[ ]*)?(?:[A-Z]{1,2}[0-9][A-Z0-9]?[ ]?[0-9][A-Z]{2}|[A-Z]{2}[ ][0-9]{5})`)
)

// streetParticles may sit inside a French street name in lower case.
var streetParticles = map[string]bool{
	"de": true, "du": true, "des": true, "la": true, "le": true, "les": true, "d'": true, "l'": true,
	"d’": true, "l’": true, "et": true, "sur": true, "aux": true, "au": true, "en": true, "à": true,
	"saint": true, "sainte": true, "général": true, "maréchal": true, "président": true, "docteur": true,
}

// streetName walks the words after a street type: capitalized words,
// numbers ("rue du 8 Mai 1945") and particles, at most eight. It returns
// the end of the last capitalized word or number, or -1 when there is none
// ("1 cours de yoga" is no address).
func streetName(text string, i int) int {
	end := -1
	for n := 0; n < 8 && i < len(text); n++ {
		j := i
		for j < len(text) && text[j] != ' ' && text[j] != ',' && text[j] != '.' {
			j++
		}
		w := text[i:j]
		if w == "" {
			break
		}
		// Elided particles glue onto the next word: "d'Alsace", "l'Église".
		lw := strings.ToLower(w)
		for _, p := range []string{"d'", "l'", "d’", "l’"} {
			if strings.HasPrefix(lw, p) && len(w) > len(p) {
				w = w[len(p):]
				lw = lw[len(p):]
				break
			}
		}
		r := firstRune(w)
		switch {
		case r >= '0' && r <= '9' || unicode.IsUpper(r):
			end = j
		case streetParticles[lw]:
		default:
			return end
		}
		if j >= len(text) || text[j] != ' ' {
			break
		}
		i = j + 1
	}
	return end
}

// frStreetWords and enStreetWords gate the address regexps: a line
// without any street type word skips them (they are a large part of the
// cost of Find).
var (
	frStreetWords = []string{"rue", "av", "bd", "boulevard", "place", "pl.", "allée", "allee", "imp", "chemin", "ch.",
		"route", "rte", "quai", "cours", "square", "passage", "sentier", "voie", "villa", "cité", "résidence",
		"hameau", "lieu-dit", "rond-point", "esplanade", "promenade", "parvis", "faubourg", "fg", "chaussée",
		"montée", "clos", "domaine", "traverse", "ruelle", "venelle"}
	enStreetWords = []string{"Street", "St", "Road", "Rd", "Avenue", "Ave", "Lane", "Ln", "Drive", "Dr", "Boulevard",
		"Blvd", "Way", "Court", "Ct", "Place", "Pl", "Square", "Sq", "Terrace", "Close", "Crescent", "Gardens",
		"Grove", "Row", "Mews", "Hill", "Parkway", "Highway"}
)

// findAddresses finds the addresses in text (low: text lower-cased), whose
// first digit is at firstDigit: a street type word counts only after it, as
// the street number comes first.
func findAddresses(text, low string, firstDigit int, add func(Kind, int, int)) {
	if mentions(low[firstDigit:], frStreetWords) {
		findFrAddresses(text, add)
	}
	if mentions(text[firstDigit:], enStreetWords) {
		findEnAddresses(text, add)
	}
}

func findFrAddresses(text string, add func(Kind, int, int)) {
	for _, m := range frStreetRe.FindAllStringSubmatchIndex(text, -1) {
		s, headEnd := m[2], m[3]
		end := streetName(text, headEnd)
		if end < 0 {
			continue
		}
		if t := postcodeCityRe.FindStringIndex(text[end:]); t != nil {
			end += t[1]
		}
		add(Address, s, end)
	}
}

func findEnAddresses(text string, add func(Kind, int, int)) {
	for _, m := range enStreetRe.FindAllStringSubmatchIndex(text, -1) {
		s, end := m[2], m[3]
		if t := enTailRe.FindStringIndex(text[end:]); t != nil {
			end += t[1]
		}
		add(Address, s, end)
	}
}
