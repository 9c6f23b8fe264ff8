package tasks

import (
	"fmt"
	"slices"

	"github.com/pocketbase/pocketbase/core"
)

// editableFields are the task fields whose change the history records as
// "edited"; status and assignee have their own event kinds.
var editableFields = []string{"title", "description", "due", "priority", "checklist", "repeat", "repeat_weeks"}

// The reasons a history line gives (details.reason of handover_cancelled)
// are codes, which the PWA words in the reader's language
// (task.events.reasons.<code>); details hold codes, ids and field names,
// never prose.
const (
	// ReasonTaskClosed: the task was done or cancelled while offered.
	ReasonTaskClosed = "task_closed"
	// ReasonMemberLeft: the sender or receiver left the task's team.
	ReasonMemberLeft = "member_left"
)

// recordEvent adds a line to a task's history.
func recordEvent(app core.App, taskId, actor, kind string, details map[string]any) error {
	collection, err := app.FindCachedCollectionByNameOrId(EventsCollection)
	if err != nil {
		return fmt.Errorf("task history: %w", err)
	}
	event := core.NewRecord(collection)
	event.Set("task", taskId)
	event.Set("actor", actor)
	event.Set("kind", kind)
	if details != nil {
		event.Set("details", details)
	}
	if err := app.Save(event); err != nil {
		return fmt.Errorf("task history %s of %s: %w", kind, taskId, err)
	}
	return nil
}

// recordChanges adds the history lines for what changed between the old
// and the new state of a task.
func recordChanges(app core.App, old, task *core.Record, actor string) error {
	if old.GetString("assignee") != task.GetString("assignee") {
		kind := "assigned"
		if task.GetString("assignee") == "" {
			kind = "unassigned"
		}
		if err := recordEvent(app, task.Id, actor, kind, map[string]any{
			"from": old.GetString("assignee"), "to": task.GetString("assignee"),
		}); err != nil {
			return err
		}
	}

	if old.GetString("status") != task.GetString("status") {
		if err := recordEvent(app, task.Id, actor, "status_changed", map[string]any{
			"from": old.GetString("status"), "to": task.GetString("status"),
		}); err != nil {
			return err
		}
	}

	var edited []string
	for _, field := range editableFields {
		if fmt.Sprint(old.Get(field)) != fmt.Sprint(task.Get(field)) {
			edited = append(edited, field)
		}
	}
	if len(edited) > 0 {
		return recordEvent(app, task.Id, actor, "edited", map[string]any{"fields": slices.Clip(edited)})
	}
	return nil
}
