package hooks

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/subscriptions"
)

// TopicQueue is how many events a realtime client may have waiting for its
// connection: room for a burst (distributing 200 tasks sends a team's
// members some 400 events at once). A client that falls that far behind (a
// phone on a dead network whose socket stopped draining) is disconnected,
// so it never holds up the server or the other clients; the SDK reconnects
// and the screen reads what it missed. The queue holds memory only while
// events wait.
const TopicQueue = 512

// topicSendDelay is how long after its write an event waits before it goes
// out, so the write's answer is on its way first.
const topicSendDelay = 5 * time.Millisecond

// Store keys of a realtime client.
const (
	topicQueueKey  = "buurtplein.topicQueue"
	topicHangUpKey = "buurtplein.topicHangUp"
	topicUserKey   = "buurtplein.topicUser"
)

// topicBroker publishes the records of the collections declared with
// [PublishTo] on the scoped topics.
type topicBroker struct {
	app core.App // the app the broker was bound to, outside any transaction

	mu        sync.Mutex
	published map[string]Topics // by collection name
	pending   []topicJob        // waiting for the sender, oldest first
	sending   bool              // whether a sender goroutine runs

	// by the record being written (two requests writing the same record
	// hold two), from before the write until after its commit
	deleting sync.Map // *core.Record -> topicJob
	updating sync.Map // *core.Record -> its topics before the update

	// for the metrics: clients disconnected because their queue was full,
	// and the events that went to nobody with them
	hangUps atomic.Int64
	dropped atomic.Int64
}

// TopicStats are the counts of an app's topic fan-out, read by the
// metrics.
type TopicStats struct {
	// Pending is how many record events wait for the sender.
	Pending int

	// HangUps is how many realtime clients were disconnected because their
	// queue was full ([TopicQueue]), since the app started.
	HangUps int64

	// Dropped is how many events were never delivered to such a client:
	// those waiting in its queue when it was disconnected, and the one
	// that found it full.
	Dropped int64
}

// TopicStatsOf returns the counts of app's topic fan-out; zero when
// nothing was published yet.
func TopicStatsOf(app core.App) TopicStats {
	b, ok := app.Store().Get(topicBrokerStoreKey).(*topicBroker)
	if !ok {
		return TopicStats{}
	}
	b.mu.Lock()
	pending := len(b.pending)
	b.mu.Unlock()
	return TopicStats{Pending: pending, HangUps: b.hangUps.Load(), Dropped: b.dropped.Load()}
}

// topicJob is one record event to send: a delete on the topics the record
// left (and on every topic of a deleted record), then action on the others.
type topicJob struct {
	queued   time.Time
	app      core.App
	action   string
	record   *core.Record
	topics   []string // get action
	withdraw []string // get "delete"
	declared Topics

	// readers narrows the event to these employees (see Topics.Readers)
	// when narrowed
	readers  map[string]struct{}
	narrowed bool

	// a created or updated record's topics are read by the sender, after
	// the answer (see [topicBroker.publish]); before holds an updated
	// record's topics from before its update, if they were read
	resolve bool
	before  []string
	hadAny  bool // whether before was read
}

func newTopicBroker(app core.App) *topicBroker {
	return &topicBroker{app: app, published: map[string]Topics{}}
}

