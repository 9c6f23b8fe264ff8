package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The board reads a team's open and in-progress tasks a page at a time, in
// due order. The index it had, (team, due, status), walks a team's tasks
// from the earliest due date and skips the finished ones in it, so a page
// cost more the more finished tasks a team had before its open ones. A
// partial index on the status cannot serve it either: PocketBase binds
// filter values as parameters, and SQLite cannot prove an index's WHERE
// from a parameter.
//
// So a task now stores whether it still needs doing: active, written by the
// tasks plugin on every save (open or in progress), never by a client. The
// index (team, active, due, id) holds a team's active tasks together in the
// board's order (due, then id, for keyset paging): a page reads its 100
// entries and stops, however many finished tasks the team has.
// (team, due, status) served only the board and goes.

func init() {
	m.Register(func(app core.App) error {
		tasks, err := app.FindCollectionByNameOrId("tasks")
		if err != nil {
			return err
		}
		tasks.Fields.Add(&core.BoolField{Name: "active"})
		if err := app.Save(tasks); err != nil {
			return err
		}
		if _, err := app.DB().NewQuery("UPDATE tasks SET active = (status IN ('open', 'in_progress'))").Execute(); err != nil {
			return err
		}
		tasks.RemoveIndex("idx_tasks_team_due_status")
		tasks.AddIndex("idx_tasks_team_active_due", false, "team, active, due, id", "")
		return app.Save(tasks)
	}, func(app core.App) error {
		tasks, err := app.FindCollectionByNameOrId("tasks")
		if err != nil {
			return err
		}
		tasks.RemoveIndex("idx_tasks_team_active_due")
		tasks.AddIndex("idx_tasks_team_due_status", false, "team, due, status", "")
		tasks.Fields.RemoveByName("active")
		return app.Save(tasks)
	})
}
