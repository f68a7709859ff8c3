package audio

import (
	"errors"
	"fmt"
	"io"

	"github.com/jfreymuth/vorbis"
)

// vorbisStream decodes one Ogg Vorbis logical stream: our Ogg reader gives
// jfreymuth/vorbis its packets. (jfreymuth/oggvorbis clamps every sample to ±1,
// which would hide the overshoot of a clipped master from the true-peak meter;
// the codec itself does not.) Granule positions count frames at the stream's
// rate; a packet decodes to the frames between its centre and the previous
// packet's, so the first packet after a reset gives none.
type vorbisStream struct {
	o         *oggReader
	dec       vorbis.Decoder
	channels  int
	dataStart int64 // file offset just after the header packets' page
	size      int64 // file size
	firstG    int64 // granule of the first decoded frame: below 0 is trimmed
	base      int64 // granule of frame 0 (a stream cut from a live one starts late)

	oggPackets // minG: the start trim or the seek target
}

var _ Seeker = (*vorbisStream)(nil)

func openVorbis(r io.ReadSeeker) (Stream, string, error) {
	size, err := r.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, "", err
	}
	s := &vorbisStream{o: newOggReader(r), size: size}
	if err := s.o.reset(0); err != nil {
		return nil, "", err
	}
	names := [3]string{"identification", "comment", "setup"}
	for i := range names {
		p, err := s.o.nextPacket()
		if err != nil {
			return nil, "", fmt.Errorf("read %s header: %w", names[i], err)
		}
		err = guard("vorbis", func() error { return s.dec.ReadHeader(p) })
		if err != nil {
			return nil, "", fmt.Errorf("%s header: %w", names[i], err)
		}
		if i == 0 {
			if c := s.dec.Channels(); c < 1 || c > 2 {
				return nil, "", fmt.Errorf("%d channels: only mono and stereo are supported", c)
			}
			if s.dec.SampleRate() <= 0 {
				return nil, "", errors.New("sample rate 0 in identification header")
			}
		}
	}
	s.channels = s.dec.Channels()
	s.dataStart = s.o.off
	s.buf = make([]float32, s.dec.BufferSize())
	s.endG = s.o.lastGranule(s.dataStart, s.size)
	if err := s.findBase(); err != nil {
		return nil, "", err
	}
	if err := s.restart(); err != nil {
		return nil, "", err
	}
	return s, "vorbis", nil
}

// findBase decodes the packets that end on the first audio page: its granule
// minus what they decode to is the granule of the first frame (Vorbis I spec,
// A.2). Below zero, the encoder asks for the difference to be trimmed; above,
// the stream starts late and frame 0 is its first frame. On a stream that is
// one page long the granule is the end trim instead, and the start is zero.
func (s *vorbisStream) findBase() error {
	if err := s.restart(); err != nil {
		return err
	}
	var n int64
	for {
		p, err := s.o.nextPacket()
		if err != nil {
			return nil // no audio page completes: start at zero
		}
		out, err := s.decode(p)
		if err != nil {
			return err
		}
		n += int64(len(out) / s.channels)
		if s.o.lastOnPage {
			if !s.o.eos {
				s.firstG = s.o.pageGranule - n
				s.base = max(0, s.firstG)
			}
			return nil
		}
	}
}

// restart positions the stream at the first audio packet. Reading the headers
// again copes with audio that shares the setup header's page.
func (s *vorbisStream) restart() error {
	if err := s.o.reset(0); err != nil {
		return err
	}
	for range 3 {
		if _, err := s.o.nextPacket(); err != nil {
			return fmt.Errorf("vorbis: read headers: %w", err)
		}
	}
	s.dec.Clear()
	s.bufN, s.bufOff, s.bufG, s.nextG, s.err = 0, 0, s.firstG, s.firstG, nil
	s.minG = s.base // frames before granule 0 are the encoder's start trim
	return nil
}

// decode decodes one packet into buf; out aliases buf.
func (s *vorbisStream) decode(p []byte) ([]float32, error) {
	var out []float32
	err := guard("vorbis", func() error {
		var err error
		out, err = s.dec.DecodeInto(p, s.buf)
		return err
	})
	return out, err
}

func (s *vorbisStream) SampleRate() int { return s.dec.SampleRate() }
func (s *vorbisStream) Channels() int   { return s.channels }

func (s *vorbisStream) Frames() int64 {
	if s.endG < 0 {
		return -1
	}
	return max(0, s.endG-s.base)
}

// decodeNext decodes the next audio packet into buf.
func (s *vorbisStream) decodeNext() error {
	for {
		p, err := s.o.nextPacket()
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return io.EOF // cut file: the audio that is there, then the end
			}
			return err
		}
		if len(p) == 0 || vorbis.IsHeader(p) {
			continue // no audio in it (a repeated header, an empty packet)
		}
		out, err := s.decode(p)
		if err != nil {
			return fmt.Errorf("vorbis: decode packet at frame %d: %w", s.nextG-s.base, err)
		}
		n := len(out) / s.channels
		s.bufG, s.bufN, s.bufOff = s.nextG, n, 0
		s.nextG += int64(n)
		return nil
	}
}

func (s *vorbisStream) Read(dst []float32) (int, error) { return s.read(dst, s.channels, 1, s) }

// vorbisSeekable tells whether decoding can restart on page p: it must end a
// packet that also starts on it (the last such packet primes the decoder, and
// the next one decodes to frames from the page's granule on).
func vorbisSeekable(p *oggPage) bool {
	if p.granule < 0 {
		return false
	}
	ends := 0
	for _, l := range p.lacing {
		if l < 255 {
			ends++
		}
	}
	if p.continued() {
		ends-- // the first packet to end began on an earlier page
	}
	return ends > 0
}

// SeekFrame bisects the file on page granule positions for the last page that
// ends at or before the target, primes the decoder with that page's last
// packet, then decodes forward to the exact frame.
func (s *vorbisStream) SeekFrame(frame int64) error {
	if frame < 0 {
		return fmt.Errorf("vorbis: seek to negative frame %d", frame)
	}
	target := frame + s.base
	off, g, err := s.o.findPage(s.dataStart, s.size, target, vorbisSeekable)
	if err != nil {
		return fmt.Errorf("vorbis: seek to frame %d: %w", frame, err)
	}
	if off < 0 || g < s.base {
		if err := s.restart(); err != nil {
			return err
		}
		s.minG = target
		return nil
	}
	if err := s.o.reset(off); err != nil {
		return err
	}
	s.dec.Clear()
	for {
		p, err := s.o.nextPacket()
		if err != nil {
			return fmt.Errorf("vorbis: seek to frame %d: %w", frame, err)
		}
		if s.o.lastOnPage {
			if _, err := s.decode(p); err != nil {
				return fmt.Errorf("vorbis: seek to frame %d: %w", frame, err)
			}
			break
		}
	}
	s.bufN, s.bufOff, s.bufG, s.nextG, s.err = 0, 0, g, g, nil
	s.minG = target
	return nil
}