// bind binds the broker's hooks: the subscribe check, the hang-up of slow
// connections, the record events and the end of a membership.
func (b *topicBroker) bind() {
	b.app.OnRealtimeConnectRequest().Bind(&hook.Handler[*core.RealtimeConnectRequestEvent]{
		Id: "buurtpleinTopicsClient",
		// first, so that every later hook and the broker hold the same
		// client (same id and store as the one it wraps)
		Priority: -1000,
		Func: func(e *core.RealtimeConnectRequestEvent) error {
			e.Client = newTopicClient(e.Client)
			return e.Next()
		},
	})
	b.app.OnRealtimeConnectRequest().Bind(&hook.Handler[*core.RealtimeConnectRequestEvent]{
		Id: "buurtpleinTopicsConnect",
		Func: func(e *core.RealtimeConnectRequestEvent) error {
			// a write stuck on a socket that stopped draining fails at
			// once when the deadline passes, so the connection ends
			rc := http.NewResponseController(e.Response)
			e.Client.Set(topicHangUpKey, func() { _ = rc.SetWriteDeadline(time.Now()) })
			return e.Next()
		},
	})

	b.app.OnRealtimeSubscribeRequest().Bind(&hook.Handler[*core.RealtimeSubscribeRequestEvent]{
		Id:   "buurtpleinTopicsSubscribe",
		Func: b.checkSubscriptions,
	})

	// NB! after the commit, e.App may still be the transaction's app (a
	// hook that ran the write in a transaction set it), which can no longer
	// read: the broker reads with its own app there.
	b.app.OnRecordAfterCreateSuccess().BindFunc(func(e *core.RecordEvent) error {
		b.publish(b.app, "create", e.Record, nil)
		return e.Next()
	})
	b.app.OnRecordUpdate().BindFunc(func(e *core.RecordEvent) error {
		b.prepareUpdate(e.App, e.Record)
		return e.Next()
	})
	b.app.OnRecordAfterUpdateSuccess().BindFunc(func(e *core.RecordEvent) error {
		before, _ := b.updating.LoadAndDelete(e.Record)
		b.publish(b.app, "update", e.Record, before)
		return e.Next()
	})
	b.app.OnRecordAfterUpdateError().BindFunc(func(e *core.RecordErrorEvent) error {
		b.updating.Delete(e.Record)
		return e.Next()
	})
	b.app.OnRecordDelete().BindFunc(func(e *core.RecordEvent) error {
		b.prepareDelete(e.App, e.Record)
		return e.Next()
	})
	b.app.OnRecordAfterDeleteSuccess().BindFunc(func(e *core.RecordEvent) error {
		if job, ok := b.deleting.LoadAndDelete(e.Record); ok {
			job := job.(topicJob)
			job.app = b.app
			b.enqueue(job)
		}
		return e.Next()
	})
	b.app.OnRecordAfterDeleteError().BindFunc(func(e *core.RecordErrorEvent) error {
		b.deleting.Delete(e.Record)
		return e.Next()
	})

	b.app.OnRecordAfterDeleteSuccess(MembershipsCollection).BindFunc(func(e *core.RecordEvent) error {
		b.unfollow(e.Record.GetString("user"), e.Record.GetString("team"))
		return e.Next()
	})
	b.app.OnRecordAfterUpdateSuccess(MembershipsCollection).BindFunc(func(e *core.RecordEvent) error {
		old := e.Record.Original()
		if old.GetString("user") != e.Record.GetString("user") || old.GetString("team") != e.Record.GetString("team") {
			b.unfollow(old.GetString("user"), old.GetString("team"))
		}
		return e.Next()
	})
}

// checkSubscriptions refuses the whole subscribe request (403) when one of
// its scoped topics is not the caller's: a team the caller is not in,
// another user, a topic that does not exist, or any of them without a
// session. Superusers may follow every topic that exists; they see every
// record through the API anyway.
func (b *topicBroker) checkSubscriptions(e *core.RealtimeSubscribeRequestEvent) error {
	var scoped []string
	for _, topic := range e.Subscriptions {
		if strings.HasPrefix(topic, TopicPrefix) {
			scoped = append(scoped, topic)
		}
	}
	if len(scoped) == 0 {
		return e.Next()
	}

	for _, topic := range scoped {
		if !validTopic(topic) {
			return Err(http.StatusForbidden, "realtime_topic_unknown", Params{"topic": topic},
				"Dit live-onderwerp bestaat niet: "+topic+".")
		}
	}
	if e.Auth == nil {
		return Err(http.StatusForbidden, "realtime_sign_in", nil, "Log in om live mee te lezen.")
	}
	if !e.HasSuperuserAuth() {
		if err := b.mayFollow(e.App, e.Auth, scoped); err != nil {
			return err
		}
		e.Client.Set(topicUserKey, e.Auth.Id)
	}

	if err := e.Next(); err != nil {
		return err
	}

	// a membership that ended between the check and the subscription
	// (whose end found nothing to take back yet) ends here
	if !e.HasSuperuserAuth() {
		if teams, err := TeamIds(e.App, e.Auth.Id); err == nil {
			for _, topic := range scoped {
				if checkTopic(topic, e.Auth.Id, teams) != nil {
					e.Client.Unsubscribe(topic)
				}
			}
		}
	}
	return nil
}

// mayFollow returns a 403 error unless the employee auth may follow every
// topic, with one look-up of the employee's teams.
func (b *topicBroker) mayFollow(app core.App, auth *core.Record, topics []string) error {
	if auth.Collection().Name != UsersCollection {
		return Err(http.StatusForbidden, "realtime_staff_only", nil, "Alleen medewerkers kunnen live meelezen.")
	}
	teams, err := TeamIds(app, auth.Id)
	if err != nil {
		return err
	}
	for _, topic := range topics {
		if err := checkTopic(topic, auth.Id, teams); err != nil {
			return Err(http.StatusForbidden, "realtime_topic_forbidden", Params{"topic": topic},
				"Je kunt "+topic+" niet live volgen: het hoort bij een team waar je niet in zit of bij een ander.")
		}
	}
	return nil
}

