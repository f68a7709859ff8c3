package pii

import (
	"strings"
	"sync"
	"testing"
)

// found returns the texts of the findings of kind k.
func found(d *Detector, text string, k Kind) []string {
	var out []string
	for _, f := range d.Find(text) {
		if f.Kind == k {
			out = append(out, f.Text)
		}
	}
	return out
}

type kindCase struct {
	text string
	want string // the finding's text; "" means no finding of that kind
}

func runKind(t *testing.T, k Kind, cases []kindCase) {
	t.Helper()
	d, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		got := found(d, c.text, k)
		switch {
		case c.want == "" && len(got) > 0:
			t.Errorf("%s: %q: got %q, want nothing", k, c.text, got)
		case c.want != "" && (len(got) != 1 || got[0] != c.want):
			t.Errorf("%s: %q: got %q, want %q", k, c.text, got, c.want)
		}
	}
}

func TestEmail(t *testing.T) {
	runKind(t, Email, []kindCase{
		{"écrivez à jean.dupont@example.fr merci", "jean.dupont@example.fr"},
		{"mail: a_b+tag@sub.mail-host.co.uk.", "a_b+tag@sub.mail-host.co.uk"},
		{"c'est jean point dupont arobase gmail point com voilà", "jean point dupont arobase gmail point com"},
		{"sur Twitter @orange_fr", ""},
		{"pas d'adresse ici", ""},
	})
}

func TestPhone(t *testing.T) {
	runKind(t, Phone, []kindCase{
		{"appelez le 06 12 34 56 78 svp", "06 12 34 56 78"},
		{"06.12.34.56.78", "06.12.34.56.78"},
		{"tel:0612345678.", "0612345678"},
		{"06-12-34-56-78", "06-12-34-56-78"},
		{"au +33 6 12 34 56 78", "+33 6 12 34 56 78"},
		{"au +33 (0)6 12 34 56 78", "+33 (0)6 12 34 56 78"},
		{"au 0033 6 12 34 56 78", "0033 6 12 34 56 78"},
		{"fixe 01 23 45 67 89", "01 23 45 67 89"},
		{"box 09 87 65 43 21", "09 87 65 43 21"},
		{"London +44 20 7946 0958 ok", "+44 20 7946 0958"},
		{"call +1 415 555 0100", "+1 415 555 0100"},
		{"+32 2 555 12 34", "+32 2 555 12 34"},
		{"+49 30 901820", "+49 30 901820"},
		{"zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit", "zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit"},
		{"c'est le zéro un quarante-deux soixante et onze quatre-vingt-dix-neuf vingt et un merci", "zéro un quarante-deux soixante et onze quatre-vingt-dix-neuf vingt et un"},
		{"zéro six 12 34 cinquante-six 78", "zéro six 12 34 cinquante-six 78"},
		{"zéro neuf quatre-vingts dix-sept zéro cinq soixante-douze", "zéro neuf quatre-vingts dix-sept zéro cinq soixante-douze"},
		{"zero sept vingt et un trente et un quarante et un cinquante et un, un grand merci", "zero sept vingt et un trente et un quarante et un cinquante et un"},
		{"zéro problème, quarante-neuf euros quatre-vingt-dix", ""},
		{"c'est le 06, douze, trente-quatre, cinquante-six, soixante-dix-huit", "06, douze, trente-quatre, cinquante-six, soixante-dix-huit"},
		{"commande zéro six douze trente-quatre cinquante-six soixante-dix-huit", ""},
		{"zéro six douze trente-quatre cinquante-six soixante-dix-huit quatre-vingt-dix", ""},
		// decoys
		{"le 12/03/2024 à 14h30", ""},
		{"commande 0612345678", ""},
		{"montant 1 250 euros", ""},
		{"colis 06 12 34 56 78 90 12", ""},
		{"zéro six douze", ""},
		{"réf 06123456789", ""},
		{"+12,5 %", ""},
		{"tél.\u00a0: 06\u00a012\u00a034\u00a056\u00a078", "06\u00a012\u00a034\u00a056\u00a078"},
		{"06/12/34/56/78", "06/12/34/56/78"},
		{"Mes coordonnées : 0 6 1 2 3 4 5 6 7 8", "0 6 1 2 3 4 5 6 7 8"},
		{"code 0 0 1 2 3 4 5 6 7 8", ""},
		{"le 01/02/2024 10:30", ""},
		{"Votre dossier 003198181527 est en cours", ""},
		{"rendez-vous le 06 12 2024 à 14h", ""},
	})
}

