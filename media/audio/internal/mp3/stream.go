// Package mp3 is our MPEG-1/2/2.5 layer III decoder, written from ISO/IEC
// 11172-3 and 13818-3: a frame index for exact length, gapless trim (LAME/Xing
// tags) and fast seeks, over a frame decoder that never panics on corrupt
// bytes. It is internal so that package audio's Open stays the one way in.
package mp3

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// MaxJunk is how many bytes before the first frame (zero padding, broken
// bytes, after any ID3v2 tags) Open searches, and so how far a sniffer must
// look to find what Open would. Exporters have been seen padding with 100 KiB
// of zeros; decoders such as ffmpeg's search further still.
const MaxJunk = 1 << 20

// MaxFrameSize is the largest layer III frame: 320 kbit/s MPEG-1 at 32 kHz
// (or 160 kbit/s MPEG-2.5 at 8 kHz), with the padding byte.
const MaxFrameSize = 1441

// MP3 limits and constants.
const (
	decoderDelay = 529     // samples every layer III decoder adds (LAME's figure)
	seekPreroll  = 10      // frames decoded before a seek target: bit reservoir + overlap
	maxFrames    = 1 << 24 // about 100 hours at 48 kHz; caps the index
)

var (
	bitrateV1 = [16]int{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0}
	bitrateV2 = [16]int{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0}
	rates     = [4][3]int{
		0: {11025, 12000, 8000},  // MPEG-2.5
		2: {22050, 24000, 16000}, // MPEG-2
		3: {44100, 48000, 32000}, // MPEG-1
	}
)

// header is a parsed layer III frame header.
type header struct {
	version  int // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
	rate     int
	channels int
	size     int // whole frame in bytes
	samples  int // samples per channel in the frame
	crc      bool
}

// parseHeader parses 4 header bytes; ok is false for anything that is not a
// layer III frame we can decode (free format included).
func parseHeader(b []byte) (h header, ok bool) {
	if len(b) < 4 || b[0] != 0xFF || b[1]&0xE0 != 0xE0 {
		return h, false
	}
	h.version = int(b[1]>>3) & 3
	layer := (b[1] >> 1) & 3
	bi := int(b[2] >> 4)
	ri := int(b[2]>>2) & 3
	if h.version == 1 || layer != 1 || bi == 0 || bi == 15 || ri == 3 {
		return h, false
	}
	h.crc = b[1]&1 == 0
	h.rate = rates[h.version][ri]
	pad := int(b[2]>>1) & 1
	h.channels = 2
	if b[3]>>6 == 3 {
		h.channels = 1
	}
	if h.version == 3 {
		h.samples = 1152
		h.size = 144*1000*bitrateV1[bi]/h.rate + pad
	} else {
		h.samples = 576
		h.size = 72*1000*bitrateV2[bi]/h.rate + pad
	}
	return h, true
}

// sameStream reports whether h can belong to the stream started by first; it
// weeds out false sync words inside audio data.
func (h header) sameStream(first header) bool {
	return h.version == first.version && h.rate == first.rate && h.channels == first.channels
}

// gapless is what the Xing/Info and LAME tags say.
type gapless struct {
	frames  int64 // audio frames, 0 if not given
	delay   int   // encoder delay in samples
	padding int   // encoder padding in samples
	lame    bool  // delay/padding are known
}

