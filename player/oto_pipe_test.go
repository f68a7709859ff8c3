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
	p := newPCMPipe(4800)
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
	p := newPCMPipe(4800)
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
