package audio

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// guard runs f and turns a panic inside a third-party decoder into an error,
// so a corrupt file fails that file instead of the whole server.
func guard(what string, f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%s: decoder failed on corrupt input: %v", what, p)
		}
	}()
	return f()
}

// Ogg framing limits. A page holds at most 255 segments of 255 bytes; packets
// are capped so a lying lacing table cannot make us buffer a whole file.
const (
	oggHeaderSize = 27
	oggMaxPage    = oggHeaderSize + 255 + 255*255
	oggMaxPacket  = 1 << 20
)

var (
	errOggCapture = errors.New("ogg: missing OggS capture pattern")
	errOggCRC     = errors.New("ogg: page checksum mismatch")
)

var oggCRCTable = func() (t [256]uint32) {
	for i := range t {
		r := uint32(i) << 24
		for j := 0; j < 8; j++ {
			if r&0x80000000 != 0 {
				r = r<<1 ^ 0x04c11db7
			} else {
				r <<= 1
			}
		}
		t[i] = r
	}
	return t
}()

func oggCRC(crc uint32, p []byte) uint32 {
	for _, b := range p {
		crc = crc<<8 ^ oggCRCTable[byte(crc>>24)^b]
	}
	return crc
}

// oggPage is one parsed page; body and lacing alias the reader's buffer and are
// valid until the next page is read.
type oggPage struct {
	flags   byte
	granule int64
	serial  uint32
	seq     uint32
	lacing  []byte
	body    []byte
	size    int // header + body bytes
}

func (p *oggPage) continued() bool { return p.flags&1 != 0 }
func (p *oggPage) last() bool      { return p.flags&4 != 0 }

// parseOggPage parses a page from the start of b. It returns io.ErrUnexpectedEOF
// when b holds only part of a page.
func parseOggPage(b []byte, p *oggPage) error {
	if len(b) < oggHeaderSize {
		return io.ErrUnexpectedEOF
	}
	if string(b[:4]) != "OggS" {
		return errOggCapture
	}
	if b[4] != 0 {
		return fmt.Errorf("ogg: unsupported page version %d", b[4])
	}
	nseg := int(b[26])
	if len(b) < oggHeaderSize+nseg {
		return io.ErrUnexpectedEOF
	}
	lacing := b[oggHeaderSize : oggHeaderSize+nseg]
	bodyLen := 0
	for _, l := range lacing {
		bodyLen += int(l)
	}
	size := oggHeaderSize + nseg + bodyLen
	if len(b) < size {
		return io.ErrUnexpectedEOF
	}
	want := binary.LittleEndian.Uint32(b[22:26])
	crc := oggCRC(0, b[:22])
	crc = oggCRC(crc, []byte{0, 0, 0, 0})
	crc = oggCRC(crc, b[26:size])
	if crc != want {
		return errOggCRC
	}
	*p = oggPage{
		flags:   b[5],
		granule: int64(binary.LittleEndian.Uint64(b[6:14])),
		serial:  binary.LittleEndian.Uint32(b[14:18]),
		seq:     binary.LittleEndian.Uint32(b[18:22]),
		lacing:  lacing,
		body:    b[oggHeaderSize+nseg : size],
		size:    size,
	}
	return nil
}

// oggReader reads the packets of one logical stream (the first serial number
// seen) from an Ogg file, page by page. Memory is one page plus one packet.
type oggReader struct {
	rs     io.ReadSeeker
	br     *bufio.Reader
	off    int64 // file offset of the next unread byte in br
	serial uint32
	locked bool // serial is known

	page    oggPage
	pageBuf []byte
	seg     int  // next lacing index in page
	bodyOff int  // next body byte in page
	havePg  bool // page holds unread segments

	packet []byte // packet under assembly (continued across pages)
	out    []byte // last packet returned
	// pageGranule is the granule of the page on which the last returned packet ended,
	// and lastOnPage tells whether that packet was the last one completed there.
	pageGranule int64
	lastOnPage  bool
	eos         bool
}

func newOggReader(rs io.ReadSeeker) *oggReader {
	return &oggReader{rs: rs, br: bufio.NewReaderSize(rs, 64<<10), pageBuf: make([]byte, oggMaxPage)}
}

