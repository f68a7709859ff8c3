package mp3

import (
	"encoding/binary"
	"errors"
	"math"
)

// Our MPEG-1/2/2.5 layer III decoder, written from ISO/IEC 11172-3 and
// 13818-3. One decoder decodes one stream frame by frame; it keeps the bit
// reservoir, the IMDCT overlap and the synthesis filterbank state between
// frames. Every table index and bit read is bounded: a corrupt frame gives an
// error (the caller outputs silence for it) and never a panic.

// MaxSample bounds the decoded samples. They are not clamped to ±1: a
// clipped master comes back from the codec above full scale, and that
// overshoot is the true peak the meter must see (ffmpeg's float decoder does
// not clamp either; the player limits at its output). No real encoder's
// output overshoots by 18 dB, though, so a frame with a sample beyond ±8 is
// corrupt bits that happened to parse: it is decoded as silence, like any
// other corrupt frame.
const MaxSample = 8

var (
	errReservoir = errors.New("mp3: frame refers to main data before the stream start")
	errCorrupt   = errors.New("mp3: corrupt layer III frame")
)

// granule is one granule's side information for one channel.
type granule struct {
	part23      int // bits of scalefactors + Huffman data
	bigValues   int
	globalGain  int
	sfCompress  int
	blockType   int // 0 normal, 1 start, 2 short, 3 stop
	mixed       bool
	table       [3]int
	subGain     [3]int
	region1     int // first line of region 1, in Huffman order
	region2     int
	preflag     bool
	sfScale     int
	count1Table int
}

// band is a scalefactor band in Huffman (coded) order.
type band struct {
	start, width int16
	win          int8 // -1 long, else the short window
	sfb          int8
}

// layout lists the bands of one block kind at one rate.
type layout struct {
	bands    []band
	nLong    int // long bands at the start (all for long blocks)
	switchAt int // first line of the short part (576 for long blocks)
}

const (
	kindLong = iota
	kindShort
	kindMixed
)

var layouts = func() (l [9][3]layout) {
	for r := range l {
		L, S := sfbLong[r], sfbShort[r]
		var long, short []band
		for sfb := 0; sfb < 22; sfb++ {
			long = append(long, band{L[sfb], L[sfb+1] - L[sfb], -1, int8(sfb)})
		}
		for sfb := 0; sfb < 13; sfb++ {
			w := S[sfb+1] - S[sfb]
			for win := 0; win < 3; win++ {
				short = append(short, band{3*S[sfb] + int16(win)*w, w, int8(win), int8(sfb)})
			}
		}
		l[r][kindLong] = layout{long, 22, 576}
		l[r][kindShort] = layout{short, 0, 0}
		sw := 3 * int(S[3])
		var mixed []band
		for _, b := range long {
			if int(b.start+b.width) <= sw {
				mixed = append(mixed, b)
			}
		}
		n := len(mixed)
		mixed = append(mixed, short[9:]...) // short bands from sfb 3
		l[r][kindMixed] = layout{mixed, n, sw}
	}
	return l
}()

// bitReader reads big-endian bits from a byte slice; past the end it reads zeros.
type bitReader struct {
	b   []byte
	pos int // in bits
}

func (r *bitReader) word(i int) uint32 {
	if i >= 0 && i+4 <= len(r.b) {
		return binary.BigEndian.Uint32(r.b[i:])
	}
	var w uint32
	for k := 0; k < 4; k++ {
		w <<= 8
		if j := i + k; j >= 0 && j < len(r.b) {
			w |= uint32(r.b[j])
		}
	}
	return w
}

// peek returns the next n (1..24) bits without consuming them.
func (r *bitReader) peek(n int) uint32 {
	return r.word(r.pos>>3) << (r.pos & 7) >> (32 - n)
}

func (r *bitReader) bits(n int) int {
	if n == 0 {
		return 0
	}
	v := r.peek(n)
	r.pos += n
	return int(v)
}

// huffTable is a decoding table: a first level indexed by huffRoot bits,
// then subtables. A leaf is value | used bits << 8; a link has bit 31 set,
// the subtable's offset in bits 0-23 and its index width in bits 24-28.
type huffTable struct {
	t       []uint32
	linbits int
}

const (
	huffRoot    = 8
	huffInvalid = 0xFFFFFFFF
	huffLink    = 1 << 31
)

