package audio

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os/exec"
	"runtime"
	"strconv"

	gomp3 "github.com/hajimehoshi/go-mp3"
)

// MP3 limits and constants.
const (
	mp3MaxJunk      = 1 << 20 // bytes searched for the first frame after tags
	mp3DecoderDelay = 529     // samples every layer III decoder adds (LAME's figure)
	mp3SeekPreroll  = 10      // frames decoded before a seek target: bit reservoir + overlap
	mp3MaxFrames    = 1 << 24 // about 100 hours at 48 kHz; caps the index
)

// ErrMPEG25 is returned for MPEG-2.5 layer III (8, 11.025 and 12 kHz) files
// when ffmpeg is not installed: the pure-Go decoder we use (hajimehoshi/go-mp3)
// refuses them, so they are piped through ffmpeg as a stopgap.
var ErrMPEG25 = errors.New("MPEG-2.5 (8 kHz) MP3 needs ffmpeg, which is not installed")

var (
	mp3BitrateV1 = [16]int{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0}
	mp3BitrateV2 = [16]int{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0}
	mp3Rates     = [4][3]int{
		0: {11025, 12000, 8000},  // MPEG-2.5
		2: {22050, 24000, 16000}, // MPEG-2
		3: {44100, 48000, 32000}, // MPEG-1
	}
)

// mp3Header is a parsed layer III frame header.
type mp3Header struct {
	version  int // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
	rate     int
	channels int
	size     int // whole frame in bytes
	samples  int // samples per channel in the frame
	crc      bool
}

// parseMP3Header parses 4 header bytes; ok is false for anything that is not a
// layer III frame we can decode (free format included).
func parseMP3Header(b []byte) (h mp3Header, ok bool) {
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
	h.rate = mp3Rates[h.version][ri]
	pad := int(b[2]>>1) & 1
	h.channels = 2
	if b[3]>>6 == 3 {
		h.channels = 1
	}
	if h.version == 3 {
		h.samples = 1152
		h.size = 144*1000*mp3BitrateV1[bi]/h.rate + pad
	} else {
		h.samples = 576
		h.size = 72*1000*mp3BitrateV2[bi]/h.rate + pad
	}
	return h, true
}

// sameStream reports whether h can belong to the stream started by first; it
// weeds out false sync words inside audio data.
func (h mp3Header) sameStream(first mp3Header) bool {
	return h.version == first.version && h.rate == first.rate && h.channels == first.channels
}

// mp3Gapless is what the Xing/Info and LAME tags say.
type mp3Gapless struct {
	frames  int64 // audio frames, 0 if not given
	delay   int   // encoder delay in samples
	padding int   // encoder padding in samples
	lame    bool  // delay/padding are known
}

