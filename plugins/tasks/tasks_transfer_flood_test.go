package tasks_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"buurtplein/internal/testapp"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// offerNotes counts a user's handover_offered notifications about a task:
// all of them, and the open ones (unread, not settled).
func offerNotes(t testing.TB, app core.App, userId, taskId string) (all, open int) {
	t.Helper()
	found, err := app.FindAllRecords("notifications", dbx.HashExp{"user": userId, "kind": "handover_offered", "subject": taskId})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range found {
		if !n.GetBool("read") && !n.GetBool("settled") {
			open++
		}
	}
	return len(found), open
}

// TestOfferFlood repeats the attack of the red-team probe: bram offers one
// task to Schalkwijk and withdraws it, over and over, on the record API and
// in batches, with a phishing line as the task's title. Every member of
// Schalkwijk has at most one notification about it at any time, settled
// after the withdrawal, and after 30 offers in ten minutes bram is refused.
func TestOfferFlood(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	app := testapp.New(t)
	testapp.Unlimited(t, app) // PocketBase's limits per address are not the point here
	server := testapp.Serve(t, app)

	phish := "DRINGEND: log opnieuw in op http://phish.example/login"
	task := saveTask(t, app, map[string]any{"team": f.haarlem, "title": phish, "created_by": f.bram}).Id
	receivers := []string{f.carla, f.dirk} // Schalkwijk's members
	records := server.URL + "/api/collections/task_transfers/records"
	offer := map[string]any{"task": task, "from_user": f.bram, "to_team": f.schalkwijk}

	wantOpen := func(step string, wantAll, wantOpen int) {
		t.Helper()
		for _, r := range receivers {
			if all, open := offerNotes(t, app, r, task); all != wantAll || open != wantOpen {
				t.Fatalf("%s: %s has %d notifications about the task, %d open; want %d, %d", step, r, all, open, wantAll, wantOpen)
			}
		}
	}

	offers := 0
	for i := range 20 {
		code, res := do(t, http.MethodPost, records, f.bramT, offer)
		if code != 200 {
			t.Fatalf("offer %d: %d %s", i, code, res)
		}
		offers++
		wantOpen(fmt.Sprintf("offer %d", i), 1, 1)
		if code, res := do(t, http.MethodPatch, records+"/"+idOf(t, res), f.bramT, map[string]any{"status": "cancelled"}); code != 200 {
			t.Fatalf("withdrawal %d: %d %s", i, code, res)
		}
		wantOpen(fmt.Sprintf("withdrawal %d", i), 1, 0)
	}

	// the same in one batch: five offers, each withdrawn at once
	var requests []map[string]any
	for i := range 5 {
		id := fmt.Sprintf("floodoffer%05d", i)
		withId := map[string]any{"id": id}
		for k, v := range offer {
			withId[k] = v
		}
		requests = append(requests,
			map[string]any{"method": "POST", "url": "/api/collections/task_transfers/records", "body": withId},
			map[string]any{"method": "PATCH", "url": "/api/collections/task_transfers/records/" + id, "body": map[string]any{"status": "cancelled"}})
	}
	if code, res := do(t, http.MethodPost, server.URL+"/api/batch", f.bramT, map[string]any{"requests": requests}); code != 200 {
		t.Fatalf("batch: %d %s", code, res)
	}
	offers += 5
	wantOpen("after the batch", 1, 0)

	// a colleague who read it keeps it, settled: it is no longer open
	code, res := do(t, http.MethodPost, records, f.bramT, offer)
	if code != 200 {
		t.Fatalf("offer: %d %s", code, res)
	}
	offers++
	read, err := app.FindFirstRecordByFilter("notifications", "user = {:u} && subject = {:s}", dbx.Params{"u": f.carla, "s": task})
	if err != nil {
		t.Fatal(err)
	}
	update(t, app, "notifications", read.Id, map[string]any{"read": true})
	if code, res := do(t, http.MethodPatch, records+"/"+idOf(t, res), f.bramT, map[string]any{"status": "cancelled"}); code != 200 {
		t.Fatalf("withdrawal: %d %s", code, res)
	}
	if r := record(t, app, "notifications", read.Id); !r.GetBool("settled") {
		t.Error("carla's read notification of a withdrawn offer is not settled")
	}
	if all, open := offerNotes(t, app, f.dirk, task); all != 1 || open != 0 {
		t.Errorf("dirk's unread notification of a withdrawn offer: %d, %d open; want 1, settled", all, open)
	}

	// the title is a quoted value, apart from the wording
	code, res = do(t, http.MethodPost, records, f.bramT, offer)
	if code != 200 {
		t.Fatalf("offer: %d %s", code, res)
	}
	offers++
	n, err := app.FindFirstRecordByFilter("notifications", "user = {:u} && subject = {:s}", dbx.Params{"u": f.dirk, "s": task})
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("Bram Jansen wil de taak %q aan je overdragen", phish); testapp.NotificationText(t, n) != want {
		t.Errorf("text %q, want %q", testapp.NotificationText(t, n), want)
	}
	var params map[string]any
	if err := json.Unmarshal([]byte(n.GetString("params")), &params); err != nil || params["title"] != phish || params["actor"] != "Bram Jansen" {
		t.Errorf("params %s (%v), want the title and the sender's name as values", n.GetString("params"), err)
	}
	if n.GetString("sender") != f.bram {
		t.Errorf("sender %q, want bram", n.GetString("sender"))
	}
	if code, res := do(t, http.MethodPatch, records+"/"+idOf(t, res), f.bramT, map[string]any{"status": "cancelled"}); code != 200 {
		t.Fatalf("withdrawal: %d %s", code, res)
	}

	// bram's limit: 30 offers in ten minutes
	for ; offers < 30; offers++ {
		code, res := do(t, http.MethodPost, records, f.bramT, offer)
		if code != 200 {
			t.Fatalf("offer %d: %d %s", offers, code, res)
		}
		if code, res := do(t, http.MethodPatch, records+"/"+idOf(t, res), f.bramT, map[string]any{"status": "cancelled"}); code != 200 {
			t.Fatalf("withdrawal %d: %d %s", offers, code, res)
		}
	}
	before := snapshot(t, app)
	code, res = do(t, http.MethodPost, records, f.bramT, offer)
	if code != http.StatusTooManyRequests || !strings.Contains(res, "te veel taken aangeboden") {
		t.Errorf("offer 31: %d %s; want 429 with a Dutch message", code, res)
	}
	code, res = do(t, http.MethodPost, server.URL+"/api/batch", f.bramT, map[string]any{"requests": []map[string]any{
		{"method": "POST", "url": "/api/collections/task_transfers/records", "body": offer},
	}})
	if code != http.StatusBadRequest || !strings.Contains(res, "te veel taken aangeboden") {
		t.Errorf("offer 31 in a batch: %d %s; want 400 with a Dutch message", code, res)
	}
	code, res = do(t, http.MethodPost, server.URL+"/api/buurtplein/tasks/handover", f.bramT, map[string]any{"to_user": f.dirk})
	if code != http.StatusTooManyRequests || !strings.Contains(res, "te veel taken aangeboden") {
		t.Errorf("a shift handover after 30 offers: %d %s; want 429 with a Dutch message", code, res)
	}
	if after := snapshot(t, app); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Error("a refused offer changed the data")
	}
	wantOpen("at the end", 1, 0)

	// anna is not held up by bram's limit
	code, res = do(t, http.MethodPost, records, f.annaT, map[string]any{"task": f.task[weekoverleg], "from_user": f.anna, "to_user": f.bram})
	if code != 200 {
		t.Errorf("anna's offer: %d %s", code, res)
	}
}

