package bob

import (
	"fmt"
	"sync/atomic"
	"time"

	"buurtplein/hooks"
	"buurtplein/plugins/notify"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	// the zone of the working hours, whatever the server has installed
	_ "time/tzdata"
)

// defaultResponseHours is the working hours a question may wait for its
// first response when organisation_settings names none.
const defaultResponseHours = 8

// slaMaxPerRun bounds how many questions one run of the check looks at;
// the next run takes the rest.
const slaMaxPerRun = 5000

// WorkingHours are the hours of a working day, Monday to Friday, in which
// a question's response time runs.
type WorkingHours struct {
	// Location is the zone the hours are in. Default: Europe/Amsterdam.
	Location *time.Location
	// Start and End are the times of day (since midnight, local) the day
	// begins and ends. Default: 08:30 and 17:00.
	Start, End time.Duration
}

// orDefault returns w with the defaults for what it leaves out, and the
// default day for a day that ends before it begins.
func (w WorkingHours) orDefault() WorkingHours {
	if w.Location == nil {
		loc, err := time.LoadLocation("Europe/Amsterdam")
		if err != nil {
			loc = time.UTC // not reached: the zone is in the binary
		}
		w.Location = loc
	}
	if w.End <= w.Start || w.End > 24*time.Hour || w.Start < 0 {
		w.Start, w.End = 8*time.Hour+30*time.Minute, 17*time.Hour
	}
	return w
}

// Deadline returns the moment d of working time has passed since from:
// only the hours between Start and End of a weekday count. It reads the
// clock of the day (08:30 local) on each date, so a day after a switch to
// or from summer time still starts at 08:30.
func (w WorkingHours) Deadline(from time.Time, d time.Duration) time.Time {
	w = w.orDefault()
	t := from.In(w.Location)
	// a working week holds at least 5 minutes: a bounded loop for any d
	for range 10 * 366 {
		y, m, day := t.Date()
		next := time.Date(y, m, day+1, 0, 0, 0, 0, w.Location)
		if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday {
			t = next
			continue
		}
		open, closing := w.clock(y, m, day, w.Start), w.clock(y, m, day, w.End)
		if t.Before(open) {
			t = open
		}
		if !t.Before(closing) {
			t = next
			continue
		}
		left := closing.Sub(t)
		if d <= left {
			return t.Add(d)
		}
		d -= left
		t = next
	}
	return t
}

// clock returns the local time of day since midnight on a date.
func (w WorkingHours) clock(y int, m time.Month, day int, since time.Duration) time.Time {
	return time.Date(y, m, day, int(since/time.Hour), int(since%time.Hour/time.Minute), 0, 0, w.Location)
}

// bindSLA schedules the check that flags questions waiting too long.
func (p *plugin) bindSLA() {
	var running atomic.Bool
	p.app.Cron().MustAdd("buurtpleinBobSLA", p.config.SLASchedule, func() {
		// a run that takes longer than the schedule is not joined by a
		// second one flagging the same questions
		if !running.CompareAndSwap(false, true) {
			return
		}
		defer running.Store(false)
		if _, err := FlagUnanswered(p.app, time.Now(), p.config.WorkingHours); err != nil {
			p.app.Logger().Error("BOB response time check failed", "error", err)
		}
	})
}

// FlagUnanswered flags every question that has waited longer than the
// organisation's bob_response_hours working hours (of w) for its first
// response at now, and is neither closed nor flagged yet: it sets flagged
// and notifies BOB staff, once per question. It returns how many it
// flagged.
func FlagUnanswered(app core.App, now time.Time, w WorkingHours) (int, error) {
	w = w.orDefault()
	hours, err := responseHours(app)
	if err != nil {
		return 0, err
	}
	wait := time.Duration(hours) * time.Hour

	// working time runs no faster than the clock: younger ones can wait
	cutoff, err := types.ParseDateTime(now.Add(-wait))
	if err != nil {
		return 0, err
	}
	var rows []struct {
		Id      string         `db:"id"`
		Created types.DateTime `db:"created"`
	}
	err = app.DB().Select("id", "created").From(QuestionsCollection).
		Where(dbx.HashExp{"first_response": "", "flagged": ""}).
		AndWhere(dbx.Not(dbx.HashExp{"status": StatusClosed})).
		AndWhere(dbx.NewExp("created <= {:cutoff}", dbx.Params{"cutoff": cutoff.String()})).
		OrderBy("created").Limit(slaMaxPerRun).All(&rows)
	if err != nil {
		return 0, fmt.Errorf("questions waiting for a first response: %w", err)
	}

	flagged := 0
	for _, r := range rows {
		if w.Deadline(r.Created.Time(), wait).After(now) {
			continue
		}
		if err := flagQuestion(app, r.Id, now); err != nil {
			return flagged, fmt.Errorf("flagging question %s: %w", r.Id, err)
		}
		flagged++
	}
	return flagged, nil
}

// flagQuestion sets flagged on a question that still waits and tells
// BOB staff, in one transaction.
func flagQuestion(app core.App, id string, now time.Time) error {
	return app.RunInTransaction(func(txApp core.App) error {
		q, err := txApp.FindRecordById(QuestionsCollection, id)
		if err != nil {
			return err
		}
		if q.GetString("first_response") != "" || q.GetString("flagged") != "" || q.GetString("status") == StatusClosed {
			return nil // answered or closed since the query
		}
		q.Set("flagged", now)
		// NB! the mark is the server's own: a question that no longer
		// meets the rules of a save must not stay in the queue for ever
		if err := txApp.SaveNoValidate(q); err != nil {
			return err
		}
		staff, err := bobStaffIds(txApp)
		if err != nil {
			return err
		}
		return notify.NotifyMany(txApp, staff, notify.Notification{
			Kind:    notify.KindQuestionFlagged,
			Subject: aboutQuestion(q.Id),
			Params:  map[string]any{"title": q.GetString("subject"), "team": teamNameOf(txApp, q.GetString("team"))},
		})
	})
}

// responseHours returns the organisation's bob_response_hours, or the
// default when it sets none.
func responseHours(app core.App) (int, error) {
	var hours []int
	err := app.DB().Select("bob_response_hours").From("organisation_settings").Limit(1).Column(&hours)
	if err != nil {
		return 0, fmt.Errorf("the organisation's response hours: %w", err)
	}
	if len(hours) == 0 || hours[0] < 1 {
		return defaultResponseHours, nil
	}
	return hours[0], nil
}

// teamNameOf returns the name of a team, or "" when it is gone.
func teamNameOf(app core.App, id string) string {
	t, err := app.FindRecordById(hooks.TeamsCollection, id)
	if err != nil {
		return ""
	}
	return t.GetString("name")
}
