package hooks_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"buurtplein/hooks"
	"buurtplein/internal/testapp"
)

// send makes a request and returns its status, its Content-Length and its
// body.
func send(t *testing.T, method, target, token string, body io.Reader) (int, int64, string) {
	t.Helper()
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.ContentLength, string(data)
}

// TestHeadFilterOracle is finding 1: a HEAD request skipped the filter
// guard, and the Content-Length of its answer told whether another team's
// post held a text. Now every method gets the guard's 400.
func TestHeadFilterOracle(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	testapp.Unlimited(t, app)
	server := testapp.Serve(t, app)

	anna := testapp.Id(t, app, "users", "email", "anna@buurtplein.test")
	carla := testapp.Token(t, app, "carla@buurtplein.test")
	it := testapp.Token(t, app, "it@buurtplein.test")
	probe := func(text string) string {
		q := url.Values{}
		// anna's Haarlem-Noord team post: "Mevrouw K. krijgt vanaf zaterdag ..."
		q.Set("filter", `id="`+anna+`" && posts_via_author.body !~ "`+text+`"`)
		q.Set("fields", "id")
		q.Set("perPage", "1")
		q.Set("skipTotal", "1")
		return server.URL + "/api/collections/users/records?" + q.Encode()
	}
	hit, miss := probe("Mevrouw K"), probe("zqzqzq")

	// the oracle: for IT, who may read the post, the two answers differ
	_, hitLength, _ := send(t, http.MethodGet, hit, it, nil)
	_, missLength, _ := send(t, http.MethodGet, miss, it, nil)
	if hitLength == missLength {
		t.Fatalf("the two probes answer IT alike (%d bytes): the test shows no oracle", hitLength)
	}

	for _, method := range []string{http.MethodHead, http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete} {
		hitStatus, hitLength, _ := send(t, method, hit, carla, nil)
		missStatus, missLength, _ := send(t, method, miss, carla, nil)
		if hitStatus != http.StatusBadRequest || missStatus != http.StatusBadRequest {
			t.Errorf("%s as carla: statuses %d and %d, want 400 for both", method, hitStatus, missStatus)
		}
		if hitLength != missLength {
			t.Errorf("%s as carla: Content-Length %d and %d differ with another team's post", method, hitLength, missLength)
		}
	}

	// the same filter through a record's path (view), and with a
	// collection the path does not name
	post := testapp.Id(t, app, "posts", "title", "Overdracht weekend")
	for _, target := range []string{
		server.URL + "/api/collections/posts/records/" + post + "?" + strings.SplitN(hit, "?", 2)[1],
		server.URL + "/api/buurtplein/anything?" + strings.SplitN(hit, "?", 2)[1],
	} {
		for _, method := range []string{http.MethodHead, http.MethodGet} {
			if status, _, _ := send(t, method, target, carla, nil); status != http.StatusBadRequest {
				t.Errorf("%s %s as carla: status %d, want 400", method, target, status)
			}
		}
	}
}

