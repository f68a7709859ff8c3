package mp3

import (
	"bytes"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// TestHuffman encodes every value of every table with the spec's code word
// (and linbits and sign bits) and checks the decoder reads it back.
func TestHuffman(t *testing.T) {
	for tab := 1; tab < 34; tab++ {
		h := &huffTables[tab]
		if h.t == nil {
			continue
		}
		var name string
		size := 0
		switch {
		case tab == 32:
			name = "A"
		case tab == 33:
			name = "B"
		case tab >= 24:
			name, size = "24", 16
		case tab >= 16:
			name, size = "16", 16
		default:
			name = []string{1: "1", 2: "2", 3: "3", 5: "5", 6: "6", 7: "7", 8: "8", 9: "9", 10: "10", 11: "11", 12: "12", 13: "13", 15: "15"}[tab]
			size = map[int]int{1: 2, 2: 3, 3: 3, 5: 4, 6: 4, 7: 6, 8: 6, 9: 6, 10: 8, 11: 8, 12: 8, 13: 16, 15: 16}[tab]
		}
		codes := huffSpec[name]
		for i, c := range codes {
			// Write the code word followed by a marker, then decode.
			var w bitWriter
			w.put(uint64(c&0xFFFFFF), int(c>>24))
			w.put(0x2D, 7)
			r := &bitReader{b: w.bytes()}
			v, ok := h.decode(r)
			want := i
			if size > 0 {
				want = (i/size)<<4 | i%size
			}
			if !ok || v != want || r.pos != int(c>>24) || r.bits(7) != 0x2D {
				t.Fatalf("table %d value %d: decoded %x ok=%v after %d bits, want %x after %d", tab, i, v, ok, r.pos, want, c>>24)
			}
		}
	}
}

type bitWriter struct {
	b []byte
	n int
}

func (w *bitWriter) put(v uint64, n int) {
	for i := n - 1; i >= 0; i-- {
		if w.n%8 == 0 {
			w.b = append(w.b, 0)
		}
		if v>>i&1 != 0 {
			w.b[w.n/8] |= 0x80 >> (w.n % 8)
		}
		w.n++
	}
}

func (w *bitWriter) bytes() []byte { return w.b }

// TestDCT checks the fast DCT against the definition.
func TestDCT(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 1; n <= 32; n *= 2 {
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(rng.Float64()*2 - 1)
		}
		want := make([]float64, n)
		for k := range want {
			for i, v := range x {
				want[k] += float64(v) * math.Cos(float64((2*i+1)*k)*math.Pi/float64(2*n))
			}
		}
		got := append([]float32(nil), x...)
		dct(got, make([]float32, n))
		for k := range want {
			if math.Abs(float64(got[k])-want[k]) > 1e-5 {
				t.Fatalf("n=%d X[%d] = %v, want %v", n, k, got[k], want[k])
			}
		}
		// The written-out size 4 gives the plain recursion's very bits.
		ref := append([]float32(nil), x...)
		dctRecursive(ref, make([]float32, n))
		for k := range ref {
			if got[k] != ref[k] {
				t.Fatalf("n=%d X[%d] = %v, the recursion gives %v", n, k, got[k], ref[k])
			}
		}
	}
}

// dctRecursive is Lee's recursion down to size 2, as dct was before its
// size 4 was written out.
func dctRecursive(x, tmp []float32) {
	n := len(x)
	if n == 1 {
		return
	}
	if n == 2 {
		a, b := x[0], x[1]
		x[0], x[1] = a+b, (a-b)*math.Sqrt2/2
		return
	}
	half := n / 2
	c := dctCos[n]
	for i := 0; i < half; i++ {
		a, b := x[i], x[n-1-i]
		tmp[i] = a + b
		tmp[half+i] = (a - b) * c[i]
	}
	dctRecursive(tmp[:half], x[:half])
	dctRecursive(tmp[half:], x[half:])
	for i := 0; i < half-1; i++ {
		x[2*i] = tmp[i]
		x[2*i+1] = tmp[half+i] + tmp[half+i+1]
	}
	x[n-2] = tmp[half-1]
	x[n-1] = tmp[n-1]
}

