package mp3

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestSync finds the first frame behind what exporters put before it, and
// only a frame that the next header confirms.
func TestSync(t *testing.T) {
	mp3, err := os.ReadFile(filepath.Join(fixtureDir, "mpeg2-16k-cbr.mp3"))
	if err != nil {
		t.Fatal(err)
	}
	// A lone header whose frame is not followed by another: junk, not a frame.
	lone := append([]byte{0xFF, 0xF3, 0x48, 0xC4}, make([]byte, 200)...)
	tests := []struct {
		name   string
		b      []byte
		want   int
		wantOK bool
	}{
		{"at the start", mp3, 0, true},
		{"behind 100 KiB of zeros", append(make([]byte, 100<<10), mp3...), 100 << 10, true},
		{"behind junk", append(bytes.Repeat([]byte("junk\xFF"), 1000), mp3...), 5000, true},
		{"behind a lone header", append(lone, mp3...), len(lone), true},
		{"zeros only", make([]byte, 4096), 0, false},
		{"lone header only", lone, 0, false},
		{"past MaxJunk", append(make([]byte, MaxJunk), mp3...), 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Sync(tt.b)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Sync = %d, %v; want %d, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}
