package audio

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// BenchmarkCodecDecode reports how many times faster than real time each codec decodes.
func BenchmarkCodecDecode(b *testing.B) {
	for _, name := range []string{"mpeg25-8k-cbr.mp3", "mpeg2-16k-cbr.mp3", "mpeg1-44k-vbr-stereo.mp3", "vorbis-22k-mono.ogg", "opus-silk-12k.opus", "opus-celt-64k.opus", "flac-16bit-mono.flac", "flac-24bit-stereo.flac"} {
		data, err := os.ReadFile(filepath.Join(codecDir, name))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			buf := make([]float32, 4096)
			var audio float64
			start := time.Now()
			for b.Loop() {
				s, _, err := Open(bytes.NewReader(data))
				if err != nil {
					b.Fatal(err)
				}
				var frames int
				for {
					n, err := s.Read(buf)
					frames += n / s.Channels()
					if errors.Is(err, io.EOF) {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
				}
				audio += float64(frames) / float64(s.SampleRate())
			}
			b.ReportMetric(audio/time.Since(start).Seconds(), "x-realtime")
		})
	}
}

// longCodecFiles encodes one hour of the fixture sentence into dir: MP3 at
// 16 kHz (MPEG-2) and 8 kHz (MPEG-2.5, the common call-centre export), and Opus.
func longCodecFiles(b *testing.B, dir string) map[string]string {
	for _, tool := range []string{"sox", "lame", "opusenc"} {
		if _, err := exec.LookPath(tool); err != nil {
			b.Fatal(tool + " is not installed (make bench installs it): cannot make the 1-hour files")
		}
	}
	src := filepath.Join(codecDir, "flac-16bit-mono.wav")
	wav16, wav8 := filepath.Join(dir, "hour16k.wav"), filepath.Join(dir, "hour8k.wav")
	files := map[string]string{"mp3": filepath.Join(dir, "hour.mp3"), "mp3-8k": filepath.Join(dir, "hour8k.mp3"), "opus": filepath.Join(dir, "hour.opus")}
	// 1.6 s × 2250 = 3600 s.
	for _, cmd := range [][]string{
		{"sox", src, "-r", "16000", wav16, "repeat", "2249"},
		{"sox", src, "-r", "8000", wav8, "repeat", "2249"},
		{"lame", "-S", "-b", "24", wav16, files["mp3"]},
		{"lame", "-S", "-b", "16", wav8, files["mp3-8k"]},
		{"opusenc", "--quiet", "--bitrate", "16", wav16, files["opus"]},
	} {
		if out, err := exec.Command(cmd[0], cmd[1:]...).CombinedOutput(); err != nil {
			b.Fatalf("%s: %v: %s", cmd[0], err, strings.TrimSpace(string(out)))
		}
	}
	return files
}

// BenchmarkCodecLong measures, on 1-hour files, opening (the MP3 frame index is
// built then) and a seek plus the first 100 ms read.
func BenchmarkCodecLong(b *testing.B) {
	files := longCodecFiles(b, b.TempDir())
	for _, kind := range []string{"mp3", "mp3-8k", "opus"} {
		path := files[kind]
		b.Run(kind+"/open", func(b *testing.B) {
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
		b.Run(kind+"/seek", func(b *testing.B) {
			f, err := os.Open(path)
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			s, _, err := Open(f)
			if err != nil {
				b.Fatal(err)
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
}
