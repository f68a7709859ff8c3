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

// Tags lists every tag, presets first, with how many recordings and clips
// carry it.
func (c *Catalog) Tags(ctx context.Context) ([]media.Tag, error) {
	rows, err := c.read.QueryContext(ctx, `SELECT t.id, t.name, t.kind, t.label_fr, t.label_en, t.enabled,
		(SELECT count(*) FROM recording_tags rt WHERE rt.tag_id = t.id) + (SELECT count(*) FROM clip_tags ct WHERE ct.tag_id = t.id)
		FROM tags t ORDER BY t.kind = 'free', t.kind, t.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []media.Tag{}
	for rows.Next() {
		var t media.Tag
		if err := rows.Scan(&t.ID, &t.Name, &t.Kind, &t.LabelFR, &t.LabelEN, &t.Enabled, &t.Count); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// tagName is how a tag's key is written: trimmed, at most 64 characters.
func tagName(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" || len([]rune(s)) > 64 {
		return "", media.Errorf(media.EInvalid, "tag %q: want 1 to 64 characters", s)
	}
	return s, nil
}

// SaveTag creates a free tag or renames or switches a tag (presets
// included) on or off.
func (c *Catalog) SaveTag(ctx context.Context, actor string, t media.Tag) (media.Tag, error) {
	name, err := tagName(t.Name)
	if err != nil {
		return t, err
	}
	tx, err := c.write.BeginTx(ctx, nil)
	if err != nil {
		return t, err
	}
	defer tx.Rollback()
	if t.LabelFR == "" {
		t.LabelFR = name
	}
	if t.LabelEN == "" {
		t.LabelEN = t.LabelFR
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO tags (name, label_fr, label_en, enabled) VALUES (?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET label_fr = excluded.label_fr, label_en = excluded.label_en, enabled = excluded.enabled`,
		name, t.LabelFR, t.LabelEN, t.Enabled)
	if err != nil {
		return t, err
	}
	if err := audit(ctx, tx, c.now(), actor, "tag", name, "", t.LabelFR+" / "+t.LabelEN+" enabled="+strconv.FormatBool(t.Enabled)); err != nil {
		return t, err
	}
	if err := tx.Commit(); err != nil {
		return t, err
	}
	ts, err := c.Tags(ctx)
	for _, x := range ts {
		if x.Name == name {
			return x, err
		}
	}
	return t, err
}

// PatchRecording applies a curator's metadata edit, audited with the values
// before and after.
func (c *Catalog) PatchRecording(ctx context.Context, actor string, id int64, p media.RecordingPatch) (media.Recording, error) {
	tx, err := c.write.BeginTx(ctx, nil)
	if err != nil {
		return media.Recording{}, err
	}
	defer tx.Rollback()
	before, err := recordingTx(ctx, tx, id)
	if err != nil {
		return before, err
	}
	set := func(col string, v any) error {
		_, err := tx.ExecContext(ctx, `UPDATE recordings SET `+col+` = ? WHERE id = ?`, v, id)
		return err
	}
	var errs []error
	str := func(col string, v *string, max int) {
		if v == nil {
			return
		}
		s := strings.TrimSpace(*v)
		if len([]rune(s)) > max {
			errs = append(errs, media.Errorf(media.EInvalid, "%s longer than %d characters", col, max))
			return
		}
		errs = append(errs, set(col, s))
	}
	str("title", p.Title, 200)
	str("topic", p.Topic, 80)
	str("product", p.Product, 80)
	errs = append(errs, patchScored(set, p)...)
	if p.Tags != nil {
		errs = append(errs, setTags(ctx, tx, "recording_tags", "recording_id", id, *p.Tags))
	}
	if err := errors.Join(errs...); err != nil {
		return before, err
	}
	if err := indexRecording(ctx, tx, id); err != nil {
		return before, err
	}
	after, err := recordingTx(ctx, tx, id)
	if err != nil {
		return before, err
	}
	if err := audit(ctx, tx, c.now(), actor, "edit", recordingDetail(id), metaJSON(before), metaJSON(after)); err != nil {
		return before, err
	}
	return after, tx.Commit()
}

