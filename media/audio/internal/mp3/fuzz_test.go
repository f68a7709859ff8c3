package mp3

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzFrame feeds single frames (and a following one, for the bit
// reservoir) to the layer III decoder. The seeds are small, so the fuzzer
// spends its time mutating side info and main data instead of minimizing
// whole files.
func FuzzFrame(f *testing.F) {
	for _, name := range fixtures(f) {
		b, err := os.ReadFile(filepath.Join(fixtureDir, name))
		if err != nil {
			f.Fatal(err)
		}
		idx, err := buildIndex(bytes.NewReader(b))
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
		var d decoder
		out := make([]float32, 2*1152)
		for len(b) >= 4 {
			h, ok := parseHeader(b)
			if !ok || h.size > len(b) {
				return
			}
			n, err := d.decodeFrame(b[:h.size], out)
			if err == nil && n != h.samples {
				t.Fatalf("decoded %d samples, header says %d", n, h.samples)
			}
			for _, v := range out[:n*h.channels] {
				if !(v >= -MaxSample && v <= MaxSample) {
					t.Fatalf("sample %v", v)
				}
			}
			b = b[h.size:]
		}
	})
}
