package tasks_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"sync/atomic"
	"testing"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/search"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// searchTask is the id of the task the search scenarios add to Haarlem-Noord.
const searchTask = "srchtasknoord01"

// addSearchTask adds a Haarlem-Noord task with an accent in its
// description and a checklist.
func addSearchTask(t testing.TB, app core.App, f fixture) *core.Record {
	t.Helper()
	return saveTask(t, app, map[string]any{
		"id": searchTask, "team": f.haarlem, "title": "Tillift keuren", "created_by": f.bram, "assignee": f.bram,
		"description": "De tillift bij meneer Véldhuis moet gekeurd worden vóór vrijdag.",
		"checklist":   []map[string]any{{"text": "Keuringsrapport opvragen", "done": false}},
	})
}

func searchURL(q string) string {
	return "/api/buurtplein/search?q=" + url.QueryEscape(q) + "&kind=tasks"
}

// TestTaskSearchScope: a task is found by a word of its description (a
// prefix, accents folded) or its checklist, by its team's members alone.
func TestTaskSearchScope(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	found := `"id":"` + searchTask + `"`
	var scenarios []tests.ApiScenario
	for _, c := range []struct{ who, token, q string }{
		{"bram, a word's start", f.bramT, "gekeur"},
		{"bram, without the accent", f.bramT, "veldhuis"},
		{"bram, in capitals with other accents", f.bramT, "VÓOR VRIJDAG"},
		{"bram, a checklist item", f.bramT, "keuringsrapport"},
		{"anna, his coordinator", f.annaT, "tillift"},
		{"dirk, in both teams", f.dirkT, "tillift"},
	} {
		scenarios = append(scenarios, tests.ApiScenario{
			Name:            c.who + " finds the task",
			Method:          http.MethodGet,
			URL:             searchURL(c.q),
			Headers:         auth(c.token),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"kind":"tasks"`, found, `"title":"Tillift keuren"`, `"team":"` + f.haarlem + `"`},
		})
	}
	for _, c := range []struct{ who, token string }{
		{"carla (Schalkwijk)", f.carlaT},
		{"bo (BOB)", f.boT},
		{"eva (Heemstede)", f.evaT},
	} {
		scenarios = append(scenarios, tests.ApiScenario{
			Name:               c.who + " does not find Haarlem-Noord's task",
			Method:             http.MethodGet,
			URL:                searchURL("tillift"),
			Headers:            auth(c.token),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"groups":[]`},
			NotExpectedContent: []string{searchTask},
		})
	}
	scenarios = append(scenarios,
		tests.ApiScenario{
			Name:               "a search of every kind shows the task among the tasks",
			Method:             http.MethodGet,
			URL:                "/api/buurtplein/search?q=tillift",
			Headers:            auth(f.bramT),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"kind":"tasks"`, found},
			NotExpectedContent: []string{`"post":"`},
		},
		tests.ApiScenario{
			Name:            "an unknown kind names the kinds, tasks among them",
			Method:          http.MethodGet,
			URL:             "/api/buurtplein/search?q=tillift&kind=task",
			Headers:         auth(f.bramT),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"search_kind_unknown"`, `"kinds":"posts, comments, wiki_pages, tasks`},
		},
	)
	for i := range scenarios {
		scenarios[i].BeforeTestFunc = func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) { addSearchTask(t, app, f) }
	}
	run(t, scenarios)
}

// liveSearch is a served test app for tests that change tasks between
// searches.
type liveSearch struct {
	app *tests.TestApp
	url string
}

func newLiveSearch(t *testing.T) liveSearch {
	t.Helper()
	app := testapp.New(t)
	return liveSearch{app: app, url: testapp.Serve(t, app).URL}
}

// find returns the ids of the tasks q finds for token.
func (l liveSearch) find(t testing.TB, token, q string) []string {
	t.Helper()
	status, body := testapp.Do(t, http.MethodGet, l.url+searchURL(q), token, nil)
	if status != http.StatusOK {
		t.Fatalf("search %q: status %d\n%s", q, status, body)
	}
	var result search.Result
	if err := json.Unmarshal(body, &result); err != nil {
		t.Fatalf("no search result: %v\n%s", err, body)
	}
	ids := []string{}
	for _, g := range result.Groups {
		for _, it := range g.Items {
			ids = append(ids, it.Id)
		}
	}
	slices.Sort(ids)
	return ids
}

