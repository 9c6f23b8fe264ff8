package search_test

import (
	"net/http"
	"slices"
	"testing"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/search"

	"github.com/pocketbase/pocketbase/core"
)

// TestAddKind: a later plugin makes its collection searchable with one
// call; its records are then indexed on every write, in their team's
// scope, and found by the route. The collection is the test's own, so
// the test holds whichever kinds the plugins add (tasks adds "tasks").
func TestAddKind(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	app := testapp.New(t)

	notes := core.NewBaseCollection("search_notes")
	notes.Fields.Add(&core.TextField{Name: "team"}, &core.TextField{Name: "title"}, &core.TextField{Name: "body"},
		&core.AutodateField{Name: "created", OnCreate: true})
	if err := app.Save(notes); err != nil {
		t.Fatal(err)
	}
	before := search.Kinds(app)
	err := search.AddKind(app, search.Kind{
		Collection: "search_notes",
		Title:      func(r *core.Record) string { return r.GetString("title") },
		Text:       func(r *core.Record) string { return r.GetString("body") },
		Scope:      func(r *core.Record) search.Scope { return search.Scope{Team: r.GetString("team")} },
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := search.Kinds(app); !slices.Equal(got, append(before, "search_notes")) {
		t.Errorf("kinds %v, want %v and search_notes", got, before)
	}
	for _, bad := range []search.Kind{
		{Collection: "search_notes", Text: func(*core.Record) string { return "" }, Scope: func(*core.Record) search.Scope { return search.Scope{} }},
		{Collection: "task_events", Text: func(*core.Record) string { return "" }},
		{Collection: "task_events", Text: func(*core.Record) string { return "" }, Parent: &search.Parent{Collection: "nothing", Field: "x"}},
		{Collection: "task_events", Scope: func(*core.Record) search.Scope { return search.Scope{} }},
		{Collection: "task_events", Text: func(*core.Record) string { return "" }, Scope: func(*core.Record) search.Scope { return search.Scope{} },
			ScopeIn: func(core.App, *core.Record) (search.Scope, bool, error) { return search.Scope{}, false, nil }},
	} {
		if err := search.AddKind(app, bad); err == nil {
			t.Errorf("AddKind(%s) was accepted", bad.Collection)
		}
	}

	note := save(t, app, "search_notes", map[string]any{"team": f.haarlem, "title": "Tillift keuren", "body": "De tillift bij meneer V. moet gekeurd worden."})
	server := testapp.Serve(t, app)
	find := func(token string) []byte {
		status, body := testapp.Do(t, http.MethodGet, server.URL+query("tillift keuren")+"&kind=search_notes", token, nil)
		if status != http.StatusOK {
			t.Fatalf("status %d: %s", status, body)
		}
		return body
	}
	if got := found(t, find(f.bramT)); !slices.Equal(got, []string{note.Id}) {
		t.Errorf("bram finds %v, want the note", got)
	}
	if got := found(t, find(f.carlaT)); len(got) != 0 {
		t.Errorf("carla finds %v of Haarlem-Noord's notes", got)
	}

	if err := app.Delete(note); err != nil {
		t.Fatal(err)
	}
	if got := found(t, find(f.bramT)); len(got) != 0 {
		t.Errorf("bram finds the deleted note: %v", got)
	}
}
