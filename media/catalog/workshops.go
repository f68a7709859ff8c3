package catalog

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"customerroom/media"
)

// codeAlphabet has no 0/O or 1/I/L: a code is read off a screen across a room.
const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

func newCode() string {
	b := make([]byte, 6)
	rand.Read(b)
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b)
}

// CreateWorkshop makes a draft session from a playlist, with a fresh code.
func (c *Catalog) CreateWorkshop(ctx context.Context, actor, title string, playlistID int64, teams []string) (media.Workshop, error) {
	title = strings.TrimSpace(title)
	if title == "" || len([]rune(title)) > 120 {
		return media.Workshop{}, media.Errorf(media.EInvalid, "a session needs a title of 1 to 120 characters")
	}
	if len(teams) > 30 {
		return media.Workshop{}, media.Errorf(media.EInvalid, "at most 30 teams")
	}
	if _, err := c.Playlist(ctx, playlistID); err != nil {
		return media.Workshop{}, err
	}
	var id int64
	for try := 0; ; try++ {
		res, err := c.write.ExecContext(ctx, `INSERT INTO workshops (title, playlist_id, teams, code, created_at) VALUES (?, ?, ?, ?, ?)`,
			title, playlistID, toJSON(teams), newCode(), formatTime(c.now()))
		if err != nil && try < 5 && strings.Contains(err.Error(), "UNIQUE") {
			continue
		}
		if err != nil {
			return media.Workshop{}, err
		}
		id, _ = res.LastInsertId()
		break
	}
	c.Audit(ctx, actor, "workshop-create", "workshop "+itoa(id)+" "+title)
	return c.Workshop(ctx, id)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

const workshopColumns = `id, title, coalesce(playlist_id, 0), teams, code, join_url, state, items, idx, revealed, created_at, started_at, ended_at`

func scanWorkshop(s scanner) (media.Workshop, error) {
	var (
		w            media.Workshop
		teams, items string
		created      string
	)
	err := s.Scan(&w.ID, &w.Title, &w.PlaylistID, &teams, &w.Code, &w.JoinURL, &w.State, &items, &w.Index, &w.Revealed, &created, &w.StartedAt, &w.EndedAt)
	if err != nil {
		return w, err
	}
	w.Teams, w.Items = []string{}, []media.WorkshopItem{}
	json.Unmarshal([]byte(teams), &w.Teams)
	json.Unmarshal([]byte(items), &w.Items)
	w.CreatedAt = parseTime(created)
	return w, nil
}

// Workshops lists sessions, newest first.
func (c *Catalog) Workshops(ctx context.Context) ([]media.Workshop, error) {
	rows, err := c.read.QueryContext(ctx, `SELECT `+workshopColumns+` FROM workshops ORDER BY id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []media.Workshop{}
	for rows.Next() {
		w, err := scanWorkshop(rows)
		if err != nil {
			return nil, err
		}
		w.Items = nil
		out = append(out, w)
	}
	return out, rows.Err()
}

// Workshop returns a session with its current tally, ideas, notes and the
// actions still open (from any session: they open the next one).
func (c *Catalog) Workshop(ctx context.Context, id int64) (media.Workshop, error) {
	w, err := scanWorkshop(c.read.QueryRowContext(ctx, `SELECT `+workshopColumns+` FROM workshops WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return w, media.Errorf(media.ENotFound, "workshop %d", id)
	}
	if err != nil {
		return w, err
	}
	return c.fillWorkshop(ctx, w)
}

// WorkshopByCode finds a live session by its code (case-insensitive);
// anything else, an ended session included, is not_found.
func (c *Catalog) WorkshopByCode(ctx context.Context, code string) (media.Workshop, error) {
	w, err := scanWorkshop(c.read.QueryRowContext(ctx, `SELECT `+workshopColumns+` FROM workshops WHERE code = ? AND state = 'live'`, strings.ToUpper(code)))
	if errors.Is(err, sql.ErrNoRows) {
		return w, media.Errorf(media.ENotFound, "no live session has this code")
	}
	if err != nil {
		return w, err
	}
	return c.fillWorkshop(ctx, w)
}

func (c *Catalog) fillWorkshop(ctx context.Context, w media.Workshop) (media.Workshop, error) {
	var err error
	if cur := w.Current(); cur != nil {
		t, err := c.tally(ctx, w.ID, cur.Key)
		if err != nil {
			return w, err
		}
		w.Tally = &t
	}
	if w.Ideas, err = c.ideas(ctx, w.ID); err != nil {
		return w, err
	}
	if w.Notes, err = c.notes(ctx, w.ID); err != nil {
		return w, err
	}
	w.OpenActions, err = c.Actions(ctx, "open")
	return w, err
}

func (c *Catalog) tally(ctx context.Context, id int64, item string) (media.Tally, error) {
	t := media.Tally{Item: item}
	rows, err := c.read.QueryContext(ctx, `SELECT score, count(*) FROM workshop_votes WHERE workshop_id = ? AND item = ? GROUP BY score`, id, item)
	if err != nil {
		return t, err
	}
	defer rows.Close()
	sum := 0
	for rows.Next() {
		var s, n int
		if err := rows.Scan(&s, &n); err != nil {
			return t, err
		}
		t.Dist[s] = n
		t.Count += n
		sum += s * n
	}
	if t.Count > 0 {
		t.Avg = float64(sum) / float64(t.Count)
	}
	return t, rows.Err()
}

func (c *Catalog) ideas(ctx context.Context, id int64) ([]media.Idea, error) {
	rows, err := c.read.QueryContext(ctx, `SELECT id, item, text, at FROM workshop_ideas WHERE workshop_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []media.Idea{}
	for rows.Next() {
		var (
			x  media.Idea
			at string
		)
		if err := rows.Scan(&x.ID, &x.Item, &x.Text, &at); err != nil {
			return nil, err
		}
		x.At = parseTime(at)
		out = append(out, x)
	}
	return out, rows.Err()
}

func (c *Catalog) notes(ctx context.Context, id int64) ([]media.Note, error) {
	rows, err := c.read.QueryContext(ctx, `SELECT id, text, item, coalesce(recording_id, 0), coalesce(clip_id, 0), coalesce(verbatim_id, 0), at_ms, at
		FROM workshop_notes WHERE workshop_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []media.Note{}
	for rows.Next() {
		var (
			n  media.Note
			at string
		)
		if err := rows.Scan(&n.ID, &n.Text, &n.Item, &n.RecordingID, &n.ClipID, &n.VerbatimID, &n.AtMS, &at); err != nil {
			return nil, err
		}
		n.At = parseTime(at)
		out = append(out, n)
	}
	return out, rows.Err()
}

// SetWorkshop saves where a session stands: its state, its items (the
// playlist's snapshot taken at start), the current index and the reveal.
func (c *Catalog) SetWorkshop(ctx context.Context, actor string, w media.Workshop) error {
	now := formatTime(c.now())
	_, err := c.write.ExecContext(ctx, `UPDATE workshops SET state = ?, items = ?, idx = ?, revealed = ?, join_url = ?,
		started_at = CASE WHEN ? = 'live' AND started_at = '' THEN ? ELSE started_at END,
		ended_at = CASE WHEN ? = 'ended' AND ended_at = '' THEN ? ELSE ended_at END WHERE id = ?`,
		w.State, toJSON(w.Items), w.Index, w.Revealed, w.JoinURL, w.State, now, w.State, now, w.ID)
	return err
}

// Vote records a device's score for an item; a second vote replaces the
// first. The customer's score and the topic are kept beside it for the
// perception gap.
func (c *Catalog) Vote(ctx context.Context, workshopID int64, it media.WorkshopItem, deviceHash string, score int) error {
	if score < 0 || score > 10 {
		return media.Errorf(media.EInvalid, "score %d: want 0 to 10", score)
	}
	var actual any
	if it.Score != nil {
		actual = *it.Score
	}
	_, err := c.write.ExecContext(ctx, `INSERT INTO workshop_votes (workshop_id, item, device_hash, score, actual, topic, day) VALUES (?,?,?,?,?,?,?)
		ON CONFLICT (workshop_id, item, device_hash) DO UPDATE SET score = excluded.score`,
		workshopID, it.Key, deviceHash, score, actual, it.Topic, c.now().Format("2006-01-02"))
	return err
}

// MyVote is a device's vote on an item, or nil.
func (c *Catalog) MyVote(ctx context.Context, workshopID int64, item, deviceHash string) (*int, error) {
	var s int
	err := c.read.QueryRowContext(ctx, `SELECT score FROM workshop_votes WHERE workshop_id = ? AND item = ? AND device_hash = ?`, workshopID, item, deviceHash).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return &s, err
}

// AddIdea stores a participant's idea.
func (c *Catalog) AddIdea(ctx context.Context, workshopID int64, item, text string) (media.Idea, error) {
	text = strings.TrimSpace(text)
	if text == "" || len([]rune(text)) > 280 {
		return media.Idea{}, media.Errorf(media.EInvalid, "an idea is 1 to 280 characters")
	}
	now := c.now()
	res, err := c.write.ExecContext(ctx, `INSERT INTO workshop_ideas (workshop_id, item, text, at) VALUES (?,?,?,?)`, workshopID, item, text, formatTime(now))
	if err != nil {
		return media.Idea{}, err
	}
	id, _ := res.LastInsertId()
	return media.Idea{ID: id, Item: item, Text: text, At: now}, nil
}

// AddNote stores the facilitator's note.
func (c *Catalog) AddNote(ctx context.Context, workshopID int64, n media.Note) (media.Note, error) {
	n.Text = strings.TrimSpace(n.Text)
	if n.Text == "" || len([]rune(n.Text)) > 2000 {
		return n, media.Errorf(media.EInvalid, "a note is 1 to 2000 characters")
	}
	if n.AtMS < 0 {
		return n, media.Errorf(media.EInvalid, "at_ms must be 0 or more")
	}
	n.At = c.now()
	res, err := c.write.ExecContext(ctx, `INSERT INTO workshop_notes (workshop_id, text, item, recording_id, clip_id, verbatim_id, at_ms, at) VALUES (?,?,?,?,?,?,?,?)`,
		workshopID, n.Text, n.Item, nullID(n.RecordingID), nullID(n.ClipID), nullID(n.VerbatimID), n.AtMS, formatTime(n.At))
	if isForeignKey(err) {
		return n, media.Errorf(media.ENotFound, "the note's recording, clip or verbatim does not exist")
	}
	if err != nil {
		return n, err
	}
	n.ID, _ = res.LastInsertId()
	return n, nil
}

func nullID(id int64) any {
	if id <= 0 {
		return nil
	}
	return id
}

// AddAction stores an action with its evidence.
func (c *Catalog) AddAction(ctx context.Context, actor string, a media.Action) (media.Action, error) {
	a.Text, a.Team = strings.TrimSpace(a.Text), strings.TrimSpace(a.Team)
	switch {
	case a.Text == "" || len([]rune(a.Text)) > 1000:
		return a, media.Errorf(media.EInvalid, "an action is 1 to 1000 characters")
	case len([]rune(a.Team)) > 80:
		return a, media.Errorf(media.EInvalid, "team longer than 80 characters")
	case a.Due != "" && !media.ValidDay(a.Due):
		return a, media.Errorf(media.EInvalid, "due %q: want YYYY-MM-DD", a.Due)
	case len(a.Evidence) > 50:
		return a, media.Errorf(media.EInvalid, "at most 50 pieces of evidence")
	}
	tx, err := c.write.BeginTx(ctx, nil)
	if err != nil {
		return a, err
	}
	defer tx.Rollback()
	a.Status, a.CreatedAt = "open", c.now()
	res, err := tx.ExecContext(ctx, `INSERT INTO actions (text, team, due, workshop_id, created_at) VALUES (?,?,?,?,?)`,
		a.Text, a.Team, a.Due, nullID(a.WorkshopID), formatTime(a.CreatedAt))
	if isForeignKey(err) {
		return a, media.Errorf(media.ENotFound, "workshop %d", a.WorkshopID)
	}
	if err != nil {
		return a, err
	}
	a.ID, _ = res.LastInsertId()
	for i, e := range a.Evidence {
		n := 0
		for _, id := range []int64{e.RecordingID, e.ClipID, e.VerbatimID} {
			if id > 0 {
				n++
			}
		}
		if n != 1 {
			return a, media.Errorf(media.EInvalid, "evidence %d: name one recording_id, clip_id or verbatim_id", i+1)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO action_evidence (action_id, recording_id, clip_id, verbatim_id) VALUES (?,?,?,?)`,
			a.ID, nullID(e.RecordingID), nullID(e.ClipID), nullID(e.VerbatimID)); err != nil {
			if isForeignKey(err) {
				return a, media.Errorf(media.ENotFound, "evidence %d does not exist", i+1)
			}
			return a, err
		}
	}
	if a.Evidence == nil {
		a.Evidence = []media.Evidence{}
	}
	if err := audit(ctx, tx, c.now(), actor, "action", "action "+itoa(a.ID), "", a.Text); err != nil {
		return a, err
	}
	return a, tx.Commit()
}

// SetActionStatus marks an action open, done or dropped.
func (c *Catalog) SetActionStatus(ctx context.Context, actor string, id int64, status string) (media.Action, error) {
	if status != "open" && status != "done" && status != "dropped" {
		return media.Action{}, media.Errorf(media.EInvalid, "status %q: want open, done or dropped", status)
	}
	closed := ""
	if status != "open" {
		closed = formatTime(c.now())
	}
	res, err := c.write.ExecContext(ctx, `UPDATE actions SET status = ?, closed_at = ? WHERE id = ?`, status, closed, id)
	if err != nil {
		return media.Action{}, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return media.Action{}, media.Errorf(media.ENotFound, "action %d", id)
	}
	c.Audit(ctx, actor, "action-"+status, "action "+itoa(id))
	as, err := c.actions(ctx, `WHERE a.id = ?`, id)
	if err != nil || len(as) == 0 {
		return media.Action{}, err
	}
	return as[0], nil
}

// Actions lists actions with their evidence, oldest first; status "" is all.
func (c *Catalog) Actions(ctx context.Context, status string) ([]media.Action, error) {
	if status == "" {
		return c.actions(ctx, ``)
	}
	return c.actions(ctx, `WHERE a.status = ?`, status)
}

// WorkshopActions lists the actions a session produced.
func (c *Catalog) WorkshopActions(ctx context.Context, workshopID int64) ([]media.Action, error) {
	return c.actions(ctx, `WHERE a.workshop_id = ?`, workshopID)
}

func (c *Catalog) actions(ctx context.Context, where string, args ...any) ([]media.Action, error) {
	rows, err := c.read.QueryContext(ctx, `SELECT a.id, a.text, a.team, a.due, a.status, coalesce(a.workshop_id, 0), a.created_at,
		coalesce((SELECT json_group_array(json_object('recording_id', coalesce(e.recording_id, 0), 'clip_id', coalesce(e.clip_id, 0), 'verbatim_id', coalesce(e.verbatim_id, 0)))
			FROM action_evidence e WHERE e.action_id = a.id), '[]')
		FROM actions a `+where+` ORDER BY a.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []media.Action{}
	for rows.Next() {
		var (
			a           media.Action
			created, ev string
		)
		if err := rows.Scan(&a.ID, &a.Text, &a.Team, &a.Due, &a.Status, &a.WorkshopID, &created, &ev); err != nil {
			return nil, err
		}
		a.CreatedAt = parseTime(created)
		a.Evidence = []media.Evidence{}
		json.Unmarshal([]byte(ev), &a.Evidence)
		out = append(out, a)
	}
	return out, rows.Err()
}

// WorkshopTallies is the tally of every item of a session, for its report.
func (c *Catalog) WorkshopTallies(ctx context.Context, w media.Workshop) ([]media.Tally, error) {
	out := make([]media.Tally, len(w.Items))
	for i, it := range w.Items {
		t, err := c.tally(ctx, w.ID, it.Key)
		if err != nil {
			return nil, err
		}
		out[i] = t
	}
	return out, nil
}
