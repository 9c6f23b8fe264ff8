package hooks

import (
	"fmt"
	"net/url"
	"strings"
	"sync"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
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
// guard is bound to app (called with no collections, it only binds the
// guard).
//
// For callers other than superusers, a filter or sort (in the query of any
// request, with any method, in a batch request or in a realtime
// subscription's options) may not reach a record of a scoped collection
// through a back-relation ("posts_via_author") or an @collection join, nor
// through a forward relation from a collection that is not scoped itself,
// nor touch a hidden field or an account's e-mail address; and every
// filter, sort, expand and fields is bounded first ([CheckQuery]). A
// forward relation from one scoped collection to another (comments.post)
// stays allowed: every scoped collection must be readable only where the
// records it points at are.
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
			// every method and every path: HEAD reaches the list handler
			// as GET does, and any route may read these parameters
			se.Router.BindFunc(func(e *core.RequestEvent) error {
				if e.HasSuperuserAuth() {
					return e.Next()
				}
				if err := CheckQuery(e.App, e.Request.URL.Path, e.Request.URL.RawQuery); err != nil {
					return err
				}
				return e.Next()
			})
			return se.Next()
		},
	})

	// the requests inside a batch reach PocketBase's handlers without
	// passing the router's middlewares
	app.OnBatchRequest().BindFunc(func(e *core.BatchRequestEvent) error {
		if e.HasSuperuserAuth() {
			return e.Next()
		}
		for _, ir := range e.Batch {
			u, err := url.Parse(ir.URL)
			if err != nil {
				continue // PocketBase refuses the request itself
			}
			if err := CheckQuery(e.App, u.Path, u.RawQuery); err != nil {
				return err
			}
		}
		return e.Next()
	})

	app.OnRealtimeSubscribeRequest().BindFunc(func(e *core.RealtimeSubscribeRequestEvent) error {
		if e.HasSuperuserAuth() {
			return e.Next()
		}
		for _, sub := range e.Subscriptions {
			collection, q := subscriptionQuery(sub)
			if err := q.check(); err != nil {
				return err
			}
			if err := CheckFilter(e.App, collection, q.filter, q.sort); err != nil {
				return err
			}
		}
		return e.Next()
	})
}

// CheckQuery bounds the query parameters of a request to path (the raw,
// still encoded query string) and checks its filter and sort against the
// collection the path names ("/api/collections/{collection}/..."), or
// against every collection when it names none: a later route may apply
// them to any. The filter guard calls it for every request by a caller
// other than a superuser; a route that reads a query from elsewhere can
// call it too.
func CheckQuery(app core.App, path, rawQuery string) error {
	if rawQuery == "" {
		return nil
	}
	q, err := readBoundedQuery(rawQuery)
	if err != nil {
		return err
	}
	return CheckFilter(app, pathCollection(path), q.filter, q.sort)
}

// pathCollection returns the collection a path names
// ("/api/collections/{collection}/records/..."), or "".
func pathCollection(path string) string {
	rest, ok := strings.CutPrefix(path, "/api/collections/")
	if !ok {
		return ""
	}
	collection, _, _ := strings.Cut(rest, "/")
	return collection
}

// subscriptionQuery splits a realtime topic ("posts/ID?options={...}") into
// its collection and the bounded parameters of its options. The options are
// read by PocketBase's own subscription client, so the guard sees exactly
// what PocketBase will apply (it turns numbers and booleans into text, for
// one).
func subscriptionQuery(topic string) (collection string, q boundedQuery) {
	client := subscriptions.NewDefaultClient()
	client.Subscribe(topic)
	options, ok := client.Subscriptions()[topic]
	if !ok {
		return "", q
	}

	collection, _, _ = strings.Cut(topic, "/")
	collection, _, _ = strings.Cut(collection, "?")
	return collection, boundedQuery{
		filter: options.Query["filter"],
		sort:   options.Query["sort"],
		expand: options.Query["expand"],
		fields: options.Query["fields"],
	}
}

// CheckFilter returns a 400 error when filter or sort, applied to
// baseCollection by a caller other than a superuser, reaches into a scoped
// collection the way [GuardScoped] forbids, or filters or sorts on a field
// the caller may not see: a hidden field, or an account's e-mail address
// (PocketBase hides the addresses of a filter's matches, but a sort still
// orders by them). For a baseCollection that is no collection, the filter
// and sort are checked against every collection.
func CheckFilter(app core.App, baseCollection, filter, sort string) error {
	if filter == "" && sort == "" {
		return nil
	}

	filterIdents, err := filterIdentifiers(filter)
	if err != nil {
		return err
	}
	var uses []pathUse
	seen := map[string]bool{}
	add := func(param, ident string) {
		if ident == "" || strings.HasPrefix(ident, "@request.") || seen[param+" "+ident] {
			return
		}
		seen[param+" "+ident] = true
		uses = append(uses, pathUse{param, ident, strings.Split(ident, ".")})
	}
	for _, ident := range filterIdents {
		add("filter", ident)
	}
	for _, s := range strings.Split(sort, ",") {
		add("sort", strings.TrimLeft(strings.TrimSpace(s), "+-"))
	}

	if len(uses) == 0 {
		return nil
	}
	s := newSchema(app)
	bases := []*core.Collection{}
	if base := s.find(baseCollection); base != nil {
		bases = append(bases, base)
	} else {
		bases = s.all
	}
	for _, base := range bases {
		for _, u := range uses {
			if err := s.checkPath(base, u); err != nil {
				return err
			}
		}
	}
	return nil
}

