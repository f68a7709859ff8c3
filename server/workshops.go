package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
	qrcode "github.com/skip2/go-qrcode"

	"customerroom/kiosk"
	"customerroom/media"
)

// Workshops is what the workshop routes need: the catalog's storage and
// the sessions runtime (kiosk.Sessions) that drives the room.
type Workshops interface {
	CreateWorkshop(ctx context.Context, actor, title string, playlistID int64, teams []string) (media.Workshop, error)
	Workshops(ctx context.Context) ([]media.Workshop, error)
	Workshop(ctx context.Context, id int64) (media.Workshop, error)
	WorkshopByCode(ctx context.Context, code string) (media.Workshop, error)
	AddNote(ctx context.Context, workshopID int64, n media.Note) (media.Note, error)
	AddAction(ctx context.Context, actor string, a media.Action) (media.Action, error)
	SetActionStatus(ctx context.Context, actor string, id int64, status string) (media.Action, error)
	Actions(ctx context.Context, status string) ([]media.Action, error)
	WorkshopActions(ctx context.Context, workshopID int64) ([]media.Action, error)
	WorkshopTallies(ctx context.Context, w media.Workshop) ([]media.Tally, error)
}

// Sessions runs live workshops (kiosk.Sessions).
type Sessions interface {
	Start(ctx context.Context, actor string, id int64, joinURL string) (media.Workshop, error)
	Move(ctx context.Context, actor string, id int64, by int) (media.Workshop, error)
	Reveal(ctx context.Context, actor string, id int64) (media.Workshop, error)
	End(ctx context.Context, actor string, id int64) (media.Workshop, error)
	Joined(ctx context.Context, code, device string) (kiosk.Join, error)
	Vote(ctx context.Context, code, device, item string, score int) (kiosk.Join, error)
	Idea(ctx context.Context, code, text string) (media.Idea, error)
}

// Rate limits of the participants' routes: phones vote and poll; a code is
// six letters, so guessing them is slowed per address.
var (
	joinReadLimit  = [2]Limit{{Rate: 2, Burst: 20}, {Rate: 200, Burst: 400}}
	joinWriteLimit = [2]Limit{{Rate: 1, Burst: 10}, {Rate: 100, Burst: 200}}
)

const voterCookie = "cr_voter"

func (s *Server) workshops() (Workshops, Sessions, error) {
	if s.cfg.Workshops == nil || s.cfg.Sessions == nil {
		return nil, nil, errorOf(media.EUnavailable, "workshops are not configured on this server")
	}
	return s.cfg.Workshops, s.cfg.Sessions, nil
}

// joinURL is where participants join, as the caller reached the server:
// the facilitator's tablet uses the office address the phones can reach.
func joinURL(c *fiber.Ctx, code string) string {
	return c.BaseURL() + "/join/?c=" + url.QueryEscape(code)
}

func (s *Server) handleCreateWorkshop(c *fiber.Ctx) error {
	var b struct {
		Title      string   `json:"title"`
		PlaylistID int64    `json:"playlist_id"`
		Teams      []string `json:"teams"`
	}
	if err := c.BodyParser(&b); err != nil {
		return errorOf(media.EInvalid, `a session is JSON {"title","playlist_id","teams"}`)
	}
	teams := make([]string, 0, len(b.Teams))
	for _, t := range b.Teams {
		if t = strings.TrimSpace(utils.CopyString(t)); t != "" {
			teams = append(teams, t)
		}
	}
	ws, _, err := s.workshops()
	if err != nil {
		return err
	}
	w, err := ws.CreateWorkshop(c.UserContext(), s.actor(c), utils.CopyString(b.Title), b.PlaylistID, teams)
	if err != nil {
		return err
	}
	w.JoinURL = joinURL(c, w.Code)
	return c.Status(fiber.StatusCreated).JSON(w)
}

