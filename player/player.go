// Package player is the room's playback engine: a queue of recordings and
// clips, transport (play, pause, seek, next...), the signal chain (resample to
// 48 kHz, gain to the loudness target, true-peak limiter, volume, fades) and
// the sound output, watched by a watchdog so a dead device shows up in
// /api/health instead of a player that says "playing" forever.
//
// Every public method returns promptly: they only touch state under a mutex
// that the engine never holds across a device Write, and wake the engine
// through a buffered channel.
package player

import (
	"context"
	"customerroom/media"
	"customerroom/media/fanout"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"sync"
	"time"
)

// Track is one playable thing resolved by the library: a recording or a clip of one.
type Track struct {
	RecordingID  int64
	ClipID       int64 // 0 if not a clip
	Title        string
	Path         string // the approved, anonymized audio file
	StartMS      int64  // clip start inside the recording; 0,0 means the whole file
	EndMS        int64
	DurationMS   int64   // of the recording
	LoudnessLUFS float64 // measured integrated loudness; 0 means unknown (no gain)
	TruePeakDBTP float64
}

// itemDurationMS is how long the track plays.
func (t Track) itemDurationMS() int64 {
	if t.EndMS > t.StartMS {
		return t.EndMS - t.StartMS
	}
	return max(0, t.DurationMS-t.StartMS)
}

func (t Track) item() Item {
	return Item{RecordingID: t.RecordingID, ClipID: t.ClipID, Title: t.Title, DurationMS: t.itemDurationMS()}
}

// Request asks for something to play; exactly one ID is set.
type Request struct {
	RecordingID int64 `json:"recording_id,omitempty"`
	ClipID      int64 `json:"clip_id,omitempty"`
	PlaylistID  int64 `json:"playlist_id,omitempty"`
}

// Library resolves a request to the tracks to queue. The server passes a
// media-catalog adapter; tests pass a fake. It returns an error wrapping
// a not_found error for unknown IDs.
type Library interface {
	Resolve(ctx context.Context, req Request) ([]Track, error)
}

// MissingReporter is implemented by a Library that can take a recording
// out of the room when its audio file is gone at play time (the catalog's
// MarkUnavailable, as `check --repair` does), so the room stops offering
// a call it cannot play.
type MissingReporter interface {
	TrackMissing(ctx context.Context, t Track) error
}

// reportMissing tells the library that t's file is gone, and logs it.
func (p *Player) reportMissing(ctx context.Context, t Track) {
	p.log.Error("player: audio file missing, withdrawing the recording", "recording", t.RecordingID, "path", t.Path)
	r, ok := p.lib.(MissingReporter)
	if !ok {
		return
	}
	if err := r.TrackMissing(ctx, t); err != nil {
		p.log.Error("player: marking a recording unavailable", "recording", t.RecordingID, "err", err)
	}
}

// present drops the tracks whose file is missing, reporting each one.
func (p *Player) present(ctx context.Context, tracks []Track) []Track {
	kept := tracks[:0:0]
	for _, t := range tracks {
		if _, err := os.Stat(t.Path); errors.Is(err, fs.ErrNotExist) {
			p.reportMissing(ctx, t)
			continue
		}
		kept = append(kept, t)
	}
	return kept
}

// Options tune the player; zero values take the defaults noted.
type Options struct {
	TargetLUFS   float64       // loudness every track is brought to at full volume (default -19)
	CeilingDBTP  float64       // true-peak ceiling enforced by the limiter (default -1)
	MaxVolume    int           // the highest step a listener may choose: the level at the loudness target (default 10)
	Volume       int           // starting volume step (default MaxVolume-2)
	VolumeStepDB float64       // attenuation per step below MaxVolume (default 2 dB); step 0 is silent
	MaxGainDB    float64       // cap on loudness-normalising gain so near-silent files do not boost noise (default 20)
	FadeMS       int           // fade length on start, stop, pause and seek (default 15)
	StallTimeout time.Duration // a device Write or position stuck this long marks the output unavailable (default 2s)
	Clock        media.Clock   // time for the watchdog and progress (default media.RealClock)
	Logger       *slog.Logger
}

