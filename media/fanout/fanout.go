// Package fanout hands values from one publisher to many subscribers without
// ever blocking the publisher: the player's state, the room's screen and the
// server's live events all go out through a Hub.
package fanout

import "sync"

// Hub fans values out to subscribers. Publish never blocks. What a slow
// subscriber misses depends on how the hub was made: NewLatest keeps only the
// newest unread value, NewQueue drops a subscriber that falls too far behind.
type Hub[T any] struct {
	mu     sync.Mutex
	subs   map[chan T]struct{}
	queue  int // 0: latest only; >0: channel capacity, a full channel is dropped
	closed bool
}

// NewLatest returns a hub whose subscribers always hold the latest value: a
// slow reader misses intermediate values, never the last one.
func NewLatest[T any]() *Hub[T] { return &Hub[T]{subs: map[chan T]struct{}{}} }

// NewQueue returns a hub whose subscribers get every value in order, up to n
// unread; one that falls further behind is dropped (its channel closed) so it
// can reconnect and start again from the current state.
func NewQueue[T any](n int) *Hub[T] { return &Hub[T]{subs: map[chan T]struct{}{}, queue: max(n, 1)} }

// Subscribe returns a channel of published values, first holding the given
// values, and a cancel func that unsubscribes and closes it (safe to call more
// than once). On a closed hub the channel comes back closed and empty.
func (h *Hub[T]) Subscribe(first ...T) (<-chan T, func()) {
	size := h.queue
	if size == 0 {
		size = 1
		if len(first) > 1 {
			first = first[len(first)-1:]
		}
	}
	ch := make(chan T, max(size, len(first)))
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		close(ch)
		return ch, func() {}
	}
	for _, v := range first {
		ch <- v
	}
	h.subs[ch] = struct{}{}
	return ch, func() { h.drop(ch) }
}

func (h *Hub[T]) drop(ch chan T) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.dropLocked(ch)
}

func (h *Hub[T]) dropLocked(ch chan T) {
	if _, ok := h.subs[ch]; ok {
		delete(h.subs, ch)
		close(ch)
	}
}

// Publish hands v to every subscriber without waiting for any of them.
func (h *Hub[T]) Publish(v T) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs {
		select {
		case ch <- v:
			continue
		default:
		}
		if h.queue > 0 {
			h.dropLocked(ch)
			continue
		}
		// Latest only: replace the unread value. Publish holds h.mu, so no
		// other publisher refills the channel between the two steps.
		select {
		case <-ch:
		default:
		}
		ch <- v
	}
}

// Len is the number of subscribers.
func (h *Hub[T]) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

// Close closes every subscriber's channel; later subscribers get a closed one.
func (h *Hub[T]) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for ch := range h.subs {
		h.dropLocked(ch)
	}
}
