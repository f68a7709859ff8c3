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

// longCodecFiles encodes one hour of the fixture sentence into dir: MP3 (16 kHz
// MPEG-2; BenchmarkMP3LongSeek covers 8 kHz MPEG-2.5) and Opus.
func longCodecFiles(b *testing.B, dir string) map[string]string {
	for _, tool := range []string{"sox", "lame", "opusenc"} {
		if _, err := exec.LookPath(tool); err != nil {
			b.Skip(tool + " is not installed: cannot make the 1-hour files")
		}
	}
	src := filepath.Join(codecDir, "flac-16bit-mono.wav")
	wav := filepath.Join(dir, "hour.wav")
	files := map[string]string{"mp3": filepath.Join(dir, "hour.mp3"), "opus": filepath.Join(dir, "hour.opus")}
	// 1.6 s × 2250 = 3600 s.
	for _, cmd := range [][]string{
		{"sox", src, "-r", "16000", wav, "repeat", "2249"},
		{"lame", "-S", "-b", "24", wav, files["mp3"]},
		{"opusenc", "--quiet", "--bitrate", "16", wav, files["opus"]},
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
	for _, kind := range []string{"mp3", "opus"} {
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
