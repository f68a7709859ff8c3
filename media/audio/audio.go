// Package audio decodes the audio formats call centres export and measures them:
// duration, ITU-R BS.1770-4 loudness, true peak and waveform peaks. It needs no
// external program; every decoder streams, so memory stays bounded on long calls.
package audio

import (
	"errors"
	"fmt"
	"io"
)

// Stream is a decoded audio stream. Samples are interleaved float32, full
// scale ±1, finite (decoders turn NaN and infinities into silence), but not
// clamped: a lossy decoder returns a clipped master above full scale (by a
// dB or two) and a float WAV can hold overs, and that overshoot is the true
// peak Analyze must measure. Whoever needs [-1, 1] (an output device, a
// 16-bit file) limits or clamps at its own output, as the player does.
type Stream interface {
	// SampleRate is the stream's rate in Hz.
	SampleRate() int
	// Channels is 1 (mono) or 2 (dual-channel: agent left, customer right).
	Channels() int
	// Read fills dst with interleaved samples and returns how many it wrote,
	// always a multiple of Channels(). It returns io.EOF once the stream ends.
	// A truncated file yields the audio that is there, then io.EOF.
	Read(dst []float32) (int, error)
	// Frames is the length in frames when the container says so, or -1.
	Frames() int64
}

// Seeker is implemented by streams that can jump to a frame without decoding
// everything before it (the player uses it for seek).
type Seeker interface {
	// SeekFrame positions the stream so the next Read starts at frame.
	SeekFrame(frame int64) error
}

// Format names a container/codec family detected from the bytes.
type Format string

// The formats Sniff recognises.
const (
	FormatWAV    Format = "wav"
	FormatMP3    Format = "mp3"
	FormatVorbis Format = "ogg-vorbis"
	FormatOpus   Format = "ogg-opus"
	FormatFLAC   Format = "flac"
)

// Info describes an opened stream for `analyze` and the catalog.
type Info struct {
	Format Format // container family, from Sniff
	Codec  string // e.g. "pcm_s16le", "pcm_mulaw", "adpcm_ima_wav", "gsm_ms", "mp3", "vorbis", "opus", "flac"
}

// ErrUnknownFormat is returned when the bytes match no supported format.
var ErrUnknownFormat = errors.New("unknown audio format")

// Open sniffs the format of r from its first bytes and returns a decoding stream.
// The caller keeps ownership of r and must keep it open while reading the stream.
//
// ID3v2 tags at the start are skipped whatever follows them (taggers put them
// on FLAC and WAV too), and the decoder sees the file as starting after them.
// If the first bytes match no format, Open looks for an MP3 frame up to
// mp3.MaxJunk bytes in, as MP3 decoders do: exporters pad with zeros.
func Open(r io.ReadSeeker) (Stream, Info, error) {
	start, err := skipID3v2(r)
	if err != nil {
		return nil, Info{}, err
	}
	if start > 0 {
		r = &splicedReader{r: r, base: start}
	}
	f, err := sniffReader(r)
	if err != nil {
		return nil, Info{}, err
	}
	var (
		s     Stream
		codec string
	)
	switch f {
	case FormatWAV:
		s, codec, err = openWAV(r)
	case FormatMP3:
		s, codec, err = openMP3(r)
	case FormatVorbis:
		s, codec, err = openVorbis(r)
	case FormatOpus:
		s, codec, err = openOpus(r)
	case FormatFLAC:
		s, codec, err = openFLAC(r)
	}
	if err != nil {
		return nil, Info{Format: f}, fmt.Errorf("%s: %w", f, err)
	}
	return s, Info{Format: f, Codec: codec}, nil
}
