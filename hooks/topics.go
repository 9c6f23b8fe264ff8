package hooks

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/pocketbase/pocketbase/core"
)

// PocketBase checks every collection subscriber's API rule with an SQL
// query on every record event, inside the writing request: with thousands
// of open phones that cost decides whether a write answers at all. The
// scoped topics below are checked once, when a client subscribes, and an
// event then goes to every client of its topic without a query per client,
// after the write has answered.

// The scoped realtime topics, followed through PocketBase's own realtime
// API (POST /api/realtime; pb.realtime.subscribe(topic, cb) in the SDK).
const (
	// TopicPrefix starts every scoped topic; a topic under it that is not
	// one of the three below is refused.
	TopicPrefix = "buurtplein/"
	// OrganisationTopic carries the organisation-wide records; every
	// signed-in employee may follow it.
	OrganisationTopic = TopicPrefix + "organisation"

	teamTopicPrefix = TopicPrefix + "team/"
	userTopicPrefix = TopicPrefix + "user/"
)

// TeamTopic returns the topic of teamId's records; only its members may
// follow it.
func TeamTopic(teamId string) string { return teamTopicPrefix + teamId }

// UserTopic returns the topic of what is addressed to userId; only that
// user may follow it.
func UserTopic(userId string) string { return userTopicPrefix + userId }

// TopicsFunc returns the topics record belongs to. app is the app of the
// event (a transaction's before a delete), for look-ups such as a
// comment's post.
type TopicsFunc func(app core.App, record *core.Record) ([]string, error)

// Topics declares which scoped topics the records of one collection are
// published on (see [PublishTo]).
type Topics struct {
	// Of returns the topics a record belongs to, read from the record as
	// it is after a create or an update and as it was before a delete.
	// Every subscriber of each topic must be allowed to read the record
	// through the API.
	Of TopicsFunc

	// Expand names single relation fields whose record each event carries
	// under "expand", with the fields of it listed (id, collectionId and
	// collectionName always come along). Every subscriber of the topics
	// must be allowed to read those fields, such as a colleague's name and
	// avatar. It is read once per event, not per subscriber.
	Expand map[string][]string

	// IdOnly sends only the record's id, collectionId and collectionName
	// (for client data: every read of it then goes through the API, where
	// it is logged). Expand is then ignored.
	IdOnly bool

	// Readers, when set, returns the employees who may read the record:
	// its events then go only to those among each topic's subscribers
	// (and to superusers). It narrows a topic that is wider than the
	// record's audience, such as an organisation channel's messages on
	// the organisation topic, read by the channel's members alone. It is
	// called once per event, not per subscriber, with the record as it
	// is after a create or an update and as it was before a delete.
	Readers func(app core.App, record *core.Record) ([]string, error)
}

// PublishTo publishes every create, update and delete of collection's
// records on the topics topics.Of returns, after the write committed: an
// SSE event named after the topic with PocketBase's record event data,
// {"action": "create"|"update"|"delete", "record": {...}}, where the record
// is its public export (hidden fields and undisclosed e-mail addresses
// left out, no enrich hooks run) plus topics.Expand. A record that leaves
// a topic in an update (a post from organisation to team visibility, say)
// is sent as a delete there, before the topics it joins get a create.
//
// Call it once per collection, from the plugin that owns the collection.
// Collection subscriptions ("posts/*") keep working beside it, with
// PocketBase's rule check per subscriber.
func PublishTo(app core.App, collection string, topics Topics) {
	b := topicBrokerOf(app)
	b.mu.Lock()
	defer b.mu.Unlock()
	b.published[collection] = topics
}

// ByTeam returns a [TopicsFunc] that puts a record on the topic of the team
// its field names, or on none when the field is empty.
func ByTeam(field string) TopicsFunc {
	return func(_ core.App, record *core.Record) ([]string, error) {
		if team := record.GetString(field); team != "" {
			return []string{TeamTopic(team)}, nil
		}
		return nil, nil
	}
}

