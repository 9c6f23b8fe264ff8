package tasks_test

import (
	"fmt"
	"testing"
	"time"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/tasks"

	"github.com/pocketbase/pocketbase/core"
)

// TestNotifyOverdue checks that the overdue check tells the assignee, or
// the coordinators of a task nobody has, once per due date.
func TestNotifyOverdue(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	app := testapp.New(t)

	past, future := time.Now().Add(-2*time.Hour), time.Now().Add(2*time.Hour)
	openForTeam := saveTask(t, app, map[string]any{"team": f.haarlem, "title": "Niemand pakt het op", "due": past, "created_by": f.bram})
	for status, due := range map[string]time.Time{"done": past, "cancelled": past, "open": future} {
		saveTask(t, app, map[string]any{"team": f.haarlem, "title": "Niet over tijd " + status, "status": status, "assignee": f.bram, "due": due, "created_by": f.bram})
	}
	saveTask(t, app, map[string]any{"team": f.haarlem, "title": "Zonder datum", "assignee": f.bram, "created_by": f.bram})

	check := func(step string, wantHandled int) {
		t.Helper()
		handled, err := tasks.NotifyOverdue(app)
		if err != nil || handled != wantHandled {
			t.Fatalf("%s: NotifyOverdue handled %d, %v; want %d", step, handled, err, wantHandled)
		}
	}
	overdue := func(title string) string { return fmt.Sprintf("task_overdue: Taak over tijd: %q", title) }
	annaDemo := fmt.Sprintf("handover_offered: Bram Jansen wil de taak %q aan je overdragen", wondzorg)
	bramDemo := assignedNote(wondzorg)

	// sleutel (dirk's, due yesterday) and the task nobody has
	check("first run", 2)
	wantNotifications(t, app, f.dirk, dirkDemoNotification, overdue(sleutel))
	wantNotifications(t, app, f.anna, annaDemo, overdue("Niemand pakt het op")) // the coordinator
	wantNotifications(t, app, f.bram, bramDemo)                                 // a member, and his tasks are not overdue
	if record(t, app, "tasks", f.task[sleutel]).GetDateTime("overdue_notified").IsZero() {
		t.Error("sleutel is not marked notified")
	}

	check("second run", 0)
	wantNotifications(t, app, f.dirk, dirkDemoNotification, overdue(sleutel))
	wantNotifications(t, app, f.anna, annaDemo, overdue("Niemand pakt het op"))

	// another edit is no reason to notify again
	update(t, app, "tasks", f.task[sleutel], map[string]any{"title": sleutel + " (Zijlweg)"})
	check("after a new title", 0)

	// nor another date in the past: that is no news
	update(t, app, "tasks", f.task[sleutel], map[string]any{"due": past.Add(-time.Hour)})
	check("after another date in the past", 0)

	// a new date still to come, missed too, is
	update(t, app, "tasks", f.task[sleutel], map[string]any{"due": future})
	if !record(t, app, "tasks", f.task[sleutel]).GetDateTime("overdue_notified").IsZero() {
		t.Error("a new due date did not clear overdue_notified")
	}
	check("before the new due date", 0)
	update(t, app, "tasks", f.task[sleutel], map[string]any{"due": past}) // time flies
	check("after a new due date", 1)
	// still unread, the notice he had is brought up to date: one per task
	wantNotifications(t, app, f.dirk, dirkDemoNotification, overdue(sleutel+" (Zijlweg)"))

	// the task nobody had, given to bram: notified once is once
	update(t, app, "tasks", openForTeam.Id, map[string]any{"assignee": f.bram})
	check("after a new assignee", 0)
	wantNotifications(t, app, f.bram, bramDemo)
}

// TestNotifyOverdueFair repeats the starvation of the red-team probe: one
// team's 600 tasks due in 2024, re-dated between runs, must not keep
// another team's overdue task from being noticed, and a new date in the
// past is no reason to notify again.
func TestNotifyOverdueFair(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	app := testapp.New(t)

	old := time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
	var flood []string
	err := app.RunInTransaction(func(txApp core.App) error {
		for i := range 600 {
			task := saveTask(t, txApp, map[string]any{"team": f.haarlem, "title": fmt.Sprintf("Oud %d", i), "assignee": f.bram, "due": old.Add(time.Duration(i) * time.Minute), "created_by": f.bram})
			flood = append(flood, task.Id)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	carlas := saveTask(t, app, map[string]any{"team": f.schalkwijk, "title": "Rolstoel ophalen", "assignee": f.carla, "due": time.Now().Add(-time.Hour), "created_by": f.carla})

	start := time.Now()
	handled, err := tasks.NotifyOverdue(app)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("first run: %d tasks in %s", handled, time.Since(start).Round(time.Millisecond))
	if handled != 602 { // the flood, carla's and sleutel (demo)
		t.Errorf("first run handled %d, want 602", handled)
	}
	if record(t, app, "tasks", carlas.Id).GetDateTime("overdue_notified").IsZero() {
		t.Fatal("carla's overdue task was not notified on the first run")
	}
	wantNotifications(t, app, f.carla, fmt.Sprintf("task_overdue: Taak over tijd: %q", "Rolstoel ophalen"))

	// bram re-dates his 600 tasks, still in the past
	err = app.RunInTransaction(func(txApp core.App) error {
		for _, id := range flood {
			update(t, txApp, "tasks", id, map[string]any{"due": old.AddDate(0, 1, 0)})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	evas := saveTask(t, app, map[string]any{"team": f.heemstede, "title": "Rooster maken", "assignee": f.eva, "due": time.Now().Add(-time.Minute), "created_by": f.eva})

	if handled, err := tasks.NotifyOverdue(app); err != nil || handled != 1 {
		t.Errorf("second run handled %d (%v), want 1: only eva's new one", handled, err)
	}
	if record(t, app, "tasks", evas.Id).GetDateTime("overdue_notified").IsZero() {
		t.Error("eva's overdue task was not notified")
	}
}
