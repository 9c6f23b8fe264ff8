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
// scope, and found by the route.
func TestAddKind(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	app := testapp.New(t)

	err := search.AddKind(app, search.Kind{
		Collection: "tasks",
		Title:      func(r *core.Record) string { return r.GetString("title") },
		Text:       func(r *core.Record) string { return r.GetString("description") },
		Scope:      func(r *core.Record) search.Scope { return search.Scope{Team: r.GetString("team")} },
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := search.Kinds(app); !slices.Equal(got, []string{"posts", "comments", "wiki_pages", "tasks"}) {
		t.Errorf("kinds %v", got)
	}
	for _, bad := range []search.Kind{
		{Collection: "tasks", Text: func(*core.Record) string { return "" }, Scope: func(*core.Record) search.Scope { return search.Scope{} }},
		{Collection: "task_events", Text: func(*core.Record) string { return "" }},
		{Collection: "task_events", Text: func(*core.Record) string { return "" }, Parent: &search.Parent{Collection: "nothing", Field: "x"}},
		{Collection: "task_events", Scope: func(*core.Record) search.Scope { return search.Scope{} }},
	} {
		if err := search.AddKind(app, bad); err == nil {
			t.Errorf("AddKind(%s) was accepted", bad.Collection)
		}
	}

	task := save(t, app, "tasks", map[string]any{"team": f.haarlem, "title": "Tillift keuren", "description": "De tillift bij meneer V. moet gekeurd worden.",
		"created_by": f.anna})
	server := testapp.Serve(t, app)
	find := func(token string) []byte {
		status, body := testapp.Do(t, http.MethodGet, server.URL+query("tillift keuren")+"&kind=tasks", token, nil)
		if status != http.StatusOK {
			t.Fatalf("status %d: %s", status, body)
		}
		return body
	}
	if got := found(t, find(f.bramT)); !slices.Equal(got, []string{task.Id}) {
		t.Errorf("bram finds %v, want the task", got)
	}
	if got := found(t, find(f.carlaT)); len(got) != 0 {
		t.Errorf("carla finds %v of Haarlem-Noord's tasks", got)
	}

	if err := app.Delete(task); err != nil {
		t.Fatal(err)
	}
	if got := found(t, find(f.bramT)); len(got) != 0 {
		t.Errorf("bram finds the deleted task: %v", got)
	}
}