func (s *Server) handleWorkshops(c *fiber.Ctx) error {
	ws, _, err := s.workshops()
	if err != nil {
		return err
	}
	list, err := ws.Workshops(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(list)
}

func (s *Server) handleWorkshop(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ws, _, err := s.workshops()
	if err != nil {
		return err
	}
	w, err := ws.Workshop(c.UserContext(), id)
	if err != nil {
		return err
	}
	if w.JoinURL == "" {
		w.JoinURL = joinURL(c, w.Code)
	}
	return c.JSON(w)
}

// handleWorkshopAction drives a session: start, next, prev, reveal, end.
func (s *Server) handleWorkshopAction(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	_, ss, err := s.workshops()
	if err != nil {
		return err
	}
	ctx, actor := c.UserContext(), s.actor(c)
	var w media.Workshop
	switch c.Params("action") {
	case "start":
		ws, _, _ := s.workshops()
		cur, err := ws.Workshop(ctx, id)
		if err != nil {
			return err
		}
		w, err = ss.Start(ctx, actor, id, joinURL(c, cur.Code))
		if err != nil {
			return err
		}
	case "next":
		w, err = ss.Move(ctx, actor, id, 1)
	case "prev":
		w, err = ss.Move(ctx, actor, id, -1)
	case "reveal":
		w, err = ss.Reveal(ctx, actor, id)
	case "end":
		w, err = ss.End(ctx, actor, id)
	default:
		return errorOf(media.ENotFound, "no such workshop action: "+c.Params("action"))
	}
	if err != nil {
		return err
	}
	return c.JSON(w)
}

func (s *Server) handleAddNote(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var n media.Note
	if err := c.BodyParser(&n); err != nil {
		return errorOf(media.EInvalid, `a note is JSON {"text","recording_id"|"clip_id"|"verbatim_id","at_ms"}`)
	}
	n.Text, n.Item = utils.CopyString(n.Text), utils.CopyString(n.Item)
	ws, _, err := s.workshops()
	if err != nil {
		return err
	}
	if _, err := ws.Workshop(c.UserContext(), id); err != nil {
		return err
	}
	n, err = ws.AddNote(c.UserContext(), id, n)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(n)
}

func (s *Server) handleAddAction(c *fiber.Ctx) error {
	var a media.Action
	if err := c.BodyParser(&a); err != nil {
		return errorOf(media.EInvalid, `an action is JSON {"text","team","due","workshop_id","evidence":[{"recording_id"|"clip_id"|"verbatim_id"}]}`)
	}
	a.Text, a.Team, a.Due = utils.CopyString(a.Text), utils.CopyString(a.Team), utils.CopyString(a.Due)
	ws, _, err := s.workshops()
	if err != nil {
		return err
	}
	a, err = ws.AddAction(c.UserContext(), s.actor(c), a)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(a)
}

func (s *Server) handleActionStatus(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var b struct {
		Status string `json:"status"`
	}
	if err := c.BodyParser(&b); err != nil {
		return errorOf(media.EInvalid, `JSON {"status": "open"|"done"|"dropped"}`)
	}
	ws, _, err := s.workshops()
	if err != nil {
		return err
	}
	a, err := ws.SetActionStatus(c.UserContext(), s.actor(c), id, utils.CopyString(b.Status))
	if err != nil {
		return err
	}
	return c.JSON(a)
}

func (s *Server) handleActions(c *fiber.Ctx) error {
	st := c.Query("status")
	if st != "" && st != "open" && st != "done" && st != "dropped" {
		return errorOf(media.EInvalid, "status: want open, done or dropped")
	}
	ws, _, err := s.workshops()
	if err != nil {
		return err
	}
	as, err := ws.Actions(c.UserContext(), st)
	if err != nil {
		return err
	}
	return c.JSON(as)
}

// device is the participant's anonymous device: a random cookie, stored
// only as a hash, so a phone votes once per item and nothing says whose.
func (s *Server) device(c *fiber.Ctx) string {
	v := c.Cookies(voterCookie)
	if len(v) < 20 || len(v) > 64 {
		b := make([]byte, 24)
		rand.Read(b)
		v = base64.RawURLEncoding.EncodeToString(b)
		c.Cookie(&fiber.Cookie{Name: voterCookie, Value: v, Path: "/api/join", HTTPOnly: true, SameSite: "Strict",
			Expires: s.cfg.Clock.Now().Add(24 * time.Hour)})
	}
	h := sha256.Sum256([]byte(v))
	return hex.EncodeToString(h[:])
}

func (s *Server) handleJoin(c *fiber.Ctx) error {
	_, ss, err := s.workshops()
	if err != nil {
		return err
	}
	j, err := ss.Joined(c.UserContext(), utils.CopyString(c.Params("code")), s.device(c))
	if err != nil {
		return err
	}
	return c.JSON(j)
}

func (s *Server) handleJoinVote(c *fiber.Ctx) error {
	var b struct {
		Item  string `json:"item"`
		Score *int   `json:"score"`
	}
	if err := c.BodyParser(&b); err != nil || b.Score == nil {
		return errorOf(media.EInvalid, `a vote is JSON {"item","score": 0..10}`)
	}
	_, ss, err := s.workshops()
	if err != nil {
		return err
	}
	j, err := ss.Vote(c.UserContext(), utils.CopyString(c.Params("code")), s.device(c), utils.CopyString(b.Item), *b.Score)
	if err != nil {
		return err
	}
	return c.JSON(j)
}

func (s *Server) handleJoinIdea(c *fiber.Ctx) error {
	var b struct {
		Text string `json:"text"`
	}
	if err := c.BodyParser(&b); err != nil {
		return errorOf(media.EInvalid, `an idea is JSON {"text"}`)
	}
	_, ss, err := s.workshops()
	if err != nil {
		return err
	}
	idea, err := ss.Idea(c.UserContext(), utils.CopyString(c.Params("code")), utils.CopyString(b.Text))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"id": idea.ID})
}

// handleJoinQR draws the join URL of a live session as a QR code. Only a
// live code answers, so it reveals nothing the code does not.
func (s *Server) handleJoinQR(c *fiber.Ctx) error {
	ws, _, err := s.workshops()
	if err != nil {
		return err
	}
	w, err := ws.WorkshopByCode(c.UserContext(), utils.CopyString(c.Params("code")))
	if err != nil {
		return err
	}
	link := w.JoinURL
	if link == "" {
		link = joinURL(c, w.Code)
	}
	png, err := qrcode.Encode(link, qrcode.Medium, 384)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "image/png")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(png)
}