// reset makes the reader continue at file offset off with an empty packet buffer.
func (o *oggReader) reset(off int64) error {
	if _, err := o.rs.Seek(off, io.SeekStart); err != nil {
		return err
	}
	o.br.Reset(o.rs)
	o.off = off
	o.havePg = false
	o.packet = o.packet[:0]
	o.eos = false
	return nil
}

// readPage reads the next page of our stream at the current offset. Pages of
// other logical streams (multiplexed metadata) are skipped. If resync is true,
// junk before the next capture pattern is skipped.
func (o *oggReader) readPage(resync bool) (int64, error) {
	for {
		start := o.off
		hdr, err := o.br.Peek(oggHeaderSize)
		if len(hdr) < 4 {
			if len(hdr) == 0 && (err == io.EOF) {
				return 0, io.EOF
			}
			return 0, io.ErrUnexpectedEOF
		}
		if string(hdr[:4]) != "OggS" {
			if !resync {
				return 0, fmt.Errorf("%w at offset %d", errOggCapture, start)
			}
			if _, err := o.br.Discard(1); err != nil {
				return 0, err
			}
			o.off++
			continue
		}
		if len(hdr) < oggHeaderSize {
			return 0, io.ErrUnexpectedEOF
		}
		nseg := int(hdr[26])
		// As with the header: fewer bytes than the segment table needs is a
		// truncated page, whatever Peek's error says.
		lac, _ := o.br.Peek(oggHeaderSize + nseg)
		if len(lac) < oggHeaderSize+nseg {
			return 0, io.ErrUnexpectedEOF
		}
		size := oggHeaderSize + nseg
		for _, l := range lac[oggHeaderSize:] {
			size += int(l)
		}
		buf := o.pageBuf[:size]
		n, err := io.ReadFull(o.br, buf)
		o.off += int64(n)
		if err != nil {
			return 0, io.ErrUnexpectedEOF
		}
		if err := parseOggPage(buf, &o.page); err != nil {
			if resync && errors.Is(err, errOggCRC) {
				// A false capture pattern inside data, or a damaged page: resync after it.
				if err := o.reset(start + 1); err != nil {
					return 0, err
				}
				continue
			}
			return 0, fmt.Errorf("%w at offset %d", err, start)
		}
		if !o.locked {
			o.serial, o.locked = o.page.serial, true
		}
		if o.page.serial != o.serial {
			continue
		}
		o.seg, o.bodyOff, o.havePg = 0, 0, true
		return start, nil
	}
}

// nextPacket returns the next complete packet; it aliases internal buffers and is
// valid until the next call. At the end of the stream it returns io.EOF; a file cut
// inside a page returns io.ErrUnexpectedEOF.
func (o *oggReader) nextPacket() ([]byte, error) {
	for {
		if !o.havePg || o.seg >= len(o.page.lacing) {
			if o.eos {
				return nil, io.EOF
			}
			if _, err := o.readPage(false); err != nil {
				return nil, err
			}
			if o.page.last() {
				o.eos = true
			}
			if !o.page.continued() && len(o.packet) > 0 {
				// The previous packet was never finished (damaged stream): drop it.
				o.packet = o.packet[:0]
			}
		}
		for o.seg < len(o.page.lacing) {
			l := int(o.page.lacing[o.seg])
			o.seg++
			if len(o.packet)+l > oggMaxPacket {
				return nil, fmt.Errorf("ogg: packet larger than %d bytes", oggMaxPacket)
			}
			o.packet = append(o.packet, o.page.body[o.bodyOff:o.bodyOff+l]...)
			o.bodyOff += l
			if l < 255 {
				o.pageGranule = o.page.granule
				o.lastOnPage = true
				for _, r := range o.page.lacing[o.seg:] {
					if r < 255 {
						o.lastOnPage = false
						break
					}
				}
				// Two buffers in turn: the returned one stays valid until the next call.
				o.out, o.packet = o.packet, o.out[:0]
				return o.out, nil
			}
		}
	}
}

// oggSeekWindow is where findPage stops bisecting and scans pages in order
// (a variable so tests can make the small fixtures bisect).
var oggSeekWindow int64 = 64 << 10

