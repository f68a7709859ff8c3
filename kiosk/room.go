// Package kiosk is the room's listening station: the screen's state machine
// (attract, home, listening, guess, reveal, thanks, and back to attract when
// nobody has touched it for a while), the programme that decides what the home
// screen offers, and the anonymous guesses and reactions listeners leave.
//
// The state lives here, not in the browser, so a reload or a second screen
// shows the same thing: every change is sent to Subscribe's channels and the
// server pushes it as the `kiosk` event.
package kiosk

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"math"
	"sort"
	"strconv"
	"sync"
	"time"

	"customerroom/media"
	"customerroom/media/fanout"
	"customerroom/player"
)

// Screen is what the room's touchscreen shows.
type Screen string

// The screens, in the order a visit goes through them.
const (
	ScreenAttract   Screen = "attract"
	ScreenHome      Screen = "home"
	ScreenListening Screen = "listening"
	ScreenGuess     Screen = "guess"
	ScreenReveal    Screen = "reveal"
	ScreenThanks    Screen = "thanks"
)

// DefaultIdleTimeout is how long the screen waits untouched before it goes
// back to its attract loop.
const DefaultIdleTimeout = 90 * time.Second

// ThanksTimeout is how long the thanks screen stays before the attract loop:
// a listener who said goodbye should not leave their visit on show.
const ThanksTimeout = 10 * time.Second

// BackStep is how far "back 10 s" goes.
const BackStep = 10 * time.Second

// Library is what the room needs from the catalog.
type Library interface {
	Recordings(ctx context.Context, f media.RecordingFilter) ([]media.Recording, error)
	Recording(ctx context.Context, id int64) (media.Recording, error)
	Verbatims(ctx context.Context, f media.VerbatimFilter) ([]media.Verbatim, error)
	PlayablePlaylist(ctx context.Context, id int64) ([]media.Playable, error)
	Programme(ctx context.Context) ([]media.ProgrammeEntry, error)
	AddGuess(ctx context.Context, g media.Guess) (media.TopicGap, error)
	GapForTopic(ctx context.Context, topic string) (media.TopicGap, error)
	AddReaction(ctx context.Context, r media.Reaction) error
	// AddPlay and CompletePlay count listens, never who listened.
	AddPlay(ctx context.Context, recordingID, clipID int64, day string, completed bool) (int64, error)
	CompletePlay(ctx context.Context, id int64) error
}

// Player is what the room needs from the playback engine.
type Player interface {
	State() player.State
	// SubscribeChanges follows the transport's transitions; the room has
	// no use for position updates.
	SubscribeChanges() (<-chan player.State, func())
	Play(ctx context.Context, req player.Request) error
	Pause() error
	Resume() error
	Stop() error
	SeekTo(positionMS int64) error
	SetVolume(v int) error
	Health() player.Health
}

// *player.Player is the real one.
var _ Player = (*player.Player)(nil)

// Call is a recording as the room's screen shows it. It has no score: the
// listener guesses it before the reveal, so it never reaches the screen early.
type Call struct {
	ID         int64    `json:"id"`
	Title      string   `json:"title"`
	Topic      string   `json:"topic"`
	Channel    string   `json:"channel"`
	CallDate   string   `json:"call_date"`
	Sentiment  string   `json:"sentiment"`
	DurationMS int64    `json:"duration_ms"`
	Cues       int      `json:"cues"`
	Tags       []string `json:"tags"`
	HasScore   bool     `json:"has_score"`
}

// Quote is a written verbatim as the attract and home screens show it.
type Quote struct {
	ID        int64  `json:"id"`
	Text      string `json:"text"`
	Channel   string `json:"channel"`
	Topic     string `json:"topic"`
	Sentiment string `json:"sentiment"`
	Date      string `json:"date"`
}

// Home is what the home screen offers now: the programme's calls (or every
// approved call when nothing is scheduled), quotes, and the themes to filter by.
type Home struct {
	Source     string   `json:"source"` // "programme" or "all"
	PlaylistID int64    `json:"playlist_id,omitempty"`
	Calls      []Call   `json:"calls"`
	Quotes     []Quote  `json:"quotes"`
	Topics     []string `json:"topics"`
}

