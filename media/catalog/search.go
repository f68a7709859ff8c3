package catalog

import (
	"context"
	"strings"

	"customerroom/media"
)

// searchTerms turns what a person typed into an FTS5 query: each word a
// quoted prefix ("rembours" finds "remboursement"), never FTS5 syntax, so
// hostile input cannot produce a syntax error. Accents and case are folded
// by the index's tokenizer.
func searchTerms(q string) string {
	var terms []string
	for _, w := range strings.FieldsFunc(q, func(r rune) bool { return !(r == '\'' || r == '-' || isWordRune(r)) }) {
		terms = append(terms, `"`+strings.ReplaceAll(w, `"`, `""`)+`"*`)
		if len(terms) == 8 {
			break
		}
	}
	return strings.Join(terms, " ")
}

// Search finds recordings (by title, topic, product, tags or a cue) and
// verbatims whose masked text matches q. The room (staff false) finds only
// what it may see: playable recordings and approved verbatims; staff find
// every status. One hit per recording: its best match, with the cue's start.
func (c *Catalog) Search(ctx context.Context, q string, staff bool, limit int) ([]media.SearchHit, error) {
	out := []media.SearchHit{}
	match := searchTerms(q)
	if match == "" {
		return out, nil
	}
	recVisible, verVisible := playableSQL, `v.status = 'approved'`
	if staff {
		recVisible, verVisible = "1", "1"
	}
	// Newest entries first (FTS5 walks its index by rowid and stops at the
	// limit, where ranking by relevance would score every match: a common
	// word in 200,000 entries); a recording matched by several cues keeps
	// the first, so ask for more rows than hits.
	rows, err := c.read.QueryContext(ctx, `SELECT CASE s.kind WHEN 'verbatim' THEN 'verbatim' ELSE 'recording' END, s.ref_id,
			coalesce(r.title, ''), snippet(search_text, 3, '[', ']', '…', 12), s.start_ms
		FROM search_text s
		LEFT JOIN recordings r ON s.kind != 'verbatim' AND r.id = s.ref_id
		LEFT JOIN verbatims v ON s.kind = 'verbatim' AND v.id = s.ref_id
		WHERE search_text MATCH ? AND (
			(s.kind != 'verbatim' AND r.id IS NOT NULL AND `+recVisible+`) OR
			(s.kind = 'verbatim' AND v.id IS NOT NULL AND `+verVisible+`))
		ORDER BY s.rowid DESC LIMIT ?`, match, limit*4)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	seen := map[media.SearchHit]bool{}
	for rows.Next() && len(out) < limit {
		var h media.SearchHit
		if err := rows.Scan(&h.Type, &h.ID, &h.Title, &h.Snippet, &h.StartMS); err != nil {
			return nil, err
		}
		key := media.SearchHit{Type: h.Type, ID: h.ID}
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, h)
	}
	return out, rows.Err()
}
