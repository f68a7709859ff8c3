package player

import (
	"customerroom/media"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// SampleRate is the one rate every Output runs at: resampling happens once, in
// the player, so outputs and the device never convert.
const SampleRate = 48000

// Channels is the output channel count: mono sources are copied to both sides,
// dual-channel calls keep agent left and customer right.
const Channels = 2

// Output is where PCM goes: 48 kHz stereo float32 interleaved. The player keeps
// the device behind this small interface so the null and file outputs and the
// tests need no sound card, and so oto (deprecated upstream) stays in one file.
type Output interface {
	// Write blocks until the device has accepted the samples (paced in real
	// time for null and alsa; the file output does not pace).
	Write(samples []float32) (int, error)
	// Err reports a device failure (oto's Context.Err and the like), nil when healthy.
	Err() error
	// Name says which output this is: "alsa", "null", "file:/path.wav".
	Name() string
	// Close releases the device. It must be safe to call once after any Write.
	Close() error
}

// OpenOutput opens an output from the --audio flag: "alsa", "null" or
// "file:PATH.wav". A missing sound card is not an error here: the returned
// output reports it through Err, so the server still starts and /api/health
// shows the ALSA error. Only a malformed spec or an unwritable file is an error.
func OpenOutput(spec string) (Output, error) {
	switch {
	case spec == "alsa" || spec == "":
		out, err := NewOtoOutput()
		if err != nil {
			return NewDeadOutput("alsa", err), nil
		}
		return out, nil
	case spec == "null":
		return NewNullOutput(nil), nil
	case strings.HasPrefix(spec, "file:"):
		path := strings.TrimPrefix(spec, "file:")
		if path == "" {
			return nil, fmt.Errorf("audio output %q: missing file path", spec)
		}
		return NewFileOutput(path)
	}
	return nil, fmt.Errorf("audio output %q: want alsa, null or file:PATH.wav", spec)
}

// nullLead is how far ahead of the clock the null output accepts samples:
// about what a real device buffers, so timing behaves like alsa.
const nullLead = 100 * time.Millisecond

// nullBlock is the null output's block: nobody hears it, so the engine may
// render 100 ms at a time and wake 10 times a second.
const nullBlock = SampleRate / 10

// NullOutput discards samples at real-time pace, for headless boxes and the demo.
type NullOutput struct {
	clock media.Clock
	timer *time.Timer // reused on the wall clock: no allocation per Write

	mu      sync.Mutex
	start   time.Time
	frames  int64
	closed  bool
	written int64
}

// NewNullOutput returns an output that accepts samples no faster than clock
// allows (nil means the wall clock), so position, progress and the watchdog
// behave as on a real device.
func NewNullOutput(clock media.Clock) *NullOutput {
	if clock == nil {
		clock = media.RealClock
	}
	return &NullOutput{clock: clock}
}

// Write accepts samples and sleeps until they are due, keeping at most nullLead ahead.
func (o *NullOutput) Write(samples []float32) (int, error) {
	o.mu.Lock()
	if o.closed {
		o.mu.Unlock()
		return 0, errClosed
	}
	now := o.clock.Now()
	played := time.Duration(o.frames) * time.Second / SampleRate
	// After an idle gap the device would have drained: re-anchor so we do
	// not burst through the backlog.
	if o.start.IsZero() || now.Sub(o.start) > played+nullLead {
		o.start = now
		o.frames = 0
		played = 0
	}
	o.frames += int64(len(samples) / Channels)
	o.written += int64(len(samples) / Channels)
	due := o.start.Add(time.Duration(o.frames)*time.Second/SampleRate - nullLead)
	o.mu.Unlock()
	if d := due.Sub(now); d > 0 {
		o.sleep(d)
	}
	return len(samples), nil
}

// sleep waits d on the output's clock. Only the engine calls Write, so the
// timer is not shared.
func (o *NullOutput) sleep(d time.Duration) {
	if o.clock != media.RealClock {
		<-o.clock.After(d)
		return
	}
	if o.timer == nil {
		o.timer = time.NewTimer(d)
	} else {
		o.timer.Reset(d)
	}
	<-o.timer.C
}

// BlockFrames is nullBlock.
func (o *NullOutput) BlockFrames() int { return nullBlock }

// Delay is how much written audio the virtual device has not played yet.
func (o *NullOutput) Delay() time.Duration {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.start.IsZero() {
		return 0
	}
	played := o.clock.Now().Sub(o.start)
	return max(0, time.Duration(o.frames)*time.Second/SampleRate-played)
}

// Frames is how many frames were written in total (for tests and benchmarks).
func (o *NullOutput) Frames() int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.written
}

// Err is always nil: discarding cannot fail.
func (o *NullOutput) Err() error { return nil }

// Name is "null".
func (o *NullOutput) Name() string { return "null" }

// Close makes later writes fail.
func (o *NullOutput) Close() error {
	o.mu.Lock()
	o.closed = true
	o.mu.Unlock()
	return nil
}

var errClosed = errors.New("output closed")

// DeadOutput stands in for a device that could not be opened: every Write
// fails and Err reports why, so the player shows the failure in Health and
// answers Play with an unavailable error instead of pretending to play.
type DeadOutput struct {
	name string
	err  error
}

// NewDeadOutput returns an output that always fails with err.
func NewDeadOutput(name string, err error) *DeadOutput { return &DeadOutput{name: name, err: err} }

// Write fails with the device error.
func (o *DeadOutput) Write([]float32) (int, error) { return 0, o.err }

// Err reports the device error.
func (o *DeadOutput) Err() error { return o.err }

// Name is the output's configured name.
func (o *DeadOutput) Name() string { return o.name }

// Close does nothing.
func (o *DeadOutput) Close() error { return nil }
