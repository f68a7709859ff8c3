package pii

import (
	_ "embed"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// firstNamesText is the shipped first-name list, one lower-case name a line
// (see README.md for where it comes from and how it was extracted).
//
//go:embed firstnames.txt
var firstNamesText string

// firstNames is firstNamesText as a set, built once.
var firstNames = func() map[string]bool {
	m := make(map[string]bool, 13000)
	for _, l := range strings.Split(firstNamesText, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			m[l] = true
		}
	}
	return m
}()

// notNames are capitalized words that the first-name list has or that
// follow a first name in ordinary speech, but that in a customer call are
// far more often a place, a brand, a product, a month or a word starting a
// sentence. They never start or extend a name.
var notNames = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
		france paris lyon marseille nice lille nantes bordeaux toulouse rennes strasbourg montpellier
		grenoble dijon brest tours metz reims toulon angers nancy orléans caen rouen avignon
		london londres bruxelles genève berlin madrid europe bretagne normandie provence alsace
		orange free sfr sosh bouygues bbox livebox freebox red numericable apple iphone ipad samsung galaxy
		pixel google android windows microsoft amazon prime netflix disney canal deezer spotify facebook
		whatsapp instagram chrome firefox renault peugeot citroën zoé clio mégane twingo tesla mercedes
		fnac darty boulanger carrefour leclerc auchan lidl ikea decathlon sncf ratp edf engie poste
		visa mastercard paypal crédit agricole société générale bnp caisse banque
		service client clients conseiller conseillère support assistance internet fibre box mobile forfait
		madame monsieur mademoiselle merci bonjour bonsoir allô oui non voilà alors donc bref
		lundi mardi mercredi jeudi vendredi samedi dimanche janvier février mars avril mai juin juillet
		août septembre octobre novembre décembre noël pâques toussaint
		le la les un une des du de mon ma mes votre vos notre nos je tu il elle nous vous ils elles on
		ce cet cette ces et ou mais est sont avec pour par sur sans dans chez en au aux
		the a an and or my your our his her this that is are was i you he she we they it
		mr mrs ms dr miss sir madam thanks thank hello hi dear customer team
		premium pro particulier particuliers entreprise entreprises fidèle vip gold business
		rue avenue boulevard place route chemin impasse allée quai cours street road lane
		gare hôpital lycée collège école université centre parc hôtel aéroport pont stade musée
		station park hotel airport bank bridge hospital university college school church museum
		centre center store shop mall square garden gardens cathedral tower
	`) {
		m[w] = true
	}
	return m
}()

// spokenWords are lower-case words that follow a first name in speech
// and are not a surname ("je m'appelle julie et je …").
var spokenWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
		et je j'ai j'appelle pour parce que qui alors donc euh ben bah hein voilà enfin bon
		oui non merci bonjour madame monsieur comme aussi mais puis ça c'est
		and i i'm calling from about so well yes no thanks hello
	`) {
		m[w] = true
	}
	return m
}()

// nameParticles may start a surname with a capital ("Le Gall", "Da Silva").
var nameParticles = map[string]bool{
	"le": true, "la": true, "de": true, "du": true, "des": true, "da": true, "di": true, "van": true, "von": true, "del": true, "dos": true,
}

// nameWord is one capitalized name word: "Dupont", "DUPONT", "Jean-Pierre",
// "N'Diaye", "O’Brien".
const nameWord = `\p{Lu}[\p{L}]*(?:[\-'’]\p{Lu}[\p{L}]*)*`

// nameSeq is up to three name words, with French and other particles
// between them ("Jean de La Fontaine", "Ludwig van Beethoven").
const nameSeq = `(` + nameWord + `(?:[ ]+(?:(?:de|du|des|le|la|van|von|der|di|da|del|dos|ben|bin|el|al)[ ]+)?` + nameWord + `){0,3})`

