package media

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Playlist is an ordered selection of recordings and clips.
type Playlist struct {
	ID    int64          `json:"id"`
	Name  string         `json:"name"`
	Count int            `json:"count"`
	Items []PlaylistItem `json:"items,omitempty"`
}

// PlaylistItem is one entry of a playlist: a recording, or a clip of one.
type PlaylistItem struct {
	Pos         int    `json:"pos"`
	RecordingID int64  `json:"recording_id"`
	ClipID      int64  `json:"clip_id,omitempty"`
	Title       string `json:"title"`
	StartMS     int64  `json:"start_ms"`
	EndMS       int64  `json:"end_ms"`
	DurationMS  int64  `json:"duration_ms"`
	Topic       string `json:"topic"`
	Sentiment   string `json:"sentiment"`
}

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
func (c *Catalog) Playlists(ctx context.Context) ([]Playlist, error) {
	rows, err := c.read.QueryContext(ctx, `SELECT p.id, p.name, (SELECT count(*) FROM playlist_items pi
		LEFT JOIN clips cl ON cl.id = pi.clip_id
		JOIN recordings r ON r.id = coalesce(pi.recording_id, cl.recording_id)
		WHERE pi.playlist_id = p.id AND `+playableSQL+`)
		FROM playlists p ORDER BY p.name, p.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Playlist{}
	for rows.Next() {
		var p Playlist
		if err := rows.Scan(&p.ID, &p.Name, &p.Count); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Playlist returns one playlist with its playable items, or ErrNotFound.
func (c *Catalog) Playlist(ctx context.Context, id int64) (Playlist, error) {
	p := Playlist{ID: id, Items: []PlaylistItem{}}
	err := c.read.QueryRowContext(ctx, `SELECT name FROM playlists WHERE id = ?`, id).Scan(&p.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("playlist %d: %w", id, ErrNotFound)
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
		var it PlaylistItem
		if err := rows.Scan(&it.Pos, &it.RecordingID, &it.ClipID, &it.Title, &it.StartMS, &it.EndMS, &it.DurationMS, &it.Topic, &it.Sentiment); err != nil {
			return p, err
		}
		p.Items = append(p.Items, it)
	}
	p.Count = len(p.Items)
	return p, rows.Err()
}

// PlaylistEntry names one thing to put in a playlist: a recording or a clip.
type PlaylistEntry struct {
	RecordingID int64
	ClipID      int64
}

// CreatePlaylist stores a playlist with its entries in order, in one transaction.
func (c *Catalog) CreatePlaylist(ctx context.Context, name string, entries []PlaylistEntry) (int64, error) {
	if name == "" {
		return 0, errors.New("playlist needs a name")
	}
	tx, err := c.write.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `INSERT INTO playlists (name, created_at) VALUES (?, ?)`, name, formatTime(c.Now()))
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
