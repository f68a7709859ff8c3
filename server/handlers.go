package server

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"customerroom/media"
	"customerroom/player"
)

// minFreeBytes is the free space under which the room reports itself
// degraded: imports and renditions need room, and SQLite needs some to write.
const minFreeBytes = 200 << 20

func (s *Server) handleHealth(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	status, db := "ok", "ok"
	var reasons []string
	if err := s.cfg.Library.Ping(ctx); err != nil {
		status, db = "degraded", err.Error()
		reasons = append(reasons, "database: "+err.Error())
	}
	audio := s.cfg.Player.Health()
	if !audio.OK {
		status = "degraded"
		reasons = append(reasons, "sound: "+audio.Error)
	}
	disk := fiber.Map{}
	if s.cfg.DiskFree != nil {
		if free, err := s.cfg.DiskFree(); err != nil {
			disk["error"] = err.Error()
		} else {
			disk["free_bytes"] = free
			disk["ok"] = free >= minFreeBytes
			if free < minFreeBytes {
				status = "degraded"
				reasons = append(reasons, fmt.Sprintf("disk: %d MB free, want at least %d MB: delete old exports or make room", free>>20, minFreeBytes>>20))
			}
		}
	}
	return c.JSON(fiber.Map{"status": status, "version": s.cfg.Version, "db": db, "audio": audio, "disk": disk, "reasons": reasons})
}

// pathID parses the :id parameter; ids are positive integers.
func pathID(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errorOf(media.EInvalid, "id must be a positive integer")
	}
	return id, nil
}

// roomRecording returns a recording if the caller may see it: staff see
// every status; the room only what is playable (approved, with a
// rendition). Anything else is "not found", so nothing leaks.
func (s *Server) roomRecording(c *fiber.Ctx) (media.Recording, error) {
	id, err := pathID(c)
	if err != nil {
		return media.Recording{}, err
	}
	r, err := s.cfg.Library.Recording(c.UserContext(), id)
	if err != nil {
		return r, err
	}
	if !r.Playable() && !s.isStaff(c) {
		return r, errorOf(media.ENotFound, "recording "+strconv.FormatInt(id, 10)+": not found")
	}
	return r, nil
}

func (s *Server) handleRecordings(c *fiber.Ctx) error {
	f := media.RecordingFilter{Playable: true}
	if s.isStaff(c) {
		st, err := statusFilter(c)
		if err != nil {
			return err
		}
		f = media.RecordingFilter{Status: st}
		if f.Limit, f.Offset, err = page(c); err != nil {
			return err
		}
	}
	rs, err := s.cfg.Library.Recordings(c.UserContext(), f)
	if err != nil {
		return err
	}
	if !s.isStaff(c) {
		for i := range rs {
			rs[i] = rs[i].ForRoom()
		}
	}
	return c.JSON(rs)
}

func (s *Server) handleRecording(c *fiber.Ctx) error {
	r, err := s.roomRecording(c)
	if err != nil {
		return err
	}
	if !s.isStaff(c) {
		r = r.ForRoom()
	}
	return c.JSON(r)
}

func (s *Server) handleTranscript(c *fiber.Ctx) error {
	r, err := s.roomRecording(c)
	if err != nil {
		return err
	}
	cues, err := s.cfg.Library.Transcript(c.UserContext(), r.ID)
	if err != nil {
		return err
	}
	return c.JSON(cues)
}