// Result is the reveal: the customer's real score next to the listener's
// guess (nil when they skipped it), and how far the rest of the room guesses
// on that topic: AvgGap over Guesses answers, the listener's own left out.
type Result struct {
	Title   string  `json:"title"`
	Guess   *int    `json:"guess"`
	Score   int     `json:"score"`
	Gap     int     `json:"gap"`
	Topic   string  `json:"topic"`
	AvgGap  float64 `json:"avg_gap"`
	Guesses int     `json:"guesses"`
}

// State is the room's screen state, sent as the `kiosk` event and by GET /api/kiosk.
//
// StillThere is set when nobody has touched the screen for a while: the
// screen asks "still there?" and counts down ResetInMS before the room goes
// back to attract. SoundOK is false while the sound output is down, so the
// screen can say so before anyone taps a call (the reason goes to the log,
// never to the screen). Closed is set during the programme's closed hours:
// the screen shows a clock, no call starts, and OpensAt (the room's time
// zone) says when it opens again, nil when closed all week.
type State struct {
	Screen        Screen     `json:"screen"`
	Lang          string     `json:"lang"`
	Call          *Call      `json:"call"`
	Result        *Result    `json:"result"`
	IdleTimeoutMS int64      `json:"idle_timeout_ms"`
	StillThere    bool       `json:"still_there"`
	ResetInMS     int64      `json:"reset_in_ms,omitempty"`
	SoundOK       bool       `json:"sound_ok"`
	Closed        bool       `json:"closed"`
	OpensAt       *time.Time `json:"opens_at"`
	// Workshop is the live session the room is showing, nil when none: the
	// lone-listener flow is held while it is set.
	Workshop *WorkshopView `json:"workshop"`
	// Seq counts the states of this room since Boot, which names the
	// process: a screen orders states by Seq within one Boot, and takes a
	// new Boot as a restarted server (whose Seq starts again from one).
	Seq  uint64 `json:"seq"`
	Boot string `json:"boot"`
}

// healthEvery is how often Run looks at the sound output's health.
const healthEvery = 2 * time.Second

// Options build a Room.
type Options struct {
	Library     Library
	Player      Player
	Clock       media.Clock    // default RealClock
	IdleTimeout time.Duration  // default DefaultIdleTimeout
	Location    *time.Location // the room's time zone for the programme; default time.Local
	Logger      *slog.Logger
}

// Room is the listening station's state machine. Its methods are the screen's
// actions; Run watches the idle timeout and the player.
type Room struct {
	lib   Library
	pl    Player
	clock media.Clock
	idle  time.Duration
	loc   *time.Location
	log   *slog.Logger

	act sync.Mutex // serialises actions, including their player and catalog calls

	mu         sync.Mutex // guards the fields below
	st         State
	lastTouch  time.Time
	sawPlaying bool                   // the current call has been seen playing (so idle means it ended)
	playing    bool                   // the current call is playing now: presence, so no idle timeout
	playID     int64                  // the current listen's play, marked completed if heard to the end
	hoursNext  time.Time              // when the programme next opens or closes the room (zero: no change within a week)
	hours      []media.ProgrammeEntry // the programme as checkHours last read it; r.act guards it
	hoursAt    hoursAnswer            // what applyHours last worked out from hours; r.act guards it
	subs       *fanout.Hub[State]
	poke       chan struct{}
}

// New returns a room on its attract screen.
func New(opt Options) *Room {
	r := &Room{lib: opt.Library, pl: opt.Player, clock: opt.Clock, idle: opt.IdleTimeout, loc: opt.Location, log: opt.Logger,
		subs: fanout.NewLatest[State](), poke: make(chan struct{}, 1)}
	if r.clock == nil {
		r.clock = media.RealClock
	}
	if r.idle <= 0 {
		r.idle = DefaultIdleTimeout
	}
	if r.loc == nil {
		r.loc = time.Local
	}
	if r.log == nil {
		r.log = slog.Default()
	}
	h := r.pl.Health()
	if !h.OK {
		r.log.Warn("sound output unavailable: the room's screen says so", "output", h.Output, "err", h.Error)
	}
	r.st = State{Screen: ScreenAttract, Lang: "fr", IdleTimeoutMS: r.idle.Milliseconds(), SoundOK: h.OK, Boot: newBoot()}
	r.lastTouch = r.clock.Now()
	return r
}

// newBoot names this room's life: random, so two starts never share one
// even when the clock was set back in between.
func newBoot() string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return strconv.FormatInt(time.Now().UnixNano(), 36)
	}
	return hex.EncodeToString(b[:])
}

