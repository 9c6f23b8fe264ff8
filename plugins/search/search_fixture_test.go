package search_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/search"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// Records the scenarios add (seed): every one mentions "zuurstof".
const (
	postNoord     = "srchpostnoord01" // Haarlem-Noord, team only
	commentNoord  = "srchcommnoord01" // on postNoord
	pageNoord     = "srchpagenoord01" // Haarlem-Noord's wiki, not shared
	pageShared    = "srchpageshare01" // Haarlem-Noord's wiki, shared with everyone
	postSchalk    = "srchpostschalk1" // Schalkwijk, team only
	postOrg       = "srchpostorgani1" // the organisation's
	commentOrg    = "srchcommorgani1" // on postOrg, by bram
	pageOrg       = "srchpageorgani1" // the organisation's wiki
	formerEmail   = "fenna.search@buurtplein.test"
	searchURL     = "/api/buurtplein/search"
	demoPassword  = "buurtplein-demo"
	formerName    = "Fenna Zoeker"
	zuurstofQuery = searchURL + "?q=zuurstof"
)

// noordOnly are the records only Haarlem-Noord's members may read.
var noordOnly = []string{postNoord, commentNoord, pageNoord}

// readableByAll are the records every employee may read.
var readableByAll = []string{pageShared, postOrg, commentOrg, pageOrg}

// fixture holds the ids and tokens the scenarios need; the test apps are
// copies of one seeded data dir, so they hold in each.
type fixture struct {
	haarlem, schalkwijk                          string
	anna, bram, carla                            string
	annaT, bramT, carlaT, dirkT, boT, superuserT string
	former, formerT                              string
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	app := testapp.New(t)
	user := func(name string) string { return testapp.Id(t, app, "users", "email", name+"@buurtplein.test") }
	token := func(name string) string { return testapp.Token(t, app, name+"@buurtplein.test") }
	return fixture{
		haarlem:    testapp.Id(t, app, "teams", "slug", "haarlem-noord"),
		schalkwijk: testapp.Id(t, app, "teams", "slug", "schalkwijk"),
		anna:       user("anna"),
		bram:       user("bram"),
		carla:      user("carla"),
		annaT:      token("anna"),
		bramT:      token("bram"),
		carlaT:     token("carla"),
		dirkT:      token("dirk"),
		boT:        token("bo"),
		superuserT: token("it"),
	}
}

// seed adds the scenario records and a former member of Haarlem-Noord
// (her membership deleted) to app; it returns her token.
func (f fixture) seed(t testing.TB, app core.App) string {
	t.Helper()
	save(t, app, "posts", map[string]any{"id": postNoord, "team": f.haarlem, "author": f.bram, "kind": "update", "visibility": "team",
		"title": "Zuurstof bij mevrouw J.", "body": "Het zuurstofapparaat van mevrouw J. wordt dinsdag vervangen."})
	save(t, app, "comments", map[string]any{"id": commentNoord, "post": postNoord, "author": f.anna, "body": "Ik controleer de zuurstofslang."})
	save(t, app, "posts", map[string]any{"id": postSchalk, "team": f.schalkwijk, "author": f.carla, "kind": "update", "visibility": "team",
		"title": "Zuurstofflessen", "body": "De zuurstofflessen staan in het buurthuis."})
	save(t, app, "posts", map[string]any{"id": postOrg, "author": f.anna, "kind": "blog", "visibility": "organisation",
		"title": "Veilig werken met zuurstof", "body": "Rook nooit in de buurt van zuurstof, ook niet op het balkon."})
	save(t, app, "comments", map[string]any{"id": commentOrg, "post": postOrg, "author": f.bram, "body": "Goede tip over zuurstof!"})
	save(t, app, "wiki_pages", map[string]any{"id": pageNoord, "team": f.haarlem, "slug": "zuurstof-thuis", "title": "Zuurstof thuis",
		"body": "Werkinstructie voor de zuurstofconcentrator van onze cliënten.", "revision": 1})
	save(t, app, "wiki_pages", map[string]any{"id": pageShared, "team": f.haarlem, "slug": "zuurstof-delen", "title": "Zuurstof: wat wij delen",
		"body": "Deze pagina over zuurstof delen wij met iedereen.", "revision": 1, "shared": true})
	save(t, app, "wiki_pages", map[string]any{"id": pageOrg, "slug": "zuurstofprotocol", "title": "Protocol zuurstof",
		"body": "Het protocol voor zuurstof in de thuiszorg.", "revision": 1, "protocol": true})

	former := save(t, app, "users", map[string]any{"email": formerEmail, "password": demoPassword, "passwordConfirm": demoPassword,
		"name": formerName, "verified": true})
	membership := save(t, app, "memberships", map[string]any{"team": f.haarlem, "user": former.Id, "role": "member"})
	if err := app.Delete(membership); err != nil {
		t.Fatal(err)
	}
	token, err := former.NewAuthToken()
	if err != nil {
		t.Fatal(err)
	}
	return token
}

func save(t testing.TB, app core.App, collection string, data map[string]any) *core.Record {
	t.Helper()
	c, err := app.FindCollectionByNameOrId(collection)
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(c)
	r.Load(data)
	if pw, ok := data["password"].(string); ok {
		r.SetPassword(pw)
	}
	if err := app.Save(r); err != nil {
		t.Fatalf("saving %s %v: %v", collection, data["id"], err)
	}
	return r
}

func auth(token string) map[string]string { return map[string]string{"Authorization": token} }

func query(q string) string { return searchURL + "?q=" + url.QueryEscape(q) }

// run runs the scenarios, each on a fresh copy of the demo organisation
// with the scenario records.
func run(t *testing.T, f fixture, scenarios []tests.ApiScenario) {
	t.Helper()
	for _, s := range scenarios {
		s.TestAppFactory = testapp.Factory
		before := s.BeforeTestFunc
		s.BeforeTestFunc = func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
			f.seed(t, app)
			if before != nil {
				before(t, app, e)
			}
		}
		s.Test(t)
	}
}

// ids returns the ids of the items of a search's answer, by kind.
func ids(t testing.TB, body []byte) map[string][]string {
	t.Helper()
	var result search.Result
	if err := json.Unmarshal(body, &result); err != nil {
		t.Fatalf("the answer is no search result: %v\n%s", err, body)
	}
	out := map[string][]string{}
	for _, g := range result.Groups {
		for _, it := range g.Items {
			if it.Collection != g.Kind {
				t.Errorf("item %s of collection %s in group %s", it.Id, it.Collection, g.Kind)
			}
			out[g.Kind] = append(out[g.Kind], it.Id)
		}
	}
	return out
}

// found returns every id of the answer.
func found(t testing.TB, body []byte) []string {
	var all []string
	for _, list := range ids(t, body) {
		all = append(all, list...)
	}
	slices.Sort(all)
	return all
}

// live is a served test app with the scenario records, for tests that
// change records between searches.
type live struct {
	app     *tests.TestApp
	url     string
	formerT string
}

func (f fixture) live(t *testing.T) live {
	t.Helper()
	app := testapp.New(t)
	former := f.seed(t, app)
	server := testapp.Serve(t, app)
	return live{app: app, url: server.URL, formerT: former}
}

// search returns the ids q finds for token, failing on a status but 200.
func (l live) search(t testing.TB, token, q string) []string {
	t.Helper()
	status, body := testapp.Do(t, http.MethodGet, l.url+query(q), token, nil)
	if status != http.StatusOK {
		t.Fatalf("search %q: status %d\n%s", q, status, body)
	}
	return found(t, body)
}
