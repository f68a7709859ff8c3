// Package review is the gate between import and the room: it finds personal
// data in transcripts and verbatims, turns findings into audio ranges to
// hide, and on approval renders the anonymized rendition, the only audio the
// room ever plays. Originals are deleted a grace period after approval.
package review

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"customerroom/media"
	"customerroom/media/audio"
	"customerroom/media/pii"
	"customerroom/media/redact"
)

// Checker finds personal data and proposes what to hide.
type Checker struct {
	Detector *pii.Detector
	// MarginMS widens a range around timed words (default redact.DefaultMarginMS).
	MarginMS int64
}

// NewChecker returns a checker with the built-in detector plus custom
// patterns for the company's own identifiers.
func NewChecker(custom []pii.Pattern) (*Checker, error) {
	d, err := pii.New(custom)
	if err != nil {
		return nil, err
	}
	return &Checker{Detector: d}, nil
}

// Text returns s masked, and what was found in it.
func (c *Checker) Text(s string) (string, []media.Finding) {
	fs := c.Detector.Find(s)
	out := make([]media.Finding, len(fs))
	for i, f := range fs {
		out[i] = media.Finding{Kind: string(f.Kind), Start: f.Start, End: f.End, Text: f.Text}
	}
	return pii.Mask(s, fs), out
}

// Cues checks each cue of a transcript: its masked text, its findings, and
// the audio ranges that hide them — only the words holding the data when
// the cue has word timings, else the whole cue, since where words fall in a
// cue is unknown (spoken digits take far longer than written ones). The
// ranges are validated against the recording's duration.
func (c *Checker) Cues(cues []media.ReviewCue, durationMS int64) ([]media.ReviewCue, []media.Redaction, error) {
	margin := c.MarginMS
	if margin == 0 {
		margin = redact.DefaultMarginMS
	}
	out := make([]media.ReviewCue, len(cues))
	var ranges []redact.Range
	for i, q := range cues {
		q.Idx = i
		q.Masked, q.Findings = c.Text(q.Text)
		out[i] = q
		if len(q.Findings) == 0 {
			continue
		}
		tc := redact.TimedCue{StartMS: q.StartMS, EndMS: q.EndMS, Text: q.Text}
		for _, w := range q.Words {
			tc.Words = append(tc.Words, redact.Word{StartMS: w.StartMS, EndMS: w.EndMS, Start: w.Start, End: w.End})
		}
		spans := make([]redact.Span, len(q.Findings))
		for j, f := range q.Findings {
			spans[j] = redact.Span{Start: f.Start, End: f.End}
		}
		ranges = append(ranges, redact.RangesFor(tc, spans, margin)...)
	}
	rs, err := redact.Validate(ranges, durationMS)
	if err != nil {
		return nil, nil, err
	}
	return out, toRedactions(rs), nil
}

func toRedactions(rs []redact.Range) []media.Redaction {
	out := make([]media.Redaction, len(rs))
	for i, r := range rs {
		out[i] = media.Redaction{StartMS: r.StartMS, EndMS: r.EndMS}
	}
	return out
}

func toRanges(rs []media.Redaction) []redact.Range {
	out := make([]redact.Range, len(rs))
	for i, r := range rs {
		out[i] = redact.Range{StartMS: r.StartMS, EndMS: r.EndMS}
	}
	return out
}

// Store is what the gate needs from the catalog; media/catalog implements it.
type Store interface {
	Review(ctx context.Context, id int64) (media.Review, error)
	SetTranscript(ctx context.Context, actor string, id int64, cues []media.ReviewCue, redactions []media.Redaction) error
	SetRedactions(ctx context.Context, actor string, id int64, rs []media.Redaction) error
	SetRender(ctx context.Context, id int64, st media.Render) error
	Approve(ctx context.Context, actor string, id int64, rendition string, loudnessLUFS, truePeakDBTP float64) error
	SetStatus(ctx context.Context, actor string, id int64, to media.Status, note string) (media.Recording, error)
	OriginalsDue(ctx context.Context, cutoff time.Time) ([]media.Recording, error)
	MarkOriginalDeleted(ctx context.Context, id int64) error
	Verbatims(ctx context.Context, f media.VerbatimFilter) ([]media.Verbatim, error)
	CheckVerbatim(ctx context.Context, id int64, masked string, fs []media.Finding) error
	SetVerbatimStatus(ctx context.Context, actor string, id int64, to media.Status, note string) error
}

