package review

import (
	"context"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"customerroom/media"
	"customerroom/media/audio"
	"customerroom/media/catalog"
	"customerroom/media/clocktest"
)

// writeWAV writes seconds of 16-bit 8 kHz mono noise, speech-like in level.
func writeWAV(t *testing.T, path string, seconds int) {
	t.Helper()
	const rate = 8000
	n := rate * seconds
	b := make([]byte, 44+2*n)
	copy(b, "RIFF")
	binary.LittleEndian.PutUint32(b[4:], uint32(36+2*n))
	copy(b[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(b[16:], 16)
	binary.LittleEndian.PutUint16(b[20:], 1)
	binary.LittleEndian.PutUint16(b[22:], 1)
	binary.LittleEndian.PutUint32(b[24:], rate)
	binary.LittleEndian.PutUint32(b[28:], 2*rate)
	binary.LittleEndian.PutUint16(b[32:], 2)
	binary.LittleEndian.PutUint16(b[34:], 16)
	copy(b[36:], "data")
	binary.LittleEndian.PutUint32(b[40:], uint32(2*n))
	r := rand.New(rand.NewPCG(1, 2))
	for i := range n {
		binary.LittleEndian.PutUint16(b[44+2*i:], uint16(int16(r.NormFloat64()*3000)))
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o640); err != nil {
		t.Fatal(err)
	}
}

type fixture struct {
	gate  *Gate
	cat   *catalog.Catalog
	clock *clocktest.Fake
	id    int64
}

// newFixture stores a pending 3-second call whose transcript names Jean
// Dupont in cue 1 (cue timings only) and a phone number in cue 2 (word
// timings), through the checker, as ingest does.
func newFixture(t *testing.T) fixture {
	t.Helper()
	dir := t.TempDir()
	cat, err := catalog.Open(context.Background(), filepath.Join(dir, "catalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cat.Close() })
	clock := clocktest.New(time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC))
	cat.Clock = clock
	chk, err := NewChecker(nil)
	if err != nil {
		t.Fatal(err)
	}
	lay := media.Layout{Dir: dir}
	rel := lay.Original("ab"+strings.Repeat("0", 62), "wav")
	writeWAV(t, lay.Abs(rel), 3)
	cues := []media.ReviewCue{
		{Cue: media.Cue{StartMS: 0, EndMS: 1000, Speaker: "Client", Text: "Bonjour, je m'appelle Jean Dupont."}},
		{Cue: media.Cue{StartMS: 1200, EndMS: 2800, Speaker: "Client", Text: "Mon numéro : 06 12 34 56 78."},
			Words: []media.Word{{StartMS: 1200, EndMS: 1900, Start: 0, End: 12}, {StartMS: 2000, EndMS: 2600, Start: 13, End: 27}}},
	}
	checked, rs, err := chk.Cues(cues, 3000)
	if err != nil {
		t.Fatal(err)
	}
	plain := []media.Cue{cues[0].Cue, cues[1].Cue}
	id, err := cat.AddRecording(context.Background(), media.NewRecording{
		Recording:  media.Recording{SHA256: "ab" + strings.Repeat("0", 62), Title: "Appel", Path: rel, DurationMS: 3000, ExpiresAt: clock.Now().AddDate(1, 0, 0)},
		Transcript: plain, Review: checked, Redactions: rs})
	if err != nil {
		t.Fatal(err)
	}
	g := &Gate{Store: cat, Checker: chk, Layout: lay, Clock: clock}
	return fixture{g, cat, clock, id}
}

func TestCheckerRangesFollowTimings(t *testing.T) {
	f := newFixture(t)
	rv, err := f.gate.Review(context.Background(), f.id)
	if err != nil {
		t.Fatal(err)
	}
	if rv.Cues[0].Masked != "Bonjour, je m'appelle [nom]." || !strings.Contains(rv.Cues[1].Masked, "[téléphone]") {
		t.Errorf("masked cues %q / %q", rv.Cues[0].Masked, rv.Cues[1].Masked)
	}
	// Cue 1 (no word timings): the whole cue plus margin. Cue 2: only the
	// number's word, from 2000 ms, with the 150 ms margin.
	want := []media.Redaction{{StartMS: 0, EndMS: 1150}, {StartMS: 1850, EndMS: 2750}}
	if len(rv.Redactions) != 2 || rv.Redactions[0] != want[0] || rv.Redactions[1] != want[1] {
		t.Errorf("ranges %+v, want %+v", rv.Redactions, want)
	}
}

func TestApproveRendersWithdrawAndPurgeOriginal(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	changed := map[int64]media.Status{}
	f.gate.Changed = func(id int64, st media.Status) { changed[id] = st }
	if _, err := f.gate.SetRedactions(ctx, "claire", f.id, []media.Redaction{{StartMS: 2500, EndMS: 9000}, {StartMS: 0, EndMS: 500}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.gate.SetRedactions(ctx, "claire", f.id, []media.Redaction{{StartMS: 9000, EndMS: 9500}}); media.ErrorCode(err) != media.EInvalid {
		t.Errorf("a range past the end: %v, want invalid", err)
	}
	if _, err := f.gate.Approve(ctx, "claire", f.id); err != nil {
		t.Fatal(err)
	}
	rv, _ := f.cat.Review(ctx, f.id)
	if rv.Recording.Status != media.StatusApproved || !rv.Recording.Playable() || rv.Render.State != media.RenderDone || changed[f.id] != media.StatusApproved {
		t.Fatalf("after approve: %+v %+v", rv.Recording, rv.Render)
	}
	// The rendition: same length, silent? no: bleeped at the ranges, measured.
	fh, err := os.Open(f.gate.Layout.Abs(rv.Recording.Rendition))
	if err != nil {
		t.Fatal(err)
	}
	s, info, err := audio.Open(fh)
	if err != nil {
		t.Fatal(err)
	}
	a, err := audio.Analyze(s, audio.AnalyzeOptions{})
	fh.Close()
	if err != nil || info.Codec != "pcm_s16le" || a.Frames != 24000 {
		t.Errorf("rendition: %+v %+v %v, want 24000 frames of 16-bit PCM", info, a, err)
	}
	if math.Abs(a.LoudnessLUFS-rv.Recording.LoudnessLUFS) > 0.01 {
		t.Errorf("loudness stored %.2f, measured %.2f on the rendition", rv.Recording.LoudnessLUFS, a.LoudnessLUFS)
	}
	if _, err := f.gate.Approve(ctx, "claire", f.id); media.ErrorCode(err) != media.EConflict {
		t.Errorf("approving twice: %v, want conflict", err)
	}

	// Withdraw: pending again, out of the room.
	if err := f.gate.Withdraw(ctx, "claire", f.id); err != nil {
		t.Fatal(err)
	}
	if r, _ := f.cat.Recording(ctx, f.id); r.Playable() || changed[f.id] != media.StatusPending {
		t.Errorf("withdrawn recording still playable: %+v", r)
	}
	if _, err := f.gate.Approve(ctx, "claire", f.id); err != nil {
		t.Fatal(err)
	}

	// The original stays for the grace period, then goes; the rendition stays.
	orig := f.gate.Layout.Abs(rv.Recording.Path)
	if n, err := f.gate.PurgeOriginals(ctx); err != nil || n != 0 {
		t.Fatalf("purge within grace: %d %v", n, err)
	}
	f.clock.Advance(7*24*time.Hour + time.Minute)
	if n, err := f.gate.PurgeOriginals(ctx); err != nil || n != 1 {
		t.Fatalf("purge after grace: %d %v", n, err)
	}
	if _, err := os.Stat(orig); !os.IsNotExist(err) {
		t.Errorf("original still on disk: %v", err)
	}
	rv, _ = f.cat.Review(ctx, f.id)
	if rv.Original || !rv.Recording.Playable() {
		t.Errorf("after purge: original %v, playable %v", rv.Original, rv.Recording.Playable())
	}
	if _, err := f.gate.Preview(ctx, f.id); !media.IsNotFound(err) {
		t.Errorf("preview without an original: %v, want not found", err)
	}
	log, _ := f.cat.AuditLog(ctx, 50)
	var actions []string
	for _, e := range log {
		actions = append(actions, e.Action)
	}
	if got := strings.Join(actions, ","); got != "purge-original,approve,withdraw,approve,redactions" {
		t.Errorf("audit log %s", got)
	}
}

func TestPreviewFollowsTheRanges(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p1, err := f.gate.Preview(ctx, f.id)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := f.gate.Preview(ctx, f.id)
	if again != p1 {
		t.Errorf("same ranges gave a new preview: %s, %s", p1, again)
	}
	f.gate.SetRedactions(ctx, "claire", f.id, []media.Redaction{{StartMS: 100, EndMS: 200}})
	p2, err := f.gate.Preview(ctx, f.id)
	if err != nil || p2 == p1 {
		t.Fatalf("new ranges: %s %v", p2, err)
	}
	if _, err := os.Stat(p1); !os.IsNotExist(err) {
		t.Errorf("the stale preview was kept")
	}
	if r, _ := f.cat.Recording(ctx, f.id); r.Status != media.StatusPending {
		t.Errorf("a preview changed the status: %s", r.Status)
	}
}

func TestVerbatimsNeedACheckBeforeApproval(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.cat.AddVerbatims(ctx, []media.Verbatim{{Date: "2026-11-02", Text: "Rappelez Mme Martin au 06 12 34 56 78"}}); err != nil {
		t.Fatal(err)
	}
	vs, _ := f.cat.Verbatims(ctx, media.VerbatimFilter{})
	if len(vs) != 1 || vs[0].Masked != "" {
		t.Fatalf("unchecked verbatim: %+v", vs)
	}
	if err := f.cat.SetVerbatimStatus(ctx, "claire", vs[0].ID, media.StatusApproved, ""); media.ErrorCode(err) != media.EConflict {
		t.Errorf("approving an unchecked verbatim in the catalog: %v, want conflict", err)
	}
	if err := f.gate.SetVerbatimStatus(ctx, "claire", vs[0].ID, media.StatusApproved, ""); err != nil {
		t.Fatal(err)
	}
	vs, _ = f.cat.Verbatims(ctx, media.VerbatimFilter{Status: media.StatusApproved})
	if len(vs) != 1 || strings.Contains(vs[0].ForRoom().Text, "06 12") || strings.Contains(vs[0].ForRoom().Text, "Martin") {
		t.Errorf("approved verbatim as the room reads it: %+v", vs)
	}
}

// panickyStore fails like a defect when the rendition is to be recorded.
type panickyStore struct{ Store }

func (panickyStore) Approve(context.Context, string, int64, string, float64, float64) error {
	panic("assignment to entry in nil map")
}

// TestRenderSurvivesADefect: a panic while rendering (on the import pool's
// goroutine in the server, where it would end the process) fails that
// rendition with a reason, leaves no rendition file, and the call stays
// pending; the next approval renders.
func TestRenderSurvivesADefect(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	real := f.gate.Store
	f.gate.Store = panickyStore{real}
	if _, err := f.gate.Approve(ctx, "claire", f.id); err != nil {
		t.Fatal(err)
	}
	rv, _ := f.cat.Review(ctx, f.id)
	if rv.Recording.Status != media.StatusPending || rv.Render.State != media.RenderFailed || !strings.Contains(rv.Render.Error, "a defect") {
		t.Fatalf("after a defect: %s %+v", rv.Recording.Status, rv.Render)
	}
	if ms, _ := filepath.Glob(filepath.Join(f.gate.Layout.RenditionsDir(), "*", "*")); len(ms) != 0 {
		t.Fatalf("rendition files left: %v", ms)
	}
	f.gate.Store = real
	if _, err := f.gate.Approve(ctx, "claire", f.id); err != nil {
		t.Fatal(err)
	}
	if rv, _ := f.cat.Review(ctx, f.id); rv.Recording.Status != media.StatusApproved {
		t.Fatalf("the next approval: %s %+v", rv.Recording.Status, rv.Render)
	}
}
