package mustread_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

const readsURL = "/api/collections/reads/records"

func TestConfirm(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	// noRead checks that a refused confirmation left nothing behind
	noRead := func(user string) func(testing.TB, *tests.TestApp, *http.Response) {
		return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			if n := count(t, app, "reads", dbx.HashExp{"user": user}); n != 0 {
				t.Errorf("%d confirmations of %s after a refusal", n, user)
			}
		}
	}

	run(t, f, []tests.ApiScenario{
		{
			Name:   "bram confirms his team's must-read post",
			Method: http.MethodPost, URL: readsURL, Headers: auth(f.bramT),
			Body:            body(`{"post":"` + teamPost + `","user":"` + f.bram + `","revision":7}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"post":"` + teamPost + `"`, `"user":"` + f.bram + `"`, `"revision":0`},
		},
		{
			Name:   "bram confirms the protocol: the server sets its current revision",
			Method: http.MethodPost, URL: readsURL, Headers: auth(f.bramT),
			Body:            body(`{"page":"` + protocol + `","user":"` + f.bram + `","revision":1}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"page":"` + protocol + `"`, `"revision":3`},
		},
		{
			Name:   "bram sends the post alone: the confirmation is his",
			Method: http.MethodPost, URL: readsURL, Headers: auth(f.bramT),
			Body:            body(`{"post":"` + teamPost + `"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"post":"` + teamPost + `"`, `"user":"` + f.bram + `"`, `"revision":0`},
		},
		{
			Name:   "IT must name the reader",
			Method: http.MethodPost, URL: readsURL, Headers: auth(f.itT),
			Body:            body(`{"post":"` + teamPost + `"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"user":{"code":"validation_required"`},
		},
		{
			Name:   "carla confirms the organisation's must-read post",
			Method: http.MethodPost, URL: readsURL, Headers: auth(f.carlaT),
			Body:            body(`{"post":"` + orgPost + `","user":"` + f.carla + `"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"post":"` + orgPost + `"`},
		},
		{
			Name:   "a second confirmation of the same revision is refused with a code",
			Method: http.MethodPost, URL: readsURL, Headers: auth(f.bramT),
			Body: body(`{"page":"` + protocol + `","user":"` + f.bram + `"}`),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
				confirmed(t, app, f.bram, "", protocol, 3)
			},
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"mustread_already_confirmed"`, `"revision":3`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if n := count(t, app, "reads", dbx.HashExp{"user": f.bram}); n != 1 {
					t.Errorf("%d confirmations of bram, want 1", n)
				}
			},
		},
		{
			Name:   "a post twice is refused as well",
			Method: http.MethodPost, URL: readsURL, Headers: auth(f.bramT),
			Body: body(`{"post":"` + teamPost + `","user":"` + f.bram + `"}`),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
				confirmed(t, app, f.bram, teamPost, "", 0)
			},
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"mustread_already_confirmed"`},
		},
		{
			Name:   "a new revision asks again: the confirmation of the old one does not count",
			Method: http.MethodPost, URL: readsURL, Headers: auth(f.bramT),
			Body: body(`{"page":"` + protocol + `","user":"` + f.bram + `"}`),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
				confirmed(t, app, f.bram, "", protocol, 3)
				bump(t, app, protocol)
			},
			ExpectedStatus:  200,
			ExpectedContent: []string{`"revision":4`},
		},
		{
			Name:   "a post that is not must-read is refused with a code",
			Method: http.MethodPost, URL: readsURL, Headers: auth(f.bramT),
			Body:            body(`{"post":"` + plainPost + `","user":"` + f.bram + `"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"mustread_not_must_read"`},
			AfterTestFunc:   noRead(f.bram),
		},
		{
			Name:   "carla may not confirm a Haarlem-Noord post she cannot read, and learns nothing of it",
			Method: http.MethodPost, URL: readsURL, Headers: auth(f.carlaT),
			Body:               body(`{"post":"` + teamPost + `","user":"` + f.carla + `"}`),
			ExpectedStatus:     400,
			NotExpectedContent: []string{"mustread_", "Nieuwe sleutelkluis"},
			AfterTestFunc:      noRead(f.carla),
		},
		{
			Name:   "carla may not confirm a page of Haarlem-Noord's own wiki",
			Method: http.MethodPost, URL: readsURL, Headers: auth(f.carlaT),
			Body:               body(`{"page":"` + teamWikiPage + `","user":"` + f.carla + `"}`),
			ExpectedStatus:     400,
			NotExpectedContent: []string{"mustread_"},
			AfterTestFunc:      noRead(f.carla),
		},
		{
			Name:   "carla reads the protocol but it asks Haarlem-Noord, not her",
			Method: http.MethodPost, URL: readsURL, Headers: auth(f.carlaT),
			Body:            body(`{"page":"` + protocol + `","user":"` + f.carla + `"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"mustread_not_asked"`},
			AfterTestFunc:   noRead(f.carla),
		},
		{
			Name:   "fenna, in no team any more, is asked nothing",
			Method: http.MethodPost, URL: readsURL, Headers: auth(f.fennaT),
			Body:            body(`{"post":"` + orgPost + `","user":"` + formerMember + `"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"mustread_not_asked"`},
			AfterTestFunc:   noRead(formerMember),
		},
		{
			Name:   "nobody confirms for a colleague",
			Method: http.MethodPost, URL: readsURL, Headers: auth(f.annaT),
			Body:            body(`{"post":"` + teamPost + `","user":"` + f.bram + `"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"status":400`},
			AfterTestFunc:   noRead(f.bram),
		},
		{
			Name:   "a post and a page at once are refused",
			Method: http.MethodPost, URL: readsURL, Headers: auth(f.bramT),
			Body:            body(`{"post":"` + teamPost + `","page":"` + protocol + `","user":"` + f.bram + `"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"status":400`},
			AfterTestFunc:   noRead(f.bram),
		},
		{
			Name:   "the same page twice in one batch: the whole batch is refused",
			Method: http.MethodPost, URL: "/api/batch", Headers: auth(f.bramT),
			Body: body(`{"requests":[` +
				`{"method":"POST","url":"/api/collections/reads/records","body":{"post":"` + teamPost + `"}},` +
				`{"method":"POST","url":"/api/collections/reads/records","body":{"page":"` + protocol + `"}},` +
				`{"method":"POST","url":"/api/collections/reads/records","body":{"page":"` + protocol + `"}}]}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"mustread_already_confirmed"`},
			AfterTestFunc:   noRead(f.bram),
		},
		{
			Name:   "without a session nothing is confirmed",
			Method: http.MethodPost, URL: readsURL,
			Body:            body(`{"post":"` + orgPost + `","user":"` + f.bram + `"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"status":400`},
			AfterTestFunc:   noRead(f.bram),
		},
	})
}