// build makes the lookup tables from the spec's (length, code) list.
func buildHuff(codes []uint32, size int) []uint32 {
	type cw struct {
		len  int
		code uint32
		val  uint32
	}
	var all []cw
	for i, c := range codes {
		v := uint32(i)
		if size > 0 {
			v = uint32(i/size)<<4 | uint32(i%size)
		}
		all = append(all, cw{int(c >> 24), c & 0xFFFFFF, v})
	}
	var fill func(t []uint32, base int, bits int, cws []cw, depth int) []uint32
	// fill writes the table at t[base:base+1<<bits] for code words whose first
	// depth bits are already consumed.
	fill = func(t []uint32, base, bits int, cws []cw, depth int) []uint32 {
		groups := map[uint32][]cw{}
		for _, c := range cws {
			rest := c.len - depth
			if rest <= bits {
				idx := (c.code & (1<<rest - 1)) << (bits - rest)
				for k := uint32(0); k < 1<<(bits-rest); k++ {
					t[base+int(idx+k)] = c.val | uint32(rest)<<8
				}
			} else {
				p := c.code >> (rest - bits) & (1<<bits - 1)
				groups[p] = append(groups[p], c)
			}
		}
		for p := uint32(0); p < 1<<bits; p++ {
			g := groups[p]
			if len(g) == 0 {
				continue
			}
			sub := 0
			for _, c := range g {
				sub = max(sub, c.len-depth-bits)
			}
			off := len(t)
			for k := 0; k < 1<<sub; k++ {
				t = append(t, huffInvalid)
			}
			t[base+int(p)] = huffLink | uint32(off) | uint32(sub)<<24
			t = fill(t, off, sub, g, depth+bits)
		}
		return t
	}
	t := make([]uint32, 1<<huffRoot)
	for i := range t {
		t[i] = huffInvalid
	}
	return fill(t, 0, huffRoot, all, 0)
}

// huffTables are the 32 big_values tables (0, 4 and 14 empty) and the
// count1 tables A (32) and B (33).
var huffTables = func() (h [34]huffTable) {
	type def struct {
		name          string
		size, linbits int
	}
	defs := [34]def{
		1: {"1", 2, 0}, 2: {"2", 3, 0}, 3: {"3", 3, 0}, 5: {"5", 4, 0}, 6: {"6", 4, 0},
		7: {"7", 6, 0}, 8: {"8", 6, 0}, 9: {"9", 6, 0}, 10: {"10", 8, 0}, 11: {"11", 8, 0},
		12: {"12", 8, 0}, 13: {"13", 16, 0}, 15: {"15", 16, 0},
		16: {"16", 16, 1}, 17: {"16", 16, 2}, 18: {"16", 16, 3}, 19: {"16", 16, 4},
		20: {"16", 16, 6}, 21: {"16", 16, 8}, 22: {"16", 16, 10}, 23: {"16", 16, 13},
		24: {"24", 16, 4}, 25: {"24", 16, 5}, 26: {"24", 16, 6}, 27: {"24", 16, 7},
		28: {"24", 16, 8}, 29: {"24", 16, 9}, 30: {"24", 16, 11}, 31: {"24", 16, 13},
		32: {"A", 0, 0}, 33: {"B", 0, 0},
	}
	built := map[string][]uint32{}
	for i, d := range defs {
		if d.name == "" {
			continue
		}
		if built[d.name] == nil {
			built[d.name] = buildHuff(huffSpec[d.name], d.size)
		}
		h[i] = huffTable{built[d.name], d.linbits}
	}
	return h
}()

// decode reads one code word; ok is false on an invalid code.
func (h *huffTable) decode(r *bitReader) (v int, ok bool) {
	t := h.t
	e := t[r.peek(huffRoot)]
	if e == huffInvalid {
		return 0, false
	}
	if e&huffLink != 0 {
		// A word longer than huffRoot bits. buildHuff sizes each subtable
		// for the longest word under its prefix, so one subtable holds the
		// rest of the word: there is no third level.
		r.pos += huffRoot
		bits := int(e >> 24 & 31)
		off := int(e & 0xFFFFFF)
		if bits == 0 || off+(1<<bits) > len(t) {
			return 0, false
		}
		e = t[off+int(r.peek(bits))]
		if e&huffLink != 0 { // huffInvalid included
			return 0, false
		}
	}
	r.pos += int(e >> 8 & 0xFF)
	return int(e & 0xFF), true
}

