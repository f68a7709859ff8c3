package server

import (
	"customerroom/media"
	"net/http"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	"github.com/gofiber/fiber/v2/middleware/recover"
)

// routes is the whole API surface at a glance.
func (s *Server) routes() {
	app := s.app
	app.Use(recover.New())

	api := app.Group("/api")
	api.Get("/health", s.handleHealth)
	s.kioskRoutes(api) // the listening station, and who may control the player (before the player routes)

	// Browsing approved content: the room's screen, paired devices, staff.
	room := s.roomOrStaff
	api.Get("/recordings", room, s.handleRecordings)
	api.Get("/recordings/:id", room, s.handleRecording)
	api.Get("/recordings/:id/transcript", room, s.handleTranscript)
	api.Get("/recordings/:id/peaks", room, s.handlePeaks)
	api.Get("/recordings/:id/audio", room, s.handleAudio)
	api.Get("/verbatims", room, s.handleVerbatims)
	api.Get("/playlists", room, s.handlePlaylists)
	api.Get("/playlists/:id", room, s.handlePlaylist)
	api.Get("/search", room, s.handleSearch)
	api.Get("/events", room, s.handleEvents)

	// The player; playerAccess (in kioskRoutes) lets only the room control it.
	api.Get("/player", s.handlePlayerState)
	api.Post("/player/:action", s.handlePlayerAction)

	api.Post("/auth/login", s.handleLogin)
	api.Post("/auth/logout", s.handleLogout)
	api.Get("/auth/me", s.handleMe)

	api.Post("/uploads", s.requireRole("admin", "curator"), s.handleUpload)
	api.Use(func(c *fiber.Ctx) error {
		return errorOf(media.ENotFound, "no such API route: "+c.Method()+" "+c.Path())
	})

	if s.cfg.Static != nil {
		app.Use("/", filesystem.New(filesystem.Config{Root: http.FS(s.cfg.Static), Index: "index.html", MaxAge: 60}))
	}
}