// TestConfirmationIsFinal: a reader cannot change or take back a
// confirmation, through the record API or a batch.
func TestConfirmationIsFinal(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	const readId = "mrbramread00001"
	mine := func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
		save(t, app, "reads", map[string]any{"id": readId, "user": f.bram, "post": teamPost})
	}
	kept := func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		r, err := app.FindRecordById("reads", readId)
		if err != nil || r.GetString("post") != teamPost || r.GetInt("revision") != 0 {
			t.Errorf("bram's confirmation changed: %v %v", r, err)
		}
	}
	run(t, f, []tests.ApiScenario{
		{
			Name:   "bram changes his confirmation",
			Method: http.MethodPatch, URL: readsURL + "/" + readId, Headers: auth(f.bramT),
			Body: body(`{"revision":5}`), BeforeTestFunc: mine, AfterTestFunc: kept,
			ExpectedStatus: 403, ExpectedContent: []string{`"status":403`},
		},
		{
			Name:   "bram deletes his confirmation",
			Method: http.MethodDelete, URL: readsURL + "/" + readId, Headers: auth(f.bramT),
			BeforeTestFunc: mine, AfterTestFunc: kept,
			ExpectedStatus: 403, ExpectedContent: []string{`"status":403`},
		},
		{
			Name:   "bram deletes it in a batch",
			Method: http.MethodPost, URL: "/api/batch", Headers: auth(f.bramT),
			Body:           body(`{"requests":[{"method":"DELETE","url":"/api/collections/reads/records/` + readId + `"}]}`),
			BeforeTestFunc: mine, AfterTestFunc: kept,
			ExpectedStatus: 400, ExpectedContent: []string{`"status":403`},
		},
		{
			Name:   "anna does not list bram's confirmation",
			Method: http.MethodGet, URL: readsURL, Headers: auth(f.annaT),
			BeforeTestFunc:     mine,
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":0`},
			NotExpectedContent: []string{readId},
		},
	})
}
