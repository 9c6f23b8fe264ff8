package tasks

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"buurtplein/hooks"
	"buurtplein/plugins/notify"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// maxChecklistItems bounds a task's checklist.
const maxChecklistItems = 50

// checklistItem is one line of a task's checklist.
type checklistItem struct {
	Text string `json:"text"`
	Done bool   `json:"done"`
}

func (p *plugin) bindTaskHooks() {
	p.app.OnRecordValidate(TasksCollection).BindFunc(validateTask)

	p.app.OnRecordCreateRequest(TasksCollection).BindFunc(func(e *core.RecordRequestEvent) error {
		markServerFields(e.Record, nil)
		return p.requestWrite(e)
	})
	p.app.OnRecordCreate(TasksCollection).BindFunc(func(e *core.RecordEvent) error {
		return p.inWrite(e, func(txApp core.App, req *core.RecordRequestEvent, write func() error) error {
			if err := write(); err != nil {
				return err
			}
			return taskCreated(txApp, e.Record, actorOf(req.RequestEvent))
		})
	})

	p.app.OnRecordUpdateRequest(TasksCollection).BindFunc(func(e *core.RecordRequestEvent) error {
		markServerFields(e.Record, e.Record.Original())
		return p.requestWrite(e)
	})
	p.app.OnRecordUpdate(TasksCollection).BindFunc(func(e *core.RecordEvent) error {
		old := e.Record.Original()
		return p.inWrite(e, func(txApp core.App, req *core.RecordRequestEvent, write func() error) error {
			if err := write(); err != nil {
				return err
			}
			return taskChanged(txApp, old, e.Record, actorOf(req.RequestEvent))
		})
	})

	// NB! the delete rule lets a task's creator delete it without asking
	// for the team: someone who left the team, or whose task another team
	// took over, may no longer see or change it
	p.app.OnRecordDeleteRequest(TasksCollection).BindFunc(func(e *core.RecordRequestEvent) error {
		actor := actorOf(e.RequestEvent)
		if actor == "" {
			return e.Next() // a superuser
		}
		member, err := hooks.IsMember(e.App, actor, e.Record.GetString("team"))
		if err != nil {
			return err
		}
		if !member {
			return hooks.Err(http.StatusNotFound, "tasks_not_found", nil,
				"Deze taak bestaat niet (meer), of hij hoort bij een team waar je geen lid van bent.")
		}
		return e.Next()
	})
}

// bindTaskDeleteHooks takes back the notifications about a task that is
// deleted (on any path: the record API, the dashboard, a team deleted with
// its tasks), with the deletion: they would point at nothing.
func (p *plugin) bindTaskDeleteHooks() {
	p.app.OnRecordDelete(TasksCollection).BindFunc(func(e *core.RecordEvent) error {
		return e.App.RunInTransaction(func(txApp core.App) error {
			e.App = txApp
			if err := e.Next(); err != nil {
				return err
			}
			return notify.Withdraw(txApp, dbx.HashExp{"subject": e.Record.Id, "subject_collection": TasksCollection})
		})
	})
}

// validateTask fills defaults and holds the rules every save of a task
// must meet, whoever makes it.
func validateTask(e *core.RecordEvent) error {
	task := e.Record
	if task.GetString("status") == "" {
		task.Set("status", StatusOpen)
	}
	if task.GetString("priority") == "" {
		task.Set("priority", "normal")
	}
	// the board's index keeps a team's active tasks together (see the
	// migration tasks_active); a client cannot set it otherwise
	task.Set("active", isActive(task.GetString("status")))
	if !task.IsNew() && task.Original().GetString("due") != task.GetString("due") {
		rearmOverdue(task)
	}

	if assignee := task.GetString("assignee"); assignee != "" {
		member, err := hooks.IsMember(e.App, assignee, task.GetString("team"))
		if err != nil {
			return err
		}
		if !member {
			return hooks.FieldError("assignee", "not_member", "Wie de taak uitvoert moet lid zijn van het team van de taak.")
		}
	}

	if task.GetString("repeat") == "weeks" && task.GetInt("repeat_weeks") < 1 {
		return hooks.FieldError("repeat_weeks", "required", "Kies om de hoeveel weken de taak terugkomt (1 tot 52).",
			hooks.Params{"min": 1, "max": 52})
	}

	if err := validateChecklist(task); err != nil {
		return err
	}
	return e.Next()
}

