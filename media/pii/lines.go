package pii

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// MaxLineBytes is the longest input line Lines accepts. A transcript cue
// or a customer comment is far shorter; the bound keeps memory bounded
// whatever the input.
const MaxLineBytes = 1 << 20

// LineResult is the JSON object Lines writes for one input line, the
// contract of `customer-room pii --json`.
type LineResult struct {
	Line     int       `json:"line"`
	Findings []Finding `json:"findings"`
	Masked   string    `json:"masked"`
}

// Lines reads r line by line and writes, for each line, either the masked
// line (plain) or one LineResult JSON object a line (asJSON). Lines are
// numbered from 1; findings marshal as [] when there are none. A line longer
// than MaxLineBytes stops it with an error naming the line.
func Lines(r io.Reader, w io.Writer, d *Detector, asJSON bool) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), MaxLineBytes)
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	// "masked" is read by people: keep "<", ">" and "&" as they are.
	enc.SetEscapeHTML(false)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		fs := d.Find(line)
		if fs == nil {
			fs = []Finding{}
		}
		masked := Mask(line, fs)
		var err error
		if asJSON {
			err = enc.Encode(LineResult{Line: n, Findings: fs, Masked: masked})
		} else {
			_, err = fmt.Fprintln(bw, masked)
		}
		if err != nil {
			return fmt.Errorf("pii: writing line %d: %w", n, err)
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			bw.Flush()
			return fmt.Errorf("pii: line %d is longer than %d bytes: split the input into lines", n+1, MaxLineBytes)
		}
		return fmt.Errorf("pii: reading line %d: %w", n+1, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("pii: writing: %w", err)
	}
	return nil
}