// ByUser returns a [TopicsFunc] that puts a record on the topics of the
// users its fields name.
func ByUser(fields ...string) TopicsFunc {
	return func(_ core.App, record *core.Record) ([]string, error) {
		var topics []string
		for _, field := range fields {
			for _, user := range record.GetStringSlice(field) {
				topics = append(topics, UserTopic(user))
			}
		}
		return topics, nil
	}
}

// Via returns a [TopicsFunc] that puts a record on the topics of the record
// its relation field points at (a comment on its post's), as that record's
// collection declared them with [PublishTo].
func Via(field string) TopicsFunc {
	return func(app core.App, record *core.Record) ([]string, error) {
		id := record.GetString(field)
		relation, ok := record.Collection().Fields.GetByName(field).(*core.RelationField)
		if id == "" || !ok {
			return nil, nil
		}
		parent, err := app.FindRecordById(relation.CollectionId, id)
		if err != nil {
			// in a cascade delete the parent goes first: read it as
			// committed, outside the transaction
			root := topicBrokerOf(app).app
			if parent, err = root.FindRecordById(relation.CollectionId, id); err != nil {
				return nil, fmt.Errorf("%s of %s: %w", field, record.Id, err)
			}
		}
		declared, ok := topicBrokerOf(app).topicsOf(parent.Collection().Name)
		if !ok {
			return nil, nil
		}
		return declared.Of(app, parent)
	}
}

// AllOf returns a [TopicsFunc] that puts a record on the topics of every fn.
func AllOf(fns ...TopicsFunc) TopicsFunc {
	return func(app core.App, record *core.Record) ([]string, error) {
		var topics []string
		for _, fn := range fns {
			more, err := fn(app, record)
			if err != nil {
				return nil, err
			}
			topics = append(topics, more...)
		}
		return topics, nil
	}
}

const topicBrokerStoreKey = "buurtplein.topics"

var topicBrokerMu sync.Mutex

// topicBrokerOf returns app's topic broker, binding it on first use. A
// transaction's app shares the store of the app it came from, so both
// find the same broker.
func topicBrokerOf(app core.App) *topicBroker {
	topicBrokerMu.Lock()
	defer topicBrokerMu.Unlock()

	if b, ok := app.Store().Get(topicBrokerStoreKey).(*topicBroker); ok {
		return b
	}
	b := newTopicBroker(app)
	app.Store().Set(topicBrokerStoreKey, b)
	b.bind()
	return b
}

// topicsOf returns what collection declared with [PublishTo].
func (b *topicBroker) topicsOf(collection string) (Topics, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	topics, ok := b.published[collection]
	return topics, ok
}

// checkTopic returns nil when the employee userId (member of teams) may
// follow topic, or a reason for the refusal.
func checkTopic(topic, userId string, teams []string) error {
	rest, _ := strings.CutPrefix(topic, TopicPrefix)
	switch {
	case topic == OrganisationTopic:
		return nil
	case strings.HasPrefix(topic, teamTopicPrefix):
		if slices.Contains(teams, strings.TrimPrefix(topic, teamTopicPrefix)) {
			return nil
		}
		return fmt.Errorf("not a member of the team of %q", topic)
	case strings.HasPrefix(topic, userTopicPrefix):
		if strings.TrimPrefix(topic, userTopicPrefix) == userId {
			return nil
		}
		return fmt.Errorf("%q is another user's", topic)
	}
	return fmt.Errorf("no topic %q", rest)
}

// validTopic reports whether topic is one of the three kinds, with an id
// and without options.
func validTopic(topic string) bool {
	if topic == OrganisationTopic {
		return true
	}
	for _, prefix := range []string{teamTopicPrefix, userTopicPrefix} {
		if id, ok := strings.CutPrefix(topic, prefix); ok {
			return id != "" && !strings.ContainsAny(id, "/?&#% ")
		}
	}
	return false
}
