package audio

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// codecFuzzSeeds adds every fixture whose name has one of the suffixes.
func codecFuzzSeeds(f *testing.F, suffixes ...string) {
	entries, err := os.ReadDir(codecDir)
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		for _, suf := range suffixes {
			if strings.HasSuffix(e.Name(), suf) {
				b, err := os.ReadFile(filepath.Join(codecDir, e.Name()))
				if err != nil {
					f.Fatal(err)
				}
				// A few MP3 frames exercise every path; whole files make each
				// exec decode seconds of audio and the minimizer crawl.
				if suf == ".mp3" && len(b) > 4096 {
					b = b[:4096]
				}
				f.Add(b)
			}
		}
	}
}

// fuzzDrain opens b with open and reads a bounded amount, then seeks: nothing may panic.
func fuzzDrain(t *testing.T, b []byte, open func(r *bytes.Reader) (Stream, string, error)) {
	s, _, err := open(bytes.NewReader(b))
	if err != nil {
		return
	}
	if c := s.Channels(); c < 1 || c > 2 {
		t.Fatalf("channels %d", c)
	}
	buf := make([]float32, 2048)
	for i := 0; i < 200; i++ {
		n, err := s.Read(buf)
		if n%s.Channels() != 0 {
			t.Fatalf("Read returned %d samples for %d channels", n, s.Channels())
		}
		if err != nil {
			break
		}
	}
	if sk, ok := s.(Seeker); ok {
		_ = sk.SeekFrame(1000)
		_, _ = s.Read(buf)
	}
}

func FuzzMP3(f *testing.F) {
	codecFuzzSeeds(f, ".mp3")
	f.Fuzz(func(t *testing.T, b []byte) {
		fuzzDrain(t, b, func(r *bytes.Reader) (Stream, string, error) { return openMP3(r) })
	})
}

func FuzzOgg(f *testing.F) {
	codecFuzzSeeds(f, ".ogg", ".opus")
	f.Fuzz(func(t *testing.T, b []byte) {
		var p oggPage
		_ = parseOggPage(b, &p)
		fuzzDrain(t, b, func(r *bytes.Reader) (Stream, string, error) { return openOpus(r) })
		fuzzDrain(t, b, func(r *bytes.Reader) (Stream, string, error) { return openVorbis(r) })
	})
}

func FuzzFLAC(f *testing.F) {
	codecFuzzSeeds(f, ".flac")
	f.Fuzz(func(t *testing.T, b []byte) {
		fuzzDrain(t, b, func(r *bytes.Reader) (Stream, string, error) { return openFLAC(r) })
	})
}
