package kiosk

import (
	"context"
	"sync"
	"testing"
	"time"

	"customerroom/media"
)

// racingStore answers the session as two votes see it: the first reader
// gets the older tally (1 vote) and is held until the second reader has
// read (2 votes) or 200 ms have passed, as a slow read under load would be.
type racingStore struct {
	WorkshopStore
	mu     sync.Mutex
	reads  int
	second chan struct{}
}

func (s *racingStore) Workshop(context.Context, int64) (media.Workshop, error) {
	s.mu.Lock()
	s.reads++
	n := s.reads
	s.mu.Unlock()
	w := media.Workshop{ID: 1, State: media.WorkshopLive, Title: "Atelier", Tally: &media.Tally{Count: n}}
	if n == 1 {
		select {
		case <-s.second:
		case <-time.After(200 * time.Millisecond):
		}
		return w, nil
	}
	close(s.second)
	return w, nil
}

// TestWorkshopPushesNeverCross: two votes' pushes read the session in one
// order; the room's screen must end on the later tally, never on an older
// one shown last (under load, 60 phones voting at once once left it on 59).
func TestWorkshopPushesNeverCross(t *testing.T) {
	r, _, _, _ := newTestRoom(t)
	s := &Sessions{Store: &racingStore{second: make(chan struct{})}, Room: r}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); s.changed(context.Background(), 1) }()
	time.Sleep(20 * time.Millisecond) // the first vote's read is under way
	go func() { defer wg.Done(); s.changed(context.Background(), 1) }()
	wg.Wait()
	if w := r.State().Workshop; w == nil || w.Tally == nil || w.Tally.Count != 2 {
		t.Fatalf("the room shows %+v, want the later tally (2 votes)", w)
	}
}
