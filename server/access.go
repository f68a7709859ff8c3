package server

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/netip"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	qrcode "github.com/skip2/go-qrcode"

	"customerroom/media"
)

// Who may control the room: the screen in the room (a request from a trusted
// network, loopback by default, since Chromium runs on the same machine) and
// devices paired by a curator. Everyone else may not start, stop or guess.
// Proxy headers such as X-Forwarded-For are ignored: anyone can send them.

// DefaultTrustedNetworks is loopback: the room's own screen.
var DefaultTrustedNetworks = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}

// Pairings is what the server needs to pair devices; the catalog implements it.
type Pairings interface {
	CreatePairing(ctx context.Context, token, label string, ttl time.Duration) error
	RedeemPairing(ctx context.Context, token, deviceSecret string) (media.Device, error)
	DeviceBySecret(ctx context.Context, secret string) (media.Device, error)
	Devices(ctx context.Context) ([]media.Device, error)
	RevokeDevice(ctx context.Context, id int64) error
}

const (
	deviceCookie = "cr_device"
	pairingTTL   = 15 * time.Minute
	deviceTTL    = 400 * 24 * time.Hour // the longest a browser keeps a cookie
)

// errForbidden says what to do instead, since the person reading it is
// holding a device that was refused.
var errForbidden = errorOf(media.EForbidden,
	"this device may not control the room: use the screen in the room, or ask a curator for a pairing code")

// remoteAddr is the peer's address; Config.RemoteAddr replaces it in tests.
func (s *Server) remoteAddr(c *fiber.Ctx) netip.Addr {
	if s.cfg.RemoteAddr != nil {
		return s.cfg.RemoteAddr(c)
	}
	a, _ := netip.AddrFromSlice(c.Context().RemoteIP())
	return a.Unmap()
}

// trusted reports whether addr is on a network allowed to control the room.
func (s *Server) trusted(addr netip.Addr) bool {
	nets := s.cfg.TrustedNetworks
	if nets == nil {
		nets = DefaultTrustedNetworks
	}
	for _, p := range nets {
		if addr.IsValid() && p.Contains(addr) {
			return true
		}
	}
	return false
}

// paired reports whether the request carries a paired device's cookie.
func (s *Server) paired(c *fiber.Ctx) bool {
	secret := c.Cookies(deviceCookie)
	if secret == "" || len(secret) > 128 || s.cfg.KioskStore == nil {
		return false
	}
	_, err := s.cfg.KioskStore.DeviceBySecret(c.UserContext(), secret)
	return err == nil
}

// roomAccess lets through the room's screen and paired devices only.
func (s *Server) roomAccess(c *fiber.Ctx) error {
	if s.trusted(s.remoteAddr(c)) || s.paired(c) {
		return c.Next()
	}
	return errForbidden
}

// roomOrStaff lets through who may browse the room's (approved, anonymized)
// content and drive its player: the room's screen, paired devices, and
// logged-in staff (a facilitator's tablet runs a workshop's playback). Anyone
// else on the office network gets 403: what customers said stays in the room.
func (s *Server) roomOrStaff(c *fiber.Ctx) error {
	if s.trusted(s.remoteAddr(c)) || s.paired(c) {
		return c.Next()
	}
	if _, ok := s.currentUser(c); ok {
		return c.Next()
	}
	return errForbidden
}

func randomSecret() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// handleCreatePairing (curators) makes a one-time pairing code, valid 15
// minutes: eight letters and digits a person can type on a tablet
// ("K7MQ-4XRP" at /pair), the link that carries it and that link as a QR
// code to scan.
func (s *Server) handleCreatePairing(c *fiber.Ctx) error {
	var b struct {
		Label string `json:"label"`
	}
	if len(c.Body()) > 0 {
		if err := c.BodyParser(&b); err != nil {
			return errorOf(media.EInvalid, "body must be JSON {\"label\"}")
		}
	}
	if len(b.Label) > 64 {
		return errorOf(media.EInvalid, "label longer than 64 characters")
	}
	code := pairingCode()
	if err := s.cfg.KioskStore.CreatePairing(c.UserContext(), code, string([]byte(b.Label)), pairingTTL); err != nil {
		return err
	}
	path := "/kiosk/?pair=" + code
	qr, err := qrcode.Encode(c.BaseURL()+path, qrcode.Medium, 256)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"token": code, "code": code[:4] + "-" + code[4:], "path": path,
		"url": c.BaseURL() + path, "entry_url": c.BaseURL() + "/pair", "qr": "data:image/png;base64," + base64.StdEncoding.EncodeToString(qr),
		"expires_at": s.cfg.Clock.Now().Add(pairingTTL).UTC().Format(time.RFC3339)})
}

// pairingAlphabet has no letters or digits that read alike (0 O, 1 I L, 5 S
// stay apart by leaving out O, I, L, 0 and 1).
const pairingAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// pairingCode is eight characters from pairingAlphabet, about 40 bits: a
// code lives 15 minutes, is spent once, and pairing is rate-limited per
// address.
func pairingCode() string {
	code := make([]byte, 0, 8)
	var buf [16]byte
	for len(code) < 8 {
		rand.Read(buf[:])
		for _, x := range buf {
			// 248 is the largest multiple of 31 under 256: no letter is
			// likelier than another.
			if x < 248 && len(code) < 8 {
				code = append(code, pairingAlphabet[int(x)%len(pairingAlphabet)])
			}
		}
	}
	return string(code)
}

// normalizeCode reads a pairing code as a person types it: any case, with
// spaces or a dash ("k7mq 4xrp").
func normalizeCode(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '-':
			return -1
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, strings.TrimSpace(s))
}

// handlePair spends a pairing code and gives this device its secret cookie.
func (s *Server) handlePair(c *fiber.Ctx) error {
	var b struct {
		Token string `json:"token"`
	}
	if err := c.BodyParser(&b); err != nil || b.Token == "" || len(b.Token) > 128 {
		return errorOf(media.EInvalid, "pair takes JSON {\"token\"} with the pairing code")
	}
	secret := randomSecret()
	d, err := s.cfg.KioskStore.RedeemPairing(c.UserContext(), normalizeCode(b.Token), secret)
	if media.IsNotFound(err) {
		return errorOf(media.EForbidden, "this pairing code is unknown, already used or expired: ask a curator for a new one")
	}
	if err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{Name: deviceCookie, Value: secret, Path: "/", HTTPOnly: true, SameSite: "Strict", MaxAge: int(deviceTTL.Seconds())})
	s.log.Info("device paired", "device", d.ID, "label", d.Label)
	return c.JSON(fiber.Map{"paired": true, "device": d})
}

func (s *Server) handleDevices(c *fiber.Ctx) error {
	ds, err := s.cfg.KioskStore.Devices(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(ds)
}

func (s *Server) handleRevokeDevice(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.cfg.KioskStore.RevokeDevice(c.UserContext(), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
