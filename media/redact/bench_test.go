package redact

import (
	"context"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

var (
	hourOnce sync.Once
	hourPath string
	hourErr  error
)

// hourCall writes, once per machine, a one-hour 8 kHz mono 16-bit WAV into
// the temp dir (57.6 MB): ten seconds of speechLike repeated, so the file is
// made in a second and memory stays small.
func hourCall(b *testing.B) string {
	hourOnce.Do(func() {
		hourPath = filepath.Join(os.TempDir(), "customerroom-redact-bench-hour-8k.wav")
		if st, err := os.Stat(hourPath); err == nil && st.Size() == 44+3600*8000*2 {
			return
		}
		chunk := speechLike(10*8000, 1, 42)
		pcm := make([]byte, 2*len(chunk))
		for i, v := range chunk {
			binary.LittleEndian.PutUint16(pcm[2*i:], uint16(v))
		}
		tmp := hourPath + ".tmp"
		f, err := os.Create(tmp)
		if err != nil {
			hourErr = err
			return
		}
		defer f.Close()
		if _, err := f.Write(wavHeader(8000, 1, 3600*8000*2)); err != nil {
			hourErr = err
			return
		}
		for range 360 {
			if _, err := f.Write(pcm); err != nil {
				hourErr = err
				return
			}
		}
		if hourErr = f.Close(); hourErr == nil {
			hourErr = os.Rename(tmp, hourPath)
		}
	})
	if hourErr != nil {
		b.Fatal(hourErr)
	}
	return hourPath
}

// BenchmarkRenderHour renders a one-hour 8 kHz mono call with 50 redactions
// of 2 s each, to a file (what approval does) and to memory (the renderer
// alone). The requirement: an hour renders in seconds, not minutes.
func BenchmarkRenderHour(b *testing.B) {
	src := hourCall(b)
	ranges := make([]Range, 50)
	for i := range ranges {
		start := int64(i)*72000 + 30000
		ranges[i] = Range{start, start + 2000}
	}
	run := func(b *testing.B, dst func() (io.WriteSeeker, func())) {
		b.ReportAllocs()
		var total time.Duration
		for b.Loop() {
			in, err := os.Open(src)
			if err != nil {
				b.Fatal(err)
			}
			out, done := dst()
			t0 := time.Now()
			res, err := Render(context.Background(), out, in, ranges, SoundBleep, nil)
			total += time.Since(t0)
			done()
			in.Close()
			if err != nil {
				b.Fatal(err)
			}
			if res.Frames != 3600*8000 {
				b.Fatalf("%d frames", res.Frames)
			}
		}
		perHour := total.Seconds() / float64(b.N)
		b.ReportMetric(perHour, "s/hour-of-audio")
		b.ReportMetric(3600/perHour, "x-realtime")
	}
	b.Run("file", func(b *testing.B) {
		path := filepath.Join(b.TempDir(), "rendition.wav")
		run(b, func() (io.WriteSeeker, func()) {
			f, err := os.Create(path)
			if err != nil {
				b.Fatal(err)
			}
			return f, func() { f.Close() }
		})
	})
	b.Run("discard", func(b *testing.B) {
		run(b, func() (io.WriteSeeker, func()) {
			return &discard{}, func() {}
		})
	})
}
