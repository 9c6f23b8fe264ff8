package tasks

import (
	"testing"
	"time"
)

func TestNextDueKeepsLocalTimeAcrossSummerTime(t *testing.T) {
	t.Parallel()

	// Monday 20 October 2025 08:00 in Amsterdam (summer time, UTC+2); the
	// clocks go back on 26 October
	due := time.Date(2025, 10, 20, 8, 0, 0, 0, localTime)
	now := due.Add(-time.Hour)

	next := nextDue(due, 7, now).In(localTime)
	if next.Hour() != 8 || next.Day() != 27 || next.Weekday() != time.Monday {
		t.Fatalf("a weekly task due Monday 08:00 comes back %v, want Monday 27 October 08:00", next)
	}

	late := nextDue(due, 1, due.AddDate(0, 0, 3).Add(2*time.Hour)).In(localTime)
	if late.Hour() != 8 || late.Day() != 24 {
		t.Fatalf("a daily task finished three days late comes back %v, want 24 October 08:00", late)
	}
}

// FuzzNextDue checks nextDue against its promise for any due date, interval
// and moment of finishing: the next occurrence lies in the future, a whole
// number of intervals after the due date on the calendar, at the same local
// time of day, and no interval later than needed.
func FuzzNextDue(f *testing.F) {
	base := time.Date(2025, 10, 20, 8, 0, 0, 0, localTime).Unix()
	f.Add(base, int64(-3600), uint16(7))
	f.Add(base, int64(3*24*3600+7200), uint16(1))
	f.Add(time.Date(2026, 3, 28, 2, 30, 0, 0, localTime).Unix(), int64(0), uint16(1)) // 02:30 does not exist on 29 March
	f.Add(base, int64(400*24*3600), uint16(364))

	f.Fuzz(func(t *testing.T, dueUnix, finishedAfter int64, interval uint16) {
		days := int(interval%364) + 1
		// the dates a team can enter: 2000 to 2100, finished within ten years
		due := time.Unix(946684800+mod(dueUnix, 100*365*24*3600), 0).In(localTime)
		now := due.Add(time.Duration(mod(finishedAfter, 20*365*24*3600)-10*365*24*3600) * time.Second)

		next := nextDue(due, days, now).In(localTime)
		if !next.After(now) {
			t.Fatalf("nextDue(%v, %d, %v) = %v, not after now", due, days, now, next)
		}

		// the calendar step: a whole, smallest number of intervals
		step := daysBetween(due, next)
		if step <= 0 || step%days != 0 {
			t.Fatalf("nextDue(%v, %d, %v) = %v: %d calendar days after the due date", due, days, now, next, step)
		}
		if step > days && due.AddDate(0, 0, step-days).After(now) {
			t.Fatalf("nextDue(%v, %d, %v) = %v: an interval earlier was already in the future", due, days, now, next)
		}

		// the same time of day, unless that time does not exist that day
		// (the hour skipped when summer time starts)
		wall := time.Date(next.Year(), next.Month(), next.Day(), due.Hour(), due.Minute(), due.Second(), 0, localTime)
		if wall.Hour() == due.Hour() && (next.Hour() != due.Hour() || next.Minute() != due.Minute()) {
			t.Fatalf("nextDue(%v, %d, %v) = %v: the time of day changed", due, days, now, next)
		}
	})
}

// mod returns x modulo m in [0, m).
func mod(x, m int64) int64 {
	return ((x % m) + m) % m
}

// daysBetween returns the number of calendar days from a to b, in local time.
func daysBetween(a, b time.Time) int {
	da := time.Date(a.Year(), a.Month(), a.Day(), 12, 0, 0, 0, time.UTC)
	db := time.Date(b.Year(), b.Month(), b.Day(), 12, 0, 0, 0, time.UTC)
	return int(db.Sub(da).Hours() / 24)
}
