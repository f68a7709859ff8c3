package kiosk

import (
	"time"

	"customerroom/media"
)

// Pick chooses the programme entry on air at t (already in the room's time
// zone). A weekday entry beats an every-day one; among equals the newest
// entry wins, so a curator's latest change takes effect. A range whose end is
// before its start runs past midnight into the next day.
func Pick(entries []media.ProgrammeEntry, t time.Time) (media.ProgrammeEntry, bool) {
	minute := t.Hour()*60 + t.Minute()
	today := int(t.Weekday())
	yesterday := (today + 6) % 7
	var (
		best  media.ProgrammeEntry
		found bool
	)
	better := func(e media.ProgrammeEntry) bool {
		if !found {
			return true
		}
		if (e.Weekday >= 0) != (best.Weekday >= 0) {
			return e.Weekday >= 0
		}
		return e.ID > best.ID
	}
	for _, e := range entries {
		if e.Validate() != nil {
			continue
		}
		on := func(day int) bool { return e.Weekday == -1 || e.Weekday == day }
		var live bool
		if e.StartMin < e.EndMin {
			live = on(today) && minute >= e.StartMin && minute < e.EndMin
		} else {
			live = on(today) && minute >= e.StartMin || on(yesterday) && minute < e.EndMin
		}
		if live && better(e) {
			best, found = e, true
		}
	}
	return best, found
}
