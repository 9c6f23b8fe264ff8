package tasks_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/tasks"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/types"
)

// dirkDemoNotification is the notification the demo gives dirk.
var dirkDemoNotification = assignedNote(sleutel)

// createdTask returns the task with title, failing when there is not
// exactly one.
func createdTask(t testing.TB, app core.App, title string) *core.Record {
	t.Helper()
	found, err := app.FindAllRecords("tasks", dbx.HashExp{"title": title})
	if err != nil || len(found) != 1 {
		t.Fatalf("tasks titled %q: %d, %v; want 1", title, len(found), err)
	}
	return found[0]
}

// checklistOf returns a task's checklist.
func checklistOf(t testing.TB, task *core.Record) []map[string]any {
	t.Helper()
	var items []map[string]any
	raw, _ := task.GetRaw("checklist").(types.JSONRaw)
	if err := json.Unmarshal(raw, &items); err != nil {
		t.Fatalf("checklist of %s: %v (%s)", task.Id, err, raw)
	}
	return items
}

func TestTaskCreate(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	newTask := func(fields map[string]any) *strings.Reader {
		b, _ := json.Marshal(fields)
		return strings.NewReader(string(b))
	}

	run(t, []tests.ApiScenario{
		{
			Name:            "carla adds a task in Schalkwijk for dirk",
			Method:          http.MethodPost,
			URL:             "/api/collections/tasks/records",
			Headers:         auth(f.carlaT),
			Body:            newTask(map[string]any{"team": f.schalkwijk, "title": "Rolstoel ophalen", "created_by": f.carla, "assignee": f.dirk}),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"status":"open"`, `"priority":"normal"`, `"assignee":"` + f.dirk + `"`, `"completed_at":""`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				task := createdTask(t, app, "Rolstoel ophalen")
				wantHistory(t, app, task.Id, "created by "+f.carla, "assigned by "+f.carla)
				wantNotifications(t, app, f.dirk, dirkDemoNotification, assignedNote("Rolstoel ophalen"))
				wantNotifications(t, app, f.carla)
			},
		},
		{
			Name:            "carla adds a task for herself: no notification",
			Method:          http.MethodPost,
			URL:             "/api/collections/tasks/records",
			Headers:         auth(f.carlaT),
			Body:            newTask(map[string]any{"team": f.schalkwijk, "title": "Zelf doen", "created_by": f.carla, "assignee": f.carla}),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"assignee":"` + f.carla + `"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				wantHistory(t, app, createdTask(t, app, "Zelf doen").Id, "created by "+f.carla, "assigned by "+f.carla)
				wantNotifications(t, app, f.carla)
			},
		},
		{
			Name:            "carla adds a task left open for the team, done at once",
			Method:          http.MethodPost,
			URL:             "/api/collections/tasks/records",
			Headers:         auth(f.carlaT),
			Body:            newTask(map[string]any{"team": f.schalkwijk, "title": "Al gedaan", "created_by": f.carla, "status": "done"}),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"status":"done"`, `"assignee":""`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				task := createdTask(t, app, "Al gedaan")
				if task.GetDateTime("completed_at").IsZero() {
					t.Error("a task created done has no completed_at")
				}
				wantHistory(t, app, task.Id, "created by "+f.carla)
			},
		},
		unchanged(tests.ApiScenario{
			Name:            "carla adds a task in Haarlem-Noord, a team she is not in",
			Method:          http.MethodPost,
			URL:             "/api/collections/tasks/records",
			Headers:         auth(f.carlaT),
			Body:            newTask(map[string]any{"team": f.haarlem, "title": "Indringer", "created_by": f.carla}),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"status":400`},
		}),
		unchanged(tests.ApiScenario{
			Name:            "carla adds a task in dirk's name",
			Method:          http.MethodPost,
			URL:             "/api/collections/tasks/records",
			Headers:         auth(f.carlaT),
			Body:            newTask(map[string]any{"team": f.schalkwijk, "title": "Namens Dirk", "created_by": f.dirk}),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"status":400`},
		}),
		unchanged(tests.ApiScenario{
			Name:            "bo (BOB) adds a task in Haarlem-Noord",
			Method:          http.MethodPost,
			URL:             "/api/collections/tasks/records",
			Headers:         auth(f.boT),
			Body:            newTask(map[string]any{"team": f.haarlem, "title": "Van BOB", "created_by": f.bo}),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"status":400`},
		}),
		unchanged(tests.ApiScenario{
			Name:            "anna adds a task for carla, who is not in Haarlem-Noord",
			Method:          http.MethodPost,
			URL:             "/api/collections/tasks/records",
			Headers:         auth(f.annaT),
			Body:            newTask(map[string]any{"team": f.haarlem, "title": "Voor Carla", "created_by": f.anna, "assignee": f.carla}),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"assignee":{"code":"validation_not_member"`, "Wie de taak uitvoert moet lid zijn van het team van de taak."},
		}),
		unchanged(tests.ApiScenario{
			Name:            "every few weeks without saying how many",
			Method:          http.MethodPost,
			URL:             "/api/collections/tasks/records",
			Headers:         auth(f.annaT),
			Body:            newTask(map[string]any{"team": f.haarlem, "title": "Soms", "created_by": f.anna, "repeat": "weeks"}),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"repeat_weeks":{"code":"validation_required"`, "Kies om de hoeveel weken de taak terugkomt"},
		}),
		unchanged(tests.ApiScenario{
			Name:            "every 0 weeks",
			Method:          http.MethodPost,
			URL:             "/api/collections/tasks/records",
			Headers:         auth(f.annaT),
			Body:            newTask(map[string]any{"team": f.haarlem, "title": "Soms", "created_by": f.anna, "repeat": "weeks", "repeat_weeks": 0}),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"repeat_weeks":{"code":"validation_required"`},
		}),
		{
			Name:            "every 3 weeks",
			Method:          http.MethodPost,
			URL:             "/api/collections/tasks/records",
			Headers:         auth(f.annaT),
			Body:            newTask(map[string]any{"team": f.haarlem, "title": "Soms", "created_by": f.anna, "repeat": "weeks", "repeat_weeks": 3}),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"repeat":"weeks"`, `"repeat_weeks":3`},
		},
		unchanged(tests.ApiScenario{
			Name:            "a checklist that is no list",
			Method:          http.MethodPost,
			URL:             "/api/collections/tasks/records",
			Headers:         auth(f.annaT),
			Body:            newTask(map[string]any{"team": f.haarlem, "title": "Lijst", "created_by": f.anna, "checklist": map[string]any{"text": "a"}}),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"checklist":{"code":"validation_invalid"`, "De checklist moet een lijst zijn"},
		}),
		unchanged(tests.ApiScenario{
			Name:            "a checklist of plain words",
			Method:          http.MethodPost,
			URL:             "/api/collections/tasks/records",
			Headers:         auth(f.annaT),
			Body:            newTask(map[string]any{"team": f.haarlem, "title": "Lijst", "created_by": f.anna, "checklist": []any{"bellen", "mailen"}}),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"checklist":{"code":"validation_invalid"`},
		}),
		unchanged(tests.ApiScenario{
			Name:            "a checklist item without text",
			Method:          http.MethodPost,
			URL:             "/api/collections/tasks/records",
			Headers:         auth(f.annaT),
			Body:            newTask(map[string]any{"team": f.haarlem, "title": "Lijst", "created_by": f.anna, "checklist": []any{map[string]any{"text": "bellen"}, map[string]any{"done": true}}}),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"checklist":{"code":"validation_item_text"`, "Elk punt van de checklist heeft een tekst van 1 tot 200 tekens."},
		}),
		unchanged(tests.ApiScenario{
			Name:    "a checklist of 51 items",
			Method:  http.MethodPost,
			URL:     "/api/collections/tasks/records",
			Headers: auth(f.annaT),
			Body: newTask(map[string]any{"team": f.haarlem, "title": "Lijst", "created_by": f.anna,
				"checklist": slices.Repeat([]any{map[string]any{"text": "punt", "done": false}}, 51)}),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"checklist":{"code":"validation_too_long"`, "Een checklist heeft ten hoogste 50 punten."},
		}),
		{
			Name:    "a checklist of 50 items",
			Method:  http.MethodPost,
			URL:     "/api/collections/tasks/records",
			Headers: auth(f.annaT),
			Body: newTask(map[string]any{"team": f.haarlem, "title": "Lijst", "created_by": f.anna,
				"checklist": slices.Repeat([]any{map[string]any{"text": "punt", "done": true}}, 50)}),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"checklist":[{"done":true,"text":"punt"}`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				if n := len(checklistOf(t, createdTask(t, app, "Lijst"))); n != 50 {
					t.Errorf("checklist of %d items, want 50", n)
				}
			},
		},
	})
}

