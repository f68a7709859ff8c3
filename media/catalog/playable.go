package catalog

import (
	"context"
	"customerroom/media"
	"database/sql"
	"errors"
)

// PlayableRecording resolves an approved recording, or a not_found error.
func (c *Catalog) PlayableRecording(ctx context.Context, id int64) (media.Playable, error) {
	r, err := c.Recording(ctx, id)
	if err != nil {
		return media.Playable{}, err
	}
	if !r.Playable() {
		return media.Playable{}, media.Errorf(media.ENotFound, "recording %d is not approved for the room", id)
	}
	return media.Playable{Recording: r, Title: r.Title}, nil
}

// PlayableClip resolves a clip of an approved recording, or a not_found error.
func (c *Catalog) PlayableClip(ctx context.Context, id int64) (media.Playable, error) {
	var (
		recID      int64
		title      string
		start, end int64
	)
	err := c.read.QueryRowContext(ctx, `SELECT recording_id, title, start_ms, end_ms FROM clips WHERE id = ?`, id).Scan(&recID, &title, &start, &end)
	if errors.Is(err, sql.ErrNoRows) {
		return media.Playable{}, media.Errorf(media.ENotFound, "clip %d", id)
	}
	if err != nil {
		return media.Playable{}, err
	}
	p, err := c.PlayableRecording(ctx, recID)
	if err != nil {
		return media.Playable{}, err
	}
	if title == "" {
		title = p.Title
	}
	p.ClipID, p.Title, p.StartMS, p.EndMS = id, title, start, end
	return p, nil
}

// PlayablePlaylist resolves a playlist to its playable items in order,
// leaving out anything no longer approved. An unknown or empty playlist is ErrNotFound.
func (c *Catalog) PlayablePlaylist(ctx context.Context, id int64) ([]media.Playable, error) {
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
	var out []media.Playable
	for _, r := range refs {
		var (
			p   media.Playable
			err error
		)
		if r.clip != 0 {
			p, err = c.PlayableClip(ctx, r.clip)
		} else {
			p, err = c.PlayableRecording(ctx, r.rec)
		}
		if media.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, media.Errorf(media.ENotFound, "playlist %d has nothing playable", id)
	}
	return out, nil
}
