package audio

import "math"

// Peaks is a waveform overview in audiowaveform's JSON "version 2" format
// (https://github.com/bbc/audiowaveform/blob/master/doc/DataFormat.md), so the
// UI can draw it with peaks.js or any tool that reads that format. Data holds
// Length min/max pairs of 8-bit values (-128..127), one pair per pixel.
// Channels is always 1 because the UI draws one waveform: each pixel is the
// envelope across channels (lowest and highest sample of any channel), not a
// mix-down, which would halve whichever speaker of a dual-channel call talks.
type Peaks struct {
	Version         int   `json:"version"`
	Channels        int   `json:"channels"`
	SampleRate      int   `json:"sample_rate"`
	SamplesPerPixel int   `json:"samples_per_pixel"`
	Bits            int   `json:"bits"`
	Length          int   `json:"length"`
	Data            []int `json:"data"`
}

// Defaults for waveform peaks. 100 px per second (10 ms a pixel) resolves
// syllables when a curator zooms in to cut a clip; MaxPeaksLength keeps the
// JSON of a long call small (about 20 000 numbers, < 100 KB) by doubling the
// samples per pixel as often as needed.
const (
	DefaultPixelsPerSecond = 100
	MaxPeaksLength         = 10000
)

// peakBuilder computes Peaks streaming, in bounded memory: whenever the
// pixel count would pass the cap it merges pixels pairwise and doubles
// samples_per_pixel, so the frame count need not be known in advance and
// the result does not depend on whether it was.
type peakBuilder struct {
	channels int
	rate     int
	spp      int // frames per pixel
	maxLen   int
	data     []int8 // finished pixels: min, max, min, max, ...
	fill     int    // frames in the current pixel
	lo, hi   float32
}

func newPeakBuilder(rate, channels, spp, maxLen int) *peakBuilder {
	if spp <= 0 {
		spp = max(rate/DefaultPixelsPerSecond, 1)
	}
	if maxLen <= 0 {
		maxLen = MaxPeaksLength
	}
	maxLen = max(maxLen&^1, 2) // even: see halve
	return &peakBuilder{channels: channels, rate: rate, spp: spp, maxLen: maxLen,
		lo: float32(math.Inf(1)), hi: float32(math.Inf(-1))}
}

// write takes the envelope across channels (the lowest and highest sample of
// any channel) rather than a mix-down: in a dual-channel call each speaker is
// on one channel, and averaging would halve whoever is talking.
func (b *peakBuilder) write(interleaved []float32) {
	nch := b.channels
	interleaved = interleaved[:len(interleaved)/nch*nch]
	lo, hi, fill := b.lo, b.hi, b.fill
	for len(interleaved) > 0 {
		// The envelope across channels is the envelope of the interleaved
		// run up to the pixel's end: one flat loop, plain comparisons.
		n := min(b.spp-fill, len(interleaved)/nch)
		for _, x := range interleaved[:n*nch] {
			if x < lo {
				lo = x
			}
			if x > hi {
				hi = x
			}
		}
		interleaved = interleaved[n*nch:]
		fill += n
		if fill == b.spp {
			if len(b.data)/2 == b.maxLen {
				// Full: halve, and this pixel becomes the first half of the
				// next, twice as wide, pixel.
				b.halve()
				continue
			}
			b.data = append(b.data, quant8(lo), quant8(hi))
			lo, hi, fill = float32(math.Inf(1)), float32(math.Inf(-1)), 0
		}
	}
	b.lo, b.hi, b.fill = lo, hi, fill
}

// halve merges pixel pairs and doubles samples_per_pixel. maxLen is even, so
// every merged pixel covers exactly the new samples_per_pixel.
func (b *peakBuilder) halve() {
	n := len(b.data) / 2
	out := b.data[:0]
	for i := 0; i+1 < n; i += 2 {
		out = append(out, min(b.data[2*i], b.data[2*i+2]), max(b.data[2*i+1], b.data[2*i+3]))
	}
	b.data = out
	b.spp *= 2
}

// quant8 maps a sample to 8 bits the way audiowaveform does (the 16-bit value
// shifted right by 8), clamped for over-full-scale float input.
func quant8(x float32) int8 {
	v := math.Floor(float64(x) * 128)
	return int8(min(max(v, -128), 127))
}

// peaks returns the result, the partial last pixel included.
func (b *peakBuilder) peaks() Peaks {
	data, spp := b.data, b.spp
	if b.fill > 0 {
		// The pending pixel is partial (fewer than spp frames), as
		// audiowaveform's last pixel is. If the data is full, halve a copy.
		if len(data)/2 == b.maxLen {
			c := *b
			c.data = append([]int8(nil), b.data...)
			c.halve()
			data, spp = c.data, c.spp
		}
		data = append(data[:len(data):len(data)], quant8(b.lo), quant8(b.hi))
	}
	out := make([]int, len(data))
	for i, v := range data {
		out[i] = int(v)
	}
	return Peaks{Version: 2, Channels: 1, SampleRate: b.rate, SamplesPerPixel: spp,
		Bits: 8, Length: len(data) / 2, Data: out}
}