// parseXing reads the Xing/Info tag (and the LAME extension) of a frame. ok is
// false when the frame is an ordinary audio frame.
func parseXing(frame []byte, h header) (g gapless, ok bool) {
	side := 32
	switch {
	case h.version == 3 && h.channels == 1:
		side = 17
	case h.version != 3 && h.channels == 2:
		side = 17
	case h.version != 3:
		side = 9
	}
	off := 4 + side
	if h.crc {
		off += 2
	}
	for _, o := range []int{off, 4 + side} { // some encoders ignore the CRC bytes
		if o+8 > len(frame) {
			continue
		}
		id := string(frame[o : o+4])
		if id != "Xing" && id != "Info" {
			continue
		}
		flags := binary.BigEndian.Uint32(frame[o+4:])
		p := o + 8
		if flags&1 != 0 && p+4 <= len(frame) {
			g.frames = int64(binary.BigEndian.Uint32(frame[p:]))
			p += 4
		}
		if flags&2 != 0 {
			p += 4
		}
		if flags&4 != 0 {
			p += 100
		}
		if flags&8 != 0 {
			p += 4
		}
		// LAME tag: 9-byte encoder string, then delay/padding at byte 21.
		if p+24 <= len(frame) && (string(frame[p:p+4]) == "LAME" || string(frame[p:p+4]) == "Lavc" || string(frame[p:p+4]) == "Lavf") {
			d := frame[p+21:]
			g.delay = int(d[0])<<4 | int(d[1])>>4
			g.padding = int(d[1]&0x0F)<<8 | int(d[2])
			g.lame = true
		}
		return g, true
	}
	return g, false
}

// skipID3v2 returns the offset just after any ID3v2 tags at the start of r.
func skipID3v2(br *bufio.Reader) (int64, error) {
	var off int64
	for {
		b, _ := br.Peek(10)
		if len(b) < 10 || string(b[:3]) != "ID3" {
			return off, nil
		}
		size := int64(b[6]&0x7F)<<21 | int64(b[7]&0x7F)<<14 | int64(b[8]&0x7F)<<7 | int64(b[9]&0x7F)
		size += 10
		if b[5]&0x10 != 0 {
			size += 10 // footer
		}
		n, err := br.Discard(int(size))
		off += int64(n)
		if err != nil {
			return off, fmt.Errorf("ID3v2 tag runs past the end of the file: %w", err)
		}
	}
}

// index is the byte offset of every audio frame, built once on open by
// reading headers only (no decoding).
type index struct {
	first   header
	offsets []int64 // audio frames (the Xing/Info frame excluded)
	end     int64   // end of the last complete frame
	gapless gapless
	xing    bool
}

// Sync returns the offset of the first layer III frame in b that is
// confirmed by a header of the same stream where its size says the next frame
// starts: the test findFirstFrame makes, so a sniffer that finds a frame in
// the first MaxJunk+2*MaxFrameSize bytes knows Open will find it too.
func Sync(b []byte) (int, bool) {
	for i := 0; i+4 <= len(b) && i < MaxJunk; i++ {
		if b[i] != 0xFF {
			continue
		}
		h, ok := parseHeader(b[i:])
		if !ok || i+h.size+4 > len(b) {
			continue
		}
		if h2, ok := parseHeader(b[i+h.size:]); ok && h2.sameStream(h) {
			return i, true
		}
	}
	return 0, false
}

// findFirstFrame scans for a header followed by a second one where the first
// one's size says; junk before it (tags, broken bytes) is skipped.
func findFirstFrame(br *bufio.Reader, off int64) (int64, header, error) {
	for scanned := 0; scanned < MaxJunk; scanned++ {
		b, err := br.Peek(4)
		if len(b) < 4 {
			if err == nil {
				err = io.EOF
			}
			return 0, header{}, fmt.Errorf("no MPEG audio frame found: %w", err)
		}
		if h, ok := parseHeader(b); ok {
			nb, _ := br.Peek(h.size + 4)
			if len(nb) == h.size+4 {
				if h2, ok := parseHeader(nb[h.size:]); ok && h2.sameStream(h) {
					return off, h, nil
				}
			} else if len(nb) == h.size {
				return off, h, nil // a one-frame file
			}
		}
		if _, err := br.Discard(1); err != nil {
			return 0, header{}, err
		}
		off++
	}
	return 0, header{}, fmt.Errorf("no MPEG audio frame in the first %d bytes", MaxJunk)
}

