package audio

import "fmt"

// GSM 06.10 full-rate (RPE-LTP) decoder for WAV format tag 0x31 ("WAV49",
// what Windows and many call recorders write). It follows the fixed-point
// decoder of ETSI GSM 06.10 section 4.3 step by step, so its output matches
// the reference implementation (libgsm, which ffmpeg also uses) sample for
// sample. No Go library decodes GSM, hence our own.
//
// A WAV49 block is 65 bytes holding two 260-bit frames back to back, read
// as one little-endian bit stream (least significant bit first), each
// frame's parameters in the order of the spec: 8 LARs (6,6,5,5,4,4,3,3
// bits), then for each of the 4 sub-frames Nc (7), bc (2), Mc (2),
// xmaxc (6) and 13 xMc (3 bits each).

const (
	gsmBlockSize      = 65
	gsmFrameSamples   = 160
	gsmFramesPerBlock = 2 * gsmFrameSamples // 320 samples per block
)

// Quantizer tables of GSM 06.10 section 4.4 (table numbers of the spec).
var (
	gsmQLB     = [4]int16{3277, 11469, 21299, 32767}                              // 4.3b LTP gain levels
	gsmFAC     = [8]int16{18431, 20479, 22527, 24575, 26623, 28671, 30719, 32767} // 4.6 mantissas
	gsmLARB    = [8]int16{0, 0, 2048, -2560, 94, -1792, -341, -1144}              // 4.1 B
	gsmMIC     = [8]int16{-32, -32, -16, -16, -8, -8, -4, -4}                     // 4.1 MIC
	gsmINVA    = [8]int16{13107, 13107, 13107, 13107, 19223, 17476, 31454, 29708} // 4.2 1/A
	gsmLARBits = [8]uint{6, 6, 5, 5, 4, 4, 3, 3}
)

// gsmFrame holds the unpacked parameters of one 20 ms frame.
type gsmFrame struct {
	larc  [8]int16
	nc    [4]int16
	bc    [4]int16
	mc    [4]int16
	xmaxc [4]int16
	xmc   [4][13]int16
}

// gsmDecoder keeps the synthesis state that carries from frame to frame.
type gsmDecoder struct {
	dp0   [280]int16  // reconstructed short-term residual: [0,120) history, [120,160) current sub-frame
	larpp [2][8]int16 // decoded LARs of the previous and current frame
	j     int         // which larpp is current
	nrp   int16       // last valid LTP lag
	v     [9]int16    // short-term synthesis lattice state
	msr   int16       // de-emphasis state
	wt    [160]int16  // residual of the frame being decoded
	out   [160]int16
}

func newGSMDecoder(f *wavFmt) (*gsmDecoder, error) {
	if f.channels != 1 {
		return nil, fmt.Errorf("GSM 6.10 in WAV is mono; this file says %d channels", f.channels)
	}
	if f.blockAlign != gsmBlockSize {
		return nil, fmt.Errorf("unsupported GSM 6.10 block align %d (want %d, WAV49)", f.blockAlign, gsmBlockSize)
	}
	d := &gsmDecoder{}
	d.reset()
	return d, nil
}

func (d *gsmDecoder) reset() {
	*d = gsmDecoder{nrp: 40}
}

// partial: half a block is not decoded (libgsm needs the whole 65 bytes).
func (d *gsmDecoder) partial(int) int { return 0 }

func (d *gsmDecoder) decode(dst []float32, src []byte) int {
	n := 0
	var fr gsmFrame
	for len(src) >= gsmBlockSize && len(dst)-n >= gsmFramesPerBlock {
		br := gsmBits{b: src[:gsmBlockSize]}
		for range 2 {
			br.frame(&fr)
			d.decodeFrame(&fr)
			out := dst[n : n+gsmFrameSamples]
			for i, v := range d.out {
				out[i] = float32(v) * (1.0 / 32768)
			}
			n += gsmFrameSamples
		}
		src = src[gsmBlockSize:]
	}
	return n
}

