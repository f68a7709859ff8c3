package audio

import (
	"bytes"
	"testing"
)

// The codec targets start from the tiny seeds in testdata/fuzz/FuzzXxx
// (testdata/make-fuzz-seeds.sh): whole fixtures made every exec decode
// seconds of audio (FuzzFLAC ran 74 execs/s on 80 KB seeds, 8 KB of them
// padding) and every new input took the minimizer a minute.
const (
	// fuzzMaxInput skips inputs the mutator has grown past what any seed
	// needs: a longer stream only repeats the frames a short one decodes.
	fuzzMaxInput = 16 << 10
	// fuzzMaxSamples bounds what fuzzDrain decodes before it seeks: a tiny
	// FLAC frame can promise 65535 constant samples, an MP3 index a few
	// hundred frames, and decoding them all finds nothing the first few
	// did not. 8192 samples are 3.5 stereo MPEG-1 frames (the bit
	// reservoir reaches across them), 14 mono MPEG-2 ones, 8 Opus packets.
	fuzzMaxSamples = 1 << 13
)

// fuzzDrain opens b with open and reads a bounded amount, then seeks:
// nothing may panic, and what Read returns keeps the Stream contract (whole
// frames of 1 to maxChannels channels, finite samples).
func fuzzDrain(t *testing.T, b []byte, maxChannels int, open func(r *bytes.Reader) (Stream, string, error)) {
	if len(b) > fuzzMaxInput {
		return
	}
	s, _, err := open(bytes.NewReader(b))
	if err != nil {
		return
	}
	if c := s.Channels(); c < 1 || c > maxChannels {
		t.Fatalf("channels %d", c)
	}
	buf := make([]float32, 2048)
	for read := 0; read < fuzzMaxSamples; {
		n, err := s.Read(buf)
		read += n
		if n%s.Channels() != 0 {
			t.Fatalf("Read returned %d samples for %d channels", n, s.Channels())
		}
		for i, v := range buf[:n] {
			if v-v != 0 {
				t.Fatalf("sample %d of a read is %v", i, v)
			}
		}
		if err != nil {
			break
		}
	}
	if sk, ok := s.(Seeker); ok {
		target := int64(1000)
		if n := s.Frames(); n > 0 {
			target = n / 2 // the seeds are shorter than 1000 frames
		}
		_ = sk.SeekFrame(target)
		_, _ = s.Read(buf)
	}
}

func FuzzMP3(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		fuzzDrain(t, b, 2, func(r *bytes.Reader) (Stream, string, error) { return openMP3(r) })
	})
}

func FuzzOgg(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > fuzzMaxInput {
			return
		}
		var p oggPage
		_ = parseOggPage(b, &p)
		fuzzDrain(t, b, 2, func(r *bytes.Reader) (Stream, string, error) { return openOpus(r) })
		fuzzDrain(t, b, 2, func(r *bytes.Reader) (Stream, string, error) { return openVorbis(r) })
	})
}

func FuzzFLAC(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		fuzzDrain(t, b, 2, func(r *bytes.Reader) (Stream, string, error) { return openFLAC(r) })
	})
}

// FuzzOpen goes through Open as an import does: ID3v2 skipping, sniffing,
// the MP3 junk search, then whichever decoder the bytes look like.
func FuzzOpen(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		fuzzDrain(t, b, wavMaxChannels, func(r *bytes.Reader) (Stream, string, error) {
			s, info, err := Open(r)
			return s, info.Codec, err
		})
	})
}
