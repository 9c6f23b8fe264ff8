package regie_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"buurtplein/hooks"
	"buurtplein/internal/testapp"
	"buurtplein/plugins/regie"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/router"
)

// steps parses a template's steps written as JSON.
func steps(t testing.TB, s string) regie.Template {
	t.Helper()
	var out regie.Template
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// templateCase is a template and the code its validation gives ("" for
// none), with the params.
type templateCase struct {
	name, steps, code string
	params            hooks.Params
}

// templateCases are a template of each shape: every rule broken once, and
// some that are valid.
func templateCases() []templateCase {
	long := strings.Repeat("x", 61)
	many := make([]string, 21)
	for i := range many {
		many[i] = `{"key":"s` + string(rune('a'+i)) + `","name":"S","form":"none","deadline_days":0,"fields":[],"next":[],"back":[]}`
	}
	field := func(f string) string {
		return `[{"key":"a","name":"A","form":"none","deadline_days":1,"fields":[` + f + `],"next":[],"back":[]}]`
	}
	return []templateCase{
		{"the default template", regie.DefaultSteps, "", nil},
		{"no steps", `[]`, "regie_template_steps", hooks.Params{"min": 1, "max": 20}},
		{"21 steps", "[" + strings.Join(many, ",") + "]", "regie_template_steps", hooks.Params{"min": 1, "max": 20}},
		{"a key with a capital", `[{"key":"Melding","name":"M","form":"none","next":[],"back":[]}]`, "regie_template_step_key", hooks.Params{"step": "Melding"}},
		{"a key of 41", `[{"key":"` + strings.Repeat("a", 41) + `","name":"M","form":"none","next":[],"back":[]}]`, "regie_template_step_key", hooks.Params{"step": strings.Repeat("a", 41)}},
		{"no name", `[{"key":"a","name":"","form":"none","next":[],"back":[]}]`, "regie_template_step_name", hooks.Params{"step": "a", "max": 60}},
		{"a name of 61", `[{"key":"a","name":"` + long + `","form":"none","next":[],"back":[]}]`, "regie_template_step_name", hooks.Params{"step": "a", "max": 60}},
		{"an unknown form", `[{"key":"a","name":"A","form":"intake","next":[],"back":[]}]`, "regie_template_step_form", hooks.Params{"step": "a"}},
		{"a deadline of 61 days", `[{"key":"a","name":"A","form":"none","deadline_days":61,"next":[],"back":[]}]`, "regie_template_step_deadline", hooks.Params{"step": "a", "max": 60}},
		{"a negative deadline", `[{"key":"a","name":"A","form":"none","deadline_days":-1,"next":[],"back":[]}]`, "regie_template_step_deadline", hooks.Params{"step": "a", "max": 60}},
		{"a step twice", `[{"key":"a","name":"A","form":"none","next":[],"back":[]},{"key":"a","name":"B","form":"none","next":[],"back":[]}]`, "regie_template_step_duplicate", hooks.Params{"step": "a"}},
		{"next names no step", `[{"key":"a","name":"A","form":"none","next":["b"],"back":[]}]`, "regie_template_step_unknown", hooks.Params{"step": "a", "to": "b"}},
		{"back names no step", `[{"key":"a","name":"A","form":"none","next":[],"back":["z"]}]`, "regie_template_step_unknown", hooks.Params{"step": "a", "to": "z"}},
		{"an unreachable step", `[{"key":"a","name":"A","form":"none","next":[],"back":[]},{"key":"b","name":"B","form":"none","next":[],"back":[]}]`, "regie_template_unreachable", hooks.Params{"step": "B"}},
		{"a loop that never reaches an end", `[{"key":"a","name":"A","form":"none","next":["b"],"back":[]},{"key":"b","name":"B","form":"none","next":["a"],"back":[]}]`, "regie_template_no_end", hooks.Params{"step": "A"}},
		{"a loop beside an end", `[{"key":"a","name":"A","form":"none","next":["b","c"],"back":[]},{"key":"b","name":"B","form":"none","next":["b"],"back":[]},{"key":"c","name":"C","form":"none","next":[],"back":[]}]`, "regie_template_no_end", hooks.Params{"step": "B"}},
		{"a loop that may end", `[{"key":"a","name":"A","form":"none","next":["b"],"back":[]},{"key":"b","name":"B","form":"none","next":["a","c"],"back":["a"]},{"key":"c","name":"C","form":"none","next":[],"back":["b"]}]`, "", nil},
		{"21 fields", field(strings.TrimSuffix(strings.Repeat(`{"key":"f","label":"F","type":"text"},`, 21), ",")), "regie_template_fields", hooks.Params{"step": "a", "max": 20}},
		{"a field key with a dash", field(`{"key":"f-1","label":"F","type":"text"}`), "regie_template_field_key", hooks.Params{"step": "a", "field": "f-1"}},
		{"a field without label", field(`{"key":"f","label":"","type":"text"}`), "regie_template_field_label", hooks.Params{"step": "a", "field": "f", "max": 100}},
		{"an unknown field type", field(`{"key":"f","label":"F","type":"file"}`), "regie_template_field_type", hooks.Params{"step": "a", "field": "f"}},
		{"a choice without options", field(`{"key":"f","label":"F","type":"choice","options":[]}`), "regie_template_field_options", hooks.Params{"step": "a", "field": "f", "min": 1, "max": 20}},
		{"a choice with an empty option", field(`{"key":"f","label":"F","type":"choice","options":[""]}`), "regie_template_field_options", hooks.Params{"step": "a", "field": "f", "min": 1, "max": 20}},
		{"a text with options", field(`{"key":"f","label":"F","type":"text","options":["a"]}`), "regie_template_field_options", hooks.Params{"step": "a", "field": "f", "min": 1, "max": 20}},
		{"a field twice", field(`{"key":"f","label":"F","type":"text"},{"key":"f","label":"G","type":"yesno"}`), "regie_template_field_duplicate", hooks.Params{"step": "a", "field": "f"}},
		{"every field type", field(`{"key":"a","label":"A","type":"text","required":true},{"key":"b","label":"B","type":"textarea"},{"key":"c","label":"C","type":"date"},{"key":"d","label":"D","type":"number"},{"key":"e","label":"E","type":"choice","options":["x","y"]},{"key":"g","label":"G","type":"yesno"}`), "", nil},
	}
}

// TestValidateTemplate checks each rule of a template, each with its own
// code and params.
func TestValidateTemplate(t *testing.T) {
	t.Parallel()
	cases := templateCases()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := regie.ValidateTemplate(steps(t, c.steps))
			code, params := hooks.CodeOf(err)
			if code != c.code {
				t.Fatalf("code %q (%v), want %q", code, err, c.code)
			}
			for k, v := range c.params {
				if params[k] != v {
					t.Errorf("param %s = %v, want %v", k, params[k], v)
				}
			}
			var apiErr *router.ApiError
			if c.code != "" && (!errors.As(err, &apiErr) || apiErr.Status != http.StatusBadRequest) {
				t.Errorf("not a 400: %v", err)
			}
		})
	}
}

