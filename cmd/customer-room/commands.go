package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"time"

	"customerroom/media"
	"customerroom/media/audio"
	"customerroom/media/catalog"
	"customerroom/media/ingest"
)

// openCatalog prepares --data and opens its catalog, for the admin commands.
func openCatalog(ctx context.Context, c config) (*catalog.Catalog, string, error) {
	dataDir, err := prepareDataDir(c.Data)
	if err != nil {
		return nil, "", err
	}
	cat, err := catalog.Open(ctx, media.Layout{Dir: dataDir}.Catalog())
	if err != nil {
		return nil, "", oneLine(err)
	}
	return cat, dataDir, nil
}

func runImport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c config
	fs := newFlags("import", stderr, &c)
	retentionFlag(fs, &c)
	fs.StringVar(&c.PIIPatterns, "pii-patterns", "", "file of the company's own identifiers to hide: one 'NAME REGEXP' a line (env CR_PII_PATTERNS)")
	asJSON := fs.Bool("json", false, "print one JSON object per input file")
	if err := parseFlags(fs, &c, getenv, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("import: give at least one file or folder")
	}
	cat, dataDir, err := openCatalog(ctx, c)
	if err != nil {
		return err
	}
	defer cat.Close()
	log, _ := newLogger(io.Discard, "error")
	chk, err := newChecker(c)
	if err != nil {
		return err
	}
	imp := &ingest.Importer{Catalog: cat, DataDir: dataDir, Retention: c.Retention, Checker: chk, Logger: log}
	if _, err := imp.Recover(ctx); err != nil {
		return fmt.Errorf("recovering interrupted imports: %w", err)
	}
	rejected := 0
	enc := json.NewEncoder(stdout)
	for _, res := range imp.ImportPaths(ctx, fs.Args()) {
		if res.Status == ingest.Rejected {
			rejected++
		}
		if *asJSON {
			if err := enc.Encode(res); err != nil {
				return err
			}
			continue
		}
		switch res.Status {
		case ingest.Rejected:
			fmt.Fprintf(stdout, "rejected  %s: %s\n", res.Path, res.Error)
		default:
			if res.IsVerbatims {
				fmt.Fprintf(stdout, "%-9s %s: %d verbatim(s) added, %d already in the library\n", res.Status, res.Path, res.Verbatims, res.VerbatimDuplicates)
			} else {
				fmt.Fprintf(stdout, "%-9s %s (id %d, %.1f s, %.1f LUFS, %d cues)\n", res.Status, res.Path, res.ID, float64(res.DurationMS)/1000, res.LoudnessLUFS, res.Cues)
			}
		}
	}
	if rejected > 0 {
		if !*asJSON {
			fmt.Fprintf(stderr, "customer-room: %d file(s) rejected\n", rejected)
		}
		return errSilent
	}
	return nil
}

// analysis is `analyze --json` output, as the command-line contract says (README, "Configuration").
type analysis struct {
	Format       string  `json:"format"`
	Codec        string  `json:"codec"`
	SampleRate   int     `json:"sample_rate"`
	Channels     int     `json:"channels"`
	DurationMS   int64   `json:"duration_ms"`
	LoudnessLUFS float64 `json:"loudness_lufs"`
	TruePeakDBTP float64 `json:"true_peak_dbtp"`
}

func runAnalyze(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c config
	fs := newFlags("analyze", stderr, &c)
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, &c, getenv, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("analyze: give exactly one file")
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	s, info, err := audio.Open(f)
	if err != nil {
		return fmt.Errorf("%s: %w", fs.Arg(0), err)
	}
	a, err := audio.Analyze(s, audio.AnalyzeOptions{})
	if err != nil {
		return fmt.Errorf("%s: %w", fs.Arg(0), err)
	}
	out := analysis{string(info.Format), info.Codec, a.SampleRate, a.Channels, a.DurationMS, a.LoudnessLUFS, a.TruePeakDBTP}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(out)
	}
	fmt.Fprintf(stdout, "format       %s (%s)\nsample rate  %d Hz, %d channel(s)\nduration     %.3f s\nloudness     %.1f LUFS\ntrue peak    %.1f dBTP\n",
		out.Format, out.Codec, out.SampleRate, out.Channels, float64(out.DurationMS)/1000, out.LoudnessLUFS, out.TruePeakDBTP)
	return nil
}

func runUser(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return errors.New("usage: customer-room user add --role admin|curator|facilitator NAME (password on stdin)")
	}
	var c config
	fs := newFlags("user add", stderr, &c)
	role := fs.String("role", "", "admin, curator or facilitator")
	if err := parseFlags(fs, &c, getenv, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("user add: give exactly one NAME")
	}
	pw, err := io.ReadAll(io.LimitReader(stdin, 1024))
	if err != nil {
		return err
	}
	cat, _, err := openCatalog(ctx, c)
	if err != nil {
		return err
	}
	defer cat.Close()
	if err := cat.AddUser(ctx, fs.Arg(0), *role, strings.TrimRight(string(pw), "\r\n")); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "user %s added (%s)\n", fs.Arg(0), *role)
	return nil
}

