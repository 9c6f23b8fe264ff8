package regie_test

import (
	"testing"
	"time"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/regie"

	"github.com/pocketbase/dbx"
)

// TestDemo checks the demo clients: their steps, HN-0001 in melding with
// its referral, HN-0003 in regie with anna's plan whose two actions are
// tasks, HN-0004 past its deadline; and that seeding again adds nothing.
func TestDemo(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	want := map[string]string{
		"HN-0001": "melding", "HN-0002": "gesprek", "HN-0003": "regie", "HN-0004": "melding",
		"SW-0001": "melding", "SW-0002": "gesprek",
	}
	for code, step := range want {
		c, err := app.FindFirstRecordByData("clients", "code", code)
		if err != nil {
			t.Fatalf("demo client %s: %v", code, err)
		}
		if c.GetString("step") != step || c.GetString("status") != "open" {
			t.Errorf("%s is in %s (%s), want %s (open)", code, c.GetString("step"), c.GetString("status"), step)
		}
		starts, _ := app.CountRecords("case_steps", dbx.HashExp{"client": c.Id, "kind": "start"})
		if starts != 1 {
			t.Errorf("%s has %d starts", code, starts)
		}
	}
	hn1, _ := app.FindFirstRecordByData("clients", "code", "HN-0001")
	if n, _ := app.CountRecords("referrals", dbx.HashExp{"client": hn1.Id}); n != 1 {
		t.Errorf("HN-0001 has %d referrals, want 1", n)
	}
	hn3, _ := app.FindFirstRecordByData("clients", "code", "HN-0003")
	plan, err := app.FindFirstRecordByData("plans", "client", hn3.Id)
	if err != nil {
		t.Fatal(err)
	}
	anna := testapp.Id(t, app, "users", "email", "anna@buurtplein.test")
	if plan.GetString("regisseur") != anna {
		t.Errorf("HN-0003's regisseur is %s, want anna", plan.GetString("regisseur"))
	}
	if n, _ := app.CountRecords("tasks", dbx.HashExp{"plan": plan.Id}); n != 2 {
		t.Errorf("HN-0003's plan has %d tasks, want 2", n)
	}
	hn4, _ := app.FindFirstRecordByData("clients", "code", "HN-0004")
	if due := hn4.GetDateTime("step_due"); due.IsZero() || !due.Time().Before(hn4.GetDateTime("step_since").Time().AddDate(0, 0, 5)) || !due.Time().Before(time.Now()) {
		t.Errorf("HN-0004 is due %v, want past", due)
	}

	before, _ := app.CountRecords("case_steps")
	tasks, _ := app.CountRecords("tasks")
	if err := regie.SeedDemo(app); err != nil {
		t.Fatal(err)
	}
	after, _ := app.CountRecords("case_steps")
	tasksAfter, _ := app.CountRecords("tasks")
	if before != after || tasks != tasksAfter {
		t.Errorf("seeding again: case steps %d → %d, tasks %d → %d", before, after, tasks, tasksAfter)
	}
}
