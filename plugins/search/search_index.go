package search

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// The index tables (pb_migrations/1764200500_search.go).
const (
	docsTable = "_search_docs"
	ftsTable  = "_search_fts"
)

// kindTag is the start of a row's tag that names its kind ("kposts0",
// "kwikipages0": the tokenizer splits words at an underscore).
func kindTag(kind string) string {
	return "k" + strings.ReplaceAll(kind, "_", "") + "0"
}

// scopeTag is the end of a row's tag that says who may read it: "o" for
// every employee, "t" and a team's id for its members, "nobody".
func scopeTag(s Scope) string {
	switch {
	case s.Organisation:
		return "o"
	case s.Team != "":
		return teamTag(s.Team)
	}
	return "nobody"
}

func teamTag(team string) string { return "t" + team }

// tags is a row's tag: its kind and scope in one word ("kposts0o"), so a
// search reads the lists of the rows it may return only.
func tags(kind string, s Scope) string { return kindTag(kind) + scopeTag(s) }

// doc is an index row: what _search_docs and _search_fts hold of a record.
type doc struct {
	Id           int64  `db:"id"`
	Record       string `db:"record"`
	Team         string `db:"team"`
	Organisation bool   `db:"organisation"`
	Parent       string `db:"parent"`
	Slug         string `db:"slug"`
	Created      string `db:"created"`
}

// bindIndex binds the record hooks that keep k's rows of the index
// current. They run where the write runs (OnRecord*Execute), inside its
// transaction, or in one of their own around the write when it has none:
// a write that fails or is rolled back leaves the index as it was.
func (p *plugin) bindIndex(k *Kind) {
	p.app.OnRecordCreateExecute(k.Collection).BindFunc(func(e *core.RecordEvent) error {
		return p.withWrite(e, func(txApp core.App) error { return p.put(txApp, k, e.Record) })
	})
	p.app.OnRecordUpdateExecute(k.Collection).BindFunc(func(e *core.RecordEvent) error {
		return p.withWrite(e, func(txApp core.App) error { return p.put(txApp, k, e.Record) })
	})
	p.app.OnRecordDeleteExecute(k.Collection).BindFunc(func(e *core.RecordEvent) error {
		return p.withWrite(e, func(txApp core.App) error { return p.remove(txApp, k, e.Record) })
	})
}

// withWrite runs the write (e.Next) and then index in one transaction, as
// PocketBase runs a delete and its cascade.
func (p *plugin) withWrite(e *core.RecordEvent, index func(txApp core.App) error) error {
	original := e.App
	err := e.App.RunInTransaction(func(txApp core.App) error {
		e.App = txApp
		if err := e.Next(); err != nil {
			return err
		}
		if !p.indexExists(txApp) {
			return nil
		}
		if err := index(txApp); err != nil {
			return fmt.Errorf("updating the search index for %s %s: %w", e.Record.Collection().Name, e.Record.Id, err)
		}
		return nil
	})
	e.App = original
	return err
}

// indexExists reports whether the index tables exist: a migration before
// the one that makes them may save records, and that one indexes them.
func (p *plugin) indexExists(app core.App) bool {
	if p.ready.Load() {
		return true
	}
	if app.HasTable(docsTable) {
		p.ready.Store(true)
		return true
	}
	return false
}

// scopeOf returns who may read r: its kind's Scope or ScopeIn, or its
// parent's row's scope (a parent not indexed gives a scope no one has);
// and whether r belongs in the index (only ScopeIn says it does not).
func scopeOf(app core.App, k *Kind, r *core.Record) (scope Scope, parent string, indexed bool, err error) {
	switch {
	case k.Scope != nil:
		return k.Scope(r), "", true, nil
	case k.ScopeIn != nil:
		scope, indexed, err = k.ScopeIn(app, r)
		return scope, "", indexed, err
	}
	parentId := r.GetString(k.Parent.Field)
	d, err := findDoc(app, k.Parent.Collection, parentId)
	if errors.Is(err, sql.ErrNoRows) {
		return Scope{}, parentId, true, nil
	}
	if err != nil {
		return Scope{}, "", false, err
	}
	return Scope{Team: d.Team, Organisation: d.Organisation}, parentId, true, nil
}

func findDoc(app core.App, kind, record string) (doc, error) {
	var d doc
	err := app.NonconcurrentDB().
		Select("id", "record", "team", "organisation", "parent", "slug", "created").
		From(docsTable).
		Where(dbx.HashExp{"kind": kind, "record": record}).
		Limit(1).
		One(&d)
	return d, err
}

