package player

import (
	"encoding/binary"
	"math"
	"testing"
	"time"
)

// TestPipeWaitsForTheEngineWhileStreaming: oto's reader must get the
// engine's next samples, not silence, when the pipe runs dry mid-call. A
// stale wake-up signal (left by a write that an earlier Read consumed) used
// to make Read hand oto 5 ms of silence at once: an audible hole.
func TestPipeWaitsForTheEngineWhileStreaming(t *testing.T) {
	p := newPCMPipe(4800, 1)
	one := []float32{0.5, 0.5}
	// Two writes leave a data signal behind after one Read takes both.
	p.write(one)
	p.write(one)
	b := make([]byte, 4096)
	if n, _ := p.Read(b); n != 16 {
		t.Fatalf("first read %d bytes, want 16", n)
	}
	go func() {
		time.Sleep(30 * time.Millisecond) // longer than the idle wait, shorter than the streaming one
		p.write(one)
	}()
	n, err := p.Read(b)
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 || math.Float32frombits(binary.LittleEndian.Uint32(b)) != 0.5 {
		t.Fatalf("read %d bytes starting %v while the engine was streaming, want its samples, not silence", n, b[:4])
	}
}

// TestPipeGivesSilenceWhenIdle: with no engine writing, oto gets short
// silences so its loop neither blocks for long nor spins.
func TestPipeGivesSilenceWhenIdle(t *testing.T) {
	p := newPCMPipe(4800, 1)
	b := make([]byte, 4096)
	start := time.Now()
	n, err := p.Read(b)
	if err != nil || n == 0 {
		t.Fatalf("idle read: %d, %v", n, err)
	}
	for _, c := range b[:n] {
		if c != 0 {
			t.Fatal("idle read is not silence")
		}
	}
	if d := time.Since(start); d < pipeIdleWait || d > pipeStreamingWait {
		t.Errorf("idle read took %v, want about %v", d, pipeIdleWait)
	}
}

// TestPipeWakesTheWriterForAWholeBlock: oto reads the pipe a little at a
// time; a writer waiting on a full pipe is woken when a whole block is free,
// not at each read (a wake-up of the engine per read).
func TestPipeWakesTheWriterForAWholeBlock(t *testing.T) {
	const size, block = 4800, 960
	p := newPCMPipe(size, block)
	p.write(make([]float32, size))
	done := make(chan struct{})
	go func() {
		defer close(done)
		p.write(make([]float32, block))
	}()
	time.Sleep(50 * time.Millisecond) // the writer waits on the full pipe
	b := make([]byte, 4*100)
	for range 9 { // 900 samples free: less than a block
		p.Read(b)
	}
	time.Sleep(20 * time.Millisecond)
	if n := p.buffered(); n != size-900 {
		t.Fatalf("%d samples queued with 900 free, want %d: the writer was woken for less than a block", n, size-900)
	}
	p.Read(b) // 1,000 free
	select {
	case <-done:
	case <-time.After(time.Second):
		t.Fatal("the writer is still waiting with a block free")
	}
	if n := p.buffered(); n != size-1000+block {
		t.Errorf("%d samples queued, want %d", n, size-1000+block)
	}
}
