package regie_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"buurtplein/internal/testapp"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// planActions reads the actions of a plan.
func planActions(t testing.TB, plan *core.Record) []map[string]string {
	t.Helper()
	var actions []map[string]string
	if err := json.Unmarshal([]byte(plan.GetString("actions")), &actions); err != nil {
		t.Fatal(err)
	}
	return actions
}

// planTasks returns the tasks made from a plan's actions, by title.
func planTasks(t testing.TB, app core.App, plan string) map[string]*core.Record {
	t.Helper()
	tasks, err := app.FindAllRecords("tasks", dbx.HashExp{"plan": plan})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*core.Record{}
	for _, task := range tasks {
		out[task.GetString("title")] = task
	}
	return out
}

// TestPlanActions checks that each agreed action of a plan becomes a task
// of the team in the plan's transaction, once, and the rules of an action.
func TestPlanActions(t *testing.T) {
	t.Parallel()
	f := newCaseFixture(t)
	hn1 := f.client["HN-0001"]
	plan := casePlan(t, f) // HN-0003's, two actions with their tasks
	planBody := func(actions string) *strings.Reader {
		return caseBody(`{"client":"` + hn1 + `","goals":"Thuis blijven wonen","regisseur":"` + f.anna + `","actions":` + actions + `}`)
	}
	refused := func(name, actions, code string) tests.ApiScenario {
		return caseUnchanged(tests.ApiScenario{
			Name:            name,
			Method:          http.MethodPost,
			URL:             "/api/collections/plans/records",
			Headers:         caseAuth(f.bramT),
			Body:            planBody(actions),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"` + code + `"`},
		})
	}
	many := strings.TrimSuffix(strings.Repeat(`{"text":"Bellen"},`, 31), ",")

	runCases(t, []tests.ApiScenario{
		{
			Name:            "a plan's actions become tasks of the team",
			Method:          http.MethodPost,
			URL:             "/api/collections/plans/records",
			Headers:         caseAuth(f.bramT),
			Body:            planBody(`[{"text":"Thuiszorg aanvragen","assignee":"` + f.dirk + `","due":"2026-12-10"},{"text":"Dochter bellen","assignee":"","due":""}]`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"text":"Thuiszorg aanvragen"`, `"task":"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				p, err := app.FindFirstRecordByData("plans", "client", hn1)
				if err != nil {
					t.Fatal(err)
				}
				tasks := planTasks(t, app, p.Id)
				if len(tasks) != 2 {
					t.Fatalf("%d tasks, want 2", len(tasks))
				}
				thuiszorg := tasks["Thuiszorg aanvragen"]
				if thuiszorg == nil || thuiszorg.GetString("assignee") != f.dirk || thuiszorg.GetString("team") != f.haarlem ||
					thuiszorg.GetString("created_by") != f.bram || !strings.HasPrefix(thuiszorg.GetString("due"), "2026-12-10") {
					t.Errorf("task %v", thuiszorg)
				}
				for _, a := range planActions(t, p) {
					if task := tasks[a["text"]]; task == nil || a["task"] != task.Id || a["id"] == "" {
						t.Errorf("action %v has not its task", a)
					}
				}
			},
		},
		{
			Name:            "an update that keeps the actions adds none",
			Method:          http.MethodPatch,
			URL:             "/api/collections/plans/records/" + plan,
			Headers:         caseAuth(f.annaT),
			Body:            caseBody(`{"goals":"Nieuwe doelen"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"goals":"Nieuwe doelen"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				if n := len(planTasks(t, app, plan)); n != 2 {
					t.Errorf("%d tasks, want 2", n)
				}
			},
		},
		refused("an action for someone outside the team", `[{"text":"Bellen","assignee":"`+f.carla+`"}]`, "regie_plan_action_assignee"),
		refused("an action with a task of its own", `[{"text":"Bellen","task":"`+f.haarlem+`"}]`, "regie_plan_action_task"),
		refused("an action without text", `[{"text":""}]`, "regie_plan_action_text"),
		refused("an action of 201 characters", `[{"text":"`+strings.Repeat("x", 201)+`"}]`, "regie_plan_action_text"),
		refused("an action with a date that is no date", `[{"text":"Bellen","due":"morgen"}]`, "regie_plan_action_due"),
		refused("31 actions", `[`+many+`]`, "regie_plan_actions_too_many"),
		refused("actions that are no list", `{"text":"Bellen"}`, "regie_plan_actions_invalid"),
	})
}

// TestPlanUpdateAddsOneTask checks that an update adding an action to a
// plan whose actions have tasks adds exactly one task.
func TestPlanUpdateAddsOneTask(t *testing.T) {
	t.Parallel()
	f := newCaseFixture(t)
	app := testapp.New(t)
	planId := casePlan(t, f)
	plan := caseRecord(t, app, "plans", planId)
	actions := planActions(t, plan)
	if len(actions) != 2 {
		t.Fatalf("the demo plan has %d actions", len(actions))
	}
	list := []any{}
	for _, a := range actions {
		list = append(list, a)
	}
	list = append(list, map[string]string{"text": "Evaluatie plannen", "assignee": f.bram})
	b, _ := json.Marshal(map[string]any{"actions": list})

	runCases(t, []tests.ApiScenario{{
		Name:            "an update that adds an action adds one task",
		Method:          http.MethodPatch,
		URL:             "/api/collections/plans/records/" + planId,
		Headers:         caseAuth(f.annaT),
		Body:            strings.NewReader(string(b)),
		ExpectedStatus:  200,
		ExpectedContent: []string{`"text":"Evaluatie plannen"`},
		AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
			tasks := planTasks(t, app, planId)
			if len(tasks) != 3 || tasks["Evaluatie plannen"] == nil {
				t.Fatalf("%d tasks, want the two and Evaluatie plannen", len(tasks))
			}
			if task := tasks["Evaluatie plannen"]; task.GetString("created_by") != f.anna || task.GetString("assignee") != f.bram {
				t.Errorf("task by %s for %s", task.GetString("created_by"), task.GetString("assignee"))
			}
		},
	}})
}

// TestPlanTasksNotSearchable checks that the tasks of a plan stay out of
// the search index: they are about a client.
func TestPlanTasksNotSearchable(t *testing.T) {
	t.Parallel()
	f := newCaseFixture(t)
	runCases(t, []tests.ApiScenario{
		{
			Name:               "a plan's task is not found",
			Method:             http.MethodGet,
			URL:                "/api/buurtplein/search?q=boodschappendienst",
			Headers:            caseAuth(f.bramT),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"groups":[]`},
			NotExpectedContent: []string{"Boodschappendienst", "boodschappendienst</"},
		},
		{
			Name:            "while the team's other tasks are",
			Method:          http.MethodGet,
			URL:             "/api/buurtplein/search?q=medicatierol",
			Headers:         caseAuth(f.bramT),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"title":"Medicatierol bestellen"`},
			// HN-0003's action "Medicatierol afstemmen met de apotheek" is a task too
			NotExpectedContent: []string{"afstemmen"},
		},
	})
}
