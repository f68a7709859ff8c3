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

// nullLead is how much the null output's virtual device holds ahead of the
// clock when it accepts a block: about what a real device buffers, so timing
// behaves like alsa.
const nullLead = 100 * time.Millisecond

// nullBlock is the null output's block: nobody hears it, so the engine
// renders a second at a time and wakes once a second. A pause or a
// seek does not wait for the block: the output is a Cutter, whose queue is
// only a count of frames.
const nullBlock = SampleRate

// NullOutput discards samples at real-time pace, for headless boxes and the demo.
type NullOutput struct {
	clock media.Clock
	timer *time.Timer   // reused on the wall clock: no allocation per Write
	intr  chan struct{} // a pending Interrupt (buffered 1)

	mu      sync.Mutex
	start   time.Time
	frames  int64 // frames accepted since start
	closed  bool
	written int64
}

var (
	_ Cutter     = (*NullOutput)(nil)
	_ BlockSizer = (*NullOutput)(nil)
	_ Delayer    = (*NullOutput)(nil)
)

// NewNullOutput returns an output that accepts samples no faster than clock
// allows (nil means the wall clock), so position, progress and the watchdog
// behave as on a real device.
func NewNullOutput(clock media.Clock) *NullOutput {
	if clock == nil {
		clock = media.RealClock
	}
	return &NullOutput{clock: clock, intr: make(chan struct{}, 1)}
}

// ahead is how far the virtual device's queue reaches past now, after
// re-anchoring a device that ran dry (an idle gap must not let the next
// writes burst through a backlog). o.mu is held.
func (o *NullOutput) ahead(now time.Time) time.Duration {
	played := now.Sub(o.start)
	queued := time.Duration(o.frames) * time.Second / SampleRate
	if o.start.IsZero() || played > queued {
		o.start, o.frames = now, 0
		return 0
	}
	return queued - played
}

// Write waits until the virtual device has room (at most nullLead queued),
// then accepts samples. An Interrupt ends the wait early: nothing is
// accepted and Write returns 0.
func (o *NullOutput) Write(samples []float32) (int, error) {
	o.mu.Lock()
	if o.closed {
		o.mu.Unlock()
		return 0, errClosed
	}
	wait := o.ahead(o.clock.Now()) - nullLead
	o.mu.Unlock()
	if wait > 0 && !o.sleep(wait) {
		return 0, nil
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return 0, errClosed
	}
	o.ahead(o.clock.Now())
	o.frames += int64(len(samples) / Channels)
	o.written += int64(len(samples) / Channels)
	return len(samples), nil
}

// sleep waits d on the output's clock; false when interrupted. Only the
// engine calls Write, so the timer is not shared.
func (o *NullOutput) sleep(d time.Duration) bool {
	if o.clock != media.RealClock {
		select {
		case <-o.clock.After(d):
			return true
		case <-o.intr:
			return false
		}
	}
	if o.timer == nil {
		o.timer = time.NewTimer(d)
	} else {
		o.timer.Reset(d)
	}
	select {
	case <-o.timer.C:
		return true
	case <-o.intr:
		o.timer.Stop()
		return false
	}
}

// Interrupt makes a Write waiting for room return at once (Cutter).
func (o *NullOutput) Interrupt() {
	select {
	case o.intr <- struct{}{}:
	default:
	}
}

// rearm forgets an Interrupt the engine has already acted on: it is called
// when the engine reads the transport state, under the same lock the
// transport holds when it interrupts.
func (o *NullOutput) rearm() {
	select {
	case <-o.intr:
	default:
	}
}

// Cut drops what the virtual device holds past the next fade frames
// (Cutter): a pause or a seek takes effect at once. It returns the frames
// dropped, or -1 when fewer than fade frames are queued.
func (o *NullOutput) Cut(fade int) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.start.IsZero() || fade <= 0 {
		return -1
	}
	queued := int64(o.ahead(o.clock.Now()) * SampleRate / time.Second)
	if queued < int64(fade) {
		return -1
	}
	drop := queued - int64(fade)
	o.frames -= drop
	return int(drop)
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
