package server

import (
	"customerroom/media"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Limit is a token bucket: Burst requests at once, refilled at Rate a second.
type Limit struct {
	Rate  float64
	Burst float64
}

type bucket struct {
	tokens float64
	at     time.Time
}

// take refills b for the time since it was last used and spends one token.
// It returns how long to wait for the next token when there is none.
func (b *bucket) take(l Limit, now time.Time) (bool, time.Duration) {
	if b.at.IsZero() {
		b.tokens = l.Burst
	} else if dt := now.Sub(b.at).Seconds(); dt > 0 {
		b.tokens = math.Min(l.Burst, b.tokens+dt*l.Rate)
	}
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / l.Rate * float64(time.Second))
}

// limiter limits requests per client address and in total, so neither one
// noisy device nor many of them can flood the catalog with reactions.
type limiter struct {
	mu      sync.Mutex
	client  Limit
	total   Limit
	buckets map[string]*bucket
	global  bucket
	clock   media.Clock
}

// maxClients caps the per-client table; past it the table is cleared (the
// global bucket still holds), so a sweep of addresses cannot grow memory.
const maxClients = 4096

func newLimiter(client, total Limit, clock media.Clock) *limiter {
	if clock == nil {
		clock = media.RealClock
	}
	return &limiter{client: client, total: total, buckets: map[string]*bucket{}, clock: clock}
}

// allow spends a token from key's bucket and from the global one.
func (l *limiter) allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= maxClients {
			clear(l.buckets)
		}
		b = &bucket{}
		l.buckets[key] = b
	}
	if ok, wait := b.take(l.client, now); !ok {
		return false, wait
	}
	if ok, wait := l.global.take(l.total, now); !ok {
		b.tokens++ // the client's token was not used
		return false, wait
	}
	return true, 0
}

// limit is the middleware: 429 with Retry-After when a bucket is empty.
func (s *Server) limit(l *limiter) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ok, wait := l.allow(s.remoteAddr(c).String())
		if ok {
			return c.Next()
		}
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		return errorOf(media.ETooMany, "too many requests: slow down and try again in a moment")
	}
}
