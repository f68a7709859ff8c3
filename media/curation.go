package media

import (
	"strings"
	"time"
)

// Tag is a label curators put on calls and clips: a free one, or a preset
// (the service attitudes and loyalty levers) a company may rename or switch
// off. Name is its stable key; the labels are what people read.
type Tag struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Kind    string `json:"kind"` // free | attitude | lever
	LabelFR string `json:"label_fr"`
	LabelEN string `json:"label_en"`
	Enabled bool   `json:"enabled"`
	Count   int    `json:"count"` // recordings and clips carrying it
}

// Clip is a stretch of a recording with its own title and tags. It plays in
// the room like a call and follows its recording's approval and expiry.
type Clip struct {
	ID          int64     `json:"id"`
	RecordingID int64     `json:"recording_id"`
	Title       string    `json:"title"`
	StartMS     int64     `json:"start_ms"`
	EndMS       int64     `json:"end_ms"`
	Tags        []string  `json:"tags"`
	Status      Status    `json:"status"` // its recording's
	CreatedAt   time.Time `json:"created_at"`
}

// PlaylistRule selects approved recordings when a playlist is played, so a
// new approved call joins by itself. Every field is optional; set ones must
// all match.
type PlaylistRule struct {
	Tags      []string `json:"tags,omitempty"`
	Topic     string   `json:"topic,omitempty"`
	Product   string   `json:"product,omitempty"`
	Sentiment string   `json:"sentiment,omitempty"`
	ScoreMin  *int     `json:"score_min,omitempty"`
	ScoreMax  *int     `json:"score_max,omitempty"`
	Channel   string   `json:"channel,omitempty"`
	From      string   `json:"from,omitempty"` // call date, YYYY-MM-DD
	To        string   `json:"to,omitempty"`
}

// PlaylistInput is a playlist as a curator saves it: manual items in order,
// or a rule.
type PlaylistInput struct {
	Name  string          `json:"name"`
	Items []PlaylistEntry `json:"items"`
	Rule  *PlaylistRule   `json:"rule"`
	// VerbatimSeconds is how long the room shows a verbatim card (default 20).
	VerbatimSeconds int `json:"verbatim_seconds"`
}

// RecordingPatch is a curator's edit of a recording's metadata; nil fields
// stay as they are. ClearScore removes a score.
type RecordingPatch struct {
	Title      *string    `json:"title"`
	Topic      *string    `json:"topic"`
	Product    *string    `json:"product"`
	Sentiment  *string    `json:"sentiment"`
	Score      *int       `json:"score"`
	ClearScore bool       `json:"clear_score"`
	Tags       *[]string  `json:"tags"`
	ExpiresAt  *time.Time `json:"expires_at"`
}

// Resonance is how an item touched the room, in aggregate only: never per
// listener.
type Resonance struct {
	Type        string         `json:"type"` // recording | clip
	ID          int64          `json:"id"`
	Title       string         `json:"title"`
	Plays       int            `json:"plays"`
	Completions int            `json:"completions"`
	Reactions   map[string]int `json:"reactions"`
	Guesses     int            `json:"guesses"`
	AvgGap      float64        `json:"avg_gap"`
}

// Sentiments are the stored vocabulary; imports accept the English forms too.
var sentiments = map[string]string{
	"negatif": "negatif", "négatif": "negatif", "negative": "negatif", "neg": "negatif",
	"neutre": "neutre", "neutral": "neutre",
	"positif": "positif", "positive": "positif", "pos": "positif",
	"": "",
}

// NormalizeSentiment maps a sentiment in French or English to the stored
// vocabulary (negatif, neutre, positif), or says it is not one.
func NormalizeSentiment(s string) (string, error) {
	if v, ok := sentiments[strings.ToLower(strings.TrimSpace(s))]; ok {
		return v, nil
	}
	return "", Errorf(EInvalid, "sentiment %q: want negatif, neutre or positif (negative, neutral, positive)", s)
}

// Facets are the values curators filter by, learned from imports.
type Facets struct {
	Topics   []string `json:"topics"`
	Products []string `json:"products"`
	Channels []string `json:"channels"`
}
