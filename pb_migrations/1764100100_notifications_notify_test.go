package migrations_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"buurtplein/internal/testapp"

	"github.com/pocketbase/dbx"
)

// TestNotificationsNotifyOnOldData runs the migration that moves
// notifications to kinds, parameters and subjects on rows from before it:
// rows that only had a Dutch title keep it as their text, with the subject
// their link named; a shift handover gets its own kind; and the way back
// gives every row a title and link again.
func TestNotificationsNotifyOnOldData(t *testing.T) {
	t.Parallel()
	mig := migration(t, "1764100100_notifications_notify.go")
	app := testapp.New(t)
	user := func(name string) string { return testapp.Id(t, app, "users", "email", name+"@buurtplein.test") }
	bram, carla, anna := user("bram"), user("carla"), user("anna")
	task := testapp.Id(t, app, "tasks", "title", "Wondzorg mevrouw K.")
	schalkwijk := testapp.Id(t, app, "teams", "slug", "schalkwijk")

	if err := mig.Down(app); err != nil {
		t.Fatalf("down: %v", err)
	}
	rows := []dbx.Params{
		{"id": "oldassigned0001", "user": bram, "kind": "task_assigned", "title": `Nieuwe taak voor jou: "Wondzorg"`, "link": "#/tasks/" + task},
		{"id": "oldteamadded001", "user": carla, "kind": "team_added", "title": "Anna de Vries heeft je toegevoegd aan Buurtteam Schalkwijk", "link": "#/team/schalkwijk"},
		{"id": "oldshift0000001", "user": anna, "kind": "handover_offered", "title": "Bram Jansen wil 3 taken aan je overdragen", "link": "#/tasks",
			"subject": bram, "sender": bram, "params": `{"actor":"Bram Jansen","n":3}`},
		{"id": "oldoffer0000001", "user": anna, "kind": "handover_offered", "title": "Bram Jansen wil de taak ...", "link": "#/tasks",
			"subject": task, "sender": bram, "params": `{"actor":"Bram Jansen","title":"Wondzorg","n":1}`},
	}
	for _, r := range rows {
		r["created"] = "2026-01-01 10:00:00.000Z"
		if _, err := app.DB().Insert("notifications", r).Execute(); err != nil {
			t.Fatal(err)
		}
	}

	if err := mig.Up(app); err != nil {
		t.Fatalf("up: %v", err)
	}
	for _, c := range []struct{ id, kind, subject, collection, params, text string }{
		{"oldassigned0001", "task_assigned", task, "tasks", `{"text":"Nieuwe taak voor jou: \"Wondzorg\""}`, `Nieuwe taak voor jou: "Wondzorg"`},
		{"oldteamadded001", "team_added", schalkwijk, "teams", `{"text":"Anna de Vries heeft je toegevoegd aan Buurtteam Schalkwijk"}`, "Anna de Vries heeft je toegevoegd aan Buurtteam Schalkwijk"},
		{"oldshift0000001", "handover_shift", bram, "users", `{"actor":"Bram Jansen","n":3}`, "Bram Jansen wil 3 taken aan je overdragen"},
		{"oldoffer0000001", "handover_offered", task, "tasks", `{"actor":"Bram Jansen","title":"Wondzorg"}`, `Bram Jansen wil de taak "Wondzorg" aan je overdragen`},
	} {
		n, err := app.FindRecordById("notifications", c.id)
		if err != nil {
			t.Fatal(err)
		}
		var got, want any
		_ = json.Unmarshal([]byte(n.GetString("params")), &got)
		_ = json.Unmarshal([]byte(c.params), &want)
		if n.GetString("kind") != c.kind || n.GetString("subject") != c.subject || n.GetString("subject_collection") != c.collection ||
			!reflect.DeepEqual(got, want) {
			t.Errorf("%s: kind %s, subject %s/%s, params %s", c.id, n.GetString("kind"), n.GetString("subject_collection"), n.GetString("subject"), n.GetString("params"))
		}
		if text := testapp.NotificationText(t, n); text != c.text {
			t.Errorf("%s reads %q, want %q", c.id, text, c.text)
		}
		for _, gone := range []string{"title", "link"} {
			if n.Collection().Fields.GetByName(gone) != nil {
				t.Errorf("the field %s is still there", gone)
			}
		}
	}

	// the way back: titles and links again, the shift handover as it was
	if err := mig.Down(app); err != nil {
		t.Fatalf("down again: %v", err)
	}
	var back []struct {
		Id, Kind, Title, Link string
	}
	if err := app.DB().Select("id", "kind", "title", "link").From("notifications").Where(dbx.Like("id", "old")).OrderBy("id").All(&back); err != nil {
		t.Fatal(err)
	}
	want := map[string][3]string{
		"oldassigned0001": {"task_assigned", `Nieuwe taak voor jou: "Wondzorg"`, "#/tasks/" + task},
		"oldteamadded001": {"team_added", "Anna de Vries heeft je toegevoegd aan Buurtteam Schalkwijk", "#/team/schalkwijk"},
		"oldshift0000001": {"handover_offered", "handover_shift", "#/tasks"},
		"oldoffer0000001": {"handover_offered", "handover_offered", "#/tasks"},
	}
	for _, b := range back {
		if w := want[b.Id]; [3]string{b.Kind, b.Title, b.Link} != w {
			t.Errorf("%s after the way back: %s %q %s, want %v", b.Id, b.Kind, b.Title, b.Link, w)
		}
	}
}