// schema is what the guard looks up while it walks paths: the collections
// by id and by name (any case, as PocketBase finds them) and which are
// scoped, read once per check.
type schema struct {
	all    []*core.Collection
	byKey  map[string]*core.Collection
	scoped map[string]bool
}

func newSchema(app core.App) *schema {
	s := &schema{all: allCollections(app), byKey: map[string]*core.Collection{}}
	s.scoped, _ = app.Store().Get(scopedStoreKey).(map[string]bool)
	for _, c := range s.all {
		s.byKey[c.Id] = c
		s.byKey[strings.ToLower(c.Name)] = c
	}
	return s
}

// find returns the collection with nameOrId, or nil.
func (s *schema) find(nameOrId string) *core.Collection {
	if c, ok := s.byKey[nameOrId]; ok {
		return c
	}
	if c, ok := s.byKey[strings.ToLower(nameOrId)]; ok {
		return c
	}
	// PocketBase finds collections as strings.EqualFold matches names,
	// where "ſ" is an "s"; its paths allow only ASCII names, but the guard
	// need not rely on that
	for _, c := range s.all {
		if strings.EqualFold(c.Name, nameOrId) {
			return c
		}
	}
	return nil
}

// pathUse is a field path a filter or sort uses, split at its dots.
type pathUse struct {
	param, ident string
	parts        []string
}

// allCollections returns every collection, from PocketBase's cache.
func allCollections(app core.App) []*core.Collection {
	if cached, ok := app.Store().Get(core.StoreKeyCachedCollections).([]*core.Collection); ok {
		return cached
	}
	all, _ := app.FindAllCollections()
	return all
}

// filterIdentifiers returns every identifier in a filter expression,
// including those inside groups and function arguments, in one pass. Text
// literals are skipped, so a search for "a.b" is no identifier, and so are
// function names.
//
// It reads the filter as PocketBase's parser (fexpr) does: the same
// identifier, number and text runs. That parser reads a group twice, once
// to find its end, where "//" starts no comment, and again inside it, where
// it does; a quote inside a comment would then make the two readings
// differ, so a filter with a comment is refused (no client needs one).
func filterIdentifiers(filter string) ([]string, error) {
	var idents []string
	var quote byte
	for i := 0; i < len(filter); {
		c := filter[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++ // the escaped byte
			} else if c == quote {
				quote = 0
			}
			i++
		case c == '"' || c == '\'':
			quote = c
			i++
		case c == '/':
			return nil, FieldError("filter", "comment",
				"Een filter mag geen opmerking (//) of losse schuine streep bevatten.")
		case isIdentStart(c):
			start := i
			for i++; i < len(filter) && isIdentPart(filter[i]); i++ {
			}
			if i < len(filter) && filter[i] == '(' {
				continue // a function name
			}
			idents = append(idents, filter[start:i])
		case c == '-' || isDigit(c):
			// a number, as fexpr reads one: a leading minus, one dot
			dot := false
			for i++; i < len(filter); i++ {
				if c := filter[i]; !isDigit(c) && (c != '.' || dot) {
					break
				}
				dot = dot || filter[i] == '.'
			}
		default:
			i++
		}
	}
	return idents, nil
}

func isIdentStart(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '@' || c == '_' || c == '#'
}

func isIdentPart(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || isDigit(c) || c == '_' || c == '.' || c == ':'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// checkPath walks a field path from base and returns a 400 error for the
// first step the caller may not take: into a scoped collection in a way
// [GuardScoped] forbids, or onto a hidden field or an account's e-mail
// address.
func (s *schema) checkPath(base *core.Collection, u pathUse) error {
	param, ident, parts := u.param, u.ident, u.parts
	current := base
	if parts[0] == "@collection" {
		if len(parts) < 2 {
			return nil
		}
		name, _, _ := strings.Cut(parts[1], ":")
		target := s.find(name)
		if target == nil {
			return nil
		}
		if s.scoped[target.Name] {
			return scopedPathError(param, ident, target.Name)
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
			c := s.find(coll)
			if c == nil {
				return nil
			}
			if f := c.Fields.GetByName(field); f != nil && f.GetHidden() {
				return hiddenFieldError(param, ident, c.Name+"."+field)
			}
			target, backRelation = c, true
		} else {
			field := current.Fields.GetByName(name)
			if field == nil {
				return nil // PocketBase reports an unknown field
			}
			if field.GetHidden() {
				return hiddenFieldError(param, ident, current.Name+"."+name)
			}
			if current.IsAuth() && name == core.FieldNameEmail {
				return hiddenFieldError(param, ident, current.Name+"."+name)
			}
			rel, ok := field.(*core.RelationField)
			if !ok {
				return nil // the rest is a JSON path, or nothing
			}
			c := s.find(rel.CollectionId)
			if c == nil {
				return nil
			}
			target = c
		}

		if s.scoped[target.Name] && (backRelation || !s.scoped[current.Name]) {
			return scopedPathError(param, ident, target.Name)
		}
		current = target
	}
	return nil
}

func scopedPathError(param, ident, collection string) error {
	return FieldError(param, "scoped", fmt.Sprintf(
		"Filteren of sorteren op %q is niet toegestaan: dat kijkt via een relatie in teamgegevens (%s).", ident, collection),
		Params{"param": param, "name": ident, "collection": collection})
}

func hiddenFieldError(param, ident, field string) error {
	return FieldError("filter", "hidden", fmt.Sprintf(
		"Filteren of sorteren op %q is niet toegestaan: het veld %s is afgeschermd.", ident, field),
		Params{"param": param, "name": ident, "field": field})
}