// publish queues the event of a created or updated record. stored holds
// the topics ([]string) the record had before an update, nil for a create
// or when they could not be read. The topics it has now are read by the
// sender, not by the writing request: a comment's are its post's, a
// look-up the answer need not wait for.
func (b *topicBroker) publish(app core.App, action string, record *core.Record, stored any) {
	declared, ok := b.declaredFor(record)
	if !ok {
		return
	}
	before, known := stored.([]string)
	b.enqueue(topicJob{
		app: app, action: action, record: record.Fresh(), declared: declared,
		resolve: true, before: before, hadAny: known,
	})
}

// resolveTopics reads the topics of a created or updated record and returns its
// events: a record that left topics in an update is withdrawn there (a
// delete) before it is sent as a create on the topics it joined, so a
// subscriber of both sees it leave, then arrive. None when the topics
// cannot be read.
func (job topicJob) resolveTopics() []topicJob {
	now, ok := readTopics(job.app, job.declared, job.record, "realtime topics of a record")
	if !ok || !job.readReaders(job.app) {
		return nil
	}
	before := job.before
	if !job.hadAny {
		before = now
	}
	job.resolve, job.before = false, nil
	joined := job
	joined.action = "create"
	for _, topic := range now {
		if contains(before, topic) {
			job.topics = append(job.topics, topic)
		} else {
			joined.topics = append(joined.topics, topic)
		}
	}
	for _, topic := range before {
		if !contains(now, topic) {
			job.withdraw = append(job.withdraw, topic)
		}
	}
	return []topicJob{job, joined} // the withdrawal goes first
}

// readReaders reads the employees who may read the job's record, when
// its collection narrows its events to them (Topics.Readers); false (and
// a warning) when they cannot be read, so the event goes nowhere.
func (job *topicJob) readReaders(app core.App) bool {
	if job.declared.Readers == nil {
		return true
	}
	users, err := job.declared.Readers(app, job.record)
	if err != nil {
		app.Logger().Warn("realtime readers of a record", "collection", job.record.Collection().Name, "id", job.record.Id, "error", err)
		return false
	}
	job.narrowed = true
	job.readers = make(map[string]struct{}, len(users))
	for _, user := range users {
		job.readers[user] = struct{}{}
	}
	return true
}

// reaches reports whether the job's events may go to client: always,
// unless its collection narrowed them to the record's readers and the
// client's employee is not one (a superuser's client has no employee).
func (job topicJob) reaches(client subscriptions.Client) bool {
	if !job.narrowed {
		return true
	}
	user, _ := client.Get(topicUserKey).(string)
	if user == "" {
		return true
	}
	_, ok := job.readers[user]
	return ok
}

// prepareUpdate reads the topics of a record about to be updated from what
// is stored (Original is stale for a record saved twice), so the update can
// withdraw it from the topics it leaves.
func (b *topicBroker) prepareUpdate(app core.App, record *core.Record) {
	declared, ok := b.declaredFor(record)
	if !ok {
		return
	}
	stored, err := app.FindRecordById(record.Collection(), record.Id)
	if err != nil {
		return
	}
	if topics, ok := readTopics(app, declared, stored, "realtime topics of a record before its update"); ok {
		// the first update in a transaction has the committed state
		b.updating.LoadOrStore(record, topics)
	}
}

// prepareDelete reads the topics of a record about to be deleted, while
// what it points at still exists; the event goes out after the commit.
func (b *topicBroker) prepareDelete(app core.App, record *core.Record) {
	declared, ok := b.declaredFor(record)
	if !ok {
		return
	}
	topics, ok := readTopics(app, declared, record, "realtime topics of a deleted record")
	if !ok {
		return
	}
	job := topicJob{action: "delete", record: record.Fresh(), withdraw: topics, declared: declared}
	if !job.readReaders(app) {
		return
	}
	b.deleting.Store(record, job)
}

// declaredFor returns what record's collection declared with [PublishTo];
// false when it declared nothing or no realtime client is connected.
func (b *topicBroker) declaredFor(record *core.Record) (Topics, bool) {
	if !b.listened() {
		return Topics{}, false
	}
	return b.topicsOf(record.Collection().Name)
}

