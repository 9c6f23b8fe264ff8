package tasks_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// Tasks the route scenarios add.
const (
	open1          = "opentask0000001"
	open2          = "opentask0000002"
	doneOpen       = "donetask0000001" // finished, nobody's
	dirkHaarlem    = "dirkhaarlem0001"
	dirkSchalkwijk = "dirkschalkwijk1"
	dirkPending    = "dirkpending0001" // offered to bram already
	dirkDone       = "dirkdone0000001"
)

func TestDistribute(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	// two more tasks open for Haarlem-Noord, and a finished one
	openTasks := func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
		saveTask(t, app, map[string]any{"id": open1, "team": f.haarlem, "title": "Open een", "created_by": f.anna})
		saveTask(t, app, map[string]any{"id": open2, "team": f.haarlem, "title": "Open twee", "created_by": f.anna})
		saveTask(t, app, map[string]any{"id": doneOpen, "team": f.haarlem, "title": "Al klaar", "status": "done", "created_by": f.anna})
	}
	distribute := func(team string, tasks, members []string) *strings.Reader {
		b, _ := json.Marshal(map[string]any{"team": team, "tasks": tasks, "members": members})
		return strings.NewReader(string(b))
	}
	assigned := func(task, member string) string {
		return fmt.Sprintf(`{"task":%q,"assignee":%q}`, task, member)
	}
	const url = "/api/buurtplein/tasks/distribute"

	run(t, []tests.ApiScenario{
		{
			// bram and dirk start with one open task each: a tie goes to
			// the first chosen
			Name:           "anna spreads three open tasks over bram and dirk",
			Method:         http.MethodPost,
			URL:            url,
			Headers:        auth(f.annaT),
			Body:           distribute(f.haarlem, []string{f.task[medicatie], open1, open2}, []string{f.bram, f.dirk}),
			BeforeTestFunc: openTasks,
			ExpectedStatus: 200,
			ExpectedContent: []string{`"assigned":[` + assigned(f.task[medicatie], f.bram) + "," +
				assigned(open1, f.dirk) + "," + assigned(open2, f.bram) + "]"},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				wantField(t, app, "tasks", f.task[medicatie], "assignee", f.bram)
				wantField(t, app, "tasks", open1, "assignee", f.dirk)
				wantField(t, app, "tasks", open2, "assignee", f.bram)
				wantHistory(t, app, f.task[medicatie], "created by "+f.anna, "assigned by "+f.anna)
				wantHistory(t, app, open1, "assigned by "+f.anna)
				wantNotifications(t, app, f.bram, assignedNote(wondzorg),
					assignedNote(medicatie), assignedNote("Open twee"))
				wantNotifications(t, app, f.dirk, dirkDemoNotification, assignedNote("Open een"))
			},
		},
		{
			// dirk has three open tasks, anna one: anna gets the first two
			Name:    "dirk spreads by load, not in turns",
			Method:  http.MethodPost,
			URL:     url,
			Headers: auth(f.dirkT),
			Body:    distribute(f.haarlem, []string{open1, open2, f.task[medicatie]}, []string{f.dirk, f.anna}),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
				openTasks(t, app, e)
				for _, title := range []string{"Van dirk een", "Van dirk twee"} {
					saveTask(t, app, map[string]any{"team": f.haarlem, "title": title, "assignee": f.dirk, "created_by": f.dirk})
				}
			},
			ExpectedStatus: 200,
			ExpectedContent: []string{`"assigned":[` + assigned(open1, f.anna) + "," +
				assigned(open2, f.anna) + "," + assigned(f.task[medicatie], f.dirk) + "]"},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				wantField(t, app, "tasks", open2, "assignee", f.anna)
				wantField(t, app, "tasks", f.task[medicatie], "assignee", f.dirk)
				wantHistory(t, app, f.task[medicatie], "created by "+f.anna, "assigned by "+f.dirk)
				// dirk gave himself one: no notification for that
				wantNotifications(t, app, f.dirk, dirkDemoNotification)
			},
		},
		unchanged(tests.ApiScenario{
			Name:            "dirk includes a Schalkwijk task in Haarlem-Noord's",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         auth(f.dirkT),
			Body:            distribute(f.haarlem, []string{f.task[medicatie], f.task[hulpmiddelen]}, []string{f.bram, f.dirk}),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"tasks":{"code":"validation_not_in_team"`, "Een van de taken hoort niet (meer) bij dit team."},
		}),
		unchanged(tests.ApiScenario{
			Name:            "anna includes a task that does not exist",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         auth(f.annaT),
			Body:            distribute(f.haarlem, []string{f.task[medicatie], "bestaatniet0001"}, []string{f.bram}),
			ExpectedStatus:  400,
			ExpectedContent: []string{"validation_not_in_team"},
		}),
		unchanged(tests.ApiScenario{
			Name:            "anna includes bram's task",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         auth(f.annaT),
			Body:            distribute(f.haarlem, []string{f.task[medicatie], f.task[wondzorg]}, []string{f.bram, f.dirk}),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"tasks":{"code":"validation_not_open"`, "De taak \\\"" + wondzorg + "\\\" is niet meer open voor het team"},
		}),
		unchanged(tests.ApiScenario{
			Name:            "anna includes a finished task nobody has",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         auth(f.annaT),
			Body:            distribute(f.haarlem, []string{open1, doneOpen}, []string{f.bram}),
			BeforeTestFunc:  openTasks,
			ExpectedStatus:  400,
			ExpectedContent: []string{"validation_not_open", "Al klaar"},
		}),
		unchanged(tests.ApiScenario{
			Name:            "anna includes the same task twice",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         auth(f.annaT),
			Body:            distribute(f.haarlem, []string{f.task[medicatie], f.task[medicatie]}, []string{f.bram, f.dirk}),
			ExpectedStatus:  400,
			ExpectedContent: []string{"validation_not_open"},
		}),
		unchanged(tests.ApiScenario{
			Name:            "anna spreads over carla, who is not in Haarlem-Noord",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         auth(f.annaT),
			Body:            distribute(f.haarlem, []string{f.task[medicatie]}, []string{f.bram, f.carla}),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"members":{"code":"validation_not_member"`, "Een van de gekozen collega's is geen lid van dit team."},
		}),
		unchanged(tests.ApiScenario{
			Name:            "carla distributes Haarlem-Noord's tasks",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         auth(f.carlaT),
			Body:            distribute(f.haarlem, []string{f.task[medicatie]}, []string{f.bram}),
			ExpectedStatus:  403,
			ExpectedContent: []string{"Je kunt alleen taken verdelen in je eigen team."},
		}),
		unchanged(tests.ApiScenario{
			Name:            "eva distributes Haarlem-Noord's tasks to herself",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         auth(f.evaT),
			Body:            distribute(f.haarlem, []string{f.task[medicatie]}, []string{f.eva}),
			ExpectedStatus:  403,
			ExpectedContent: []string{`"status":403`},
		}),
		unchanged(tests.ApiScenario{
			Name:            "anonymous distributes",
			Method:          http.MethodPost,
			URL:             url,
			Body:            distribute(f.haarlem, []string{f.task[medicatie]}, []string{f.bram}),
			ExpectedStatus:  401,
			ExpectedContent: []string{`"status":401`},
		}),
		unchanged(tests.ApiScenario{
			Name:            "anna chooses no tasks and nobody",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         auth(f.annaT),
			Body:            distribute(f.haarlem, nil, nil),
			ExpectedStatus:  400,
			ExpectedContent: []string{"Kies de taken die je wilt verdelen.", "Kies de collega's over wie je de taken verdeelt."},
		}),
		unchanged(tests.ApiScenario{
			Name:            "a body that is no JSON",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         auth(f.annaT),
			Body:            body(`{"team":`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"status":400`},
		}),
	})
}

