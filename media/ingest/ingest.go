package ingest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"customerroom/media"
	"customerroom/media/audio"
	"customerroom/media/redact"
	"customerroom/media/review"
)

// ImportStatus is the outcome of importing one file.
type ImportStatus string

// The outcomes `import --json` reports.
const (
	Imported  ImportStatus = "imported"
	Duplicate ImportStatus = "duplicate"
	Rejected  ImportStatus = "rejected"
)

// ImportResult is one line of `customer-room import --json`.
type ImportResult struct {
	Path         string       `json:"path"`
	Status       ImportStatus `json:"status"`
	ID           int64        `json:"id"`
	DurationMS   int64        `json:"duration_ms"`
	LoudnessLUFS float64      `json:"loudness_lufs"`
	TruePeakDBTP float64      `json:"true_peak_dbtp"`
	Cues         int          `json:"cues"`
	Error        string       `json:"error,omitempty"`
	// Verbatims is how many verbatims a CSV or JSON export added; not part
	// of the `import --json` contract, so it never appears there.
	Verbatims int `json:"-"`
	// VerbatimDuplicates is how many of the export's rows were in the
	// library already.
	VerbatimDuplicates int `json:"-"`
	// IsVerbatims says the file was a verbatim export, not a call.
	IsVerbatims bool `json:"-"`
	// Retry is set when a rejection is not the file's fault (the import was
	// cancelled, the disk or the catalog failed): the drop folder keeps such
	// a file for the next attempt instead of quarantining it.
	Retry bool `json:"-"`

	// readSize and readMTime are the file as the import read it: the drop
	// folder removes only that file, not one a writer has added to since.
	readSize  int64
	readMTime time.Time
}

// retryError marks a failure of the machine rather than of the file.
type retryError struct{ err error }

func (e retryError) Error() string { return e.err.Error() }
func (e retryError) Unwrap() error { return e.err }

func retryable(err error) error {
	if err == nil {
		return nil
	}
	return retryError{err}
}

// Catalog is what ingest needs from the library's database: media/catalog
// implements it.
type Catalog interface {
	RecordingBySHA256(ctx context.Context, sum string) (media.Recording, error)
	AddRecording(ctx context.Context, n media.NewRecording) (int64, error)
	// AddVerbatimSeq stores verbatims in one transaction as they arrive.
	AddVerbatimSeq(ctx context.Context, vs iter.Seq[media.Verbatim]) (int, error)
	// ReferencedFiles is every library file (relative to the data dir,
	// forward slashes) a recording points at.
	ReferencedFiles(ctx context.Context) (map[string]bool, error)
}

// Importer brings audio files into the library: analyze, copy in atomically,
// then record in the catalog. Nothing partial is ever left behind.
type Importer struct {
	Catalog Catalog
	// Clock dates imports and expiries (default media.RealClock).
	Clock media.Clock
	// DataDir holds library/ (originals) and staging/ (copies in flight).
	DataDir string
	// Retention is how long after the call a recording is kept (default 6 months).
	Retention time.Duration
	Logger    *slog.Logger
	// Checker finds personal data in transcripts, titles and verbatims at
	// import, so the review starts with findings and proposed ranges. Without
	// one, items stay unchecked: the room reads none of their text.
	Checker *review.Checker

	// afterCopy runs between the copy into library/ and the catalog insert;
	// the crash test kills the process there, the worst moment.
	afterCopy func()
}

// ImportOptions carries what the caller already knows about a file.
type ImportOptions struct {
	// Approve marks the recording approved at once, with the original as its
	// rendition: only for material that is anonymized already (the demo library).
	Approve bool
	Demo    bool
	// Transcript and Metadata override sidecar files next to the audio.
	Transcript []media.Cue
	Metadata   *media.Metadata
	// ExpiresAt overrides the retention rule (the synthetic demo never expires).
	ExpiresAt time.Time
}

// DefaultRetention is how long a recording is kept after its call when the
// configuration does not say: six months, as the room's privacy rules ask (README, "Listening station").
const DefaultRetention = 183 * 24 * time.Hour

