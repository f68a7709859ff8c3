package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sync/errgroup"

	"customerroom/kiosk"
	"customerroom/media"
	"customerroom/media/catalog"
	"customerroom/media/demo"
	"customerroom/media/ingest"
	"customerroom/media/review"
	"customerroom/player"
	"customerroom/server"
	"customerroom/static"
)

func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c config
	fs := newFlags("serve", stderr, &c)
	serveFlags(fs, &c)
	reviewFlags(fs, &c)
	if err := parseFlags(fs, &c, getenv, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		// "--demo off" would end flag parsing at "off" and silently ignore
		// every flag after it: refuse instead.
		return fmt.Errorf("serve takes no arguments, got %q (write boolean flags as --demo=false)", fs.Args())
	}
	log, err := newLogger(stderr, c.LogLevel)
	if err != nil {
		return err
	}
	dataDir, err := prepareDataDir(c.Data)
	if err != nil {
		return err
	}
	cat, err := catalog.Open(ctx, media.Layout{Dir: dataDir}.Catalog())
	if err != nil {
		return oneLine(err)
	}
	defer cat.Close()
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %v", c.Addr, unwrapNetErr(err))
	}
	defer ln.Close()

	trusted, err := trustedNetworks(c.Trusted)
	if err != nil {
		return err
	}
	chk, err := newChecker(c)
	if err != nil {
		return err
	}
	imp := &ingest.Importer{Catalog: cat, DataDir: dataDir, Retention: c.Retention, Checker: chk, Logger: log}
	if _, err := imp.Recover(ctx); err != nil {
		return fmt.Errorf("recovering interrupted imports: %w", err)
	}
	if err := seedDemo(ctx, c.Demo, cat, imp, log); err != nil {
		return err
	}

	out, err := openOutput(c.Audio, log)
	if err != nil {
		return err
	}
	pl := player.New(out, catalogTracks{cat, dataDir}, player.Options{TargetLUFS: c.TargetLUFS, MaxVolume: c.MaxVolume, Logger: log})
	room := kiosk.New(kiosk.Options{Library: cat, Player: pl, IdleTimeout: c.IdleTimeout, Logger: log})
	pool := ingest.NewPool(c.Workers)
	gate := newGate(c, cat, dataDir, chk, log)
	sessions := &kiosk.Sessions{Store: cat, Room: room, Logger: log}
	gate.Submit = pool.Submit
	var inbox *ingest.Watcher // made below; the server lists its waiting files
	metrics := server.NewMetrics()
	srv := server.New(server.Config{Version: version, DataDir: dataDir, Library: cat, Accounts: cat, Player: pl, Static: static.FS, Logger: log,
		Kiosk: room, KioskStore: cat, Review: gate, Curation: cat, RetentionMax: c.RetentionMax, TrustedNetworks: trusted, Hostnames: splitList(c.Hostnames),
		DiskFree: func() (uint64, error) { return diskFree(dataDir) }, Metrics: metrics, Waiting: func() any { return inbox.Waiting() },
		Workshops: cat, Sessions: sessions, Insight: cat})
	// A session's every change (a vote, a move, the reveal) reaches the
	// room's screen and the facilitator's tablet.
	sessions.Changed = func(w media.Workshop) { srv.Events().Publish("workshop", w) }
	// A decision reaches every screen at once; a withdrawn call leaves the
	// speaker and the screen.
	gate.Changed = func(id int64, st media.Status) {
		if st != media.StatusApproved {
			pl.Withdraw(id)
			room.Withdrawn(id)
		}
		srv.Events().Publish("library", map[string]any{"status": st, "id": id})
	}

	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return pl.Run(gctx) })
	g.Go(func() error { return srv.Run(gctx, ln) })
	g.Go(func() error { return room.Run(gctx) })
	g.Go(func() error { return relayKiosk(gctx, room, srv.Events()) })
	g.Go(func() error { return purgeLoop(gctx, cat, gate, dataDir, c.RetentionMax, log) })
	g.Go(func() error { return pool.Run(gctx) })
	inbox = &ingest.Watcher{Importer: imp, Pool: pool, Inbox: media.Layout{Dir: dataDir}.Inbox(),
		Quarantine: media.Layout{Dir: dataDir}.Quarantine(), Logger: log,
		// Screens learn that the library changed; file names stay off the wire
		// (they may name a customer).
		OnResult: func(r ingest.ImportResult) {
			metrics.Add("customerroom_imports_total", 1, "status", string(r.Status))
			srv.Events().Publish("library", map[string]any{"status": r.Status, "id": r.ID})
		}}
	g.Go(func() error { return inbox.Run(gctx) })

	printURLs(stdout, ln.Addr())
	log.Info("serving", "addr", ln.Addr().String(), "data", dataDir, "audio", out.Name(), "version", version)
	err = g.Wait()
	log.Info("stopped")
	return err
}

// relayKiosk pushes every room state change to the screens as the `kiosk` event.
func relayKiosk(ctx context.Context, room *kiosk.Room, events *server.Broker) error {
	states, cancel := room.Subscribe()
	defer cancel()
	for {
		select {
		case <-ctx.Done():
			return nil
		case st := <-states:
			events.Publish("kiosk", st)
		}
	}
}