func runBackup(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c config
	fs := newFlags("backup", stderr, &c)
	if err := parseFlags(fs, &c, getenv, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("backup: give the destination file")
	}
	cat, _, err := openCatalog(ctx, c)
	if err != nil {
		return err
	}
	defer cat.Close()
	if err := cat.Backup(ctx, fs.Arg(0)); err != nil {
		return oneLine(err)
	}
	fmt.Fprintf(stdout, "database backed up to %s (audio files are under %s/library)\n", fs.Arg(0), c.Data)
	return nil
}

func runCheck(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c config
	fs := newFlags("check", stderr, &c)
	repair := fs.Bool("repair", false, "fix what is safe: remove old staging leftovers, move unknown library files to DATA/unknown/, mark recordings whose file is missing unavailable")
	if err := parseFlags(fs, &c, getenv, args); err != nil {
		return err
	}
	cat, dataDir, err := openCatalog(ctx, c)
	if err != nil {
		return err
	}
	defer cat.Close()
	res, err := cat.Check(ctx)
	if err != nil {
		return oneLine(err)
	}
	v, err := cat.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	n, err := cat.CountRecordings(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "database   %s\nschema     %d\nrecordings %d\nintegrity  %s\n", cat.Path(), v, n, res)
	if res != "ok" {
		// A damaged database: no repair of files on its word.
		return errSilent
	}
	rep, err := cat.CheckFiles(ctx, media.Layout{Dir: dataDir}, catalog.CheckOptions{Grace: orphanGrace, Repair: *repair})
	if err != nil {
		return err
	}
	printFilesReport(stdout, rep, *repair)
	if rep.Problems() > 0 && !*repair {
		fmt.Fprintln(stdout, "run `customer-room check --repair` to fix what is safe")
		return errSilent
	}
	return nil
}

// orphanGrace protects files an import or a render running beside the
// command may still be placing (the importer's own grace).
const orphanGrace = 10 * time.Minute

// printFilesReport prints what CheckFiles found, one problem a line, and
// what repair did about each.
func printFilesReport(w io.Writer, rep catalog.FilesReport, repaired bool) {
	done := func(s string) string {
		if repaired {
			return "  (" + s + ")"
		}
		return ""
	}
	fmt.Fprintf(w, "staging    %d leftover(s)\n", len(rep.Staging))
	for _, p := range rep.Staging {
		fmt.Fprintf(w, "  %s%s\n", p, done("removed"))
	}
	fmt.Fprintf(w, "unknown    %d file(s) no recording points at\n", len(rep.Unknown))
	for i, p := range rep.Unknown {
		to := ""
		if i < len(rep.Aside) {
			to = done("moved to " + rep.Aside[i])
		}
		fmt.Fprintf(w, "  %s%s\n", p, to)
	}
	fmt.Fprintf(w, "missing    %d file(s)\n", len(rep.Missing))
	for _, m := range rep.Missing {
		what := "marked unavailable"
		if m.Fix == "original-deleted" {
			what = "rendition kept, original recorded as deleted"
		}
		fmt.Fprintf(w, "  recording %d: %s %s%s\n", m.ID, m.Kind, m.Path, done(what))
	}
	for _, id := range rep.Back {
		fmt.Fprintf(w, "  recording %d: its files are back%s\n", id, done("available again"))
	}
	if len(rep.Unavailable) > 0 {
		fmt.Fprintf(w, "unavailable %d recording file(s) missing, already marked (restore them, or delete the recordings)\n", len(rep.Unavailable))
		for _, m := range rep.Unavailable {
			fmt.Fprintf(w, "  recording %d: %s %s\n", m.ID, m.Kind, m.Path)
		}
	}
	if rep.Young > 0 {
		fmt.Fprintf(w, "in progress %d recent file(s) left alone\n", rep.Young)
	}
}

func runPurge(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c config
	fs := newFlags("purge", stderr, &c)
	reviewFlags(fs, &c)
	retentionMaxFlag(fs, &c)
	if err := parseFlags(fs, &c, getenv, args); err != nil {
		return err
	}
	cat, dataDir, err := openCatalog(ctx, c)
	if err != nil {
		return err
	}
	defer cat.Close()
	rep, err := cat.Purge(ctx, dataDir)
	if err != nil {
		return err
	}
	chk, err := newChecker(c)
	if err != nil {
		return err
	}
	n, err := newGate(c, cat, dataDir, chk, nil).PurgeOriginals(ctx)
	if err != nil {
		return err
	}
	aside, err := media.Layout{Dir: dataDir}.PurgeUnknown(cat.Clock.Now().Add(-c.RetentionMax))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "purged %d recording(s), %d verbatim(s), %d file(s); deleted %d original(s) past their grace and %d file(s) in unknown/ older than --retention-max\n",
		rep.Recordings, rep.Verbatims, rep.Files, n, aside)
	return nil
}

