package audio

// G.711 expansion tables, built once: one table lookup per sample is the
// fastest decode there is, and it matches ffmpeg's pcm_mulaw/pcm_alaw
// (ITU-T G.711 reference expansion) sample for sample.
var muLawTable, aLawTable [256]float32

func init() {
	for i := range 256 {
		muLawTable[i] = float32(muLawToLinear(byte(i))) / 32768
		aLawTable[i] = float32(aLawToLinear(byte(i))) / 32768
	}
}

// muLawToLinear expands one µ-law byte to a 16-bit sample (range ±32124).
func muLawToLinear(u byte) int {
	u = ^u
	t := (int(u&0x0F)<<3 + 0x84) << (uint(u&0x70) >> 4)
	if u&0x80 != 0 {
		return 0x84 - t
	}
	return t - 0x84
}

// aLawToLinear expands one A-law byte to a 16-bit sample (range ±32256).
func aLawToLinear(a byte) int {
	a ^= 0x55
	t := int(a&0x0F) << 4
	seg := int(a&0x70) >> 4
	switch seg {
	case 0:
		t += 8
	case 1:
		t += 0x108
	default:
		t += 0x108
		t <<= seg - 1
	}
	if a&0x80 != 0 {
		return t
	}
	return -t
}

// g711Decoder expands 8-bit G.711 bytes through a table.
type g711Decoder struct{ t *[256]float32 }

func (d g711Decoder) reset()          {}
func (d g711Decoder) partial(int) int { return 0 }

func (d g711Decoder) decode(dst []float32, src []byte) int {
	n := min(len(dst), len(src))
	dst, src = dst[:n], src[:n]
	t := d.t
	for i, b := range src {
		dst[i] = t[b]
	}
	return n
}
