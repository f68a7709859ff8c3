package player

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"runtime/debug"
	"time"
)

// chunkFrames is how much the engine renders per Write unless the output
// asks for another block (BlockSizer): 20 ms keeps the reaction to pause and
// seek short. Every block is a wake-up, and on a Raspberry Pi the Go
// scheduler's share of a wake-up costs more than rendering the block, so an
// output that can take larger blocks says so.
const chunkFrames = 960

// BlockSizer is implemented by outputs that want the engine to render blocks
// of another size than chunkFrames.
type BlockSizer interface {
	// BlockFrames is the number of 48 kHz frames per Write.
	BlockFrames() int
}

// Delayer is implemented by outputs that know how much written audio the
// listener has not heard yet (their queue and the device's buffer).
type Delayer interface {
	Delay() time.Duration
}

// Cutter is implemented by outputs whose queue can be cut short: a pause or
// a seek then waits only for the device's buffer, not the whole queue.
type Cutter interface {
	// Interrupt makes a Write blocked on a full queue return early.
	Interrupt()
	// Cut fades the queue out over its first fade frames and drops the
	// rest; it returns the frames dropped, or -1 if fewer were queued.
	Cut(fade int) int
}

// Rester is implemented by outputs that can rest the device while nothing
// plays: the engine calls Rest when it has nothing more to write for now
// (the queue ended or was stopped; not on a pause), and the next Write
// wakes the device.
type Rester interface {
	Rest()
}

// rearmer is implemented by Cutters whose Interrupt stays pending until the
// engine has read the transport state it was for.
type rearmer interface{ rearm() }

// lagBehind is how far the listener is behind what the engine has written
// to out: the output's delay and the limiter's look-ahead.
func lagBehind(out Output) time.Duration {
	d := time.Duration(limLatency) * time.Second / SampleRate
	if o, ok := out.(Delayer); ok {
		d += o.Delay()
	}
	return d
}

// blockFrames is the engine's block for out.
func blockFrames(out Output) int {
	if b, ok := out.(BlockSizer); ok && b.BlockFrames() > 0 {
		return b.BlockFrames()
	}
	return chunkFrames
}

// Shutdown budgets: Run must return within about a second and a half of
// cancellation even when the device is stuck inside Write or Close.
const (
	engineStopWait = time.Second
	closeWait      = 500 * time.Millisecond
	// watchEvery is Run's period while playing and someone watches the
	// position (a Subscribe subscriber): the watchdog looks at the device
	// and the position goes out, 5 times a second. With nobody watching,
	// Run does not wake: the stall timer, pushed back by every write,
	// fires only if the output stalls.
	watchEvery = 200 * time.Millisecond
)

// nextWatch is Run's period: watchEvery while playing (or in a Write) with
// someone watching the position, 0 (no wake-ups) otherwise, when the stall
// timer watches alone.
func (p *Player) nextWatch() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.activeLocked() || p.subs.Len() == 0 {
		return 0
	}
	return watchEvery
}

// activeLocked reports whether there is anything for the watchdog to watch:
// the transport playing, or a Write pending. p.mu is held.
func (p *Player) activeLocked() bool {
	return p.state == StatePlaying || !p.inWrite.IsZero()
}

// progressedLocked notes that the position moved (or playing began) now,
// and pushes the stall timer back by StallTimeout. p.mu is held.
func (p *Player) progressedLocked() {
	p.progress = p.opt.Clock.Now()
	p.stall.Reset(p.opt.StallTimeout + time.Millisecond)
}

// stallCheck runs when the stall timer fires: the watchdog looks, and if the
// transport is still playing (or a Write still pending) without a verdict,
// the timer is set for when that would stall next.
func (p *Player) stallCheck() {
	p.watch()
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.activeLocked() || p.stalled != nil {
		return
	}
	since := p.progress
	if !p.inWrite.IsZero() {
		since = p.inWrite
	}
	d := since.Add(p.opt.StallTimeout).Sub(p.opt.Clock.Now()) + time.Millisecond
	p.stall.Reset(min(max(d, 10*time.Millisecond), p.opt.StallTimeout))
}

