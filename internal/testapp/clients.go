package testapp

import (
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// DeleteClients deletes the clients of the teams (all clients when none
// are named), with their cases, the way IT erases them before it deletes
// a team: a team with clients cannot be deleted.
func DeleteClients(t testing.TB, app core.App, teams ...string) {
	t.Helper()
	var clients []*core.Record
	var err error
	if len(teams) == 0 {
		clients, err = app.FindAllRecords("clients")
	} else {
		clients, err = app.FindAllRecords("clients", dbx.In("team", toAny(teams)...))
	}
	if err != nil {
		t.Fatalf("finding the clients: %v", err)
	}
	for _, client := range clients {
		if err := app.Delete(client); err != nil {
			t.Fatalf("deleting client %s: %v", client.GetString("code"), err)
		}
	}
}

func toAny(values []string) []any {
	out := make([]any, len(values))
	for i, v := range values {
		out[i] = v
	}
	return out
}
