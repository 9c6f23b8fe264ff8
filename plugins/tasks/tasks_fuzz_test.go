package tasks_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"buurtplein/internal/testapp"

	"github.com/pocketbase/pocketbase/core"
)

// FuzzTaskSave sends tasks with any title, status, due date, repetition and
// checklist through the record API, then finishes them. Whatever comes in,
// the answer is a 200 or a 400 with a message, never a 500, and a saved task
// keeps the promises of the hooks.
func FuzzTaskSave(f *testing.F) {
	f.Add("Wondzorg", "open", "normal", "", 0, "2026-03-28 02:30:00.000Z", []byte(`[{"text":"handschoenen","done":false}]`), uint8(1))
	f.Add("Medicatie", "done", "high", "weeks", 0, "", []byte(`[]`), uint8(0))
	f.Add("", "in_progress", "low", "daily", 3, "gisteren", []byte(`{"text":1}`), uint8(2))
	f.Add("Intake", "cancelled", "", "weekly", 52, "2099-12-31", []byte(`[{"text":""}]`), uint8(3))

	app := testapp.New(f)
	testapp.Unlimited(f, app)
	server := testapp.Serve(f, app)
	anna := testapp.Token(f, app, "anna@buurtplein.test")
	team := testapp.Id(f, app, "teams", "slug", "haarlem-noord")
	annaId := testapp.Id(f, app, "users", "email", "anna@buurtplein.test")
	assignees := []string{
		"",
		annaId,
		testapp.Id(f, app, "users", "email", "bram@buurtplein.test"),
		testapp.Id(f, app, "users", "email", "carla@buurtplein.test"), // not in haarlem-noord
		"geen-id",
	}
	url := server.URL + "/api/collections/tasks/records"

	f.Fuzz(func(t *testing.T, title, status, priority, repeat string, repeatWeeks int, due string, checklist []byte, who uint8) {
		body := map[string]any{
			"team": team, "created_by": annaId, "title": title, "status": status, "priority": priority,
			"repeat": repeat, "repeat_weeks": repeatWeeks, "due": due,
			"assignee": assignees[int(who)%len(assignees)],
		}
		if json.Valid(checklist) {
			body["checklist"] = json.RawMessage(checklist)
		} else {
			body["checklist"] = string(checklist)
		}
		data, err := json.Marshal(body)
		if err != nil {
			t.Skip() // not valid UTF-8: no client can send it as JSON
		}

		code, res := testapp.Do(t, http.MethodPost, url, anna, data)
		task := answer(t, "create", code, res)
		if task == "" {
			return
		}
		checkTask(t, app, task)

		code, res = testapp.Do(t, http.MethodPatch, url+"/"+task, anna, []byte(`{"status":"done"}`))
		if answer(t, "finish", code, res) != "" {
			checkTask(t, app, task)
		}
	})
}

// FuzzTaskRoutes sends any body to the verdelen and overdracht routes: the
// answer is never a 500.
func FuzzTaskRoutes(f *testing.F) {
	f.Add([]byte(`{"team":"x","tasks":["a"],"members":["b"]}`))
	f.Add([]byte(`{"to_user":"x","note":"tot morgen"}`))
	f.Add([]byte(`{"tasks":null,"members":[1,2]}`))
	f.Add([]byte(`[`))

	app := testapp.New(f)
	testapp.Unlimited(f, app)
	server := testapp.Serve(f, app)
	anna := testapp.Token(f, app, "anna@buurtplein.test")

	f.Fuzz(func(t *testing.T, body []byte) {
		for _, route := range []string{"distribute", "handover"} {
			code, res := testapp.Do(t, http.MethodPost, server.URL+"/api/buurtplein/tasks/"+route, anna, body)
			if code >= 500 {
				t.Fatalf("%s %q: %d %s", route, body, code, res)
			}
			if code >= 400 && code != http.StatusTooManyRequests {
				message(t, route, res)
			}
		}
	})
}

// answer checks a record API response: a 200 with the record, whose id it
// returns, or a 400 with a message, when it returns "".
func answer(t *testing.T, what string, code int, res []byte) string {
	t.Helper()
	switch code {
	case http.StatusOK:
		var record struct{ Id string }
		if err := json.Unmarshal(res, &record); err != nil || record.Id == "" {
			t.Fatalf("%s: 200 without a record: %s", what, res)
		}
		return record.Id
	case http.StatusBadRequest:
		message(t, what, res)
		return ""
	default:
		t.Fatalf("%s: %d %s", what, code, res)
		return ""
	}
}

// message fails t unless res is a PocketBase error with a message.
func message(t *testing.T, what string, res []byte) {
	t.Helper()
	var apiErr struct{ Message string }
	if err := json.Unmarshal(res, &apiErr); err != nil || apiErr.Message == "" {
		t.Fatalf("%s: an error without a message: %s", what, res)
	}
}

// checkTask fails t when the stored task breaks a promise of the hooks.
func checkTask(t *testing.T, app core.App, id string) {
	t.Helper()
	task, err := app.FindRecordById("tasks", id)
	if err != nil {
		t.Fatalf("the saved task %s: %v", id, err)
	}
	done := task.GetString("status") == "done"
	if done == task.GetDateTime("completed_at").IsZero() {
		t.Errorf("status %q with completed_at %q", task.GetString("status"), task.GetString("completed_at"))
	}
	if task.GetString("priority") == "" {
		t.Error("no priority")
	}
	if task.GetString("repeat") == "weeks" && task.GetInt("repeat_weeks") < 1 {
		t.Errorf("repeats every %d weeks", task.GetInt("repeat_weeks"))
	}
	var checklist []struct {
		Text string `json:"text"`
		Done bool   `json:"done"`
	}
	if raw := task.GetString("checklist"); raw != "" && raw != "null" {
		if err := json.Unmarshal([]byte(raw), &checklist); err != nil {
			t.Errorf("checklist %s: %v", raw, err)
		}
	}
	for _, item := range checklist {
		if item.Text == "" {
			t.Errorf("a checklist item without text: %s", task.GetString("checklist"))
		}
	}
}
