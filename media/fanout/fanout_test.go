package fanout

import (
	"sync"
	"testing"
)

func TestLatestKeepsOnlyTheNewest(t *testing.T) {
	h := NewLatest[int]()
	ch, cancel := h.Subscribe(0)
	for i := 1; i <= 100; i++ {
		h.Publish(i) // nobody reads: must not block
	}
	if v := <-ch; v != 100 {
		t.Errorf("slow reader got %d, want the latest, 100", v)
	}
	cancel()
	cancel() // twice is fine
	if _, ok := <-ch; ok {
		t.Error("channel still open after cancel")
	}
	if h.Len() != 0 {
		t.Errorf("Len = %d after cancel", h.Len())
	}
}

func TestQueueDeliversInOrderAndDropsTheSlow(t *testing.T) {
	h := NewQueue[int](4)
	fast, cancel := h.Subscribe(-2, -1)
	defer cancel()
	slow, _ := h.Subscribe()
	var got []int
	for i := range 10 {
		h.Publish(i)
		for len(fast) > 0 {
			got = append(got, <-fast)
		}
	}
	want := []int{-2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	if len(got) != len(want) {
		t.Fatalf("fast reader got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("fast reader got %v, want %v", got, want)
		}
	}
	n := 0
	for range slow {
		n++
	}
	if n != 4 || h.Len() != 1 {
		t.Errorf("slow reader got %d values before being dropped (want 4); %d subscribers left (want 1)", n, h.Len())
	}
}

func TestCloseEndsEveryStream(t *testing.T) {
	h := NewQueue[string](8)
	a, _ := h.Subscribe()
	h.Close()
	if _, ok := <-a; ok {
		t.Error("open after Close")
	}
	b, cancel := h.Subscribe("x")
	cancel()
	if _, ok := <-b; ok {
		t.Error("a subscription after Close is open")
	}
	h.Publish("y") // no panic on a closed hub
}

func TestConcurrentPublishAndCancel(t *testing.T) {
	h := NewLatest[int]()
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				ch, cancel := h.Subscribe(i)
				h.Publish(i)
				<-ch
				cancel()
			}
		}()
	}
	wg.Wait()
	if h.Len() != 0 {
		t.Errorf("Len = %d", h.Len())
	}
}
