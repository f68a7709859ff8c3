package audio

import (
	"errors"
	"fmt"
	"io"
)

// Floors Analyze reports instead of -Inf, so an Analysis always encodes as
// JSON. SilenceLUFS is BS.1770-4's absolute gate: no gated block is quieter.
// SilenceDBTP is the level of one LSB of 24-bit audio, below anything a
// decoder of the formats we take can produce except exact zero.
const (
	SilenceLUFS = -70.0
	SilenceDBTP = -144.0
)

// Limits on what Analyze accepts from a Stream, so a lying decoder gives an
// error instead of a huge allocation or a meaningless figure.
const (
	maxAnalyzeChannels = 8
	maxAnalyzeRate     = 768000
	analyzeFrames      = 4096 // frames per Read
	maxEmptyReads      = 100
)

// ErrNoAudio is returned by Analyze for a stream that ends before its first
// frame: there is nothing to play, so ingest should reject the file.
var ErrNoAudio = errors.New("no audio frames")

// AnalyzeOptions tunes Analyze. The zero value is what ingest uses.
type AnalyzeOptions struct {
	// SamplesPerPixel is the waveform resolution. 0 means sample_rate/100
	// (DefaultPixelsPerSecond). Either way it is doubled as often as needed
	// to keep Peaks.Length within MaxPixels.
	SamplesPerPixel int
	// MaxPixels caps Peaks.Length; 0 means MaxPeaksLength.
	MaxPixels int
}

// Analysis is what Analyze measures in one streaming pass. Every float is
// finite: silence reports SilenceLUFS and SilenceDBTP.
type Analysis struct {
	SampleRate   int     `json:"sample_rate"`
	Channels     int     `json:"channels"`
	Frames       int64   `json:"frames"`
	DurationMS   int64   `json:"duration_ms"`
	LoudnessLUFS float64 `json:"loudness_lufs"`
	TruePeakDBTP float64 `json:"true_peak_dbtp"`
	Peaks        Peaks   `json:"peaks"`
}

// Analyze reads s to the end once, in bounded memory, and measures duration,
// BS.1770-4 integrated loudness, true peak and waveform peaks, so ingest
// decodes each recording only once. Loudness of a stream whose every block
// is gated out (silence, or under 400 ms) is SilenceLUFS (-70, the absolute
// gate); the true peak of digital silence is SilenceDBTP (-144). Non-finite
// samples (a corrupt float WAV) are measured as 0. A stream with no frames
// gives ErrNoAudio alongside the (empty) Analysis; a Read error other than
// io.EOF is returned wrapped.
func Analyze(s Stream, opt AnalyzeOptions) (Analysis, error) {
	rate, nch := s.SampleRate(), s.Channels()
	a := Analysis{SampleRate: rate, Channels: nch, LoudnessLUFS: SilenceLUFS, TruePeakDBTP: SilenceDBTP}
	if rate <= 0 || rate > maxAnalyzeRate {
		return a, fmt.Errorf("analyze: sample rate %d Hz out of range", rate)
	}
	if nch <= 0 || nch > maxAnalyzeChannels {
		return a, fmt.Errorf("analyze: %d channels out of range", nch)
	}
	lm := NewLoudnessMeter(rate, nch)
	tp := NewTruePeakMeter(rate, nch)
	pb := newPeakBuilder(rate, nch, opt.SamplesPerPixel, opt.MaxPixels)
	buf := make([]float32, analyzeFrames*nch)
	empty := 0
	for {
		n, err := s.Read(buf)
		if n < 0 || n > len(buf) || n%nch != 0 {
			return a, fmt.Errorf("analyze: decoder returned %d samples for a %d-sample buffer of %d channels", n, len(buf), nch)
		}
		if n > 0 {
			empty = 0
			chunk := buf[:n]
			for i, x := range chunk {
				if x-x != 0 { // NaN or ±Inf
					chunk[i] = 0
				}
			}
			lm.Write(chunk)
			tp.Write(chunk)
			pb.write(chunk)
			a.Frames += int64(n / nch)
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return a, fmt.Errorf("analyze: read: %w", err)
		}
		if n == 0 {
			if empty++; empty >= maxEmptyReads {
				return a, fmt.Errorf("analyze: read: %w", io.ErrNoProgress)
			}
		}
	}
	a.DurationMS = (a.Frames*1000 + int64(rate)/2) / int64(rate)
	if l := lm.Integrated(); l > SilenceLUFS { // never -Inf or NaN
		a.LoudnessLUFS = l
	}
	if p := tp.DBTP(); p > SilenceDBTP {
		a.TruePeakDBTP = p
	}
	a.Peaks = pb.peaks()
	if a.Frames == 0 {
		return a, ErrNoAudio
	}
	return a, nil
}
