package server

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"customerroom/media"
)

// Curation is what the studio's curation routes need from the catalog.
type Curation interface {
	Tags(ctx context.Context) ([]media.Tag, error)
	SaveTag(ctx context.Context, actor string, t media.Tag) (media.Tag, error)
	PatchRecording(ctx context.Context, actor string, id int64, p media.RecordingPatch) (media.Recording, error)
	AddClip(ctx context.Context, actor string, cl media.Clip) (media.Clip, error)
	Clips(ctx context.Context, playable bool) ([]media.Clip, error)
	SavePlaylist(ctx context.Context, actor string, id int64, in media.PlaylistInput) (int64, error)
	DeletePlaylist(ctx context.Context, actor string, id int64) error
	ReplaceProgramme(ctx context.Context, actor string, es []media.ProgrammeEntry) ([]media.ProgrammeEntry, error)
	ExpiringSoon(ctx context.Context, before time.Time) ([]media.Recording, error)
	Resonance(ctx context.Context, limit int) ([]media.Resonance, error)
	StaffPlaylist(ctx context.Context, id int64) (media.Playlist, error)
	PatchVerbatim(ctx context.Context, actor string, id int64, p media.RecordingPatch) (media.Verbatim, error)
	Facets(ctx context.Context) (media.Facets, error)
}

