package search

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"buurtplein/hooks"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// Result is the answer of GET /api/buurtplein/search.
type Result struct {
	Q      string  `json:"q"`
	Groups []Group `json:"groups"`
}

// Group holds the results of one kind, best first.
type Group struct {
	Kind  string `json:"kind"`
	Items []Item `json:"items"`
}

// Item is one result.
type Item struct {
	Collection string    `json:"collection"`
	Id         string    `json:"id"`
	Title      string    `json:"title"`
	Snippet    []Segment `json:"snippet"`
	Team       string    `json:"team"`
	Post       string    `json:"post,omitempty"` // a comment's post (a child kind's parent)
	Slug       string    `json:"slug,omitempty"`
	Created    string    `json:"created"`
}

func (p *plugin) bindRoutes(se *core.ServeEvent) error {
	g := se.Router.Group("/api/buurtplein/search")
	g.Bind(apis.RequireAuth(hooks.UsersCollection))
	g.GET("", p.search)
	return se.Next()
}

// search answers GET /api/buurtplein/search?q=&kind=: the best results of
// each kind (or of kind alone) that the caller may read.
func (p *plugin) search(e *core.RequestEvent) error {
	query := e.Request.URL.Query()
	q := query.Get("q")
	terms, err := ParseQuery(q)
	if err != nil {
		return err
	}

	kinds := Kinds(e.App)
	if kind := query.Get("kind"); kind != "" {
		if p.kind(kind) == nil {
			return hooks.Err(http.StatusBadRequest, "search_kind_unknown", nil,
				"Er kan niet in dit soort inhoud worden gezocht. Kies berichten, reacties of wikipagina's.")
		}
		kinds = []string{kind}
	}

	result := Result{Q: q, Groups: []Group{}}
	if len(terms) == 0 {
		return e.JSON(http.StatusOK, result)
	}

	teams, err := hooks.TeamIds(e.App, e.Auth.Id)
	if err != nil {
		return err
	}
	for _, kind := range kinds {
		items, err := p.find(e.App, kind, terms, teams)
		if err != nil {
			return err
		}
		if len(items) > 0 {
			result.Groups = append(result.Groups, Group{Kind: kind, Items: items})
		}
	}
	return e.JSON(http.StatusOK, result)
}

// Search returns the best results (at most [MaxResults]) of kind for
// terms that a member of teams may read: organisation-wide records and
// those of the teams. The filter is in the query, so what the reader may
// not read is never ranked, counted or returned.
func Search(app core.App, kind string, terms Terms, teams []string) ([]Item, error) {
	p, ok := app.Store().Get(storeKey).(*plugin)
	if !ok {
		return nil, fmt.Errorf("search: the search plugin is not registered")
	}
	return p.find(app, kind, terms, teams)
}

func (p *plugin) find(app core.App, kind string, terms Terms, teams []string) ([]Item, error) {
	params := dbx.Params{"match": terms.Match(), "kind": kind}
	scope := "d.organisation = 1"
	if len(teams) > 0 {
		names := make([]string, len(teams))
		for i, t := range teams {
			name := "t" + strconv.Itoa(i)
			names[i] = "{:" + name + "}"
			params[name] = t
		}
		scope = "(d.organisation = 1 OR d.team IN (" + strings.Join(names, ", ") + "))"
	}

	// the FTS table drives (CROSS JOIN): it yields the matches in rank
	// order, and the snippet is made for the rows returned only
	sql := `SELECT d.record, d.team, d.parent, d.slug, d.created, f.title,
			snippet(` + ftsTable + `, 1, char(57344), char(57345), '…', 16) AS snippet
		FROM ` + ftsTable + ` f CROSS JOIN ` + docsTable + ` d ON d.id = f.rowid
		WHERE ` + ftsTable + ` MATCH {:match} AND d.kind = {:kind} AND ` + scope + `
		ORDER BY f.rank LIMIT ` + strconv.Itoa(MaxResults)

	var rows []struct {
		Record  string `db:"record"`
		Team    string `db:"team"`
		Parent  string `db:"parent"`
		Slug    string `db:"slug"`
		Created string `db:"created"`
		Title   string `db:"title"`
		Snippet string `db:"snippet"`
	}
	if err := app.DB().NewQuery(sql).Bind(params).All(&rows); err != nil {
		return nil, fmt.Errorf("searching %s: %w", kind, err)
	}

	items := make([]Item, len(rows))
	for i, r := range rows {
		items[i] = Item{
			Collection: kind, Id: r.Record, Title: r.Title, Snippet: segments(r.Snippet),
			Team: r.Team, Post: r.Parent, Slug: r.Slug, Created: r.Created,
		}
	}
	if k := p.kind(kind); k != nil && k.Parent != nil {
		if err := parentTitles(app, k.Parent.Collection, items); err != nil {
			return nil, err
		}
	}
	return items, nil
}

// parentTitles gives each item its parent's title (a comment is shown
// under its post's title). The parent has the item's scope, so the
// caller may read it.
func parentTitles(app core.App, collection string, items []Item) error {
	if len(items) == 0 {
		return nil
	}
	ids := make([]any, len(items))
	for i, it := range items {
		ids[i] = it.Post
	}
	var rows []struct {
		Record string `db:"record"`
		Title  string `db:"title"`
	}
	err := app.DB().Select("d.record", "f.title").
		From(docsTable+" d").
		InnerJoin(ftsTable+" f", dbx.NewExp("f.rowid = d.id")).
		Where(dbx.HashExp{"d.kind": collection}).
		AndWhere(dbx.In("d.record", ids...)).
		All(&rows)
	if err != nil {
		return fmt.Errorf("reading the titles of %s: %w", collection, err)
	}
	titles := make(map[string]string, len(rows))
	for _, r := range rows {
		titles[r.Record] = r.Title
	}
	for i := range items {
		items[i].Title = titles[items[i].Post]
	}
	return nil
}
