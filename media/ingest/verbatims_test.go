package ingest

import (
	"context"
	"customerroom/media"
	"customerroom/media/catalog"
	"fmt"
	"iter"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
)

func TestReadVerbatimsCSV(t *testing.T) {
	latin1, _ := charmap.Windows1252.NewEncoder().String("Thème;Texte;Note\nFacturation;Très déçu, trop cher;2\n")
	tests := []struct {
		name, in string
		want     []media.Verbatim // only Date, Channel, Topic, Score, Sentiment, Text compared
		err      string
	}{
		{name: "english comma", in: "date,channel,topic,score,sentiment,text\n2026-05-02,survey,Welcome,9,positive,\"Kind, patient\"\n",
			want: []media.Verbatim{{Date: "2026-05-02", Channel: "survey", Topic: "Welcome", Score: ptr(9), Sentiment: "positif", Text: "Kind, patient"}}},
		{name: "french excel bom semicolon", in: "\ufeffDate;Canal;Thème;Note;Sentiment;Texte\r\n02/05/2026;Enquête;Accueil;8/10;positif;Très bien\r\n",
			want: []media.Verbatim{{Date: "2026-05-02", Channel: "Enquête", Topic: "Accueil", Score: ptr(8), Sentiment: "positif", Text: "Très bien"}}},
		{name: "windows-1252", in: latin1,
			want: []media.Verbatim{{Topic: "Facturation", Score: ptr(2), Text: "Très déçu, trop cher"}}},
		{name: "header variants", in: " THEME ;  texte :;NOTE\nx;bonjour;8,0\n",
			want: []media.Verbatim{{Topic: "x", Score: ptr(8), Text: "bonjour"}}},
		{name: "tab separated", in: "text\tscore\nhello\t10\n", want: []media.Verbatim{{Score: ptr(10), Text: "hello"}}},
		{name: "empty text rows skipped", in: "texte;note\n;5\nok;\n", want: []media.Verbatim{{Text: "ok"}}},
		{name: "multi-line quoted", in: "texte\n\"ligne 1\nligne 2\"\n", want: []media.Verbatim{{Text: "ligne 1\nligne 2"}}},
		{name: "iso datetime", in: "date,text\n2026-05-02T10:00:00Z,x\n", want: []media.Verbatim{{Date: "2026-05-02", Text: "x"}}},
		{name: "no text column", in: "date;note\n02/05/2026;3\n", err: "no text column"},
		{name: "empty", in: "", err: "empty CSV"},
		{name: "bare quote", in: "texte;note\nok;3\n\"broken;3\n", err: "line 3"},
		{name: "wrong column count", in: "texte;note\nok;3\nun;deux;trois\n", err: "line 3: wrong number of columns"},
		{name: "score word", in: "texte;note\nok;huit\n", err: "line 2: score \"huit\""},
		{name: "score too high", in: "texte;note\nok;11\n", err: "score"},
		{name: "score other scale", in: "texte;note\nok;4/5\n", err: "score"},
		{name: "score fraction", in: "texte;note\nok;7,5\n", err: "score"},
		{name: "bad date", in: "texte;date\nok;31/02/2026\n", err: "line 2: date"},
		{name: "us date refused", in: "texte;date\nok;05/13/2026\n", err: "date"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadVerbatimsCSV(strings.NewReader(tc.in))
			checkVerbatims(t, got, err, tc.want, tc.err)
		})
	}
}

func TestReadVerbatimsJSON(t *testing.T) {
	tests := []struct {
		name, in string
		want     []media.Verbatim
		err      string
	}{
		{name: "french keys", in: `[{"Date":"02/05/2026","Canal":"mail","Thème":"Livraison","Note":"9/10","Texte":"Parfait"}]`,
			want: []media.Verbatim{{Date: "2026-05-02", Channel: "mail", Topic: "Livraison", Score: ptr(9), Text: "Parfait"}}},
		{name: "english numbers", in: ` [{"text":"ok","score":7,"date":"2026-01-31"},{"text":"","score":1}]`,
			want: []media.Verbatim{{Date: "2026-01-31", Score: ptr(7), Text: "ok"}}},
		{name: "null score", in: `[{"text":"ok","score":null}]`, want: []media.Verbatim{{Text: "ok"}}},
		{name: "object", in: `{"text":"ok"}`, err: "array of objects"},
		{name: "truncated", in: `[{"text":"ok"`, err: "malformed JSON"},
		{name: "trailing", in: `[] []`, err: "after the array"},
		{name: "nested", in: `[{"text":["a"]}]`, err: "item 1"},
		{name: "bad score", in: `[{"text":"a"},{"text":"b","score":12}]`, err: "item 2: score"},
		{name: "not objects", in: `[1,2]`, err: "malformed JSON"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadVerbatimsJSON(strings.NewReader(tc.in))
			checkVerbatims(t, got, err, tc.want, tc.err)
		})
	}
}

