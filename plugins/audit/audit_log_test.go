package audit_test

import (
	"testing"
	"time"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/audit"
)

// TestAppendChains writes entries in two calls and reads them back: every
// field set, numbered on, each naming the hash of the one before.
func TestAppendChains(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	actor := audit.SystemActor("test", "")
	entry := audit.Entry{Action: audit.ActionRead, Actor: actor, Team: "team1", Client: "client1", ClientCode: "HN-1", Record: "clients/client1"}
	if err := audit.Append(app, entry, entry); err != nil {
		t.Fatal(err)
	}
	if err := audit.Append(app, entry); err != nil {
		t.Fatal(err)
	}
	rows, err := audit.ClientEntries(app, "client1", time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("got %d entries, want 3", len(rows))
	}
	for i, r := range rows {
		if i > 0 && r.Id <= rows[i-1].Id {
			t.Errorf("entry %d's id %s does not come after %s: ids follow the entries' order", i, r.Id, rows[i-1].Id)
		}
		if i > 0 && (r.PrevHash != rows[i-1].Hash || r.Seq != rows[i-1].Seq+1) {
			t.Errorf("entry %d does not follow entry %d: %+v", i, i-1, r)
		}
		if r.Hash == "" || r.Created == "" || r.Role != audit.RoleSystem || r.IP != "local" {
			t.Errorf("entry %d lacks a field: %+v", i, r)
		}
	}
}
