package server

import (
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"customerroom/media"
)

// reportItem is one item of a session's report: what was played and how
// the room judged it against the customer's own score.
type reportItem struct {
	Title string  `json:"title"`
	Type  string  `json:"type"`
	Votes int     `json:"votes"`
	Avg   float64 `json:"avg"`
	Dist  [11]int `json:"dist"`
	Score *int    `json:"score"`
}

// report is a session's report: names never appear in it, only teams.
type report struct {
	Title     string         `json:"title"`
	Teams     []string       `json:"teams"`
	StartedAt string         `json:"started_at"`
	EndedAt   string         `json:"ended_at"`
	Items     []reportItem   `json:"items"`
	Ideas     []media.Idea   `json:"ideas"`
	Notes     []media.Note   `json:"notes"`
	Actions   []media.Action `json:"actions"`
}

func (s *Server) buildReport(c *fiber.Ctx) (report, error) {
	id, err := pathID(c)
	if err != nil {
		return report{}, err
	}
	ws, _, err := s.workshops()
	if err != nil {
		return report{}, err
	}
	ctx := c.UserContext()
	w, err := ws.Workshop(ctx, id)
	if err != nil {
		return report{}, err
	}
	ts, err := ws.WorkshopTallies(ctx, w)
	if err != nil {
		return report{}, err
	}
	as, err := ws.WorkshopActions(ctx, id)
	if err != nil {
		return report{}, err
	}
	r := report{Title: w.Title, Teams: w.Teams, StartedAt: w.StartedAt, EndedAt: w.EndedAt, Ideas: w.Ideas, Notes: w.Notes, Actions: as}
	for i, it := range w.Items {
		r.Items = append(r.Items, reportItem{Title: it.Title, Type: it.Type, Votes: ts[i].Count, Avg: ts[i].Avg, Dist: ts[i].Dist, Score: it.Score})
	}
	return r, nil
}

func (s *Server) handleReportJSON(c *fiber.Ctx) error {
	r, err := s.buildReport(c)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (s *Server) handleReportMD(c *fiber.Ctx) error {
	r, err := s.buildReport(c)
	if err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", mdLine(r.Title))
	if len(r.Teams) > 0 {
		fmt.Fprintf(&b, "Équipes : %s  \n", mdLine(strings.Join(r.Teams, ", ")))
	}
	fmt.Fprintf(&b, "Début : %s — fin : %s\n\n## Écoutes et votes\n\n| # | élément | votes | moyenne des votes | note du client | écart |\n|---|---|---|---|---|---|\n", r.StartedAt, r.EndedAt)
	for i, it := range r.Items {
		score, gap := "—", "—"
		if it.Score != nil {
			score = strconv.Itoa(*it.Score) + "/10"
			if it.Votes > 0 {
				gap = fmt.Sprintf("%.1f", abs(it.Avg-float64(*it.Score)))
			}
		}
		avg := "—"
		if it.Votes > 0 {
			avg = fmt.Sprintf("%.1f/10", it.Avg)
		}
		fmt.Fprintf(&b, "| %d | %s | %d | %s | %s | %s |\n", i+1, mdCell(it.Title), it.Votes, avg, score, gap)
	}
	b.WriteString("\n## Idées\n\n")
	for _, x := range r.Ideas {
		fmt.Fprintf(&b, "- %s\n", mdLine(x.Text))
	}
	b.WriteString("\n## Notes\n\n")
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "- %s (à %s)\n", mdLine(n.Text), clock(n.AtMS))
	}
	b.WriteString("\n## Actions\n\n")
	for _, a := range r.Actions {
		fmt.Fprintf(&b, "- [%s] %s — équipe : %s, échéance : %s, preuves : %s\n", statusMark(a.Status), mdLine(a.Text), mdLine(a.Team), a.Due, evidence(a.Evidence))
	}
	c.Set(fiber.HeaderContentType, "text/markdown; charset=utf-8")
	return c.SendString(b.String())
}

func (s *Server) handleReportCSV(c *fiber.Ctx) error {
	r, err := s.buildReport(c)
	if err != nil {
		return err
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Comma = ';'
	w.Write([]string{"section", "élément", "votes", "moyenne", "note client", "texte", "équipe", "échéance", "statut"})
	for _, it := range r.Items {
		score := ""
		if it.Score != nil {
			score = strconv.Itoa(*it.Score)
		}
		w.Write([]string{"vote", csvSafe(it.Title), strconv.Itoa(it.Votes), fmt.Sprintf("%.2f", it.Avg), score, "", "", "", ""})
	}
	for _, x := range r.Ideas {
		w.Write([]string{"idée", "", "", "", "", csvSafe(x.Text), "", "", ""})
	}
	for _, n := range r.Notes {
		w.Write([]string{"note", "", "", "", "", csvSafe(n.Text), "", "", ""})
	}
	for _, a := range r.Actions {
		w.Write([]string{"action", evidence(a.Evidence), "", "", "", csvSafe(a.Text), csvSafe(a.Team), a.Due, a.Status})
	}
	w.Flush()
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="atelier.csv"`)
	return c.SendString("\ufeff" + b.String())
}

// csvSafe keeps a spreadsheet from reading a cell as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func mdLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func mdCell(s string) string { return strings.ReplaceAll(mdLine(s), "|", `\|`) }

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func clock(ms int64) string { return fmt.Sprintf("%d:%02d", ms/60000, ms/1000%60) }

func statusMark(st string) string {
	switch st {
	case "done":
		return "x"
	case "dropped":
		return "-"
	}
	return " "
}

func evidence(es []media.Evidence) string {
	var parts []string
	for _, e := range es {
		switch {
		case e.RecordingID > 0:
			parts = append(parts, "appel "+strconv.FormatInt(e.RecordingID, 10))
		case e.ClipID > 0:
			parts = append(parts, "extrait "+strconv.FormatInt(e.ClipID, 10))
		case e.VerbatimID > 0:
			parts = append(parts, "verbatim "+strconv.FormatInt(e.VerbatimID, 10))
		}
	}
	if len(parts) == 0 {
		return "—"
	}
	return strings.Join(parts, ", ")
}
