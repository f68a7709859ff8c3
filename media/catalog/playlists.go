package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"customerroom/media"
)

// playlistItemsSQL lists a manual playlist's items that the room may see, in
// order: playable recordings and clips of them, and approved, checked
// verbatims (their masked text).
const playlistItemsSQL = `SELECT pi.pos, coalesce(r.id, 0), coalesce(cl.id, 0), coalesce(v.id, 0), coalesce(r.status, v.status, ''),
	coalesce(nullif(cl.title, ''), r.title, ''), coalesce(v.masked, ''),
	coalesce(cl.start_ms, 0), coalesce(cl.end_ms, r.duration_ms, 0), coalesce(r.duration_ms, 0),
	coalesce(r.topic, v.topic, ''), coalesce(r.sentiment, v.sentiment, '')
	FROM playlist_items pi
	LEFT JOIN clips cl ON cl.id = pi.clip_id
	LEFT JOIN recordings r ON r.id = coalesce(pi.recording_id, cl.recording_id)
	LEFT JOIN verbatims v ON v.id = pi.verbatim_id
	WHERE pi.playlist_id = ? AND (? OR (r.id IS NOT NULL AND ` + playableSQL + `) OR
		(v.id IS NOT NULL AND v.status = 'approved' AND v.masked IS NOT NULL))
	ORDER BY pi.pos`

// Playlists lists playlists with the number of items the room may see now.
func (c *Catalog) Playlists(ctx context.Context) ([]media.Playlist, error) {
	rows, err := c.read.QueryContext(ctx, `SELECT id FROM playlists ORDER BY name, id`)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	out := []media.Playlist{}
	for _, id := range ids {
		p, err := c.Playlist(ctx, id)
		if err != nil {
			return nil, err
		}
		p.Items = nil
		out = append(out, p)
	}
	return out, rows.Err()
}

// Playlist returns one playlist with the items the room may see now (a rule
// playlist's rule evaluated), or a not_found error.
func (c *Catalog) Playlist(ctx context.Context, id int64) (media.Playlist, error) {
	return c.playlist(ctx, id, false)
}

// StaffPlaylist is Playlist with every manual item whatever its status
// (each says its status), so a curator editing it loses none.
func (c *Catalog) StaffPlaylist(ctx context.Context, id int64) (media.Playlist, error) {
	return c.playlist(ctx, id, true)
}

func (c *Catalog) playlist(ctx context.Context, id int64, all bool) (media.Playlist, error) {
	p := media.Playlist{ID: id, Items: []media.PlaylistItem{}}
	var rule sql.NullString
	err := c.read.QueryRowContext(ctx, `SELECT name, rule, verbatim_seconds FROM playlists WHERE id = ?`, id).Scan(&p.Name, &rule, &p.VerbatimSeconds)
	if errors.Is(err, sql.ErrNoRows) {
		return p, media.Errorf(media.ENotFound, "playlist %d", id)
	}
	if err != nil {
		return p, err
	}
	if rule.Valid {
		p.Rule = &media.PlaylistRule{}
		if err := json.Unmarshal([]byte(rule.String), p.Rule); err != nil {
			return p, fmt.Errorf("playlist %d: stored rule: %w", id, err)
		}
		rs, err := c.ruleRecordings(ctx, *p.Rule)
		if err != nil {
			return p, err
		}
		for i, r := range rs {
			p.Items = append(p.Items, media.PlaylistItem{Pos: i, RecordingID: r.ID, Status: r.Status, Title: r.Title, EndMS: r.DurationMS,
				DurationMS: r.DurationMS, Topic: r.Topic, Sentiment: r.Sentiment})
		}
		p.Count = len(p.Items)
		return p, nil
	}
	rows, err := c.read.QueryContext(ctx, playlistItemsSQL, id, all)
	if err != nil {
		return p, err
	}
	defer rows.Close()
	for rows.Next() {
		var it media.PlaylistItem
		if err := rows.Scan(&it.Pos, &it.RecordingID, &it.ClipID, &it.VerbatimID, &it.Status, &it.Title, &it.Text, &it.StartMS, &it.EndMS,
			&it.DurationMS, &it.Topic, &it.Sentiment); err != nil {
			return p, err
		}
		p.Items = append(p.Items, it)
	}
	p.Count = len(p.Items)
	return p, rows.Err()
}

// ruleRecordings evaluates a rule: playable recordings matching every set
// field, newest call first.
func (c *Catalog) ruleRecordings(ctx context.Context, rl media.PlaylistRule) ([]media.Recording, error) {
	where, args := []string{playableSQL}, []any{}
	eq := func(col, v string) {
		if v != "" {
			where, args = append(where, col+" = ?"), append(args, v)
		}
	}
	eq("r.topic", rl.Topic)
	eq("r.product", rl.Product)
	eq("r.sentiment", rl.Sentiment)
	eq("r.channel", rl.Channel)
	if rl.ScoreMin != nil {
		where, args = append(where, "r.score >= ?"), append(args, *rl.ScoreMin)
	}
	if rl.ScoreMax != nil {
		where, args = append(where, "r.score <= ?"), append(args, *rl.ScoreMax)
	}
	if rl.From != "" {
		where, args = append(where, "r.call_date >= ?"), append(args, rl.From)
	}
	if rl.To != "" {
		where, args = append(where, "r.call_date <= ?"), append(args, rl.To+"\xff")
	}
	for _, t := range rl.Tags {
		where = append(where, "EXISTS (SELECT 1 FROM recording_tags rt JOIN tags t ON t.id = rt.tag_id WHERE rt.recording_id = r.id AND t.name = ?)")
		args = append(args, t)
	}
	return c.queryRecordings(ctx, `SELECT `+recordingColumns+` FROM recordings r WHERE `+strings.Join(where, " AND ")+
		` ORDER BY r.call_date DESC, r.id DESC LIMIT 500`, args...)
}

