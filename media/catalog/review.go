package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"customerroom/media"
)

// toJSON encodes v for a JSON column; nil slices become [].
func toJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil || string(b) == "null" {
		return "[]"
	}
	return string(b)
}

func renderStateOf(r media.Recording) string {
	if r.Rendition != "" {
		return media.RenderDone
	}
	return media.RenderNone
}

// writeCues replaces a recording's cues and their search entries. checked
// says the cues carry their masked text; unchecked cues get none (NULL),
// which the room never reads and search never indexes.
func writeCues(ctx context.Context, tx *sql.Tx, id int64, cues []media.ReviewCue, checked bool) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM cues WHERE recording_id = ?`, id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM search_text WHERE kind = 'cue' AND ref_id = ?`, id); err != nil {
		return err
	}
	for i, q := range cues {
		var masked any
		if checked {
			masked = q.Masked
			if q.Masked != "" {
				if _, err := tx.ExecContext(ctx, `INSERT INTO search_text (kind, ref_id, start_ms, body) VALUES ('cue', ?, ?, ?)`, id, q.StartMS, q.Masked); err != nil {
					return err
				}
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO cues (recording_id, idx, start_ms, end_ms, speaker, text, masked, findings, words)
			VALUES (?,?,?,?,?,?,?,?,?)`, id, i, q.StartMS, q.EndMS, q.Speaker, q.Text, masked, toJSON(q.Findings), toJSON(q.Words)); err != nil {
			return err
		}
	}
	return nil
}

// indexRecording writes the search entry for a recording's title, topic,
// product and tags (what the room shows of it anyway).
func indexRecording(ctx context.Context, tx *sql.Tx, id int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM search_text WHERE kind = 'recording' AND ref_id = ?`, id); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO search_text (kind, ref_id, start_ms, body)
		SELECT 'recording', r.id, 0, r.title || ' ' || r.topic || ' ' || r.product || ' ' ||
			coalesce((SELECT group_concat(t.name || ' ' || t.label_fr || ' ' || t.label_en, ' ') FROM recording_tags rt JOIN tags t ON t.id = rt.tag_id WHERE rt.recording_id = r.id), '')
		FROM recordings r WHERE r.id = ?`, id)
	return err
}

// Review returns everything a curator needs to judge a recording.
func (c *Catalog) Review(ctx context.Context, id int64) (media.Review, error) {
	var rv media.Review
	r, err := c.Recording(ctx, id)
	if err != nil {
		return rv, err
	}
	rv.Recording = r
	var red string
	var deleted int
	err = c.read.QueryRowContext(ctx, `SELECT redactions, render_state, render_progress, render_error, original_deleted FROM recordings WHERE id = ?`, id).
		Scan(&red, &rv.Render.State, &rv.Render.Progress, &rv.Render.Error, &deleted)
	if err != nil {
		return rv, err
	}
	rv.Original = deleted == 0
	rv.Redactions = []media.Redaction{}
	json.Unmarshal([]byte(red), &rv.Redactions)
	rv.Cues, err = c.reviewCues(ctx, c.read, id)
	return rv, err
}

// rowsQueryer is a pool or a transaction.
type rowsQueryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func (c *Catalog) reviewCues(ctx context.Context, q rowsQueryer, id int64) ([]media.ReviewCue, error) {
	rows, err := q.QueryContext(ctx, `SELECT idx, start_ms, end_ms, speaker, text, coalesce(masked, ''), findings, words FROM cues WHERE recording_id = ? ORDER BY idx`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []media.ReviewCue{}
	for rows.Next() {
		var (
			q               media.ReviewCue
			findings, words string
		)
		if err := rows.Scan(&q.Idx, &q.StartMS, &q.EndMS, &q.Speaker, &q.Text, &q.Masked, &findings, &words); err != nil {
			return nil, err
		}
		q.Findings = []media.Finding{}
		json.Unmarshal([]byte(findings), &q.Findings)
		json.Unmarshal([]byte(words), &q.Words)
		out = append(out, q)
	}
	return out, rows.Err()
}

// SetTranscript replaces a recording's checked cues (a curator's edit, or a
// check of cues imported before the detector ran) and its redactions, and
// audits the change.
func (c *Catalog) SetTranscript(ctx context.Context, actor string, id int64, cues []media.ReviewCue, redactions []media.Redaction) error {
	tx, err := c.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := recordingTx(ctx, tx, id); err != nil {
		return err
	}
	before, err := c.reviewCues(ctx, tx, id)
	if err != nil {
		return err
	}
	if err := writeCues(ctx, tx, id, cues, true); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE recordings SET redactions = ? WHERE id = ?`, toJSON(redactions), id); err != nil {
		return err
	}
	if actor != "" {
		if err := audit(ctx, tx, c.now(), actor, "transcript", recordingDetail(id), cueTexts(before), cueTexts(cues)); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func cueTexts(cs []media.ReviewCue) string {
	var b strings.Builder
	for _, q := range cs {
		b.WriteString(q.Text)
		b.WriteByte('\n')
	}
	return b.String()
}

func recordingDetail(id int64) string { return "recording " + strconv.FormatInt(id, 10) }

// SetRedactions replaces the audio ranges a recording's rendition hides.
func (c *Catalog) SetRedactions(ctx context.Context, actor string, id int64, rs []media.Redaction) error {
	tx, err := c.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var before string
	err = tx.QueryRowContext(ctx, `SELECT redactions FROM recordings WHERE id = ?`, id).Scan(&before)
	if errors.Is(err, sql.ErrNoRows) {
		return media.Errorf(media.ENotFound, "recording %d", id)
	}
	if err != nil {
		return err
	}
	after := toJSON(rs)
	if _, err := tx.ExecContext(ctx, `UPDATE recordings SET redactions = ? WHERE id = ?`, after, id); err != nil {
		return err
	}
	if err := audit(ctx, tx, c.now(), actor, "redactions", recordingDetail(id), before, after); err != nil {
		return err
	}
	return tx.Commit()
}

// SetRender records where the making of a recording's rendition stands.
func (c *Catalog) SetRender(ctx context.Context, id int64, st media.Render) error {
	_, err := c.write.ExecContext(ctx, `UPDATE recordings SET render_state = ?, render_progress = ?, render_error = ? WHERE id = ?`,
		st.State, st.Progress, st.Error, id)
	return err
}

func recordingTx(ctx context.Context, tx *sql.Tx, id int64) (media.Recording, error) {
	r, err := scanRecording(tx.QueryRowContext(ctx, `SELECT `+recordingColumns+` FROM recordings r WHERE r.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, media.Errorf(media.ENotFound, "recording %d", id)
	}
	return r, err
}

// Approve makes a pending recording playable with its rendition, measured
// again. Only a pending recording whose cues were all checked can be approved.
func (c *Catalog) Approve(ctx context.Context, actor string, id int64, rendition string, loudnessLUFS, truePeakDBTP float64) error {
	tx, err := c.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	r, err := recordingTx(ctx, tx, id)
	if err != nil {
		return err
	}
	if r.Status != media.StatusPending {
		return media.Errorf(media.EConflict, "recording %d is %s, not pending", id, r.Status)
	}
	var unchecked int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM cues WHERE recording_id = ? AND masked IS NULL`, id).Scan(&unchecked); err != nil {
		return err
	}
	if unchecked > 0 {
		return media.Errorf(media.EConflict, "recording %d: %d cues not checked for personal data", id, unchecked)
	}
	now := c.now()
	if _, err := tx.ExecContext(ctx, `UPDATE recordings SET status = 'approved', rendition_path = ?, loudness_lufs = ?, true_peak_dbtp = ?,
		render_state = 'done', render_progress = 1, render_error = '', review_note = '', approved_at = ? WHERE id = ?`,
		rendition, loudnessLUFS, truePeakDBTP, formatTime(now), id); err != nil {
		return err
	}
	if err := audit(ctx, tx, now, actor, "approve", recordingDetail(id), string(r.Status), "approved"); err != nil {
		return err
	}
	return tx.Commit()
}

// SetStatus moves a recording through the other review states: reject
// (pending → rejected, with a reason) and withdraw (approved → pending: it
// leaves the room at once). It returns the recording as it was.
func (c *Catalog) SetStatus(ctx context.Context, actor string, id int64, to media.Status, note string) (media.Recording, error) {
	tx, err := c.write.BeginTx(ctx, nil)
	if err != nil {
		return media.Recording{}, err
	}
	defer tx.Rollback()
	r, err := recordingTx(ctx, tx, id)
	if err != nil {
		return r, err
	}
	action := ""
	switch {
	case to == media.StatusRejected && r.Status == media.StatusPending:
		action = "reject"
	case to == media.StatusPending && r.Status == media.StatusApproved:
		action = "withdraw"
	case to == media.StatusPending && r.Status == media.StatusRejected:
		action = "reopen"
	default:
		return r, media.Errorf(media.EConflict, "recording %d is %s: it cannot become %s", id, r.Status, to)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE recordings SET status = ?, review_note = ? WHERE id = ?`, to, note, id); err != nil {
		return r, err
	}
	if err := audit(ctx, tx, c.now(), actor, action, recordingDetail(id)+" "+note, string(r.Status), string(to)); err != nil {
		return r, err
	}
	return r, tx.Commit()
}

// OriginalsDue lists approved recordings whose original (a separate file
// from the rendition) is still kept and was approved at or before cutoff.
func (c *Catalog) OriginalsDue(ctx context.Context, cutoff time.Time) ([]media.Recording, error) {
	return c.queryRecordings(ctx, `SELECT `+recordingColumns+` FROM recordings r
		WHERE r.status = 'approved' AND r.original_deleted = 0 AND r.approved_at != '' AND r.approved_at <= ? AND r.path != r.rendition_path`, formatTime(cutoff))
}

// MarkOriginalDeleted records that a recording's original file is gone.
func (c *Catalog) MarkOriginalDeleted(ctx context.Context, id int64) error {
	tx, err := c.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `UPDATE recordings SET original_deleted = 1 WHERE id = ?`, id); err != nil {
		return err
	}
	if err := audit(ctx, tx, c.now(), "system", "purge-original", recordingDetail(id), "", ""); err != nil {
		return err
	}
	return tx.Commit()
}

// audit writes one entry of the audit log inside tx.
func audit(ctx context.Context, tx *sql.Tx, at time.Time, actor, action, detail, before, after string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO audit (at, actor, action, detail, before, after) VALUES (?,?,?,?,?,?)`,
		formatTime(at), actor, action, detail, before, after)
	return err
}

// AuditLog lists the newest entries of the audit log first.
func (c *Catalog) AuditLog(ctx context.Context, limit int) ([]media.AuditEntry, error) {
	rows, err := c.read.QueryContext(ctx, `SELECT id, at, actor, action, detail, before, after FROM audit ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []media.AuditEntry{}
	for rows.Next() {
		var (
			e  media.AuditEntry
			at string
		)
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.Detail, &e.Before, &e.After); err != nil {
			return nil, err
		}
		e.At = parseTime(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// CheckVerbatim stores a verbatim's masked text and findings, and indexes
// the masked text for search.
func (c *Catalog) CheckVerbatim(ctx context.Context, id int64, masked string, fs []media.Finding) error {
	tx, err := c.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var topic string
	err = tx.QueryRowContext(ctx, `SELECT topic FROM verbatims WHERE id = ?`, id).Scan(&topic)
	if errors.Is(err, sql.ErrNoRows) {
		return media.Errorf(media.ENotFound, "verbatim %d", id)
	}
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE verbatims SET masked = ?, findings = ? WHERE id = ?`, masked, toJSON(fs), id); err != nil {
		return err
	}
	if err := indexVerbatim(ctx, tx, id, topic, masked); err != nil {
		return err
	}
	return tx.Commit()
}

func indexVerbatim(ctx context.Context, tx *sql.Tx, id int64, topic, masked string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM search_text WHERE kind = 'verbatim' AND ref_id = ?`, id); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO search_text (kind, ref_id, start_ms, body) VALUES ('verbatim', ?, 0, ?)`, id, topic+"\n"+masked)
	return err
}

// SetVerbatimStatus approves, rejects (with a reason) or withdraws a
// verbatim. Only a checked verbatim (with its masked text) can be approved.
func (c *Catalog) SetVerbatimStatus(ctx context.Context, actor string, id int64, to media.Status, note string) error {
	tx, err := c.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var (
		from    media.Status
		checked bool
	)
	err = tx.QueryRowContext(ctx, `SELECT status, masked IS NOT NULL FROM verbatims WHERE id = ?`, id).Scan(&from, &checked)
	if errors.Is(err, sql.ErrNoRows) {
		return media.Errorf(media.ENotFound, "verbatim %d", id)
	}
	if err != nil {
		return err
	}
	action := ""
	switch {
	case to == media.StatusApproved && from == media.StatusPending:
		if !checked {
			return media.Errorf(media.EConflict, "verbatim %d is not checked for personal data yet", id)
		}
		action = "approve"
	case to == media.StatusRejected && from == media.StatusPending:
		action = "reject"
	case to == media.StatusPending && from != media.StatusPending:
		action = "withdraw"
	default:
		return media.Errorf(media.EConflict, "verbatim %d is %s: it cannot become %s", id, from, to)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE verbatims SET status = ?, review_note = ? WHERE id = ?`, to, note, id); err != nil {
		return err
	}
	if err := audit(ctx, tx, c.now(), actor, action, "verbatim "+strconv.FormatInt(id, 10)+" "+note, string(from), string(to)); err != nil {
		return err
	}
	return tx.Commit()
}
