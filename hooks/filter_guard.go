package hooks

import (
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/ganigeorgiev/fexpr"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/subscriptions"
)

// PocketBase applies the list rules of the collections a client filter or
// sort joins, but not to the "every related record" subquery it adds for a
// plain operator on a multi-valued relation: carla's filter on users
// `posts_via_author.title !~ "Overdracht"` drops anna exactly when anna has a
// post with that title that carla may not read. The filter guard closes such
// oracles for team-scoped collections by refusing the path altogether.

const scopedStoreKey = "buurtplein.scopedCollections"

var guardBindMu sync.Mutex

// GuardScoped marks collections as team scoped and makes sure the filter
// guard is bound to app.
//
// For callers other than superusers, a filter or sort (in a list request or
// in a realtime subscription's options) may not reach a record of a scoped
// collection through a back-relation ("posts_via_author") or an
// @collection join, nor through a forward relation from a collection that is
// not scoped itself. A forward relation from one scoped collection to
// another (comments.post) stays allowed: every scoped collection must be
// readable only where the records it points at are.
func GuardScoped(app core.App, collections ...string) {
	guardBindMu.Lock()
	defer guardBindMu.Unlock()

	scoped, _ := app.Store().Get(scopedStoreKey).(map[string]bool)
	if scoped == nil {
		scoped = map[string]bool{}
		bindFilterGuard(app)
	}
	for _, c := range collections {
		scoped[c] = true
	}
	app.Store().Set(scopedStoreKey, scoped)
}

// IsScoped reports whether collection was marked with [GuardScoped].
func IsScoped(app core.App, collection string) bool {
	scoped, _ := app.Store().Get(scopedStoreKey).(map[string]bool)
	return scoped[collection]
}

func bindFilterGuard(app core.App) {
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: "buurtpleinFilterGuard",
		Func: func(se *core.ServeEvent) error {
			se.Router.BindFunc(func(e *core.RequestEvent) error {
				if e.Request.Method != http.MethodGet || e.HasSuperuserAuth() {
					return e.Next()
				}
				collection, ok := recordsListCollection(e.Request.URL.Path)
				if !ok {
					return e.Next()
				}
				q := e.Request.URL.Query()
				if err := CheckFilter(e.App, collection, q.Get("filter"), q.Get("sort")); err != nil {
					return err
				}
				return e.Next()
			})
			return se.Next()
		},
	})

	app.OnRealtimeSubscribeRequest().BindFunc(func(e *core.RealtimeSubscribeRequestEvent) error {
		if e.HasSuperuserAuth() {
			return e.Next()
		}
		for _, sub := range e.Subscriptions {
			collection, filter, sort := subscriptionQuery(sub)
			if err := CheckFilter(e.App, collection, filter, sort); err != nil {
				return err
			}
		}
		return e.Next()
	})
}

// recordsListCollection returns the collection of a records list path
// ("/api/collections/{collection}/records").
func recordsListCollection(path string) (string, bool) {
	rest, ok := strings.CutPrefix(path, "/api/collections/")
	if !ok {
		return "", false
	}
	collection, tail, _ := strings.Cut(rest, "/")
	return collection, strings.TrimSuffix(tail, "/") == "records"
}

// subscriptionQuery splits a realtime topic ("posts/ID?options={...}") into
// its collection and the filter and sort of its options. The options are
// read by PocketBase's own subscription client, so the guard sees exactly
// the filter PocketBase will apply (it turns numbers and booleans into
// text, for one).
func subscriptionQuery(topic string) (collection, filter, sort string) {
	client := subscriptions.NewDefaultClient()
	client.Subscribe(topic)
	options, ok := client.Subscriptions()[topic]
	if !ok {
		return "", "", ""
	}

	collection, _, _ = strings.Cut(topic, "/")
	collection, _, _ = strings.Cut(collection, "?")
	return collection, options.Query["filter"], options.Query["sort"]
}

// CheckFilter returns a 400 error when filter or sort, applied to
// baseCollection by a caller other than a superuser, reaches into a scoped
// collection the way [GuardScoped] forbids.
func CheckFilter(app core.App, baseCollection, filter, sort string) error {
	if filter == "" && sort == "" {
		return nil
	}
	base, err := app.FindCachedCollectionByNameOrId(baseCollection)
	if err != nil {
		return nil // PocketBase answers the unknown collection itself
	}

	idents := filterIdentifiers(filter)
	for _, s := range strings.Split(sort, ",") {
		idents = append(idents, strings.TrimLeft(strings.TrimSpace(s), "+-"))
	}

	for _, ident := range idents {
		if target := scopedHop(app, base, ident); target != "" {
			return router.NewBadRequestError(
				fmt.Sprintf("Filteren of sorteren op %q is niet toegestaan: dat kijkt via een relatie in teamgegevens (%s).", ident, target),
				nil,
			)
		}
	}
	return nil
}

// filterIdentifiers returns every identifier in a filter expression,
// including those inside groups and function arguments. Text literals are
// skipped, so a search for "a.b" is no identifier.
func filterIdentifiers(filter string) []string {
	var idents []string
	var walk func(tokens []fexpr.Token)
	walk = func(tokens []fexpr.Token) {
		for _, t := range tokens {
			switch t.Type {
			case fexpr.TokenIdentifier:
				idents = append(idents, t.Literal)
			case fexpr.TokenGroup:
				walk(scanTokens(t.Literal))
			case fexpr.TokenFunction:
				if args, ok := t.Meta.([]fexpr.Token); ok {
					walk(args)
				}
			}
		}
	}
	walk(scanTokens(filter))
	return idents
}

func scanTokens(s string) []fexpr.Token {
	var tokens []fexpr.Token
	scanner := fexpr.NewScanner([]byte(s))
	for {
		t, err := scanner.Scan()
		if err != nil || t.Type == fexpr.TokenEOF {
			// PocketBase reports the syntax error itself
			return tokens
		}
		tokens = append(tokens, t)
	}
}

// scopedHop walks a field path from base and returns the name of the first
// scoped collection it enters in a forbidden way, or "".
func scopedHop(app core.App, base *core.Collection, ident string) string {
	if ident == "" || strings.HasPrefix(ident, "@request.") {
		return ""
	}

	parts := strings.Split(ident, ".")
	current := base
	if parts[0] == "@collection" {
		if len(parts) < 2 {
			return ""
		}
		name, _, _ := strings.Cut(parts[1], ":")
		if IsScoped(app, name) {
			return name
		}
		target, err := app.FindCachedCollectionByNameOrId(name)
		if err != nil {
			return ""
		}
		current, parts = target, parts[2:]
	}

	// every part counts, the last one too: "posts_via_author:length" alone
	// already tells how many posts there are
	for _, part := range parts {
		name, _, _ := strings.Cut(part, ":")

		var target *core.Collection
		backRelation := false
		if coll, field, ok := strings.Cut(name, "_via_"); ok && field != "" {
			c, err := app.FindCachedCollectionByNameOrId(coll)
			if err != nil {
				return ""
			}
			target, backRelation = c, true
		} else {
			rel, ok := current.Fields.GetByName(name).(*core.RelationField)
			if !ok {
				return ""
			}
			c, err := app.FindCachedCollectionByNameOrId(rel.CollectionId)
			if err != nil {
				return ""
			}
			target = c
		}

		if IsScoped(app, target.Name) && (backRelation || !IsScoped(app, current.Name)) {
			return target.Name
		}
		current = target
	}
	return ""
}
