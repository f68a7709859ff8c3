package audio

import "errors"

const gsmFramesPerBlock = 320

type gsmDecoder struct{}

func newGSMDecoder(f *wavFmt) (*gsmDecoder, error) {
	return nil, errors.New("GSM 6.10 not implemented yet")
}
func (d *gsmDecoder) decode(dst []float32, src []byte) int { return 0 }
func (d *gsmDecoder) reset()                               {}
func (d *gsmDecoder) partial(int) int                      { return 0 }