// Gate runs the review: checks, edits, approval with rendering, rejection,
// withdrawal and the deletion of originals.
type Gate struct {
	Store   Store
	Checker *Checker
	Layout  media.Layout
	// Sound is what hides a range: a bleep (default) or silence.
	Sound redact.Sound
	// Grace is how long after approval the original is kept for staff to
	// check the redaction (default 7 days).
	Grace time.Duration
	// Submit runs a job in the import pool, so rendering never stalls the
	// player or a request; nil runs it at once.
	Submit func(ctx context.Context, job func(context.Context)) error
	// Changed is told when a recording's status changed (approved, withdrawn,
	// rejected), so the room, the player and the studio follow at once.
	Changed func(id int64, status media.Status)
	Clock   media.Clock
	Logger  *slog.Logger
}

func (g *Gate) log() *slog.Logger {
	if g.Logger == nil {
		return slog.Default()
	}
	return g.Logger
}

func (g *Gate) now() time.Time {
	if g.Clock == nil {
		return media.RealClock.Now()
	}
	return g.Clock.Now()
}

func (g *Gate) changed(id int64, st media.Status) {
	if g.Changed != nil {
		g.Changed(id, st)
	}
}

// Review returns a recording's review, checking its cues first if they were
// imported before the detector ran.
func (g *Gate) Review(ctx context.Context, id int64) (media.Review, error) {
	rv, err := g.Store.Review(ctx, id)
	if err != nil || checked(rv.Cues) {
		return rv, err
	}
	cues, rs, err := g.Checker.Cues(rv.Cues, rv.Recording.DurationMS)
	if err != nil {
		return rv, err
	}
	if err := g.Store.SetTranscript(ctx, "", id, cues, append(rv.Redactions, rs...)); err != nil {
		return rv, err
	}
	return g.Store.Review(ctx, id)
}

// checked reports whether every cue with text has been through the detector.
func checked(cs []media.ReviewCue) bool {
	for _, q := range cs {
		if q.Masked == "" && q.Text != "" {
			return false
		}
	}
	return true
}

// SetRedactions validates and saves a curator's ranges.
func (g *Gate) SetRedactions(ctx context.Context, actor string, id int64, rs []media.Redaction) ([]media.Redaction, error) {
	rv, err := g.Store.Review(ctx, id)
	if err != nil {
		return nil, err
	}
	if rv.Recording.Status != media.StatusPending {
		return nil, media.Errorf(media.EConflict, "recording %d is %s: withdraw it before changing what it hides", id, rv.Recording.Status)
	}
	valid, err := redact.Validate(toRanges(rs), rv.Recording.DurationMS)
	if err != nil {
		return nil, media.Errorf(media.EInvalid, "%v", err)
	}
	out := toRedactions(valid)
	return out, g.Store.SetRedactions(ctx, actor, id, out)
}

// EditTranscript replaces a pending recording's transcript with a curator's
// corrected cues: findings are detected again, and ranges for new findings
// are added to the curator's.
func (g *Gate) EditTranscript(ctx context.Context, actor string, id int64, cues []media.Cue) (media.Review, error) {
	rv, err := g.Store.Review(ctx, id)
	if err != nil {
		return rv, err
	}
	if rv.Recording.Status != media.StatusPending {
		return rv, media.Errorf(media.EConflict, "recording %d is %s: withdraw it before editing its transcript", id, rv.Recording.Status)
	}
	in := make([]media.ReviewCue, len(cues))
	for i, q := range cues {
		if q.EndMS <= q.StartMS || q.StartMS < 0 {
			return rv, media.Errorf(media.EInvalid, "cue %d: start_ms %d, end_ms %d: want 0 <= start < end", i+1, q.StartMS, q.EndMS)
		}
		in[i] = media.ReviewCue{Cue: q}
		// Word timings survive an edit only if the text did not change.
		if i < len(rv.Cues) && rv.Cues[i].Text == q.Text {
			in[i].Words = rv.Cues[i].Words
		}
	}
	out, rs, err := g.Checker.Cues(in, rv.Recording.DurationMS)
	if err != nil {
		return rv, media.Errorf(media.EInvalid, "%v", err)
	}
	merged, err := redact.Validate(append(toRanges(rv.Redactions), toRanges(rs)...), rv.Recording.DurationMS)
	if err != nil {
		return rv, media.Errorf(media.EInvalid, "%v", err)
	}
	if err := g.Store.SetTranscript(ctx, actor, id, out, toRedactions(merged)); err != nil {
		return rv, err
	}
	return g.Store.Review(ctx, id)
}

