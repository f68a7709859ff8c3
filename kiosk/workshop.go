package kiosk

import (
	"context"
	"log/slog"
	"strconv"
	"sync"

	"customerroom/media"
	"customerroom/player"
)

// WorkshopView is a live session as the room's screen shows it: the title,
// how to join, the item on now, the live tally, and the customer's score
// only once the facilitator reveals it.
type WorkshopView struct {
	ID       int64               `json:"id"`
	Title    string              `json:"title"`
	Code     string              `json:"code"`
	JoinURL  string              `json:"join_url"`
	Item     *media.WorkshopItem `json:"item"`
	Index    int                 `json:"index"`
	Count    int                 `json:"count"`
	Revealed bool                `json:"revealed"`
	Tally    *media.Tally        `json:"tally"`
	Score    *int                `json:"score"`
}

// SetWorkshop puts the room in workshop mode (v non-nil) or back to the
// lone listener's home (nil). It holds the room: the idle return waits.
func (r *Room) SetWorkshop(v *WorkshopView) {
	r.act.Lock()
	defer r.act.Unlock()
	r.touch()
	r.set(func(st *State) {
		st.Workshop = v
		if v == nil {
			st.Screen, st.Call, st.Result = ScreenHome, nil, nil
		}
	})
}

// InWorkshop reports whether a session holds the room.
func (r *Room) InWorkshop() bool { return r.State().Workshop != nil }

// WorkshopStore is what sessions need from the catalog.
type WorkshopStore interface {
	Workshop(ctx context.Context, id int64) (media.Workshop, error)
	WorkshopByCode(ctx context.Context, code string) (media.Workshop, error)
	SetWorkshop(ctx context.Context, actor string, w media.Workshop) error
	Playlist(ctx context.Context, id int64) (media.Playlist, error)
	Recording(ctx context.Context, id int64) (media.Recording, error)
	Vote(ctx context.Context, workshopID int64, it media.WorkshopItem, deviceHash string, score int) error
	MyVote(ctx context.Context, workshopID int64, item, deviceHash string) (*int, error)
	AddIdea(ctx context.Context, workshopID int64, item, text string) (media.Idea, error)
	Audit(ctx context.Context, actor, action, detail string) error
}

// Sessions runs workshops: one live at a time, driving the room's player
// and screen, counting phone votes, and telling every screen (Changed).
type Sessions struct {
	Store WorkshopStore
	Room  *Room
	// Changed is told the session as the room may show it after every
	// change (a vote, a move, the reveal), for the `workshop` live event.
	Changed func(w media.Workshop)
	Logger  *slog.Logger

	mu sync.Mutex // one change at a time: moves and votes see one index
	// pushMu makes reading the session and showing it one step: two votes'
	// pushes could otherwise cross, the older tally shown last (60 phones
	// voting at once left the room's screen on 59).
	pushMu sync.Mutex
}

func (s *Sessions) log() *slog.Logger {
	if s.Logger == nil {
		return slog.Default()
	}
	return s.Logger
}

