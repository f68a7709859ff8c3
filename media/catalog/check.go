package catalog

import (
	"context"
	"customerroom/media"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// MarkUnavailable records that recording id cannot be played, with the
// reason curators see ("original missing: library/ab/….wav"); the room
// skips it at once (playableSQL). An empty reason clears the mark, when the
// file is back. The change is audited.
func (c *Catalog) MarkUnavailable(ctx context.Context, id int64, reason string) error {
	tx, err := c.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var before string
	if err := tx.QueryRowContext(ctx, `SELECT unavailable FROM recordings WHERE id = ?`, id).Scan(&before); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return media.Errorf(media.ENotFound, "recording %d not found", id)
		}
		return err
	}
	if before == reason {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE recordings SET unavailable = ? WHERE id = ?`, reason, id); err != nil {
		return err
	}
	if err := audit(ctx, tx, c.now(), "system", "unavailable", recordingDetail(id), before, reason); err != nil {
		return err
	}
	return tx.Commit()
}

// CheckOptions says how CheckFiles treats what it finds.
type CheckOptions struct {
	// Grace protects young files: a staging file or an unreferenced library
	// file younger than this may belong to an import or a render running
	// beside the check (default 10 minutes).
	Grace time.Duration
	// Repair fixes what is safe: removes old staging leftovers, moves unknown
	// library files aside (Layout.MoveAside, never deleted), marks recordings
	// whose file is missing unavailable (and clears the mark when it is back),
	// and records an original as deleted when its rendition is still there.
	Repair bool
}

// MissingFile is a recording whose file is not on disk.
type MissingFile struct {
	ID   int64  `json:"id"`
	Kind string `json:"kind"` // "original" or "rendition"
	Path string `json:"path"` // relative to the data folder
	// Fix is what repair does (or did) about it: "unavailable" (the room
	// skips it), or "original-deleted" when only the original is gone and
	// the rendition the room plays is there.
	Fix string `json:"fix"`
}

// FilesReport is what CheckFiles found between the catalog and the data
// folder, and what it repaired.
type FilesReport struct {
	Staging []string      `json:"staging"` // staging leftovers older than the grace
	Unknown []string      `json:"unknown"` // files in library/ or renditions/ no recording points at
	Missing []MissingFile `json:"missing"` // recordings whose file is gone, not yet marked
	// Unavailable are missing files already marked (a curator's business now).
	Unavailable []MissingFile `json:"unavailable"`
	Young       int           `json:"young"` // staging or unknown files within the grace, left alone
	// Back lists recordings marked unavailable whose files are there again.
	Back []int64 `json:"back"`
	// What Repair did.
	Removed int      `json:"removed"`
	Aside   []string `json:"aside"`
	Marked  int      `json:"marked"`
	Cleared int      `json:"cleared"`
}

// Problems is how many things need attention (0: the folder matches the catalog).
func (r FilesReport) Problems() int {
	return len(r.Staging) + len(r.Unknown) + len(r.Missing) + len(r.Back)
}

// CheckFiles compares the data folder with the catalog: staging leftovers,
// library files the catalog does not know, and recordings whose file is
// missing. With opt.Repair it fixes what is safe and says so in the report.
func (c *Catalog) CheckFiles(ctx context.Context, lay media.Layout, opt CheckOptions) (FilesReport, error) {
	rep := FilesReport{Staging: []string{}, Unknown: []string{}, Missing: []MissingFile{}, Unavailable: []MissingFile{}, Back: []int64{}, Aside: []string{}}
	grace := opt.Grace
	if grace <= 0 {
		grace = 10 * time.Minute
	}
	cutoff := c.now().Add(-grace)
	young := func(p string) bool {
		st, err := os.Lstat(p)
		return err == nil && !st.ModTime().Before(cutoff)
	}
	ents, err := os.ReadDir(lay.Staging())
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return rep, err
	}
	for _, e := range ents {
		p := filepath.Join(lay.Staging(), e.Name())
		if young(p) {
			rep.Young++
			continue
		}
		rep.Staging = append(rep.Staging, "staging/"+e.Name())
		if opt.Repair && !e.IsDir() && os.Remove(p) == nil {
			rep.Removed++
		}
	}
	files, err := c.recordingFiles(ctx)
	if err != nil {
		return rep, err
	}
	known := map[string]bool{}
	for _, f := range files {
		known[f.path] = true
		if f.rendition != "" {
			known[f.rendition] = true
		}
	}
	for _, dir := range []string{lay.LibraryDir(), lay.RenditionsDir()} {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if errors.Is(err, fs.ErrNotExist) && p == dir {
				return filepath.SkipDir
			}
			if err != nil || d.IsDir() {
				return err
			}
			rel, err := filepath.Rel(lay.Dir, p)
			if err != nil {
				return err
			}
			rel = filepath.ToSlash(rel)
			if known[rel] {
				return nil
			}
			if young(p) {
				rep.Young++
				return nil
			}
			rep.Unknown = append(rep.Unknown, rel)
			if opt.Repair {
				to, err := lay.MoveAside(rel)
				if err != nil {
					return err
				}
				rep.Aside = append(rep.Aside, to)
			}
			return ctx.Err()
		})
		if err != nil {
			return rep, err
		}
	}
	for _, f := range files {
		var miss []MissingFile
		if !f.originalDeleted && f.path != f.rendition && !exists(lay.Abs(f.path)) {
			fix := "unavailable"
			if f.rendition != "" && exists(lay.Abs(f.rendition)) {
				fix = "original-deleted"
			}
			miss = append(miss, MissingFile{ID: f.id, Kind: "original", Path: f.path, Fix: fix})
		}
		if f.rendition != "" && !exists(lay.Abs(f.rendition)) {
			miss = append(miss, MissingFile{ID: f.id, Kind: "rendition", Path: f.rendition, Fix: "unavailable"})
		}
		reason := ""
		for _, m := range miss {
			if m.Fix == "unavailable" {
				reason = "file missing: " + m.Path
				break
			}
		}
		if reason != "" && reason == f.unavailable {
			rep.Unavailable = append(rep.Unavailable, miss...)
			continue
		}
		rep.Missing = append(rep.Missing, miss...)
		if reason == "" && f.unavailable != "" {
			rep.Back = append(rep.Back, f.id)
		}
		if !opt.Repair {
			continue
		}
		for _, m := range miss {
			if m.Fix == "original-deleted" {
				if err := c.MarkOriginalDeleted(ctx, f.id); err != nil {
					return rep, err
				}
			}
		}
		if reason != f.unavailable {
			if err := c.MarkUnavailable(ctx, f.id, reason); err != nil {
				return rep, err
			}
			if reason == "" {
				rep.Cleared++
			} else {
				rep.Marked++
			}
		}
	}
	return rep, nil
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// recordingFile is where one recording's files are, for CheckFiles.
type recordingFile struct {
	id              int64
	path, rendition string
	originalDeleted bool
	unavailable     string
}

func (c *Catalog) recordingFiles(ctx context.Context) ([]recordingFile, error) {
	rows, err := c.read.QueryContext(ctx, `SELECT id, path, rendition_path, original_deleted, unavailable FROM recordings ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []recordingFile
	for rows.Next() {
		var f recordingFile
		if err := rows.Scan(&f.id, &f.path, &f.rendition, &f.originalDeleted, &f.unavailable); err != nil {
			return nil, err
		}
		f.path = cleanRel(f.path)
		if f.rendition != "" {
			f.rendition = cleanRel(f.rendition)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

func cleanRel(p string) string { return strings.TrimPrefix(filepath.ToSlash(filepath.Clean(p)), "./") }

// VerifyBackup checks that path is a catalog `customer-room backup` could
// have written, and sound: a SQLite file whose integrity check passes, with
// a schema this program knows (an older one is migrated when opened). It
// returns the backup's schema version.
func VerifyBackup(ctx context.Context, path string) (int, error) {
	if _, err := os.Stat(path); err != nil {
		return 0, media.Errorf(media.EInvalid, "backup %s: %v", path, err)
	}
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var res string
	if err := db.QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&res); err != nil {
		return 0, media.Errorf(media.EInvalid, "backup %s is not a catalog: %v", path, explain(err))
	}
	if res != "ok" {
		return 0, media.Errorf(media.EInvalid, "backup %s is damaged: %s", path, res)
	}
	var v int
	if err := db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, media.Errorf(media.EInvalid, "backup %s is not a Customer Room catalog: %v", path, err)
	}
	ms, err := planMigrations(migrations)
	if err != nil {
		return 0, err
	}
	if latest := ms[len(ms)-1].version; v > latest {
		return 0, media.Errorf(media.EInvalid, "backup %s has schema %d, newer than this program's %d: restore it with the version that made it", path, v, latest)
	}
	return v, nil
}
