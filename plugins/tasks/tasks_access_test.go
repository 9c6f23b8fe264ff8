package tasks_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// TestTasksReadAccess checks that only the members of a task's team see the
// task, its history and its offers, on every read path.
func TestTasksReadAccess(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	haarlemIds := []string{f.task[wondzorg], f.task[medicatie], f.task[weekoverleg], f.task[sleutel]}
	notHaarlem := append(append([]string{}, haarlemTitles...), haarlemIds...)

	// medicatie offered by anna to Schalkwijk as a whole: carla and dirk are
	// the receivers and see the offer, not the task itself
	offerToSchalkwijk := func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
		saveOffer(t, app, map[string]any{"task": f.task[medicatie], "from_user": f.anna, "to_team": f.schalkwijk, "note": "Cliënt verhuist naar Schalkwijk"})
	}

	run(t, []tests.ApiScenario{
		{
			Name:               "carla lists tasks: only Schalkwijk's",
			Method:             http.MethodGet,
			URL:                "/api/collections/tasks/records?perPage=100",
			Headers:            auth(f.carlaT),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":2`, intake, hulpmiddelen},
			NotExpectedContent: append([]string{inwerkplan, posters}, notHaarlem...),
		},
		{
			Name:               "carla views a Haarlem-Noord task",
			Method:             http.MethodGet,
			URL:                "/api/collections/tasks/records/" + f.task[wondzorg],
			Headers:            auth(f.carlaT),
			ExpectedStatus:     404,
			NotExpectedContent: []string{wondzorg, "Verband"},
		},
		{
			Name:               "carla filters tasks on Haarlem-Noord's team id",
			Method:             http.MethodGet,
			URL:                "/api/collections/tasks/records?filter=" + q(`team = "`+f.haarlem+`"`),
			Headers:            auth(f.carlaT),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":0`},
			NotExpectedContent: notHaarlem,
		},
		{
			Name:               "carla filters tasks on the team's slug and the assignee's name",
			Method:             http.MethodGet,
			URL:                "/api/collections/tasks/records?filter=" + q(`team.slug = "haarlem-noord" || assignee.name = "Bram Jansen"`),
			Headers:            auth(f.carlaT),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":0`},
			NotExpectedContent: notHaarlem,
		},
		{
			Name:               "carla lists the history: only Schalkwijk's tasks",
			Method:             http.MethodGet,
			URL:                "/api/collections/task_events/records?perPage=100",
			Headers:            auth(f.carlaT),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":3`, f.task[intake], f.task[hulpmiddelen]},
			NotExpectedContent: append([]string{f.wondzorgEvent}, haarlemIds...),
		},
		{
			Name:               "carla views a Haarlem-Noord history line",
			Method:             http.MethodGet,
			URL:                "/api/collections/task_events/records/" + f.wondzorgEvent,
			Headers:            auth(f.carlaT),
			ExpectedStatus:     404,
			NotExpectedContent: []string{f.task[wondzorg]},
		},
		{
			Name:               "carla filters the history on a Haarlem-Noord task's title",
			Method:             http.MethodGet,
			URL:                "/api/collections/task_events/records?filter=" + q(`task.title = "`+wondzorg+`" || task = "`+f.task[wondzorg]+`"`),
			Headers:            auth(f.carlaT),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":0`},
			NotExpectedContent: []string{f.wondzorgEvent},
		},
		{
			Name:               "carla lists offers: not Haarlem-Noord's internal one",
			Method:             http.MethodGet,
			URL:                "/api/collections/task_transfers/records",
			Headers:            auth(f.carlaT),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":0`},
			NotExpectedContent: []string{f.offer, wondzorg},
		},
		{
			Name:               "carla views Haarlem-Noord's internal offer",
			Method:             http.MethodGet,
			URL:                "/api/collections/task_transfers/records/" + f.offer,
			Headers:            auth(f.carlaT),
			ExpectedStatus:     404,
			NotExpectedContent: []string{wondzorg},
		},
		{
			Name:               "carla expands the history and the offers into their tasks",
			Method:             http.MethodGet,
			URL:                "/api/collections/task_events/records?perPage=100&expand=" + q("task,task.assignee,actor"),
			Headers:            auth(f.carlaT),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":3`, intake},
			NotExpectedContent: notHaarlem,
		},
		{
			Name:               "carla expands teams into their tasks",
			Method:             http.MethodGet,
			URL:                "/api/collections/teams/records?expand=" + q("tasks_via_team,tasks_via_team.task_events_via_task"),
			Headers:            auth(f.carlaT),
			ExpectedStatus:     200,
			ExpectedContent:    []string{"Buurtteam Haarlem-Noord", intake, hulpmiddelen},
			NotExpectedContent: append([]string{inwerkplan, f.wondzorgEvent}, notHaarlem...),
		},
		{
			Name:               "carla expands users into their tasks, offers and notifications",
			Method:             http.MethodGet,
			URL:                "/api/collections/users/records?perPage=100&expand=" + q("tasks_via_assignee,task_transfers_via_from_user,task_transfers_via_to_user,notifications_via_user,task_events_via_actor"),
			Headers:            auth(f.carlaT),
			ExpectedStatus:     200,
			ExpectedContent:    []string{"Bram Jansen", intake},
			NotExpectedContent: append([]string{f.offer, "Nieuwe taak voor jou", "overdragen", f.wondzorgEvent}, notHaarlem...),
		},
		{
			Name:               "carla, receiver of a team offer, sees the offer but not the task behind it",
			Method:             http.MethodGet,
			URL:                "/api/collections/task_transfers/records?expand=" + q("task,task.assignee"),
			Headers:            auth(f.carlaT),
			BeforeTestFunc:     offerToSchalkwijk,
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":1`, `"task_title":"` + medicatie + `"`, "Cliënt verhuist naar Schalkwijk"},
			NotExpectedContent: []string{`"expand":{"`, "apotheek Zijlweg", f.offer},
		},
		{
			Name:               "carla, receiver of a team offer, filters offers on the task's description",
			Method:             http.MethodGet,
			URL:                "/api/collections/task_transfers/records?filter=" + q(`task.description ~ "Zijlweg"`),
			Headers:            auth(f.carlaT),
			BeforeTestFunc:     offerToSchalkwijk,
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":0`},
			NotExpectedContent: []string{medicatie},
		},
		{
			Name:               "carla, receiver of a team offer, views the task behind it",
			Method:             http.MethodGet,
			URL:                "/api/collections/tasks/records/" + f.task[medicatie],
			Headers:            auth(f.carlaT),
			BeforeTestFunc:     offerToSchalkwijk,
			ExpectedStatus:     404,
			NotExpectedContent: []string{"apotheek Zijlweg"},
		},
		{
			Name:           "dirk lists tasks: both his teams",
			Method:         http.MethodGet,
			URL:            "/api/collections/tasks/records?perPage=100",
			Headers:        auth(f.dirkT),
			ExpectedStatus: 200,
			// the tasks demo's six, and the two agreed actions of the
			// regie demo's plan
			ExpectedContent: append([]string{`"totalItems":8`, intake, hulpmiddelen}, haarlemTitles...),
		},
		{
			Name:            "dirk views a Haarlem-Noord task and its history",
			Method:          http.MethodGet,
			URL:             "/api/collections/tasks/records/" + f.task[wondzorg] + "?expand=" + q("task_events_via_task,task_transfers_via_task"),
			Headers:         auth(f.dirkT),
			ExpectedStatus:  200,
			ExpectedContent: []string{wondzorg, f.wondzorgEvent, f.offer},
		},
		{
			Name:            "dirk lists offers: Haarlem-Noord's internal one",
			Method:          http.MethodGet,
			URL:             "/api/collections/task_transfers/records",
			Headers:         auth(f.dirkT),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"totalItems":1`, f.offer},
		},
		{
			Name:               "eva (Heemstede) lists tasks: only Heemstede's",
			Method:             http.MethodGet,
			URL:                "/api/collections/tasks/records?perPage=100",
			Headers:            auth(f.evaT),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":1`, inwerkplan},
			NotExpectedContent: append([]string{intake, posters}, notHaarlem...),
		},
	})
}

