package audio

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// FLAC metadata block types we keep (the format's numbers).
const (
	flacStreamInfo = 0
	flacInvalid    = 127
)

// flacMaxSearch bounds the search for the first frame when the metadata
// chain is broken: past pictures and padding, as far as MP3's junk search.
const flacMaxSearch = 1 << 20

// flacHeader reads the signature and metadata blocks at the start of r and
// returns "fLaC" and STREAMINFO, and the offset of the first frame.
// Everything else (seek tables, tags, pictures, cue sheets) is skipped
// unread: metadata must never cost the audio (mewkiz/flac, used before,
// refused a whole file over a Vorbis comment without '='), and seeking
// bisects on frame headers instead of trusting a seek table. If the block chain is broken (a length running past the end, the
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
		if n, err := br.Discard(size); n < size || err != nil {
			broken = true
			break
		}
		off += 4 + int64(size)
	}
	if at, eof := flacFrameAt(r, off); broken || !at && !eof {
		if off, err = flacFindFrame(r, afterInfo); err != nil {
			return nil, 0, err
		}
	}
	head = append([]byte(nil), si[:]...)
	head[4] |= 0x80 // STREAMINFO is the last block
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
// frame: sync code, a good CRC-8 and number 0.
func flacFirstFrame(b []byte) bool {
	h, err := parseFLACFrameHeader(b)
	return err == nil && h.num == 0
}

// flacFindFrame searches for the first frame from off on.
func flacFindFrame(r io.ReadSeeker, off int64) (int64, error) {
	if _, err := r.Seek(off, io.SeekStart); err != nil {
		return 0, err
	}
	// ReadAll grows the window with what is there: a short file costs its
	// size, not the 1 MB the search may cover.
	win, err := io.ReadAll(io.LimitReader(r, flacMaxSearch+16))
	if err != nil {
		return 0, err
	}
	for i := 0; i+2 <= len(win) && i < flacMaxSearch; i++ {
		if win[i] == 0xFF && flacFirstFrame(win[i:min(len(win), i+16)]) {
			return off + int64(i), nil
		}
	}
	return 0, errors.New("metadata blocks are broken and no audio frame follows them")
}

// flacSeekWindow is where SeekFrame stops bisecting and decodes forward (a
// variable so tests can make the small fixtures bisect).
var flacSeekWindow int64 = 64 << 10

// flacWindow is how much of the file flacStream holds: at least half of it
// is ahead of the frame being decoded, more than the largest possible frame.
const flacWindow = 2 << 20

// flacStream decodes FLAC frame by frame from a window of the file; a frame
// holds at most 65535 samples per channel, so memory is bounded.
type flacStream struct {
	r         io.ReadSeeker
	dataStart int64 // file offset of the first frame
	size      int64
	rate      int
	channels  int
	frames    int64
	fixed     int // block size of a fixed-blocksize stream (frame numbers count these)
	scale     float32
	dec       flacFrameDecoder

	buf    []byte
	lo, hi int   // unread bytes of buf
	bufOff int64 // file offset of buf[0]
	eof    bool  // the file has no more bytes after buf[hi]

	cur  [2][]int32 // the current frame's samples (alias dec.samples)
	curN int
	off  int   // next sample index inside cur
	pos  int64 // frame number of the next sample Read returns
	skip int64 // samples to drop after a seek
	done bool
}

var _ Seeker = (*flacStream)(nil)

func openFLAC(r io.ReadSeeker) (Stream, string, error) {
	head, frames, err := flacHeader(r)
	if err != nil {
		return nil, "", fmt.Errorf("read header: %w", err)
	}
	size, err := r.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, "", err
	}
	si := head[8:42]
	rate := int(si[10])<<12 | int(si[11])<<4 | int(si[12])>>4
	channels := int(si[12]>>1&7) + 1
	bps := int(si[12]&1)<<4 | int(si[13]>>4) + 1
	total := int64(si[13]&15)<<32 | int64(binary.BigEndian.Uint32(si[14:18]))
	minBlock, maxBlock := int(binary.BigEndian.Uint16(si[0:2])), int(binary.BigEndian.Uint16(si[2:4]))
	if channels > 2 {
		return nil, "", fmt.Errorf("%d channels: only mono and stereo are supported", channels)
	}
	if bps < 4 || bps > 32 {
		return nil, "", fmt.Errorf("unsupported bit depth %d", bps)
	}
	if rate == 0 {
		return nil, "", errors.New("sample rate 0 in STREAMINFO")
	}
	fs := &flacStream{
		r:         r,
		dataStart: frames,
		size:      size,
		rate:      rate,
		channels:  channels,
		frames:    -1,
		scale:     1 / float32(uint64(1)<<(bps-1)),
		dec:       flacFrameDecoder{channels: channels, bps: bps},
		// A file shorter than the window fits whole (one byte more, so the
		// first read sees its end): a 10 KB call costs 10 KB, not 2 MB.
		buf: make([]byte, min(flacWindow, max(size-frames, 0)+1)),
	}
	if minBlock == maxBlock {
		fs.fixed = minBlock
	}
	if total > 0 {
		fs.frames = total
	}
	if err := fs.moveTo(frames); err != nil {
		return nil, "", err
	}
	return fs, "flac", nil
}

