package authz_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"buurtplein/hooks"
	"buurtplein/internal/testapp"

	"github.com/pocketbase/pocketbase/core"
)

// TestTopicsWhileSubscribed: what ends a scoped subscription while the
// connection is open, at once and without the client doing anything.
// Leaving a team ends that team's topic (the others stay); being blocked
// and signing out end the connection. Each case ends with an organisation
// post as a marker: events arrive in the order of the writes, so an event
// that did not come before the marker was not sent.
func TestTopicsWhileSubscribed(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	testapp.Unlimited(t, app)
	server := testapp.Serve(t, app)
	schalkwijk := testapp.Id(t, app, "teams", "slug", "schalkwijk")
	haarlem := testapp.Id(t, app, "teams", "slug", "haarlem-noord")
	it := testapp.Token(t, app, "it@buurtplein.test")

	subscribe := func(email string, topics ...string) *testapp.RealtimeClient {
		t.Helper()
		c, status := testapp.ConnectRealtime(t, server.URL, testapp.Token(t, app, email), topics...)
		if status != http.StatusNoContent {
			t.Fatalf("%s subscribing to %v: status %d", email, topics, status)
		}
		return c
	}

	t.Run("removed from a team", func(t *testing.T) {
		dirk := testapp.Id(t, app, "users", "email", "dirk@buurtplein.test")
		c := subscribe("dirk@buurtplein.test", hooks.TeamTopic(schalkwijk), hooks.TeamTopic(haarlem), hooks.OrganisationTopic)
		membership, err := app.FindFirstRecordByFilter("memberships", "team = {:team} && user = {:user}",
			map[string]any{"team": schalkwijk, "user": dirk})
		if err != nil {
			t.Fatal(err)
		}
		status, _ := testapp.Do(t, http.MethodDelete, server.URL+"/api/collections/memberships/records/"+membership.Id, it, nil)
		if status != http.StatusNoContent {
			t.Fatalf("removing dirk from Schalkwijk: %d", status)
		}
		gone := topicsPost(t, app, schalkwijk, "carla@buurtplein.test")
		kept := topicsPost(t, app, haarlem, "anna@buurtplein.test")
		marker := topicsPost(t, app, "", "anna@buurtplein.test")
		got := topicsUntil(t, c, marker.Id)
		if got[gone.Id] {
			t.Error("dirk got a Schalkwijk post after he was removed from the team")
		}
		if !got[kept.Id] {
			t.Error("dirk's Haarlem-Noord topic ended with his Schalkwijk membership")
		}
	})

	t.Run("blocked", func(t *testing.T) {
		bram := testapp.Id(t, app, "users", "email", "bram@buurtplein.test")
		c := subscribe("bram@buurtplein.test", hooks.TeamTopic(haarlem), hooks.UserTopic(bram), hooks.OrganisationTopic)
		status, _ := testapp.Do(t, http.MethodPost, server.URL+"/api/buurtplein/users/"+bram+"/disable", it, nil)
		if status != http.StatusNoContent {
			t.Fatalf("blocking bram: %d", status)
		}
		post := topicsPost(t, app, haarlem, "anna@buurtplein.test")
		if topicsClosedBefore(t, c, post.Id) {
			return
		}
		t.Error("bram's connection stayed open after he was blocked")
	})

	t.Run("signed out", func(t *testing.T) {
		token := testapp.Token(t, app, "eva@buurtplein.test")
		c, _ := testapp.ConnectRealtime(t, server.URL, token, hooks.OrganisationTopic)
		status, _ := testapp.Do(t, http.MethodPost, server.URL+"/api/buurtplein/auth/signout", token, nil)
		if status != http.StatusNoContent {
			t.Fatalf("signing out: %d", status)
		}
		post := topicsPost(t, app, "", "anna@buurtplein.test")
		if !topicsClosedBefore(t, c, post.Id) {
			t.Error("eva's connection stayed open after she signed out")
		}
		// and the old token subscribes to nothing
		again, _ := testapp.OpenRealtime(t, server.URL)
		if status := again.Subscribe(t, token, hooks.OrganisationTopic); status != http.StatusUnauthorized {
			t.Errorf("subscribing with the signed-out token: %d, want 401", status)
		}
	})
}

// topicsPost creates a post in team ("" for an organisation-wide one).
func topicsPost(t *testing.T, app core.App, team, author string) *core.Record {
	t.Helper()
	posts, err := app.FindCollectionByNameOrId("posts")
	if err != nil {
		t.Fatal(err)
	}
	p := core.NewRecord(posts)
	p.Set("team", team)
	p.Set("author", testapp.Id(t, app, "users", "email", author))
	p.Set("kind", "update")
	p.Set("visibility", map[bool]string{true: "organisation", false: "team"}[team == ""])
	p.Set("body", "Authz: live")
	if err := app.Save(p); err != nil {
		t.Fatal(err)
	}
	return p
}

// topicsUntil returns the ids of the records c got events about, up to and
// including the record with id.
func topicsUntil(t *testing.T, c *testapp.RealtimeClient, id string) map[string]bool {
	t.Helper()
	got := map[string]bool{}
	for !got[id] {
		ev := c.Next(t, 10*time.Second)
		var data struct{ Record struct{ Id string } }
		if json.Unmarshal([]byte(ev.Data), &data) == nil {
			got[data.Record.Id] = true
		}
	}
	return got
}

// topicsClosedBefore reports whether c's stream closes without an event
// about the record with id.
func topicsClosedBefore(t *testing.T, c *testapp.RealtimeClient, id string) bool {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case ev, ok := <-c.Events:
			if !ok {
				return true
			}
			if eventAbout(ev, id) {
				return false
			}
		case <-timeout:
			t.Fatal("the stream neither closed nor got the event")
		}
	}
}
