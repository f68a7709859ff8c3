package audio

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/pion/opus"
)

// Ogg Opus always decodes at 48 kHz (RFC 7845); granule positions count 48 kHz samples.
const (
	opusRate     = 48000
	opusMaxFrame = 5760 // 120 ms at 48 kHz, the longest packet
	opusPreroll  = 3840 // 80 ms of decoding before a seek target, as RFC 7845 advises
)

// opusStream decodes one Ogg Opus logical stream with pion/opus.
//
// Why pion/opus and not libopus through cgo (issue 13): scripts/bench.d/opus.sh
// encodes speech, pink noise, a linear sweep (50 Hz-7 kHz) and a log sweep
// (20 Hz-21 kHz) with libopus at 6-64 kbit/s and compares integrated
// loudness and true peak of libopus's decode with ours. Speech, noise and
// the linear sweep agree within 0.05 LU and 0.05 dB at every bitrate (and so
// do 8 and 16 kHz inputs, stereo, and the audio application, tried by hand);
// only the full-band log sweep at 6-16 kbit/s differs, by up to +1.65 LU and
// +1.7 dBTP, where ffmpeg's own Opus decoder is louder than libopus too
// (+2.2 LU). That is no call-centre content, and reading a little high errs
// on the safe side for the gain and the limiter; it does not pay for a
// system library in every build. The "up to 8.5 LU" of the issue did not
// reproduce with ffmpeg 5.1 / libopus 1.3.1 encodes (nor with opusenc).
type opusStream struct {
	o         *oggReader
	dec       opus.Decoder
	channels  int
	preSkip   int64
	gain      float32
	dataStart int64 // file offset of the first audio page
	size      int64 // file size

	oggPackets // granules count 48 kHz samples; minG: the pre-skip or the seek target
}

var _ Seeker = (*opusStream)(nil)

// opusHead is the identification header (RFC 7845 section 5.1).
type opusHead struct {
	channels int
	preSkip  int
	rate     int
	gainQ8   int16
	family   int
}

func parseOpusHead(p []byte) (opusHead, error) {
	if len(p) < 19 || string(p[:8]) != "OpusHead" {
		return opusHead{}, errors.New("first packet is not an OpusHead")
	}
	if p[8]>>4 != 0 {
		return opusHead{}, fmt.Errorf("unsupported OpusHead version %d", p[8])
	}
	h := opusHead{
		channels: int(p[9]),
		preSkip:  int(binary.LittleEndian.Uint16(p[10:12])),
		rate:     int(binary.LittleEndian.Uint32(p[12:16])),
		gainQ8:   int16(binary.LittleEndian.Uint16(p[16:18])),
		family:   int(p[18]),
	}
	if h.channels < 1 || h.channels > 2 {
		return h, fmt.Errorf("%d channels: only mono and stereo are supported", h.channels)
	}
	if h.family != 0 {
		return h, fmt.Errorf("channel mapping family %d is not supported", h.family)
	}
	return h, nil
}

func openOpus(r io.ReadSeeker) (Stream, string, error) {
	size, err := r.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, "", err
	}
	o := newOggReader(r)
	if err := o.reset(0); err != nil {
		return nil, "", err
	}
	p, err := o.nextPacket()
	if err != nil {
		return nil, "", fmt.Errorf("read OpusHead: %w", err)
	}
	h, err := parseOpusHead(p)
	if err != nil {
		return nil, "", err
	}
	p, err = o.nextPacket()
	if err != nil {
		return nil, "", fmt.Errorf("read OpusTags: %w", err)
	}
	if len(p) < 8 || string(p[:8]) != "OpusTags" {
		return nil, "", errors.New("second packet is not OpusTags")
	}
	if o.seg < len(o.page.lacing) {
		return nil, "", errors.New("audio data shares the OpusTags page")
	}
	s := &opusStream{
		o:         o,
		channels:  h.channels,
		preSkip:   int64(h.preSkip),
		gain:      float32(math.Pow(10, float64(h.gainQ8)/(20*256))),
		dataStart: o.off,
		size:      size,
	}
	s.buf = make([]float32, opusMaxFrame*h.channels)
	if s.dec, err = opus.NewDecoderWithOutput(opusRate, h.channels); err != nil {
		return nil, "", err
	}
	s.endG = s.lastGranule()
	if err := s.restart(); err != nil {
		return nil, "", err
	}
	return s, "opus", nil
}