func buildIndex(r io.ReadSeeker) (*index, error) {
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(r, 64<<10)
	off, err := skipID3v2(br)
	if err != nil {
		return nil, err
	}
	off, first, err := findFirstFrame(br, off)
	if err != nil {
		return nil, err
	}
	idx := &index{first: first, offsets: make([]int64, 0, 1024)}
	fb, _ := br.Peek(first.size)
	if g, ok := parseXing(fb, first); ok {
		idx.gapless, idx.xing = g, true
		if _, err := br.Discard(first.size); err != nil {
			return nil, err
		}
		off += int64(first.size)
	}
	idx.end = off
	for len(idx.offsets) < maxFrames {
		b, _ := br.Peek(4)
		if len(b) < 4 {
			break
		}
		h, ok := parseHeader(b)
		if !ok || !h.sameStream(first) {
			// Junk or a tag inside/after the stream: resync on the next good frame.
			if string(b[:3]) == "TAG" || string(b[:3]) == "APE" || string(b[:3]) == "ID3" {
				break
			}
			n, h2, err := findFirstFrame(br, off)
			if err != nil || !h2.sameStream(first) {
				break
			}
			off = n
			continue
		}
		n, err := br.Discard(h.size)
		if n < h.size || err != nil {
			break // cut inside the last frame: it cannot be decoded
		}
		idx.offsets = append(idx.offsets, off)
		off += int64(n)
		idx.end = off
	}
	if len(idx.offsets) == 0 {
		return nil, errors.New("no complete MPEG audio frame")
	}
	return idx, nil
}

// trim returns the decoded samples to drop at the start and the output length:
// with a LAME tag, encoder delay + decoder delay at the start and the padding
// at the end; without one, every decoded sample.
func (idx *index) trim(spf int) (skip, total int64) {
	n := int64(len(idx.offsets))
	total = n * int64(spf)
	if g := idx.gapless; g.lame {
		skip = int64(g.delay + decoderDelay)
		frames := n
		if g.frames > 0 && g.frames < n {
			frames = g.frames
		}
		total = max(0, frames*int64(spf)-int64(g.delay)-int64(g.padding))
	}
	return skip, total
}

// Stream decodes layer III with our decoder (decode.go) over the frame
// index, which gives exact length, gapless trim and fast seeks. It satisfies
// package audio's Stream and Seeker.
type Stream struct {
	rs    io.ReadSeeker
	idx   *index
	spf   int   // samples per frame
	skip  int64 // decoded samples dropped at the start (encoder + decoder delay)
	total int64 // output frames
	ch    int

	br    *bufio.Reader
	fpos  int64 // file offset br is at
	next  int   // index of the next frame to decode
	dec   decoder
	frame []byte
	pcm   []float32 // the current frame's samples, interleaved
	pcmAt int       // frames of pcm already consumed
	pcmN  int       // frames in pcm
	dpos  int64     // decoded-sample index of pcm[pcmAt]
	pos   int64     // output frame index of the next sample Read returns
	err   error
}

// Open indexes the frames of r (reading headers only) and returns a stream
// positioned at the first sample. ID3v2 tags and junk before the first frame
// are skipped. The caller keeps r open while reading the stream.
func Open(r io.ReadSeeker) (*Stream, error) {
	idx, err := buildIndex(r)
	if err != nil {
		return nil, err
	}
	s := &Stream{
		rs:    r,
		idx:   idx,
		spf:   idx.first.samples,
		ch:    idx.first.channels,
		br:    bufio.NewReaderSize(r, 16<<10),
		frame: make([]byte, 0, 2048),
		pcm:   make([]float32, idx.first.samples*idx.first.channels),
	}
	s.skip, s.total = idx.trim(s.spf)
	if err := s.startAt(0); err != nil {
		return nil, err
	}
	return s, nil
}

// SampleRate is the stream's rate in Hz.
func (s *Stream) SampleRate() int { return s.idx.first.rate }

