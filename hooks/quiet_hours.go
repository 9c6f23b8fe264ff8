package hooks

import (
	"strconv"
	"time"
	_ "time/tzdata" // quiet hours are Amsterdam's, on any server
)

// QuietZone is the time zone of the quiet hours people set (users
// quiet_from and quiet_until).
var QuietZone = mustLoadLocation("Europe/Amsterdam")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // time/tzdata is embedded: this cannot fail
	}
	return loc
}

// QuietAt reports whether now falls inside the quiet hours from until
// until ("HH:MM", Amsterdam's wall clock, from included, until not). A
// span whose end comes before its start crosses midnight ("22:00" to
// "07:00"); an empty span, or one with a time missing or malformed, is
// no quiet hours at all. Chat mentions and Web Push both keep them.
func QuietAt(from, until string, now time.Time) bool {
	start, ok1 := clockMinutes(from)
	end, ok2 := clockMinutes(until)
	if !ok1 || !ok2 || start == end {
		return false
	}
	local := now.In(QuietZone)
	m := local.Hour()*60 + local.Minute()
	if start < end {
		return start <= m && m < end
	}
	return m >= start || m < end
}

// clockMinutes returns the minutes after midnight of "HH:MM".
func clockMinutes(clock string) (int, bool) {
	if len(clock) != 5 || clock[2] != ':' {
		return 0, false
	}
	h, err1 := strconv.Atoi(clock[:2])
	m, err2 := strconv.Atoi(clock[3:])
	if err1 != nil || err2 != nil || h < 0 || h > 23 || m < 0 || m > 59 {
		return 0, false
	}
	return h*60 + m, true
}