// parseXing reads the Xing/Info tag (and the LAME extension) of a frame. ok is
// false when the frame is an ordinary audio frame.
func parseXing(frame []byte, h mp3Header) (g mp3Gapless, ok bool) {
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

// mp3Index is the byte offset of every audio frame, built once on open by
// reading headers only (no decoding).
type mp3Index struct {
	first   mp3Header
	offsets []int64 // audio frames (the Xing/Info frame excluded)
	end     int64   // end of the last complete frame
	gapless mp3Gapless
	xing    bool
}

// findFirstFrame scans for a header followed by a second one where the first
// one's size says; junk before it (tags, broken bytes) is skipped.
func findFirstFrame(br *bufio.Reader, off int64) (int64, mp3Header, error) {
	for scanned := 0; scanned < mp3MaxJunk; scanned++ {
		b, err := br.Peek(4)
		if len(b) < 4 {
			if err == nil {
				err = io.EOF
			}
			return 0, mp3Header{}, fmt.Errorf("no MPEG audio frame found: %w", err)
		}
		if h, ok := parseMP3Header(b); ok {
			nb, _ := br.Peek(h.size + 4)
			if len(nb) == h.size+4 {
				if h2, ok := parseMP3Header(nb[h.size:]); ok && h2.sameStream(h) {
					return off, h, nil
				}
			} else if len(nb) == h.size {
				return off, h, nil // a one-frame file
			}
		}
		if _, err := br.Discard(1); err != nil {
			return 0, mp3Header{}, err
		}
		off++
	}
	return 0, mp3Header{}, fmt.Errorf("no MPEG audio frame in the first %d bytes", mp3MaxJunk)
}

func buildMP3Index(r io.ReadSeeker) (*mp3Index, error) {
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
	idx := &mp3Index{first: first, offsets: make([]int64, 0, 1024)}
	fb, _ := br.Peek(first.size)
	if g, ok := parseXing(fb, first); ok {
		idx.gapless, idx.xing = g, true
		if _, err := br.Discard(first.size); err != nil {
			return nil, err
		}
		off += int64(first.size)
	}
	idx.end = off
	for len(idx.offsets) < mp3MaxFrames {
		b, _ := br.Peek(4)
		if len(b) < 4 {
			break
		}
		h, ok := parseMP3Header(b)
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
func (idx *mp3Index) trim(spf int) (skip, total int64) {
	n := int64(len(idx.offsets))
	total = n * int64(spf)
	if g := idx.gapless; g.lame {
		skip = int64(g.delay + mp3DecoderDelay)
		frames := n
		if g.frames > 0 && g.frames < n {
			frames = g.frames
		}
		total = max(0, frames*int64(spf)-int64(g.delay)-int64(g.padding))
	}
	return skip, total
}

// mp3Stream decodes layer III with go-mp3 over a frame index of our own, which
// gives exact length, gapless trim and fast seeks.
type mp3Stream struct {
	rs    io.ReadSeeker
	idx   *mp3Index
	spf   int   // samples per frame
	skip  int64 // decoded samples dropped at the start (encoder + decoder delay)
	total int64 // output frames
	ch    int

	dec  *gomp3.Decoder
	raw  []byte // go-mp3 output: 16-bit stereo
	dpos int64  // decoded-sample index of the next sample dec returns
	pos  int64  // output frame index of the next sample Read returns
	err  error
}

var _ Seeker = (*mp3Stream)(nil)

func openMP3(r io.ReadSeeker) (Stream, string, error) {
	idx, err := buildMP3Index(r)
	if err != nil {
		return nil, "", err
	}
	if idx.first.version == 0 {
		return openMP3FFmpeg(r, idx)
	}
	s := &mp3Stream{
		rs:  r,
		idx: idx,
		spf: idx.first.samples,
		ch:  idx.first.channels,
		raw: make([]byte, 4*1152),
	}
	s.skip, s.total = idx.trim(s.spf)
	if err := s.startAt(0); err != nil {
		return nil, "", err
	}
	return s, "mp3", nil
}

func (s *mp3Stream) SampleRate() int { return s.idx.first.rate }
func (s *mp3Stream) Channels() int   { return s.ch }
func (s *mp3Stream) Frames() int64   { return s.total }

// sectionReader hides Seek so go-mp3 does not rescan the whole file itself.
type sectionReader struct {
	r io.Reader
	n int64
}

func (sr *sectionReader) Read(p []byte) (int, error) {
	if sr.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > sr.n {
		p = p[:sr.n]
	}
	n, err := sr.r.Read(p)
	sr.n -= int64(n)
	return n, err
}

// startAt starts a fresh go-mp3 decoder at audio frame k.
func (s *mp3Stream) startAt(k int) error {
	off := s.idx.offsets[k]
	if _, err := s.rs.Seek(off, io.SeekStart); err != nil {
		return err
	}
	src := bufio.NewReaderSize(&sectionReader{r: s.rs, n: s.idx.end - off}, 16<<10)
	err := guard("mp3", func() error {
		var err error
		s.dec, err = gomp3.NewDecoder(src)
		return err
	})
	if err != nil {
		return fmt.Errorf("mp3: start decoding at frame %d: %w", k, err)
	}
	s.dpos = int64(k) * int64(s.spf)
	s.err = nil
	return nil
}

func (s *mp3Stream) Read(dst []float32) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	ch := s.ch
	want := len(dst) / ch
	got := 0
	for got < want && s.pos < s.total {
		need := s.skip + s.pos - s.dpos // decoded samples to drop before the next output
		n := min(want-got, len(s.raw)/4)
		if need > 0 {
			n = int(min(need, int64(len(s.raw)/4)))
		} else {
			n = int(min(int64(n), s.total-s.pos))
		}
		var m int
		err := guard("mp3", func() error {
			var err error
			m, err = io.ReadFull(s.dec, s.raw[:n*4])
			return err
		})
		m /= 4
		if need <= 0 {
			out := dst[got*ch : (got+m)*ch]
			for i := 0; i < m; i++ {
				l := float32(int16(binary.LittleEndian.Uint16(s.raw[i*4:]))) / 32768
				if ch == 1 {
					out[i] = l
					continue
				}
				out[2*i] = l
				out[2*i+1] = float32(int16(binary.LittleEndian.Uint16(s.raw[i*4+2:]))) / 32768
			}
			got += m
			s.pos += int64(m)
		}
		s.dpos += int64(m)
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				// The frames ran out before the header's count: a cut file.
				s.err = io.EOF
			} else {
				s.err = fmt.Errorf("mp3: decode near frame %d: %w", s.dpos/int64(s.spf), err)
			}
			break
		}
	}
	if got == 0 {
		if s.err == nil {
			s.err = io.EOF
		}
		return 0, s.err
	}
	return got * ch, nil
}

// SeekFrame finds the frame in the index, starts decoding a few frames earlier
// (for the bit reservoir and the filterbank's overlap) and drops samples up to
// the exact target.
func (s *mp3Stream) SeekFrame(frame int64) error {
	if frame < 0 {
		return fmt.Errorf("mp3: seek to negative frame %d", frame)
	}
	if frame >= s.total {
		s.pos, s.err = s.total, io.EOF
		return nil
	}
	k := int((frame + s.skip) / int64(s.spf))
	k = min(k, len(s.idx.offsets)-1)
	var err error
	for k0 := max(0, k-mp3SeekPreroll); k0 <= k; k0++ {
		if err = s.startAt(k0); err == nil {
			s.pos = frame
			return nil
		}
	}
	s.err = err
	return err
}

