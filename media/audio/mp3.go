package audio

import (
	"io"

	"customerroom/media/audio/internal/mp3"
)

// The decoder lives in internal/mp3; it is a Stream and a Seeker without
// knowing this package.
var (
	_ Stream = (*mp3.Stream)(nil)
	_ Seeker = (*mp3.Stream)(nil)
)

// openMP3 hands r to our layer III decoder.
func openMP3(r io.ReadSeeker) (Stream, string, error) {
	s, err := mp3.Open(r)
	if err != nil {
		return nil, "", err // not s: a nil *mp3.Stream would be a non-nil Stream
	}
	return s, "mp3", nil
}
