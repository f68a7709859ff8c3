package kiosk

import (
	"context"
	"fmt"
	"testing"
	"time"

	"customerroom/media"
	"customerroom/player"
)

func TestHoursClosedSlotsAndWhenTheRoomOpens(t *testing.T) {
	at := func(day, h, m int) time.Time { return time.Date(2026, 11, day, h, m, 0, 0, time.UTC) } // Nov 2 2026 is a Monday
	es := []media.ProgrammeEntry{
		{ID: 1, Weekday: -1, StartMin: 1140, EndMin: 480, Closed: true},   // every night 19:00-08:00
		{ID: 2, Weekday: 1, StartMin: 540, EndMin: 1080, PlaylistID: 20},  // Monday 9-18, added after the lunch closure
		{ID: 3, Weekday: 0, StartMin: 0, EndMin: 1440, Closed: true},      // Sunday
		{ID: 4, Weekday: 4, StartMin: 1140, EndMin: 1320, PlaylistID: 40}, // Thursday late opening 19-22
	}
	lunch := media.ProgrammeEntry{ID: 0, Weekday: 1, StartMin: 720, EndMin: 780, Closed: true} // Monday 12-13, older than ID 2
	es = append([]media.ProgrammeEntry{lunch}, es...)
	cases := []struct {
		t      time.Time
		closed bool
		opens  time.Time
	}{
		{at(2, 10, 0), false, time.Time{}},
		{at(2, 12, 30), true, at(2, 13, 0)}, // a closed slot beats a playlist of the same day
		{at(2, 19, 0), true, at(3, 8, 0)},   // closing time, back next morning
		{at(3, 7, 59), true, at(3, 8, 0)},   // past midnight, same closure
		{at(5, 20, 0), false, time.Time{}},  // Thursday's own playlist opens the every-night closure
		{at(5, 22, 0), true, at(6, 8, 0)},   // and closes again after it
		{at(7, 20, 0), true, at(9, 8, 0)},   // Saturday night: closed all Sunday, back Monday 08:00
		{at(8, 12, 0), true, at(9, 8, 0)},   // Sunday noon
	}
	for _, c := range cases {
		closed, opens := hours(es, c.t)
		if closed != c.closed || !opens.Equal(c.opens) {
			t.Errorf("%s: closed %v opens %s, want %v %s", c.t.Format("Mon 15:04"), closed, opens.Format("Mon 15:04"), c.closed, c.opens.Format("Mon 15:04"))
		}
	}
	always := []media.ProgrammeEntry{{ID: 1, Weekday: -1, StartMin: 0, EndMin: 1440, Closed: true}}
	if closed, opens := hours(always, at(2, 10, 0)); !closed || !opens.IsZero() {
		t.Errorf("closed all week: %v %s, want closed with no opening", closed, opens)
	}
	if next, ok := NextChange(es, at(2, 10, 0)); !ok || !next.Equal(at(2, 12, 0)) {
		t.Errorf("next change after Monday 10:00: %s %v, want 12:00", next, ok)
	}
}