func runRestore(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c config
	fs := newFlags("restore", stderr, &c)
	retentionFlag(fs, &c)
	fs.StringVar(&c.PIIPatterns, "pii-patterns", "", "file of the company's own identifiers to hide: one 'NAME REGEXP' a line (env CR_PII_PATTERNS)")
	if err := parseFlags(fs, &c, getenv, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("restore: give the backup file (made by customer-room backup)")
	}
	src := fs.Arg(0)
	dataDir, err := prepareDataDir(c.Data)
	if err != nil {
		return err
	}
	lay := media.Layout{Dir: dataDir}
	if same, _ := sameFile(src, lay.Catalog()); same {
		return fmt.Errorf("restore: %s is the catalog itself; give a backup file", src)
	}
	if catalogInUse(lay.Catalog()) {
		return fmt.Errorf("restore: the room is running on %s: stop it first (sudo systemctl stop customer-room), then restore", dataDir)
	}
	v, err := catalog.VerifyBackup(ctx, src)
	if err != nil {
		return err
	}
	chk, err := newChecker(c)
	if err != nil {
		return err
	}
	// The catalog it replaces is kept, with its WAL, under a dated name
	// SQLite can still open: nothing is lost if the wrong backup was chosen.
	kept := lay.Catalog() + ".before-restore-" + time.Now().UTC().Format("20060102-150405")
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Rename(lay.Catalog()+suffix, kept+suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("restore: keeping the current catalog: %w", err)
		}
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if _, err := media.WriteStaged(lay.Staging(), "restore-*.db", in, func(staged string) error {
		return os.Rename(staged, lay.Catalog())
	}); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	cat, err := catalog.Open(ctx, lay.Catalog())
	if err != nil {
		return oneLine(err)
	}
	defer cat.Close()
	fmt.Fprintf(stdout, "restored %s (schema %d) into %s; the catalog it replaced is %s\n", src, v, lay.Catalog(), kept)

	// Reconcile: calls imported after the backup still have their original
	// in library/ (named by its hash); import each again. The server is
	// stopped, so no file is in flight: no grace.
	log, _ := newLogger(io.Discard, "error")
	imp := &ingest.Importer{Catalog: cat, DataDir: dataDir, Retention: c.Retention, Checker: chk, Logger: log}
	found, err := cat.CheckFiles(ctx, lay, catalog.CheckOptions{Grace: time.Nanosecond})
	if err != nil {
		return err
	}
	again := 0
	for _, rel := range found.Unknown {
		if !strings.HasPrefix(rel, "library/") {
			continue // a rendition: made again when the call is approved again
		}
		res := imp.ImportFile(ctx, lay.Abs(rel), ingest.ImportOptions{})
		if res.Status == ingest.Imported {
			again++
			fmt.Fprintf(stdout, "  imported again  %s (id %d, pending review)\n", rel, res.ID)
		} else if res.Status == ingest.Rejected {
			fmt.Fprintf(stdout, "  not imported    %s: %s\n", rel, res.Error)
		}
	}
	// What is left (renditions, files that would not import) goes aside,
	// and calls whose file is missing are marked unavailable.
	rep, err := cat.CheckFiles(ctx, lay, catalog.CheckOptions{Grace: time.Nanosecond, Repair: true})
	if err != nil {
		return err
	}
	printFilesReport(stdout, rep, true)
	fmt.Fprintf(stdout, "%d call(s) the backup did not know imported again; they wait for review in the studio\n", again)
	return nil
}

// sameFile reports whether a and b are the same file on disk.
func sameFile(a, b string) (bool, error) {
	sa, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	sb, err := os.Stat(b)
	if err != nil {
		return false, err
	}
	return os.SameFile(sa, sb), nil
}

// catalogInUse reports whether another process has the catalog open. In WAL
// mode every connection holds a shared lock on the "dead man switch" byte of
// NAME-shm (offset 128, see SQLite's os_unix.c) for as long as it is open;
// F_GETLK reports such a lock held by any other process.
func catalogInUse(dbPath string) bool {
	f, err := os.OpenFile(dbPath+"-shm", os.O_RDWR, 0)
	if err != nil {
		return false // no -shm: nobody has the database open in WAL mode
	}
	defer f.Close()
	lk := syscall.Flock_t{Type: syscall.F_WRLCK, Whence: 0, Start: 128, Len: 1}
	if err := syscall.FcntlFlock(f.Fd(), syscall.F_GETLK, &lk); err != nil {
		return true // cannot tell: better refuse than overwrite a live database
	}
	return lk.Type != syscall.F_UNLCK
}
