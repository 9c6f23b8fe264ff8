package migrations_test

import (
	"testing"

	"buurtplein/internal/testapp"

	"github.com/pocketbase/dbx"
)

// TestTaskEventsReasonsOnOldData runs the reason-code migration on history
// lines from before it: the two Dutch reasons become their codes, every
// other line (another kind, or a reason it does not know) is left alone,
// and down writes the prose back.
func TestTaskEventsReasonsOnOldData(t *testing.T) {
	t.Parallel()
	reasons := migration(t, "1764100200_task_events_reasons.go")
	app := testapp.New(t)

	var task string
	if err := app.DB().Select("id").From("tasks").Limit(1).Row(&task); err != nil {
		t.Fatalf("a demo task: %v", err)
	}
	rows := map[string]string{
		"oldevent0000001": `{"transfer":"x","reason":"de taak is afgesloten"}`,
		"oldevent0000002": `{"transfer":"x","reason":"de collega is geen lid meer van het team"}`,
		"oldevent0000003": `{"transfer":"x","reason":"iets anders"}`,
		"oldevent0000004": `{"transfer":"x"}`,
	}
	for id, details := range rows {
		_, err := app.DB().Insert("task_events", dbx.Params{
			"id": id, "task": task, "actor": "", "kind": "handover_cancelled", "details": details,
			"created": "2020-01-01 00:00:00.000Z",
		}).Execute()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := app.DB().Insert("task_events", dbx.Params{
		"id": "oldevent0000005", "task": task, "actor": "", "kind": "edited",
		"details": `{"reason":"de taak is afgesloten"}`, "created": "2020-01-01 00:00:00.000Z",
	}).Execute()
	if err != nil {
		t.Fatal(err)
	}

	reason := func(id string) string {
		t.Helper()
		var r string
		if err := app.DB().NewQuery("SELECT coalesce(json_extract(details, '$.reason'), '') FROM task_events WHERE id = {:id}").
			Bind(dbx.Params{"id": id}).Row(&r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	check := func(want map[string]string) {
		t.Helper()
		for id, w := range want {
			if got := reason(id); got != w {
				t.Errorf("%s: reason %q, want %q", id, got, w)
			}
		}
	}

	if err := reasons.Up(app); err != nil {
		t.Fatalf("up: %v", err)
	}
	check(map[string]string{
		"oldevent0000001": "task_closed",
		"oldevent0000002": "member_left",
		"oldevent0000003": "iets anders",
		"oldevent0000004": "",
		"oldevent0000005": "de taak is afgesloten",
	})

	if err := reasons.Down(app); err != nil {
		t.Fatalf("down: %v", err)
	}
	check(map[string]string{
		"oldevent0000001": "de taak is afgesloten",
		"oldevent0000002": "de collega is geen lid meer van het team",
		"oldevent0000003": "iets anders",
	})
}
