package server

import (
	"context"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"customerroom/kiosk"
	"customerroom/media"
)

// KioskStore is what the listening station's admin routes need from the
// catalog: device pairing and the programme.
type KioskStore interface {
	Pairings
	Programme(ctx context.Context) ([]media.ProgrammeEntry, error)
	AddProgrammeEntry(ctx context.Context, e media.ProgrammeEntry) (int64, error)
	DeleteProgrammeEntry(ctx context.Context, id int64) error
}

// Rate limits of the room's API. Actions allow a fast-tapping listener;
// reactions and guesses are what a flood would corrupt, so they are tighter;
// pairing codes are tried slowly so they cannot be guessed.
var (
	kioskActionLimit   = [2]Limit{{Rate: 10, Burst: 30}, {Rate: 30, Burst: 60}}
	kioskReactionLimit = [2]Limit{{Rate: 0.5, Burst: 6}, {Rate: 2, Burst: 12}}
	kioskGuessLimit    = [2]Limit{{Rate: 0.5, Burst: 10}, {Rate: 1, Burst: 20}}
	// Pairing is limited per address only: strangers sending bogus codes
	// must not lock out the curator pairing a tablet.
	kioskPairLimit = [2]Limit{{Rate: 0.1, Burst: 5}, {Rate: 1e6, Burst: 1e6}}
	// loginLimit slows password guessing from one address (and, in total,
	// a flood from many, so bcrypt cannot starve the room); accountLimit
	// (in handleLogin) slows guessing one account from many addresses.
	loginLimit   = [2]Limit{{Rate: 0.2, Burst: 10}, {Rate: 2, Burst: 20}}
	accountLimit = [2]Limit{{Rate: 0.1, Burst: 5}, {Rate: 1e6, Burst: 1e6}}
)

// kioskConfigured answers 404 for the listening station's routes when the
// server runs without a room (some tests build it so).
func (s *Server) kioskConfigured(c *fiber.Ctx) error {
	if s.cfg.Kiosk == nil || s.cfg.KioskStore == nil {
		return errorOf(media.ENotFound, "this server has no listening station")
	}
	return c.Next()
}

func (s *Server) handleKioskState(c *fiber.Ctx) error {
	return c.JSON(s.cfg.Kiosk.State())
}

func (s *Server) handleKioskHome(c *fiber.Ctx) error {
	h, err := s.cfg.Kiosk.Home(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(h)
}

// kioskBody is every field a screen action may carry.
type kioskBody struct {
	RecordingID int64  `json:"recording_id"`
	Guess       *int   `json:"guess"`
	Kind        string `json:"kind"`
	Lang        string `json:"lang"`
	PositionMS  *int64 `json:"position_ms"`
	Volume      *int   `json:"volume"`
}

func parseKioskBody(c *fiber.Ctx) (kioskBody, error) {
	var b kioskBody
	if len(c.Body()) == 0 {
		return b, nil
	}
	if err := c.BodyParser(&b); err != nil {
		return b, errorOf(media.EInvalid, "body must be JSON: "+err.Error())
	}
	b.Kind, b.Lang = utils.CopyString(b.Kind), utils.CopyString(b.Lang)
	return b, nil
}

// errInWorkshop holds the lone-listener flow while a session runs.
var errInWorkshop = errorOf(media.EConflict, "a workshop is running in the room: the screen is back when it ends")

func (s *Server) handleKioskAction(c *fiber.Ctx) error {
	b, err := parseKioskBody(c)
	if err != nil {
		return err
	}
	if a := c.Params("action"); s.cfg.Kiosk.InWorkshop() && a != "lang" && a != "here" {
		return errInWorkshop
	}
	room, ctx := s.cfg.Kiosk, c.UserContext()
	var st kiosk.State
	switch c.Params("action") {
	case "wake":
		st = room.Wake()
	case "here":
		st = room.Here()
	case "home":
		st, err = room.GoHome()
	case "listen":
		if b.RecordingID <= 0 {
			return errorOf(media.EInvalid, "listen takes {\"recording_id\"}, a positive integer")
		}
		st, err = room.Listen(ctx, b.RecordingID)
	case "pause":
		st, err = room.Pause()
	case "resume":
		st, err = room.Resume()
	case "back":
		st, err = room.Back()
	case "next":
		st, err = room.Next(ctx)
	case "finish":
		st, err = room.Finish()
	case "done":
		st, err = room.Done()
	case "leave":
		st = room.Leave()
	case "skip":
		st, err = room.Skip(ctx)
	case "seek":
		if b.PositionMS == nil {
			return errorOf(media.EInvalid, "seek takes {\"position_ms\"}, a whole number of milliseconds")
		}
		st, err = room.SeekTo(*b.PositionMS)
	case "volume":
		if b.Volume == nil {
			return errorOf(media.EInvalid, "volume takes {\"volume\"}, a whole number from 0 to 100")
		}
		st, err = room.SetVolume(*b.Volume)
	case "lang":
		st, err = room.SetLang(b.Lang)
	default:
		return errorOf(media.ENotFound, "no such kiosk action: "+c.Params("action"))
	}
	if err != nil {
		return err
	}
	return c.JSON(st)
}

func (s *Server) handleKioskGuess(c *fiber.Ctx) error {
	if s.cfg.Kiosk.InWorkshop() {
		return errInWorkshop
	}
	b, err := parseKioskBody(c)
	if err != nil {
		return err
	}
	if b.Guess == nil {
		return errorOf(media.EInvalid, "guess takes {\"guess\"}, a whole number from 0 to 10")
	}
	st, err := s.cfg.Kiosk.Guess(c.UserContext(), *b.Guess)
	if err != nil {
		return err
	}
	return c.JSON(st)
}

func (s *Server) handleKioskReact(c *fiber.Ctx) error {
	if s.cfg.Kiosk.InWorkshop() {
		return errInWorkshop
	}
	b, err := parseKioskBody(c)
	if err != nil {
		return err
	}
	if err := s.cfg.Kiosk.React(c.UserContext(), b.Kind); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"ok": true, "kind": b.Kind})
}

func (s *Server) handleProgramme(c *fiber.Ctx) error {
	es, err := s.cfg.KioskStore.Programme(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(es)
}

func (s *Server) handleAddProgramme(c *fiber.Ctx) error {
	var e media.ProgrammeEntry
	if err := c.BodyParser(&e); err != nil {
		return errorOf(media.EInvalid, "programme entry must be JSON {\"weekday\",\"start_min\",\"end_min\",\"playlist_id\"|\"closed\":true}")
	}
	id, err := s.cfg.KioskStore.AddProgrammeEntry(c.UserContext(), e)
	if err != nil {
		return err
	}
	e.ID = id
	s.programmeChanged(c)
	return c.Status(fiber.StatusCreated).JSON(e)
}

func (s *Server) handleDeleteProgramme(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.cfg.KioskStore.DeleteProgrammeEntry(c.UserContext(), id); err != nil {
		return err
	}
	s.programmeChanged(c)
	return c.SendStatus(fiber.StatusNoContent)
}

// programmeChanged lets the room see a new programme at once: opening or
// closing hours reach the screen with the save, not on the room's next look.
func (s *Server) programmeChanged(c *fiber.Ctx) {
	if s.cfg.Kiosk != nil {
		s.cfg.Kiosk.CheckHours(c.UserContext())
	}
}
