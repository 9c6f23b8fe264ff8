package hooks_test

import (
	"fmt"
	"testing"
	"time"

	"buurtplein/hooks"
	"buurtplein/internal/testapp"

	"github.com/pocketbase/pocketbase/tools/subscriptions"
)

// BenchmarkTopicFanout measures an organisation post reaching n clients of
// the organisation topic: ns/op is from the save until the last client has
// it, write-ms the save alone (which must not grow with n). The clients are
// PocketBase's own, registered with the broker and read at once, so this is
// the server's share without the network.
//
// "team" posts in Haarlem-Noord with 2,000 clients connected, of which
// members follow the team's topic and the others only the organisation's.
func BenchmarkTopicFanout(b *testing.B) {
	cases := []struct {
		name       string
		team       bool
		n, clients int
	}{
		{"organisation/10", false, 10, 10},
		{"organisation/2000", false, 2000, 2000},
		{"team/70of2000", true, 70, 2000},
		// what 2,000 connections cost a write they get nothing of
		{"team/0of0", true, 0, 0},
		{"team/0of2000", true, 0, 2000},
	}
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			app := testapp.New(b)
			n := bc.n
			received := make(chan struct{}, n)
			broker := app.SubscriptionsBroker()
			haarlem := testapp.Id(b, app, "teams", "slug", "haarlem-noord")
			for i := range bc.clients {
				c := subscriptions.NewDefaultClient()
				// as the PWA: the organisation, oneself and a team or two
				c.Subscribe(hooks.OrganisationTopic, hooks.UserTopic(fmt.Sprint("u", i)),
					hooks.TeamTopic(fmt.Sprint("t", i%30)), hooks.TeamTopic(fmt.Sprint("t", i%7)))
				if bc.team && i < n {
					c.Subscribe(hooks.TeamTopic(haarlem))
				}
				broker.Register(c)
				if bc.team && i >= n {
					go func() {
						for range c.Channel() {
						}
					}()
					b.Cleanup(func() { broker.Unregister(c.Id()) })
					continue
				}
				go func() {
					for range c.Channel() {
						received <- struct{}{}
					}
				}()
				b.Cleanup(func() { broker.Unregister(c.Id()) })
			}

			var writing time.Duration
			b.ResetTimer()
			for range b.N {
				start := time.Now()
				if bc.team {
					newPost(b, app, "haarlem-noord", "anna@buurtplein.test", "Voor het team")
				} else {
					orgPost(b, app, "anna@buurtplein.test", "Voor iedereen")
				}
				writing += time.Since(start)
				for range n {
					<-received
				}
			}
			b.ReportMetric(float64(writing.Microseconds())/1000/float64(b.N), "write-ms")
		})
	}
}