// ImportFile imports one audio file with its sidecars (NAME.vtt or NAME.srt,
// NAME.json). A bad file gives a Rejected result whose Error says why.
func (im *Importer) ImportFile(ctx context.Context, path string, opt ImportOptions) (res ImportResult) {
	res = ImportResult{Path: path}
	defer im.survive(&res)
	id, dup, a, cues, err := im.openAndImport(ctx, path, opt, &res)
	switch {
	case err != nil:
		var re retryError
		res.Status, res.Error = Rejected, err.Error()
		res.Retry = errors.As(err, &re) || ctx.Err() != nil
	case dup:
		res.Status = Duplicate
	default:
		res.Status = Imported
	}
	res.ID, res.Cues = id, cues
	if a != nil {
		res.DurationMS, res.LoudnessLUFS, res.TruePeakDBTP = a.DurationMS, a.LoudnessLUFS, a.TruePeakDBTP
	}
	return res
}

// openAndImport opens path (see openRegular) and notes in res the size and
// mtime the import read, so the drop folder can tell a file that changed
// since from the one imported.
func (im *Importer) openAndImport(ctx context.Context, path string, opt ImportOptions, res *ImportResult) (int64, bool, *audio.Analysis, int, error) {
	f, st, err := openRegular(path)
	if err != nil {
		return 0, false, nil, 0, err
	}
	defer f.Close()
	res.readSize, res.readMTime = st.Size(), st.ModTime()
	return im.importFile(ctx, f, st, path, opt)
}

// changedSince tells whether the open file f is no longer the st it was
// when the import began: bytes added (a writer that paused), or rewritten.
func changedSince(f *os.File, st os.FileInfo, read int64) error {
	now, err := f.Stat()
	if err != nil {
		return retryable(err)
	}
	if read != st.Size() || now.Size() != st.Size() || !now.ModTime().Equal(st.ModTime()) {
		return retryable(fmt.Errorf("%s changed while it was imported (%d bytes read, %d now): it is tried again once its copy is complete",
			filepath.Base(f.Name()), read, now.Size()))
	}
	return nil
}