func ptr(n int) *int { return &n }

func checkVerbatims(t *testing.T, got []media.Verbatim, err error, want []media.Verbatim, wantErr string) {
	t.Helper()
	if wantErr != "" {
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Fatalf("error %v, want one containing %q", err, wantErr)
		}
		if got != nil {
			t.Errorf("rows returned with an error: %v", got)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("got %d verbatims %+v, want %d", len(got), got, len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Date != w.Date || g.Channel != w.Channel || g.Topic != w.Topic || g.Sentiment != w.Sentiment || g.Text != w.Text || fmt.Sprint(deref(g.Score)) != fmt.Sprint(deref(w.Score)) {
			t.Errorf("verbatim %d = %+v score %v, want %+v score %v", i, g, deref(g.Score), w, deref(w.Score))
		}
	}
}

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

// TestImportVerbatimsAllOrNothing: a file with a bad row adds nothing, and
// the corpus's own export imports with its five rows.
func TestImportVerbatimsAllOrNothing(t *testing.T) {
	im := newImporter(t)
	dir := t.TempDir()
	bad := writeFile(t, dir, "bad.csv", []byte("texte;note\nun;3\ndeux;3\ntrois;douze\n"))
	res := im.ImportVerbatimFile(context.Background(), bad)
	if res.Status != Rejected || !strings.Contains(res.Error, "line 4") {
		t.Fatalf("%+v", res)
	}
	if vs, _ := catOf(im).Verbatims(context.Background(), media.VerbatimFilter{}); len(vs) != 0 {
		t.Fatalf("%d verbatims written from a rejected file", len(vs))
	}
	good := writeFile(t, dir, "good.csv", []byte("texte;note\nun;3\ndeux;3\n"))
	if res := im.ImportVerbatimFile(context.Background(), good); res.Status != Imported || res.Verbatims != 2 {
		t.Fatalf("%+v", res)
	}
	if res := im.ImportVerbatimFile(context.Background(), good); res.Status != Duplicate {
		t.Fatalf("re-import: %+v", res)
	}
}

// TestImportVerbatimsChecksEachRow: the detector runs on several cores
// while the catalog writes, over chunks; every stored row must carry the
// masked text of its own comment, in file order.
func TestImportVerbatimsChecksEachRow(t *testing.T) {
	im := newImporter(t)
	var sb strings.Builder
	sb.WriteString("date;texte\n")
	const n = 1000 // several detector chunks, and a partial last one
	for i := range n {
		fmt.Fprintf(&sb, "2026-05-02;Rappelez Mme Martin au 06 12 34 56 78, dossier %d\n", i)
	}
	path := writeFile(t, t.TempDir(), "many.csv", []byte(sb.String()))
	if res := im.ImportVerbatimFile(context.Background(), path); res.Status != Imported || res.Verbatims != n {
		t.Fatalf("%+v", res)
	}
	vs, err := catOf(im).Verbatims(context.Background(), media.VerbatimFilter{})
	if err != nil || len(vs) != n {
		t.Fatalf("%d verbatims, %v", len(vs), err)
	}
	for _, v := range vs {
		var i int
		if _, err := fmt.Sscanf(v.Text[strings.LastIndex(v.Text, " ")+1:], "%d", &i); err != nil {
			t.Fatalf("%q: %v", v.Text, err)
		}
		if want := fmt.Sprintf("dossier %d", i); !strings.HasSuffix(v.Masked, want) || strings.Contains(v.Masked, "Martin") || strings.Contains(v.Masked, "06 12") {
			t.Fatalf("row %d masked as %q", i, v.Masked)
		}
	}
}

// stoppingCatalog cancels the import's context after a number of rows, as
// a failing disk or a shutdown would stop the catalog's writer mid-file.
type stoppingCatalog struct {
	Catalog
	after  int
	cancel context.CancelFunc
}

func (s stoppingCatalog) AddVerbatimSeq(ctx context.Context, vs iter.Seq[media.Verbatim]) (int, error) {
	n := 0
	return s.Catalog.AddVerbatimSeq(ctx, func(yield func(media.Verbatim) bool) {
		for v := range vs {
			if n++; n == s.after {
				s.cancel()
			}
			if !yield(v) {
				return
			}
		}
	})
}

// TestImportVerbatimsStoppedWritesNothing: a writer stopped mid-file keeps
// none of the file's rows, and the detector's workers stop with it.
func TestImportVerbatimsStoppedWritesNothing(t *testing.T) {
	im := newImporter(t)
	real := im.Catalog
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	im.Catalog = stoppingCatalog{Catalog: real, after: 300, cancel: cancel}
	var sb strings.Builder
	sb.WriteString("date;texte\n")
	for i := range 5000 {
		fmt.Fprintf(&sb, "2026-05-02;commentaire %d\n", i)
	}
	path := writeFile(t, t.TempDir(), "many.csv", []byte(sb.String()))
	before := runtime.NumGoroutine()
	if res := im.ImportVerbatimFile(ctx, path); res.Status != Rejected || !strings.Contains(res.Error, "canceled") {
		t.Fatalf("%+v", res)
	}
	if vs, _ := real.(*catalog.Catalog).Verbatims(context.Background(), media.VerbatimFilter{}); len(vs) != 0 {
		t.Fatalf("%d verbatims written by a stopped import", len(vs))
	}
	// database/sql ends its own transaction watcher a moment after the
	// rollback; the detector's workers would stay for good.
	after := runtime.NumGoroutine()
	for end := time.Now().Add(2 * time.Second); after > before && time.Now().Before(end); after = runtime.NumGoroutine() {
		time.Sleep(10 * time.Millisecond)
	}
	if after > before {
		t.Fatalf("%d goroutines after the import, %d before: the detector's workers outlived it", after, before)
	}
}

func FuzzReadVerbatimsCSV(f *testing.F) {
	for _, s := range []string{
		"date,channel,topic,score,sentiment,text\n2026-05-02,survey,Welcome,9,positive,\"Kind, patient\"\n",
		"\ufeffDate;Canal;Thème;Note;Texte\r\n02/05/2026;Enquête;Accueil;8/10;Très bien\r\n",
		"Th\xe8me;Texte\nx;d\xe9\xe7u\n", "texte\n\"a\"\"b\"\n", "texte;note\n\"x;3\n", "text\tscore\nhi\t8,0\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		vs, err := ReadVerbatimsCSV(strings.NewReader(string(data)))
		if err != nil && vs != nil {
			t.Fatal("rows and an error")
		}
		for _, v := range vs {
			if v.Text == "" || v.Score != nil && (*v.Score < 0 || *v.Score > 10) || v.Date != "" && len(v.Date) != 10 {
				t.Fatalf("bad verbatim %+v", v)
			}
		}
	})
}

