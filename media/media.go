// Package media is the Customer Room library: its domain types (recordings,
// cues, verbatims, clips, playlists), the SQLite catalog that stores them, and
// the ingest pipeline that brings audio files, transcripts and verbatims in.
// See README.md in this folder for the ingest steps.
package media

import "time"

// Status is where a recording or verbatim stands in the anonymization review.
// Only approved items ever reach the room.
type Status string

// The review states.
const (
	StatusPending  Status = "pending"
	StatusApproved Status = "approved"
	StatusRejected Status = "rejected"
)

// Recording is one customer call in the library.
type Recording struct {
	ID           int64     `json:"id"`
	SHA256       string    `json:"sha256"`
	Title        string    `json:"title"`
	SourceName   string    `json:"path,omitempty"` // the file name it was imported from: staff only
	Path         string    `json:"-"`              // original, relative to the data dir
	Rendition    string    `json:"-"`              // anonymized copy, relative to the data dir
	Format       string    `json:"format"`
	Codec        string    `json:"codec"`
	SampleRate   int       `json:"sample_rate"`
	Channels     int       `json:"channels"`
	DurationMS   int64     `json:"duration_ms"`
	LoudnessLUFS float64   `json:"loudness_lufs"`
	TruePeakDBTP float64   `json:"true_peak_dbtp"`
	Cues         int       `json:"cues"`
	Status       Status    `json:"status"`
	Sentiment    string    `json:"sentiment"`
	Score        *int      `json:"score"`
	Topic        string    `json:"topic"`
	Product      string    `json:"product"`
	Channel      string    `json:"channel"`
	CallDate     string    `json:"call_date"`
	Tags         []string  `json:"tags"`
	Demo         bool      `json:"demo"`
	CreatedAt    time.Time `json:"created_at"`
	ExpiresAt    time.Time `json:"expires_at"`
	// Findings is how many pieces of personal data the transcript holds
	// (staff only); ReviewNote is why it was rejected.
	Findings   int    `json:"findings"`
	ReviewNote string `json:"review_note,omitempty"`
	// Unavailable says why the recording cannot be played (its file is
	// missing): the room skips it, curators see the reason.
	Unavailable string `json:"unavailable,omitempty"`
}

// Cue is one timed line of a transcript.
type Cue struct {
	StartMS int64  `json:"start_ms"`
	EndMS   int64  `json:"end_ms"`
	Speaker string `json:"speaker"`
	Text    string `json:"text"`
}

// Verbatim is a written customer comment (survey, e-mail, review, chat).
type Verbatim struct {
	ID        int64     `json:"id"`
	Date      string    `json:"date"`
	Channel   string    `json:"channel"`
	Topic     string    `json:"topic"`
	Product   string    `json:"product"`
	Score     *int      `json:"score"`
	Sentiment string    `json:"sentiment"`
	Text      string    `json:"text"`
	Status    Status    `json:"status"`
	Demo      bool      `json:"demo"`
	ExpiresAt time.Time `json:"expires_at"`
	// Masked is Text with its personal data replaced by labels: what the
	// room reads. Findings and ReviewNote are for staff only.
	Masked     string    `json:"masked,omitempty"`
	Findings   []Finding `json:"findings,omitempty"`
	ReviewNote string    `json:"review_note,omitempty"`
}

// Metadata is what a recording's NAME.json sidecar may say about the call.
type Metadata struct {
	Title     string `json:"title"`
	Product   string `json:"product"`
	Date      string `json:"date"`
	Channel   string `json:"channel"`
	Topic     string `json:"topic"`
	Score     *int   `json:"score"`
	Sentiment string `json:"sentiment"`
}

// ForRoom is r as the room's screen and paired devices may see it: without
// the source file name (it can name the customer) and without the score,
// which is the answer to the listener's guess and comes only with the reveal.
func (r Recording) ForRoom() Recording {
	r.SourceName, r.Score, r.Findings, r.ReviewNote = "", nil, 0, ""
	return r
}
