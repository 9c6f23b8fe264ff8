package wiki_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"testing"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/wiki"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// fixture holds the ids and tokens the scenarios need. The test apps are
// copies of one seeded data dir, so ids and tokens hold in each of them.
type fixture struct {
	haarlem, schalkwijk                         string // team ids
	anna, bram, carla, bo                       string // user ids
	annaT, bramT, carlaT, boT, superT           string // tokens
	wondzorg, werkafspraken, sleutels, inwerken string // demo page ids
	wondzorgRev1                                string // a revision id
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	app := testapp.New(t)
	user := func(name string) string { return testapp.Id(t, app, "users", "email", name+"@buurtplein.test") }
	team := func(slug string) string { return testapp.Id(t, app, "teams", "slug", slug) }
	token := func(name string) string { return testapp.Token(t, app, name+"@buurtplein.test") }
	f := fixture{
		haarlem: team("haarlem-noord"), schalkwijk: team("schalkwijk"),
		anna: user("anna"), bram: user("bram"), carla: user("carla"), bo: user("bo"),
		annaT: token("anna"), bramT: token("bram"), carlaT: token("carla"), boT: token("bo"),
		superT: token("it"),
	}
	f.wondzorg = pageId(t, app, "", "wondzorg")
	f.werkafspraken = pageId(t, app, f.haarlem, "werkafspraken")
	f.sleutels = pageId(t, app, f.haarlem, "sleutels-en-codes")
	f.inwerken = pageId(t, app, f.haarlem, "inwerken")
	rev, err := app.FindFirstRecordByFilter(wiki.RevisionsCollection, "page = {:p} && revision = 1", dbx.Params{"p": f.wondzorg})
	if err != nil {
		t.Fatal(err)
	}
	f.wondzorgRev1 = rev.Id
	return f
}

func pageId(t testing.TB, app core.App, team, slug string) string {
	t.Helper()
	page, err := app.FindFirstRecordByFilter(wiki.PagesCollection, "team = {:team} && slug = {:slug}", dbx.Params{"team": team, "slug": slug})
	if err != nil {
		t.Fatalf("demo page %q of %q: %v", slug, team, err)
	}
	return page.Id
}

func auth(token string) map[string]string { return map[string]string{"Authorization": token} }

func q(s string) string { return url.QueryEscape(s) }

// jsonBody encodes v as a request body.
func jsonBody(t testing.TB, v any) *bytes.Reader {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(b)
}

// run runs scenarios, each on a fresh copy of the demo app.
func run(t *testing.T, scenarios []tests.ApiScenario) {
	t.Helper()
	for _, s := range scenarios {
		s.TestAppFactory = testapp.Factory
		s.Test(t)
	}
}

// revisions returns the revisions of page, by number.
func revisions(t testing.TB, app core.App, page string) []*core.Record {
	t.Helper()
	revs, err := app.FindRecordsByFilter(wiki.RevisionsCollection, "page = {:p}", "revision", 0, 0, dbx.Params{"p": page})
	if err != nil {
		t.Fatal(err)
	}
	return revs
}

// multipartBody returns a multipart body with fields and one file under
// "attachments", and its content type.
func multipartBody(t testing.TB, fields map[string]string, name string, content []byte) (*bytes.Buffer, map[string]string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	part, err := w.CreateFormFile("attachments", name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := part.Write(content); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return &buf, map[string]string{"Content-Type": w.FormDataContentType()}
}

func withAuth(headers map[string]string, token string) map[string]string {
	headers["Authorization"] = token
	return headers
}

var _ = http.MethodGet