// Name contexts. Each is a list of cue phrases, matched as literals at the
// start of a word (so "hi" is not found in "Chi"), in order: at one place
// the first cue listed wins, as in a regexp alternation. The name next to
// them is read in code (nameAfter, nameBefore). A literal scan of the
// lower-cased line is several times faster than the regexps it replaced.
// The cue words are kept in the text so a listener still knows who speaks
// ("Madame [nom]").
type nameContext struct {
	cues      []cue
	needFirst bool // the name must start with a known first name
	before    bool // the name is before the cue, past spaces and commas
	comma     bool // a comma may separate the name from the cue words
	// widow lets the honorifics take "veuve", "épouse", "née" or "widow"
	// after them ("Madame veuve Martin").
	widow bool
}

// cue is one phrase of a name context.
type cue struct {
	text    string // lower-case, or as written when exact
	exact   bool   // match the case as written ("Mr.", "Client")
	wordEnd bool   // a word must end after it ("ici" is not "icigo")
}

// folded returns the phrases as case-insensitive cues, each phrase with an
// apostrophe also written with the typographic one ("c'est", "c’est").
func folded(phrases ...string) []cue {
	var cs []cue
	for _, p := range phrases {
		cs = append(cs, cue{text: p})
		if strings.Contains(p, "'") {
			cs = append(cs, cue{text: strings.ReplaceAll(p, "'", "’")})
		}
	}
	return cs
}

// exactly returns the phrases as cues matched with their case as written.
func exactly(phrases ...string) []cue {
	cs := make([]cue, len(phrases))
	for i, p := range phrases {
		cs[i] = cue{text: p, exact: true}
	}
	return cs
}

// wholeWords returns the phrases as case-insensitive cues that end a word.
func wholeWords(phrases ...string) []cue {
	cs := folded(phrases...)
	for i := range cs {
		cs[i].wordEnd = true
	}
	return cs
}

func join(lists ...[]cue) []cue {
	var cs []cue
	for _, l := range lists {
		cs = append(cs, l...)
	}
	return cs
}

var nameContexts = []nameContext{
	// Self-introductions that name whoever follows, whatever the name.
	{cues: folded("je m'appelle", "moi c'est", "mon nom est", "mon nom c'est", "mon prénom est", "mon prénom c'est",
		"de la part de", "au nom de", "my name is", "my name's", "name is")},
	// Honorifics, abbreviated (case as written) or in full.
	{cues: join(exactly("Mrs.", "Mrs", "Mr.", "Mr", "Ms.", "Ms", "Mme.", "Mme", "Mlle.", "Mlle", "MM.", "M.", "Dr.", "Dr", "Pr.", "Pr"),
		folded("madame", "monsieur", "mademoiselle", "miss", "docteur", "maître", "professeur")), widow: true},
	// "Camille à l'appareil", "Jean Dupont speaking": the name is before
	// (a known first name).
	{cues: join(folded("à l'appareil", "speaking", "au téléphone"), wholeWords("ici", "here")), needFirst: true, before: true},
	// Greetings and thanks naming the other person: "Bonjour Camille".
	{cues: folded("merci à", "grâce à", "bravo à", "thanks to", "thank you to", "bonjour", "bonsoir", "merci", "au revoir",
		"allô", "allo", "salut", "bonne journée", "bonne soirée", "hello", "hi", "thanks", "thank you", "goodbye", "bye",
		"dear", "cher", "chère"), needFirst: true, comma: true},
	// The agent naming themself: "Camille du service client": the name is
	// before.
	{cues: folded("du service", "de chez", "de la société", "du support", "de l'équipe", "du cabinet", "votre conseill",
		"conseill", "from"), needFirst: true, before: true},
	// Introductions that are also ordinary phrases ("je suis Français",
	// "ici Paris"): only a known first name counts. "c'est Madame Dupont"
	// is the honorifics' ("this is John").
	{cues: folded("je suis", "c'est", "ici", "this is", "i am", "i'm", "it's"), needFirst: true},
	// The person's role or status before their name: "le conseiller,
	// Camille".
	{cues: folded("transférée à", "transféré à", "passée à", "passé à", "je vous passe", "conseiller", "conseillère",
		"technicienne", "technicien", "livreur", "livreuse", "facteur", "factrice", "installateur", "installatrice",
		"opérateur", "opératrice", "vendeur", "vendeuse", "interlocuteur", "interlocutrice", "agent", "advisor"),
		needFirst: true, comma: true},
	// "Client Dupont", "abonnée Martin": capitalized or lower case only.
	{cues: exactly("Client", "Cliente", "Abonné", "Abonnée", "Customer", "client", "cliente", "abonné", "abonnée", "customer")},
	// Family and contact: "ma fille Léa", "mon mari, Patrick", "joindre
	// Kévin", "parlé à Inès" (a known first name).
	{cues: folded("ma fille", "mon fils", "mon mari", "ma femme", "mon épouse", "mon époux", "ma mère", "mon père", "mon frère",
		"ma sœur", "ma soeur", "mon compagnon", "ma compagne", "ma voisine", "mon voisin", "mon collègue", "ma collègue",
		"my wife", "my husband", "my son", "my daughter", "my mother", "my father", "joindre", "contacter", "rappeler",
		"parlé à", "parler à", "parlé avec", "parler avec", "demander", "demandez", "dites à", "dire à", "dis à",
		"spoke to", "spoke with", "talk to", "ask for", "tell"), needFirst: true, comma: true},
}

