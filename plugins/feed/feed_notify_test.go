package feed_test

import (
	"net/http"
	"strings"
	"testing"

	"buurtplein/internal/testapp"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// told is what one person should have been told about one post.
type told struct {
	user, kind, post string
	n                int    // how many notifications of kind about post
	sender, title    string // when n > 0: who caused it and the post's title
}

// notified returns an AfterTestFunc that checks the unread notifications
// of each case.
func notified(cases ...told) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		for _, c := range cases {
			where := dbx.HashExp{"user": c.user, "kind": c.kind, "read": false}
			if c.post != "" {
				where["subject"] = c.post
			}
			found, err := app.FindAllRecords("notifications", where)
			if err != nil {
				t.Fatal(err)
			}
			if len(found) != c.n {
				t.Errorf("%s has %d unread %s notifications about %s, want %d", name(app, c.user), len(found), c.kind, c.post, c.n)
				continue
			}
			for _, n := range found {
				if n.GetString("subject_collection") != "posts" || n.GetString("sender") != c.sender {
					t.Errorf("%s's %s notification is about %s/%s from %s, want posts/%s from %s", name(app, c.user), c.kind,
						n.GetString("subject_collection"), n.GetString("subject"), n.GetString("sender"), c.post, c.sender)
				}
				params := n.GetString("params")
				if !strings.Contains(params, `"title":"`+c.title+`"`) || !strings.Contains(params, `"actor":"`+name(app, c.sender)+`"`) {
					t.Errorf("%s's %s notification has params %s, want the title %q and the name of %s", name(app, c.user), c.kind, params, c.title, c.sender)
				}
			}
		}
	}
}

func name(app core.App, id string) string {
	user, err := app.FindRecordById("users", id)
	if err != nil {
		return id
	}
	return user.GetString("name")
}

func TestCommentNotifications(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	overdracht := f.haarlemPost // anna's
	comment := func(author, text string) string {
		return `{"post":"` + overdracht + `","author":"` + author + `","body":"` + text + `"}`
	}
	// a post by femke, who left Haarlem-Noord since
	const femke, femkePost = "femkeoud0000001", "femkepost00001x"

	scenarios := []tests.ApiScenario{
		{
			Name:            "bram comments on anna's post: anna is told",
			Method:          http.MethodPost,
			URL:             "/api/collections/comments/records",
			Headers:         auth(f.bramT),
			Body:            body(comment(f.bram, "Ik kan ook zondag.")),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"body":"Ik kan ook zondag."`},
			AfterTestFunc: notified(
				told{user: f.anna, kind: "post_comment", post: overdracht, n: 1, sender: f.bram, title: "Overdracht weekend"},
				told{user: f.bram, kind: "post_comment", n: 0},
			),
		},
		{
			Name:            "anna comments on her own post: no one is told",
			Method:          http.MethodPost,
			URL:             "/api/collections/comments/records",
			Headers:         auth(f.annaT),
			Body:            body(comment(f.anna, "Dank je, Bram.")),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"body":"Dank je, Bram."`},
			AfterTestFunc:   notified(told{user: f.anna, kind: "post_comment", n: 0}),
		},
		{
			Name:            "dirk comments in a batch: anna is told",
			Method:          http.MethodPost,
			URL:             "/api/batch",
			Headers:         auth(f.dirkT),
			Body:            body(`{"requests":[{"method":"POST","url":"/api/collections/comments/records","body":` + comment(f.dirk, "Ik neem zondag.") + `}]}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"body":"Ik neem zondag."`},
			AfterTestFunc:   notified(told{user: f.anna, kind: "post_comment", post: overdracht, n: 1, sender: f.dirk, title: "Overdracht weekend"}),
		},
		{
			Name:    "a batch that fails tells no one",
			Method:  http.MethodPost,
			URL:     "/api/batch",
			Headers: auth(f.dirkT),
			Body: body(`{"requests":[{"method":"POST","url":"/api/collections/comments/records","body":` + comment(f.dirk, "Ik neem zondag.") + `},` +
				`{"method":"POST","url":"/api/collections/comments/records","body":` + comment(f.dirk, "") + `}]}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"batch_request_failed"`},
			AfterTestFunc:   notified(told{user: f.anna, kind: "post_comment", n: 0}),
		},
		{
			Name: "a comment on the post of someone who left the team tells her nothing",
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
				user := newUser(t, app, femke, "Femke Oud")
				membership := save(t, app, "memberships", map[string]any{"team": f.haarlem, "user": user.Id, "role": "member"})
				save(t, app, "posts", map[string]any{"id": femkePost, "team": f.haarlem, "author": user.Id, "kind": "update", "visibility": "team", "body": "Mijn laatste week."})
				if err := app.Delete(membership); err != nil {
					t.Fatal(err)
				}
			},
			Method:          http.MethodPost,
			URL:             "/api/collections/comments/records",
			Headers:         auth(f.bramT),
			Body:            body(`{"post":"` + femkePost + `","author":"` + f.bram + `","body":"Succes, @Femke Oud!"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"body":"Succes, @Femke Oud!"`},
			AfterTestFunc: notified(
				told{user: femke, kind: "post_comment", n: 0},
				told{user: femke, kind: "mention", n: 0},
			),
		},
		{
			Name:            "bram edits his comment: not a new comment",
			Method:          http.MethodPatch,
			URL:             "/api/collections/comments/records/" + f.haarlemComment,
			Headers:         auth(f.bramT),
			Body:            body(`{"body":"Ik neem zaterdagmiddag."}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"body":"Ik neem zaterdagmiddag."`},
			AfterTestFunc:   notified(told{user: f.anna, kind: "post_comment", n: 0}),
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = testapp.Factory
		s.Test(t)
	}
}

