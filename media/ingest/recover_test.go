package ingest

import (
	"context"
	"customerroom/media/catalog"
	"customerroom/media/clocktest"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary play a crashing import: with
// CR_CRASH_IMPORT=DATADIR:FILE it imports FILE and kills itself with SIGKILL
// between the copy into library/ and the catalog commit.
func TestMain(m *testing.M) {
	if spec := os.Getenv("CR_CRASH_IMPORT"); spec != "" {
		dataDir := filepath.Dir(spec)
		cat, err := catalog.Open(context.Background(), filepath.Join(dataDir, "catalog.db"))
		if err != nil {
			os.Exit(3)
		}
		im := &Importer{Catalog: cat, DataDir: dataDir, afterCopy: func() {
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {}
		}}
		im.ImportFile(context.Background(), os.Getenv("CR_CRASH_FILE"), ImportOptions{})
		os.Exit(4)
	}
	os.Exit(m.Run())
}

// TestKilledImportLeavesNothing kills a real process at the worst moment of
// an import, then checks the catalog has no row, Recover removes the orphan
// library file, and the file imports cleanly on the retry.
func TestKilledImportLeavesNothing(t *testing.T) {
	im := newImporter(t)
	src, _ := filepath.Abs("testdata/call-8k.wav")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "CR_CRASH_IMPORT="+filepath.Join(im.DataDir, "x"), "CR_CRASH_FILE="+src)
	err := cmd.Run()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("helper did not die by SIGKILL: %v", err)
	}
	ctx := context.Background()
	if n, _ := catOf(im).CountRecordings(ctx); n != 0 {
		t.Fatalf("killed import left %d rows", n)
	}
	if got := libraryFiles(t, im); len(got) != 1 {
		t.Fatalf("expected the orphan library file the kill leaves, got %v", got)
	}
	// A fresh orphan may belong to an import still running beside us: kept.
	if rep, err := im.Recover(ctx); err != nil || rep.Orphans != 0 {
		t.Fatalf("Recover removed a fresh file: %+v %v", rep, err)
	}
	im.Clock = clocktest.New(time.Now().Add(time.Hour))
	orphan := libraryFiles(t, im)[0]
	rep, err := im.Recover(ctx)
	if err != nil || rep.Orphans != 1 {
		t.Fatalf("Recover: %+v %v", rep, err)
	}
	if got := libraryFiles(t, im); len(got) != 0 {
		t.Fatalf("after Recover: %v", got)
	}
	// Moved aside, not deleted: the catalog not knowing a file is also
	// what a restore from an older backup looks like.
	if len(rep.Aside) != 1 || !exists(filepath.Join(im.DataDir, filepath.FromSlash(rep.Aside[0]))) {
		t.Fatalf("orphan %s not kept under unknown/: %+v", orphan, rep)
	}
	res := im.ImportFile(ctx, src, ImportOptions{})
	if res.Status != Imported {
		t.Fatalf("retry: %+v", res)
	}
	// Recover never touches a file a row points at.
	if rep, err := im.Recover(ctx); err != nil || rep.Orphans != 0 || len(libraryFiles(t, im)) != 1 {
		t.Fatalf("Recover after a good import: %+v %v %v", rep, err, libraryFiles(t, im))
	}
}

func TestRecoverSweepsStaging(t *testing.T) {
	im := newImporter(t)
	staging := filepath.Join(im.DataDir, "staging")
	os.MkdirAll(staging, 0o750)
	old := writeFile(t, staging, "abcd-123.part", []byte("half a copy"))
	fresh := writeFile(t, staging, "ef01-456.part", []byte("copy in progress"))
	past := time.Now().Add(-time.Hour)
	os.Chtimes(old, past, past)
	rep, err := im.Recover(context.Background())
	if err != nil || rep.Staging != 1 {
		t.Fatalf("Recover: %+v %v", rep, err)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("old staging file kept")
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("fresh staging file removed: %v", err)
	}
	// An empty data dir (first start) is fine.
	if _, err := newImporter(t).Recover(context.Background()); err != nil {
		t.Errorf("Recover on an empty data dir: %v", err)
	}
}
