package audit_test

import (
	"testing"
	"time"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/audit"

	"github.com/pocketbase/pocketbase/core"
)

// seqs returns the seq of every entry of app's log, in order.
func seqs(t testing.TB, app core.App) []int64 {
	t.Helper()
	var list []int64
	if err := app.DB().Select("seq").From("access_log").OrderBy("seq").Column(&list); err != nil {
		t.Fatal(err)
	}
	return list
}

// agedLog gives app a log of entries 6 years old (seq 1, 2), 4 years and
// 11 months old (3), 6 years old again after it, as a clock set back
// would write (4), and of now (5).
func agedLog(t testing.TB, app core.App) {
	t.Helper()
	sql(t, app, "DELETE FROM access_log", nil) // whatever the demo logged
	now := time.Now()
	entry := audit.Entry{Action: audit.ActionRead, Actor: audit.SystemActor("test", ""), Client: "client1", Record: "clients/client1"}
	for _, step := range []struct {
		created time.Time
		n       int
	}{
		{now.AddDate(-6, 0, 0), 2},
		{now.AddDate(-4, -11, 0), 1},
		{now.AddDate(-6, 0, 0), 1},
		{now, 1},
	} {
		for range step.n {
			if err := audit.AppendAt(app, step.created, entry); err != nil {
				t.Fatal(err)
			}
		}
	}
	if result := verify(t, app); !result.OK() || result.Entries != 5 {
		t.Fatalf("the aged log does not verify: %+v", result)
	}
}

// TestPurge deletes what is older than the retention from the start of
// the log, never a younger entry, and leaves a log that verifies.
func TestPurge(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	agedLog(t, app)

	if n, err := audit.Purge(app, 10, false); err != nil || n != 0 {
		t.Errorf("Purge with 10 years = %d, %v; want nothing purged", n, err)
	}
	if n, err := audit.Purge(app, 5, true); err != nil || n != 2 {
		t.Errorf("Purge dry run = %d, %v; want 2 that would go", n, err)
	}
	if got := seqs(t, app); len(got) != 5 {
		t.Fatalf("after the dry run the log holds %v, want all 5", got)
	}

	// less than the legal minimum is five years
	if n, err := audit.Purge(app, 1, false); err != nil || n != 2 {
		t.Errorf("Purge = %d, %v; want the 2 entries of 6 years", n, err)
	}
	if got := seqs(t, app); len(got) != 3 || got[0] != 3 || got[2] != 5 {
		t.Errorf("after the purge the log holds %v, want 3, 4 (old, after a younger one) and 5", got)
	}
	if n, err := audit.Purge(app, 5, false); err != nil || n != 0 {
		t.Errorf("a second Purge = %d, %v; want nothing", n, err)
	}

	result := verify(t, app)
	if !result.OK() || !result.Anchored || result.FirstSeq != 3 || result.Entries != 3 {
		t.Errorf("Verify after the purge = %+v (break %+v), want 3 entries anchored at seq 3", result, result.Break)
	}
	appendEntries(t, app, 2)
	if result := verify(t, app); !result.OK() || result.LastSeq != 7 {
		t.Errorf("Verify after appending to the purged log = %+v (break %+v)", result, result.Break)
	}
}

// TestPurgeCutoff: the retention is never less than five years.
func TestPurgeCutoff(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	for years, want := range map[int]time.Time{
		0: time.Date(2021, 12, 1, 10, 0, 0, 0, time.UTC),
		5: time.Date(2021, 12, 1, 10, 0, 0, 0, time.UTC),
		7: time.Date(2019, 12, 1, 10, 0, 0, 0, time.UTC),
	} {
		if got := audit.PurgeCutoff(now, years); !got.Equal(want) {
			t.Errorf("PurgeCutoff(%d years) = %v, want %v", years, got, want)
		}
	}
}

// TestPurgeScheduled: the server purges every night.
func TestPurgeScheduled(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	for _, job := range app.Cron().Jobs() {
		if job.Id() == "buurtpleinAuditPurge" {
			if job.Expression() != audit.PurgeSchedule {
				t.Errorf("the purge runs at %q, want %q", job.Expression(), audit.PurgeSchedule)
			}
			return
		}
	}
	t.Error("no purge job in the app's cron")
}
