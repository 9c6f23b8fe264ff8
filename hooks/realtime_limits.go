package hooks

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/subscriptions"
)

// Every realtime subscriber costs the server a rule check (and its expand)
// on each change of the collection it follows, and every open connection
// holds memory. Left open, one anonymous address could hold a hundred
// connections with a thousand subscriptions each and slow every write
// down to seconds. The caps below fit the PWA (one connection per tab,
// at most eight topics on any screen) with room to spare.

// RealtimeCaps are the caps on realtime connections and subscriptions.
type RealtimeCaps struct {
	// Subscriptions is the most topics one connection may follow.
	Subscriptions int
	// PerCollection is the most topics of one collection ("posts",
	// "posts/ID", "posts?options=...") one connection may follow: each
	// costs a rule check on every change of the collection. The scoped
	// topics ([TeamTopic]) cost none and count only towards Subscriptions.
	PerCollection int
	// TopicLength is the longest topic, options included, in bytes.
	TopicLength int
	// ExpandDepth is the deepest expand in a topic's options ("a.b" is 2).
	ExpandDepth int
	// PerAccount is the most signed-in connections of one account.
	PerAccount int
	// PerAddress is the most connections from one client address.
	PerAddress int
	// PendingPerAddress is the most connections from one address that
	// have not subscribed as anyone yet.
	PendingPerAddress int
	// SubscribeWithin is how long a new connection may wait for its first
	// signed-in subscription before it is closed.
	SubscribeWithin time.Duration
}

// RealtimeLimits are the caps every app gets, unless [SetRealtimeLimits]
// changed them for it.
var RealtimeLimits = RealtimeCaps{
	Subscriptions:     25,
	PerCollection:     5,
	TopicLength:       1000,
	ExpandDepth:       2,
	PerAccount:        10,
	PerAddress:        200,
	PendingPerAddress: 20,
	SubscribeWithin:   10 * time.Second,
}

const realtimeCapsStoreKey = "buurtplein.realtimeCaps"

// SetRealtimeLimits sets app's realtime caps, for a test that holds more
// connections from one address and account than anyone would (the
// authorization matrix holds one per case).
func SetRealtimeLimits(app core.App, caps RealtimeCaps) {
	app.Store().Set(realtimeCapsStoreKey, caps)
}

// realtimeLimits returns app's realtime caps.
func realtimeLimits(app core.App) RealtimeCaps {
	if caps, ok := app.Store().Get(realtimeCapsStoreKey).(RealtimeCaps); ok {
		return caps
	}
	return RealtimeLimits
}

// realtimeConn is what the caps remember of one open connection.
type realtimeConn struct {
	address string
	account string // "" until the connection subscribes signed in
}

// realtimeCounts counts the open connections per address and per account.
type realtimeCounts struct {
	mu         sync.Mutex
	conns      map[string]*realtimeConn // by client id
	total      map[string]int           // by address
	pending    map[string]int           // by address, not signed in yet
	perAccount map[string]int           // by account
}

func bindRealtimeLimits(app core.App) {
	counts := &realtimeCounts{
		conns:      map[string]*realtimeConn{},
		total:      map[string]int{},
		pending:    map[string]int{},
		perAccount: map[string]int{},
	}

	app.OnRealtimeConnectRequest().Bind(&hook.Handler[*core.RealtimeConnectRequestEvent]{
		Id:       "buurtpleinRealtimeConnections",
		Priority: -100,
		Func: func(e *core.RealtimeConnectRequestEvent) error {
			caps := realtimeLimits(e.App)
			id := e.Client.Id()
			if err := counts.open(caps, id, e.RealIP()); err != nil {
				return err
			}
			defer counts.close(id)

			// a connection nobody signs in to is closed soon: realtime
			// carries nothing for anonymous callers
			broker := e.App.SubscriptionsBroker()
			timer := time.AfterFunc(caps.SubscribeWithin, func() {
				if !counts.signedIn(id) {
					broker.Unregister(id)
				}
			})
			defer timer.Stop()

			return e.Next()
		},
	})

	app.OnRealtimeSubscribeRequest().Bind(&hook.Handler[*core.RealtimeSubscribeRequestEvent]{
		Id:       "buurtpleinRealtimeSubscriptions",
		Priority: -100,
		Func: func(e *core.RealtimeSubscribeRequestEvent) error {
			if e.Auth == nil {
				return Err(http.StatusUnauthorized, "realtime_sign_in", nil, "Log in om live mee te lezen.")
			}
			caps := realtimeLimits(e.App)
			if err := caps.CheckSubscriptions(e.Subscriptions); err != nil {
				return err
			}
			if err := counts.signIn(caps, e.Client.Id(), e.Auth.Collection().Name+"/"+e.Auth.Id); err != nil {
				return err
			}
			return e.Next()
		},
	})
}