func (s *Server) handlePatchVerbatim(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var p media.RecordingPatch
	if err := c.BodyParser(&p); err != nil {
		return errorOf(media.EInvalid, `a verbatim edit is JSON {"topic","product","sentiment","score","clear_score","expires_at"}`)
	}
	p = copyPatch(p)
	if p.Title != nil || p.Tags != nil {
		return errorOf(media.EInvalid, "a verbatim has no title or tags: edit topic, product, sentiment, score or expires_at")
	}
	if p.ExpiresAt != nil && p.ExpiresAt.After(s.cfg.Clock.Now().Add(s.cfg.RetentionMax)) && s.cfg.RetentionMax > 0 {
		return errorOf(media.EInvalid, fmt.Sprintf("the policy keeps a verbatim at most %s", s.cfg.RetentionMax))
	}
	cu, err := s.curation()
	if err != nil {
		return err
	}
	v, err := cu.PatchVerbatim(c.UserContext(), s.actor(c), id, p)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *Server) handleFacets(c *fiber.Ctx) error {
	cu, err := s.curation()
	if err != nil {
		return err
	}
	f, err := cu.Facets(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(f)
}

func (s *Server) curation() (Curation, error) {
	if s.cfg.Curation == nil {
		return nil, errorOf(media.EUnavailable, "curation is not configured on this server")
	}
	return s.cfg.Curation, nil
}

func (s *Server) handleTags(c *fiber.Ctx) error {
	cu, err := s.curation()
	if err != nil {
		return err
	}
	ts, err := cu.Tags(c.UserContext())
	if err != nil {
		return err
	}
	if !s.isStaff(c) { // the room sees the tags it can filter by
		kept := ts[:0]
		for _, t := range ts {
			if t.Enabled && t.Count > 0 {
				kept = append(kept, t)
			}
		}
		ts = kept
	}
	return c.JSON(ts)
}

func (s *Server) handleSaveTag(c *fiber.Ctx) error {
	var t media.Tag
	t.Enabled = true
	if err := c.BodyParser(&t); err != nil {
		return errorOf(media.EInvalid, `a tag is JSON {"name","label_fr","label_en","enabled"}`)
	}
	t.Name, t.LabelFR, t.LabelEN = utils.CopyString(t.Name), utils.CopyString(t.LabelFR), utils.CopyString(t.LabelEN)
	cu, err := s.curation()
	if err != nil {
		return err
	}
	saved, err := cu.SaveTag(c.UserContext(), s.actor(c), t)
	if err != nil {
		return err
	}
	return c.JSON(saved)
}

func (s *Server) handlePatchRecording(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var p media.RecordingPatch
	if err := c.BodyParser(&p); err != nil {
		return errorOf(media.EInvalid, `a recording edit is JSON {"title","topic","product","sentiment","score","tags","expires_at"}: `+err.Error())
	}
	p = copyPatch(p)
	if p.ExpiresAt != nil {
		if err := s.checkExpiry(c, id, *p.ExpiresAt); err != nil {
			return err
		}
	}
	cu, err := s.curation()
	if err != nil {
		return err
	}
	r, err := cu.PatchRecording(c.UserContext(), s.actor(c), id, p)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

// copyPatch copies the strings of a patch out of Fiber's reused memory.
func copyPatch(p media.RecordingPatch) media.RecordingPatch {
	cp := func(v *string) *string {
		if v == nil {
			return nil
		}
		s := utils.CopyString(*v)
		return &s
	}
	p.Title, p.Topic, p.Product, p.Sentiment = cp(p.Title), cp(p.Topic), cp(p.Product), cp(p.Sentiment)
	if p.Tags != nil {
		ts := make([]string, len(*p.Tags))
		for i, t := range *p.Tags {
			ts[i] = utils.CopyString(t)
		}
		p.Tags = &ts
	}
	return p
}

// checkExpiry keeps a new expiry within the admin's policy: no later than
// RetentionMax after the call (or the import when the call date is unknown).
func (s *Server) checkExpiry(c *fiber.Ctx, id int64, until time.Time) error {
	r, err := s.cfg.Library.Recording(c.UserContext(), id)
	if err != nil {
		return err
	}
	base := r.CreatedAt
	if t, err := time.Parse("2006-01-02", r.CallDate); err == nil {
		base = t
	}
	limit := base.Add(s.cfg.RetentionMax)
	if s.cfg.RetentionMax > 0 && until.After(limit) {
		return errorOf(media.EInvalid, fmt.Sprintf("the policy keeps a call at most until %s (%s after the call)", limit.Format("2006-01-02"), s.cfg.RetentionMax))
	}
	if until.Before(s.cfg.Clock.Now()) {
		return errorOf(media.EInvalid, "an expiry in the past would purge the call at once: use reject or let it expire")
	}
	return nil
}

func (s *Server) handleAddClip(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var cl media.Clip
	if err := c.BodyParser(&cl); err != nil {
		return errorOf(media.EInvalid, `a clip is JSON {"start_ms","end_ms","title","tags"}`)
	}
	cl.RecordingID, cl.Title = id, utils.CopyString(cl.Title)
	for i := range cl.Tags {
		cl.Tags[i] = utils.CopyString(cl.Tags[i])
	}
	cu, err := s.curation()
	if err != nil {
		return err
	}
	saved, err := cu.AddClip(c.UserContext(), s.actor(c), cl)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(saved)
}

func (s *Server) handleClips(c *fiber.Ctx) error {
	cu, err := s.curation()
	if err != nil {
		return err
	}
	cs, err := cu.Clips(c.UserContext(), !s.isStaff(c))
	if err != nil {
		return err
	}
	return c.JSON(cs)
}

func (s *Server) handleSavePlaylist(c *fiber.Ctx) error {
	var id int64
	if c.Method() == fiber.MethodPut {
		var err error
		if id, err = pathID(c); err != nil {
			return err
		}
	}
	var in media.PlaylistInput
	if err := c.BodyParser(&in); err != nil {
		return errorOf(media.EInvalid, `a playlist is JSON {"name","items":[{"recording_id"|"clip_id"|"verbatim_id"}]} or {"name","rule":{…}}: `+err.Error())
	}
	in.Name = utils.CopyString(in.Name)
	if in.Rule != nil {
		r := in.Rule
		r.Topic, r.Product, r.Sentiment, r.Channel, r.From, r.To = utils.CopyString(r.Topic), utils.CopyString(r.Product),
			utils.CopyString(r.Sentiment), utils.CopyString(r.Channel), utils.CopyString(r.From), utils.CopyString(r.To)
		for i := range r.Tags {
			r.Tags[i] = utils.CopyString(r.Tags[i])
		}
	}
	cu, err := s.curation()
	if err != nil {
		return err
	}
	id, err = cu.SavePlaylist(c.UserContext(), s.actor(c), id, in)
	if err != nil {
		return err
	}
	p, err := s.cfg.Library.Playlist(c.UserContext(), id)
	if err != nil {
		return err
	}
	status := fiber.StatusOK
	if c.Method() == fiber.MethodPost {
		status = fiber.StatusCreated
	}
	return c.Status(status).JSON(p)
}

func (s *Server) handleDeletePlaylist(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	cu, err := s.curation()
	if err != nil {
		return err
	}
	if err := cu.DeletePlaylist(c.UserContext(), s.actor(c), id); err != nil {
		return err
	}
	s.programmeChanged(c) // its programme slots went with it
	return c.SendStatus(fiber.StatusNoContent)
}

// handlePlaylistM3U exports a playlist as an extended M3U of the room's
// audio URLs (the anonymized renditions), clips as EXTVLCOPT start/stop.
func (s *Server) handlePlaylistM3U(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(strings.TrimSuffix(c.Params("id"), ".m3u"), 10, 64)
	if err != nil || id <= 0 {
		return errorOf(media.EInvalid, "id must be a positive integer")
	}
	p, err := s.cfg.Library.Playlist(c.UserContext(), id)
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("#EXTM3U\n#PLAYLIST:" + oneLineText(p.Name) + "\n")
	base := c.BaseURL()
	for _, it := range p.Items {
		if it.RecordingID == 0 {
			continue // a verbatim card is for the screen, not a player
		}
		fmt.Fprintf(&b, "#EXTINF:%d,%s\n", (it.EndMS-it.StartMS)/1000, oneLineText(it.Title))
		if it.ClipID != 0 {
			fmt.Fprintf(&b, "#EXTVLCOPT:start-time=%.3f\n#EXTVLCOPT:stop-time=%.3f\n", float64(it.StartMS)/1000, float64(it.EndMS)/1000)
		}
		fmt.Fprintf(&b, "%s/api/recordings/%d/audio\n", base, it.RecordingID)
	}
	c.Set(fiber.HeaderContentType, "audio/x-mpegurl; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="playlist-%d.m3u"`, id))
	return c.SendString(b.String())
}

// oneLineText keeps a title on one line in a line-based format.
func oneLineText(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s)
}

func (s *Server) handleReplaceProgramme(c *fiber.Ctx) error {
	var es []media.ProgrammeEntry
	if err := c.BodyParser(&es); err != nil {
		return errorOf(media.EInvalid, `the programme is JSON [{"weekday","start_min","end_min","playlist_id"|"closed":true}]`)
	}
	cu, err := s.curation()
	if err != nil {
		return err
	}
	out, err := cu.ReplaceProgramme(c.UserContext(), s.actor(c), es)
	if err != nil {
		return err
	}
	s.programmeChanged(c)
	return c.JSON(out)
}

func (s *Server) handleExpiring(c *fiber.Ctx) error {
	days := c.QueryInt("days", 30)
	if days < 0 || days > 3660 {
		return errorOf(media.EInvalid, "days: want 0 to 3660")
	}
	cu, err := s.curation()
	if err != nil {
		return err
	}
	rs, err := cu.ExpiringSoon(c.UserContext(), s.cfg.Clock.Now().AddDate(0, 0, days))
	if err != nil {
		return err
	}
	return c.JSON(rs)
}

func (s *Server) handleResonance(c *fiber.Ctx) error {
	cu, err := s.curation()
	if err != nil {
		return err
	}
	rs, err := cu.Resonance(c.UserContext(), 200)
	if err != nil {
		return err
	}
	return c.JSON(rs)
}