// mp3Pipe decodes through an ffmpeg child process (MPEG-2.5 stopgap). It is fed
// the audio frames only (no Xing/Info frame), so ffmpeg trims nothing and the
// same gapless skip and length as the native path apply.
type mp3Pipe struct {
	rs    io.ReadSeeker
	idx   *mp3Index
	path  string // ffmpeg
	spf   int
	skip  int64
	total int64
	ch    int

	cmd     *exec.Cmd
	out     *bufio.Reader
	cleanup runtime.Cleanup
	raw     []byte
	dpos    int64
	pos     int64
	err     error
}

var _ Seeker = (*mp3Pipe)(nil)

func openMP3FFmpeg(r io.ReadSeeker, idx *mp3Index) (Stream, string, error) {
	path, err := exec.LookPath("ffmpeg")
	if err != nil {
		return nil, "", ErrMPEG25
	}
	s := &mp3Pipe{rs: r, idx: idx, path: path, spf: idx.first.samples, ch: idx.first.channels, raw: make([]byte, 4*2*1152)}
	s.skip, s.total = idx.trim(s.spf)
	if err := s.startAt(0); err != nil {
		return nil, "", err
	}
	return s, "mp3", nil
}

func (s *mp3Pipe) SampleRate() int { return s.idx.first.rate }
func (s *mp3Pipe) Channels() int   { return s.ch }
func (s *mp3Pipe) Frames() int64   { return s.total }

// stop ends the running ffmpeg, if any, and waits for it (and for the goroutine
// feeding its stdin, so rs is ours again).
func (s *mp3Pipe) stop() {
	if s.cmd == nil {
		return
	}
	s.cleanup.Stop()
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd, s.out = nil, nil
}

// startAt runs a fresh ffmpeg fed from audio frame k.
func (s *mp3Pipe) startAt(k int) error {
	s.stop()
	off := s.idx.offsets[k]
	if _, err := s.rs.Seek(off, io.SeekStart); err != nil {
		return err
	}
	cmd := exec.Command(s.path, "-v", "error", "-f", "mp3", "-i", "-",
		"-f", "f32le", "-ac", strconv.Itoa(s.ch), "-ar", strconv.Itoa(s.idx.first.rate), "-")
	cmd.Stdin = &sectionReader{r: s.rs, n: s.idx.end - off}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("mp3: start ffmpeg: %w", err)
	}
	// A stream dropped without reading to the end must not leave ffmpeg behind.
	s.cleanup = runtime.AddCleanup(s, func(c *exec.Cmd) {
		_ = c.Process.Kill()
		go c.Wait()
	}, cmd)
	s.cmd, s.out = cmd, bufio.NewReaderSize(out, 32<<10)
	s.dpos = int64(k) * int64(s.spf)
	s.err = nil
	return nil
}

func (s *mp3Pipe) Read(dst []float32) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	ch := s.ch
	want := len(dst) / ch
	got := 0
	for got < want && s.pos < s.total {
		need := s.skip + s.pos - s.dpos
		n := len(s.raw) / (4 * ch)
		if need > 0 {
			n = int(min(need, int64(n)))
		} else {
			n = int(min(int64(min(n, want-got)), s.total-s.pos))
		}
		m, err := io.ReadFull(s.out, s.raw[:n*4*ch])
		m /= 4 * ch
		if need <= 0 {
			out := dst[got*ch : (got+m)*ch]
			for i := range out {
				out[i] = math.Float32frombits(binary.LittleEndian.Uint32(s.raw[4*i:]))
			}
			got += m
			s.pos += int64(m)
		}
		s.dpos += int64(m)
		if err != nil {
			s.err = io.EOF
			cmd := s.cmd
			s.cleanup.Stop()
			s.cmd, s.out = nil, nil
			if werr := cmd.Wait(); werr != nil {
				s.err = fmt.Errorf("mp3: ffmpeg: %v: %s", werr, bytes.TrimSpace(cmd.Stderr.(*bytes.Buffer).Bytes()))
			}
			break
		}
	}
	if s.pos >= s.total && s.err == nil {
		s.stop()
		s.err = io.EOF
	}
	if got == 0 {
		return 0, s.err
	}
	return got * ch, nil
}

// SeekFrame restarts ffmpeg a few frames before the target (bit reservoir and
// overlap) and drops decoded samples up to it.
func (s *mp3Pipe) SeekFrame(frame int64) error {
	if frame < 0 {
		return fmt.Errorf("mp3: seek to negative frame %d", frame)
	}
	if frame >= s.total {
		s.stop()
		s.pos, s.err = s.total, io.EOF
		return nil
	}
	k := int((frame + s.skip) / int64(s.spf))
	k = max(0, min(k, len(s.idx.offsets)-1)-mp3SeekPreroll)
	if err := s.startAt(k); err != nil {
		s.err = err
		return err
	}
	s.pos = frame
	return nil
}
