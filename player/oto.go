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
// seek (Cut) fades at oto's mixer and drops the pipe and oto's player
// buffer with the player itself, so a tap is heard after the period being
// written and the ring only. scripts/bench.d/latency.sh, two CPU hogs
// running: play/resume about 78 ms, pause to silence about 98 ms (240 ms
// when the player buffer had to play out). A 30 ms ring gave about 88 ms to
// silence, but one run of the race-detector build of
// TestOtoEndToEndThroughALSAFilePlugin then found an extra gap; a 20 ms ring
// (75 ms) underran at the card. The earlier 100/150/50 ms sizes without
// cuts gave 160 and 390 ms.
const (
	otoBuffer    = 40 * time.Millisecond
	otoPlayerBuf = 100 * time.Millisecond
	otoPipe      = 150 * time.Millisecond
	otoBlock     = 40 * time.Millisecond
	otoReadyWait = 5 * time.Second
)

// otoPeriodBytes is what oto's ALSA thread mixes at a time: half of
// otoBuffer (oto asks ALSA for two periods). Were the device to grant a
// larger period, a cut would count less as heard than was, and a resume
// would repeat a little of the faded audio: never skip any.
const otoPeriodBytes = int(otoBuffer/2*SampleRate/time.Second) * Channels * 4

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
	ctx *oto.Context

	// The player and the pipe it reads: replaced after each Cut (the
	// engine's goroutine swaps them; the watchdog and Interrupt read them).
	mu     sync.Mutex
	player oto.Player
	pipe   *pcmPipe
	// cut is set by Cut, which closes the player: the next Write opens a
	// new one. oto's Player.Play on a player whose buffer was emptied
	// would read the pipe beside oto's mixer loop into the same buffer
	// (a data race inside oto), hence a new player rather than Play again.
	cut bool
	// suspended: oto's context is suspended (Rest), its ALSA thread
	// waiting instead of writing silence; the next Write resumes it.
	suspended bool
	// rests counts Rest and Write calls: a rest that finds it moved on
	// was overtaken by a Write and leaves the device running.
	rests uint64
}

var _ Rester = (*OtoOutput)(nil)

// NewOtoOutput opens the default ALSA device (48 kHz stereo float32, 40 ms
// of device buffer). The context is created once per process; a
// missing device is returned as the error (OpenOutput turns it into a dead
// output so the server still starts and says so in /api/health).
func NewOtoOutput() (Output, error) {
	ctx, err := otoContext()
	if err != nil {
		return nil, fmt.Errorf("alsa: %w", err)
	}
	o := &OtoOutput{ctx: ctx}
	pl, _ := o.open()
	pl.Play()
	if err := ctx.Resume(); err != nil { // an earlier output may have rested it
		return nil, fmt.Errorf("alsa: %w", err)
	}
	return o, nil
}

// open makes a new pipe and a player reading it, not yet playing.
func (o *OtoOutput) open() (oto.Player, *pcmPipe) {
	pipe := newPCMPipe(int(otoPipe.Seconds()*SampleRate*Channels), o.BlockFrames()*Channels)
	pl := o.ctx.NewPlayer(pipe)
	if bs, ok := pl.(oto.BufferSizeSetter); ok {
		bs.SetBufferSize(int(otoPlayerBuf.Seconds()*SampleRate) * Channels * 4)
	}
	o.mu.Lock()
	o.player, o.pipe = pl, pipe
	o.mu.Unlock()
	return pl, pipe
}

// current returns the player and its pipe.
func (o *OtoOutput) current() (oto.Player, *pcmPipe) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.player, o.pipe
}