// readTopics returns the topics record belongs to, each once; false (and
// a warning saying what was read) when they cannot be read.
func readTopics(app core.App, declared Topics, record *core.Record, what string) ([]string, bool) {
	topics, err := declared.Of(app, record)
	if err != nil {
		app.Logger().Warn(what, "collection", record.Collection().Name, "id", record.Id, "error", err)
		return nil, false
	}
	return uniqueTopics(topics), true
}

// listened reports whether any realtime client is connected: without one
// (a migration, the demo seed, a command) there is nothing to prepare.
func (b *topicBroker) listened() bool {
	return b.app.SubscriptionsBroker().TotalClients() > 0
}

// enqueue hands job to the sender goroutine, starting one when none runs:
// the writing request never waits for the fan-out.
func (b *topicBroker) enqueue(job topicJob) {
	if !job.resolve && len(job.topics) == 0 && len(job.withdraw) == 0 {
		return
	}
	if !b.listened() {
		return
	}
	job.queued = time.Now()
	b.mu.Lock()
	b.pending = append(b.pending, job)
	start := !b.sending
	b.sending = true
	b.mu.Unlock()
	if start {
		go b.send()
	}
}

// send sends the queued jobs in order until none is left.
func (b *topicBroker) send() {
	for {
		b.mu.Lock()
		if len(b.pending) == 0 {
			b.sending = false
			b.mu.Unlock()
			return
		}
		job := b.pending[0]
		b.pending[0] = topicJob{}
		b.pending = b.pending[1:]
		b.mu.Unlock()

		// the writing request answers first: a fan-out to thousands of
		// connections started at once would compete with it for the CPU
		time.Sleep(time.Until(job.queued.Add(topicSendDelay)))
		b.sendJob(job)
	}
}

// sendJob encodes job once and puts it in the queue of every client that
// follows one of its topics.
func (b *topicBroker) sendJob(job topicJob) {
	if !job.app.IsBootstrapped() {
		return // the app stopped: there is nobody to send to
	}
	defer func() {
		// an app closed while its last events go out must not take the
		// process down
		if r := recover(); r != nil && job.app.IsBootstrapped() {
			job.app.Logger().Error("sending a realtime event", "id", job.record.Id, "panic", r)
		}
	}()
	if job.resolve {
		for _, resolved := range job.resolveTopics() {
			if len(resolved.topics) > 0 || len(resolved.withdraw) > 0 {
				b.sendJob(resolved)
			}
		}
		return
	}
	var messages []subscriptions.Message
	if len(job.withdraw) > 0 {
		declared := job.declared
		if job.action != "delete" {
			// a record that left these topics in an update is, as it is
			// now, no longer theirs to read (a shared page or post made
			// the team's own with a new text): its id is all a subscriber
			// needs to drop it
			declared = Topics{IdOnly: true}
		}
		data, err := encodeRecordEvent(job.app, "delete", job.record, declared)
		if err != nil {
			job.app.Logger().Warn("encoding a realtime event", "id", job.record.Id, "error", err)
			return
		}
		for _, topic := range job.withdraw {
			messages = append(messages, subscriptions.Message{Name: topic, Data: data})
		}
	}
	if len(job.topics) > 0 {
		data, err := encodeRecordEvent(job.app, job.action, job.record, job.declared)
		if err != nil {
			job.app.Logger().Warn("encoding a realtime event", "id", job.record.Id, "error", err)
			return
		}
		for _, topic := range job.topics {
			messages = append(messages, subscriptions.Message{Name: topic, Data: data})
		}
	}

	broker := b.app.SubscriptionsBroker()
	for _, chunk := range broker.ChunkedClients(1000) {
		for _, client := range chunk {
			// whether the client's employee may read the record is asked
			// only of the few clients that follow one of its topics
			allowed, asked := false, false
			for _, msg := range messages {
				if !client.HasSubscription(msg.Name) {
					continue
				}
				if !asked {
					allowed, asked = job.reaches(client), true
				}
				if !allowed {
					break
				}
				if dropped := queueOf(client).push(broker, client, msg); dropped > 0 {
					b.hangUps.Add(1)
					b.dropped.Add(int64(dropped))
				}
			}
		}
	}
}

