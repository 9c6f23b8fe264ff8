package search_test

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"buurtplein/internal/testapp"

	"github.com/pocketbase/pocketbase/core"
)

func wantIds(t testing.TB, what string, got, want []string) {
	t.Helper()
	want = slices.Clone(want)
	slices.Sort(want)
	if want == nil {
		want = []string{}
	}
	if got == nil {
		got = []string{}
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s: found %v, want %v", what, got, want)
	}
}

func update(t testing.TB, app core.App, collection, id string, data map[string]any) {
	t.Helper()
	r, err := app.FindRecordById(collection, id)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range data {
		r.Set(k, v)
	}
	if err := app.Save(r); err != nil {
		t.Fatalf("saving %s %s: %v", collection, id, err)
	}
}

// TestSearchFollowsScope: a post's visibility moves the post and its
// comments in and out of other teams' results; sharing a page does the
// same for the page.
func TestSearchFollowsScope(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	l := f.live(t)

	update(t, l.app, "posts", postNoord, map[string]any{"visibility": "organisation"})
	wantIds(t, "carla, the post", l.search(t, f.carlaT, "zuurstofapparaat"), []string{postNoord})
	wantIds(t, "carla, its comment", l.search(t, f.carlaT, "zuurstofslang"), []string{commentNoord})
	wantIds(t, "fenna, its comment", l.search(t, l.formerT, "zuurstofslang"), []string{commentNoord})

	update(t, l.app, "posts", postNoord, map[string]any{"visibility": "team"})
	wantIds(t, "carla after the post is the team's again", l.search(t, f.carlaT, "zuurstofapparaat"), nil)
	wantIds(t, "carla, its comment again", l.search(t, f.carlaT, "zuurstofslang"), nil)
	wantIds(t, "bram, his team's comment", l.search(t, f.bramT, "zuurstofslang"), []string{commentNoord})

	update(t, l.app, "wiki_pages", pageNoord, map[string]any{"shared": true})
	wantIds(t, "carla after the page is shared", l.search(t, f.carlaT, "zuurstofconcentrator"), []string{pageNoord})
	update(t, l.app, "wiki_pages", pageShared, map[string]any{"shared": false})
	wantIds(t, "carla after the other page is no longer shared", l.search(t, f.carlaT, "pagina delen"), nil)
	wantIds(t, "bram, his team's page", l.search(t, f.bramT, "pagina delen"), []string{pageShared})

	// a comment added after the post moved gets the post's scope
	update(t, l.app, "posts", postNoord, map[string]any{"visibility": "organisation"})
	save(t, l.app, "comments", map[string]any{"id": "srchcommlater01", "post": postNoord, "author": f.bram, "body": "Nieuwe slang besteld."})
	wantIds(t, "carla, a comment on the shared post", l.search(t, f.carlaT, "besteld"), []string{"srchcommlater01"})
}

