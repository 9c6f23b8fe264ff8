package regie_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tests"
)

// TestClientCreate checks a new client: the server gives it a code, its
// case on the template's first step with a deadline, and the case's
// start, in one transaction; the server's fields are refused on every
// write path; only a buurtteam has clients.
func TestClientCreate(t *testing.T) {
	t.Parallel()
	f := newCaseFixture(t)
	const url = "/api/collections/clients/records"
	newClient := `{"team":"` + f.haarlem + `","initials":"K.L.","birth_year":1950,"neighbourhood":"Frans Hals","contact_preference":"phone"}`

	scenarios := []tests.ApiScenario{
		{
			Name:           "a member opens a case",
			Method:         http.MethodPost,
			URL:            url,
			Headers:        caseAuth(f.bramT),
			Body:           caseBody(newClient),
			ExpectedStatus: 200,
			ExpectedContent: []string{`"code":"HN-0005"`, `"step":"melding"`, `"status":"open"`,
				`"created_by":"` + f.bram + `"`, `"overdue_step":""`},
			NotExpectedContent: []string{`"step_due":""`, `"step_since":""`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				c, err := app.FindFirstRecordByData("clients", "code", "HN-0005")
				if err != nil {
					t.Fatal(err)
				}
				moves, err := app.FindAllRecords("case_steps", dbx.HashExp{"client": c.Id})
				if err != nil || len(moves) != 1 {
					t.Fatalf("%d case steps (%v), want the start", len(moves), err)
				}
				m := moves[0]
				if m.GetString("kind") != "start" || m.GetString("to") != "melding" || m.GetString("actor") != f.bram || m.GetString("team") != f.haarlem {
					t.Errorf("start %v", m.PublicExport())
				}
			},
		},
		{
			Name:            "a code of its own is kept",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         caseAuth(f.bramT),
			Body:            caseBody(`{"team":"` + f.haarlem + `","initials":"K.L.","code":"HN-0100"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"code":"HN-0100"`},
		},
		{
			Name:            "Schalkwijk's next code follows its clients' codes",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         caseAuth(f.carlaT),
			Body:            caseBody(`{"team":"` + f.schalkwijk + `","initials":"K.L."}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"code":"SW-0003"`},
		},
		{
			Name:            "IT opens a case in the dashboard",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         caseAuth(f.superT),
			Body:            caseBody(`{"team":"` + f.haarlem + `","initials":"K.L.","code":"","step":"","status":"","step_since":"","step_due":"","overdue_step":"","created_by":""}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"code":"HN-0005"`, `"step":"melding"`, `"created_by":""`},
		},
		caseUnchanged(tests.ApiScenario{
			Name:            "a client in the BOB team is refused",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         caseAuth(f.boT),
			Body:            caseBody(`{"team":"` + f.bob + `","initials":"K.L."}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"regie_team_kind"`},
		}),
		caseUnchanged(tests.ApiScenario{
			Name:            "a client of another team is refused",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         caseAuth(f.carlaT),
			Body:            caseBody(newClient),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"data":{}`},
		}),
		caseUnchanged(tests.ApiScenario{
			Name:            "anonymous callers are refused",
			Method:          http.MethodPost,
			URL:             url,
			Body:            caseBody(newClient),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"data":{}`},
		}),
	}
	for _, field := range []struct{ name, value string }{
		{"step", `"regie"`}, {"step_since", `"2020-01-01 10:00:00.000Z"`}, {"step_due", `"2099-01-01 10:00:00.000Z"`},
		{"status", `"closed"`}, {"overdue_step", `"melding"`}, {"created_by", `"` + f.bram + `"`},
	} {
		body := `{"team":"` + f.haarlem + `","initials":"K.L.","` + field.name + `":` + field.value + `}`
		scenarios = append(scenarios,
			caseUnchanged(tests.ApiScenario{
				Name:            "a new client with " + field.name + " is refused",
				Method:          http.MethodPost,
				URL:             url,
				Headers:         caseAuth(f.bramT),
				Body:            caseBody(body),
				ExpectedStatus:  400,
				ExpectedContent: []string{`"code":"regie_server_field"`, `"field":"` + field.name + `"`},
			}),
			caseUnchanged(tests.ApiScenario{
				Name:            "an update of " + field.name + " is refused",
				Method:          http.MethodPatch,
				URL:             url + "/" + f.client["HN-0001"],
				Headers:         caseAuth(f.bramT),
				Body:            caseBody(`{"` + field.name + `":` + field.value + `}`),
				ExpectedStatus:  400,
				ExpectedContent: []string{`"code":"regie_server_field"`, `"field":"` + field.name + `"`},
			}),
			caseUnchanged(tests.ApiScenario{
				Name:    "a batch with " + field.name + " is refused",
				Method:  http.MethodPost,
				URL:     "/api/batch",
				Headers: caseAuth(f.bramT),
				Body: caseBody(`{"requests":[` +
					`{"method":"PATCH","url":"/api/collections/clients/records/` + f.client["HN-0002"] + `","body":{"initials":"X.Y."}},` +
					`{"method":"POST","url":"/api/collections/clients/records","body":` + body + `}]}`),
				ExpectedStatus:  400,
				ExpectedContent: []string{`regie_server_field`},
			}),
			caseUnchanged(tests.ApiScenario{
				Name:            "IT cannot set " + field.name + " either",
				Method:          http.MethodPatch,
				URL:             url + "/" + f.client["HN-0001"],
				Headers:         caseAuth(f.superT),
				Body:            caseBody(`{"` + field.name + `":` + field.value + `}`),
				ExpectedStatus:  400,
				ExpectedContent: []string{`"code":"regie_server_field"`},
			}),
		)
	}
	scenarios = append(scenarios,
		tests.ApiScenario{
			Name:            "the server's fields sent as they are pass (the dashboard sends every field)",
			Method:          http.MethodPatch,
			URL:             url + "/" + f.client["HN-0001"],
			Headers:         caseAuth(f.bramT),
			Body:            caseBody(`{"initials":"J.B.B.","step":"melding","status":"open"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"initials":"J.B.B."`, `"step":"melding"`},
		},
		caseUnchanged(tests.ApiScenario{
			Name:            "a client does not move to another team",
			Method:          http.MethodPatch,
			URL:             url + "/" + f.client["HN-0001"],
			Headers:         caseAuth(f.dirkT),
			Body:            caseBody(`{"team":"` + f.schalkwijk + `"}`),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"data":{}`},
		}),
		caseUnchanged(tests.ApiScenario{
			Name:            "no one deletes a client through the API",
			Method:          http.MethodDelete,
			URL:             url + "/" + f.client["HN-0001"],
			Headers:         caseAuth(f.annaT),
			ExpectedStatus:  403,
			ExpectedContent: []string{`"data":{}`},
		}),
	)
	runCases(t, scenarios)
}

// TestCaseParts checks referrals, conversations and plans: the server
// copies the client's team and names the author; a plan's regisseur is a
// member of the team.
func TestCaseParts(t *testing.T) {
	t.Parallel()
	f := newCaseFixture(t)
	hn1 := f.client["HN-0001"]
	runCases(t, []tests.ApiScenario{
		{
			Name:    "a referral gets the client's team and me as its author",
			Method:  http.MethodPost,
			URL:     "/api/collections/referrals/records",
			Headers: caseAuth(f.bramT),
			Body: caseBody(`{"client":"` + hn1 + `","team":"` + f.schalkwijk + `","author":"` + f.anna + `",` +
				`"source":"carer","reason":"Buren bellen","urgency":"green","received":"2026-11-30 09:00:00.000Z"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"team":"` + f.haarlem + `"`, `"author":"` + f.bram + `"`},
		},
		{
			Name:            "a conversation too",
			Method:          http.MethodPost,
			URL:             "/api/collections/conversations/records",
			Headers:         caseAuth(f.dirkT),
			Body:            caseBody(`{"client":"` + hn1 + `","date":"2026-11-30 09:00:00.000Z","notes":"Thuis bezocht"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"team":"` + f.haarlem + `"`, `"author":"` + f.dirk + `"`},
		},
		{
			Name:            "an update keeps the author",
			Method:          http.MethodPatch,
			URL:             "/api/collections/referrals/records/" + caseReferral(t, f),
			Headers:         caseAuth(f.dirkT),
			Body:            caseBody(`{"reason":"Nieuwe reden","author":"` + f.dirk + `"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"reason":"Nieuwe reden"`, `"author":"` + f.anna + `"`},
		},
		caseUnchanged(tests.ApiScenario{
			Name:            "a referral for another team's client is refused",
			Method:          http.MethodPost,
			URL:             "/api/collections/referrals/records",
			Headers:         caseAuth(f.carlaT),
			Body:            caseBody(`{"client":"` + hn1 + `","source":"gp","reason":"x","urgency":"green","received":"2026-11-30 09:00:00.000Z"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"data":{}`},
		}),
		{
			Name:            "a plan with a regisseur of the team",
			Method:          http.MethodPost,
			URL:             "/api/collections/plans/records",
			Headers:         caseAuth(f.bramT),
			Body:            caseBody(`{"client":"` + hn1 + `","goals":"Thuis blijven wonen","regisseur":"` + f.dirk + `"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"regisseur":"` + f.dirk + `"`, `"team":"` + f.haarlem + `"`, `"author":"` + f.bram + `"`},
		},
		caseUnchanged(tests.ApiScenario{
			Name:            "a regisseur who is not a team member is refused",
			Method:          http.MethodPost,
			URL:             "/api/collections/plans/records",
			Headers:         caseAuth(f.bramT),
			Body:            caseBody(`{"client":"` + hn1 + `","goals":"Thuis blijven wonen","regisseur":"` + f.carla + `","actions":[{"text":"Bellen"}]}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"regie_regisseur_not_member"`},
		}),
		caseUnchanged(tests.ApiScenario{
			Name:            "nor made regisseur later",
			Method:          http.MethodPatch,
			URL:             "/api/collections/plans/records/" + casePlan(t, f),
			Headers:         caseAuth(f.annaT),
			Body:            caseBody(`{"regisseur":"` + f.bo + `"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"regie_regisseur_not_member"`},
		}),
	})
}

// caseReferral returns the id of HN-0001's demo referral (anna's).
func caseReferral(t *testing.T, f caseFixture) string {
	t.Helper()
	return caseFirst(t, "referrals", f.client["HN-0001"])
}

// casePlan returns the id of HN-0003's demo plan.
func casePlan(t *testing.T, f caseFixture) string {
	t.Helper()
	return caseFirst(t, "plans", f.client["HN-0003"])
}

// caseFirst returns the id of the first record of collection of client.
func caseFirst(t *testing.T, collection, client string) string {
	t.Helper()
	app := newCaseApp(t)
	r, err := app.FindFirstRecordByData(collection, "client", client)
	if err != nil {
		t.Fatalf("the %s of %s: %v", collection, client, err)
	}
	return r.Id
}