// metaJSON is the editable part of a recording, for the audit log.
func metaJSON(r media.Recording) string {
	b, _ := json.Marshal(map[string]any{"title": r.Title, "topic": r.Topic, "product": r.Product, "sentiment": r.Sentiment,
		"score": r.Score, "tags": r.Tags, "expires_at": r.ExpiresAt})
	return string(b)
}

// patchScored applies the part of an edit recordings and verbatims share
// (sentiment, score, expiry) through set, which updates one column.
func patchScored(set func(col string, v any) error, p media.RecordingPatch) []error {
	var errs []error
	if p.Sentiment != nil {
		s, err := media.NormalizeSentiment(*p.Sentiment)
		errs = append(errs, err)
		if err == nil {
			errs = append(errs, set("sentiment", s))
		}
	}
	switch {
	case p.ClearScore:
		errs = append(errs, set("score", nil))
	case p.Score != nil && (*p.Score < 0 || *p.Score > 10):
		errs = append(errs, media.Errorf(media.EInvalid, "score %d: want 0 to 10", *p.Score))
	case p.Score != nil:
		errs = append(errs, set("score", *p.Score))
	}
	if p.ExpiresAt != nil {
		errs = append(errs, set("expires_at", formatTime(*p.ExpiresAt)))
	}
	return errs
}

// setTags replaces the tags of one recording or clip, creating free tags.
func setTags(ctx context.Context, tx *sql.Tx, table, col string, id int64, tags []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE `+col+` = ?`, id); err != nil {
		return err
	}
	for _, t := range tags {
		name, err := tagName(t)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO tags (name, label_fr, label_en) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING`, name, name, name); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO `+table+` (`+col+`, tag_id) SELECT ?, id FROM tags WHERE name = ?`, id, name); err != nil {
			return err
		}
	}
	return nil
}

// AddClip cuts a clip from a recording.
func (c *Catalog) AddClip(ctx context.Context, actor string, cl media.Clip) (media.Clip, error) {
	tx, err := c.write.BeginTx(ctx, nil)
	if err != nil {
		return cl, err
	}
	defer tx.Rollback()
	r, err := recordingTx(ctx, tx, cl.RecordingID)
	if err != nil {
		return cl, err
	}
	switch {
	case cl.StartMS < 0 || cl.EndMS <= cl.StartMS:
		return cl, media.Errorf(media.EInvalid, "clip %d–%d ms: want 0 <= start < end", cl.StartMS, cl.EndMS)
	case cl.EndMS > r.DurationMS:
		return cl, media.Errorf(media.EInvalid, "clip ends at %d ms, after the call (%d ms)", cl.EndMS, r.DurationMS)
	case cl.EndMS-cl.StartMS < 1000:
		return cl, media.Errorf(media.EInvalid, "a clip lasts at least one second")
	}
	cl.Title = strings.TrimSpace(cl.Title)
	if len([]rune(cl.Title)) > 200 {
		return cl, media.Errorf(media.EInvalid, "title longer than 200 characters")
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO clips (recording_id, title, start_ms, end_ms, created_at) VALUES (?, ?, ?, ?, ?)`,
		cl.RecordingID, cl.Title, cl.StartMS, cl.EndMS, formatTime(c.now()))
	if err != nil {
		return cl, err
	}
	if cl.ID, err = res.LastInsertId(); err != nil {
		return cl, err
	}
	if err := setTags(ctx, tx, "clip_tags", "clip_id", cl.ID, cl.Tags); err != nil {
		return cl, err
	}
	if err := audit(ctx, tx, c.now(), actor, "clip", "clip "+strconv.FormatInt(cl.ID, 10)+" of "+recordingDetail(cl.RecordingID), "",
		strconv.FormatInt(cl.StartMS, 10)+"-"+strconv.FormatInt(cl.EndMS, 10)+" "+cl.Title); err != nil {
		return cl, err
	}
	if err := tx.Commit(); err != nil {
		return cl, err
	}
	cs, err := c.clips(ctx, `WHERE cl.id = ?`, cl.ID)
	if err != nil || len(cs) == 0 {
		return cl, err
	}
	return cs[0], nil
}

