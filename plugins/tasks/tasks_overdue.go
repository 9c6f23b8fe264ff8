package tasks

import (
	"fmt"

	"buurtplein/hooks"
	"buurtplein/plugins/notify"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// overduePage is how many tasks the overdue check loads at a time;
// overdueMaxPerRun bounds one run (the next run takes the rest).
const (
	overduePage      = 500
	overdueMaxPerRun = 20000
)

// overdueQueue picks the next page of overdue tasks nobody was told about,
// fairly over the teams: each team's oldest first, then each team's second
// oldest, and so on. One team's thousands of old tasks cannot keep another
// team's from being noticed.
const overdueQueue = `SELECT id FROM (
	SELECT id, due, ROW_NUMBER() OVER (PARTITION BY team ORDER BY due, id) AS turn
	FROM tasks
	WHERE due != '' AND due < {:now} AND status IN ('open', 'in_progress') AND overdue_notified = ''
) ORDER BY turn, due, id LIMIT {:limit}`

// NotifyOverdue notifies the assignee of every open task past its due date
// (the team's coordinators, for a task without an assignee), once per task,
// and returns how many tasks it handled. It works through the whole queue,
// a page at a time, up to overdueMaxPerRun tasks.
func NotifyOverdue(app core.App) (int, error) {
	now := types.NowDateTime()
	handled := 0
	for handled < overdueMaxPerRun {
		var ids []string
		err := app.DB().NewQuery(overdueQueue).
			Bind(dbx.Params{"now": now.String(), "limit": min(overduePage, overdueMaxPerRun-handled)}).
			Column(&ids)
		if err != nil {
			return handled, fmt.Errorf("finding overdue tasks: %w", err)
		}
		for _, id := range ids {
			if err := notifyOverdueTask(app, id, now); err != nil {
				return handled, fmt.Errorf("notifying overdue task %s: %w", id, err)
			}
			handled++
		}
		if len(ids) < overduePage {
			break
		}
	}
	return handled, nil
}

// notifyOverdueTask tells who has the task (or the team's coordinators)
// that it is over time, and marks it told.
func notifyOverdueTask(app core.App, id string, now types.DateTime) error {
	return app.RunInTransaction(func(txApp core.App) error {
		task, err := txApp.FindRecordById(TasksCollection, id)
		if err != nil {
			return err
		}
		receivers := []string{task.GetString("assignee")}
		if receivers[0] == "" {
			if receivers, err = coordinatorIds(txApp, task.GetString("team")); err != nil {
				return err
			}
		}
		title := task.GetString("title")
		for _, r := range receivers {
			if err := notify.Notify(txApp, notify.Notification{
				User:    r,
				Kind:    notify.KindTaskOverdue,
				Subject: notify.Subject{Collection: TasksCollection, Id: task.Id},
				Params:  map[string]any{"title": title},
			}); err != nil {
				return err
			}
		}
		task.Set("overdue_notified", now)
		// NB! the mark is the server's own: a task that no longer meets
		// the rules of a save (an old checklist, say) must not stay in
		// the queue for ever and hold up every run
		return txApp.SaveNoValidate(task)
	})
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