// seedDemo imports the embedded demo library when asked, or, by default,
// when the library is empty, so a new room has something to play.
func seedDemo(ctx context.Context, want tristate, cat *catalog.Catalog, imp *ingest.Importer, log *slog.Logger) error {
	n, err := cat.CountRecordings(ctx)
	if err != nil {
		return err
	}
	if want.set && !want.on || !want.set && n > 0 {
		return nil
	}
	added, err := demo.Seed(ctx, imp)
	if err != nil {
		return fmt.Errorf("demo library: %w", err)
	}
	log.Info("demo library seeded", "calls", added)
	return nil
}

// openOutput opens the sound output; "auto" falls back to the null output
// when no sound device can be opened, and says so in the log.
func openOutput(spec string, log *slog.Logger) (player.Output, error) {
	if spec != "auto" {
		return player.OpenOutput(spec)
	}
	out, err := player.OpenOutput("alsa")
	if err != nil {
		return nil, err
	}
	if err := out.Err(); err != nil {
		log.Warn("no sound device, playing to the null output", "err", err)
		out.Close()
		return player.OpenOutput("null")
	}
	return out, nil
}

// purgeLoop deletes expired recordings, originals of approved calls past
// their grace period, and files moved aside (unknown/) older than the longest
// retention, at start and then every hour.
func purgeLoop(ctx context.Context, cat *catalog.Catalog, gate *review.Gate, dataDir string, retentionMax time.Duration, log *slog.Logger) error {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		rep, err := cat.Purge(ctx, dataDir)
		if err != nil && ctx.Err() == nil {
			log.Error("purge", "err", err)
		} else if rep.Recordings+rep.Verbatims > 0 {
			log.Info("purged expired items", "recordings", rep.Recordings, "verbatims", rep.Verbatims)
		}
		if n, err := gate.PurgeOriginals(ctx); err != nil && ctx.Err() == nil {
			log.Error("deleting originals past their grace", "err", err)
		} else if n > 0 {
			log.Info("deleted originals past their grace", "recordings", n)
		}
		if n, err := (media.Layout{Dir: dataDir}).PurgeUnknown(cat.Clock.Now().Add(-retentionMax)); err != nil {
			log.Error("deleting old files in unknown/", "err", err)
		} else if n > 0 {
			log.Info("deleted files moved aside longer ago than the longest retention", "files", n, "retention_max", retentionMax)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

func printURLs(w io.Writer, addr net.Addr) {
	host := "localhost"
	port := addr.(*net.TCPAddr).Port
	if ip := addr.(*net.TCPAddr).IP; ip != nil && !ip.IsUnspecified() {
		host = ip.String()
	}
	base := fmt.Sprintf("http://%s:%d", host, port)
	fmt.Fprintf(w, "Customer Room is running.\n  room screen: %s/kiosk/\n  studio:      %s/studio/ (curators: customer-room user add)\n  pair a tablet: %s/pair\n  health:      %s/api/health\n",
		base, base, base, base)
}

func unwrapNetErr(err error) error {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		return oe.Err
	}
	return err
}

// catalogTracks resolves player requests against the catalog: only approved
// renditions ever reach the player.
type catalogTracks struct {
	cat     *catalog.Catalog
	dataDir string
}

func (l catalogTracks) Resolve(ctx context.Context, req player.Request) ([]player.Track, error) {
	var (
		ps  []media.Playable
		err error
	)
	switch {
	case req.RecordingID > 0:
		var p media.Playable
		p, err = l.cat.PlayableRecording(ctx, req.RecordingID)
		ps = []media.Playable{p}
	case req.ClipID > 0:
		var p media.Playable
		p, err = l.cat.PlayableClip(ctx, req.ClipID)
		ps = []media.Playable{p}
	case req.PlaylistID > 0:
		ps, err = l.cat.PlayablePlaylist(ctx, req.PlaylistID)
	default:
		return nil, media.Errorf(media.EInvalid, "nothing to play")
	}
	if err != nil {
		return nil, err
	}
	ts := make([]player.Track, len(ps))
	for i, p := range ps {
		r := p.Recording
		ts[i] = player.Track{RecordingID: r.ID, ClipID: p.ClipID, Title: p.Title, Path: filepath.Join(l.dataDir, r.Rendition),
			StartMS: p.StartMS, EndMS: p.EndMS, DurationMS: r.DurationMS, LoudnessLUFS: r.LoudnessLUFS, TruePeakDBTP: r.TruePeakDBTP}
	}
	return ts, nil
}

// TrackMissing takes a recording whose rendition has vanished out of the
// room (player.MissingReporter), with the reason `check` gives, so `check
// --repair` clears the mark once the file is back.
func (l catalogTracks) TrackMissing(ctx context.Context, t player.Track) error {
	rel, err := filepath.Rel(l.dataDir, t.Path)
	if err != nil {
		rel = t.Path
	}
	return l.cat.MarkUnavailable(ctx, t.RecordingID, "file missing: "+filepath.ToSlash(rel))
}

var _ player.MissingReporter = catalogTracks{}

// splitList splits a comma-separated setting, dropping empty parts.
func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// diskFree is the space left for the data folder.
func diskFree(dir string) (uint64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return st.Bavail * uint64(st.Bsize), nil
}