// Approve queues the rendering of a pending recording; the recording becomes
// approved, and playable, when its rendition is written and measured.
func (g *Gate) Approve(ctx context.Context, actor string, id int64) (media.Render, error) {
	rv, err := g.Review(ctx, id) // checks unchecked cues first
	if err != nil {
		return media.Render{}, err
	}
	if rv.Recording.Status != media.StatusPending {
		return rv.Render, media.Errorf(media.EConflict, "recording %d is %s, not pending", id, rv.Recording.Status)
	}
	if !rv.Original {
		return rv.Render, media.Errorf(media.EConflict, "recording %d has no original left to render", id)
	}
	if rv.Render.State == media.RenderQueued || rv.Render.State == media.RenderRendering {
		return rv.Render, nil
	}
	st := media.Render{State: media.RenderQueued}
	if err := g.Store.SetRender(ctx, id, st); err != nil {
		return st, err
	}
	job := func(ctx context.Context) { g.render(ctx, actor, id) }
	if g.Submit == nil {
		job(ctx)
		return st, nil
	}
	if err := g.Submit(context.WithoutCancel(ctx), job); err != nil {
		g.Store.SetRender(context.WithoutCancel(ctx), id, media.Render{State: media.RenderFailed, Error: err.Error()})
		return st, err
	}
	return st, nil
}

// render makes the rendition and approves the recording with it.
func (g *Gate) render(ctx context.Context, actor string, id int64) {
	fail := func(err error) {
		g.log().Error("rendition failed", "recording", id, "err", err)
		g.Store.SetRender(context.WithoutCancel(ctx), id, media.Render{State: media.RenderFailed, Error: err.Error()})
	}
	// A defect in decoding or rendering fails this rendition only: the
	// job runs on the pool's goroutine, where a panic would end the server.
	var rel string
	defer func() {
		if p := recover(); p != nil {
			g.log().Error("rendition: a defect stopped it", "recording", id, "panic", p, "stack", string(debug.Stack()))
			if rel != "" {
				os.Remove(g.Layout.Abs(rel))
			}
			fail(fmt.Errorf("the rendering failed (a defect, logged for the maintainers): %v", p))
		}
	}()
	rv, err := g.Store.Review(ctx, id)
	if err != nil {
		fail(err)
		return
	}
	g.Store.SetRender(ctx, id, media.Render{State: media.RenderRendering})
	rel = g.Layout.Rendition(rv.Recording.SHA256, g.now().UnixNano())
	lastSaved := time.Time{}
	progress := func(done, total int64) {
		if total > 0 && time.Since(lastSaved) > 250*time.Millisecond {
			lastSaved = time.Now()
			g.Store.SetRender(ctx, id, media.Render{State: media.RenderRendering, Progress: float64(done) / float64(total)})
		}
	}
	if err := g.writeRendition(ctx, rv, rel, progress); err != nil {
		fail(err)
		return
	}
	a, err := measure(g.Layout.Abs(rel))
	if err != nil {
		os.Remove(g.Layout.Abs(rel))
		fail(err)
		return
	}
	if err := g.Store.Approve(ctx, actor, id, rel, a.LoudnessLUFS, a.TruePeakDBTP); err != nil {
		os.Remove(g.Layout.Abs(rel))
		fail(err)
		return
	}
	g.log().Info("recording approved", "recording", id, "by", actor, "ranges", len(rv.Redactions))
	g.changed(id, media.StatusApproved)
}

// writeRendition renders the original with the review's ranges to rel,
// through a staging name.
func (g *Gate) writeRendition(ctx context.Context, rv media.Review, rel string, progress func(done, total int64)) error {
	src, err := os.Open(g.Layout.Abs(rv.Recording.Path))
	if err != nil {
		return fmt.Errorf("original of recording %d: %w", rv.Recording.ID, err)
	}
	defer src.Close()
	dst := g.Layout.Abs(rel)
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return err
	}
	return media.CreateStaged(g.Layout.Staging(), "rendition-*.part", func(f *os.File) error {
		_, err := redact.Render(ctx, f, src, toRanges(rv.Redactions), g.Sound, progress)
		return err
	}, func(staged string) error { return os.Rename(staged, dst) })
}

