package audio

import (
	"errors"
	"io"
)

// These are replaced by the MP3, Ogg and FLAC decoders.
func openMP3(r io.ReadSeeker) (Stream, string, error)    { return nil, "", errors.New("not implemented") }
func openVorbis(r io.ReadSeeker) (Stream, string, error) { return nil, "", errors.New("not implemented") }
func openOpus(r io.ReadSeeker) (Stream, string, error)   { return nil, "", errors.New("not implemented") }
func openFLAC(r io.ReadSeeker) (Stream, string, error)   { return nil, "", errors.New("not implemented") }
