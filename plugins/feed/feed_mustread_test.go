package feed_test

import (
	"net/http"
	"testing"

	"buurtplein/internal/testapp"

	"github.com/pocketbase/pocketbase/core"

	"github.com/pocketbase/pocketbase/tests"
)

// TestMustReadWho checks who may make a post must-read (which notifies
// its whole audience): a coordinator of the team for a team's post, BOB
// staff for a post the whole organisation reads, IT; nobody else, on
// create and on update, and an author may still edit a post that is
// must-read already.
func TestMustReadWho(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	posts := "/api/collections/posts/records"
	teamPost := func(author, team string) string {
		return `{"author":"` + author + `","team":"` + team + `","kind":"update","visibility":"team","title":"Lezen","body":"Graag lezen en bevestigen.","must_read":true}`
	}
	orgPost := func(author string) string {
		return `{"author":"` + author + `","kind":"update","visibility":"organisation","title":"Lezen","body":"Graag lezen en bevestigen.","must_read":true}`
	}
	sleutel := f.post["Sleutelkastje Zijlweg"] // bram's, Haarlem-Noord

	scenarios := []tests.ApiScenario{
		{
			Name: "anna, Haarlem-Noord's coordinator, asks her team", Method: http.MethodPost, URL: posts,
			Headers: auth(f.annaT), Body: body(teamPost(f.anna, f.haarlem)),
			ExpectedStatus: 200, ExpectedContent: []string{`"must_read":true`},
		},
		{
			Name: "bram, a member, may not ask his team", Method: http.MethodPost, URL: posts,
			Headers: auth(f.bramT), Body: body(teamPost(f.bram, f.haarlem)),
			ExpectedStatus: 403, ExpectedContent: []string{`"code":"feed_must_read_not_coordinator"`},
			ExpectedEvents: map[string]int{"OnRecordCreate": 0},
		},
		{
			Name: "bram posts the same without must-read", Method: http.MethodPost, URL: posts,
			Headers: auth(f.bramT), Body: body(`{"author":"` + f.bram + `","team":"` + f.haarlem + `","kind":"update","visibility":"team","title":"Lezen","body":"Ter info."}`),
			ExpectedStatus: 200, ExpectedContent: []string{`"must_read":false`},
		},
		{
			Name: "anna may not ask the whole organisation", Method: http.MethodPost, URL: posts,
			Headers: auth(f.annaT), Body: body(orgPost(f.anna)),
			ExpectedStatus: 403, ExpectedContent: []string{`"code":"feed_must_read_not_bob"`},
		},
		{
			Name: "bo, BOB staff, asks the whole organisation", Method: http.MethodPost, URL: posts,
			Headers: auth(f.boT), Body: body(orgPost(f.bo)),
			ExpectedStatus: 200, ExpectedContent: []string{`"must_read":true`},
		},
		{
			Name: "bram may not make his own post must-read afterwards", Method: http.MethodPatch, URL: posts + "/" + sleutel,
			Headers: auth(f.bramT), Body: body(`{"must_read":true}`),
			ExpectedStatus: 403, ExpectedContent: []string{`"code":"feed_must_read_not_coordinator"`},
			ExpectedEvents: map[string]int{"OnRecordUpdate": 0},
		},
		{
			Name: "nor through a batch", Method: http.MethodPost, URL: "/api/batch",
			Headers: auth(f.bramT), Body: body(`{"requests":[{"method":"PATCH","url":"` + posts + "/" + sleutel + `","body":{"must_read":true}}]}`),
			ExpectedStatus: 400, ExpectedContent: []string{`feed_must_read_not_coordinator`},
			ExpectedEvents: map[string]int{"OnRecordUpdate": 0},
		},
		{
			Name: "bram edits his post that anna made must-read: it stays so", Method: http.MethodPatch, URL: posts + "/" + sleutel,
			Headers: auth(f.bramT), Body: body(`{"body":"Het sleutelkastje zit nu naast de deur."}`),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
				post, err := app.FindRecordById("posts", sleutel)
				if err != nil {
					t.Fatal(err)
				}
				post.Set("must_read", true)
				if err := app.Save(post); err != nil {
					t.Fatal(err)
				}
			},
			ExpectedStatus: 200, ExpectedContent: []string{`"must_read":true`, `naast de deur`},
		},
		{
			Name: "IT may, in the dashboard", Method: http.MethodPost, URL: posts,
			Headers: auth(f.itT), Body: body(orgPost(f.carla)),
			ExpectedStatus: 200, ExpectedContent: []string{`"must_read":true`},
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = testapp.Factory
		s.Test(t)
	}
}