// Channels is 1 or 2.
func (s *Stream) Channels() int { return s.ch }

// Frames is the length in frames after the gapless trim.
func (s *Stream) Frames() int64 { return s.total }

// startAt restarts decoding, with a fresh decoder state, at audio frame k.
func (s *Stream) startAt(k int) error {
	off := s.idx.offsets[k]
	if _, err := s.rs.Seek(off, io.SeekStart); err != nil {
		return fmt.Errorf("mp3: seek to frame %d: %w", k, err)
	}
	s.br.Reset(s.rs)
	s.fpos, s.next = off, k
	s.dec.reset()
	s.pcmAt, s.pcmN = 0, 0
	s.dpos = int64(k) * int64(s.spf)
	s.err = nil
	return nil
}

// decodeNext decodes the next indexed frame into s.pcm. A frame that fails to
// decode (corrupt bits, or its bit reservoir is missing) is silence, so the
// length the index promised holds.
func (s *Stream) decodeNext() error {
	if s.next >= len(s.idx.offsets) {
		return io.EOF
	}
	off := s.idx.offsets[s.next]
	if off > s.fpos { // junk the index skipped
		n, err := s.br.Discard(int(off - s.fpos))
		s.fpos += int64(n)
		if err != nil {
			return io.EOF
		}
	}
	hb, _ := s.br.Peek(4)
	h, ok := parseHeader(hb)
	if !ok || s.fpos != off {
		return fmt.Errorf("mp3: lost frame %d at byte %d", s.next, off)
	}
	s.frame = s.frame[:h.size]
	n, err := io.ReadFull(s.br, s.frame)
	s.fpos += int64(n)
	if err != nil {
		return io.EOF // the file changed under us
	}
	s.next++
	if _, err := s.dec.decodeFrame(s.frame, s.pcm); err != nil {
		clear(s.pcm)
	}
	s.pcmAt, s.pcmN = 0, s.spf
	return nil
}

// Read fills dst with interleaved samples and returns how many it wrote, a
// multiple of Channels(); io.EOF once the stream ends.
func (s *Stream) Read(dst []float32) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	ch := s.ch
	want := len(dst) / ch
	got := 0
	for got < want && s.pos < s.total {
		if s.pcmAt == s.pcmN {
			if err := s.decodeNext(); err != nil {
				s.err = err
				break
			}
		}
		avail := s.pcmN - s.pcmAt
		if need := s.skip + s.pos - s.dpos; need > 0 { // before the target: drop
			m := int(min(need, int64(avail)))
			s.pcmAt += m
			s.dpos += int64(m)
			continue
		}
		m := int(min(int64(min(avail, want-got)), s.total-s.pos))
		copy(dst[got*ch:(got+m)*ch], s.pcm[s.pcmAt*ch:(s.pcmAt+m)*ch])
		got += m
		s.pcmAt += m
		s.dpos += int64(m)
		s.pos += int64(m)
	}
	if got == 0 {
		if s.err == nil {
			s.err = io.EOF
		}
		return 0, s.err
	}
	return got * ch, nil
}

// SeekFrame positions the stream so the next Read starts at frame. It finds
// the frame in the index, starts decoding a few frames earlier (the bit
// reservoir reaches back up to 511 bytes, and the IMDCT overlap and the
// filterbank need a frame or two to settle) and drops samples up to the exact
// target.
func (s *Stream) SeekFrame(frame int64) error {
	if frame < 0 {
		return fmt.Errorf("mp3: seek to negative frame %d", frame)
	}
	if frame >= s.total {
		s.pos, s.err = s.total, io.EOF
		return nil
	}
	k := int((frame + s.skip) / int64(s.spf))
	k = max(0, min(k, len(s.idx.offsets)-1)-seekPreroll)
	if err := s.startAt(k); err != nil {
		s.err = err
		return err
	}
	s.pos = frame
	return nil
}
