package audio

import (
	"errors"
	"fmt"
	"io"

	"github.com/mewkiz/flac"
	"github.com/mewkiz/flac/frame"
)

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
	var s *flac.Stream
	err := guard("flac", func() error {
		var err error
		s, err = flac.NewSeek(r)
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
