package server

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"customerroom/media"
)

// statusOf is the one place an error code becomes an HTTP status.
var statusOf = map[string]int{
	media.ENotFound:     fiber.StatusNotFound,
	media.EInvalid:      fiber.StatusBadRequest,
	media.EConflict:     fiber.StatusConflict,
	media.EUnauthorized: fiber.StatusUnauthorized,
	media.EForbidden:    fiber.StatusForbidden,
	media.EUnavailable:  fiber.StatusServiceUnavailable,
	media.ETooMany:      fiber.StatusTooManyRequests,
	media.EInternal:     fiber.StatusInternalServerError,
}

// codeOf maps the statuses Fiber itself answers (an unknown route, a body
// over the limit) back into the vocabulary.
func codeOf(status int) string {
	for code, st := range statusOf {
		if st == status {
			return code
		}
	}
	if status == fiber.StatusRequestEntityTooLarge || status == fiber.StatusMethodNotAllowed {
		return media.EInvalid
	}
	if status >= 500 {
		return media.EInternal
	}
	return media.EInvalid
}

// errorOf is an error with a code and a fixed message.
func errorOf(code, msg string) error { return &media.Error{Code: code, Message: msg} }

// handleError is Fiber's ErrorHandler: every failure leaves through here as
// the contract's `{"error","code"}` with the status its code maps to.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	var fe *fiber.Error
	code, msg := media.ErrorCode(err), media.ErrorMessage(err)
	switch {
	case code != media.EInternal:
	case errors.As(err, &fe):
		code, msg = codeOf(fe.Code), fe.Message
		return c.Status(fe.Code).JSON(fiber.Map{"error": msg, "code": code})
	default:
		s.log.Error("request failed", "method", c.Method(), "path", c.Path(), "err", err)
	}
	return c.Status(statusOf[code]).JSON(fiber.Map{"error": msg, "code": code})
}
