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
func BenchmarkTopicFanout(b *testing.B) {
	for _, n := range []int{10, 2000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			app := testapp.New(b)
			received := make(chan struct{}, n)
			broker := app.SubscriptionsBroker()
			for range n {
				c := subscriptions.NewDefaultClient()
				c.Subscribe(hooks.OrganisationTopic)
				broker.Register(c)
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
				orgPost(b, app, "anna@buurtplein.test", "Voor iedereen")
				writing += time.Since(start)
				for range n {
					<-received
				}
			}
			b.ReportMetric(float64(writing.Microseconds())/1000/float64(b.N), "write-ms")
		})
	}
}
