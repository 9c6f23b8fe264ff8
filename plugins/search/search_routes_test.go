package search_test

import (
	"buurtplein/internal/testapp"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"
)

// wantFound checks that the answer holds every id of want and none of
// never.
func wantFound(want, never []string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, res *http.Response) {
		body, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		got := found(t, body)
		for _, id := range want {
			if !slices.Contains(got, id) {
				t.Errorf("%s is not found; found %v", id, got)
			}
		}
		for _, id := range never {
			if strings.Contains(string(body), id) {
				t.Errorf("%s is in the answer\n%s", id, body)
			}
		}
	}
}

func TestSearchScope(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	scenarios := []tests.ApiScenario{
		{
			Name:           "bram (Haarlem-Noord) finds his team's post, comment and page, and what is everyone's",
			Method:         http.MethodGet,
			URL:            zuurstofQuery,
			Headers:        auth(f.bramT),
			ExpectedStatus: 200,
			ExpectedContent: []string{`"q":"zuurstof"`, `"kind":"posts"`, `"kind":"comments"`, `"kind":"wiki_pages"`,
				`"slug":"zuurstof-thuis"`, `"post":"` + postNoord + `"`},
			AfterTestFunc: wantFound(append(slices.Clone(noordOnly), readableByAll...), []string{postSchalk}),
		},
		{
			Name:           "carla (Schalkwijk) never finds Haarlem-Noord's team content, but its shared page",
			Method:         http.MethodGet,
			URL:            zuurstofQuery,
			Headers:        auth(f.carlaT),
			ExpectedStatus: 200,
			ExpectedContent: []string{`"kind":"posts"`, `"kind":"comments"`, `"kind":"wiki_pages"`,
				`"slug":"zuurstof-delen"`},
			AfterTestFunc: wantFound(append([]string{postSchalk}, readableByAll...), noordOnly),
		},
		{
			Name:            "BOB staff find what is everyone's, no team's",
			Method:          http.MethodGet,
			URL:             zuurstofQuery,
			Headers:         auth(f.boT),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"q":"zuurstof"`},
			AfterTestFunc:   wantFound(readableByAll, append([]string{postSchalk}, noordOnly...)),
		},
		{
			Name:            "dirk, in both teams, finds both teams' content",
			Method:          http.MethodGet,
			URL:             zuurstofQuery,
			Headers:         auth(f.dirkT),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"q":"zuurstof"`},
			AfterTestFunc:   wantFound(append(append([]string{postSchalk}, noordOnly...), readableByAll...), nil),
		},
	}
	for _, kind := range []string{"posts", "comments", "wiki_pages"} {
		scenarios = append(scenarios, tests.ApiScenario{
			Name:               "carla searching " + kind + " alone finds nothing of Haarlem-Noord's team",
			Method:             http.MethodGet,
			URL:                zuurstofQuery + "&kind=" + kind,
			Headers:            auth(f.carlaT),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"kind":"` + kind + `"`},
			NotExpectedContent: append(slices.Clone(noordOnly), `"kind":"`+otherKind(kind)+`"`),
		})
	}
	scenarios = append(scenarios,
		tests.ApiScenario{
			Name:            "a comment shows its post's title",
			Method:          http.MethodGet,
			URL:             query("goede tip") + "&kind=comments",
			Headers:         auth(f.carlaT),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"id":"` + commentOrg + `"`, `"title":"Veilig werken met zuurstof"`, `"post":"` + postOrg + `"`},
		},
		tests.ApiScenario{
			Name:               "anonymous callers are refused",
			Method:             http.MethodGet,
			URL:                zuurstofQuery,
			ExpectedStatus:     401,
			NotExpectedContent: append(slices.Clone(noordOnly), readableByAll...),
		},
		tests.ApiScenario{
			Name:               "a superuser is refused: the search is for employees",
			Method:             http.MethodGet,
			URL:                zuurstofQuery,
			Headers:            auth(f.superuserT),
			ExpectedStatus:     403,
			NotExpectedContent: append(slices.Clone(noordOnly), readableByAll...),
		},
	)
	run(t, f, scenarios)
}

func otherKind(kind string) string {
	if kind == "posts" {
		return "wiki_pages"
	}
	return "posts"
}

// TestSearchFormerMember: fenna, removed from Haarlem-Noord, finds only
// what is everyone's.
func TestSearchFormerMember(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	l := f.live(t)

	got := l.search(t, l.formerT, "zuurstof")
	// (the HEAD of a search: the same status, no body)
	for _, token := range []string{l.formerT, f.carlaT, ""} {
		get, _ := testapp.Do(t, http.MethodGet, l.url+zuurstofQuery, token, nil)
		head, body := testapp.Do(t, http.MethodHead, l.url+zuurstofQuery, token, nil)
		if head != get || len(body) != 0 {
			t.Errorf("HEAD: status %d (GET %d), %d bytes of body", head, get, len(body))
		}
	}
	want := slices.Clone(readableByAll)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("the former member finds %v, want %v", got, want)
	}
}