// rearmOverdue lets the overdue check notify a task again after its due
// date moved, but only to a date still to come: a date that may be missed
// again. Moving a task that is over time to another date in the past (or to
// none) is no news, and re-dating old tasks over and over must not refill
// the overdue queue.
func rearmOverdue(task *core.Record) {
	due := task.GetDateTime("due")
	if !due.IsZero() && due.Time().After(time.Now()) {
		task.Set("overdue_notified", "")
	}
}

func validateChecklist(task *core.Record) error {
	raw, _ := task.GetRaw("checklist").(types.JSONRaw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var items []checklistItem
	if err := json.Unmarshal(raw, &items); err != nil {
		return hooks.FieldError("checklist", "invalid", `De checklist moet een lijst zijn van punten met "text" en "done".`)
	}
	if len(items) > maxChecklistItems {
		return hooks.FieldError("checklist", "too_long", fmt.Sprintf("Een checklist heeft ten hoogste %d punten.", maxChecklistItems),
			hooks.Params{"max": maxChecklistItems})
	}
	for _, item := range items {
		if item.Text == "" || len([]rune(item.Text)) > 200 {
			return hooks.FieldError("checklist", "item_text", "Elk punt van de checklist heeft een tekst van 1 tot 200 tekens.",
				hooks.Params{"max": 200})
		}
	}
	return nil
}

// markServerFields keeps completed_at in step with the status, and keeps
// it, the overdue mark and the plan out of the client's hands: a member
// cannot backdate a completion, silence an overdue notice or tie a task to
// a client's plan. old is nil for a new
// task.
func markServerFields(task, old *core.Record) {
	status := task.GetString("status")
	switch {
	case status != StatusDone:
		task.Set("completed_at", "")
	case old == nil || old.GetString("status") != StatusDone:
		task.Set("completed_at", types.NowDateTime())
	default:
		task.Set("completed_at", old.Get("completed_at"))
	}

	// a task is a plan's only when the plan made it (plugins/regie): an
	// erasure of the plan's client takes it along
	for _, field := range []string{"overdue_notified", "plan"} {
		if old == nil {
			task.Set(field, "")
		} else {
			task.Set(field, old.Get(field))
		}
	}
}

// taskCreated writes the history and notification of a new task.
func taskCreated(app core.App, task *core.Record, actor string) error {
	if err := recordEvent(app, task.Id, actor, "created", nil); err != nil {
		return err
	}
	if assignee := task.GetString("assignee"); assignee != "" {
		if err := recordEvent(app, task.Id, actor, "assigned", map[string]any{"to": assignee}); err != nil {
			return err
		}
		return notifyAssigned(app, task, actor)
	}
	return nil
}

// taskChanged writes the history of an update and what follows from it:
// a notification for a new assignee, the end of a pending offer for a task
// that is finished, and the next occurrence of a recurring task.
func taskChanged(app core.App, old, task *core.Record, actor string) error {
	if err := recordChanges(app, old, task, actor); err != nil {
		return err
	}

	if task.GetString("assignee") != old.GetString("assignee") {
		if err := notifyAssigned(app, task, actor); err != nil {
			return err
		}
		if err := notifyHandedOver(app, old, task, actor); err != nil {
			return err
		}
	}

	status := task.GetString("status")
	if status == old.GetString("status") || (status != StatusDone && status != StatusCancelled) {
		return nil
	}
	if err := cancelPendingTransfers(app, dbx.HashExp{"task": task.Id}, actor, ReasonTaskClosed); err != nil {
		return err
	}
	if status == StatusDone {
		return recur(app, task, actor)
	}
	return nil
}

// isActive reports whether a task with status still needs doing: open or in
// progress.
func isActive(status string) bool {
	return status == StatusOpen || status == StatusInProgress
}
