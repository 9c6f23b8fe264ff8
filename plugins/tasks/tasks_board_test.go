package tasks_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"buurtplein/internal/testapp"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/search"
)

// boardPage is the query of one page of the board, as the PWA asks it
// (pb_public/js/screens/board.js): a team's active tasks in due order, 100
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