func FuzzReadVerbatimsJSON(f *testing.F) {
	for _, s := range []string{`[{"Texte":"ok","Note":"9/10","Date":"02/05/2026"}]`, `[{"text":"a","score":7}]`, `{}`, `[null]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		vs, err := ReadVerbatimsJSON(strings.NewReader(string(data)))
		if err != nil && vs != nil {
			t.Fatal("rows and an error")
		}
	})
}

// BenchmarkImportVerbatims measures a 10,000-row French CSV export from
// parse to commit, the figure `make bench` reports as verbatims/s.
func BenchmarkImportVerbatims(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("\ufeffDate;Canal;Thème;Note;Sentiment;Texte\r\n")
	for i := range 10000 {
		fmt.Fprintf(&sb, "%02d/%02d/2026;Enquête;Livraison;%d/10;neutre;\"Commentaire numéro %d : livré en retard, mais conseiller aimable; merci.\"\r\n", i%28+1, i%12+1, i%11, i)
	}
	data := sb.String()
	path := writeFile(b, b.TempDir(), "v.csv", []byte(data))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		im := newImporter(b) // a fresh catalog, so every round imports all rows
		b.StartTimer()
		if res := im.ImportVerbatimFile(context.Background(), path); res.Status != Imported || res.Verbatims != 10000 {
			b.Fatalf("%+v", res)
		}
	}
	b.ReportMetric(float64(10000*b.N)/b.Elapsed().Seconds(), "verbatims/s")
}
