package hooks

import (
	"maps"
	"testing"

	"github.com/pocketbase/pocketbase/tools/subscriptions"
)

// FuzzCheckTopic: of all topics, an employee in team t1 may follow exactly
// three: the organisation's, t1's and their own.
func FuzzCheckTopic(f *testing.F) {
	for _, seed := range []string{
		OrganisationTopic, TeamTopic("t1"), TeamTopic("t2"), UserTopic("u1"), UserTopic("u2"),
		"buurtplein/team/", "buurtplein/team/t1/x", "buurtplein/team/t1?options={}", "buurtplein/organisation/x",
		"posts/*", "buurtplein/user/u1 ", "buurtplein//team/t1",
	} {
		f.Add(seed)
	}
	allowed := map[string]bool{OrganisationTopic: true, TeamTopic("t1"): true, UserTopic("u1"): true}
	f.Fuzz(func(t *testing.T, topic string) {
		ok := validTopic(topic) && checkTopic(topic, "u1", []string{"t1"}) == nil
		if ok != allowed[topic] {
			t.Errorf("topic %q: may follow %v, want %v", topic, ok, allowed[topic])
		}
	})
}

// FuzzTopicClientSubscriptions: whatever a client follows and is asked, the
// shortcut answers what PocketBase's own client answers.
func FuzzTopicClientSubscriptions(f *testing.F) {
	f.Add(OrganisationTopic, TeamTopic("t1"), "posts/*?", false)
	f.Add(TeamTopic("t1"), "posts/*", "posts/*?", false)
	f.Add(TeamTopic("t1"), "posts/*", "posts/*?", true)
	f.Add(UserTopic("u1"), `posts?options={"query":{"expand":"author"}}`, "posts?", false)
	f.Add(TeamTopic("t1"), OrganisationTopic, "", false)
	f.Add(TeamTopic("t1"), OrganisationTopic, "buurt", false)
	f.Add(TeamTopic("t1"), OrganisationTopic, "buurtplein/team/t1?", true)
	f.Add(TeamTopic("t1"), "buurtplein", "buurtplein?", false)
	f.Fuzz(func(t *testing.T, a, b, prefix string, dropB bool) {
		plain := subscriptions.NewDefaultClient()
		ours := newTopicClient(subscriptions.NewDefaultClient())
		for _, c := range []subscriptions.Client{plain, ours} {
			c.Subscribe(a, b)
			if dropB {
				c.Unsubscribe(b)
			}
		}
		for _, prefixes := range [][]string{{prefix}, {prefix, "posts/*?"}, nil} {
			want, got := plain.Subscriptions(prefixes...), ours.Subscriptions(prefixes...)
			if !maps.EqualFunc(want, got, func(x, y subscriptions.SubscriptionOptions) bool {
				return maps.Equal(x.Query, y.Query) && maps.Equal(x.Headers, y.Headers)
			}) {
				t.Errorf("following %q and %q (drop the second: %v), asked %q: got %v, want %v", a, b, dropB, prefixes, got, want)
			}
		}
	})
}
