package drill

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// TestChecksFindDamage damages a data dir the writers wrote to, the ways a
// crash or a bad backup could, and expects the checks of the drills to
// name each damage: a lost record, a changed one, a torn transaction, a
// dangling relation and a record nobody sent.
func TestChecksFindDamage(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	dataDir := filepath.Join(t.TempDir(), "pb_data")
	srv, err := Start(ServerOptions{Bin: binary(t), DataDir: dataDir, WorkDir: filepath.Dir(dataDir), Demo: true})
	if err != nil {
		t.Fatal(serverError("starting the server", srv, err))
	}
	defer srv.Kill()
	a := newAPI(srv.URL)
	o, err := setUp(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	baseline := map[string]map[string]bool{} // the demo's records are checked as sent below

	var l ledger
	stop := make(chan struct{})
	ws := startWriters(ctx, stop, a, o, &l, 4)
	time.Sleep(500 * time.Millisecond)
	close(stop)
	if err := ws.Wait(); err != nil {
		t.Fatal(err)
	}
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	writes := l.all()
	acked := func(w write) bool { return w.acked }

	st, err := readState(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	if found := checkWrites(st, writes, acked); len(st.problems)+len(found.Problems) > 0 {
		t.Fatalf("problems before any damage: %v %v", st.problems, found.Problems)
	}
	for collection, ids := range st.ids() {
		baseline[collection] = map[string]bool{}
		for id := range ids {
			baseline[collection][id] = true
		}
	}

	first := map[string]string{} // collection → the id of its first acknowledged write
	for _, w := range writes {
		if w.acked && first[w.collection] == "" {
			first[w.collection] = w.id
		}
	}
	if len(first) != len(writtenCollections) {
		t.Fatalf("acknowledged writes in %v, want some in each of %v", first, writtenCollections)
	}

	db, err := openDB(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	damage := []string{
		"DELETE FROM comments WHERE id = {:comment}",
		"UPDATE posts SET body = 'gewijzigd' WHERE id = {:post}",
		"DELETE FROM task_events WHERE task = {:task} AND kind = 'created'",
		"INSERT INTO comments (id, post, author, body) VALUES ('nobodysent00001', 'nosuchpost00001', {:author}, 'x')",
	}
	params := dbx.Params{"comment": first["comments"], "post": first["posts"], "task": first["tasks"], "author": o.accounts[0].id}
	for _, q := range damage {
		if _, err := db.NewQuery(q).Bind(params).Execute(); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()

	st, err = readState(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	found := checkWrites(st, writes, acked)
	problems := strings.Join(append(append(st.problems, found.Problems...), checkAttempted(st, writes, baseline)...), "\n")
	for _, want := range []string{
		"lost: comments " + first["comments"],
		"changed: posts " + first["posts"],
		"torn transaction: tasks " + first["tasks"],
		"relation comments.post: nobodysent00001 refers to a missing posts nosuchpost00001",
		"unknown: comments nobodysent00001",
	} {
		if !strings.Contains(problems, want) {
			t.Errorf("the checks did not find %q; they found:\n%s", want, problems)
		}
	}
}

// TestQuietDiff compares a table between two databases the way the backup
// drill compares its quiet backup: a row written after the backup began
// may differ, any other difference is a problem.
func TestQuietDiff(t *testing.T) {
	const since = "2026-11-23 12:00:00.000Z"
	live, restored := t.TempDir(), t.TempDir()
	for dir, rows := range map[string][]string{
		live: {
			"('same00000000001', '2026-11-23 11:00:00.000Z', '2026-11-23 11:00:00.000Z', 'a')",
			"('changed00000001', '2026-11-23 11:00:00.000Z', '2026-11-23 11:00:00.000Z', 'b, changed')",
			"('later000000001', '2026-11-23 12:00:01.000Z', '2026-11-23 12:00:01.000Z', 'c')",
			"('updatedlater001', '2026-11-23 11:00:00.000Z', '2026-11-23 12:00:02.000Z', 'd, updated')",
			"('lost00000000001', '2026-11-23 11:00:00.000Z', '2026-11-23 11:00:00.000Z', 'e')",
		},
		restored: {
			"('same00000000001', '2026-11-23 11:00:00.000Z', '2026-11-23 11:00:00.000Z', 'a')",
			"('changed00000001', '2026-11-23 11:00:00.000Z', '2026-11-23 11:00:00.000Z', 'b')",
			"('updatedlater001', '2026-11-23 11:00:00.000Z', '2026-11-23 11:00:00.000Z', 'd')",
			"('extra0000000001', '2026-11-23 11:00:00.000Z', '2026-11-23 11:00:00.000Z', 'f')",
		},
	} {
		db, err := core.DefaultDBConnect(filepath.Join(dir, "data.db"))
		if err != nil {
			t.Fatal(err)
		}
		q := "CREATE TABLE t (id TEXT PRIMARY KEY, created TEXT, updated TEXT, v TEXT); INSERT INTO t VALUES " + strings.Join(rows, ", ")
		if _, err := db.NewQuery(q).Execute(); err != nil {
			t.Fatal(err)
		}
		db.Close()
	}

	later, problems, err := diffTable(live, restored, "t", since)
	if err != nil {
		t.Fatal(err)
	}
	if later != 2 {
		t.Errorf("later rows: %d, want 2 (one added, one updated after the backup began)", later)
	}
	all := strings.Join(problems, "\n")
	for _, want := range []string{"changed00000001", "lost00000000001", "extra0000000001"} {
		if !strings.Contains(all, want) {
			t.Errorf("no problem about %s in:\n%s", want, all)
		}
	}
	if len(problems) != 3 || strings.Contains(all, "same00000000001") {
		t.Errorf("problems: want exactly the changed, the lost and the extra row, got:\n%s", all)
	}
}
