package media

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestPurgeUnknown: files moved aside longer ago than the cutoff go, with
// the folders they leave empty; younger ones and their folders stay; a data
// folder that never moved anything aside is no error.
func TestPurgeUnknown(t *testing.T) {
	l := Layout{Dir: t.TempDir()}
	if n, err := l.PurgeUnknown(time.Now()); n != 0 || err != nil {
		t.Fatalf("no unknown/: %d %v", n, err)
	}
	now := time.Now()
	for rel, age := range map[string]time.Duration{
		"library/2025/old.wav":      400 * 24 * time.Hour,
		"library/2025/old.vtt":      400 * 24 * time.Hour,
		"renditions/2025/old.wav":   380 * 24 * time.Hour,
		"library/2026/young.wav":    10 * 24 * time.Hour,
		"library/2026/middling.wav": 200 * 24 * time.Hour,
	} {
		p := filepath.Join(l.Unknown(), rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("RIFF"), 0o640); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, now.Add(-age), now.Add(-age)); err != nil {
			t.Fatal(err)
		}
	}
	n, err := l.PurgeUnknown(now.Add(-366 * 24 * time.Hour))
	if n != 3 || err != nil {
		t.Fatalf("purged %d, %v; want the 3 files older than a year", n, err)
	}
	var left []string
	filepath.WalkDir(l.Unknown(), func(p string, d os.DirEntry, err error) error {
		if err == nil {
			rel, _ := filepath.Rel(l.Unknown(), p)
			left = append(left, filepath.ToSlash(rel))
		}
		return nil
	})
	want := []string{".", "library", "library/2026", "library/2026/middling.wav", "library/2026/young.wav"}
	if len(left) != len(want) {
		t.Fatalf("left %v, want %v", left, want)
	}
	for i := range want {
		if left[i] != want[i] {
			t.Fatalf("left %v, want %v", left, want)
		}
	}
}
