package regie_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// stepsWithFields is Haarlem-Noord's process with fields on melding: one
// of each type, two of them required.
const stepsWithFields = `[{"key":"melding","name":"Melding","form":"referral","deadline_days":2,"fields":[` +
	`{"key":"bron","label":"Bron","type":"choice","required":true,"options":["huisarts","buren"]},` +
	`{"key":"toelichting","label":"Toelichting","type":"textarea"},` +
	`{"key":"kort","label":"Kort","type":"text"},` +
	`{"key":"datum","label":"Datum","type":"date"},` +
	`{"key":"aantal","label":"Aantal","type":"number"},` +
	`{"key":"akkoord","label":"Akkoord","type":"yesno","required":true}],"next":["gesprek"],"back":[]},` +
	`{"key":"gesprek","name":"Gesprek","form":"conversation","deadline_days":5,"fields":[],"next":["regie"],"back":["melding"]},` +
	`{"key":"regie","name":"Regie","form":"plan","deadline_days":0,"fields":[],"next":[],"back":["gesprek"]}]`

// setSteps gives team's template steps.
func setSteps(t testing.TB, app core.App, team, steps string) {
	t.Helper()
	template, err := app.FindFirstRecordByData("process_templates", "team", team)
	if err != nil {
		t.Fatal(err)
	}
	template.Set("steps", steps)
	if err := app.Save(template); err != nil {
		t.Fatal(err)
	}
}

// caseAt returns the step and status of a client's case.
func caseAt(t testing.TB, app core.App, id string) string {
	t.Helper()
	c := caseRecord(t, app, "clients", id)
	return c.GetString("step") + "/" + c.GetString("status")
}

// lastMove returns the latest case_steps record of a client.
func lastMove(t testing.TB, app core.App, client string) *core.Record {
	t.Helper()
	var id string
	err := app.DB().Select("id").From("case_steps").Where(dbx.HashExp{"client": client}).
		OrderBy("rowid DESC").Limit(1).Row(&id)
	if err != nil {
		t.Fatalf("no moves of %s: %v", client, err)
	}
	return caseRecord(t, app, "case_steps", id)
}