// TestNotificationsAccess checks that a notification is its user's alone.
func TestNotificationsAccess(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	run(t, []tests.ApiScenario{
		{
			Name:               "anna lists her notifications",
			Method:             http.MethodGet,
			URL:                "/api/collections/notifications/records",
			Headers:            auth(f.annaT),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":1`, f.annaNotification, `"kind":"handover_offered"`, `"actor":"Bram Jansen"`},
			NotExpectedContent: []string{"task_assigned", f.bramNotification, f.dirkNotification},
		},
		{
			Name:               "bram lists his notifications",
			Method:             http.MethodGet,
			URL:                "/api/collections/notifications/records",
			Headers:            auth(f.bramT),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":1`, `"kind":"task_assigned"`, `"title":"` + wondzorg + `"`},
			NotExpectedContent: []string{"handover_offered", sleutel},
		},
		{
			Name:               "carla filters notifications on anna",
			Method:             http.MethodGet,
			URL:                "/api/collections/notifications/records?filter=" + q(`user = "`+f.anna+`"`),
			Headers:            auth(f.carlaT),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":0`},
			NotExpectedContent: []string{f.annaNotification},
		},
		{
			Name:               "bram views anna's notification",
			Method:             http.MethodGet,
			URL:                "/api/collections/notifications/records/" + f.annaNotification,
			Headers:            auth(f.bramT),
			ExpectedStatus:     404,
			NotExpectedContent: []string{"handover_offered"},
		},
		unchanged(tests.ApiScenario{
			Name:            "bram marks anna's notification read",
			Method:          http.MethodPatch,
			URL:             "/api/collections/notifications/records/" + f.annaNotification,
			Headers:         auth(f.bramT),
			Body:            body(`{"read":true}`),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
		}),
		unchanged(tests.ApiScenario{
			Name:            "bram deletes anna's notification",
			Method:          http.MethodDelete,
			URL:             "/api/collections/notifications/records/" + f.annaNotification,
			Headers:         auth(f.bramT),
			ExpectedStatus:  403,
			ExpectedContent: []string{`"status":403`},
		}),
		unchanged(tests.ApiScenario{
			// a notification is the server's record of what it told him
			Name:            "bram deletes his own notification",
			Method:          http.MethodDelete,
			URL:             "/api/collections/notifications/records/" + f.bramNotification,
			Headers:         auth(f.bramT),
			ExpectedStatus:  403,
			ExpectedContent: []string{`"status":403`},
		}),
		unchanged(tests.ApiScenario{
			Name:            "bram changes the kind of his own notification",
			Method:          http.MethodPatch,
			URL:             "/api/collections/notifications/records/" + f.bramNotification,
			Headers:         auth(f.bramT),
			Body:            body(`{"kind":"team_added"}`),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
		}),
		unchanged(tests.ApiScenario{
			Name:            "bram hands his own notification to anna",
			Method:          http.MethodPatch,
			URL:             "/api/collections/notifications/records/" + f.bramNotification,
			Headers:         auth(f.bramT),
			Body:            body(`{"read":true,"user":"` + f.anna + `"}`),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
		}),
		{
			// created is the server's: the value sent is not taken
			Name:               "bram backdates his own notification",
			Method:             http.MethodPatch,
			URL:                "/api/collections/notifications/records/" + f.bramNotification,
			Headers:            auth(f.bramT),
			Body:               body(`{"created":"2020-01-01 00:00:00.000Z"}`),
			ExpectedStatus:     200,
			NotExpectedContent: []string{"2020-01-01"},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				if created := record(t, app, "notifications", f.bramNotification).GetString("created"); strings.HasPrefix(created, "2020") {
					t.Errorf("bram's notification is backdated to %s", created)
				}
			},
		},
		unchanged(tests.ApiScenario{
			Name:            "bram settles his own notification",
			Method:          http.MethodPatch,
			URL:             "/api/collections/notifications/records/" + f.bramNotification,
			Headers:         auth(f.bramT),
			Body:            body(`{"settled":true}`),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
		}),
		unchanged(tests.ApiScenario{
			Name:            "bram rewrites what his own notification is about",
			Method:          http.MethodPatch,
			URL:             "/api/collections/notifications/records/" + f.bramNotification,
			Headers:         auth(f.bramT),
			Body:            body(`{"params":{"title":"Iets anders"},"subject":"x","subject_collection":"teams","sender":"` + f.anna + `"}`),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
		}),
		{
			// anna's demo notification is bram's offer: he sent it
			Name:               "bram expands the notifications he sent",
			Method:             http.MethodGet,
			URL:                "/api/collections/users/records?expand=notifications_via_sender&filter=" + q(`id = "`+f.bram+`"`),
			Headers:            auth(f.bramT),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":1`},
			NotExpectedContent: []string{f.annaNotification, "handover_offered"},
		},
		{
			Name:               "bram filters colleagues on the notifications he sent",
			Method:             http.MethodGet,
			URL:                "/api/collections/users/records?filter=" + q(`notifications_via_sender.params ~ "Wondzorg"`),
			Headers:            auth(f.bramT),
			ExpectedStatus:     400,
			NotExpectedContent: []string{f.anna},
		},
		unchanged(tests.ApiScenario{
			Name:            "carla creates a notification for anna",
			Method:          http.MethodPost,
			URL:             "/api/collections/notifications/records",
			Headers:         auth(f.carlaT),
			Body:            body(`{"user":"` + f.anna + `","kind":"task_assigned","params":{"title":"Nep"}}`),
			ExpectedStatus:  403,
			ExpectedContent: []string{`"status":403`},
		}),
		{
			Name:            "bram marks his own notification read",
			Method:          http.MethodPatch,
			URL:             "/api/collections/notifications/records/" + f.bramNotification,
			Headers:         auth(f.bramT),
			Body:            body(`{"read":true}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"read":true`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				if !record(t, app, "notifications", f.bramNotification).GetBool("read") {
					t.Error("bram's notification is not marked read")
				}
			},
		},
	})
}

