package audio

import (
	"errors"
	"fmt"
	"io"
)

// skipID3v2 returns the offset just after the ID3v2 tags at the start of r
// (0 if there are none) and leaves r there. A tag's size is a syncsafe
// integer (7 bits a byte) that counts neither its 10-byte header nor its
// 10-byte footer, if the footer flag says there is one. Several tags in a
// row happen when taggers prepend instead of replacing.
func skipID3v2(r io.ReadSeeker) (int64, error) {
	var off int64
	for {
		if _, err := r.Seek(off, io.SeekStart); err != nil {
			return 0, err
		}
		var h [10]byte
		n, err := io.ReadFull(r, h[:])
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
			return 0, fmt.Errorf("read header: %w", err)
		}
		size, ok := id3v2Size(h[:n])
		if !ok {
			_, err := r.Seek(off, io.SeekStart)
			return off, err
		}
		off += size
	}
}

// id3v2Size is the whole size of the ID3v2 tag whose header is h, or false
// if h is not one: a version byte of 0xFF, or a size byte with its top bit
// set, means the "ID3" is a coincidence.
func id3v2Size(h []byte) (int64, bool) {
	if len(h) < 10 || string(h[:3]) != "ID3" || h[3] == 0xFF || h[4] == 0xFF {
		return 0, false
	}
	if h[6]|h[7]|h[8]|h[9] >= 0x80 {
		return 0, false
	}
	size := int64(h[6])<<21 | int64(h[7])<<14 | int64(h[8])<<7 | int64(h[9])
	size += 10
	if h[5]&0x10 != 0 {
		size += 10 // footer (ID3v2.4)
	}
	return size, true
}

// splicedReader shows head followed by r from base on as one file, so a
// decoder that seeks to 0 or measures the length sees only what we hand it:
// the audio after an ID3v2 tag, or a FLAC stream whose metadata blocks were
// replaced by the ones it needs.
type splicedReader struct {
	head []byte
	r    io.ReadSeeker
	base int64 // where the rest starts in r
	pos  int64 // our position
	rpos int64 // r's position, once known
	know bool  // rpos is known
}

func (s *splicedReader) Read(p []byte) (int, error) {
	h := int64(len(s.head))
	if s.pos < h {
		n := copy(p, s.head[s.pos:])
		s.pos += int64(n)
		return n, nil
	}
	want := s.base + s.pos - h
	if !s.know || s.rpos != want {
		if _, err := s.r.Seek(want, io.SeekStart); err != nil {
			s.know = false
			return 0, err
		}
		s.rpos, s.know = want, true
	}
	n, err := s.r.Read(p)
	s.pos += int64(n)
	s.rpos += int64(n)
	return n, err
}

func (s *splicedReader) Seek(off int64, whence int) (int64, error) {
	var abs int64
	switch whence {
	case io.SeekStart:
		abs = off
	case io.SeekCurrent:
		abs = s.pos + off
	case io.SeekEnd:
		end, err := s.r.Seek(0, io.SeekEnd)
		if err != nil {
			s.know = false
			return 0, err
		}
		s.rpos, s.know = end, true
		abs = int64(len(s.head)) + end - s.base + off
	default:
		return 0, fmt.Errorf("seek: invalid whence %d", whence)
	}
	if abs < 0 {
		return 0, fmt.Errorf("seek to %d: before the start", abs)
	}
	s.pos = abs
	return abs, nil
}
