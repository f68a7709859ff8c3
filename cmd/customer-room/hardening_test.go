package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"customerroom/media"
	"customerroom/media/catalog"
)

// cli runs one command as main would and returns its output.
func cli(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(""), &out, &errOut)
	return out.String() + errOut.String(), err
}

// recordingsIn opens the catalog of data and lists its recordings.
func recordingsIn(t *testing.T, data string) []media.Recording {
	t.Helper()
	cat, err := catalog.Open(context.Background(), media.Layout{Dir: data}.Catalog())
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	rs, err := cat.Recordings(context.Background(), media.RecordingFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// aged writes a file dated an hour ago, past every grace.
func aged(t *testing.T, p string, data []byte) {
	t.Helper()
	os.MkdirAll(filepath.Dir(p), 0o750)
	if err := os.WriteFile(p, data, 0o640); err != nil {
		t.Fatal(err)
	}
	past := time.Now().Add(-time.Hour)
	os.Chtimes(p, past, past)
}

// TestCheckFindsAndRepairs: check reports a staging leftover, a library file
// the catalog does not know and a recording whose file is missing, exits 1;
// check --repair removes the leftover, moves the unknown file aside (never
// deletes it) and marks the recording unavailable; a second check is clean.
func TestCheckFindsAndRepairs(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	if out, err := cli(t, "import", "--data", data, "testdata/tone.wav", "testdata/review-call.wav"); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	lay := media.Layout{Dir: data}
	rs := recordingsIn(t, data)
	if len(rs) != 2 {
		t.Fatalf("%d recordings", len(rs))
	}
	gone := rs[0]
	if err := os.Remove(lay.Abs(gone.Path)); err != nil {
		t.Fatal(err)
	}
	leftover := filepath.Join(lay.Staging(), "abcd1234-99.part")
	aged(t, leftover, []byte("half a copy"))
	stray := "library/ee/" + strings.Repeat("e", 64) + ".wav"
	aged(t, lay.Abs(stray), []byte("a call the catalog forgot"))

	out, err := cli(t, "check", "--data", data)
	if err == nil {
		t.Errorf("check with problems exited 0:\n%s", out)
	}
	for _, want := range []string{"integrity  ok", "staging/abcd1234-99.part", stray, gone.Path} {
		if !strings.Contains(out, want) {
			t.Errorf("check does not report %q:\n%s", want, out)
		}
	}
	if !exists(leftover) || !exists(lay.Abs(stray)) {
		t.Fatalf("check without --repair changed files")
	}

	out, err = cli(t, "check", "--repair", "--data", data)
	if err != nil {
		t.Fatalf("check --repair: %v\n%s", err, out)
	}
	if exists(leftover) {
		t.Errorf("staging leftover still there")
	}
	if exists(lay.Abs(stray)) || !exists(lay.Abs("unknown/"+stray)) {
		t.Errorf("unknown file not moved aside to unknown/%s:\n%s", stray, out)
	}
	for _, r := range recordingsIn(t, data) {
		if r.ID == gone.ID && !strings.Contains(r.Unavailable, gone.Path) {
			t.Errorf("recording %d with a missing file is not marked unavailable: %q", r.ID, r.Unavailable)
		}
		if r.ID != gone.ID && r.Unavailable != "" {
			t.Errorf("recording %d wrongly marked: %q", r.ID, r.Unavailable)
		}
	}
	if out, err := cli(t, "check", "--data", data); err != nil {
		t.Errorf("check after repair: %v\n%s", err, out)
	}
}

func exists(p string) bool { _, err := os.Lstat(p); return err == nil }

// TestRestoreReconcilesLibrary restores a backup made before a call was
// imported: nothing is deleted, the call the backup does not know is imported
// again from its library file, and a restore while the room runs on the
// data folder is refused.
func TestRestoreReconcilesLibrary(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	backup := filepath.Join(t.TempDir(), "catalog-backup.db")
	if out, err := cli(t, "import", "--data", data, "testdata/tone.wav"); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if out, err := cli(t, "backup", "--data", data, backup); err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	if out, err := cli(t, "import", "--data", data, "testdata/review-call.wav"); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	before := recordingsIn(t, data)
	if len(before) != 2 {
		t.Fatalf("%d recordings", len(before))
	}
	lay := media.Layout{Dir: data}
	later := before[0] // newest first: review-call, imported after the backup
	// Library files are days old by the time anyone restores.
	past := time.Now().Add(-48 * time.Hour)
	for _, r := range before {
		os.Chtimes(lay.Abs(r.Path), past, past)
	}

	out, err := cli(t, "restore", "--data", data, backup)
	if err != nil {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	after := recordingsIn(t, data)
	if len(after) != 2 {
		t.Fatalf("after restore: %d recordings, want 2 (the one imported since, imported again):\n%s", len(after), out)
	}
	found := false
	for _, r := range after {
		if r.SHA256 == later.SHA256 {
			found = true
			if r.Path != later.Path || !exists(lay.Abs(r.Path)) {
				t.Errorf("re-imported call: path %q, want %q on disk", r.Path, later.Path)
			}
		}
	}
	if !found {
		t.Errorf("the call imported after the backup is gone:\n%s", out)
	}
	// The database it replaced is kept beside it.
	if old, _ := filepath.Glob(lay.Catalog() + ".before-restore-*"); len(old) == 0 {
		t.Errorf("the replaced catalog was not kept")
	}
	// serve's Recover at the next start finds nothing to move.
	if out, err := cli(t, "check", "--data", data); err != nil {
		t.Errorf("check after restore: %v\n%s", err, out)
	}

	// Refused while the room runs on the folder.
	_, _, _ = startProgram(t, nil, "serve", "--data", data, "--addr", "127.0.0.1:0", "--audio", "null", "--demo=false")
	out, err = cli(t, "restore", "--data", data, backup)
	if err == nil || !strings.Contains(out+err.Error(), "running") {
		t.Errorf("restore while serving: %v\n%s", err, out)
	}
	if n := len(recordingsIn(t, data)); n != 2 {
		t.Errorf("a refused restore changed the catalog: %d recordings", n)
	}
}

// TestReadOnlyDatabaseRefusesToStart: a data folder, or only its database
// file, on a read-only mount (a mistaken remount, a full SD card the kernel
// turned read-only) stops the server at start with a sentence that says
// what to fix, rather than serving 500s. The mounts are made in a private
// mount namespace (unshare), which needs root: CI runs as root.
func TestReadOnlyDatabaseRefusesToStart(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root for a read-only bind mount in a private mount namespace")
	}
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Fatalf("unshare (util-linux) is missing: %v", err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(t.TempDir(), "data")
	if err := run(context.Background(), []string{"check", "--data", data}, func(string) string { return "" },
		strings.NewReader(""), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ mount, want string }{
		{data, "data folder " + data + " is not writable: read-only file system"},
		{filepath.Join(data, "catalog.db"), "cannot be opened for writing (read-only file system): give the service's user write access"},
	} {
		script := `mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && exec "$0" serve --data "$2" --addr 127.0.0.1:0 --audio null`
		cmd := exec.Command(unshare, "-m", "sh", "-c", script, exe, c.mount, data)
		cmd.Env = append(os.Environ(), "CR_TEST_MAIN=1")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		done := make(chan error, 1)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(stderr.String(), c.want) {
				t.Errorf("read-only %s: exit %v, stderr %q; want a refusal saying %q", c.mount, err, stderr.String(), c.want)
			}
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("read-only %s: the server started instead of refusing; stderr %q", c.mount, stderr.String())
		}
	}
}
