package server

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"customerroom/media"
)

// latencyBuckets are the request duration histogram's upper bounds, seconds.
var latencyBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5}

// Metrics counts what /metrics reports in the Prometheus text format:
// requests by route and status with latency histograms, and the counters
// other parts add (imports, quarantines). Safe for concurrent use.
type Metrics struct {
	mu       sync.Mutex
	requests map[reqKey]*histogram
	counters map[string]float64 // full series name with labels → value
}

type reqKey struct{ method, route, status string }

type histogram struct {
	buckets []uint64
	count   uint64
	sum     float64
}

// NewMetrics returns empty metrics.
func NewMetrics() *Metrics {
	return &Metrics{requests: map[reqKey]*histogram{}, counters: map[string]float64{}}
}

// Add adds v to the counter name{labels} (labels as k, v pairs).
func (m *Metrics) Add(name string, v float64, labels ...string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.counters[series(name, labels...)] += v
}

func series(name string, labels ...string) string {
	if len(labels) == 0 {
		return name
	}
	var b strings.Builder
	b.WriteString(name + "{")
	for i := 0; i+1 < len(labels); i += 2 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%s=%q", labels[i], labels[i+1])
	}
	b.WriteString("}")
	return b.String()
}

func (m *Metrics) observe(k reqKey, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	h := m.requests[k]
	if h == nil {
		h = &histogram{buckets: make([]uint64, len(latencyBuckets))}
		m.requests[k] = h
	}
	sec := d.Seconds()
	for i, b := range latencyBuckets {
		if sec <= b {
			h.buckets[i]++
		}
	}
	h.count++
	h.sum += sec
}

// measure is the middleware that times every API request under its route
// pattern (never the raw path: ids and codes stay out of the metrics).
func (s *Server) measure(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	status := c.Response().StatusCode()
	if err != nil {
		status = statusOf[media.ErrorCode(err)]
		if fe, ok := err.(*fiber.Error); ok {
			status = fe.Code
		}
	}
	route := c.Route().Path
	if route == "" || route == "/" || strings.HasSuffix(route, "*") {
		route = "other"
	}
	// The key outlives the request: copy what Fiber lends (its method string
	// is the request buffer's, rewritten by the next request on the
	// connection, which left a stale key the map could no longer find).
	s.metrics.observe(reqKey{utils.CopyString(c.Method()), utils.CopyString(route), strconv.Itoa(status)}, time.Since(start))
	return err
}

// handleMetrics writes the metrics in the Prometheus text format.
func (s *Server) handleMetrics(c *fiber.Ctx) error {
	m := s.metrics
	var b strings.Builder
	m.mu.Lock()
	b.WriteString("# HELP customerroom_http_request_duration_seconds API requests by route and status.\n# TYPE customerroom_http_request_duration_seconds histogram\n")
	keys := make([]reqKey, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
	for _, k := range keys {
		h := m.requests[k]
		lbl := fmt.Sprintf(`method=%q,route=%q,status=%q`, k.method, k.route, k.status)
		for i, le := range latencyBuckets {
			fmt.Fprintf(&b, "customerroom_http_request_duration_seconds_bucket{%s,le=\"%g\"} %d\n", lbl, le, h.buckets[i])
		}
		fmt.Fprintf(&b, "customerroom_http_request_duration_seconds_bucket{%s,le=\"+Inf\"} %d\n", lbl, h.count)
		fmt.Fprintf(&b, "customerroom_http_request_duration_seconds_sum{%s} %g\n", lbl, h.sum)
		fmt.Fprintf(&b, "customerroom_http_request_duration_seconds_count{%s} %d\n", lbl, h.count)
	}
	names := make([]string, 0, len(m.counters))
	for n := range m.counters {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&b, "%s %g\n", n, m.counters[n])
	}
	m.mu.Unlock()

	st, h := s.cfg.Player.State(), s.cfg.Player.Health()
	for _, state := range []string{"idle", "playing", "paused"} {
		v := 0
		if st.State == state {
			v = 1
		}
		fmt.Fprintf(&b, "customerroom_player_state{state=%q} %d\n", state, v)
	}
	ok := 0
	if h.OK {
		ok = 1
	}
	fmt.Fprintf(&b, "customerroom_audio_output_ok{output=%q} %d\n", h.Output, ok)
	fmt.Fprintf(&b, "customerroom_sse_clients %d\n", s.events.Clients())
	if s.cfg.DiskFree != nil {
		if free, err := s.cfg.DiskFree(); err == nil {
			fmt.Fprintf(&b, "customerroom_disk_free_bytes %d\n", free)
		}
	}
	c.Set(fiber.HeaderContentType, "text/plain; version=0.0.4; charset=utf-8")
	return c.SendString(b.String())
}

// adminOrLocal lets through the machine itself (an agent scraping on
// loopback) and logged-in admins.
func (s *Server) adminOrLocal(c *fiber.Ctx) error {
	if a := s.remoteAddr(c); a.IsLoopback() {
		return c.Next()
	}
	if u, ok := s.currentUser(c); ok && u.Role == "admin" {
		return c.Next()
	}
	return errorOf(media.EForbidden, "metrics are for the machine itself or an admin")
}
