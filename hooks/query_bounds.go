package hooks

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/pocketbase/pocketbase/tools/search"
)

// The bounds of the query parameters a client may send (everyone but
// superusers). PocketBase applies its own limits only while it parses, and
// the filter guard reads a filter before that, so these are checked first,
// in linear time, on every request, realtime subscription and batch request.
// Each fits what the PWA sends with ample headroom (docs/SECURITY.md, 2).
const (
	// MaxQueryLength is the most bytes of a query string, all parameters
	// together, as sent (percent-encoded): room for every bounded
	// parameter at its limit, fully encoded.
	MaxQueryLength = 32 << 10

	// MaxFilterLength is the longest filter, in bytes: PocketBase's own
	// limit, which it applies only after the guard has read the filter.
	MaxFilterLength = search.MaxFilterLength

	// MaxFilterDepth is how deep parentheses (groups and function calls)
	// may nest in a filter. The PWA nests two deep.
	MaxFilterDepth = 10

	// MaxSortLength and MaxSortFields bound a sort; PocketBase takes at
	// most 8 fields too.
	MaxSortLength = 512
	MaxSortFields = search.DefaultSortExprLimit

	// MaxExpandLength, MaxExpandPaths and MaxExpandDepth bound an expand:
	// its length, its comma-separated paths and the relations in one path.
	// PocketBase follows up to 6 relations; the PWA follows one.
	MaxExpandLength = 512
	MaxExpandPaths  = 10
	MaxExpandDepth  = 3

	// MaxFieldsLength is the longest fields parameter, in bytes.
	MaxFieldsLength = 1024
)

// boundedParams are the query parameters PocketBase parses into
// expressions: each is bounded, and may appear only once.
var boundedParams = map[string]int{
	"filter": MaxFilterLength,
	"sort":   MaxSortLength,
	"expand": MaxExpandLength,
	"fields": MaxFieldsLength,
}

// maxEncodedName is the longest a bounded parameter's name can be in a
// query string: six letters, each percent-encoded.
const maxEncodedName = 6 * 3

// boundedQuery holds the bounded parameters of a query, decoded.
type boundedQuery struct {
	filter, sort, expand, fields string
}

// readBoundedQuery checks the bounded parameters of a raw (still encoded)
// query string and returns them decoded, or a 400 naming the parameter and
// its limit. It reads the query the way Go's url.ParseQuery does (which
// PocketBase uses), in one linear pass, and decodes only the bounded
// parameters, after their length is known to be within the limit.
func readBoundedQuery(rawQuery string) (boundedQuery, error) {
	var q boundedQuery
	if len(rawQuery) > MaxQueryLength {
		return q, FieldError("query", "query_too_long", fmt.Sprintf(
			"Het adres is te lang: de zoekparameters zijn samen %d bytes, ten hoogste %d.", len(rawQuery), MaxQueryLength),
			Params{"length": len(rawQuery), "max": MaxQueryLength})
	}

	seen := map[string]bool{}
	for rest := rawQuery; rest != ""; {
		var pair string
		pair, rest, _ = strings.Cut(rest, "&")
		if pair == "" {
			continue
		}
		switch pair[0] {
		case 'f', 's', 'e', '%': // how a bounded parameter's name starts
		default:
			continue
		}
		rawName, rawValue, _ := strings.Cut(pair, "=")
		if rawName == "" || len(rawName) > maxEncodedName {
			continue // no bounded parameter
		}
		if strings.Contains(pair, ";") {
			continue // url.ParseQuery skips it
		}
		name, err := url.QueryUnescape(rawName)
		if err != nil {
			continue // url.ParseQuery skips it too
		}
		limit, bounded := boundedParams[name]
		if !bounded {
			continue
		}

		// a percent-encoded byte takes three: this is the decoded length
		if n := len(rawValue) - 2*strings.Count(rawValue, "%"); n > limit {
			return q, FieldError(name, "too_long", fmt.Sprintf(
				"De parameter %s is te lang: %d bytes, ten hoogste %d.", name, n, limit),
				Params{"param": name, "length": n, "max": limit})
		}
		value, err := url.QueryUnescape(rawValue)
		if err != nil {
			continue // url.ParseQuery skips it too
		}
		if seen[name] {
			return q, FieldError(name, "repeated", fmt.Sprintf(
				"De parameter %s mag maar één keer in het adres staan.", name),
				Params{"param": name})
		}
		seen[name] = true

		switch name {
		case "filter":
			q.filter = value
		case "sort":
			q.sort = value
		case "expand":
			q.expand = value
		case "fields":
			q.fields = value
		}
	}
	return q, q.check()
}

// check bounds the decoded parameters (their length, and what each may
// hold). It is the whole check for parameters that arrive decoded, in a
// realtime subscription's options.
func (q boundedQuery) check() error {
	for _, p := range []struct{ name, value string }{
		{"filter", q.filter}, {"sort", q.sort}, {"expand", q.expand}, {"fields", q.fields},
	} {
		if limit := boundedParams[p.name]; len(p.value) > limit {
			return FieldError(p.name, "too_long", fmt.Sprintf(
				"De parameter %s is te lang: %d bytes, ten hoogste %d.", p.name, len(p.value), limit),
				Params{"param": p.name, "length": len(p.value), "max": limit})
		}
	}

	if depth := filterDepth(q.filter); depth > MaxFilterDepth {
		return FieldError("filter", "too_deep", fmt.Sprintf(
			"De parameter filter is te diep genest: %d haakjes in elkaar, ten hoogste %d.", depth, MaxFilterDepth),
			Params{"param": "filter", "depth": depth, "max": MaxFilterDepth})
	}
	if n := strings.Count(q.sort, ",") + 1; q.sort != "" && n > MaxSortFields {
		return FieldError("sort", "too_many", fmt.Sprintf(
			"De parameter sort noemt %d velden, ten hoogste %d.", n, MaxSortFields),
			Params{"param": "sort", "count": n, "max": MaxSortFields})
	}
	if q.expand != "" {
		paths := strings.Split(q.expand, ",")
		if len(paths) > MaxExpandPaths {
			return FieldError("expand", "too_many", fmt.Sprintf(
				"De parameter expand vraagt %d relaties, ten hoogste %d.", len(paths), MaxExpandPaths),
				Params{"param": "expand", "count": len(paths), "max": MaxExpandPaths})
		}
		for _, path := range paths {
			if depth := strings.Count(path, ".") + 1; depth > MaxExpandDepth {
				return FieldError("expand", "too_deep", fmt.Sprintf(
					"De parameter expand volgt in %q %d relaties achter elkaar, ten hoogste %d.", strings.TrimSpace(path), depth, MaxExpandDepth),
					Params{"param": "expand", "depth": depth, "max": MaxExpandDepth})
			}
		}
	}
	return nil
}

// filterDepth returns how deep parentheses nest in a filter, outside its
// quoted texts, in one pass. Unbalanced parentheses are PocketBase's to
// report.
func filterDepth(filter string) int {
	depth, deepest := 0, 0
	var quote byte
	for i := 0; i < len(filter); i++ {
		c := filter[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++ // the escaped byte
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '(':
			depth++
			deepest = max(deepest, depth)
		case c == ')':
			depth--
		}
	}
	return deepest
}