// encodeRecordEvent returns PocketBase's record event data for record:
// {"action": ..., "record": {...}} with the record's public export and the
// declared expand, or its id alone.
func encodeRecordEvent(app core.App, action string, record *core.Record, declared Topics) ([]byte, error) {
	export := record.PublicExport()
	if declared.IdOnly {
		export = map[string]any{
			core.FieldNameId:             record.Id,
			core.FieldNameCollectionId:   record.Collection().Id,
			core.FieldNameCollectionName: record.Collection().Name,
		}
	} else if len(declared.Expand) > 0 {
		expanded := map[string]any{}
		for field, fields := range declared.Expand {
			if rel := expandOne(app, record, field, fields); rel != nil {
				expanded[field] = rel
			}
		}
		if len(expanded) > 0 {
			export[core.FieldNameExpand] = expanded
		}
	}
	return json.Marshal(map[string]any{"action": action, "record": export})
}

// expandOne returns fields of the record that record's relation field
// points at, or nil.
func expandOne(app core.App, record *core.Record, field string, fields []string) map[string]any {
	relation, ok := record.Collection().Fields.GetByName(field).(*core.RelationField)
	id := record.GetString(field)
	if !ok || id == "" {
		return nil
	}
	rel, err := app.FindRecordById(relation.CollectionId, id)
	if err != nil {
		return nil
	}
	out := map[string]any{
		core.FieldNameId:             rel.Id,
		core.FieldNameCollectionId:   rel.Collection().Id,
		core.FieldNameCollectionName: rel.Collection().Name,
	}
	for _, name := range fields {
		out[name] = rel.Get(name)
	}
	return out
}

// unfollow ends the topic of teamId for every connection of userId, at
// once, unless userId is (again) a member of it.
func (b *topicBroker) unfollow(userId, teamId string) {
	if userId == "" {
		return
	}
	if member, err := IsMember(b.app, userId, teamId); err != nil || member {
		return
	}
	topic := TeamTopic(teamId)
	for _, client := range b.app.SubscriptionsBroker().Clients() {
		if user, _ := client.Get(topicUserKey).(string); user == userId {
			client.Unsubscribe(topic)
		}
	}
}

// clientQueue holds the events waiting for one realtime connection. It
// grows only while events wait, so an idle connection costs nothing.
type clientQueue struct {
	mu      sync.Mutex
	pending []subscriptions.Message
	sending bool // whether a drain goroutine runs
	hungUp  bool
}

var queueMu sync.Mutex

// queueOf returns client's event queue, making it on first use.
func queueOf(client subscriptions.Client) *clientQueue {
	if q, ok := client.Get(topicQueueKey).(*clientQueue); ok {
		return q
	}
	queueMu.Lock()
	defer queueMu.Unlock()
	if q, ok := client.Get(topicQueueKey).(*clientQueue); ok {
		return q
	}
	q := &clientQueue{}
	client.Set(topicQueueKey, q)
	return q
}

// push queues msg for client, or disconnects the client when its queue is
// full; it never waits. It returns how many events the disconnection
// dropped (msg and those waiting), zero when it did not disconnect.
func (q *clientQueue) push(broker *subscriptions.Broker, client subscriptions.Client, msg subscriptions.Message) int {
	q.mu.Lock()
	if q.hungUp {
		q.mu.Unlock()
		return 0
	}
	if len(q.pending) >= TopicQueue {
		// what is left in the queue is for nobody now
		dropped := len(q.pending) + 1
		q.hungUp, q.pending = true, nil
		q.mu.Unlock()
		hangUp(broker, client)
		return dropped
	}
	q.pending = append(q.pending, msg)
	start := !q.sending
	q.sending = true
	q.mu.Unlock()
	if start {
		go q.drain(client)
	}
	return 0
}

// drain hands the queued events to the connection one by one (PocketBase's
// Client.Send waits until the connection takes each) and ends when the
// queue is empty.
func (q *clientQueue) drain(client subscriptions.Client) {
	for {
		q.mu.Lock()
		if len(q.pending) == 0 || q.hungUp {
			q.sending, q.pending = false, nil
			q.mu.Unlock()
			return
		}
		msg := q.pending[0]
		q.pending[0] = subscriptions.Message{}
		q.pending = q.pending[1:]
		q.mu.Unlock()

		client.Send(msg) // returns at once for a discarded client
	}
}

// hangUp disconnects a client that fell behind: its stuck write fails, its
// subscriptions go with it and a Send waiting on it returns.
func hangUp(broker *subscriptions.Broker, client subscriptions.Client) {
	if hangUp, ok := client.Get(topicHangUpKey).(func()); ok {
		hangUp()
	}
	client.Unsubscribe()
	broker.Unregister(client.Id())
}

func uniqueTopics(topics []string) []string {
	var out []string
	for _, topic := range topics {
		if topic != "" && !contains(out, topic) {
			out = append(out, topic)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
