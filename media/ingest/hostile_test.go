package ingest

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestImportRefusesHostileSidecars: whoever can write to the drop folder can
// name anything like a sidecar. A link to /dev/zero, a FIFO, a link to a file
// outside the inbox, an oversized file: each import must end within seconds,
// without growing memory, rejected with a reason that quotes nothing of the
// outside file; the main audio file is held to the same rules.
func TestImportRefusesHostileSidecars(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "passwd")
	os.WriteFile(secret, []byte("1\n00:00:00,000 --> 00:00:01,000\nSECRET-OUTSIDE root:x:0:0\n"), 0o644)
	wav := mustRead(t, "testdata/call-8k.wav")
	fifo := func(p string) error { return syscall.Mkfifo(p, 0o644) }
	link := func(to string) func(string) error { return func(p string) error { return os.Symlink(to, p) } }
	big := func(n int) func(string) error {
		return func(p string) error { return os.WriteFile(p, []byte(strings.Repeat(" ", n)), 0o644) }
	}
	for _, tc := range []struct {
		name    string
		sidecar string // "" = the audio file itself is the hostile one
		make    func(string) error
		want    string
	}{
		{"metadata linked to /dev/zero", "call.json", link("/dev/zero"), "call.json"},
		{"whisper json linked to /dev/zero", "call.wav.json", link("/dev/zero"), "call.wav.json"},
		{"transcript is a FIFO", "call.vtt", fifo, "call.vtt"},
		{"metadata is a FIFO", "call.json", fifo, "call.json"},
		{"transcript linked outside", "call.srt", link(secret), "call.srt"},
		{"metadata too large", "call.json", big(5 << 20), "call.json"},
		{"audio is a FIFO", "", fifo, "not a regular file"},
		{"audio linked to /dev/zero", "", link("/dev/zero"), "link"},
		{"audio linked outside", "", link(secret), "link"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			im := newImporter(t)
			dir := t.TempDir()
			audio := filepath.Join(dir, "call.wav")
			target := audio
			if tc.sidecar != "" {
				os.WriteFile(audio, wav, 0o644)
				target = filepath.Join(dir, tc.sidecar)
			}
			if err := tc.make(target); err != nil {
				t.Fatal(err)
			}
			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			got := make(chan ImportResult, 1)
			go func() { got <- im.ImportFile(context.Background(), audio, ImportOptions{}) }()
			var res ImportResult
			select {
			case res = <-got:
			case <-time.After(10 * time.Second):
				t.Fatal("import still running after 10 s (blocked on a FIFO or reading forever)")
			}
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			if grown := int64(after.TotalAlloc) - int64(before.TotalAlloc); grown > 64<<20 {
				t.Errorf("import allocated %d MB", grown>>20)
			}
			if res.Status != Rejected || !strings.Contains(res.Error, tc.want) {
				t.Errorf("result %+v: want rejected naming %q", res, tc.want)
			}
			if strings.Contains(res.Error, "SECRET") || strings.Contains(res.Error, "root") || strings.Contains(res.Error, "'S'") {
				t.Errorf("the reason quotes the outside file: %q", res.Error)
			}
			if n, _ := catOf(im).CountRecordings(context.Background()); n != 0 {
				t.Errorf("%d recordings imported", n)
			}
		})
	}
}
