package ingest

import (
	"context"
	"customerroom/media"
	"customerroom/media/catalog"
	"customerroom/media/review"
	"encoding/json"
	"io"
	"iter"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// newImporter gives an Importer over a fresh catalog in a temp data dir.
func newImporter(t testing.TB) *Importer {
	t.Helper()
	dir := t.TempDir()
	cat, err := catalog.Open(context.Background(), filepath.Join(dir, "catalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cat.Close() })
	chk, err := review.NewChecker(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &Importer{Catalog: cat, DataDir: dir, Checker: chk, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

// libraryFiles lists what is under library/ and staging/.
func libraryFiles(t testing.TB, im *Importer) []string {
	t.Helper()
	var out []string
	for _, d := range []string{"library", "staging"} {
		filepath.WalkDir(filepath.Join(im.DataDir, d), func(p string, e os.DirEntry, err error) error {
			if err == nil && e.Type().IsRegular() {
				out = append(out, p)
			}
			return nil
		})
	}
	return out
}

type reference struct {
	DurationMS   int64   `json:"duration_ms"`
	LoudnessLUFS float64 `json:"loudness_lufs"`
	TruePeakDBTP float64 `json:"true_peak_dbtp"`
	Cues         int     `json:"cues"`
}

// TestImportMatchesReference is the acceptance check on the committed
// fixtures: durations, loudness and true peak against ffprobe/ffmpeg ebur128
// figures in testdata/reference.json, and cue counts against the sidecars.
func TestImportMatchesReference(t *testing.T) {
	data, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var refs map[string]reference
	if err := json.Unmarshal(data, &refs); err != nil {
		t.Fatal(err)
	}
	if len(refs) < 7 {
		t.Fatalf("reference.json has %d entries", len(refs))
	}
	im := newImporter(t)
	for name, ref := range refs {
		t.Run(name, func(t *testing.T) {
			res := im.ImportFile(context.Background(), filepath.Join("testdata", name), ImportOptions{})
			if res.Status != Imported {
				t.Fatalf("status %s: %s", res.Status, res.Error)
			}
			checkAgainst(t, res, ref, strings.HasSuffix(name, ".mp3"))
		})
	}
}

func checkAgainst(t *testing.T, res ImportResult, ref reference, mp3 bool) {
	t.Helper()
	tol := int64(30)
	if mp3 {
		tol = 80
	}
	if d := res.DurationMS - ref.DurationMS; d < -tol || d > tol {
		t.Errorf("duration %d ms, reference %d ms (±%d)", res.DurationMS, ref.DurationMS, tol)
	}
	if math.Abs(res.LoudnessLUFS-ref.LoudnessLUFS) > 0.5 {
		t.Errorf("loudness %.2f LUFS, ffmpeg %.1f (±0.5)", res.LoudnessLUFS, ref.LoudnessLUFS)
	}
	if math.Abs(res.TruePeakDBTP-ref.TruePeakDBTP) > 1 {
		t.Errorf("true peak %.2f dBTP, ffmpeg %.1f (±1)", res.TruePeakDBTP, ref.TruePeakDBTP)
	}
	if ref.Cues >= 0 && res.Cues != ref.Cues {
		t.Errorf("cues %d, transcript has %d", res.Cues, ref.Cues)
	}
}

func TestImportSidecarsAndDuplicate(t *testing.T) {
	im := newImporter(t)
	ctx := context.Background()
	res := im.ImportFile(ctx, "testdata/call.flac", ImportOptions{})
	if res.Status != Imported || res.Cues != 2 {
		t.Fatalf("%+v", res)
	}
	r, err := catOf(im).Recording(ctx, res.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.Title != "Facture fausse" || r.CallDate != "2026-05-02" || r.Score == nil || *r.Score != 3 || r.Sentiment != "negatif" || r.Channel != "telephone" || r.Topic != "Facturation" {
		t.Errorf("metadata sidecar not applied: %+v", r)
	}
	cues, _ := catOf(im).Transcript(ctx, res.ID)
	if len(cues) != 2 || cues[0].Speaker != "Conseiller" || cues[1].Speaker != "Client" || cues[0].StartMS != 200 {
		t.Errorf("cues %+v", cues)
	}
	again := im.ImportFile(ctx, "testdata/call.flac", ImportOptions{})
	if again.Status != Duplicate || again.ID != res.ID {
		t.Errorf("re-import: %+v", again)
	}
	if n := len(libraryFiles(t, im)); n != 1 {
		t.Errorf("library holds %d files, want 1", n)
	}
}

// writeFile writes a file into dir and returns its path.
func writeFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func mustRead(t testing.TB, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestImportRejectsCorruptFiles: every corrupt file gets a clear error (or,
// truncated, the audio that is there) and leaves nothing in the catalog or
// the library.
func TestImportRejectsCorruptFiles(t *testing.T) {
	wav := mustRead(t, "testdata/call-8k.wav")
	flac := mustRead(t, "testdata/call.flac")
	random := make([]byte, 4096)
	for i := range random {
		random[i] = byte(i*7919 + i>>3)
	}
	tests := []struct {
		name string
		data []byte
		want string // substring of the error; "" = truncated, the audio there is kept
	}{
		{"empty.wav", nil, "empty file"},
		{"random.wav", random, "not a supported audio file"},
		{"text.mp3", []byte("this is not an mp3, just a note someone renamed\n"), "not a supported audio file"},
		{"header-only.wav", wav[:44], "no audio"},
		{"cut-flac.flac", flac[:200], ""},
		{"riff-only.wav", wav[:12], "not a supported audio file"},
		{"truncated.wav", wav[:len(wav)/2], ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			im := newImporter(t)
			p := writeFile(t, t.TempDir(), tc.name, tc.data)
			res := im.ImportFile(context.Background(), p, ImportOptions{})
			n, _ := catOf(im).CountRecordings(context.Background())
			if tc.want == "" {
				if res.Status == Imported && res.DurationMS > 0 {
					return // truncated: the audio that is there
				}
				if res.Status != Rejected || res.Error == "" {
					t.Fatalf("truncated file: %+v", res)
				}
			} else if res.Status != Rejected || !strings.Contains(res.Error, tc.want) {
				t.Fatalf("got %s %q, want rejected with %q", res.Status, res.Error, tc.want)
			}
			if res.Retry {
				t.Errorf("a bad file must not be marked for retry")
			}
			if n != 0 || len(libraryFiles(t, im)) != 0 {
				t.Errorf("rejected file left %d rows, files %v", n, libraryFiles(t, im))
			}
		})
	}
}

// TestImportRejectsBadSidecars: a malformed transcript or metadata sidecar
// rejects its audio file, with the sidecar named in the error.
func TestImportRejectsBadSidecars(t *testing.T) {
	wav := mustRead(t, "testdata/call-8k.wav")
	tests := []struct {
		name, sidecar, body, want string
	}{
		{"json-syntax", "json", `{"title": "x",`, "malformed metadata"},
		{"json-array", "json", `[1,2]`, "malformed metadata"},
		{"json-score-type", "json", `{"score": "huit"}`, "malformed metadata"},
		{"json-score-range", "json", `{"score": 11}`, "outside 0..10"},
		{"json-score-negative", "json", `{"score": -1}`, "outside 0..10"},
		{"json-title-type", "json", `{"title": 5}`, "malformed metadata"},
		{"vtt-no-header", "vtt", "00:00:01.000 --> 00:00:02.000\nbonjour\n", "missing WEBVTT header"},
		{"vtt-backwards", "vtt", "WEBVTT\n\n00:00:05.000 --> 00:00:02.000\nbonjour\n", "ends before it starts"},
		{"srt-latin1", "srt", "1\n00:00:01,000 --> 00:00:02,000\nr\xe9sili\xe9\n", "not UTF-8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			im := newImporter(t)
			dir := t.TempDir()
			p := writeFile(t, dir, "call.wav", wav)
			writeFile(t, dir, "call."+tc.sidecar, []byte(tc.body))
			res := im.ImportFile(context.Background(), p, ImportOptions{})
			if res.Status != Rejected || !strings.Contains(res.Error, tc.want) || !strings.Contains(res.Error, "call."+tc.sidecar) {
				t.Fatalf("got %s %q, want rejected naming call.%s with %q", res.Status, res.Error, tc.sidecar, tc.want)
			}
			if n, _ := catOf(im).CountRecordings(context.Background()); n != 0 || len(libraryFiles(t, im)) != 0 {
				t.Errorf("rejected file left rows or files")
			}
		})
	}
}

func TestImportPathsWalksFolders(t *testing.T) {
	im := newImporter(t)
	dir := t.TempDir()
	sub := filepath.Join(dir, "a", "b")
	os.MkdirAll(sub, 0o755)
	writeFile(t, sub, "call.wav", mustRead(t, "testdata/call-8k.wav"))
	writeFile(t, sub, "call.vtt", mustRead(t, "testdata/call-8k.vtt"))
	writeFile(t, sub, "call.json", mustRead(t, "testdata/call.json"))
	writeFile(t, dir, "verbatims.csv", []byte("texte;note\nTrès bien;9\n"))
	writeFile(t, dir, "verbatims.json", []byte(`[{"text":"Parfait","score":"10/10"}]`))
	writeFile(t, dir, "notes.txt", []byte("hello"))
	res := im.ImportPaths(context.Background(), []string{dir})
	got := map[string]ImportStatus{}
	for _, r := range res {
		got[filepath.Base(r.Path)] = r.Status
	}
	want := map[string]ImportStatus{"call.wav": Imported, "verbatims.csv": Imported, "verbatims.json": Imported, "notes.txt": Rejected}
	if len(got) != len(want) {
		t.Fatalf("results %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %s, want %s", k, got[k], v)
		}
	}
	vs, _ := catOf(im).Verbatims(context.Background(), media.VerbatimFilter{})
	if len(vs) != 2 {
		t.Errorf("%d verbatims, want 2", len(vs))
	}
}

// catOf is the real catalog behind an importer made by newImporter.
func catOf(im *Importer) *catalog.Catalog { return im.Catalog.(*catalog.Catalog) }

// FuzzParseMetadata feeds arbitrary bytes to the metadata sidecar's parser:
// what it accepts has a score in 0..10 and a stored sentiment word, and a
// whisper transcript under the same name is never taken for metadata.
func FuzzParseMetadata(f *testing.F) {
	for _, s := range []string{
		`{"title":"Retard de livraison","product":"Box","date":"2026-05-02","channel":"phone","topic":"Livraison","score":3,"sentiment":"Négatif"}`,
		`{"score": 11}`, `{"score": -1}`, `{"score": "huit"}`, `{"sentiment": "furieux"}`, `[1,2]`, `{"title": "x",`,
		`{"segments":[{"start":0,"end":1,"text":"allo"}]}`, `{"transcription":[]}`, `null`, `{"score":null,"sentiment":" POS "}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := parseMetadata("call.json", data)
		if err != nil {
			if m != nil {
				t.Fatal("metadata and an error")
			}
			return
		}
		if m.Score != nil && (*m.Score < 0 || *m.Score > 10) {
			t.Fatalf("score %d accepted", *m.Score)
		}
		if s, err := media.NormalizeSentiment(m.Sentiment); err != nil || s != m.Sentiment {
			t.Fatalf("sentiment %q is not a stored word", m.Sentiment)
		}
		if isWhisperJSON(data) && *m != (media.Metadata{}) {
			t.Fatalf("a whisper transcript read as metadata %+v", m)
		}
	})
}

// TestImportSurvivesADefect: a panic while importing one file (a decoder
// or parser defect, as the fuzzers found in Sniff) rejects that file with
// a reason and leaves nothing in library/ or staging/; the importer, and
// the server running it, go on with the next file.
func TestImportSurvivesADefect(t *testing.T) {
	im := newImporter(t)
	path := writeFile(t, t.TempDir(), "call.wav", mustRead(t, "testdata/call-8k.wav"))
	im.afterCopy = func() { panic("index out of range [7] with length 7") }
	res := im.ImportFile(context.Background(), path, ImportOptions{})
	if res.Status != Rejected || res.Retry || !strings.Contains(res.Error, "a defect") || !strings.Contains(res.Error, "index out of range") {
		t.Fatalf("%+v", res)
	}
	if files := libraryFiles(t, im); len(files) != 0 {
		t.Fatalf("left behind: %v", files)
	}
	if recs, _ := catOf(im).Recordings(context.Background(), media.RecordingFilter{}); len(recs) != 0 {
		t.Fatalf("%d recordings after a failed import", len(recs))
	}
	im.afterCopy = nil
	if res := im.ImportFile(context.Background(), path, ImportOptions{}); res.Status != Imported {
		t.Fatalf("the next import: %+v", res)
	}
	// Verbatims too.
	csv := writeFile(t, t.TempDir(), "v.csv", []byte("texte\nun commentaire\n"))
	im.Catalog = panickyCatalog{im.Catalog}
	if res := im.ImportVerbatimFile(context.Background(), csv); res.Status != Rejected || !strings.Contains(res.Error, "a defect") {
		t.Fatalf("verbatims: %+v", res)
	}
}

// panickyCatalog fails like a defect when storing verbatims.
type panickyCatalog struct{ Catalog }

func (panickyCatalog) AddVerbatimSeq(context.Context, iter.Seq[media.Verbatim]) (int, error) {
	panic("nil map")
}
