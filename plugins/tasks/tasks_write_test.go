package tasks_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// failHistory makes every write of a history line fail, as a full disk or a
// broken hook would.
func failHistory(app core.App) {
	app.OnRecordCreate("task_events").BindFunc(func(e *core.RecordEvent) error {
		return errors.New("history unavailable")
	})
}

// TestTaskWriteAtomic checks that a write and its history land together:
// when the history cannot be written, the task or offer is not changed (nor
// added), and nobody is notified.
func TestTaskWriteAtomic(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	failing := func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) { failHistory(app) }

	run(t, []tests.ApiScenario{
		unchanged(tests.ApiScenario{
			Name:            "bram finishes and renames his task while the history fails",
			Method:          http.MethodPatch,
			URL:             "/api/collections/tasks/records/" + f.task[wondzorg],
			Headers:         auth(f.bramT),
			Body:            body(`{"status":"done","title":"Wondzorg mevrouw K. (klaar)","assignee":"` + f.dirk + `"}`),
			BeforeTestFunc:  failing,
			ExpectedStatus:  400,
			ExpectedContent: []string{`"message":`},
		}),
		unchanged(tests.ApiScenario{
			Name:            "bram adds a task for dirk while the history fails",
			Method:          http.MethodPost,
			URL:             "/api/collections/tasks/records",
			Headers:         auth(f.bramT),
			Body:            body(`{"team":"` + f.haarlem + `","title":"Nieuwe taak","created_by":"` + f.bram + `","assignee":"` + f.dirk + `"}`),
			BeforeTestFunc:  failing,
			ExpectedStatus:  400,
			ExpectedContent: []string{`"message":`},
		}),
		unchanged(tests.ApiScenario{
			Name:            "anna accepts bram's offer while the history fails",
			Method:          http.MethodPatch,
			URL:             "/api/collections/task_transfers/records/" + f.offer,
			Headers:         auth(f.annaT),
			Body:            body(`{"status":"accepted"}`),
			BeforeTestFunc:  failing,
			ExpectedStatus:  400,
			ExpectedContent: []string{`"message":`},
		}),
		unchanged(tests.ApiScenario{
			Name:            "bram offers the team's open task to dirk while the history fails",
			Method:          http.MethodPost,
			URL:             "/api/collections/task_transfers/records",
			Headers:         auth(f.bramT),
			Body:            body(`{"task":"` + f.task[medicatie] + `","from_user":"` + f.bram + `","to_user":"` + f.dirk + `"}`),
			BeforeTestFunc:  failing,
			ExpectedStatus:  400,
			ExpectedContent: []string{`"message":`},
		}),
	})
}

// TestTaskAnswerOutsideTransaction checks that the answer to a task write,
// with its expand, is built after the write's transaction ended, while the
// history still landed with the write.
func TestTaskAnswerOutsideTransaction(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	var enrichedInTx []bool
	run(t, []tests.ApiScenario{{
		Name:    "bram starts his task, asking for the assignee expanded",
		Method:  http.MethodPatch,
		URL:     "/api/collections/tasks/records/" + f.task[wondzorg] + "?expand=assignee",
		Headers: auth(f.bramT),
		Body:    body(`{"status":"in_progress"}`),
		BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
			app.OnRecordEnrich("tasks").BindFunc(func(e *core.RecordEnrichEvent) error {
				enrichedInTx = append(enrichedInTx, e.App.IsTransactional())
				return e.Next()
			})
		},
		ExpectedStatus:  200,
		ExpectedContent: []string{`"status":"in_progress"`, `"active":true`, `"expand":{"assignee":`},
		ExpectedEvents:  map[string]int{"OnRecordCreate": 1},
		AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
			if len(enrichedInTx) == 0 || enrichedInTx[0] {
				t.Errorf("the answer was enriched inside a transaction (%v); want after the commit", enrichedInTx)
			}
			events, err := app.FindAllRecords("task_events")
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, ev := range events {
				found = found || (ev.GetString("task") == f.task[wondzorg] && ev.GetString("kind") == "status_changed")
			}
			if !found {
				t.Error("no status_changed history line for the task")
			}
		},
	}})
}
