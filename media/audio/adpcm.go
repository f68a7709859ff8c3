package audio

import "fmt"

// IMA ADPCM (format tag 0x11, "DVI ADPCM") as Windows writes it: each block
// starts with one 4-byte header per channel (the first sample and the step
// index), then 4-byte words per channel in turn, each holding 8 nibbles, low
// nibble first. Blocks are independent, so seeking is exact.

var imaIndexTable = [16]int32{-1, -1, -1, -1, 2, 4, 6, 8, -1, -1, -1, -1, 2, 4, 6, 8}

var imaStepTable = [89]int32{
	7, 8, 9, 10, 11, 12, 13, 14, 16, 17, 19, 21, 23, 25, 28, 31, 34, 37, 41, 45,
	50, 55, 60, 66, 73, 80, 88, 97, 107, 118, 130, 143, 157, 173, 190, 209, 230,
	253, 279, 307, 337, 371, 408, 449, 494, 544, 598, 658, 724, 796, 876, 963,
	1060, 1166, 1282, 1411, 1552, 1707, 1878, 2066, 2272, 2499, 2749, 3024, 3327,
	3660, 4026, 4428, 4871, 5358, 5894, 6484, 7132, 7845, 8630, 9493, 10442,
	11487, 12635, 13899, 15289, 16818, 18500, 20350, 22385, 24623, 27086, 29794,
	32767,
}

// imaDecoder decodes IMA ADPCM blocks; it keeps no state between blocks.
type imaDecoder struct {
	channels       int
	blockAlign     int
	framesPerBlock int
}

func newIMADecoder(f *wavFmt) (*imaDecoder, error) {
	if f.bits != 4 {
		return nil, fmt.Errorf("unsupported IMA ADPCM sample size %d bits (want 4)", f.bits)
	}
	head := 4 * f.channels
	if f.blockAlign <= head || f.blockAlign > wavMaxBlockAlign {
		return nil, fmt.Errorf("absurd IMA ADPCM block align %d for %d channel(s)", f.blockAlign, f.channels)
	}
	return &imaDecoder{
		channels:       f.channels,
		blockAlign:     f.blockAlign,
		framesPerBlock: 1 + (f.blockAlign-head)/head*8,
	}, nil
}

func (d *imaDecoder) reset() {}

func (d *imaDecoder) partial(n int) int {
	head := 4 * d.channels
	if n < head {
		return 0
	}
	return 1 + min((n-head)/head, (d.framesPerBlock-1)/8)*8
}

// decode decodes whole blocks, and of a block cut short by the end of a
// truncated file the 8-frame groups that are all there.
func (d *imaDecoder) decode(dst []float32, src []byte) int {
	ch := d.channels
	head := 4 * ch
	n := 0
	for len(src) >= head {
		blk := src[:min(len(src), d.blockAlign)]
		src = src[len(blk):]
		groups := min((len(blk)-head)/head, (d.framesPerBlock-1)/8)
		frames := 1 + groups*8
		if n+frames*ch > len(dst) {
			break
		}
		out := dst[n : n+frames*ch]
		for c := range ch {
			h := blk[4*c : 4*c+4]
			pred := int32(int16(uint16(h[0]) | uint16(h[1])<<8))
			idx := min(int32(h[2]), 88)
			out[c] = float32(pred) * (1.0 / 32768)
			o := ch + c // frame 1, channel c
			for g := range groups {
				w := blk[head+g*head+4*c : head+g*head+4*c+4]
				for _, b := range w {
					for _, nib := range [2]byte{b & 0x0F, b >> 4} {
						// ffmpeg's adpcm_ima_expand_nibble: (2·delta+1)·step/8
						// in one step, which rounds slightly differently from
						// the bit-by-bit form in the IMA recommendation.
						diff := (2*int32(nib&7) + 1) * imaStepTable[idx] >> 3
						if nib&8 != 0 {
							pred -= diff
						} else {
							pred += diff
						}
						pred = min(max(pred, -32768), 32767)
						idx = min(max(idx+imaIndexTable[nib], 0), 88)
						out[o] = float32(pred) * (1.0 / 32768)
						o += ch
					}
				}
			}
		}
		n += frames * ch
	}
	return n
}