// State is the current screen state.
func (r *Room) State() State {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.st
}

// Subscribe returns a channel that always holds the latest state (a slow
// reader misses intermediate ones, never the last), starting with the current
// one. cancel unsubscribes and closes it.
func (r *Room) Subscribe() (<-chan State, func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.subs.Subscribe(r.st)
}

// set changes the state under r.mu and tells subscribers; f edits a copy.
func (r *Room) set(f func(st *State)) State {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.setLocked(f)
}

func (r *Room) setLocked(f func(st *State)) State {
	st := r.st
	f(&st)
	st.Seq = r.st.Seq + 1
	r.st = st
	r.subs.Publish(st)
	r.wake() // Run re-arms the idle timer for the new screen
	return st
}

// touch records a listener's action, restarting the idle countdown and
// taking down a "still there?" prompt.
func (r *Room) touch() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.touchLocked()
}

func (r *Room) touchLocked() {
	r.lastTouch = r.clock.Now()
	if r.st.StillThere {
		r.setLocked(func(st *State) { st.StillThere, st.ResetInMS = false, 0 })
	}
	r.wake()
}

// timeoutsLocked are how long the current screen may stay untouched, and
// how long before that the screen asks "still there?" (never on thanks: the
// listener has said goodbye). r.mu is held.
func (r *Room) timeoutsLocked() (idle, warn time.Duration) {
	if r.st.Screen == ScreenThanks {
		return min(r.idle, ThanksTimeout), 0
	}
	return r.idle, min(15*time.Second, r.idle/3)
}

// wake tells Run that the screen or the last touch changed.
func (r *Room) wake() {
	select {
	case r.poke <- struct{}{}:
	default:
	}
}

func (r *Room) screen() Screen {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.st.Screen
}

// errClosed is what a play action meets in closed hours.
func errClosed(opens *time.Time) error {
	if opens == nil {
		return media.Errorf(media.EConflict, "the room is closed: no call plays until the programme opens it again")
	}
	return media.Errorf(media.EConflict, "the room is closed until %s: no call plays before then", opens.Format("Monday 15:04"))
}

// CheckHours brings the closed flag up to date with the programme and the
// clock (the server calls it after the programme changed, so the screen
// follows at once) and returns the state.
func (r *Room) CheckHours(ctx context.Context) State {
	r.act.Lock()
	defer r.act.Unlock()
	r.checkHours(ctx)
	return r.State()
}

// MayPlay returns a conflict error when the room is closed and no workshop
// holds it: the player's own routes ask it before starting anything new.
func (r *Room) MayPlay(ctx context.Context) error {
	st := r.CheckHours(ctx)
	if st.Closed && st.Workshop == nil {
		return errClosed(st.OpensAt)
	}
	return nil
}

// checkHours reads the programme and sets Closed and OpensAt. When the room
// closes, the visit ends at once (back to attract, which the screen shows as
// the clock) except for a call being heard: a listener is not cut off
// mid-sentence, the call plays to its end and nothing starts after it. A
// workshop is a facilitator's deliberate session and keeps the room. r.act
// is held.
func (r *Room) checkHours(ctx context.Context) {
	entries, err := r.lib.Programme(ctx)
	if err != nil {
		r.log.Warn("reading the programme for closed hours: the room stays as it was", "err", err)
		return
	}
	r.hours = entries
	r.hoursAt = hoursAnswer{}
	r.applyHours()
}

// hoursAnswer is whether the room is closed and when that next changes, as
// worked out at a moment (from) from the programme: it holds from then until
// next, so the 2-second re-check costs nothing unless the clock passed next
// or was set back.
type hoursAnswer struct {
	from   time.Time // zero: not worked out
	closed bool
	next   time.Time // zero: no change within a week, so never
}

// holds reports whether a still answers at now.
func (a hoursAnswer) holds(now time.Time) bool {
	return !a.from.IsZero() && !now.Before(a.from) && (a.next.IsZero() || now.Before(a.next))
}

