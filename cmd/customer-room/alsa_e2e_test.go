package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"customerroom/media/audio"
	"customerroom/media/demo"
)

// TestProgramPlaysThroughALSA runs the real program with --audio alsa and no
// sound card: HOME holds an .asoundrc routing the default PCM to ALSA's file
// plugin, writing into a FIFO this test drains at real-time pace (ALSA's null
// device has no clock, so the FIFO's back-pressure paces oto like a card).
// A demo call is played over HTTP; what reached ALSA must last as long as the
// source and sit at the loudness target.
func TestProgramPlaysThroughALSA(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "alsa.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	rc := fmt.Sprintf("pcm.!default { type plug slave.pcm \"cap\" }\npcm.cap { type file slave.pcm \"null\" file %q format \"raw\" }\n", fifo)
	if err := os.WriteFile(filepath.Join(dir, ".asoundrc"), []byte(rc), 0o644); err != nil {
		t.Fatal(err)
	}
	captured := make(chan []byte, 1)
	go func() { captured <- drainPaced(fifo, 48000*2*4) }()

	cmd, base, stderr := startProgram(t, []string{"HOME=" + dir}, "serve", "--data", filepath.Join(dir, "data"), "--addr", "127.0.0.1:0", "--audio", "alsa")
	var health struct {
		Audio struct {
			Output string
			OK     bool
			Error  string
		}
	}
	getJSON(t, base+"/api/health", &health)
	if health.Audio.Output != "alsa" || !health.Audio.OK {
		t.Fatalf("health audio %+v, want alsa ok", health.Audio)
	}

	// The shortest demo call, at full volume (the loudness target).
	var recs []struct {
		ID         int64
		Title      string
		DurationMS int64 `json:"duration_ms"`
	}
	getJSON(t, base+"/api/recordings", &recs)
	const title, file = "Une conseillère formidable", "conseillere-formidable.wav" // the room never sees file names
	var id int64
	for _, r := range recs {
		if r.Title == title {
			id = r.ID
		}
	}
	if id == 0 {
		t.Fatalf("demo call %s not listed: %+v", title, recs)
	}
	var st playerState
	if code := postJSON(t, base+"/api/player/volume", `{"volume":10}`, &st); code != 200 {
		t.Fatalf("volume: %d", code)
	}
	if code := postJSON(t, base+"/api/player/play", fmt.Sprintf(`{"recording_id":%d}`, id), &st); code != 200 || st.State != "playing" {
		t.Fatalf("play: %d %+v", code, st)
	}
	deadline := time.Now().Add(40 * time.Second)
	for st.State != "idle" {
		if time.Now().After(deadline) {
			t.Fatalf("still %q after 40 s", st.State)
		}
		time.Sleep(100 * time.Millisecond)
		getJSON(t, base+"/api/player", &st)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit: %v\n%s", err, stderr.String())
	}
	var raw []byte
	select {
	case raw = <-captured:
	case <-time.After(10 * time.Second):
		t.Fatal("ALSA never closed the capture FIFO")
	}

	// The played left channel (float32 stereo), from its first to its last sound.
	var left []float32
	for i := 0; i+8 <= len(raw); i += 8 {
		left = append(left, math.Float32frombits(binary.LittleEndian.Uint32(raw[i:])))
	}
	played := audibleSpan(left)
	if os.Getenv("CR_DUMP") != "" {
		os.WriteFile(os.Getenv("CR_DUMP"), raw, 0o644)
	}
	src := demoSamples(t, file)
	want := audibleSpan(src.samples)
	gotMS := float64(len(played)) * 1000 / 48000
	wantMS := float64(len(want)) * 1000 / float64(src.rate)
	t.Logf("captured %.2f s; sound from first to last: played %.0f ms, source %.0f ms", float64(len(left))/48000, gotMS, wantMS)
	if math.Abs(gotMS-wantMS) > 30 {
		t.Errorf("played %.0f ms of sound, source has %.0f ms (want within 30 ms)", gotMS, wantMS)
	}
	// No dropouts: a run of digital silence inside the call that the source
	// does not have is an underrun, which the listener hears as a click.
	if gaps := zeroRuns(played, 48000); len(gaps) > 0 {
		t.Errorf("%d dropouts in the played call (start s, length ms): %v", len(gaps), gaps)
	}
	if gaps := zeroRuns(want, src.rate); len(gaps) > 0 {
		t.Fatalf("the source itself has digital silences %v: the dropout check needs another call", gaps)
	}
	m := audio.NewLoudnessMeter(48000, 1)
	m.Write(played)
	if lufs := m.Integrated(); math.Abs(lufs-(-19)) > 1 {
		t.Errorf("played at %.2f LUFS, want the -19 LUFS target ± 1", lufs)
	} else {
		t.Logf("played at %.2f LUFS (target -19)", lufs)
	}
}

// audibleSpan trims leading and trailing near-silence (below -60 dBFS).
func audibleSpan(x []float32) []float32 {
	const floor = 0.001
	i, j := 0, len(x)
	for i < j && math.Abs(float64(x[i])) < floor {
		i++
	}
	for j > i && math.Abs(float64(x[j-1])) < floor {
		j--
	}
	return x[i:j]
}

// zeroRuns lists the runs of at least 2 ms of exact zeros in x, sampled at
// rate, as [start s, length ms].
func zeroRuns(x []float32, rate int) [][2]float64 {
	min := rate * 2 / 1000
	var out [][2]float64
	run := 0
	for i := 0; i <= len(x); i++ {
		if i < len(x) && x[i] == 0 {
			run++
			continue
		}
		if run >= min {
			out = append(out, [2]float64{float64(i-run) / float64(rate), float64(run) * 1000 / float64(rate)})
		}
		run = 0
	}
	return out
}

type pcm struct {
	rate    int
	samples []float32
}

// demoSamples decodes one of the embedded demo calls (mono).
func demoSamples(t *testing.T, name string) pcm {
	t.Helper()
	b, err := demo.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	s, _, err := audio.Open(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	var out []float32
	buf := make([]float32, 4096)
	for {
		n, err := s.Read(buf)
		out = append(out, buf[:n]...)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return pcm{s.SampleRate(), out}
}

// drainPaced reads the FIFO no faster than bytesPerSec (plus 50 ms of
// buffer, about one ALSA period) until the writer closes it.
func drainPaced(path string, bytesPerSec int) []byte {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	// A one-page pipe, so the FIFO itself does not act as a large device
	// buffer that oto could fill in bursts faster than real time.
	syscall.Syscall(syscall.SYS_FCNTL, f.Fd(), 1031 /* F_SETPIPE_SZ */, 4096)
	var all []byte
	buf := make([]byte, bytesPerSec/100)
	start := time.Now()
	for {
		n, err := f.Read(buf)
		all = append(all, buf[:n]...)
		if err != nil {
			return all
		}
		if d := time.Until(start.Add(time.Duration(len(all))*time.Second/time.Duration(bytesPerSec) - 50*time.Millisecond)); d > 0 {
			time.Sleep(d)
		}
		if len(all) > 120*bytesPerSec { // a runaway writer: stop at two minutes of audio
			return all
		}
	}
}
