package mustread_test

import (
	"net/http"
	"slices"
	"testing"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/mustread"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// announced returns who got a mustread_new notification, sorted.
func announced(t testing.TB, app core.App) []string {
	t.Helper()
	var users []string
	err := app.DB().Select("user").From("notifications").Where(dbx.HashExp{"kind": "mustread_new"}).OrderBy("user").Column(&users)
	if err != nil {
		t.Fatal(err)
	}
	return users
}

func wantAnnounced(users ...string) func(testing.TB, *tests.TestApp, *http.Response) {
	slices.Sort(users)
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		if got := announced(t, app); !slices.Equal(got, users) {
			t.Errorf("mustread_new went to %q, want %q", got, users)
		}
	}
}

func TestAnnounce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	run(t, f, []tests.ApiScenario{
		{
			// not bo herself, not fenna (in no team), not the blocked colleague
			Name:   "an organisation must-read post asks every employee",
			Method: http.MethodPost, URL: "/api/collections/posts/records", Headers: auth(f.boT),
			Body: body(`{"author":"` + f.bo + `","kind":"update","visibility":"organisation","title":"Nieuwe cao",` +
				`"body":"Lees en bevestig.","must_read":true}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"must_read":true`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				wantAnnounced(f.anna, f.bram, f.carla, f.dirk, f.eva)(t, app, res)
				n, err := app.FindFirstRecordByFilter("notifications", "kind = 'mustread_new' && user = {:u}", dbx.Params{"u": f.carla})
				if err != nil {
					t.Fatal(err)
				}
				if n.GetString("sender") != f.bo || n.GetString("subject_collection") != "posts" ||
					n.GetString("params") != `{"actor":"Bo Meijer","title":"Nieuwe cao"}` {
					t.Errorf("carla's notification: %v", n.PublicExport())
				}
			},
		},
		{
			Name:   "a post that is not must-read asks no one",
			Method: http.MethodPost, URL: "/api/collections/posts/records", Headers: auth(f.annaT),
			Body: body(`{"author":"` + f.anna + `","team":"` + f.haarlem + `","kind":"update","visibility":"team",` +
				`"title":"Koffie","body":"Er is koffie."}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"must_read":false`},
			AfterTestFunc:   wantAnnounced(),
		},
		{
			Name:   "a team post made must-read asks its team",
			Method: http.MethodPatch, URL: "/api/collections/posts/records/" + plainPost, Headers: auth(f.annaT),
			Body:            body(`{"must_read":true}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"must_read":true`},
			AfterTestFunc:   wantAnnounced(f.bram, f.dirk),
		},
		{
			Name:   "editing a must-read post asks no one again",
			Method: http.MethodPatch, URL: "/api/collections/posts/records/" + teamPost, Headers: auth(f.annaT),
			Body:            body(`{"body":"Lees dit, met een tikfout minder."}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"must_read":true`},
			AfterTestFunc:   wantAnnounced(),
		},
		{
			// every save of a page is a new revision: who confirmed the
			// one before is asked again
			Name:   "a protocol asked of another team asks that team, who confirmed its last revision too",
			Method: http.MethodPatch, URL: "/api/collections/wiki_pages/records/" + orgProtocol, Headers: auth(f.boT),
			Body: body(`{"revision":1,"must_read_team":"` + f.haarlem + `"}`),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
				confirmed(t, app, f.dirk, "", orgProtocol, 1)
			},
			ExpectedStatus:  200,
			ExpectedContent: []string{`"must_read_team":"` + f.haarlem + `"`},
			AfterTestFunc:   wantAnnounced(f.anna, f.bram, f.dirk),
		},
		{
			Name:   "a refused save asks no one",
			Method: http.MethodPatch, URL: "/api/collections/posts/records/" + plainPost, Headers: auth(f.bramT),
			Body:            body(`{"must_read":true}`),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
			AfterTestFunc:   wantAnnounced(),
		},
	})
}

// TestAnnounceFromAPlugin: a plugin that saves a new revision itself (the
// wiki's restore) asks again with Announce, in its transaction.
func TestAnnounceFromAPlugin(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	app := testapp.New(t)
	f.seed(t, app)
	confirmed(t, app, f.bram, "", protocol, 3)
	err := app.RunInTransaction(func(txApp core.App) error {
		bump(t, txApp, protocol)
		page, err := txApp.FindRecordById("wiki_pages", protocol)
		if err != nil {
			return err
		}
		return mustread.Announce(txApp, page, f.bo)
	})
	if err != nil {
		t.Fatal(err)
	}
	// bram confirmed revision 3, not 4: he is asked again
	wantAnnounced(f.anna, f.bram, f.dirk)(t, app, nil)

	plain, err := app.FindRecordById("posts", plainPost)
	if err != nil {
		t.Fatal(err)
	}
	if err := mustread.Announce(app, plain, f.anna); err != nil {
		t.Fatal(err)
	}
	wantAnnounced(f.anna, f.bram, f.dirk)(t, app, nil)
}