// Requantization and transform tables.
var (
	pow43 = func() (t [8207]float32) {
		for i := range t {
			t[i] = float32(math.Pow(float64(i), 4.0/3))
		}
		return t
	}()
	pow2Quarter      = [4]float64{1, math.Pow(2, 0.25), math.Sqrt2, math.Pow(2, 0.75)}
	aliasCs, aliasCa = func() (cs, ca [8]float32) {
		ci := [8]float64{-0.6, -0.535, -0.33, -0.185, -0.095, -0.041, -0.0142, -0.0037}
		for i, c := range ci {
			d := math.Sqrt(1 + c*c)
			cs[i], ca[i] = float32(1/d), float32(c/d)
		}
		return
	}()
	// imdctCos[r][k] is the long IMDCT's cos term for output i = r (r < 9)
	// or i = r + 9 (r >= 9): the other 18 outputs mirror these (x[17-i] =
	// -x[i], x[53-i] = x[i]), so a block takes 18 dot products, not 36.
	imdctCos = func() (t [18][18]float32) {
		for r := 0; r < 18; r++ {
			i := r
			if r >= 9 {
				i = r + 9
			}
			for k := 0; k < 18; k++ {
				t[r][k] = float32(math.Cos(math.Pi / 72 * float64((2*i+1+18)*(2*k+1))))
			}
		}
		return t
	}()
	// imdctWin[bt][i] is the window of block type bt (0, 1, 3).
	imdctWin = func() (w [4][36]float32) {
		for bt := range imdctWinF {
			for i := 0; i < 36; i++ {
				w[bt][i] = float32(imdctWinF[bt][i])
			}
		}
		return w
	}()
	// imdctWinF[bt][i] is the long window of block type bt (0, 1, 3).
	imdctWinF = func() (win [4][36]float64) {
		for i := 0; i < 36; i++ {
			win[0][i] = math.Sin(math.Pi / 36 * (float64(i) + 0.5))
		}
		for i := 0; i < 36; i++ {
			switch {
			case i < 18:
				win[1][i] = win[0][i]
			case i < 24:
				win[1][i] = 1
			case i < 30:
				win[1][i] = math.Sin(math.Pi / 12 * (float64(i-18) + 0.5))
			}
			switch {
			case i < 6:
			case i < 12:
				win[3][i] = math.Sin(math.Pi / 12 * (float64(i-6) + 0.5))
			case i < 18:
				win[3][i] = 1
			default:
				win[3][i] = win[0][i]
			}
		}
		return win
	}()
	imdctShort = func() (t [12][6]float32) {
		for i := 0; i < 12; i++ {
			w := math.Sin(math.Pi / 12 * (float64(i) + 0.5))
			for k := 0; k < 6; k++ {
				t[i][k] = float32(w * math.Cos(math.Pi/24*float64((2*i+1+6)*(2*k+1))))
			}
		}
		return t
	}()
	isRatio = func() (t [7][2]float32) { // MPEG-1 intensity positions 0..6
		for p := range t {
			r := math.Tan(float64(p) * math.Pi / 12)
			t[p] = [2]float32{float32(r / (1 + r)), float32(1 / (1 + r))}
		}
		return t
	}()
)

// decoder holds the state carried between frames.
type decoder struct {
	res   []byte // bit reservoir: main data of recent frames
	ov    [2][576]float32
	synth [2]synthFilter
	gr    [2][2]granule
	sf    [2][2][39]uint8 // scalefactors in band order, [gr][ch]
	isMax [39]int         // LSF: the illegal intensity position of each band
	xr    [2][576]float32
	tmp   [576]float32
	hyb   [576]float32
	scfsi [2][4]bool
	nz    [2]int // lines past the last non-zero one, per channel
}

// reset forgets the state, as after a seek.
func (d *decoder) reset() {
	*d = decoder{res: d.res[:0]}
}

// rateIndex maps a header to the row of the band tables.
func rateIndex(version, ri int) int {
	switch version {
	case 3:
		return ri
	case 2:
		return 3 + ri
	}
	return 6 + ri
}

