package server

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"customerroom/player"
)

func TestBrokerNeverBlocksAndDropsSlowClients(t *testing.T) {
	b := NewBroker()
	fast, _, _ := b.subscribe()
	slow, _, _ := b.subscribe()
	done := make(chan struct{})
	go func() {
		for i := 0; i < 1000; i++ {
			b.Publish("player", i)
			select {
			case <-fast: // a fast reader keeps up
			default:
			}
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Publish blocked on a slow client")
	}
	// The slow client's channel was closed once its buffer filled.
	n := 0
	for range slow {
		n++
	}
	if n != cap(slow) {
		t.Errorf("slow client got %d events before being dropped, want its buffer of %d", n, cap(slow))
	}
	if got := b.Clients(); got != 1 {
		t.Errorf("clients after dropping the slow one = %d, want 1", got)
	}
}

func TestBrokerReplaysLatestStateToNewClients(t *testing.T) {
	b := NewBroker()
	b.Publish("player", map[string]string{"state": "playing"})
	b.Publish("player", map[string]string{"state": "paused"})
	b.Publish("kiosk", map[string]string{"screen": "home"})
	ch, _, _ := b.subscribe()
	got := map[string]string{}
	for i := 0; i < 2; i++ {
		ev := <-ch
		got[ev.Type] = string(ev.Data)
	}
	if got["player"] != `{"state":"paused"}` || got["kiosk"] != `{"screen":"home"}` {
		t.Errorf("replayed %v, want the latest of each type", got)
	}
	b.Close()
	if _, ok := <-ch; ok {
		t.Error("Close left a client stream open")
	}
	if _, _, ok := b.subscribe(); ok {
		t.Error("subscribe after Close succeeded")
	}
}

// idlePlayer is a Player that never changes: the SSE test needs only its stream.
type idlePlayer struct{ Player }

func (idlePlayer) Subscribe() (<-chan player.State, func()) {
	return make(chan player.State), func() {}
}
func (idlePlayer) SubscribeChanges() (<-chan player.State, func()) {
	return make(chan player.State), func() {}
}
func (idlePlayer) State() player.State { return player.State{State: player.StateIdle} }

// TestEventsStreamKeepAliveAndShutdown runs the real server on a loopback
// port: an idle stream gets keepalive comments, and shutdown ends it promptly.
func TestEventsStreamKeepAliveAndShutdown(t *testing.T) {
	s := New(Config{Player: idlePlayer{}, KeepAlive: 100 * time.Millisecond})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, ln) }()

	resp, err := http.Get("http://" + ln.Addr().String() + "/api/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	keepalives := 0
	for keepalives < 2 && sc.Scan() {
		if strings.HasPrefix(sc.Text(), ": keepalive") {
			keepalives++
		}
	}
	if keepalives < 2 {
		t.Fatalf("stream ended before two keepalives: %v", sc.Err())
	}
	s.Events().Publish("library", map[string]int{"recordings": 5})
	for sc.Scan() {
		if sc.Text() == `data: {"recordings":5}` {
			break
		}
	}
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(4 * time.Second):
		t.Fatal("Run did not return with an open event stream")
	}
	if d := time.Since(start); d > 3500*time.Millisecond {
		t.Errorf("shutdown took %v with an open stream", d)
	}
}

// countingPlayer counts the live subscriptions of each kind.
type countingPlayer struct {
	idlePlayer
	mu        sync.Mutex
	watchers  int // Subscribe: position updates
	followers int // SubscribeChanges: transitions only
}

func (p *countingPlayer) Subscribe() (<-chan player.State, func()) {
	return p.sub(&p.watchers)
}
func (p *countingPlayer) SubscribeChanges() (<-chan player.State, func()) {
	return p.sub(&p.followers)
}
func (p *countingPlayer) sub(n *int) (<-chan player.State, func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	*n++
	var once sync.Once
	return make(chan player.State), func() {
		once.Do(func() {
			p.mu.Lock()
			defer p.mu.Unlock()
			*n--
		})
	}
}

// waitSubs waits until the player has the given subscriptions.
func (p *countingPlayer) waitSubs(t *testing.T, watchers, followers int, why string) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for {
		p.mu.Lock()
		w, f := p.watchers, p.followers
		p.mu.Unlock()
		if w == watchers && f == followers {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d position and %d transition subscriptions, want %d and %d", why, w, f, watchers, followers)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestPlayerPositionFollowedOnlyWhileWatched runs the real server: with no
// screen connected, the server follows only the player's transitions (so a
// call playing to an empty room costs no position updates); the first screen
// switches it to the position and gets the player's state at once; when the
// last one goes, it switches back.
func TestPlayerPositionFollowedOnlyWhileWatched(t *testing.T) {
	pl := &countingPlayer{}
	s := New(Config{Player: pl, KeepAlive: 50 * time.Millisecond})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.Run(ctx, ln)
	pl.waitSubs(t, 0, 1, "no screen")

	cctx, leave := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(cctx, "GET", "http://"+ln.Addr().String()+"/api/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	pl.waitSubs(t, 1, 0, "one screen")
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() && sc.Text() != "event: player" {
	}
	if !sc.Scan() || sc.Text() != `data: {"state":"idle","item":null,"position_ms":0,"duration_ms":0,"volume":0,"max_volume":0,"queue":null}` {
		t.Errorf("the screen's first player event: %q (%v)", sc.Text(), sc.Err())
	}
	leave()
	pl.waitSubs(t, 0, 1, "the screen gone")
}