// Write queues samples, blocking while the pipe is full: the device's
// consumption paces the engine. The first Write after a Cut starts a new
// player once its pipe holds these samples.
func (o *OtoOutput) Write(samples []float32) (int, error) {
	if err := o.Err(); err != nil {
		return 0, err
	}
	o.mu.Lock()
	o.rests++
	cut, suspended := o.cut, o.suspended
	o.cut, o.suspended = false, false
	pl, pipe := o.player, o.pipe
	o.mu.Unlock()
	if suspended {
		// A rested device's ring is empty: oto first fills it with
		// silence, as a running device's is, so the call's first periods
		// are paced by the card rather than taken two at once before the
		// player's buffer has filled (a loaded machine then heard holes).
		if err := o.ctx.Resume(); err != nil {
			return 0, fmt.Errorf("alsa: resume: %w", err)
		}
		time.Sleep(otoBuffer)
	}
	if cut {
		pl, pipe = o.open()
	}
	n, err := pipe.write(samples)
	if cut {
		pl.Play() // fills its buffer from the pipe, then joins oto's mixer
	}
	return n, err
}

// Rest tells the output the engine has nothing more to write for now (the
// queue ended or was stopped; Rester). Once what is queued has been heard, the player is
// closed and oto's context suspended: an idle room's card then gets no
// writes at all, where oto would mix and write silence 50 times a second
// for as long as the server runs. The next Write resumes it; the device
// recovers from the underrun its rest left (snd_pcm_recover, in oto).
func (o *OtoOutput) Rest() {
	o.mu.Lock()
	o.rests++
	n := o.rests
	o.mu.Unlock()
	go o.restAfter(n)
}

// restAfter suspends the device once the queue has played out, unless a
// Write or another Rest (number n no longer the last) came first.
func (o *OtoOutput) restAfter(n uint64) {
	pl, pipe := o.current()
	o.playOut(pl, pipe)
	o.mu.Lock()
	defer o.mu.Unlock()
	if n != o.rests || o.suspended || o.ctx.Err() != nil {
		return
	}
	if !o.cut {
		o.player.Close()
		o.pipe.close()
		o.cut = true
	}
	if o.ctx.Suspend() == nil {
		o.suspended = true
	}
}

// Err reports the device's error (ALSA open or write failure) or the player's.
func (o *OtoOutput) Err() error {
	if err := o.ctx.Err(); err != nil {
		return fmt.Errorf("alsa: %w", err)
	}
	pl, _ := o.current()
	if err := pl.Err(); err != nil {
		return fmt.Errorf("alsa: %w", err)
	}
	return nil
}

// Name is "alsa".
func (o *OtoOutput) Name() string { return "alsa" }

// Interrupt makes a Write blocked on the full pipe return early (Cutter).
func (o *OtoOutput) Interrupt() {
	_, pipe := o.current()
	pipe.interrupt()
}

// Cut silences the output within about a period and drops everything
// queued behind the fade (Cutter): a pause or a seek is heard after the
// period ALSA is writing and the device's ring only, not after oto's
// player buffer (about 100 ms more, which cannot be cut from outside). The
// fade is oto's own: its mixer ramps a volume change over the next period
// it mixes. Cut returns the frames written but never heard, so the engine
// resumes right after the fade, or -1 when less than fade frames are
// queued (the engine then renders a fade itself).
//
// Counting exactly what was heard: the pipe stops feeding oto first (Read
// blocks while held), so oto's buffer only shrinks, one period per mix;
// the first period mixed after the volume change is the fade, and what is
// left after it is dropped with the pipe's contents. If a period is mixed
// between the two looks around SetVolume, it is taken for the fade and the
// output waits for one more period before closing the player: at worst a
// faded period is heard again on resume, never a part skipped.
func (o *OtoOutput) Cut(fade int) int {
	const frameBytes = 4 * Channels
	o.mu.Lock()
	pl, pipe, cut := o.player, o.pipe, o.cut
	o.mu.Unlock()
	if cut || fade <= 0 || pipe.buffered()/Channels+pl.UnplayedBufferSize()/frameBytes < fade {
		return -1
	}
	piped := pipe.hold()
	// A Read that returned just before the hold is appended to oto's
	// buffer within microseconds; let it land before counting.
	time.Sleep(time.Millisecond)
	u0 := pl.UnplayedBufferSize()
	pl.SetVolume(0)
	u := pl.UnplayedBufferSize()
	// waitMix waits until oto's buffer shrinks below from (a period was mixed).
	deadline := time.Now().Add(4 * otoBuffer)
	waitMix := func(from int) int {
		for {
			v := pl.UnplayedBufferSize()
			if v < from || time.Now().After(deadline) || o.ctx.Err() != nil {
				return v
			}
			time.Sleep(time.Millisecond)
		}
	}
	if u == u0 {
		u = waitMix(u0) // the fade
	} else {
		waitMix(u) // the fade, or a silent period after it
	}
	// Bytes of oto's buffer mixed at a volume above 0: one period at most.
	// A slow poll can see two periods gone, the second mixed at volume 0.
	heard := min(u0-u, otoPeriodBytes)
	pl.Close() // leaves oto's mixer with what it still held
	pipe.close()
	o.mu.Lock()
	o.cut = true
	o.mu.Unlock()
	return piped + (u0-heard)/frameBytes
}

