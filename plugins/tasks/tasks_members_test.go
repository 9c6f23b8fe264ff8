package tasks_test

import (
	"net/http"
	"testing"

	"buurtplein/plugins/tasks"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// Records TestMemberLeaves adds around bram before he leaves Haarlem-Noord.
const (
	bramInProgress   = "bramprogress001" // his task in progress in Haarlem-Noord
	bramDone         = "bramdonetask001" // his finished task in Haarlem-Noord
	offerToBram      = "offertobram0001" // anna offers weekoverleg to bram
	bramToSchalkwijk = "bramtoteam00001" // bram offers medicatie to Schalkwijk
	bramInSchalkwijk = "bramschalkwijk1" // bram offers his Schalkwijk task to carla
)

// TestMemberLeaves checks that someone who leaves a team, or is removed
// from it, gives their open tasks there back to the team and has their
// pending offers there withdrawn, and that nothing else of theirs changes.
func TestMemberLeaves(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	// bram in Schalkwijk too, with a task and an offer there, and more
	// tasks and offers in Haarlem-Noord
	bramEverywhere := func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
		addMember(t, app, f.schalkwijk, f.bram, "member")
		update(t, app, "tasks", f.task[hulpmiddelen], map[string]any{"assignee": f.bram})
		saveOffer(t, app, map[string]any{"id": bramInSchalkwijk, "task": f.task[hulpmiddelen], "from_user": f.bram, "to_user": f.carla})
		saveTask(t, app, map[string]any{"id": bramInProgress, "team": f.haarlem, "title": "Bezig", "status": "in_progress", "assignee": f.bram, "created_by": f.bram})
		saveTask(t, app, map[string]any{"id": bramDone, "team": f.haarlem, "title": "Klaar", "status": "done", "assignee": f.bram, "created_by": f.bram})
		saveOffer(t, app, map[string]any{"id": offerToBram, "task": f.task[weekoverleg], "from_user": f.anna, "to_user": f.bram})
		saveOffer(t, app, map[string]any{"id": bramToSchalkwijk, "task": f.task[medicatie], "from_user": f.bram, "to_team": f.schalkwijk})
	}
	bramGone := func(t testing.TB, app *tests.TestApp, res *http.Response) {
		if ok, _ := app.CountRecords("memberships", nil); ok != 7 { // 6 demo + Schalkwijk - Haarlem-Noord
			t.Errorf("%d memberships, want 7", ok)
		}
		// his open tasks in Haarlem-Noord go back to the team
		wantField(t, app, "tasks", f.task[wondzorg], "assignee", "")
		wantField(t, app, "tasks", bramInProgress, "assignee", "")
		wantHistory(t, app, f.task[wondzorg], append(demoHistory(f, wondzorg), "returned_to_team by -", "handover_cancelled by -")...)
		wantHistory(t, app, bramInProgress, "returned_to_team by -")
		// his pending offers there, to and from him, are withdrawn
		for _, id := range []string{f.offer, offerToBram, bramToSchalkwijk} {
			wantField(t, app, "task_transfers", id, "status", "cancelled")
		}
		wantHistory(t, app, f.task[weekoverleg], append(demoHistory(f, weekoverleg), "handover_cancelled by -")...)
		wantReason(t, app, f.task[weekoverleg], tasks.ReasonMemberLeft)
		wantField(t, app, "tasks", f.task[weekoverleg], "assignee", f.anna)
		// a finished task keeps who did it; Schalkwijk is untouched
		wantField(t, app, "tasks", bramDone, "assignee", f.bram)
		wantHistory(t, app, bramDone)
		wantField(t, app, "tasks", f.task[hulpmiddelen], "assignee", f.bram)
		wantField(t, app, "task_transfers", bramInSchalkwijk, "status", "pending")
		wantHistory(t, app, f.task[hulpmiddelen], "created by "+f.dirk)
		wantField(t, app, "tasks", f.task[sleutel], "assignee", f.dirk)
	}

	run(t, []tests.ApiScenario{
		{
			Name:           "anna, coordinator, removes bram from Haarlem-Noord",
			Method:         http.MethodDelete,
			URL:            "/api/collections/memberships/records/" + f.bramHaarlem,
			Headers:        auth(f.annaT),
			BeforeTestFunc: bramEverywhere,
			ExpectedStatus: 204,
			AfterTestFunc:  bramGone,
		},
		{
			Name:           "bram leaves Haarlem-Noord himself",
			Method:         http.MethodDelete,
			URL:            "/api/collections/memberships/records/" + f.bramHaarlem,
			Headers:        auth(f.bramT),
			BeforeTestFunc: bramEverywhere,
			ExpectedStatus: 204,
			AfterTestFunc:  bramGone,
		},
		{
			Name:           "IT removes bram from Haarlem-Noord",
			Method:         http.MethodDelete,
			URL:            "/api/collections/memberships/records/" + f.bramHaarlem,
			Headers:        auth(f.superuserT),
			BeforeTestFunc: bramEverywhere,
			ExpectedStatus: 204,
			AfterTestFunc:  bramGone,
		},
		{
			Name:    "anna removes dirk from Haarlem-Noord: his Schalkwijk task stays his",
			Method:  http.MethodDelete,
			URL:     "/api/collections/memberships/records/" + f.dirkHaarlem,
			Headers: auth(f.annaT),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
				update(t, app, "tasks", f.task[hulpmiddelen], map[string]any{"assignee": f.dirk})
			},
			ExpectedStatus: 204,
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				wantField(t, app, "tasks", f.task[sleutel], "assignee", "")
				wantHistory(t, app, f.task[sleutel], append(demoHistory(f, sleutel), "returned_to_team by -")...)
				wantField(t, app, "tasks", f.task[hulpmiddelen], "assignee", f.dirk)
				wantHistory(t, app, f.task[hulpmiddelen], "created by "+f.dirk)
				wantField(t, app, "tasks", f.task[wondzorg], "assignee", f.bram)
				wantField(t, app, "task_transfers", f.offer, "status", "pending")
			},
		},
		unchanged(tests.ApiScenario{
			Name:            "carla removes bram from Haarlem-Noord",
			Method:          http.MethodDelete,
			URL:             "/api/collections/memberships/records/" + f.bramHaarlem,
			Headers:         auth(f.carlaT),
			BeforeTestFunc:  bramEverywhere,
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
		}),
		unchanged(tests.ApiScenario{
			Name:            "anna, the last coordinator, leaves: her tasks stay hers",
			Method:          http.MethodDelete,
			URL:             "/api/collections/memberships/records/" + f.annaHaarlem,
			Headers:         auth(f.annaT),
			ExpectedStatus:  400,
			ExpectedContent: []string{"laatste coördinator"},
		}),
	})
}
