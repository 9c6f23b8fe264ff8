package hooks

import (
	"strings"
	"sync"
	"sync/atomic"

	"github.com/pocketbase/pocketbase/tools/subscriptions"
)

// PocketBase looks for collection subscribers on every record change,
// inside the writing request: for each connected client it asks the
// subscriptions under six prefixes ("posts/*?", "posts/<id>?" and the like),
// and the default client answers each by building a string per
// subscription and a map per prefix. With 2,000 connections of four topics
// that is some 48,000 strings and 12,000 maps per saved record, several
// milliseconds of CPU the request waits for, although none of those
// clients follows a collection: they follow the scoped topics only. A
// comment (two records) and a task update (two or three) were 2 to 3 times
// slower with 2,000 idle clients than with none.

// topicClient is PocketBase's realtime client with one shortcut: asked for
// its subscriptions under prefixes no scoped topic can match, while it
// follows scoped topics only, it answers none at once. Everything else,
// its id, channel and store among them, is the client PocketBase made.
type topicClient struct {
	subscriptions.Client

	mu          sync.Mutex  // orders Subscribe and Unsubscribe with others
	collections atomic.Bool // whether it may follow a topic outside TopicPrefix
}

// newTopicClient wraps client, which follows nothing yet.
func newTopicClient(client subscriptions.Client) *topicClient {
	c := &topicClient{Client: client}
	c.collections.Store(c.hasCollectionSubscription())
	return c
}

// Subscribe subscribes the client to subs. collections turns true before
// a collection subscription exists, so the shortcut never hides one.
func (c *topicClient) Subscribe(subs ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, sub := range subs {
		if sub != "" && !strings.HasPrefix(sub, TopicPrefix) {
			c.collections.Store(true)
			break
		}
	}
	c.Client.Subscribe(subs...)
}

// Unsubscribe unsubscribes the client from subs (from all without any).
func (c *topicClient) Unsubscribe(subs ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.Client.Unsubscribe(subs...)
	c.collections.Store(c.hasCollectionSubscription())
}

// Subscriptions returns the client's subscriptions matching prefixes, as
// PocketBase's client does; nil, without a look, when it follows no topic
// outside TopicPrefix and no prefix could match one inside it. The result
// is for reading only (PocketBase's record broadcast only reads it).
func (c *topicClient) Subscriptions(prefixes ...string) map[string]subscriptions.SubscriptionOptions {
	if len(prefixes) > 0 && !c.collections.Load() && !anyScopedPrefix(prefixes) {
		return nil
	}
	return c.Client.Subscriptions(prefixes...)
}

// hasCollectionSubscription reports whether the client follows a topic
// outside TopicPrefix.
func (c *topicClient) hasCollectionSubscription() bool {
	for sub := range c.Client.Subscriptions() {
		if !strings.HasPrefix(sub, TopicPrefix) {
			return true
		}
	}
	return false
}

// anyScopedPrefix reports whether a scoped topic could match one of
// prefixes: PocketBase matches topic+"?" against each prefix.
func anyScopedPrefix(prefixes []string) bool {
	for _, prefix := range prefixes {
		if strings.HasPrefix(prefix, TopicPrefix) || strings.HasPrefix(TopicPrefix, prefix) {
			return true
		}
	}
	return false
}