// applyHours is checkHours on the programme as last read: the clock moves
// (or is set, on a Raspberry Pi without a battery clock) far more often
// than the programme changes, and every change of it comes through
// CheckHours. r.act is held.
func (r *Room) applyHours() {
	now := r.clock.Now().In(r.loc)
	if !r.hoursAt.holds(now) {
		next, _ := NextChange(r.hours, now) // while closed, the opening
		r.hoursAt = hoursAnswer{from: now, closed: closedAt(r.hours, now), next: next}
	}
	closed, next := r.hoursAt.closed, r.hoursAt.next
	var opensAt *time.Time
	if closed && !next.IsZero() {
		opensAt = &next
	}
	r.mu.Lock()
	if !next.Equal(r.hoursNext) {
		r.hoursNext = next
		r.wake() // Run re-arms its timer
	}
	if closed != r.st.Closed || !sameTime(opensAt, r.st.OpensAt) {
		if closed != r.st.Closed {
			r.log.Info("room hours", "closed", closed, "opens_at", opensAt)
		}
		r.setLocked(func(st *State) { st.Closed, st.OpensAt = closed, opensAt })
	}
	endVisit := closed && r.st.Workshop == nil && r.st.Screen != ScreenAttract && !r.hearingLocked()
	r.mu.Unlock()
	if endVisit {
		r.reset("closed")
	}
}

