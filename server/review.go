package server

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"customerroom/media"
)

// Reviewer is the gate between import and the room (media/review.Gate).
type Reviewer interface {
	Review(ctx context.Context, id int64) (media.Review, error)
	SetRedactions(ctx context.Context, actor string, id int64, rs []media.Redaction) ([]media.Redaction, error)
	EditTranscript(ctx context.Context, actor string, id int64, cues []media.Cue) (media.Review, error)
	Approve(ctx context.Context, actor string, id int64) (media.Render, error)
	Reject(ctx context.Context, actor string, id int64, reason string) error
	Withdraw(ctx context.Context, actor string, id int64) error
	Preview(ctx context.Context, id int64) (string, error)
	SetVerbatimStatus(ctx context.Context, actor string, id int64, to media.Status, note string) error
}

// reviewCall reads the :id of a review route and the gate that handles it.
func (s *Server) reviewCall(c *fiber.Ctx) (int64, Reviewer, error) {
	id, err := pathID(c)
	if err != nil {
		return 0, nil, err
	}
	g, err := s.reviewer()
	return id, g, err
}

// statusFilter reads ?status= for staff listings; "all" or nothing is every status.
func statusFilter(c *fiber.Ctx) (media.Status, error) {
	switch st := media.Status(c.Query("status")); st {
	case "", "all":
		return "", nil
	case media.StatusPending, media.StatusApproved, media.StatusRejected:
		return st, nil
	}
	return "", errorOf(media.EInvalid, "status: want pending, approved, rejected or all")
}

// actor is the logged-in user's name, for the audit log.
func (s *Server) actor(c *fiber.Ctx) string {
	u, _ := s.currentUser(c)
	return u.Name
}

func (s *Server) reviewer() (Reviewer, error) {
	if s.cfg.Review == nil {
		return nil, errorOf(media.EUnavailable, "review is not configured on this server")
	}
	return s.cfg.Review, nil
}

func (s *Server) handleReview(c *fiber.Ctx) error {
	id, g, err := s.reviewCall(c)
	if err != nil {
		return err
	}
	rv, err := g.Review(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(rv)
}

func (s *Server) handleOriginal(c *fiber.Ctx) error {
	id, g, err := s.reviewCall(c)
	if err != nil {
		return err
	}
	rv, err := g.Review(c.UserContext(), id)
	if err != nil {
		return err
	}
	if !rv.Original {
		return errorOf(media.ENotFound, "the original was deleted after approval; the rendition remains")
	}
	return s.sendAudio(c, filepath.Join(s.cfg.DataDir, rv.Recording.Path))
}

func (s *Server) handlePreview(c *fiber.Ctx) error {
	id, g, err := s.reviewCall(c)
	if err != nil {
		return err
	}
	path, err := g.Preview(c.UserContext(), id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.sendAudio(c, path)
}

func (s *Server) handleSetRedactions(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var rs []media.Redaction
	if err := c.BodyParser(&rs); err != nil {
		return errorOf(media.EInvalid, "redactions are JSON [{\"start_ms\",\"end_ms\"}]")
	}
	g, err := s.reviewer()
	if err != nil {
		return err
	}
	out, err := g.SetRedactions(c.UserContext(), s.actor(c), id, rs)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (s *Server) handleSetTranscript(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var cues []media.Cue
	if err := c.BodyParser(&cues); err != nil {
		return errorOf(media.EInvalid, "a transcript is JSON [{\"start_ms\",\"end_ms\",\"speaker\",\"text\"}]")
	}
	if len(cues) > 20000 {
		return errorOf(media.EInvalid, "a transcript has at most 20000 cues")
	}
	for i := range cues {
		cues[i].Speaker, cues[i].Text = utils.CopyString(cues[i].Speaker), utils.CopyString(cues[i].Text)
	}
	g, err := s.reviewer()
	if err != nil {
		return err
	}
	rv, err := g.EditTranscript(c.UserContext(), s.actor(c), id, cues)
	if err != nil {
		return err
	}
	return c.JSON(rv)
}

func (s *Server) handleApprove(c *fiber.Ctx) error {
	id, g, err := s.reviewCall(c)
	if err != nil {
		return err
	}
	st, err := g.Approve(c.UserContext(), s.actor(c), id)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"render": st})
}

// reasonBody reads an optional {"reason"} of at most 500 characters.
func reasonBody(c *fiber.Ctx) (string, error) {
	var b struct {
		Reason string `json:"reason"`
	}
	if len(c.Body()) > 0 {
		if err := c.BodyParser(&b); err != nil {
			return "", errorOf(media.EInvalid, "body is JSON {\"reason\"}")
		}
	}
	if len(b.Reason) > 500 {
		return "", errorOf(media.EInvalid, "reason longer than 500 characters")
	}
	return utils.CopyString(strings.TrimSpace(b.Reason)), nil
}

func (s *Server) handleReject(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	reason, err := reasonBody(c)
	if err != nil {
		return err
	}
	g, err := s.reviewer()
	if err != nil {
		return err
	}
	if err := g.Reject(c.UserContext(), s.actor(c), id, reason); err != nil {
		return err
	}
	r, err := s.cfg.Library.Recording(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (s *Server) handleWithdraw(c *fiber.Ctx) error {
	id, g, err := s.reviewCall(c)
	if err != nil {
		return err
	}
	if err := g.Withdraw(c.UserContext(), s.actor(c), id); err != nil {
		return err
	}
	r, err := s.cfg.Library.Recording(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (s *Server) handleVerbatimStatus(to media.Status) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		reason, err := reasonBody(c)
		if err != nil {
			return err
		}
		g, err := s.reviewer()
		if err != nil {
			return err
		}
		if err := g.SetVerbatimStatus(c.UserContext(), s.actor(c), id, to, reason); err != nil {
			return err
		}
		return c.JSON(fiber.Map{"id": id, "status": to})
	}
}

// quarantined is one file the drop folder could not import, with why.
type quarantined struct {
	Name   string    `json:"name"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// handleQuarantine lists quarantine/: each file with its NAME.error.txt.
func (s *Server) handleQuarantine(c *fiber.Ctx) error {
	dir := media.Layout{Dir: s.cfg.DataDir}.Quarantine()
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	out := []quarantined{}
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || strings.HasSuffix(name, ".error.txt") {
			continue
		}
		q := quarantined{Name: name}
		if info, err := e.Info(); err == nil {
			q.At = info.ModTime().UTC()
		}
		if b, err := readSmall(filepath.Join(dir, name+".error.txt"), 4096); err == nil {
			q.Reason = strings.TrimSpace(string(b))
		}
		out = append(out, q)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].At.After(out[j].At) })
	return c.JSON(out)
}

// readSmall reads at most n bytes of a file.
func readSmall(path string, n int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := make([]byte, n)
	k, err := f.Read(b)
	if k > 0 {
		err = nil
	}
	return b[:k], err
}

func (s *Server) handleAudit(c *fiber.Ctx) error {
	es, err := s.cfg.Library.AuditLog(c.UserContext(), 500)
	if err != nil {
		return err
	}
	return c.JSON(es)
}

// handleInbox lists the drop folder's files waiting with why (a lone
// sidecar, a copy in progress, a folder), for curators.
func (s *Server) handleInbox(c *fiber.Ctx) error {
	if s.cfg.Waiting == nil {
		return c.JSON(fiber.Map{"waiting": []any{}})
	}
	return c.JSON(fiber.Map{"waiting": s.cfg.Waiting()})
}
