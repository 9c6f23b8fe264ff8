package tasks_test

import (
	"bytes"
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
)

// Titles of the demo tasks (plugins/tasks/tasks_demo.go).
const (
	wondzorg     = "Wondzorg mevrouw K."       // haarlem-noord, bram, pending offer to anna
	medicatie    = "Medicatierol bestellen"    // haarlem-noord, open for the team
	weekoverleg  = "Weekoverleg voorbereiden"  // haarlem-noord, anna, weekly
	sleutel      = "Sleutelkastje controleren" // haarlem-noord, dirk, in progress, overdue
	intake       = "Intake nieuwe cliënt"      // schalkwijk, carla
	hulpmiddelen = "Hulpmiddelen retour"       // schalkwijk, open for the team
	inwerkplan   = "Inwerkplan Sanne"          // heemstede, eva
	posters      = "Posters griepprik drukken" // bob, bo
)

// haarlemTitles are the demo tasks only Haarlem-Noord's members may see.
var haarlemTitles = []string{wondzorg, medicatie, weekoverleg, sleutel}

// fixture holds the ids and tokens the scenarios need. The test apps are
// copies of one seeded data dir, so ids and tokens hold in each of them.
type fixture struct {
	haarlem, schalkwijk, heemstede, bob                  string // team ids
	anna, bram, carla, dirk, eva, bo                     string // user ids
	annaT, bramT, carlaT, dirkT, evaT, boT, superuserT   string // tokens
	task                                                 map[string]string
	offer                                                string // the demo offer of wondzorg from bram to anna
	wondzorgEvent                                        string // the "created" history line of wondzorg
	annaNotification, bramNotification, dirkNotification string // the demo notifications
	bramHaarlem, dirkHaarlem, annaHaarlem                string // membership ids
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	app := testapp.New(t)

	tasks, err := app.FindAllRecords("tasks")
	if err != nil {
		t.Fatal(err)
	}
	byTitle := map[string]string{}
	for _, task := range tasks {
		byTitle[task.GetString("title")] = task.Id
	}
	user := func(email string) string { return testapp.Id(t, app, "users", "email", email+"@buurtplein.test") }
	team := func(slug string) string { return testapp.Id(t, app, "teams", "slug", slug) }
	f := fixture{
		haarlem:    team("haarlem-noord"),
		schalkwijk: team("schalkwijk"),
		heemstede:  team("heemstede"),
		bob:        team("bob"),
		anna:       user("anna"),
		bram:       user("bram"),
		carla:      user("carla"),
		dirk:       user("dirk"),
		eva:        user("eva"),
		bo:         user("bo"),
		annaT:      testapp.Token(t, app, "anna@buurtplein.test"),
		bramT:      testapp.Token(t, app, "bram@buurtplein.test"),
		carlaT:     testapp.Token(t, app, "carla@buurtplein.test"),
		dirkT:      testapp.Token(t, app, "dirk@buurtplein.test"),
		evaT:       testapp.Token(t, app, "eva@buurtplein.test"),
		boT:        testapp.Token(t, app, "bo@buurtplein.test"),
		superuserT: testapp.Token(t, app, "it@buurtplein.test"),
		task:       byTitle,
	}
	f.offer = testapp.Id(t, app, "task_transfers", "task", f.task[wondzorg])
	event, err := app.FindFirstRecordByFilter("task_events", "task = {:task} && kind = 'created'", dbx.Params{"task": f.task[wondzorg]})
	if err != nil {
		t.Fatal(err)
	}
	f.wondzorgEvent = event.Id
	f.annaNotification = testapp.Id(t, app, "notifications", "user", f.anna)
	f.bramNotification = testapp.Id(t, app, "notifications", "user", f.bram)
	f.dirkNotification = testapp.Id(t, app, "notifications", "user", f.dirk)
	membership := func(userId string) string {
		m, err := app.FindFirstRecordByFilter("memberships", "user = {:user} && team = {:team}",
			dbx.Params{"user": userId, "team": f.haarlem})
		if err != nil {
			t.Fatal(err)
		}
		return m.Id
	}
	f.bramHaarlem, f.dirkHaarlem, f.annaHaarlem = membership(f.bram), membership(f.dirk), membership(f.anna)

	for _, title := range []string{wondzorg, medicatie, weekoverleg, sleutel, intake, hulpmiddelen, inwerkplan, posters} {
		if f.task[title] == "" {
			t.Fatalf("demo task %q is missing", title)
		}
	}
	return f
}

