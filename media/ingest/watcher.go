package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Watcher imports what curators drop into the inbox folder (DATA/inbox).
// A copy into the folder fires events while the file is still incomplete, so
// each file is imported only once its size and modification time have stopped
// changing. Imported files are removed from the inbox (the library keeps the
// original: a second copy of personal data is a privacy risk); rejected ones
// go to the quarantine folder with NAME.error.txt. Sidecars (NAME.vtt,
// NAME.srt, NAME.json) travel with their audio file. A file whose import was
// cut short (shutdown, disk or database trouble) stays in the inbox and is
// tried again at the next start. Watcher is an errgroup worker.
type Watcher struct {
	Importer *Importer
	Pool     *Pool
	// Inbox is the watched folder; Quarantine receives rejected files.
	Inbox      string
	Quarantine string
	// Poll is the interval between size/mtime checks (default 500 ms);
	// a file is stable after StableChecks equal checks in a row (default 3).
	Poll         time.Duration
	StableChecks int
	// SidecarWait is how long a stable audio file waits for sidecars that
	// may still be arriving (default 1 s).
	SidecarWait time.Duration
	// Rescan lists the inbox again this often (default 1 min), a safety
	// net for lost events and for files whose import should be retried.
	Rescan time.Duration
	Logger *slog.Logger
	// OnResult, when set, is told every outcome (for live updates and tests).
	OnResult func(ImportResult)

	mu       sync.Mutex
	inflight map[string]bool
	waiting  map[string]waitingEntry
	wg       sync.WaitGroup
}

// WaitingFile is a file the drop folder leaves in the inbox for now, and
// why (a partial download, a folder, a transcript without its audio file…):
// curators see the list, so nothing sits there with no word.
type WaitingFile struct {
	Name   string    `json:"name"`
	Reason string    `json:"reason"`
	Since  time.Time `json:"since"`
}

// waitingEntry is a WaitingFile with the size and mtime it had when it was
// put on the list: it is looked at again only once that changes.
type waitingEntry struct {
	WaitingFile
	size  int64
	mtime time.Time
}

// Waiting lists the files waiting in the inbox, by name.
func (w *Watcher) Waiting() []WaitingFile {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]WaitingFile, 0, len(w.waiting))
	for _, e := range w.waiting {
		out = append(out, e.WaitingFile)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// wait puts name on the waiting list with why, logged the first time only
// (a lone metadata file used to be logged at every rescan).
func (w *Watcher) wait(name string, st os.FileInfo, reason string) {
	w.mu.Lock()
	old, had := w.waiting[name]
	e := waitingEntry{WaitingFile{Name: name, Reason: reason, Since: w.Importer.Now()}, st.Size(), st.ModTime()}
	if had {
		e.Since = old.Since
	}
	w.waiting[name] = e
	w.mu.Unlock()
	if !had || old.Reason != reason {
		w.log().Info("drop folder: waiting", "file", name, "why", reason)
	}
}

// parked reports whether name waits with the same size and mtime as st:
// nothing to do until it changes.
func (w *Watcher) parked(name string, st os.FileInfo) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	e, ok := w.waiting[name]
	return ok && e.size == st.Size() && e.mtime.Equal(st.ModTime())
}

func (w *Watcher) unwait(names ...string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, n := range names {
		delete(w.waiting, n)
	}
}

// Run watches the inbox until ctx ends. It first imports what is already
// there, so nothing dropped while the server was down is missed.
func (w *Watcher) Run(ctx context.Context) error {
	for _, d := range []string{w.Inbox, w.Quarantine} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			return fmt.Errorf("drop folder: %w", err)
		}
	}
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("drop folder: %w", err)
	}
	defer fw.Close()
	if err := fw.Add(w.Inbox); err != nil {
		return fmt.Errorf("drop folder %s: %w", w.Inbox, err)
	}
	w.mu.Lock()
	w.inflight = map[string]bool{}
	w.waiting = map[string]waitingEntry{}
	w.mu.Unlock()
	defer w.wg.Wait()
	w.scan(ctx)
	rescan := time.NewTicker(w.dur(w.Rescan, time.Minute))
	defer rescan.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-rescan.C:
			w.scan(ctx)
		case ev, ok := <-fw.Events:
			if !ok {
				return errors.New("drop folder: watcher closed")
			}
			if ev.Has(fsnotify.Create) || ev.Has(fsnotify.Write) {
				w.consider(ctx, ev.Name)
			}
			if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
				w.unwait(filepath.Base(ev.Name))
			}
		case err, ok := <-fw.Errors:
			if !ok {
				return errors.New("drop folder: watcher closed")
			}
			// An overflow loses events: list the folder again.
			w.log().Warn("drop folder watch", "err", err)
			w.scan(ctx)
		}
	}
}

