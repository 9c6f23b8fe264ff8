// Package search adds full-text search to Buurtplein: one index (SQLite
// FTS5) over posts, comments and wiki pages, and the kinds later plugins
// add (plugins/tasks adds tasks), kept current in the same transaction as
// each write, and one route that answers only what the caller may read.
//
// Example usage:
//
//	search.MustRegister(app, search.Config{})
//
//	// a later plugin makes its collection searchable in one call:
//	search.MustAddKind(app, search.Kind{
//		Collection: "tasks",
//		Title:      func(r *core.Record) string { return r.GetString("title") },
//		Text:       func(r *core.Record) string { return r.GetString("description") },
//		Scope:      func(r *core.Record) search.Scope { return search.Scope{Team: r.GetString("team")} },
//	})
//
// The index lives in two tables made by the migration 1764200500_search:
// _search_docs holds each record's kind, id and scope (its team, and
// whether every employee may read it), _search_fts its text. A search
// filters on the scope in SQL (the caller's teams, or organisation-wide),
// so a page of results never needs a rule check per record and a record
// the caller may not read is never counted, ranked or shown.
//
// A kind's existing records are indexed by the migration that adds the
// kind (literal SQL into both tables, as 1764200500_search does for the
// first three); from then on the record hooks keep the index current on
// every write path: the record API, batch requests, the dashboard and Go
// code calling app.Save or app.Delete.
//
// Client data (the regie module: clients, referrals, conversations, plans)
// must never be added as a kind: its every read is logged, and an index
// would show it past that log.
//
// The route is for employees: a superuser (IT) gets a 403. Superusers read
// everything through the dashboard; a search over every team's content in
// one answer is no tool they need, and refusing it keeps the index from
// becoming a way round the team scope.
package search

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/pocketbase/pocketbase/core"
)

// storeKey is the app store key under which [Register] keeps the plugin,
// for [AddKind].
const storeKey = "buurtplein.search"

// Limits of a search.
const (
	// MaxQueryRunes is the longest query, in characters.
	MaxQueryRunes = 200

	// MaxTerms is the most words a query may have.
	MaxTerms = 8

	// MaxResults is the most results per kind.
	MaxResults = 20
)

// Config defines the config options of the search plugin.
type Config struct{}

// Scope says who may read an indexed record: the members of Team, and
// every employee when Organisation is set. A record with neither is found
// by no one.
type Scope struct {
	Team         string
	Organisation bool
}

// Parent names the relation field of a record whose scope is its parent's
// (a comment's post): the parent's kind must be added first. When the
// parent's scope changes, its children's change with it.
type Parent struct {
	Collection string
	Field      string
}

// Kind is a collection whose records the index holds.
type Kind struct {
	// Collection is the collection's name; it is the kind of its results.
	Collection string

	// Title returns a record's title (weighs four times its text in the
	// ranking); nil for none.
	Title func(r *core.Record) string

	// Text returns a record's searchable text.
	Text func(r *core.Record) string

	// Scope returns who may read a record; nil when Parent or ScopeIn is
	// set.
	Scope func(r *core.Record) Scope

	// ScopeIn, set instead of Scope, returns who may read a record when
	// that follows from other records (a chat message's channel), read
	// with app inside the write's transaction, and whether the record
	// belongs in the index at all: one that does not has no row (an
	// update that takes it out removes its row).
	ScopeIn func(app core.App, r *core.Record) (scope Scope, indexed bool, err error)

	// Parent, when set, gives a record its parent's scope; its results
	// carry the parent's id ("post") and the parent's title.
	Parent *Parent

	// Slug returns a record's slug for its results ("slug"); nil for none.
	Slug func(r *core.Record) string
}

func (k *Kind) validate() error {
	switch {
	case k.Collection == "":
		return errors.New("a kind needs a collection")
	case k.Text == nil:
		return fmt.Errorf("kind %s needs Text", k.Collection)
	case countSet(k.Scope != nil, k.ScopeIn != nil, k.Parent != nil) != 1:
		return fmt.Errorf("kind %s needs one of Scope, ScopeIn or Parent", k.Collection)
	}
	return nil
}

func countSet(set ...bool) int {
	n := 0
	for _, b := range set {
		if b {
			n++
		}
	}
	return n
}

