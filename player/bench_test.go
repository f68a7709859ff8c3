package player

import (
	"context"
	"math/rand"
	"os/exec"
	"path/filepath"
	"slices"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// discardOutput accepts everything at once, counting frames, and notes when
// the first non-silent sample arrives.
type discardOutput struct {
	frames atomic.Int64
	first  atomic.Int64 // unix nanos of the first non-zero sample, 0 before
}

var _ Output = (*discardOutput)(nil)

func (o *discardOutput) Write(s []float32) (int, error) {
	if o.first.Load() == 0 {
		for _, v := range s {
			if v != 0 {
				o.first.Store(time.Now().UnixNano())
				break
			}
		}
	}
	o.frames.Add(int64(len(s) / 2))
	return len(s), nil
}
func (o *discardOutput) Err() error   { return nil }
func (o *discardOutput) Name() string { return "discard" }
func (o *discardOutput) Close() error { return nil }

func speechWAV(b *testing.B, secs int) string {
	const rate = 8000
	x := make([]float32, rate*secs)
	for i := range x {
		x[i] = float32(speechLike(float64(i) / rate))
	}
	return tmpWAV(b, "call.wav", rate, 1, x)
}

// BenchmarkPlayToFirstSound measures Play() to the first non-silent sample
// handed to the output (goal: median <= 50 ms).
func BenchmarkPlayToFirstSound(b *testing.B) {
	path := speechWAV(b, 5)
	lib := &fakeLibrary{recordings: map[int64]Track{1: {RecordingID: 1, Path: path, DurationMS: 5000, LoudnessLUFS: -15}}}
	var lat []float64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		out := &discardOutput{}
		p := New(out, lib, Options{Volume: 10, MaxVolume: 10})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() { done <- p.Run(ctx) }()
		time.Sleep(5 * time.Millisecond)
		b.StartTimer()
		start := time.Now()
		if err := p.Play(context.Background(), Request{RecordingID: 1}); err != nil {
			b.Fatal(err)
		}
		for out.first.Load() == 0 {
			time.Sleep(50 * time.Microsecond)
		}
		lat = append(lat, float64(time.Unix(0, out.first.Load()).Sub(start).Microseconds())/1000)
		b.StopTimer()
		cancel()
		<-done
		b.StartTimer()
	}
	slices.Sort(lat)
	b.ReportMetric(lat[len(lat)/2], "ms_to_sound_p50")
	b.ReportMetric(lat[len(lat)-1], "ms_to_sound_max")
}

// BenchmarkSeekHourLong measures a seek inside the playing track (SeekFrame on
// the open stream, then the first chunk decoded and resampled) to random points of 1-hour MP3 and Opus calls made
// with lame and opusenc.
func BenchmarkSeekHourLong(b *testing.B) {
	dir := b.TempDir()
	wav := filepath.Join(dir, "hour.wav")
	if out, err := exec.Command("sox", "-n", "-r", "8000", "-c", "1", "-b", "16", wav, "synth", "3600", "sine", "300-3000", "vol", "0.3").CombinedOutput(); err != nil {
		b.Fatalf("sox: %v %s", err, out)
	}
	files := map[string][]string{
		"mp3":  {"lame", "--quiet", "-b", "16", wav, filepath.Join(dir, "hour.mp3")},
		"opus": {"opusenc", "--quiet", "--bitrate", "16", wav, filepath.Join(dir, "hour.opus")},
	}
	for _, name := range []string{"mp3", "opus"} {
		b.Run(name, func(b *testing.B) {
			args := files[name]
			if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
				b.Fatalf("%s: %v %s", args[0], err, out)
			}
			tr := Track{RecordingID: 1, Path: args[len(args)-1], DurationMS: 3600_000}
			rng := rand.New(rand.NewSource(1))
			buf := make([]float32, chunkFrames*2)
			t0 := time.Now()
			src, err := openSource(tr, 0)
			if err != nil {
				b.Fatalf("open: %v", err)
			}
			defer src.close()
			b.ReportMetric(float64(time.Since(t0).Microseconds())/1000, "ms_open")
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				at := rng.Int63n(3590_000)
				if !src.seek(tr, at) {
					b.Fatalf("seek to %d ms failed", at)
				}
				if _, err := src.read(buf); err != nil {
					b.Fatalf("read after seek to %d ms: %v", at, err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/seek")
		})
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkCPUPerAudioMinute plays 8 kHz speech in real time on the null
// output (paced by the clock, as on the room's device) and reports the
// process's CPU time per minute of audio (goal: <= 3% of a core, 1.8 CPU-s).
// Pacing matters: rendering as fast as possible costs a fifth of this, but
// the room's player wakes 50 times a second and the scheduler's share of
// that is what a Raspberry Pi pays.
func BenchmarkCPUPerAudioMinute(b *testing.B) {
	const listen = 10 * time.Second
	path := speechWAV(b, 60)
	lib := &fakeLibrary{recordings: map[int64]Track{1: {RecordingID: 1, Path: path, DurationMS: 60000, LoudnessLUFS: -15}}}
	var cpu time.Duration
	for i := 0; i < b.N; i++ {
		p := New(NewNullOutput(nil), lib, Options{Volume: 10, MaxVolume: 10})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() { done <- p.Run(ctx) }()
		if err := p.Play(context.Background(), Request{RecordingID: 1}); err != nil {
			b.Fatal(err)
		}
		c0 := cpuTime()
		time.Sleep(listen)
		cpu += cpuTime() - c0
		cancel()
		<-done
	}
	per := cpu.Seconds() / float64(b.N) * float64(time.Minute/listen)
	b.ReportMetric(per, "cpu_s_per_audio_min")
	b.ReportMetric(per/60*100, "percent_of_core")
}
