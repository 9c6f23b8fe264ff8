package regie

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"buurtplein/hooks"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"
)

// The bounds of a plan's agreed actions.
const (
	maxActions    = 30
	maxActionText = 200
)

// tasksCollection is the tasks plugin's collection: a plan's actions
// become tasks of the team.
const tasksCollection = "tasks"

// Action is an agreed action of a plan: who does what by when, and the
// task of the team it became.
type Action struct {
	Id       string `json:"id"`
	Text     string `json:"text"`
	Assignee string `json:"assignee"`
	Due      string `json:"due"`
	Task     string `json:"task"`
}

// planActors holds the employee behind a request saving a plan, for the
// model hook that makes the plan's tasks in the plan's transaction (a plan
// saved by Go code makes them in its author's name).
var planActors sync.Map

func (p *plugin) bindPlans() {
	mark := func(e *core.RecordRequestEvent) error {
		planActors.Store(e.Record, userOf(e.RequestEvent))
		defer planActors.Delete(e.Record)
		return e.Next()
	}
	p.app.OnRecordCreateRequest(PlansCollection).BindFunc(mark)
	p.app.OnRecordUpdateRequest(PlansCollection).BindFunc(mark)

	save := func(e *core.RecordEvent) error {
		return inTransaction(e, func(txApp core.App) error {
			if err := makeActionTasks(txApp, e.Record); err != nil {
				return err
			}
			return e.Next()
		})
	}
	p.app.OnRecordCreate(PlansCollection).BindFunc(save)
	p.app.OnRecordUpdate(PlansCollection).BindFunc(save)

	p.app.OnRecordValidate(PlansCollection).BindFunc(func(e *core.RecordEvent) error {
		regisseur := e.Record.GetString("regisseur")
		member, err := hooks.IsMember(e.App, regisseur, e.Record.GetString("team"))
		if err != nil {
			return err
		}
		if regisseur != "" && !member {
			return hooks.Err(http.StatusBadRequest, "regie_regisseur_not_member", nil,
				"De regisseur van een plan is lid van het team van de cliënt.")
		}
		return e.Next()
	})
}

// makeActionTasks checks the agreed actions of plan and makes each one
// without a task a task of the team, setting its task: the caller saves
// the plan in the same transaction.
func makeActionTasks(app core.App, plan *core.Record) error {
	if plan.Id == "" {
		plan.Id = core.GenerateDefaultRandomId()
	}
	if err := setTeamOfClient(app, plan); err != nil {
		return err
	}
	actions, err := readActions(plan)
	if err != nil {
		return err
	}
	var known []string
	if !plan.IsNew() {
		old, _ := readActions(plan.Original())
		for _, a := range old {
			known = append(known, a.Task)
		}
	}
	actor := plan.GetString("author")
	if v, ok := planActors.Load(plan); ok {
		actor = v.(string)
	}
	for i := range actions {
		a := &actions[i]
		if err := checkAction(app, plan.GetString("team"), a, known); err != nil {
			return err
		}
		if a.Id == "" {
			a.Id = security.RandomString(10)
		}
		if a.Task == "" {
			if a.Task, err = makeTask(app, plan, a, actor); err != nil {
				return err
			}
		}
	}
	plan.Set("actions", actions)
	return nil
}

// readActions reads a plan's actions: a list of at most maxActions.
func readActions(plan *core.Record) ([]Action, error) {
	actions := []Action{}
	if raw := rawJSON(plan.GetRaw("actions")); len(raw) > 0 && string(raw) != "null" {
		if err := json.Unmarshal(raw, &actions); err != nil {
			return nil, hooks.Err(http.StatusBadRequest, "regie_plan_actions_invalid", nil,
				`De afspraken zijn een lijst van acties met "text", "assignee" en "due".`)
		}
	}
	if len(actions) > maxActions {
		return nil, hooks.Err(http.StatusBadRequest, "regie_plan_actions_too_many", hooks.Params{"max": maxActions},
			fmt.Sprintf("Een plan heeft ten hoogste %d afspraken.", maxActions))
	}
	return actions, nil
}

// checkAction holds an agreed action to its shape: a text, an assignee of
// the team or none, a date or none, and a task only the server set.
func checkAction(app core.App, team string, a *Action, known []string) error {
	if n := len([]rune(a.Text)); n < 1 || n > maxActionText {
		return hooks.Err(http.StatusBadRequest, "regie_plan_action_text", hooks.Params{"max": maxActionText},
			fmt.Sprintf("Elke afspraak heeft een tekst van 1 tot %d tekens.", maxActionText))
	}
	if a.Assignee != "" {
		member, err := hooks.IsMember(app, a.Assignee, team)
		if err != nil {
			return err
		}
		if !member {
			return hooks.Err(http.StatusBadRequest, "regie_plan_action_assignee", nil,
				"Wie een afspraak uitvoert is lid van het team van de cliënt.")
		}
	}
	if a.Due != "" {
		if _, err := time.Parse(time.DateOnly, a.Due); err != nil {
			return hooks.Err(http.StatusBadRequest, "regie_plan_action_due", nil,
				"De datum van een afspraak is een datum (JJJJ-MM-DD) of leeg.")
		}
	}
	if a.Task != "" && !slices.Contains(known, a.Task) {
		return hooks.Err(http.StatusBadRequest, "regie_plan_action_task", nil,
			"De taak van een afspraak maakt Buurtplein zelf; laat hem leeg.")
	}
	return nil
}

// makeTask makes agreed action a of plan a task of the plan's team and
// returns its id.
func makeTask(app core.App, plan *core.Record, a *Action, actor string) (string, error) {
	collection, err := app.FindCachedCollectionByNameOrId(tasksCollection)
	if err != nil {
		return "", err
	}
	task := core.NewRecord(collection)
	task.Set("team", plan.GetString("team"))
	task.Set("title", a.Text)
	task.Set("assignee", a.Assignee)
	task.Set("created_by", actor)
	task.Set("plan", plan.Id)
	task.Set("status", "open")
	if a.Due != "" {
		// due at the end of that working day, in Amsterdam
		day, _ := time.ParseInLocation(time.DateOnly, a.Due, localTime)
		task.Set("due", day.Add(17*time.Hour).UTC())
	}
	if err := app.Save(task); err != nil {
		return "", fmt.Errorf("the task of an action of plan %s: %w", plan.Id, err)
	}
	return task.Id, nil
}
