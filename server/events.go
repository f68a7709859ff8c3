package server

import (
	"bufio"
	"customerroom/media"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Event is one Server-Sent Event: its type (player, kiosk, library) and JSON data.
type Event struct {
	Type string
	Data []byte
}

// Broker fans events out to SSE clients. Publish never blocks: a client that
// cannot keep up is dropped (its browser reconnects and gets the latest state).
type Broker struct {
	mu      sync.Mutex
	clients map[chan Event]struct{}
	last    map[string]Event // latest event of each type, sent to new clients
	closed  bool
	done    chan struct{}
}

// NewBroker returns an empty broker.
func NewBroker() *Broker {
	return &Broker{clients: map[chan Event]struct{}{}, last: map[string]Event{}, done: make(chan struct{})}
}

// Publish sends v, marshalled to JSON, as an event of type typ to every client.
func (b *Broker) Publish(typ string, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		return
	}
	ev := Event{Type: typ, Data: data}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return
	}
	b.last[typ] = ev
	for ch := range b.clients {
		select {
		case ch <- ev:
		default:
			delete(b.clients, ch)
			close(ch)
		}
	}
}

// subscribe registers a client and queues the latest event of each type.
func (b *Broker) subscribe() (chan Event, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, false
	}
	ch := make(chan Event, 32)
	for _, ev := range b.last {
		ch <- ev
	}
	b.clients[ch] = struct{}{}
	return ch, true
}

func (b *Broker) unsubscribe(ch chan Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.clients[ch]; ok {
		delete(b.clients, ch)
		close(ch)
	}
}

// Clients is the number of connected streams.
func (b *Broker) Clients() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.clients)
}

// Close ends every stream; used at shutdown so open streams do not hold it up.
func (b *Broker) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return
	}
	b.closed = true
	close(b.done)
	for ch := range b.clients {
		delete(b.clients, ch)
		close(ch)
	}
}

// handleEvents streams events to one client until it goes away or the server stops.
func (s *Server) handleEvents(c *fiber.Ctx) error {
	ch, ok := s.events.subscribe()
	if !ok {
		return errorOf(media.EUnavailable, "server is shutting down")
	}
	c.Set("Content-Type", "text/event-stream")
	c.Set("Cache-Control", "no-cache")
	c.Set("Connection", "keep-alive")
	c.Set("X-Accel-Buffering", "no")
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		defer s.events.unsubscribe(ch)
		tick := time.NewTicker(s.cfg.KeepAlive)
		defer tick.Stop()
		fmt.Fprint(w, "retry: 2000\n\n")
		if w.Flush() != nil {
			return
		}
		for {
			select {
			case ev, ok := <-ch:
				if !ok {
					return
				}
				fmt.Fprintf(w, "event: %s\ndata: %s\n\n", ev.Type, ev.Data)
			case <-tick.C:
				fmt.Fprint(w, ": keepalive\n\n")
			case <-s.events.done:
				return
			}
			if w.Flush() != nil {
				return
			}
		}
	})
	return nil
}
