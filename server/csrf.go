package server

import (
	"mime"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"customerroom/media"
)

// sameOrigin protects state changes made with a login cookie or a paired
// device's cookie from other sites, on top of SameSite=Strict: a request
// whose Origin (or, without one, Sec-Fetch-Site) says it comes from another
// site is refused. Tools without a browser (curl, scripts) send neither and
// pass: they hold no victim's cookie.
func (s *Server) sameOrigin(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	if o := c.Get(fiber.HeaderOrigin); o != "" {
		u, err := url.Parse(o)
		if err != nil || u.Host == "" || !strings.EqualFold(u.Host, c.Hostname()) {
			return errorOf(media.EForbidden, "cross-site request refused: use the room's own pages")
		}
		return c.Next()
	}
	if site := c.Get("Sec-Fetch-Site"); site == "cross-site" || site == "same-site" {
		return errorOf(media.EForbidden, "cross-site request refused: use the room's own pages")
	}
	return c.Next()
}

// jsonOnly refuses the body types an HTML form can send without a preflight
// (form-encoded, multipart, text/plain) on the JSON API: a cross-site form
// can then never reach a handler. POST /api/uploads is the one multipart
// route: multipartOnly guards it instead.
func jsonOnly(c *fiber.Ctx) error {
	switch {
	case c.Method() == fiber.MethodGet, c.Method() == fiber.MethodHead, c.Method() == fiber.MethodOptions:
		return c.Next()
	case c.Method() == fiber.MethodPost && c.Path() == "/api/uploads":
		return c.Next()
	}
	ct := c.Get(fiber.HeaderContentType)
	if ct == "" && len(c.Body()) == 0 {
		return c.Next()
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || mt != fiber.MIMEApplicationJSON {
		return errorOf(media.EInvalid, "send JSON with Content-Type: application/json")
	}
	return c.Next()
}

// multipartOnly is jsonOnly's counterpart for uploads.
func multipartOnly(c *fiber.Ctx) error {
	mt, _, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if err != nil || mt != fiber.MIMEMultipartForm {
		return errorOf(media.EInvalid, "uploads are multipart/form-data with one or more \"file\" fields")
	}
	return c.Next()
}
