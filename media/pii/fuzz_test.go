package pii

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzFind checks Find's invariants on arbitrary input: no panic; offsets
// in range and rune-aligned (they are rune offsets, so Text must equal the
// rune slice); findings sorted and non-overlapping; and the masked line no
// longer holds any e-mail or phone number found.
func FuzzFind(f *testing.F) {
	for _, s := range []string{
		"Bonjour, je m'appelle Jean Dupont, 06 12 34 56 78, jean.dupont@example.fr",
		"IBAN FR76 3000 6000 0112 3456 7890 189, carte 4111 1111 1111 1111",
		"sécu 2 93 02 2A 123 456 28 au 12 bis rue de la Paix, 75002 Paris",
		"zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit",
		"Hélène à l'appareil, +33 (0)6 12 34 56 78 \xff\xfe M. Émile Zola",
		"221B Baker Street, London NW1 6XE; call +44 20 7946 0958",
		"commande 1234567890123456 le 12/03/2024 à 14h30 pour 49,90 €",
	} {
		f.Add(s)
	}
	d, err := New([]Pattern{{Name: "contrat", Regexp: `CT-[0-9]{4,}`}})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		fs := d.Find(text)
		runes := []rune(text)
		prevEnd := 0
		for i, fd := range fs {
			if fd.Start < 0 || fd.End > len(runes) || fd.Start >= fd.End {
				t.Fatalf("finding %d %+v out of range (len %d)", i, fd, len(runes))
			}
			if fd.Start < prevEnd {
				t.Fatalf("finding %d %+v overlaps or is out of order (previous end %d)", i, fd, prevEnd)
			}
			prevEnd = fd.End
			if got := string(runes[fd.Start:fd.End]); got != fd.Text {
				t.Fatalf("finding %+v: rune slice is %q", fd, got)
			}
			if Label(fd.Kind) == "[donnée personnelle]" {
				t.Fatalf("finding %+v: unknown kind", fd)
			}
		}
		masked := Mask(text, fs)
		if !utf8.ValidString(text) {
			return // Mask rewrites invalid bytes as U+FFFD; the text check below needs valid input
		}
		for _, fd := range fs {
			if (fd.Kind == Email || fd.Kind == Phone) && strings.Contains(masked, fd.Text) {
				t.Fatalf("masked %q still holds %s %q", masked, fd.Kind, fd.Text)
			}
		}
	})
}