func TestIBAN(t *testing.T) {
	runKind(t, IBAN, []kindCase{
		{"IBAN FR76 3000 6000 0112 3456 7890 189 merci", "FR76 3000 6000 0112 3456 7890 189"},
		{"FR7630006000011234567890189", "FR7630006000011234567890189"},
		{"de89 3704 0044 0532 0130 00", "de89 3704 0044 0532 0130 00"},
		{"GB82 WEST 1234 5698 7654 32.", "GB82 WEST 1234 5698 7654 32"},
		{"BE68539007547034", "BE68539007547034"},
		{"NL91ABNA0417164300", "NL91ABNA0417164300"},
		{"BE68\u00a05390\u00a00754\u00a07034", "BE68\u00a05390\u00a00754\u00a07034"},
		// one digit off: mod-97 fails
		{"FR76 3000 6000 0112 3456 7890 188", ""},
		{"DE89370400440532013001", ""},
		// wrong length for the country
		{"FR76 3000 6000 0112 3456 7890", ""},
		{"XX12 3456 7890 1234", ""},
	})
}

func TestCard(t *testing.T) {
	runKind(t, Card, []kindCase{
		{"carte 4111 1111 1111 1111 exp 12/27", "4111 1111 1111 1111"},
		{"5555-5555-5555-4444", "5555-5555-5555-4444"},
		{"4012888888881881", "4012888888881881"},
		{"amex 3782 822463 10005", "3782 822463 10005"},
		{"6011111111111117", "6011111111111117"},
		{"4111\u202f1111\u202f1111\u202f1111", "4111\u202f1111\u202f1111\u202f1111"},
		// Luhn fails
		{"4111 1111 1111 1112", ""},
		{"commande 1234567890123456", ""},
		// Luhn passes but no card issuer starts with 0, 1, 7, 8 or 9
		{"colis 9111111111111111", ""},
		{"12 digits 411111111111", ""},
	})
}

func TestNIR(t *testing.T) {
	runKind(t, NIR, []kindCase{
		{"sécu 1 85 05 78 006 084 91 voilà", "1 85 05 78 006 084 91"},
		{"185057800608491", "185057800608491"},
		{"1\u00a085\u00a005\u00a078\u00a0006\u00a0084\u00a091", "1\u00a085\u00a005\u00a078\u00a0006\u00a0084\u00a091"},
		{"2 93 02 2A 123 456 28", "2 93 02 2A 123 456 28"},
		{"1 79 01 2B 123 456 96", "1 79 01 2B 123 456 96"},
		// wrong key
		{"1 85 05 78 006 084 36", ""},
		{"185057800608492", ""},
		// 2A with the 2B key
		{"2 93 02 2B 123 456 28", ""},
	})
}

func TestName(t *testing.T) {
	runKind(t, Name, []kindCase{
		{"Bonjour, je m'appelle Jean Dupont.", "Jean Dupont"},
		{"c'est Camille à l'appareil", "Camille"},
		{"Camille à l'appareil, que puis-je faire ?", "Camille"},
		{"je vous appelle de la part de Martine Leroy", "Martine Leroy"},
		{"le contrat est au nom de Dubois", "Dubois"},
		{"Hi, my name is John Smith and", "John Smith"},
		{"this is Sarah speaking", "Sarah"},
		{"Oui Madame Dupont, tout à fait", "Dupont"},
		{"M. Jean Dupont a appelé", "Jean Dupont"},
		{"Mme Lefèvre-Martin", "Lefèvre-Martin"},
		{"Dear Mrs Thompson,", "Thompson"},
		{"Bonjour Camille, merci", "Camille"},
		{"merci Thomas pour votre aide", "Thomas"},
		{"Bonjour, Camille du service client", "Camille"},
		{"Hier Jean Dupont a rappelé", "Jean Dupont"},
		{"euh je m'appelle julie martin voilà", "julie martin"},
		{"je m'appelle julie et je vous appelle", "julie"},
		{"J'ai eu Lucas Le Gall au téléphone", "Lucas Le Gall"},
		{"Client N'Diaye — IBAN", "N'Diaye"},
		{"Le conseiller, Yasmine, a été très aimable.", "Yasmine"},
		{"mademoiselle Le Gall attend", "Le Gall"},
		{"ma fille Léa au 06", "Léa"},
		{"Merci pour votre aide, Sandrine.", "Sandrine"},
		{"Bonjour à tous, Jean-Marc ici", "Jean-Marc"},
		{"Mme veuve Durand", "Durand"},
		{"Dites à Lucie que je passe", "Lucie"},
		{"Le livreur (Kader) a été top !", "Kader"},
		{"Un grand merci à Nadia pour sa patience", "Nadia"},
		{"Thanks to Tom at the store!", "Tom"},
		{"mon mari, Patrick, s'occupe des factures", "Patrick"},
		// decoys
		{"j'ai dû contacter Free puis rappeler Orange", ""},
		{"mon fils a cassé sa Livebox", ""},
		{"Merci pour tout, Orange.", ""},
		{"grâce à Free et merci à Orange", ""},
		{"Le lycée Jean Moulin est fermé", ""},
		{"Victoria Station was closed", ""},
		{"Rien à voir avec ici, Paris", ""},
		{"Je suis en France depuis hier", ""},
		{"Orange a coupé ma ligne", ""},
		{"Margot est une marque de vin", ""},
		{"La box Livebox ne marche plus", ""},
		{"Bonjour Madame, je vous écoute", ""},
		{"Paris Saint-Germain a gagné", ""},
		{"Merci beaucoup, au revoir", ""},
		{"Rose est une couleur", ""},
		// Bytes that are not UTF-8 before a context (a transcript from a
		// Latin-1 export): once a panic, the name after them is found.
		{"\xf7\xf7\xf7\xf7\xf7\xf7\xf7je m'Appelle", ""},
		{"caf\xe9 : bonjour, je m'appelle Jean Dupont", "Jean Dupont"},
	})
}