// widowWords may follow an honorific before the name.
var widowWords = []string{"veuve", "épouse", "née", "widow"}

var (
	// A name said last, as a vocative or a signature: "Merci pour votre
	// aide, Sandrine." — a known first name only. Anchored, and run on the
	// text from the last comma only.
	vocativeRe = regexp.MustCompile(`^,[ ]+` + nameSeq + `[ ]*[.!?]*[ ]*$`)
	// Speech recognition often writes names in lower case: after a strong
	// introduction, a known first name in lower case and the word after it
	// ("je m'appelle jean dupont").
	lowerIntroRe = regexp.MustCompile(`(?i:je m['’]appelle|moi c['’]est|mon nom (?:est|c['’]est)|mon prénom (?:est|c['’]est)|my name is|my name's)[ ]+(\p{Ll}[\p{L}\-'’]*)(?:[ ]+((?:(?:de|du|des|da|di|dos|del|le|la|van|von)[ ]+)?\p{Ll}[\p{L}\-'’]*))?`)
)

var lowerIntroKeys = []string{"appelle", "c'est", "c’est", "nom", "name"}

// cueRef is a cue of nameContexts[ctx].
type cueRef struct {
	ctx int
	cue
}

// cuesByByte holds every cue under the first byte of its lower-cased
// text, in context order then listed order.
var cuesByByte = func() (t [256][]cueRef) {
	for i, c := range nameContexts {
		for _, q := range c.cues {
			b := strings.ToLower(q.text)[0]
			t[b] = append(t[b], cueRef{i, q})
		}
	}
	return t
}()

// lowerSameLength lower-cases text rune by rune, keeping a rune whose
// lower case has another byte length (a few letters such as 'İ'), so an
// offset in the result is the same offset in text. A byte that is not
// UTF-8 is kept as it is: ranging over it gives U+FFFD, three bytes for
// one, and every offset after it pointed past the text (FuzzFind: a panic).
func lowerSameLength(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if l := unicode.ToLower(r); (r != utf8.RuneError || size > 1) && utf8.RuneLen(l) == size {
			b.WriteRune(l)
		} else {
			b.WriteString(text[i : i+size])
		}
		i += size
	}
	return b.String()
}