// TestTemplateRequests checks the template through the record API: its
// coordinators change it, members and others do not, a bad one is a 400
// with its code and changes nothing, a step with open cases stays.
func TestTemplateRequests(t *testing.T) {
	t.Parallel()
	f := newCaseFixture(t)
	url := "/api/collections/process_templates/records/" + f.template
	withSteps := func(s string) *strings.Reader {
		b, _ := json.Marshal(map[string]any{"steps": json.RawMessage(s)})
		return strings.NewReader(string(b))
	}
	loop := `[{"key":"melding","name":"Melding","form":"referral","deadline_days":2,"fields":[],"next":["gesprek"],"back":[]},` +
		`{"key":"gesprek","name":"Gesprek","form":"conversation","deadline_days":5,"fields":[],"next":["regie"],"back":["melding"]},` +
		`{"key":"regie","name":"Regie","form":"plan","deadline_days":10,"fields":[],"next":["gesprek"],"back":["gesprek"]}]`
	withField := `[{"key":"melding","name":"Melding","form":"referral","deadline_days":3,"fields":[{"key":"bron","label":"Bron","type":"choice","required":true,"options":["huisarts","buren"]}],"next":["gesprek"],"back":[]},` +
		`{"key":"gesprek","name":"Gesprek","form":"conversation","deadline_days":5,"fields":[],"next":["regie"],"back":["melding"]},` +
		`{"key":"regie","name":"Regie","form":"plan","deadline_days":10,"fields":[],"next":[],"back":["gesprek"]}]`
	noMelding := `[{"key":"gesprek","name":"Gesprek","form":"conversation","deadline_days":5,"fields":[],"next":["regie"],"back":[]},` +
		`{"key":"regie","name":"Regie","form":"plan","deadline_days":10,"fields":[],"next":[],"back":["gesprek"]}]`

	scenarios := []tests.ApiScenario{}
	for _, c := range templateCases() {
		if c.code == "" {
			continue
		}
		scenarios = append(scenarios, caseUnchanged(tests.ApiScenario{
			Name:            "through the API: " + c.name,
			Method:          http.MethodPatch,
			URL:             url,
			Headers:         caseAuth(f.annaT),
			Body:            withSteps(c.steps),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"` + c.code + `"`},
		}))
	}
	runCases(t, append(scenarios, []tests.ApiScenario{
		caseUnchanged(tests.ApiScenario{
			Name:            "a loop that never reaches an end is refused",
			Method:          http.MethodPatch,
			URL:             url,
			Headers:         caseAuth(f.annaT),
			Body:            withSteps(loop),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"regie_template_no_end"`, `"step":"Melding"`},
		}),
		caseUnchanged(tests.ApiScenario{
			Name:            "a step with open cases cannot be removed",
			Method:          http.MethodPatch,
			URL:             url,
			Headers:         caseAuth(f.annaT),
			Body:            withSteps(noMelding),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"regie_template_step_in_use"`, `"step":"melding"`, `"count":2`},
		}),
		caseUnchanged(tests.ApiScenario{
			Name:            "steps that are no list are refused",
			Method:          http.MethodPatch,
			URL:             url,
			Headers:         caseAuth(f.annaT),
			Body:            strings.NewReader(`{"steps":{"key":"a"}}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"regie_template_invalid"`},
		}),
		caseUnchanged(tests.ApiScenario{
			Name:            "a member who is no coordinator cannot change it",
			Method:          http.MethodPatch,
			URL:             url,
			Headers:         caseAuth(f.bramT),
			Body:            withSteps(withField),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"data":{}`},
		}),
		caseUnchanged(tests.ApiScenario{
			Name:            "another team cannot change it",
			Method:          http.MethodPatch,
			URL:             url,
			Headers:         caseAuth(f.carlaT),
			Body:            withSteps(withField),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"data":{}`},
		}),
		caseUnchanged(tests.ApiScenario{
			Name:            "its team does not change",
			Method:          http.MethodPatch,
			URL:             url,
			Headers:         caseAuth(f.annaT),
			Body:            strings.NewReader(`{"team":"` + f.schalkwijk + `"}`),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"data":{}`},
		}),
		caseUnchanged(tests.ApiScenario{
			Name:            "not even by IT",
			Method:          http.MethodPatch,
			URL:             url,
			Headers:         caseAuth(f.superT),
			Body:            strings.NewReader(`{"team":"` + f.schalkwijk + `"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"regie_template_team_fixed"`},
		}),
		{
			Name:            "its coordinator changes it",
			Method:          http.MethodPatch,
			URL:             url,
			Headers:         caseAuth(f.annaT),
			Body:            withSteps(withField),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"updated_by":"` + f.anna + `"`, `"deadline_days":3`, `"bron"`},
		},
	}...))
}

// TestTeamGetsTemplate checks that a new buurtteam gets the default
// template in the transaction that makes it, and a BOB team none.
func TestTeamGetsTemplate(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	teams, err := app.FindCollectionByNameOrId("teams")
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{hooks.TeamKindBuurtteam, hooks.TeamKindBOB} {
		team := core.NewRecord(teams)
		team.Set("name", "Buurtteam Zandvoort "+kind)
		team.Set("slug", "zandvoort-"+kind)
		team.Set("kind", kind)
		if err := app.Save(team); err != nil {
			t.Fatal(err)
		}
		n, err := app.CountRecords("process_templates", dbx.HashExp{"team": team.Id})
		if err != nil {
			t.Fatal(err)
		}
		if want := map[string]int64{hooks.TeamKindBuurtteam: 1, hooks.TeamKindBOB: 0}[kind]; n != want {
			t.Errorf("a %s team has %d templates, want %d", kind, n, want)
		}
		if kind != hooks.TeamKindBOB {
			continue
		}
		team.Set("kind", hooks.TeamKindBuurtteam)
		if err := app.Save(team); err != nil {
			t.Fatal(err)
		}
		if n, _ := app.CountRecords("process_templates", dbx.HashExp{"team": team.Id}); n != 1 {
			t.Errorf("a team that became a buurtteam has %d templates, want 1", n)
		}
	}
}
