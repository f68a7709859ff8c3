package ingest

import (
	"bytes"
	"customerroom/media"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/asticode/go-astisub"
)

// maxTranscriptBytes bounds a sidecar transcript: a one-hour call's WebVTT is
// well under 1 MB, so anything far larger is not a transcript.
const maxTranscriptBytes = 8 << 20

// ReadTranscript parses a WebVTT (format "vtt") or SubRip ("srt") transcript
// into cues. WebVTT voice spans (<v Name>) give the speaker; SubRip lines of
// the form "Name: text" do too.
func ReadTranscript(r io.Reader, format string) (cues []media.Cue, err error) {
	data, err := io.ReadAll(io.LimitReader(r, maxTranscriptBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxTranscriptBytes {
		return nil, fmt.Errorf("transcript larger than %d MB", maxTranscriptBytes>>20)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, errors.New("transcript is not UTF-8 text")
	}
	// The subtitle library is written for trusted files; a hostile one must
	// give an error, not take the server down.
	defer func() {
		if p := recover(); p != nil {
			cues, err = nil, fmt.Errorf("malformed %s transcript", format)
		}
	}()
	var subs *astisub.Subtitles
	switch strings.ToLower(format) {
	case "vtt":
		if !bytes.HasPrefix(data, []byte("WEBVTT")) {
			return nil, errors.New("malformed vtt transcript: missing WEBVTT header")
		}
		subs, err = astisub.ReadFromWebVTT(bytes.NewReader(data))
	case "srt":
		subs, err = astisub.ReadFromSRT(bytes.NewReader(data))
	default:
		return nil, fmt.Errorf("unsupported transcript format %q", format)
	}
	if err != nil {
		return nil, fmt.Errorf("malformed %s transcript: %w", format, err)
	}
	cues = []media.Cue{}
	for _, it := range subs.Items {
		q := media.Cue{StartMS: it.StartAt.Milliseconds(), EndMS: it.EndAt.Milliseconds()}
		if q.EndMS < q.StartMS || q.StartMS < 0 {
			return nil, fmt.Errorf("malformed %s transcript: cue %d ends before it starts", format, it.Index)
		}
		var lines []string
		for _, l := range it.Lines {
			if l.VoiceName != "" && q.Speaker == "" {
				q.Speaker = l.VoiceName
			}
			var parts []string
			for _, li := range l.Items {
				parts = append(parts, strings.TrimSpace(li.Text))
			}
			lines = append(lines, strings.Join(parts, " "))
		}
		q.Text = strings.TrimSpace(strings.Join(lines, " "))
		if q.Speaker == "" {
			if name, rest, ok := strings.Cut(q.Text, ": "); ok && len(name) <= 40 && !strings.ContainsAny(name, ".!?") {
				q.Speaker, q.Text = name, rest
			}
		}
		if q.Text == "" {
			continue
		}
		cues = append(cues, q)
	}
	return cues, nil
}