// TestQueryBounds is finding 2: a filter, sort, expand or fields beyond
// its bound is refused with a 400 that names the parameter, before
// anything parses it, for anyone but a superuser.
func TestQueryBounds(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	testapp.Unlimited(t, app)
	server := testapp.Serve(t, app)
	bram := testapp.Token(t, app, "bram@buurtplein.test")
	it := testapp.Token(t, app, "it@buurtplein.test")
	post := testapp.Id(t, app, "posts", "title", "Overdracht weekend")

	nested := func(depth int) string {
		return strings.Repeat("(", depth) + `id="x"` + strings.Repeat(")", depth)
	}
	enc := url.QueryEscape
	cases := []struct {
		name, path, token string
		status            int
		message           string // a part of the message, when refused
	}{
		// the probe of the red team: 96 KB of nested groups, anonymous
		{"96 KB nesting", "/api/collections/posts/records?filter=" + enc(nested(16000)), "", 400, "ten hoogste 32768"},
		{"filter too long", "/api/collections/posts/records?filter=" + enc(`id!="`+strings.Repeat("a", 3500)+`"`), bram, 400, "filter is te lang"},
		{"filter at its limit", "/api/collections/posts/records?filter=" + enc(`id!="`+strings.Repeat("a", 3494)+`"`), bram, 200, ""},
		{"filter too deep", "/api/collections/posts/records?filter=" + enc(nested(11)), bram, 400, "ten hoogste 10"},
		{"filter as deep as allowed", "/api/collections/posts/records?filter=" + enc(nested(10)), bram, 200, ""},
		{"brackets in a text", "/api/collections/users/records?filter=" + enc(`name ~ "`+strings.Repeat("(", 50)+`"`), bram, 200, ""},
		{"encoded name", "/api/collections/posts/records?%66ilter=" + enc(nested(11)), bram, 400, "filter"},
		{"repeated filter", "/api/collections/posts/records?filter=id!=''&filter=" + enc(`id!="x"`), bram, 400, "één keer"},
		{"sort too long", "/api/collections/posts/records?sort=" + strings.Repeat("a", 513), bram, 400, "sort is te lang"},
		{"too many sort fields", "/api/collections/posts/records?sort=" + strings.Repeat("id,", 8) + "id", bram, 400, "ten hoogste 8"},
		{"expand too deep", "/api/collections/comments/records?expand=post.author.memberships_via_user.team", bram, 400, "ten hoogste 3"},
		{"expand three deep", "/api/collections/comments/records?expand=post.author.memberships_via_user", bram, 200, ""},
		{"too many expand paths", "/api/collections/posts/records?expand=" + strings.Repeat("author,", 10) + "team", bram, 400, "ten hoogste 10"},
		{"fields too long", "/api/collections/posts/records?fields=" + strings.Repeat("a", 1025), bram, 400, "fields is te lang"},
		{"view expand too deep", "/api/collections/posts/records/" + post + "?expand=author.memberships_via_user.team.posts_via_team", bram, 400, "expand"},
		{"a semicolon pair is no parameter", "/api/collections/posts/records?filter=" + enc(nested(11)) + ";x", bram, 200, ""},
		{"other paths too", "/api/health?filter=" + enc(nested(11)), "", 400, "filter"},
		{"superusers are not bounded", "/api/collections/posts/records?filter=" + enc(nested(11)), it, 200, ""},
	}
	for _, c := range cases {
		for _, method := range []string{http.MethodGet, http.MethodHead} {
			status, _, body := send(t, method, server.URL+c.path, c.token, nil)
			if status != c.status {
				t.Errorf("%s, %s: status %d, want %d\n%.300s", c.name, method, status, c.status, body)
				continue
			}
			if method == http.MethodGet && c.message != "" && !strings.Contains(body, c.message) {
				t.Errorf("%s: the message does not say %q: %.300s", c.name, c.message, body)
			}
		}
	}
}

// TestQueryBoundsBatch: the requests inside a batch carry their own query
// strings, and reach PocketBase's handlers without the router's
// middlewares.
func TestQueryBoundsBatch(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	testapp.Unlimited(t, app)
	server := testapp.Serve(t, app)
	anna := testapp.Token(t, app, "anna@buurtplein.test")
	annaId := testapp.Id(t, app, "users", "email", "anna@buurtplein.test")
	team := testapp.Id(t, app, "teams", "slug", "haarlem-noord")

	for _, c := range []struct {
		query   string
		status  int
		message string
	}{
		{"?expand=author.memberships_via_user.team.posts_via_team", 400, "expand"},
		{"?filter=" + url.QueryEscape(`posts_via_author.body ~ "x"`), 400, "teamgegevens"},
		{"?sort=author.email", 400, "afgeschermd"},
		{"?expand=author,team", 200, ""},
	} {
		body, _ := json.Marshal(map[string]any{"requests": []any{map[string]any{
			"method": "POST",
			"url":    "/api/collections/posts/records" + c.query,
			"body":   map[string]any{"team": team, "author": annaId, "kind": "update", "visibility": "team", "title": "batch", "body": "batch"},
		}}})
		status, _, res := send(t, http.MethodPost, server.URL+"/api/batch", anna, strings.NewReader(string(body)))
		if status != c.status || !strings.Contains(res, c.message) {
			t.Errorf("batch with %s: status %d, want %d with %q\n%.300s", c.query, status, c.status, c.message, res)
		}
	}
}

// TestQueryBoundsRealtime: a realtime subscription's options are bounded
// and guarded as a request's query is.
func TestQueryBoundsRealtime(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	server := testapp.Serve(t, app)
	bram := testapp.Token(t, app, "bram@buurtplein.test")

	for _, c := range []struct {
		options string
		status  int
	}{
		{`{"query":{"expand":"author.memberships_via_user.team.posts_via_team"}}`, 400},
		{`{"query":{"filter":"` + strings.Repeat("(", 11) + `id='x'` + strings.Repeat(")", 11) + `"}}`, 400},
		{`{"query":{"sort":"author.email"}}`, 400},
		{`{"query":{"filter":"author.email ~ 'anna'"}}`, 400},
		{`{"query":{"fields":"` + strings.Repeat("a", 1025) + `"}}`, 400},
		{`{"query":{"expand":"author,team","filter":"visibility = 'team'"}}`, 204},
	} {
		_, status := testapp.ConnectRealtime(t, server.URL, bram, "posts/*?options="+url.QueryEscape(c.options))
		if status != c.status {
			t.Errorf("options %s: status %d, want %d", c.options, status, c.status)
		}
	}
}

