package migrations_test

import (
	"testing"

	"buurtplein/internal/testapp"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// TestInputCleanup stores what the input rules now refuse, straight into
// the database as an older version could have, and runs the cleanup.
func TestInputCleanup(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)

	tasks, err := app.FindAllRecords("tasks", dbx.HashExp{"title": []any{"Wondzorg mevrouw K.", "Medicatierol bestellen"}})
	if err != nil || len(tasks) != 2 {
		t.Fatalf("demo tasks: %d, %v", len(tasks), err)
	}
	early, late := tasks[0].Id, tasks[1].Id
	set := func(id string, values dbx.Params) {
		t.Helper()
		if _, err := app.DB().Update("tasks", values, dbx.HashExp{"id": id}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	set(early, dbx.Params{"title": "Wond\x00zorg\tmevrouw\r\nK.\u0085", "description": "Eerst:\n\t- gaas\x1b[31m", "due": "0001-01-01 00:00:01.000Z"})
	set(late, dbx.Params{"due": "9999-12-31 23:59:59.000Z", "completed_at": "2026-01-01 10:00:00.000Z"})

	var up func(*testing.T)
	for _, migration := range core.AppMigrations.Items() {
		if migration.File == "1764000200_input_cleanup.go" {
			up = func(t *testing.T) {
				if err := migration.Up(app); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if up == nil {
		t.Fatal("the cleanup migration is not registered")
	}
	up(t)

	want := map[string]map[string]string{
		early: {"title": "Wondzorg mevrouw  K.", "description": "Eerst:\n\t- gaas[31m", "due": "1900-01-01 00:00:00.000Z"},
		late:  {"title": "Medicatierol bestellen", "due": "2200-12-31 23:59:59.999Z", "completed_at": "2026-01-01 10:00:00.000Z"},
	}
	for id, fields := range want {
		task, err := app.FindRecordById("tasks", id)
		if err != nil {
			t.Fatal(err)
		}
		for field, value := range fields {
			if got := task.GetString(field); got != value {
				t.Errorf("task %s: %s = %q, want %q", id, field, got, value)
			}
		}
		// and the record saves again under the rules
		if err := app.Save(task); err != nil {
			t.Errorf("saving task %s after the cleanup: %v", id, err)
		}
	}
}
