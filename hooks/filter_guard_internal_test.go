package hooks

import (
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tools/subscriptions"
)

// FuzzSubscriptionQuery checks that the guard reads a realtime topic the
// way PocketBase matches it to a collection: for any topic PocketBase would
// deliver posts' events on, the guard checks the options against posts.
func FuzzSubscriptionQuery(f *testing.F) {
	for _, topic := range []string{
		`posts/*?options={"query":{"filter":"author.posts_via_author.title~'x'"}}`,
		`posts?options={"query":{"filter":1,"sort":"-team.name"}}`,
		`posts/abc123?options=%7B%22query%22%3A%7B%22filter%22%3A%22x%22%7D%7D`,
		`posts?options={"query":{"expand":"author.memberships_via_user.team","fields":"id"}}`,
		`posts`, `/posts`, `posts/*/x`, `?options={}`, `posts/*?options={"query":{"filter":["a"]}}`,
	} {
		f.Add(topic)
	}

	f.Fuzz(func(t *testing.T, topic string) {
		collection, q := subscriptionQuery(topic)
		filter, sort := q.filter, q.sort

		// PocketBase's own reading of the topic (apis/realtime.go matches
		// these prefixes for a posts record with id "abc123")
		client := subscriptions.NewDefaultClient()
		client.Subscribe(topic)
		matched := client.Subscriptions("posts/abc123?", "posts/*?", "posts?")
		options, delivered := matched[topic]
		if !delivered {
			return
		}
		if collection != "posts" {
			t.Fatalf("PocketBase delivers posts on %q, the guard checks collection %q", topic, collection)
		}
		if filter != options.Query["filter"] || sort != options.Query["sort"] ||
			q.expand != options.Query["expand"] || q.fields != options.Query["fields"] {
			t.Fatalf("topic %q: the guard checks filter %q sort %q expand %q fields %q, PocketBase applies %v",
				topic, filter, sort, q.expand, q.fields, options.Query)
		}
		if strings.TrimSpace(topic) == "" {
			t.Fatalf("an empty topic %q is delivered", topic)
		}
	})
}
