package tasks_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"buurtplein/internal/testapp"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/search"
)

// boardPage is the query of one page of the board, as the PWA asks it
// (pb_public/js/features/tasks/board.js): a team's active tasks in due order, 100
// at a time, each page after the last task of the one before (due, id).
func boardPage(team, afterDue, afterId string) string {
	filter := fmt.Sprintf(`team = %q && active = true`, team)
	if afterId != "" {
		filter += fmt.Sprintf(` && due >= %q && (due > %q || id > %q)`, afterDue, afterDue, afterId)
	}
	return "page=1&perPage=100&skipTotal=1&sort=due,id&filter=" + url.QueryEscape(filter)
}

// listQuery returns the SQL and parameters of the query PocketBase's list
// API runs for urlQuery on collection, asked by auth: the collection's list
// rule and the query's filter, sort and page, built by PocketBase's own
// search provider as apis.recordsList builds it.
func listQuery(t testing.TB, app core.App, collection string, auth *core.Record, urlQuery string) (string, dbx.Params) {
	t.Helper()
	c, err := app.FindCollectionByNameOrId(collection)
	if err != nil {
		t.Fatal(err)
	}
	info := &core.RequestInfo{Auth: auth, Query: map[string]string{}}
	resolver := core.NewRecordFieldResolver(app, c, info, true)
	var built *dbx.Query
	query := app.RecordQuery(c).WithBuildHook(func(q *dbx.Query) { built = q })
	expr, err := search.FilterData(*c.ListRule).BuildExpr(resolver)
	if err != nil {
		t.Fatal(err)
	}
	query.AndWhere(expr)
	provider := search.NewProvider(resolver).Query(query)
	if err := provider.Parse(urlQuery); err != nil {
		t.Fatal(err)
	}
	var rows []dbx.NullStringMap
	if _, err := provider.Exec(&rows); err != nil {
		t.Fatal(err)
	}
	return built.SQL(), built.Params()
}

// queryPlan returns SQLite's EXPLAIN QUERY PLAN of sql with params bound, as
// PocketBase sends them, one line per step.
func queryPlan(t testing.TB, app core.App, sql string, params dbx.Params) string {
	t.Helper()
	var steps []struct {
		Detail string `db:"detail"`
	}
	if err := app.DB().NewQuery("EXPLAIN QUERY PLAN " + sql).Bind(params).All(&steps); err != nil {
		t.Fatalf("explain %s: %v", sql, err)
	}
	var lines []string
	for _, s := range steps {
		lines = append(lines, s.Detail)
	}
	return strings.Join(lines, "\n")
}

// TestBoardPagePlan checks that a page of the board reads the index that
// keeps a team's active tasks in due order, and sorts nothing: it stops
// after its 100 entries, however many finished tasks the team has.
func TestBoardPagePlan(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	bram, err := app.FindAuthRecordByEmail("users", "bram@buurtplein.test")
	if err != nil {
		t.Fatal(err)
	}
	team := testapp.Id(t, app, "teams", "slug", "haarlem-noord")

	for name, query := range map[string]string{
		"first page": boardPage(team, "", ""),
		"next page":  boardPage(team, "2026-12-01 22:59:00.000Z", "abcdefghijklmno"),
	} {
		sql, params := listQuery(t, app, "tasks", bram, query)
		plan := queryPlan(t, app, sql, params)
		t.Logf("%s:\n%s\n%s", name, sql, plan)
		if !strings.Contains(plan, "USING INDEX idx_tasks_team_active_due (team=? AND active=?") {
			t.Errorf("%s: the plan does not search the board's index:\n%s", name, plan)
		}
		if strings.Contains(plan, "ORDER BY") || strings.Contains(plan, "SCAN tasks") {
			t.Errorf("%s: the plan scans or sorts the tasks:\n%s", name, plan)
		}
	}
}