// TestFixtureCoverage checks the fixtures exercise what the decoder does:
// each MPEG version, short/start/stop blocks, mid/side stereo, CRC-protected
// frames, and the bit reservoir. Intensity stereo and mixed blocks are not
// covered: lame never writes them.
func TestFixtureCoverage(t *testing.T) {
	seen := map[string]bool{}
	for _, name := range fixtures(t) {
		b, err := os.ReadFile(filepath.Join(fixtureDir, name))
		if err != nil {
			t.Fatal(err)
		}
		idx, err := buildIndex(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		var d decoder
		out := make([]float32, 2*1152)
		for _, off := range idx.offsets {
			h, _ := parseHeader(b[off:])
			frame := b[off : off+int64(h.size)]
			if _, err := d.decodeFrame(frame, out); err != nil {
				t.Fatalf("%s: frame at %d: %v", name, off, err)
			}
			seen[map[int]string{3: "MPEG-1", 2: "MPEG-2", 0: "MPEG-2.5"}[h.version]] = true
			if h.crc {
				seen["crc"] = true
			}
			if frame[3]>>6 == 1 && frame[3]>>4&2 != 0 {
				seen["mid/side"] = true
			}
			ngr := 1
			if h.version == 3 {
				ngr = 2
			}
			for gr := 0; gr < ngr; gr++ {
				for ch := 0; ch < h.channels; ch++ {
					seen[[]string{"normal", "start", "short", "stop"}[d.gr[gr][ch].blockType]+" block"] = true
				}
			}
			side := &bitReader{b: frame[4:]}
			if h.crc {
				side.b = frame[6:]
			}
			if h.version == 3 && side.bits(9) > 0 || h.version != 3 && side.bits(8) > 0 {
				seen["bit reservoir"] = true
			}
		}
	}
	for _, want := range []string{"MPEG-1", "MPEG-2", "MPEG-2.5", "crc", "mid/side", "normal block", "start block", "short block", "stop block", "bit reservoir"} {
		if !seen[want] {
			t.Errorf("no fixture has %s", want)
		}
	}
}

// TestCorruptFrames flips random bits inside the audio frames: decoding
// must neither panic nor change the length the index promised.
func TestCorruptFrames(t *testing.T) {
	for _, name := range []string{"mpeg1-44k-vbr-stereo.mp3", "mpeg2-24k-vbr-jstereo.mp3", "mpeg25-8k-cbr.mp3", "mpeg25-11k-jstereo.mp3"} {
		orig, err := os.ReadFile(filepath.Join(fixtureDir, name))
		if err != nil {
			t.Fatal(err)
		}
		idx, err := buildIndex(bytes.NewReader(orig))
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(3, 4))
		for trial := 0; trial < 50; trial++ {
			b := append([]byte(nil), orig...)
			for k := 0; k < 40; k++ {
				off := idx.offsets[rng.IntN(len(idx.offsets))]
				// Keep the 4-byte header so the index stays the same.
				p := int(off) + 4 + rng.IntN(100)
				if p < len(b) {
					b[p] ^= 1 << rng.IntN(8)
				}
			}
			s, err := Open(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("%s trial %d: %v", name, trial, err)
			}
			buf := make([]float32, 4096)
			var n int64
			for {
				m, err := s.Read(buf)
				n += int64(m / s.Channels())
				for _, v := range buf[:m] {
					if !(v >= -MaxSample && v <= MaxSample) {
						t.Fatalf("%s trial %d: sample %v", name, trial, v)
					}
				}
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("%s trial %d: %v", name, trial, err)
				}
			}
			if n != s.Frames() {
				t.Errorf("%s trial %d: %d frames, Frames() %d", name, trial, n, s.Frames())
			}
		}
	}
}

// TestHuffSpecIsCompleteCode keeps the checks of the generator that
// transcribed huffSpec: each table is a complete prefix code (Kraft sum
// exactly 1, no code word a prefix of another) with one word per value.
func TestHuffSpecIsCompleteCode(t *testing.T) {
	sizes := map[string]int{"1": 4, "2": 9, "3": 9, "5": 16, "6": 16, "7": 36, "8": 36, "9": 36, "10": 64,
		"11": 64, "12": 64, "13": 256, "15": 256, "16": 256, "24": 256, "A": 16, "B": 16}
	for name, n := range sizes {
		codes := huffSpec[name]
		if len(codes) != n {
			t.Errorf("table %s: %d code words, want %d", name, len(codes), n)
			continue
		}
		var kraft float64
		for i, a := range codes {
			la := int(a >> 24)
			if la < 1 || la > 19 {
				t.Errorf("table %s value %d: length %d", name, i, la)
				continue
			}
			kraft += 1 / float64(uint64(1)<<la)
			for j, b := range codes {
				lb := int(b >> 24)
				if i != j && la <= lb && (b&0xFFFFFF)>>(lb-la) == a&0xFFFFFF {
					t.Errorf("table %s: code of value %d is a prefix of value %d's", name, i, j)
				}
			}
		}
		if kraft != 1 {
			t.Errorf("table %s: Kraft sum %v, not a complete code", name, kraft)
		}
	}
	if len(huffSpec) != len(sizes) {
		t.Errorf("huffSpec has %d tables, want %d", len(huffSpec), len(sizes))
	}
}
