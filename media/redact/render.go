package redact

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"

	"customerroom/media/audio"
)

// Sound is what a redacted range is replaced with; the empty Sound means
// SoundBleep, the default of --redact-sound.
type Sound string

// The sounds Render can put over a range (--redact-sound).
const (
	// SoundBleep is the broadcast convention: listeners hear that something
	// was hidden, and where.
	SoundBleep Sound = "bleep"
	// SoundSilence hides the data without drawing the ear to it.
	SoundSilence Sound = "silence"
)

// Result describes a rendition Render wrote.
type Result struct {
	Frames     int64 `json:"frames"`
	SampleRate int   `json:"sample_rate"`
	Channels   int   `json:"channels"`
	// DurationMS is Frames in milliseconds, rounded up so that a range
	// ending at DurationMS covers the last frame.
	DurationMS int64 `json:"duration_ms"`
	// Ranges are the ranges as applied: sorted, merged, clamped.
	Ranges []Range `json:"ranges"`
}

const (
	blockFrames   = 4096    // frames decoded and written per step: 8–64 KiB of samples
	rampMS        = 5       // raised-cosine ramp at each edge of a range
	toneHz        = 1000    // the bleep
	tonePeak      = 0.1     // -20 dBFS peak (RMS 0.0707, -23 dBFS)
	progressEvery = 1 << 18 // frames between progress calls: ~33 s of 8 kHz audio
	maxRate       = 384000
	maxChannels   = 8
)

// Render decodes src with our own decoders (media/audio) and writes to dst
// the anonymized rendition: same sample rate, channels and number of frames
// as the source; inside each range a 1 kHz tone with a 0.1 peak (-20 dBFS),
// or silence; elsewhere the source sample for sample.
//
// Ranges go through Validate against the source's duration (a range past the
// end is an error, one running past it is clamped). Each range begins and ends
// with a 5 ms raised-cosine crossfade from the source to the tone (or to
// silence) so nothing clicks; the ramps lie inside the range so the audio
// outside it is untouched. 5 ms of speech at falling level is not
// intelligible, and RangesFor's margins put the words well inside.
//
// The output is 16-bit PCM WAV (WAVE_FORMAT_EXTENSIBLE above 2 channels).
// Why not FLAC, which would take about half the space for speech (8 kHz
// mono: 57.6 MB per hour as WAV, ~25–30 MB as FLAC)? Every browser plays WAV
// in <audio> and our player decodes it natively; a WAV can be served with
// byte-range requests where byte = 44 + frame × 2 × channels (mono and
// stereo), so seeking needs no index; and we would have to write or vendor a FLAC encoder for a
// saving that, at call lengths (a 10-minute 8 kHz call is 9.6 MB), does not
// matter on the room's disk. A 44.1 kHz stereo source costs eleven times that
// (106 MB for 10 minutes); if such sources become common, downmixing or
// FLAC is the change to make here.
//
// Samples are quantised by rounding to nearest: decoders give floats in
// [-1, 1] where a 16-bit sample v is v/32768, so a 16-bit source comes back
// bit-exact outside the ranges; values beyond [-1, 1) clip; no dither, since
// requantising a 24-bit or lossy source adds noise at -96 dBFS, far under the
// room's ambient noise.
//
// Render streams block by block and never holds the call in memory. It
// writes the header first with the sizes the source announces and seeks back
// to fix them when the source's length was unknown (Frames() == -1) or
// wrong; the rendition starts at dst's current offset. progress, if not nil,
// is called with frames done and the total (-1 when unknown) at the start,
// every ~2^18 frames and at the end. When ctx is cancelled Render returns
// ctx.Err() and leaves a partial file: the caller writes to a staging name
// and deletes it or renames it in.
func Render(ctx context.Context, dst io.WriteSeeker, src io.ReadSeeker, ranges []Range, sound Sound, progress func(done, total int64)) (Result, error) {
	s, _, err := audio.Open(src)
	if err != nil {
		return Result{}, fmt.Errorf("decode source: %w", err)
	}
	return render(ctx, dst, s, ranges, sound, progress)
}

// span is a range in frames, [a, b).
type span struct{ a, b int64 }