// decodeFrame decodes one whole frame (header included) into out, interleaved
// by the frame's channels, and returns the samples per channel. On error the
// frame's samples are silence and the reservoir still takes its main data.
func (d *decoder) decodeFrame(frame []byte, out []float32) (n int, err error) {
	h, ok := parseHeader(frame)
	if !ok || len(frame) < h.size {
		return 0, errCorrupt
	}
	nch := h.channels
	ngr := 1
	if h.version == 3 {
		ngr = 2
	}
	n = 576 * ngr
	if len(out) < n*nch {
		return 0, errCorrupt
	}
	clear(out[:n*nch])
	// A frame that fails is silence in out, whatever failed: an MPEG-1
	// frame whose second granule is corrupt has already synthesized its
	// first, unchecked against MaxSample (FuzzFrame found 8.8 left there).
	defer func() {
		if err != nil {
			clear(out[:n*nch])
		}
	}()
	mode := int(frame[3] >> 6)
	modeExt := int(frame[3]>>4) & 3
	if mode != 1 {
		modeExt = 0
	}
	rate := rateIndex(h.version, int(frame[2]>>2)&3)
	p := 4
	if h.crc {
		p += 2
	}
	sideLen := 17
	switch {
	case h.version == 3 && nch == 2:
		sideLen = 32
	case h.version != 3 && nch == 1:
		sideLen = 9
	}
	if p+sideLen > h.size {
		return n, errCorrupt
	}
	side := &bitReader{b: frame[p : p+sideLen]}
	mdb, err := d.readSide(side, h.version == 3, nch, rate)
	main := frame[p+sideLen : h.size]
	// Main data starts mdb bytes back in the reservoir.
	avail := len(d.res)
	d.res = append(d.res, main...)
	defer func() {
		if k := len(d.res) - 511; k > 0 { // main_data_begin is at most 511
			d.res = append(d.res[:0], d.res[k:]...)
		}
	}()
	if err != nil {
		d.resetTransforms()
		return n, err
	}
	if mdb > avail {
		d.resetTransforms()
		return n, errReservoir
	}
	br := &bitReader{b: d.res[avail-mdb:]}
	for gr := 0; gr < ngr; gr++ {
		for ch := 0; ch < nch; ch++ {
			g := &d.gr[gr][ch]
			end := br.pos + g.part23
			d.readScalefactors(br, gr, ch, h.version == 3, modeExt&1 != 0 && ch == 1, rate)
			if br.pos > end {
				d.resetTransforms()
				return n, errCorrupt
			}
			if !d.readHuffman(br, g, ch, end, rate) {
				d.resetTransforms()
				return n, errCorrupt
			}
			br.pos = end
			d.requantize(gr, ch, rate)
		}
		if nch == 2 && modeExt != 0 {
			d.stereo(gr, modeExt, h.version == 3, rate)
		}
		for ch := 0; ch < nch; ch++ {
			d.hybrid(gr, ch, rate)
			d.synth[ch].run(&d.hyb, out[gr*576*nch+ch:], nch)
		}
	}
	for _, v := range out[:n*nch] {
		if !(v >= -MaxSample && v <= MaxSample) { // NaN included
			clear(out[:n*nch])
			d.resetTransforms()
			return n, errCorrupt
		}
	}
	return n, nil
}

// resetTransforms clears the overlap after a frame that could not be decoded,
// so its silence does not click on the next one.
func (d *decoder) resetTransforms() {
	d.ov = [2][576]float32{}
}