func (s *Server) handlePeaks(c *fiber.Ctx) error {
	r, err := s.roomRecording(c)
	if err != nil {
		return err
	}
	p, err := s.cfg.Library.Peaks(c.UserContext(), r.ID)
	if err != nil {
		return err
	}
	if len(p) == 0 {
		return errorOf(media.ENotFound, "no peaks for this recording")
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(p)
}

// handleAudio streams the approved rendition with HTTP Range support.
func (s *Server) handleAudio(c *fiber.Ctx) error {
	r, err := s.roomRecording(c)
	if err != nil {
		return err
	}
	if r.Rendition == "" {
		return errorOf(media.ENotFound, "this recording has no anonymized rendition yet")
	}
	return s.sendAudio(c, filepath.Join(s.cfg.DataDir, r.Rendition))
}

func (s *Server) handleVerbatims(c *fiber.Ctx) error {
	if s.isStaff(c) {
		st, err := statusFilter(c)
		if err != nil {
			return err
		}
		limit, offset, err := page(c)
		if err != nil {
			return err
		}
		vs, err := s.cfg.Library.Verbatims(c.UserContext(), media.VerbatimFilter{Status: st, Limit: limit, Offset: offset})
		if err != nil {
			return err
		}
		return c.JSON(vs)
	}
	vs, err := s.cfg.Library.Verbatims(c.UserContext(), media.VerbatimFilter{Status: media.StatusApproved})
	if err != nil {
		return err
	}
	kept := vs[:0]
	for _, v := range vs {
		if v.Masked != "" { // never the original text
			kept = append(kept, v.ForRoom())
		}
	}
	vs = kept
	return c.JSON(vs)
}

func (s *Server) handleSearch(c *fiber.Ctx) error {
	q := c.Query("q")
	if len(q) > 200 {
		return errorOf(media.EInvalid, "query longer than 200 characters")
	}
	hits, err := s.cfg.Library.Search(c.UserContext(), q, s.isStaff(c), 50)
	if err != nil {
		return err
	}
	return c.JSON(hits)
}

func (s *Server) handlePlayerState(c *fiber.Ctx) error {
	return c.JSON(s.cfg.Player.State())
}

// playerBody is every field a player action may carry.
type playerBody struct {
	RecordingID int64  `json:"recording_id"`
	ClipID      int64  `json:"clip_id"`
	PlaylistID  int64  `json:"playlist_id"`
	PositionMS  *int64 `json:"position_ms"`
	Volume      *int   `json:"volume"`
}

func (s *Server) handlePlayerAction(c *fiber.Ctx) error {
	var b playerBody
	if len(c.Body()) > 0 {
		if err := c.BodyParser(&b); err != nil {
			return errorOf(media.EInvalid, "body must be JSON: "+err.Error())
		}
	}
	p := s.cfg.Player
	var err error
	// In the room's closed hours nothing new starts (a workshop excepted);
	// pausing, stopping and the rest still answer.
	if a := c.Params("action"); s.cfg.Kiosk != nil && (a == "play" || a == "next" || a == "prev") {
		if err := s.cfg.Kiosk.MayPlay(c.UserContext()); err != nil {
			return err
		}
	}
	switch c.Params("action") {
	case "play":
		n := 0
		for _, id := range []int64{b.RecordingID, b.ClipID, b.PlaylistID} {
			if id < 0 {
				return errorOf(media.EInvalid, "ids must be positive")
			}
			if id > 0 {
				n++
			}
		}
		if n != 1 {
			return errorOf(media.EInvalid, "play takes exactly one of recording_id, clip_id, playlist_id")
		}
		err = p.Play(c.UserContext(), player.Request{RecordingID: b.RecordingID, ClipID: b.ClipID, PlaylistID: b.PlaylistID})
	case "pause":
		err = p.Pause()
	case "resume":
		err = p.Resume()
	case "stop":
		err = p.Stop()
	case "next":
		err = p.Next()
	case "prev":
		err = p.Prev()
	case "seek":
		if b.PositionMS == nil || *b.PositionMS < 0 {
			return errorOf(media.EInvalid, "seek takes a non-negative position_ms")
		}
		err = p.SeekTo(*b.PositionMS)
	case "volume":
		if b.Volume == nil {
			return errorOf(media.EInvalid, "volume takes a volume")
		}
		err = p.SetVolume(*b.Volume)
	default:
		return errorOf(media.ENotFound, "no such player action: "+c.Params("action"))
	}
	if err != nil {
		return err
	}
	return c.JSON(p.State())
}

func (s *Server) handlePlaylists(c *fiber.Ctx) error {
	ps, err := s.cfg.Library.Playlists(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(ps)
}

func (s *Server) handlePlaylist(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	get := s.cfg.Library.Playlist
	if s.isStaff(c) && s.cfg.Curation != nil {
		get = s.cfg.Curation.StaffPlaylist
	}
	p, err := get(c.UserContext(), id)
	if err != nil {
		return err
	}
	if !s.isStaff(c) {
		for i := range p.Items {
			p.Items[i].Status = ""
		}
	}
	return c.JSON(p)
}

// page reads ?limit= (default 500, at most 5000) and ?offset= for staff
// listings, newest first: a library of 10,000 calls is read a page at a time.
func page(c *fiber.Ctx) (limit, offset int, err error) {
	limit, offset = c.QueryInt("limit", 500), c.QueryInt("offset", 0)
	if limit < 1 || limit > 5000 || offset < 0 {
		return 0, 0, errorOf(media.EInvalid, "limit: want 1 to 5000; offset: 0 or more")
	}
	return limit, offset, nil
}