func TestTaskUpdate(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	run(t, []tests.ApiScenario{
		unchanged(tests.ApiScenario{
			Name:            "dirk moves a Schalkwijk task to Haarlem-Noord (he is in both)",
			Method:          http.MethodPatch,
			URL:             "/api/collections/tasks/records/" + f.task[hulpmiddelen],
			Headers:         auth(f.dirkT),
			Body:            body(`{"team":"` + f.haarlem + `"}`),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
		}),
		unchanged(tests.ApiScenario{
			Name:            "anna moves a Haarlem-Noord task to Heemstede",
			Method:          http.MethodPatch,
			URL:             "/api/collections/tasks/records/" + f.task[medicatie],
			Headers:         auth(f.annaT),
			Body:            body(`{"team":"` + f.heemstede + `","title":"Verhuisd"}`),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
		}),
		unchanged(tests.ApiScenario{
			Name:            "anna rewrites who created a task",
			Method:          http.MethodPatch,
			URL:             "/api/collections/tasks/records/" + f.task[medicatie],
			Headers:         auth(f.annaT),
			Body:            body(`{"created_by":"` + f.bram + `"}`),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
		}),
		unchanged(tests.ApiScenario{
			Name:            "carla edits a Haarlem-Noord task",
			Method:          http.MethodPatch,
			URL:             "/api/collections/tasks/records/" + f.task[wondzorg],
			Headers:         auth(f.carlaT),
			Body:            body(`{"title":"Gekaapt"}`),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
		}),
		unchanged(tests.ApiScenario{
			Name:            "carla deletes a Haarlem-Noord task",
			Method:          http.MethodDelete,
			URL:             "/api/collections/tasks/records/" + f.task[wondzorg],
			Headers:         auth(f.carlaT),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
		}),
		unchanged(tests.ApiScenario{
			Name:            "anna gives a task to carla, who is not in Haarlem-Noord",
			Method:          http.MethodPatch,
			URL:             "/api/collections/tasks/records/" + f.task[medicatie],
			Headers:         auth(f.annaT),
			Body:            body(`{"assignee":"` + f.carla + `"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"assignee":{"code":"validation_not_member"`, "Wie de taak uitvoert moet lid zijn van het team van de taak."},
		}),
		unchanged(tests.ApiScenario{
			Name:            "anna makes a task recur every few weeks without saying how many",
			Method:          http.MethodPatch,
			URL:             "/api/collections/tasks/records/" + f.task[medicatie],
			Headers:         auth(f.annaT),
			Body:            body(`{"repeat":"weeks"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"repeat_weeks":{"code":"validation_required"`},
		}),
		unchanged(tests.ApiScenario{
			Name:            "anna gives a task a broken checklist",
			Method:          http.MethodPatch,
			URL:             "/api/collections/tasks/records/" + f.task[medicatie],
			Headers:         auth(f.annaT),
			Body:            body(`{"checklist":[{"text":"bellen","done":"ja"}]}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"checklist":{"code":"validation_invalid"`},
		}),
		{
			Name:            "anna gives the open task to bram",
			Method:          http.MethodPatch,
			URL:             "/api/collections/tasks/records/" + f.task[medicatie],
			Headers:         auth(f.annaT),
			Body:            body(`{"assignee":"` + f.bram + `"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"assignee":"` + f.bram + `"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				wantHistory(t, app, f.task[medicatie], "created by "+f.anna, "assigned by "+f.anna)
				wantNotifications(t, app, f.bram, assignedNote(wondzorg), assignedNote(medicatie))
			},
		},
		{
			Name:            "bram takes the open task himself: no notification",
			Method:          http.MethodPatch,
			URL:             "/api/collections/tasks/records/" + f.task[medicatie],
			Headers:         auth(f.bramT),
			Body:            body(`{"assignee":"` + f.bram + `"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"assignee":"` + f.bram + `"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				wantHistory(t, app, f.task[medicatie], "created by "+f.anna, "assigned by "+f.bram)
				wantNotifications(t, app, f.bram, assignedNote(wondzorg))
			},
		},
		{
			Name:            "dirk gives his task back to the team",
			Method:          http.MethodPatch,
			URL:             "/api/collections/tasks/records/" + f.task[sleutel],
			Headers:         auth(f.dirkT),
			Body:            body(`{"assignee":""}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"assignee":""`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				wantHistory(t, app, f.task[sleutel], "created by "+f.bram, "assigned by "+f.bram, "unassigned by "+f.dirk)
			},
		},
		{
			Name:            "dirk edits the title and due date of a Haarlem-Noord task",
			Method:          http.MethodPatch,
			URL:             "/api/collections/tasks/records/" + f.task[medicatie],
			Headers:         auth(f.dirkT),
			Body:            body(`{"title":"Medicatierol bestellen (spoed)","due":"2030-01-02 09:00:00.000Z","description":"Voor meneer D., apotheek Zijlweg."}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{"(spoed)"},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				wantHistory(t, app, f.task[medicatie], "created by "+f.anna, "edited by "+f.dirk)
				edited, err := app.FindFirstRecordByFilter("task_events", "task = {:task} && kind = 'edited'", dbx.Params{"task": f.task[medicatie]})
				if err != nil {
					t.Fatal(err)
				}
				if got := edited.GetString("details"); got != `{"fields":["title","due"]}` {
					t.Errorf("edited details %s, want the title and due date (the description did not change)", got)
				}
			},
		},
		{
			Name:            "dirk starts his task and finishes it",
			Method:          http.MethodPatch,
			URL:             "/api/collections/tasks/records/" + f.task[sleutel],
			Headers:         auth(f.dirkT),
			Body:            body(`{"status":"done"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"status":"done"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				task := record(t, app, "tasks", f.task[sleutel])
				if completed := task.GetDateTime("completed_at"); completed.IsZero() || time.Since(completed.Time()) > time.Hour {
					t.Errorf("completed_at %v, want now", completed)
				}
				wantHistory(t, app, f.task[sleutel], "created by "+f.bram, "assigned by "+f.bram, "status_changed by "+f.dirk)
				if n, _ := app.CountRecords("tasks", dbx.HashExp{"title": sleutel}); n != 1 {
					t.Errorf("a task that does not recur came back: %d tasks", n)
				}
			},
		},
		{
			Name:    "anna reopens a finished task",
			Method:  http.MethodPatch,
			URL:     "/api/collections/tasks/records/" + f.task[sleutel],
			Headers: auth(f.annaT),
			Body:    body(`{"status":"open"}`),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
				update(t, app, "tasks", f.task[sleutel], map[string]any{"status": "done", "completed_at": types.NowDateTime()})
			},
			ExpectedStatus:  200,
			ExpectedContent: []string{`"status":"open"`, `"completed_at":""`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				wantField(t, app, "tasks", f.task[sleutel], "completed_at", "")
				wantHistory(t, app, f.task[sleutel], "created by "+f.bram, "assigned by "+f.bram, "status_changed by "+f.anna)
			},
		},
		{
			Name:            "bram finishes a task he offered to anna: the offer is withdrawn",
			Method:          http.MethodPatch,
			URL:             "/api/collections/tasks/records/" + f.task[wondzorg],
			Headers:         auth(f.bramT),
			Body:            body(`{"status":"done"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"status":"done"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				wantField(t, app, "task_transfers", f.offer, "status", "cancelled")
				wantHistory(t, app, f.task[wondzorg], "created by "+f.anna, "assigned by "+f.anna, "handover_offered by "+f.bram,
					"status_changed by "+f.bram, "handover_cancelled by "+f.bram)
				wantReason(t, app, f.task[wondzorg], tasks.ReasonTaskClosed)
			},
		},
		{
			Name:            "anna cancels a task with an offer pending: the offer is withdrawn",
			Method:          http.MethodPatch,
			URL:             "/api/collections/tasks/records/" + f.task[wondzorg],
			Headers:         auth(f.annaT),
			Body:            body(`{"status":"cancelled"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"status":"cancelled"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				wantField(t, app, "task_transfers", f.offer, "status", "cancelled")
				wantField(t, app, "tasks", f.task[wondzorg], "completed_at", "")
			},
		},
		{
			Name:            "bram starts a task with an offer pending: the offer stays",
			Method:          http.MethodPatch,
			URL:             "/api/collections/tasks/records/" + f.task[wondzorg],
			Headers:         auth(f.bramT),
			Body:            body(`{"status":"in_progress"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"status":"in_progress"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				wantField(t, app, "task_transfers", f.offer, "status", "pending")
			},
		},
	})
}

// TestRecurringTask checks that finishing a recurring task brings the next
// one, due one interval later, for the same assignee, with the checklist
// unticked.
func TestRecurringTask(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	// next returns the one open occurrence after previous.
	next := func(t testing.TB, app core.App, previous *core.Record) *core.Record {
		t.Helper()
		found, err := app.FindAllRecords("tasks", dbx.HashExp{"title": previous.GetString("title"), "status": "open"})
		if err != nil || len(found) != 1 || found[0].Id == previous.Id {
			t.Fatalf("open occurrences of %q: %d, %v; want 1 new one", previous.GetString("title"), len(found), err)
		}
		return found[0]
	}

	run(t, []tests.ApiScenario{
		{
			Name:    "anna finishes the weekly meeting's preparation",
			Method:  http.MethodPatch,
			URL:     "/api/collections/tasks/records/" + f.task[weekoverleg],
			Headers: auth(f.annaT),
			Body:    body(`{"status":"done"}`),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
				update(t, app, "tasks", f.task[weekoverleg], map[string]any{
					"checklist": []map[string]any{{"text": "Agenda rondsturen", "done": true}, {"text": "Notulen nalopen", "done": false}},
				})
			},
			ExpectedStatus:  200,
			ExpectedContent: []string{`"status":"done"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				done := record(t, app, "tasks", f.task[weekoverleg])
				if done.GetDateTime("completed_at").IsZero() {
					t.Error("the finished task has no completed_at")
				}
				n := next(t, app, done)
				if got, want := n.GetDateTime("due").Time(), done.GetDateTime("due").Time().AddDate(0, 0, 7); !got.Equal(want) {
					t.Errorf("next due %v, want a week after %v", got, done.GetDateTime("due"))
				}
				for field, want := range map[string]string{
					"team": f.haarlem, "assignee": f.anna, "created_by": f.anna, "repeat": "weekly", "priority": "normal",
					"description": done.GetString("description"), "completed_at": "",
				} {
					if got := n.GetString(field); got != want {
						t.Errorf("next occurrence: %s = %q, want %q", field, got, want)
					}
				}
				list := checklistOf(t, n)
				if len(list) != 2 || list[0]["text"] != "Agenda rondsturen" || list[0]["done"] != false || list[1]["done"] != false {
					t.Errorf("next checklist %v, want both items unticked", list)
				}
				wantHistory(t, app, n.Id, "recurred by "+f.anna, "assigned by "+f.anna)
				wantHistory(t, app, done.Id, "created by "+f.anna, "assigned by "+f.anna, "status_changed by "+f.anna)
			},
		},
		{
			Name:    "dirk finishes a daily task three and a half days late: the next one is still ahead",
			Method:  http.MethodPatch,
			URL:     "/api/collections/tasks/records/" + f.task[medicatie],
			Headers: auth(f.dirkT),
			Body:    body(`{"status":"done"}`),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
				update(t, app, "tasks", f.task[medicatie], map[string]any{
					"repeat": "daily", "due": time.Now().Add(-84 * time.Hour),
				})
			},
			ExpectedStatus:  200,
			ExpectedContent: []string{`"status":"done"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				done := record(t, app, "tasks", f.task[medicatie])
				n := next(t, app, done)
				if got, want := n.GetDateTime("due").Time(), done.GetDateTime("due").Time().AddDate(0, 0, 4); !got.Equal(want) {
					t.Errorf("next due %v, want 4 days after %v (half a day from now)", got, done.GetDateTime("due"))
				}
				if n.GetString("assignee") != "" {
					t.Errorf("an open task for the team came back assigned to %s", n.GetString("assignee"))
				}
				wantHistory(t, app, n.Id, "recurred by "+f.dirk)
			},
		},
		{
			Name:    "anna finishes a task every 3 weeks, without a due date",
			Method:  http.MethodPatch,
			URL:     "/api/collections/tasks/records/" + f.task[medicatie],
			Headers: auth(f.annaT),
			Body:    body(`{"status":"done"}`),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
				update(t, app, "tasks", f.task[medicatie], map[string]any{"repeat": "weeks", "repeat_weeks": 3, "due": ""})
			},
			ExpectedStatus:  200,
			ExpectedContent: []string{`"status":"done"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				n := next(t, app, record(t, app, "tasks", f.task[medicatie]))
				if until := time.Until(n.GetDateTime("due").Time()); until < 20*24*time.Hour || until > 21*24*time.Hour {
					t.Errorf("next due %v, want three weeks from now", n.GetDateTime("due"))
				}
				if n.GetInt("repeat_weeks") != 3 {
					t.Errorf("next repeat_weeks %d, want 3", n.GetInt("repeat_weeks"))
				}
			},
		},
		{
			Name:            "a recurring task cancelled does not come back",
			Method:          http.MethodPatch,
			URL:             "/api/collections/tasks/records/" + f.task[weekoverleg],
			Headers:         auth(f.annaT),
			Body:            body(`{"status":"cancelled"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"status":"cancelled"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				if n, _ := app.CountRecords("tasks", dbx.HashExp{"title": weekoverleg}); n != 1 {
					t.Errorf("%d tasks titled %q, want only the cancelled one", n, weekoverleg)
				}
			},
		},
	})
}

// TestRecurringTaskReopened checks that finishing, reopening and finishing a
// recurring task again brings one next occurrence, not two.
func TestRecurringTaskReopened(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	app := testapp.New(t)
	server := testapp.Serve(t, app)

	url := server.URL + "/api/collections/tasks/records/" + f.task[weekoverleg]
	for _, status := range []string{"done", "open", "done"} {
		if code, res := do(t, http.MethodPatch, url, f.annaT, map[string]any{"status": status}); code != 200 {
			t.Fatalf("setting status %s: %d %s", status, code, res)
		}
	}
	if n, _ := app.CountRecords("tasks", dbx.HashExp{"title": weekoverleg, "status": "open"}); n != 1 {
		t.Errorf("%d next occurrences of %q after finishing it twice, want 1", n, weekoverleg)
	}
}

// TestTaskDelete checks who may delete a task: its creator or a
// coordinator of its team, and only while they are in that team.
func TestTaskDelete(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	gone := func(id string) func(testing.TB, *tests.TestApp, *http.Response) {
		return func(t testing.TB, app *tests.TestApp, res *http.Response) {
			if _, err := app.FindRecordById("tasks", id); err == nil {
				t.Errorf("task %s is still there", id)
			}
			if n, _ := app.CountRecords("task_events", dbx.HashExp{"task": id}); n != 0 {
				t.Errorf("%d history lines of the deleted task remain", n)
			}
		}
	}
	// movedToSchalkwijk: anna's medicatie task, taken over by Schalkwijk
	movedToSchalkwijk := func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
		update(t, app, "tasks", f.task[medicatie], map[string]any{"team": f.schalkwijk, "assignee": f.carla})
	}

	run(t, []tests.ApiScenario{
		{
			Name:           "carla deletes a task she created",
			Method:         http.MethodDelete,
			URL:            "/api/collections/tasks/records/" + f.task[intake],
			Headers:        auth(f.carlaT),
			ExpectedStatus: 204,
			AfterTestFunc:  gone(f.task[intake]),
		},
		{
			Name:           "anna, coordinator, deletes a task bram created",
			Method:         http.MethodDelete,
			URL:            "/api/collections/tasks/records/" + f.task[sleutel],
			Headers:        auth(f.annaT),
			ExpectedStatus: 204,
			AfterTestFunc:  gone(f.task[sleutel]),
		},
		unchanged(tests.ApiScenario{
			Name:            "bram deletes a task anna created",
			Method:          http.MethodDelete,
			URL:             "/api/collections/tasks/records/" + f.task[wondzorg],
			Headers:         auth(f.bramT),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
		}),
		unchanged(tests.ApiScenario{
			Name:            "anna deletes the task she created once Schalkwijk took it over",
			Method:          http.MethodDelete,
			URL:             "/api/collections/tasks/records/" + f.task[medicatie],
			Headers:         auth(f.annaT),
			BeforeTestFunc:  movedToSchalkwijk,
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
		}),
	})
}