// TestCaseSteps checks each move of a case and each rule it meets: from
// the current step, to a step next or back allows, a reason to go back,
// the form of the step before it is left, closing in an end step,
// reopening a closed case; each refusal a 400 with its code that changes
// nothing.
func TestCaseSteps(t *testing.T) {
	t.Parallel()
	f := newCaseFixture(t)
	const url = "/api/collections/case_steps/records"
	move := func(client, kind, to, extra string) *strings.Reader {
		return caseBody(`{"client":"` + client + `","kind":"` + kind + `","to":"` + to + `"` + extra + `}`)
	}
	hn1, hn2, hn3 := f.client["HN-0001"], f.client["HN-0002"], f.client["HN-0003"]

	runCases(t, []tests.ApiScenario{
		{
			Name:            "a case goes forward from melding to gesprek",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         caseAuth(f.annaT),
			Body:            move(hn1, "forward", "gesprek", `,"from":"melding","team":"`+f.schalkwijk+`","actor":"`+f.bram+`"`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"from":"melding"`, `"to":"gesprek"`, `"team":"` + f.haarlem + `"`, `"actor":"` + f.anna + `"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				c := caseRecord(t, app, "clients", hn1)
				if c.GetString("step") != "gesprek" || c.GetString("overdue_step") != "" {
					t.Errorf("the case is in %s", c.GetString("step"))
				}
				since, due := c.GetDateTime("step_since").Time(), c.GetDateTime("step_due").Time()
				if time.Since(since) > time.Minute || !due.After(since.AddDate(0, 0, 5)) {
					t.Errorf("since %v, due %v: want now and 5 working days later", since, due)
				}
			},
		},
		caseUnchanged(tests.ApiScenario{
			Name:            "a move from a step the case has left is refused",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         caseAuth(f.annaT),
			Body:            move(hn2, "forward", "regie", `,"from":"melding"`),
			ExpectedStatus:  409,
			ExpectedContent: []string{`"code":"regie_step_moved"`, `"step":"gesprek"`},
		}),
		caseUnchanged(tests.ApiScenario{
			Name:            "a step skipped that the template does not allow is refused",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         caseAuth(f.annaT),
			Body:            move(hn1, "forward", "regie", ""),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"regie_step_not_allowed"`, `"from":"melding"`, `"to":"regie"`},
		}),
		caseUnchanged(tests.ApiScenario{
			Name:            "so is a step that does not exist",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         caseAuth(f.annaT),
			Body:            move(hn1, "forward", "nergens", ""),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"regie_step_not_allowed"`, `"to":"nergens"`},
		}),
		caseUnchanged(tests.ApiScenario{
			Name:            "and going back where back does not lead",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         caseAuth(f.annaT),
			Body:            move(hn3, "back", "melding", `,"reason":"opnieuw"`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"regie_step_not_allowed"`, `"from":"regie"`, `"to":"melding"`},
		}),
		caseUnchanged(tests.ApiScenario{
			Name:            "a step is not left forward before its form exists",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         caseAuth(f.bramT),
			Body:            move(hn2, "forward", "regie", ""),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"regie_step_form_missing"`, `"form":"conversation"`},
		}),
		caseUnchanged(tests.ApiScenario{
			Name:            "going back needs a reason",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         caseAuth(f.bramT),
			Body:            move(hn2, "back", "melding", ""),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"regie_step_reason_required"`},
		}),
		{
			Name:            "with one it goes back",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         caseAuth(f.bramT),
			Body:            move(hn2, "back", "melding", `,"reason":"Melding onvolledig"`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"from":"gesprek"`, `"to":"melding"`, `"reason":"Melding onvolledig"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				if got := caseAt(t, app, hn2); got != "melding/open" {
					t.Errorf("the case is %s", got)
				}
			},
		},
		caseUnchanged(tests.ApiScenario{
			Name:            "a case is closed only in an end step",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         caseAuth(f.bramT),
			Body:            move(hn1, "close", "", ""),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"regie_step_not_end"`, `"step":"Melding"`},
		}),
		{
			Name:            "closed in regie",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         caseAuth(f.annaT),
			Body:            move(hn3, "close", "", ""),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"kind":"close"`, `"from":"regie"`, `"to":""`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				if got := caseAt(t, app, hn3); got != "regie/closed" {
					t.Errorf("the case is %s", got)
				}
			},
		},
		caseUnchanged(tests.ApiScenario{
			Name:            "an open case is not reopened",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         caseAuth(f.annaT),
			Body:            move(hn3, "reopen", "", ""),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"regie_case_not_closed"`},
		}),
		caseUnchanged(tests.ApiScenario{
			Name:            "a closed case does not move on",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         caseAuth(f.annaT),
			Body:            move(hn3, "back", "gesprek", `,"reason":"x"`),
			BeforeTestFunc:  closeCase(hn3),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"regie_case_closed"`},
		}),
		{
			Name:            "a closed case is reopened in its last step",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         caseAuth(f.annaT),
			Body:            move(hn3, "reopen", "gesprek", ""),
			BeforeTestFunc:  closeCase(hn3),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"kind":"reopen"`, `"from":"regie"`, `"to":"regie"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				c := caseRecord(t, app, "clients", hn3)
				if c.GetString("step") != "regie" || c.GetString("status") != "open" || c.GetString("step_due") == "" {
					t.Errorf("the case is %s/%s due %q", c.GetString("step"), c.GetString("status"), c.GetString("step_due"))
				}
			},
		},
		caseUnchanged(tests.ApiScenario{
			Name:            "a start is the server's",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         caseAuth(f.annaT),
			Body:            move(hn1, "start", "melding", ""),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"regie_step_kind"`},
		}),
		caseUnchanged(tests.ApiScenario{
			Name:            "another team's member moves nothing",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         caseAuth(f.carlaT),
			Body:            move(hn1, "forward", "gesprek", ""),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"data":{}`},
		}),
		caseUnchanged(tests.ApiScenario{
			Name:            "nor does BOB",
			Method:          http.MethodPost,
			URL:             url,
			Headers:         caseAuth(f.boT),
			Body:            move(hn1, "forward", "gesprek", ""),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"data":{}`},
		}),
		caseUnchanged(tests.ApiScenario{
			Name:            "a move is not changed afterwards",
			Method:          http.MethodPatch,
			URL:             url + "/" + caseFirst(t, "case_steps", hn1),
			Headers:         caseAuth(f.annaT),
			Body:            caseBody(`{"to":"regie"}`),
			ExpectedStatus:  403,
			ExpectedContent: []string{`"data":{}`},
		}),
	})
}

