package server

import (
	"net/http"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"customerroom/media"
)

// routes is the whole API surface at a glance, each route with its guards:
//   - room: the room's screen (a trusted network, loopback by default) and
//     paired devices;
//   - roomOrStaff: those, and logged-in staff (browsing approved content,
//     driving the player from a facilitator's tablet);
//   - curator: a logged-in curator or admin; staff: any logged-in user;
//     admin: an admin.
func (s *Server) routes() {
	app := s.app
	app.Use(recover.New(), securityHeaders, limitBody, s.knownHost)

	room, roomOrStaff := s.roomAccess, s.roomOrStaff
	curator := s.requireRole("admin", "curator")
	lim := func(l [2]Limit) fiber.Handler { return s.limit(newLimiter(l[0], l[1], s.cfg.Clock)) }
	kiosk := s.kioskConfigured

	admin := s.requireRole("admin")
	staff := s.requireRole("admin", "curator", "facilitator")

	// Every state change: same origin only, JSON bodies only (uploads:
	// multipart, checked on their route).
	app.Get("/metrics", s.adminOrLocal, s.handleMetrics)
	api := app.Group("/api", s.measure, s.sameOrigin, jsonOnly)
	api.Get("/health", s.handleHealth)

	// Browsing approved content.
	api.Get("/recordings", roomOrStaff, s.handleRecordings)
	api.Get("/recordings/:id", roomOrStaff, s.handleRecording)
	api.Get("/recordings/:id/transcript", roomOrStaff, s.handleTranscript)
	api.Get("/recordings/:id/peaks", roomOrStaff, s.handlePeaks)
	api.Get("/recordings/:id/audio", roomOrStaff, s.handleAudio)
	api.Get("/verbatims", roomOrStaff, s.handleVerbatims)
	api.Get("/playlists", roomOrStaff, s.handlePlaylists)
	api.Get("/playlists/:id.m3u", roomOrStaff, s.handlePlaylistM3U)
	api.Get("/playlists/:id", roomOrStaff, s.handlePlaylist)
	api.Get("/search", roomOrStaff, s.handleSearch)
	api.Get("/events", roomOrStaff, s.handleEvents)

	// Review (curators): findings, ranges, the original and a preview of
	// the rendition, and the gate itself.
	api.Get("/recordings/:id/review", curator, s.handleReview)
	api.Get("/recordings/:id/original", curator, s.handleOriginal)
	api.Get("/recordings/:id/preview", curator, s.handlePreview)
	api.Put("/recordings/:id/redactions", curator, s.handleSetRedactions)
	api.Put("/recordings/:id/transcript", curator, s.handleSetTranscript)
	api.Post("/recordings/:id/approve", curator, s.handleApprove)
	api.Post("/recordings/:id/reject", curator, s.handleReject)
	api.Post("/recordings/:id/withdraw", curator, s.handleWithdraw)
	api.Post("/verbatims/:id/approve", curator, s.handleVerbatimStatus(media.StatusApproved))
	api.Post("/verbatims/:id/reject", curator, s.handleVerbatimStatus(media.StatusRejected))
	api.Post("/verbatims/:id/withdraw", curator, s.handleVerbatimStatus(media.StatusPending))
	api.Get("/quarantine", staff, s.handleQuarantine)
	api.Get("/inbox", staff, s.handleInbox)
	api.Get("/audit", admin, s.handleAudit)

	// Curation (curators): metadata, tags, clips, playlists, the programme,
	// retention, and what resonates.
	api.Patch("/recordings/:id", curator, s.handlePatchRecording)
	api.Patch("/verbatims/:id", curator, s.handlePatchVerbatim)
	api.Get("/facets", staff, s.handleFacets)
	api.Get("/expiring", curator, s.handleExpiring)
	api.Get("/tags", roomOrStaff, s.handleTags)
	api.Post("/tags", curator, s.handleSaveTag)
	api.Post("/recordings/:id/clips", curator, s.handleAddClip)
	api.Get("/clips", roomOrStaff, s.handleClips)
	api.Post("/playlists", curator, s.handleSavePlaylist)
	api.Put("/playlists/:id", curator, s.handleSavePlaylist)
	api.Delete("/playlists/:id", curator, s.handleDeletePlaylist)
	api.Put("/kiosk/programme", kiosk, curator, s.handleReplaceProgramme)
	api.Get("/insights/resonance", staff, s.handleResonance)

	// Workshops (facilitators, curators, admins) and the participants'
	// phones, which hold nothing but a live session's code.
	api.Post("/workshops", staff, s.handleCreateWorkshop)
	api.Get("/workshops", staff, s.handleWorkshops)
	api.Get("/workshops/:id", staff, s.handleWorkshop)
	api.Get("/workshops/:id/report", staff, s.handleReportJSON)
	api.Get("/workshops/:id/report.md", staff, s.handleReportMD)
	api.Get("/workshops/:id/report.csv", staff, s.handleReportCSV)
	api.Post("/workshops/:id/notes", staff, s.handleAddNote)
	api.Post("/workshops/:id/:action", staff, s.handleWorkshopAction)
	api.Post("/actions", staff, s.handleAddAction)
	api.Get("/actions", staff, s.handleActions)
	api.Patch("/actions/:id", staff, s.handleActionStatus)
	api.Get("/join/:code", lim(joinReadLimit), s.handleJoin)
	api.Get("/join/:code/qr.png", lim(joinReadLimit), s.handleJoinQR)
	api.Post("/join/:code/votes", lim(joinWriteLimit), s.handleJoinVote)
	api.Post("/join/:code/ideas", lim(joinWriteLimit), s.handleJoinIdea)

	// Insight (staff): the perception gap, what is under the line, product reviews.
	api.Get("/insights/perception", staff, s.handlePerception)
	api.Get("/insights/alerts", staff, s.handleAlerts)
	api.Get("/insights/products", staff, s.handleProducts)
	api.Get("/insights/products/:name", staff, s.handleProductPack)
	api.Post("/insights/products/:name/reviewed", curator, s.handleProductReviewed)

	// Accounts (admins).
	api.Get("/users", admin, s.handleUsers)
	api.Post("/users", admin, s.handleAddUser)
	api.Patch("/users/:id", admin, s.handleChangeUser)

	// The player.
	api.Get("/player", roomOrStaff, s.handlePlayerState)
	api.Post("/player/:action", roomOrStaff, s.handlePlayerAction)

	// The listening station: pairing (anyone holding a code; curators make
	// codes and manage devices and the programme), then the screen's actions
	// POST /api/kiosk/{wake|home|listen|pause|resume|back|next|finish|done|lang},
	// each answering the new state, also pushed as the `kiosk` event.
	api.Post("/kiosk/pair", kiosk, lim(kioskPairLimit), s.handlePair)
	api.Post("/kiosk/pairings", kiosk, curator, s.handleCreatePairing)
	api.Get("/kiosk/devices", kiosk, curator, s.handleDevices)
	api.Delete("/kiosk/devices/:id", kiosk, curator, s.handleRevokeDevice)
	api.Get("/kiosk/programme", kiosk, curator, s.handleProgramme)
	api.Post("/kiosk/programme", kiosk, curator, s.handleAddProgramme)
	api.Delete("/kiosk/programme/:id", kiosk, curator, s.handleDeleteProgramme)
	api.Get("/kiosk", kiosk, room, s.handleKioskState)
	api.Get("/kiosk/home", kiosk, room, s.handleKioskHome)
	api.Post("/kiosk/react", kiosk, room, lim(kioskReactionLimit), s.handleKioskReact)
	api.Post("/kiosk/guess", kiosk, room, lim(kioskGuessLimit), s.handleKioskGuess)
	api.Post("/kiosk/:action", kiosk, room, lim(kioskActionLimit), s.handleKioskAction)

	// Logins.
	api.Post("/auth/login", lim(loginLimit), s.handleLogin)
	api.Post("/auth/logout", s.handleLogout)
	api.Get("/auth/me", s.handleMe)

	// Curators bring calls in.
	api.Post("/uploads", curator, multipartOnly, s.handleUpload)

	api.Use(func(c *fiber.Ctx) error {
		return errorOf(media.ENotFound, "no such API route: "+c.Method()+" "+c.Path())
	})

	if s.cfg.Static != nil {
		app.Use("/", filesystem.New(filesystem.Config{Root: http.FS(s.cfg.Static), Index: "index.html", MaxAge: 60}))
	}
}
