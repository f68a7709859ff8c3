package audio

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzMP3Frame feeds single frames (and a following one, for the bit
// reservoir) to the layer III decoder. The seeds are small, so the fuzzer
// spends its time mutating side info and main data instead of minimizing
// whole files.
func FuzzMP3Frame(f *testing.F) {
	entries, err := os.ReadDir(codecDir)
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".mp3") || strings.HasPrefix(e.Name(), "bad-") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(codecDir, e.Name()))
		if err != nil {
			f.Fatal(err)
		}
		idx, err := buildMP3Index(bytes.NewReader(b))
		if err != nil {
			f.Fatal(err)
		}
		for _, k := range []int{1, len(idx.offsets) / 2} {
			if k+2 < len(idx.offsets) {
				f.Add(b[idx.offsets[k]:idx.offsets[k+2]])
			}
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var d mp3Decoder
		out := make([]float32, 2*1152)
		for len(b) >= 4 {
			h, ok := parseMP3Header(b)
			if !ok || h.size > len(b) {
				return
			}
			n, err := d.decodeFrame(b[:h.size], out)
			if err == nil && n != h.samples {
				t.Fatalf("decoded %d samples, header says %d", n, h.samples)
			}
			for _, v := range out[:n*h.channels] {
				if v != v || v < -1 || v > 1 {
					t.Fatalf("sample %v", v)
				}
			}
			b = b[h.size:]
		}
	})
}