// TestHiddenFields is the first part of finding 14: sorting the directory
// by e-mail address ordered it by addresses nobody may see. Only IT may
// filter or sort on hidden fields and e-mail addresses.
func TestHiddenFields(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	testapp.Unlimited(t, app)
	server := testapp.Serve(t, app)

	for _, c := range []struct {
		query string
		who   string
		want  int
	}{
		{"sort=email", "carla@buurtplein.test", 400},
		{"sort=-email", "anna@buurtplein.test", 400},
		{"filter=" + url.QueryEscape(`email ~ "a"`), "bram@buurtplein.test", 400},
		{"filter=" + url.QueryEscape(`memberships_via_user.user.email ~ "a"`), "bram@buurtplein.test", 400},
		{"filter=" + url.QueryEscape(`tokenKey != ""`), "bram@buurtplein.test", 400},
		{"sort=name,id&filter=" + url.QueryEscape(`name ~ "email"`), "bram@buurtplein.test", 200},
		{"sort=email", "it@buurtplein.test", 200},
	} {
		token := testapp.Token(t, app, c.who)
		status, _, body := send(t, http.MethodGet, server.URL+"/api/collections/users/records?"+c.query, token, nil)
		if status != c.want {
			t.Errorf("%s as %s: status %d, want %d\n%.300s", c.query, c.who, status, c.want, body)
		}
		if status == http.StatusBadRequest && !strings.Contains(body, "afgeschermd") {
			t.Errorf("%s as %s: the message does not say the field is hidden: %.300s", c.query, c.who, body)
		}
	}

	// the same holds in a realtime subscription's options
	bram := testapp.Token(t, app, "bram@buurtplein.test")
	if err := hooks.CheckFilter(app, "users", "", "email"); err == nil {
		t.Error("CheckFilter lets a sort on email through")
	}
	_, status := testapp.ConnectRealtime(t, server.URL, bram, `users/*?options={"query":{"filter":"email != ''"}}`)
	if status != http.StatusBadRequest {
		t.Errorf("realtime filter on email: status %d, want 400", status)
	}
}

// BenchmarkQueryBounds measures the guard's work on the largest queries
// the server takes (Go's server reads request headers up to a megabyte):
// its refusals, and what it accepts at its limits. docs/BENCHMARKS.md has
// the figures.
func BenchmarkQueryBounds(b *testing.B) {
	app := testapp.New(b)
	nested := func(depth int) string {
		return strings.Repeat("(", depth) + `id="x"` + strings.Repeat(")", depth)
	}
	// the longest filter the guard takes, as deep as it takes
	var widest strings.Builder
	widest.WriteString(strings.Repeat("(", hooks.MaxFilterDepth))
	for widest.Len() < hooks.MaxFilterLength-200 {
		widest.WriteString(`name ~ "a(b" && memberships_via_user.team.slug ?= "x" && `)
	}
	widest.WriteString(`id != ""` + strings.Repeat(")", hooks.MaxFilterDepth))

	// as many distinct identifiers as fit, each a relation to follow
	var distinct strings.Builder
	for i := 0; distinct.Len() < hooks.MaxFilterLength-40; i++ {
		fmt.Fprintf(&distinct, "team.x%d=1||", i)
	}
	distinct.WriteString("id=1")

	for _, c := range []struct {
		name, query string
		refused     bool
	}{
		{"refuse 1MB nested filter", "filter=" + url.QueryEscape(nested(1<<20/6)), true},
		{"refuse 32KB nested filter", "filter=" + url.QueryEscape(nested(hooks.MaxQueryLength/8)), true},
		{"refuse 3500B filter nested 1750 deep", "filter=" + url.QueryEscape(nested(hooks.MaxFilterLength/2-4)), true},
		{"refuse 32KB of parameters then a deep filter", strings.Repeat("a=1&", (hooks.MaxQueryLength-200)/4) + "filter=" + url.QueryEscape(nested(11)), true},
		{"accept the widest filter", "sort=-created,name&expand=memberships_via_user.team&filter=" + url.QueryEscape(widest.String()), false},
		{"accept 3,500 bytes of distinct paths on a path naming no collection", "filter=" + url.QueryEscape(distinct.String()), false},
		{"accept the widest filter on a path naming no collection", "sort=-created,name&expand=memberships_via_user.team&filter=" + url.QueryEscape(widest.String()), false},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				path := "/api/collections/users/records"
				if strings.Contains(c.name, "no collection") {
					path = "/api/buurtplein/search"
				}
				err := hooks.CheckQuery(app, path, c.query)
				if (err != nil) != c.refused {
					b.Fatalf("refused %v, want %v: %v", err != nil, c.refused, err)
				}
			}
		})
	}
}