// Start snapshots the playlist into the session's items (its customers'
// scores and topics with them), plays the first, and puts the room in
// workshop mode with joinURL (as the facilitator's tablet reached the
// server: the room's own screen only knows localhost). Another live session
// is a conflict.
func (s *Sessions) Start(ctx context.Context, actor string, id int64, joinURL string) (media.Workshop, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w, err := s.Store.Workshop(ctx, id)
	if err != nil {
		return w, err
	}
	if w.State != media.WorkshopDraft {
		return w, media.Errorf(media.EConflict, "this session is %s: create a new one", w.State)
	}
	if v := s.Room.State().Workshop; v != nil {
		return w, media.Errorf(media.EConflict, "the session %q is running in the room: end it first", v.Title)
	}
	p, err := s.Store.Playlist(ctx, w.PlaylistID)
	if err != nil {
		return w, err
	}
	w.Items = nil
	for _, it := range p.Items {
		wi := media.WorkshopItem{Title: it.Title, StartMS: it.StartMS, EndMS: it.EndMS, RecordingID: it.RecordingID, Topic: it.Topic}
		switch {
		case it.ClipID != 0:
			wi.Type, wi.ID, wi.Key = "clip", it.ClipID, "c"+itoa(it.ClipID)
		case it.VerbatimID != 0:
			wi.Type, wi.ID, wi.Key, wi.Text = "verbatim", it.VerbatimID, "v"+itoa(it.VerbatimID), it.Text
		default:
			wi.Type, wi.ID, wi.Key = "recording", it.RecordingID, "r"+itoa(it.RecordingID)
		}
		if it.RecordingID != 0 {
			if rec, err := s.Store.Recording(ctx, it.RecordingID); err == nil {
				wi.Score = rec.Score
			}
		}
		w.Items = append(w.Items, wi)
	}
	if len(w.Items) == 0 {
		return w, media.Errorf(media.EConflict, "the playlist has nothing the room may show")
	}
	w.State, w.Index, w.Revealed, w.JoinURL = media.WorkshopLive, 0, false, joinURL
	if err := s.Store.SetWorkshop(ctx, actor, w); err != nil {
		return w, err
	}
	s.Store.Audit(ctx, actor, "workshop-start", "workshop "+itoa(id))
	return s.moved(ctx, w)
}

// Move goes to the next (+1) or previous (-1) item and plays it.
func (s *Sessions) Move(ctx context.Context, actor string, id int64, by int) (media.Workshop, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w, err := s.live(ctx, id)
	if err != nil {
		return w, err
	}
	next := w.Index + by
	if next < 0 || next >= len(w.Items) {
		return w, media.Errorf(media.EConflict, "no item there: this is item %d of %d", w.Index+1, len(w.Items))
	}
	w.Index, w.Revealed = next, false
	if err := s.Store.SetWorkshop(ctx, actor, w); err != nil {
		return w, err
	}
	return s.moved(ctx, w)
}

// Reveal shows the customer's real score beside the tally.
func (s *Sessions) Reveal(ctx context.Context, actor string, id int64) (media.Workshop, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w, err := s.live(ctx, id)
	if err != nil {
		return w, err
	}
	w.Revealed = true
	if err := s.Store.SetWorkshop(ctx, actor, w); err != nil {
		return w, err
	}
	return s.changed(ctx, w.ID)
}

// End closes the session: participants lose access, the room is the lone
// listener's again, and nothing plays.
func (s *Sessions) End(ctx context.Context, actor string, id int64) (media.Workshop, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w, err := s.live(ctx, id)
	if err != nil {
		return w, err
	}
	w.State = media.WorkshopEnded
	if err := s.Store.SetWorkshop(ctx, actor, w); err != nil {
		return w, err
	}
	s.Store.Audit(ctx, actor, "workshop-end", "workshop "+itoa(id))
	if err := s.Room.pl.Stop(); err != nil {
		s.log().Warn("workshop end: stopping the player", "err", err)
	}
	s.Room.SetWorkshop(nil)
	w, err = s.Store.Workshop(ctx, id)
	if err == nil && s.Changed != nil {
		s.Changed(w.ForRoom())
	}
	return w, err
}

func (s *Sessions) live(ctx context.Context, id int64) (media.Workshop, error) {
	w, err := s.Store.Workshop(ctx, id)
	if err == nil && w.State != media.WorkshopLive {
		err = media.Errorf(media.EConflict, "this session is %s, not live", w.State)
	}
	return w, err
}

// moved plays the current item (a verbatim card plays nothing) and tells
// every screen.
func (s *Sessions) moved(ctx context.Context, w media.Workshop) (media.Workshop, error) {
	cur := w.Current()
	var err error
	switch cur.Type {
	case "clip":
		err = s.Room.pl.Play(ctx, player.Request{ClipID: cur.ID})
	case "recording":
		err = s.Room.pl.Play(ctx, player.Request{RecordingID: cur.ID})
	default:
		err = s.Room.pl.Stop()
	}
	if err != nil {
		// The session goes on (the card, the votes); the facilitator sees why.
		s.log().Warn("workshop: playing the item", "item", cur.Key, "err", err)
	}
	return s.changed(ctx, w.ID)
}