// open counts a new connection from address, or refuses it when the
// address holds too many.
func (c *realtimeCounts) open(caps RealtimeCaps, id, address string) error {
	c.mu.Lock()
	defer c.mu.Unlock()

	if c.pending[address] >= caps.PendingPerAddress || c.total[address] >= caps.PerAddress {
		return Err(http.StatusTooManyRequests, "realtime_address_connections", Params{"max": caps.PerAddress},
			"Te veel open verbindingen vanaf dit adres. Sluit een paar vensters van Buurtplein of probeer het zo opnieuw.")
	}
	c.conns[id] = &realtimeConn{address: address}
	c.total[address]++
	c.pending[address]++
	return nil
}

// close forgets a connection that ended.
func (c *realtimeCounts) close(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()

	conn := c.conns[id]
	if conn == nil {
		return
	}
	delete(c.conns, id)
	decrement(c.total, conn.address)
	if conn.account == "" {
		decrement(c.pending, conn.address)
	} else {
		decrement(c.perAccount, conn.account)
	}
}

// signIn counts connection id as account's on its first signed-in
// subscription, or refuses it when the account holds too many.
func (c *realtimeCounts) signIn(caps RealtimeCaps, id, account string) error {
	c.mu.Lock()
	defer c.mu.Unlock()

	conn := c.conns[id]
	if conn == nil || conn.account != "" {
		return nil // gone already, or counted before
	}
	if c.perAccount[account] >= caps.PerAccount {
		return Err(http.StatusTooManyRequests, "realtime_account_connections", Params{"max": caps.PerAccount},
			fmt.Sprintf("Je account heeft Buurtplein al in %d vensters of op andere apparaten open. Sluit er een paar en probeer het opnieuw.",
				caps.PerAccount))
	}
	conn.account = account
	c.perAccount[account]++
	decrement(c.pending, conn.address)
	return nil
}

// signedIn reports whether connection id has subscribed as someone.
func (c *realtimeCounts) signedIn(id string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()

	conn := c.conns[id]
	return conn != nil && conn.account != ""
}

// decrement lowers counts[key] and drops it at zero, so the maps hold
// only addresses and accounts with open connections.
func decrement(counts map[string]int, key string) {
	if counts[key] <= 1 {
		delete(counts, key)
		return
	}
	counts[key]--
}

// CheckSubscriptions returns a 400 error when topics are more (in all or
// of one collection), longer or expand deeper than caps allow.
func (caps RealtimeCaps) CheckSubscriptions(topics []string) error {
	if len(topics) > caps.Subscriptions {
		return Err(http.StatusBadRequest, "realtime_too_many_subscriptions", Params{"count": len(topics), "max": caps.Subscriptions},
			fmt.Sprintf("Te veel live-abonnementen tegelijk (%d); het maximum is %d.", len(topics), caps.Subscriptions))
	}
	perCollection := map[string]int{}
	for _, topic := range topics {
		collection, _, _ := strings.Cut(topic, "?")
		collection, _, _ = strings.Cut(collection, "/")
		// a scoped topic costs no rule check: only Subscriptions counts it
		if strings.HasPrefix(topic, TopicPrefix) {
			collection = topic
		}
		if perCollection[collection]++; perCollection[collection] > caps.PerCollection {
			return Err(http.StatusBadRequest, "realtime_too_many_per_collection", Params{"collection": collection, "max": caps.PerCollection},
				fmt.Sprintf("Te veel live-abonnementen op %q (meer dan %d).", collection, caps.PerCollection))
		}
		if len(topic) > caps.TopicLength {
			return Err(http.StatusBadRequest, "realtime_topic_too_long", Params{"length": len(topic), "max": caps.TopicLength},
				fmt.Sprintf("Een live-abonnement is te lang (%d tekens); het maximum is %d.", len(topic), caps.TopicLength))
		}
		if depth := expandDepth(topicExpand(topic)); depth > caps.ExpandDepth {
			return Err(http.StatusBadRequest, "realtime_expand_too_deep", Params{"depth": depth, "max": caps.ExpandDepth},
				fmt.Sprintf("Een live-abonnement haalt relaties %d niveaus diep op; het maximum is %d.", depth, caps.ExpandDepth))
		}
	}
	return nil
}

// topicExpand returns the expand of a topic's options, read by
// PocketBase's own subscription client, so the check sees exactly what
// PocketBase will apply.
func topicExpand(topic string) string {
	if !strings.Contains(topic, "?") {
		return ""
	}
	client := subscriptions.NewDefaultClient()
	client.Subscribe(topic)
	return client.Subscriptions()[topic].Query["expand"]
}

// expandDepth returns the deepest relation path in an expand
// ("author,post.team" is 2).
func expandDepth(expand string) int {
	deepest := 0
	for _, path := range strings.Split(expand, ",") {
		if path = strings.TrimSpace(path); path == "" {
			continue
		}
		deepest = max(deepest, strings.Count(path, ".")+1)
	}
	return deepest
}
