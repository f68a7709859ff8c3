package player

// This is the only file that knows about oto/v2 (deprecated upstream): swap
// it for another driver without touching the engine.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"
	"time"

	"github.com/hajimehoshi/oto/v2"
)

// The audio path from the engine to the speaker, each stage a queue: the
// engine renders otoBlock at a time into the pipe (otoPipe), oto's mux keeps
// its player buffer topped up to otoPlayerBuf from it, and oto's ALSA thread
// takes one period (half of otoBuffer) at a time from that buffer into the
// device's ring of two periods, blocking while the ring is full. The player
// buffer must hold a period when the ALSA thread asks, or the period is
// padded with silence (a dropout); the pipe is the deep part that rides out
// a busy CPU. A play or resume starts with the pipe empty, and a pause or a
// seek cuts it down to a 15 ms fade (Cut), so a tap is heard after the
// player buffer and the ring only. scripts/bench.d/latency.sh, two CPU hogs
// running: play/resume about 82 ms (88 at most), pause to silence about
// 240 ms, where the earlier 100/150/50 ms sizes without cuts gave 160 and
// 390 ms. A 20 ms ring with 50 ms of player buffer measured 70 and 135 ms,
// but the race-detector build then dropped periods now and then in
// TestOtoEndToEndThroughALSAFilePlugin on a loaded machine; these sizes
// passed it as often as the old ones.
const (
	otoBuffer    = 40 * time.Millisecond
	otoPlayerBuf = 100 * time.Millisecond
	otoPipe      = 150 * time.Millisecond
	otoBlock     = 10 * time.Millisecond
	otoReadyWait = 5 * time.Second
)

// oto can open one context per process, ever.
var (
	otoOnce sync.Once
	otoCtx  *oto.Context
	otoErr  error
)

func otoContext() (*oto.Context, error) {
	otoOnce.Do(func() {
		ctx, ready, err := oto.NewContextWithOptions(&oto.NewContextOptions{
			SampleRate:   SampleRate,
			ChannelCount: Channels,
			Format:       oto.FormatFloat32LE,
			BufferSize:   otoBuffer,
		})
		if err != nil {
			otoErr = err
			return
		}
		select {
		case <-ready:
		case <-time.After(otoReadyWait):
			otoErr = fmt.Errorf("oto: device not ready after %s", otoReadyWait)
			return
		}
		// oto reports a missing device only here, after ready.
		if err := ctx.Err(); err != nil {
			otoErr = err
			return
		}
		otoCtx = ctx
	})
	return otoCtx, otoErr
}

// OtoOutput plays through ALSA with oto/v2.
type OtoOutput struct {
	ctx    *oto.Context
	player oto.Player
	pipe   *pcmPipe
}

// NewOtoOutput opens the default ALSA device (48 kHz stereo float32, 40 ms
// of device buffer). The context is created once per process; a
// missing device is returned as the error (OpenOutput turns it into a dead
// output so the server still starts and says so in /api/health).
func NewOtoOutput() (Output, error) {
	ctx, err := otoContext()
	if err != nil {
		return nil, fmt.Errorf("alsa: %w", err)
	}
	pipe := newPCMPipe(int(otoPipe.Seconds() * SampleRate * Channels))
	pl := ctx.NewPlayer(pipe)
	if bs, ok := pl.(oto.BufferSizeSetter); ok {
		bs.SetBufferSize(int(otoPlayerBuf.Seconds()*SampleRate) * Channels * 4)
	}
	pl.Play()
	return &OtoOutput{ctx: ctx, player: pl, pipe: pipe}, nil
}

// Write queues samples, blocking while the pipe is full: the device's
// consumption paces the engine.
func (o *OtoOutput) Write(samples []float32) (int, error) {
	if err := o.Err(); err != nil {
		return 0, err
	}
	return o.pipe.write(samples)
}

// Err reports the device's error (ALSA open or write failure) or the player's.
func (o *OtoOutput) Err() error {
	if err := o.ctx.Err(); err != nil {
		return fmt.Errorf("alsa: %w", err)
	}
	if err := o.player.Err(); err != nil {
		return fmt.Errorf("alsa: %w", err)
	}
	return nil
}

// Name is "alsa".
func (o *OtoOutput) Name() string { return "alsa" }

// Interrupt makes a Write blocked on the full pipe return early (Cutter).
func (o *OtoOutput) Interrupt() { o.pipe.interrupt() }

// Cut fades the queued audio out over its first fade frames and drops the
// rest, so a pause or a seek is heard after the device's own buffers only
// (Cutter). It returns the frames dropped, or -1 when too little is queued.
func (o *OtoOutput) Cut(fade int) int { return o.pipe.cut(fade) }

// BlockFrames is otoBlock in frames: the engine's block on this output.
func (o *OtoOutput) BlockFrames() int { return int(otoBlock.Seconds() * SampleRate) }

// Delay is what stands between a Write and the speaker: the pipe, oto's
// player buffer, the period oto's ALSA thread holds and the device's ring
// (assumed full: the thread blocks on it while streaming).
func (o *OtoOutput) Delay() time.Duration {
	frames := o.pipe.buffered()/Channels + o.player.UnplayedBufferSize()/(4*Channels)
	return time.Duration(frames)*time.Second/SampleRate + otoBuffer*3/2
}

