package catalog

import (
	"context"
	"database/sql"
	"time"

	"customerroom/media"
)

// guessesSQL is every guess the room made with the customer's score:
// listeners' guesses and workshop votes alike, anonymous.
const guessesSQL = `SELECT topic, guess, actual, day FROM kiosk_guesses
	UNION ALL SELECT topic, score, actual, day FROM workshop_votes WHERE actual IS NOT NULL`

// ReferenceGap is the published figure the room compares itself with:
// employees misjudge their customers' satisfaction by 14 points on average.
const ReferenceGap = 14

// Perception is the perception gap overall, by topic and by month, for
// guesses made from month from to month to (YYYY-MM, either may be "").
func (c *Catalog) Perception(ctx context.Context, from, to string) (media.Perception, error) {
	p := media.Perception{ReferenceGap: ReferenceGap, ByTopic: []media.Gap{}, ByMonth: []media.Gap{}}
	if to == "" {
		to = "9999-12"
	}
	q := func(group string) ([]media.Gap, error) {
		rows, err := c.read.QueryContext(ctx, `SELECT `+group+`, count(*), avg(guess), avg(actual), avg(abs(guess - actual))
			FROM (`+guessesSQL+`) WHERE substr(day, 1, 7) >= ? AND substr(day, 1, 7) <= ? GROUP BY 1 ORDER BY 1`, from, to)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		out := []media.Gap{}
		for rows.Next() {
			var g media.Gap
			if err := rows.Scan(&g.Key, &g.Guesses, &g.AvgGuess, &g.AvgActual, &g.AvgGap); err != nil {
				return nil, err
			}
			out = append(out, g)
		}
		return out, rows.Err()
	}
	all, err := q(`''`)
	if err != nil {
		return p, err
	}
	if len(all) == 1 {
		p.Overall = all[0]
	}
	if p.ByTopic, err = q(`topic`); err != nil {
		return p, err
	}
	for i := range p.ByTopic {
		p.ByTopic[i].Topic = p.ByTopic[i].Key
	}
	if p.ByMonth, err = q(`substr(day, 1, 7)`); err != nil {
		return p, err
	}
	for i := range p.ByMonth {
		p.ByMonth[i].Month = p.ByMonth[i].Key
	}
	return p, nil
}

// scoredSQL is every customer score with its topic, product and month:
// calls (by call date, else import) and verbatims.
const scoredSQL = `SELECT 'r' AS src, id, topic, product, score, substr(coalesce(nullif(call_date, ''), created_at), 1, 7) AS month, status FROM recordings WHERE score IS NOT NULL
	UNION ALL SELECT 'v', id, topic, product, score, substr(date, 1, 7), status FROM verbatims WHERE score IS NOT NULL`

// Alerts lists topics and products whose customers' average is under
// threshold on a 0..scale scale (3 on 5 by default), lowest first, with
// their last six months and the approved calls and verbatims behind them.
func (c *Catalog) Alerts(ctx context.Context, threshold, scale float64) ([]media.Alert, error) {
	limit10 := threshold * 10 / scale
	out := []media.Alert{}
	for _, kind := range []string{"topic", "product"} {
		rows, err := c.read.QueryContext(ctx, `SELECT `+kind+`, count(*), avg(score) FROM (`+scoredSQL+`) WHERE `+kind+` != ''
			GROUP BY 1 HAVING avg(score) < ? ORDER BY 3`, limit10)
		if err != nil {
			return nil, err
		}
		var found []media.Alert
		for rows.Next() {
			a := media.Alert{Kind: kind}
			if err := rows.Scan(&a.Name, &a.Count, &a.Avg10); err != nil {
				rows.Close()
				return nil, err
			}
			a.Avg = a.Avg10 * scale / 10
			found = append(found, a)
		}
		rows.Close()
		for _, a := range found {
			if a.Trend, err = c.trend(ctx, kind, a.Name, "", ""); err != nil {
				return nil, err
			}
			if len(a.Trend) > 6 {
				a.Trend = a.Trend[len(a.Trend)-6:]
			}
			a.Recordings, a.Verbatims = []int64{}, []int64{}
			ids, err := c.read.QueryContext(ctx, `SELECT src, id FROM (`+scoredSQL+`) WHERE `+kind+` = ? AND status = 'approved' ORDER BY score, id LIMIT 200`, a.Name)
			if err != nil {
				return nil, err
			}
			for ids.Next() {
				var (
					src string
					id  int64
				)
				ids.Scan(&src, &id)
				if src == "r" {
					a.Recordings = append(a.Recordings, id)
				} else {
					a.Verbatims = append(a.Verbatims, id)
				}
			}
			ids.Close()
			out = append(out, a)
		}
	}
	return out, nil
}

