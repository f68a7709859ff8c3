package server

import (
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"customerroom/media"
)

// contentSecurityPolicy lets the pages load only the room's own scripts,
// styles, images and audio, and no site frame them. Styles allow inline
// <style> because the vendored waveform library builds its own.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
	"media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets the headers every answer carries.
func securityHeaders(c *fiber.Ctx) error {
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderContentSecurityPolicy, contentSecurityPolicy)
	c.Set(fiber.HeaderXFrameOptions, "DENY")
	c.Set(fiber.HeaderReferrerPolicy, "same-origin")
	return c.Next()
}

// maxBody is the largest request body read before routing: JSON bodies
// are a few KB (a transcript edit of a long call is the largest, well
// under this).
const maxBody = 1 << 20

// limitBody answers 413 to a body larger than maxBody on any route but the
// upload, without reading past maxBody: fasthttp leaves bodies as streams
// (see New), and a chunked body of unknown length is read here, bounded.
func limitBody(c *fiber.Ctx) error {
	if c.Method() == fiber.MethodPost && c.Path() == "/api/uploads" {
		return c.Next()
	}
	tooLarge := func() error {
		c.Set(fiber.HeaderConnection, "close") // the rest of the body is never read
		return fiber.NewError(fiber.StatusRequestEntityTooLarge, fmt.Sprintf("request body larger than %d MB", maxBody>>20))
	}
	switch n := c.Request().Header.ContentLength(); {
	case n > maxBody:
		return tooLarge()
	case n == -1 && c.Request().IsBodyStream(): // chunked
		b, err := io.ReadAll(io.LimitReader(c.Context().RequestBodyStream(), maxBody+1))
		if err != nil {
			return errorOf(media.EInvalid, "unreadable request body")
		}
		if len(b) > maxBody {
			return tooLarge()
		}
		c.Request().SetBody(b)
	}
	return c.Next()
}

// knownHost refuses a request from the room's own screen (a trusted
// address) whose Host is not an address or a name the room answers to: a
// page on another site that rebinds its DNS name to 127.0.0.1 must not be
// able to drive the loopback-trusted room.
func (s *Server) knownHost(c *fiber.Ctx) error {
	if !s.trusted(s.remoteAddr(c)) {
		return c.Next()
	}
	host := c.Hostname()
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(strings.ToLower(host), "[]")
	if host == "localhost" || net.ParseIP(host) != nil {
		return c.Next()
	}
	for _, h := range s.cfg.Hostnames {
		if strings.EqualFold(h, host) {
			return c.Next()
		}
	}
	return errorOf(media.EForbidden, "unknown host name: open the room as http://localhost or by its address (or add the name to --hostnames)")
}

// sendAudio serves an audio file with HTTP Range, typed by its extension
// (renditions are WAV; the demo's and originals keep their format). A
// missing file is a short not_found for the caller and the path in the log;
// an unsatisfiable range is 416.
func (s *Server) sendAudio(c *fiber.Ctx, path string) error {
	st, err := os.Stat(path)
	if err != nil {
		s.log.Error("audio file missing", "path", path, "err", err)
		return errorOf(media.ENotFound, "this recording's audio file is missing: the CX team has been told")
	}
	if rg := c.Get(fiber.HeaderRange); rg != "" && !satisfiable(rg, st.Size()) {
		c.Set(fiber.HeaderContentRange, "bytes */"+strconv.FormatInt(st.Size(), 10))
		return c.SendStatus(fiber.StatusRequestedRangeNotSatisfiable)
	}
	switch strings.ToLower(pathExt(path)) {
	case ".wav":
		c.Type("wav")
	case ".mp3":
		c.Type("mp3")
	case ".flac":
		c.Set(fiber.HeaderContentType, "audio/flac")
	default:
		c.Set(fiber.HeaderContentType, "audio/ogg")
	}
	return c.SendFile(path, false)
}

func pathExt(p string) string {
	if i := strings.LastIndexByte(p, '.'); i >= 0 && !strings.ContainsRune(p[i:], '/') {
		return p[i:]
	}
	return ""
}

// satisfiable reports whether a Range header asks for at least one byte of
// a file of size bytes ("bytes=-0" and ranges starting past the end do not).
func satisfiable(rg string, size int64) bool {
	spec, ok := strings.CutPrefix(strings.TrimSpace(rg), "bytes=")
	if !ok {
		return true // not a byte range: served whole
	}
	for _, part := range strings.Split(spec, ",") {
		first, last, ok := strings.Cut(strings.TrimSpace(part), "-")
		if !ok {
			continue
		}
		if first == "" {
			if n, err := strconv.ParseInt(last, 10, 64); err == nil && n > 0 && size > 0 {
				return true
			}
			continue
		}
		if n, err := strconv.ParseInt(first, 10, 64); err == nil && n < size {
			return true
		}
	}
	return false
}
