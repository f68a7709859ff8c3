//go:build corpus

package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestCorpus checks the shared sample corpus, which is not in the repo: it is
// built only with the corpus tag, and scripts/corpus-check (run by CI, where
// the corpus sits beside the clone) sets CR_CORPUS and prints a table. Every call imports within the tolerances
// of expect.json; every file of bad/ is rejected, or kept with the audio
// there is when truncated, and the catalog holds nothing from the rejected.
func TestCorpus(t *testing.T) {
	root := os.Getenv("CR_CORPUS")
	if root == "" {
		t.Fatal("set CR_CORPUS=.../corpus/samples to check the shared corpus")
	}
	var expect struct {
		Calls map[string]struct {
			Seconds  float64 `json:"seconds"`
			LUFS     float64 `json:"lufs"`
			TruePeak float64 `json:"true_peak"`
			Cues     *int    `json:"cues"`
		} `json:"calls"`
	}
	if err := json.Unmarshal(mustRead(t, filepath.Join(root, "expect.json")), &expect); err != nil {
		t.Fatal(err)
	}
	im := newImporter(t)
	ctx := context.Background()
	var names []string
	for n := range expect.Calls {
		names = append(names, n)
	}
	sort.Strings(names)
	var tab strings.Builder
	fmt.Fprintf(&tab, "%-28s %-9s %9s %9s %7s %7s %6s %6s %5s %5s  %s\n", "file", "status", "ms", "want", "LUFS", "want", "dBTP", "want", "cues", "want", "verdict")
	for _, n := range names {
		e := expect.Calls[n]
		res := im.ImportFile(ctx, filepath.Join(root, "calls", n), ImportOptions{})
		tol := 30.0
		if strings.HasSuffix(n, ".mp3") {
			tol = 80
		}
		wantMS := e.Seconds * 1000
		var bad []string
		if res.Status != Imported {
			bad = append(bad, res.Error)
		} else {
			if math.Abs(float64(res.DurationMS)-wantMS) > tol {
				bad = append(bad, "duration")
			}
			if math.Abs(res.LoudnessLUFS-e.LUFS) > 0.5 {
				bad = append(bad, "loudness")
			}
			if math.Abs(res.TruePeakDBTP-e.TruePeak) > 1 {
				bad = append(bad, "true peak")
			}
			if e.Cues != nil && res.Cues != *e.Cues {
				bad = append(bad, "cues")
			}
		}
		verdict := "ok"
		if len(bad) > 0 {
			verdict = "FAIL " + strings.Join(bad, ", ")
			t.Errorf("%s: %s", n, verdict)
		}
		wc := "-"
		if e.Cues != nil {
			wc = fmt.Sprint(*e.Cues)
		}
		fmt.Fprintf(&tab, "%-28s %-9s %9d %9.0f %7.2f %7.1f %6.2f %6.1f %5d %5s  %s\n", n, res.Status, res.DurationMS, wantMS, res.LoudnessLUFS, e.LUFS, res.TruePeakDBTP, e.TruePeak, res.Cues, wc, verdict)
	}
	before, _ := catOf(im).CountRecordings(ctx)
	files := len(libraryFiles(t, im))
	bads, _ := filepath.Glob(filepath.Join(root, "bad", "*"))
	kept := 0
	for _, p := range bads {
		res := im.ImportFile(ctx, p, ImportOptions{})
		verdict := "ok"
		switch {
		case res.Status == Rejected && res.Error != "":
		case res.Status == Imported && strings.Contains(filepath.Base(p), "truncated") && res.DurationMS > 0:
			verdict = "ok (truncated: kept the audio there is)"
			kept++
		default:
			verdict = "FAIL"
			t.Errorf("bad/%s: %+v", filepath.Base(p), res)
		}
		fmt.Fprintf(&tab, "%-28s %-9s %9d  %s %s\n", "bad/"+filepath.Base(p), res.Status, res.DurationMS, verdict, res.Error)
	}
	if res := im.ImportVerbatimFile(ctx, filepath.Join(root, "verbatims.csv")); res.Status != Imported || res.Verbatims != 5 {
		t.Errorf("verbatims.csv: %+v, want 5 verbatims", res)
	} else {
		fmt.Fprintf(&tab, "%-28s %-9s %9s  ok, %d verbatims\n", "verbatims.csv", res.Status, "", res.Verbatims)
	}
	after, _ := catOf(im).CountRecordings(ctx)
	if after != before+kept || len(libraryFiles(t, im)) != files+kept {
		t.Errorf("rejected files reached the catalog: %d→%d rows", before, after)
	}
	fmt.Print(tab.String())
}