// TestAnonymousSeesNoTasks checks every tasks collection and route without
// a signed-in user.
func TestAnonymousSeesNoTasks(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	var scenarios []tests.ApiScenario
	for _, c := range []string{"tasks", "task_transfers", "task_events", "notifications"} {
		scenarios = append(scenarios, tests.ApiScenario{
			Name:               "anonymous lists " + c,
			Method:             http.MethodGet,
			URL:                "/api/collections/" + c + "/records",
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":0`},
			NotExpectedContent: append([]string{intake, "Nieuwe taak"}, haarlemTitles...),
		})
	}
	for path, secret := range map[string]string{
		"tasks/" + f.task[wondzorg]:           wondzorg,
		"task_transfers/" + f.offer:           wondzorg,
		"task_events/" + f.wondzorgEvent:      f.task[wondzorg],
		"notifications/" + f.annaNotification: "handover_offered",
	} {
		scenarios = append(scenarios, tests.ApiScenario{
			Name:               "anonymous views " + path,
			Method:             http.MethodGet,
			URL:                "/api/collections/" + path,
			ExpectedStatus:     404,
			NotExpectedContent: []string{secret},
		})
	}
	scenarios = append(scenarios,
		unchanged(tests.ApiScenario{
			Name:            "anonymous creates a task",
			Method:          http.MethodPost,
			URL:             "/api/collections/tasks/records",
			Body:            body(`{"team":"` + f.haarlem + `","title":"Anoniem","created_by":"` + f.anna + `"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"status":400`},
		}),
		unchanged(tests.ApiScenario{
			Name:            "anonymous accepts the demo offer",
			Method:          http.MethodPatch,
			URL:             "/api/collections/task_transfers/records/" + f.offer,
			Body:            body(`{"status":"accepted"}`),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
		}),
		unchanged(tests.ApiScenario{
			Name:            "anonymous distributes",
			Method:          http.MethodPost,
			URL:             "/api/buurtplein/tasks/distribute",
			Body:            body(`{"team":"` + f.haarlem + `","tasks":["` + f.task[medicatie] + `"],"members":["` + f.bram + `"]}`),
			ExpectedStatus:  401,
			ExpectedContent: []string{`"status":401`},
		}),
		unchanged(tests.ApiScenario{
			Name:            "anonymous hands over",
			Method:          http.MethodPost,
			URL:             "/api/buurtplein/tasks/handover",
			Body:            body(`{"to_user":"` + f.anna + `"}`),
			ExpectedStatus:  401,
			ExpectedContent: []string{`"status":401`},
		}),
	)
	run(t, scenarios)
}

