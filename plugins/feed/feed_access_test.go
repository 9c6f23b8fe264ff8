package feed_test

import (
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"buurtplein/internal/testapp"

	"github.com/pocketbase/pocketbase/tests"
)

func TestMain(m *testing.M) { os.Exit(testapp.Run(m)) }

// Team-only posts of Haarlem-Noord and Schalkwijk in the demo organisation,
// and the organisation-wide ones.
var (
	haarlemOnly    = []string{"Overdracht weekend", "Sleutelkastje Zijlweg", "Bereikbaarheid en vervanging"}
	schalkwijkOnly = []string{"Teamoverleg donderdag"}
	organisation   = []string{"Welkom op Buurtplein", "Zo plannen wij zonder planner", "Wat wij leerden van de griepgolf"}
)

// fixture holds the ids and tokens the scenarios need. The test apps are
// copies of one seeded data dir, so ids and tokens hold in each of them.
type fixture struct {
	haarlem, schalkwijk         string // team ids
	haarlemPost, schalkwijkPost string // team-only post ids
	haarlemComment              string
	anna, bram, carla, dirk     string            // user ids
	annaT, carlaT, dirkT, bramT string            // tokens
	post                        map[string]string // post ids by title

	bo, boT, itT string // BOB staff; IT, a superuser
}

func newFixture(t *testing.T) fixture {
	app := testapp.New(t)

	posts, err := app.FindAllRecords("posts")
	if err != nil {
		t.Fatal(err)
	}
	byTitle := map[string]string{}
	for _, p := range posts {
		byTitle[p.GetString("title")] = p.Id
	}

	return fixture{
		post:           byTitle,
		haarlem:        testapp.Id(t, app, "teams", "slug", "haarlem-noord"),
		schalkwijk:     testapp.Id(t, app, "teams", "slug", "schalkwijk"),
		haarlemPost:    testapp.Id(t, app, "posts", "title", "Overdracht weekend"),
		schalkwijkPost: testapp.Id(t, app, "posts", "title", "Teamoverleg donderdag"),
		haarlemComment: testapp.Id(t, app, "comments", "body", "Ik neem zaterdagochtend."),
		anna:           testapp.Id(t, app, "users", "email", "anna@buurtplein.test"),
		bram:           testapp.Id(t, app, "users", "email", "bram@buurtplein.test"),
		carla:          testapp.Id(t, app, "users", "email", "carla@buurtplein.test"),
		dirk:           testapp.Id(t, app, "users", "email", "dirk@buurtplein.test"),
		annaT:          testapp.Token(t, app, "anna@buurtplein.test"),
		bramT:          testapp.Token(t, app, "bram@buurtplein.test"),
		carlaT:         testapp.Token(t, app, "carla@buurtplein.test"),
		dirkT:          testapp.Token(t, app, "dirk@buurtplein.test"),
		bo:             testapp.Id(t, app, "users", "email", "bo@buurtplein.test"),
		boT:            testapp.Token(t, app, "bo@buurtplein.test"),
		itT:            testapp.Token(t, app, "it@buurtplein.test"),
	}
}

func auth(token string) map[string]string { return map[string]string{"Authorization": token} }

func q(s string) string { return url.QueryEscape(s) }

func body(s string) *strings.Reader { return strings.NewReader(s) }