func (w *Watcher) dur(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

func (w *Watcher) log() *slog.Logger {
	if w.Logger != nil {
		return w.Logger
	}
	return slog.Default()
}

func (w *Watcher) scan(ctx context.Context) {
	ents, err := os.ReadDir(w.Inbox)
	if err != nil {
		w.log().Error("drop folder scan", "err", err)
		return
	}
	present := map[string]bool{}
	for _, e := range ents {
		present[e.Name()] = true
		w.consider(ctx, filepath.Join(w.Inbox, e.Name()))
	}
	w.mu.Lock()
	for n := range w.waiting {
		if !present[n] {
			delete(w.waiting, n)
		}
	}
	w.mu.Unlock()
}

// partial names are downloads and copies in progress, and the staging
// names uploads use before they rename a file in: they wait.
func partial(name string) bool {
	lower := strings.ToLower(name)
	for _, s := range []string{".part", ".tmp", ".crdownload", ".partial"} {
		if strings.HasSuffix(lower, s) {
			return true
		}
	}
	return false
}

// litter is what operating systems and editors leave beside files: it is
// quarantined at once, as never a recording.
func litter(name string) bool {
	lower := strings.ToLower(name)
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "~$") || lower == "thumbs.db" || lower == "desktop.ini" ||
		strings.HasSuffix(lower, ".error.txt")
}

// consider decides what to do with a file in the inbox: import it (unless it
// is being handled already), quarantine it at once, or list it as waiting
// with the reason. Every entry ends in one of the three.
func (w *Watcher) consider(ctx context.Context, path string) {
	name := filepath.Base(path)
	if filepath.Clean(filepath.Dir(path)) != filepath.Clean(w.Inbox) {
		return
	}
	st, err := os.Lstat(path)
	if err != nil {
		w.unwait(name)
		return
	}
	if w.parked(name, st) {
		return
	}
	ext := strings.ToLower(filepath.Ext(name))
	switch {
	case st.IsDir():
		w.wait(name, st, "a folder: the inbox does not look inside folders, move the files themselves into the inbox")
		return
	case partial(name):
		w.wait(name, st, "still being copied (a partial or temporary name): it is imported once renamed to its final name")
		return
	case st.Mode()&os.ModeSymlink != 0:
		w.quarantineNow(path, st, "a link, not a file: drop the file itself")
		return
	case !st.Mode().IsRegular():
		w.quarantineNow(path, st, "not a regular file (a FIFO, socket or device)")
		return
	case litter(name):
		w.quarantineNow(path, st, "a system or editor file (Thumbs.db, desktop.ini, ~$ lock file, hidden file), not a recording")
		return
	case sidecarExts[ext] || ext == ".json":
		if hasAudioSibling(path) {
			w.unwait(name) // travels with its audio file
			return
		}
		if sidecarExts[ext] {
			w.wait(name, st, "a transcript waiting for its audio file (same name, e.g. "+strings.TrimSuffix(name, filepath.Ext(name))+".wav)")
			return
		}
	}
	w.mu.Lock()
	if w.inflight[path] {
		w.mu.Unlock()
		return
	}
	w.inflight[path] = true
	w.mu.Unlock()
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		defer func() {
			w.mu.Lock()
			delete(w.inflight, path)
			w.mu.Unlock()
			// Events for this name were ignored while it was in flight: a
			// new file dropped under the same name meanwhile, or more bytes
			// written to this one, is looked at now rather than at the next
			// rescan. An unchanged file left here (an import to retry) waits
			// for the rescan, so a lasting failure does not spin.
			if now, err := os.Lstat(path); err == nil && ctx.Err() == nil &&
				(!os.SameFile(st, now) || now.Size() != st.Size() || !now.ModTime().Equal(st.ModTime())) {
				w.consider(ctx, path)
			}
		}()
		w.handle(ctx, path)
	}()
}

// quarantineNow moves a file that can never be imported to the quarantine
// with why; when even that fails, it waits with the reason.
func (w *Watcher) quarantineNow(path string, st os.FileInfo, reason string) {
	q, err := quarantineFiles(w.Quarantine, path, nil, reason, w.Importer.Now())
	if err != nil {
		w.log().Error("drop folder: cannot quarantine", "file", filepath.Base(path), "err", err)
		w.wait(filepath.Base(path), st, "cannot be moved to the quarantine ("+err.Error()+"): "+reason)
		return
	}
	w.unwait(filepath.Base(path))
	w.log().Warn("drop folder: quarantined", "file", filepath.Base(path), "why", reason, "to", q)
}

