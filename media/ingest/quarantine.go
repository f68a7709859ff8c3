package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"
)

// quarantineFiles moves a rejected file and its sidecars from the drop folder
// into dir, beside NAME.error.txt saying why, where a curator can look. When
// a file of the same name is already there, every file of the group gets the
// same "-2", "-3"… suffix so they still travel together.
func quarantineFiles(dir, main string, sidecars []string, reason string, now time.Time) (string, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", err
	}
	all := append([]string{main}, sidecars...)
	stem, short := quarantineStem(filepath.Base(main))
	dest := func(n int, p string) string {
		s := stem
		if n > 1 {
			s += "-" + strconv.Itoa(n)
		}
		return filepath.Join(dir, s+filepath.Ext(p))
	}
	n := 1
	for ; n < 10000; n++ {
		free := true
		for _, d := range append(mapNames(all, func(p string) string { return dest(n, p) }), dest(n, main)+".error.txt") {
			if _, err := os.Lstat(d); err == nil {
				free = false
				break
			}
		}
		if free {
			break
		}
	}
	target := dest(n, main)
	note := fmt.Sprintf("%s was not imported: %s\n\nfrom:     %s\nwhen:     %s\n", filepath.Base(main), reason, main, now.UTC().Format(time.RFC3339))
	if short {
		note += "name:     too long to keep with a suffix, quarantined as " + filepath.Base(target) + "\n"
	}
	if len(sidecars) > 0 {
		note += "sidecars: " + strings.Join(baseNames(sidecars), ", ") + " (moved here with it)\n"
	}
	note += "\nFix the file and drop it in the inbox again, or delete it.\n"
	if err := os.WriteFile(target+".error.txt", []byte(note), 0o640); err != nil {
		return "", err
	}
	var errs []error
	for _, p := range all {
		errs = append(errs, moveFile(p, dest(n, p)))
	}
	return target, errors.Join(errs...)
}

// maxQuarantineStem leaves room in a 255-byte file name for "-NNNN", an
// extension and ".error.txt".
const maxQuarantineStem = 200

// quarantineStem is the name a quarantined file is stored under, without its
// extension: its own, or when that is too long to take ".error.txt" and a
// suffix, its first bytes and a hash of the whole name (short reports that).
func quarantineStem(base string) (stem string, short bool) {
	ext := filepath.Ext(base)
	stem = strings.TrimSuffix(base, ext)
	if len(base) <= maxQuarantineStem {
		return stem, false
	}
	sum := sha256.Sum256([]byte(base))
	cut := maxQuarantineStem - 32 - len(ext)
	if cut < 16 {
		cut = 16
	}
	for cut > 0 && cut < len(stem) && !utf8.RuneStart(stem[cut]) {
		cut--
	}
	return stem[:min(cut, len(stem))] + "~" + hex.EncodeToString(sum[:4]), true
}

func baseNames(ps []string) []string { return mapNames(ps, filepath.Base) }

func mapNames(ps []string, f func(string) string) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = f(p)
	}
	return out
}

// moveFile renames src to dst, copying then deleting when they are on
// different file systems (an inbox shared over the network, for instance).
func moveFile(src, dst string) error {
	err := os.Rename(src, dst)
	if err == nil || !errors.Is(err, syscall.EXDEV) {
		return err
	}
	in, _, err := openRegular(src) // never block on a FIFO, never copy through a link
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(dst)
		return err
	}
	if err := out.Close(); err != nil {
		os.Remove(dst)
		return err
	}
	return os.Remove(src)
}
