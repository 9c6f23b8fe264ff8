package tasks

import (
	"encoding/json"
	"fmt"
	"time"
	_ "time/tzdata" // the teams' time zone, also on a machine without zoneinfo

	"buurtplein/hooks"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// localTime is the time zone of the teams: a weekly task due Monday 08:00
// stays due Monday 08:00 across the change to and from summer time.
var localTime = mustLoadLocation("Europe/Amsterdam")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // time/tzdata is embedded: this cannot fail
	}
	return loc
}

// intervalDays returns how many days apart the occurrences of a recurring
// task are, or 0 for a task that does not recur.
func intervalDays(task *core.Record) int {
	switch task.GetString("repeat") {
	case "daily":
		return 1
	case "weekly":
		return 7
	case "weeks":
		return max(task.GetInt("repeat_weeks"), 1) * 7
	}
	return 0
}

// nextDue returns the due date of the next occurrence: days calendar days
// after the last due date (or after now, for a task without one), in local
// time, moved on by whole intervals until it lies in the future, so a task
// finished late does not come back already overdue.
func nextDue(due time.Time, days int, now time.Time) time.Time {
	if due.IsZero() {
		due = now
	}
	next := due.In(localTime).AddDate(0, 0, days)
	for !next.After(now) {
		next = next.AddDate(0, 0, days)
	}
	return next.UTC()
}

// recur creates the next occurrence of a finished recurring task, for the
// same assignee while they are still in the team, with the checklist unticked.
func recur(app core.App, done *core.Record, actor string) error {
	every := intervalDays(done)
	if every == 0 {
		return nil
	}

	// a task finished, reopened and finished again brought its next
	// occurrence the first time; its history holds every finish, this one
	// included
	finished, err := app.CountRecords(EventsCollection,
		dbx.HashExp{"task": done.Id, "kind": "status_changed"},
		dbx.NewExp("json_extract(details, '$.to') = {:done}", dbx.Params{"done": StatusDone}))
	if err != nil {
		return fmt.Errorf("earlier finishes of %s: %w", done.Id, err)
	}
	if finished > 1 {
		return nil
	}

	// a series ends where the dates a task may have end (hooks.MaxDate):
	// finishing its last occurrence brings no next one, nor one without a date
	due := nextDue(done.GetDateTime("due").Time(), every, time.Now())
	if !hooks.DateInRange(due) {
		return nil
	}

	next := core.NewRecord(done.Collection())
	for _, field := range []string{"team", "title", "description", "priority", "repeat", "repeat_weeks", "created_by"} {
		next.Set(field, done.Get(field))
	}
	next.Set("status", StatusOpen)
	next.Set("due", due)
	next.Set("checklist", untick(done))

	assignee := done.GetString("assignee")
	if member, err := hooks.IsMember(app, assignee, done.GetString("team")); err != nil {
		return err
	} else if member {
		next.Set("assignee", assignee)
	}

	if err := app.Save(next); err != nil {
		return fmt.Errorf("creating the next occurrence of %s: %w", done.Id, err)
	}
	if err := recordEvent(app, next.Id, actor, "recurred", map[string]any{"previous": done.Id}); err != nil {
		return err
	}
	if next.GetString("assignee") != "" {
		return recordEvent(app, next.Id, actor, "assigned", map[string]any{"to": next.GetString("assignee")})
	}
	return nil
}

// untick returns a task's checklist with every item not done.
func untick(task *core.Record) types.JSONRaw {
	raw, _ := task.GetRaw("checklist").(types.JSONRaw)
	var items []checklistItem
	if json.Unmarshal(raw, &items) != nil || len(items) == 0 {
		return nil
	}
	for i := range items {
		items[i].Done = false
	}
	out, _ := json.Marshal(items)
	return out
}
