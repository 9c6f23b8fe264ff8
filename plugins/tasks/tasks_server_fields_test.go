package tasks_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// TestServerFields checks that members cannot write the fields the server
// keeps: when a task was completed and whether its overdue notice went out.
func TestServerFields(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	task := f.task["Sleutelkastje controleren"] // dirk's, in progress, overdue

	run(t, []tests.ApiScenario{
		{
			Name:            "a new task cannot come with a completion date, overdue mark or plan",
			Method:          http.MethodPost,
			URL:             "/api/collections/tasks/records",
			Headers:         auth(f.bramT),
			Body:            body(`{"team":"` + f.haarlem + `","title":"Nieuw","status":"open","created_by":"` + f.bram + `","completed_at":"2020-01-01 00:00:00.000Z","overdue_notified":"2030-01-01 00:00:00.000Z","plan":"abcdefghijklmno"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"completed_at":""`, `"overdue_notified":""`, `"plan":""`},
		},
		{
			Name:            "a member cannot silence the overdue notice",
			Method:          http.MethodPatch,
			URL:             "/api/collections/tasks/records/" + task,
			Headers:         auth(f.dirkT),
			Body:            body(`{"overdue_notified":"2030-01-01 00:00:00.000Z"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"overdue_notified":""`},
		},
		{
			Name:            "a member cannot tie a task to a plan",
			Method:          http.MethodPatch,
			URL:             "/api/collections/tasks/records/" + task,
			Headers:         auth(f.dirkT),
			Body:            body(`{"plan":"abcdefghijklmno"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"plan":""`},
		},
		{
			Name:           "a member cannot backdate a completion",
			Method:         http.MethodPatch,
			URL:            "/api/collections/tasks/records/" + task,
			Headers:        auth(f.dirkT),
			Body:           body(`{"completed_at":"2000-01-01 00:00:00.000Z"}`),
			ExpectedStatus: 200,
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
				update(t, app, "tasks", task, map[string]any{"status": "done", "completed_at": "2026-11-01 10:00:00.000Z"})
			},
			ExpectedContent: []string{`"completed_at":"2026-11-01 10:00:00.000Z"`},
		},
	})
}
