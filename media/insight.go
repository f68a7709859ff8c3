package media

// Gap is how far guesses were from customers' own scores, in points on 0–10.
type Gap struct {
	Key       string  `json:"-"`
	Topic     string  `json:"topic,omitempty"`
	Month     string  `json:"month,omitempty"`
	Guesses   int     `json:"guesses"`
	AvgGuess  float64 `json:"avg_guess"`
	AvgActual float64 `json:"avg_actual"`
	AvgGap    float64 `json:"avg_gap"`
}

// Perception compares employees' guesses (listeners and workshop votes)
// with customers' scores. No per-person figure exists anywhere.
type Perception struct {
	ReferenceGap float64 `json:"reference_gap"`
	Overall      Gap     `json:"overall"`
	ByTopic      []Gap   `json:"by_topic"`
	ByMonth      []Gap   `json:"by_month"`
}

// MonthAvg is an average score for a month.
type MonthAvg struct {
	Month string  `json:"month"`
	Avg   float64 `json:"avg"`
	Count int     `json:"count"`
}

// Alert is a topic or product whose customers score it under the line.
type Alert struct {
	Kind       string     `json:"kind"` // topic | product
	Name       string     `json:"name"`
	Count      int        `json:"count"`
	Avg        float64    `json:"avg"`   // on the asked scale
	Avg10      float64    `json:"avg10"` // on 0–10
	Trend      []MonthAvg `json:"trend"`
	Recordings []int64    `json:"recordings"`
	Verbatims  []int64    `json:"verbatims"`
}

// ProductSummary is one product in the review reminder list.
type ProductSummary struct {
	Product    string  `json:"product"`
	Count      int     `json:"count"`
	LastReview *string `json:"last_review"`
	ReviewDue  bool    `json:"review_due"`
}

// ProductPack is what a product manager takes from a review: the period's
// calls, clips and verbatims, the scores and their trend, the perception
// gap and the open actions.
type ProductPack struct {
	Product    string      `json:"product"`
	From       string      `json:"from"`
	To         string      `json:"to"`
	Recordings []Recording `json:"recordings"`
	Clips      []Clip      `json:"clips"`
	Verbatims  []Verbatim  `json:"verbatims"`
	Scores     struct {
		Count int        `json:"count"`
		Avg   float64    `json:"avg"`
		Trend []MonthAvg `json:"trend"`
	} `json:"scores"`
	Perception  Gap      `json:"perception"`
	OpenActions []Action `json:"open_actions"`
}