type plugin struct {
	app    core.App
	config Config

	mu    sync.RWMutex
	kinds []*Kind

	// ready is set once the index tables exist: saves made by earlier
	// migrations run before them, and the migration indexes their rows.
	ready atomic.Bool
}

// MustRegister registers the search plugin to app and panics on error.
func MustRegister(app core.App, config Config) {
	if err := Register(app, config); err != nil {
		panic(err)
	}
}

// Register registers the search plugin to app: the index hooks of posts,
// comments and wiki pages, and the route GET /api/buurtplein/search.
func Register(app core.App, config Config) error {
	p := &plugin{app: app, config: config}
	app.Store().Set(storeKey, p)

	for _, k := range builtinKinds() {
		if err := p.addKind(k); err != nil {
			return err
		}
	}

	app.OnServe().BindFunc(p.bindRoutes)
	return nil
}

// MustAddKind is [AddKind] that panics on error.
func MustAddKind(app core.App, k Kind) {
	if err := AddKind(app, k); err != nil {
		panic(err)
	}
}

// AddKind makes the records of k.Collection searchable: every create,
// update and delete updates the index in its transaction. [Register] must
// have been called on app. The kind's existing records are indexed by the
// migration that adds it.
func AddKind(app core.App, k Kind) error {
	p, ok := app.Store().Get(storeKey).(*plugin)
	if !ok {
		return errors.New("search: register the search plugin before adding a kind")
	}
	return p.addKind(k)
}

// Kinds returns the collections the index holds, in the order they were
// added (the order of a search's groups).
func Kinds(app core.App) []string {
	p, ok := app.Store().Get(storeKey).(*plugin)
	if !ok {
		return nil
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	names := make([]string, len(p.kinds))
	for i, k := range p.kinds {
		names[i] = k.Collection
	}
	return names
}

func (p *plugin) addKind(k Kind) error {
	if err := k.validate(); err != nil {
		return fmt.Errorf("search: %w", err)
	}

	p.mu.Lock()
	defer p.mu.Unlock()
	if slices.ContainsFunc(p.kinds, func(o *Kind) bool { return o.Collection == k.Collection }) {
		return fmt.Errorf("search: kind %s is added twice", k.Collection)
	}
	if k.Parent != nil && !slices.ContainsFunc(p.kinds, func(o *Kind) bool { return o.Collection == k.Parent.Collection }) {
		return fmt.Errorf("search: kind %s follows %s, which is no kind yet", k.Collection, k.Parent.Collection)
	}
	p.kinds = append(p.kinds, &k)
	p.bindIndex(&k)
	return nil
}

// kind returns the kind of collection, or nil.
func (p *plugin) kind(collection string) *Kind {
	p.mu.RLock()
	defer p.mu.RUnlock()
	for _, k := range p.kinds {
		if k.Collection == collection {
			return k
		}
	}
	return nil
}

// children returns the kinds whose records follow a record of collection.
func (p *plugin) children(collection string) []*Kind {
	p.mu.RLock()
	defer p.mu.RUnlock()
	var out []*Kind
	for _, k := range p.kinds {
		if k.Parent != nil && k.Parent.Collection == collection {
			out = append(out, k)
		}
	}
	return out
}

// builtinKinds are the kinds of the first index: posts, comments (in their
// post's scope) and wiki pages.
func builtinKinds() []Kind {
	return []Kind{
		{
			Collection: "posts",
			Title:      field("title"),
			Text:       field("body"),
			Scope: func(r *core.Record) Scope {
				team := r.GetString("team")
				return Scope{Team: team, Organisation: team == "" || r.GetString("visibility") == "organisation"}
			},
		},
		{
			Collection: "comments",
			Text:       field("body"),
			Parent:     &Parent{Collection: "posts", Field: "post"},
		},
		{
			Collection: "wiki_pages",
			Title:      field("title"),
			Text:       field("body"),
			Scope: func(r *core.Record) Scope {
				team := r.GetString("team")
				return Scope{Team: team, Organisation: team == "" || r.GetBool("shared")}
			},
			Slug: field("slug"),
		},
	}
}

func field(name string) func(*core.Record) string {
	return func(r *core.Record) string { return r.GetString(name) }
}