// TestOfferLimits checks the shift handover against the limits: offering
// 50 open tasks at once works and counts as one offer, and nobody has more
// than 100 offers waiting at once.
func TestOfferLimits(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	app := testapp.New(t)
	server := testapp.Serve(t, app)

	addTasks := func(n int, title string) {
		t.Helper()
		err := app.RunInTransaction(func(txApp core.App) error {
			for i := range n {
				saveTask(t, txApp, map[string]any{"team": f.haarlem, "title": fmt.Sprintf("%s %d", title, i), "assignee": f.bram, "created_by": f.bram})
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	type result struct {
		Offered []string
		Skipped []struct{ Task, Reason string }
	}
	handover := func() result {
		t.Helper()
		code, res := do(t, http.MethodPost, server.URL+"/api/buurtplein/tasks/handover", f.bramT, map[string]any{"to_user": f.anna, "note": "Ik ben vier weken weg"})
		if code != 200 {
			t.Fatalf("handover: %d %s", code, res)
		}
		var r result
		if err := json.Unmarshal([]byte(res), &r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	summaries := func() []string {
		t.Helper()
		found, err := app.FindAllRecords("notifications", dbx.HashExp{"user": f.anna, "kind": "handover_shift", "subject": f.bram})
		if err != nil {
			t.Fatal(err)
		}
		var titles []string
		for _, n := range found {
			titles = append(titles, testapp.NotificationText(t, n))
		}
		return titles
	}

	// 50 open tasks (and wondzorg, offered to anna already)
	addTasks(50, "Dienst")
	if r := handover(); len(r.Offered) != 50 || len(r.Skipped) != 1 {
		t.Fatalf("handover of 50: offered %d, skipped %v", len(r.Offered), r.Skipped)
	}
	if got := summaries(); len(got) != 1 || got[0] != "Bram Jansen wil 51 taken aan je overdragen" {
		t.Errorf("anna's notifications of the handover: %q", got)
	}

	// 50 more: the 100th offer waiting is the last
	addTasks(50, "Vakantie")
	r := handover()
	if len(r.Offered) != 49 || len(r.Skipped) != 52 {
		t.Fatalf("second handover: offered %d, skipped %d; want 49, 52", len(r.Offered), len(r.Skipped))
	}
	limited := 0
	for _, s := range r.Skipped {
		if strings.Contains(s.Reason, "100 aanbiedingen openstaan") {
			limited++
		}
	}
	if limited != 1 {
		t.Errorf("skipped for the limit: %d, want 1 (%v)", limited, r.Skipped)
	}
	if got := summaries(); len(got) != 1 || got[0] != "Bram Jansen wil 100 taken aan je overdragen" {
		t.Errorf("anna's notifications of two handovers: %q", got)
	}

	// two handovers counted as two offers, not 99: the limit that is left
	// is the one of waiting offers
	open := saveTask(t, app, map[string]any{"team": f.haarlem, "title": "Nog een", "created_by": f.bram})
	code, res := do(t, http.MethodPost, server.URL+"/api/collections/task_transfers/records", f.bramT,
		map[string]any{"task": open.Id, "from_user": f.bram, "to_user": f.dirk})
	if code != 400 || !strings.Contains(res, "100 aanbiedingen openstaan") || !strings.Contains(res, `"from_user":{"code":"validation_too_many_pending"`) {
		t.Errorf("offer 101: %d %s; want 400 naming the limit", code, res)
	}

	// anna answers them all: the summary is settled with the last one
	pending, err := app.FindAllRecords("task_transfers", dbx.HashExp{"from_user": f.bram, "to_user": f.anna, "status": "pending"})
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range pending {
		code, res := do(t, http.MethodPatch, server.URL+"/api/collections/task_transfers/records/"+p.Id, f.annaT, map[string]any{"status": "declined"})
		if code != 200 {
			t.Fatalf("decline %d: %d %s", i, code, res)
		}
		summary, err := app.FindFirstRecordByFilter("notifications", "user = {:u} && subject = {:s}", dbx.Params{"u": f.anna, "s": f.bram})
		if err != nil {
			t.Fatal(err)
		}
		if last := i == len(pending)-1; summary.GetBool("settled") != last {
			t.Fatalf("after %d of %d answers the summary is settled: %v", i+1, len(pending), summary.GetBool("settled"))
		}
	}
}

// TestTeamOfferSettled checks that when one member of a team answers an
// offer to the team, the others' notifications of it are settled.
func TestTeamOfferSettled(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	app := testapp.New(t)
	server := testapp.Serve(t, app)
	records := server.URL + "/api/collections/task_transfers/records"

	code, res := do(t, http.MethodPost, records, f.bramT, map[string]any{"task": f.task[medicatie], "from_user": f.bram, "to_team": f.schalkwijk})
	if code != 200 {
		t.Fatalf("offer: %d %s", code, res)
	}
	for _, r := range []string{f.carla, f.dirk} {
		if _, open := offerNotes(t, app, r, f.task[medicatie]); open != 1 {
			t.Fatalf("%s has %d open notifications of the offer, want 1", r, open)
		}
	}
	if code, res := do(t, http.MethodPatch, records+"/"+idOf(t, res), f.carlaT, map[string]any{"status": "accepted"}); code != 200 {
		t.Fatalf("carla accepts: %d %s", code, res)
	}
	for _, r := range []string{f.carla, f.dirk} {
		if all, open := offerNotes(t, app, r, f.task[medicatie]); all != 1 || open != 0 {
			t.Errorf("%s has %d notifications of the answered offer, %d open; want 1, settled", r, all, open)
		}
	}
}

// TestDeletedTaskNotifications checks that deleting a task takes back the
// notifications about it: the offer of it waiting with another team, and
// the notice of the colleague it was given to.
func TestDeletedTaskNotifications(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	app := testapp.New(t)
	server := testapp.Serve(t, app)

	code, res := do(t, http.MethodPost, server.URL+"/api/collections/tasks/records", f.bramT,
		map[string]any{"team": f.haarlem, "title": "Even weg", "assignee": f.dirk, "created_by": f.bram})
	if code != 200 {
		t.Fatalf("task: %d %s", code, res)
	}
	task := idOf(t, res)
	// anna, Haarlem-Noord's coordinator, offers it to Schalkwijk
	if code, res := do(t, http.MethodPost, server.URL+"/api/collections/task_transfers/records", f.annaT,
		map[string]any{"task": task, "from_user": f.anna, "to_team": f.schalkwijk}); code != 200 {
		t.Fatalf("offer: %d %s", code, res)
	}
	about := func() int {
		t.Helper()
		n, err := app.CountRecords("notifications", dbx.HashExp{"subject": task})
		if err != nil {
			t.Fatal(err)
		}
		return int(n)
	}
	if n := about(); n != 3 { // dirk's task_assigned, carla's and dirk's handover_offered
		t.Fatalf("%d notifications about the task, want 3", n)
	}
	if code, res := do(t, http.MethodDelete, server.URL+"/api/collections/tasks/records/"+task, f.bramT, nil); code != 204 {
		t.Fatalf("delete: %d %s", code, res)
	}
	if n := about(); n != 0 {
		t.Errorf("%d notifications about the deleted task stayed", n)
	}
}
