package ingest

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// orphanGrace is how old a staging or unreferenced library file must be
// before Recover deletes it: a `customer-room import` running beside the
// server may be between its rename into library/ and its catalog commit.
const orphanGrace = 10 * time.Minute

// RecoverReport says what Recover cleaned up after an interrupted run.
type RecoverReport struct {
	Staging int // half-copied files left in staging/
	Orphans int // library files no catalog row points at
}

// Recover undoes what a crash or kill in the middle of an import can leave
// behind. The catalog side needs nothing: a recording, its cues and its search
// text are committed in one transaction, verbatims too. The file side can
// hold a copy in staging/ (killed during the copy) or a library file whose
// row was never committed (killed between rename and commit); both are
// deleted. The inbox file itself is untouched, so the drop folder imports it
// again. serve and import call Recover before they import anything.
func (im *Importer) Recover(ctx context.Context) (RecoverReport, error) {
	var rep RecoverReport
	cutoff := im.Now().Add(-orphanGrace)
	old := func(path string) bool {
		st, err := os.Lstat(path)
		return err == nil && st.ModTime().Before(cutoff)
	}
	staging := im.layout().Staging()
	ents, err := os.ReadDir(staging)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return rep, err
	}
	for _, e := range ents {
		p := filepath.Join(staging, e.Name())
		if e.Type().IsRegular() && old(p) && os.Remove(p) == nil {
			rep.Staging++
		}
	}
	known, err := im.Catalog.ReferencedFiles(ctx)
	if err != nil {
		return rep, err
	}
	lib := im.layout().LibraryDir()
	err = filepath.WalkDir(lib, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && p == lib {
			return filepath.SkipDir
		}
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, err := filepath.Rel(im.DataDir, p)
		if err != nil {
			return err
		}
		if !known[filepath.ToSlash(rel)] && old(p) {
			if err := os.Remove(p); err != nil {
				return err
			}
			rep.Orphans++
		}
		return ctx.Err()
	})
	if rep.Staging+rep.Orphans > 0 {
		im.logger().Warn("removed leftovers of an interrupted import", "staging", rep.Staging, "orphans", rep.Orphans)
	}
	return rep, err
}
