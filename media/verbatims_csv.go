package media

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// headerAliases maps the column names French and English exports use to our fields.
var headerAliases = map[string]string{
	"date": "date", "jour": "date",
	"canal": "channel", "channel": "channel", "source": "channel",
	"thème": "topic", "theme": "topic", "topic": "topic", "sujet": "topic",
	"note": "score", "score": "score", "nps": "score",
	"sentiment": "sentiment", "tonalité": "sentiment",
	"texte": "text", "text": "text", "verbatim": "text", "commentaire": "text", "comment": "text",
}

// ReadVerbatimsCSV reads verbatims from a CSV export, with `,` or `;` as the
// separator (French Excel uses `;`) and an optional UTF-8 BOM. The header row
// names the columns, in French or English; a text column is required.
func ReadVerbatimsCSV(r io.Reader) ([]Verbatim, error) {
	br := bufio.NewReader(r)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	first, _ := br.Peek(4096)
	line, _, _ := bytes.Cut(first, []byte("\n"))
	cr := csv.NewReader(br)
	if bytes.Count(line, []byte(";")) > bytes.Count(line, []byte(",")) {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("empty CSV: no header row")
	}
	if err != nil {
		return nil, fmt.Errorf("CSV header: %w", err)
	}
	cols := map[string]int{}
	for i, h := range header {
		if f, ok := headerAliases[strings.ToLower(strings.TrimSpace(h))]; ok {
			cols[f] = i
		}
	}
	if _, ok := cols["text"]; !ok {
		return nil, errors.New("CSV has no text column (texte/text/verbatim/commentaire)")
	}
	var out []Verbatim
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("CSV: %w", err)
		}
		line, _ := cr.FieldPos(0)
		get := func(f string) string {
			if i, ok := cols[f]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		v := Verbatim{Date: get("date"), Channel: get("channel"), Topic: get("topic"), Sentiment: get("sentiment"), Text: get("text")}
		if v.Text == "" {
			continue
		}
		if s := get("score"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 || n > 10 {
				return nil, fmt.Errorf("CSV line %d: score %q is not a whole number from 0 to 10", line, s)
			}
			v.Score = &n
		}
		out = append(out, v)
	}
	return out, nil
}