func TestPostsReadAccess(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	scenarios := []tests.ApiScenario{
		{
			Name:               "carla lists posts: her team and the organisation, nothing of Haarlem-Noord",
			Method:             http.MethodGet,
			URL:                "/api/collections/posts/records?perPage=100",
			Headers:            auth(f.carlaT),
			ExpectedStatus:     200,
			ExpectedContent:    append(append([]string{}, organisation...), schalkwijkOnly...),
			NotExpectedContent: append([]string{f.haarlemPost}, haarlemOnly...),
		},
		{
			Name:               "carla filters on Haarlem-Noord's team",
			Method:             http.MethodGet,
			URL:                "/api/collections/posts/records?filter=" + q(`team = "`+f.haarlem+`"`),
			Headers:            auth(f.carlaT),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":0`},
			NotExpectedContent: haarlemOnly,
		},
		{
			Name:               "carla filters on the team's slug through the relation",
			Method:             http.MethodGet,
			URL:                "/api/collections/posts/records?filter=" + q(`team.slug = "haarlem-noord" && visibility = "team"`),
			Headers:            auth(f.carlaT),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":0`},
			NotExpectedContent: haarlemOnly,
		},
		{
			Name:               "carla views a Haarlem-Noord post",
			Method:             http.MethodGet,
			URL:                "/api/collections/posts/records/" + f.haarlemPost,
			Headers:            auth(f.carlaT),
			ExpectedStatus:     404,
			NotExpectedContent: haarlemOnly,
		},
		{
			Name:               "carla reads the organisation feed",
			Method:             http.MethodGet,
			URL:                "/api/collections/posts/records?filter=" + q(`visibility = "organisation"`),
			Headers:            auth(f.carlaT),
			ExpectedStatus:     200,
			ExpectedContent:    append([]string{`"totalItems":3`}, organisation...),
			NotExpectedContent: haarlemOnly,
		},
		{
			Name:            "dirk sees both his teams",
			Method:          http.MethodGet,
			URL:             "/api/collections/posts/records?perPage=100",
			Headers:         auth(f.dirkT),
			ExpectedStatus:  200,
			ExpectedContent: append(append(append([]string{}, organisation...), schalkwijkOnly...), haarlemOnly...),
		},
		{
			Name:            "dirk views a Haarlem-Noord post",
			Method:          http.MethodGet,
			URL:             "/api/collections/posts/records/" + f.haarlemPost,
			Headers:         auth(f.dirkT),
			ExpectedStatus:  200,
			ExpectedContent: []string{"Overdracht weekend"},
		},
		{
			Name:               "carla lists comments: none of Haarlem-Noord's",
			Method:             http.MethodGet,
			URL:                "/api/collections/comments/records?perPage=100",
			Headers:            auth(f.carlaT),
			ExpectedStatus:     200,
			ExpectedContent:    []string{"Punt: nieuwe wondzorgprotocol.", "Fijn, dank jullie wel!"},
			NotExpectedContent: []string{"Ik neem zaterdagochtend.", f.haarlemComment},
		},
		{
			Name:               "carla filters comments on Haarlem-Noord's posts",
			Method:             http.MethodGet,
			URL:                "/api/collections/comments/records?filter=" + q(`post.team.slug = "haarlem-noord"`),
			Headers:            auth(f.carlaT),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":0`},
			NotExpectedContent: []string{"Ik neem zaterdagochtend."},
		},
		{
			Name:               "carla views a Haarlem-Noord comment",
			Method:             http.MethodGet,
			URL:                "/api/collections/comments/records/" + f.haarlemComment,
			Headers:            auth(f.carlaT),
			ExpectedStatus:     404,
			NotExpectedContent: []string{"Ik neem zaterdagochtend."},
		},
		{
			Name:               "carla expands a comment's post: only the readable ones",
			Method:             http.MethodGet,
			URL:                "/api/collections/comments/records?expand=post&perPage=100",
			Headers:            auth(f.carlaT),
			ExpectedStatus:     200,
			ExpectedContent:    []string{"Teamoverleg donderdag"},
			NotExpectedContent: haarlemOnly,
		},
		{
			Name:               "carla expands teams into their posts",
			Method:             http.MethodGet,
			URL:                "/api/collections/teams/records?expand=" + q("posts_via_team,posts_via_team.comments_via_post"),
			Headers:            auth(f.carlaT),
			ExpectedStatus:     200,
			ExpectedContent:    []string{"Teamoverleg donderdag", "Buurtteam Haarlem-Noord"},
			NotExpectedContent: append([]string{"Ik neem zaterdagochtend."}, haarlemOnly...),
		},
		{
			Name:               "carla expands users into their posts",
			Method:             http.MethodGet,
			URL:                "/api/collections/users/records?expand=posts_via_author&perPage=100",
			Headers:            auth(f.carlaT),
			ExpectedStatus:     200,
			ExpectedContent:    []string{"Anna de Vries", "Zo plannen wij zonder planner"},
			NotExpectedContent: haarlemOnly,
		},
		{
			Name:            "dirk expands teams into their posts",
			Method:          http.MethodGet,
			URL:             "/api/collections/teams/records?expand=posts_via_team",
			Headers:         auth(f.dirkT),
			ExpectedStatus:  200,
			ExpectedContent: haarlemOnly,
		},
	}

	for _, s := range scenarios {
		s.TestAppFactory = testapp.Factory
		s.Test(t)
	}
}

