package audio

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMP3MPEG25NeedsFFmpeg checks the stopgap's error when ffmpeg is missing.
func TestMP3MPEG25NeedsFFmpeg(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	b, err := os.ReadFile(filepath.Join(codecDir, "mpeg25-8k-cbr.mp3"))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = Open(bytes.NewReader(b))
	if !errors.Is(err, ErrMPEG25) || !strings.Contains(err.Error(), "ffmpeg") {
		t.Fatalf("got %v, want ErrMPEG25 naming ffmpeg", err)
	}
}
