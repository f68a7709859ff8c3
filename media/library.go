package media

// Playlist is an ordered selection of recordings, clips and verbatims, or
// a rule evaluated when it is played.
type Playlist struct {
	ID              int64          `json:"id"`
	Name            string         `json:"name"`
	Count           int            `json:"count"`
	Rule            *PlaylistRule  `json:"rule,omitempty"`
	VerbatimSeconds int            `json:"verbatim_seconds"`
	Items           []PlaylistItem `json:"items,omitempty"`
}

// PlaylistItem is one entry of a playlist: a recording, a clip of one, or
// a verbatim (shown as a card read in silence; Text is its masked text).
type PlaylistItem struct {
	Pos         int    `json:"pos"`
	RecordingID int64  `json:"recording_id,omitempty"`
	ClipID      int64  `json:"clip_id,omitempty"`
	VerbatimID  int64  `json:"verbatim_id,omitempty"`
	Status      Status `json:"status,omitempty"`
	Text        string `json:"text,omitempty"`
	Title       string `json:"title"`
	StartMS     int64  `json:"start_ms"`
	EndMS       int64  `json:"end_ms"`
	DurationMS  int64  `json:"duration_ms"`
	Topic       string `json:"topic"`
	Sentiment   string `json:"sentiment"`
}

// PlaylistEntry names one thing to put in a playlist: a recording, a clip
// or a verbatim.
type PlaylistEntry struct {
	RecordingID int64 `json:"recording_id,omitempty"`
	ClipID      int64 `json:"clip_id,omitempty"`
	VerbatimID  int64 `json:"verbatim_id,omitempty"`
}

// Playable is a recording (or a clip of one) the room may play: approved,
// with its anonymized rendition. Unapproved material never resolves.
type Playable struct {
	Recording Recording
	ClipID    int64
	Title     string
	StartMS   int64
	EndMS     int64
}

// RecordingFilter narrows a recording listing. The room always asks for
// playable recordings only.
type RecordingFilter struct {
	Status Status // "" = any
	// Playable keeps only what the room may play (see Recording.Playable).
	Playable bool
	// Limit and Offset page through the newest first; Limit 0 means all.
	Limit, Offset int
}

// Playable reports whether the room may list, play and stream r: approved,
// with its anonymized rendition made, and its file there (not Unavailable).
// This is the one statement of that privacy rule; playableSQL says the same
// in SQL.
func (r Recording) Playable() bool {
	return r.Status == StatusApproved && r.Rendition != "" && r.Unavailable == ""
}

// NewRecording is what ingest hands the catalog: a recording and its transcript,
// stored in one transaction so nothing partial is ever visible.
type NewRecording struct {
	Recording
	Peaks      []byte
	Transcript []Cue
	// Review, when set, holds each transcript cue's masked text and findings
	// (parallel to Transcript), and Redactions the audio ranges to hide.
	// Without it the cues count as not yet checked: the room reads nothing
	// of them until a check runs.
	Review     []ReviewCue
	Redactions []Redaction
}

// VerbatimFilter narrows a verbatim listing.
type VerbatimFilter struct {
	Status Status // "" = any
	// Limit and Offset page through the newest first; Limit 0 means all.
	Limit, Offset int
}

// SearchHit is one full-text search result: a recording (found by its
// title, topic, product, tags, or a cue, whose start it gives so a player
// can jump there) or a verbatim. The snippet comes from masked text and
// marks the match with [ ].
type SearchHit struct {
	Type    string `json:"type"` // recording | verbatim
	ID      int64  `json:"id"`
	Title   string `json:"title"`
	Snippet string `json:"snippet"`
	StartMS int64  `json:"start_ms"`
}
