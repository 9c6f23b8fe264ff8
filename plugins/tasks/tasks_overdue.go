package tasks

import (
	"fmt"

	"buurtplein/hooks"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// overdueBatch bounds the tasks one overdue check handles; the next run
// takes the rest.
const overdueBatch = 500

// NotifyOverdue notifies the assignee of every open task past its due date
// (the team's coordinators, for a task without an assignee), once per task,
// and returns how many tasks it handled.
func NotifyOverdue(app core.App) (int, error) {
	now := types.NowDateTime()
	tasks, err := app.FindRecordsByFilter(TasksCollection,
		`due != "" && due < {:now} && (status = "open" || status = "in_progress") && overdue_notified = ""`,
		"due", overdueBatch, 0, dbx.Params{"now": now.String()})
	if err != nil {
		return 0, fmt.Errorf("finding overdue tasks: %w", err)
	}

	for _, task := range tasks {
		err := app.RunInTransaction(func(txApp core.App) error {
			receivers := []string{task.GetString("assignee")}
			if receivers[0] == "" {
				var err error
				if receivers, err = coordinatorIds(txApp, task.GetString("team")); err != nil {
					return err
				}
			}
			for _, r := range receivers {
				if err := hooks.Notify(txApp, r, "task_overdue",
					fmt.Sprintf("Taak over tijd: %s", task.GetString("title")), "#/tasks/"+task.Id); err != nil {
					return err
				}
			}
			task.Set("overdue_notified", now)
			return txApp.Save(task)
		})
		if err != nil {
			return 0, fmt.Errorf("notifying overdue task %s: %w", task.Id, err)
		}
	}
	return len(tasks), nil
}

func coordinatorIds(app core.App, teamId string) ([]string, error) {
	ids := []string{}
	err := app.DB().Select("user").From(hooks.MembershipsCollection).
		Where(dbx.HashExp{"team": teamId, "role": hooks.RoleCoordinator}).Column(&ids)
	if err != nil {
		return nil, fmt.Errorf("coordinators of %s: %w", teamId, err)
	}
	return ids, nil
}
