package hooks

import (
	"errors"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/ganigeorgiev/fexpr"
	"github.com/pocketbase/pocketbase/tools/router"
)

// FuzzQueryBounds builds query strings with random nesting and lengths
// (up to the megabyte Go's server takes in a request's header) and checks
// that the guard either refuses them with a 400 or accepts them within
// every bound, in linear work: it allocates at most a few bytes per byte of
// query, where the guard that re-scanned every group took gigabytes for
// 96 KB. What it accepts it reads as PocketBase does: the same filter,
// and every identifier PocketBase's parser finds in it.
func FuzzQueryBounds(f *testing.F) {
	f.Add("", uint16(16000), uint16(1), `id="x"`, "")
	f.Add("perPage=1", uint16(10), uint16(1), `posts_via_author.body !~ "x"`, "&sort=-created")
	f.Add("a=1&a=1&a=1", uint16(3), uint16(400), `name ~ "(" || `, `&expand=author.team`)
	f.Add("%66ilter=x&", uint16(11), uint16(2), `length(posts_via_author.id) > 0`, "")
	f.Add("x;y=1", uint16(0), uint16(3000), `'\'' && `, "&fields=id,expand.author.name")
	f.Add("", uint16(2), uint16(1), "a // \"\n posts_via_author.body ~ 1 //\"", "")
	f.Add("sort=email", uint16(1), uint16(1), `@collection.posts:p.body ?~ "x"`, "&filter=id='x'")
	f.Add("", uint16(0), uint16(3500), "#", "") // the most identifiers a filter can hold

	f.Fuzz(func(t *testing.T, prefix string, depth, repeat uint16, payload, suffix string) {
		if len(payload)*int(repeat) > 1<<20 {
			return // beyond the megabyte Go's server takes
		}
		filter := strings.Repeat("(", int(depth)) + strings.Repeat(payload, int(repeat)) + strings.Repeat(")", int(depth))
		raw := prefix + "&filter=" + url.QueryEscape(filter) + suffix

		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		q, err := readBoundedQuery(raw)
		var idents []string
		var identErr error
		if err == nil {
			idents, identErr = filterIdentifiers(q.filter)
		}
		runtime.ReadMemStats(&after)
		// a few bytes per byte of query, and the identifiers the guard
		// lists: a string header each (16 bytes, as many as one per byte
		// of filter: "###"), up to three times over in append's growth
		bound := 4*uint64(len(raw)) + 48*uint64(len(q.filter)) + 64<<10
		if allocated := after.TotalAlloc - before.TotalAlloc; allocated > bound {
			t.Fatalf("the guard allocated %d bytes for a query of %d (filter %d), at most %d",
				allocated, len(raw), len(q.filter), bound)
		}

		if err != nil {
			var apiErr *router.ApiError
			if !errors.As(err, &apiErr) || apiErr.Status != 400 || apiErr.Message == "" {
				t.Fatalf("refused with %v, want a 400 with a message", err)
			}
			return
		}

		// accepted: within every bound, and read as PocketBase reads it
		if len(raw) > MaxQueryLength || len(q.filter) > MaxFilterLength || len(q.sort) > MaxSortLength ||
			len(q.expand) > MaxExpandLength || len(q.fields) > MaxFieldsLength {
			t.Fatalf("accepted a parameter beyond its bound: %d bytes of query, %+v", len(raw), q)
		}
		parsed, _ := url.ParseQuery(raw)
		for name, value := range map[string]string{"filter": q.filter, "sort": q.sort, "expand": q.expand, "fields": q.fields} {
			if got := parsed.Get(name); got != value {
				t.Fatalf("the guard reads %s %q, PocketBase %q", name, value, got)
			}
		}
		if identErr != nil {
			return
		}
		groups, err := fexpr.Parse(q.filter)
		if err != nil {
			return // PocketBase refuses the filter itself
		}
		if d := groupDepth(groups); d > MaxFilterDepth {
			t.Fatalf("accepted a filter whose groups nest %d deep: %q", d, q.filter)
		}
		for _, ident := range parsedIdentifiers(groups) {
			if !slices.Contains(idents, ident) {
				t.Fatalf("PocketBase reads identifier %q in %q, the guard only %q", ident, q.filter, idents)
			}
		}
	})
}

// groupDepth returns how deep the groups of a parsed filter nest.
func groupDepth(groups []fexpr.ExprGroup) int {
	deepest := 0
	for _, g := range groups {
		if inner, ok := g.Item.([]fexpr.ExprGroup); ok {
			deepest = max(deepest, 1+groupDepth(inner))
		}
	}
	return deepest
}

// parsedIdentifiers returns the identifiers PocketBase resolves in a parsed
// filter: the operands and the function arguments.
func parsedIdentifiers(groups []fexpr.ExprGroup) []string {
	var idents []string
	var token func(t fexpr.Token)
	token = func(t fexpr.Token) {
		switch t.Type {
		case fexpr.TokenIdentifier:
			idents = append(idents, t.Literal)
		case fexpr.TokenFunction:
			args, _ := t.Meta.([]fexpr.Token)
			for _, a := range args {
				token(a)
			}
		}
	}
	for _, g := range groups {
		switch item := g.Item.(type) {
		case fexpr.Expr:
			token(item.Left)
			token(item.Right)
		case []fexpr.ExprGroup:
			idents = append(idents, parsedIdentifiers(item)...)
		}
	}
	return idents
}
