package feed_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"buurtplein/hooks"
	"buurtplein/internal/testapp"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// pinned returns an AfterTestFunc that checks whether the post with id is
// pinned as want.
func pinned(id string, want bool) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		post, err := app.FindRecordById("posts", id)
		if err != nil {
			t.Fatal(err)
		}
		if post.GetBool("pinned") != want {
			t.Fatalf("post %q pinned = %v, want %v", post.GetString("title"), post.GetBool("pinned"), want)
		}
	}
}

func TestPin(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	pin := func(id string) string { return "/api/buurtplein/posts/" + id + "/pin" }
	yes := `{"pinned":true}`
	demoPinned := f.post["Bereikbaarheid en vervanging"]
	welkom := f.post["Welkom op Buurtplein"] // bo's, organisation
	planner := f.post["Zo plannen wij zonder planner"]
	sleutel := f.post["Sleutelkastje Zijlweg"] // bram's, Haarlem-Noord

	scenarios := []tests.ApiScenario{
		{
			Name:            "anna, Haarlem-Noord's coordinator, pins bram's team post",
			Method:          http.MethodPost,
			URL:             pin(sleutel) + "?expand=author",
			Headers:         auth(f.annaT),
			Body:            body(yes),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"id":"` + sleutel + `"`, `"pinned":true`, `"title":"Sleutelkastje Zijlweg"`, `"name":"Bram Jansen"`},
			ExpectedEvents:  map[string]int{"OnRecordUpdate": 1},
			AfterTestFunc:   pinned(sleutel, true),
		},
		{
			Name:            "anna unpins the demo's pinned post",
			Method:          http.MethodPost,
			URL:             pin(demoPinned),
			Headers:         auth(f.annaT),
			Body:            body(`{"pinned":false}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"pinned":false`},
			AfterTestFunc:   pinned(demoPinned, false),
		},
		{
			Name:            "pinning a pinned post again changes nothing",
			Method:          http.MethodPost,
			URL:             pin(demoPinned),
			Headers:         auth(f.annaT),
			Body:            body(yes),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"pinned":true`},
			ExpectedEvents:  map[string]int{"OnRecordUpdate": 0},
			AfterTestFunc:   pinned(demoPinned, true),
		},
		{
			Name:            "bo, BOB staff, pins an organisation post",
			Method:          http.MethodPost,
			URL:             pin(planner),
			Headers:         auth(f.boT),
			Body:            body(yes),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"pinned":true`, `"visibility":"organisation"`},
			AfterTestFunc:   pinned(planner, true),
		},
		{
			Name:            "bram, a member, pins a post of his team",
			Method:          http.MethodPost,
			URL:             pin(sleutel),
			Headers:         auth(f.bramT),
			Body:            body(yes),
			ExpectedStatus:  403,
			ExpectedContent: []string{`"code":"feed_pin_not_coordinator"`},
			AfterTestFunc:   pinned(sleutel, false),
		},
		{
			Name:               "carla pins a Haarlem-Noord post she cannot read",
			Method:             http.MethodPost,
			URL:                pin(f.haarlemPost),
			Headers:            auth(f.carlaT),
			Body:               body(yes),
			ExpectedStatus:     404,
			ExpectedContent:    []string{`"code":"feed_post_not_found"`},
			NotExpectedContent: []string{"Overdracht weekend"},
			AfterTestFunc:      pinned(f.haarlemPost, false),
		},
		{
			Name:            "carla pins an organisation post",
			Method:          http.MethodPost,
			URL:             pin(welkom),
			Headers:         auth(f.carlaT),
			Body:            body(yes),
			ExpectedStatus:  403,
			ExpectedContent: []string{`"code":"feed_pin_not_bob"`},
			AfterTestFunc:   pinned(welkom, false),
		},
		{
			Name:            "anna, a coordinator, pins her own organisation post",
			Method:          http.MethodPost,
			URL:             pin(planner),
			Headers:         auth(f.annaT),
			Body:            body(yes),
			ExpectedStatus:  403,
			ExpectedContent: []string{`"code":"feed_pin_not_bob"`},
		},
		{
			Name:            "bo pins a Haarlem-Noord team post",
			Method:          http.MethodPost,
			URL:             pin(f.haarlemPost),
			Headers:         auth(f.boT),
			Body:            body(yes),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"code":"feed_post_not_found"`},
		},
		{
			Name:            "a post that does not exist",
			Method:          http.MethodPost,
			URL:             pin("doesnotexist123"),
			Headers:         auth(f.annaT),
			Body:            body(yes),
			ExpectedStatus:  404,
			ExpectedContent: []string{`"code":"feed_post_not_found"`},
		},
		{
			Name:            "without pinned",
			Method:          http.MethodPost,
			URL:             pin(sleutel),
			Headers:         auth(f.annaT),
			Body:            body(`{"pinned":"ja"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"request_invalid_json"`},
		},
		{
			Name:            "an empty body",
			Method:          http.MethodPost,
			URL:             pin(sleutel),
			Headers:         auth(f.annaT),
			Body:            body(`{}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"validation_pin_required"`},
		},
		{
			Name:            "anonymous",
			Method:          http.MethodPost,
			URL:             pin(welkom),
			Body:            body(yes),
			ExpectedStatus:  401,
			ExpectedContent: []string{`"status":401`},
			AfterTestFunc:   pinned(welkom, false),
		},
		{
			Name:            "IT: the route is for employees",
			Method:          http.MethodPost,
			URL:             pin(welkom),
			Headers:         auth(f.itT),
			Body:            body(yes),
			ExpectedStatus:  403,
			ExpectedContent: []string{`"status":403`},
			AfterTestFunc:   pinned(welkom, false),
		},
		{
			Name:               "a GET of the route",
			Method:             http.MethodGet,
			URL:                pin(f.haarlemPost),
			Headers:            auth(f.carlaT),
			ExpectedStatus:     404,
			NotExpectedContent: []string{"Overdracht weekend"},
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = testapp.Factory
		s.Test(t)
	}
}

