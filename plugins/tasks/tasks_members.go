package tasks

import (
	"database/sql"
	"errors"
	"fmt"

	"buurtplein/hooks"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// bindMembershipHooks returns the open tasks of someone who leaves a team
// (or is removed from it) to the team, and withdraws the offers made to or
// by them for that team's tasks, in the same transaction as the removal.
func (p *plugin) bindMembershipHooks() {
	p.app.OnRecordDelete(hooks.MembershipsCollection).BindFunc(func(e *core.RecordEvent) error {
		return e.App.RunInTransaction(func(txApp core.App) error {
			e.App = txApp
			if err := e.Next(); err != nil {
				return err
			}
			return returnTasksToTeam(txApp, e.Record.GetString("user"), e.Record.GetString("team"))
		})
	})
}

func returnTasksToTeam(app core.App, userId, teamId string) error {
	// a membership deleted along with its team or its user: the cascade
	// removes or unlinks the tasks and offers itself
	for collection, id := range map[string]string{hooks.TeamsCollection: teamId, hooks.UsersCollection: userId} {
		if _, err := app.FindRecordById(collection, id); errors.Is(err, sql.ErrNoRows) {
			return nil
		} else if err != nil {
			return fmt.Errorf("checking a leaving member: %w", err)
		}
	}

	tasks, err := app.FindAllRecords(TasksCollection,
		dbx.HashExp{"team": teamId, "assignee": userId},
		dbx.In("status", StatusOpen, StatusInProgress),
	)
	if err != nil {
		return fmt.Errorf("open tasks of a leaving member: %w", err)
	}
	for _, task := range tasks {
		// work nobody is doing any more is open for the team again
		task.Set("assignee", "")
		task.Set("status", StatusOpen)
		if err := app.Save(task); err != nil {
			return fmt.Errorf("returning task %s to the team: %w", task.Id, err)
		}
		if err := recordEvent(app, task.Id, "", "returned_to_team", map[string]any{"user": userId}); err != nil {
			return err
		}
	}

	offers := dbx.And(
		dbx.NewExp("task IN (SELECT id FROM tasks WHERE team = {:team})", dbx.Params{"team": teamId}),
		dbx.Or(dbx.HashExp{"to_user": userId}, dbx.HashExp{"from_user": userId}),
	)
	return cancelPendingTransfers(app, offers, "", ReasonMemberLeft)
}
