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
// before Recover touches it: a `customer-room import` running beside the
// server may be between its rename into library/ and its catalog commit.
const orphanGrace = 10 * time.Minute

// RecoverReport says what Recover cleaned up after an interrupted run.
type RecoverReport struct {
	Staging int // half-copied files left in staging/, deleted
	Orphans int // library files no catalog row points at, moved aside
	// Aside is where the orphans went (relative to the data dir, under unknown/).
	Aside []string
}

// Recover undoes what a crash or kill in the middle of an import can leave
// behind. The catalog side needs nothing: a recording, its cues and its search
// text are committed in one transaction, verbatims too. The file side can
// hold a copy in staging/ (killed during the copy: deleted, it is only ever a
// copy) or a library file whose row was never committed (killed between
// rename and commit). Such a library file is moved aside to DATA/unknown/,
// never deleted: the same symptom, a file the catalog does not know, is what
// restoring an older backup leaves, and then the file is the only copy of a
// call (`customer-room restore` imports those again). The inbox file itself is
// untouched, so the drop folder imports it again. serve and import call
// Recover before they import anything.
func (im *Importer) Recover(ctx context.Context) (RecoverReport, error) {
	var rep RecoverReport
	cutoff := im.Now().Add(-orphanGrace)
	old := func(path string) bool {
		st, err := os.Lstat(path)
		return err == nil && st.ModTime().Before(cutoff)
	}
	lay := im.layout()
	staging := lay.Staging()
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
	lib := lay.LibraryDir()
	err = filepath.WalkDir(lib, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && p == lib {
			return filepath.SkipDir
		}
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(im.DataDir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if !known[rel] && old(p) {
			to, err := lay.MoveAside(rel)
			if err != nil {
				return err
			}
			rep.Orphans++
			rep.Aside = append(rep.Aside, to)
		}
		return ctx.Err()
	})
	if rep.Staging > 0 {
		im.logger().Warn("removed copies left in staging by an interrupted import", "staging", rep.Staging)
	}
	if rep.Orphans > 0 {
		im.logger().Warn("library files the catalog does not know were moved aside, not deleted: "+
			"after a restore, run customer-room restore; after a crash they are copies of inbox files imported again",
			"count", rep.Orphans, "to", lay.Unknown(), "files", rep.Aside)
	}
	return rep, err
}