func (im *Importer) importFile(ctx context.Context, f *os.File, st os.FileInfo, path string, opt ImportOptions) (id int64, dup bool, a *audio.Analysis, ncues int, err error) {
	if st.Size() == 0 {
		return 0, false, nil, 0, errors.New("empty file (0 bytes)")
	}
	sum, read, err := hashFile(f)
	if err != nil {
		return 0, false, nil, 0, retryable(err)
	}
	if err := changedSince(f, st, read); err != nil {
		return 0, false, nil, 0, err
	}
	if r, err := im.Catalog.RecordingBySHA256(ctx, sum); err == nil {
		return r.ID, true, &audio.Analysis{DurationMS: r.DurationMS, LoudnessLUFS: r.LoudnessLUFS, TruePeakDBTP: r.TruePeakDBTP}, r.Cues, nil
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return 0, false, nil, 0, retryable(err)
	}
	stream, info, err := audio.Open(ctxReader{ctx, f})
	if err != nil {
		return 0, false, nil, 0, fmt.Errorf("not a supported audio file: %w", err)
	}
	an, err := audio.Analyze(stream, audio.AnalyzeOptions{})
	if err != nil {
		return 0, false, nil, 0, fmt.Errorf("decode: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return 0, false, nil, 0, retryable(err)
	}
	if an.Frames == 0 {
		return 0, false, nil, 0, errors.New("no audio in file")
	}
	var cues []media.ReviewCue
	if opt.Transcript != nil {
		for i, q := range opt.Transcript {
			cues = append(cues, media.ReviewCue{Idx: i, Cue: q})
		}
	} else if cues, err = readTranscriptSidecar(path); err != nil {
		return 0, false, &an, 0, err
	}
	var (
		checked    []media.ReviewCue
		redactions []media.Redaction
	)
	if im.Checker != nil {
		if checked, redactions, err = im.Checker.Cues(cues, an.DurationMS); err != nil {
			return 0, false, &an, 0, fmt.Errorf("transcript: %w", err)
		}
	}
	meta := opt.Metadata
	if meta == nil {
		if meta, err = readMetadataSidecar(path); err != nil {
			return 0, false, &an, 0, err
		}
	}
	peaks, err := json.Marshal(an.Peaks)
	if err != nil {
		return 0, false, &an, 0, err
	}
	rel, err := im.copyIn(f, sum, string(info.Format), read)
	if err != nil {
		return 0, false, &an, 0, retryable(fmt.Errorf("copy into the library: %w", err))
	}
	// A defect from here on (see survive) must not leave the copy behind.
	defer func() {
		if p := recover(); p != nil {
			os.Remove(filepath.Join(im.DataDir, rel))
			panic(p)
		}
	}()
	if im.afterCopy != nil {
		im.afterCopy()
	}
	// The bytes measured and copied must be the whole file: a copy that
	// resumed meanwhile makes this import a truncated call.
	if err := changedSince(f, st, read); err != nil {
		os.Remove(filepath.Join(im.DataDir, rel))
		return 0, false, &an, 0, err
	}
	now := im.Now()
	rec := media.Recording{
		SHA256: sum, Title: meta.Title, SourceName: filepath.Base(path), Path: rel,
		Format: string(info.Format), Codec: info.Codec, SampleRate: an.SampleRate, Channels: an.Channels,
		DurationMS: an.DurationMS, LoudnessLUFS: an.LoudnessLUFS, TruePeakDBTP: an.TruePeakDBTP,
		Sentiment: meta.Sentiment, Score: meta.Score, Topic: meta.Topic, Product: meta.Product, Channel: meta.Channel,
		CallDate: meta.Date, Demo: opt.Demo, CreatedAt: now, ExpiresAt: im.expiry(meta.Date, now),
	}
	if rec.Title == "" {
		rec.Title = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	if im.Checker != nil {
		// The title is shown to the room: it gets the same masking.
		rec.Title, _ = im.Checker.Text(rec.Title)
	}
	if !opt.ExpiresAt.IsZero() {
		rec.ExpiresAt = opt.ExpiresAt
	}
	if opt.Approve {
		rec.Status, rec.Rendition = media.StatusApproved, rel
	}
	plain := make([]media.Cue, len(cues))
	for i, q := range cues {
		plain[i] = q.Cue
	}
	id, err = im.Catalog.AddRecording(ctx, media.NewRecording{Recording: rec, Peaks: peaks, Transcript: plain, Review: checked, Redactions: redactions})
	if err != nil {
		// Another worker may have imported the same bytes meanwhile: the
		// library file is then theirs (same hash, same name) and must stay.
		if r, lerr := im.Catalog.RecordingBySHA256(context.WithoutCancel(ctx), sum); lerr == nil {
			return r.ID, true, &an, r.Cues, nil
		}
		os.Remove(filepath.Join(im.DataDir, rel))
		return 0, false, &an, 0, retryable(fmt.Errorf("catalog: %w", err))
	}
	im.logger().Info("imported", "path", path, "id", id, "duration_ms", an.DurationMS, "lufs", an.LoudnessLUFS)
	return id, false, &an, len(cues), nil
}

// survive turns a panic while importing one file into that file's
// rejection: a file a decoder or parser cannot handle (a defect to fix)
// costs that file, not the server and every later import. The drop folder
// quarantines it with the reason; the stack goes to the log. Deferred
// cleanups have run by then: nothing staged is left behind.
func (im *Importer) survive(res *ImportResult) {
	p := recover()
	if p == nil {
		return
	}
	im.logger().Error("import: a defect stopped this file's import", "path", res.Path, "panic", p, "stack", string(debug.Stack()))
	res.Status, res.Retry = Rejected, false
	res.Error = fmt.Sprintf("the importer failed on this file (a defect, logged for the maintainers): %v", p)
}

func (im *Importer) logger() *slog.Logger {
	if im.Logger == nil {
		return slog.Default()
	}
	return im.Logger
}

// expiry is the call date (or the import time when unknown) plus retention.
func (im *Importer) expiry(callDate string, now time.Time) time.Time {
	ret := im.Retention
	if ret <= 0 {
		ret = DefaultRetention
	}
	base := now
	if t, err := time.Parse("2006-01-02", callDate); err == nil {
		base = t
	} else if t, err := time.Parse(time.RFC3339, callDate); err == nil {
		base = t
	}
	return base.Add(ret)
}

// ctxReader stops a decode when the import is cancelled, so shutting down
// does not wait for a one-hour call to be measured.
type ctxReader struct {
	ctx context.Context
	f   io.ReadSeeker
}

func (r ctxReader) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	return r.f.Read(p)
}

func (r ctxReader) Seek(off int64, whence int) (int64, error) { return r.f.Seek(off, whence) }

// hashFile returns the sha256 of what r holds and how many bytes that was.
func hashFile(r io.Reader) (string, int64, error) {
	h := sha256.New()
	n, err := io.Copy(h, r)
	if err != nil {
		return "", n, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// copyIn copies the original into library/ under its hash: first to a staging
// name, synced, then renamed, so a crash never leaves a half-written library file.
func (im *Importer) copyIn(f *os.File, sum, ext string, size int64) (string, error) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	lay := im.layout()
	rel := lay.Original(sum, ext)
	dst := lay.Abs(rel)
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return "", err
	}
	err := media.CreateStaged(lay.Staging(), sum[:8]+"-*.part", func(out *os.File) error {
		n, err := io.Copy(out, f)
		if err == nil && n != size {
			err = fmt.Errorf("copied %d bytes of the %d hashed", n, size)
		}
		return err
	}, func(staged string) error {
		return os.Rename(staged, dst)
	})
	return rel, err
}

// layout is where the importer's data folder keeps things.
func (im *Importer) layout() media.Layout { return media.Layout{Dir: im.DataDir} }

// readTranscriptSidecar reads NAME.vtt or NAME.srt next to the audio, or a
// whisper JSON transcript (NAME.wav.json as whisper.cpp names it, or
// NAME.json when it holds segments). WebVTT inline timestamps and whisper
// words give word timings, so only the words holding personal data are hidden.
func readTranscriptSidecar(audioPath string) ([]media.ReviewCue, error) {
	base := strings.TrimSuffix(audioPath, filepath.Ext(audioPath))
	for _, ext := range []string{"vtt", "srt"} {
		data, err := readSidecar(base+"."+ext, maxTranscriptBytes)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		cues, err := ReadTranscript(bytes.NewReader(data), ext)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Base(base+"."+ext), err)
		}
		out := make([]media.ReviewCue, len(cues))
		for i, q := range cues {
			out[i] = media.ReviewCue{Idx: i, Cue: q}
		}
		if ext == "vtt" {
			attachVTTWords(out, data)
		}
		return out, nil
	}
	for _, name := range []string{audioPath + ".json", base + ".json"} {
		data, err := readSidecar(name, maxWhisperBytes)
		if errors.Is(err, os.ErrNotExist) || err == nil && !isWhisperJSON(data) {
			continue
		}
		if err != nil {
			return nil, err
		}
		tcs, err := redact.ParseWhisperJSON(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Base(name), err)
		}
		out := make([]media.ReviewCue, len(tcs))
		for i, tc := range tcs {
			out[i] = media.ReviewCue{Idx: i, Cue: media.Cue{StartMS: tc.StartMS, EndMS: tc.EndMS, Speaker: tc.Speaker, Text: tc.Text}, Words: words(tc.Words)}
		}
		return out, nil
	}
	return []media.ReviewCue{}, nil
}