// readSide parses the side information into d.gr and returns main_data_begin.
func (d *decoder) readSide(r *bitReader, mpeg1 bool, nch, rate int) (int, error) {
	var mdb, ngr int
	if mpeg1 {
		mdb = r.bits(9)
		if nch == 1 {
			r.bits(5)
		} else {
			r.bits(3)
		}
		for ch := 0; ch < nch; ch++ {
			for b := 0; b < 4; b++ {
				d.scfsi[ch][b] = r.bits(1) == 1
			}
		}
		ngr = 2
	} else {
		mdb = r.bits(8)
		r.bits(nch)
		ngr = 1
	}
	for gr := 0; gr < ngr; gr++ {
		for ch := 0; ch < nch; ch++ {
			g := &d.gr[gr][ch]
			*g = granule{}
			g.part23 = r.bits(12)
			g.bigValues = r.bits(9)
			g.globalGain = r.bits(8)
			if mpeg1 {
				g.sfCompress = r.bits(4)
			} else {
				g.sfCompress = r.bits(9)
			}
			if g.bigValues > 288 {
				return mdb, errCorrupt
			}
			var r0, r1 int
			if r.bits(1) == 1 { // window switching
				g.blockType = r.bits(2)
				g.mixed = r.bits(1) == 1
				g.table[0], g.table[1] = r.bits(5), r.bits(5)
				for w := 0; w < 3; w++ {
					g.subGain[w] = r.bits(3)
				}
				if g.blockType == 0 {
					return mdb, errCorrupt // reserved
				}
				if g.blockType == 2 && !g.mixed {
					g.region1 = 3 * int(sfbShort[rate][3])
				} else {
					g.region1 = int(sfbLong[rate][8])
					if g.blockType == 2 {
						g.region1 = layouts[rate][kindMixed].switchAt
					}
				}
				g.region2 = 576
			} else {
				for i := 0; i < 3; i++ {
					g.table[i] = r.bits(5)
				}
				r0, r1 = r.bits(4), r.bits(3)
				g.region1 = int(sfbLong[rate][min(r0+1, 22)])
				g.region2 = int(sfbLong[rate][min(r0+r1+2, 22)])
			}
			if mpeg1 {
				g.preflag = r.bits(1) == 1
			}
			g.sfScale = r.bits(1)
			g.count1Table = r.bits(1)
		}
	}
	return mdb, nil
}

func (g *granule) kind() int {
	switch {
	case g.blockType != 2:
		return kindLong
	case g.mixed:
		return kindMixed
	}
	return kindShort
}

// readScalefactors fills d.sf[gr][ch] in band order (and d.isMax for the
// intensity-stereo right channel of an LSF frame).
func (d *decoder) readScalefactors(r *bitReader, gr, ch int, mpeg1, isRight bool, rate int) {
	g := &d.gr[gr][ch]
	sf := &d.sf[gr][ch]
	*sf = [39]uint8{}
	kind := g.kind()
	if mpeg1 {
		sl := slen[g.sfCompress&15]
		if kind == kindLong {
			groups := [5]int{0, 6, 11, 16, 21}
			for b := 0; b < 4; b++ {
				slen := int(sl[0])
				if b >= 2 {
					slen = int(sl[1])
				}
				if gr == 1 && d.scfsi[ch][b] {
					copy(sf[groups[b]:groups[b+1]], d.sf[0][ch][groups[b]:groups[b+1]])
					continue
				}
				for i := groups[b]; i < groups[b+1]; i++ {
					sf[i] = uint8(r.bits(slen))
				}
			}
			return
		}
		n1 := 18
		if kind == kindMixed {
			n1 = 17
		}
		for i := 0; i < n1; i++ {
			sf[i] = uint8(r.bits(int(sl[0])))
		}
		for i := n1; i < n1+18; i++ {
			sf[i] = uint8(r.bits(int(sl[1])))
		}
		return
	}
	// MPEG-2 LSF (13818-3 2.4.3.2).
	var slen [4]int
	row := 0
	c := g.sfCompress
	if !isRight {
		switch {
		case c < 400:
			slen = [4]int{(c >> 4) / 5, (c >> 4) % 5, (c & 15) >> 2, c & 3}
		case c < 500:
			c -= 400
			slen = [4]int{(c >> 2) / 5, (c >> 2) % 5, c & 3, 0}
			row = 1
		default:
			c -= 500
			slen = [4]int{c / 3, c % 3, 0, 0}
			row = 2
			g.preflag = true
		}
	} else {
		c >>= 1
		switch {
		case c < 180:
			slen = [4]int{c / 36, (c % 36) / 6, (c % 36) % 6, 0}
			row = 3
		case c < 244:
			c -= 180
			slen = [4]int{(c & 63) >> 4, (c & 15) >> 2, c & 3, 0}
			row = 4
		default:
			c -= 244
			slen = [4]int{c / 3, c % 3, 0, 0}
			row = 5
		}
	}
	i := 0
	for part, cnt := range lsfPartitions[row][kind] {
		for k := 0; k < int(cnt) && i < len(sf); k++ {
			sf[i] = uint8(r.bits(slen[part]))
			if isRight {
				d.isMax[i] = 1<<slen[part] - 1
			}
			i++
		}
	}
	if isRight {
		for ; i < len(d.isMax); i++ {
			d.isMax[i] = 0 // no scalefactor: position 0, which is then illegal
		}
	}
}

