package regie

import (
	"time"
	_ "time/tzdata" // the teams' working days are Amsterdam's, on any server
)

// localTime is the time zone a team's working days are counted in.
var localTime = mustLoadLocation("Europe/Amsterdam")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // time/tzdata is embedded: this cannot fail
	}
	return loc
}

// AddWorkingDays returns t plus days working days (Monday to Friday, in
// Amsterdam), at the same clock time there: a case that enters a step on
// Friday at 10:00 with a deadline of one working day is due on Monday at
// 10:00, also across a change to or from summer time. Zero days returns
// the zero time: no deadline.
func AddWorkingDays(t time.Time, days int) time.Time {
	if days <= 0 {
		return time.Time{}
	}
	local := t.In(localTime)
	y, m, d := local.Date()
	for days > 0 {
		d++
		switch time.Date(y, m, d, 12, 0, 0, 0, localTime).Weekday() {
		case time.Saturday, time.Sunday:
		default:
			days--
		}
	}
	return time.Date(y, m, d, local.Hour(), local.Minute(), local.Second(), local.Nanosecond(), localTime).UTC()
}
