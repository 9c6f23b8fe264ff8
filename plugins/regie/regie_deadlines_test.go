package regie_test

import (
	"testing"
	"time"

	"buurtplein/plugins/regie"
)

// TestAddWorkingDays checks deadlines in working days: weekends skipped,
// the same clock time in Amsterdam, across the changes to and from summer
// time, for a start in the weekend and one that is already the next day
// in Amsterdam.
func TestAddWorkingDays(t *testing.T) {
	t.Parallel()
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cases := []struct {
		name, from string
		days       int
		want       string
	}{
		{"Wednesday plus two is Friday", "2026-11-25T09:00:00Z", 2, "2026-11-27T09:00:00Z"},
		{"Friday plus one is Monday", "2026-11-27T09:00:00Z", 1, "2026-11-30T09:00:00Z"},
		{"Thursday plus five is next Thursday", "2026-11-26T15:30:00Z", 5, "2026-12-03T15:30:00Z"},
		{"Saturday plus one is Monday", "2026-11-28T11:00:00Z", 1, "2026-11-30T11:00:00Z"},
		{"Sunday plus one is Monday", "2026-11-29T11:00:00Z", 1, "2026-11-30T11:00:00Z"},
		{"Friday 23:30 UTC is Saturday in Amsterdam: plus one is Monday", "2026-11-27T23:30:00Z", 1, "2026-11-29T23:30:00Z"},
		{"Monday plus sixty is twelve weeks on", "2026-11-30T09:00:00Z", 60, "2027-02-22T09:00:00Z"},
		// summer time ends on Sunday 25 October 2026: 10:00 stays 10:00
		{"Friday 10:00 CEST plus one is Monday 10:00 CET", "2026-10-23T08:00:00Z", 1, "2026-10-26T09:00:00Z"},
		// summer time starts on Sunday 29 March 2026
		{"Friday 10:00 CET plus one is Monday 10:00 CEST", "2026-03-27T09:00:00Z", 1, "2026-03-30T08:00:00Z"},
		{"Thursday CET plus five across the change", "2026-03-26T12:00:00Z", 5, "2026-04-02T11:00:00Z"},
	}
	for _, c := range cases {
		got := regie.AddWorkingDays(at(c.from), c.days)
		if !got.Equal(at(c.want)) {
			t.Errorf("%s: %s + %d = %s, want %s", c.name, c.from, c.days, got.Format(time.RFC3339), c.want)
		}
	}
	if got := regie.AddWorkingDays(at("2026-11-27T09:00:00Z"), 0); !got.IsZero() {
		t.Errorf("no deadline gave %v", got)
	}
}
