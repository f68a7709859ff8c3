package media

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Layout is where the room keeps its files under the data folder. Paths the
// catalog stores are relative to it, with forward slashes, so a data folder
// can be moved or restored elsewhere.
type Layout struct {
	Dir string
}

// Catalog is the SQLite database file.
func (l Layout) Catalog() string { return filepath.Join(l.Dir, "catalog.db") }

// Inbox is the drop folder the watcher imports from.
func (l Layout) Inbox() string { return filepath.Join(l.Dir, "inbox") }

// Quarantine holds files that could not be imported, each with NAME.error.txt.
func (l Layout) Quarantine() string { return filepath.Join(l.Dir, "quarantine") }

// Staging holds files being written; anything left there is a crash's leftover.
func (l Layout) Staging() string { return filepath.Join(l.Dir, "staging") }

// LibraryDir holds originals and renditions, under library/ and renditions/.
func (l Layout) LibraryDir() string { return filepath.Join(l.Dir, "library") }

// RenditionsDir holds the anonymized renditions the room plays.
func (l Layout) RenditionsDir() string { return filepath.Join(l.Dir, "renditions") }

// Original is the relative path of an imported original with hash sum and
// extension ext ("wav", "mp3", …), sharded by the hash's first two digits.
func (l Layout) Original(sum, ext string) string {
	return "library/" + sum[:2] + "/" + sum + "." + strings.TrimPrefix(ext, "ogg-")
}

// Rendition is the relative path of a recording's anonymized rendition; the
// version changes with every approval so a player never reads a file being
// replaced.
func (l Layout) Rendition(sum string, version int64) string {
	return "renditions/" + sum[:2] + "/" + sum + "-" + strconv.FormatInt(version, 10) + ".wav"
}

// Abs turns a stored relative path into a path on disk.
func (l Layout) Abs(rel string) string { return filepath.Join(l.Dir, filepath.FromSlash(rel)) }

// WriteStaged writes r to a new file in dir (named by pattern, as
// os.CreateTemp does), syncs and closes it, then calls place with its path to
// move it where it belongs (a rename, or a link that must not overwrite).
// The staged file is removed whatever happens, so a failure or a crash
// leaves no partial file under a real name: the "write to a temp name,
// fsync, rename" rule of every file the room writes.
func WriteStaged(dir, pattern string, r io.Reader, place func(staged string) error) (n int64, err error) {
	err = CreateStaged(dir, pattern, func(f *os.File) error {
		n, err = io.Copy(f, r)
		return err
	}, place)
	return n, err
}

// CreateStaged is WriteStaged for writers that need the file itself (to
// seek back and patch a header): write fills it, place moves it in.
func CreateStaged(dir, pattern string, write func(f *os.File) error, place func(staged string) error) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	err = write(tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return place(tmp.Name())
}

// Unknown holds files found in library/ or renditions/ that no recording
// points at, moved aside (not deleted) by recovery, `check --repair` and
// `restore`: after a restore from an older backup they are the only copies
// of the calls imported since. PurgeUnknown deletes them once no retention
// could still cover them.
func (l Layout) Unknown() string { return filepath.Join(l.Dir, "unknown") }

// PurgeUnknown deletes the files in Unknown() last modified before cutoff,
// and the folders it leaves empty, and returns how many files went. A file
// keeps its modification time when moved aside, which is no earlier than the
// call was made: past the longest retention a curator may grant, it holds a
// call nobody may keep any more.
func (l Layout) PurgeUnknown(cutoff time.Time) (int, error) {
	root := l.Unknown()
	n := 0
	var dirs []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && p == root {
			return fs.SkipAll
		}
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != root {
				dirs = append(dirs, p)
			}
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if info.ModTime().Before(cutoff) {
			if err := os.Remove(p); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	// Deepest first; a folder still holding a younger file stays.
	for i := len(dirs) - 1; i >= 0; i-- {
		os.Remove(dirs[i])
	}
	return n, err
}

// MoveAside moves the file at rel (relative to Dir) into Unknown() under the
// same relative path, never overwriting one already there (a taken name gets
// "-2", "-3"…), and returns where it went, relative to Dir.
func (l Layout) MoveAside(rel string) (string, error) {
	rel = filepath.ToSlash(filepath.Clean(rel))
	ext := filepath.Ext(rel)
	stem := strings.TrimSuffix(rel, ext)
	for n := 1; n < 1000; n++ {
		dst := "unknown/" + stem + ext
		if n > 1 {
			dst = "unknown/" + stem + "-" + strconv.Itoa(n) + ext
		}
		if err := os.MkdirAll(filepath.Dir(l.Abs(dst)), 0o750); err != nil {
			return "", err
		}
		// A link then an unlink, not a rename: a rename would overwrite.
		err := os.Link(l.Abs(rel), l.Abs(dst))
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		return dst, os.Remove(l.Abs(rel))
	}
	return "", fmt.Errorf("move aside %s: too many files of that name in %s", rel, l.Unknown())
}
