package search

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
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
			// the kinds as the parameter takes them: a caller of the API
			// learns which there are, however many plugins added one
			return hooks.Err(http.StatusBadRequest, "search_kind_unknown", hooks.Params{"kinds": strings.Join(kinds, ", ")},
				"Er kan niet in dit soort inhoud worden gezocht. Kies een van deze soorten: "+strings.Join(kinds, ", ")+".")
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
	result.Groups, err = p.find(e.App, kinds, terms, teams)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, result)
}

// Search returns the best results (at most [MaxResults] per kind) of
// kinds for terms that a member of teams may read: organisation-wide
// records and those of the teams. The filter is part of the full-text
// query, so what the reader may not read is never ranked, counted or
// returned. A group is left out when its kind has no results.
func Search(app core.App, kinds []string, terms Terms, teams []string) ([]Group, error) {
	p, ok := app.Store().Get(storeKey).(*plugin)
	if !ok {
		return nil, fmt.Errorf("search: the search plugin is not registered")
	}
	return p.find(app, kinds, terms, teams)
}

// rankWindow is how many matches a search ranks per kind searched: the
// newest of every kind together (rowids grow with each indexed record). bm25 reads each ranked
// row's length, so a broad query ("de") costs the same as a narrow one
// that has this many matches.
const rankWindow = 300

// hit is a ranked match.
type hit struct {
	Rowid int64   `db:"rowid"`
	Tags  string  `db:"tags"`
	Score float64 `db:"score"`
}

func (p *plugin) find(app core.App, kinds []string, terms Terms, teams []string) ([]Group, error) {
	if len(kinds) == 0 || len(terms) == 0 {
		return []Group{}, nil
	}

	// one full-text query for every kind: the words (each a prefix, so
	// the engine merges the lists of the words it begins once) and the
	// tags of the kinds and of the caller's scope; newest first, so the
	// window stops it early
	var hits []hit
	err := app.DB().NewQuery(`SELECT rowid, tags, bm25(` + ftsTable + `, 0.0, 4.0, 1.0) AS score
		FROM ` + ftsTable + ` WHERE ` + ftsTable + ` MATCH {:match}
		ORDER BY rowid DESC LIMIT ` + strconv.Itoa(rankWindow*len(kinds))).
		Bind(dbx.Params{"match": terms.Match() + " AND " + TagsMatch(kinds, teams)}).
		All(&hits)
	if err != nil {
		return nil, fmt.Errorf("searching: %w", err)
	}

	// the best of each kind: the lowest bm25, the newest on a tie
	best := map[string][]hit{}
	for _, h := range hits {
		for _, kind := range kinds {
			if strings.HasPrefix(h.Tags, kindTag(kind)) {
				best[kind] = append(best[kind], h)
				break
			}
		}
	}
	var chosen []any
	for kind, list := range best {
		slices.SortStableFunc(list, func(a, b hit) int { return cmp.Compare(a.Score, b.Score) })
		best[kind] = list[:min(len(list), MaxResults)]
		for _, h := range best[kind] {
			chosen = append(chosen, h.Rowid)
		}
	}
	if len(chosen) == 0 {
		return []Group{}, nil
	}

	rows, err := readRows(app, chosen)
	if err != nil {
		return nil, err
	}
	folded := terms.folded()
	groups := []Group{}
	for _, kind := range kinds {
		var items []Item
		for _, h := range best[kind] {
			r, ok := rows[h.Rowid]
			if !ok {
				continue
			}
			items = append(items, Item{
				Collection: kind, Id: r.Record, Title: r.Title, Snippet: snippet(r.Body, folded),
				Team: r.Team, Post: r.Parent, Slug: r.Slug, Created: r.Created,
			})
		}
		if len(items) == 0 {
			continue
		}
		if k := p.kind(kind); k != nil && k.Parent != nil {
			if err := parentTitles(app, k.Parent.Collection, items); err != nil {
				return nil, err
			}
		}
		groups = append(groups, Group{Kind: kind, Items: items})
	}
	return groups, nil
}

// row is what a result shows of an index row.
type row struct {
	doc
	Title string `db:"title"`
	Body  string `db:"body"`
}

// readRows reads the index rows of rowids, by rowid.
func readRows(app core.App, rowids []any) (map[int64]row, error) {
	var docs []doc
	err := app.DB().Select("id", "record", "team", "organisation", "parent", "slug", "created").
		From(docsTable).Where(dbx.In("id", rowids...)).All(&docs)
	if err != nil {
		return nil, fmt.Errorf("reading the results: %w", err)
	}
	var texts []struct {
		Rowid int64  `db:"rowid"`
		Title string `db:"title"`
		Body  string `db:"body"`
	}
	err = app.DB().Select("rowid", "title", "body").From(ftsTable).Where(dbx.In("rowid", rowids...)).All(&texts)
	if err != nil {
		return nil, fmt.Errorf("reading the results: %w", err)
	}
	rows := make(map[int64]row, len(docs))
	for _, d := range docs {
		rows[d.Id] = row{doc: d}
	}
	for _, t := range texts {
		if r, ok := rows[t.Rowid]; ok {
			r.Title, r.Body = t.Title, t.Body
			rows[t.Rowid] = r
		}
	}
	return rows, nil
}

// TagsMatch returns the part of the FTS5 query that keeps the rows of
// kinds that a member of teams may read: organisation-wide ones and those
// of the teams.
func TagsMatch(kinds []string, teams []string) string {
	var tagList []string
	for _, k := range kinds {
		tagList = append(tagList, `"`+tags(k, Scope{Organisation: true})+`"`)
		for _, t := range teams {
			tagList = append(tagList, `"`+tags(k, Scope{Team: t})+`"`)
		}
	}
	return `{tags} : (` + strings.Join(tagList, " OR ") + `)`
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
