package audio

import (
	"bytes"
	"encoding/binary"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// id3v2Tag builds an ID3v2 tag with body bytes of frames and padding, with
// the v2.4 footer if footer is set.
func id3v2Tag(body int, footer bool) []byte {
	ss := func(n int) []byte {
		return []byte{byte(n >> 21 & 0x7F), byte(n >> 14 & 0x7F), byte(n >> 7 & 0x7F), byte(n & 0x7F)}
	}
	flags := byte(0)
	if footer {
		flags = 0x10
	}
	tag := append([]byte{'I', 'D', '3', 4, 0, flags}, ss(body)...)
	tag = append(tag, bytes.Repeat([]byte{0}, body)...)
	if footer {
		tag = append(append(tag, '3', 'D', 'I', 4, 0, flags), ss(body)...)
	}
	return tag
}

// TestOpenSkipsID3v2 puts ID3v2 tags in front of a file of every format:
// Open must decode the same samples as without them.
func TestOpenSkipsID3v2(t *testing.T) {
	tests := []struct {
		file string
		tags [][]byte
	}{
		{"codecs/flac-16bit-stereo.flac", [][]byte{id3v2Tag(300, true)}},
		{"codecs/flac-16bit-mono.flac", [][]byte{id3v2Tag(200000, false)}}, // a cover picture
		{"codecs/vorbis-22k-mono.ogg", [][]byte{id3v2Tag(1000, false)}},
		{"codecs/opus-silk-12k.opus", [][]byte{id3v2Tag(10, true)}},
		{"codecs/mpeg1-44k-cbr.mp3", [][]byte{id3v2Tag(500, false), id3v2Tag(100, true)}}, // two tags in a row
		{"loudness/speech-8k.wav", [][]byte{id3v2Tag(64, false)}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			plain, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			tagged := append(bytes.Join(tt.tags, nil), plain...)
			s, info, err := Open(bytes.NewReader(plain))
			if err != nil {
				t.Fatal(err)
			}
			want := decodeAll(t, s, 1000)
			s, tinfo, err := Open(bytes.NewReader(tagged))
			if err != nil {
				t.Fatalf("Open with the tag: %v", err)
			}
			if tinfo != info {
				t.Errorf("with the tag %+v, without %+v", tinfo, info)
			}
			got := decodeAll(t, s, 1000)
			if !equalSamples(got, want) {
				t.Errorf("with the tag: %d samples, not the %d without it", len(got), len(want))
			}
			// Seeking counts from the audio, not from the file's first byte.
			if sk, ok := s.(Seeker); ok {
				at := len(want) / s.Channels() / 2
				if err := sk.SeekFrame(int64(at)); err != nil {
					t.Fatal(err)
				}
				buf := make([]float32, 64*s.Channels())
				n := codecReadFull(s, buf)
				if n == 0 {
					t.Fatalf("nothing after seeking to %d", at)
				}
			}
		})
	}
}

// TestOpenFLACBrokenMetadata damages the metadata blocks after STREAMINFO in
// the ways taggers do: the audio must come out bit for bit.
func TestOpenFLACBrokenMetadata(t *testing.T) {
	plain, err := os.ReadFile(filepath.Join(codecDir, "flac-16bit-mono.flac"))
	if err != nil {
		t.Fatal(err)
	}
	// The blocks after STREAMINFO, as written by the flac tool.
	first := 4 + 4 + 34
	s, _, err := Open(bytes.NewReader(plain))
	if err != nil {
		t.Fatal(err)
	}
	want := decodeAll(t, s, 1000)
	withBlock := func(hdr byte, body []byte) []byte {
		b := append([]byte(nil), plain[:first]...)
		b[4] &^= 0x80
		b = append(b, hdr, byte(len(body)>>16), byte(len(body)>>8), byte(len(body)))
		b = append(b, body...)
		return append(b, plain[first:]...)
	}
	lengthPastEnd := append([]byte(nil), plain...)
	lengthPastEnd[4] &^= 0x80
	lengthPastEnd = append(lengthPastEnd[:first], append([]byte{4, 0x7F, 0xFF, 0xFF}, lengthPastEnd[first:]...)...)
	tests := []struct {
		name string
		b    []byte
	}{
		{"comment without '='", withBlock(4, []byte("\x04\x00\x00\x00Lavf\x01\x00\x00\x00\x05\x00\x00\x00TITLE"))},
		{"comment count past its block", withBlock(4, []byte("\x04\x00\x00\x00Lavf\xFF\xFF\xFF\x7F"))},
		{"seek table of a wrong length", withBlock(3, make([]byte, 17))},
		{"picture of garbage", withBlock(6, bytes.Repeat([]byte{0xFF, 0xF8, 0x00}, 1000))},
		{"invalid block type 127", withBlock(127, make([]byte, 40))},
		{"length past the end of the file", lengthPastEnd},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, err := Open(bytes.NewReader(tt.b))
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			got := decodeAll(t, s, 1000)
			if !equalSamples(got, want) {
				t.Errorf("%d samples, not the %d of the undamaged file", len(got), len(want))
			}
		})
	}
}

