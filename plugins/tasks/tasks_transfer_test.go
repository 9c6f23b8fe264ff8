package tasks_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"buurtplein/internal/testapp"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/types"
)

// offerOf returns the one offer of a task, failing when there is not
// exactly one.
func offerOf(t testing.TB, app core.App, taskId string) *core.Record {
	t.Helper()
	found, err := app.FindAllRecords("task_transfers", dbx.HashExp{"task": taskId})
	if err != nil || len(found) != 1 {
		t.Fatalf("offers of %s: %d, %v; want 1", taskId, len(found), err)
	}
	return found[0]
}

// The demo history of the tasks an offer is made of.
func demoHistory(f fixture, title string) []string {
	switch title {
	case wondzorg:
		return []string{"created by " + f.anna, "assigned by " + f.anna, "handover_offered by " + f.bram}
	case weekoverleg:
		return []string{"created by " + f.anna, "assigned by " + f.anna}
	case medicatie:
		return []string{"created by " + f.anna}
	case sleutel:
		return []string{"created by " + f.bram, "assigned by " + f.bram}
	}
	panic(title)
}

func TestHandoverOffer(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	offer := func(fields map[string]any) *strings.Reader {
		b, _ := json.Marshal(fields)
		return strings.NewReader(string(b))
	}
	setStatus := func(title, status string) func(testing.TB, *tests.TestApp, *core.ServeEvent) {
		return func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
			update(t, app, "tasks", f.task[title], map[string]any{"status": status})
		}
	}
	const url = "/api/collections/task_transfers/records"

	run(t, []tests.ApiScenario{
		{
			Name:            "anna offers her task to bram",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         auth(f.annaT),
			Body:            offer(map[string]any{"task": f.task[weekoverleg], "from_user": f.anna, "to_user": f.bram, "note": "Ik ben met vakantie"}),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"status":"pending"`, `"task_title":"` + weekoverleg + `"`, `"to_user":"` + f.bram + `"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				wantHistory(t, app, f.task[weekoverleg], append(demoHistory(f, weekoverleg), "handover_offered by "+f.anna)...)
				wantField(t, app, "tasks", f.task[weekoverleg], "assignee", f.anna) // until bram accepts
				wantNotifications(t, app, f.bram,
					assignedNote(wondzorg),
					`handover_offered: Anna de Vries wil de taak "`+weekoverleg+`" aan je overdragen`)
			},
		},
		{
			Name:            "anna offers her task to Schalkwijk as a whole",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         auth(f.annaT),
			Body:            offer(map[string]any{"task": f.task[weekoverleg], "from_user": f.anna, "to_team": f.schalkwijk, "status": "pending"}),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"status":"pending"`, `"to_team":"` + f.schalkwijk + `"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				want := `handover_offered: Anna de Vries wil de taak "` + weekoverleg + `" aan je overdragen`
				wantNotifications(t, app, f.carla, want)
				wantNotifications(t, app, f.dirk, dirkDemoNotification, want)
				wantField(t, app, "tasks", f.task[weekoverleg], "team", f.haarlem) // until Schalkwijk accepts
			},
		},
		{
			Name:            "anna, coordinator, offers dirk's task to bram",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         auth(f.annaT),
			Body:            offer(map[string]any{"task": f.task[sleutel], "from_user": f.anna, "to_user": f.bram}),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"status":"pending"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				wantHistory(t, app, f.task[sleutel], append(demoHistory(f, sleutel), "handover_offered by "+f.anna)...)
			},
		},
		{
			Name:            "bram offers the team's open task to dirk",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         auth(f.bramT),
			Body:            offer(map[string]any{"task": f.task[medicatie], "from_user": f.bram, "to_user": f.dirk}),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"status":"pending"`},
		},
		unchanged(tests.ApiScenario{
			Name:            "anna offers her task to carla, who is not in Haarlem-Noord",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         auth(f.annaT),
			Body:            offer(map[string]any{"task": f.task[weekoverleg], "from_user": f.anna, "to_user": f.carla}),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"to_user":{"code":"validation_not_member"`, "Deze collega is geen lid van het team van de taak."},
		}),
		unchanged(tests.ApiScenario{
			Name:            "anna offers a finished task",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         auth(f.annaT),
			Body:            offer(map[string]any{"task": f.task[weekoverleg], "from_user": f.anna, "to_user": f.bram}),
			BeforeTestFunc:  setStatus(weekoverleg, "done"),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"task":{"code":"validation_task_done"`, "Deze taak is al afgerond en kan niet worden overgedragen."},
		}),
		unchanged(tests.ApiScenario{
			Name:            "anna offers a cancelled task to another team",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         auth(f.annaT),
			Body:            offer(map[string]any{"task": f.task[weekoverleg], "from_user": f.anna, "to_team": f.schalkwijk}),
			BeforeTestFunc:  setStatus(weekoverleg, "cancelled"),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"task":{"code":"validation_task_cancelled"`, "Deze taak is geannuleerd en kan niet worden overgedragen."},
		}),
		unchanged(tests.ApiScenario{
			Name:            "bram offers his task a second time while the first offer is pending",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         auth(f.bramT),
			Body:            offer(map[string]any{"task": f.task[wondzorg], "from_user": f.bram, "to_user": f.dirk}),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"task":{"code":"validation_pending_exists"`, "Voor deze taak staat al een overdracht open."},
		}),
		{
			Name:    "bram offers his task again once anna declined",
			Method:  http.MethodPost,
			URL:     url,
			Headers: auth(f.bramT),
			Body:    offer(map[string]any{"task": f.task[wondzorg], "from_user": f.bram, "to_user": f.dirk}),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
				update(t, app, "task_transfers", f.offer, map[string]any{"status": "declined", "responded_by": f.anna})
			},
			ExpectedStatus:  200,
			ExpectedContent: []string{`"status":"pending"`, `"to_user":"` + f.dirk + `"`},
		},
		unchanged(tests.ApiScenario{
			Name:            "bram offers anna's task",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         auth(f.bramT),
			Body:            offer(map[string]any{"task": f.task[weekoverleg], "from_user": f.bram, "to_user": f.dirk}),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"task":{"code":"validation_not_yours"`, "Alleen wie de taak heeft, of een coördinator van het team, kan hem overdragen."},
		}),
		unchanged(tests.ApiScenario{
			Name:            "bram offers a task in anna's name",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         auth(f.bramT),
			Body:            offer(map[string]any{"task": f.task[medicatie], "from_user": f.anna, "to_user": f.dirk}),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"status":400`},
		}),
		unchanged(tests.ApiScenario{
			Name:            "carla offers a Haarlem-Noord task to herself",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         auth(f.carlaT),
			Body:            offer(map[string]any{"task": f.task[medicatie], "from_user": f.carla, "to_team": f.schalkwijk}),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"status":400`},
		}),
		unchanged(tests.ApiScenario{
			Name:            "bram makes an offer that is accepted already",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         auth(f.bramT),
			Body:            offer(map[string]any{"task": f.task[medicatie], "from_user": f.bram, "to_user": f.dirk, "status": "accepted"}),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"status":400`},
		}),
		unchanged(tests.ApiScenario{
			Name:            "anna offers her task to herself",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         auth(f.annaT),
			Body:            offer(map[string]any{"task": f.task[weekoverleg], "from_user": f.anna, "to_user": f.anna}),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"to_user":{"code":"validation_self"`, "Je kunt een taak niet aan jezelf overdragen."},
		}),
		unchanged(tests.ApiScenario{
			Name:            "anna offers her task to her own team",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         auth(f.annaT),
			Body:            offer(map[string]any{"task": f.task[weekoverleg], "from_user": f.anna, "to_team": f.haarlem}),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"to_team":{"code":"validation_same_team"`, "De taak hoort al bij dit team."},
		}),
		unchanged(tests.ApiScenario{
			Name:            "anna offers her task to BOB",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         auth(f.annaT),
			Body:            offer(map[string]any{"task": f.task[weekoverleg], "from_user": f.anna, "to_team": f.bob}),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"to_team":{"code":"validation_not_buurtteam"`, "Een taak kan alleen naar een buurtteam."},
		}),
		unchanged(tests.ApiScenario{
			Name:            "anna offers her task to bram and to Schalkwijk",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         auth(f.annaT),
			Body:            offer(map[string]any{"task": f.task[weekoverleg], "from_user": f.anna, "to_user": f.bram, "to_team": f.schalkwijk}),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"to_team":{"code":"validation_both"`, "Kies een collega óf een team, niet allebei."},
		}),
		unchanged(tests.ApiScenario{
			Name:            "anna offers her task to nobody",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         auth(f.annaT),
			Body:            offer(map[string]any{"task": f.task[weekoverleg], "from_user": f.anna}),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"to_user":{"code":"validation_required"`, "Kies een collega of een team om de taak aan over te dragen."},
		}),
	})
}

