package server

import (
	"customerroom/media"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"

	"github.com/gofiber/fiber/v2"
)

// maxUploadBytes bounds a whole upload request: an hour of 8 kHz 16-bit WAV
// is 58 MB, of 16 kHz stereo 230 MB; longer or richer files go through the
// inbox folder or the import command.
const maxUploadBytes = 256 << 20

// uploaded is one file of an upload's answer.
type uploaded struct {
	Name string `json:"name"`
	Size int64  `json:"size"`
}

// handleUpload receives files from the curator's browser (multipart field
// "file", repeatable: a call with its NAME.vtt and NAME.json) and puts them in
// the drop folder, where the watcher imports or quarantines them like any
// dropped file. Each is written under a hidden staging name and renamed in
// whole, so the watcher never sees half an upload. It answers 202: the
// import outcome arrives later as a library event. A middleware must let
// only curators and admins through.
func (s *Server) handleUpload(c *fiber.Ctx) error {
	if n := c.Request().Header.ContentLength(); n > maxUploadBytes || n < 0 {
		return fiber.NewError(fiber.StatusRequestEntityTooLarge, fmt.Sprintf("an upload is at most %d MB, with its length given", maxUploadBytes>>20))
	}
	if len(c.Request().Header.Peek(fiber.HeaderContentEncoding)) > 0 {
		return errorOf(media.EInvalid, "send uploads without Content-Encoding")
	}
	form, err := c.MultipartForm()
	if err != nil {
		return errorOf(media.EInvalid, "want a multipart form with one or more \"file\" fields")
	}
	files := form.File["file"]
	if len(files) == 0 {
		return errorOf(media.EInvalid, "no \"file\" field in the form")
	}
	inbox := media.Layout{Dir: s.cfg.DataDir}.Inbox()
	out := []uploaded{}
	for _, fh := range files {
		name := uploadName(fh.Filename)
		if name == "" {
			return errorOf(media.EInvalid, fmt.Sprintf("file name %q is not usable", fh.Filename))
		}
		if fh.Size > maxUploadBytes {
			return errorOf(media.EInvalid, fmt.Sprintf("%s is larger than %d MB", name, maxUploadBytes>>20))
		}
		final, err := saveToInbox(fh, inbox, name)
		if err != nil {
			return err
		}
		s.log.Info("upload received", "file", final, "bytes", fh.Size)
		out = append(out, uploaded{Name: final, Size: fh.Size})
	}
	return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"files": out})
}

// uploadName keeps the base of a browser-supplied file name, without path,
// control characters or a leading dot (the watcher ignores hidden files).
func uploadName(name string) string {
	name = strings.ReplaceAll(name, `\`, "/")
	name = filepath.Base(name)
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '/' || r == 0x7f || r == unicode.ReplacementChar {
			return -1
		}
		return r
	}, name)
	name = strings.TrimLeft(strings.TrimSpace(name), ".")
	if len(name) > 200 {
		ext := filepath.Ext(name)
		if len(ext) > 16 {
			ext = ""
		}
		name = name[:200-len(ext)] + ext
	}
	if name == "" || name == "." {
		return ""
	}
	return name
}

// saveToInbox copies an upload to a hidden staging file in inbox, then renames
// it to name (or name-2, name-3… if taken) and returns the name used.
func saveToInbox(fh *multipart.FileHeader, inbox, name string) (final string, err error) {
	src, err := fh.Open()
	if err != nil {
		return "", err
	}
	defer src.Close()
	stem, ext := strings.TrimSuffix(name, filepath.Ext(name)), filepath.Ext(name)
	_, err = media.WriteStaged(inbox, ".upload-*.part", io.LimitReader(src, maxUploadBytes+1), func(staged string) error {
		for n := 1; n < 1000; n++ {
			cand := name
			if n > 1 {
				cand = stem + "-" + strconv.Itoa(n) + ext
			}
			// A hard link fails when the name is taken, unlike rename, so two
			// uploads of the same name never overwrite each other.
			if err := os.Link(staged, filepath.Join(inbox, cand)); err == nil {
				final = cand
				return nil
			} else if !errors.Is(err, os.ErrExist) {
				return err
			}
		}
		return fmt.Errorf("no free name for %s in the inbox", name)
	})
	return final, err
}
