package audio

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// WAV format tags (the `fmt ` chunk's wFormatTag) this package decodes.
const (
	wavTagPCM        = 0x0001
	wavTagFloat      = 0x0003
	wavTagALaw       = 0x0006
	wavTagMuLaw      = 0x0007
	wavTagIMAADPCM   = 0x0011
	wavTagGSM610     = 0x0031
	wavTagExtensible = 0xFFFE
)

// Limits that keep a lying header from costing memory or time.
const (
	wavMaxChannels   = 8       // the room plays 1-2; analysis copes with up to 8
	wavMaxRate       = 768000  // anything above is a corrupt header, not audio
	wavMaxFmtSize    = 1 << 10 // the largest real fmt chunk is 40 bytes
	wavMaxChunks     = 1 << 12 // chunks before data; real files have a handful
	wavRawBufSize    = 32 << 10
	wavMaxBlockAlign = 1 << 15
)

// wavTagNames names format tags we do not decode, so the error tells the
// curator what the file really is (tags from Microsoft's mmreg.h).
var wavTagNames = map[uint16]string{
	0x0000: "unknown",
	0x0002: "Microsoft ADPCM",
	0x0010: "OKI ADPCM",
	0x0020: "Yamaha ADPCM",
	0x0022: "DSP Group TrueSpeech",
	0x0040: "G.721 ADPCM",
	0x0042: "G.723.1",
	0x0045: "G.726 ADPCM",
	0x0050: "MPEG audio in WAV",
	0x0055: "MP3 in WAV",
	0x0057: "AMR-NB",
	0x0058: "AMR-WB",
	0x0064: "G.726 ADPCM",
	0x0065: "G.722 ADPCM",
	0x0075: "Voxware",
	0x00FF: "AAC in WAV",
	0x0160: "WMA v1",
	0x0161: "WMA v2",
	0x0162: "WMA Pro",
	0x028F: "G.722 ADPCM",
	0x1610: "AAC in WAV",
	0x2000: "AC-3 in WAV",
	0x2001: "DTS in WAV",
	0x704F: "Opus in WAV",
	0xF1AC: "FLAC in WAV",
}

// wavFmt is the parsed `fmt ` chunk, with WAVE_FORMAT_EXTENSIBLE resolved to
// the sub-format's tag.
type wavFmt struct {
	tag        uint16
	channels   int
	rate       int
	blockAlign int
	bits       int
	extra      []byte // bytes after cbSize (codec-specific)
}

// blockDecoder turns whole codec blocks into interleaved float32 samples.
// It is called once per buffer of blocks, never per sample.
type blockDecoder interface {
	// decode decodes src (whole blocks; the last one may be cut short by a
	// truncated file) into dst, which has room for all of them, and returns
	// the number of samples written.
	decode(dst []float32, src []byte) int
	// reset forgets inter-block state after a seek.
	reset()
	// partial is how many frames decode gets from a last block cut to n
	// bytes (a truncated file).
	partial(n int) int
}

// wavStream streams the data chunk of a RIFF/WAVE file through a blockDecoder.
type wavStream struct {
	r          io.ReadSeeker
	rate       int
	channels   int
	blockAlign int   // bytes per block (a frame for PCM)
	fpb        int   // frames per block
	preroll    int64 // blocks to decode and drop before a seek target (GSM filter warm-up)
	dataStart  int64 // file offset of the first data byte
	dataEnd    int64 // file offset after the last data byte, or -1: read to EOF
	off        int64 // file offset of the next byte to read
	frames     int64 // Frames(): what the file holds now (a streamed file may grow)
	limit      int64 // frames after which decoding stops (fact), or -1
	pos        int64 // frame index of the next decoded frame
	skip       int64 // frames still to drop after seeking inside a block
	dec        blockDecoder
	raw        []byte
	pendBuf    []float32 // one block's worth, when dst is smaller than a block
	pend       []float32
	eof        bool
	err        error
}

