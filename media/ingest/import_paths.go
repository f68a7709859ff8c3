package ingest

import (
	"context"
	"customerroom/media"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// sidecarExts are read with their audio file, never imported on their own.
var sidecarExts = map[string]bool{".vtt": true, ".srt": true}

// ImportPaths imports files and folders (walked recursively, in name order):
// audio files with their sidecars, and verbatim CSV or JSON exports. It
// returns one result per input file; a JSON file next to an audio file of the
// same name is that file's metadata, not an input of its own. Run Recover
// first: it removes what an interrupted earlier run left.
func (im *Importer) ImportPaths(ctx context.Context, paths []string) []ImportResult {
	var out []ImportResult
	for _, p := range paths {
		files, err := listFiles(p)
		if err != nil {
			out = append(out, ImportResult{Path: p, Status: Rejected, Error: err.Error()})
			continue
		}
		for _, f := range files {
			if ctx.Err() != nil {
				return out
			}
			ext := strings.ToLower(filepath.Ext(f))
			switch {
			case sidecarExts[ext]:
				continue
			case ext == ".json" && hasAudioSibling(f):
				continue
			case ext == ".csv" || ext == ".json":
				out = append(out, im.ImportVerbatimFile(ctx, f))
			default:
				out = append(out, im.ImportFile(ctx, f, ImportOptions{}))
			}
		}
	}
	return out
}

// ImportVerbatimFile imports a verbatim export, CSV or (by its .json
// extension) JSON, in one transaction: all rows or none.
func (im *Importer) ImportVerbatimFile(ctx context.Context, path string) (res ImportResult) {
	res = ImportResult{Path: path, Status: Rejected, IsVerbatims: true}
	defer im.survive(&res)
	f, st, err := openRegular(path)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	defer f.Close()
	res.readSize, res.readMTime = st.Size(), st.ModTime()
	read := ReadVerbatimsCSV
	if strings.EqualFold(filepath.Ext(path), ".json") {
		read = ReadVerbatimsJSON
	}
	vs, err := read(f)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	if len(vs) == 0 {
		res.Error = "no verbatims in file (every text is empty)"
		return res
	}
	now := im.Now()
	for i := range vs {
		vs[i].ExpiresAt = im.expiry(vs[i].Date, now)
	}
	seq := slices.Values(vs)
	if im.Checker != nil {
		seq = im.checkVerbatims(vs)
	}
	n, err := im.Catalog.AddVerbatimSeq(ctx, seq)
	if err != nil {
		res.Error, res.Retry = "catalog: "+err.Error(), true
		return res
	}
	res.Status, res.Verbatims, res.VerbatimDuplicates = Imported, n, len(vs)-n
	if n == 0 && len(vs) > 0 {
		res.Status = Duplicate
	}
	return res
}

func listFiles(p string) ([]string, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return []string{p}, nil
	}
	var files []string
	err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() && !strings.HasPrefix(d.Name(), ".") {
			files = append(files, path)
		}
		return nil
	})
	sort.Strings(files)
	return files, err
}

func hasAudioSibling(jsonPath string) bool {
	base := strings.TrimSuffix(jsonPath, filepath.Ext(jsonPath))
	matches, _ := filepath.Glob(globEscape(base) + ".*")
	for _, m := range matches {
		ext := strings.ToLower(filepath.Ext(m))
		if ext != ".json" && ext != ".csv" && !sidecarExts[ext] {
			return true
		}
	}
	return false
}

func globEscape(s string) string {
	r := strings.NewReplacer(`*`, `\*`, `?`, `\?`, `[`, `\[`, `\`, `\\`)
	return r.Replace(s)
}

// checkVerbatims runs the detector over vs on every core but one and yields each
// verbatim, in order, once it is checked: the detector is most of an
// export's import time (100,000 comments in one CSV are ordinary), and the
// catalog writes the first ones while the detector reads the rest.
func (im *Importer) checkVerbatims(vs []media.Verbatim) iter.Seq[media.Verbatim] {
	const chunk = 256
	chunks := (len(vs) + chunk - 1) / chunk
	done := make([]chan struct{}, chunks)
	for i := range done {
		done[i] = make(chan struct{})
	}
	var next atomic.Int64 // the next chunk a worker takes
	var stop atomic.Bool  // the consumer stopped early
	var wg sync.WaitGroup
	// One core is left to the catalog's writer: a cgo call that returns
	// waits for a free core, and two busy workers would make every insert
	// wait out a scheduler time slice.
	for range min(max(1, runtime.GOMAXPROCS(0)-1), chunks) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := int(next.Add(1) - 1); c < chunks && !stop.Load(); c = int(next.Add(1) - 1) {
				for i := c * chunk; i < min(len(vs), (c+1)*chunk); i++ {
					vs[i].Masked, vs[i].Findings = im.Checker.Text(vs[i].Text)
				}
				close(done[c])
			}
		}()
	}
	return func(yield func(media.Verbatim) bool) {
		defer wg.Wait()
		defer stop.Store(true)
		for c := range chunks {
			<-done[c]
			for _, v := range vs[c*chunk : min(len(vs), (c+1)*chunk)] {
				if !yield(v) {
					return
				}
			}
		}
	}
}
