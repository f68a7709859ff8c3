package audio

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"customerroom/media/audio/internal/mp3"
)

// Sniff detects the format from the first bytes of a file (at least 12, ideally 64).
// It never trusts a file name. A file that starts with an ID3v2 tag is
// guessed to be MP3: what follows the tag is out of sight (Open skips tags
// before it sniffs).
func Sniff(head []byte) (Format, error) {
	switch {
	case len(head) >= 12 && (bytes.Equal(head[:4], []byte("RIFF")) || bytes.Equal(head[:4], []byte("RF64"))) && bytes.Equal(head[8:12], []byte("WAVE")):
		return FormatWAV, nil
	case len(head) >= 4 && bytes.Equal(head[:4], []byte("fLaC")):
		return FormatFLAC, nil
	case len(head) >= 36 && bytes.Equal(head[:4], []byte("OggS")):
		// The first page's packet starts after the segment table, which a
		// corrupt page can make longer than head (up to 255 entries).
		segs := int(head[26])
		if 27+segs >= len(head) {
			break
		}
		p := head[27+segs:]
		switch {
		case bytes.HasPrefix(p, []byte("OpusHead")):
			return FormatOpus, nil
		case bytes.HasPrefix(p, []byte("\x01vorbis")):
			return FormatVorbis, nil
		}
	case len(head) >= 3 && bytes.Equal(head[:3], []byte("ID3")):
		return FormatMP3, nil
	case len(head) >= 4 && isMP3Frame(head):
		return FormatMP3, nil
	case len(head) >= 4 && head[0] == 0:
		// Some exporters pad the start with zero bytes before the first frame.
		if z := bytes.IndexFunc(head, func(r rune) bool { return r != 0 }); z > 0 && len(head)-z >= 4 && isMP3Frame(head[z:]) {
			return FormatMP3, nil
		}
	}
	return "", ErrUnknownFormat
}

// isMP3Frame reports whether head starts with a plausible MPEG audio layer III frame header.
func isMP3Frame(h []byte) bool {
	if h[0] != 0xFF || h[1]&0xE0 != 0xE0 {
		return false
	}
	version := (h[1] >> 3) & 3 // 0: MPEG-2.5, 1: reserved, 2: MPEG-2, 3: MPEG-1
	layer := (h[1] >> 1) & 3   // 1: layer III
	bitrate := h[2] >> 4
	rate := (h[2] >> 2) & 3
	return version != 1 && layer == 1 && bitrate != 0 && bitrate != 15 && rate != 3
}

// sniffReader sniffs r from its start and leaves r there. Past the 64 bytes
// Sniff needs, it searches for an MP3 frame (mp3.Sync) as far as the MP3
// decoder would, so a file with more zero padding than Sniff sees still opens.
func sniffReader(r io.ReadSeeker) (Format, error) {
	head := make([]byte, 64)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read header: %w", err)
	}
	f, err := Sniff(head[:n])
	if errors.Is(err, ErrUnknownFormat) && n == len(head) {
		win := make([]byte, mp3.MaxJunk+2*mp3.MaxFrameSize+4)
		copy(win, head)
		m, rerr := io.ReadFull(r, win[n:])
		if rerr != nil && !errors.Is(rerr, io.ErrUnexpectedEOF) && !errors.Is(rerr, io.EOF) {
			return "", fmt.Errorf("read header: %w", rerr)
		}
		if _, ok := mp3.Sync(win[:n+m]); ok {
			f, err = FormatMP3, nil
		}
	}
	if _, serr := r.Seek(0, io.SeekStart); serr != nil {
		return "", serr
	}
	return f, err
}