func (o *Options) defaults() {
	if o.TargetLUFS == 0 {
		o.TargetLUFS = -19
	}
	if o.CeilingDBTP == 0 {
		o.CeilingDBTP = -1
	}
	if o.MaxVolume <= 0 {
		o.MaxVolume = 10
	}
	if o.Volume <= 0 || o.Volume > o.MaxVolume {
		o.Volume = max(1, o.MaxVolume-2)
	}
	if o.VolumeStepDB <= 0 {
		o.VolumeStepDB = 2
	}
	if o.MaxGainDB <= 0 {
		o.MaxGainDB = 20
	}
	if o.FadeMS <= 0 {
		o.FadeMS = 15
	}
	if o.StallTimeout <= 0 {
		o.StallTimeout = 2 * time.Second
	}
	if o.Clock == nil {
		o.Clock = media.RealClock
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
}

// State is what GET /api/player returns and what the `player` SSE event carries.
type State struct {
	State string `json:"state"` // idle|playing|paused
	Item  *Item  `json:"item"`
	// PositionMS is the position in the item as heard at the speaker: what
	// the engine has rendered less the output's queue (Delayer) and the
	// limiter's look-ahead, so a transcript highlight follows the sound.
	PositionMS int64  `json:"position_ms"`
	DurationMS int64  `json:"duration_ms"`
	Volume     int    `json:"volume"`
	MaxVolume  int    `json:"max_volume"`
	Queue      []Item `json:"queue"`
}

// Item is one queued track as screens show it.
type Item struct {
	RecordingID int64  `json:"recording_id"`
	ClipID      int64  `json:"clip_id,omitempty"`
	Title       string `json:"title"`
	DurationMS  int64  `json:"duration_ms"`
}

// Health is the audio part of GET /api/health.
type Health struct {
	Output string `json:"output"`
	OK     bool   `json:"ok"`
	Error  string `json:"error,omitempty"`
}

// The transport states.
const (
	StateIdle    = "idle"
	StatePlaying = "playing"
	StatePaused  = "paused"
)

// Player plays the queue through one Output. Create it with New and run its
// engine with Run.
type Player struct {
	out Output
	lib Library
	opt Options
	log *slog.Logger

	wake    chan struct{} // buffered 1: "state changed, look again" (the engine)
	runWake chan struct{} // the same for Run, which ticks only while playing

	mu    sync.Mutex
	queue []Track
	idx   int
	state string
	gen   uint64 // bumped when the engine must (re)load: play, next, prev, stop, seek
	atMS  int64  // where the engine must start the current item on load
	posMS int64  // position within the current item, rendered (handed to the output)
	// lag is how far behind posMS the listener was when the engine last
	// wrote (lagAt): the output's queue and the limiter's look-ahead. The
	// position as heard is posMS minus what is left of it.
	lag      time.Duration
	lagAt    time.Time
	volume   int
	devErr   error     // the output's own Err, as last seen by the watchdog
	writeErr error     // the last failed Write; cleared by the next successful one
	stalled  error     // watchdog's verdict, cleared when progress resumes
	progress time.Time // last time a Write returned or the position moved
	inWrite  time.Time // when the pending Write started; zero when not writing

	// stall is the watchdog while nobody watches the position: the engine
	// pushes it back at every write, so it fires only when a write has not
	// returned, or the position not moved, for StallTimeout (stallCheck).
	stall *time.Timer

	subs    *fanout.Hub[State] // Subscribe: every change and the position ticks
	changes *fanout.Hub[State] // SubscribeChanges: every change only
}

// New returns a player writing to out and resolving requests with lib.
func New(out Output, lib Library, opt Options) *Player {
	opt.defaults()
	p := &Player{
		out:     out,
		lib:     lib,
		opt:     opt,
		log:     opt.Logger,
		wake:    make(chan struct{}, 1),
		runWake: make(chan struct{}, 1),
		state:   StateIdle,
		volume:  opt.Volume,
		subs:    fanout.NewLatest[State](),
		changes: fanout.NewLatest[State](),
	}
	p.stall = time.AfterFunc(time.Hour, p.stallCheck)
	p.stall.Stop()
	return p
}

func (p *Player) poke() {
	for _, c := range []chan struct{}{p.wake, p.runWake} {
		select {
		case c <- struct{}{}:
		default:
		}
	}
}

// unavailableLocked returns the reason the output cannot play, or nil. p.mu is held.
func (p *Player) unavailableLocked() error {
	if p.devErr != nil {
		return p.devErr
	}
	if p.writeErr != nil {
		return p.writeErr
	}
	if err := p.out.Err(); err != nil {
		return err
	}
	return p.stalled
}

// Play replaces the queue with what req resolves to and starts the first track.
// It fails with an unavailable error (wrapping the device error) when the output is
// dead, so the listener gets a clear message instead of silence.
func (p *Player) Play(ctx context.Context, req Request) error {
	n := 0
	for _, id := range []int64{req.RecordingID, req.ClipID, req.PlaylistID} {
		if id != 0 {
			n++
		}
		if id < 0 {
			return media.Errorf(media.EInvalid, "negative id")
		}
	}
	if n != 1 {
		return media.Errorf(media.EInvalid, "set exactly one of recording_id, clip_id, playlist_id")
	}
	p.mu.Lock()
	err := p.unavailableLocked()
	p.mu.Unlock()
	if err != nil {
		return media.Errorf(media.EUnavailable, "audio output unavailable: %w", err)
	}
	tracks, err := p.lib.Resolve(ctx, req)
	if err != nil {
		return err
	}
	if len(tracks) == 0 {
		return media.Errorf(media.ENotFound, "nothing playable")
	}
	// A rendition deleted behind the catalog's back: the room stops
	// offering it, and the listener hears that the sound is unavailable.
	if tracks = p.present(ctx, tracks); len(tracks) == 0 {
		return media.Errorf(media.EUnavailable, "sound unavailable: the call's audio file is missing")
	}
	p.mu.Lock()
	p.queue = append([]Track(nil), tracks...)
	p.loadLocked(0, 0, StatePlaying)
	p.mu.Unlock()
	p.changed()
	return nil
}

// interrupt lets an engine blocked on a full output queue act on a tap at
// once (it cuts the queue); outputs without a cuttable queue ignore it.
func (p *Player) interrupt() {
	if c, ok := p.out.(Cutter); ok {
		c.Interrupt()
	}
}

// loadLocked points the engine at queue[idx] from atMS. p.mu is held.
func (p *Player) loadLocked(idx int, atMS int64, state string) {
	p.interrupt()
	p.idx = idx
	p.atMS = atMS
	p.posMS = atMS
	p.lag = 0
	p.state = state
	p.gen++
	p.progressedLocked()
}

// changed wakes the engine and tells subscribers.
func (p *Player) changed() {
	p.poke()
	p.publish(p.State())
}

// Pause pauses after a short fade; the position is kept.
func (p *Player) Pause() error {
	p.mu.Lock()
	if p.state == StatePlaying {
		p.state = StatePaused
		p.interrupt()
	}
	p.mu.Unlock()
	p.changed()
	return nil
}

// Resume continues a paused track with a fade in.
func (p *Player) Resume() error {
	p.mu.Lock()
	if p.state == StatePaused {
		if err := p.unavailableLocked(); err != nil {
			p.mu.Unlock()
			return media.Errorf(media.EUnavailable, "audio output unavailable: %w", err)
		}
		p.state = StatePlaying
		p.progressedLocked()
	}
	p.mu.Unlock()
	p.changed()
	return nil
}

// Stop fades out and empties the queue.
func (p *Player) Stop() error {
	p.mu.Lock()
	p.queue = nil
	p.loadLocked(0, 0, StateIdle)
	p.mu.Unlock()
	p.changed()
	return nil
}

// Withdraw drops every track of a recording that left the room from the
// queue; if it is playing, the player moves on to the next track (or stops).
func (p *Player) Withdraw(recordingID int64) {
	p.mu.Lock()
	if len(p.queue) == 0 {
		p.mu.Unlock()
		return
	}
	current := p.queue[p.idx].RecordingID == recordingID
	// newIdx is where the current track (or, if it goes, the one after it)
	// lands in the kept queue.
	kept, newIdx := make([]Track, 0, len(p.queue)), -1
	for i, t := range p.queue {
		if t.RecordingID == recordingID {
			continue
		}
		if newIdx < 0 && i >= p.idx {
			newIdx = len(kept)
		}
		kept = append(kept, t)
	}
	switch {
	case current && newIdx < 0:
		p.queue = nil
		p.loadLocked(0, 0, StateIdle)
	case current:
		st := p.state
		p.queue = kept
		p.loadLocked(newIdx, 0, st)
	default:
		p.queue, p.idx = kept, newIdx
	}
	p.mu.Unlock()
	p.changed()
}

// Next skips to the next queued track; after the last one the player stops.
func (p *Player) Next() error {
	p.mu.Lock()
	if len(p.queue) == 0 {
		p.mu.Unlock()
		return nil
	}
	p.advanceLocked()
	p.mu.Unlock()
	p.changed()
	return nil
}

// advanceLocked moves to the next track or stops at the end of the queue. p.mu is held.
func (p *Player) advanceLocked() {
	if p.idx+1 < len(p.queue) {
		st := p.state
		if st == StateIdle {
			st = StatePlaying
		}
		p.loadLocked(p.idx+1, 0, st)
		return
	}
	p.queue = nil
	p.loadLocked(0, 0, StateIdle)
}

// prevRestartMS: Prev past this point restarts the current track, as on any player.
const prevRestartMS = 3000

// Prev restarts the current track, or goes to the previous one near its start.
func (p *Player) Prev() error {
	p.mu.Lock()
	if len(p.queue) == 0 {
		p.mu.Unlock()
		return nil
	}
	idx := p.idx
	if p.heardLocked() < prevRestartMS && idx > 0 {
		idx--
	}
	st := p.state
	if st == StateIdle {
		st = StatePlaying
	}
	p.loadLocked(idx, 0, st)
	p.mu.Unlock()
	p.changed()
	return nil
}

// SeekTo jumps to positionMS inside the current item (fades out, then in).
func (p *Player) SeekTo(positionMS int64) error {
	p.mu.Lock()
	if len(p.queue) == 0 || p.state == StateIdle {
		p.mu.Unlock()
		return media.Errorf(media.EInvalid, "nothing is playing")
	}
	d := p.queue[p.idx].itemDurationMS()
	if positionMS < 0 || (d > 0 && positionMS > d) {
		p.mu.Unlock()
		return media.Errorf(media.EInvalid, "position %d ms outside 0..%d", positionMS, d)
	}
	p.loadLocked(p.idx, positionMS, p.state)
	p.mu.Unlock()
	p.changed()
	return nil
}

// SetVolume sets the volume step, 0 (silent) to MaxVolume.
func (p *Player) SetVolume(v int) error {
	if v < 0 || v > p.opt.MaxVolume {
		return media.Errorf(media.EInvalid, "volume %d outside 0..%d", v, p.opt.MaxVolume)
	}
	p.mu.Lock()
	p.volume = v
	p.mu.Unlock()
	p.changed()
	return nil
}

// State returns a snapshot for the API and the screens.
func (p *Player) State() State {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stateLocked()
}

func (p *Player) stateLocked() State {
	s := State{State: p.state, Volume: p.volume, MaxVolume: p.opt.MaxVolume, Queue: make([]Item, 0, len(p.queue))}
	for _, t := range p.queue {
		s.Queue = append(s.Queue, t.item())
	}
	if p.state != StateIdle && p.idx < len(p.queue) {
		it := p.queue[p.idx].item()
		s.Item = &it
		s.DurationMS = it.DurationMS
		s.PositionMS = p.heardLocked()
	}
	return s
}

// heardLocked is the position as heard at the speaker: the rendered position
// less what is still queued in front of the listener, never before the point
// the item was (re)started at. p.mu is held.
func (p *Player) heardLocked() int64 {
	left := p.lag - p.opt.Clock.Now().Sub(p.lagAt)
	if left <= 0 {
		return p.posMS
	}
	return max(p.atMS, p.posMS-left.Milliseconds())
}

// Health reports whether the output works, for GET /api/health.
func (p *Player) Health() Health {
	p.mu.Lock()
	err := p.unavailableLocked()
	p.mu.Unlock()
	h := Health{Output: p.out.Name(), OK: err == nil}
	if err != nil {
		h.Error = err.Error()
	}
	return h
}

// Subscribe returns a channel of states for a screen that follows the
// position: one on every transition and at least 4 a second while playing.
// The position ticks run only while someone has subscribed here. A slow
// reader never blocks the engine: it only misses intermediate states and
// always gets the latest. cancel unsubscribes and closes the channel.
func (p *Player) Subscribe() (<-chan State, func()) {
	ch, cancel := p.subs.Subscribe()
	// Run picks the faster tick at once rather than at its next one.
	select {
	case p.runWake <- struct{}{}:
	default:
	}
	return ch, cancel
}

// SubscribeChanges is Subscribe without the position ticks: one state on
// every transition (play, pause, next, volume, end of the queue, a device
// failure), for code that follows the transport rather than the position,
// so that a call playing with nobody watching wakes nothing.
func (p *Player) SubscribeChanges() (<-chan State, func()) {
	return p.changes.Subscribe()
}

// publish hands s to every subscriber, replacing an unread older state.
func (p *Player) publish(s State) {
	p.subs.Publish(s)
	p.changes.Publish(s)
}