// findPage returns the offset and granule of the last usable page between file
// offsets lo and hi whose granule is at most limit, or -1 when there is none
// (the audio must start from its first page). It bisects on file offsets, then
// scans the last window page by page.
func (o *oggReader) findPage(lo, hi, limit int64, usable func(*oggPage) bool) (int64, int64, error) {
	if limit <= 0 {
		return -1, 0, nil
	}
	bestOff, bestG := int64(-1), int64(0)
	for hi-lo > oggSeekWindow {
		mid := lo + (hi-lo)/2
		off, g, err := o.pageFrom(mid, usable)
		if err != nil || off >= hi {
			hi = mid
			continue
		}
		if g <= limit {
			lo, bestOff, bestG = off, off, g
		} else {
			hi = mid
		}
	}
	if err := o.reset(lo); err != nil {
		return 0, 0, err
	}
	for {
		off, err := o.readPage(true)
		if err != nil {
			break
		}
		if !usable(&o.page) {
			continue
		}
		g := o.page.granule
		if g > limit {
			break
		}
		bestOff, bestG = off, g
	}
	return bestOff, bestG, nil
}

// pageFrom returns the first usable page at or after offset off.
func (o *oggReader) pageFrom(off int64, usable func(*oggPage) bool) (int64, int64, error) {
	if err := o.reset(off); err != nil {
		return 0, 0, err
	}
	for {
		start, err := o.readPage(true)
		if err != nil {
			return 0, 0, err
		}
		if usable(&o.page) {
			return start, o.page.granule, nil
		}
	}
}

// lastGranule reads the file's tail (from no earlier than dataStart) for the
// last page of the stream with a granule, the end of the audio. It returns -1
// when there is none.
func (o *oggReader) lastGranule(dataStart, size int64) int64 {
	for window := oggSeekWindow; ; window *= 4 {
		start := max(dataStart, size-window)
		if err := o.reset(start); err != nil {
			return -1
		}
		g := int64(-1)
		for {
			if _, err := o.readPage(true); err != nil {
				break
			}
			if o.page.granule >= 0 {
				g = o.page.granule
			}
		}
		if g >= 0 || start == dataStart || window > 16<<20 {
			return g
		}
	}
}

// oggPackets is what the Vorbis and Opus streams share between decoding a
// packet and Read: the packet's frames placed by granule position, and the
// trims. Frames before minG are dropped (the encoder's start trim or
// pre-skip, and the frames between a seek's page and its target); none at
// or after endG (the end trim, when the last page is known) is returned.
type oggPackets struct {
	buf    []float32 // one decoded packet, interleaved
	bufG   int64     // granule of buf[0]
	bufN   int       // frames in buf
	bufOff int       // next frame to return from buf
	nextG  int64     // granule of the next packet's first frame
	minG   int64     // frames before this granule are dropped
	endG   int64     // granule of the last page: end trim; -1 when unknown
	err    error
}

// packetDecoder decodes the next audio packet into its oggPackets' buf.
type packetDecoder interface {
	decodeNext() error
}

// read is Stream.Read for ch channels: frames of the decoded packets from
// minG up to endG, each sample times gain (1 copies them as they are),
// decoding the next packet with d whenever buf is used up.
func (q *oggPackets) read(dst []float32, ch int, gain float32, d packetDecoder) (int, error) {
	if q.err != nil {
		return 0, q.err
	}
	want := len(dst) / ch
	got := 0
	for got < want {
		if q.bufOff >= q.bufN {
			if err := d.decodeNext(); err != nil {
				q.err = err
				break
			}
			continue
		}
		g := q.bufG + int64(q.bufOff)
		if g < q.minG {
			q.bufOff = int(min(int64(q.bufN), q.minG-q.bufG))
			continue
		}
		n := min(want-got, q.bufN-q.bufOff)
		if q.endG >= 0 {
			n = int(min(int64(n), q.endG-g))
			if n <= 0 {
				q.err = io.EOF
				break
			}
		}
		src := q.buf[q.bufOff*ch : (q.bufOff+n)*ch]
		out := dst[got*ch : (got+n)*ch]
		if gain == 1 {
			copy(out, src)
		} else {
			for i, v := range src {
				out[i] = v * gain
			}
		}
		q.bufOff += n
		got += n
	}
	if got > 0 {
		return got * ch, nil
	}
	return 0, q.err
}