// TestPinnedListsUseIndex checks that the lists of pinned posts the PWA
// fetches (a team's, the organisation's) read the partial indexes of the
// pinned posts, not every post of the team or the organisation.
func TestPinnedListsUseIndex(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	team := testapp.Id(t, app, "teams", "slug", "haarlem-noord")

	var mu sync.Mutex
	var queries []string
	app.ConcurrentDB().(*dbx.DB).QueryLogFunc = func(_ context.Context, _ time.Duration, query string, _ *sql.Rows, _ error) {
		if strings.Contains(query, "pinned") && strings.HasPrefix(query, "SELECT DISTINCT") {
			mu.Lock()
			queries = append(queries, query)
			mu.Unlock()
		}
	}
	server := testapp.Serve(t, app)
	token := testapp.Token(t, app, "anna@buurtplein.test")

	lists := map[string]string{
		`team = "` + team + `" && pinned = true`:       "idx_posts_pinned_team",
		`visibility = "organisation" && pinned = true`: "idx_posts_pinned_visibility",
	}
	for filter, index := range lists {
		mu.Lock()
		queries = nil
		mu.Unlock()
		status, res := testapp.Do(t, http.MethodGet, server.URL+"/api/collections/posts/records?sort=-created&filter="+url.QueryEscape(filter), token, nil)
		if status != 200 {
			t.Fatalf("%s: %d %s", filter, status, res)
		}
		mu.Lock()
		if len(queries) != 1 {
			t.Fatalf("%s: %d list queries logged, want 1", filter, len(queries))
		}
		plan := queryPlan(t, app, queries[0])
		mu.Unlock()
		if !strings.Contains(plan, "USING INDEX "+index) {
			t.Errorf("%s: the list does not use %s:\n%s", filter, index, plan)
		}
	}
}

func queryPlan(t *testing.T, app core.App, query string) string {
	t.Helper()
	var rows []struct {
		Detail string `db:"detail"`
	}
	if err := app.ConcurrentDB().NewQuery("EXPLAIN QUERY PLAN " + query).All(&rows); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintln(&b, r.Detail)
	}
	return b.String()
}

// TestPinLive checks that a pin reaches the team's members live, as an
// update of the post on the team's topic.
func TestPinLive(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	app := testapp.New(t)
	server := testapp.Serve(t, app)
	sleutel := f.post["Sleutelkastje Zijlweg"]

	bram, status := testapp.ConnectRealtime(t, server.URL, f.bramT, hooks.TeamTopic(f.haarlem))
	if status != http.StatusNoContent {
		t.Fatalf("bram's subscription: status %d", status)
	}
	status, res := testapp.Do(t, http.MethodPost, server.URL+"/api/buurtplein/posts/"+sleutel+"/pin", f.annaT, map[string]any{"pinned": true})
	if status != http.StatusOK {
		t.Fatalf("anna pins: %d %s", status, res)
	}
	ev := bram.Next(t, 10*time.Second)
	if !strings.Contains(ev.Data, `"id":"`+sleutel+`"`) || !strings.Contains(ev.Data, `"pinned":true`) || !strings.Contains(ev.Data, `"action":"update"`) {
		t.Fatalf("bram got %s, want the update of the pinned post", ev.Data)
	}
}
