package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
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
	fifo := alsaToFIFO(t, dir)
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

// BenchmarkALSATapToSoundUnderLoad is a measurement (make bench runs it
// once through scripts/bench.d/latency.sh) and prints its figures.
// The real program plays a demo call through ALSA's file plugin into a FIFO
// read by a model sound card (a device with devAhead of buffer that plays
// every byte at real-time pace and, when starved, waits: an underrun),
// while two CPU-bound processes run beside it. Taps on play, pause and
// resume are timed to the first (or last) non-zero sample at the speaker,
// and the player's position_ms is compared with where the speaker is.
func BenchmarkALSATapToSoundUnderLoad(b *testing.B) {
	t := testing.TB(b)
	const devAhead = 20 * time.Millisecond // the model card's buffer
	const rate, frameBytes = 48000, 8
	dir := t.TempDir()
	fifo := alsaToFIFO(t, dir)
	hogs := os.Getenv("CR_BENCH_HOGS")
	if hogs == "" {
		hogs = "2"
	}
	nhogs, _ := strconv.Atoi(hogs)
	for range nhogs {
		hog := exec.Command("sh", "-c", "while :; do :; done")
		if err := hog.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { hog.Process.Kill(); hog.Wait() })
	}

	// The model card: chunk i of the stream plays from play[i] on.
	type chunk struct {
		off  int // byte offset in the stream
		n    int
		play time.Time
	}
	var (
		mu       sync.Mutex
		raw      []byte
		chunks   []chunk
		underrun []time.Time
	)
	// The card opens the FIFO before the program does, read and write so the
	// open does not wait for a writer, and shrinks it to one page while it
	// is still empty (once ALSA has written more, the kernel refuses, and
	// the FIFO's 64 KiB, 170 ms, would hide in the measurement).
	f, err := os.OpenFile(fifo, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	if rc, err := f.SyscallConn(); err == nil {
		rc.Control(func(fd uintptr) { syscall.Syscall(syscall.SYS_FCNTL, fd, 1031 /* F_SETPIPE_SZ */, 4096) })
	}
	cardDone := make(chan struct{})
	go func() {
		defer close(cardDone)
		buf := make([]byte, 480*frameBytes) // 10 ms
		var end time.Time                   // when what the card holds has played
		for {
			if d := time.Until(end.Add(-devAhead)); d > 0 {
				time.Sleep(d)
			}
			asked := time.Now()
			n, err := io.ReadAtLeast(f, buf, frameBytes)
			now := time.Now()
			if n > 0 {
				n -= n % frameBytes
				mu.Lock()
				start := end
				// Starved: the data came after the card ran dry, so it plays
				// late. A card that woke late itself and found data waiting
				// is this model's artefact (a real card has DMA): its
				// timeline goes on as if it had read in time.
				starved := now.Sub(asked) > time.Millisecond
				if end.IsZero() || (starved && now.After(end)) {
					if !end.IsZero() && now.Sub(end) > 2*time.Millisecond {
						underrun = append(underrun, now)
					}
					start = now
				}
				chunks = append(chunks, chunk{len(raw), n, start})
				raw = append(raw, buf[:n]...)
				end = start.Add(time.Duration(n/frameBytes) * time.Second / rate)
				mu.Unlock()
			}
			if err != nil {
				return
			}
		}
	}()
	// heardAt is when the card plays byte offset off.
	heardAt := func(off int) time.Time {
		mu.Lock()
		defer mu.Unlock()
		i := sort.Search(len(chunks), func(i int) bool { return chunks[i].off+chunks[i].n > off })
		if i == len(chunks) {
			return time.Time{}
		}
		c := chunks[i]
		return c.play.Add(time.Duration((off-c.off)/frameBytes) * time.Second / rate)
	}
	// offsetAt is the byte the card plays at time at.
	offsetAt := func(at time.Time) int {
		mu.Lock()
		defer mu.Unlock()
		i := sort.Search(len(chunks), func(i int) bool { return chunks[i].play.After(at) }) - 1
		if i < 0 {
			return 0
		}
		c := chunks[i]
		return c.off + min(c.n, int(at.Sub(c.play)*rate/time.Second)*frameBytes)
	}
	sample := func(off int) float32 {
		mu.Lock()
		defer mu.Unlock()
		if off+4 > len(raw) {
			return 0
		}
		return math.Float32frombits(binary.LittleEndian.Uint32(raw[off:]))
	}

	cmd, base, stderr := startProgram(t, []string{"HOME=" + dir}, "serve", "--data", filepath.Join(dir, "data"), "--addr", "127.0.0.1:0", "--audio", "alsa")
	var recs []struct {
		ID         int64
		DurationMS int64 `json:"duration_ms"`
	}
	getJSON(t, base+"/api/recordings", &recs)
	var id, longest int64
	for _, r := range recs {
		if r.DurationMS > longest {
			id, longest = r.ID, r.DurationMS
		}
	}
	postJSON(t, base+"/api/player/volume", `{"volume":10}`, nil)
	time.Sleep(time.Second) // the card settles on the idle stream

	// firstSound is the first non-zero byte offset at or after the card's
	// position at time at; lastSound the last non-zero one before the
	// silence that follows it.
	firstSound := func(at time.Time, within time.Duration) (time.Time, bool) {
		deadline := time.Now().Add(within)
		for off := offsetAt(at); time.Now().Before(deadline); {
			mu.Lock()
			l := len(raw)
			mu.Unlock()
			for ; off+frameBytes <= l; off += frameBytes {
				if sample(off) != 0 {
					return heardAt(off), true
				}
			}
			time.Sleep(5 * time.Millisecond)
		}
		return time.Time{}, false
	}
	lastSound := func(at time.Time) (time.Time, bool) {
		time.Sleep(600 * time.Millisecond) // the silence must have reached the card
		off := offsetAt(at)
		mu.Lock()
		l := len(raw)
		mu.Unlock()
		last := -1
		for ; off+frameBytes <= l; off += frameBytes {
			if sample(off) != 0 {
				last = off
			}
		}
		if last < 0 {
			return time.Time{}, false
		}
		return heardAt(last), true
	}

	var taps []float64
	var stops []float64
	var posErr []float64
	tap := func(what, path, body string) time.Time {
		at := time.Now()
		if code := postJSON(t, base+path, body, nil); code != 200 {
			t.Fatalf("%s: %d", what, code)
		}
		return at
	}
	at := tap("play", "/api/player/play", fmt.Sprintf(`{"recording_id":%d}`, id))
	on, ok := firstSound(at, 3*time.Second)
	if !ok {
		t.Fatalf("no sound 3 s after play; stderr:\n%s", stderr.String())
	}
	taps = append(taps, float64(on.Sub(at).Microseconds())/1000)
	// Where the speaker is against what the player says, during the first stretch.
	for range 5 {
		time.Sleep(300 * time.Millisecond)
		var st playerState
		q := time.Now()
		getJSON(t, base+"/api/player", &st)
		q = q.Add(time.Since(q) / 2)
		posErr = append(posErr, float64(st.PositionMS)-float64(q.Sub(on).Microseconds())/1000)
	}
	// The stretches the call plays, from its first sound at the card to the
	// pause tap: a dropout is a starved card or a hole in there. While
	// paused the output rests (the card gets nothing at all), so the card
	// runs dry and the silence it got before resting is short; neither is
	// in the call.
	var playing [][2]time.Time
	from := on
	for range 6 {
		at := tap("pause", "/api/player/pause", "")
		playing = append(playing, [2]time.Time{from, at})
		from = time.Time{}
		if off, ok := lastSound(at); ok {
			stops = append(stops, float64(off.Sub(at).Microseconds())/1000)
		}
		time.Sleep(200 * time.Millisecond)
		at = tap("resume", "/api/player/resume", "")
		if on, ok := firstSound(at, 3*time.Second); ok {
			taps = append(taps, float64(on.Sub(at).Microseconds())/1000)
			from = on
		}
		time.Sleep(500 * time.Millisecond)
	}
	if !from.IsZero() {
		playing = append(playing, [2]time.Time{from, time.Now()})
	}
	inCall := func(at time.Time) bool {
		for _, p := range playing {
			if at.After(p[0]) && at.Before(p[1]) {
				return true
			}
		}
		return false
	}
	mu.Lock()
	under := 0
	for _, at := range underrun {
		if inCall(at) {
			under++
		}
	}
	mu.Unlock()
	cmd.Process.Signal(syscall.SIGTERM)
	cmd.Wait()
	f.Close()
	<-cardDone
	// Holes: runs of 2 ms or more of exact zeros the card played while the
	// call was playing are silence the player slipped into the call.
	var left []float32
	for i := 0; i+frameBytes <= len(raw); i += frameBytes {
		left = append(left, math.Float32frombits(binary.LittleEndian.Uint32(raw[i:])))
	}
	holes := 0
	for _, r := range zeroRuns(left, rate) {
		if inCall(heardAt(int(r[0]*rate) * frameBytes)) {
			holes++
		}
	}
	med := func(x []float64) (float64, float64) {
		if len(x) == 0 {
			return math.NaN(), math.NaN()
		}
		s := append([]float64(nil), x...)
		sort.Float64s(s)
		return s[len(s)/2], s[len(s)-1]
	}
	tm, tx := med(taps)
	sm, sx := med(stops)
	pm, px := med(posErr)
	fmt.Printf("tap-to-sound at the speaker (%d hogs, card buffer %v): play/resume median %.0f ms, max %.0f ms (%d taps)\n", nhogs, devAhead, tm, tx, len(taps))
	fmt.Printf("pause-to-silence at the speaker: median %.0f ms, max %.0f ms\n", sm, sx)
	fmt.Printf("position_ms minus the speaker's position: median %+.0f ms, max %+.0f ms\n", pm, px)
	fmt.Printf("dropouts: %d underruns at the card, %d holes of silence in the call\n", under, holes)
	b.ReportMetric(tm, "ms-tap-to-sound")
	b.ReportMetric(sm, "ms-pause-to-silence")
	b.ReportMetric(float64(under+holes), "dropouts")
}

// alsaToFIFO writes dir/.asoundrc so that a program run with HOME=dir plays
// its default ALSA device into a FIFO (raw frames, through the file
// plugin), and returns the FIFO's path for the test to drain at a card's pace.
func alsaToFIFO(t testing.TB, dir string) string {
	t.Helper()
	fifo := filepath.Join(dir, "alsa.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	rc := fmt.Sprintf("pcm.!default { type plug slave.pcm \"cap\" }\npcm.cap { type file slave.pcm \"null\" file %q format \"raw\" }\n", fifo)
	if err := os.WriteFile(filepath.Join(dir, ".asoundrc"), []byte(rc), 0o644); err != nil {
		t.Fatal(err)
	}
	return fifo
}