// Run is the engine: it renders the queue to the output, watches the device
// and pushes state. It returns nil after ctx is cancelled, once it has faded
// out and closed the output, within about 1.5 s even if the device hangs.
//
// While nothing plays it does not wake at all: the watchdog and the position
// pushes run only while the transport is playing (a dead device still shows
// in Health, which asks the output directly), the pushes only while a
// Subscribe subscriber watches, and with nobody watching the watchdog is a
// timer that fires only when the output stalls.
func (p *Player) Run(ctx context.Context) error {
	quit := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		p.engine(quit)
	}()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	defer p.stall.Stop()
	ticking := false // timer runs on the watchers' cadence
	for {
		switch d := p.nextWatch(); {
		case d == 0 && ticking:
			timer.Stop()
			ticking = false
		case d != 0 && !ticking:
			timer.Reset(d)
			ticking = true
		}
		select {
		case <-ctx.Done():
			close(quit)
			select {
			case <-done:
			case <-time.After(engineStopWait):
				p.log.Warn("player: engine stuck in the output, leaving it behind", "output", p.out.Name())
			}
			err := closeOutput(p.out)
			p.mu.Lock()
			p.state = StateIdle
			p.queue = nil
			p.gen++
			p.mu.Unlock()
			p.publish(p.State())
			return err
		case <-done:
			return errors.New("player: engine stopped unexpectedly")
		case <-p.runWake:
		case <-timer.C:
			ticking = false
			p.watch()
			if st := p.State(); st.State == StatePlaying {
				p.subs.Publish(st) // a position update: for watchers only
			}
		}
	}
}

// closeOutput closes out but gives up waiting after closeWait: a wedged
// driver must not hold up the shutdown of the whole program.
func closeOutput(out Output) error {
	errc := make(chan error, 1)
	go func() { errc <- out.Close() }()
	select {
	case err := <-errc:
		if err != nil {
			return fmt.Errorf("player: close %s: %w", out.Name(), err)
		}
		return nil
	case <-time.After(closeWait):
		return fmt.Errorf("player: close %s: timed out after %s", out.Name(), closeWait)
	}
}

// watch is the watchdog: a device error, a Write that does not return or a
// position that stops moving while playing marks the output unavailable and
// stops the transport, so nothing claims to play on a dead device.
func (p *Player) watch() {
	now := p.opt.Clock.Now()
	p.mu.Lock()
	var bad error
	if err := p.out.Err(); err != nil {
		if p.devErr == nil {
			p.devErr = err
			bad = err
		}
	} else {
		p.devErr = nil
	}
	if p.stalled == nil {
		switch {
		case !p.inWrite.IsZero() && now.Sub(p.inWrite) > p.opt.StallTimeout:
			p.stalled = fmt.Errorf("output %s stalled: a write has not returned for %s", p.out.Name(), now.Sub(p.inWrite).Round(time.Millisecond))
			bad = p.stalled
		case p.state == StatePlaying && !p.progress.IsZero() && now.Sub(p.progress) > p.opt.StallTimeout:
			p.stalled = fmt.Errorf("output %s stalled: playback position has not moved for %s", p.out.Name(), now.Sub(p.progress).Round(time.Millisecond))
			bad = p.stalled
		}
	}
	changed := false
	if bad != nil && p.state != StateIdle {
		p.state = StateIdle
		p.gen++
		changed = true
	}
	p.mu.Unlock()
	if bad != nil {
		p.log.Error("player: audio output unavailable", "output", p.out.Name(), "err", bad)
	}
	if changed {
		p.changed()
	}
}

// engine holds what only the engine goroutine touches: the open source and
// the signal chain state.
type engine struct {
	p     *Player
	src   *source
	track Track   // what src is playing
	gain  float32 // loudness normalisation for the current track
	lim   *limiter
	fade  ramp
	vol   ramp
	buf   []float32
	fadeN int
	// audible is true when the last write ended above silence, so stopping needs a fade out.
	audible bool
	// resting: the output was told to rest (Rester) and nothing was written since.
	resting bool
	// lost counts rendered frames an interrupted Write did not queue; the
	// next cut counts them as dropped.
	lost int64
}