// scanCues calls found with every cue match of each name context: the
// cue's span, leftmost first and non-overlapping within a context, like a
// regexp's FindAll; for a context whose name is before, the span starts at
// the spaces and commas before the cue. low is lowerSameLength(text).
func scanCues(text, low string, found func(c *nameContext, s, e int)) {
	var next [16]int // per context, where its next match may start
	prev := rune(-1)
	for i := 0; i < len(low); {
		r, w := utf8.DecodeRuneInString(low[i:])
		if prev >= 0 && wordRune(prev) {
			prev = r
			i += w
			continue
		}
		prev = r
		done := 0 // contexts matched here (bit set)
		for _, q := range cuesByByte[low[i]] {
			if done&(1<<q.ctx) != 0 || i < next[q.ctx] {
				continue
			}
			src := low
			if q.exact {
				src = text
			}
			e := i + len(q.text)
			if !strings.HasPrefix(src[i:], q.text) {
				continue
			}
			if q.wordEnd && e < len(text) {
				if r, _ := utf8.DecodeRuneInString(text[e:]); wordRune(r) {
					continue
				}
			}
			c := &nameContexts[q.ctx]
			s := i
			if c.before {
				for s > next[q.ctx] && (text[s-1] == ' ' || text[s-1] == ',') {
					s--
				}
				if s == i {
					continue
				}
			}
			if c.widow {
				e = widowEnd(text, e)
			}
			done |= 1 << q.ctx
			next[q.ctx] = e
			found(c, s, e)
		}
		i += w
	}
}

// widowEnd returns the end of a "veuve", "épouse", "née" or "widow" after
// spaces at i, or i.
func widowEnd(text string, i int) int {
	j := i
	for j < len(text) && text[j] == ' ' {
		j++
	}
	if j == i {
		return i
	}
	for _, w := range widowWords {
		if strings.HasPrefix(text[j:], w) {
			return j + len(w)
		}
	}
	return i
}

func mentions(low string, keys []string) bool {
	for _, k := range keys {
		if strings.Contains(low, k) {
			return true
		}
	}
	return false
}

// capitalWords returns the spans of the capitalized words in text
// (nameWord: "Dupont", "Jean-Pierre", "N'Diaye"), leftmost first, as
// [start, end] pairs.
func capitalWords(text string) [][]int {
	var ws [][]int
	for i := 0; i < len(text); {
		if text[i] < utf8.RuneSelf && (text[i] < 'A' || text[i] > 'Z') {
			i++
			continue
		}
		if e := nameWordEnd(text, i); e > 0 {
			ws = append(ws, []int{i, e})
			i = e
			continue
		}
		_, w := utf8.DecodeRuneInString(text[i:])
		i += w
	}
	return ws
}

// isFirstName reports whether w (or, for "Jean-Pierre", its first part) is
// in the first-name list and not a word better read otherwise.
func isFirstName(w string) bool {
	l := strings.ToLower(w)
	if notNames[l] {
		return false
	}
	if firstNames[l] {
		return true
	}
	if i := strings.IndexAny(l, "-"); i > 0 {
		return firstNames[l[:i]] && !notNames[l[:i]]
	}
	return false
}

// wordsIn splits a nameSeq match into its words with byte offsets relative
// to the match.
func wordsIn(s string) [][2]int {
	var out [][2]int
	i := 0
	for i < len(s) {
		for i < len(s) && s[i] == ' ' {
			i++
		}
		j := i
		for j < len(s) && s[j] != ' ' {
			j++
		}
		if j > i {
			out = append(out, [2]int{i, j})
		}
		i = j
	}
	return out
}