func auth(token string) map[string]string { return map[string]string{"Authorization": token} }

func q(s string) string { return url.QueryEscape(s) }

func body(s string) *strings.Reader { return strings.NewReader(s) }

// jsonBody encodes v as a request body.
func jsonBody(t testing.TB, v any) *bytes.Reader {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(b)
}

// run runs the scenarios, each on a fresh copy of the demo organisation.
func run(t *testing.T, scenarios []tests.ApiScenario) {
	t.Helper()
	for _, s := range scenarios {
		s.TestAppFactory = testapp.Factory
		s.Test(t)
	}
}

// snapshotTables are the tables a refused request must leave as they were.
var snapshotTables = []string{"tasks", "task_transfers", "task_events", "notifications", "memberships"}

// snapshot returns every row of snapshotTables, one string per table.
func snapshot(t testing.TB, app core.App) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, table := range snapshotTables {
		var rows []dbx.NullStringMap
		if err := app.DB().NewQuery("SELECT * FROM " + table + " ORDER BY id").All(&rows); err != nil {
			t.Fatalf("snapshot of %s: %v", table, err)
		}
		var b strings.Builder
		for _, row := range rows {
			keys := make([]string, 0, len(row))
			for k := range row {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				fmt.Fprintf(&b, "%s=%q ", k, row[k].String)
			}
			b.WriteByte('\n')
		}
		out[table] = b.String()
	}
	return out
}

// unchanged makes s fail when its request changes any task, offer, history
// line, notification or membership: the state after BeforeTestFunc must be
// the state after the request.
func unchanged(s tests.ApiScenario) tests.ApiScenario {
	before, after := s.BeforeTestFunc, s.AfterTestFunc
	var want map[string]string
	s.BeforeTestFunc = func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
		if before != nil {
			before(t, app, e)
		}
		want = snapshot(t, app)
	}
	s.AfterTestFunc = func(t testing.TB, app *tests.TestApp, res *http.Response) {
		got := snapshot(t, app)
		for _, table := range snapshotTables {
			if got[table] != want[table] {
				t.Errorf("a refused request changed %s:%s", table, lineDiff(want[table], got[table]))
			}
		}
		if after != nil {
			after(t, app, res)
		}
	}
	return s
}

// lineDiff lists the lines only before has ("-") and only after has ("+").
func lineDiff(before, after string) string {
	var b strings.Builder
	was, is := strings.Split(before, "\n"), strings.Split(after, "\n")
	for _, l := range was {
		if !slices.Contains(is, l) {
			b.WriteString("\n- " + l)
		}
	}
	for _, l := range is {
		if !slices.Contains(was, l) {
			b.WriteString("\n+ " + l)
		}
	}
	return b.String()
}

// record returns a record, failing the test when it is missing.
func record(t testing.TB, app core.App, collection, id string) *core.Record {
	t.Helper()
	r, err := app.FindRecordById(collection, id)
	if err != nil {
		t.Fatalf("%s %s: %v", collection, id, err)
	}
	return r
}

// history returns a task's history lines as "kind by actor" ("kind by -"
// for the system), oldest first.
func history(t testing.TB, app core.App, taskId string) []string {
	t.Helper()
	var rows []struct {
		Kind  string `db:"kind"`
		Actor string `db:"actor"`
	}
	err := app.DB().Select("kind", "actor").From("task_events").
		Where(dbx.HashExp{"task": taskId}).OrderBy("rowid").All(&rows)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		if r.Actor == "" {
			r.Actor = "-"
		}
		out[i] = r.Kind + " by " + r.Actor
	}
	return out
}

// wantHistory fails the test unless a task's history is exactly want.
func wantHistory(t testing.TB, app core.App, taskId string, want ...string) {
	t.Helper()
	if got := history(t, app, taskId); !slices.Equal(got, want) {
		t.Errorf("history of %s:\n got %q\nwant %q", taskId, got, want)
	}
}