// TestDistributeByMember checks the decision that dividing the work
// ("verdelen") is every member's right in a self-managing team, not only a
// coordinator's: bram, a plain member of Haarlem-Noord, divides its open
// tasks, and Schalkwijk's not.
func TestDistributeByMember(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	const url = "/api/buurtplein/tasks/distribute"
	distribute := func(team, task string, members ...string) *strings.Reader {
		b, _ := json.Marshal(map[string]any{"team": team, "tasks": []string{task}, "members": members})
		return strings.NewReader(string(b))
	}

	run(t, []tests.ApiScenario{
		{
			Name:            "bram divides Haarlem-Noord's open task",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         auth(f.bramT),
			Body:            distribute(f.haarlem, f.task[medicatie], f.dirk),
			ExpectedStatus:  200,
			ExpectedContent: []string{fmt.Sprintf(`{"task":%q,"assignee":%q}`, f.task[medicatie], f.dirk)},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				wantField(t, app, "tasks", f.task[medicatie], "assignee", f.dirk)
				wantHistory(t, app, f.task[medicatie], append(demoHistory(f, medicatie), "assigned by "+f.bram)...)
			},
		},
		unchanged(tests.ApiScenario{
			Name:            "bram divides Schalkwijk's open task",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         auth(f.bramT),
			Body:            distribute(f.schalkwijk, f.task[hulpmiddelen], f.carla),
			ExpectedStatus:  403,
			ExpectedContent: []string{"Je kunt alleen taken verdelen in je eigen team."},
		}),
		unchanged(tests.ApiScenario{
			Name:            "bram divides Schalkwijk's open task, naming Haarlem-Noord",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         auth(f.bramT),
			Body:            distribute(f.haarlem, f.task[hulpmiddelen], f.bram),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"tasks":{"code":"validation_not_in_team"`},
		}),
	})
}

func TestShiftHandover(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	// dirk's work: sleutel (demo) and one more in Haarlem-Noord, one in
	// Schalkwijk, one already offered to bram and one finished
	dirkTasks := func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
		saveTask(t, app, map[string]any{"id": dirkHaarlem, "team": f.haarlem, "title": "Wondverband halen", "assignee": f.dirk, "created_by": f.dirk})
		saveTask(t, app, map[string]any{"id": dirkSchalkwijk, "team": f.schalkwijk, "title": "Rollator ophalen", "assignee": f.dirk, "created_by": f.dirk})
		saveTask(t, app, map[string]any{"id": dirkPending, "team": f.haarlem, "title": "Al aangeboden", "status": "in_progress", "assignee": f.dirk, "created_by": f.dirk})
		saveOffer(t, app, map[string]any{"task": dirkPending, "from_user": f.dirk, "to_user": f.bram})
		saveTask(t, app, map[string]any{"id": dirkDone, "team": f.haarlem, "title": "Afgerond", "status": "done", "assignee": f.dirk, "created_by": f.dirk})
	}
	const url = "/api/buurtplein/tasks/handover"

	run(t, []tests.ApiScenario{
		{
			Name:           "dirk hands his open tasks over to anna at the end of his shift",
			Method:         http.MethodPost,
			URL:            url,
			Headers:        auth(f.dirkT),
			Body:           body(`{"to_user":"` + f.anna + `","note":"Ik ben twee weken weg"}`),
			BeforeTestFunc: dirkTasks,
			ExpectedStatus: 200,
			ExpectedContent: []string{
				`"offered":["`,
				`{"task":"` + dirkSchalkwijk + `","title":"Rollator ophalen","reason":"Deze collega is geen lid van het team van de taak.`,
				`{"task":"` + dirkPending + `","title":"Al aangeboden","reason":"Voor deze taak staat al een overdracht open.`,
				`"code":"validation_not_member"`, `"code":"validation_pending_exists"`,
			},
			NotExpectedContent: []string{dirkDone},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				offers, err := app.FindAllRecords("task_transfers", dbx.HashExp{"from_user": f.dirk, "to_user": f.anna})
				if err != nil {
					t.Fatal(err)
				}
				got := map[string]bool{}
				for _, o := range offers {
					if o.GetString("status") != "pending" || o.GetString("note") != "Ik ben twee weken weg" {
						t.Errorf("offer of %s: status %q, note %q", o.GetString("task"), o.GetString("status"), o.GetString("note"))
					}
					got[o.GetString("task")] = true
				}
				if len(got) != 2 || !got[f.task[sleutel]] || !got[dirkHaarlem] {
					t.Errorf("dirk offered anna %v, want %s and %s", got, f.task[sleutel], dirkHaarlem)
				}
				wantHistory(t, app, f.task[sleutel], append(demoHistory(f, sleutel), "handover_offered by "+f.dirk)...)
				wantHistory(t, app, dirkHaarlem, "handover_offered by "+f.dirk)
				wantHistory(t, app, dirkSchalkwijk)
				wantField(t, app, "tasks", f.task[sleutel], "assignee", f.dirk) // until anna accepts
				// one notification for the lot
				wantNotifications(t, app, f.anna, fmt.Sprintf("handover_offered: Bram Jansen wil de taak %q aan je overdragen", wondzorg),
					"handover_shift: Dirk Visser wil 2 taken aan je overdragen")
			},
		},
		{
			Name:            "anna hands her one open task over to bram",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         auth(f.annaT),
			Body:            body(`{"to_user":"` + f.bram + `"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"offered":["`, `"skipped":[]`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				wantField(t, app, "task_transfers", offerOf(t, app, f.task[weekoverleg]).Id, "to_user", f.bram)
				wantNotifications(t, app, f.bram, assignedNote(wondzorg),
					fmt.Sprintf("handover_offered: Anna de Vries wil de taak %q aan je overdragen", weekoverleg))
			},
		},
		unchanged(tests.ApiScenario{
			Name:            "carla hands her tasks over to anna, with whom she shares no team",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         auth(f.carlaT),
			Body:            body(`{"to_user":"` + f.anna + `"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"offered":[]`, `"title":"` + intake + `","reason":"Deze collega is geen lid van het team van de taak.`},
		}),
		unchanged(tests.ApiScenario{
			Name:            "bram, whose one task is offered already, hands over to dirk",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         auth(f.bramT),
			Body:            body(`{"to_user":"` + f.dirk + `"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"offered":[]`, `"title":"` + wondzorg + `","reason":"Voor deze taak staat al een overdracht open.`},
		}),
		unchanged(tests.ApiScenario{
			Name:            "dirk hands his tasks over to himself",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         auth(f.dirkT),
			Body:            body(`{"to_user":"` + f.dirk + `"}`),
			BeforeTestFunc:  dirkTasks,
			ExpectedStatus:  400,
			ExpectedContent: []string{"Je kunt je taken niet aan jezelf overdragen.", `"to_user":{"code":"validation_self"`},
		}),
		unchanged(tests.ApiScenario{
			Name:            "dirk hands over to nobody",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         auth(f.dirkT),
			Body:            body(`{"note":"Tot maandag"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{"Kies de collega die je taken overneemt."},
		}),
		unchanged(tests.ApiScenario{
			Name:            "anonymous hands over",
			Method:          http.MethodPost,
			URL:             url,
			Body:            body(`{"to_user":"` + f.anna + `"}`),
			ExpectedStatus:  401,
			ExpectedContent: []string{`"status":401`},
		}),
	})
}