// TestTasksFilterGuard checks that a filter or sort on a readable
// collection cannot look into tasks, offers, history or notifications.
func TestTasksFilterGuard(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	blocked := []struct{ name, url string }{
		{"users by the titles of their tasks", "/api/collections/users/records?filter=" + q(`tasks_via_assignee.title ~ "x"`)},
		{"users by a multi-match on their tasks", "/api/collections/users/records?filter=" + q(`name = "Bram Jansen" && tasks_via_assignee.title !~ "Wondzorg"`)},
		{"users by their notifications", "/api/collections/users/records?filter=" + q(`notifications_via_user.params ~ "x"`)},
		{"users by the offers made to them", "/api/collections/users/records?filter=" + q(`task_transfers_via_to_user.note ~ "vrij"`)},
		{"users by their history", "/api/collections/users/records?filter=" + q(`task_events_via_actor.kind = "handover_offered"`)},
		{"teams by their tasks", "/api/collections/teams/records?filter=" + q(`tasks_via_team.title ?~ "Wondzorg"`)},
		{"teams by the number of their tasks", "/api/collections/teams/records?filter=" + q(`tasks_via_team:length > 3`)},
		{"memberships through the team's tasks", "/api/collections/memberships/records?filter=" + q(`team.tasks_via_team.description ~ "protocol"`)},
		{"an @collection join on tasks", "/api/collections/users/records?filter=" + q(`@collection.tasks.assignee ?= id && @collection.tasks.title ~ "Wondzorg"`)},
		{"an @collection join on notifications", "/api/collections/teams/records?filter=" + q(`@collection.notifications.params ~ "Wondzorg"`)},
		{"a sort on tasks", "/api/collections/users/records?sort=" + q(`-tasks_via_assignee.due`)},
		{"a sort on notifications", "/api/collections/users/records?sort=" + q(`notifications_via_user.created`)},
	}
	var scenarios []tests.ApiScenario
	for _, b := range blocked {
		scenarios = append(scenarios, unchanged(tests.ApiScenario{
			Name:               "blocked: " + b.name,
			Method:             http.MethodGet,
			URL:                b.url,
			Headers:            auth(f.carlaT),
			ExpectedStatus:     400,
			ExpectedContent:    []string{"niet toegestaan", "teamgegevens"},
			NotExpectedContent: []string{`"items"`, "Bram Jansen"},
		}))
	}
	scenarios = append(scenarios,
		tests.ApiScenario{
			Name:            "allowed: history by its task's title, within her own team",
			Method:          http.MethodGet,
			URL:             "/api/collections/task_events/records?filter=" + q(`task.title = "`+intake+`"`),
			Headers:         auth(f.carlaT),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"totalItems":2`, f.task[intake]},
		},
		tests.ApiScenario{
			Name:            "allowed: tasks sorted by the assignee's name",
			Method:          http.MethodGet,
			URL:             "/api/collections/tasks/records?sort=" + q(`assignee.name,-due`),
			Headers:         auth(f.carlaT),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"totalItems":2`, intake},
		},
	)
	run(t, scenarios)
}