// closeCase closes a case in Go before a scenario.
func closeCase(client string) func(testing.TB, *tests.TestApp, *core.ServeEvent) {
	return func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
		collection, err := app.FindCollectionByNameOrId("case_steps")
		if err != nil {
			t.Fatal(err)
		}
		m := core.NewRecord(collection)
		m.Set("client", client)
		m.Set("kind", "close")
		if err := app.Save(m); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCaseStepAnswers checks the answers to the fields of the step a case
// leaves: no field the step does not define, every required one, each of
// its type.
func TestCaseStepAnswers(t *testing.T) {
	t.Parallel()
	f := newCaseFixture(t)
	const url = "/api/collections/case_steps/records"
	hn1 := f.client["HN-0001"]
	withFields := func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
		setSteps(t, app, f.haarlem, stepsWithFields)
	}
	answer := func(answers string) *strings.Reader {
		return caseBody(`{"client":"` + hn1 + `","kind":"forward","to":"gesprek","answers":` + answers + `}`)
	}
	refused := func(name, answers, code, param string) tests.ApiScenario {
		return caseUnchanged(tests.ApiScenario{
			Name:            name,
			Method:          http.MethodPost,
			URL:             url,
			Headers:         caseAuth(f.bramT),
			Body:            answer(answers),
			BeforeTestFunc:  withFields,
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"` + code + `"`, param},
		})
	}
	runCases(t, []tests.ApiScenario{
		refused("a field the step does not define", `{"bron":"buren","akkoord":true,"bsn":"123"}`, "regie_step_field_unknown", `"field":"bsn"`),
		refused("a required field missing", `{"akkoord":true}`, "regie_step_field_required", `"field":"Bron"`),
		refused("a required field empty", `{"bron":"","akkoord":true}`, "regie_step_field_required", `"field":"Bron"`),
		refused("a required yes/no missing", `{"bron":"buren"}`, "regie_step_field_required", `"field":"Akkoord"`),
		refused("no answers at all", `null`, "regie_step_field_required", `"field":"Bron"`),
		refused("a choice not among the options", `{"bron":"politie","akkoord":true}`, "regie_step_field_invalid", `"field":"Bron"`),
		refused("a yes/no that is text", `{"bron":"buren","akkoord":"ja"}`, "regie_step_field_invalid", `"field":"Akkoord"`),
		refused("a number that is text", `{"bron":"buren","akkoord":true,"aantal":"drie"}`, "regie_step_field_invalid", `"field":"Aantal"`),
		refused("a date that is no date", `{"bron":"buren","akkoord":true,"datum":"30-11-2026"}`, "regie_step_field_invalid", `"field":"Datum"`),
		refused("a text too long", `{"bron":"buren","akkoord":true,"kort":"`+strings.Repeat("x", 1001)+`"}`, "regie_step_field_invalid", `"field":"Kort"`),
		refused("a text that is a number", `{"bron":"buren","akkoord":true,"kort":5}`, "regie_step_field_invalid", `"field":"Kort"`),
		refused("answers that are a list", `["buren"]`, "regie_step_answers_invalid", `"@request"`),
		{
			Name:    "answers that fit",
			Method:  http.MethodPost,
			URL:     url,
			Headers: caseAuth(f.bramT),
			Body: answer(`{"bron":"buren","akkoord":false,"aantal":3,"datum":"2026-11-30","kort":"kort",` +
				`"toelichting":"` + strings.Repeat("y", 5000) + `"}`),
			BeforeTestFunc:  withFields,
			ExpectedStatus:  200,
			ExpectedContent: []string{`"bron":"buren"`, `"akkoord":false`, `"aantal":3`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				if got := caseAt(t, app, hn1); got != "gesprek/open" {
					t.Errorf("the case is %s", got)
				}
			},
		},
	})
}

// TestCaseStepsInBatch checks moves in a batch: each checked against where
// the one before left the case, all landing or none.
func TestCaseStepsInBatch(t *testing.T) {
	t.Parallel()
	f := newCaseFixture(t)
	hn1 := f.client["HN-0001"]
	move := func(kind, to, extra string) string {
		return `{"method":"POST","url":"/api/collections/case_steps/records","body":{"client":"` + hn1 + `","kind":"` + kind + `","to":"` + to + `"` + extra + `}}`
	}
	runCases(t, []tests.ApiScenario{
		{
			Name:            "forward and back in one batch",
			Method:          http.MethodPost,
			URL:             "/api/batch",
			Headers:         caseAuth(f.bramT),
			Body:            caseBody(`{"requests":[` + move("forward", "gesprek", "") + `,` + move("back", "melding", `,"reason":"te vroeg"`) + `]}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"kind":"forward"`, `"kind":"back"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				if got := caseAt(t, app, hn1); got != "melding/open" {
					t.Errorf("the case is %s", got)
				}
				if m := lastMove(t, app, hn1); m.GetString("kind") != "back" || m.GetString("from") != "gesprek" {
					t.Errorf("the last move is %s from %s", m.GetString("kind"), m.GetString("from"))
				}
			},
		},
		caseUnchanged(tests.ApiScenario{
			Name:            "a batch whose second move skips a step changes nothing",
			Method:          http.MethodPost,
			URL:             "/api/batch",
			Headers:         caseAuth(f.bramT),
			Body:            caseBody(`{"requests":[` + move("forward", "gesprek", "") + `,` + move("forward", "regie", "") + `]}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`regie_step_form_missing`},
		}),
		caseUnchanged(tests.ApiScenario{
			Name:            "a batch that moves from a step the case is not in changes nothing",
			Method:          http.MethodPost,
			URL:             "/api/batch",
			Headers:         caseAuth(f.bramT),
			Body:            caseBody(`{"requests":[` + move("forward", "gesprek", "") + `,` + move("forward", "gesprek", "") + `]}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`regie_step_not_allowed`},
		}),
	})
}
