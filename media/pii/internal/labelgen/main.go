// Command labelgen writes the labelled set the pii package is scored on:
// lines of French (mostly) and English call transcripts and customer
// comments with planted personal data, each labelled with its kind and rune
// span, and look-alike decoys that are not personal data (dates, amounts,
// times, order and parcel references, numbers failing their checksum,
// postcodes with a city, capitalized common words, product and city names).
//
// The output is deterministic (fixed seed), so the file in testdata only
// changes when this program does:
//
//	go generate ./media/pii/   (runs: go run ./internal/labelgen -o testdata/labelled.jsonl)
//
// The data are generated independently of the detector's regexps: formats
// and contexts are those people write and say, and the test reports how
// many the detector misses.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math/rand"
	"os"
	"strings"
	"unicode/utf8"
)

// Span is one labelled piece of personal data, in rune offsets.
type Span struct {
	Kind  string `json:"kind"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}

// Line is one labelled line of the set.
type Line struct {
	Text  string `json:"text"`
	Spans []Span `json:"spans"`
}

var rng = rand.New(rand.NewSource(20261130))

func pick(xs []string) string { return xs[rng.Intn(len(xs))] }

func digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + rng.Intn(10))
	}
	return string(b)
}

var (
	firstFR = []string{"Jean", "Marie", "Camille", "Thomas", "Nicolas", "Julie", "Sophie", "Pierre", "Nathalie", "Isabelle",
		"Léa", "Chloé", "Hugo", "Lucas", "Manon", "Émilie", "Stéphane", "Sandrine", "François", "Hélène", "Karim", "Fatima",
		"Mohamed", "Aurélie", "Jérôme", "Céline", "Mathieu", "Laurent", "Valérie", "Yannick", "Inès", "Nadia", "Sébastien",
		"Jean-Pierre", "Marie-Claire", "Anne-Sophie", "Gaëlle", "Benoît", "Maëlle", "Océane", "Mickaël", "Agnès", "Romain",
		"Élodie", "Yasmine", "Mamadou", "Aïcha", "Loïc", "Clémence", "Margaux", "Dominique", "Claude", "Pascale", "Lina"}
	firstEN = []string{"John", "Sarah", "Michael", "Emily", "David", "Jessica", "James", "Emma", "Oliver", "Charlotte",
		"William", "Olivia", "Daniel", "Sophia", "Matthew", "Grace", "Harry", "Amelia", "Jack", "Lily"}
	surnames = []string{"Dupont", "Martin", "Bernard", "Dubois", "Durand", "Leroy", "Moreau", "Lefebvre", "Lefèvre",
		"Fournier", "Girard", "Bonnet", "Mercier", "Lambert", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry",
		"Roussel", "Nicolas", "Perrin", "Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine",
		"Chevalier", "Robin", "Masson", "Sanchez", "Nguyen", "Benali", "Diallo", "N'Diaye", "Lemaire", "Boyer",
		"Da Silva", "Le Gall", "Garnier", "Brun", "Caron", "Barbier", "Meunier", "Lacroix", "Petitjean", "Kowalski"}
	surnamesEN = []string{"Smith", "Johnson", "Williams", "Brown", "Jones", "Taylor", "Davies", "Wilson", "Evans",
		"Thompson", "Walker", "Wright", "Robinson", "Hughes", "O'Brien", "Clarke", "Patel", "Murphy"}
	streets = []string{"de la République", "Victor Hugo", "Jean Jaurès", "des Lilas", "du Général de Gaulle", "Pasteur",
		"de la Gare", "du Moulin", "Saint-Michel", "des Acacias", "de Paris", "Gambetta", "Voltaire", "de la Liberté",
		"des Écoles", "du Château", "Émile Zola", "de Verdun", "des Tilleuls", "Carnot", "du 8 Mai 1945", "Foch",
		"de l'Église", "des Peupliers", "Jules Ferry", "de Bretagne", "du Port", "Sainte-Catherine", "Montmartre"}
	streetTypes = []string{"rue", "rue", "rue", "avenue", "av.", "boulevard", "bd", "place", "allée", "impasse", "chemin",
		"route", "quai", "cours"}
	cities = []string{"Paris", "Lyon", "Marseille", "Toulouse", "Nantes", "Lille", "Bordeaux", "Rennes", "Grenoble",
		"Saint-Étienne", "Aix-en-Provence", "Boulogne-Billancourt", "Montreuil", "Villeurbanne", "Brest", "Tours",
		"Dijon", "Angers", "Reims", "Metz", "Nancy", "Caen", "Limoges", "Perpignan", "Besançon"}
	enStreets = []string{"Baker Street", "Elm Road", "Oxford Street", "High Street", "Maple Avenue", "Church Lane",
		"Victoria Road", "Park Lane", "King Street", "Station Road", "Mill Lane", "Abbey Road"}
	domains = []string{"gmail.com", "orange.fr", "free.fr", "hotmail.fr", "yahoo.fr", "laposte.net", "outlook.com",
		"wanadoo.fr", "sfr.fr", "icloud.com", "exemple.fr", "entreprise.co.uk", "mail.example.org"}
	products = []string{"Livebox 6", "Freebox Pop", "iPhone 15", "Galaxy S23", "Bbox Must", "forfait Sosh 100 Go",
		"Netflix Premium", "Pixel 8", "Clio V", "Zoé", "Deezer Premium", "Canal+", "Disney+", "Orange TV"}
	months = []string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
		"octobre", "novembre", "décembre"}
)

func asciiLower(s string) string {
	r := strings.NewReplacer("é", "e", "è", "e", "ë", "e", "ê", "e", "ï", "i", "î", "i", "ç", "c", "ô", "o",
		"à", "a", "É", "e", "'", "", " ", "", "Ï", "i")
	return strings.ToLower(r.Replace(s))
}

func fullNameFR() string { return pick(firstFR) + " " + pick(surnames) }

func email() string {
	f, s := asciiLower(pick(firstFR)), asciiLower(pick(surnames))
	switch rng.Intn(6) {
	case 0:
		return f + "." + s + "@" + pick(domains)
	case 1:
		return f + s + digits(2) + "@" + pick(domains)
	case 2:
		return string(f[0]) + "." + s + "@" + pick(domains)
	case 3:
		return f + "_" + s + "@" + pick(domains)
	case 4:
		return strings.ToUpper(f[:1]) + f[1:] + "." + strings.ToUpper(s[:1]) + s[1:] + "@" + pick(domains)
	}
	return s + "." + f + "+sav@" + pick(domains)
}

func spokenEmail() string {
	f, s := asciiLower(pick(firstFR)), asciiLower(pick(surnames))
	d := strings.ReplaceAll(pick([]string{"gmail.com", "orange.fr", "free.fr", "hotmail.fr", "laposte.net"}), ".", " point ")
	return f + " point " + s + " arobase " + d
}

func pairs(ds string, sep string) string {
	var p []string
	for i := 0; i < len(ds); i += 2 {
		p = append(p, ds[i:i+2])
	}
	return strings.Join(p, sep)
}

func phone() string {
	pre := pick([]string{"06", "07", "06", "07", "01", "02", "03", "04", "05", "09"})
	ds := pre + digits(8)
	switch rng.Intn(13) {
	case 0, 1, 2:
		return pairs(ds, " ")
	case 11:
		return pairs(ds, "\u00a0") // word processors' no-break spaces
	case 12:
		return pairs(ds, "/")
	case 3:
		return pairs(ds, ".")
	case 4:
		return ds
	case 5:
		return pairs(ds, "-")
	case 6:
		return "+33 " + ds[1:2] + " " + pairs(ds[2:], " ")
	case 7:
		return "+33 (0)" + ds[1:2] + " " + pairs(ds[2:], " ")
	case 8:
		return "0033 " + ds[1:2] + " " + pairs(ds[2:], " ")
	case 9:
		return "+33" + ds[1:]
	}
	return intlPhone()
}

func intlPhone() string {
	switch rng.Intn(6) {
	case 0:
		return "+44 20 " + digits(4) + " " + digits(4)
	case 1:
		return "+1 " + fmt.Sprint(200+rng.Intn(700)) + " 555 " + digits(4)
	case 2:
		return "+32 " + fmt.Sprint(2+rng.Intn(7)) + " " + digits(3) + " " + digits(2) + " " + digits(2)
	case 3:
		return "+49 30 " + digits(8)
	case 4:
		return "+41 " + digits(2) + " " + digits(3) + " " + digits(2) + " " + digits(2)
	}
	return "+44 7" + digits(3) + " " + digits(6)
}

var units = []string{"zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze",
	"douze", "treize", "quatorze", "quinze", "seize"}

// frNumber spells 0..99 in French, with hyphens or spaces as transcribers do.
func frNumber(n int, sep string) string {
	tens := map[int]string{2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}
	switch {
	case n <= 16:
		return units[n]
	case n < 20:
		return "dix" + sep + units[n-10]
	case n < 70:
		t, u := n/10, n%10
		if u == 0 {
			return tens[t]
		}
		if u == 1 {
			return tens[t] + " et un"
		}
		return tens[t] + sep + units[u]
	case n < 80:
		if n == 71 {
			return "soixante et onze"
		}
		return "soixante" + sep + frNumber(n-60, sep)
	case n == 80:
		return "quatre" + sep + "vingts"
	}
	return "quatre" + sep + "vingt" + sep + frNumber(n-80, sep)
}

func spelledPhone() string {
	ds := "0" + fmt.Sprint(1+rng.Intn(9)) + digits(8)
	sep := pick([]string{"-", " "})
	gsep := pick([]string{", ", " ", ", "})
	parts := []string{"zéro " + units[ds[1]-'0']}
	if rng.Intn(4) == 0 {
		parts[0] = ds[:2] // "06, douze, …": the prefix in digits
	}
	for i := 2; i < 10; i += 2 {
		v := int(ds[i]-'0')*10 + int(ds[i+1]-'0')
		if v < 10 {
			parts = append(parts, "zéro "+units[v])
			continue
		}
		parts = append(parts, frNumber(v, sep))
	}
	return strings.Join(parts, gsep)
}

func mod97(s string) int {
	m := 0
	for _, c := range s {
		if c >= '0' && c <= '9' {
			m = (m*10 + int(c-'0')) % 97
		} else {
			m = (m*100 + int(c-'A') + 10) % 97
		}
	}
	return m
}

// iban returns a valid IBAN and a copy with one digit changed.
func iban() (good, bad string) {
	type country struct {
		cc      string
		letters int // leading letters of the BBAN (bank code)
		n       int // BBAN length
	}
	cs := []country{{"FR", 0, 23}, {"FR", 0, 23}, {"FR", 0, 23}, {"DE", 0, 18}, {"BE", 0, 12}, {"ES", 0, 20},
		{"IT", 1, 23}, {"GB", 4, 18}, {"NL", 4, 14}, {"CH", 0, 17}, {"LU", 0, 16}, {"PT", 0, 21}}
	c := cs[rng.Intn(len(cs))]
	var b strings.Builder
	for i := 0; i < c.letters; i++ {
		b.WriteByte(byte('A' + rng.Intn(26)))
	}
	b.WriteString(digits(c.n - c.letters))
	bban := b.String()
	check := 98 - mod97(bban+c.cc+"00")
	good = fmt.Sprintf("%s%02d%s", c.cc, check, bban)
	// change one digit of the BBAN
	i := len(good) - 1 - rng.Intn(6)
	bb := []byte(good)
	bb[i] = byte('0' + (int(bb[i]-'0')+1+rng.Intn(8))%10)
	bad = string(bb)
	return formatIBAN(good), formatIBAN(bad)
}

var ibanStyle int

func formatIBAN(s string) string {
	switch ibanStyle % 4 {
	case 0, 1:
		var p []string
		for i := 0; i < len(s); i += 4 {
			e := i + 4
			if e > len(s) {
				e = len(s)
			}
			p = append(p, s[i:e])
		}
		return strings.Join(p, " ")
	case 2:
		return s
	}
	return strings.ToLower(s[:2]) + s[2:]
}

func luhnDigit(ds string) byte {
	sum := 0
	double := true
	for i := len(ds) - 1; i >= 0; i-- {
		d := int(ds[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return byte('0' + (10-sum%10)%10)
}

// card returns a Luhn-valid card number and the same with a wrong last digit.
func card() (good, bad string) {
	var ds string
	amex := false
	switch rng.Intn(5) {
	case 0, 1:
		ds = "4" + digits(14)
	case 2:
		ds = "5" + fmt.Sprint(1+rng.Intn(5)) + digits(13)
	case 3:
		ds = "3" + pick([]string{"4", "7"}) + digits(12)
		amex = true
	default:
		ds = "6011" + digits(11)
	}
	g := ds + string(luhnDigit(ds))
	wrong := (luhnDigit(ds)-'0'+byte(1+rng.Intn(9)))%10 + '0'
	b := ds + string(wrong)
	return formatCard(g, amex), formatCard(b, amex)
}

var cardStyle int

func formatCard(s string, amex bool) string {
	if amex {
		switch cardStyle % 2 {
		case 0:
			return s[:4] + " " + s[4:10] + " " + s[10:]
		}
		return s
	}
	var sep string
	switch cardStyle % 4 {
	case 3:
		sep = "\u202f"
	case 0:
		sep = " "
	case 1:
		sep = "-"
	default:
		return s
	}
	return s[:4] + sep + s[4:8] + sep + s[8:12] + sep + s[12:]
}

// nir returns a valid NIR (sometimes Corsican) and the same with a wrong key.
func nir() (good, bad string) {
	sex := pick([]string{"1", "2", "1", "2", "1", "2", "7", "8"})
	yy := fmt.Sprintf("%02d", rng.Intn(100))
	mm := fmt.Sprintf("%02d", 1+rng.Intn(12))
	dep := fmt.Sprintf("%02d", 1+rng.Intn(95))
	switch rng.Intn(6) {
	case 0:
		dep = "2A"
	case 1:
		dep = "2B"
	}
	com, ord := digits(3), digits(3)
	num := sex + yy + mm + dep + com + ord
	calc := strings.NewReplacer("2A", "19", "2B", "18").Replace(num)
	k := 97 - mod97(calc)
	wrong := (k + 1 + rng.Intn(90)) % 98
	if wrong == 0 {
		wrong = 1
	}
	f := func(key int) string {
		if rng.Intn(3) == 0 {
			return fmt.Sprintf("%s%s%s%s%s%s%02d", sex, yy, mm, dep, com, ord, key)
		}
		return fmt.Sprintf("%s %s %s %s %s %s %02d", sex, yy, mm, dep, com, ord, key)
	}
	return f(k), f(wrong)
}

func address() string {
	n := fmt.Sprint(1 + rng.Intn(180))
	if rng.Intn(6) == 0 {
		n += " " + pick([]string{"bis", "ter"})
	}
	a := n + " " + pick(streetTypes) + " " + pick(streets)
	switch rng.Intn(3) {
	case 0:
		a += ", " + fmt.Sprint(10000+rng.Intn(85000)) + " " + pick(cities)
	case 1:
		a += " " + fmt.Sprint(10000+rng.Intn(85000)) + " " + pick(cities)
	}
	return a
}

func enAddress() string {
	n := fmt.Sprint(1 + rng.Intn(300))
	if rng.Intn(4) == 0 {
		n += pick([]string{"A", "B"})
	}
	a := n + " " + pick(enStreets)
	if rng.Intn(2) == 0 {
		a += ", London " + pick([]string{"NW1 6XE", "SW1A 2AA", "E1 6AN", "W1D 3QF"})
	}
	return a
}

// Decoys: look-alikes that are not personal data.
func date() string {
	d, m, y := 1+rng.Intn(28), 1+rng.Intn(12), 2019+rng.Intn(7)
	switch rng.Intn(3) {
	case 0:
		return fmt.Sprintf("%02d/%02d/%d", d, m, y)
	case 1:
		return fmt.Sprintf("%d %s %d", d, months[m-1], y)
	}
	return fmt.Sprintf("%02d.%02d.%d", d, m, y)
}

func amount() string {
	switch rng.Intn(4) {
	case 0:
		return fmt.Sprintf("%d,%02d €", 5+rng.Intn(200), rng.Intn(100))
	case 1:
		return fmt.Sprintf("%d %03d euros", 1+rng.Intn(9), rng.Intn(1000))
	case 2:
		return fmt.Sprintf("%d euros", 10+rng.Intn(990))
	}
	return fmt.Sprintf("%d.%02d $", 5+rng.Intn(200), rng.Intn(100))
}

func clock() string {
	if rng.Intn(2) == 0 {
		return fmt.Sprintf("%dh%02d", 8+rng.Intn(11), rng.Intn(60))
	}
	return fmt.Sprintf("%d:%02d", 8+rng.Intn(11), rng.Intn(60))
}

func orderRef() string {
	switch rng.Intn(5) {
	case 0:
		return digits(9)
	case 1:
		return "FA-" + fmt.Sprint(2020+rng.Intn(6)) + "-" + digits(5)
	case 2:
		return "CMD" + digits(8)
	case 3:
		_, bad := card()
		return strings.NewReplacer(" ", "", "-", "").Replace(bad)
	}
	return digits(12)
}

func parcel() string {
	switch rng.Intn(3) {
	case 0:
		return pick([]string{"6A", "8V", "6C"}) + digits(11)
	case 1:
		return "XS" + digits(9) + "FR"
	}
	return digits(14)
}

func postcodeCity() string { return fmt.Sprint(10000+rng.Intn(85000)) + " " + pick(cities) }

// slot fillers: kind "" is a decoy.
type filler struct {
	kind string
	gen  func() string
}

var fillers = map[string]filler{
	"phone":     {"phone", phone},
	"intl":      {"phone", intlPhone},
	"spelled":   {"phone", spelledPhone},
	"email":     {"email", email},
	"spoken":    {"email", spokenEmail},
	"iban":      {"iban", func() string { g, _ := iban(); ibanStyle++; return g }},
	"badiban":   {"", func() string { _, b := iban(); ibanStyle++; return b }},
	"card":      {"card", func() string { g, _ := card(); cardStyle++; return g }},
	"badcard":   {"", func() string { _, b := card(); cardStyle++; return b }},
	"nir":       {"nir", func() string { g, _ := nir(); return g }},
	"badnir":    {"", func() string { _, b := nir(); return b }},
	"first":     {"name", func() string { return pick(firstFR) }},
	"firsten":   {"name", func() string { return pick(firstEN) }},
	"full":      {"name", fullNameFR},
	"fullen":    {"name", func() string { return pick(firstEN) + " " + pick(surnamesEN) }},
	"surname":   {"name", func() string { return pick(surnames) }},
	"surnameen": {"name", func() string { return pick(surnamesEN) }},
	"lowfull":   {"name", func() string { return strings.ToLower(pick(firstFR) + " " + pick(surnames)) }},
	"upemail":   {"email", func() string { return strings.ToUpper(email()) }},
	"address":   {"address", address},
	"enaddress": {"address", enAddress},
	"date":      {"", date},
	"amount":    {"", amount},
	"time":      {"", clock},
	"order":     {"", orderRef},
	"parcel":    {"", parcel},
	"pccity":    {"", postcodeCity},
	"city":      {"", func() string { return pick(cities) }},
	"product":   {"", func() string { return pick(products) }},
	"pct":       {"", func() string { return fmt.Sprintf("%d %%", 1+rng.Intn(99)) }},
}

// templates with {slot}s. Planted data and decoys are mixed on purpose.
var templates = []string{
	// phones
	"Vous pouvez me rappeler au {phone} après {time}.",
	"mon numéro c'est le {phone}",
	"Oui alors le portable de mon mari, {phone}, il répond jamais.",
	"Je vous laisse mon fixe : {phone}",
	"rappel demandé au {phone} concernant la commande {order}",
	"Numéro de contact {phone} / e-mail {email}",
	"j'ai été facturée {amount} alors que j'appelle le {phone} depuis le {date}",
	"Le technicien m'a appelée du {phone} pour le rendez-vous du {date} à {time}.",
	"c'est le {spelled}, voilà",
	"alors c'est {spelled}",
	"vous pouvez noter {spelled} merci",
	"My number is {intl}, call me after {time}.",
	"You can reach me on {phone} any time.",
	"Mon fils vit à Londres, son numéro est le {intl}.",
	"Appelez plutôt le {phone}, c'est ma ligne directe.",
	"Portable : {phone}. Fixe : {phone}.",
	// emails
	"Mon adresse mail c'est {email}",
	"Vous pouvez m'écrire sur {email} ?",
	"j'ai envoyé trois mails à {email} sans réponse depuis le {date}",
	"Contact: {email}",
	"alors c'est {spoken}",
	"l'adresse c'est {spoken}, tout attaché",
	"Please send the invoice to {email}.",
	"Le mail de confirmation est parti sur {email} le {date}.",
	// IBAN
	"Voici mon IBAN : {iban}",
	"le RIB c'est {iban}, au nom de {full}",
	"Mon nouvel IBAN est {iban} pour le prélèvement de {amount}.",
	"Remboursement sur le compte {iban} sous {pct} de frais ?",
	"My IBAN is {iban}.",
	"Vous m'avez prélevé sur {iban} au lieu du nouveau compte.",
	// cards
	"Ma carte c'est la {card}, expiration 09/27",
	"j'ai payé avec la carte {card} le {date}",
	"Le numéro de carte est {card} et le cryptogramme je vous le donne pas.",
	"Card number {card}, expiry 11/26.",
	"Débité de {amount} sur ma carte {card}.",
	// NIR
	"Mon numéro de sécu c'est le {nir}",
	"numéro de sécurité sociale : {nir}",
	"Pour la mutuelle il faut le {nir}, c'est ça ?",
	"Ma carte Vitale porte le numéro {nir}.",
	// names
	"Bonjour, je m'appelle {full} et j'appelle pour ma box.",
	"Oui bonjour, {first} à l'appareil, du service client.",
	"c'est {first} à l'appareil, que puis-je pour vous ?",
	"Bonjour, {first} du service client, je vous écoute.",
	"Bonjour {first}, merci de votre patience.",
	"Merci {first}, bonne journée.",
	"Oui Madame {surname}, je regarde votre dossier.",
	"D'accord Monsieur {surname}, je note.",
	"M. {full} a appelé le {date} à {time}.",
	"Mme {surname} souhaite résilier son {product}.",
	"j'appelle de la part de {full}, ma mère",
	"le contrat est au nom de {full}",
	"Le conseiller, {first}, a été très aimable.",
	"je suis {first}, je vous appelle pour la facture",
	"Moi c'est {first}, enchantée.",
	"Mon nom est {surname}, {full} en entier.",
	"Hello, my name is {fullen} and I'm calling about my {product}.",
	"This is {firsten} speaking, how can I help?",
	"Thank you {firsten}, have a nice day.",
	"Mrs {surnameen} called twice about the refund.",
	"Dear Mr {surnameen}, thanks for your feedback.",
	"Hier {full} est passé en boutique à {city}.",
	"J'ai eu {full} au téléphone, très professionnel.",
	"Madame {full} demande un geste commercial de {amount}.",
	"Au revoir {first}, et merci encore.",
	"mademoiselle {surname} attend depuis {time}",
	// addresses
	"J'habite au {address}.",
	"L'adresse de livraison c'est {address}",
	"le colis devait arriver au {address} et il est allé à {city}",
	"Nouvelle adresse : {address}",
	"Vous pouvez envoyer le courrier au {address}, merci",
	"le technicien est venu au {address} le {date}",
	"I live at {enaddress}.",
	"Ship it to {enaddress} please.",
	"on a déménagé au {address} depuis {date}",
	// harder variants: lower-case names from speech recognition,
	// signatures, odd formats
	"euh je m'appelle {lowfull} voilà",
	"Bonjour, moi c'est {lowfull}, j'appelle pour mon forfait.",
	"Cordialement, {full}",
	"Bien à vous. {full}",
	"{full} (client depuis 2015) se plaint du débit.",
	"Tél. : {phone} — Mail : {upemail}",
	"Bât. B, {address}",
	"Adresse de facturation : {address}",
	"Je suis en ligne avec {full} depuis vingt minutes.",
	"Rappeler {full} au {phone} avant {time}.",
	"Transféré à {first} au service technique.",
	// mixed
	"{full}, {address}, tél {phone}",
	"Bonjour, je m'appelle {full}, mon mail est {email} et mon numéro {phone}.",
	"Client {surname} — IBAN {iban} — carte {card}",
	"Madame {surname}, {address}, né le {date}, sécu {nir}",
	"Monsieur {full} demande le remboursement de {amount} sur {iban}",
}

// decoy-only templates: none of these lines holds personal data.
var decoys = []string{
	"La commande {order} a été passée le {date} pour {amount}.",
	"Mon colis {parcel} est bloqué à {city} depuis le {date}.",
	"Le numéro de suivi c'est {parcel}, il dit livré à {time}.",
	"J'ai payé {amount} le {date} à {time}, soit {pct} de plus que prévu.",
	"Rendez-vous le {date} à {time} en boutique à {pccity}.",
	"La boutique de {pccity} était fermée.",
	"Le magasin est à {pccity}, à côté de la gare.",
	"Votre {product} sera remplacée sous {pct} des cas en 48h.",
	"J'ai un {product} et ça coupe tout le temps.",
	"Orange m'a facturé {amount} pour rien.",
	"France Télécom, c'était mieux avant.",
	"Paris, Lyon, {city} : partout la même chose.",
	"Margot, c'est le nom de ma box, pas le mien.",
	"Rose, bleu ou noir, le modèle {product} existe en trois couleurs.",
	"Pierre qui roule n'amasse pas mousse, comme on dit.",
	"Le service Client m'a raccroché au nez le {date}.",
	"La facture {order} est de {amount} TTC.",
	"référence commande {order}, montant {amount}",
	"Le code promo NOEL2024 ne marche pas.",
	"J'ai reçu un SMS du 36 179 à {time}.",
	"Le compteur indique {order} kWh.",
	"Numéro de commande {order}, livraison prévue le {date}.",
	"Le prélèvement de {amount} a eu lieu le {date}.",
	"Mon ancien numéro de carte finissait par 1234, celle-là est expirée.",
	"Le RIB que j'ai donné était faux : {badiban}",
	"La carte {badcard} a été refusée, normal elle est fausse.",
	"Le numéro {badnir} n'est pas reconnu par la CPAM.",
	"Code article {order}, quantité 2, remise {pct}.",
	"Votre dossier {order} est en cours depuis le {date}.",
	"Le ticket {parcel} a été clos à {time}.",
	"Mon forfait passe à {amount} par mois à partir du {date}.",
	"Le décodeur {product} redémarre tout seul à {time}.",
	"On m'a dit 2 places de parking et 1 cours de yoga offert.",
	"Nous avons 3 rues à traverser pour aller à l'agence.",
	"Le {date} j'ai appelé, le {date} aussi.",
	"My order {order} was charged {amount} on {date}.",
	"The parcel {parcel} is stuck in {city}.",
	"I paid {amount} at {time}, which is {pct} more.",
	"Apple, Samsung, Google : aucun ne marche avec votre box.",
	"Bonjour Madame, je vous écoute.",
	"Merci beaucoup, au revoir et bonne journée.",
	"Le Crédit Agricole a rejeté le prélèvement de {amount}.",
	"En Juin la fibre arrive à {city}, paraît-il.",
	"Livraison entre {time} et {time}, créneau de 2h.",
	"J'ai composé le 3900 puis le 1014, personne.",
	"Le montant de {amount} correspond à {pct} de la facture {order}.",
	"Victor Hugo est mon auteur préféré mais ça n'a rien à voir.",
	"La rue était bloquée, le livreur est reparti.",
	"On est le {date}, il est {time}.",
	"Canal+ et Netflix sont inclus dans le {product}.",
	"Je pars à Saint-Pierre-et-Miquelon le {date}.",
	"Le Père Noël n'a pas apporté la {product}.",
	"Florence est une belle ville, j'y étais le {date}.",
	"Bonjour Orange, merci Free, au revoir SFR.",
	"C'est Lyon qui a traité ma demande {order}.",
	"Rendez-vous le 06 12 2024 à {time}.",
	"SIRET 732 829 320 00074, TVA FR40 732829320.",
	"Votre compte client 4512 est débiteur de {amount}.",
	"Le code d'accès est 1234, le code wifi 8A7F-22C1.",
	"zéro problème, j'ai payé quarante-neuf euros quatre-vingt-dix.",
	"J'ai regardé Apple TV puis Amazon Prime Video.",
	"Le vol AF 1234 part à {time} de {city}.",
	"Le lycée Jean Moulin de {city} n'a toujours pas la fibre.",
	"Victoria Station was closed, I was late for {time}.",
	"Le magasin du centre Victor Hugo ferme à {time}.",
}

func fill(tpl string) Line {
	var b strings.Builder
	var spans []Span
	for {
		i := strings.IndexByte(tpl, '{')
		if i < 0 {
			b.WriteString(tpl)
			break
		}
		j := strings.IndexByte(tpl[i:], '}')
		if j < 0 {
			log.Fatalf("bad template %q", tpl)
		}
		b.WriteString(tpl[:i])
		slot := tpl[i+1 : i+j]
		f, ok := fillers[slot]
		if !ok {
			log.Fatalf("unknown slot %q", slot)
		}
		v := f.gen()
		start := utf8.RuneCountInString(b.String())
		b.WriteString(v)
		if f.kind != "" {
			spans = append(spans, Span{f.kind, start, start + utf8.RuneCountInString(v)})
		}
		tpl = tpl[i+j+1:]
	}
	if spans == nil {
		spans = []Span{}
	}
	return Line{Text: b.String(), Spans: spans}
}

func main() {
	out := flag.String("o", "testdata/labelled.jsonl", "output file")
	n := flag.Int("n", 480, "number of lines")
	flag.Parse()
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for i := 0; i < *n; i++ {
		// Two lines in three carry data; every template is used.
		var tpl string
		if i%3 == 2 {
			tpl = decoys[(i/3)%len(decoys)]
		} else {
			tpl = templates[rng.Intn(len(templates))]
			if i < 2*len(templates) && i%3 != 2 {
				tpl = templates[(i-i/3)%len(templates)]
			}
		}
		if err := enc.Encode(fill(tpl)); err != nil {
			log.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}