func isParticle(w string) bool {
	return w != "" && unicode.IsLower(firstRune(w))
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

// trimName cuts a name candidate text[s:e] at its first word that is not a
// name (a city, a brand, a common word) and drops trailing particles. It
// returns the kept end, or s when nothing is left.
func trimName(text string, s, e int) int {
	end := s
	ws := wordsIn(text[s:e])
	for i, w := range ws {
		word := text[s+w[0] : s+w[1]]
		if isParticle(word) {
			continue
		}
		// "Le Gall", "Da Silva", "De Gaulle": a capitalized particle
		// inside a name, followed by the rest of it.
		if i+1 < len(ws) && nameParticles[strings.ToLower(word)] {
			continue
		}
		if notNames[strings.ToLower(word)] {
			break
		}
		end = s + w[1]
	}
	return end
}

// findNames finds people's names; low is lowerSameLength(text).
func findNames(text, low string, add func(Kind, int, int)) {
	if mentions(low, lowerIntroKeys) {
		findLowerNames(text, add)
	}
	if !hasUpper(text) {
		return
	}
	ws := capitalWords(text)
	scanCues(text, low, func(c *nameContext, m0, m1 int) {
		var s, e int
		if c.before {
			s, e = nameBefore(text, ws, m0, c.needFirst)
		} else {
			s, e = nameAfter(text, m1, c.comma)
		}
		if s < 0 || (c.needFirst && !isFirstName(firstWord(text[s:e]))) {
			return
		}
		if end := trimName(text, s, e); end > s {
			add(Name, s, end)
		}
	})
	if i := strings.LastIndexByte(text, ','); i >= 0 {
		if m := vocativeRe.FindStringSubmatchIndex(text[i:]); m != nil && isFirstName(firstWord(text[i+m[2]:i+m[3]])) {
			if end := trimName(text, i+m[2], i+m[3]); end > i+m[2] {
				add(Name, i+m[2], end)
			}
		}
	}
	// "Jean Dupont": a first name then a capitalized word that is not a
	// city, brand or common word. Every capitalized word is tried as a
	// start, so "Hier Jean Dupont" still finds "Jean Dupont".
	for i := 0; i+1 < len(ws); i++ {
		s, e := ws[i][0], ws[i][1]
		if !bounded(text, s, e) || !isFirstName(text[s:e]) || afterPlaceNoun(text, s) {
			continue
		}
		end, prev := e, e
		for j := i + 1; j < len(ws) && j <= i+3; j++ {
			if !onlySpaces(text[prev:ws[j][0]]) || !bounded(text, ws[j][0], ws[j][1]) {
				break
			}
			w := strings.ToLower(text[ws[j][0]:ws[j][1]])
			if nameParticles[w] && j+1 < len(ws) && onlySpaces(text[ws[j][1]:ws[j+1][0]]) &&
				!notNames[strings.ToLower(text[ws[j+1][0]:ws[j+1][1]])] {
				prev = ws[j][1]
				continue // "Lucas Le Gall": wait for the word after "Le"
			}
			if notNames[w] {
				break
			}
			end, prev = ws[j][1], ws[j][1]
		}
		if end > e {
			add(Name, s, end)
		}
	}
}

// placeNouns name places after people: "lycée Jean Moulin", "rue Victor
// Hugo", "station Louise Michel". A name right after one is a place.
var placeNouns = map[string]bool{
	"rue": true, "avenue": true, "boulevard": true, "place": true, "quai": true, "allée": true, "square": true,
	"lycée": true, "collège": true, "école": true, "gare": true, "station": true, "stade": true, "hôpital": true,
	"centre": true, "salle": true, "métro": true, "pont": true, "parc": true, "musée": true, "université": true,
	"clinique": true, "médiathèque": true, "bibliothèque": true, "résidence": true, "espace": true, "cinéma": true,
}

// afterPlaceNoun reports whether the word before position s is a place noun.
func afterPlaceNoun(text string, s int) bool {
	before := strings.TrimRight(text[:s], " ")
	if len(before) == len(text[:s]) {
		return false // no space: not a separate word
	}
	i := strings.LastIndexAny(before, " ,.;:!?'’(\"")
	return placeNouns[strings.ToLower(before[i+1:])]
}

func onlySpaces(s string) bool {
	if s == "" || len(s) > 3 {
		return false
	}
	return strings.Trim(s, " ") == ""
}

// findLowerNames finds lower-case names after a strong introduction.
func findLowerNames(text string, add func(Kind, int, int)) {
	for _, m := range lowerIntroRe.FindAllStringSubmatchIndex(text, -1) {
		if !isFirstName(text[m[2]:m[3]]) {
			continue
		}
		end := m[3]
		if m[4] >= 0 {
			ws := strings.Fields(strings.ToLower(text[m[4]:m[5]]))
			w := ws[len(ws)-1]
			if len(w) > 2 && !notNames[w] && !spokenWords[w] && !spokenWords[ws[0]] {
				end = m[5]
			}
		}
		add(Name, m[2], end)
	}
}

// lowerParticles may sit in lower case between the words of a name.
var lowerParticles = map[string]bool{
	"de": true, "du": true, "des": true, "le": true, "la": true, "van": true, "von": true, "der": true,
	"di": true, "da": true, "del": true, "dos": true, "ben": true, "bin": true, "el": true, "al": true,
}

// nameWordEnd returns the end of the name word (nameWord) starting at i,
// or -1: an upper-case letter, letters, and hyphen- or apostrophe-joined
// capitalized parts ("Jean-Pierre", "N'Diaye").
func nameWordEnd(text string, i int) int {
	r, w := utf8.DecodeRuneInString(text[i:])
	if !unicode.IsUpper(r) {
		return -1
	}
	j := i + w
	for j < len(text) {
		r, w = utf8.DecodeRuneInString(text[j:])
		if unicode.IsLetter(r) {
			j += w
			continue
		}
		if r == '-' || r == '\'' || r == '’' {
			if r2, _ := utf8.DecodeRuneInString(text[j+w:]); unicode.IsUpper(r2) {
				j += w
				continue
			}
		}
		break
	}
	return j
}

// nameAfter reads up to four name words (with lower-case particles) after
// position i, past a gap of spaces (and commas when comma is set). It
// returns the span, or -1, -1.
func nameAfter(text string, i int, comma bool) (int, int) {
	j := i
	for j < len(text) && (text[j] == ' ' || (comma && (text[j] == ',' || text[j] == '('))) {
		j++
	}
	if j == i || j >= len(text) {
		return -1, -1
	}
	end := nameWordEnd(text, j)
	if end < 0 {
		return -1, -1
	}
	start := j
	for n := 0; n < 3; n++ {
		k := end
		for k < len(text) && text[k] == ' ' {
			k++
		}
		if k == end || k >= len(text) {
			break
		}
		if we := nameWordEnd(text, k); we > 0 {
			end = we
			continue
		}
		// a lower-case particle, then a name word: "Jean de La Fontaine"
		p := k
		for p < len(text) && text[p] >= 'a' && text[p] <= 'z' {
			p++
		}
		if !lowerParticles[text[k:p]] || p >= len(text) || text[p] != ' ' {
			break
		}
		for p < len(text) && text[p] == ' ' {
			p++
		}
		we := nameWordEnd(text, p)
		if we < 0 {
			break
		}
		end = we
	}
	return start, end
}

// nameBefore reads the capitalized words (ws, from capWordRe) that end
// right before position i, at most four. With needFirst the name starts at
// the first of them that is a known first name ("Bonjour Camille à
// l'appareil" gives "Camille"). It returns the span, or -1, -1.
func nameBefore(text string, ws [][]int, i int, needFirst bool) (int, int) {
	k := sort.Search(len(ws), func(k int) bool { return ws[k][1] >= i })
	if k == len(ws) || ws[k][1] != i {
		return -1, -1
	}
	first := k
	for first > 0 && k-first < 3 && onlySpaces(text[ws[first-1][1]:ws[first][0]]) {
		first--
	}
	for j := first; j <= k; j++ {
		w := text[ws[j][0]:ws[j][1]]
		if !needFirst || isFirstName(w) {
			if j > 0 && ws[j][0] > 0 {
				if r, _ := utf8.DecodeLastRuneInString(text[:ws[j][0]]); wordRune(r) {
					continue
				}
			}
			return ws[j][0], i
		}
	}
	return -1, -1
}

func firstWord(s string) string {
	if i := strings.IndexByte(s, ' '); i >= 0 {
		return s[:i]
	}
	return s
}

func hasUpper(s string) bool {
	for _, r := range s {
		if unicode.IsUpper(r) {
			return true
		}
	}
	return false
}
