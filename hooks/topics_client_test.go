package hooks_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"buurtplein/hooks"
	"buurtplein/internal/testapp"
)

// TestTopicClientKeepsCollectionSubscriptions: a connection that follows a
// collection beside a scoped topic gets the collection's events through
// PocketBase's rule check; once it follows the scoped topic alone,
// PocketBase finds no collection subscription on it.
func TestTopicClientKeepsCollectionSubscriptions(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	server := testapp.Serve(t, app)
	team := hooks.TeamTopic(testapp.Id(t, app, "teams", "slug", "haarlem-noord"))
	bram := testapp.Token(t, app, "bram@buurtplein.test")

	c, status := testapp.ConnectRealtime(t, server.URL, bram, team, "posts")
	if status != http.StatusNoContent {
		t.Fatalf("bram's subscription to his team and posts: status %d, want 204", status)
	}
	post := newPost(t, app, "haarlem-noord", "anna@buurtplein.test", "Voor het team")
	seen := map[string]bool{}
	for !seen["posts"] || !seen[team] {
		ev := c.Next(t, 10*time.Second)
		if strings.Contains(ev.Data, post.Id) {
			seen[ev.Name] = true
		}
	}

	client, err := app.SubscriptionsBroker().ClientById(c.ID)
	if err != nil {
		t.Fatal(err)
	}
	// the prefixes PocketBase asks on a change of a post
	if subs := client.Subscriptions("posts/*?", "posts?"); len(subs) != 1 {
		t.Fatalf("following posts: PocketBase finds %v, want posts", subs)
	}
	if status := c.Subscribe(t, bram, team); status != http.StatusNoContent {
		t.Fatalf("bram's subscription to his team alone: status %d, want 204", status)
	}
	if subs := client.Subscriptions("posts/*?", "posts?", "posts/"+post.Id+"?"); len(subs) != 0 {
		t.Fatalf("following the team alone: PocketBase finds %v, want none", subs)
	}
	if subs := client.Subscriptions(); len(subs) != 1 {
		t.Fatalf("following the team alone: subscriptions %v, want the team", subs)
	}
}