// handle waits for a file (and its sidecars) to settle, then has the pool
// import it and waits for the outcome.
func (w *Watcher) handle(ctx context.Context, path string) {
	if !w.waitStable(ctx, path) {
		return
	}
	ext := strings.ToLower(filepath.Ext(path))
	verbatims := ext == ".csv"
	if ext == ".json" {
		if !looksLikeArray(path) {
			if st, err := os.Lstat(path); err == nil {
				name := filepath.Base(path)
				w.wait(name, st, "metadata waiting for its audio file (same name, e.g. "+strings.TrimSuffix(name, filepath.Ext(name))+".wav)")
			}
			return
		}
		verbatims = true
	}
	var sidecars []string
	if !verbatims {
		if !sleep(ctx, w.dur(w.SidecarWait, time.Second)) {
			return
		}
		sidecars = sidecarsOf(path)
		for _, s := range sidecars {
			if !w.waitStable(ctx, s) {
				return
			}
		}
		sidecars = sidecarsOf(path)
	}
	done := make(chan struct{})
	err := w.Pool.Submit(ctx, func(ctx context.Context) {
		defer close(done)
		var res ImportResult
		if verbatims {
			res = w.Importer.ImportVerbatimFile(ctx, path)
		} else {
			res = w.Importer.ImportFile(ctx, path, ImportOptions{})
		}
		w.finish(ctx, res, sidecars)
	})
	if err != nil {
		return
	}
	<-done
}

// finish moves the file away according to its import's outcome.
func (w *Watcher) finish(ctx context.Context, res ImportResult, sidecars []string) {
	log := w.log().With("file", filepath.Base(res.Path))
	switch {
	case res.Status == Rejected && (res.Retry || ctx.Err() != nil):
		log.Warn("drop folder: import interrupted, will retry", "err", res.Error)
	case res.Status == Rejected:
		q, err := quarantineFiles(w.Quarantine, res.Path, sidecars, res.Error, w.Importer.Now())
		if err != nil {
			log.Error("drop folder: rejected, and cannot be quarantined", "why", res.Error, "err", err)
			if st, serr := os.Lstat(res.Path); serr == nil {
				w.wait(filepath.Base(res.Path), st, "rejected ("+res.Error+") and cannot be moved to the quarantine ("+err.Error()+"): remove it")
			}
			break
		}
		w.unwait(append(baseNames(sidecars), filepath.Base(res.Path))...)
		log.Warn("drop folder: rejected, quarantined", "err", res.Error, "to", q)
	case !unchangedSince(res):
		// Imported as it was when read, but a writer has been at it since:
		// removing it would lose what was added. It stays, and is looked
		// at again once stable (a different file then, or a duplicate).
		log.Warn("drop folder: file changed after its import, kept in the inbox", "id", res.ID)
	default:
		for _, p := range append([]string{res.Path}, sidecars...) {
			if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
				log.Error("drop folder: cannot remove imported file", "err", err)
			}
		}
		w.unwait(append(baseNames(sidecars), filepath.Base(res.Path))...)
		log.Info("drop folder: "+string(res.Status), "id", res.ID)
	}
	if w.OnResult != nil {
		w.OnResult(res)
	}
}

// unchangedSince reports whether the inbox file is still the one the
// import read (same size and mtime) and nobody has it open for writing.
func unchangedSince(res ImportResult) bool {
	st, err := os.Lstat(res.Path)
	if err != nil {
		return errors.Is(err, os.ErrNotExist)
	}
	return st.Size() == res.readSize && st.ModTime().Equal(res.readMTime) && !openForWriting(res.Path)
}

// waitStable polls until the file's size and mtime have not changed for
// StableChecks polls in a row; false when the file went away or ctx ended.
func (w *Watcher) waitStable(ctx context.Context, path string) bool {
	need := w.StableChecks
	if need < 1 {
		need = 3
	}
	poll := w.dur(w.Poll, 500*time.Millisecond)
	var last os.FileInfo
	same := 0
	for same < need {
		st, err := os.Lstat(path)
		if err != nil {
			return false
		}
		// A writer may pause for longer than the whole check with the file
		// still open (a stalled network copy): while anyone writes, the
		// file is not stable, whatever its size and mtime say.
		writing := openForWriting(path)
		// Writing a file updates its mtime: one untouched for longer than
		// the whole check (dropped while the server was down, or a sidecar
		// that arrived first) is complete already.
		if last == nil && !writing && time.Since(st.ModTime()) > time.Duration(need+1)*poll {
			return true
		}
		if last != nil && !writing && st.Size() == last.Size() && st.ModTime().Equal(last.ModTime()) {
			same++
		} else {
			same = 0
		}
		last = st
		if same < need && !sleep(ctx, poll) {
			return false
		}
	}
	return true
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// sidecarsOf lists the transcript and metadata files beside an audio file,
// the names ImportFile reads.
func sidecarsOf(audioPath string) []string {
	base := strings.TrimSuffix(audioPath, filepath.Ext(audioPath))
	var out []string
	for _, ext := range []string{".vtt", ".srt", ".json"} {
		if st, err := os.Lstat(base + ext); err == nil && st.Mode().IsRegular() && base+ext != audioPath {
			out = append(out, base+ext)
		}
	}
	return out
}

// looksLikeArray tells a JSON verbatim export (an array) from a metadata
// sidecar (an object) by its first non-space byte.
func looksLikeArray(path string) bool {
	f, _, err := openRegular(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	head = bytes.TrimLeft(head[:n], " \t\r\n\ufeff")
	return len(head) > 0 && head[0] == '['
}
