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

// PlayablePlaylist resolves a playlist to what the player can play, in
// order: its playable recordings and clips (a rule evaluated now; verbatim
// cards are the screen's, not the speaker's). Nothing playable is not_found.
func (c *Catalog) PlayablePlaylist(ctx context.Context, id int64) ([]media.Playable, error) {
	p, err := c.Playlist(ctx, id)
	if err != nil {
		return nil, err
	}
	var out []media.Playable
	for _, it := range p.Items {
		var (
			pl  media.Playable
			err error
		)
		switch {
		case it.ClipID != 0:
			pl, err = c.PlayableClip(ctx, it.ClipID)
		case it.RecordingID != 0:
			pl, err = c.PlayableRecording(ctx, it.RecordingID)
		default:
			continue
		}
		if media.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, pl)
	}
	if len(out) == 0 {
		return nil, media.Errorf(media.ENotFound, "playlist %d has nothing playable", id)
	}
	return out, nil
}
