package server

import (
	"bufio"
	"customerroom/media"
	"customerroom/media/fanout"
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
	hub  *fanout.Hub[Event]
	mu   sync.Mutex
	last map[string]Event // latest event of each type, sent to new clients
	done chan struct{}
	once sync.Once
	// joins has a value after a client connects or leaves (buffered 1):
	// the player relay follows the position only while someone watches.
	joins chan struct{}
}

// NewBroker returns an empty broker.
func NewBroker() *Broker {
	return &Broker{hub: fanout.NewQueue[Event](32), last: map[string]Event{}, done: make(chan struct{}), joins: make(chan struct{}, 1)}
}

// joined notes that the number of clients changed.
func (b *Broker) joined() {
	select {
	case b.joins <- struct{}{}:
	default:
	}
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
	b.last[typ] = ev
	b.hub.Publish(ev)
}

// subscribe registers a client and queues the latest event of each type; ok
// is false once the broker is closed.
func (b *Broker) subscribe() (ch <-chan Event, cancel func(), ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	select {
	case <-b.done:
		return nil, nil, false
	default:
	}
	last := make([]Event, 0, len(b.last))
	for _, ev := range b.last {
		last = append(last, ev)
	}
	ch, leave := b.hub.Subscribe(last...)
	b.joined()
	return ch, func() { leave(); b.joined() }, true
}

// Clients is the number of connected streams.
func (b *Broker) Clients() int { return b.hub.Len() }

// Close ends every stream; used at shutdown so open streams do not hold it up.
func (b *Broker) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.once.Do(func() {
		close(b.done)
		b.hub.Close()
	})
}

// handleEvents streams events to one client until it goes away or the server stops.
func (s *Server) handleEvents(c *fiber.Ctx) error {
	ch, cancel, ok := s.events.subscribe()
	if !ok {
		return errorOf(media.EUnavailable, "server is shutting down")
	}
	c.Set("Content-Type", "text/event-stream")
	c.Set("Cache-Control", "no-cache")
	c.Set("Connection", "keep-alive")
	c.Set("X-Accel-Buffering", "no")
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		defer cancel()
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
