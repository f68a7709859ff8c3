package media

import (
	"time"
)

// Guess is one listener's guess of a customer's score. It holds no trace of
// who guessed: no user, address, session or exact time, only the day.
type Guess struct {
	RecordingID int64
	Topic       string
	Guess       int
	Actual      int
	Day         string // YYYY-MM-DD
}

// TopicGap is the room's perception gap for a topic: how far, on average,
// listeners' guesses were from the customers' real scores.
type TopicGap struct {
	Topic   string  `json:"topic"`
	Guesses int     `json:"guesses"`
	AvgGap  float64 `json:"avg_gap"`
}

// ReactionKinds are the reactions a listener can press while listening.
var ReactionKinds = []string{"touched", "idea", "unacceptable"}

// Reaction is one reaction pressed at a position in a call, anonymously.
type Reaction struct {
	RecordingID int64
	Kind        string
	PositionMS  int64
	Day         string
}

// ProgrammeEntry says which playlist the room's home screen shows on a
// weekday (0 = Sunday, -1 = every day) between two times of day, in minutes
// since local midnight (EndMin < StartMin wraps past midnight). A Closed
// entry names no playlist (PlaylistID 0): the room is closed then, its screen
// shows a clock and it plays no sound.
type ProgrammeEntry struct {
	ID         int64 `json:"id"`
	Weekday    int   `json:"weekday"`
	StartMin   int   `json:"start_min"`
	EndMin     int   `json:"end_min"`
	PlaylistID int64 `json:"playlist_id"`
	Closed     bool  `json:"closed"`
}

// Validate checks the ranges the table's constraints also enforce, so callers
// get a sentence rather than a constraint name.
func (e ProgrammeEntry) Validate() error {
	switch {
	case e.Weekday < -1 || e.Weekday > 6:
		return Errorf(EInvalid, "weekday %d: want 0 (Sunday) to 6, or -1 for every day", e.Weekday)
	case e.StartMin < 0 || e.StartMin > 1439:
		return Errorf(EInvalid, "start_min %d: want 0 to 1439", e.StartMin)
	case e.EndMin < 1 || e.EndMin > 1440:
		return Errorf(EInvalid, "end_min %d: want 1 to 1440", e.EndMin)
	case e.EndMin == e.StartMin:
		return Errorf(EInvalid, "empty time range")
	case e.Closed && e.PlaylistID != 0:
		return Errorf(EInvalid, "a closed slot has no playlist: leave playlist_id out")
	case !e.Closed && e.PlaylistID <= 0:
		return Errorf(EInvalid, "playlist_id must be positive (or the slot closed)")
	}
	return nil
}

// Device is a paired device allowed to control the room.
type Device struct {
	ID       int64     `json:"id"`
	Label    string    `json:"label"`
	PairedAt time.Time `json:"paired_at"`
}

// ValidDay reports whether day is a YYYY-MM-DD date.
func ValidDay(day string) bool {
	_, err := time.Parse("2006-01-02", day)
	return err == nil
}