func (p *Player) volumeGain(v int) float64 {
	if v <= 0 {
		return 0
	}
	return dbToLin(float64(v-p.opt.MaxVolume) * p.opt.VolumeStepDB)
}

// trackGain is the gain that brings t to the loudness target, capped.
func (p *Player) trackGain(t Track) float32 {
	db, ok := p.trackGainDB(t)
	if !ok {
		return 1
	}
	return float32(dbToLin(db))
}

// trackGainDB is trackGain in decibels; ok is false when t's loudness is unknown.
func (p *Player) trackGainDB(t Track) (db float64, ok bool) {
	l := t.LoudnessLUFS
	if l == 0 || math.IsNaN(l) || math.IsInf(l, 0) || l > 0 {
		return 0, false
	}
	return min(p.opt.MaxGainDB, p.opt.TargetLUFS-l), true
}

// bypassMarginDB is how far under the limiter's threshold a track's
// measured true peak, after its gain, must stay for the limiter to be
// bypassed. It covers the difference between the catalog's meter (4x
// oversampling at the file's rate) and the limiter's estimate (4x at
// 48 kHz after the resampler), a few tenths of a dB on speech.
const bypassMarginDB = 1.0

// limiterIdle reports whether t can never make the limiter act: its true
// peak after the loudness gain is safely under the ceiling. Volume and
// fades only lower the level, so this holds at every volume. A track with
// no measured loudness or true peak (0) is always limited.
func (p *Player) limiterIdle(t Track) bool {
	db, ok := p.trackGainDB(t)
	tp := t.TruePeakDBTP
	if !ok || tp == 0 || math.IsNaN(tp) || math.IsInf(tp, 0) {
		return false
	}
	return tp+db+bypassMarginDB <= p.opt.CeilingDBTP-tpMarginDB
}

// newLimiter returns a fresh limiter for the current track, bypassed when
// the track cannot reach the ceiling.
func (e *engine) newLimiter() *limiter {
	l := newLimiter(e.p.opt.CeilingDBTP)
	l.bypass = e.src != nil && e.p.limiterIdle(e.track)
	return l
}

// engine renders until quit. A defect in decoding or rendering one track
// (a panic) skips that track and starts the engine afresh: on this
// goroutine a panic would end the whole server, the room with it.
func (p *Player) engine(quit <-chan struct{}) {
	for !p.engineRun(quit) {
	}
}

