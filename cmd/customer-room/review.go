package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"customerroom/media"
	"customerroom/media/catalog"
	"customerroom/media/pii"
	"customerroom/media/redact"
	"customerroom/media/review"
)

// The catalog is the review gate's store.
var _ review.Store = (*catalog.Catalog)(nil)

// reviewFlags adds the anonymization settings.
func reviewFlags(fs *flag.FlagSet, c *config) {
	fs.StringVar(&c.RedactSound, "redact-sound", "bleep", "what hides personal data in a rendition: bleep or silence (env CR_REDACT_SOUND)")
	fs.DurationVar(&c.OriginalGrace, "original-grace", 7*24*time.Hour, "how long an approved call's original is kept for checking (env CR_ORIGINAL_GRACE)")
	fs.StringVar(&c.PIIPatterns, "pii-patterns", "", "file of the company's own identifiers to hide: one 'NAME REGEXP' a line (env CR_PII_PATTERNS)")
}

// readPatterns reads the admin's patterns: "NAME REGEXP" a line, # comments.
func readPatterns(path string) ([]pii.Pattern, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("pii patterns: %v", unwrapPathErr(err))
	}
	defer f.Close()
	var ps []pii.Pattern
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, re, ok := strings.Cut(line, " ")
		if !ok || strings.TrimSpace(re) == "" {
			return nil, fmt.Errorf("pii patterns %s line %d: want NAME REGEXP", path, n)
		}
		ps = append(ps, pii.Pattern{Name: name, Regexp: strings.TrimSpace(re)})
	}
	return ps, sc.Err()
}

// newChecker builds the detector with the admin's patterns.
func newChecker(c config) (*review.Checker, error) {
	ps, err := readPatterns(c.PIIPatterns)
	if err != nil {
		return nil, err
	}
	chk, err := review.NewChecker(ps)
	if err != nil {
		return nil, fmt.Errorf("pii patterns: %w", err)
	}
	return chk, nil
}

// newGate builds the review gate over the catalog.
func newGate(c config, cat *catalog.Catalog, dataDir string, chk *review.Checker, log *slog.Logger) *review.Gate {
	return &review.Gate{Store: cat, Checker: chk, Layout: media.Layout{Dir: dataDir}, Sound: redact.Sound(c.RedactSound),
		Grace: c.OriginalGrace, Logger: log}
}

// runPII prints the personal data found in each line of FILE (or stdin).
func runPII(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	var c config
	fs := flag.NewFlagSet("pii", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "one JSON object per input line: {line, findings, masked}")
	fs.StringVar(&c.PIIPatterns, "pii-patterns", "", "file of extra patterns: one 'NAME REGEXP' a line (env CR_PII_PATTERNS)")
	if err := parseFlags(fs, &c, getenv, args); err != nil {
		return err
	}
	in := stdin
	switch fs.NArg() {
	case 0:
	case 1:
		f, err := os.Open(fs.Arg(0))
		if err != nil {
			return fmt.Errorf("pii: %v", unwrapPathErr(err))
		}
		defer f.Close()
		in = f
	default:
		return errors.New("pii: give at most one FILE (stdin without one)")
	}
	ps, err := readPatterns(c.PIIPatterns)
	if err != nil {
		return err
	}
	d, err := pii.New(ps)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(stdout)
	if err := pii.Lines(in, w, d, *asJSON); err != nil {
		w.Flush()
		return err
	}
	return w.Flush()
}

// approveResult is one line of `approve --json`.
type approveResult struct {
	ID     int64  `json:"id"`
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
}

// runApprove approves recordings (or, with --verbatim, verbatims) with their
// detected redactions, for an admin scripting a trusted batch. Each decision
// is audited as "cli:USER".
func runApprove(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c config
	fs := newFlags("approve", stderr, &c)
	reviewFlags(fs, &c)
	asJSON := fs.Bool("json", false, "one JSON object per ID: {id, status, error}")
	verbatim := fs.Bool("verbatim", false, "the IDs are verbatims")
	if err := parseFlags(fs, &c, getenv, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("approve: give at least one ID")
	}
	var ids []int64
	for _, a := range fs.Args() {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil || id <= 0 {
			return fmt.Errorf("approve: %q is not an ID", a)
		}
		ids = append(ids, id)
	}
	cat, dataDir, err := openCatalog(ctx, c)
	if err != nil {
		return err
	}
	defer cat.Close()
	chk, err := newChecker(c)
	if err != nil {
		return err
	}
	log, _ := newLogger(io.Discard, "error")
	gate := newGate(c, cat, dataDir, chk, log)
	actor := "cli:" + getenv("USER")
	enc := json.NewEncoder(stdout)
	failed := 0
	for _, id := range ids {
		res := approveResult{ID: id, Status: "approved"}
		var err error
		if *verbatim {
			err = gate.SetVerbatimStatus(ctx, actor, id, media.StatusApproved, "")
		} else if _, err = gate.Approve(ctx, actor, id); err == nil {
			// Without a pool the rendering ran inline: read its outcome.
			rv, rerr := cat.Review(ctx, id)
			if rerr == nil && rv.Recording.Status != media.StatusApproved {
				err = errors.New(rv.Render.Error)
			}
		}
		if err != nil {
			failed++
			res.Status, res.Error = "failed", err.Error()
		}
		if *asJSON {
			if err := enc.Encode(res); err != nil {
				return err
			}
		} else if res.Error != "" {
			fmt.Fprintf(stdout, "%d: %s\n", id, res.Error)
		} else {
			fmt.Fprintf(stdout, "%d: approved\n", id)
		}
	}
	if failed > 0 {
		return errSilent
	}
	return nil
}
