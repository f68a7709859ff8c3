package kiosk

import (
	"time"

	"customerroom/media"
)

// Pick chooses the programme entry on air at t (already in the room's time
// zone). A weekday entry beats an every-day one; among equals a closed slot
// beats a playlist (so a lunch closure holds whatever order the slots were
// added in), then the newest entry wins, so a curator's latest change takes
// effect. A weekday playlist still opens an every-day closure (a late
// Thursday). A range whose end is before its start runs past midnight into
// the next day.
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
		if e.Closed != best.Closed {
			return e.Closed
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

// NextChange is the first minute after t, within a week, at which the
// room opens or closes; ok is false when nothing changes in that week. Only
// the minutes on which some slot starts or ends are looked at: nothing
// changes in between.
func NextChange(entries []media.ProgrammeEntry, t time.Time) (time.Time, bool) {
	now := closedAt(entries, t)
	edges := map[int]bool{}
	for _, e := range entries {
		edges[e.StartMin] = true
		edges[e.EndMin%1440] = true
	}
	m := t.Truncate(time.Minute)
	for i := 0; i < 8*1440; i++ {
		m = m.Add(time.Minute)
		if edges[m.Hour()*60+m.Minute()] && closedAt(entries, m) != now {
			return m, true
		}
	}
	return time.Time{}, false
}

// closedAt reports whether the slot on at t closes the room.
func closedAt(entries []media.ProgrammeEntry, t time.Time) bool {
	e, ok := Pick(entries, t)
	return ok && e.Closed
}