// changed reloads the session, updates the room's screen and tells Changed.
func (s *Sessions) changed(ctx context.Context, id int64) (media.Workshop, error) {
	s.pushMu.Lock()
	defer s.pushMu.Unlock()
	w, err := s.Store.Workshop(ctx, id)
	if err != nil {
		return w, err
	}
	room := w.ForRoom()
	v := &WorkshopView{ID: w.ID, Title: w.Title, Code: w.Code, JoinURL: w.JoinURL, Item: room.Current(), Index: w.Index,
		Count: len(w.Items), Revealed: w.Revealed, Tally: w.Tally}
	if cur := w.Current(); cur != nil && w.Revealed {
		v.Score = cur.Score
	}
	if w.State == media.WorkshopLive {
		s.Room.SetWorkshop(v)
	}
	if s.Changed != nil {
		s.Changed(room)
	}
	return w, nil
}

// JoinItem is the item on now as a participant sees it: its key (what a
// vote names), title, kind and, for a verbatim card, its masked text.
type JoinItem struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Type  string `json:"type"`
	Text  string `json:"text,omitempty"`
}

// Join is what a participant's phone reads: the live session by its code.
type Join struct {
	Title    string       `json:"title"`
	State    string       `json:"state"`
	Item     *JoinItem    `json:"item"`
	Index    int          `json:"index"`
	Count    int          `json:"count"`
	MyVote   *int         `json:"my_vote"`
	Revealed bool         `json:"revealed"`
	Tally    *media.Tally `json:"tally"`
	Score    *int         `json:"score"`
}

// Joined is a participant's view of the session with code: nothing but the
// item on now (no score before the reveal), their own vote, and the tally
// once revealed. A wrong or ended code is not_found.
func (s *Sessions) Joined(ctx context.Context, code, device string) (Join, error) {
	w, err := s.Store.WorkshopByCode(ctx, code)
	if err != nil {
		return Join{}, err
	}
	room := w.ForRoom()
	j := Join{Title: w.Title, State: w.State, Index: w.Index, Count: len(w.Items), Revealed: w.Revealed}
	if cur := room.Current(); cur != nil {
		j.Item = &JoinItem{ID: cur.Key, Title: cur.Title, Type: cur.Type, Text: cur.Text}
		if j.MyVote, err = s.Store.MyVote(ctx, w.ID, cur.Key, device); err != nil {
			return j, err
		}
		if w.Revealed {
			j.Tally, j.Score = w.Tally, cur.Score
		}
	}
	return j, nil
}

// Vote records a participant's score for the item on now (a vote for
// another item is a conflict: the facilitator moved on) and tells every
// screen the new tally.
func (s *Sessions) Vote(ctx context.Context, code, device, item string, score int) (Join, error) {
	s.mu.Lock()
	w, err := s.Store.WorkshopByCode(ctx, code)
	if err != nil {
		s.mu.Unlock()
		return Join{}, err
	}
	cur := w.Current()
	switch {
	case cur == nil || cur.Key != item:
		s.mu.Unlock()
		return Join{}, media.Errorf(media.EConflict, "this item is no longer on: vote for the one on now")
	case w.Revealed:
		s.mu.Unlock()
		return Join{}, media.Errorf(media.EConflict, "the answer is revealed: votes for this item are closed")
	}
	err = s.Store.Vote(ctx, w.ID, *cur, device, score)
	s.mu.Unlock()
	if err != nil {
		return Join{}, err
	}
	if _, err := s.changed(ctx, w.ID); err != nil {
		return Join{}, err
	}
	return s.Joined(ctx, code, device)
}

// Idea records a participant's idea on the item on now.
func (s *Sessions) Idea(ctx context.Context, code, text string) (media.Idea, error) {
	w, err := s.Store.WorkshopByCode(ctx, code)
	if err != nil {
		return media.Idea{}, err
	}
	item := ""
	if cur := w.Current(); cur != nil {
		item = cur.Key
	}
	idea, err := s.Store.AddIdea(ctx, w.ID, item, text)
	if err != nil {
		return idea, err
	}
	_, err = s.changed(ctx, w.ID)
	return idea, err
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
