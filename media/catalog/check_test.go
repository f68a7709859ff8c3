package catalog

import (
	"context"
	"customerroom/media"
	"encoding/json"
	"strings"
	"testing"
)

// TestUnavailableRecordingLeavesTheRoom: a recording whose file is gone is
// marked unavailable; the room no longer lists or resolves it, curators see
// why in its JSON, and clearing the mark brings it back.
func TestUnavailableRecordingLeavesTheRoom(t *testing.T) {
	ctx := context.Background()
	c := openTestCatalog(t)
	id := addTestRecording(t, c, "gone", true)
	other := addTestRecording(t, c, "here", true)
	if err := c.MarkUnavailable(ctx, id, "file missing: library/gone"); err != nil {
		t.Fatal(err)
	}
	rs, err := c.Recordings(ctx, media.RecordingFilter{Playable: true})
	if err != nil || len(rs) != 1 || rs[0].ID != other {
		t.Fatalf("playable recordings %+v %v: want only %d", rs, err, other)
	}
	r, err := c.Recording(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if r.Playable() {
		t.Errorf("an unavailable recording is Playable")
	}
	js, _ := json.Marshal(r)
	if !strings.Contains(string(js), `"unavailable":"file missing: library/gone"`) {
		t.Errorf("curators do not see why: %s", js)
	}
	if err := c.MarkUnavailable(ctx, id, ""); err != nil {
		t.Fatal(err)
	}
	if r, _ := c.Recording(ctx, id); !r.Playable() || r.Unavailable != "" {
		t.Errorf("cleared mark: %+v", r)
	}
	if err := c.MarkUnavailable(ctx, 9999, "x"); !media.IsNotFound(err) {
		t.Errorf("unknown id: %v, want not_found", err)
	}
}