// openWAV parses a RIFF/RF64 WAVE header and returns a stream positioned on
// the first sample, plus the ffprobe-style codec name.
func openWAV(r io.ReadSeeker) (Stream, string, error) {
	var hdr [12]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, "", fmt.Errorf("not a RIFF/WAVE file: %d-byte header missing", len(hdr))
	}
	id := string(hdr[:4])
	if (id != "RIFF" && id != "RF64") || string(hdr[8:12]) != "WAVE" {
		return nil, "", errors.New("not a RIFF/WAVE file")
	}
	rf64 := id == "RF64"

	var (
		f        *wavFmt
		fact     int64 = -1
		ds64Data int64 = -1
		off      int64 = 12
	)
	for i := 0; ; i++ {
		if i >= wavMaxChunks {
			return nil, "", fmt.Errorf("no data chunk in the first %d chunks", wavMaxChunks)
		}
		var ch [8]byte
		if _, err := io.ReadFull(r, ch[:]); err != nil {
			if f == nil {
				return nil, "", errors.New("missing fmt chunk")
			}
			return nil, "", errors.New("missing data chunk")
		}
		off += 8
		cid := string(ch[:4])
		size := int64(binary.LittleEndian.Uint32(ch[4:]))
		switch cid {
		case "fmt ":
			if size < 16 {
				return nil, "", fmt.Errorf("fmt chunk too short (%d bytes)", size)
			}
			b := make([]byte, min(size, wavMaxFmtSize))
			if _, err := io.ReadFull(r, b); err != nil {
				return nil, "", fmt.Errorf("fmt chunk cut short: %w", err)
			}
			var err error
			if f, err = parseWAVFmt(b); err != nil {
				return nil, "", err
			}
		case "fact":
			if size >= 4 {
				var b [4]byte
				if _, err := io.ReadFull(r, b[:]); err != nil {
					return nil, "", fmt.Errorf("fact chunk cut short: %w", err)
				}
				fact = int64(binary.LittleEndian.Uint32(b[:]))
			}
		case "ds64":
			if size >= 16 {
				var b [16]byte
				if _, err := io.ReadFull(r, b[:]); err != nil {
					return nil, "", fmt.Errorf("ds64 chunk cut short: %w", err)
				}
				ds64Data = int64(binary.LittleEndian.Uint64(b[8:]))
			}
		case "data":
			if f == nil {
				return nil, "", errors.New("missing fmt chunk before data")
			}
			if rf64 && size == 0xFFFFFFFF && ds64Data >= 0 {
				size = ds64Data
			}
			return newWAVStream(r, f, off, size, fact)
		}
		// Skip the rest of the chunk and its pad byte.
		off += size + size&1
		if _, err := r.Seek(off, io.SeekStart); err != nil {
			return nil, "", fmt.Errorf("seek past %q chunk: %w", cid, err)
		}
	}
}

// parseWAVFmt validates a `fmt ` chunk body (at least 16 bytes).
func parseWAVFmt(b []byte) (*wavFmt, error) {
	le := binary.LittleEndian
	f := &wavFmt{
		tag:        le.Uint16(b[0:]),
		channels:   int(le.Uint16(b[2:])),
		rate:       int(le.Uint32(b[4:])),
		blockAlign: int(le.Uint16(b[12:])),
		bits:       int(le.Uint16(b[14:])),
	}
	if len(b) >= 18 {
		cb := int(le.Uint16(b[16:]))
		f.extra = b[18:min(len(b), 18+cb)]
	}
	if f.tag == wavTagExtensible {
		if len(f.extra) < 22 {
			return nil, fmt.Errorf("WAVE_FORMAT_EXTENSIBLE fmt chunk too short (%d extra bytes, want 22)", len(f.extra))
		}
		guid := f.extra[6:22]
		// KSDATAFORMAT_SUBTYPE_*: the tag, then 0000-0010-8000-00AA00389B71.
		if string(guid[2:]) != "\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71" {
			return nil, fmt.Errorf("unsupported WAVE_FORMAT_EXTENSIBLE sub-format %x", guid)
		}
		f.tag = le.Uint16(guid)
		if f.tag == wavTagExtensible {
			return nil, errors.New("WAVE_FORMAT_EXTENSIBLE sub-format is itself extensible")
		}
	}
	switch {
	case f.channels == 0:
		return nil, errors.New("WAV has zero channels")
	case f.channels > wavMaxChannels:
		return nil, fmt.Errorf("WAV has %d channels; at most %d are decoded (the room plays 1-2)", f.channels, wavMaxChannels)
	case f.rate == 0:
		return nil, errors.New("WAV has a zero sample rate")
	case f.rate > wavMaxRate:
		return nil, fmt.Errorf("WAV sample rate %d Hz is absurd", f.rate)
	}
	return f, nil
}

