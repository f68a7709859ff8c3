package catalog

import (
	"context"
	"customerroom/media"
	"customerroom/media/clocktest"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func openKioskCatalog(t *testing.T) (*Catalog, int64) {
	t.Helper()
	ctx := context.Background()
	c, err := Open(ctx, filepath.Join(t.TempDir(), "catalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	score := 3
	id, err := c.AddRecording(ctx, media.NewRecording{Recording: media.Recording{SHA256: "a", Title: "t", Path: "p", Topic: "Livraison", Score: &score, Status: media.StatusApproved}})
	if err != nil {
		t.Fatal(err)
	}
	return c, id
}

func TestGuessesStatsAndRefusals(t *testing.T) {
	c, id := openKioskCatalog(t)
	ctx := context.Background()
	cases := []struct {
		g       media.Guess
		wantErr string // error code
		gap     float64
		n       int
	}{
		{media.Guess{RecordingID: id, Topic: "Livraison", Guess: 7, Actual: 3, Day: "2026-11-02"}, "", 4, 1},
		{media.Guess{RecordingID: id, Topic: "Livraison", Guess: 3, Actual: 3, Day: "2026-11-02"}, "", 2, 2},
		{media.Guess{RecordingID: id, Topic: "Livraison", Guess: 11, Actual: 3, Day: "2026-11-02"}, media.EInvalid, 0, 0},
		{media.Guess{RecordingID: id, Topic: "Livraison", Guess: -1, Actual: 3, Day: "2026-11-02"}, media.EInvalid, 0, 0},
		{media.Guess{RecordingID: id, Topic: "Livraison", Guess: 5, Actual: 3, Day: "yesterday"}, media.EInvalid, 0, 0},
		{media.Guess{RecordingID: 999, Topic: "Livraison", Guess: 5, Actual: 3, Day: "2026-11-02"}, media.ENotFound, 0, 0},
		{media.Guess{RecordingID: id, Topic: "Accueil", Guess: 10, Actual: 9, Day: "2026-11-02"}, "", 1, 1},
	}
	for _, tc := range cases {
		gap, err := c.AddGuess(ctx, tc.g)
		if media.ErrorCode(err) != tc.wantErr {
			t.Fatalf("AddGuess(%+v) = %v, want %v", tc.g, err, tc.wantErr)
		}
		if err == nil && (gap.AvgGap != tc.gap || gap.Guesses != tc.n) {
			t.Errorf("AddGuess(%+v) gap %+v, want %v over %d", tc.g, gap, tc.gap, tc.n)
		}
	}
	// Refused guesses left nothing behind.
	gap, err := c.GapForTopic(ctx, "Livraison")
	if err != nil || gap.Guesses != 2 || gap.AvgGap != 2 {
		t.Errorf("GapForTopic = %+v %v, want 2 guesses, gap 2", gap, err)
	}
}

// TestKioskTablesHoldNoIdentity guards the privacy promise: the listener
// tables have no column that could say who did something.
func TestKioskTablesHoldNoIdentity(t *testing.T) {
	c, _ := openKioskCatalog(t)
	for _, table := range []string{"kiosk_guesses", "kiosk_reactions"} {
		rows, err := c.read.Query(`SELECT name FROM pragma_table_info(?)`, table)
		if err != nil {
			t.Fatal(err)
		}
		var cols []string
		for rows.Next() {
			var n string
			rows.Scan(&n)
			cols = append(cols, n)
		}
		rows.Close()
		if len(cols) == 0 {
			t.Fatalf("%s has no columns", table)
		}
		for _, col := range cols {
			for _, bad := range []string{"user", "ip", "addr", "session", "agent", "device", "who", "created_at"} {
				if strings.Contains(col, bad) {
					t.Errorf("%s.%s looks like identity or an exact time", table, col)
				}
			}
		}
	}
}

func TestReactions(t *testing.T) {
	c, id := openKioskCatalog(t)
	ctx := context.Background()
	cases := []struct {
		r    media.Reaction
		want string
	}{
		{media.Reaction{RecordingID: id, Kind: "touched", PositionMS: 1200, Day: "2026-11-02"}, ""},
		{media.Reaction{RecordingID: id, Kind: "touched", PositionMS: 0, Day: "2026-11-02"}, ""},
		{media.Reaction{RecordingID: id, Kind: "idea", PositionMS: 5000, Day: "2026-11-02"}, ""},
		{media.Reaction{RecordingID: id, Kind: "boo", PositionMS: 5000, Day: "2026-11-02"}, media.EInvalid},
		{media.Reaction{RecordingID: id, Kind: "idea", PositionMS: -1, Day: "2026-11-02"}, media.EInvalid},
		{media.Reaction{RecordingID: 42, Kind: "idea", PositionMS: 1, Day: "2026-11-02"}, media.ENotFound},
	}
	for _, tc := range cases {
		if err := c.AddReaction(ctx, tc.r); media.ErrorCode(err) != tc.want {
			t.Errorf("AddReaction(%+v) = %v, want %v", tc.r, err, tc.want)
		}
	}
	n, err := c.ReactionCounts(ctx, id)
	if err != nil || n["touched"] != 2 || n["idea"] != 1 || len(n) != 2 {
		t.Errorf("ReactionCounts = %v %v", n, err)
	}
}

func TestProgrammeEntries(t *testing.T) {
	c, id := openKioskCatalog(t)
	ctx := context.Background()
	res, err := c.write.Exec(`INSERT INTO playlists (name, created_at) VALUES ('Matin', '2026-11-01T00:00:00Z')`)
	if err != nil {
		t.Fatal(err)
	}
	pl, _ := res.LastInsertId()
	c.write.Exec(`INSERT INTO playlist_items (playlist_id, pos, recording_id) VALUES (?, 0, ?)`, pl, id)
	cases := []struct {
		e    media.ProgrammeEntry
		want string
	}{
		{media.ProgrammeEntry{Weekday: 1, StartMin: 540, EndMin: 720, PlaylistID: pl}, ""},
		{media.ProgrammeEntry{Weekday: -1, StartMin: 1320, EndMin: 120, PlaylistID: pl}, ""},
		{media.ProgrammeEntry{Weekday: 7, StartMin: 0, EndMin: 60, PlaylistID: pl}, media.EInvalid},
		{media.ProgrammeEntry{Weekday: 1, StartMin: 60, EndMin: 60, PlaylistID: pl}, media.EInvalid},
		{media.ProgrammeEntry{Weekday: 1, StartMin: 0, EndMin: 1441, PlaylistID: pl}, media.EInvalid},
		{media.ProgrammeEntry{Weekday: 1, StartMin: 0, EndMin: 60, PlaylistID: 99}, media.ENotFound},
		{media.ProgrammeEntry{Weekday: 6, StartMin: 0, EndMin: 1440, Closed: true}, ""},
		{media.ProgrammeEntry{Weekday: 6, StartMin: 0, EndMin: 1440, Closed: true, PlaylistID: pl}, media.EInvalid},
	}
	for _, tc := range cases {
		if _, err := c.AddProgrammeEntry(ctx, tc.e); media.ErrorCode(err) != tc.want {
			t.Errorf("AddProgrammeEntry(%+v) = %v, want %v", tc.e, err, tc.want)
		}
	}
	es, err := c.Programme(ctx)
	if err != nil || len(es) != 3 || es[0].StartMin != 540 || es[1].EndMin != 120 || es[0].Closed || !es[2].Closed || es[2].PlaylistID != 0 {
		t.Fatalf("Programme = %+v %v", es, err)
	}
	if err := c.DeleteProgrammeEntry(ctx, es[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteProgrammeEntry(ctx, es[0].ID); !media.IsNotFound(err) {
		t.Errorf("second delete = %v, want ErrNotFound", err)
	}
}

func TestPairingIsOneTimeAndHashed(t *testing.T) {
	c, _ := openKioskCatalog(t)
	ctx := context.Background()
	clock := clocktest.New(time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC))
	c.Clock = clock
	token, secret := "pairing-token-0123456789", "device-secret-0123456789"
	if err := c.CreatePairing(ctx, token, "tablette atelier", 10*time.Minute); err != nil {
		t.Fatal(err)
	}
	var stored string
	c.read.QueryRow(`SELECT token_hash FROM kiosk_pairings`).Scan(&stored)
	if stored == token || stored != hashSecret(token) {
		t.Errorf("token stored as %q, want its hash", stored)
	}
	if _, err := c.RedeemPairing(ctx, "wrong-token-0123456789", secret); !media.IsNotFound(err) {
		t.Errorf("wrong token: %v", err)
	}
	d, err := c.RedeemPairing(ctx, token, secret)
	if err != nil || d.Label != "tablette atelier" {
		t.Fatalf("redeem: %+v %v", d, err)
	}
	if _, err := c.RedeemPairing(ctx, token, "another-secret-0123456789"); !media.IsNotFound(err) {
		t.Errorf("second redeem: %v, want ErrNotFound", err)
	}
	if got, err := c.DeviceBySecret(ctx, secret); err != nil || got.ID != d.ID {
		t.Errorf("DeviceBySecret = %+v %v", got, err)
	}
	// An expired token is refused.
	c.CreatePairing(ctx, "late-token-0123456789", "", time.Minute)
	clock.Advance(2 * time.Minute)
	if _, err := c.RedeemPairing(ctx, "late-token-0123456789", "late-secret-0123456789"); !media.IsNotFound(err) {
		t.Errorf("expired token: %v", err)
	}
	if err := c.RevokeDevice(ctx, d.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeviceBySecret(ctx, secret); !media.IsNotFound(err) {
		t.Errorf("revoked device still found: %v", err)
	}
}

// openTestCatalog is a fresh catalog in a temp dir.
func openTestCatalog(t *testing.T) *Catalog {
	t.Helper()
	c, err := Open(context.Background(), filepath.Join(t.TempDir(), "catalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}