// moveTo empties the window and continues reading at file offset off.
func (f *flacStream) moveTo(off int64) error {
	if _, err := f.r.Seek(off, io.SeekStart); err != nil {
		return err
	}
	f.bufOff, f.lo, f.hi, f.eof = off, 0, 0, false
	return f.fill()
}

// fill moves the unread bytes to the front of the window and reads more.
func (f *flacStream) fill() error {
	if f.eof {
		return nil
	}
	n := copy(f.buf, f.buf[f.lo:f.hi])
	f.bufOff += int64(f.lo)
	f.lo, f.hi = 0, n
	m, err := io.ReadFull(f.r, f.buf[n:])
	f.hi += m
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			f.eof = true
			return nil
		}
		return err
	}
	return nil
}

func (f *flacStream) SampleRate() int { return f.rate }
func (f *flacStream) Channels() int   { return f.channels }
func (f *flacStream) Frames() int64   { return f.frames }

// next decodes the next audio frame. A cut or corrupt tail ends the stream: the
// audio decoded so far stays valid, which is what a listener wants from a cut call.
func (f *flacStream) next() error {
	if f.hi-f.lo < flacWindow/2 {
		if err := f.fill(); err != nil {
			f.done = true
			return fmt.Errorf("flac: %w", err)
		}
	}
	var (
		n   int
		err error
	)
	if f.lo == f.hi {
		err = io.EOF
	} else {
		err = guard("flac", func() error {
			var err error
			_, n, err = f.dec.decode(f.buf[f.lo:f.hi])
			return err
		})
	}
	if err != nil {
		f.done = true
		f.curN = 0
		if errors.Is(err, io.EOF) || errors.Is(err, errFLACShort) || f.pos > 0 {
			// The end, a cut file, or damage after some audio: keep what was there.
			return io.EOF
		}
		return fmt.Errorf("flac: decode frame: %w", err)
	}
	f.lo += n
	f.cur = f.dec.samples
	f.curN = len(f.cur[0])
	f.off = 0
	if f.skip > 0 {
		d := min(f.skip, int64(f.curN))
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
		if f.off >= f.curN {
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
		n := min(want-got, f.curN-f.off)
		if f.frames >= 0 {
			// STREAMINFO is authoritative on length; never play past it.
			n = int(min(int64(n), f.frames-f.pos))
			if n <= 0 {
				f.done = true
				f.curN = 0
				break
			}
		}
		out := dst[got*ch : (got+n)*ch]
		sc := f.scale
		if ch == 1 {
			for i, v := range f.cur[0][f.off : f.off+n] {
				out[i] = float32(v) * sc
			}
		} else {
			l, r := f.cur[0][f.off:f.off+n], f.cur[1][f.off:f.off+n]
			for i := range l {
				out[2*i] = float32(l[i]) * sc
				out[2*i+1] = float32(r[i]) * sc
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

// frameAfter finds the first frame that starts at or after file offset off
// and decodes whole (both CRCs good, so not a sync pattern inside audio),
// and returns its offset and first sample, or -1.
func (f *flacStream) frameAfter(off int64) (int64, int64, error) {
	if err := f.moveTo(off); err != nil {
		return -1, 0, err
	}
	for {
		if f.hi-f.lo < flacWindow/2 {
			if err := f.fill(); err != nil {
				return -1, 0, err
			}
		}
		b := f.buf[f.lo:f.hi]
		i := 0
		for ; i+1 < len(b); i++ {
			if b[i] == 0xFF && b[i+1]&0xFE == 0xF8 {
				break
			}
		}
		if i+1 >= len(b) {
			if f.eof {
				return -1, 0, nil
			}
			f.lo += max(0, i-1)
			continue
		}
		f.lo += i
		var h flacFrameHeader
		err := guard("flac", func() error {
			var err error
			h, _, err = f.dec.decode(f.buf[f.lo:f.hi])
			return err
		})
		if err == nil {
			sample := h.num
			if !h.variable {
				sample = h.num * int64(max(f.fixed, h.blockSize))
			}
			return f.bufOff + int64(f.lo), sample, nil
		}
		f.lo++
	}
}

// SeekFrame bisects the file on frame headers for the last frame that starts
// at or before frameNum, then decodes forward to the exact sample.
func (f *flacStream) SeekFrame(frameNum int64) error {
	if frameNum < 0 {
		return fmt.Errorf("flac: seek to negative frame %d", frameNum)
	}
	if f.frames >= 0 && frameNum >= f.frames {
		f.pos, f.curN, f.done = f.frames, 0, true
		return nil
	}
	lo, hi := f.dataStart, f.size
	bestOff, bestSample := f.dataStart, int64(0)
	for hi-lo > flacSeekWindow {
		mid := lo + (hi-lo)/2
		off, sample, err := f.frameAfter(mid)
		if err != nil {
			return fmt.Errorf("flac: seek to frame %d: %w", frameNum, err)
		}
		if off < 0 || off >= hi {
			hi = mid
			continue
		}
		if sample <= frameNum {
			lo, bestOff, bestSample = off, off, sample
		} else {
			hi = mid
		}
	}
	if err := f.moveTo(bestOff); err != nil {
		return fmt.Errorf("flac: seek to frame %d: %w", frameNum, err)
	}
	f.curN, f.off, f.done = 0, 0, false
	f.skip = frameNum - bestSample
	f.pos = frameNum
	return nil
}
