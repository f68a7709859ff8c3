package ingest

import (
	"bytes"
	"customerroom/media"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// maxVerbatimBytes bounds one verbatim export: 100,000 comments of a few
// hundred characters fit; anything larger is a mistake, not a survey.
const maxVerbatimBytes = 64 << 20

// headerAliases maps the column names French and English exports use to our
// fields. Keys are normalized by headerKey: lower case, no accents, single
// spaces, so "Thème", "THEME " and "thème" all match.
var headerAliases = map[string]string{
	"date": "date", "jour": "date", "date de reponse": "date", "date de l'avis": "date", "created": "date", "created at": "date",
	"canal": "channel", "channel": "channel", "source": "channel", "origine": "channel",
	"theme": "topic", "topic": "topic", "sujet": "topic", "motif": "topic", "categorie": "topic", "category": "topic", "subject": "topic",
	"note": "score", "score": "score", "nps": "score", "note /10": "score", "note/10": "score", "note sur 10": "score", "rating": "score",
	"sentiment": "sentiment", "tonalite": "sentiment", "humeur": "sentiment",
	"produit": "product", "product": "product", "offre": "product", "gamme": "product",
	"texte": "text", "text": "text", "verbatim": "text", "commentaire": "text", "comment": "text", "message": "text", "avis": "text",
}

var stripAccents = transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)

// headerKey normalizes a column name for headerAliases.
func headerKey(h string) string {
	h = strings.Trim(strings.TrimSpace(h), "\ufeff:")
	if s, _, err := transform.String(stripAccents, h); err == nil {
		h = s
	}
	return strings.Join(strings.Fields(strings.ToLower(h)), " ")
}

// readExport reads a whole verbatim export, bounded, without a UTF-8 BOM, and
// converted from Windows-1252 when it is not valid UTF-8 (what French Excel
// writes when "CSV (séparateur: point-virgule)" is chosen).
func readExport(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxVerbatimBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxVerbatimBytes {
		return nil, fmt.Errorf("verbatim export larger than %d MB", maxVerbatimBytes>>20)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		if data, err = charmap.Windows1252.NewDecoder().Bytes(data); err != nil {
			return nil, fmt.Errorf("text is neither UTF-8 nor Windows-1252: %w", err)
		}
	}
	return data, nil
}

// ReadVerbatimsCSV reads verbatims from a CSV export, with `;`, `,` or a tab
// as the separator (French Excel uses `;`), an optional UTF-8 BOM, in UTF-8 or
// Windows-1252. The header row names the columns, in French or English; a
// text column is required. Any malformed row fails the whole file with its
// line number, so an import is all rows or none.
func ReadVerbatimsCSV(r io.Reader) ([]media.Verbatim, error) {
	data, err := readExport(r)
	if err != nil {
		return nil, err
	}
	line, _, _ := bytes.Cut(data, []byte("\n"))
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = ','
	best := bytes.Count(line, []byte(","))
	for _, sep := range []rune{';', '\t'} {
		if n := bytes.Count(line, []byte(string(sep))); n > best {
			cr.Comma, best = sep, n
		}
	}
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("empty CSV: no header row")
	}
	if err != nil {
		return nil, csvError(err)
	}
	cols := map[string]int{}
	for i, h := range header {
		if f, ok := headerAliases[headerKey(h)]; ok {
			if _, dup := cols[f]; !dup {
				cols[f] = i
			}
		}
	}
	if _, ok := cols["text"]; !ok {
		return nil, fmt.Errorf("CSV line 1: no text column (texte/text/verbatim/commentaire) among %q", header)
	}
	var out []media.Verbatim
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		v, err := verbatimFrom(func(f string) string {
			if i, ok := cols[f]; ok && i < len(rec) {
				return rec[i]
			}
			return ""
		})
		if err != nil {
			return nil, fmt.Errorf("CSV line %d: %w", line, err)
		}
		if v.Text != "" {
			out = append(out, v)
		}
	}
	return out, nil
}

// csvError words encoding/csv's errors for a curator: the line, then why.
func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			return fmt.Errorf("CSV line %d: wrong number of columns (a separator inside an unquoted text?)", pe.Line)
		}
		return fmt.Errorf("CSV line %d: %v", pe.StartLine, pe.Err)
	}
	return fmt.Errorf("CSV: %w", err)
}

// verbatimFrom builds a verbatim from one row's fields, checking and
// normalizing the score and the date; get returns "" for a missing field.
func verbatimFrom(get func(field string) string) (media.Verbatim, error) {
	f := func(name string) string { return strings.TrimSpace(get(name)) }
	v := media.Verbatim{Channel: f("channel"), Topic: f("topic"), Product: f("product"), Sentiment: f("sentiment"), Text: f("text")}
	if v.Text == "" {
		return v, nil
	}
	var err error
	if v.Date, err = parseVerbatimDate(f("date")); err != nil {
		return v, err
	}
	if v.Sentiment, err = media.NormalizeSentiment(v.Sentiment); err != nil {
		return v, err
	}
	if s := f("score"); s != "" {
		n, err := parseScore(s)
		if err != nil {
			return v, err
		}
		v.Score = &n
	}
	return v, nil
}

// parseScore accepts the forms exports use for a 0..10 score: "8", "8/10",
// "8 / 10", "8,0", "8.0". A fraction of another scale or a non-whole
// number is refused rather than guessed.
func parseScore(s string) (int, error) {
	bad := fmt.Errorf("score %q is not a whole number from 0 to 10", s)
	num, den, slash := strings.Cut(s, "/")
	num = strings.TrimSpace(num)
	if slash && strings.TrimSpace(den) != "10" {
		return 0, bad
	}
	num = strings.Replace(num, ",", ".", 1)
	if whole, frac, ok := strings.Cut(num, "."); ok {
		if strings.Trim(frac, "0") != "" {
			return 0, bad
		}
		num = whole
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 || n > 10 || strings.HasPrefix(num, "+") {
		return 0, bad
	}
	return n, nil
}

// parseVerbatimDate stores every date as yyyy-mm-dd. It reads dd/mm/yyyy
// (French order, never the US one), dd-mm-yyyy, dd.mm.yyyy and ISO 8601,
// ignoring a time of day after the date.
func parseVerbatimDate(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	d := s
	if i := strings.IndexAny(d, " T"); i > 0 {
		d = d[:i]
	}
	for _, layout := range []string{"2006-01-02", "02/01/2006", "2/1/2006", "02-01-2006", "02.01.2006", "2006/01/02"} {
		if t, err := time.Parse(layout, d); err == nil {
			return t.Format("2006-01-02"), nil
		}
	}
	return "", fmt.Errorf("date %q is not dd/mm/yyyy or yyyy-mm-dd", s)
}
