// Package demo holds the small embedded demo library a new room starts with:
// four synthetic French calls and six verbatims, made by make-demo.py. They
// contain no personal data, so they are approved as they are.
package demo

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"customerroom/media"
	"customerroom/media/ingest"
)

//go:embed files
var files embed.FS

// Seed imports the demo calls (approved) and verbatims into an empty library.
// It returns how many calls were imported.
func Seed(ctx context.Context, im *ingest.Importer) (int, error) {
	tmp, err := os.MkdirTemp(filepath.Join(im.DataDir), "demo-*")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(tmp)
	entries, err := fs.ReadDir(files, "files")
	if err != nil {
		return 0, err
	}
	for _, e := range entries {
		data, err := files.ReadFile("files/" + e.Name())
		if err != nil {
			return 0, err
		}
		if err := os.WriteFile(filepath.Join(tmp, e.Name()), data, 0o640); err != nil {
			return 0, err
		}
	}
	// Synthetic calls hold no personal data: keep them as long as the room exists.
	forever := im.Now().AddDate(100, 0, 0)
	n := 0
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".wav") {
			continue
		}
		res := im.ImportFile(ctx, filepath.Join(tmp, e.Name()), ingest.ImportOptions{Approve: true, Demo: true, ExpiresAt: forever})
		if res.Status == ingest.Rejected {
			return n, fmt.Errorf("demo %s: %s", e.Name(), res.Error)
		}
		n++
	}
	csvData, err := files.ReadFile("files/verbatims.csv")
	if err != nil {
		return n, err
	}
	vs, err := ingest.ReadVerbatimsCSV(bytes.NewReader(csvData))
	if err != nil {
		return n, fmt.Errorf("demo verbatims: %w", err)
	}
	for i := range vs {
		vs[i].Status, vs[i].Demo = media.StatusApproved, true
		vs[i].ExpiresAt = forever
		// Synthetic, but checked like any verbatim: the room reads masked text.
		vs[i].Masked, vs[i].Findings = vs[i].Text, []media.Finding{}
		if im.Checker != nil {
			vs[i].Masked, vs[i].Findings = im.Checker.Text(vs[i].Text)
		}
	}
	if _, err := im.Catalog.AddVerbatimSeq(ctx, slices.Values(vs)); err != nil {
		return n, fmt.Errorf("demo verbatims: %w", err)
	}
	return n, nil
}

// ReadFile returns one embedded demo file by name (e.g. "colis-perdu.wav"),
// for tests that compare what the room played with its source.
func ReadFile(name string) ([]byte, error) {
	return files.ReadFile("files/" + name)
}
