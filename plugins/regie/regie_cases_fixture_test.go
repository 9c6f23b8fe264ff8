package regie_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"buurtplein/internal/testapp"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// caseFixture holds the ids and tokens the workflow's scenarios need. The
// test apps are copies of one seeded data dir, so ids and tokens hold in
// each of them.
type caseFixture struct {
	haarlem, schalkwijk, bob                 string            // team ids
	anna, bram, carla, dirk, bo              string            // user ids
	annaT, bramT, carlaT, dirkT, boT, superT string            // tokens
	client                                   map[string]string // demo client ids by code
	template                                 string            // Haarlem-Noord's template
}

func newCaseFixture(t *testing.T) caseFixture {
	t.Helper()
	app := testapp.New(t)
	user := func(name string) string { return testapp.Id(t, app, "users", "email", name+"@buurtplein.test") }
	team := func(slug string) string { return testapp.Id(t, app, "teams", "slug", slug) }
	f := caseFixture{
		haarlem:    team("haarlem-noord"),
		schalkwijk: team("schalkwijk"),
		bob:        team("bob"),
		anna:       user("anna"),
		bram:       user("bram"),
		carla:      user("carla"),
		dirk:       user("dirk"),
		bo:         user("bo"),
		annaT:      testapp.Token(t, app, "anna@buurtplein.test"),
		bramT:      testapp.Token(t, app, "bram@buurtplein.test"),
		carlaT:     testapp.Token(t, app, "carla@buurtplein.test"),
		dirkT:      testapp.Token(t, app, "dirk@buurtplein.test"),
		boT:        testapp.Token(t, app, "bo@buurtplein.test"),
		superT:     testapp.Token(t, app, "it@buurtplein.test"),
		client:     map[string]string{},
	}
	f.template = testapp.Id(t, app, "process_templates", "team", f.haarlem)
	clients, err := app.FindAllRecords("clients")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range clients {
		f.client[c.GetString("code")] = c.Id
	}
	for _, code := range []string{"HN-0001", "HN-0002", "HN-0003", "HN-0004", "SW-0001", "SW-0002"} {
		if f.client[code] == "" {
			t.Fatalf("demo client %s is missing", code)
		}
	}
	return f
}

func caseAuth(token string) map[string]string { return map[string]string{"Authorization": token} }

func caseBody(s string) *strings.Reader { return strings.NewReader(s) }

// runCases runs the scenarios, each on a fresh copy of the demo
// organisation.
func runCases(t *testing.T, scenarios []tests.ApiScenario) {
	t.Helper()
	for _, s := range scenarios {
		s.TestAppFactory = testapp.Factory
		s.Test(t)
	}
}

// caseTables are the tables a refused request must leave as they were.
var caseTables = []string{"process_templates", "clients", "referrals", "conversations", "plans", "case_steps", "tasks", "notifications"}

// caseSnapshot returns every row of caseTables, one string per table.
func caseSnapshot(t testing.TB, app core.App) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, table := range caseTables {
		var rows []dbx.NullStringMap
		if err := app.DB().NewQuery("SELECT * FROM " + table + " ORDER BY id").All(&rows); err != nil {
			t.Fatalf("snapshot of %s: %v", table, err)
		}
		var b strings.Builder
		for _, row := range rows {
			keys := make([]string, 0, len(row))
			for k := range row {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				fmt.Fprintf(&b, "%s=%q ", k, row[k].String)
			}
			b.WriteByte('\n')
		}
		out[table] = b.String()
	}
	return out
}

// caseUnchanged makes s fail when its request changes any row of
// caseTables: a refused request changes nothing.
func caseUnchanged(s tests.ApiScenario) tests.ApiScenario {
	before, after := s.BeforeTestFunc, s.AfterTestFunc
	var want map[string]string
	s.BeforeTestFunc = func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
		if before != nil {
			before(t, app, e)
		}
		want = caseSnapshot(t, app)
	}
	s.AfterTestFunc = func(t testing.TB, app *tests.TestApp, res *http.Response) {
		got := caseSnapshot(t, app)
		for _, table := range caseTables {
			if got[table] != want[table] {
				t.Errorf("a refused request changed %s", table)
			}
		}
		if after != nil {
			after(t, app, res)
		}
	}
	return s
}

// caseRecord returns a record, failing the test when it is missing.
func caseRecord(t testing.TB, app core.App, collection, id string) *core.Record {
	t.Helper()
	r, err := app.FindRecordById(collection, id)
	if err != nil {
		t.Fatalf("%s %s: %v", collection, id, err)
	}
	return r
}

// newCaseApp returns a copy of the demo organisation to look ids up in.
func newCaseApp(t *testing.T) *tests.TestApp {
	t.Helper()
	return testapp.New(t)
}