// newWAVStream picks the decoder for f and builds the stream over the data
// chunk that starts at dataStart.
func newWAVStream(r io.ReadSeeker, f *wavFmt, dataStart, size, fact int64) (Stream, string, error) {
	s := &wavStream{r: r, rate: f.rate, channels: f.channels, dataStart: dataStart, off: dataStart, limit: -1, fpb: 1}
	var codec string
	compressed := false
	switch f.tag {
	case wavTagPCM:
		switch f.bits {
		case 8:
			codec, s.dec = "pcm_u8", pcmDecoder(decodeU8)
		case 16:
			codec, s.dec = "pcm_s16le", pcmDecoder(decodeS16)
		case 24:
			codec, s.dec = "pcm_s24le", pcmDecoder(decodeS24)
		case 32:
			codec, s.dec = "pcm_s32le", pcmDecoder(decodeS32)
		default:
			return nil, "", fmt.Errorf("unsupported PCM sample size %d bits", f.bits)
		}
		s.blockAlign = f.channels * f.bits / 8
	case wavTagFloat:
		switch f.bits {
		case 32:
			codec, s.dec = "pcm_f32le", pcmDecoder(decodeF32)
		case 64:
			codec, s.dec = "pcm_f64le", pcmDecoder(decodeF64)
		default:
			return nil, "", fmt.Errorf("unsupported IEEE float sample size %d bits", f.bits)
		}
		s.blockAlign = f.channels * f.bits / 8
	case wavTagMuLaw, wavTagALaw:
		if f.bits != 8 {
			return nil, "", fmt.Errorf("unsupported G.711 sample size %d bits (want 8)", f.bits)
		}
		if f.tag == wavTagMuLaw {
			codec, s.dec = "pcm_mulaw", g711Decoder{&muLawTable}
		} else {
			codec, s.dec = "pcm_alaw", g711Decoder{&aLawTable}
		}
		s.blockAlign = f.channels
	case wavTagIMAADPCM:
		d, err := newIMADecoder(f)
		if err != nil {
			return nil, "", err
		}
		codec, s.dec, compressed = "adpcm_ima_wav", d, true
		s.blockAlign, s.fpb = f.blockAlign, d.framesPerBlock
	case wavTagGSM610:
		d, err := newGSMDecoder(f)
		if err != nil {
			return nil, "", err
		}
		codec, s.dec, compressed = "gsm_ms", d, true
		s.blockAlign, s.fpb = f.blockAlign, gsmFramesPerBlock
		// GSM's long- and short-term filters restart empty after a seek and
		// glitch loudly for ~8 frames; warming them up on the 5 blocks
		// before the target (0.2 s) makes the seek land on clean audio.
		s.preroll = 5
	default:
		name := wavTagNames[f.tag]
		if name == "" {
			name = "unknown codec"
		}
		return nil, "", fmt.Errorf("unsupported WAV format tag 0x%04X (%s)", f.tag, name)
	}

	// The data size: 0 and 0xFFFFFFFF mean a streamed or unfinished export
	// (read to EOF); a size past the end of the file means a truncated file
	// (the audio that is there counts).
	fileEnd, err := r.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, "", fmt.Errorf("find file size: %w", err)
	}
	if _, err := r.Seek(dataStart, io.SeekStart); err != nil {
		return nil, "", fmt.Errorf("seek to data: %w", err)
	}
	avail := max(fileEnd-dataStart, 0)
	if size == 0 || size == 0xFFFFFFFF {
		s.dataEnd = -1
	} else {
		s.dataEnd = dataStart + size
		avail = min(avail, size)
	}
	blocks := avail / int64(s.blockAlign)
	s.frames = blocks*int64(s.fpb) + int64(s.dec.partial(int(avail%int64(s.blockAlign))))
	// fact trims the padding of the last block of a compressed stream. A
	// fact that would cut more than that (0 from an unfinished export, or a
	// wrong count) is ignored rather than trusted to drop audio. No fact
	// chunk (-1) leaves the count alone: with an empty data chunk it once
	// passed the test below and made Frames() -1 on a WAV.
	if compressed && fact > 0 && fact > s.frames-int64(s.fpb) && fact < s.frames {
		s.limit = fact
		s.frames = fact
	}

	n := max(wavRawBufSize/s.blockAlign, 1)
	s.raw = make([]byte, n*s.blockAlign)
	if s.fpb > 1 {
		s.pendBuf = make([]float32, s.fpb*s.channels)
	}
	return s, codec, nil
}

