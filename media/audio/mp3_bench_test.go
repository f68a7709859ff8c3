package audio

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkMP3LongSeek opens a 1-hour 8 kHz MPEG-2.5 file (the common
// call-centre export; the index is built on open) and seeks in it, reading
// 100 ms after each seek.
func BenchmarkMP3LongSeek(b *testing.B) {
	for _, tool := range []string{"sox", "lame"} {
		if _, err := exec.LookPath(tool); err != nil {
			b.Skip(tool + " is not installed: cannot make the 1-hour file")
		}
	}
	dir := b.TempDir()
	wav, path := filepath.Join(dir, "hour.wav"), filepath.Join(dir, "hour.mp3")
	for _, cmd := range [][]string{
		{"sox", filepath.Join(codecDir, "flac-16bit-mono.wav"), "-r", "8000", wav, "repeat", "2249"}, // 1.6 s × 2250
		{"lame", "-S", "-b", "16", wav, path},
	} {
		if out, err := exec.Command(cmd[0], cmd[1:]...).CombinedOutput(); err != nil {
			b.Fatalf("%s: %v: %s", cmd[0], err, strings.TrimSpace(string(out)))
		}
	}
	b.Run("open", func(b *testing.B) {
		for b.Loop() {
			f, err := os.Open(path)
			if err != nil {
				b.Fatal(err)
			}
			if _, _, err := Open(f); err != nil {
				b.Fatal(err)
			}
			f.Close()
		}
	})
	b.Run("seek", func(b *testing.B) {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		s, _, err := Open(f)
		if err != nil {
			b.Fatal(err)
		}
		if s.SampleRate() != 8000 {
			b.Fatalf("lame wrote %d Hz, want 8000 (MPEG-2.5)", s.SampleRate())
		}
		sk := s.(Seeker)
		buf := make([]float32, s.SampleRate()/10*s.Channels())
		i := int64(0)
		for b.Loop() {
			i++
			at := (i * 7919 * int64(s.SampleRate())) % (s.Frames() - int64(s.SampleRate()))
			if err := sk.SeekFrame(at); err != nil {
				b.Fatal(err)
			}
			if _, err := s.Read(buf); err != nil {
				b.Fatal(err)
			}
		}
	})
}