func TestMentions(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	teamPost := func(text string) string {
		return `{"team":"` + f.haarlem + `","author":"` + f.anna + `","kind":"update","visibility":"team","title":"Vraag","body":"` + text + `"}`
	}
	sleutel := f.post["Sleutelkastje Zijlweg"] // bram's
	const jan, janDeBoer = "jan000000000001", "jandeboer000001"

	scenarios := []tests.ApiScenario{
		{
			Name:            "anna mentions bram and carla in a Haarlem-Noord team post: bram is told, carla (no member) not",
			Method:          http.MethodPost,
			URL:             "/api/collections/posts/records",
			Headers:         auth(f.annaT),
			Body:            body(teamPost(`Wie neemt zaterdag, @Bram Jansen of @Carla Bakker? Ik zelf niet (@Anna de Vries).`)),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"title":"Vraag"`},
			AfterTestFunc: notified(
				told{user: f.bram, kind: "mention", n: 1, sender: f.anna, title: "Vraag"},
				told{user: f.carla, kind: "mention", n: 0},
				told{user: f.anna, kind: "mention", n: 0},
			),
		},
		{
			Name:            "carla mentions anna, as she typed her, in an organisation post",
			Method:          http.MethodPost,
			URL:             "/api/collections/posts/records",
			Headers:         auth(f.carlaT),
			Body:            body(`{"author":"` + f.carla + `","kind":"blog","body":"Mooi verhaal van @anna DE vries over zelf plannen."}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"visibility":"organisation"`},
			AfterTestFunc:   notified(told{user: f.anna, kind: "mention", n: 1, sender: f.carla, title: "Mooi verhaal van @anna DE vries over zelf plannen."}),
		},
		{
			Name:            "dirk mentions bram, anna and carla in a comment on anna's team post",
			Method:          http.MethodPost,
			URL:             "/api/collections/comments/records",
			Headers:         auth(f.dirkT),
			Body:            body(`{"post":"` + f.haarlemPost + `","author":"` + f.dirk + `","body":"@Bram Jansen, neem jij zondag? @Anna de Vries weet het. @Carla Bakker ook?"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"id"`},
			AfterTestFunc: notified(
				told{user: f.bram, kind: "mention", post: f.haarlemPost, n: 1, sender: f.dirk, title: "Overdracht weekend"},
				// anna is told once, of the comment on her post
				told{user: f.anna, kind: "post_comment", post: f.haarlemPost, n: 1, sender: f.dirk, title: "Overdracht weekend"},
				told{user: f.anna, kind: "mention", n: 0},
				told{user: f.carla, kind: "mention", n: 0},
			),
		},
		{
			Name: "a blocked colleague is not told",
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
				bram, err := app.FindRecordById("users", f.bram)
				if err != nil {
					t.Fatal(err)
				}
				bram.Set("disabled", true)
				if err := app.Save(bram); err != nil {
					t.Fatal(err)
				}
			},
			Method:          http.MethodPost,
			URL:             "/api/collections/posts/records",
			Headers:         auth(f.annaT),
			Body:            body(teamPost(`@Bram Jansen, bel je me?`)),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"title":"Vraag"`},
			AfterTestFunc:   notified(told{user: f.bram, kind: "mention", n: 0}),
		},
		{
			Name: "the longest name wins: @Jan de Boer is Jan de Boer, not Jan",
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
				for id, name := range map[string]string{jan: "Jan", janDeBoer: "Jan de Boer"} {
					newUser(t, app, id, name)
					save(t, app, "memberships", map[string]any{"team": f.haarlem, "user": id, "role": "member"})
				}
			},
			Method:          http.MethodPost,
			URL:             "/api/collections/posts/records",
			Headers:         auth(f.annaT),
			Body:            body(teamPost(`Welkom @Jan de Boer! En @jan: fijn dat je er bent.`)),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"title":"Vraag"`},
			AfterTestFunc: notified(
				told{user: janDeBoer, kind: "mention", n: 1, sender: f.anna, title: "Vraag"},
				told{user: jan, kind: "mention", n: 1, sender: f.anna, title: "Vraag"},
			),
		},
		{
			Name:            "bram is mentioned three times: told once",
			Method:          http.MethodPost,
			URL:             "/api/collections/posts/records",
			Headers:         auth(f.annaT),
			Body:            body(teamPost(`@Bram Jansen @bram jansen @BRAM JANSEN`)),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"title":"Vraag"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				n, err := app.CountRecords("notifications", dbx.HashExp{"user": f.bram, "kind": "mention"})
				if err != nil || n != 1 {
					t.Fatalf("bram has %d mention notifications (%v), want 1", n, err)
				}
			},
		},
		{
			Name:            "an e-mail address is no mention",
			Method:          http.MethodPost,
			URL:             "/api/collections/posts/records",
			Headers:         auth(f.annaT),
			Body:            body(teamPost(`Mail bram@Bram Jansen of bel.`)),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"title":"Vraag"`},
			AfterTestFunc:   notified(told{user: f.bram, kind: "mention", n: 0}),
		},
		{
			Name:            "a body of 20,000 characters of mentions: the first ones count, the rest costs nothing",
			Method:          http.MethodPost,
			URL:             "/api/collections/posts/records",
			Headers:         auth(f.annaT),
			Body:            body(teamPost(strings.Repeat("@Bram Jansen @", 1427) + "@Dirk Visser")),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"title":"Vraag"`},
			AfterTestFunc: notified(
				told{user: f.bram, kind: "mention", n: 1, sender: f.anna, title: "Vraag"},
				told{user: f.dirk, kind: "mention", n: 0},
			),
		},
		{
			Name: "a deleted post takes its notifications with it",
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
				save(t, app, "comments", map[string]any{"post": sleutel, "author": f.dirk, "body": "Gevonden."})
				save(t, app, "notifications", map[string]any{"user": f.bram, "kind": "post_comment", "subject": sleutel,
					"subject_collection": "posts", "sender": f.dirk, "params": map[string]any{"actor": "Dirk Visser", "title": "Sleutelkastje Zijlweg"}})
			},
			Method:         http.MethodDelete,
			URL:            "/api/collections/posts/records/" + sleutel,
			Headers:        auth(f.bramT),
			ExpectedStatus: 204,
			AfterTestFunc:  notified(told{user: f.bram, kind: "post_comment", n: 0}),
		},
		{
			Name:            "bram mentions anna in an edit of his post: she is told",
			Method:          http.MethodPatch,
			URL:             "/api/collections/posts/records/" + sleutel,
			Headers:         auth(f.bramT),
			Body:            body(`{"body":"Vraag de code aan @Anna de Vries."}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"previous_body"`},
			AfterTestFunc:   notified(told{user: f.anna, kind: "mention", post: sleutel, n: 1, sender: f.bram, title: "Sleutelkastje Zijlweg"}),
		},
		{
			Name: "bram edits a post that mentioned anna already: she is not told again, dirk, new, is",
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
				post, err := app.FindRecordById("posts", sleutel)
				if err != nil {
					t.Fatal(err)
				}
				post.Set("body", "Vraag de code aan @Anna de Vries.")
				if err := app.Save(post); err != nil {
					t.Fatal(err)
				}
			},
			Method:          http.MethodPatch,
			URL:             "/api/collections/posts/records/" + sleutel,
			Headers:         auth(f.bramT),
			Body:            body(`{"body":"Vraag de code aan @Anna de Vries of @Dirk Visser."}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"previous_body":"Vraag de code aan @Anna de Vries."`},
			AfterTestFunc: notified(
				told{user: f.anna, kind: "mention", n: 0},
				told{user: f.dirk, kind: "mention", post: sleutel, n: 1, sender: f.bram, title: "Sleutelkastje Zijlweg"},
			),
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = testapp.Factory
		s.Test(t)
	}
}

func save(t testing.TB, app core.App, collection string, data map[string]any) *core.Record {
	t.Helper()
	c, err := app.FindCollectionByNameOrId(collection)
	if err != nil {
		t.Fatal(err)
	}
	record := core.NewRecord(c)
	record.Load(data)
	if id, ok := data["id"].(string); ok {
		record.Id = id
	}
	if err := app.Save(record); err != nil {
		t.Fatalf("saving %s: %v", collection, err)
	}
	return record
}

func newUser(t testing.TB, app core.App, id, name string) *core.Record {
	t.Helper()
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	user := core.NewRecord(users)
	user.Id = id
	user.SetEmail(id + "@buurtplein.test")
	user.SetPassword("buurtplein-demo")
	user.Set("name", name)
	user.SetVerified(true)
	if err := app.Save(user); err != nil {
		t.Fatal(err)
	}
	return user
}
