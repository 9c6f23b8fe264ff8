package tasks_test

import (
	"testing"
	"time"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/tasks"
)

// TestDemoTasksDueAtTheEndOfTheDay reads the seeded demo tasks: each is
// due on a date without a time, which the app stores as 23:59 Amsterdam
// time (as a task form does), so the demo shows dates, not hours, and a
// task due today is not overdue before the day is over.
func TestDemoTasksDueAtTheEndOfTheDay(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	amsterdam, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	today := time.Now().In(amsterdam)

	for title, days := range tasks.DemoTaskDays() {
		task, err := app.FindFirstRecordByData(tasks.TasksCollection, "title", title)
		if err != nil {
			t.Fatalf("demo task %q: %v", title, err)
		}
		due := task.GetDateTime("due").Time().In(amsterdam)
		y, m, day := today.AddDate(0, 0, days).Date()
		if want := time.Date(y, m, day, 23, 59, 0, 0, amsterdam); !due.Equal(want) {
			t.Errorf("demo task %q is due %s, want %s", title, due, want)
		}
	}
}