// TestTasksBatch checks that a batch runs every action under the rules and
// writes nothing when one of them is refused.
func TestTasksBatch(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	newTask := func(team, title string) string {
		return `{"method":"POST","url":"/api/collections/tasks/records","body":{"team":"` + team + `","title":"` + title + `","created_by":"` + f.carla + `"}}`
	}

	run(t, []tests.ApiScenario{
		unchanged(tests.ApiScenario{
			Name:               "carla's batch: a task in Schalkwijk and one in Haarlem-Noord",
			Method:             http.MethodPost,
			URL:                "/api/batch",
			Headers:            auth(f.carlaT),
			Body:               body(`{"requests":[` + newTask(f.schalkwijk, "Goed") + `,` + newTask(f.haarlem, "Fout") + `]}`),
			ExpectedStatus:     400,
			ExpectedContent:    []string{`"status":400`},
			NotExpectedContent: []string{`"Goed"`},
		}),
		unchanged(tests.ApiScenario{
			Name:    "carla's batch: an edit of her task and a Haarlem-Noord task given to her",
			Method:  http.MethodPost,
			URL:     "/api/batch",
			Headers: auth(f.carlaT),
			Body: body(`{"requests":[
				{"method":"PATCH","url":"/api/collections/tasks/records/` + f.task[intake] + `","body":{"title":"Gewijzigd"}},
				{"method":"PATCH","url":"/api/collections/tasks/records/` + f.task[medicatie] + `","body":{"assignee":"` + f.carla + `"}}
			]}`),
			ExpectedStatus:     400,
			ExpectedContent:    []string{`"status":400`},
			NotExpectedContent: []string{"Gewijzigd"},
		}),
		unchanged(tests.ApiScenario{
			Name:    "carla's batch: an offer of a Haarlem-Noord task to herself",
			Method:  http.MethodPost,
			URL:     "/api/batch",
			Headers: auth(f.carlaT),
			Body: body(`{"requests":[
				{"method":"POST","url":"/api/collections/task_transfers/records","body":{"task":"` + f.task[medicatie] + `","from_user":"` + f.carla + `","to_team":"` + f.schalkwijk + `"}}
			]}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"status":400`},
		}),
		{
			Name:            "carla's batch: two tasks in Schalkwijk, each with its history",
			Method:          http.MethodPost,
			URL:             "/api/batch",
			Headers:         auth(f.carlaT),
			Body:            body(`{"requests":[` + newTask(f.schalkwijk, "Een") + `,` + newTask(f.schalkwijk, "Twee") + `]}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"title":"Een"`, `"title":"Twee"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				for _, title := range []string{"Een", "Twee"} {
					task, err := app.FindFirstRecordByData("tasks", "title", title)
					if err != nil {
						t.Fatal(err)
					}
					wantHistory(t, app, task.Id, "created by "+f.carla)
				}
			},
		},
	})
}