// engineRun is the engine until quit (true), or until a panic it recovers
// from (false, the track that caused it skipped).
func (p *Player) engineRun(quit <-chan struct{}) (done bool) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		p.mu.Lock()
		var tr Track
		if p.idx < len(p.queue) {
			tr = p.queue[p.idx]
			p.advanceLocked()
		}
		p.mu.Unlock()
		p.log.Error("player: a defect stopped this track; skipping it", "recording", tr.RecordingID, "clip", tr.ClipID,
			"panic", r, "stack", string(debug.Stack()))
		p.changed()
		done = false
	}()
	e := &engine{
		p:     p,
		lim:   newLimiter(p.opt.CeilingDBTP),
		buf:   make([]float32, blockFrames(p.out)*Channels),
		fadeN: p.opt.FadeMS * SampleRate / 1000,
	}
	p.mu.Lock()
	e.vol.cur = p.volumeGain(p.volume)
	p.mu.Unlock()
	e.vol.target = e.vol.cur
	var gen uint64
	loaded := false
	defer func() {
		if e.src != nil {
			e.src.close()
		}
	}()
	for {
		select {
		case <-quit:
			e.fadeOut()
			return true
		default:
		}
		p.mu.Lock()
		g, st, at, vol := p.gen, p.state, p.atMS, p.volume
		if r, ok := p.out.(rearmer); ok {
			r.rearm() // what it was interrupted for is what we now read
		}
		var tr Track
		has := p.idx < len(p.queue)
		if has {
			tr = p.queue[p.idx]
		}
		p.mu.Unlock()
		e.vol.set(p.volumeGain(vol), 50*SampleRate/1000)

		if !loaded || g != gen {
			e.silence()
			gen, loaded = g, true
			if e.src != nil && st != StateIdle && has && tr == e.track && e.src.seek(tr, at) {
				e.fade.cur = 0 // a seek inside the playing track
			} else if e.src != nil {
				e.src.close()
				e.src = nil
			}
			if e.src == nil && st != StateIdle && has {
				src, err := openTrack(tr, at)
				if err != nil {
					p.log.Error("player: cannot play track", "recording", tr.RecordingID, "clip", tr.ClipID, "err", err)
					if errors.Is(err, fs.ErrNotExist) {
						// Gone since Play checked: withdraw it without
						// holding up the engine on the catalog.
						go func(t Track) {
							ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
							defer cancel()
							p.reportMissing(ctx, t)
						}(tr)
					}
					p.mu.Lock()
					if p.gen == g {
						p.advanceLocked()
					}
					p.mu.Unlock()
					p.changed()
					continue
				}
				e.src, e.track = src, tr
				e.gain = p.trackGain(tr)
				e.fade.cur = 0
			}
			e.lim = e.newLimiter()
		}
		if st != StatePlaying || e.src == nil {
			if dropped := e.silence(); dropped > 0 && e.src != nil && st == StatePaused {
				e.rewind(dropped, g)
			}
			// Idle, the device rests; paused, it keeps running, so that
			// resuming is exactly as from a device that never stopped.
			if r, ok := p.out.(Rester); ok && !e.resting && st == StateIdle {
				r.Rest()
				e.resting = true
			}
			select {
			case <-p.wake:
			case <-quit:
				return true
			}
			continue
		}
		e.fade.set(1, e.fadeN)
		n, err := e.render(e.buf)
		if n > 0 {
			if werr := e.write(e.buf[:n]); werr != nil {
				e.deviceFailed(werr)
				continue
			}
			e.audible = true
			lag := lagBehind(p.out)
			p.mu.Lock()
			if p.gen == g {
				p.posMS = e.src.pos * 1000 / SampleRate
				p.progress = p.opt.Clock.Now()
				p.lag, p.lagAt = lag, p.progress
			}
			p.mu.Unlock()
		}
		if errors.Is(err, io.EOF) {
			// Flush the limiter's look-ahead so the tail is heard.
			tail := e.buf[:limLatency*Channels]
			clear(tail)
			e.lim.process(tail)
			e.fade.apply(tail)
			if werr := e.write(tail); werr != nil {
				e.deviceFailed(werr)
				continue
			}
			e.audible = false
			p.mu.Lock()
			if p.gen == g {
				p.advanceLocked()
			}
			p.mu.Unlock()
			p.changed()
		} else if err != nil {
			p.log.Error("player: decode failed, skipping", "recording", tr.RecordingID, "err", err)
			p.mu.Lock()
			if p.gen == g {
				p.advanceLocked()
			}
			p.mu.Unlock()
			p.changed()
		}
	}
}

// render fills buf from the source through gain and limiter and the ramps;
// it returns the samples filled and io.EOF at the end of the item.
func (e *engine) render(buf []float32) (int, error) {
	// Loudness gain and volume, then the limiter: the volume only lowers
	// the level, so the limiter acts only when what reaches the speaker
	// would pass the ceiling, and at the usual volumes it has nothing to do.
	// The source applies the gain as it spreads to stereo; a volume ramp
	// follows on its own.
	steady := e.vol.cur == e.vol.target
	e.src.gain, e.src.clamp = e.gain, e.lim.bypass
	if steady {
		e.src.gain *= float32(e.vol.cur)
	}
	n, err := e.src.read(buf)
	x := buf[:n]
	if !steady {
		e.vol.apply(x)
	}
	// Fade out the last fadeN frames of an item whose end is known (clips end mid-word).
	if t := e.src.total; t >= 0 {
		first := e.src.pos - int64(n/2) // item frame of x[0]
		if first+int64(n/2) > t-int64(e.fadeN) {
			for i := 0; i < n/2; i++ {
				left := t - (first + int64(i))
				if left < int64(e.fadeN) {
					g := float32(max(0, left)) / float32(e.fadeN)
					x[2*i] *= g
					x[2*i+1] *= g
				}
			}
		}
	}
	e.lim.process(x)
	e.fade.apply(x)
	return n, err
}

