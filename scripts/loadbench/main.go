// Command loadbench repeats the hardening issue's load runs on the real
// program (make bench runs it through scripts/bench.d/load.sh):
//
//   - load: 100 event-stream clients on /api/events and two request floods
//     (32 keep-alive connections each, the room's list and its state) while
//     calls are dropped into the inbox; it prints requests/s, latency p50,
//     p99 and max, errors, the streams still open at the end and the imports
//     done;
//   - kill: the server killed with SIGKILL at a random moment of an import,
//     again and again, then started once more; every dropped call must be in
//     the library exactly once, with nothing left in staging, the inbox or
//     the quarantine, and `customer-room check` clean.
package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"customerroom/media"
)

func main() {
	bin := flag.String("bin", "bin/customer-room", "the customer-room binary")
	work := flag.String("work", filepath.Join(os.TempDir(), "customer-room-loadbench"), "working folder (made anew)")
	dur := flag.Duration("duration", 20*time.Second, "how long the floods run")
	streams := flag.Int("streams", 100, "event-stream clients")
	files := flag.Int("files", 40, "calls dropped into the inbox during the floods")
	kills := flag.Int("kills", 30, "SIGKILLs during imports")
	flag.Parse()
	os.RemoveAll(*work)
	if err := os.MkdirAll(*work, 0o750); err != nil {
		fmt.Fprintln(os.Stderr, "loadbench:", err)
		os.Exit(1)
	}
	if err := load(*bin, filepath.Join(*work, "load"), *dur, *streams, *files); err != nil {
		fmt.Fprintln(os.Stderr, "loadbench load:", err)
		os.Exit(1)
	}
	if err := killRuns(*bin, filepath.Join(*work, "kill"), *kills); err != nil {
		fmt.Fprintln(os.Stderr, "loadbench kill:", err)
		os.Exit(1)
	}
}

// server is a running customer-room serve.
type server struct {
	cmd  *exec.Cmd
	base string
}

var urlRE = regexp.MustCompile(`http://[0-9.]+:[0-9]+`)

func start(bin, data string) (*server, error) {
	cmd := exec.Command(bin, "serve", "--data", data, "--addr", "127.0.0.1:0", "--audio", "null", "--log-level", "error")
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if m := urlRE.FindString(sc.Text()); m != "" {
			go io.Copy(io.Discard, out)
			return &server{cmd: cmd, base: m}, nil
		}
	}
	cmd.Process.Kill()
	cmd.Wait()
	return nil, errors.New("the server printed no URL")
}

func (s *server) stop() {
	s.cmd.Process.Signal(os.Interrupt)
	s.cmd.Wait()
}