// Clips lists clips, newest first; playable ones only for the room.
func (c *Catalog) Clips(ctx context.Context, playable bool) ([]media.Clip, error) {
	if playable {
		return c.clips(ctx, `WHERE `+playableSQL)
	}
	return c.clips(ctx, ``)
}

func (c *Catalog) clips(ctx context.Context, where string, args ...any) ([]media.Clip, error) {
	rows, err := c.read.QueryContext(ctx, `SELECT cl.id, cl.recording_id, coalesce(nullif(cl.title, ''), r.title), cl.start_ms, cl.end_ms, r.status, cl.created_at,
		coalesce((SELECT group_concat(t.name, char(31)) FROM clip_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.clip_id = cl.id), '')
		FROM clips cl JOIN recordings r ON r.id = cl.recording_id `+where+` ORDER BY cl.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []media.Clip{}
	for rows.Next() {
		var (
			cl            media.Clip
			created, tags string
		)
		if err := rows.Scan(&cl.ID, &cl.RecordingID, &cl.Title, &cl.StartMS, &cl.EndMS, &cl.Status, &created, &tags); err != nil {
			return nil, err
		}
		cl.CreatedAt = parseTime(created)
		cl.Tags = []string{}
		if tags != "" {
			cl.Tags = strings.Split(tags, "\x1f")
		}
		out = append(out, cl)
	}
	return out, rows.Err()
}

// ExpiringSoon lists recordings that expire before t, soonest first.
func (c *Catalog) ExpiringSoon(ctx context.Context, before time.Time) ([]media.Recording, error) {
	return c.queryRecordings(ctx, `SELECT `+recordingColumns+` FROM recordings r WHERE r.expires_at <= ? ORDER BY r.expires_at`, formatTime(before))
}

// AddPlay counts a play of a recording or clip for the day, and whether it
// was heard to the end; it returns the play's id for CompletePlay. Nothing
// says who listened.
func (c *Catalog) AddPlay(ctx context.Context, recordingID, clipID int64, day string, completed bool) (int64, error) {
	if !media.ValidDay(day) {
		return 0, media.Errorf(media.EInvalid, "day %q: want YYYY-MM-DD", day)
	}
	var rec, clip any
	if clipID > 0 {
		clip = clipID
	} else {
		rec = recordingID
	}
	res, err := c.write.ExecContext(ctx, `INSERT INTO plays (recording_id, clip_id, day, completed) VALUES (?, ?, ?, ?)`, rec, clip, day, completed)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// CompletePlay marks a play as heard to the end.
func (c *Catalog) CompletePlay(ctx context.Context, id int64) error {
	_, err := c.write.ExecContext(ctx, `UPDATE plays SET completed = 1 WHERE rowid = ?`, id)
	return err
}

// Resonance aggregates, per recording, plays, completions, reactions and
// guesses, most played first.
func (c *Catalog) Resonance(ctx context.Context, limit int) ([]media.Resonance, error) {
	rows, err := c.read.QueryContext(ctx, `SELECT r.id, r.title,
		(SELECT count(*) FROM plays p WHERE p.recording_id = r.id),
		(SELECT count(*) FROM plays p WHERE p.recording_id = r.id AND p.completed),
		(SELECT count(*) FROM kiosk_reactions k WHERE k.recording_id = r.id AND k.kind = 'touched'),
		(SELECT count(*) FROM kiosk_reactions k WHERE k.recording_id = r.id AND k.kind = 'idea'),
		(SELECT count(*) FROM kiosk_reactions k WHERE k.recording_id = r.id AND k.kind = 'unacceptable'),
		(SELECT count(*) FROM kiosk_guesses g WHERE g.recording_id = r.id),
		coalesce((SELECT avg(abs(g.guess - g.actual)) FROM kiosk_guesses g WHERE g.recording_id = r.id), 0)
		FROM recordings r WHERE r.status = 'approved'
		ORDER BY 3 DESC, 6 DESC, r.id LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []media.Resonance{}
	for rows.Next() {
		x := media.Resonance{Type: "recording", Reactions: map[string]int{}}
		var touched, idea, unacceptable int
		if err := rows.Scan(&x.ID, &x.Title, &x.Plays, &x.Completions, &touched, &idea, &unacceptable, &x.Guesses, &x.AvgGap); err != nil {
			return nil, err
		}
		x.Reactions["touched"], x.Reactions["idea"], x.Reactions["unacceptable"] = touched, idea, unacceptable
		out = append(out, x)
	}
	return out, rows.Err()
}

// PatchVerbatim edits a verbatim's topic, product, sentiment, score or
// expiry (Title and Tags do not apply), audited.
func (c *Catalog) PatchVerbatim(ctx context.Context, actor string, id int64, p media.RecordingPatch) (media.Verbatim, error) {
	tx, err := c.write.BeginTx(ctx, nil)
	if err != nil {
		return media.Verbatim{}, err
	}
	defer tx.Rollback()
	var before string
	err = tx.QueryRowContext(ctx, `SELECT json_object('topic', topic, 'product', product, 'sentiment', sentiment, 'score', score, 'expires_at', expires_at) FROM verbatims WHERE id = ?`, id).Scan(&before)
	if errors.Is(err, sql.ErrNoRows) {
		return media.Verbatim{}, media.Errorf(media.ENotFound, "verbatim %d", id)
	}
	if err != nil {
		return media.Verbatim{}, err
	}
	set := func(col string, v any) error {
		_, err := tx.ExecContext(ctx, `UPDATE verbatims SET `+col+` = ? WHERE id = ?`, v, id)
		return err
	}
	var errs []error
	for col, v := range map[string]*string{"topic": p.Topic, "product": p.Product} {
		if v != nil {
			if len([]rune(*v)) > 80 {
				errs = append(errs, media.Errorf(media.EInvalid, "%s longer than 80 characters", col))
				continue
			}
			errs = append(errs, set(col, strings.TrimSpace(*v)))
		}
	}
	errs = append(errs, patchScored(set, p)...)
	if err := errors.Join(errs...); err != nil {
		return media.Verbatim{}, err
	}
	var after string
	tx.QueryRowContext(ctx, `SELECT json_object('topic', topic, 'product', product, 'sentiment', sentiment, 'score', score, 'expires_at', expires_at) FROM verbatims WHERE id = ?`, id).Scan(&after)
	if err := audit(ctx, tx, c.now(), actor, "edit", "verbatim "+strconv.FormatInt(id, 10), before, after); err != nil {
		return media.Verbatim{}, err
	}
	if err := tx.Commit(); err != nil {
		return media.Verbatim{}, err
	}
	vs, err := c.Verbatims(ctx, media.VerbatimFilter{})
	for _, v := range vs {
		if v.ID == id {
			return v, err
		}
	}
	return media.Verbatim{}, err
}

// Facets lists the topics, products and channels in the library.
func (c *Catalog) Facets(ctx context.Context) (media.Facets, error) {
	f := media.Facets{}
	var err error
	list := func(col string) []string {
		out := []string{}
		if err != nil {
			return out
		}
		var rows *sql.Rows
		rows, err = c.read.QueryContext(ctx, `SELECT `+col+` FROM recordings WHERE `+col+` != '' UNION SELECT `+col+` FROM verbatims WHERE `+col+` != '' ORDER BY 1`)
		if err != nil {
			return out
		}
		defer rows.Close()
		for rows.Next() {
			var s string
			rows.Scan(&s)
			out = append(out, s)
		}
		return out
	}
	f.Topics, f.Products, f.Channels = list("topic"), list("product"), list("channel")
	return f, err
}