// TestTaskActive checks that the server keeps active in step with the
// status, whatever a client sends: the board's pages rely on it.
func TestTaskActive(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	run(t, []tests.ApiScenario{
		{
			Name:            "bram finishes his task and says it is still active",
			Method:          http.MethodPatch,
			URL:             "/api/collections/tasks/records/" + f.task[wondzorg],
			Headers:         auth(f.bramT),
			Body:            body(`{"status":"done","active":true}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"status":"done"`, `"active":false`},
		},
		{
			Name:            "bram adds a task and says it is not active",
			Method:          http.MethodPost,
			URL:             "/api/collections/tasks/records",
			Headers:         auth(f.bramT),
			Body:            body(`{"team":"` + f.haarlem + `","title":"Actief","created_by":"` + f.bram + `","active":false}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"status":"open"`, `"active":true`},
		},
		{
			Name:    "dirk's task in progress is on the board's first page, a finished one is not",
			Method:  http.MethodGet,
			URL:     "/api/collections/tasks/records?" + boardPage(f.haarlem, "", ""),
			Headers: auth(f.dirkT),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
				task, err := app.FindRecordById("tasks", f.task[medicatie])
				if err != nil {
					t.Fatal(err)
				}
				task.Set("status", "done")
				if err := app.Save(task); err != nil {
					t.Fatal(err)
				}
			},
			ExpectedStatus:     200,
			ExpectedContent:    []string{sleutel, wondzorg, weekoverleg},
			NotExpectedContent: []string{medicatie},
		},
	})
}

// TestBoardPagesKeyset follows the board's pages, two tasks at a time, over
// tasks that share a due date or have none: each active task comes once,
// in the order of due and id, and a task finished between two pages moves
// no other task off them.
func TestBoardPagesKeyset(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	app := testapp.New(t)
	server := testapp.Serve(t, app)
	api := server.URL + "/api/collections/tasks/records"

	for i, due := range []string{"", "", "2030-01-01 10:00:00.000Z", "2030-01-01 10:00:00.000Z", "2030-01-01 10:00:00.000Z", "2030-02-01 10:00:00.000Z"} {
		code, res := do(t, http.MethodPost, api, f.annaT, map[string]any{"team": f.haarlem, "title": fmt.Sprintf("Pagina %d", i), "created_by": f.anna, "due": due})
		if code != 200 {
			t.Fatalf("adding a task: %d %s", code, res)
		}
	}
	var want []string
	var rows []struct{ Id string }
	if err := app.DB().NewQuery("SELECT id FROM tasks WHERE team = {:team} AND status IN ('open', 'in_progress') ORDER BY due, id").
		Bind(dbx.Params{"team": f.haarlem}).All(&rows); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		want = append(want, r.Id)
	}

	var got []string
	afterDue, afterId := "", ""
	for page := 0; ; page++ {
		code, res := do(t, http.MethodGet, api+"?"+strings.Replace(boardPage(f.haarlem, afterDue, afterId), "perPage=100", "perPage=2", 1), f.bramT, nil)
		var list struct{ Items []struct{ Id, Due string } }
		if err := json.Unmarshal([]byte(res), &list); code != 200 || err != nil {
			t.Fatalf("page %d: %d %s", page, code, res)
		}
		for _, item := range list.Items {
			got = append(got, item.Id)
		}
		if len(list.Items) < 2 {
			break
		}
		last := list.Items[len(list.Items)-1]
		afterDue, afterId = last.Due, last.Id
		if page == 0 {
			// the first task is finished meanwhile: it was on a page already
			if code, res := do(t, http.MethodPatch, api+"/"+got[0], f.annaT, map[string]any{"status": "done"}); code != 200 {
				t.Fatalf("finishing a task: %d %s", code, res)
			}
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("the pages hold\n%v\nwant\n%v", got, want)
	}
}

// TestHistoryPagePlan checks that a page of a task's history reads the
// task's lines in the index on (task, created), newest first, and stops
// after the page rather than sorting all of them.
func TestHistoryPagePlan(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	bram, err := app.FindAuthRecordByEmail("users", "bram@buurtplein.test")
	if err != nil {
		t.Fatal(err)
	}
	for name, filter := range map[string]string{
		"first page":   `task = "abcdefghijklmno"`,
		"earlier page": `task = "abcdefghijklmno" && created <= "2026-12-01 10:00:00.000Z" && (created < "2026-12-01 10:00:00.000Z" || id < "abcdefghijklmno")`,
	} {
		sql, params := listQuery(t, app, "task_events", bram, "page=1&perPage=50&skipTotal=1&sort=-created,-id&filter="+url.QueryEscape(filter))
		plan := queryPlan(t, app, sql, params)
		t.Logf("%s:\n%s\n%s", name, sql, plan)
		if !strings.Contains(plan, "USING INDEX idx_task_events_task_created (task=?") {
			t.Errorf("%s: the plan does not search the history's index:\n%s", name, plan)
		}
		if strings.Contains(plan, "TEMP B-TREE FOR ORDER BY") || strings.Contains(plan, "SCAN task_events") {
			t.Errorf("%s: the plan scans or sorts all of the task's history:\n%s", name, plan)
		}
	}
}