// put writes r's row: a new one, or the changed text and scope of the one
// it has. A changed scope moves its children's rows with it.
func (p *plugin) put(app core.App, k *Kind, r *core.Record) error {
	scope, parent, indexed, err := scopeOf(app, k, r)
	if err != nil {
		return err
	}
	if !indexed {
		return p.remove(app, k, r)
	}
	var title, slug string
	if k.Title != nil {
		title = k.Title(r)
	}
	if k.Slug != nil {
		slug = k.Slug(r)
	}
	text := k.Text(r)
	row := dbx.Params{
		"kind": k.Collection, "record": r.Id, "team": scope.Team, "organisation": scope.Organisation,
		"parent": parent, "slug": slug, "created": r.GetString("created"),
	}
	db := app.NonconcurrentDB()

	old, err := findDoc(app, k.Collection, r.Id)
	if errors.Is(err, sql.ErrNoRows) {
		res, err := db.Insert(docsTable, row).Execute()
		if err != nil {
			return err
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		_, err = db.Insert(ftsTable, dbx.Params{"rowid": id, "title": title, "body": text, "tags": tags(k.Collection, scope)}).Execute()
		return err
	}
	if err != nil {
		return err
	}

	if _, err := db.Update(docsTable, row, dbx.HashExp{"id": old.Id}).Execute(); err != nil {
		return err
	}
	moved := scopeTag(Scope{Team: old.Team, Organisation: old.Organisation}) != scopeTag(scope)
	if moved || textChanged(r, k) {
		fts := dbx.Params{"title": title, "body": text, "tags": tags(k.Collection, scope)}
		if _, err := db.Update(ftsTable, fts, dbx.HashExp{"rowid": old.Id}).Execute(); err != nil {
			return err
		}
	}
	if old.Team != scope.Team || old.Organisation != scope.Organisation {
		return p.moveChildren(app, k.Collection, r.Id, scope)
	}
	return nil
}

// textChanged reports whether an update changed what the index holds of
// r's text, so an update of other fields (a pin, a must-read flag) leaves
// the full-text rows alone.
func textChanged(r *core.Record, k *Kind) bool {
	old := r.Original()
	if old == nil || old.IsNew() {
		return true
	}
	if k.Title != nil && k.Title(old) != k.Title(r) {
		return true
	}
	return k.Text(old) != k.Text(r)
}

// moveChildren gives the rows that follow parent (of collection) its new
// scope, in both tables.
func (p *plugin) moveChildren(app core.App, collection, parent string, scope Scope) error {
	db := app.NonconcurrentDB()
	for _, child := range p.children(collection) {
		where := dbx.HashExp{"kind": child.Collection, "parent": parent}
		ids := []int64{}
		if err := db.Select("id").From(docsTable).Where(where).Column(&ids); err != nil {
			return err
		}
		if len(ids) == 0 {
			continue
		}
		if _, err := db.Update(docsTable, dbx.Params{"team": scope.Team, "organisation": scope.Organisation}, where).Execute(); err != nil {
			return err
		}
		rowids := make([]any, len(ids))
		for i, id := range ids {
			rowids[i] = id
		}
		if _, err := db.Update(ftsTable, dbx.Params{"tags": tags(child.Collection, scope)}, dbx.In("rowid", rowids...)).Execute(); err != nil {
			return err
		}
	}
	return nil
}

// remove deletes r's row and its children's (PocketBase deletes the
// children themselves by cascade, through their own hooks; this also
// holds for a parent whose children stay).
func (p *plugin) remove(app core.App, k *Kind, r *core.Record) error {
	db := app.NonconcurrentDB()
	ids := []int64{}
	err := db.Select("id").From(docsTable).Where(dbx.HashExp{"kind": k.Collection, "record": r.Id}).Column(&ids)
	if err != nil {
		return err
	}
	for _, child := range p.children(k.Collection) {
		var childIds []int64
		err := db.Select("id").From(docsTable).Where(dbx.HashExp{"kind": child.Collection, "parent": r.Id}).Column(&childIds)
		if err != nil {
			return err
		}
		ids = append(ids, childIds...)
	}
	for _, id := range ids {
		if _, err := db.Delete(ftsTable, dbx.HashExp{"rowid": id}).Execute(); err != nil {
			return err
		}
		if _, err := db.Delete(docsTable, dbx.HashExp{"id": id}).Execute(); err != nil {
			return err
		}
	}
	return nil
}
