package catalog

import (
	"context"
	"crypto/sha256"
	"customerroom/media"
	"fmt"
	"testing"
)

// addTestRecording stores a recording row without audio, for catalog tests.
func addTestRecording(t *testing.T, c *Catalog, title string, approved bool) int64 {
	t.Helper()
	r := media.Recording{SHA256: fmt.Sprintf("%x", sha256.Sum256([]byte(title))), Title: title, Path: "library/" + title, DurationMS: 10000}
	if approved {
		r.Status, r.Rendition = media.StatusApproved, r.Path
	}
	id, err := c.AddRecording(context.Background(), media.NewRecording{Recording: r})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestPlaylistsShowOnlyApprovedItems(t *testing.T) {
	ctx := context.Background()
	c := openTestCatalog(t)
	ok1 := addTestRecording(t, c, "approved-one", true)
	pending := addTestRecording(t, c, "pending-one", false)
	ok2 := addTestRecording(t, c, "approved-two", true)
	id, err := c.CreatePlaylist(ctx, "Irritants", []media.PlaylistEntry{{RecordingID: ok2}, {RecordingID: pending}, {RecordingID: ok1}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.Playlist(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if p.Count != 2 || p.Items[0].RecordingID != ok2 || p.Items[1].RecordingID != ok1 {
		t.Errorf("playlist items %+v: want the two approved recordings in playlist order", p.Items)
	}
	ps, err := c.Playlists(ctx)
	if err != nil || len(ps) != 1 || ps[0].Count != 2 {
		t.Errorf("Playlists = %+v, %v", ps, err)
	}
	play, err := c.PlayablePlaylist(ctx, id)
	if err != nil || len(play) != 2 || play[0].Recording.ID != ok2 {
		t.Errorf("PlayablePlaylist = %+v, %v", play, err)
	}
	if _, err := c.PlayableRecording(ctx, pending); !media.IsNotFound(err) {
		t.Errorf("pending recording playable: %v", err)
	}
	if _, err := c.Playlist(ctx, 999); !media.IsNotFound(err) {
		t.Errorf("unknown playlist: %v", err)
	}
	if _, err := c.CreatePlaylist(ctx, "Broken", []media.PlaylistEntry{{RecordingID: 12345}}); err == nil {
		t.Error("playlist with an unknown recording stored")
	}
	if ps, _ := c.Playlists(ctx); len(ps) != 1 {
		t.Errorf("a failed playlist left %d playlists, want 1", len(ps))
	}
}

// TestOnlyPlayableRecordingsReachTheRoom: approved is not enough, the
// anonymized rendition must exist too, in Go and in SQL alike.
func TestOnlyPlayableRecordingsReachTheRoom(t *testing.T) {
	ctx := context.Background()
	c := openTestCatalog(t)
	ok := addTestRecording(t, c, "approved-rendered", true)
	addTestRecording(t, c, "pending", false)
	r := media.Recording{SHA256: fmt.Sprintf("%x", sha256.Sum256([]byte("approved-unrendered"))), Title: "approved-unrendered",
		Path: "library/x", Status: media.StatusApproved, DurationMS: 1000}
	unrendered, err := c.AddRecording(ctx, media.NewRecording{Recording: r})
	if err != nil {
		t.Fatal(err)
	}
	rs, err := c.Recordings(ctx, media.RecordingFilter{Playable: true})
	if err != nil || len(rs) != 1 || rs[0].ID != ok || !rs[0].Playable() {
		t.Errorf("playable listing = %+v, %v: want only %d", rs, err, ok)
	}
	if _, err := c.PlayableRecording(ctx, unrendered); !media.IsNotFound(err) {
		t.Errorf("approved recording without rendition resolved for playing: %v", err)
	}
	if all, _ := c.Recordings(ctx, media.RecordingFilter{}); len(all) != 3 {
		t.Errorf("unfiltered listing has %d recordings, want 3", len(all))
	}
}
