package hooks_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"buurtplein/hooks"
	"buurtplein/internal/testapp"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/subscriptions"
)

// TestRealtimeNeedsSession: an anonymous caller may open the stream (the
// browser's EventSource cannot send a token) but not subscribe, and the
// stream is closed when nobody signs in to it in time.
func TestRealtimeNeedsSession(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	server := testapp.Serve(t, app)

	anon, status := testapp.ConnectRealtime(t, server.URL, "", "posts", "comments")
	if status != http.StatusUnauthorized {
		t.Fatalf("an anonymous subscription: status %d, want 401", status)
	}
	idle, _ := testapp.OpenRealtime(t, server.URL)

	bram := testapp.Token(t, app, "bram@buurtplein.test")
	signed, status := testapp.ConnectRealtime(t, server.URL, bram, "posts")
	if status != http.StatusNoContent {
		t.Fatalf("bram's subscription: status %d, want 204", status)
	}

	start := time.Now()
	waitClosed(t, anon, hooks.RealtimeLimits.SubscribeWithin+5*time.Second)
	waitClosed(t, idle, 2*time.Second)
	if waited := time.Since(start); waited < hooks.RealtimeLimits.SubscribeWithin-2*time.Second {
		t.Errorf("the anonymous stream closed after %s, before the %s a client has to sign in", waited, hooks.RealtimeLimits.SubscribeWithin)
	}

	// bram's stream stays and gets events
	post := newPost(t, app, "haarlem-noord", "bram@buurtplein.test", "Na de stilte")
	for {
		ev := signed.Next(t, 10*time.Second)
		if strings.Contains(ev.Data, post.Id) {
			break
		}
	}
}

// TestRealtimePendingPerAddress: one address holds at most
// PendingPerAddress streams nobody signed in to.
func TestRealtimePendingPerAddress(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	testapp.Unlimited(t, app)
	server := testapp.Serve(t, app)

	var open []*testapp.RealtimeClient
	for i := range hooks.RealtimeLimits.PendingPerAddress {
		c, status := testapp.OpenRealtime(t, server.URL)
		if c == nil {
			t.Fatalf("anonymous stream %d: status %d", i+1, status)
		}
		open = append(open, c)
	}
	if c, status := testapp.OpenRealtime(t, server.URL); c != nil || status != http.StatusTooManyRequests {
		t.Fatalf("stream %d from one address: status %d, want 429", len(open)+1, status)
	}

	// signing one in makes room; so does closing one
	bram := testapp.Token(t, app, "bram@buurtplein.test")
	if status := open[0].Subscribe(t, bram, "posts"); status != http.StatusNoContent {
		t.Fatalf("signing a stream in: status %d", status)
	}
	if c, status := testapp.OpenRealtime(t, server.URL); c == nil {
		t.Fatalf("a stream after one signed in: status %d", status)
	}
	open[1].Close()
	eventually(t, func() bool {
		c, _ := testapp.OpenRealtime(t, server.URL)
		return c != nil
	})
}

