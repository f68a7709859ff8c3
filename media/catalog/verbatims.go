package catalog

import (
	"context"
	"crypto/sha256"
	"customerroom/media"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"iter"
	"slices"
	"strings"
)

// Verbatims lists verbatims, newest first.
func (c *Catalog) Verbatims(ctx context.Context, f media.VerbatimFilter) ([]media.Verbatim, error) {
	q := `SELECT id, date, channel, topic, product, score, sentiment, text, coalesce(masked, ''), findings, review_note, status, demo, expires_at FROM verbatims`
	var args []any
	if f.Status != "" {
		q += ` WHERE status = ?`
		args = append(args, f.Status)
	}
	q += ` ORDER BY date DESC, id DESC`
	if f.Limit > 0 {
		q += ` LIMIT ? OFFSET ?`
		args = append(args, f.Limit, f.Offset)
	}
	rows, err := c.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []media.Verbatim{}
	for rows.Next() {
		var (
			v       media.Verbatim
			score   sql.NullInt64
			demo    int
			expires string
			fs      string
		)
		if err := rows.Scan(&v.ID, &v.Date, &v.Channel, &v.Topic, &v.Product, &score, &v.Sentiment, &v.Text, &v.Masked, &fs, &v.ReviewNote, &v.Status, &demo, &expires); err != nil {
			return nil, err
		}
		json.Unmarshal([]byte(fs), &v.Findings)
		if score.Valid {
			s := int(score.Int64)
			v.Score = &s
		}
		v.Demo = demo != 0
		v.ExpiresAt = parseTime(expires)
		out = append(out, v)
	}
	return out, rows.Err()
}

// VerbatimHash identifies a verbatim for dedupe: the same text on the same
// date through the same channel is the same comment.
func VerbatimHash(v media.Verbatim) string {
	h := sha256.Sum256([]byte(strings.Join([]string{v.Date, v.Channel, strings.TrimSpace(v.Text)}, "\x1f")))
	return hex.EncodeToString(h[:])
}

// AddVerbatims stores verbatims in one transaction, skipping ones already in
// the library; it returns how many were new.
func (c *Catalog) AddVerbatims(ctx context.Context, vs []media.Verbatim) (int, error) {
	return c.AddVerbatimSeq(ctx, slices.Values(vs))
}

// AddVerbatimSeq is AddVerbatims for verbatims that arrive one by one: an
// import checks them for personal data while the earlier ones are written.
// Nothing is stored unless every one is.
func (c *Catalog) AddVerbatimSeq(ctx context.Context, vs iter.Seq[media.Verbatim]) (int, error) {
	tx, err := c.write.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	ins, err := tx.PrepareContext(ctx, `INSERT INTO verbatims (sha256, date, channel, topic, product, score, sentiment, text, masked, findings, status, demo, created_at, expires_at)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (sha256) DO NOTHING`)
	if err != nil {
		return 0, err
	}
	defer ins.Close()
	fts, err := tx.PrepareContext(ctx, `INSERT INTO search_text (kind, ref_id, start_ms, body) VALUES ('verbatim', ?, 0, ?)`)
	if err != nil {
		return 0, err
	}
	defer fts.Close()
	now := formatTime(c.now())
	added := 0
	for v := range vs {
		if v.Status == "" {
			v.Status = media.StatusPending
		}
		var score any
		if v.Score != nil {
			score = *v.Score
		}
		// A verbatim counts as checked once it carries its masked text (or
		// findings); an unchecked one is neither readable by the room nor indexed.
		checked := v.Masked != "" || v.Findings != nil
		var masked any
		if checked {
			masked = v.Masked
		}
		res, err := ins.ExecContext(ctx, VerbatimHash(v), v.Date, v.Channel, v.Topic, v.Product, score, v.Sentiment, v.Text, masked, toJSON(v.Findings), v.Status, v.Demo, now, formatTime(v.ExpiresAt))
		if err != nil {
			return 0, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			continue
		}
		id, err := res.LastInsertId()
		if err != nil {
			return 0, err
		}
		if checked {
			if _, err := fts.ExecContext(ctx, id, v.Topic+"\n"+v.Masked); err != nil {
				return 0, err
			}
		}
		added++
	}
	return added, tx.Commit()
}

func isWordRune(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 127
}
