package media

import "time"

// Finding is personal data found in a text: its kind (email, phone, iban,
// card, nir, name, address, custom), where it is as rune offsets (End
// exclusive) and what it says. Only staff ever see Text.
type Finding struct {
	Kind  string `json:"kind"`
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
}

// Word is one timed word of a cue, from WebVTT inline timestamps or a
// whisper JSON transcript. Start and End are rune offsets into the cue's text.
type Word struct {
	StartMS int64 `json:"start_ms"`
	EndMS   int64 `json:"end_ms"`
	Start   int   `json:"start"`
	End     int   `json:"end"`
}

// Redaction is a span of a recording's audio the rendition hides.
type Redaction struct {
	StartMS int64 `json:"start_ms"`
	EndMS   int64 `json:"end_ms"`
}

// ReviewCue is a transcript cue as a curator reviews it: the original text,
// the masked text the room will read, and what was found in it.
type ReviewCue struct {
	Idx int `json:"idx"`
	Cue
	Masked   string    `json:"masked"`
	Findings []Finding `json:"findings"`
	Words    []Word    `json:"words,omitempty"`
}

// The states of a recording's rendition.
const (
	RenderNone      = "none"
	RenderQueued    = "queued"
	RenderRendering = "rendering"
	RenderDone      = "done"
	RenderFailed    = "failed"
)

// Render is where the making of a recording's anonymized rendition stands.
type Render struct {
	State    string  `json:"state"`
	Progress float64 `json:"progress"`
	Error    string  `json:"error"`
}

// Review is everything a curator needs to judge one recording.
type Review struct {
	Recording  Recording   `json:"recording"`
	Cues       []ReviewCue `json:"cues"`
	Redactions []Redaction `json:"redactions"`
	Render     Render      `json:"render"`
	// Original is false once the original was deleted after approval.
	Original bool `json:"original"`
}

// AuditEntry is one decision or edit in the audit log: who, what, when,
// and the value before and after.
type AuditEntry struct {
	ID     int64     `json:"id"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	Detail string    `json:"detail"`
	Before string    `json:"before,omitempty"`
	After  string    `json:"after,omitempty"`
}

// ForRoom is v as the room may see it: the masked text only.
func (v Verbatim) ForRoom() Verbatim {
	v.Text, v.Masked, v.Findings, v.ReviewNote = v.Masked, "", nil, ""
	return v
}