// wav is a 4-second 8 kHz call, different for every seed.
func wav(seed uint64) []byte {
	const rate, secs = 8000, 4
	r := rand.New(rand.NewPCG(seed, 1))
	f := 200 + r.Float64()*600
	pcm := make([]byte, rate*secs*2)
	for i := range rate * secs {
		v := 0.3*math.Sin(2*math.Pi*f*float64(i)/rate) + 0.05*(r.Float64()-0.5)
		binary.LittleEndian.PutUint16(pcm[2*i:], uint16(int16(v*32767)))
	}
	h := make([]byte, 44)
	copy(h, "RIFF")
	binary.LittleEndian.PutUint32(h[4:], uint32(36+len(pcm)))
	copy(h[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(h[16:], 16)
	binary.LittleEndian.PutUint16(h[20:], 1)
	binary.LittleEndian.PutUint16(h[22:], 1)
	binary.LittleEndian.PutUint32(h[24:], rate)
	binary.LittleEndian.PutUint32(h[28:], rate*2)
	binary.LittleEndian.PutUint16(h[32:], 2)
	binary.LittleEndian.PutUint16(h[34:], 16)
	copy(h[36:], "data")
	binary.LittleEndian.PutUint32(h[40:], uint32(len(pcm)))
	return append(h, pcm...)
}

// drop writes a call into the inbox as a copier would: a hidden name, then
// a rename.
func drop(data string, seed uint64) error {
	inbox := media.Layout{Dir: data}.Inbox()
	if err := os.MkdirAll(inbox, 0o750); err != nil {
		return err
	}
	tmp := filepath.Join(inbox, fmt.Sprintf(".call-%04d.wav.part", seed))
	if err := os.WriteFile(tmp, wav(seed), 0o640); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(inbox, fmt.Sprintf("call-%04d.wav", seed)))
}

// recordings counts the catalog's recordings and distinct contents.
func recordings(data string) (n, distinct int, err error) {
	db, err := sql.Open("sqlite3", "file:"+media.Layout{Dir: data}.Catalog()+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		return 0, 0, err
	}
	defer db.Close()
	err = db.QueryRow(`SELECT count(*), count(DISTINCT sha256) FROM recordings WHERE demo = 0`).Scan(&n, &distinct)
	return n, distinct, err
}

func load(bin, data string, dur time.Duration, nstreams, nfiles int) error {
	srv, err := start(bin, data)
	if err != nil {
		return err
	}
	defer srv.stop()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	// The event streams: each counts its messages and says if it broke.
	var open, broken atomic.Int64
	var swg sync.WaitGroup
	for range nstreams {
		swg.Add(1)
		go func() {
			defer swg.Done()
			req, _ := http.NewRequestWithContext(ctx, "GET", srv.base+"/api/events", nil)
			resp, err := http.DefaultClient.Do(req)
			if err != nil || resp.StatusCode != 200 {
				broken.Add(1)
				return
			}
			defer resp.Body.Close()
			open.Add(1)
			defer open.Add(-1)
			io.Copy(io.Discard, resp.Body)
			if ctx.Err() == nil {
				broken.Add(1) // the server ended a stream while the run went on
			}
		}()
	}

	// Two floods of 32 connections each.
	type result struct {
		lat  []time.Duration
		errs int
	}
	results := make([]result, 64)
	deadline := time.Now().Add(dur)
	var fwg sync.WaitGroup
	for i := range results {
		fwg.Add(1)
		go func() {
			defer fwg.Done()
			c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}, Timeout: 10 * time.Second}
			path := "/api/recordings"
			if i%2 == 1 {
				path = "/api/kiosk"
			}
			for time.Now().Before(deadline) {
				t0 := time.Now()
				resp, err := c.Get(srv.base + path)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						err = fmt.Errorf("status %d", resp.StatusCode)
					}
				}
				if err != nil {
					results[i].errs++
					continue
				}
				results[i].lat = append(results[i].lat, time.Since(t0))
			}
		}()
	}
	// Calls dropped into the inbox while the floods run.
	for i := range nfiles {
		if err := drop(data, uint64(i)); err != nil {
			return err
		}
		time.Sleep(dur / time.Duration(2*nfiles))
	}
	fwg.Wait()
	stillOpen := open.Load()
	var lat []time.Duration
	errs := 0
	for _, r := range results {
		lat = append(lat, r.lat...)
		errs += r.errs
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	imported := 0
	for wait := time.Now().Add(60 * time.Second); time.Now().Before(wait); time.Sleep(200 * time.Millisecond) {
		if imported, _, err = recordings(data); err == nil && imported >= nfiles {
			break
		}
	}
	cancel()
	swg.Wait()
	if len(lat) == 0 {
		return errors.New("no request succeeded")
	}
	q := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	fmt.Printf("%-62s %12s %10s\n", "load (this machine, loopback)", "value", "target")
	fmt.Printf("%-62s %12.0f %10s\n", fmt.Sprintf("requests/s, 2 floods x 32 connections, %v", dur), float64(len(lat))/dur.Seconds(), "")
	fmt.Printf("%-62s %9.1f ms %10s\n", "latency p50", q(0.50), "")
	fmt.Printf("%-62s %9.1f ms %10s\n", "latency p99", q(0.99), "<= 100 ms")
	fmt.Printf("%-62s %9.1f ms %10s\n", "latency max", q(1), "")
	fmt.Printf("%-62s %12d %10s\n", "errors (transport or non-200)", errs, "0")
	fmt.Printf("%-62s %8d/%-3d %10s\n", "event streams still open at the end", stillOpen, nstreams, "all")
	fmt.Printf("%-62s %12d %10s\n", "event streams refused or ended by the server", broken.Load(), "0")
	fmt.Printf("%-62s %8d/%-3d %10s\n", "calls imported during the floods", imported, nfiles, "all")
	if errs > 0 || stillOpen != int64(nstreams) || broken.Load() > 0 || imported != nfiles {
		return fmt.Errorf("%d errors, %d of %d streams open, %d of %d calls imported", errs, stillOpen, nstreams, imported, nfiles)
	}
	return nil
}

func killRuns(bin, data string, kills int) error {
	r := rand.New(rand.NewPCG(9, 9))
	dropped := 0
	for range kills {
		for range 3 {
			if err := drop(data, uint64(1000+dropped)); err != nil {
				return err
			}
			dropped++
		}
		srv, err := start(bin, data)
		if err != nil {
			return err
		}
		time.Sleep(time.Duration(50+r.IntN(700)) * time.Millisecond)
		srv.cmd.Process.Signal(syscall.SIGKILL)
		srv.cmd.Wait()
	}
	srv, err := start(bin, data)
	if err != nil {
		return err
	}
	lay := media.Layout{Dir: data}
	n, distinct := 0, 0
	left := -1
	for wait := time.Now().Add(120 * time.Second); time.Now().Before(wait); time.Sleep(250 * time.Millisecond) {
		if n, distinct, err = recordings(data); err != nil {
			continue
		}
		if left = countFiles(lay.Inbox()); left == 0 && n >= dropped {
			break
		}
	}
	srv.stop()
	staging, quarantine := countFiles(lay.Staging()), countFiles(lay.Quarantine())
	check := exec.Command(bin, "check", "--data", data)
	out, cerr := check.CombinedOutput()
	fmt.Printf("%-62s %12d %10s\n", "SIGKILLs at random moments of imports", kills, "")
	fmt.Printf("%-62s %8d/%-3d %10s\n", "calls in the library after a last start (dropped)", n, dropped, "all")
	fmt.Printf("%-62s %12d %10s\n", "duplicated calls", n-distinct, "0")
	fmt.Printf("%-62s %12d %10s\n", "files left in inbox, staging, quarantine", left+staging+quarantine, "0")
	fmt.Printf("%-62s %12s %10s\n", "customer-room check", map[bool]string{true: "ok", false: "problems"}[cerr == nil], "ok")
	if n != dropped || n != distinct || left+staging+quarantine != 0 || cerr != nil {
		return fmt.Errorf("%d of %d calls, %d duplicated, %d files left; check: %v\n%s", n, dropped, n-distinct, left+staging+quarantine, cerr, out)
	}
	return nil
}

// countFiles counts the regular files under dir (none when it is missing).
func countFiles(dir string) int {
	n := 0
	filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			n++
		}
		return nil
	})
	return n
}