// silence ends what is sounding. On an output that can cut its queue the
// queued audio is faded and the rest dropped; it returns the frames dropped
// (0 when it rendered a fade instead).
func (e *engine) silence() int64 {
	lost := e.lost
	e.lost = 0
	c, ok := e.p.out.(Cutter)
	if !ok || !e.audible {
		e.fadeOut()
		return 0
	}
	dropped := c.Cut(e.fadeN)
	if dropped < 0 {
		e.fadeOut()
		return 0
	}
	e.audible = false
	e.fade.cur = 0
	return int64(dropped) + lost
}

// rewind moves the paused source back over the frames a cut dropped (and
// the limiter's look-ahead they carried), so resume goes on from what was
// last heard. A source that cannot seek is reopened there on resume.
func (e *engine) rewind(dropped int64, g uint64) {
	p := e.p
	frame := max(0, e.src.pos-dropped-limLatency)
	ms := frame * 1000 / SampleRate
	e.lim = e.newLimiter()
	ok := e.src.seekFrame(e.track, frame)
	lag := lagBehind(p.out)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.gen != g {
		return
	}
	p.posMS = ms
	p.lag, p.lagAt = lag, p.opt.Clock.Now()
	if !ok {
		p.atMS = ms
		p.gen++ // the engine reopens the track at atMS on resume
	}
}

// fadeOut renders one fade length of the current source ramping to silence,
// so pause, stop, seek and shutdown never cut the waveform.
func (e *engine) fadeOut() {
	if !e.audible {
		return
	}
	e.audible = false
	e.fade.set(0, e.fadeN)
	left := e.fadeN
	for left > 0 {
		k := min(left, len(e.buf)/Channels)
		b := e.buf[:k*Channels]
		n := 0
		if e.src != nil {
			n, _ = e.render(b)
		}
		if n < len(b) {
			// Past the end: keep the limiter's tail flowing, faded.
			z := b[n:]
			clear(z)
			e.lim.process(z)
			e.fade.apply(z)
		}
		if err := e.write(b); err != nil {
			return
		}
		left -= k
	}
	e.fade.cur = 0
	if e.src != nil {
		lag := lagBehind(e.p.out)
		e.p.mu.Lock()
		e.p.posMS = min(e.p.posMS, e.src.pos*1000/SampleRate)
		e.p.lag, e.p.lagAt = lag, e.p.opt.Clock.Now()
		e.p.mu.Unlock()
	}
}

// write hands samples to the output, recording progress for the watchdog.
// p.mu is never held across the Write.
func (e *engine) write(b []float32) error {
	p := e.p
	p.mu.Lock()
	p.inWrite = p.opt.Clock.Now()
	idle := p.state != StatePlaying
	p.mu.Unlock()
	if idle {
		// A fade-out after pause or stop: Run must watch this Write too.
		select {
		case p.runWake <- struct{}{}:
		default:
		}
	}
	n, err := p.out.Write(b)
	e.resting = false
	if err == nil && n < len(b) {
		e.lost += int64(len(b)-n) / Channels // interrupted for a cut (Cutter)
	}
	p.mu.Lock()
	p.inWrite = time.Time{}
	if err == nil {
		p.progressedLocked()
		p.stalled = nil
		p.writeErr = nil
	}
	p.mu.Unlock()
	return err
}

// deviceFailed stops the transport after a failed Write.
func (e *engine) deviceFailed(err error) {
	p := e.p
	e.audible = false
	p.mu.Lock()
	p.writeErr = err
	if p.state != StateIdle {
		p.state = StateIdle
		p.gen++
	}
	p.mu.Unlock()
	p.log.Error("player: audio output failed", "output", p.out.Name(), "err", err)
	p.changed()
}