// trend is the monthly average score of a topic or product, in order.
func (c *Catalog) trend(ctx context.Context, kind, name, from, to string) ([]media.MonthAvg, error) {
	if to == "" {
		to = "9999-12"
	}
	rows, err := c.read.QueryContext(ctx, `SELECT month, avg(score), count(*) FROM (`+scoredSQL+`) WHERE `+kind+` = ? AND month >= ? AND month <= ?
		GROUP BY 1 ORDER BY 1`, name, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []media.MonthAvg{}
	for rows.Next() {
		var m media.MonthAvg
		if err := rows.Scan(&m.Month, &m.Avg, &m.Count); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// reviewEvery is how often a product's feedback is reviewed with its manager.
const reviewEvery = 182 * 24 * time.Hour

// Products lists products with their number of scored items and when each
// was last reviewed; a review is due after six months.
func (c *Catalog) Products(ctx context.Context) ([]media.ProductSummary, error) {
	rows, err := c.read.QueryContext(ctx, `SELECT p.product, p.n, r.reviewed_on FROM
		(SELECT product, count(*) AS n FROM (SELECT product FROM recordings WHERE product != '' UNION ALL SELECT product FROM verbatims WHERE product != '') GROUP BY product) p
		LEFT JOIN product_reviews r ON r.product = p.product ORDER BY p.product`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []media.ProductSummary{}
	now := c.now()
	for rows.Next() {
		var (
			p    media.ProductSummary
			last sql.NullString
		)
		if err := rows.Scan(&p.Product, &p.Count, &last); err != nil {
			return nil, err
		}
		p.ReviewDue = true
		if last.Valid {
			p.LastReview = &last.String
			if t, err := time.Parse("2006-01-02", last.String); err == nil {
				p.ReviewDue = now.Sub(t) >= reviewEvery
			}
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// MarkReviewed records that a product's feedback was reviewed today.
func (c *Catalog) MarkReviewed(ctx context.Context, actor, product string) error {
	day := c.now().Format("2006-01-02")
	if _, err := c.write.ExecContext(ctx, `INSERT INTO product_reviews (product, reviewed_on) VALUES (?, ?)
		ON CONFLICT (product) DO UPDATE SET reviewed_on = excluded.reviewed_on`, product, day); err != nil {
		return err
	}
	return c.Audit(ctx, actor, "product-reviewed", product)
}

// ProductPack gathers a product's review pack for the period from..to
// (YYYY-MM-DD, either may be ""): approved material only, masked text; the
// scores, their trend and the perception gap cover the same period.
func (c *Catalog) ProductPack(ctx context.Context, product, from, to string) (media.ProductPack, error) {
	p := media.ProductPack{Product: product, From: from, To: to, Recordings: []media.Recording{}, Clips: []media.Clip{}, Verbatims: []media.Verbatim{}}
	if to == "" {
		to = "9999-12-31"
	}
	rs, err := c.queryRecordings(ctx, `SELECT `+recordingColumns+` FROM recordings r WHERE r.product = ? AND r.status = 'approved'
		AND coalesce(nullif(r.call_date, ''), substr(r.created_at, 1, 10)) BETWEEN ? AND ? ORDER BY r.call_date`, product, from, to)
	if err != nil {
		return p, err
	}
	p.Recordings = rs
	for _, r := range p.Recordings {
		cs, err := c.clips(ctx, `WHERE cl.recording_id = ?`, r.ID)
		if err != nil {
			return p, err
		}
		p.Clips = append(p.Clips, cs...)
	}
	vs, err := c.Verbatims(ctx, media.VerbatimFilter{Status: media.StatusApproved})
	if err != nil {
		return p, err
	}
	for _, v := range vs {
		if v.Product == product && v.Date >= from && v.Date <= to && v.Masked != "" {
			p.Verbatims = append(p.Verbatims, v.ForRoom())
		}
	}
	fromMonth, toMonth := from[:min(7, len(from))], to[:7]
	err = c.read.QueryRowContext(ctx, `SELECT count(*), coalesce(avg(score), 0) FROM (`+scoredSQL+`) WHERE product = ? AND month >= ? AND month <= ?`,
		product, fromMonth, toMonth).Scan(&p.Scores.Count, &p.Scores.Avg)
	if err != nil {
		return p, err
	}
	if p.Scores.Trend, err = c.trend(ctx, "product", product, fromMonth, toMonth); err != nil {
		return p, err
	}
	err = c.read.QueryRowContext(ctx, `SELECT count(*), coalesce(avg(abs(g.guess - g.actual)), 0) FROM (
		SELECT recording_id, guess, actual FROM kiosk_guesses
		UNION ALL SELECT CAST(substr(item, 2) AS INTEGER), score, actual FROM workshop_votes WHERE item LIKE 'r%' AND actual IS NOT NULL) g
		JOIN recordings r ON r.id = g.recording_id WHERE r.product = ?
		AND coalesce(nullif(r.call_date, ''), substr(r.created_at, 1, 10)) BETWEEN ? AND ?`, product, from, to).Scan(&p.Perception.Guesses, &p.Perception.AvgGap)
	if err != nil {
		return p, err
	}
	open, err := c.Actions(ctx, "open")
	if err != nil {
		return p, err
	}
	ids := map[int64]bool{}
	for _, r := range p.Recordings {
		ids[r.ID] = true
	}
	p.OpenActions = []media.Action{}
	for _, a := range open {
		for _, e := range a.Evidence {
			if ids[e.RecordingID] {
				p.OpenActions = append(p.OpenActions, a)
				break
			}
		}
	}
	return p, nil
}
