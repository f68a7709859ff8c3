package audio

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/mewkiz/flac"
	"github.com/mewkiz/flac/frame"
	"github.com/mewkiz/flac/meta"
)

// FLAC metadata block types we keep (the format's numbers).
const (
	flacStreamInfo = 0
	flacSeekTable  = 3
	flacInvalid    = 127
)

// flacMaxSearch bounds the search for the first frame when the metadata
// chain is broken: past pictures and padding, as far as MP3's junk search.
const flacMaxSearch = 1 << 20

// flacHeader reads the signature and metadata blocks at the start of r and
// returns what mewkiz/flac needs to decode: "fLaC", STREAMINFO and, if it
// parses, SEEKTABLE (the last block); and the offset of the first frame.
// Everything else (tags, pictures, cue sheets) is left out, because
// mewkiz/flac refuses a whole file over one malformed block ("unable to
// locate '=' in vector" in a Vorbis comment) and metadata must never cost the
// audio. If the block chain is broken (a length running past the end, the
// invalid type 127) or does not end at a frame, the first frame is searched
// for: a frame header with a good CRC-8 numbered 0.
func flacHeader(r io.ReadSeeker) (head []byte, frames int64, err error) {
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, 0, err
	}
	br := bufio.NewReaderSize(r, 64<<10)
	var si [4 + 4 + 34]byte
	if _, err := io.ReadFull(br, si[:]); err != nil {
		return nil, 0, fmt.Errorf("read STREAMINFO: %w", err)
	}
	if string(si[:4]) != "fLaC" {
		return nil, 0, errors.New("no fLaC signature")
	}
	if si[4]&0x7F != flacStreamInfo || int(si[5])<<16|int(si[6])<<8|int(si[7]) != 34 {
		return nil, 0, errors.New("first metadata block is not a 34-byte STREAMINFO")
	}
	afterInfo := int64(len(si))
	var seek []byte
	off := afterInfo
	broken := false
	for last := si[4]&0x80 != 0; !last; {
		var h [4]byte
		if _, err := io.ReadFull(br, h[:]); err != nil {
			broken = true
			break
		}
		typ, size := h[0]&0x7F, int(h[1])<<16|int(h[2])<<8|int(h[3])
		if typ == flacInvalid || typ == flacStreamInfo {
			broken = true
			break
		}
		last = h[0]&0x80 != 0
		if typ == flacSeekTable && seek == nil {
			body := make([]byte, size)
			if _, err := io.ReadFull(br, body); err != nil {
				broken = true
				break
			}
			blk := append([]byte{0x80 | flacSeekTable, h[1], h[2], h[3]}, body...)
			if _, err := meta.Parse(bytes.NewReader(blk)); err == nil {
				seek = blk
			}
		} else if n, err := br.Discard(size); n < size || err != nil {
			broken = true
			break
		}
		off += 4 + int64(size)
	}
	if at, eof := flacFrameAt(r, off); broken || !at && !eof {
		if off, err = flacFindFrame(r, afterInfo); err != nil {
			return nil, 0, err
		}
		seek = nil // its offsets count from where the chain said the frames are
	}
	head = append([]byte(nil), si[:]...)
	if seek == nil {
		head[4] |= 0x80 // STREAMINFO is the last block
	} else {
		head[4] &^= 0x80
		head = append(head, seek...)
	}
	return head, off, nil
}

// flacFrameAt reports whether a frame header numbered 0 with a good CRC-8
// starts at off, or whether the file ends there (a stream with no frames is
// empty, not broken).
func flacFrameAt(r io.ReadSeeker, off int64) (at, eof bool) {
	if _, err := r.Seek(off, io.SeekStart); err != nil {
		return false, false
	}
	var b [16]byte // the longest frame header
	n, _ := io.ReadFull(r, b[:])
	return flacFirstFrame(b[:n]), n == 0
}

// flacFirstFrame reports whether b starts with the header of a stream's first
// frame: sync code, a good CRC-8 (mewkiz/flac checks it) and number 0.
func flacFirstFrame(b []byte) bool {
	if len(b) < 2 || b[0] != 0xFF || b[1]&0xFE != 0xF8 {
		return false
	}
	var fr *frame.Frame
	err := guard("flac", func() error {
		var err error
		fr, err = frame.New(bytes.NewReader(b))
		return err
	})
	return err == nil && fr.Num == 0
}

// flacFindFrame searches for the first frame from off on.
func flacFindFrame(r io.ReadSeeker, off int64) (int64, error) {
	if _, err := r.Seek(off, io.SeekStart); err != nil {
		return 0, err
	}
	win := make([]byte, flacMaxSearch+16)
	n, err := io.ReadFull(r, win)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return 0, err
	}
	win = win[:n]
	for i := 0; i+2 <= len(win) && i < flacMaxSearch; i++ {
		if win[i] == 0xFF && flacFirstFrame(win[i:min(len(win), i+16)]) {
			return off + int64(i), nil
		}
	}
	return 0, errors.New("metadata blocks are broken and no audio frame follows them")
}

// flacStream decodes FLAC frame by frame; a frame holds at most 65535 samples per
// channel, so memory is bounded by one frame.
type flacStream struct {
	s        *flac.Stream
	rate     int
	channels int
	frames   int64
	scale    float32
	cur      *frame.Frame
	off      int   // next sample index inside cur
	pos      int64 // frame number of the next sample Read returns
	skip     int64 // samples to drop from cur after a seek
	done     bool
}