// wantReason checks the reason of the last withdrawn offer in a task's
// history: a code, not prose.
func wantReason(t testing.TB, app core.App, taskId, want string) {
	t.Helper()
	var reason string
	err := app.DB().NewQuery("SELECT coalesce(json_extract(details, '$.reason'), '') FROM task_events" +
		" WHERE task = {:task} AND kind = 'handover_cancelled' ORDER BY created DESC, rowid DESC LIMIT 1").
		Bind(dbx.Params{"task": taskId}).Row(&reason)
	if err != nil {
		t.Fatal(err)
	}
	if reason != want {
		t.Errorf("the withdrawn offer of %s gives reason %q, want %q", taskId, reason, want)
	}
}

// notifications returns a user's notifications as "kind: text", the text
// as the PWA shows it in Dutch, oldest first.
func notifications(t testing.TB, app core.App, userId string) []string {
	t.Helper()
	var found []*core.Record
	err := app.RecordQuery("notifications").Where(dbx.HashExp{"user": userId}).OrderBy("rowid").All(&found)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(found))
	for i, n := range found {
		out[i] = n.GetString("kind") + ": " + testapp.NotificationText(t, n)
	}
	return out
}

// wantNotifications fails the test unless a user's notifications are
// exactly want.
func wantNotifications(t testing.TB, app core.App, userId string, want ...string) {
	t.Helper()
	if got := notifications(t, app, userId); !slices.Equal(got, want) {
		t.Errorf("notifications of %s:\n got %q\nwant %q", userId, got, want)
	}
}

// wantField fails the test unless field of the record is want.
func wantField(t testing.TB, app core.App, collection, id, field, want string) {
	t.Helper()
	if got := record(t, app, collection, id).GetString(field); got != want {
		t.Errorf("%s %s: %s = %q, want %q", collection, id, field, got, want)
	}
}

// saveTask creates a task directly (no request hooks, so no history).
func saveTask(t testing.TB, app core.App, fields map[string]any) *core.Record {
	t.Helper()
	c, err := app.FindCollectionByNameOrId("tasks")
	if err != nil {
		t.Fatal(err)
	}
	task := core.NewRecord(c)
	task.Set("status", "open")
	for k, v := range fields {
		task.Set(k, v)
	}
	if err := app.Save(task); err != nil {
		t.Fatalf("saving task %v: %v", fields, err)
	}
	return task
}

// saveOffer creates a pending offer directly.
func saveOffer(t testing.TB, app core.App, fields map[string]any) *core.Record {
	t.Helper()
	c, err := app.FindCollectionByNameOrId("task_transfers")
	if err != nil {
		t.Fatal(err)
	}
	offer := core.NewRecord(c)
	for k, v := range fields {
		offer.Set(k, v)
	}
	if err := app.Save(offer); err != nil {
		t.Fatalf("saving offer %v: %v", fields, err)
	}
	return offer
}

// update sets fields of a record directly.
func update(t testing.TB, app core.App, collection, id string, fields map[string]any) {
	t.Helper()
	r := record(t, app, collection, id)
	for k, v := range fields {
		r.Set(k, v)
	}
	if err := app.Save(r); err != nil {
		t.Fatalf("updating %s %s: %v", collection, id, err)
	}
}

// addMember adds userId to teamId.
func addMember(t testing.TB, app core.App, teamId, userId, role string) {
	t.Helper()
	c, err := app.FindCollectionByNameOrId("memberships")
	if err != nil {
		t.Fatal(err)
	}
	m := core.NewRecord(c)
	m.Set("team", teamId)
	m.Set("user", userId)
	m.Set("role", role)
	if err := app.Save(m); err != nil {
		t.Fatal(err)
	}
}

// do sends a request to a test server and returns the status and body.
func do(t testing.TB, method, url, token string, body any) (int, string) {
	t.Helper()
	code, b := testapp.Do(t, method, url, token, body)
	return code, string(b)
}

// idOf returns the "id" of a JSON record response.
func idOf(t testing.TB, response string) string {
	t.Helper()
	var r struct{ Id string }
	if err := json.Unmarshal([]byte(response), &r); err != nil || r.Id == "" {
		t.Fatalf("no record in %s (%v)", response, err)
	}
	return r.Id
}

// assignedNote is the notification "kind: title" of a task given to its
// reader.
func assignedNote(title string) string {
	return fmt.Sprintf("task_assigned: Nieuwe taak voor jou: %q", title)
}
