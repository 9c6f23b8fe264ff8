package mustread_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/wiki"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/types"
)

func TestMain(m *testing.M) { os.Exit(testapp.Run(m)) }

// The records the scenarios add, by fixed id.
const (
	teamPost     = "mrteampost00001" // must-read, Haarlem-Noord's team only
	orgPost      = "mrorgpost000001" // must-read, the whole organisation
	plainPost    = "mrplainpost0001" // Haarlem-Noord's, not must-read
	otherPost    = "mrotherpost0001" // must-read, Schalkwijk's team only
	protocol     = "mrprotocol00001" // organisation protocol, must-read for Haarlem-Noord, revision 3
	orgProtocol  = "mrorgprotocol01" // organisation protocol, must-read for everyone, revision 1
	teamProtocol = "mrteamprotocol1" // organisation protocol, must-read for Haarlem-Noord, revision 2
	teamWikiPage = "mrteamwiki00001" // Haarlem-Noord's own wiki (never must-read: the wiki allows it on protocols only)
	blockedColl  = "mrblocked000001" // a blocked member of Haarlem-Noord
	formerMember = "mrformer0000001" // fenna: was in Haarlem-Noord, in no team now (her membership is gone)
)

// fixture holds the demo organisation's ids and tokens: every test app is
// a copy of one seeded data dir, so they hold in each.
type fixture struct {
	haarlem, schalkwijk, bob         string
	anna, bram, carla, dirk, eva, bo string
	annaT, bramT, carlaT, dirkT, boT string
	itT, fennaT                      string
}

func newFixture(t *testing.T) fixture {
	app := testapp.New(t)
	id := func(collection, field, value string) string { return testapp.Id(t, app, collection, field, value) }
	token := func(name string) string { return testapp.Token(t, app, name+"@buurtplein.test") }
	return fixture{
		haarlem: id("teams", "slug", "haarlem-noord"), schalkwijk: id("teams", "slug", "schalkwijk"), bob: id("teams", "slug", "bob"),
		anna: id("users", "email", "anna@buurtplein.test"), bram: id("users", "email", "bram@buurtplein.test"),
		carla: id("users", "email", "carla@buurtplein.test"), dirk: id("users", "email", "dirk@buurtplein.test"),
		eva: id("users", "email", "eva@buurtplein.test"), bo: id("users", "email", "bo@buurtplein.test"),
		annaT: token("anna"), bramT: token("bram"), carlaT: token("carla"), dirkT: token("dirk"), boT: token("bo"),
		itT: token("it"), fennaT: fennaToken(t, app),
	}
}

// fenna is the account of a former member of Haarlem-Noord; her fixed
// token key gives her the same token in every test app.
var fenna = map[string]any{"id": formerMember, "email": "fenna@buurtplein.test", "password": "buurtplein-demo",
	"name": "Fenna Mulder", "verified": true, "tokenKey": "mr-fenna-token-key-0123456789abcdef"}