var _ Seeker = (*flacStream)(nil)

func openFLAC(r io.ReadSeeker) (Stream, string, error) {
	head, frames, err := flacHeader(r)
	if err != nil {
		return nil, "", fmt.Errorf("read header: %w", err)
	}
	var s *flac.Stream
	err = guard("flac", func() error {
		var err error
		s, err = flac.NewSeek(&splicedReader{head: head, r: r, base: frames})
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("read header: %w", err)
	}
	info := s.Info
	if info == nil {
		return nil, "", errors.New("missing STREAMINFO block")
	}
	if info.NChannels < 1 || info.NChannels > 2 {
		return nil, "", fmt.Errorf("%d channels: only mono and stereo are supported", info.NChannels)
	}
	if info.BitsPerSample < 4 || info.BitsPerSample > 32 {
		return nil, "", fmt.Errorf("unsupported bit depth %d", info.BitsPerSample)
	}
	if info.SampleRate == 0 {
		return nil, "", errors.New("sample rate 0 in STREAMINFO")
	}
	fs := &flacStream{
		s:        s,
		rate:     int(info.SampleRate),
		channels: int(info.NChannels),
		frames:   -1,
		scale:    1 / float32(uint64(1)<<(info.BitsPerSample-1)),
	}
	if info.NSamples > 0 {
		fs.frames = int64(info.NSamples)
	}
	return fs, "flac", nil
}

func (f *flacStream) SampleRate() int { return f.rate }
func (f *flacStream) Channels() int   { return f.channels }
func (f *flacStream) Frames() int64   { return f.frames }

// next parses the next audio frame. A cut or corrupt tail ends the stream: the
// audio decoded so far stays valid, which is what a listener wants from a cut call.
func (f *flacStream) next() error {
	var fr *frame.Frame
	err := guard("flac", func() error {
		var err error
		fr, err = f.s.ParseNext()
		return err
	})
	if err != nil {
		f.done = true
		f.cur = nil
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return io.EOF
		}
		if f.pos > 0 {
			// Truncated or damaged after some audio: keep what was there.
			return io.EOF
		}
		return fmt.Errorf("flac: decode frame: %w", err)
	}
	if len(fr.Subframes) != f.channels {
		f.done = true
		return fmt.Errorf("flac: frame has %d channels, stream has %d", len(fr.Subframes), f.channels)
	}
	n := len(fr.Subframes[0].Samples)
	for _, sf := range fr.Subframes[1:] {
		if len(sf.Samples) != n {
			f.done = true
			return errors.New("flac: subframes of different lengths")
		}
	}
	f.cur = fr
	f.off = 0
	if f.skip > 0 {
		d := min(f.skip, int64(n))
		f.off = int(d)
		f.skip -= d
	}
	return nil
}

func (f *flacStream) Read(dst []float32) (int, error) {
	ch := f.channels
	want := len(dst) / ch
	got := 0
	for got < want {
		if f.cur == nil || f.off >= len(f.cur.Subframes[0].Samples) {
			if f.done {
				break
			}
			if err := f.next(); err != nil {
				if got > 0 && errors.Is(err, io.EOF) {
					break
				}
				if got > 0 {
					return got * ch, nil
				}
				return 0, err
			}
			continue
		}
		n := min(want-got, len(f.cur.Subframes[0].Samples)-f.off)
		if f.frames >= 0 {
			// STREAMINFO is authoritative on length; never play past it.
			n = int(min(int64(n), f.frames-f.pos))
			if n <= 0 {
				f.done = true
				f.cur = nil
				break
			}
		}
		out := dst[got*ch : (got+n)*ch]
		for c := 0; c < ch; c++ {
			src := f.cur.Subframes[c].Samples[f.off : f.off+n]
			for i, v := range src {
				out[i*ch+c] = float32(v) * f.scale
			}
		}
		f.off += n
		f.pos += int64(n)
		got += n
	}
	if got == 0 {
		return 0, io.EOF
	}
	return got * ch, nil
}

// SeekFrame uses the file's SEEKTABLE, or one built by scanning frame headers on
// the first seek, then decodes forward to the exact sample.
func (f *flacStream) SeekFrame(frameNum int64) error {
	if frameNum < 0 {
		return fmt.Errorf("flac: seek to negative frame %d", frameNum)
	}
	if f.frames >= 0 && frameNum >= f.frames {
		f.pos, f.cur, f.done = f.frames, nil, true
		return nil
	}
	var start uint64
	seek := func(at int64) error {
		return guard("flac", func() error {
			var err error
			start, err = f.s.Seek(uint64(at))
			return err
		})
	}
	err := seek(frameNum)
	// mewkiz/flac's seek can run off the end near the last frame: land earlier and decode forward.
	for back := int64(4096); err != nil && back < 4*frameNum; back *= 4 {
		err = seek(max(0, frameNum-back))
	}
	if err != nil {
		return fmt.Errorf("flac: seek to frame %d: %w", frameNum, err)
	}
	if start > uint64(frameNum) {
		return fmt.Errorf("flac: seek landed at %d, after %d", start, frameNum)
	}
	f.cur, f.off, f.done = nil, 0, false
	f.skip = frameNum - int64(start)
	f.pos = frameNum
	return nil
}
