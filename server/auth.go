package server

import (
	"context"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"customerroom/media"
)

// Accounts is what the server needs to log curators, facilitators and
// admins in. Listeners never log in.
type Accounts interface {
	Authenticate(ctx context.Context, name, password string) (media.User, error)
	CreateSession(ctx context.Context, userID int64, ttl time.Duration) (string, error)
	SessionUser(ctx context.Context, token string) (media.User, error)
	DeleteSession(ctx context.Context, token string) error
	// Administration (admins only).
	Users(ctx context.Context) ([]media.User, error)
	AddUser(ctx context.Context, name, role, password string) error
	ChangeUser(ctx context.Context, actor string, id int64, ch media.UserChange) (media.User, error)
}

const (
	sessionCookie = "cr_session"
	sessionTTL    = 12 * time.Hour
	userKey       = "cr_user"
)

func (s *Server) handleLogin(c *fiber.Ctx) error {
	var b struct {
		Name     string `json:"name"`
		Password string `json:"password"`
	}
	if err := c.BodyParser(&b); err != nil {
		return errorOf(media.EInvalid, "login takes JSON {\"name\",\"password\"}")
	}
	if b.Name == "" || b.Password == "" || len(b.Name) > 64 || len(b.Password) > 72 {
		return errorOf(media.EInvalid, "name and password are required")
	}
	if ok, wait := s.accounts.allow(strings.ToLower(utils.CopyString(b.Name))); !ok {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		return errorOf(media.ETooMany, "too many attempts for this account: wait a minute and try again")
	}
	u, err := s.cfg.Accounts.Authenticate(c.UserContext(), utils.CopyString(b.Name), b.Password)
	if err != nil {
		return err
	}
	token, err := s.cfg.Accounts.CreateSession(c.UserContext(), u.ID, sessionTTL)
	if err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: token, Path: "/", HTTPOnly: true, SameSite: "Strict", Expires: s.cfg.Clock.Now().Add(sessionTTL)})
	s.log.Info("login", "user", u.Name, "role", u.Role)
	return c.JSON(u)
}

func (s *Server) handleLogout(c *fiber.Ctx) error {
	if token := c.Cookies(sessionCookie); token != "" {
		if err := s.cfg.Accounts.DeleteSession(c.UserContext(), token); err != nil {
			return err
		}
	}
	// Clear it with the path it was set with, or the browser keeps it.
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: "", Path: "/", HTTPOnly: true, SameSite: "Strict", MaxAge: -1,
		Expires: s.cfg.Clock.Now().Add(-time.Hour)})
	return c.JSON(fiber.Map{"ok": true})
}

func (s *Server) handleMe(c *fiber.Ctx) error {
	u, ok := s.currentUser(c)
	if !ok {
		return errorOf(media.EUnauthorized, "not logged in")
	}
	return c.JSON(u)
}

// currentUser returns the logged-in user of the request, if any.
func (s *Server) currentUser(c *fiber.Ctx) (media.User, bool) {
	if u, ok := c.Locals(userKey).(media.User); ok {
		return u, true
	}
	token := c.Cookies(sessionCookie)
	if token == "" || s.cfg.Accounts == nil {
		return media.User{}, false
	}
	u, err := s.cfg.Accounts.SessionUser(c.UserContext(), token)
	if err != nil {
		return media.User{}, false
	}
	c.Locals(userKey, u)
	return u, true
}

// requireRole lets a request through only for a logged-in user with one of roles.
func (s *Server) requireRole(roles ...string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		u, ok := s.currentUser(c)
		if !ok {
			return errorOf(media.EUnauthorized, "log in first")
		}
		for _, r := range roles {
			if u.Role == r {
				return c.Next()
			}
		}
		return errorOf(media.EForbidden, "this needs the role "+strings.Join(roles, " or "))
	}
}

// isStaff reports whether the request comes from a logged-in user, who may
// see what the room may not (source file names, scores before a reveal).
func (s *Server) isStaff(c *fiber.Ctx) bool {
	_, ok := s.currentUser(c)
	return ok
}

func (s *Server) handleUsers(c *fiber.Ctx) error {
	us, err := s.cfg.Accounts.Users(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(us)
}

func (s *Server) handleAddUser(c *fiber.Ctx) error {
	var b struct {
		Name     string `json:"name"`
		Role     string `json:"role"`
		Password string `json:"password"`
	}
	if err := c.BodyParser(&b); err != nil {
		return errorOf(media.EInvalid, `a user is JSON {"name","role","password"}`)
	}
	name, role := utils.CopyString(b.Name), utils.CopyString(b.Role)
	if err := s.cfg.Accounts.AddUser(c.UserContext(), name, role, b.Password); err != nil {
		return err
	}
	s.log.Info("user added", "by", s.actor(c), "user", name, "role", role)
	us, err := s.cfg.Accounts.Users(c.UserContext())
	if err != nil {
		return err
	}
	for _, u := range us {
		if u.Name == name {
			return c.Status(fiber.StatusCreated).JSON(u)
		}
	}
	return c.SendStatus(fiber.StatusCreated)
}

func (s *Server) handleChangeUser(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var ch media.UserChange
	if err := c.BodyParser(&ch); err != nil {
		return errorOf(media.EInvalid, `a user change is JSON {"role","disabled","password"}`)
	}
	if ch.Role != nil {
		r := utils.CopyString(*ch.Role)
		ch.Role = &r
	}
	u, err := s.cfg.Accounts.ChangeUser(c.UserContext(), s.actor(c), id, ch)
	if err != nil {
		return err
	}
	return c.JSON(u)
}