func render(ctx context.Context, dst io.WriteSeeker, s audio.Stream, ranges []Range, sound Sound, progress func(done, total int64)) (Result, error) {
	rate, ch := s.SampleRate(), s.Channels()
	if rate <= 0 || rate > maxRate || ch <= 0 || ch > maxChannels {
		return Result{}, fmt.Errorf("source has %d Hz, %d channels: not a format the rendition can hold", rate, ch)
	}
	switch sound {
	case "", SoundBleep:
		sound = SoundBleep
	case SoundSilence:
	default:
		return Result{}, invalidf("unknown redaction sound %q: use %q or %q", sound, SoundBleep, SoundSilence)
	}
	res := Result{SampleRate: rate, Channels: ch}
	total := s.Frames()
	durMS := int64(-1)
	if total >= 0 {
		durMS = framesToMS(total, rate)
	}
	rs, err := Validate(ranges, durMS)
	if err != nil {
		return res, err
	}
	spans := make([]span, 0, len(rs))
	for _, r := range rs {
		a, b := msToFrame(r.StartMS, rate), msToFrame(r.EndMS, rate)
		if total >= 0 {
			b = min(b, total)
		}
		if a < b {
			spans = append(spans, span{a, b})
		}
	}

	start, err := dst.Seek(0, io.SeekCurrent)
	if err != nil {
		return res, fmt.Errorf("rendition: %w", err)
	}
	blockAlign := int64(2 * ch)
	hdr := wavHeader(rate, ch, 0)
	maxData := int64(math.MaxUint32) - int64(len(hdr))
	announced := int64(0)
	if total >= 0 {
		if total*blockAlign > maxData {
			return res, fmt.Errorf("source is %s long: a WAV rendition cannot hold more than 4 GB", clock(durMS))
		}
		announced = total
		hdr = wavHeader(rate, ch, total*blockAlign)
	}
	if _, err := dst.Write(hdr); err != nil {
		return res, fmt.Errorf("write rendition: %w", err)
	}

	m := newMixer(spans, rate, ch, sound)
	buf := make([]float32, blockFrames*ch)
	out := make([]byte, 2*len(buf))
	var pos, nextReport int64
	idle := 0
	for {
		if progress != nil && pos >= nextReport {
			progress(pos, total)
			nextReport = pos + progressEvery
		}
		if err := ctx.Err(); err != nil {
			return res, err
		}
		n, rerr := s.Read(buf)
		n -= n % ch
		if n > 0 {
			idle = 0
			frames := int64(n / ch)
			if (pos+frames)*blockAlign > maxData {
				return res, errors.New("source runs past 4 GB of 16-bit audio: a WAV rendition cannot hold it")
			}
			m.apply(buf[:n], pos)
			quantise(out, buf[:n])
			if _, err := dst.Write(out[:2*n]); err != nil {
				return res, fmt.Errorf("write rendition: %w", err)
			}
			pos += frames
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return res, fmt.Errorf("decode source at %s: %w", clock(framesToMS(pos, rate)), rerr)
		}
		// A decoder that keeps returning nothing would spin forever.
		if n == 0 {
			if idle++; idle > 100 {
				return res, fmt.Errorf("decode source at %s: decoder returns no audio", clock(framesToMS(pos, rate)))
			}
		}
	}

	if pos != announced || total < 0 {
		if err := patchSizes(dst, start, len(hdr), pos*blockAlign); err != nil {
			return res, err
		}
	}
	res.Frames, res.DurationMS = pos, framesToMS(pos, rate)
	// With an unknown length the ranges were not clamped yet; a range past
	// the real end is the same mistake Validate reports for a known one.
	if res.Ranges, err = Validate(rs, res.DurationMS); err != nil {
		return res, err
	}
	if progress != nil {
		progress(pos, pos)
	}
	return res, nil
}

// framesToMS rounds up: see Result.DurationMS.
func framesToMS(frames int64, rate int) int64 {
	return (frames*1000 + int64(rate) - 1) / int64(rate)
}

// msToFrame rounds to the nearest frame, saturating instead of overflowing
// for the huge ends an unclamped range may have.
func msToFrame(ms int64, rate int) int64 {
	if ms >= (math.MaxInt64-500)/int64(rate) {
		return math.MaxInt64
	}
	return (ms*int64(rate) + 500) / 1000
}

// mixer replaces the samples inside the spans as blocks go by.
type mixer struct {
	spans []span
	next  int // first span that may still intersect the coming blocks
	rate  int
	ch    int
	ramp  int64
	tone  bool
}

func newMixer(spans []span, rate, ch int, sound Sound) *mixer {
	return &mixer{spans: spans, rate: rate, ch: ch, ramp: max(int64(rate)*rampMS/1000, 1), tone: sound == SoundBleep}
}