// SampleRate is the fmt chunk's rate.
func (s *wavStream) SampleRate() int { return s.rate }

// Channels is the fmt chunk's channel count (1-8).
func (s *wavStream) Channels() int { return s.channels }

// Frames counts the frames the file really holds: a truncated file counts
// what is there, a compressed one is trimmed to fact. It is never -1 since a
// WAV's size is known once opened; a streamed export (data size 0 or
// 0xFFFFFFFF) that is still growing reads past it to EOF.
func (s *wavStream) Frames() int64 { return s.frames }

// Read decodes straight into dst when it holds at least one block, so PCM
// costs one pass over the bytes and no copy.
func (s *wavStream) Read(dst []float32) (int, error) {
	ch := s.channels
	dst = dst[:len(dst)/ch*ch]
	if len(dst) == 0 {
		return 0, nil
	}
	for {
		if len(s.pend) > 0 {
			n := copy(dst, s.pend)
			s.pend = s.pend[n:]
			return n, nil
		}
		if s.err != nil {
			return 0, s.err
		}
		if s.eof {
			return 0, io.EOF
		}
		spb := s.fpb * ch // samples per block
		target, nb, toPend := dst, len(dst)/spb, false
		if nb == 0 {
			target, nb, toPend = s.pendBuf, 1, true
		}
		nb = min(nb, len(s.raw)/s.blockAlign)
		got := s.fill(nb * s.blockAlign)
		if got == 0 {
			continue
		}
		frames := int64(s.dec.decode(target, s.raw[:got]) / ch)
		if s.limit >= 0 && s.pos+frames >= s.limit {
			frames = max(s.limit-s.pos, 0)
			s.eof = true
		}
		s.pos += frames
		start := min(s.skip, frames)
		s.skip -= start
		out := target[start*int64(ch) : frames*int64(ch)]
		if len(out) == 0 {
			continue
		}
		if toPend {
			s.pend = out
			continue
		}
		if start > 0 {
			copy(dst, out)
		}
		return len(out), nil
	}
}