// TestRealtimeSubscriptionCaps: the number of topics, their length and the
// depth of an expand in their options are capped; the PWA's own topics
// pass.
func TestRealtimeSubscriptionCaps(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	server := testapp.Serve(t, app)
	bram := testapp.Token(t, app, "bram@buurtplein.test")

	// the PWA's topics on its busiest screen, as the SDK encodes them
	me := testapp.Id(t, app, "users", "email", "bram@buurtplein.test")
	pwa := []string{
		"PB_CONNECT",
		sdkTopic("memberships", map[string]any{"filter": `user = "` + me + `"`}),
		sdkTopic("notifications", map[string]any{"filter": `user = "` + me + `"`}),
		sdkTopic("posts", map[string]any{"expand": "author,team"}),
		sdkTopic("comments", map[string]any{"expand": "author"}),
		sdkTopic("tasks", map[string]any{"expand": "assignee"}),
		"task_transfers/*", "task_events/*",
	}

	// topics spread over the collections, at most PerCollection each
	collections := []string{"posts", "comments", "tasks", "task_transfers", "task_events", "memberships", "notifications", "users", "teams"}
	many := func(n int) []string {
		topics := make([]string, n)
		for i := range topics {
			topics[i] = fmt.Sprintf("%s/%015d", collections[i%len(collections)], i)
		}
		return topics
	}
	onOne := func(n int) []string {
		topics := make([]string, n)
		for i := range topics {
			topics[i] = sdkTopic("posts", map[string]any{"filter": fmt.Sprintf("id != '%d'", i)})
		}
		return topics
	}

	cases := []struct {
		name   string
		topics []string
		want   int
	}{
		{"the PWA's topics", pwa, http.StatusNoContent},
		{"as many topics as allowed", many(hooks.RealtimeLimits.Subscriptions), http.StatusNoContent},
		{"one topic too many", many(hooks.RealtimeLimits.Subscriptions + 1), http.StatusBadRequest},
		{"a thousand topics", many(1000), http.StatusBadRequest},
		{"as many topics of one collection as allowed", onOne(hooks.RealtimeLimits.PerCollection), http.StatusNoContent},
		{"one topic of a collection too many", onOne(hooks.RealtimeLimits.PerCollection + 1), http.StatusBadRequest},
		{"a long topic", []string{"posts?options=" + url.QueryEscape(`{"query":{"filter":"title != '`+strings.Repeat("x", hooks.RealtimeLimits.TopicLength)+`'"}}`)}, http.StatusBadRequest},
		{"an expand two deep", []string{sdkTopic("comments", map[string]any{"expand": "post.team,author"})}, http.StatusNoContent},
		{"an expand three deep", []string{sdkTopic("comments", map[string]any{"expand": "author,post.team.memberships_via_team"})}, http.StatusBadRequest},
		{"an expand six deep", []string{sdkTopic("posts", map[string]any{"expand": "author.memberships_via_user.team.posts_via_team.author.memberships_via_user"})}, http.StatusBadRequest},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			client, status := testapp.ConnectRealtime(t, server.URL, bram, c.topics...)
			defer client.Close()
			if status != c.want {
				t.Fatalf("status %d, want %d", status, c.want)
			}
		})
	}
}

// TestRealtimePerAccount: one account holds at most PerAccount signed-in
// streams; a colleague is not affected, and a closed stream makes room.
func TestRealtimePerAccount(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	testapp.Unlimited(t, app)
	server := testapp.Serve(t, app)
	bram := testapp.Token(t, app, "bram@buurtplein.test")
	carla := testapp.Token(t, app, "carla@buurtplein.test")

	var streams []*testapp.RealtimeClient
	for i := range hooks.RealtimeLimits.PerAccount {
		c, status := testapp.ConnectRealtime(t, server.URL, bram, "posts")
		if status != http.StatusNoContent {
			t.Fatalf("bram's stream %d: status %d", i+1, status)
		}
		streams = append(streams, c)
	}
	extra, status := testapp.ConnectRealtime(t, server.URL, bram, "posts")
	if status != http.StatusTooManyRequests {
		t.Fatalf("bram's stream %d: status %d, want 429", len(streams)+1, status)
	}
	extra.Close()

	// subscribing again on a stream already counted changes nothing
	if status := streams[0].Subscribe(t, bram, "posts", "comments"); status != http.StatusNoContent {
		t.Fatalf("changing the topics of a counted stream: status %d", status)
	}
	if _, status := testapp.ConnectRealtime(t, server.URL, carla, "posts"); status != http.StatusNoContent {
		t.Fatalf("carla's stream while bram is at his limit: status %d", status)
	}

	streams[0].Close()
	eventually(t, func() bool {
		c, status := testapp.ConnectRealtime(t, server.URL, bram, "posts")
		c.Close()
		return status == http.StatusNoContent
	})
}

// TestRealtimePerAddress: one address holds at most PerAddress streams,
// signed in or not.
func TestRealtimePerAddress(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	testapp.Unlimited(t, app)
	server := testapp.Serve(t, app)

	tokens := newAccounts(t, app, hooks.RealtimeLimits.PerAddress/hooks.RealtimeLimits.PerAccount)
	for _, token := range tokens {
		for range hooks.RealtimeLimits.PerAccount {
			if _, status := testapp.ConnectRealtime(t, server.URL, token, "posts"); status != http.StatusNoContent {
				t.Fatalf("a stream below the address's limit: status %d", status)
			}
		}
	}
	if c, status := testapp.OpenRealtime(t, server.URL); c != nil || status != http.StatusTooManyRequests {
		t.Fatalf("stream %d from one address: status %d, want 429", hooks.RealtimeLimits.PerAddress+1, status)
	}
}

