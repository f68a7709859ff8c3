package media

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Playable is a recording (or a clip of one) the room may play: approved,
// with its anonymized rendition. Unapproved material never resolves.
type Playable struct {
	Recording Recording
	ClipID    int64
	Title     string
	StartMS   int64
	EndMS     int64
}

// PlayableRecording resolves an approved recording, or ErrNotFound.
func (c *Catalog) PlayableRecording(ctx context.Context, id int64) (Playable, error) {
	r, err := c.Recording(ctx, id)
	if err != nil {
		return Playable{}, err
	}
	if !r.Playable() {
		return Playable{}, fmt.Errorf("recording %d is not approved for the room: %w", id, ErrNotFound)
	}
	return Playable{Recording: r, Title: r.Title}, nil
}

// PlayableClip resolves a clip of an approved recording, or ErrNotFound.
func (c *Catalog) PlayableClip(ctx context.Context, id int64) (Playable, error) {
	var (
		recID      int64
		title      string
		start, end int64
	)
	err := c.read.QueryRowContext(ctx, `SELECT recording_id, title, start_ms, end_ms FROM clips WHERE id = ?`, id).Scan(&recID, &title, &start, &end)
	if errors.Is(err, sql.ErrNoRows) {
		return Playable{}, fmt.Errorf("clip %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Playable{}, err
	}
	p, err := c.PlayableRecording(ctx, recID)
	if err != nil {
		return Playable{}, err
	}
	if title == "" {
		title = p.Title
	}
	p.ClipID, p.Title, p.StartMS, p.EndMS = id, title, start, end
	return p, nil
}

// PlayablePlaylist resolves a playlist to its playable items in order,
// leaving out anything no longer approved. An unknown or empty playlist is ErrNotFound.
func (c *Catalog) PlayablePlaylist(ctx context.Context, id int64) ([]Playable, error) {
	rows, err := c.read.QueryContext(ctx, `SELECT coalesce(recording_id, 0), coalesce(clip_id, 0) FROM playlist_items WHERE playlist_id = ? ORDER BY pos`, id)
	if err != nil {
		return nil, err
	}
	type ref struct{ rec, clip int64 }
	var refs []ref
	for rows.Next() {
		var r ref
		if err := rows.Scan(&r.rec, &r.clip); err != nil {
			rows.Close()
			return nil, err
		}
		refs = append(refs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []Playable
	for _, r := range refs {
		var (
			p   Playable
			err error
		)
		if r.clip != 0 {
			p, err = c.PlayableClip(ctx, r.clip)
		} else {
			p, err = c.PlayableRecording(ctx, r.rec)
		}
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("playlist %d has nothing playable: %w", id, ErrNotFound)
	}
	return out, nil
}
