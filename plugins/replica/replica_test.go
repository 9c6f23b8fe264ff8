package replica_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/replica"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

func TestMain(m *testing.M) { os.Exit(testapp.Run(m)) }

// TestReplicateAndRestore replicates a real app's database to a directory
// while it is written, then restores the latest state, the state at a
// moment between two writes, and refuses a moment before the first one
// and a data dir that holds a database.
func TestReplicateAndRestore(t *testing.T) {
	app := testapp.New(t)
	ctx := context.Background()
	replicaDir := filepath.Join(t.TempDir(), "replica")

	if _, err := app.DB().NewQuery("CREATE TABLE replica_probe (id TEXT PRIMARY KEY)").Execute(); err != nil {
		t.Fatal(err)
	}
	rep, err := replica.Start(app, replica.Config{URL: replicaDir, SyncInterval: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Close()

	write := func(id string) time.Time {
		t.Helper()
		if _, err := app.DB().Insert("replica_probe", dbx.Params{"id": id}).Execute(); err != nil {
			t.Fatal(err)
		}
		if err := rep.Sync(ctx); err != nil {
			t.Fatalf("sending %s to the replica: %v", id, err)
		}
		return time.Now()
	}
	write("first")
	time.Sleep(1100 * time.Millisecond) // the replica's files are stamped to the millisecond
	between := time.Now()
	time.Sleep(1100 * time.Millisecond)
	write("second")

	if at, ok := rep.Synced(); !ok || at.Before(between) {
		t.Fatalf("Synced: %v %v, want a moment after the last write", at, ok)
	}

	latest, err := replica.Restore(ctx, replica.RestoreOptions{URL: replicaDir, Into: filepath.Join(t.TempDir(), "latest")})
	if err != nil {
		t.Fatal(err)
	}
	if !latest.Latest {
		t.Fatal("a restore without a moment did not restore the latest state")
	}
	assertProbes(t, latest.Path, "first", "second")
	// the restored database is the app's: its records are there too
	assertCount(t, latest.Path, "SELECT count(*) FROM users", countOf(t, app, "users"))

	mid, err := replica.Restore(ctx, replica.RestoreOptions{URL: replicaDir, Into: filepath.Join(t.TempDir(), "mid"), At: between})
	if err != nil {
		t.Fatal(err)
	}
	if mid.Latest {
		t.Fatal("a restore to a moment between the writes restored the latest state")
	}
	assertProbes(t, mid.Path, "first")

	// before the first moment: a clear refusal, nothing written
	early := filepath.Join(t.TempDir(), "early")
	_, err = replica.Restore(ctx, replica.RestoreOptions{URL: replicaDir, Into: early, At: latest.Bounds.First.Add(-time.Hour)})
	if err == nil || !strings.Contains(err.Error(), "vroegste moment") {
		t.Fatalf("a moment before the first: got %v, want a refusal naming the first moment", err)
	}
	if _, err := os.Stat(early); !os.IsNotExist(err) {
		t.Fatalf("a refused restore left %s behind (%v)", early, err)
	}

	// a data dir with a database is never written over
	before, err := os.ReadFile(latest.Path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = replica.Restore(ctx, replica.RestoreOptions{URL: replicaDir, Into: filepath.Dir(latest.Path)})
	if err == nil || !strings.Contains(err.Error(), "bestaat al") {
		t.Fatalf("restoring over a database: got %v, want a refusal", err)
	}
	if after, _ := os.ReadFile(latest.Path); string(after) != string(before) {
		t.Fatal("a refused restore changed the database in its way")
	}

	// an empty replica says so
	_, err = replica.Restore(ctx, replica.RestoreOptions{URL: t.TempDir(), Into: filepath.Join(t.TempDir(), "none")})
	if err == nil || !strings.Contains(err.Error(), "leeg") {
		t.Fatalf("restoring from an empty replica: got %v, want it called empty", err)
	}
}

// TestParseMoment checks the forms a moment may be typed in.
func TestParseMoment(t *testing.T) {
	winter := time.Date(2026, 12, 1, 13, 5, 0, 0, time.UTC) // 14:05 in Amsterdam
	summer := time.Date(2026, 7, 1, 12, 5, 30, 0, time.UTC) // 14:05:30 in Amsterdam
	for in, want := range map[string]time.Time{
		"2026-12-01 14:05":          winter,
		" 2026-12-01T14:05 ":        winter,
		"2026-07-01 14:05:30":       summer,
		"2026-12-01T13:05:00Z":      winter,
		"2026-12-01T14:05:00+01:00": winter,
	} {
		got, err := replica.ParseMoment(in)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseMoment(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "gisteren", "01-12-2026 14:05", "2026-12-01"} {
		if _, err := replica.ParseMoment(in); err == nil || !strings.Contains(err.Error(), "geen moment") {
			t.Errorf("ParseMoment(%q): got %v, want a Dutch refusal", in, err)
		}
	}
}

func assertProbes(t *testing.T, path string, want ...string) {
	t.Helper()
	db := openDB(t, path)
	var got []string
	if err := db.NewQuery("SELECT id FROM replica_probe ORDER BY rowid").Column(&got); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("%s holds %v, want %v", path, got, want)
	}
}

func assertCount(t *testing.T, path, query string, want int) {
	t.Helper()
	var got int
	if err := openDB(t, path).NewQuery(query).Row(&got); err != nil {
		t.Fatal(err)
	}
	if got != want || want == 0 {
		t.Fatalf("%s: %d, want %d (more than 0)", query, got, want)
	}
}

func countOf(t *testing.T, app core.App, table string) int {
	t.Helper()
	var n int
	if err := app.DB().Select("count(*)").From(table).Row(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func openDB(t *testing.T, path string) *dbx.DB {
	t.Helper()
	db, err := dbx.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestReplicaUnwritable replicates to a place that cannot take the files
// (a file where the replica's directory should be, as a full or lost disk
// refuses them): the app goes on writing, the replication reports itself
// stalled, and when the place is fixed it catches up by itself.
func TestReplicaUnwritable(t *testing.T) {
	app := testapp.New(t)
	blocked := filepath.Join(t.TempDir(), "replica")
	if err := os.WriteFile(blocked, []byte("geen map"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := app.DB().NewQuery("CREATE TABLE replica_probe (id TEXT PRIMARY KEY)").Execute(); err != nil {
		t.Fatal(err)
	}
	rep, err := replica.Start(app, replica.Config{URL: blocked, SyncInterval: 100 * time.Millisecond, StallAfter: 500 * time.Millisecond})
	if err != nil {
		t.Fatalf("a replica that cannot be written stopped the start: %v", err)
	}
	defer rep.Close()

	if _, err := app.DB().Insert("replica_probe", dbx.Params{"id": "kept"}).Execute(); err != nil {
		t.Fatalf("the app's write with the replica unwritable: %v", err)
	}
	waitFor(t, "the replication to report a stall", func() bool { _, stalled := rep.Stalled(); return stalled })

	if err := os.Remove(blocked); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the replication to catch up", func() bool { _, stalled := rep.Stalled(); return !stalled })
	if err := rep.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	rep.Close()
	restored, err := replica.Restore(context.Background(), replica.RestoreOptions{URL: blocked, Into: filepath.Join(t.TempDir(), "restored")})
	if err != nil {
		t.Fatal(err)
	}
	assertProbes(t, restored.Path, "kept")
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 30 s for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