// closingRoom is a test room whose programme closes it Monday 10:30-11:00
// (the fake clock starts Monday 10:00), with Run going.
func closingRoom(t *testing.T) (*Room, *fakeLibrary, *fakePlayer, func(time.Duration)) {
	t.Helper()
	r, lib, pl, clock := newTestRoom(t)
	lib.programme = []media.ProgrammeEntry{{ID: 1, Weekday: 1, StartMin: 630, EndMin: 660, Closed: true}}
	pl.states = make(chan player.State)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- r.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	// Wait for Run to have read the hours and armed its timer for 10:30,
	// so an Advance past it fires.
	deadline := time.Now().Add(5 * time.Second)
	for {
		r.mu.Lock()
		armed := !r.hoursNext.IsZero()
		r.mu.Unlock()
		if armed || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	return r, lib, pl, clock.Advance
}

// waitClosed polls until the room's closed flag is want.
func waitClosed(t *testing.T, r *Room, want bool) State {
	t.Helper()
	waitState(t, r, func(s State) bool { return s.Closed == want }, fmt.Sprintf("closed %v", want))
	return r.State()
}

func TestClosingTimeLetsTheCallFinishAndRefusesTheNext(t *testing.T) {
	r, _, pl, advance := closingRoom(t)
	ctx := context.Background()
	if st := r.State(); st.Closed || st.OpensAt != nil {
		t.Fatalf("Monday 10:00: %+v, want open", st)
	}
	r.Wake()
	if _, err := r.Listen(ctx, 2); err != nil {
		t.Fatal(err)
	}
	// 10:30, closing time, mid-call. The player reports the call playing
	// (the second send waits for Run to have handled the first), and it plays
	// on past closing time with no touch.
	for range 2 {
		pl.states <- player.State{State: player.StatePlaying, Item: &player.Item{RecordingID: 2}}
	}
	for range 60 {
		advance(30 * time.Second)
	}
	st := waitClosed(t, r, true)
	if st.OpensAt == nil || st.OpensAt.Format("15:04") != "11:00" {
		t.Errorf("opens_at %v, want 11:00", st.OpensAt)
	}
	waitScreenSettled(t, r, ScreenListening)
	if c := pl.lastCall(); c != "play 2" {
		t.Errorf("player's last call %q: the call in progress plays on", c)
	}
	// Nothing new starts: neither another call nor "next".
	if _, err := r.Next(ctx); media.ErrorCode(err) != media.EConflict {
		t.Errorf("next while closed: %v, want conflict", err)
	}
	// The call ends: no guess, the room goes to its clock.
	pl.states <- player.State{State: player.StateIdle}
	waitScreen(t, r, ScreenAttract)
	r.Wake()
	_, err := r.Listen(ctx, 1)
	if media.ErrorCode(err) != media.EConflict || err.Error() != "the room is closed until Monday 11:00: no call plays before then" {
		t.Errorf("listen while closed: %v, want a conflict saying when it opens", err)
	}
	pl.mu.Lock()
	for _, c := range pl.calls {
		if c != "play 2" && c != "stop" {
			t.Errorf("player called %q: nothing starts while closed (calls %v)", c, pl.calls)
		}
	}
	pl.mu.Unlock()
	if s := r.State().Screen; s != ScreenAttract {
		t.Errorf("wake while closed: screen %s, want the attract loop (shown as the clock)", s)
	}

	advance(30 * time.Minute) // 11:00, open again
	if st := waitClosed(t, r, false); st.OpensAt != nil {
		t.Errorf("open again: opens_at %v, want none", st.OpensAt)
	}
	r.Wake()
	if _, err := r.Listen(ctx, 1); err != nil {
		t.Errorf("listen after opening: %v", err)
	}
}

func TestClosingTimeEndsAVisitBetweenCalls(t *testing.T) {
	r, _, _, advance := closingRoom(t)
	r.Wake()
	r.SetLang("en")
	advance(31 * time.Minute)
	waitClosed(t, r, true)
	waitScreen(t, r, ScreenAttract)
	if st := r.State(); st.Lang != "fr" || st.Call != nil {
		t.Errorf("closed: %+v, want the visit reset", st)
	}
}

func TestMayPlayFollowsTheHoursAndAWorkshopKeepsTheRoom(t *testing.T) {
	r, lib, _, _ := newTestRoom(t)
	ctx := context.Background()
	if err := r.MayPlay(ctx); err != nil {
		t.Fatalf("no programme: %v", err)
	}
	lib.mu.Lock()
	lib.programme = []media.ProgrammeEntry{{ID: 1, Weekday: -1, StartMin: 0, EndMin: 1440, Closed: true}}
	lib.mu.Unlock()
	err := r.MayPlay(ctx)
	if media.ErrorCode(err) != media.EConflict || r.State().Closed != true || r.State().OpensAt != nil {
		t.Errorf("closed all week: %v %+v", err, r.State())
	}
	r.SetWorkshop(&WorkshopView{ID: 1, Title: "Atelier"})
	if err := r.MayPlay(ctx); err != nil {
		t.Errorf("workshop in closed hours: %v, want allowed", err)
	}
}

// hours is what the room works out at t: whether it is closed and, if so,
// when it opens next (zero: closed all week).
func hours(entries []media.ProgrammeEntry, t time.Time) (closed bool, opens time.Time) {
	if !closedAt(entries, t) {
		return false, time.Time{}
	}
	next, _ := NextChange(entries, t)
	return true, next
}