func TestAddress(t *testing.T) {
	runKind(t, Address, []kindCase{
		{"j'habite au 12 rue de la Paix, 75002 Paris depuis", "12 rue de la Paix, 75002 Paris"},
		{"12 bis avenue Victor Hugo", "12 bis avenue Victor Hugo"},
		{"3 bd Saint-Michel", "3 bd Saint-Michel"},
		{"au 8 place de l'Église", "8 place de l'Église"},
		{"45 impasse des Lilas 69003 Lyon", "45 impasse des Lilas 69003 Lyon"},
		{"1 chemin du Moulin", "1 chemin du Moulin"},
		{"221B Baker Street, London NW1 6XE", "221B Baker Street, London NW1 6XE"},
		{"10 Downing Street", "10 Downing Street"},
		// decoys
		{"75011 Paris", ""},
		{"2 places de parking", ""},
		{"1 cours de yoga", ""},
		{"le 12 mars 2024", ""},
	})
}

func TestCustom(t *testing.T) {
	if _, err := New([]Pattern{{Name: "contrat", Regexp: "CT-("}}); err == nil || !strings.Contains(err.Error(), "contrat") {
		t.Fatalf("invalid pattern: err = %v, want one naming the pattern", err)
	}
	if _, err := New([]Pattern{{Name: "vide"}}); err == nil {
		t.Fatal("empty pattern accepted")
	}
	d, err := New([]Pattern{{Name: "contrat", Regexp: `\bCT-[0-9]{8}\b`}})
	if err != nil {
		t.Fatal(err)
	}
	fs := d.Find("contrat CT-12345678 et mail a@b.fr")
	if len(fs) != 2 || fs[0].Kind != Custom || fs[0].Text != "CT-12345678" || fs[1].Kind != Email {
		t.Fatalf("got %+v", fs)
	}
	if got := Mask("contrat CT-12345678 et mail a@b.fr", fs); got != "contrat [identifiant] et mail [e-mail]" {
		t.Fatalf("Mask = %q", got)
	}
}

func TestMaskAndOffsets(t *testing.T) {
	d, _ := New(nil)
	text := "Hélène: appelez-moi au 06 12 34 56 78, ou écrivez à hélène@exemple.fr"
	fs := d.Find(text)
	runes := []rune(text)
	for _, f := range fs {
		if string(runes[f.Start:f.End]) != f.Text {
			t.Errorf("finding %+v: runes give %q", f, string(runes[f.Start:f.End]))
		}
	}
	want := "Hélène: appelez-moi au [téléphone], ou écrivez à [e-mail]"
	if got := Mask(text, fs); got != want {
		t.Errorf("Mask = %q, want %q", got, want)
	}
	// Out-of-range and overlapping findings are skipped, not panicked on.
	if got := Mask("abc", []Finding{{Kind: Name, Start: 1, End: 9}, {Kind: Name, Start: 0, End: 1}, {Kind: Phone, Start: 0, End: 2}}); got != "[nom]bc" {
		t.Errorf("defensive Mask = %q", got)
	}
	for _, k := range []Kind{Email, Phone, IBAN, Card, NIR, Name, Address, Custom} {
		if !strings.HasPrefix(Label(k), "[") {
			t.Errorf("Label(%s) = %q", k, Label(k))
		}
	}
}

func TestConcurrent(t *testing.T) {
	d, _ := New([]Pattern{{Name: "c", Regexp: `CT-[0-9]+`}})
	text := "M. Jean Dupont, 12 rue de la Paix, 06 12 34 56 78, CT-99"
	want := Mask(text, d.Find(text))
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 50; j++ {
				if got := Mask(text, d.Find(text)); got != want {
					t.Errorf("concurrent Find: %q != %q", got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
}