func TestSearchWords(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	run(t, f, []tests.ApiScenario{
		{
			Name:            "a word finds the words it begins (wond finds wondzorgprotocol)",
			Method:          http.MethodGet,
			URL:             query("wond"),
			Headers:         auth(f.carlaT),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"text":"wondzorgprotocol","hit":true`},
		},
		{
			Name:            "accents fold: client finds cliënten",
			Method:          http.MethodGet,
			URL:             query("client zuurstofconcentrator"),
			Headers:         auth(f.bramT),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"id":"` + pageNoord + `"`, `"text":"cliënten","hit":true`},
		},
		{
			Name:            "accents and capitals fold: CLIËNT finds cliënten",
			Method:          http.MethodGet,
			URL:             query("CLIËNT zuurstof"),
			Headers:         auth(f.bramT),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"id":"` + pageNoord + `"`},
		},
		{
			Name:            "a decomposed accent (e + combining diaeresis) folds too",
			Method:          http.MethodGet,
			URL:             query("clie\u0308nten zuurstof"),
			Headers:         auth(f.bramT),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"id":"` + pageNoord + `"`},
		},
		{
			Name:               "every word must be found",
			Method:             http.MethodGet,
			URL:                query("zuurstof balkon"),
			Headers:            auth(f.carlaT),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"id":"` + postOrg + `"`, `"text":"balkon","hit":true`},
			NotExpectedContent: []string{pageShared, pageOrg, commentOrg},
		},
		{
			Name:               "a snippet is text and hits, never HTML",
			Method:             http.MethodGet,
			URL:                query("rook"),
			Headers:            auth(f.carlaT),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"snippet":[{"text":"Rook","hit":true},{"text":" nooit in de buurt van zuurstof, ook niet op het balkon.","hit":false}]`},
			NotExpectedContent: []string{"<b>", "<mark>"},
		},
	})
}

// TestSearchSyntaxIsText: FTS5 syntax in a query is words, never an
// operator, a column filter or an error.
func TestSearchSyntaxIsText(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	var scenarios []tests.ApiScenario
	for _, q := range []string{`"zuurstof`, `zuurstof*`, `-zuurstof`, `(zuurstof`, `zuurstof)`, `^zuurstof`, `zuurstof +`, `zuurstof:`, `'zuurstof'`} {
		scenarios = append(scenarios, tests.ApiScenario{
			Name:            "syntax as text: " + q,
			Method:          http.MethodGet,
			URL:             query(q),
			Headers:         auth(f.carlaT),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"id":"` + postOrg + `"`},
		})
	}
	for _, q := range []string{`title:zuurstof`, `{title body}: zuurstof`, `zuurstof NOT balkon`, `zuurstof AND niets`, `NEAR(zuurstof balkon, 1) OR x`} {
		// the operator or column name is a word the records lack
		scenarios = append(scenarios, tests.ApiScenario{
			Name:               "an operator is a word: " + q,
			Method:             http.MethodGet,
			URL:                query(q),
			Headers:            auth(f.carlaT),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"groups":[]`},
			NotExpectedContent: []string{postOrg},
		})
	}
	run(t, f, scenarios)
}

func TestSearchBadInput(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	run(t, f, []tests.ApiScenario{
		{
			Name:            "no query",
			Method:          http.MethodGet,
			URL:             searchURL,
			Headers:         auth(f.carlaT),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"search_query_required"`},
		},
		{
			Name:            "only spaces",
			Method:          http.MethodGet,
			URL:             query("   \t "),
			Headers:         auth(f.carlaT),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"search_query_required"`},
		},
		{
			Name:            "10 KB of text",
			Method:          http.MethodGet,
			URL:             query(strings.Repeat("zuurstof ", 1200)),
			Headers:         auth(f.carlaT),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"search_query_too_long"`, `"max":200`},
		},
		{
			Name:            "nine words",
			Method:          http.MethodGet,
			URL:             query("een twee drie vier vijf zes zeven acht negen"),
			Headers:         auth(f.carlaT),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"search_query_too_many_words"`, `"max":8`},
		},
		{
			Name:            "only punctuation: no words, no results",
			Method:          http.MethodGet,
			URL:             query(`"*-()":^`),
			Headers:         auth(f.carlaT),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"groups":[]`},
		},
		{
			Name:            "an unknown kind",
			Method:          http.MethodGet,
			URL:             zuurstofQuery + "&kind=clients",
			Headers:         auth(f.carlaT),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"search_kind_unknown"`},
		},
		{
			Name:            "invalid UTF-8 is a separator",
			Method:          http.MethodGet,
			URL:             searchURL + "?q=zuur%FFstof",
			Headers:         auth(f.carlaT),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"q":`},
		},
	})
}
