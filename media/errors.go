package media

import (
	"errors"
	"fmt"
)

// The codes of the one error vocabulary every package returns. The server
// maps each to an HTTP status in one place; the CLI prints the message.
const (
	ENotFound     = "not_found"    // no such thing, or not visible to the caller (an unapproved call for the room)
	EInvalid      = "invalid"      // the request itself is wrong: a bad value, a missing field
	EConflict     = "conflict"     // not possible in the current state (wrong screen, already approved)
	EUnauthorized = "unauthorized" // no valid login
	EForbidden    = "forbidden"    // logged in or paired, but not allowed
	EUnavailable  = "unavailable"  // a part the request needs is down (the sound device)
	ETooMany      = "too_many"     // rate limited
	EInternal     = "internal"     // anything else: a bug or an I/O failure; details go to the log
)

// Error is an error a caller can act on: a code from the vocabulary above and
// a message short enough to show to the person who caused it.
type Error struct {
	Code    string
	Message string
	// Err is the error wrapped with %w, if any: errors.Is still finds it.
	Err error
}

// Error returns the message.
func (e *Error) Error() string { return e.Message }

// Unwrap returns the wrapped error.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with code and a message formatted as fmt.Errorf
// does. A %w-wrapped error stays reachable with errors.Is and errors.As, but
// the code is the one given here: the outermost *Error decides.
func Errorf(code, format string, args ...any) *Error {
	err := fmt.Errorf(format, args...)
	return &Error{Code: code, Message: err.Error(), Err: errors.Unwrap(err)}
}

// ErrorCode is the code of the first *Error in err's chain, "" for nil and
// EInternal for any other error.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	}
	return EInternal
}

// ErrorMessage is the message to show for err: its text when it carries a
// code, "internal error" otherwise (the details belong in the log).
func ErrorMessage(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return err.Error()
	}
	return "internal error"
}

// IsNotFound reports whether err says that something does not exist.
func IsNotFound(err error) bool { return ErrorCode(err) == ENotFound }
