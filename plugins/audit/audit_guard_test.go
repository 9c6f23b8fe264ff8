package audit_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/audit"
	"buurtplein/plugins/teams"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// entryId is the id the guard tests give their one entry.
const entryId = "auditentry00001"

// withEntry appends one entry to app's log and gives it entryId (its
// hash no longer fits: the guard is not about the chain).
func withEntry(t testing.TB, app core.App) {
	t.Helper()
	entry := audit.Entry{Action: audit.ActionRead, Actor: audit.SystemActor("test", ""), Team: "team1", Client: "client1", ClientCode: "HN-0001", Record: "clients/client1"}
	if err := audit.Append(app, entry); err != nil {
		t.Fatal(err)
	}
	if _, err := app.DB().NewQuery("UPDATE access_log SET id = {:id} WHERE seq = (SELECT MAX(seq) FROM access_log)").Bind(dbx.Params{"id": entryId}).Execute(); err != nil {
		t.Fatal(err)
	}
}

// logDump returns every entry of app's log, for before and after.
func logDump(t testing.TB, app core.App) string {
	t.Helper()
	var rows []audit.Row
	if err := app.DB().Select("*").From("access_log").OrderBy("seq").All(&rows); err != nil {
		t.Fatal(err)
	}
	dump, _ := json.Marshal(rows)
	return string(dump)
}

// untouched makes s start with one entry in the log, and check that the
// log and its collection are the same after the request.
func untouched(s tests.ApiScenario) *tests.ApiScenario {
	var entries string
	var schema string
	s.TestAppFactory = testapp.Factory
	s.BeforeTestFunc = func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
		withEntry(t, app)
		entries = logDump(t, app)
		schema = collectionJSON(t, app)
	}
	s.AfterTestFunc = func(t testing.TB, app *tests.TestApp, res *http.Response) {
		if got := logDump(t, app); got != entries {
			t.Errorf("the log changed:\n%s\nafter:\n%s", entries, got)
		}
		if got := collectionJSON(t, app); got != schema {
			t.Errorf("the log's collection changed:\n%s\nafter:\n%s", schema, got)
		}
	}
	return &s
}

// collectionJSON returns the log's collection as the API shows it, or ""
// when it is gone.
func collectionJSON(t testing.TB, app core.App) string {
	t.Helper()
	c, err := app.FindCollectionByNameOrId(audit.Collection)
	if err != nil {
		return ""
	}
	c.Updated = c.Created
	raw, _ := json.Marshal(c)
	return string(raw)
}

// TestAppendOnlyAPI tries every way the API and the dashboard offer to
// change the log, as a superuser and as an employee: each is refused with
// audit_append_only, and the log and its collection stay as they were.
func TestAppendOnlyAPI(t *testing.T) {
	app := testapp.New(t)
	logCollection, err := app.FindCollectionByNameOrId(audit.Collection)
	if err != nil {
		t.Fatal(err)
	}
	logId := logCollection.Id
	it := testapp.Token(t, app, teams.DemoSuperuser)
	anna := testapp.Token(t, app, "anna@buurtplein.test")
	refused := []string{`"status":403`, `"code":"audit_append_only"`}

	body := strings.NewReader
	entry := `{"action":"read","user":"x","seq":2,"prev_hash":"","hash":"x"}`
	batch := func(method, url, body string) string {
		return `{"requests":[{"method":"` + method + `","url":"` + url + `","body":` + body + `}]}`
	}
	records := "/api/collections/access_log/records"
	one := records + "/" + entryId

	type try struct{ name, method, url, body string }
	tries := []try{
		{"create", http.MethodPost, records, entry},
		{"create through the collection's id", http.MethodPost, "/api/collections/" + logId + "/records", entry},
		{"update", http.MethodPatch, one, `{"user_name":"Iemand anders"}`},
		{"update through the collection's id", http.MethodPatch, "/api/collections/" + logId + "/records/" + entryId, `{"user_name":"x"}`},
		{"delete", http.MethodDelete, one, ""},
		{"delete through the collection's id", http.MethodDelete, "/api/collections/" + logId + "/records/" + entryId, ""},
		{"put", http.MethodPut, one, `{"user_name":"x"}`},
		{"batch create", http.MethodPost, "/api/batch", batch("POST", records, entry)},
		{"batch update", http.MethodPost, "/api/batch", batch("PATCH", one, `{"user_name":"x"}`)},
		{"batch upsert", http.MethodPost, "/api/batch", batch("PUT", records, `{"id":"`+entryId+`","user_name":"x"}`)},
		{"batch delete", http.MethodPost, "/api/batch", batch("DELETE", "/api/collections/"+logId+"/records/"+entryId, `{}`)},
		{"change the collection's rules", http.MethodPatch, "/api/collections/access_log", `{"deleteRule":""}`},
		{"change the collection's fields", http.MethodPatch, "/api/collections/" + logId, `{"fields":[{"name":"seq","type":"number"}]}`},
		{"drop an index", http.MethodPatch, "/api/collections/access_log", `{"indexes":[]}`},
		{"delete the collection", http.MethodDelete, "/api/collections/access_log", ""},
		{"truncate the collection", http.MethodDelete, "/api/collections/access_log/truncate", ""},
	}
	for _, who := range []struct{ name, token string }{{"superuser", it}, {"employee", anna}} {
		for _, tr := range tries {
			s := tests.ApiScenario{
				Name:            who.name + ": " + tr.name,
				Method:          tr.method,
				URL:             tr.url,
				Headers:         map[string]string{"Authorization": who.token},
				ExpectedStatus:  http.StatusForbidden,
				ExpectedContent: refused,
			}
			if tr.body != "" {
				s.Body = body(tr.body)
			}
			untouched(s).Test(t)
		}
	}

	// reading stays possible for a superuser (the dashboard)
	untouched(tests.ApiScenario{
		Name:   "superuser: list",
		Method: http.MethodGet, URL: records,
		Headers:         map[string]string{"Authorization": it},
		ExpectedStatus:  http.StatusOK,
		ExpectedContent: []string{entryId},
	}).Test(t)
}