// gsmBits reads a WAV49 block least significant bit first.
type gsmBits struct {
	b    []byte
	acc  uint64
	nacc uint
}

func (r *gsmBits) get(n uint) int16 {
	for r.nacc < n {
		var c byte
		if len(r.b) > 0 {
			c, r.b = r.b[0], r.b[1:]
		}
		r.acc |= uint64(c) << r.nacc
		r.nacc += 8
	}
	v := int16(r.acc & (1<<n - 1))
	r.acc >>= n
	r.nacc -= n
	return v
}

func (r *gsmBits) frame(f *gsmFrame) {
	for i, bits := range gsmLARBits {
		f.larc[i] = r.get(bits)
	}
	for s := range 4 {
		f.nc[s] = r.get(7)
		f.bc[s] = r.get(2)
		f.mc[s] = r.get(2)
		f.xmaxc[s] = r.get(6)
		for i := range 13 {
			f.xmc[s][i] = r.get(3)
		}
	}
}

// Fixed-point helpers with the spec's saturation and rounding.

func gsmAdd(a, b int16) int16 { return gsmSat(int32(a) + int32(b)) }
func gsmSub(a, b int16) int16 { return gsmSat(int32(a) - int32(b)) }

func gsmSat(x int32) int16 {
	if x > 32767 {
		return 32767
	}
	if x < -32768 {
		return -32768
	}
	return int16(x)
}

// gsmMultR is mult_r: a·b/32768 rounded; -1·-1 wraps to -32768 as in the
// reference code, which stores the 32-bit result in a 16-bit word.
func gsmMultR(a, b int16) int16 { return int16((int32(a)*int32(b) + 16384) >> 15) }

// gsmAsr and gsmAsl are the spec's shifts that accept negative counts.
func gsmAsr(a int16, n int16) int16 {
	switch {
	case n >= 16:
		if a < 0 {
			return -1
		}
		return 0
	case n <= -16:
		return 0
	case n < 0:
		return a << uint(-n)
	}
	return a >> uint(n)
}

func gsmAsl(a int16, n int16) int16 {
	switch {
	case n >= 16:
		return 0
	case n <= -16:
		if a < 0 {
			return -1
		}
		return 0
	case n < 0:
		return gsmAsr(a, -n)
	}
	return a << uint(n)
}

// decodeFrame runs section 4.3: RPE decoding and long-term synthesis per
// sub-frame, then short-term synthesis and post-processing into d.out.
func (d *gsmDecoder) decodeFrame(f *gsmFrame) {
	var erp [40]int16
	for s := range 4 {
		d.rpeDecode(f.xmaxc[s], f.mc[s], &f.xmc[s], &erp)
		d.longTermSynthesis(f.nc[s], f.bc[s], &erp)
		copy(d.wt[s*40:s*40+40], d.dp0[120:160])
	}
	d.shortTermSynthesis(&f.larc)
	// 4.3.5-4.3.7: de-emphasis, truncation and upscaling.
	msr := d.msr
	for k, s := range d.out {
		msr = gsmAdd(s, gsmMultR(msr, 28180))
		d.out[k] = int16(uint16(gsmAdd(msr, msr)) & 0xFFF8)
	}
	d.msr = msr
}

// rpeDecode is 4.2.15-4.2.17: xmaxc to exponent and mantissa, APCM inverse
// quantization of the 13 pulses and their placement on the RPE grid.
func (d *gsmDecoder) rpeDecode(xmaxc, mc int16, xmc *[13]int16, erp *[40]int16) {
	var exp int16
	if xmaxc > 15 {
		exp = xmaxc>>3 - 1
	}
	mant := xmaxc - exp<<3
	if mant == 0 {
		exp, mant = -4, 7
	} else {
		for mant <= 7 {
			mant = mant<<1 | 1
			exp--
		}
		mant -= 8
	}
	temp1 := gsmFAC[mant]
	temp2 := gsmSub(6, exp)
	temp3 := gsmAsl(1, gsmSub(temp2, 1))
	*erp = [40]int16{}
	for i, c := range xmc {
		temp := (c<<1 - 7) << 12 // restore the sign, 16-bit scale
		temp = gsmAdd(gsmMultR(temp1, temp), temp3)
		erp[int(mc)+3*i] = gsmAsr(temp, temp2)
	}
}

