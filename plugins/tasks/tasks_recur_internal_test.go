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
