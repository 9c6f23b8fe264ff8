package hooks_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"buurtplein/internal/testapp"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
)

// refusedField fails t unless res is a 400 whose data names field with
// code, and returns the message.
func refusedField(t *testing.T, what string, code int, res []byte, field, wantCode string) string {
	t.Helper()
	var apiErr struct {
		Message string
		Data    map[string]struct{ Code, Message string }
	}
	if err := json.Unmarshal(res, &apiErr); err != nil {
		t.Fatalf("%s: %d %s", what, code, res)
	}
	if code != http.StatusBadRequest || apiErr.Data[field].Code != wantCode || apiErr.Data[field].Message == "" {
		t.Fatalf("%s: %d %s; want a 400 with %s on %q", what, code, res, wantCode, field)
	}
	return apiErr.Data[field].Message
}

// inputSetup is a served test app with the ids and tokens the input tests use.
type inputSetup struct {
	app                  core.App
	url                  string
	anna, bram, haarlem  string
	annaT, bramT, superT string
}

func newInputSetup(t *testing.T) inputSetup {
	t.Helper()
	app := testapp.New(t)
	testapp.Unlimited(t, app)
	return inputSetup{
		app:     app,
		url:     testapp.Serve(t, app).URL,
		anna:    testapp.Id(t, app, "users", "email", "anna@buurtplein.test"),
		bram:    testapp.Id(t, app, "users", "email", "bram@buurtplein.test"),
		haarlem: testapp.Id(t, app, "teams", "slug", "haarlem-noord"),
		annaT:   testapp.Token(t, app, "anna@buurtplein.test"),
		bramT:   testapp.Token(t, app, "bram@buurtplein.test"),
		superT:  testapp.Token(t, app, "it@buurtplein.test"),
	}
}

func (s inputSetup) task(fields map[string]any) map[string]any {
	task := map[string]any{"team": s.haarlem, "created_by": s.anna, "title": "Wondzorg", "status": "open"}
	for k, v := range fields {
		task[k] = v
	}
	return task
}

func TestDatesOutsideTheRangeRefused(t *testing.T) {
	t.Parallel()
	s := newInputSetup(t)
	tasks := s.url + "/api/collections/tasks/records"

	for _, due := range []string{"9999-12-31", "9999-12-31 23:59:59.999Z", "0001-01-01 00:00:01Z", "1899-12-31 23:59:59Z", "2201-01-01 00:00:00Z"} {
		code, res := testapp.Do(t, http.MethodPost, tasks, s.annaT, s.task(map[string]any{"due": due}))
		msg := refusedField(t, "a task due "+due, code, res, "due", "validation_date_out_of_range")
		if !strings.Contains(msg, `"due"`) || !strings.Contains(msg, "1900") {
			t.Errorf("due %s: message %q does not name the field and the range", due, msg)
		}
	}
	for _, due := range []string{"1900-01-01 00:00:00Z", "2200-12-31 23:59:59.999Z", "2026-03-28 02:30:00Z"} {
		if code, res := testapp.Do(t, http.MethodPost, tasks, s.annaT, s.task(map[string]any{"due": due})); code != http.StatusOK {
			t.Errorf("a task due %s: %d %s, want 200", due, code, res)
		}
	}

	// an update, and the dashboard (a superuser) too
	code, res := testapp.Do(t, http.MethodPost, tasks, s.annaT, s.task(nil))
	id := idOf(t, code, res)
	code, res = testapp.Do(t, http.MethodPatch, tasks+"/"+id, s.superT, map[string]any{"due": "0001-01-01 00:00:01Z"})
	refusedField(t, "IT re-dating a task to year 1", code, res, "due", "validation_date_out_of_range")

	// a collection a later plugin adds, saved from Go code
	notes := core.NewBaseCollection("future_notes")
	notes.Fields.Add(
		&core.TextField{Name: "label", Max: 100},
		&core.EditorField{Name: "body"},
		&core.DateField{Name: "when"},
		&core.URLField{Name: "site"},
	)
	if err := s.app.Save(notes); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		fields map[string]any
		field  string // "" when the note is accepted
	}{
		{map[string]any{"when": "9999-12-31 00:00:00Z"}, "when"},
		{map[string]any{"when": "2200-12-31 12:00:00Z", "label": "Overleg", "body": "<p>een\n\ttwee</p>"}, ""},
		{map[string]any{"body": "<p>\x00</p>"}, "body"},
		{map[string]any{"label": "a\tb"}, "label"},
		{map[string]any{"site": "https://buurtplein.test/\x7f"}, "site"},
	} {
		note := core.NewRecord(notes)
		for k, v := range c.fields {
			note.Set(k, v)
		}
		err := s.app.Save(note)
		if c.field == "" && err != nil {
			t.Errorf("a note %q: %v, want it saved", c.fields, err)
		}
		if c.field != "" && !isFieldError(err, c.field) {
			t.Errorf("a note %q: %v, want a validation error on %s", c.fields, err, c.field)
		}
	}
}