// readHuffman decodes the spectral values of one granule/channel into
// d.xr[ch] as integers (still to requantize); it stops at end (in bits).
func (d *decoder) readHuffman(r *bitReader, g *granule, ch, end, rate int) bool {
	xr := &d.xr[ch]
	*xr = [576]float32{}
	bv := 2 * g.bigValues
	i := 0
	for region := 0; region < 3 && i < bv; region++ {
		stop := bv
		switch region {
		case 0:
			stop = min(bv, g.region1)
		case 1:
			stop = min(bv, max(g.region1, g.region2))
		}
		tab := g.table[region]
		if tab == 0 || tab == 4 || tab == 14 {
			if tab != 0 {
				return false
			}
			i = max(i, stop) // all zero
			continue
		}
		h := &huffTables[tab]
		lin := h.linbits
		for ; i < stop; i += 2 {
			if r.pos > end {
				return false
			}
			v, ok := h.decode(r)
			if !ok {
				return false
			}
			x, y := v>>4, v&15
			if x != 0 {
				if x == 15 && lin > 0 {
					x += r.bits(lin)
				}
				if r.bits(1) == 1 {
					xr[i] = -pow43[x]
				} else {
					xr[i] = pow43[x]
				}
			}
			if y != 0 {
				if y == 15 && lin > 0 {
					y += r.bits(lin)
				}
				if r.bits(1) == 1 {
					xr[i+1] = -pow43[y]
				} else {
					xr[i+1] = pow43[y]
				}
			}
		}
	}
	i = bv
	h := &huffTables[32+g.count1Table]
	for i+4 <= 576 && r.pos < end {
		save := r.pos
		v, ok := h.decode(r)
		if !ok {
			return false
		}
		var q [4]float32
		for k := 0; k < 4; k++ {
			if v>>(3-k)&1 != 0 {
				q[k] = 1
				if r.bits(1) == 1 {
					q[k] = -1
				}
			}
		}
		if r.pos > end { // the last quadruple ran past the granule: drop it
			r.pos = save
			break
		}
		copy(xr[i:i+4], q[:])
		i += 4
	}
	d.nz[ch] = i
	return true
}

// requantize scales d.xr[ch] (|v|^4/3 with its sign) by the gains.
func (d *decoder) requantize(gr, ch, rate int) {
	g := &d.gr[gr][ch]
	sf := &d.sf[gr][ch]
	lay := &layouts[rate][g.kind()]
	xr := &d.xr[ch]
	mult := 2 * (1 + g.sfScale) // quarter steps per scalefactor step
	nz := d.nz[ch]
	for bi, b := range lay.bands {
		start := int(b.start)
		if start >= nz {
			break
		}
		q := g.globalGain - 210
		s := int(sf[min(bi, 38)])
		if b.win >= 0 {
			q -= 8 * g.subGain[b.win]
		} else if g.preflag {
			s += int(pretab[b.sfb])
		}
		q -= mult * s
		f := float32(math.Ldexp(pow2Quarter[q&3], q>>2))
		for i := start; i < start+int(b.width) && i < nz; i++ {
			xr[i] *= f
		}
	}
}

