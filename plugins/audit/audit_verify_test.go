package audit_test

import (
	"testing"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/audit"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// appendEntries appends n entries in calls of a few each, with content
// that encoding/json escapes as well as plain text.
func appendEntries(t testing.TB, app core.App, n int) {
	t.Helper()
	actor := audit.SystemActor("test", "Anna <de Vries> & \"co\"")
	for i := 0; i < n; {
		var batch []audit.Entry
		for j := 0; j < 3 && i < n; j, i = j+1, i+1 {
			batch = append(batch, audit.Entry{
				Action: audit.ActionRead, Actor: actor, Team: "team1", Client: "client1",
				ClientCode: "HN-0001", Record: "clients/client1", Details: "één\tregel\u2028",
			})
		}
		if err := audit.Append(app, batch...); err != nil {
			t.Fatal(err)
		}
	}
}

// entryAt returns the id of the entry with seq.
func entryAt(t testing.TB, app core.App, seq int) string {
	t.Helper()
	var id string
	if err := app.DB().Select("id").From("access_log").Where(dbx.HashExp{"seq": seq}).Row(&id); err != nil {
		t.Fatalf("no entry %d: %v", seq, err)
	}
	return id
}

// sql runs a statement on app's database, as someone with the database
// file would.
func sql(t testing.TB, app core.App, statement string, params dbx.Params) {
	t.Helper()
	if _, err := app.DB().NewQuery(statement).Bind(params).Execute(); err != nil {
		t.Fatalf("%s: %v", statement, err)
	}
}

// verify verifies app's log in pages of 4 entries, in 3 parts.
func verify(t testing.TB, app core.App) *audit.VerifyResult {
	t.Helper()
	result, err := audit.VerifyInParts(app, 4, 3)
	if err != nil {
		t.Fatal(err)
	}
	return result
}

// TestVerifyUntouched verifies a log written by Append alone, in pages.
func TestVerifyUntouched(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	appendEntries(t, app, 20)
	total, err := app.CountRecords(audit.Collection)
	if err != nil {
		t.Fatal(err)
	}

	var calls, last int
	result, err := audit.Verify(app, func(done, all int) {
		calls++
		last = done
		if all != int(total) {
			t.Errorf("progress total %d, want %d", all, total)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if !result.OK() || result.Entries != int(total) || result.FirstSeq != 1 || result.LastSeq != total || result.Anchored {
		t.Errorf("Verify = %+v (break %+v), want all %d entries from seq 1", result, result.Break, total)
	}
	if calls == 0 || last != int(total) {
		t.Errorf("progress called %d times, last with %d; want up to %d", calls, last, total)
	}

	empty := testapp.New(t)
	sql(t, empty, "DELETE FROM access_log", nil)
	if result := verify(t, empty); !result.OK() || result.Entries != 0 {
		t.Errorf("Verify of an empty log = %+v", result)
	}
}

// TestVerifyFindsTampering changes the log with plain SQL in every way
// that matters: Verify names the first entry that no longer fits.
func TestVerifyFindsTampering(t *testing.T) {
	t.Parallel()
	tamperings := []struct {
		name    string
		tamper  func(t testing.TB, app core.App)
		seq     int64  // the seq the break names
		problem string // and its problem
		idOf    int    // the seq of the entry it names before the tampering (0: the inserted one)
		checked int    // the entries that fit before it
	}{
		{"an edited name", func(t testing.TB, app core.App) {
			sql(t, app, "UPDATE access_log SET user_name = 'Iemand anders' WHERE seq = 7", nil)
		}, 7, audit.ProblemHash, 7, 6},
		{"an edited date", func(t testing.TB, app core.App) {
			sql(t, app, "UPDATE access_log SET created = '2020-01-01 00:00:00.000Z' WHERE seq = 12", nil)
		}, 12, audit.ProblemHash, 12, 11},
		{"a deleted middle entry", func(t testing.TB, app core.App) {
			sql(t, app, "DELETE FROM access_log WHERE seq = 9", nil)
		}, 10, audit.ProblemSeq, 10, 8},
		{"two entries swapped", func(t testing.TB, app core.App) {
			sql(t, app, "UPDATE access_log SET seq = -1 WHERE seq = 5", nil)
			sql(t, app, "UPDATE access_log SET seq = 5 WHERE seq = 6", nil)
			sql(t, app, "UPDATE access_log SET seq = 6 WHERE seq = -1", nil)
		}, 5, audit.ProblemPrevHash, 6, 4},
		{"an entry inserted between two", func(t testing.TB, app core.App) {
			sql(t, app, `INSERT INTO access_log (id, seq, action, prev_hash, hash, created)
				SELECT 'inserted0000001', 3.5, 'read', hash, hash, created FROM access_log WHERE seq = 3`, nil)
		}, 3, audit.ProblemSeq, 0, 3},
		{"an entry added at the end, hashed wrongly", func(t testing.TB, app core.App) {
			sql(t, app, `INSERT INTO access_log (id, seq, action, prev_hash, hash, created)
				SELECT 'inserted0000001', seq + 1, 'read', hash, 'abc', created FROM access_log ORDER BY seq DESC LIMIT 1`, nil)
		}, 21, audit.ProblemHash, 0, 20},
		{"an entry whose seq is made text", func(t testing.TB, app core.App) {
			sql(t, app, "UPDATE access_log SET seq = 'x' WHERE seq = 20", nil)
		}, 0, audit.ProblemSeq, 20, 19},
		{"a first entry that names a previous one", func(t testing.TB, app core.App) {
			sql(t, app, "UPDATE access_log SET prev_hash = 'abc' WHERE seq = 1", nil)
		}, 1, audit.ProblemPrevHash, 1, 0},
	}
	for _, tc := range tamperings {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			app := testapp.New(t)
			sql(t, app, "DELETE FROM access_log", nil) // whatever the demo logged
			appendEntries(t, app, 20)
			if result := verify(t, app); !result.OK() {
				t.Fatalf("the untouched log does not verify: %+v", result.Break)
			}
			id := "inserted0000001"
			if tc.idOf > 0 {
				id = entryAt(t, app, tc.idOf)
			}

			tc.tamper(t, app)

			result := verify(t, app)
			b := result.Break
			if b == nil {
				t.Fatalf("Verify = %+v, want a break", result)
			}
			if b.Seq != tc.seq || b.Problem != tc.problem || b.Detail == "" {
				t.Errorf("break at %d (%s: %s), want %d (%s)", b.Seq, b.Problem, b.Detail, tc.seq, tc.problem)
			}
			if b.Id != id {
				t.Errorf("break names entry %s, want %s", b.Id, id)
			}
			if result.Entries != tc.checked {
				t.Errorf("%d entries checked before the break, want %d", result.Entries, tc.checked)
			}
		})
	}
}
