package regie_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/regie"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/cron"
)

// overdueNotes returns the case_overdue notifications about client, as
// "user step team".
func overdueNotes(t testing.TB, app core.App, client string) []string {
	t.Helper()
	notes, err := app.FindAllRecords("notifications", dbx.HashExp{"kind": "case_overdue", "subject": client})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, n := range notes {
		if n.GetString("subject_collection") != "clients" {
			t.Errorf("a notification about %s", n.GetString("subject_collection"))
		}
		var params map[string]any
		if err := n.UnmarshalJSONField("params", &params); err != nil {
			t.Fatal(err)
		}
		out = append(out, n.GetString("user")+" "+params["step"].(string)+" "+params["team"].(string))
	}
	slices.Sort(out)
	return out
}

// backdateCase puts a client's case days back in its step, past its
// deadline.
func backdateCase(t testing.TB, app core.App, id string, days int) {
	t.Helper()
	c := caseRecord(t, app, "clients", id)
	since := time.Now().AddDate(0, 0, -days)
	c.Set("step_since", since)
	c.Set("step_due", regie.AddWorkingDays(since, 2))
	if err := app.Save(c); err != nil {
		t.Fatal(err)
	}
}

// TestNotifyOverdue checks the overdue check: once per step of a case, to
// the regisseur of the client's latest plan or else the team's
// coordinators, naming the step and the team and never the client.
func TestNotifyOverdue(t *testing.T) {
	t.Parallel()
	f := newCaseFixture(t)
	app := testapp.New(t)
	hn1, hn4 := f.client["HN-0001"], f.client["HN-0004"]

	if !slices.ContainsFunc(app.Cron().Jobs(), func(j *cron.Job) bool { return j.Id() == "buurtpleinRegieOverdue" }) {
		t.Error("the overdue check is not scheduled")
	}

	// the demo's HN-0004 sits in melding long past its deadline
	n, err := regie.NotifyOverdue(app)
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("handled %d cases, want HN-0004", n)
	}
	want := []string{f.anna + " Melding Buurtteam Haarlem-Noord"}
	if got := overdueNotes(t, app, hn4); !slices.Equal(got, want) {
		t.Errorf("notified %v, want %v", got, want)
	}
	all, err := app.FindAllRecords("notifications", dbx.HashExp{"kind": "case_overdue"})
	if err != nil {
		t.Fatal(err)
	}
	for _, note := range all {
		if s := note.GetString("params"); strings.Contains(s, "HN-0004") || strings.Contains(s, "P.S.") {
			t.Errorf("a notification names the client: %s", s)
		}
	}
	if c := caseRecord(t, app, "clients", hn4); c.GetString("overdue_step") != "melding" {
		t.Errorf("overdue_step %q, want melding", c.GetString("overdue_step"))
	}

	// once per step
	if n, err := regie.NotifyOverdue(app); err != nil || n != 0 {
		t.Fatalf("a second run handled %d (%v), want none", n, err)
	}

	// with a plan, its regisseur alone is told
	plans, err := app.FindCollectionByNameOrId("plans")
	if err != nil {
		t.Fatal(err)
	}
	plan := core.NewRecord(plans)
	plan.Set("client", hn1)
	plan.Set("regisseur", f.dirk)
	if err := app.Save(plan); err != nil {
		t.Fatal(err)
	}
	backdateCase(t, app, hn1, 10)
	if n, err := regie.NotifyOverdue(app); err != nil || n != 1 {
		t.Fatalf("handled %d (%v), want HN-0001", n, err)
	}
	if got, want := overdueNotes(t, app, hn1), []string{f.dirk + " Melding Buurtteam Haarlem-Noord"}; !slices.Equal(got, want) {
		t.Errorf("notified %v, want %v", got, want)
	}

	// a case that moves on and overruns its next step is told about again
	steps, err := app.FindCollectionByNameOrId("case_steps")
	if err != nil {
		t.Fatal(err)
	}
	move := core.NewRecord(steps)
	move.Set("client", hn4)
	move.Set("kind", "forward")
	move.Set("to", "gesprek")
	if err := app.Save(move); err != nil {
		t.Fatal(err)
	}
	if c := caseRecord(t, app, "clients", hn4); c.GetString("overdue_step") != "" {
		t.Errorf("a move left overdue_step %q", c.GetString("overdue_step"))
	}
	backdateCase(t, app, hn4, 10)
	if n, err := regie.NotifyOverdue(app); err != nil || n != 1 {
		t.Fatalf("handled %d (%v), want HN-0004 in gesprek", n, err)
	}
	if got, want := overdueNotes(t, app, hn4), []string{f.anna + " Gesprek Buurtteam Haarlem-Noord"}; !slices.Equal(got, want) {
		t.Errorf("notified %v, want %v (the one notification brought up to date)", got, want)
	}
}