// Close lets the queued audio drain (at most about 100 ms, inside the
// player's shutdown budget), then releases the player. The context stays:
// oto cannot open a second one.
func (o *OtoOutput) Close() error {
	deadline := time.Now().Add(otoPlayerBuf + otoPipe + 50*time.Millisecond)
	for (o.pipe.buffered() > 0 || o.player.UnplayedBufferSize() > 0) && time.Now().Before(deadline) && o.ctx.Err() == nil {
		time.Sleep(5 * time.Millisecond)
	}
	if o.ctx.Err() == nil {
		time.Sleep(otoBuffer) // what is still in the device's own buffer
	}
	o.pipe.close()
	return o.player.Close()
}

// pcmPipe is the io.Reader oto pulls from. oto calls Read from more than one
// goroutine (its mux loop and Play), so everything is under mu. Read never
// blocks for long: when the engine has nothing queued (idle, paused) it hands
// oto silence so its loop does not spin.
type pcmPipe struct {
	mu     sync.Mutex
	buf    []float32 // ring
	r, n   int       // read index, samples queued
	closed bool
	// lastWrite is when the engine last queued samples: while it is
	// streaming, Read waits for it instead of handing oto silence.
	lastWrite time.Time
	space     chan struct{} // signalled when Read frees room
	data      chan struct{} // signalled when Write adds samples
	intr      bool          // a blocked write returns early (see interrupt)
}

func newPCMPipe(size int) *pcmPipe {
	return &pcmPipe{buf: make([]float32, size), space: make(chan struct{}, 1), data: make(chan struct{}, 1)}
}

func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

var errPipeClosed = errors.New("alsa: output closed")

func (p *pcmPipe) write(s []float32) (int, error) {
	total := len(s)
	p.mu.Lock()
	p.intr = false // an interrupt is for a write already waiting
	p.mu.Unlock()
	for len(s) > 0 {
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			return total - len(s), errPipeClosed
		}
		free := len(p.buf) - p.n
		k := min(free, len(s))
		for i := 0; i < k; i++ {
			p.buf[(p.r+p.n+i)%len(p.buf)] = s[i]
		}
		p.n += k
		p.lastWrite = time.Now()
		p.mu.Unlock()
		if k > 0 {
			signal(p.data)
		}
		s = s[k:]
		if len(s) > 0 {
			p.mu.Lock()
			intr := p.intr
			p.intr = false
			p.mu.Unlock()
			if intr {
				return total - len(s), nil
			}
			<-p.space
		}
	}
	return total, nil
}

// interrupt makes a write blocked on a full pipe return at once with what it
// queued: the engine has a tap to act on and will cut the queue.
func (p *pcmPipe) interrupt() {
	p.mu.Lock()
	p.intr = true
	p.mu.Unlock()
	signal(p.space)
}

// cut keeps at most fade frames of the queue, faded to silence over them,
// and drops the rest. It returns the frames dropped, or -1 (nothing
// changed) when fewer than fade frames are queued: then the caller fades.
func (p *pcmPipe) cut(fade int) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.intr = false
	frames := p.n / Channels
	if frames < fade || fade <= 0 {
		return -1
	}
	for i := 0; i < fade; i++ {
		g := float32(fade-1-i) / float32(fade)
		for c := 0; c < Channels; c++ {
			k := (p.r + i*Channels + c) % len(p.buf)
			p.buf[k] *= g
		}
	}
	p.n = fade * Channels
	signal(p.space)
	return frames - fade
}

func (p *pcmPipe) buffered() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n
}

func (p *pcmPipe) close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	signal(p.space)
	signal(p.data)
}

// How long Read waits for the engine before handing oto silence: briefly when
// the engine is idle, longer while it is streaming, since silence slipped into
// a call is a dropout the listener hears as a click. oto's player buffer
// (otoPlayerBuf) is larger than the streaming wait, so waiting here never
// starves the device.
const (
	pipeIdleWait      = 20 * time.Millisecond
	pipeStreamingWait = 100 * time.Millisecond
	streamingWindow   = 250 * time.Millisecond
)

// Read implements io.Reader for oto (float32 little endian).
func (p *pcmPipe) Read(b []byte) (int, error) {
	want := len(b) / 4 / Channels * Channels
	if want == 0 {
		return 0, nil
	}
	p.mu.Lock()
	if p.n == 0 && !p.closed {
		wait := pipeIdleWait
		if time.Since(p.lastWrite) < streamingWindow {
			wait = pipeStreamingWait
		}
		// p.data may hold a stale signal from a write already consumed, so
		// wake-ups are re-checked until the deadline: returning silence on a
		// stale signal put 5 ms holes into calls.
		timeout := time.NewTimer(wait)
		defer timeout.Stop()
		for p.n == 0 && !p.closed {
			p.mu.Unlock()
			expired := false
			select {
			case <-p.data:
			case <-timeout.C:
				expired = true
			}
			p.mu.Lock()
			if expired {
				break
			}
		}
	}
	defer p.mu.Unlock()
	if p.closed && p.n == 0 {
		return 0, io.EOF
	}
	if p.n == 0 {
		// Nothing to play: silence, a few milliseconds at a time.
		k := min(want, SampleRate*Channels/200)
		clear(b[:k*4])
		return k * 4, nil
	}
	k := min(want, p.n/Channels*Channels)
	for i := 0; i < k; i++ {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(p.buf[(p.r+i)%len(p.buf)]))
	}
	p.r = (p.r + k) % len(p.buf)
	p.n -= k
	signal(p.space)
	return k * 4, nil
}
