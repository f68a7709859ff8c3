package audio

import (
	"bytes"
	"errors"
	"testing"
)

func TestSniff(t *testing.T) {
	oggPage := func(segs byte, packet string) []byte {
		b := append([]byte("OggS\x00\x02"), make([]byte, 20)...)
		b = append(b, segs)
		b = append(b, bytes.Repeat([]byte{19}, int(segs))...)
		return append(b, packet...)
	}
	pad := func(b []byte) []byte { return append(b, make([]byte, max(0, 64-len(b)))...) }
	tests := []struct {
		name string
		head []byte
		want Format
	}{
		{"wav", []byte("RIFF\x00\x00\x00\x00WAVEfmt "), FormatWAV},
		{"rf64", []byte("RF64\xff\xff\xff\xffWAVEds64"), FormatWAV},
		{"flac", []byte("fLaC\x00\x00\x00\x22"), FormatFLAC},
		{"opus", pad(oggPage(1, "OpusHead\x01\x01")), FormatOpus},
		{"vorbis", pad(oggPage(1, "\x01vorbis\x00\x00")), FormatVorbis},
		{"id3", []byte("ID3\x04\x00\x00\x00\x00\x00\x00"), FormatMP3},
		{"mp3 frame", []byte("\xff\xfb\x90\x64"), FormatMP3},
		{"zeros then mp3", append(make([]byte, 10), "\xff\xfb\x90\x64"...), FormatMP3},
		// FuzzOpen: a segment table longer than the 64 bytes Open sniffs
		// sliced head out of range and the import worker panicked.
		{"ogg, 255 segments", pad(oggPage(255, "")[:40]), ""},
		{"ogg, segment table to the end", pad(oggPage(37, "")), ""},
		{"ogg, unknown codec", pad(oggPage(1, "Speex   ")), ""},
		{"text", []byte("Bonjour, ceci n'est pas un son"), ""},
		{"empty", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Sniff(tt.head)
			if got != tt.want {
				t.Errorf("Sniff = %q, want %q", got, tt.want)
			}
			if (tt.want == "") != errors.Is(err, ErrUnknownFormat) {
				t.Errorf("err = %v", err)
			}
		})
	}
}