// stereo applies mid/side and intensity stereo to granule gr.
func (d *decoder) stereo(gr, modeExt int, mpeg1 bool, rate int) {
	g := &d.gr[gr][1]
	lay := &layouts[rate][g.kind()]
	l, r := &d.xr[0], &d.xr[1]
	ms := modeExt&2 != 0
	var is [39]bool // band is intensity-coded
	if modeExt&1 != 0 {
		// Bands above the right channel's last non-zero band of the same
		// window are intensity-coded; long bands only if nothing above is set.
		var seen [4]bool // per window, [3] for long
		for bi := len(lay.bands) - 1; bi >= 0; bi-- {
			b := lay.bands[bi]
			w := 3
			if b.win >= 0 {
				w = int(b.win)
			}
			nonzero := false
			for i := int(b.start); i < int(b.start+b.width); i++ {
				if r[i] != 0 {
					nonzero = true
					break
				}
			}
			if nonzero {
				seen[w] = true
				if w < 3 {
					seen[3] = true
				}
			}
			is[bi] = !seen[w] && !(w == 3 && (seen[0] || seen[1] || seen[2]))
		}
	}
	sf := &d.sf[gr][1]
	intensityScale := g.sfCompress & 1
	for bi, b := range lay.bands {
		lo, hi := int(b.start), int(b.start+b.width)
		if is[bi] {
			// The last band (no scalefactor) uses the position of the one before.
			pi := bi
			if (b.win < 0 && b.sfb == 21) || (b.win >= 0 && b.sfb == 12) {
				pi = bi - 1
				if b.win >= 0 {
					pi = bi - 3
				}
			}
			pi = max(pi, 0)
			pos := int(sf[pi])
			var kl, kr float32
			legal := true
			if mpeg1 {
				if pos >= 7 {
					legal = false
				} else {
					kl, kr = isRatio[pos][0], isRatio[pos][1]
				}
			} else {
				if pos == d.isMax[pi] {
					legal = false
				} else {
					kl, kr = 1, 1
					step := 0.25 * float64(1+intensityScale) // io = 2^-(1/4) or 2^-(1/2)
					if pos&1 == 1 {
						kl = float32(math.Exp2(-step * float64((pos+1)/2)))
					} else if pos > 0 {
						kr = float32(math.Exp2(-step * float64(pos/2)))
					}
				}
			}
			if legal {
				for i := lo; i < hi; i++ {
					v := l[i]
					l[i], r[i] = v*kl, v*kr
				}
				continue
			}
		}
		if ms {
			for i := lo; i < hi; i++ {
				a, c := l[i], r[i]
				l[i], r[i] = (a+c)*math.Sqrt2/2, (a-c)*math.Sqrt2/2
			}
		}
	}
	d.nz[0], d.nz[1] = 576, 576
}

// hybrid reorders short blocks, reduces aliasing and runs the IMDCT with
// overlap-add and frequency inversion, leaving 18 × 32 samples in d.hyb
// (time-major within each subband: hyb[sb*18+t]).
func (d *decoder) hybrid(gr, ch, rate int) {
	g := &d.gr[gr][ch]
	xr := &d.xr[ch]
	kind := g.kind()
	// Highest subband with data.
	nz := min(d.nz[ch], 576)
	for nz > 0 && xr[nz-1] == 0 {
		nz--
	}
	longEnd := 32 // subbands with a long IMDCT
	if kind != kindLong {
		lay := &layouts[rate][kind]
		longEnd = lay.switchAt / 18
		tmp := &d.tmp
		*tmp = [576]float32{}
		for _, b := range lay.bands[lay.nLong:] {
			base := 3 * int(sfbShort[rate][b.sfb])
			for j := 0; j < int(b.width); j++ {
				tmp[base+3*j+int(b.win)] = xr[int(b.start)+j]
			}
		}
		copy(xr[lay.switchAt:], tmp[lay.switchAt:])
		if nz > lay.switchAt {
			nz = 576 // reordering spreads the lines: be safe
		}
	}
	sbMax := min(32, (nz+17)/18)
	// Alias reduction between long subbands.
	aliasEnd := min(sbMax, longEnd-1)
	if kind == kindLong {
		aliasEnd = min(sbMax, 31)
	}
	for sb := 0; sb < aliasEnd; sb++ {
		for i := 0; i < 8; i++ {
			a, b := xr[18*sb+17-i], xr[18*sb+18+i]
			xr[18*sb+17-i] = a*aliasCs[i] - b*aliasCa[i]
			xr[18*sb+18+i] = b*aliasCs[i] + a*aliasCa[i]
		}
	}
	if aliasEnd == sbMax && sbMax < 32 && aliasEnd > 0 {
		sbMax++ // the butterflies leak into the next subband
	}
	ov := &d.ov[ch]
	out := &d.hyb
	var y [36]float32
	for sb := 0; sb < 32; sb++ {
		o := ov[sb*18 : sb*18+18]
		h := out[sb*18 : sb*18+18]
		if sb >= sbMax {
			copy(h, o)
			clear(o)
		} else {
			in := xr[sb*18 : sb*18+18]
			if sb < longEnd {
				bt := g.blockType
				if bt == 2 {
					bt = 0 // the long subbands of mixed blocks
				}
				win := &imdctWin[bt]
				in := (*[18]float32)(in)
				for r := 0; r < 9; r++ {
					a, b := &imdctCos[r], &imdctCos[r+9]
					var s, t float32
					for k := 0; k < 18; k++ {
						s += a[k] * in[k]
						t += b[k] * in[k]
					}
					y[r], y[17-r] = win[r]*s, -win[17-r]*s
					y[18+r], y[35-r] = win[18+r]*t, win[35-r]*t
				}
			} else {
				y = [36]float32{}
				for w := 0; w < 3; w++ {
					for i := 0; i < 12; i++ {
						var s float32
						row := &imdctShort[i]
						for k := 0; k < 6; k++ {
							s += row[k] * in[3*k+w]
						}
						y[6+6*w+i] += s
					}
				}
			}
			for i := 0; i < 18; i++ {
				h[i] = y[i] + o[i]
				o[i] = y[18+i]
			}
		}
		if sb&1 == 1 {
			for i := 1; i < 18; i += 2 {
				h[i] = -h[i]
			}
		}
	}
}