// TestAppendOnlyImport imports collections as the dashboard does: an
// import that changes or drops the log is refused and rolled back, one
// that leaves it as it is goes through.
func TestAppendOnlyImport(t *testing.T) {
	app := testapp.New(t)
	it := testapp.Token(t, app, teams.DemoSuperuser)

	all, err := app.FindAllCollections()
	if err != nil {
		t.Fatal(err)
	}
	// importBody returns the import of every collection, with change
	// applied to the log's collection (nil: left out).
	importBody := func(deleteMissing bool, change func(map[string]any) map[string]any) string {
		var list []map[string]any
		for _, c := range all {
			raw, _ := json.Marshal(c)
			var m map[string]any
			json.Unmarshal(raw, &m)
			if c.Name == audit.Collection {
				if m = change(m); m == nil {
					continue
				}
			}
			list = append(list, m)
		}
		raw, _ := json.Marshal(map[string]any{"collections": list, "deleteMissing": deleteMissing})
		return string(raw)
	}
	withoutHash := func(m map[string]any) map[string]any {
		var fields []any
		for _, f := range m["fields"].([]any) {
			if f.(map[string]any)["name"] != "hash" {
				fields = append(fields, f)
			}
		}
		m["fields"] = fields
		return m
	}
	imports := []struct {
		name          string
		deleteMissing bool
		change        func(map[string]any) map[string]any
		status        int
	}{
		{"an import that opens the delete rule", false, func(m map[string]any) map[string]any {
			m["deleteRule"] = ""
			return m
		}, http.StatusForbidden},
		{"an import that drops the hash field", true, withoutHash, http.StatusForbidden},
		{"an import without the log, deleting what it leaves out", true, func(map[string]any) map[string]any {
			return nil
		}, http.StatusForbidden},
		{"an import that leaves the log as it is", true, func(m map[string]any) map[string]any {
			return m
		}, http.StatusNoContent},
	}
	for _, im := range imports {
		s := tests.ApiScenario{
			Name:   im.name,
			Method: http.MethodPut, URL: "/api/collections/import",
			Headers:        map[string]string{"Authorization": it},
			Body:           strings.NewReader(importBody(im.deleteMissing, im.change)),
			ExpectedStatus: im.status,
		}
		if im.status == http.StatusForbidden {
			s.ExpectedContent = []string{`"code":"audit_append_only"`}
		}
		untouched(s).Test(t)
	}
}

// TestAppendOnlyGo saves and deletes entries in Go: the model hooks
// refuse, and a truncate with them; Append still writes.
func TestAppendOnlyGo(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	withEntry(t, app)
	before := logDump(t, app)

	collection, err := app.FindCollectionByNameOrId(audit.Collection)
	if err != nil {
		t.Fatal(err)
	}
	record := core.NewRecord(collection)
	record.Set("action", "read")
	record.Set("seq", 99)
	if err := app.Save(record); err == nil || !strings.Contains(err.Error(), "aangevuld") {
		t.Errorf("saving a new entry: %v, want the append-only refusal", err)
	}

	existing, err := app.FindRecordById(audit.Collection, entryId)
	if err != nil {
		t.Fatal(err)
	}
	existing.Set("user_name", "Iemand anders")
	if err := app.Save(existing); err == nil {
		t.Error("changing an entry succeeded")
	}
	if err := app.SaveNoValidate(existing); err == nil {
		t.Error("changing an entry without validation succeeded")
	}
	if err := app.Delete(existing); err == nil {
		t.Error("deleting an entry succeeded")
	}
	if err := app.TruncateCollection(collection); err == nil {
		t.Error("truncating the log succeeded")
	}
	if got := logDump(t, app); got != before {
		t.Errorf("the log changed:\n%s\nafter:\n%s", before, got)
	}

	if err := audit.Append(app, audit.Entry{Action: audit.ActionRead, Actor: audit.SystemActor("test", "")}); err != nil {
		t.Errorf("Append after the refusals: %v", err)
	}
}

// TestAppendOnlyLeavesMigrations deletes the log's collection in Go, as
// the regie migration's down does: Go code that changes the schema is
// not refused (see audit_guard.go).
func TestAppendOnlyLeavesMigrations(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	withEntry(t, app)
	collection, err := app.FindCollectionByNameOrId(audit.Collection)
	if err != nil {
		t.Fatal(err)
	}
	if err := app.Delete(collection); err != nil {
		t.Fatalf("deleting the collection as a migration does: %v", err)
	}
}
