package catalog

import (
	"context"
	"customerroom/media"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
)

// playableSQL is Recording.Playable as a condition on recordings r.
const playableSQL = `r.status = 'approved' AND r.rendition_path != '' AND r.unavailable = ''`

const recordingColumns = `r.id, r.sha256, r.title, r.source_name, r.path, r.rendition_path, r.format, r.codec,
	r.sample_rate, r.channels, r.duration_ms, r.loudness_lufs, r.true_peak_dbtp, r.status, r.sentiment,
	r.score, r.topic, r.product, r.channel, r.call_date, r.demo, r.created_at, r.expires_at,
	(SELECT count(*) FROM cues c WHERE c.recording_id = r.id),
	coalesce((SELECT sum(json_array_length(c.findings)) FROM cues c WHERE c.recording_id = r.id), 0), r.review_note,
	coalesce((SELECT group_concat(t.name, char(31)) FROM recording_tags rt JOIN tags t ON t.id = rt.tag_id WHERE rt.recording_id = r.id), ''),
	r.unavailable`

type scanner interface{ Scan(...any) error }

func scanRecording(s scanner) (media.Recording, error) {
	var (
		r                media.Recording
		score            sql.NullInt64
		created, expires string
		tags             string
		demo             int
	)
	err := s.Scan(&r.ID, &r.SHA256, &r.Title, &r.SourceName, &r.Path, &r.Rendition, &r.Format, &r.Codec,
		&r.SampleRate, &r.Channels, &r.DurationMS, &r.LoudnessLUFS, &r.TruePeakDBTP, &r.Status, &r.Sentiment,
		&score, &r.Topic, &r.Product, &r.Channel, &r.CallDate, &demo, &created, &expires, &r.Cues, &r.Findings, &r.ReviewNote, &tags, &r.Unavailable)
	if err != nil {
		return r, err
	}
	if score.Valid {
		v := int(score.Int64)
		r.Score = &v
	}
	r.Demo = demo != 0
	r.CreatedAt, r.ExpiresAt = parseTime(created), parseTime(expires)
	r.Tags = []string{}
	if tags != "" {
		r.Tags = strings.Split(tags, "\x1f")
	}
	return r, nil
}

// Recordings lists recordings, newest first.
func (c *Catalog) Recordings(ctx context.Context, f media.RecordingFilter) ([]media.Recording, error) {
	q := `SELECT ` + recordingColumns + ` FROM recordings r`
	var (
		args  []any
		where = []string{"1"}
	)
	if f.Status != "" {
		where = append(where, "r.status = ?")
		args = append(args, f.Status)
	}
	if f.Playable {
		where = append(where, playableSQL)
	}
	q += ` WHERE ` + strings.Join(where, " AND ") + ` ORDER BY r.created_at DESC, r.id DESC`
	if f.Limit > 0 {
		q += ` LIMIT ? OFFSET ?`
		args = append(args, f.Limit, f.Offset)
	}
	return c.queryRecordings(ctx, q, args...)
}

