package media

import (
	"time"
)

// The states of a workshop.
const (
	WorkshopDraft = "draft"
	WorkshopLive  = "live"
	WorkshopEnded = "ended"
)

// WorkshopItem is one thing a workshop plays or shows: a call, a clip or a
// verbatim card. Key identifies it in votes, ideas and notes ("r12", "c3",
// "v7"); Score is the customer's own score, shown only once revealed.
type WorkshopItem struct {
	Key         string `json:"key"`
	Type        string `json:"type"` // recording | clip | verbatim
	ID          int64  `json:"id"`
	RecordingID int64  `json:"recording_id,omitempty"`
	Title       string `json:"title"`
	Text        string `json:"text,omitempty"` // a verbatim's masked text
	Topic       string `json:"topic,omitempty"`
	StartMS     int64  `json:"start_ms"`
	EndMS       int64  `json:"end_ms"`
	Score       *int   `json:"score"`
}

// Tally is the votes on one item: how many, their mean, and how many gave
// each score from 0 to 10.
type Tally struct {
	Item  string  `json:"item"`
	Count int     `json:"count"`
	Avg   float64 `json:"avg"`
	Dist  [11]int `json:"dist"`
}

// Idea is a participant's idea, anonymous.
type Idea struct {
	ID   int64     `json:"id"`
	Item string    `json:"item"`
	Text string    `json:"text"`
	At   time.Time `json:"at"`
}

// Evidence points an action or a note at what it is about.
type Evidence struct {
	RecordingID int64 `json:"recording_id,omitempty"`
	ClipID      int64 `json:"clip_id,omitempty"`
	VerbatimID  int64 `json:"verbatim_id,omitempty"`
}

// Note is the facilitator's note, tied to an item and a moment in it.
type Note struct {
	ID   int64  `json:"id"`
	Text string `json:"text"`
	Item string `json:"item"`
	Evidence
	AtMS int64     `json:"at_ms"`
	At   time.Time `json:"at"`
}

// Action is something a team will do, pointing to its evidence.
type Action struct {
	ID         int64      `json:"id"`
	Text       string     `json:"text"`
	Team       string     `json:"team"`
	Due        string     `json:"due"`
	Status     string     `json:"status"` // open | done | dropped
	WorkshopID int64      `json:"workshop_id,omitempty"`
	Evidence   []Evidence `json:"evidence"`
	CreatedAt  time.Time  `json:"created_at"`
}

// Workshop is a session: its items, where it stands, and what it gathered.
type Workshop struct {
	ID          int64          `json:"id"`
	Title       string         `json:"title"`
	PlaylistID  int64          `json:"playlist_id"`
	Teams       []string       `json:"teams"`
	Code        string         `json:"code"`
	JoinURL     string         `json:"join_url,omitempty"`
	State       string         `json:"state"`
	Items       []WorkshopItem `json:"items"`
	Index       int            `json:"index"`
	Revealed    bool           `json:"revealed"`
	Tally       *Tally         `json:"tally"`
	Ideas       []Idea         `json:"ideas"`
	Notes       []Note         `json:"notes"`
	OpenActions []Action       `json:"open_actions"`
	CreatedAt   time.Time      `json:"created_at"`
	StartedAt   string         `json:"started_at"`
	EndedAt     string         `json:"ended_at"`
}

// Current is the item on now, or nil before the start and after the end.
func (w Workshop) Current() *WorkshopItem {
	if w.Index < 0 || w.Index >= len(w.Items) {
		return nil
	}
	return &w.Items[w.Index]
}

// ForRoom is w as the room's screen and live events show it: no notes, no
// customer score before the reveal.
func (w Workshop) ForRoom() Workshop {
	w.Notes, w.OpenActions = nil, nil
	items := make([]WorkshopItem, len(w.Items))
	for i, it := range w.Items {
		if !(w.Revealed && i == w.Index) {
			it.Score = nil
		}
		items[i] = it
	}
	w.Items = items
	return w
}
