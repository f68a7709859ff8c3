package audio

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"testing"
)

func buildPeaks(rate, channels, spp, maxLen int, samples []float32) Peaks {
	b := newPeakBuilder(rate, channels, spp, maxLen)
	b.write(samples)
	return b.peaks()
}

func TestPeaksSmall(t *testing.T) {
	for _, c := range []struct {
		name     string
		channels int
		spp      int
		in       []float32
		want     []int
	}{
		{"mono pairs", 1, 2, []float32{0, 0.5, -0.5, 0.25}, []int{0, 64, -64, 32}},
		{"partial last pixel", 1, 2, []float32{0.5, -1, 1}, []int{-128, 64, 127, 127}},
		{"full scale clamps", 1, 1, []float32{1.5, -1.5}, []int{127, 127, -128, -128}},
		{"stereo envelope", 2, 1, []float32{0.5, -0.5, 0, 0}, []int{-64, 64, 0, 0}},
		{"empty", 1, 4, nil, []int{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := buildPeaks(8000, c.channels, c.spp, 0, c.in)
			if !slices.Equal(p.Data, c.want) {
				t.Errorf("data %v, want %v", p.Data, c.want)
			}
			if p.Length != len(c.want)/2 || p.Version != 2 || p.Bits != 8 || p.Channels != 1 || p.SamplesPerPixel != c.spp || p.SampleRate != 8000 {
				t.Errorf("header %+v", p)
			}
		})
	}
}

func TestPeaksDefaultResolution(t *testing.T) {
	for _, rate := range []int{8000, 16000, 44100, 48000} {
		p := buildPeaks(rate, 1, 0, 0, make([]float32, 3*rate))
		if p.SamplesPerPixel != rate/100 || p.Length != 300 {
			t.Errorf("%d Hz: %d samples per pixel, %d px for 3 s; want %d and 300", rate, p.SamplesPerPixel, p.Length, rate/100)
		}
	}
}

// Capping the length doubles samples_per_pixel; the result must be exactly
// what an uncapped build at the final resolution gives, whatever the length.
func TestPeaksCapMatchesDirect(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, frames := range []int{0, 1, 99, 100, 101, 199, 200, 201, 399, 400, 401, 1000, 4097, 12345} {
		x := make([]float32, 2*frames)
		for i := range x {
			x[i] = float32(r.Float64()*2 - 1)
		}
		capped := buildPeaks(8000, 2, 1, 100, x)
		if capped.Length > 100 {
			t.Errorf("%d frames: length %d over the cap", frames, capped.Length)
		}
		direct := buildPeaks(8000, 2, capped.SamplesPerPixel, 1<<30, x)
		if !slices.Equal(capped.Data, direct.Data) || capped.Length != direct.Length {
			t.Errorf("%d frames: capped build (spp %d, %d px) differs from a direct one (%d px)", frames, capped.SamplesPerPixel, capped.Length, direct.Length)
		}
		if frames > 0 && capped.Length <= 50 && capped.SamplesPerPixel > 1 {
			t.Errorf("%d frames: %d px at spp %d: doubled once too often", frames, capped.Length, capped.SamplesPerPixel)
		}
	}
}

// One hour of 8 kHz audio stays under the default cap.
func TestPeaksLongCall(t *testing.T) {
	b := newPeakBuilder(8000, 1, 0, 0)
	chunk := make([]float32, 8000)
	for range 3600 {
		b.write(chunk)
	}
	p := b.peaks()
	if p.Length > MaxPeaksLength || p.Length < MaxPeaksLength/2 {
		t.Errorf("1 h call: %d px at %d samples per pixel", p.Length, p.SamplesPerPixel)
	}
}

// The JSON field names are audiowaveform's, which the UI library reads.
func TestPeaksJSON(t *testing.T) {
	b, err := json.Marshal(buildPeaks(8000, 1, 80, 0, []float32{0.5}))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"version":2,"channels":1,"sample_rate":8000,"samples_per_pixel":80,"bits":8,"length":1,"data":[64,64]}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
}
