package search_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"buurtplein/hooks"
	"buurtplein/internal/testapp"
	"buurtplein/plugins/search"

	"github.com/pocketbase/pocketbase/tools/router"
)

// FuzzSearchQuery sends any string as a query: it is refused with a 400
// (too long, empty, too many words) or searched, and the full-text query
// made of it never fails, whatever FTS5 syntax it holds. A query of
// letters alone finds nothing carla may not read.
func FuzzSearchQuery(f *testing.F) {
	for _, q := range []string{
		"wondzorg", "wond", "cliënt", `"zuurstof`, `zuurstof*`, `-zuurstof`, `(zuurstof`, `zuurstof)`,
		`title:zuurstof`, `{title body}: x`, `NEAR(a b, 2)`, `a AND b OR NOT c`, `^x`, `x + y`, `"" ""`,
		"e\u0301", "\u0301", "\x00", "\xff\xfe", "\uE000x\uE001", strings.Repeat("ab ", 100), "_ . , ; : ' ` ~",
		"tags:o", `{tags}: "kposts0o"`, "kposts0o",
	} {
		f.Add(q)
	}

	app := testapp.New(f)
	fix := fixture{
		haarlem:    testapp.Id(f, app, "teams", "slug", "haarlem-noord"),
		schalkwijk: testapp.Id(f, app, "teams", "slug", "schalkwijk"),
		anna:       testapp.Id(f, app, "users", "email", "anna@buurtplein.test"),
		bram:       testapp.Id(f, app, "users", "email", "bram@buurtplein.test"),
		carla:      testapp.Id(f, app, "users", "email", "carla@buurtplein.test"),
	}
	fix.seed(f, app)
	kinds := search.Kinds(app)
	carlaTeams := []string{fix.schalkwijk}

	f.Fuzz(func(t *testing.T, q string) {
		terms, err := search.ParseQuery(q)
		if err != nil {
			var api *router.ApiError
			if !errors.As(err, &api) || api.Status != http.StatusBadRequest {
				t.Fatalf("query %q: %v, want a 400", q, err)
			}
			code, _ := hooks.CodeOf(err)
			switch {
			case code == "search_query_too_long" && utf8.RuneCountInString(q) > search.MaxQueryRunes:
			case code == "search_query_too_long" && len(q) > 4*search.MaxQueryRunes:
			case code == "search_query_required" && strings.TrimSpace(q) == "":
			case code == "search_query_too_many_words":
			default:
				t.Fatalf("query %q refused with %q: %v", q, code, err)
			}
			return
		}
		if len(terms) > search.MaxTerms {
			t.Fatalf("query %q: %d words", q, len(terms))
		}
		groups, err := search.Search(app, kinds, terms, carlaTeams)
		if err != nil {
			t.Fatalf("query %q (%s): %v", q, terms.Match(), err)
		}
		for _, g := range groups {
			if len(g.Items) > search.MaxResults {
				t.Fatalf("query %q: %d results of %s", q, len(g.Items), g.Kind)
			}
			for _, it := range g.Items {
				switch it.Id {
				case postNoord, commentNoord, pageNoord:
					t.Fatalf("query %q: carla finds Haarlem-Noord's %s %s", q, g.Kind, it.Id)
				}
			}
		}
	})
}