func measure(path string) (audio.Analysis, error) {
	f, err := os.Open(path)
	if err != nil {
		return audio.Analysis{}, err
	}
	defer f.Close()
	s, _, err := audio.Open(f)
	if err != nil {
		return audio.Analysis{}, err
	}
	return audio.Analyze(s, audio.AnalyzeOptions{MaxPixels: 1})
}

// Preview renders a pending recording with its current ranges for a curator
// to hear, and returns the file's path. Previews live in staging/ and are
// made again when the ranges change.
func (g *Gate) Preview(ctx context.Context, id int64) (string, error) {
	rv, err := g.Review(ctx, id)
	if err != nil {
		return "", err
	}
	if !rv.Original {
		return "", media.Errorf(media.ENotFound, "recording %d: the original was deleted after approval", id)
	}
	key := fmt.Sprintf("preview-%d-%x.wav", id, hashRanges(rv.Redactions))
	path := filepath.Join(g.Layout.Staging(), key)
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	old, _ := filepath.Glob(filepath.Join(g.Layout.Staging(), fmt.Sprintf("preview-%d-*.wav", id)))
	for _, p := range old {
		os.Remove(p)
	}
	src, err := os.Open(g.Layout.Abs(rv.Recording.Path))
	if err != nil {
		return "", fmt.Errorf("original of recording %d: %w", id, err)
	}
	defer src.Close()
	err = media.CreateStaged(g.Layout.Staging(), "preview-*.part", func(f *os.File) error {
		_, err := redact.Render(ctx, f, src, toRanges(rv.Redactions), g.Sound, nil)
		return err
	}, func(staged string) error { return os.Rename(staged, path) })
	return path, err
}

func hashRanges(rs []media.Redaction) uint64 {
	h := uint64(14695981039346656037)
	for _, r := range rs {
		for _, v := range []int64{r.StartMS, r.EndMS} {
			h = (h ^ uint64(v)) * 1099511628211
		}
	}
	return h
}

// Reject refuses a pending recording, with the curator's reason.
func (g *Gate) Reject(ctx context.Context, actor string, id int64, reason string) error {
	if _, err := g.Store.SetStatus(ctx, actor, id, media.StatusRejected, reason); err != nil {
		return err
	}
	g.changed(id, media.StatusRejected)
	return nil
}

// Withdraw takes an approved recording out of the room at once: it becomes
// pending again, so nothing resolves it any more, and Changed lets the
// player and the screen drop it.
func (g *Gate) Withdraw(ctx context.Context, actor string, id int64) error {
	if _, err := g.Store.SetStatus(ctx, actor, id, media.StatusPending, ""); err != nil {
		return err
	}
	g.Store.SetRender(ctx, id, media.Render{State: media.RenderNone})
	g.changed(id, media.StatusPending)
	return nil
}

// PurgeOriginals deletes the originals of recordings approved more than
// Grace ago; the room keeps its rendition. It returns how many it deleted.
func (g *Gate) PurgeOriginals(ctx context.Context) (int, error) {
	grace := g.Grace
	if grace <= 0 {
		grace = 7 * 24 * time.Hour
	}
	due, err := g.Store.OriginalsDue(ctx, g.now().Add(-grace))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range due {
		if err := os.Remove(g.Layout.Abs(r.Path)); err != nil && !os.IsNotExist(err) {
			return n, err
		}
		if err := g.Store.MarkOriginalDeleted(ctx, r.ID); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// CheckVerbatims runs the detector on verbatims not checked yet.
func (g *Gate) CheckVerbatims(ctx context.Context) error {
	vs, err := g.Store.Verbatims(ctx, media.VerbatimFilter{})
	if err != nil {
		return err
	}
	for _, v := range vs {
		if v.Masked != "" || v.Text == "" {
			continue
		}
		masked, fs := g.Checker.Text(v.Text)
		if err := g.Store.CheckVerbatim(ctx, v.ID, masked, fs); err != nil {
			return err
		}
	}
	return nil
}

// SetVerbatimStatus approves, rejects or withdraws a verbatim, checking it
// first if it was imported before the detector ran.
func (g *Gate) SetVerbatimStatus(ctx context.Context, actor string, id int64, to media.Status, note string) error {
	if to == media.StatusApproved {
		if err := g.CheckVerbatims(ctx); err != nil {
			return err
		}
	}
	return g.Store.SetVerbatimStatus(ctx, actor, id, to, note)
}
