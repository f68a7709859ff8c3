package player

import (
	"errors"
	"fmt"
	"io"
	"os"

	"customerroom/media/audio"
)

// source renders one Track as 48 kHz stereo from a position, before gain:
// decode, skip to the start, resample, mono to both sides, stop at the clip end.
type source struct {
	f      *os.File
	s      audio.Stream
	ch     int // source channels used (1 or 2)
	rs     *resampler
	total  int64     // output frames from the item start to its end, -1 unknown
	pos    int64     // output frames from the item start already rendered
	dec    []float32 // decoded frames not yet rendered (aliases decBuf)
	decBuf []float32 // the decoder's block, reused
	tmp    []float32
	eof    bool
	// gain scales what read hands out and clamp holds it to full scale:
	// done while spreading to stereo, so it costs no pass of its own.
	gain  float32
	clamp bool
}

// seek repositions an open source atMS into the item, without reopening the
// file: decoders that index on open (MP3) would otherwise pay that again.
// It returns false when the stream cannot seek; the caller reopens.
func (s *source) seek(t Track, atMS int64) bool {
	sk, ok := s.s.(audio.Seeker)
	if !ok {
		return false
	}
	atMS = max(0, atMS)
	rate := s.s.SampleRate()
	if err := sk.SeekFrame((t.StartMS + atMS) * int64(rate) / 1000); err != nil {
		return false
	}
	if s.rs != nil {
		s.rs = newResampler(rate, SampleRate, s.ch)
	}
	s.dec, s.eof = nil, false
	s.pos = msToFrames(atMS)
	return true
}

// seekFrame repositions an open source at output frame frame of the item,
// exactly: a resume after a cut must go on from the frame last heard, which
// milliseconds cannot name. The resampler restarts in the file's own
// coordinates, so its output frames are those continuous playback would
// have produced there. It returns false when the stream cannot seek.
func (s *source) seekFrame(t Track, frame int64) bool {
	sk, ok := s.s.(audio.Seeker)
	if !ok {
		return false
	}
	frame = max(0, frame)
	abs := msToFrames(t.StartMS) + frame // output frame in the file's timeline
	rate := s.s.SampleRate()
	in := abs
	if s.rs != nil {
		in = abs * int64(s.rs.down) / int64(s.rs.up) // the input frame output abs falls in
	}
	if err := sk.SeekFrame(in); err != nil {
		return false
	}
	if s.rs != nil {
		rs := newResampler(rate, SampleRate, s.ch)
		rs.base += in
		rs.pushed = in
		rs.next = abs
		s.rs = rs
	}
	s.dec, s.eof = nil, false
	s.pos = frame
	return true
}

// openTrack is openSource; a test puts a stream that fails like a defect
// in its place.
var openTrack = openSource

// openSource opens t and positions it atMS into the item (the clip's start is 0).
func openSource(t Track, atMS int64) (*source, error) {
	f, err := os.Open(t.Path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", t.Path, err)
	}
	s, _, err := audio.Open(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("decode %s: %w", t.Path, err)
	}
	rate, ch := s.SampleRate(), s.Channels()
	if rate <= 0 || rate > 384000 || ch < 1 {
		f.Close()
		return nil, fmt.Errorf("decode %s: unsupported stream (%d Hz, %d channels)", t.Path, rate, ch)
	}
	src := &source{f: f, s: s, ch: min(ch, 2), total: -1, gain: 1}
	if rate != SampleRate {
		src.rs = newResampler(rate, SampleRate, src.ch)
	}
	// Item length in output frames.
	switch {
	case t.EndMS > t.StartMS:
		src.total = msToFrames(t.EndMS - t.StartMS)
	case s.Frames() >= 0:
		src.total = s.Frames()*SampleRate/int64(rate) - msToFrames(t.StartMS)
	case t.DurationMS > 0:
		src.total = msToFrames(t.DurationMS - t.StartMS)
	}
	if atMS < 0 {
		atMS = 0
	}
	startFrame := (t.StartMS + atMS) * int64(rate) / 1000
	if startFrame > 0 {
		if err := src.skip(startFrame); err != nil {
			f.Close()
			return nil, err
		}
	}
	src.pos = msToFrames(atMS)
	return src, nil
}

func msToFrames(ms int64) int64 { return ms * SampleRate / 1000 }

