package hooks

import "testing"

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
