package main

import (
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkALSAPlayerCPU is a measurement (make bench runs it once through
// scripts/bench.d/alsacpu.sh) and prints its figures: the CPU the program
// uses on the ALSA path, idle and playing the longest demo call, through the
// model card of BenchmarkALSATapToSoundUnderLoad (ALSA's file plugin into a
// FIFO drained at real-time pace), and mpd's on the same rig playing the same
// file, as it comes and converted to what ours plays (48 kHz float stereo).
// The rig's one-page FIFO makes every writer block more often than a card's
// ring would, so the absolute figures are high for all three; the ratios
// are what it compares.
func BenchmarkALSAPlayerCPU(b *testing.B) {
	const call = "colis-perdu.wav" // the longest demo call: 15.9 s, 16 kHz mono
	const idleFor, playFor = 5 * time.Second, 10 * time.Second
	path, err := filepath.Abs(filepath.Join("..", "..", "media", "demo", "files", call))
	if err != nil {
		b.Fatal(err)
	}

	// Ours.
	dir := b.TempDir()
	fifo := alsaToFIFO(b, dir)
	go drainPaced(fifo, 48000*2*4)
	cmd, base, stderr := startProgram(b, []string{"HOME=" + dir}, "serve", "--data", filepath.Join(dir, "data"), "--addr", "127.0.0.1:0", "--audio", "alsa")
	raw, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	sum := fmt.Sprintf("%x", sha256.Sum256(raw))
	var recs []struct {
		ID     int64
		SHA256 string `json:"sha256"`
	}
	getJSON(b, base+"/api/recordings", &recs)
	var id int64
	for _, r := range recs {
		if r.SHA256 == sum {
			id = r.ID
		}
	}
	if id == 0 {
		b.Fatalf("no demo call %s among %+v", call, recs)
	}
	time.Sleep(3 * time.Second) // the demo library is in; the device rests
	ourIdle := cpuOver(b, cmd.Process.Pid, idleFor)
	if code := postJSON(b, base+"/api/player/play", fmt.Sprintf(`{"recording_id":%d}`, id), nil); code != 200 {
		b.Fatalf("play: %d\n%s", code, stderr.String())
	}
	time.Sleep(time.Second)
	ourPlay := cpuOver(b, cmd.Process.Pid, playFor)
	cmd.Process.Kill()
	cmd.Wait()

	// mpd, as the file comes (16 kHz mono 16-bit) and converted like ours.
	mpdIdle, mpdPlay := mpdOnALSA(b, path, "", 16000*2)
	_, mpd48 := mpdOnALSA(b, path, "48000:f:2", 48000*2*4)

	fmt.Printf("%-54s %13s %10s %14s\n", "player CPU on ALSA (model card), CPU-s per minute", "customer-room", "mpd", "mpd to 48k f32")
	fmt.Printf("%-54s %13.4f %10.4f %14s\n", "idle (nothing playing)", ourIdle, mpdIdle, "")
	fmt.Printf("%-54s %13.4f %10.4f %14.4f\n", "playing a 16 kHz call", ourPlay, mpdPlay, mpd48)
	fmt.Printf("%-54s %13.1fx %9.2fx\n", "ours against mpd as the file comes / converted", ourPlay/mpdPlay, ourPlay/mpd48)
	b.ReportMetric(ourIdle, "cpu_s_per_min_idle")
	b.ReportMetric(ourPlay, "cpu_s_per_min_playing")
}

// cpuOver is the CPU (all threads, the scheduler's run time) process pid
// uses over d, in CPU-seconds per minute.
func cpuOver(b *testing.B, pid int, d time.Duration) float64 {
	b.Helper()
	a := schedCPU(b, pid)
	time.Sleep(d)
	return (schedCPU(b, pid) - a).Seconds() * float64(time.Minute) / float64(d)
}

// schedCPU sums /proc/PID/task/*/schedstat's run time (nanoseconds): /proc's
// stat counts in 10 ms ticks, too coarse for a process this quiet.
func schedCPU(b *testing.B, pid int) time.Duration {
	b.Helper()
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	if err != nil || len(tasks) == 0 {
		b.Fatalf("no threads for process %d", pid)
	}
	var sum time.Duration
	for _, t := range tasks {
		raw, err := os.ReadFile(t)
		if err != nil {
			continue // a thread that ended
		}
		ns, _ := strconv.ParseInt(strings.Fields(string(raw))[0], 10, 64)
		sum += time.Duration(ns)
	}
	return sum
}

// mpdOnALSA plays file with mpd through the model card (format "" is the
// file's own; the card drains bytesPerSec) and returns its CPU-s per minute
// idle and playing.
func mpdOnALSA(b *testing.B, file, format string, bytesPerSec int) (idle, playing float64) {
	b.Helper()
	if _, err := exec.LookPath("mpd"); err != nil {
		b.Skip("mpd is not installed (make bench installs it)")
	}
	dir := b.TempDir()
	fifo := alsaToFIFO(b, dir)
	go drainPaced(fifo, bytesPerSec)
	music := filepath.Join(dir, "music")
	if err := os.MkdirAll(music, 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.Symlink(file, filepath.Join(music, "call.wav")); err != nil {
		b.Fatal(err)
	}
	port := "6671"
	conf := fmt.Sprintf("music_directory %q\ndb_file %q\nbind_to_address \"127.0.0.1\"\nport %q\n", music, filepath.Join(dir, "db"), port)
	conf += "resampler {\n  plugin \"soxr\"\n  quality \"medium\"\n}\n"
	conf += "audio_output {\n  type \"alsa\"\n  name \"card\"\n  device \"default\"\n"
	if format != "" {
		conf += fmt.Sprintf("  format %q\n", format)
	}
	conf += "}\n"
	confPath := filepath.Join(dir, "mpd.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		b.Fatal(err)
	}
	mpd := exec.Command("mpd", "--no-daemon", confPath)
	mpd.Env = append(os.Environ(), "HOME="+dir)
	if err := mpd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { mpd.Process.Kill(); mpd.Wait() }()
	mpc := func(args ...string) {
		b.Helper()
		var err error
		for range 50 { // mpd takes a moment to listen
			if err = exec.Command("mpc", append([]string{"-q", "-p", port}, args...)...).Run(); err == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		b.Fatalf("mpc %v: %v", args, err)
	}
	mpc("update", "--wait")
	mpc("add", "call.wav")
	time.Sleep(2 * time.Second)
	idle = cpuOver(b, mpd.Process.Pid, 5*time.Second)
	mpc("play")
	time.Sleep(time.Second)
	playing = cpuOver(b, mpd.Process.Pid, 10*time.Second)
	return idle, playing
}