// apply rewrites the samples of buf (starting at frame pos) that lie in a span.
func (m *mixer) apply(buf []float32, pos int64) {
	end := pos + int64(len(buf)/m.ch)
	for i := m.next; i < len(m.spans); i++ {
		sp := m.spans[i]
		if sp.a >= end {
			break
		}
		if sp.b <= pos {
			m.next = i + 1
			continue
		}
		// Short ranges get shorter ramps so the two never overlap.
		r := min(m.ramp, (sp.b-sp.a)/2)
		for f := max(sp.a, pos); f < min(sp.b, end); f++ {
			w := 1.0
			if k := f - sp.a; k < r {
				w = raisedCosine(k, r)
			} else if k := sp.b - 1 - f; k < r {
				w = raisedCosine(k, r)
			}
			var t float64
			if m.tone {
				// The phase restarts at each range and is taken modulo one
				// second (a whole number of 1 kHz cycles) to keep precision.
				t = tonePeak * math.Sin(2*math.Pi*toneHz*float64((f-sp.a)%int64(m.rate))/float64(m.rate))
			}
			o := int(f-pos) * m.ch
			for c := range m.ch {
				if w == 1 {
					buf[o+c] = float32(t)
				} else {
					buf[o+c] = float32(float64(buf[o+c])*(1-w) + t*w)
				}
			}
		}
	}
}

// raisedCosine is the weight of the replacement k frames into a ramp of r
// frames: it rises from near 0 to near 1 without reaching either, so the
// first and last frames of the ramp already move towards the other side.
func raisedCosine(k, r int64) float64 {
	return 0.5 - 0.5*math.Cos(math.Pi*float64(k+1)/float64(r+1))
}

// quantise writes src as little-endian int16, rounding to nearest and
// clipping; NaN becomes 0.
func quantise(dst []byte, src []float32) {
	for i, x := range src {
		v := x * 32768 // exact: a power of two
		var q int16
		switch {
		case v >= 32767:
			q = 32767
		case v <= -32768:
			q = -32768
		case v == v:
			q = int16(math.RoundToEven(float64(v)))
		}
		binary.LittleEndian.PutUint16(dst[2*i:], uint16(q))
	}
}

// pcmGUID is KSDATAFORMAT_SUBTYPE_PCM, the sub-format of an extensible WAV.
var pcmGUID = [16]byte{0x01, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xAA, 0, 0x38, 0x9B, 0x71}

// wavHeader is a 16-bit PCM RIFF/WAVE header for dataBytes of samples: the
// canonical 44 bytes for mono and stereo, WAVE_FORMAT_EXTENSIBLE (68 bytes)
// above, as the format asks for more than two channels.
func wavHeader(rate, ch int, dataBytes int64) []byte {
	ext := ch > 2
	fmtLen := 16
	if ext {
		fmtLen = 40
	}
	h := make([]byte, 0, 20+fmtLen+8)
	le := binary.LittleEndian
	h = append(h, "RIFF"...)
	h = le.AppendUint32(h, uint32(int64(4+8+fmtLen+8)+dataBytes))
	h = append(h, "WAVEfmt "...)
	h = le.AppendUint32(h, uint32(fmtLen))
	tag := uint16(1)
	if ext {
		tag = 0xFFFE
	}
	h = le.AppendUint16(h, tag)
	h = le.AppendUint16(h, uint16(ch))
	h = le.AppendUint32(h, uint32(rate))
	h = le.AppendUint32(h, uint32(rate*ch*2))
	h = le.AppendUint16(h, uint16(ch*2))
	h = le.AppendUint16(h, 16)
	if ext {
		h = le.AppendUint16(h, 22) // cbSize
		h = le.AppendUint16(h, 16) // valid bits
		h = le.AppendUint32(h, 0)  // channel mask: no speaker positions
		h = append(h, pcmGUID[:]...)
	}
	h = append(h, "data"...)
	h = le.AppendUint32(h, uint32(dataBytes))
	return h
}

// patchSizes rewrites the RIFF and data sizes of a header of hdrLen bytes
// written at start, then leaves dst at the end of the data.
func patchSizes(dst io.WriteSeeker, start int64, hdrLen int, dataBytes int64) error {
	var b [4]byte
	fix := func(off int64, v uint32) error {
		if _, err := dst.Seek(start+off, io.SeekStart); err != nil {
			return err
		}
		binary.LittleEndian.PutUint32(b[:], v)
		_, err := dst.Write(b[:])
		return err
	}
	if err := fix(4, uint32(int64(hdrLen)-8+dataBytes)); err != nil {
		return fmt.Errorf("fix rendition header: %w", err)
	}
	if err := fix(int64(hdrLen)-4, uint32(dataBytes)); err != nil {
		return fmt.Errorf("fix rendition header: %w", err)
	}
	if _, err := dst.Seek(start+int64(hdrLen)+dataBytes, io.SeekStart); err != nil {
		return fmt.Errorf("fix rendition header: %w", err)
	}
	return nil
}