// queryRecordings runs a query selecting recordingColumns and scans every
// row; no rows is an empty list.
func (c *Catalog) queryRecordings(ctx context.Context, q string, args ...any) ([]media.Recording, error) {
	rows, err := c.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []media.Recording{}
	for rows.Next() {
		r, err := scanRecording(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Recording returns one recording, or a not_found error.
func (c *Catalog) Recording(ctx context.Context, id int64) (media.Recording, error) {
	r, err := scanRecording(c.read.QueryRowContext(ctx, `SELECT `+recordingColumns+` FROM recordings r WHERE r.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, media.Errorf(media.ENotFound, "recording %d", id)
	}
	return r, err
}

// RecordingBySHA256 finds a recording by the hash of its original file, for dedupe.
func (c *Catalog) RecordingBySHA256(ctx context.Context, sum string) (media.Recording, error) {
	r, err := scanRecording(c.read.QueryRowContext(ctx, `SELECT `+recordingColumns+` FROM recordings r WHERE r.sha256 = ?`, sum))
	if errors.Is(err, sql.ErrNoRows) {
		return r, media.Errorf(media.ENotFound, "recording %s", sum)
	}
	return r, err
}

// Transcript returns a recording's cues in order as the room reads them:
// masked text only. Cues not checked for personal data yet are left out.
func (c *Catalog) Transcript(ctx context.Context, id int64) ([]media.Cue, error) {
	rows, err := c.read.QueryContext(ctx, `SELECT start_ms, end_ms, speaker, masked FROM cues WHERE recording_id = ? AND masked IS NOT NULL ORDER BY idx`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []media.Cue{}
	for rows.Next() {
		var q media.Cue
		if err := rows.Scan(&q.StartMS, &q.EndMS, &q.Speaker, &q.Text); err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, rows.Err()
}

// Peaks returns a recording's waveform peaks as stored audiowaveform JSON.
func (c *Catalog) Peaks(ctx context.Context, id int64) ([]byte, error) {
	var p string
	err := c.read.QueryRowContext(ctx, `SELECT peaks FROM recordings WHERE id = ?`, id).Scan(&p)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, media.Errorf(media.ENotFound, "recording %d", id)
	}
	return []byte(p), err
}

// AddRecording stores a recording with its cues and search text in one
// transaction and returns its id.
func (c *Catalog) AddRecording(ctx context.Context, n media.NewRecording) (int64, error) {
	tx, err := c.write.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	r := n.Recording
	if r.Status == "" {
		r.Status = media.StatusPending
	}
	now := c.now()
	if r.CreatedAt.IsZero() {
		r.CreatedAt = now
	}
	var score any
	if r.Score != nil {
		score = *r.Score
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO recordings (sha256, title, source_name, path, rendition_path, format, codec,
		sample_rate, channels, duration_ms, loudness_lufs, true_peak_dbtp, peaks, status, sentiment, score, topic,
		channel, call_date, demo, created_at, expires_at, product) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		r.SHA256, r.Title, r.SourceName, r.Path, r.Rendition, r.Format, r.Codec, r.SampleRate, r.Channels,
		r.DurationMS, r.LoudnessLUFS, r.TruePeakDBTP, string(n.Peaks), r.Status, r.Sentiment, score, r.Topic,
		r.Channel, r.CallDate, r.Demo, formatTime(r.CreatedAt), formatTime(r.ExpiresAt), r.Product)
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	var redactions []media.Redaction
	if n.Review != nil {
		redactions = n.Redactions
	}
	if _, err := tx.ExecContext(ctx, `UPDATE recordings SET redactions = ?, render_state = ? WHERE id = ?`,
		toJSON(redactions), renderStateOf(r), id); err != nil {
		return 0, err
	}
	cues := make([]media.ReviewCue, len(n.Transcript))
	for i, q := range n.Transcript {
		cues[i] = media.ReviewCue{Idx: i, Cue: q}
		if n.Review != nil && i < len(n.Review) {
			cues[i].Masked, cues[i].Findings, cues[i].Words = n.Review[i].Masked, n.Review[i].Findings, n.Review[i].Words
		}
	}
	if err := writeCues(ctx, tx, id, cues, n.Review != nil); err != nil {
		return 0, err
	}
	for _, t := range r.Tags {
		if err := tagRecording(ctx, tx, id, t); err != nil {
			return 0, err
		}
	}
	if err := indexRecording(ctx, tx, id); err != nil {
		return 0, err
	}
	return id, tx.Commit()
}

func tagRecording(ctx context.Context, tx *sql.Tx, id int64, name string) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO tags (name) VALUES (?) ON CONFLICT (name) DO NOTHING`, name); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO recording_tags (recording_id, tag_id) SELECT ?, id FROM tags WHERE name = ?`, id, name)
	return err
}

// CountRecordings is the number of recordings in the library (any status).
func (c *Catalog) CountRecordings(ctx context.Context) (int, error) {
	var n int
	err := c.read.QueryRowContext(ctx, `SELECT count(*) FROM recordings`).Scan(&n)
	return n, err
}

// ReferencedFiles is every file path (original or rendition, relative to the
// data dir, with forward slashes) a recording row points at.
func (c *Catalog) ReferencedFiles(ctx context.Context) (map[string]bool, error) {
	rows, err := c.read.QueryContext(ctx, `SELECT path, rendition_path FROM recordings`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	known := map[string]bool{}
	for rows.Next() {
		var p, r string
		if err := rows.Scan(&p, &r); err != nil {
			return nil, err
		}
		for _, s := range []string{p, r} {
			if s != "" {
				known[strings.TrimPrefix(filepath.ToSlash(filepath.Clean(s)), "./")] = true
			}
		}
	}
	return known, rows.Err()
}