// TestFLACOpenShortFile checks opening a short FLAC, whole or with its
// metadata chain broken (so the first frame is searched for), costs about
// its size, not the 2 MB window and 1 MB search a long call may need.
func TestFLACOpenShortFile(t *testing.T) {
	plain, err := os.ReadFile(filepath.Join(codecDir, "flac-8bit-mono.flac")) // 14 KB
	if err != nil {
		t.Fatal(err)
	}
	broken := bytes.Clone(plain)
	broken[8+34] = 127 // the block after STREAMINFO has the invalid type
	for _, in := range [][]byte{plain, broken} {
		var before, after runtimeMem
		before.read()
		s, _, err := openFLAC(bytes.NewReader(in))
		after.read()
		if err != nil {
			t.Fatal(err)
		}
		if a := after.total - before.total; a > 256<<10 {
			t.Errorf("opening a %d-byte FLAC allocated %d bytes, want < 256 KiB", len(in), a)
		}
		if got := decodeAll(t, s, 1000); int64(len(got)) != s.Frames() {
			t.Errorf("decoded %d frames, Frames() %d", len(got), s.Frames())
		}
	}
}

// TestSplicedReader checks the view decoders get: head, then r from base.
func TestSplicedReader(t *testing.T) {
	r := &splicedReader{head: []byte("HEAD"), r: bytes.NewReader([]byte("0123456789")), base: 6}
	b, err := io.ReadAll(r)
	if err != nil || string(b) != "HEAD6789" {
		t.Fatalf("ReadAll = %q, %v", b, err)
	}
	tests := []struct {
		off    int64
		whence int
		pos    int64
		rest   string
	}{
		{0, io.SeekStart, 0, "HEAD6789"},
		{2, io.SeekStart, 2, "AD6789"},
		{-3, io.SeekEnd, 5, "789"},
		{0, io.SeekEnd, 8, ""},
	}
	for _, tt := range tests {
		pos, err := r.Seek(tt.off, tt.whence)
		if err != nil || pos != tt.pos {
			t.Fatalf("Seek(%d, %d) = %d, %v; want %d", tt.off, tt.whence, pos, err, tt.pos)
		}
		b, _ := io.ReadAll(r)
		if string(b) != tt.rest {
			t.Errorf("after Seek(%d, %d): %q, want %q", tt.off, tt.whence, b, tt.rest)
		}
	}
	if _, err := r.Seek(-9, io.SeekEnd); err == nil {
		t.Error("seek before the start: no error")
	}
}

// TestWAVFloatNonFinite: NaN, infinities and doubles beyond float32's range
// come out as silence, overs pass unclamped, so every sample is finite.
func TestWAVFloatNonFinite(t *testing.T) {
	tests := []struct {
		name string
		bits uint16
		in   []float64
		want []float32
	}{
		{"float32", 32, []float64{0.5, math.NaN(), math.Inf(1), math.Inf(-1), 1.5}, []float32{0.5, 0, 0, 0, 1.5}},
		{"float64", 64, []float64{0.5, math.NaN(), math.Inf(-1), 1e300, -1e300, -2}, []float32{0.5, 0, 0, 0, 0, -2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var data bytes.Buffer
			for _, v := range tt.in {
				if tt.bits == 32 {
					binary.Write(&data, binary.LittleEndian, float32(v))
				} else {
					binary.Write(&data, binary.LittleEndian, v)
				}
			}
			b := append(wavHeader(3, 1, 8000, tt.bits/8, tt.bits, nil, uint32(data.Len())), data.Bytes()...)
			s, _, err := Open(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			got := decodeAll(t, s, 1000)
			if !equalSamples(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