// The most a sidecar of each kind may hold. A one-hour call's WebVTT is
// about 1 MB and its whisper JSON with word timings about 10 MB; metadata is
// a handful of fields.
const (
	maxWhisperBytes  = 2 * maxTranscriptBytes
	maxMetadataBytes = 64 << 10
)

// openRegular opens name for reading only when it is a regular file in its
// own right. Anyone who can write to the drop folder can put anything there
// under a sidecar's name: a link is refused without being followed
// (O_NOFOLLOW: a link to /etc/passwd or /dev/zero), and a FIFO or a device
// can neither block the open (O_NONBLOCK) nor pass the fstat that follows.
func openRegular(name string) (*os.File, os.FileInfo, error) {
	f, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if errors.Is(err, syscall.ELOOP) {
		return nil, nil, media.Errorf(media.EInvalid, "%s is a link, not a file: drop the file itself", filepath.Base(name))
	}
	if err != nil {
		return nil, nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, nil, media.Errorf(media.EInvalid, "%s is not a regular file (%s)", filepath.Base(name), st.Mode().Type())
	}
	return f, st, nil
}

// readSidecar reads a sidecar of at most limit bytes (see openRegular for
// what it refuses to open).
func readSidecar(name string, limit int64) ([]byte, error) {
	f, st, err := openRegular(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	tooBig := media.Errorf(media.EInvalid, "%s is larger than %d KB", filepath.Base(name), limit>>10)
	if st.Size() > limit {
		return nil, tooBig
	}
	// The size can still grow while we read: the limit holds anyway.
	buf := bytes.NewBuffer(make([]byte, 0, st.Size()+1))
	if _, err := buf.ReadFrom(io.LimitReader(f, limit+1)); err != nil {
		return nil, err
	}
	if int64(buf.Len()) > limit {
		return nil, tooBig
	}
	return buf.Bytes(), nil
}

// isWhisperJSON tells a whisper transcript from the metadata sidecar.
func isWhisperJSON(data []byte) bool {
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil {
		return false
	}
	_, seg := top["segments"]
	_, tr := top["transcription"]
	return seg || tr
}

// attachVTTWords gives each cue the word timings of its inline timestamps,
// where the word parser read the same cue with the same text (the offsets
// of words refer to that text).
func attachVTTWords(cues []media.ReviewCue, data []byte) {
	tcs, err := redact.ParseVTTWords(bytes.NewReader(data))
	if err != nil || len(tcs) != len(cues) {
		return
	}
	for i, tc := range tcs {
		if tc.StartMS == cues[i].StartMS && tc.Text == cues[i].Text {
			cues[i].Words = words(tc.Words)
		}
	}
}

func words(ws []redact.Word) []media.Word {
	var out []media.Word
	for _, w := range ws {
		out = append(out, media.Word{StartMS: w.StartMS, EndMS: w.EndMS, Start: w.Start, End: w.End})
	}
	return out
}

func readMetadataSidecar(audioPath string) (*media.Metadata, error) {
	name := strings.TrimSuffix(audioPath, filepath.Ext(audioPath)) + ".json"
	data, err := readSidecar(name, maxWhisperBytes) // NAME.json may be a whisper transcript
	if errors.Is(err, os.ErrNotExist) {
		return &media.Metadata{}, nil
	}
	if err != nil {
		return nil, err
	}
	return parseMetadata(filepath.Base(name), data)
}

// parseMetadata reads the bytes of the metadata sidecar called name: a
// whisper transcript (the same NAME.json) is no metadata, the score is
// 0..10 and the sentiment one of the stored words.
func parseMetadata(name string, data []byte) (*media.Metadata, error) {
	if isWhisperJSON(data) {
		return &media.Metadata{}, nil // a transcript, read by readTranscriptSidecar
	}
	if len(data) > maxMetadataBytes {
		return nil, media.Errorf(media.EInvalid, "%s is larger than %d KB for metadata", name, maxMetadataBytes>>10)
	}
	var m media.Metadata
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: malformed metadata: %w", name, err)
	}
	if m.Score != nil && (*m.Score < 0 || *m.Score > 10) {
		return nil, fmt.Errorf("%s: score %d is outside 0..10", name, *m.Score)
	}
	var err error
	if m.Sentiment, err = media.NormalizeSentiment(m.Sentiment); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &m, nil
}

// Now is the time on the importer's clock.
func (im *Importer) Now() time.Time {
	if im.Clock == nil {
		return media.RealClock.Now()
	}
	return im.Clock.Now()
}
