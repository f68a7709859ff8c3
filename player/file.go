package player

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"sync"
)

// FileOutput writes what the room would hear to a WAV file (48 kHz stereo), for
// tests and for checking a setup without a sound card. It does not pace: a
// track "plays" as fast as it decodes.
type FileOutput struct {
	path string
	bits int // 16 or 32 (float)

	mu     sync.Mutex
	f      *os.File
	w      *bufio.Writer
	frames int64
	err    error
	buf    []byte
}

// NewFileOutput creates path as a 32-bit float WAV; the header sizes are fixed on Close.
func NewFileOutput(path string) (*FileOutput, error) { return NewFileOutputBits(path, 32) }

// NewFileOutputBits creates path as a WAV of 16-bit PCM (bits 16) or 32-bit float (bits 32).
func NewFileOutputBits(path string, bits int) (*FileOutput, error) {
	if bits != 16 && bits != 32 {
		return nil, fmt.Errorf("file output: %d bits per sample, want 16 or 32", bits)
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("file output: %w", err)
	}
	o := &FileOutput{path: path, bits: bits, f: f, w: bufio.NewWriterSize(f, 64<<10)}
	if _, err := o.w.Write(wavHeader(bits, 0)); err != nil {
		f.Close()
		return nil, fmt.Errorf("file output: %w", err)
	}
	return o, nil
}

// wavHeader builds a canonical 44/58-byte header for frames frames.
func wavHeader(bits int, frames int64) []byte {
	format, fmtLen := uint16(1), uint32(16)
	if bits == 32 {
		format, fmtLen = 3, 18 // IEEE float: cbSize plus a fact chunk
	}
	blockAlign := uint16(Channels * bits / 8)
	data := uint32(min(frames*int64(blockAlign), math.MaxUint32-100))
	var b []byte
	le := binary.LittleEndian
	b = append(b, "RIFF"...)
	riff := 4 + 8 + fmtLen + 8 + data
	if bits == 32 {
		riff += 12
	}
	b = le.AppendUint32(b, riff)
	b = append(b, "WAVEfmt "...)
	b = le.AppendUint32(b, fmtLen)
	b = le.AppendUint16(b, format)
	b = le.AppendUint16(b, Channels)
	b = le.AppendUint32(b, SampleRate)
	b = le.AppendUint32(b, SampleRate*uint32(blockAlign))
	b = le.AppendUint16(b, blockAlign)
	b = le.AppendUint16(b, uint16(bits))
	if bits == 32 {
		b = le.AppendUint16(b, 0)
		b = append(b, "fact"...)
		b = le.AppendUint32(b, 4)
		b = le.AppendUint32(b, uint32(min(frames, math.MaxUint32)))
	}
	b = append(b, "data"...)
	b = le.AppendUint32(b, data)
	return b
}

// Write appends samples to the file.
func (o *FileOutput) Write(samples []float32) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.f == nil {
		return 0, errClosed
	}
	if o.err != nil {
		return 0, o.err
	}
	o.buf = o.buf[:0]
	for _, s := range samples {
		if o.bits == 32 {
			o.buf = binary.LittleEndian.AppendUint32(o.buf, math.Float32bits(s))
		} else {
			v := math.Round(float64(s) * 32767)
			v = max(-32768, min(32767, v))
			o.buf = binary.LittleEndian.AppendUint16(o.buf, uint16(int16(v)))
		}
	}
	if _, err := o.w.Write(o.buf); err != nil {
		o.err = fmt.Errorf("file output: %w", err)
		return 0, o.err
	}
	o.frames += int64(len(samples) / Channels)
	return len(samples), nil
}

// Err reports a failed write (disk full and the like).
func (o *FileOutput) Err() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.err
}

// Name is "file:" and the path.
func (o *FileOutput) Name() string { return "file:" + o.path }

// Close flushes and rewrites the header with the real sizes.
func (o *FileOutput) Close() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.f == nil {
		return nil
	}
	f := o.f
	o.f = nil
	err := o.w.Flush()
	if err == nil {
		_, err = f.WriteAt(wavHeader(o.bits, o.frames), 0)
	}
	return errors.Join(err, f.Close())
}
