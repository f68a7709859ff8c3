package server

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"customerroom/media"
	"customerroom/player"
)

// Error is the one error type handlers return; the error handler maps it to
// a status and the contract's `{"error","code"}` body.
type Error struct {
	Status  int
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

func errBadRequest(msg string) *Error { return &Error{fiber.StatusBadRequest, "bad_request", msg} }
func errNotFound(msg string) *Error   { return &Error{fiber.StatusNotFound, "not_found", msg} }

// handleError is Fiber's ErrorHandler: every failure leaves through here.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	var (
		e  *Error
		fe *fiber.Error
	)
	switch {
	case errors.As(err, &e):
	case errors.Is(err, media.ErrNotFound), errors.Is(err, player.ErrNotFound):
		e = errNotFound(err.Error())
	case errors.Is(err, player.ErrUnavailable):
		e = &Error{fiber.StatusServiceUnavailable, "audio_unavailable", err.Error()}
	case errors.Is(err, player.ErrBadRequest):
		e = errBadRequest(err.Error())
	case errors.As(err, &fe):
		e = &Error{fe.Code, codeFor(fe.Code), fe.Message}
	default:
		s.log.Error("request failed", "method", c.Method(), "path", c.Path(), "err", err)
		e = &Error{fiber.StatusInternalServerError, "internal", "internal error"}
	}
	return c.Status(e.Status).JSON(fiber.Map{"error": e.Message, "code": e.Code})
}

func codeFor(status int) string {
	switch status {
	case fiber.StatusNotFound:
		return "not_found"
	case fiber.StatusMethodNotAllowed:
		return "method_not_allowed"
	case fiber.StatusRequestEntityTooLarge:
		return "too_large"
	case fiber.StatusTooManyRequests:
		return "rate_limited"
	case fiber.StatusUnauthorized:
		return "unauthorized"
	case fiber.StatusForbidden:
		return "forbidden"
	}
	if status >= 500 {
		return "internal"
	}
	return "bad_request"
}
