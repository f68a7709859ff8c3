package audio

import (
	"errors"
	"fmt"
	"io"

	"github.com/jfreymuth/oggvorbis"
)

// vorbisStream adapts jfreymuth/oggvorbis, which already streams float32 and
// seeks by bisection on granule positions.
type vorbisStream struct {
	r   *oggvorbis.Reader
	ch  int
	err error
}

var _ Seeker = (*vorbisStream)(nil)

func openVorbis(r io.ReadSeeker) (Stream, string, error) {
	var vr *oggvorbis.Reader
	err := guard("vorbis", func() error {
		var err error
		vr, err = oggvorbis.NewReader(r)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	if c := vr.Channels(); c < 1 || c > 2 {
		return nil, "", fmt.Errorf("%d channels: only mono and stereo are supported", c)
	}
	if vr.SampleRate() <= 0 {
		return nil, "", errors.New("sample rate 0 in identification header")
	}
	return &vorbisStream{r: vr, ch: vr.Channels()}, "vorbis", nil
}

func (v *vorbisStream) SampleRate() int { return v.r.SampleRate() }
func (v *vorbisStream) Channels() int   { return v.ch }

func (v *vorbisStream) Frames() int64 {
	if n := v.r.Length(); n > 0 {
		return n
	}
	return -1
}

func (v *vorbisStream) Read(dst []float32) (int, error) {
	if v.err != nil {
		return 0, v.err
	}
	dst = dst[:len(dst)-len(dst)%v.ch]
	// oggvorbis may return 0 samples for a header-only page: retry a bounded number of times.
	for try := 0; try < 64; try++ {
		var n int
		err := guard("vorbis", func() error {
			var err error
			n, err = v.r.Read(dst)
			return err
		})
		n -= n % v.ch
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				err = io.EOF // cut file: what was there, then the end
			} else if !errors.Is(err, io.EOF) {
				err = fmt.Errorf("vorbis: %w", err)
			}
			v.err = err
			if n > 0 {
				return n, nil
			}
			return 0, err
		}
		if n > 0 || len(dst) == 0 {
			return n, nil
		}
	}
	v.err = errors.New("vorbis: no audio in 64 consecutive reads")
	return 0, v.err
}

func (v *vorbisStream) SeekFrame(frame int64) error {
	if frame < 0 {
		return fmt.Errorf("vorbis: seek to negative frame %d", frame)
	}
	err := guard("vorbis", func() error { return v.r.SetPosition(frame) })
	if err != nil {
		return fmt.Errorf("vorbis: seek to frame %d: %w", frame, err)
	}
	v.err = nil
	return nil
}