func TestControlCharactersRefused(t *testing.T) {
	t.Parallel()
	s := newInputSetup(t)
	tasks := s.url + "/api/collections/tasks/records"
	posts := s.url + "/api/collections/posts/records"
	post := func(title, body string) map[string]any {
		return map[string]any{"team": s.haarlem, "author": s.bram, "kind": "update", "visibility": "team", "title": title, "body": body}
	}

	cases := []struct {
		what, method, url, token string
		body                     map[string]any
		field, code              string
	}{
		{"NUL in a task title", http.MethodPost, tasks, s.annaT, s.task(map[string]any{"title": "Wond\x00zorg"}), "title", "validation_control_characters"},
		{"ESC in a task description", http.MethodPost, tasks, s.annaT, s.task(map[string]any{"description": "kleur\x1b[31m"}), "description", "validation_control_characters"},
		{"a C1 control in a task title", http.MethodPost, tasks, s.annaT, s.task(map[string]any{"title": "Wond\u0085zorg"}), "title", "validation_control_characters"},
		{"a tab in a task title", http.MethodPost, tasks, s.annaT, s.task(map[string]any{"title": "Wond\tzorg"}), "title", "validation_single_line"},
		{"a line break in a task title", http.MethodPost, tasks, s.annaT, s.task(map[string]any{"title": "Wondzorg\nDRINGEND"}), "title", "validation_single_line"},
		{"NUL in a post title", http.MethodPost, posts, s.bramT, post("Nieuws\x00", "Hallo"), "title", "validation_control_characters"},
		{"NUL in a post body", http.MethodPost, posts, s.bramT, post("Nieuws", "Hallo\x00daar"), "body", "validation_control_characters"},
		{"NUL in a user's name", http.MethodPatch, s.url + "/api/collections/users/records/" + s.bram, s.bramT, map[string]any{"name": "Bram\x00"}, "name", "validation_control_characters"},
		{"a line break in a user's name", http.MethodPatch, s.url + "/api/collections/users/records/" + s.bram, s.bramT, map[string]any{"name": "Bram\r\nAnna"}, "name", "validation_single_line"},
	}
	for _, c := range cases {
		code, res := testapp.Do(t, c.method, c.url, c.token, c.body)
		msg := refusedField(t, c.what, code, res, c.field, c.code)
		if !strings.Contains(msg, `"`+c.field+`"`) {
			t.Errorf("%s: message %q does not name the field", c.what, msg)
		}
	}

	// running text keeps its line breaks and tabs, and any script
	ok := []struct {
		what, url, token string
		body             map[string]any
	}{
		{"a task description with lines and a tab", tasks, s.annaT, s.task(map[string]any{"description": "Eerst:\n\t- handschoenen\r\n\t- gaas"})},
		{"a post body with lines", posts, s.bramT, post("Nieuws", "Regel één\n\nRegel twee — ‘zó’ 🙂")},
		{"a task title in another script", tasks, s.annaT, s.task(map[string]any{"title": "Zorg für Ağaç ١٢٣"})},
	}
	for _, c := range ok {
		if code, res := testapp.Do(t, http.MethodPost, c.url, c.token, c.body); code != http.StatusOK {
			t.Errorf("%s: %d %s, want 200", c.what, code, res)
		}
	}
}

func TestInputRulesOnEveryPath(t *testing.T) {
	t.Parallel()
	s := newInputSetup(t)

	// batch: the whole batch is refused, nothing is written
	before, _ := s.app.CountRecords("tasks")
	code, res := testapp.Do(t, http.MethodPost, s.url+"/api/batch", s.annaT, map[string]any{"requests": []map[string]any{
		{"method": "POST", "url": "/api/collections/tasks/records", "body": s.task(map[string]any{"title": "Eerste"})},
		{"method": "POST", "url": "/api/collections/tasks/records", "body": s.task(map[string]any{"title": "Tweede", "due": "9999-12-31"})},
	}})
	if code != http.StatusBadRequest || !strings.Contains(string(res), "validation_date_out_of_range") || !strings.Contains(string(res), `"due"`) {
		t.Errorf("a batch with a task due 9999: %d %s, want a 400 naming due", code, res)
	}
	if after, _ := s.app.CountRecords("tasks"); after != before {
		t.Errorf("the refused batch wrote %d tasks", after-before)
	}

	// Go code (the import, other plugins' hooks)
	task := core.NewRecord(mustCollection(t, s.app, "tasks"))
	for k, v := range s.task(map[string]any{"title": "Wond\x00zorg"}) {
		task.Set(k, v)
	}
	if err := s.app.Save(task); !isFieldError(err, "title") {
		t.Errorf("Go code saving a NUL title: %v, want a validation error on title", err)
	}

	// a value stored before the rules stays until it changes: other fields
	// of the record can still be saved
	old, err := s.app.FindFirstRecordByData("tasks", "title", "Weekoverleg voorbereiden")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.app.DB().NewQuery("UPDATE tasks SET title = {:title}, due = '0001-01-01 00:00:01.000Z' WHERE id = {:id}").
		Bind(map[string]any{"id": old.Id, "title": "Week\x00overleg"}).Execute(); err != nil {
		t.Fatal(err)
	}
	code, res = testapp.Do(t, http.MethodPatch, s.url+"/api/collections/tasks/records/"+old.Id, s.annaT, map[string]any{"priority": "high"})
	if code != http.StatusOK {
		t.Errorf("changing the priority of a task stored with a NUL title and a date in year 1: %d %s, want 200", code, res)
	}
}

func idOf(t *testing.T, code int, res []byte) string {
	t.Helper()
	var r struct{ Id string }
	if err := json.Unmarshal(res, &r); code != http.StatusOK || err != nil || r.Id == "" {
		t.Fatalf("want a record: %d %s", code, res)
	}
	return r.Id
}

func mustCollection(t testing.TB, app core.App, name string) *core.Collection {
	t.Helper()
	c, err := app.FindCollectionByNameOrId(name)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// isFieldError reports whether err holds a validation error for field.
func isFieldError(err error, field string) bool {
	var errs validation.Errors
	return errors.As(err, &errs) && errs[field] != nil
}