// synthFilter is the polyphase synthesis filterbank of one channel.
type synthFilter struct {
	v   [16][64]float32 // the last 16 V vectors, v[pos] newest
	pos int
}

// dctCos[n] holds 1/(2cos((2i+1)π/(2n))) for the fast DCT of size n.
var dctCos = func() (t [33][]float32) {
	for n := 2; n <= 32; n *= 2 {
		t[n] = make([]float32, n/2)
		for i := range t[n] {
			t[n][i] = float32(1 / (2 * math.Cos(float64(2*i+1)*math.Pi/float64(2*n))))
		}
	}
	return t
}()

// dct computes X[k] = Σ x[n] cos((2n+1)kπ/2N) in place (Lee's recursion);
// tmp is scratch of the same length.
func dct(x, tmp []float32) {
	n := len(x)
	if n == 1 {
		return
	}
	if n == 2 {
		a, b := x[0], x[1]
		x[0], x[1] = a+b, (a-b)*math.Sqrt2/2
		return
	}
	if n == 4 {
		// The recursion's last two levels written out, the same operations
		// in the same order (so the same bits): a quarter of the calls.
		x = x[:4]
		c := dctCos[4]
		t0, t1 := x[0]+x[3], x[1]+x[2]
		t2, t3 := (x[0]-x[3])*c[0], (x[1]-x[2])*c[1]
		t0, t1 = t0+t1, (t0-t1)*math.Sqrt2/2
		t2, t3 = t2+t3, (t2-t3)*math.Sqrt2/2
		x[0], x[1], x[2], x[3] = t0, t2+t3, t1, t3
		return
	}
	half := n / 2
	c := dctCos[n]
	for i := 0; i < half; i++ {
		a, b := x[i], x[n-1-i]
		tmp[i] = a + b
		tmp[half+i] = (a - b) * c[i]
	}
	dct(tmp[:half], x[:half])
	dct(tmp[half:], x[half:])
	for i := 0; i < half-1; i++ {
		x[2*i] = tmp[i]
		x[2*i+1] = tmp[half+i] + tmp[half+i+1]
	}
	x[n-2] = tmp[half-1]
	x[n-1] = tmp[n-1]
}

// run turns 18 time slots of 32 subband samples (hyb[sb*18+t]) into 576 PCM
// samples written to out[0], out[stride], ...
func (s *synthFilter) run(hyb *[576]float32, out []float32, stride int) {
	var x, tmp [32]float32
	for t := 0; t < 18; t++ {
		for sb := 0; sb < 32; sb++ {
			x[sb] = hyb[sb*18+t]
		}
		dct(x[:], tmp[:])
		s.pos = (s.pos + 15) & 15
		v := &s.v[s.pos]
		// V[i] = Σ S[k] cos((16+i)(2k+1)π/64) from the DCT-II X.
		for i := 0; i < 16; i++ {
			v[i] = x[16+i]
			v[48+i] = -x[i]
		}
		v[16] = 0
		for i := 17; i < 48; i++ {
			v[i] = -x[48-i]
		}
		o := out[t*32*stride:]
		var sum [32]float32
		for i := 0; i < 8; i++ {
			a := (*[32]float32)(s.v[(s.pos+2*i)&15][:32])
			b := (*[32]float32)(s.v[(s.pos+2*i+1)&15][32:])
			wa := (*[32]float32)(synthWindow[i*64 : i*64+32])
			wb := (*[32]float32)(synthWindow[i*64+32 : i*64+64])
			for j := range sum {
				sum[j] += wa[j]*a[j] + wb[j]*b[j]
			}
		}
		for j, v := range sum {
			o[j*stride] = v // unclamped: see MaxSample
		}
	}
}