// hearingLocked reports whether the listening screen's call is still in the
// player (playing or paused). r.mu is held.
func (r *Room) hearingLocked() bool {
	if r.st.Screen != ScreenListening || r.st.Call == nil {
		return false
	}
	ps := r.pl.State()
	return ps.State != player.StateIdle && ps.Item != nil && ps.Item.RecordingID == r.st.Call.ID
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

func conflict(on Screen, action string) error {
	return media.Errorf(media.EConflict, "%s is not possible on the %s screen", action, on)
}

// Wake leaves the attract loop for the home screen; on any other screen it
// only counts as a touch.
func (r *Room) Wake() State {
	r.act.Lock()
	defer r.act.Unlock()
	r.touch()
	if r.screen() != ScreenAttract {
		return r.State()
	}
	return r.set(func(st *State) { st.Screen = ScreenHome })
}

// Here is the listener's presence (a touch, a scroll, a key): it restarts
// the idle countdown and takes down a "still there?" prompt, and unlike Wake
// it never leaves the attract loop, so a stray touch racing a "leave" cannot
// start a new visit.
func (r *Room) Here() State {
	r.act.Lock()
	defer r.act.Unlock()
	if r.screen() != ScreenAttract {
		r.touch()
	}
	return r.State()
}

// GoHome shows the home screen from anywhere, stopping a call in progress.
func (r *Room) GoHome() (State, error) {
	r.act.Lock()
	defer r.act.Unlock()
	r.touch()
	if r.screen() == ScreenListening {
		if err := r.pl.Stop(); err != nil {
			return r.State(), err
		}
	}
	return r.set(func(st *State) { st.Screen, st.Call, st.Result = ScreenHome, nil, nil }), nil
}

// Withdrawn takes a recording that left the room (withdrawn by a curator)
// off the screen: if it is the call on screen, the screen goes home and the
// call stops. The player is told separately (a queue may hold it too).
func (r *Room) Withdrawn(id int64) {
	r.act.Lock()
	defer r.act.Unlock()
	st := r.State()
	if st.Call == nil || st.Call.ID != id {
		return
	}
	if st.Screen == ScreenListening {
		if err := r.pl.Stop(); err != nil {
			r.log.Warn("stopping a withdrawn call", "recording", id, "err", err)
		}
	}
	r.set(func(st *State) { st.Screen, st.Call, st.Result = ScreenHome, nil, nil })
}

// SetLang switches the screen's language (fr or en) for everyone looking at it.
func (r *Room) SetLang(lang string) (State, error) {
	if lang != "fr" && lang != "en" {
		return r.State(), media.Errorf(media.EInvalid, "language %q: want fr or en", lang)
	}
	r.act.Lock()
	defer r.act.Unlock()
	r.touch()
	return r.set(func(st *State) { st.Lang = lang }), nil
}

// callOf turns a recording into what the screen may show; only approved
// recordings with an anonymized rendition qualify.
func callOf(rec media.Recording) Call {
	tags := rec.Tags
	if tags == nil {
		tags = []string{}
	}
	return Call{ID: rec.ID, Title: rec.Title, Topic: rec.Topic, Channel: rec.Channel, CallDate: rec.CallDate,
		Sentiment: rec.Sentiment, DurationMS: rec.DurationMS, Cues: rec.Cues, Tags: tags, HasScore: rec.Score != nil}
}

// roomRecording fetches a recording the room may play, or a not_found error.
func (r *Room) roomRecording(ctx context.Context, id int64) (media.Recording, error) {
	if id <= 0 {
		return media.Recording{}, media.Errorf(media.EInvalid, "recording id must be positive")
	}
	rec, err := r.lib.Recording(ctx, id)
	if err != nil {
		return rec, err
	}
	if !rec.Playable() {
		return rec, media.Errorf(media.ENotFound, "recording %d", id)
	}
	return rec, nil
}

// Listen plays a call and shows the listening screen.
func (r *Room) Listen(ctx context.Context, id int64) (State, error) {
	r.act.Lock()
	defer r.act.Unlock()
	r.touch()
	return r.listen(ctx, id)
}

func (r *Room) listen(ctx context.Context, id int64) (State, error) {
	r.checkHours(ctx)
	if st := r.State(); st.Closed {
		return st, errClosed(st.OpensAt)
	}
	rec, err := r.roomRecording(ctx, id)
	if err != nil {
		return r.State(), err
	}
	if err := r.pl.Play(ctx, player.Request{RecordingID: id}); err != nil {
		if media.ErrorCode(err) == media.EUnavailable {
			r.checkSound() // every screen learns at once, not at the next poll
		}
		return r.State(), err
	}
	call := callOf(rec)
	playID, err := r.lib.AddPlay(ctx, rec.ID, 0, r.day(), false)
	if err != nil {
		r.log.Warn("counting a play", "recording", rec.ID, "err", err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sawPlaying, r.playID = false, playID
	return r.setLocked(func(st *State) { st.Screen, st.Call, st.Result = ScreenListening, &call, nil }), nil
}

// listening returns the call on the listening screen, or ErrConflict.
func (r *Room) listening(action string) (Call, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.st.Screen != ScreenListening || r.st.Call == nil {
		return Call{}, conflict(r.st.Screen, action)
	}
	return *r.st.Call, nil
}

// Pause pauses the call being listened to.
func (r *Room) Pause() (State, error) { return r.transport("pause", r.pl.Pause) }

// Resume resumes the call being listened to.
func (r *Room) Resume() (State, error) { return r.transport("resume", r.pl.Resume) }

// Back jumps BackStep back in the call being listened to.
func (r *Room) Back() (State, error) {
	return r.transport("back", func() error {
		pos := r.pl.State().PositionMS - BackStep.Milliseconds()
		return r.pl.SeekTo(max(pos, 0))
	})
}

func (r *Room) transport(action string, do func() error) (State, error) {
	r.act.Lock()
	defer r.act.Unlock()
	r.touch()
	if _, err := r.listening(action); err != nil {
		return r.State(), err
	}
	return r.State(), do()
}

// Next plays the call after the current one on the home screen's list
// (wrapping around), staying on the listening screen.
func (r *Room) Next(ctx context.Context) (State, error) {
	r.act.Lock()
	defer r.act.Unlock()
	r.touch()
	cur, err := r.listening("next")
	if err != nil {
		return r.State(), err
	}
	home, err := r.Home(ctx)
	if err != nil {
		return r.State(), err
	}
	if len(home.Calls) == 0 {
		return r.State(), media.Errorf(media.ENotFound, "nothing else to play")
	}
	next := home.Calls[0].ID
	for i, c := range home.Calls {
		if c.ID == cur.ID {
			next = home.Calls[(i+1)%len(home.Calls)].ID
		}
	}
	return r.listen(ctx, next)
}

// Finish ends listening (the listener pressed "done", or the call ended):
// on to the guess when the customer gave a score, else to thanks.
func (r *Room) Finish() (State, error) {
	r.act.Lock()
	defer r.act.Unlock()
	r.touch()
	if _, err := r.listening("finish"); err != nil {
		return r.State(), err
	}
	if err := r.pl.Stop(); err != nil {
		return r.State(), err
	}
	return r.afterListening(), nil
}

func (r *Room) afterListening() State {
	return r.set(func(st *State) {
		st.Screen = ScreenThanks
		if st.Call != nil && st.Call.HasScore {
			st.Screen = ScreenGuess
		}
	})
}

// day is the only time stored with a guess or a reaction.
func (r *Room) day() string { return r.clock.Now().In(r.loc).Format("2006-01-02") }

// Guess records the listener's guess of the customer's score (0 to 10) and
// reveals the real one with the room's average gap on the topic.
func (r *Room) Guess(ctx context.Context, guess int) (State, error) {
	if guess < 0 || guess > 10 {
		return r.State(), media.Errorf(media.EInvalid, "guess %d: want 0 to 10", guess)
	}
	r.act.Lock()
	defer r.act.Unlock()
	r.touch()
	st := r.State()
	if st.Screen != ScreenGuess || st.Call == nil {
		return st, conflict(st.Screen, "guess")
	}
	rec, err := r.roomRecording(ctx, st.Call.ID)
	if err != nil {
		return st, err
	}
	if rec.Score == nil || *rec.Score < 0 || *rec.Score > 10 {
		return st, media.Errorf(media.EConflict, "recording %d has no score to guess", rec.ID)
	}
	score := *rec.Score
	gap, err := r.lib.AddGuess(ctx, media.Guess{RecordingID: rec.ID, Topic: rec.Topic, Guess: guess, Actual: score, Day: r.day()})
	if err != nil {
		return st, err
	}
	diff := guess - score
	if diff < 0 {
		diff = -diff
	}
	// The room's figure is the others' answers: take this one back out.
	others, avg := gap.Guesses-1, 0.0
	if others > 0 {
		avg = (gap.AvgGap*float64(gap.Guesses) - float64(diff)) / float64(others)
		avg = math.Round(avg*100) / 100
	}
	res := Result{Title: rec.Title, Guess: &guess, Score: score, Gap: diff, Topic: rec.Topic, AvgGap: avg, Guesses: max(others, 0)}
	return r.set(func(st *State) { st.Screen, st.Result = ScreenReveal, &res }), nil
}

// React stores a reaction at the current position of the call being listened
// to. The position comes from the player, not the screen, so it is the truth.
func (r *Room) React(ctx context.Context, kind string) error {
	known := false
	for _, k := range media.ReactionKinds {
		known = known || k == kind
	}
	if !known {
		return media.Errorf(media.EInvalid, "reaction %q: want touched, idea or unacceptable", kind)
	}
	r.act.Lock()
	defer r.act.Unlock()
	r.touch()
	call, err := r.listening("react")
	if err != nil {
		return err
	}
	var pos int64
	if ps := r.pl.State(); ps.Item != nil && ps.Item.RecordingID == call.ID {
		pos = max(ps.PositionMS, 0)
	}
	return r.lib.AddReaction(ctx, media.Reaction{RecordingID: call.ID, Kind: kind, PositionMS: pos, Day: r.day()})
}

// Done leaves the guess or reveal screen for the thanks screen.
func (r *Room) Done() (State, error) {
	r.act.Lock()
	defer r.act.Unlock()
	r.touch()
	switch s := r.screen(); s {
	case ScreenGuess, ScreenReveal, ScreenThanks:
		return r.set(func(st *State) { st.Screen = ScreenThanks }), nil
	default:
		return r.State(), conflict(s, "done")
	}
}

// Leave is the listener saying goodbye: from any screen, the room goes back
// to its attract loop as if it had been left idle, so the next visitor finds
// nothing of this one (call, score, language).
func (r *Room) Leave() State {
	r.act.Lock()
	defer r.act.Unlock()
	r.touch()
	return r.reset("leave")
}

// Skip reveals the customer's score without a guess: nothing is stored, and
// the room's figure is the topic's gap as it stands.
func (r *Room) Skip(ctx context.Context) (State, error) {
	r.act.Lock()
	defer r.act.Unlock()
	r.touch()
	st := r.State()
	if st.Screen != ScreenGuess || st.Call == nil {
		return st, conflict(st.Screen, "skip")
	}
	rec, err := r.roomRecording(ctx, st.Call.ID)
	if err != nil {
		return st, err
	}
	if rec.Score == nil || *rec.Score < 0 || *rec.Score > 10 {
		return st, media.Errorf(media.EConflict, "recording %d has no score to reveal", rec.ID)
	}
	gap, err := r.lib.GapForTopic(ctx, rec.Topic)
	if err != nil {
		return st, err
	}
	res := Result{Title: rec.Title, Score: *rec.Score, Topic: rec.Topic, AvgGap: gap.AvgGap, Guesses: gap.Guesses}
	return r.set(func(st *State) { st.Screen, st.Result = ScreenReveal, &res }), nil
}

// SeekTo moves the call being listened to (a tap on the progress bar or on a
// transcript line).
func (r *Room) SeekTo(positionMS int64) (State, error) {
	if positionMS < 0 {
		return r.State(), media.Errorf(media.EInvalid, "position %d: want 0 or more", positionMS)
	}
	return r.transport("seek", func() error { return r.pl.SeekTo(positionMS) })
}

// SetVolume sets the speaker's volume for the call being listened to; the
// player keeps it under the admin's cap.
func (r *Room) SetVolume(v int) (State, error) {
	return r.transport("volume", func() error { return r.pl.SetVolume(v) })
}

// Home is what the home screen offers now: the programme's playlist if one is
// on air and has something playable, else every approved call.
func (r *Room) Home(ctx context.Context) (Home, error) {
	h := Home{Source: "all", Calls: []Call{}, Quotes: []Quote{}, Topics: []string{}}
	entries, err := r.lib.Programme(ctx)
	if err != nil {
		return h, err
	}
	if e, ok := Pick(entries, r.clock.Now().In(r.loc)); ok && !e.Closed {
		ps, err := r.lib.PlayablePlaylist(ctx, e.PlaylistID)
		switch {
		case media.IsNotFound(err):
			r.log.Warn("programme playlist has nothing playable, showing all calls", "playlist", e.PlaylistID)
		case err != nil:
			return h, err
		default:
			seen := map[int64]bool{}
			for _, p := range ps {
				if !seen[p.Recording.ID] && p.Recording.Playable() {
					seen[p.Recording.ID] = true
					h.Calls = append(h.Calls, callOf(p.Recording))
				}
			}
			h.Source, h.PlaylistID = "programme", e.PlaylistID
		}
	}
	if h.Source == "all" {
		recs, err := r.lib.Recordings(ctx, media.RecordingFilter{Playable: true})
		if err != nil {
			return h, err
		}
		for _, rec := range recs {
			if rec.Playable() {
				h.Calls = append(h.Calls, callOf(rec))
			}
		}
	}
	vs, err := r.lib.Verbatims(ctx, media.VerbatimFilter{Status: media.StatusApproved})
	if err != nil {
		return h, err
	}
	topics := map[string]bool{}
	for _, v := range vs {
		// The room reads masked text only, never the original.
		if v.Status != media.StatusApproved || v.Masked == "" || len(h.Quotes) >= 40 {
			continue
		}
		v = v.ForRoom()
		h.Quotes = append(h.Quotes, Quote{ID: v.ID, Text: v.Text, Channel: v.Channel, Topic: v.Topic, Sentiment: v.Sentiment, Date: v.Date})
		topics[v.Topic] = true
	}
	for _, c := range h.Calls {
		topics[c.Topic] = true
	}
	for t := range topics {
		if t != "" {
			h.Topics = append(h.Topics, t)
		}
	}
	sort.Strings(h.Topics)
	return h, nil
}

// Run watches the player (a call that ends moves on to the guess), the sound
// output's health, and the idle timeout (an untouched screen first asks
// "still there?", then goes back to attract, stopping any call left paused)
// until ctx ends.
func (r *Room) Run(ctx context.Context) error {
	states, cancel := r.pl.SubscribeChanges()
	defer cancel()
	// The output's health is polled: a dead device shows only through its
	// Err, not as a player event. Real time on purpose: it is hardware.
	health := time.NewTicker(healthEvery)
	defer health.Stop()
	// hours fires when the programme next opens or closes the room; it is
	// re-armed only when that moment changes (a week-long timer per loop
	// would pile up). The health tick looks at the hours again without
	// reading the programme, which catches the clock being set (a Raspberry
	// Pi has no battery clock).
	var (
		hours   <-chan time.Time
		armedAt time.Time
	)
	r.act.Lock()
	r.checkHours(ctx)
	r.act.Unlock()
	for {
		r.checkSound()
		var timer <-chan time.Time
		r.mu.Lock()
		if next := r.hoursNext; !next.Equal(armedAt) {
			armedAt, hours = next, nil
			if !next.IsZero() {
				hours = r.clock.After(next.Sub(r.clock.Now()))
			}
		}
		// A workshop holds the room: no idle return while it runs; nor
		// while its call plays, however long it is.
		idle := r.st.Screen != ScreenAttract && r.st.Workshop == nil && !r.playing
		timeout, warnBefore := r.timeoutsLocked()
		left := timeout - r.clock.Now().Sub(r.lastTouch)
		prompted := r.st.StillThere || warnBefore == 0
		r.mu.Unlock()
		if idle {
			if left <= 0 {
				r.idleOut()
				continue
			}
			if warn := left - warnBefore; !prompted && warn <= 0 {
				r.askStillThere()
				continue
			} else if !prompted {
				left = warn
			}
			timer = r.clock.After(left)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-r.poke:
		case <-timer:
		case <-health.C:
			r.act.Lock()
			r.applyHours()
			r.act.Unlock()
		case <-hours:
			armedAt, hours = time.Time{}, nil
			r.act.Lock()
			r.checkHours(ctx)
			r.act.Unlock()
		case st, ok := <-states:
			if !ok {
				states = nil
				continue
			}
			r.observe(st)
		}
	}
}

// checkSound publishes a change in the sound output's health; the reason
// goes to the log only.
func (r *Room) checkSound() {
	h := r.pl.Health()
	r.mu.Lock()
	defer r.mu.Unlock()
	if h.OK == r.st.SoundOK {
		return
	}
	if h.OK {
		r.log.Info("sound output back", "output", h.Output)
	} else {
		r.log.Warn("sound output unavailable: the room's screen says so", "output", h.Output, "err", h.Error)
	}
	r.setLocked(func(st *State) { st.SoundOK = h.OK })
}

// askStillThere shows the "still there?" prompt with the time left.
func (r *Room) askStillThere() {
	r.mu.Lock()
	defer r.mu.Unlock()
	timeout, warnBefore := r.timeoutsLocked()
	left := timeout - r.clock.Now().Sub(r.lastTouch)
	if r.st.Screen == ScreenAttract || r.st.StillThere || warnBefore == 0 || left > warnBefore {
		return
	}
	r.setLocked(func(st *State) { st.StillThere, st.ResetInMS = true, max(left.Milliseconds(), 0) })
}

// observe follows the player's transitions while a call is on the listening
// screen: a call playing counts as presence for as long as it plays (the idle
// countdown starts again when it pauses), and the call going idle after
// playing means it ended.
func (r *Room) observe(ps player.State) {
	r.act.Lock()
	defer r.act.Unlock()
	r.mu.Lock()
	listening := r.st.Screen == ScreenListening && r.st.Call != nil
	ours := listening && ps.Item != nil && ps.Item.RecordingID == r.st.Call.ID
	if r.playing {
		r.touchLocked() // it played until now
	}
	r.playing = ours && ps.State == player.StatePlaying
	if !listening {
		r.mu.Unlock()
		return
	}
	switch {
	case r.playing:
		r.sawPlaying = true
		r.touchLocked()
		r.mu.Unlock()
	case ps.State == player.StateIdle && r.sawPlaying:
		r.sawPlaying = false
		playID := r.playID
		r.mu.Unlock()
		// Heard to the end: the play counts as completed.
		if playID != 0 {
			if err := r.lib.CompletePlay(context.Background(), playID); err != nil {
				r.log.Warn("counting a completed play", "err", err)
			}
		}
		if r.State().Closed {
			r.reset("closed") // the last call of the day: no guess, the clock
			return
		}
		r.afterListening()
	default:
		r.mu.Unlock()
	}
}

// idleOut returns an untouched screen to attract.
func (r *Room) idleOut() {
	r.act.Lock()
	defer r.act.Unlock()
	r.mu.Lock()
	timeout, _ := r.timeoutsLocked()
	expired := r.st.Screen != ScreenAttract && r.clock.Now().Sub(r.lastTouch) >= timeout
	r.mu.Unlock()
	if !expired {
		return
	}
	r.reset("idle")
}

// reset takes the room back to attract, in French, with no call playing and
// nothing left of the visit. r.act is held.
func (r *Room) reset(why string) State {
	if r.screen() == ScreenListening { // only our own call: a workshop playing from a remote is not ours to stop
		if err := r.pl.Stop(); err != nil {
			r.log.Warn(why+": stopping the player", "err", err)
		}
	}
	r.log.Debug("room back to attract", "why", why)
	return r.set(func(st *State) {
		st.Screen, st.Call, st.Result, st.Lang = ScreenAttract, nil, nil, "fr"
		st.StillThere, st.ResetInMS = false, 0
	})
}