// TestFilterOracle checks that a client filter or sort cannot look into
// another team's posts through a relation of a collection she may read.
func TestFilterOracle(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	blocked := []struct{ name, url string }{
		{"users by a multi-match on their posts", "/api/collections/users/records?filter=" + q(`name = "Anna de Vries" && posts_via_author.title !~ "Overdracht"`)},
		{"users by their posts' body", "/api/collections/users/records?filter=" + q(`posts_via_author.body ~ "Zijlweg"`)},
		{"users by a post field in a group", "/api/collections/users/records?filter=" + q(`(name != "" && (posts_via_author.title ?~ "Sleutel"))`)},
		{"users by their comments", "/api/collections/users/records?filter=" + q(`comments_via_author.body ~ "zaterdag"`)},
		{"teams by their posts", "/api/collections/teams/records?filter=" + q(`posts_via_team.title ?~ "Overdracht"`)},
		{"memberships through the team's posts", "/api/collections/memberships/records?filter=" + q(`team.posts_via_team.body ~ "mevrouw"`)},
		{"an @collection join", "/api/collections/users/records?filter=" + q(`@collection.posts.body ~ "Zijlweg" && @collection.posts.author ?= id`)},
		{"an aliased @collection join", "/api/collections/teams/records?filter=" + q(`@collection.comments:c.body ~ "zaterdag"`)},
		{"a function argument", "/api/collections/users/records?filter=" + q(`strftime('%Y', posts_via_author.created) = "2026"`)},
		{"a sort on posts", "/api/collections/users/records?sort=" + q(`-posts_via_author.title`)},
		{"a sort on the team's comments", "/api/collections/teams/records?sort=" + q(`posts_via_team.comments_via_post.body`)},
		{"anonymous too", "/api/collections/teams/records?filter=" + q(`posts_via_team.title ?~ "Overdracht"`)},
	}
	for _, b := range blocked {
		headers := auth(f.carlaT)
		if strings.HasPrefix(b.name, "anonymous") {
			headers = nil
		}
		(&tests.ApiScenario{
			Name:               "blocked: " + b.name,
			Method:             http.MethodGet,
			URL:                b.url,
			Headers:            headers,
			ExpectedStatus:     400,
			ExpectedContent:    []string{"niet toegestaan", "teamgegevens"},
			NotExpectedContent: append([]string{`"items"`}, haarlemOnly...),
			TestAppFactory:     testapp.Factory,
		}).Test(t)
	}

	allowed := []struct{ name, url, want string }{
		{"users by name", "/api/collections/users/records?filter=" + q(`name ~ "Anna"`), "Anna de Vries"},
		{"users by team (memberships are no secret)", "/api/collections/users/records?filter=" + q(`memberships_via_user.team.slug ?= "heemstede"`), "Eva Smit"},
		{"a text that looks like a path", "/api/collections/users/records?filter=" + q(`name ~ "posts_via_author.body"`), `"totalItems":0`},
		{"comments by their post's title", "/api/collections/comments/records?filter=" + q(`post.title = "Teamoverleg donderdag"`), "wondzorgprotocol"},
		{"posts sorted by the team's name", "/api/collections/posts/records?sort=" + q(`team.name,-created`), "Teamoverleg donderdag"},
	}
	for _, a := range allowed {
		(&tests.ApiScenario{
			Name:            "allowed: " + a.name,
			Method:          http.MethodGet,
			URL:             a.url,
			Headers:         auth(f.carlaT),
			ExpectedStatus:  200,
			ExpectedContent: []string{a.want},
			TestAppFactory:  testapp.Factory,
		}).Test(t)
	}
}

func TestAnonymousSeesNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	for _, path := range []string{"posts", "comments", "teams", "memberships", "users"} {
		(&tests.ApiScenario{
			Name:               "anonymous lists " + path,
			Method:             http.MethodGet,
			URL:                "/api/collections/" + path + "/records",
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":0`},
			NotExpectedContent: append(append([]string{"Buurtteam", "Carla"}, organisation...), haarlemOnly...),
			TestAppFactory:     testapp.Factory,
		}).Test(t)
	}

	views := map[string]string{
		"posts/" + f.haarlemPost:       "Overdracht weekend",
		"comments/" + f.haarlemComment: "zaterdagochtend",
		"teams/" + f.haarlem:           "Haarlem-Noord",
		"users/" + f.carla:             "Carla",
	}
	for path, secret := range views {
		(&tests.ApiScenario{
			Name:               "anonymous views " + path,
			Method:             http.MethodGet,
			URL:                "/api/collections/" + path,
			ExpectedStatus:     404,
			NotExpectedContent: []string{secret},
			TestAppFactory:     testapp.Factory,
		}).Test(t)
	}

	(&tests.ApiScenario{
		Name:               "anonymous posts",
		Method:             http.MethodPost,
		URL:                "/api/collections/posts/records",
		Body:               body(`{"team":"` + f.haarlem + `","author":"` + f.anna + `","kind":"update","visibility":"team","body":"x"}`),
		ExpectedStatus:     400,
		NotExpectedContent: []string{`"id"`},
		TestAppFactory:     testapp.Factory,
	}).Test(t)
}

