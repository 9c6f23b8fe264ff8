package tasks_test

import (
	"net/http"
	"testing"

	"buurtplein/internal/testapp"

	"github.com/pocketbase/dbx"
)

// TestRecurrenceNearTheLastDate finishes daily tasks at the end of the
// dates a task may have (hooks.MaxDate, 31 December 2200): the day before
// brings the last occurrence, the last day ends the series, and a task
// stored with a due date in 9999 before the limit held can still be
// finished. No occurrence is ever made without a due date.
func TestRecurrenceNearTheLastDate(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	testapp.Unlimited(t, app)
	url := testapp.Serve(t, app).URL + "/api/collections/tasks/records"
	anna := testapp.Id(t, app, "users", "email", "anna@buurtplein.test")
	annaT := testapp.Token(t, app, "anna@buurtplein.test")
	team := testapp.Id(t, app, "teams", "slug", "haarlem-noord")

	finish := func(title, due string) {
		t.Helper()
		code, res := do(t, http.MethodPost, url, annaT, map[string]any{
			"team": team, "created_by": anna, "title": title, "status": "open", "repeat": "daily", "due": due,
		})
		if code != http.StatusOK {
			t.Fatalf("creating %q due %s: %d %s", title, due, code, res)
		}
		if code, res := do(t, http.MethodPatch, url+"/"+idOf(t, res), annaT, map[string]any{"status": "done"}); code != http.StatusOK {
			t.Fatalf("finishing %q: %d %s", title, code, res)
		}
	}
	occurrences := func(title string) []string {
		t.Helper()
		found, err := app.FindAllRecords("tasks", dbx.HashExp{"title": title})
		if err != nil {
			t.Fatal(err)
		}
		dues := []string{}
		for _, task := range found {
			dues = append(dues, task.GetString("due"))
		}
		return dues
	}

	finish("Voorlaatste dag", "2200-12-30 07:00:00.000Z")
	if dues := occurrences("Voorlaatste dag"); len(dues) != 2 || dues[1] != "2200-12-31 07:00:00.000Z" {
		t.Errorf("a daily task due 30 December 2200, finished: occurrences due %q, want the next on 31 December", dues)
	}

	finish("Laatste dag", "2200-12-31 07:00:00.000Z")
	if dues := occurrences("Laatste dag"); len(dues) != 1 {
		t.Errorf("a daily task due 31 December 2200, finished: occurrences due %q, want no next one", dues)
	}

	// stored before the limit held
	old := saveTask(t, app, map[string]any{"team": team, "created_by": anna, "title": "Oud", "repeat": "daily", "due": "2026-01-01 07:00:00.000Z"})
	if _, err := app.DB().NewQuery("UPDATE tasks SET due = '9999-12-31 07:00:00.000Z' WHERE id = {:id}").
		Bind(dbx.Params{"id": old.Id}).Execute(); err != nil {
		t.Fatal(err)
	}
	if code, res := do(t, http.MethodPatch, url+"/"+old.Id, annaT, map[string]any{"status": "done"}); code != http.StatusOK {
		t.Fatalf("finishing a task stored due in 9999: %d %s", code, res)
	}
	if dues := occurrences("Oud"); len(dues) != 1 {
		t.Errorf("a daily task due in 9999, finished: occurrences due %q, want no next one", dues)
	}

	if n, err := app.CountRecords("tasks", dbx.HashExp{"due": ""}, dbx.NewExp("repeat != ''")); err != nil || n != 0 {
		t.Errorf("%d recurring tasks without a due date (%v)", n, err)
	}
}