func (l liveSearch) want(t testing.TB, what, token, q string, ids ...string) {
	t.Helper()
	if ids == nil {
		ids = []string{}
	}
	if got := l.find(t, token, q); !slices.Equal(got, ids) {
		t.Errorf("%s: %q finds %v, want %v", what, q, got, ids)
	}
}

// former adds fenna: a member of Haarlem-Noord whose membership was then
// deleted (her token still signs her in); it returns her token.
func former(t testing.TB, app core.App, f fixture) string {
	t.Helper()
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	fenna := core.NewRecord(users)
	fenna.Load(map[string]any{"email": "fenna.taken@buurtplein.test", "name": "Fenna Taken", "verified": true})
	fenna.SetPassword("buurtplein-demo")
	if err := app.Save(fenna); err != nil {
		t.Fatal(err)
	}
	addMember(t, app, f.haarlem, fenna.Id, "member")
	m, err := app.FindFirstRecordByFilter("memberships", "user = {:user}", dbx.Params{"user": fenna.Id})
	if err != nil {
		t.Fatal(err)
	}
	if err := app.Delete(m); err != nil {
		t.Fatal(err)
	}
	token, err := fenna.NewAuthToken()
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// failTaskEvents makes every new history line fail while it is set: a
// write of the tasks plugin then fails after the task's own save, and its
// transaction is rolled back.
func failTaskEvents(app core.App) *atomic.Bool {
	fail := &atomic.Bool{}
	app.OnRecordCreateExecute("task_events").BindFunc(func(e *core.RecordEvent) error {
		if fail.Load() {
			return errors.New("the history is out of order")
		}
		return e.Next()
	})
	return fail
}

// TestTaskSearchHandover: a task handed over to another team moves in the
// index with the handover: the new team finds it, the old one no longer
// does (a task is read by its team's members alone); a handover that
// fails after the task's save leaves the index as it was.
func TestTaskSearchHandover(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	l := newLiveSearch(t)
	fennaT := former(t, l.app, f)
	addSearchTask(t, l.app, f)
	fail := failTaskEvents(l.app)

	l.want(t, "bram, before", f.bramT, "tillift", searchTask)
	l.want(t, "carla, before", f.carlaT, "tillift")
	l.want(t, "fenna, a former member", fennaT, "tillift")

	status, body := testapp.Do(t, http.MethodPost, l.url+"/api/collections/task_transfers/records", f.bramT,
		map[string]any{"task": searchTask, "from_user": f.bram, "to_team": f.schalkwijk, "note": "Kunnen jullie dit doen?"})
	if status != http.StatusOK {
		t.Fatalf("offering the task to Schalkwijk: %d %s", status, body)
	}
	var offer struct{ Id string }
	if err := json.Unmarshal(body, &offer); err != nil {
		t.Fatal(err)
	}
	l.want(t, "carla, while the offer waits", f.carlaT, "tillift")
	accept := l.url + "/api/collections/task_transfers/records/" + offer.Id

	fail.Store(true)
	if status, body := testapp.Do(t, http.MethodPatch, accept, f.carlaT, map[string]any{"status": "accepted"}); status == http.StatusOK {
		t.Fatalf("an accept whose history fails answered 200: %s", body)
	}
	fail.Store(false)
	wantField(t, l.app, "tasks", searchTask, "team", f.haarlem)
	l.want(t, "bram, after a failed handover", f.bramT, "tillift", searchTask)
	l.want(t, "carla, after a failed handover", f.carlaT, "tillift")

	if status, body := testapp.Do(t, http.MethodPatch, accept, f.carlaT, map[string]any{"status": "accepted"}); status != http.StatusOK {
		t.Fatalf("carla accepts: %d %s", status, body)
	}
	wantField(t, l.app, "tasks", searchTask, "team", f.schalkwijk)
	l.want(t, "carla, after the handover", f.carlaT, "veldhuis", searchTask)
	l.want(t, "bram, after the handover", f.bramT, "veldhuis")
	l.want(t, "anna, after the handover", f.annaT, "veldhuis")
	l.want(t, "dirk, in both teams", f.dirkT, "veldhuis", searchTask)
	l.want(t, "fenna, after the handover", fennaT, "veldhuis")

	if err := l.app.Delete(record(t, l.app, "tasks", searchTask)); err != nil {
		t.Fatal(err)
	}
	l.want(t, "carla, after the task is deleted", f.carlaT, "veldhuis")
}

// TestTaskSearchEdit: an edit changes what the index holds in the edit's
// transaction: the new words are found and the old ones not; an edit that
// fails after the task's save (its history) leaves the index as it was.
func TestTaskSearchEdit(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	l := newLiveSearch(t)
	addSearchTask(t, l.app, f)
	fail := failTaskEvents(l.app)
	task := l.url + "/api/collections/tasks/records/" + searchTask

	fail.Store(true)
	if status, body := testapp.Do(t, http.MethodPatch, task, f.bramT, map[string]any{"description": "Het badkamerrek ophangen."}); status == http.StatusOK {
		t.Fatalf("an edit whose history fails answered 200: %s", body)
	}
	fail.Store(false)
	l.want(t, "after a failed edit, the new words", f.bramT, "badkamerrek")
	l.want(t, "after a failed edit, the old words", f.bramT, "veldhuis", searchTask)

	status, body := testapp.Do(t, http.MethodPatch, task, f.bramT, map[string]any{
		"description": "Het badkamerrek ophangen.",
		"checklist":   []map[string]any{{"text": "Boormachine lenen", "done": false}},
	})
	if status != http.StatusOK {
		t.Fatalf("bram edits the task: %d %s", status, body)
	}
	l.want(t, "the new description", f.bramT, "badkamer", searchTask)
	l.want(t, "the new checklist", f.bramT, "boormachine", searchTask)
	l.want(t, "the old description", f.bramT, "veldhuis")
	l.want(t, "the old checklist", f.bramT, "keuringsrapport")
	l.want(t, "carla, the new words", f.carlaT, "badkamerrek")

	// a change of the status alone keeps the task findable
	if status, body := testapp.Do(t, http.MethodPatch, task, f.bramT, map[string]any{"status": "in_progress"}); status != http.StatusOK {
		t.Fatalf("bram starts the task: %d %s", status, body)
	}
	l.want(t, "after a status change", f.bramT, "badkamerrek", searchTask)
}

// TestTaskSearchMigration: the migration 1764200600_search_tasks indexes
// the tasks that exist, with the text the plugin writes for them.
func TestTaskSearchMigration(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	l := newLiveSearch(t)
	addSearchTask(t, l.app, f)
	bodyOf := func(id string) string {
		var body string
		err := l.app.DB().NewQuery(`SELECT f.body FROM _search_fts f JOIN _search_docs d ON d.id = f.rowid
			WHERE d.kind = 'tasks' AND d.record = {:id}`).Bind(dbx.Params{"id": id}).Row(&body)
		if err != nil {
			t.Fatalf("the index row of task %s: %v", id, err)
		}
		return body
	}
	written := bodyOf(searchTask)

	var migration *core.Migration
	for _, m := range core.AppMigrations.Items() {
		if m.File == "1764200600_search_tasks.go" {
			migration = m
		}
	}
	if migration == nil {
		t.Fatal("no migration 1764200600_search_tasks.go")
	}
	if err := migration.Down(l.app); err != nil {
		t.Fatalf("migrating down: %v", err)
	}
	l.want(t, "bram, without the task rows", f.bramT, "tillift")
	if err := migration.Up(l.app); err != nil {
		t.Fatalf("migrating up: %v", err)
	}

	if got := bodyOf(searchTask); got != written {
		t.Errorf("the migration indexes the text %q, the plugin %q", got, written)
	}
	l.want(t, "bram, a checklist item", f.bramT, "keuringsrapport", searchTask)
	l.want(t, "bram, a demo task", f.bramT, "verband verwisselen", f.task[wondzorg])
	l.want(t, "carla, a demo task of Haarlem-Noord", f.carlaT, "verband verwisselen")
	l.want(t, "carla, her team's demo task", f.carlaT, "rollator", f.task[hulpmiddelen])
	l.want(t, "bram, Schalkwijk's demo task", f.bramT, "rollator")
	var n int
	if err := l.app.DB().NewQuery(`SELECT count(*) FROM _search_docs WHERE kind = 'tasks'`).Row(&n); err != nil {
		t.Fatal(err)
	}
	var tasks int
	if err := l.app.DB().NewQuery(`SELECT count(*) FROM tasks`).Row(&tasks); err != nil {
		t.Fatal(err)
	}
	if n != tasks {
		t.Errorf("%d index rows of tasks, %d tasks", n, tasks)
	}
}