// TestSearchIndexFollowsWrites: an edit, through the API or from Go, and a
// delete change the index with the record; a write that fails or is
// rolled back leaves it as it was.
func TestSearchIndexFollowsWrites(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	l := f.live(t)

	// bram edits his post through the record API
	status, body := testapp.Do(t, http.MethodPatch, l.url+"/api/collections/posts/records/"+postNoord, f.bramT,
		map[string]any{"body": "De zuurstofconcentrator van mevrouw J. wordt woensdag vervangen."})
	if status != http.StatusOK {
		t.Fatalf("editing the post: %d %s", status, body)
	}
	wantIds(t, "the old text", l.search(t, f.bramT, "dinsdag"), nil)
	wantIds(t, "the new text", l.search(t, f.bramT, "woensdag"), []string{postNoord})

	// a refused edit (too long) leaves the index alone
	status, _ = testapp.Do(t, http.MethodPatch, l.url+"/api/collections/posts/records/"+postNoord, f.bramT,
		map[string]any{"body": "kerstavond " + strings.Repeat("x", 20001)})
	if status != http.StatusBadRequest {
		t.Fatalf("a too long post: status %d", status)
	}
	wantIds(t, "a refused edit", l.search(t, f.bramT, "kerstavond"), nil)
	wantIds(t, "the text before the refused edit", l.search(t, f.bramT, "woensdag"), []string{postNoord})

	// a save whose transaction is rolled back leaves no trace in the index
	rollback := errors.New("rolled back")
	err := l.app.RunInTransaction(func(txApp core.App) error {
		update(t, txApp, "wiki_pages", pageNoord, map[string]any{"body": "Vrijdag komt de leverancier."})
		save(t, txApp, "posts", map[string]any{"id": "srchpostrollbck", "author": f.anna, "kind": "update", "visibility": "organisation",
			"title": "Vrijdag", "body": "Vrijdag is er overleg."})
		if err := txApp.Delete(mustFind(t, txApp, "comments", commentOrg)); err != nil {
			t.Fatal(err)
		}
		return rollback
	})
	if !errors.Is(err, rollback) {
		t.Fatalf("the transaction: %v", err)
	}
	wantIds(t, "after a rollback, the new words", l.search(t, f.bramT, "vrijdag"), nil)
	wantIds(t, "after a rollback, the old page", l.search(t, f.bramT, "werkinstructie"), []string{pageNoord})
	wantIds(t, "after a rollback, the comment", l.search(t, f.bramT, "goede tip"), []string{commentOrg})

	// a batch request is a transaction too: one failing request undoes
	// the edit before it, in the index as well
	status, body = testapp.Do(t, http.MethodPost, l.url+"/api/batch", f.bramT, map[string]any{"requests": []any{
		map[string]any{"method": "PATCH", "url": "/api/collections/comments/records/" + commentOrg, "body": map[string]any{"body": "Zondag meer."}},
		map[string]any{"method": "PATCH", "url": "/api/collections/posts/records/" + postSchalk, "body": map[string]any{"body": "niet van bram"}},
	}})
	if status != http.StatusBadRequest {
		t.Fatalf("the failing batch: %d %s", status, body)
	}
	wantIds(t, "after a failed batch", l.search(t, f.bramT, "zondag"), nil)
	wantIds(t, "after a failed batch, the comment's text", l.search(t, f.bramT, "goede tip"), []string{commentOrg})

	// deleting the post deletes it and its comment from the index
	status, body = testapp.Do(t, http.MethodDelete, l.url+"/api/collections/posts/records/"+postNoord, f.bramT, nil)
	if status != http.StatusNoContent {
		t.Fatalf("deleting the post: %d %s", status, body)
	}
	wantIds(t, "a deleted post and its comment", l.search(t, f.bramT, "zuurstofslang woensdag"), nil)
	wantIds(t, "a deleted comment", l.search(t, f.bramT, "zuurstofslang"), nil)
	var n int
	if err := l.app.DB().NewQuery("SELECT count(*) FROM _search_docs WHERE record IN ('" + postNoord + "', '" + commentNoord + "')").Row(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d index rows of the deleted post and comment remain", n)
	}
}

func mustFind(t testing.TB, app core.App, collection, id string) *core.Record {
	t.Helper()
	r, err := app.FindRecordById(collection, id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestSearchMigrationIndexes: the migration indexes the records that exist
// when it runs.
func TestSearchMigrationIndexes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	l := f.live(t)

	var migration *core.Migration
	for _, m := range core.AppMigrations.Items() {
		if m.File == "1764200500_search.go" {
			migration = m
		}
	}
	if migration == nil {
		t.Fatal("no migration 1764200500_search.go")
	}
	err := l.app.RunInTransaction(func(txApp core.App) error {
		if err := migration.Down(txApp); err != nil {
			return err
		}
		return migration.Up(txApp)
	})
	if err != nil {
		t.Fatalf("running the migration again: %v", err)
	}

	all := append(append([]string{postSchalk}, noordOnly...), readableByAll...)
	wantIds(t, "dirk, after the migration", l.search(t, f.dirkT, "zuurstof"), all)
	wantIds(t, "carla, after the migration", l.search(t, f.carlaT, "zuurstof"), append([]string{postSchalk}, readableByAll...))
	wantIds(t, "bram, the demo comment", l.search(t, f.bramT, "zaterdagochtend"), []string{testapp.Id(t, l.app, "comments", "body", "Ik neem zaterdagochtend.")})
	wantIds(t, "carla, the demo comment of Haarlem-Noord", l.search(t, f.carlaT, "zaterdagochtend"), nil)
}
