package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"customerroom/media/catalog"
)

// TestMissingRenditionLeavesTheRoom: the real program with the demo
// library; one call's rendition is deleted behind the catalog's back. A tap
// on it answers "unavailable" (the room's "sound unavailable" message, not
// a raw error), the catalog marks it unavailable with the reason `check`
// gives, and the room stops offering it.
func TestMissingRenditionLeavesTheRoom(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	cmd, base, stderr := startProgram(t, nil, "serve", "--data", data, "--addr", "127.0.0.1:0", "--audio", "null")
	defer cmd.Process.Kill()
	var recs []struct {
		ID int64 `json:"id"`
	}
	getJSON(t, base+"/api/recordings", &recs)
	if len(recs) < 2 {
		t.Fatalf("%d demo recordings, want at least 2", len(recs))
	}
	id := recs[0].ID
	cat, err := catalog.Open(context.Background(), filepath.Join(data, "catalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	r, err := cat.Recording(context.Background(), id)
	if err != nil || r.Rendition == "" {
		t.Fatalf("recording %d: %+v %v", id, r, err)
	}
	if err := os.Remove(filepath.Join(data, r.Rendition)); err != nil {
		t.Fatal(err)
	}

	var e struct{ Error, Code string }
	if code := postJSON(t, base+"/api/player/play", fmt.Sprintf(`{"recording_id":%d}`, id), &e); code != 503 || e.Code != "unavailable" {
		t.Fatalf("play with the rendition gone: %d %+v, want 503 unavailable; stderr:\n%s", code, e, stderr.String())
	}
	r, err = cat.Recording(context.Background(), id)
	if err != nil || r.Unavailable != "file missing: "+r.Rendition {
		t.Fatalf("after the tap: unavailable %q (%v), want %q", r.Unavailable, err, "file missing: "+r.Rendition)
	}
	getJSON(t, base+"/api/recordings", &recs)
	for _, x := range recs {
		if x.ID == id {
			t.Fatalf("recording %d still offered to the room", id)
		}
	}
	// The other calls still play.
	if code := postJSON(t, base+"/api/player/play", fmt.Sprintf(`{"recording_id":%d}`, recs[0].ID), nil); code != 200 {
		t.Errorf("play another call: %d", code)
	}
	if !strings.Contains(stderr.String(), "audio file missing") {
		t.Errorf("nothing logged about the missing file; stderr:\n%s", stderr.String())
	}
}
