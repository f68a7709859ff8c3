package catalog

import (
	"bytes"
	"context"
	"customerroom/media"
	"customerroom/media/clocktest"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestPurgeLeavesNoTextInFile purges a call whose transcript holds a name and
// a phone number (edited once, so the audit log holds them too), and a
// verbatim that names someone, then reads catalog.db and its WAL byte by
// byte: nothing of them may be left (FTS segments, free pages, old WAL frames).
func TestPurgeLeavesNoTextInFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	c, err := Open(ctx, filepath.Join(dir, "catalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	clk := clocktest.New(time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC))
	c.Clock = clk
	const name, phone, who = "Zébulon Quartermaine", "0612345678", "Philomène Trouvadec"
	// Some calls that stay, so the file has pages beside the purged ones.
	for i := range 30 {
		keep := media.Recording{SHA256: strings.Repeat("0", 60) + fmt.Sprintf("%04d", i), Title: fmt.Sprintf("keep %d", i),
			Path: fmt.Sprintf("library/00/%d.wav", i), ExpiresAt: clk.Now().Add(24 * time.Hour)}
		if _, err := c.AddRecording(ctx, media.NewRecording{Recording: keep}); err != nil {
			t.Fatal(err)
		}
	}
	rec := media.Recording{SHA256: strings.Repeat("ab", 32), Title: "Appel " + name, Path: "library/ab/x.wav",
		CreatedAt: clk.Now(), ExpiresAt: clk.Now().Add(time.Hour)}
	cues := []media.Cue{{StartMS: 0, EndMS: 1000, Text: "Bonjour, je suis " + name + ", mon numéro est le " + phone}}
	// The masked text equals the original: the detector missed them, so
	// the search index holds them too (the worst case for a purge).
	review := []media.ReviewCue{{Idx: 0, Cue: cues[0], Masked: cues[0].Text}}
	id, err := c.AddRecording(ctx, media.NewRecording{Recording: rec, Transcript: cues, Review: review})
	if err != nil {
		t.Fatal(err)
	}
	text := "Bonjour, ici " + name + " au " + phone
	edited := []media.ReviewCue{{Idx: 0, Cue: media.Cue{StartMS: 0, EndMS: 1000, Text: text}, Masked: text}}
	if err := c.SetTranscript(ctx, "curator", id, edited, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddVerbatims(ctx, []media.Verbatim{{Text: "Merci à " + who + " pour son aide", ExpiresAt: clk.Now().Add(time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	vs, _ := c.Verbatims(ctx, media.VerbatimFilter{})
	if err := c.SetVerbatimStatus(ctx, "curator", vs[0].ID, media.StatusRejected, "cite "+who); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SetStatus(ctx, "curator", id, media.StatusRejected, "nomme "+name); err != nil {
		t.Fatal(err)
	}
	if hits, _ := c.Search(ctx, "Quartermaine", true, 10); len(hits) == 0 {
		t.Fatal("setup: the name is not searchable, the test would prove nothing")
	}
	clk.Advance(2 * time.Hour)
	rep, err := c.Purge(ctx, dir)
	if err != nil || rep.Recordings != 1 || rep.Verbatims != 1 {
		t.Fatalf("purge: %+v %v", rep, err)
	}
	for _, f := range []string{"catalog.db", "catalog.db-wal"} {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			continue // no WAL at all is fine
		}
		for _, s := range []string{"Quartermaine", "Zébulon", phone, "Trouvadec"} {
			if n := bytes.Count(data, []byte(s)); n > 0 {
				t.Errorf("%s still holds %q %d time(s) after the purge", f, s, n)
			}
		}
	}
	// The catalog still works and keeps the rest.
	if n, err := c.CountRecordings(ctx); err != nil || n != 30 {
		t.Errorf("after purge: %d recordings, %v", n, err)
	}
}
