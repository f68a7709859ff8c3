package catalog

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// PurgeReport says what a purge removed.
type PurgeReport struct {
	Recordings int `json:"recordings"`
	Verbatims  int `json:"verbatims"`
	Files      int `json:"files"`
}

// Purge deletes every recording and verbatim past its expiry: rows, cues,
// search text and audio files (original and rendition). Privacy rule: expired
// personal data does not stay on the box, and that includes catalog.db
// itself: the connections run with secure_delete (deleted cells are zeroed),
// the audit log keeps that an edit happened but not the text it held, and a
// purge that removed something compacts the file (see compact).
func (c *Catalog) Purge(ctx context.Context, dataDir string) (PurgeReport, error) {
	var rep PurgeReport
	now := formatTime(c.now())
	rows, err := c.read.QueryContext(ctx, `SELECT id, path, rendition_path FROM recordings WHERE expires_at <= ?`, now)
	if err != nil {
		return rep, err
	}
	type doomed struct {
		id    int64
		files []string
	}
	var ds []doomed
	for rows.Next() {
		var (
			d          doomed
			path, rend string
		)
		if err := rows.Scan(&d.id, &path, &rend); err != nil {
			rows.Close()
			return rep, err
		}
		d.files = []string{path, rend}
		ds = append(ds, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return rep, err
	}
	for _, d := range ds {
		if err := c.deleteRecording(ctx, d.id); err != nil {
			return rep, err
		}
		rep.Recordings++
		for _, f := range d.files {
			if f == "" {
				continue
			}
			err := os.Remove(filepath.Join(dataDir, f))
			if err == nil {
				rep.Files++
			} else if !errors.Is(err, fs.ErrNotExist) {
				return rep, err
			}
		}
	}
	tx, err := c.write.BeginTx(ctx, nil)
	if err != nil {
		return rep, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM search_text WHERE kind = 'verbatim' AND ref_id IN (SELECT id FROM verbatims WHERE expires_at <= ?)`, now); err != nil {
		return rep, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE audit SET before = '', after = '', detail = 'verbatim ' || v.id FROM verbatims v
		WHERE v.expires_at <= ? AND (audit.detail = 'verbatim ' || v.id OR audit.detail LIKE 'verbatim ' || v.id || ' %')`, now); err != nil {
		return rep, err
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM verbatims WHERE expires_at <= ?`, now)
	if err != nil {
		return rep, err
	}
	n, _ := res.RowsAffected()
	rep.Verbatims = int(n)
	if err := tx.Commit(); err != nil {
		return rep, err
	}
	if rep.Recordings+rep.Verbatims > 0 {
		return rep, c.compact(ctx)
	}
	return rep, nil
}

// compact makes deleted text unrecoverable from the database files: FTS5
// merges its index into one segment (old segments kept deleted terms), VACUUM
// rewrites the file without free pages, and a truncating checkpoint empties
// the WAL, whose old frames still hold the rows as they were. It runs after
// a purge that removed something, at most hourly, and takes seconds on the
// room's library, during which writers wait (busy timeout) and readers go on.
func (c *Catalog) compact(ctx context.Context) error {
	for _, q := range []string{
		`INSERT INTO search_text (search_text) VALUES ('optimize')`,
		`VACUUM`,
		`PRAGMA wal_checkpoint(TRUNCATE)`,
	} {
		if _, err := c.write.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("compacting the catalog after a purge: %w", err)
		}
	}
	return nil
}

func (c *Catalog) deleteRecording(ctx context.Context, id int64) error {
	tx, err := c.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM search_text WHERE kind IN ('recording', 'cue') AND ref_id = ?`, id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM recordings WHERE id = ?`, id); err != nil {
		return err
	}
	// The audit log keeps who did what to the call, not the transcript,
	// metadata or notes the entries quoted.
	detail := recordingDetail(id)
	if _, err := tx.ExecContext(ctx, `UPDATE audit SET before = '', after = '', detail = ? WHERE detail = ? OR detail LIKE ? OR detail LIKE ?`,
		detail, detail, detail+" %", "% of "+detail); err != nil {
		return err
	}
	return tx.Commit()
}