// longTermSynthesis is 4.3.2: add the lag-Nr, gain-bcr copy of the past
// residual to the RPE excitation, then slide the 120-sample history.
func (d *gsmDecoder) longTermSynthesis(ncr, bcr int16, erp *[40]int16) {
	nr := ncr
	if nr < 40 || nr > 120 {
		nr = d.nrp
	}
	d.nrp = nr
	brp := gsmQLB[bcr]
	drp := d.dp0[120:]
	for k := range 40 {
		drpp := gsmMultR(brp, d.dp0[120+k-int(nr)])
		drp[k] = gsmAdd(erp[k], drpp)
	}
	copy(d.dp0[:120], d.dp0[40:160])
}

// shortTermSynthesis is 4.3.3-4.3.4 (with 4.2.8-4.2.9): decode the LARs,
// interpolate them with the previous frame's over samples 0-12, 13-26 and
// 27-39, turn them into reflection coefficients and run the lattice filter.
func (d *gsmDecoder) shortTermSynthesis(larc *[8]int16) {
	cur := &d.larpp[d.j]
	d.j ^= 1
	prev := &d.larpp[d.j]
	for i := range 8 {
		temp1 := gsmAdd(larc[i], gsmMIC[i]) << 10
		temp1 = gsmSub(temp1, gsmLARB[i]<<1)
		temp1 = gsmMultR(gsmINVA[i], temp1)
		cur[i] = gsmAdd(temp1, temp1)
	}
	var larp [8]int16
	for i := range 8 {
		larp[i] = gsmAdd(gsmAdd(prev[i]>>2, cur[i]>>2), prev[i]>>1)
	}
	d.synthesize(&larp, 0, 13)
	for i := range 8 {
		larp[i] = gsmAdd(prev[i]>>1, cur[i]>>1)
	}
	d.synthesize(&larp, 13, 27)
	for i := range 8 {
		larp[i] = gsmAdd(gsmAdd(prev[i]>>2, cur[i]>>2), cur[i]>>1)
	}
	d.synthesize(&larp, 27, 40)
	larp = *cur
	d.synthesize(&larp, 40, 160)
}

// synthesize converts LARp to reflection coefficients (4.2.9.2) and filters
// d.wt[from:to] into d.out (4.3.4).
func (d *gsmDecoder) synthesize(larp *[8]int16, from, to int) {
	var rrp [8]int16
	for i, l := range larp {
		t := l
		if l < 0 {
			if l == -32768 {
				t = 32767
			} else {
				t = -l
			}
		}
		switch {
		case t < 11059:
			t <<= 1
		case t < 20070:
			t += 11059
		default:
			t = gsmAdd(t>>2, 26112)
		}
		if l < 0 {
			t = -t
		}
		rrp[i] = t
	}
	v := &d.v
	for k := from; k < to; k++ {
		sri := d.wt[k]
		for i := 7; i >= 0; i-- {
			sri = gsmSub(sri, gsmMultRSat(rrp[i], v[i]))
			v[i+1] = gsmAdd(v[i], gsmMultRSat(rrp[i], sri))
		}
		v[0] = sri
		d.out[k] = sri
	}
}

// gsmMultRSat is mult_r with the spec's -1·-1 = +1 (32767) special case, as
// the reference short-term synthesis filter uses it.
func gsmMultRSat(a, b int16) int16 {
	if a == -32768 && b == -32768 {
		return 32767
	}
	return gsmMultR(a, b)
}