// waitClosed fails the test unless c's stream ends within wait; events
// before the end are fine.
func waitClosed(t *testing.T, c *testapp.RealtimeClient, wait time.Duration) {
	t.Helper()
	timeout := time.After(wait)
	for {
		select {
		case _, ok := <-c.Events:
			if !ok {
				return
			}
		case <-timeout:
			t.Fatalf("the realtime stream stayed open for %s", wait)
		}
	}
}

// eventually fails the test unless ok becomes true within 5 s: the server
// notices a closed stream a moment after the client closes it.
func eventually(t *testing.T, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatal("the server did not make room after a stream closed")
}

// sdkTopic is a "collection/*" topic with options, as the PocketBase SDK
// encodes it.
func sdkTopic(collection string, query map[string]any) string {
	options := `{"query":{`
	first := true
	for k, v := range query {
		if !first {
			options += ","
		}
		first = false
		options += fmt.Sprintf("%q:%q", k, v)
	}
	options += `},"headers":{}}`
	return collection + "/*?options=" + url.QueryEscape(options)
}

// newAccounts adds n employees, in no team, and returns their tokens.
func newAccounts(t *testing.T, app core.App, n int) []string {
	t.Helper()
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	tokens := make([]string, n)
	for i := range tokens {
		u := core.NewRecord(users)
		u.Set("email", fmt.Sprintf("limiet%02d@buurtplein.test", i))
		u.Set("name", fmt.Sprintf("Limiet %02d", i))
		u.SetRandomPassword()
		if err := app.SaveNoValidate(u); err != nil {
			t.Fatal(err)
		}
		if tokens[i], err = u.NewAuthToken(); err != nil {
			t.Fatal(err)
		}
	}
	return tokens
}

// newPost saves a team post as the server would.
func newPost(t testing.TB, app core.App, team, author, body string) *core.Record {
	t.Helper()
	posts, err := app.FindCollectionByNameOrId("posts")
	if err != nil {
		t.Fatal(err)
	}
	p := core.NewRecord(posts)
	p.Set("team", testapp.Id(t, app, "teams", "slug", team))
	p.Set("author", testapp.Id(t, app, "users", "email", author))
	p.Set("kind", "update")
	p.Set("visibility", "team")
	p.Set("body", body)
	if err := app.Save(p); err != nil {
		t.Fatal(err)
	}
	return p
}

// FuzzCheckSubscriptions: for any topic the check does not panic, and a
// topic it accepts is within the length and expand caps as PocketBase's
// own subscription client reads it.
func FuzzCheckSubscriptions(f *testing.F) {
	f.Add("posts")
	f.Add("PB_CONNECT")
	f.Add(sdkTopic("posts", map[string]any{"expand": "author,team"}))
	f.Add(`comments?options={"query":{"expand":"post.team.memberships_via_team"}}`)
	f.Add(`posts?options={"query":{"expand":["a.b.c"]}}`)
	f.Add(`posts?options={"query":{"expand":" , a..b,"}}&options=x`)
	f.Add("tasks/abc?options=%7B%22query%22%3A%7B%22expand%22%3A%22team.x.y%22%7D%7D")

	f.Fuzz(func(t *testing.T, topic string) {
		if hooks.RealtimeLimits.CheckSubscriptions([]string{topic}) != nil {
			return
		}
		if len(topic) > hooks.RealtimeLimits.TopicLength {
			t.Fatalf("a topic of %d bytes was accepted", len(topic))
		}
		client := subscriptions.NewDefaultClient()
		client.Subscribe(topic)
		for _, options := range client.Subscriptions() {
			for _, path := range strings.Split(options.Query["expand"], ",") {
				if depth := strings.Count(strings.TrimSpace(path), ".") + 1; strings.TrimSpace(path) != "" && depth > hooks.RealtimeLimits.ExpandDepth {
					t.Fatalf("an expand %d deep was accepted: %q", depth, options.Query["expand"])
				}
			}
		}
	})
}
