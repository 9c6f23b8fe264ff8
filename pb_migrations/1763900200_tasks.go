package migrations

import (
	"buurtplein/hooks"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

func init() {
	m.Register(func(app core.App) error {
		tasks, err := createTasks(app)
		if err != nil {
			return err
		}
		if err := createTaskTransfers(app, tasks); err != nil {
			return err
		}
		if err := createTaskEvents(app, tasks); err != nil {
			return err
		}
		return createNotifications(app)
	}, func(app core.App) error {
		return deleteCollections(app, "notifications", "task_events", "task_transfers", "tasks")
	})
}

func createTasks(app core.App) (*core.Collection, error) {
	teams, err := app.FindCollectionByNameOrId(hooks.TeamsCollection)
	if err != nil {
		return nil, err
	}

	member := hooks.SignedIn + " && " + hooks.MemberOf("team")
	tasks := core.NewBaseCollection("tasks")
	tasks.ListRule = types.Pointer(member)
	tasks.ViewRule = types.Pointer(member)
	tasks.CreateRule = types.Pointer(member + " && created_by = @request.auth.id")
	// a task changes team only through an accepted handover
	tasks.UpdateRule = types.Pointer(member + " && @request.body.team:changed = false && @request.body.created_by:changed = false")
	tasks.DeleteRule = types.Pointer(hooks.SignedIn + " && (created_by = @request.auth.id || " + hooks.CoordinatorOf("team") + ")")

	tasks.Fields.Add(
		&core.RelationField{Name: "team", Required: true, MaxSelect: 1, CollectionId: teams.Id, CascadeDelete: true},
		&core.TextField{Name: "title", Required: true, Max: 200, Presentable: true},
		&core.TextField{Name: "description", Max: 5000},
		&core.SelectField{Name: "status", Required: true, MaxSelect: 1, Values: []string{"open", "in_progress", "done", "cancelled"}},
		&core.RelationField{Name: "assignee", MaxSelect: 1, CollectionId: "_pb_users_auth_"},
		&core.DateField{Name: "due"},
		&core.SelectField{Name: "priority", MaxSelect: 1, Values: []string{"low", "normal", "high"}},
		&core.JSONField{Name: "checklist", MaxSize: 20000},
		&core.SelectField{Name: "repeat", MaxSelect: 1, Values: []string{"daily", "weekly", "weeks"}},
		&core.NumberField{Name: "repeat_weeks", OnlyInt: true, Min: types.Pointer(0.0), Max: types.Pointer(52.0)},
		&core.RelationField{Name: "created_by", Required: true, MaxSelect: 1, CollectionId: "_pb_users_auth_"},
		&core.DateField{Name: "completed_at"},
		&core.DateField{Name: "overdue_notified"},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	tasks.AddIndex("idx_tasks_team_status_due", false, "team, status, due", "")
	// the board: a team's open and in-progress tasks by due date, one page
	// at a time. PocketBase binds filter values as parameters, so a partial
	// index on the status cannot serve it; this one walks the team's tasks in
	// due order, skips finished ones in the index and stops at the page end
	// (docs/BENCHMARKS.md, "Tasks")
	tasks.AddIndex("idx_tasks_team_due_status", false, "team, due, status", "")
	tasks.AddIndex("idx_tasks_assignee_status_due", false, "assignee, status, due", "")
	// the overdue check; a partial index on status would go unused, since
	// PocketBase binds filter values as parameters
	tasks.AddIndex("idx_tasks_status_overdue_due", false, "status, overdue_notified, due", "")

	return tasks, app.Save(tasks)
}

func createTaskTransfers(app core.App, tasks *core.Collection) error {
	teams, err := app.FindCollectionByNameOrId(hooks.TeamsCollection)
	if err != nil {
		return err
	}

	// the task's team, the sender (also once a team took the task over), the
	// colleague offered the task and every member of the team offered it see
	// the offer
	involved := hooks.SignedIn + " && (" + hooks.MemberOf("task.team") +
		" || from_user = @request.auth.id || to_user = @request.auth.id || " + hooks.MemberOf("to_team") + ")"
	transfers := core.NewBaseCollection("task_transfers")
	transfers.ListRule = types.Pointer(involved)
	transfers.ViewRule = types.Pointer(involved)
	transfers.CreateRule = types.Pointer(hooks.SignedIn + " && " + hooks.MemberOf("task.team") + ` && from_user = @request.auth.id && (status = "" || status = "pending")`)
	// who may make which transition is checked in a hook; the parties of an
	// offer never change
	transfers.UpdateRule = types.Pointer(involved +
		" && @request.body.task:changed = false && @request.body.from_user:changed = false" +
		" && @request.body.to_user:changed = false && @request.body.to_team:changed = false")

	transfers.Fields.Add(
		&core.RelationField{Name: "task", Required: true, MaxSelect: 1, CollectionId: tasks.Id, CascadeDelete: true},
		&core.RelationField{Name: "from_user", Required: true, MaxSelect: 1, CollectionId: "_pb_users_auth_", CascadeDelete: true},
		&core.RelationField{Name: "to_user", MaxSelect: 1, CollectionId: "_pb_users_auth_", CascadeDelete: true},
		&core.RelationField{Name: "to_team", MaxSelect: 1, CollectionId: teams.Id, CascadeDelete: true},
		&core.SelectField{Name: "status", Required: true, MaxSelect: 1, Values: []string{"pending", "accepted", "declined", "cancelled"}},
		&core.TextField{Name: "note", Max: 2000},
		// what the receiver needs to decide, copied from the task: a team
		// offered a task cannot read the task itself before accepting
		&core.TextField{Name: "task_title", Max: 200},
		&core.DateField{Name: "task_due"},
		&core.RelationField{Name: "responded_by", MaxSelect: 1, CollectionId: "_pb_users_auth_"},
		&core.DateField{Name: "responded_at"},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	// one pending offer per task, held by the database itself
	transfers.AddIndex("idx_task_transfers_pending", true, "task", "status = 'pending'")
	transfers.AddIndex("idx_task_transfers_task", false, "task", "")
	transfers.AddIndex("idx_task_transfers_to_user", false, "to_user, status", "")
	transfers.AddIndex("idx_task_transfers_to_team", false, "to_team, status", "")
	transfers.AddIndex("idx_task_transfers_from_user", false, "from_user, status", "")

	return app.Save(transfers)
}

func createTaskEvents(app core.App, tasks *core.Collection) error {
	events := core.NewBaseCollection("task_events")
	member := hooks.SignedIn + " && " + hooks.MemberOf("task.team")
	events.ListRule = types.Pointer(member)
	events.ViewRule = types.Pointer(member)
	// written by the server only: the history cannot be edited

	events.Fields.Add(
		&core.RelationField{Name: "task", Required: true, MaxSelect: 1, CollectionId: tasks.Id, CascadeDelete: true},
		&core.RelationField{Name: "actor", MaxSelect: 1, CollectionId: "_pb_users_auth_"},
		&core.SelectField{Name: "kind", Required: true, MaxSelect: 1, Values: []string{
			"created", "assigned", "unassigned", "status_changed", "edited",
			"handover_offered", "handover_accepted", "handover_declined", "handover_cancelled",
			"returned_to_team", "recurred",
		}},
		&core.JSONField{Name: "details", MaxSize: 20000},
		&core.AutodateField{Name: "created", OnCreate: true},
	)
	events.AddIndex("idx_task_events_task_created", false, "task, created", "")

	return app.Save(events)
}

func createNotifications(app core.App) error {
	notifications := core.NewBaseCollection(hooks.NotificationsCollection)
	own := hooks.SignedIn + " && user = @request.auth.id"
	notifications.ListRule = types.Pointer(own)
	notifications.ViewRule = types.Pointer(own)
	// the reader only marks a notification read
	notifications.UpdateRule = types.Pointer(own +
		" && @request.body.user:changed = false && @request.body.kind:changed = false" +
		" && @request.body.title:changed = false && @request.body.link:changed = false")
	notifications.DeleteRule = types.Pointer(own)

	notifications.Fields.Add(
		&core.RelationField{Name: "user", Required: true, MaxSelect: 1, CollectionId: "_pb_users_auth_", CascadeDelete: true},
		&core.TextField{Name: "kind", Required: true, Max: 50},
		&core.TextField{Name: "title", Required: true, Max: 300},
		&core.TextField{Name: "link", Max: 500},
		&core.BoolField{Name: "read"},
		&core.AutodateField{Name: "created", OnCreate: true},
	)
	notifications.AddIndex("idx_notifications_user_read_created", false, "user, read, created", "")

	return app.Save(notifications)
}