// lastGranule is the granule of the stream's last page: the end trim, or -1.
func (s *opusStream) lastGranule() int64 { return s.o.lastGranule(s.dataStart, s.size) }

// restart positions the stream at the first audio packet.
func (s *opusStream) restart() error {
	if err := s.o.reset(s.dataStart); err != nil {
		return err
	}
	s.resetDecoder(0)
	s.minG = s.preSkip
	return nil
}

func (s *opusStream) resetDecoder(g int64) {
	_ = s.dec.Init(opusRate, s.channels)
	s.bufN, s.bufOff, s.bufG, s.nextG = 0, 0, g, g
	s.err = nil
}

func (s *opusStream) SampleRate() int { return opusRate }
func (s *opusStream) Channels() int   { return s.channels }

func (s *opusStream) Frames() int64 {
	if s.endG < 0 {
		return -1
	}
	return max(0, s.endG-s.preSkip)
}

// opusConfigName names a TOC configuration for error messages (RFC 6716 3.1).
func opusConfigName(toc byte) string {
	c := toc >> 3
	switch {
	case c < 12:
		return fmt.Sprintf("config %d (SILK)", c)
	case c < 16:
		return fmt.Sprintf("config %d (hybrid)", c)
	default:
		return fmt.Sprintf("config %d (CELT)", c)
	}
}

// decodeNext decodes the next packet into buf.
func (s *opusStream) decodeNext() error {
	p, err := s.o.nextPacket()
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return io.EOF // cut file: the audio that is there, then the end
		}
		return err
	}
	if len(p) == 0 {
		return s.decodeNext() // an empty packet carries no audio (RFC 7845 allows none)
	}
	var n int
	err = guard("opus", func() error {
		var err error
		n, err = s.dec.DecodeToFloat32(p, s.buf)
		return err
	})
	if err != nil {
		return fmt.Errorf("opus: decode packet (%s) at 48 kHz sample %d: %w", opusConfigName(p[0]), s.nextG, err)
	}
	s.bufG, s.bufN, s.bufOff = s.nextG, n, 0
	s.nextG += int64(n)
	return nil
}

func (s *opusStream) Read(dst []float32) (int, error) { return s.read(dst, s.channels, s.gain, s) }

// SeekFrame bisects the file on page granule positions for the last page that
// ends at least 80 ms before the target, then decodes forward to the exact frame.
func (s *opusStream) SeekFrame(frame int64) error {
	if frame < 0 {
		return fmt.Errorf("opus: seek to negative frame %d", frame)
	}
	target := frame + s.preSkip
	from := target - opusPreroll
	off, g, err := s.findPage(from)
	if err != nil {
		return fmt.Errorf("opus: seek to frame %d: %w", frame, err)
	}
	if off < 0 {
		if err := s.restart(); err != nil {
			return err
		}
		s.minG = target
		return nil
	}
	if err := s.o.reset(off); err != nil {
		return err
	}
	// Consume the packets that end on the found page; keep a packet it starts.
	for {
		if _, err := s.o.nextPacket(); err != nil {
			return fmt.Errorf("opus: seek to frame %d: %w", frame, err)
		}
		if s.o.lastOnPage {
			break
		}
	}
	s.resetDecoder(g)
	s.minG = target
	return nil
}

// findPage returns the offset and granule of the last page whose granule is at
// most limit, or -1 when the audio must start from its first page.
func (s *opusStream) findPage(limit int64) (int64, int64, error) {
	return s.o.findPage(s.dataStart, s.size, limit, func(p *oggPage) bool { return p.granule >= 0 })
}