// fill reads up to n bytes of the data chunk into s.raw and returns how many
// it got; it sets s.eof at the end of the chunk or file and s.err on a read
// error.
func (s *wavStream) fill(n int) int {
	if s.dataEnd >= 0 {
		if rem := s.dataEnd - s.off; rem < int64(n) {
			n = int(max(rem, 0))
			s.eof = true
		}
	}
	got, err := io.ReadFull(s.r, s.raw[:n])
	s.off += int64(got)
	switch {
	case err == nil:
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		s.eof = true // truncated or streamed: the audio that is there counts
	default:
		s.err = fmt.Errorf("read WAV data: %w", err)
	}
	return got
}

// SeekFrame jumps to the block holding frame (or a few blocks earlier for
// codecs whose filters need warming up) and drops the frames before it, so
// every codec lands on the exact frame.
func (s *wavStream) SeekFrame(frame int64) error {
	if frame < 0 {
		return fmt.Errorf("seek to negative frame %d", frame)
	}
	block := max(frame/int64(s.fpb)-s.preroll, 0)
	off := s.dataStart + block*int64(s.blockAlign)
	if _, err := s.r.Seek(off, io.SeekStart); err != nil {
		return fmt.Errorf("seek WAV data: %w", err)
	}
	s.off = off
	s.pos = block * int64(s.fpb)
	s.skip = frame - s.pos
	s.pend = nil
	s.err = nil
	s.eof = (s.dataEnd >= 0 && off >= s.dataEnd) || (s.limit >= 0 && frame >= s.limit)
	s.dec.reset()
	return nil
}

// pcmDecoder adapts a stateless sample converter to blockDecoder.
type pcmDecoder func(dst []float32, src []byte) int

func (d pcmDecoder) decode(dst []float32, src []byte) int { return d(dst, src) }
func (d pcmDecoder) reset()                               {}
func (d pcmDecoder) partial(int) int                      { return 0 }

func decodeU8(dst []float32, src []byte) int {
	n := min(len(dst), len(src))
	dst, src = dst[:n], src[:n]
	for i, b := range src {
		dst[i] = float32(int(b)-128) * (1.0 / 128)
	}
	return n
}

func decodeS16(dst []float32, src []byte) int {
	n := min(len(dst), len(src)/2)
	dst, src = dst[:n], src[:2*n]
	for i := range dst {
		dst[i] = float32(int16(uint16(src[2*i])|uint16(src[2*i+1])<<8)) * (1.0 / 32768)
	}
	return n
}

func decodeS24(dst []float32, src []byte) int {
	n := min(len(dst), len(src)/3)
	dst, src = dst[:n], src[:3*n]
	for i := range dst {
		b := src[3*i : 3*i+3]
		v := int32(uint32(b[0])<<8|uint32(b[1])<<16|uint32(b[2])<<24) >> 8
		dst[i] = float32(v) * (1.0 / 8388608)
	}
	return n
}

func decodeS32(dst []float32, src []byte) int {
	n := min(len(dst), len(src)/4)
	dst, src = dst[:n], src[:4*n]
	for i := range dst {
		dst[i] = float32(int32(binary.LittleEndian.Uint32(src[4*i:]))) * (1.0 / 2147483648)
	}
	return n
}

// decodeF32 passes float samples through unclamped (true peak must see
// overs) but turns NaN and infinities into silence.
func decodeF32(dst []float32, src []byte) int {
	n := min(len(dst), len(src)/4)
	dst, src = dst[:n], src[:4*n]
	for i := range dst {
		v := math.Float32frombits(binary.LittleEndian.Uint32(src[4*i:]))
		if v-v != 0 { // NaN or ±Inf
			v = 0
		}
		dst[i] = v
	}
	return n
}

func decodeF64(dst []float32, src []byte) int {
	n := min(len(dst), len(src)/8)
	dst, src = dst[:n], src[:8*n]
	for i := range dst {
		// Checked after the conversion: a finite double beyond float32's
		// range (1e300) becomes an infinity there.
		v := float32(math.Float64frombits(binary.LittleEndian.Uint64(src[8*i:])))
		if v-v != 0 {
			v = 0
		}
		dst[i] = v
	}
	return n
}