// BlockFrames is otoBlock in frames: the engine's block on this output.
func (o *OtoOutput) BlockFrames() int { return int(otoBlock.Seconds() * SampleRate) }

// Delay is what stands between a Write and the speaker: the pipe, oto's
// player buffer, the period oto's ALSA thread holds and the device's ring
// (assumed full: the thread blocks on it while streaming).
func (o *OtoOutput) Delay() time.Duration {
	pl, pipe := o.current()
	frames := pipe.buffered()/Channels + pl.UnplayedBufferSize()/(4*Channels)
	return time.Duration(frames)*time.Second/SampleRate + otoBuffer*3/2
}

// Close lets the queued audio drain (at most about 100 ms, inside the
// player's shutdown budget), then releases the player. The context stays:
// oto cannot open a second one.
func (o *OtoOutput) Close() error {
	o.mu.Lock()
	o.rests++ // a pending rest has nothing left to do
	pl, pipe, cut := o.player, o.pipe, o.cut
	o.mu.Unlock()
	if cut {
		return nil // closed by a cut or a rest
	}
	o.playOut(pl, pipe)
	pipe.close()
	return pl.Close()
}

// playOut waits until what pipe and pl hold has been heard: until both are
// empty (at most as long as they can hold), then for the device's ring
// (otoBuffer) and the period oto's ALSA thread is waiting to write into it
// (half of it). A failed device has nothing more to play.
func (o *OtoOutput) playOut(pl oto.Player, pipe *pcmPipe) {
	deadline := time.Now().Add(otoPlayerBuf + otoPipe + 50*time.Millisecond)
	for (pipe.buffered() > 0 || pl.UnplayedBufferSize() > 0) && time.Now().Before(deadline) && o.ctx.Err() == nil {
		time.Sleep(5 * time.Millisecond)
	}
	if o.ctx.Err() == nil {
		time.Sleep(otoBuffer*3/2 + 10*time.Millisecond)
	}
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
	space     chan struct{} // signalled when Read frees room for a block
	block     int           // samples: Read wakes a waiting write once this much is free
	data      chan struct{} // signalled when Write adds samples
	intr      bool          // a blocked write returns early (see interrupt)
	// held stops Read handing oto anything (it blocks) from a cut until
	// the engine writes again: oto's buffer must only shrink while the
	// output counts what was heard.
	held bool
}

// newPCMPipe returns a pipe of size samples whose writer is woken when
// block samples are free (a whole engine block): oto reads a little at a
// time, and waking the engine for each read would cost a wake-up per read.
func newPCMPipe(size, block int) *pcmPipe {
	return &pcmPipe{buf: make([]float32, size), block: min(max(block, 1), size), space: make(chan struct{}, 1), data: make(chan struct{}, 1)}
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
	p.held = false
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

// hold drops what the pipe holds and makes Read wait (handing oto nothing)
// until the next write. It returns the frames dropped.
func (p *pcmPipe) hold() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.intr = false
	p.held = true
	frames := p.n / Channels
	p.n = 0
	signal(p.space)
	return frames
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
	for p.held && !p.closed {
		p.mu.Unlock()
		<-p.data
		p.mu.Lock()
	}
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
	if len(p.buf)-p.n >= p.block {
		signal(p.space)
	}
	return k * 4, nil
}
