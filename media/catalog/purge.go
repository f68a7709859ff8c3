package catalog

import (
	"context"
	"errors"
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
// personal data does not stay on the box.
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
	res, err := tx.ExecContext(ctx, `DELETE FROM verbatims WHERE expires_at <= ?`, now)
	if err != nil {
		return rep, err
	}
	n, _ := res.RowsAffected()
	rep.Verbatims = int(n)
	return rep, tx.Commit()
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
	return tx.Commit()
}