func TestPostsWriteAccess(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	post := func(team, author, visibility string) *strings.Reader {
		return body(`{"team":"` + team + `","author":"` + author + `","kind":"update","visibility":"` + visibility + `","title":"Nieuw","body":"Hallo"}`)
	}

	scenarios := []tests.ApiScenario{
		{
			Name:            "carla posts in Schalkwijk",
			Method:          http.MethodPost,
			URL:             "/api/collections/posts/records",
			Headers:         auth(f.carlaT),
			Body:            post(f.schalkwijk, f.carla, "team"),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"team":"` + f.schalkwijk + `"`, `"author":"` + f.carla + `"`},
			ExpectedEvents:  map[string]int{"OnRecordCreate": 1},
		},
		{
			Name:               "carla posts in Haarlem-Noord, a team she is not in",
			Method:             http.MethodPost,
			URL:                "/api/collections/posts/records",
			Headers:            auth(f.carlaT),
			Body:               post(f.haarlem, f.carla, "team"),
			ExpectedStatus:     400,
			NotExpectedContent: []string{`"id"`},
			ExpectedEvents:     map[string]int{"OnRecordCreate": 0},
		},
		{
			Name:            "carla shares with the organisation from Haarlem-Noord",
			Method:          http.MethodPost,
			URL:             "/api/collections/posts/records",
			Headers:         auth(f.carlaT),
			Body:            post(f.haarlem, f.carla, "organisation"),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"status":400`},
			ExpectedEvents:  map[string]int{"OnRecordCreate": 0},
		},
		{
			Name:            "carla posts under dirk's name",
			Method:          http.MethodPost,
			URL:             "/api/collections/posts/records",
			Headers:         auth(f.carlaT),
			Body:            post(f.schalkwijk, f.dirk, "team"),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"status":400`},
			ExpectedEvents:  map[string]int{"OnRecordCreate": 0},
		},
		{
			Name:            "carla posts in the organisation feed",
			Method:          http.MethodPost,
			URL:             "/api/collections/posts/records",
			Headers:         auth(f.carlaT),
			Body:            body(`{"author":"` + f.carla + `","kind":"blog","title":"Voor iedereen","body":"Hallo allemaal"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"visibility":"organisation"`, `"team":""`},
		},
		{
			Name:            "a team post without a team",
			Method:          http.MethodPost,
			URL:             "/api/collections/posts/records",
			Headers:         auth(f.carlaT),
			Body:            post("", f.carla, "team"),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"visibility"`, "Een bericht voor het team heeft een team nodig"},
		},
		{
			Name:            "an empty body",
			Method:          http.MethodPost,
			URL:             "/api/collections/posts/records",
			Headers:         auth(f.carlaT),
			Body:            body(`{"team":"` + f.schalkwijk + `","author":"` + f.carla + `","kind":"update","visibility":"team","body":""}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"body":{"code":"validation_required"`},
		},
		{
			Name:            "carla moves her post into Haarlem-Noord",
			Method:          http.MethodPatch,
			URL:             "/api/collections/posts/records/" + f.post["Teamoverleg donderdag"],
			Headers:         auth(f.carlaT),
			Body:            body(`{"team":"` + f.haarlem + `"}`),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
		},
		{
			Name:            "carla hands her post to dirk",
			Method:          http.MethodPatch,
			URL:             "/api/collections/posts/records/" + f.post["Teamoverleg donderdag"],
			Headers:         auth(f.carlaT),
			Body:            body(`{"author":"` + f.dirk + `"}`),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
		},
		{
			Name:            "carla edits her own post",
			Method:          http.MethodPatch,
			URL:             "/api/collections/posts/records/" + f.post["Teamoverleg donderdag"],
			Headers:         auth(f.carlaT),
			Body:            body(`{"body":"Donderdag om 14:00"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{"Donderdag om 14:00"},
		},
		{
			Name:            "dirk edits carla's post",
			Method:          http.MethodPatch,
			URL:             "/api/collections/posts/records/" + f.post["Teamoverleg donderdag"],
			Headers:         auth(f.dirkT),
			Body:            body(`{"body":"gekaapt"}`),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
		},
		{
			Name:            "carla deletes a Haarlem-Noord post",
			Method:          http.MethodDelete,
			URL:             "/api/collections/posts/records/" + f.haarlemPost,
			Headers:         auth(f.carlaT),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
		},
		{
			Name:            "bram deletes anna's post (a member, not a coordinator)",
			Method:          http.MethodDelete,
			URL:             "/api/collections/posts/records/" + f.haarlemPost,
			Headers:         auth(f.bramT),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"status":404`},
		},
		{
			Name:           "anna, coordinator, deletes bram's post in her team",
			Method:         http.MethodDelete,
			URL:            "/api/collections/posts/records/" + f.post["Sleutelkastje Zijlweg"],
			Headers:        auth(f.annaT),
			ExpectedStatus: 204,
		},
		{
			Name:            "carla comments on a Haarlem-Noord post",
			Method:          http.MethodPost,
			URL:             "/api/collections/comments/records",
			Headers:         auth(f.carlaT),
			Body:            body(`{"post":"` + f.haarlemPost + `","author":"` + f.carla + `","body":"Ik kijk mee"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"status":400`},
			ExpectedEvents:  map[string]int{"OnRecordCreate": 0},
		},
		{
			Name:            "carla comments on an organisation post of another team",
			Method:          http.MethodPost,
			URL:             "/api/collections/comments/records",
			Headers:         auth(f.carlaT),
			Body:            body(`{"post":"` + f.post["Zo plannen wij zonder planner"] + `","author":"` + f.carla + `","body":"Mooi!"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"id"`},
		},
		{
			Name:            "carla comments under dirk's name",
			Method:          http.MethodPost,
			URL:             "/api/collections/comments/records",
			Headers:         auth(f.carlaT),
			Body:            body(`{"post":"` + f.schalkwijkPost + `","author":"` + f.dirk + `","body":"Namens Dirk"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"status":400`},
		},
		{
			Name:            "dirk comments in Haarlem-Noord",
			Method:          http.MethodPost,
			URL:             "/api/collections/comments/records",
			Headers:         auth(f.dirkT),
			Body:            body(`{"post":"` + f.haarlemPost + `","author":"` + f.dirk + `","body":"Ik neem zondag."}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"id"`},
		},
		{
			Name:    "carla's batch: one good post, one in Haarlem-Noord: nothing is written",
			Method:  http.MethodPost,
			URL:     "/api/batch",
			Headers: auth(f.carlaT),
			Body: body(`{"requests":[
				{"method":"POST","url":"/api/collections/posts/records","body":{"team":"` + f.schalkwijk + `","author":"` + f.carla + `","kind":"update","visibility":"team","body":"goed"}},
				{"method":"POST","url":"/api/collections/posts/records","body":{"team":"` + f.haarlem + `","author":"` + f.carla + `","kind":"update","visibility":"team","body":"fout"}}
			]}`),
			ExpectedStatus:     400,
			NotExpectedContent: []string{`"goed"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				n, err := app.CountRecords("posts")
				if err != nil || n != int64(len(organisation)+len(haarlemOnly)+len(schalkwijkOnly)+1) {
					t.Fatalf("a failed batch must write nothing: %d posts, err %v", n, err)
				}
			},
		},
		{
			Name:               "carla's batch update of a Haarlem-Noord post",
			Method:             http.MethodPost,
			URL:                "/api/batch",
			Headers:            auth(f.carlaT),
			Body:               body(`{"requests":[{"method":"PATCH","url":"/api/collections/posts/records/` + f.haarlemPost + `","body":{"body":"gekaapt"}}]}`),
			ExpectedStatus:     400,
			NotExpectedContent: []string{"gekaapt"},
		},
		{
			Name:            "carla's batch delete of a Haarlem-Noord post",
			Method:          http.MethodPost,
			URL:             "/api/batch",
			Headers:         auth(f.carlaT),
			Body:            body(`{"requests":[{"method":"DELETE","url":"/api/collections/posts/records/` + f.haarlemPost + `"}]}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"data"`},
		},
	}

	for _, s := range scenarios {
		s.TestAppFactory = testapp.Factory
		s.Test(t)
	}
}