func fennaToken(t testing.TB, app core.App) string {
	t.Helper()
	token, err := save(t, app, "users", fenna).NewAuthToken()
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// seed adds the must-read posts and pages, a blocked member of
// Haarlem-Noord and fenna, who left it.
func (f fixture) seed(t testing.TB, app core.App) {
	t.Helper()
	save(t, app, "posts", map[string]any{"id": teamPost, "team": f.haarlem, "author": f.anna, "kind": "update",
		"visibility": "team", "title": "Nieuwe sleutelkluis", "body": "Lees dit.", "must_read": true})
	save(t, app, "posts", map[string]any{"id": orgPost, "author": f.bo, "kind": "update",
		"visibility": "organisation", "title": "Nieuw declaratiesysteem", "body": "Lees dit.", "must_read": true})
	save(t, app, "posts", map[string]any{"id": plainPost, "team": f.haarlem, "author": f.anna, "kind": "update",
		"visibility": "team", "title": "Gewoon een bericht", "body": "Hoeft niet."})
	save(t, app, "posts", map[string]any{"id": otherPost, "team": f.schalkwijk, "author": f.carla, "kind": "update",
		"visibility": "team", "title": "Schalkwijk leest", "body": "Lees dit.", "must_read": true})
	// the demo's Wondzorg protocol asks Haarlem-Noord as well: the
	// scenarios count on the must-reads below alone
	if _, err := app.DB().Update("wiki_pages", dbx.Params{"must_read": false, "must_read_team": ""},
		dbx.HashExp{"must_read": true}).Execute(); err != nil {
		t.Fatal(err)
	}

	// the wiki's rules: only an organisation page can be a protocol, only
	// a protocol must-read; a team is asked through must_read_team
	page(t, app, f.bo, map[string]any{"id": protocol, "slug": "mr-wondzorg", "title": "Wondzorg",
		"body": "Versie drie.", "protocol": true, "must_read": true, "must_read_team": f.haarlem}, 3)
	page(t, app, f.bo, map[string]any{"id": orgProtocol, "slug": "mr-handhygiene", "title": "Handhygiëne",
		"body": "Versie een.", "protocol": true, "must_read": true}, 1)
	page(t, app, f.bo, map[string]any{"id": teamProtocol, "slug": "mr-sleutels", "title": "Sleutels",
		"body": "Versie twee.", "protocol": true, "must_read": true, "must_read_team": f.haarlem}, 2)
	page(t, app, f.anna, map[string]any{"id": teamWikiPage, "team": f.haarlem, "slug": "mr-overdracht", "title": "Overdracht",
		"body": "Alleen voor Haarlem-Noord."}, 1)

	// one second apart, in this order, an hour ago: newest first is the
	// other way round, and a change now comes on top
	for i, item := range [][2]string{{"posts", teamPost}, {"posts", orgPost}, {"posts", plainPost}, {"posts", otherPost},
		{"wiki_pages", protocol}, {"wiki_pages", orgProtocol}, {"wiki_pages", teamProtocol}} {
		when, _ := types.ParseDateTime(time.Now().Add(-time.Hour + time.Duration(i)*time.Second))
		if _, err := app.DB().Update(item[0], dbx.Params{"updated": when.String()}, dbx.HashExp{"id": item[1]}).Execute(); err != nil {
			t.Fatal(err)
		}
	}

	save(t, app, "users", map[string]any{"id": blockedColl, "email": "mr-blocked@buurtplein.test", "password": "buurtplein-demo",
		"name": "Geblokkeerd Lid", "verified": true, "disabled": true})
	save(t, app, "memberships", map[string]any{"team": f.haarlem, "user": blockedColl, "role": "member"})
	save(t, app, "users", fenna)
}

// save creates a record directly, with the model hooks but without the
// request hooks and rules.
func save(t testing.TB, app core.App, collection string, fields map[string]any) *core.Record {
	t.Helper()
	c, err := app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(c)
	for k, v := range fields {
		r.Set(k, v)
	}
	if err := app.Save(r); err != nil {
		t.Fatalf("saving %s %v: %v", collection, fields, err)
	}
	return r
}

// page creates a wiki page by author and saves it until it is at
// revision: the wiki's hooks write each revision (a create is revision 1,
// each save the next).
func page(t testing.TB, app core.App, author string, fields map[string]any, revision int) *core.Record {
	t.Helper()
	c, err := app.FindCachedCollectionByNameOrId("wiki_pages")
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(c)
	for k, v := range fields {
		r.Set(k, v)
	}
	if err := wiki.SaveAs(app, r, author); err != nil {
		t.Fatalf("saving page %v: %v", fields, err)
	}
	for r.GetInt("revision") < revision {
		r.Set("summary", fmt.Sprintf("Versie %d.", r.GetInt("revision")+1))
		if err := wiki.SaveAs(app, r, author); err != nil {
			t.Fatalf("saving page %s: %v", r.Id, err)
		}
	}
	return r
}

// bump gives a page its next revision, as an edit in the wiki does.
func bump(t testing.TB, app core.App, page string) {
	t.Helper()
	r, err := app.FindRecordById("wiki_pages", page)
	if err != nil {
		t.Fatal(err)
	}
	before := r.GetInt("revision")
	r.Set("body", r.GetString("body")+" Bijgewerkt.")
	if err := wiki.SaveAs(app, r, r.GetString("created_by")); err != nil {
		t.Fatalf("bumping %s: %v", page, err)
	}
	if r.GetInt("revision") != before+1 {
		t.Fatalf("page %s is at revision %d after a save from %d", page, r.GetInt("revision"), before)
	}
}

// confirmed saves user's confirmation of a post or page at revision.
func confirmed(t testing.TB, app core.App, user, post, page string, revision int) {
	t.Helper()
	save(t, app, "reads", map[string]any{"user": user, "post": post, "page": page, "revision": revision})
}

// reminded records a reminder of a post or page sent at.
func reminded(t testing.TB, app core.App, post, page string, at time.Time) {
	t.Helper()
	r := save(t, app, "mustread_reminders", map[string]any{"post": post, "page": page, "notified": 1})
	when, _ := types.ParseDateTime(at)
	if _, err := app.DB().Update("mustread_reminders", dbx.Params{"created": when.String()}, dbx.HashExp{"id": r.Id}).Execute(); err != nil {
		t.Fatal(err)
	}
}

// count returns the number of rows of table matching where.
func count(t testing.TB, app core.App, table string, where dbx.Expression) int {
	t.Helper()
	var n int
	if err := app.DB().Select("count(*)").From(table).Where(where).Row(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func auth(token string) map[string]string { return map[string]string{"Authorization": token} }

func body(s string) *strings.Reader { return strings.NewReader(s) }

// run runs the scenarios, each on a fresh app with the fixture seeded.
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