func TestHandoverAnswer(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	url := "/api/collections/task_transfers/records/" + f.offer
	answered := func(status string) func(testing.TB, *tests.TestApp, *core.ServeEvent) {
		return func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
			update(t, app, "task_transfers", f.offer, map[string]any{"status": status, "responded_by": f.anna, "responded_at": types.NowDateTime()})
		}
	}
	offered := fmt.Sprintf("handover_offered: Bram Jansen wil de taak %q aan je overdragen", wondzorg)

	run(t, []tests.ApiScenario{
		{
			Name:            "anna accepts bram's offer",
			Method:          http.MethodPatch,
			URL:             url,
			Headers:         auth(f.annaT),
			Body:            body(`{"status":"accepted"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"status":"accepted"`, `"responded_by":"` + f.anna + `"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				wantField(t, app, "tasks", f.task[wondzorg], "assignee", f.anna)
				wantField(t, app, "tasks", f.task[wondzorg], "team", f.haarlem)
				if record(t, app, "task_transfers", f.offer).GetDateTime("responded_at").IsZero() {
					t.Error("responded_at is empty")
				}
				wantHistory(t, app, f.task[wondzorg], append(demoHistory(f, wondzorg), "handover_accepted by "+f.anna, "assigned by "+f.anna)...)
				wantNotifications(t, app, f.bram, assignedNote(wondzorg),
					fmt.Sprintf("handover_accepted: Anna de Vries heeft de taak %q aangenomen", wondzorg))
				wantNotifications(t, app, f.anna, offered) // she took it herself: no "assigned to you"
			},
		},
		{
			Name:            "anna declines bram's offer",
			Method:          http.MethodPatch,
			URL:             url,
			Headers:         auth(f.annaT),
			Body:            body(`{"status":"declined"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"status":"declined"`, "Ik ben morgen vrij"},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				wantField(t, app, "tasks", f.task[wondzorg], "assignee", f.bram)
				wantHistory(t, app, f.task[wondzorg], append(demoHistory(f, wondzorg), "handover_declined by "+f.anna)...)
				wantNotifications(t, app, f.bram, assignedNote(wondzorg),
					fmt.Sprintf("handover_declined: Anna de Vries heeft de taak %q niet aangenomen", wondzorg))
			},
		},
		{
			Name:            "bram withdraws his offer",
			Method:          http.MethodPatch,
			URL:             url,
			Headers:         auth(f.bramT),
			Body:            body(`{"status":"cancelled"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"status":"cancelled"`, `"responded_by":"` + f.bram + `"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				wantField(t, app, "tasks", f.task[wondzorg], "assignee", f.bram)
				wantHistory(t, app, f.task[wondzorg], append(demoHistory(f, wondzorg), "handover_cancelled by "+f.bram)...)
			},
		},
		{
			Name:            "bram changes the note of his pending offer",
			Method:          http.MethodPatch,
			URL:             url,
			Headers:         auth(f.bramT),
			Body:            body(`{"note":"Vrijdag ben ik er weer"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"status":"pending"`, "Vrijdag ben ik er weer", `"responded_by":""`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				wantHistory(t, app, f.task[wondzorg], demoHistory(f, wondzorg)...)
			},
		},
		unchanged(tests.ApiScenario{
			Name:            "bram accepts his own offer",
			Method:          http.MethodPatch,
			URL:             url,
			Headers:         auth(f.bramT),
			Body:            body(`{"status":"accepted"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"status":{"code":"validation_own_offer"`, "Je kunt je eigen aanbod niet aannemen of weigeren."},
		}),
		unchanged(tests.ApiScenario{
			Name:            "bram declines his own offer",
			Method:          http.MethodPatch,
			URL:             url,
			Headers:         auth(f.bramT),
			Body:            body(`{"status":"declined"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{"eigen aanbod"},
		}),
		unchanged(tests.ApiScenario{
			Name:            "dirk, in the team but not offered the task, accepts",
			Method:          http.MethodPatch,
			URL:             url,
			Headers:         auth(f.dirkT),
			Body:            body(`{"status":"accepted"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"status":{"code":"validation_not_receiver"`, "Alleen wie de taak krijgt aangeboden kan het aanbod aannemen of weigeren."},
		}),
		unchanged(tests.ApiScenario{
			Name:            "dirk declines for anna",
			Method:          http.MethodPatch,
			URL:             url,
			Headers:         auth(f.dirkT),
			Body:            body(`{"status":"declined"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{"validation_not_receiver"},
		}),
		unchanged(tests.ApiScenario{
			Name:            "carla, outside the team, accepts",
			Method:          http.MethodPatch,
			URL:             url,
			Headers:         auth(f.carlaT),
			Body:            body(`{"status":"accepted"}`),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
		}),
		unchanged(tests.ApiScenario{
			Name:            "anna withdraws bram's offer",
			Method:          http.MethodPatch,
			URL:             url,
			Headers:         auth(f.annaT),
			Body:            body(`{"status":"cancelled"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"status":{"code":"validation_not_sender"`, "Alleen wie de taak aanbiedt kan het aanbod wijzigen of intrekken."},
		}),
		unchanged(tests.ApiScenario{
			Name:            "dirk withdraws bram's offer",
			Method:          http.MethodPatch,
			URL:             url,
			Headers:         auth(f.dirkT),
			Body:            body(`{"status":"cancelled"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{"validation_not_sender"},
		}),
		unchanged(tests.ApiScenario{
			Name:            "anna rewrites bram's note",
			Method:          http.MethodPatch,
			URL:             url,
			Headers:         auth(f.annaT),
			Body:            body(`{"note":"Anders"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{"validation_not_sender"},
		}),
		unchanged(tests.ApiScenario{
			Name:           "anna accepts an offer she declined",
			Method:         http.MethodPatch,
			URL:            url,
			Headers:        auth(f.annaT),
			Body:           body(`{"status":"accepted"}`),
			BeforeTestFunc: answered("declined"),
			ExpectedStatus: 409,
			ExpectedContent: []string{"Deze overdracht is al afgehandeld: Anna de Vries heeft het aanbod geweigerd.",
				`"@request":{"code":"tasks_offer_declined"`, `"params":{"name":"Anna de Vries"}`},
		}),
		unchanged(tests.ApiScenario{
			Name:            "anna declines an offer she accepted",
			Method:          http.MethodPatch,
			URL:             url,
			Headers:         auth(f.annaT),
			Body:            body(`{"status":"declined"}`),
			BeforeTestFunc:  answered("accepted"),
			ExpectedStatus:  409,
			ExpectedContent: []string{"Deze overdracht is al afgehandeld: Anna de Vries heeft de taak aangenomen.", `"code":"tasks_offer_accepted"`},
		}),
		unchanged(tests.ApiScenario{
			Name:            "bram withdraws an offer anna accepted",
			Method:          http.MethodPatch,
			URL:             url,
			Headers:         auth(f.bramT),
			Body:            body(`{"status":"cancelled"}`),
			BeforeTestFunc:  answered("accepted"),
			ExpectedStatus:  409,
			ExpectedContent: []string{"Deze overdracht is al afgehandeld"},
		}),
		unchanged(tests.ApiScenario{
			Name:            "anna accepts an offer bram withdrew",
			Method:          http.MethodPatch,
			URL:             url,
			Headers:         auth(f.annaT),
			Body:            body(`{"status":"accepted"}`),
			BeforeTestFunc:  answered("cancelled"),
			ExpectedStatus:  409,
			ExpectedContent: []string{"Deze overdracht is al afgehandeld: het aanbod is ingetrokken.", `"code":"tasks_offer_withdrawn"`},
		}),
		unchanged(tests.ApiScenario{
			Name:            "bram reopens an offer anna declined",
			Method:          http.MethodPatch,
			URL:             url,
			Headers:         auth(f.bramT),
			Body:            body(`{"status":"pending"}`),
			BeforeTestFunc:  answered("declined"),
			ExpectedStatus:  409,
			ExpectedContent: []string{"Deze overdracht is al afgehandeld"},
		}),
		unchanged(tests.ApiScenario{
			Name:            "anna accepts the offer as made to dirk",
			Method:          http.MethodPatch,
			URL:             url,
			Headers:         auth(f.annaT),
			Body:            body(`{"status":"accepted","to_user":"` + f.dirk + `"}`),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
		}),
		unchanged(tests.ApiScenario{
			Name:            "bram points his offer at another task",
			Method:          http.MethodPatch,
			URL:             url,
			Headers:         auth(f.bramT),
			Body:            body(`{"task":"` + f.task[medicatie] + `"}`),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
		}),
		unchanged(tests.ApiScenario{
			Name:            "bram makes his offer look like dirk's",
			Method:          http.MethodPatch,
			URL:             url,
			Headers:         auth(f.bramT),
			Body:            body(`{"from_user":"` + f.dirk + `"}`),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
		}),
		unchanged(tests.ApiScenario{
			Name:            "bram redirects his offer to Schalkwijk",
			Method:          http.MethodPatch,
			URL:             url,
			Headers:         auth(f.bramT),
			Body:            body(`{"to_team":"` + f.schalkwijk + `"}`),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
		}),
		unchanged(tests.ApiScenario{
			Name:            "bram retitles the offered task",
			Method:          http.MethodPatch,
			URL:             url,
			Headers:         auth(f.bramT),
			Body:            body(`{"task_title":"Iets makkelijks"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"task_title":{"code":"validation_server_field"`, "vult de server zelf in"},
		}),
	})
}

// teamOffer is the id of the offer of medicatie to Schalkwijk that
// TestHandoverToTeam's scenarios start from.
const teamOffer = "teamoffer000001"

func TestHandoverToTeam(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	toSchalkwijk := func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
		saveOffer(t, app, map[string]any{"id": teamOffer, "task": f.task[medicatie], "from_user": f.anna, "to_team": f.schalkwijk})
	}
	// taken is toSchalkwijk, accepted by carla
	taken := func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
		toSchalkwijk(t, app, e)
		update(t, app, "task_transfers", teamOffer, map[string]any{"status": "accepted", "responded_by": f.carla})
		update(t, app, "tasks", f.task[medicatie], map[string]any{"team": f.schalkwijk, "assignee": f.carla})
	}
	url := "/api/collections/task_transfers/records/" + teamOffer
	accepted := func(by, name string) func(testing.TB, *tests.TestApp, *http.Response) {
		return func(t testing.TB, app *tests.TestApp, res *http.Response) {
			wantField(t, app, "tasks", f.task[medicatie], "team", f.schalkwijk)
			wantField(t, app, "tasks", f.task[medicatie], "assignee", by)
			wantHistory(t, app, f.task[medicatie], "created by "+f.anna, "handover_accepted by "+by, "assigned by "+by)
			wantNotifications(t, app, f.anna, fmt.Sprintf("handover_offered: Bram Jansen wil de taak %q aan je overdragen", wondzorg),
				fmt.Sprintf("handover_accepted: %s heeft de taak %q aangenomen", name, medicatie))
		}
	}

	run(t, []tests.ApiScenario{
		{
			Name:            "carla accepts for Schalkwijk: the task moves to her team and to her",
			Method:          http.MethodPatch,
			URL:             url,
			Headers:         auth(f.carlaT),
			Body:            body(`{"status":"accepted"}`),
			BeforeTestFunc:  toSchalkwijk,
			ExpectedStatus:  200,
			ExpectedContent: []string{`"status":"accepted"`, `"responded_by":"` + f.carla + `"`},
			AfterTestFunc:   accepted(f.carla, "Carla Bakker"),
		},
		{
			Name:            "dirk, in both teams, accepts for Schalkwijk",
			Method:          http.MethodPatch,
			URL:             url,
			Headers:         auth(f.dirkT),
			Body:            body(`{"status":"accepted"}`),
			BeforeTestFunc:  toSchalkwijk,
			ExpectedStatus:  200,
			ExpectedContent: []string{`"status":"accepted"`},
			AfterTestFunc:   accepted(f.dirk, "Dirk Visser"),
		},
		{
			Name:            "carla declines for Schalkwijk: the task stays in Haarlem-Noord",
			Method:          http.MethodPatch,
			URL:             url,
			Headers:         auth(f.carlaT),
			Body:            body(`{"status":"declined"}`),
			BeforeTestFunc:  toSchalkwijk,
			ExpectedStatus:  200,
			ExpectedContent: []string{`"status":"declined"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				wantField(t, app, "tasks", f.task[medicatie], "team", f.haarlem)
				wantField(t, app, "tasks", f.task[medicatie], "assignee", "")
				wantHistory(t, app, f.task[medicatie], "created by "+f.anna, "handover_declined by "+f.carla)
			},
		},
		{
			Name:            "anna withdraws her offer to Schalkwijk",
			Method:          http.MethodPatch,
			URL:             url,
			Headers:         auth(f.annaT),
			Body:            body(`{"status":"cancelled"}`),
			BeforeTestFunc:  toSchalkwijk,
			ExpectedStatus:  200,
			ExpectedContent: []string{`"status":"cancelled"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				wantField(t, app, "tasks", f.task[medicatie], "team", f.haarlem)
				wantHistory(t, app, f.task[medicatie], "created by "+f.anna, "handover_cancelled by "+f.anna)
			},
		},
		unchanged(tests.ApiScenario{
			Name:            "bram, in Haarlem-Noord, accepts for Schalkwijk",
			Method:          http.MethodPatch,
			URL:             url,
			Headers:         auth(f.bramT),
			Body:            body(`{"status":"accepted"}`),
			BeforeTestFunc:  toSchalkwijk,
			ExpectedStatus:  400,
			ExpectedContent: []string{`"status":{"code":"validation_not_receiver"`},
		}),
		unchanged(tests.ApiScenario{
			Name:            "anna accepts her own offer to Schalkwijk",
			Method:          http.MethodPatch,
			URL:             url,
			Headers:         auth(f.annaT),
			Body:            body(`{"status":"accepted"}`),
			BeforeTestFunc:  toSchalkwijk,
			ExpectedStatus:  400,
			ExpectedContent: []string{"Je kunt je eigen aanbod niet aannemen of weigeren."},
		}),
		unchanged(tests.ApiScenario{
			Name:            "eva, in Heemstede, accepts for Schalkwijk",
			Method:          http.MethodPatch,
			URL:             url,
			Headers:         auth(f.evaT),
			Body:            body(`{"status":"accepted"}`),
			BeforeTestFunc:  toSchalkwijk,
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
		}),
		unchanged(tests.ApiScenario{
			Name:            "carla withdraws anna's offer",
			Method:          http.MethodPatch,
			URL:             url,
			Headers:         auth(f.carlaT),
			Body:            body(`{"status":"cancelled"}`),
			BeforeTestFunc:  toSchalkwijk,
			ExpectedStatus:  400,
			ExpectedContent: []string{"validation_not_sender"},
		}),
		unchanged(tests.ApiScenario{
			Name:            "dirk accepts after carla took the task",
			Method:          http.MethodPatch,
			URL:             url,
			Headers:         auth(f.dirkT),
			Body:            body(`{"status":"accepted"}`),
			BeforeTestFunc:  taken,
			ExpectedStatus:  409,
			ExpectedContent: []string{"Deze overdracht is al afgehandeld: Carla Bakker heeft de taak aangenomen."},
		}),
		{
			Name:            "anna still sees her offer once Schalkwijk took the task",
			Method:          http.MethodGet,
			URL:             url,
			Headers:         auth(f.annaT),
			BeforeTestFunc:  taken,
			ExpectedStatus:  200,
			ExpectedContent: []string{`"status":"accepted"`, `"responded_by":"` + f.carla + `"`},
		},
		{
			Name:               "anna no longer sees the task itself",
			Method:             http.MethodGet,
			URL:                "/api/collections/tasks/records/" + f.task[medicatie],
			Headers:            auth(f.annaT),
			BeforeTestFunc:     taken,
			ExpectedStatus:     404,
			NotExpectedContent: []string{"apotheek Zijlweg"},
		},
		{
			Name:            "carla sees the task and its history from Haarlem-Noord",
			Method:          http.MethodGet,
			URL:             "/api/collections/task_events/records?filter=" + q(`task = "`+f.task[medicatie]+`"`),
			Headers:         auth(f.carlaT),
			BeforeTestFunc:  taken,
			ExpectedStatus:  200,
			ExpectedContent: []string{`"totalItems":1`, `"kind":"created"`},
		},
		{
			Name:            "bram, in Haarlem-Noord, no longer sees its history",
			Method:          http.MethodGet,
			URL:             "/api/collections/task_events/records?filter=" + q(`task = "`+f.task[medicatie]+`"`),
			Headers:         auth(f.bramT),
			BeforeTestFunc:  taken,
			ExpectedStatus:  200,
			ExpectedContent: []string{`"totalItems":0`},
		},
	})
}

// TestEventsWrittenByServerOnly checks that nobody edits a task's history.
func TestEventsWrittenByServerOnly(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	run(t, []tests.ApiScenario{
		unchanged(tests.ApiScenario{
			Name:            "bram writes a history line",
			Method:          http.MethodPost,
			URL:             "/api/collections/task_events/records",
			Headers:         auth(f.bramT),
			Body:            body(`{"task":"` + f.task[wondzorg] + `","actor":"` + f.anna + `","kind":"handover_accepted"}`),
			ExpectedStatus:  403,
			ExpectedContent: []string{`"status":403`},
		}),
		unchanged(tests.ApiScenario{
			Name:            "anna, coordinator, rewrites a history line",
			Method:          http.MethodPatch,
			URL:             "/api/collections/task_events/records/" + f.wondzorgEvent,
			Headers:         auth(f.annaT),
			Body:            body(`{"actor":"` + f.bram + `"}`),
			ExpectedStatus:  403,
			ExpectedContent: []string{`"status":403`},
		}),
		unchanged(tests.ApiScenario{
			Name:            "anna, coordinator, deletes a history line",
			Method:          http.MethodDelete,
			URL:             "/api/collections/task_events/records/" + f.wondzorgEvent,
			Headers:         auth(f.annaT),
			ExpectedStatus:  403,
			ExpectedContent: []string{`"status":403`},
		}),
		unchanged(tests.ApiScenario{
			Name:    "bram writes a history line in a batch",
			Method:  http.MethodPost,
			URL:     "/api/batch",
			Headers: auth(f.bramT),
			Body: body(`{"requests":[{"method":"POST","url":"/api/collections/task_events/records","body":{"task":"` +
				f.task[wondzorg] + `","kind":"created"}}]}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"status":400`},
		}),
	})
}

// TestHandoverRace lets carla and dirk accept the same team offer at the
// same moment, against one served app, round after round: exactly one of
// them gets the task, the other a 409 that names who took it.
func TestHandoverRace(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	app := testapp.New(t)
	server := testapp.Serve(t, app)
	api := server.URL + "/api/collections/"

	receivers := map[string]string{f.carla: f.carlaT, f.dirk: f.dirkT}
	names := map[string]string{f.carla: "Carla Bakker", f.dirk: "Dirk Visser"}
	wins := map[string]int{}

	type answer struct {
		user, body string
		code       int
		err        error
	}

	for round := range 10 {
		title := fmt.Sprintf("Cliënt verhuist naar Schalkwijk %d", round)
		code, res := do(t, http.MethodPost, api+"tasks/records", f.bramT,
			map[string]any{"team": f.haarlem, "title": title, "created_by": f.bram, "assignee": f.bram})
		if code != 200 {
			t.Fatalf("round %d: creating the task: %d %s", round, code, res)
		}
		taskId := idOf(t, res)
		code, res = do(t, http.MethodPost, api+"task_transfers/records", f.bramT,
			map[string]any{"task": taskId, "from_user": f.bram, "to_team": f.schalkwijk})
		if code != 200 {
			t.Fatalf("round %d: offering the task: %d %s", round, code, res)
		}
		offerId := idOf(t, res)

		start := make(chan struct{})
		answers := make(chan answer, len(receivers))
		var ready sync.WaitGroup
		for user, token := range receivers {
			ready.Add(1)
			go func() {
				req, err := http.NewRequest(http.MethodPatch, api+"task_transfers/records/"+offerId, strings.NewReader(`{"status":"accepted"}`))
				if err != nil {
					ready.Done()
					answers <- answer{user: user, err: err}
					return
				}
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", token)
				ready.Done()
				<-start
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					answers <- answer{user: user, err: err}
					return
				}
				defer res.Body.Close()
				b, err := io.ReadAll(res.Body)
				answers <- answer{user: user, code: res.StatusCode, body: string(b), err: err}
			}()
		}
		ready.Wait()
		close(start) // both requests leave together

		var winner, loser answer
		for range receivers {
			a := <-answers
			if a.err != nil {
				t.Fatalf("round %d: %s's request: %v", round, names[a.user], a.err)
			}
			switch {
			case a.code == 200 && winner.user == "":
				winner = a
			case a.code == 409 && loser.user == "":
				loser = a
			default:
				t.Fatalf("round %d: %s got %d %s; want one 200 and one 409", round, names[a.user], a.code, a.body)
			}
		}
		wins[winner.user]++

		want := fmt.Sprintf("Deze overdracht is al afgehandeld: %s heeft de taak aangenomen.", names[winner.user])
		var apiErr struct{ Message string }
		if err := json.Unmarshal([]byte(loser.body), &apiErr); err != nil || apiErr.Message != want {
			t.Errorf("round %d: %s's 409 says %q, want %q", round, names[loser.user], loser.body, want)
		}

		wantField(t, app, "tasks", taskId, "team", f.schalkwijk)
		wantField(t, app, "tasks", taskId, "assignee", winner.user)
		wantField(t, app, "task_transfers", offerId, "status", "accepted")
		wantField(t, app, "task_transfers", offerId, "responded_by", winner.user)
		wantHistory(t, app, taskId, "created by "+f.bram, "assigned by "+f.bram, "handover_offered by "+f.bram,
			"handover_accepted by "+winner.user, "assigned by "+winner.user)
		accepted := 0
		for _, n := range notifications(t, app, f.bram) {
			if strings.HasPrefix(n, "handover_accepted:") && strings.Contains(n, title) {
				accepted++
			}
		}
		if accepted != 1 {
			t.Errorf("round %d: bram got %d notifications that his task was taken, want 1", round, accepted)
		}
	}
	t.Logf("winners: carla %d, dirk %d", wins[f.carla], wins[f.dirk])
}
