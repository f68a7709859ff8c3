package catalog

import (
	"context"
	"customerroom/media"
	"database/sql"
	"errors"
	"fmt"
)

// playlistItemsSQL lists a playlist's items that the room may play
// (approved recordings only), in order.
const playlistItemsSQL = `SELECT pi.pos, r.id, coalesce(cl.id, 0), coalesce(nullif(cl.title, ''), r.title),
	coalesce(cl.start_ms, 0), coalesce(cl.end_ms, r.duration_ms), r.duration_ms, r.topic, r.sentiment
	FROM playlist_items pi
	LEFT JOIN clips cl ON cl.id = pi.clip_id
	JOIN recordings r ON r.id = coalesce(pi.recording_id, cl.recording_id)
	WHERE pi.playlist_id = ? AND ` + playableSQL + `
	ORDER BY pi.pos`

// Playlists lists playlists with the number of items the room may play.
func (c *Catalog) Playlists(ctx context.Context) ([]media.Playlist, error) {
	rows, err := c.read.QueryContext(ctx, `SELECT p.id, p.name, (SELECT count(*) FROM playlist_items pi
		LEFT JOIN clips cl ON cl.id = pi.clip_id
		JOIN recordings r ON r.id = coalesce(pi.recording_id, cl.recording_id)
		WHERE pi.playlist_id = p.id AND `+playableSQL+`)
		FROM playlists p ORDER BY p.name, p.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []media.Playlist{}
	for rows.Next() {
		var p media.Playlist
		if err := rows.Scan(&p.ID, &p.Name, &p.Count); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Playlist returns one playlist with its playable items, or a not_found error.
func (c *Catalog) Playlist(ctx context.Context, id int64) (media.Playlist, error) {
	p := media.Playlist{ID: id, Items: []media.PlaylistItem{}}
	err := c.read.QueryRowContext(ctx, `SELECT name FROM playlists WHERE id = ?`, id).Scan(&p.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return p, media.Errorf(media.ENotFound, "playlist %d", id)
	}
	if err != nil {
		return p, err
	}
	rows, err := c.read.QueryContext(ctx, playlistItemsSQL, id)
	if err != nil {
		return p, err
	}
	defer rows.Close()
	for rows.Next() {
		var it media.PlaylistItem
		if err := rows.Scan(&it.Pos, &it.RecordingID, &it.ClipID, &it.Title, &it.StartMS, &it.EndMS, &it.DurationMS, &it.Topic, &it.Sentiment); err != nil {
			return p, err
		}
		p.Items = append(p.Items, it)
	}
	p.Count = len(p.Items)
	return p, rows.Err()
}

// CreatePlaylist stores a playlist with its entries in order, in one transaction.
func (c *Catalog) CreatePlaylist(ctx context.Context, name string, entries []media.PlaylistEntry) (int64, error) {
	if name == "" {
		return 0, errors.New("playlist needs a name")
	}
	tx, err := c.write.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `INSERT INTO playlists (name, created_at) VALUES (?, ?)`, name, formatTime(c.now()))
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	for i, e := range entries {
		var rec, clip any
		if e.ClipID > 0 {
			clip = e.ClipID
		} else {
			rec = e.RecordingID
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO playlist_items (playlist_id, pos, recording_id, clip_id) VALUES (?, ?, ?, ?)`, id, i, rec, clip); err != nil {
			return 0, fmt.Errorf("playlist item %d: %w", i+1, err)
		}
	}
	return id, tx.Commit()
}