// validRule checks a rule's fields so a typo gives a sentence, not an empty
// playlist.
func validRule(rl *media.PlaylistRule) error {
	if rl == nil {
		return nil
	}
	if rl.Sentiment != "" {
		s, err := media.NormalizeSentiment(rl.Sentiment)
		if err != nil {
			return err
		}
		rl.Sentiment = s
	}
	for _, sc := range []*int{rl.ScoreMin, rl.ScoreMax} {
		if sc != nil && (*sc < 0 || *sc > 10) {
			return media.Errorf(media.EInvalid, "rule score %d: want 0 to 10", *sc)
		}
	}
	for _, d := range []string{rl.From, rl.To} {
		if d != "" && !media.ValidDay(d) {
			return media.Errorf(media.EInvalid, "rule date %q: want YYYY-MM-DD", d)
		}
	}
	return nil
}

// CreatePlaylist stores a manual playlist with its entries in order.
func (c *Catalog) CreatePlaylist(ctx context.Context, name string, entries []media.PlaylistEntry) (int64, error) {
	return c.SavePlaylist(ctx, "", 0, media.PlaylistInput{Name: name, Items: entries})
}

// SavePlaylist creates (id 0) or replaces a playlist: its name, and its
// manual items in order or its rule, in one transaction.
func (c *Catalog) SavePlaylist(ctx context.Context, actor string, id int64, in media.PlaylistInput) (int64, error) {
	in.Name = strings.TrimSpace(in.Name)
	switch {
	case in.Name == "" || len([]rune(in.Name)) > 120:
		return 0, media.Errorf(media.EInvalid, "a playlist needs a name of 1 to 120 characters")
	case in.Rule != nil && len(in.Items) > 0:
		return 0, media.Errorf(media.EInvalid, "a playlist has manual items or a rule, not both")
	case len(in.Items) > 1000:
		return 0, media.Errorf(media.EInvalid, "a playlist holds at most 1000 items")
	case in.VerbatimSeconds == 0:
		in.VerbatimSeconds = 20
	case in.VerbatimSeconds < 5 || in.VerbatimSeconds > 120:
		return 0, media.Errorf(media.EInvalid, "verbatim_seconds %d: want 5 to 120", in.VerbatimSeconds)
	}
	if err := validRule(in.Rule); err != nil {
		return 0, err
	}
	var rule any
	if in.Rule != nil {
		rule = toJSON(in.Rule)
	}
	tx, err := c.write.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	action := "playlist-update"
	if id == 0 {
		action = "playlist-create"
		res, err := tx.ExecContext(ctx, `INSERT INTO playlists (name, created_at, rule, verbatim_seconds) VALUES (?, ?, ?, ?)`,
			in.Name, formatTime(c.now()), rule, in.VerbatimSeconds)
		if err != nil {
			return 0, err
		}
		if id, err = res.LastInsertId(); err != nil {
			return 0, err
		}
	} else {
		res, err := tx.ExecContext(ctx, `UPDATE playlists SET name = ?, rule = ?, verbatim_seconds = ? WHERE id = ?`, in.Name, rule, in.VerbatimSeconds, id)
		if err != nil {
			return 0, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return 0, media.Errorf(media.ENotFound, "playlist %d", id)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM playlist_items WHERE playlist_id = ?`, id); err != nil {
			return 0, err
		}
	}
	for i, e := range in.Items {
		var rec, clip, verb any
		switch {
		case e.ClipID > 0:
			clip = e.ClipID
		case e.VerbatimID > 0:
			verb = e.VerbatimID
		case e.RecordingID > 0:
			rec = e.RecordingID
		default:
			return 0, media.Errorf(media.EInvalid, "playlist item %d names nothing", i+1)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO playlist_items (playlist_id, pos, recording_id, clip_id, verbatim_id) VALUES (?, ?, ?, ?, ?)`,
			id, i, rec, clip, verb); err != nil {
			if isForeignKey(err) {
				return 0, media.Errorf(media.ENotFound, "playlist item %d: no such recording, clip or verbatim", i+1)
			}
			return 0, fmt.Errorf("playlist item %d: %w", i+1, err)
		}
	}
	if actor != "" {
		if err := audit(ctx, tx, c.now(), actor, action, "playlist "+fmt.Sprint(id), "", in.Name); err != nil {
			return 0, err
		}
	}
	return id, tx.Commit()
}

// DeletePlaylist removes a playlist (and the programme entries showing it).
func (c *Catalog) DeletePlaylist(ctx context.Context, actor string, id int64) error {
	tx, err := c.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `DELETE FROM playlists WHERE id = ?`, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return media.Errorf(media.ENotFound, "playlist %d", id)
	}
	if err := audit(ctx, tx, c.now(), actor, "playlist-delete", "playlist "+fmt.Sprint(id), "", ""); err != nil {
		return err
	}
	return tx.Commit()
}