// skip moves to source frame n: SeekFrame when the decoder can, else decode and drop.
func (s *source) skip(n int64) error {
	if sk, ok := s.s.(audio.Seeker); ok {
		if err := sk.SeekFrame(n); err == nil {
			return nil
		}
	}
	chans := s.s.Channels()
	buf := make([]float32, 4096*chans)
	for n > 0 {
		want := min(int64(len(buf)/chans), n)
		got, err := s.s.Read(buf[:want*int64(chans)])
		n -= int64(got / chans)
		if errors.Is(err, io.EOF) {
			s.eof = true
			return nil
		}
		if err != nil {
			return fmt.Errorf("seek: %w", err)
		}
		if got == 0 {
			return errors.New("seek: decoder made no progress")
		}
	}
	return nil
}

// read fills dst (interleaved stereo, whole frames) and returns the samples
// written; io.EOF once the item is over.
func (s *source) read(dst []float32) (int, error) {
	want := len(dst) / 2
	if s.total >= 0 && s.pos >= s.total {
		return 0, io.EOF
	}
	if s.total >= 0 {
		want = int(min(int64(want), s.total-s.pos))
	}
	n := 0
	for n < want {
		var got int
		if s.rs != nil {
			if cap(s.tmp) < (want-n)*s.ch {
				s.tmp = make([]float32, (want-n)*s.ch)
			}
			got = s.rs.pull(s.tmp[:(want-n)*s.ch]) / s.ch
			if got == 0 {
				if s.rs.eof {
					break
				}
				if err := s.decode(); err != nil {
					return 2 * n, err
				}
				continue
			}
			spread(dst[2*n:], s.tmp[:got*s.ch], s.ch, s.gain, s.clamp)
		} else {
			if len(s.dec) == 0 {
				if s.eof {
					break
				}
				if err := s.decode(); err != nil {
					return 2 * n, err
				}
				continue
			}
			got = min(want-n, len(s.dec)/s.ch)
			spread(dst[2*n:], s.dec[:got*s.ch], s.ch, s.gain, s.clamp)
			s.dec = s.dec[got*s.ch:]
		}
		n += got
	}
	s.pos += int64(n)
	if n == 0 {
		return 0, io.EOF
	}
	return 2 * n, nil
}

// decode reads the next block from the decoder into s.dec (or the resampler).
func (s *source) decode() error {
	if s.eof {
		if s.rs != nil {
			s.rs.finish()
		}
		return nil
	}
	chans := s.s.Channels()
	if len(s.decBuf) != 2048*chans {
		s.decBuf = make([]float32, 2048*chans)
	}
	buf := s.decBuf
	got, err := s.s.Read(buf)
	if errors.Is(err, io.EOF) {
		s.eof = true
	} else if err != nil {
		return fmt.Errorf("decode: %w", err)
	} else if got == 0 {
		return errors.New("decode: decoder made no progress")
	}
	frames := got / chans
	x := buf[:frames*s.ch]
	if chans > 2 { // keep the first two channels
		for i := 0; i < frames; i++ {
			x[2*i], x[2*i+1] = buf[i*chans], buf[i*chans+1]
		}
	}
	if s.rs != nil {
		s.rs.push(x)
		if s.eof {
			s.rs.finish()
		}
	} else {
		s.dec = x
	}
	return nil
}

// spread copies frames of ch channels to stereo (mono goes to both sides),
// times g, held to full scale when clamp is set.
func spread(dst, src []float32, ch int, g float32, clamp bool) {
	switch {
	case ch == 2 && g == 1 && !clamp:
		copy(dst, src)
	case ch == 2 && clamp:
		dst = dst[:len(src)]
		for i, v := range src {
			dst[i] = max(-1, min(1, v*g))
		}
	case ch == 2:
		dst = dst[:len(src)]
		for i, v := range src {
			dst[i] = v * g
		}
	case clamp:
		dst = dst[:2*len(src)]
		for i, v := range src {
			v = max(-1, min(1, v*g))
			dst[2*i], dst[2*i+1] = v, v
		}
	default:
		dst = dst[:2*len(src)]
		for i, v := range src {
			v *= g
			dst[2*i], dst[2*i+1] = v, v
		}
	}
}

func (s *source) close() error { return s.f.Close() }
