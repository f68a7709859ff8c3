// Package server is the room's HTTP face: the JSON API under /api, live
// updates by Server-Sent Events, and the embedded web UI. Handlers close over
// their dependencies, which are small interfaces defined here.
package server

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"net"
	"net/netip"
	"time"

	"github.com/gofiber/fiber/v2"

	"customerroom/kiosk"
	"customerroom/media"
	"customerroom/player"
)

// Library is what the server needs from the catalog.
type Library interface {
	Ping(ctx context.Context) error
	Recordings(ctx context.Context, f media.RecordingFilter) ([]media.Recording, error)
	Recording(ctx context.Context, id int64) (media.Recording, error)
	Transcript(ctx context.Context, id int64) ([]media.Cue, error)
	Peaks(ctx context.Context, id int64) ([]byte, error)
	Verbatims(ctx context.Context, f media.VerbatimFilter) ([]media.Verbatim, error)
	Search(ctx context.Context, q string, staff bool, limit int) ([]media.SearchHit, error)
	Playlists(ctx context.Context) ([]media.Playlist, error)
	Playlist(ctx context.Context, id int64) (media.Playlist, error)
	AuditLog(ctx context.Context, limit int) ([]media.AuditEntry, error)
}

// Player is what the server needs from the playback engine.
type Player interface {
	State() player.State
	// Subscribe follows the position, for the screens; SubscribeChanges
	// only the transitions, while no screen is connected.
	Subscribe() (<-chan player.State, func())
	SubscribeChanges() (<-chan player.State, func())
	Health() player.Health
	Play(ctx context.Context, req player.Request) error
	Pause() error
	Resume() error
	Stop() error
	Next() error
	Prev() error
	SeekTo(positionMS int64) error
	SetVolume(v int) error
}

// Config is everything the server is built from.
type Config struct {
	Version string
	// DataDir is where the catalog's relative audio paths point.
	DataDir  string
	Library  Library
	Accounts Accounts
	Player   Player
	// Static is the web UI (static.FS).
	Static fs.FS
	Logger *slog.Logger

	// Review is the gate between import and the room; nil answers its
	// routes with 503.
	Review Reviewer
	// Curation keeps tags, clips, playlists, the programme and retention.
	Curation Curation
	// Workshops and Sessions run group sessions; Insight answers the CX
	// team's questions. nil answers their routes with 503.
	Workshops Workshops
	Sessions  Sessions
	Insight   Insight
	// RetentionMax is the longest a curator may keep a call after it was
	// made (0: no limit).
	RetentionMax time.Duration
	// Kiosk is the listening station; nil leaves out its API.
	Kiosk *kiosk.Room
	// KioskStore pairs devices and keeps the programme (the catalog).
	KioskStore KioskStore
	// TrustedNetworks may control the room without pairing; nil means
	// DefaultTrustedNetworks (loopback: the room's own screen).
	TrustedNetworks []netip.Prefix
	// Clock paces rate limits and dates cookies (default media.RealClock).
	Clock media.Clock
	// KeepAlive is how often an idle event stream gets a comment, so a gone
	// client is noticed (default 15 s).
	KeepAlive time.Duration
	// DiskFree reports the free bytes where the data folder is (nil: not
	// reported); health says "degraded" under 200 MB.
	DiskFree func() (uint64, error)
	// Waiting lists the inbox files neither imported nor quarantined, with
	// why (nil: none shown).
	Waiting func() any
	// Metrics collects what GET /metrics reports; nil makes its own.
	Metrics *Metrics
	// Hostnames are the names the room answers to besides localhost and
	// IP addresses (e.g. customer-room.office.example).
	Hostnames []string
	// RemoteAddr overrides the peer address, for tests of the access rules.
	RemoteAddr func(c *fiber.Ctx) netip.Addr
}

// Server is the HTTP server; Run serves until its context ends.
type Server struct {
	cfg    Config
	app    *fiber.App
	events *Broker
	log    *slog.Logger
	// accounts limits login attempts per account name.
	accounts *limiter
	metrics  *Metrics
}

// New builds the server and its routes.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Clock == nil {
		cfg.Clock = media.RealClock
	}
	if cfg.KeepAlive <= 0 {
		cfg.KeepAlive = 15 * time.Second
	}
	s := &Server{cfg: cfg, events: NewBroker(), log: cfg.Logger, accounts: newLimiter(accountLimit[0], accountLimit[1], cfg.Clock), metrics: cfg.Metrics}
	if s.metrics == nil {
		s.metrics = NewMetrics()
	}
	s.app = fiber.New(fiber.Config{
		AppName:               "customer-room",
		DisableStartupMessage: true,
		ErrorHandler:          s.handleError,
		// Bodies up to maxBody are read before routing (JSON); a larger one
		// is left as a stream that only the uploads route reads, after its
		// login check, straight to disk; every other route answers 413
		// without reading it (limitBody). Multipart forms are never parsed
		// before routing, so nobody anonymous can make the server buffer or
		// spool anything.
		BodyLimit:                    maxBody,
		StreamRequestBody:            true,
		DisablePreParseMultipartForm: true,
		ReadTimeout:                  30 * time.Second,
		IdleTimeout:                  60 * time.Second,
	})
	s.routes()
	return s
}

// Events is the broker that fans live events out to SSE clients.
func (s *Server) Events() *Broker { return s.events }

// relayPlayer publishes the player's state as the `player` event until ctx
// ends. While a screen is connected it follows the position (Subscribe: at
// least 4 states a second); with none it follows only the transitions, so a
// call playing to an empty room wakes nothing for updates nobody reads. Each
// switch publishes the current state, so a screen that connects gets the
// position at once and no transition is lost between two subscriptions.
func (s *Server) relayPlayer(ctx context.Context) {
	for s.relayWhile(ctx, s.events.Clients() > 0) {
	}
}

// relayWhile relays the player's states, following the position when
// watched, until the screens' count says otherwise (true) or the relay must
// end (false).
func (s *Server) relayWhile(ctx context.Context, watched bool) bool {
	pl := s.cfg.Player
	subscribe := pl.SubscribeChanges
	if watched {
		subscribe = pl.Subscribe
	}
	states, cancel := subscribe()
	defer cancel()
	s.events.Publish("player", pl.State())
	for {
		select {
		case <-ctx.Done():
			return false
		case <-s.events.joins:
			if (s.events.Clients() > 0) != watched {
				return true
			}
		case st, ok := <-states:
			if !ok {
				return false
			}
			s.events.Publish("player", st)
		}
	}
}

// Run serves on ln until ctx ends, then shuts down within a few seconds,
// closing SSE streams first so they do not hold the shutdown.
func (s *Server) Run(ctx context.Context, ln net.Listener) error {
	go s.relayPlayer(ctx)
	errc := make(chan error, 1)
	go func() { errc <- s.app.Listener(s.listener(ln)) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.events.Close()
	if err := s.app.ShutdownWithTimeout(3 * time.Second); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}
