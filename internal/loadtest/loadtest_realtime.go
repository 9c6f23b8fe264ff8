package loadtest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// connectParallel is how many idle clients connect at once.
const connectParallel = 50

// RealtimeResult sums up the idle realtime clients of a run.
type RealtimeResult struct {
	Clients    int            // asked for
	Connected  int            // connected and subscribed at the start
	Failed     int            // could not connect or subscribe at the start
	Reconnects int            // streams the server ended and the client opened again, as the SDK does
	Events     map[string]int // received during the load, by collection
	Lost       int            // streams that ended and could not be opened again
	Fanout     []Fanout       // an organisation post's and a team post's way to the clients
}

// EventCount is the number of events over every collection.
func (r RealtimeResult) EventCount() int {
	n := 0
	for _, v := range r.Events {
		n += v
	}
	return n
}

// idlers are the idle realtime clients: employees with the app open on a
// screen, doing nothing, receiving what changes.
type idlers struct {
	base   string
	client *http.Client
	scoped bool // subscribe to the scoped topics (our server) instead of collections

	ctx      context.Context
	accounts []*account
	fan      fanout

	counting atomic.Bool // events count from the start of the load
	mu       sync.Mutex
	res      RealtimeResult
	wg       sync.WaitGroup
}

// scopedTopics are the subscriptions of an idle client of our server, as
// the PWA makes them on every screen: the organisation's topic, the
// employee's own and one per team of theirs.
func scopedTopics(acc *account) []string {
	t := []string{"buurtplein/organisation", "buurtplein/user/" + acc.id}
	for _, team := range acc.teams {
		t = append(t, "buurtplein/team/"+team)
	}
	return t
}

// topics are the subscriptions of an idle client of bare PocketBase, which
// has no scoped topics, as the PWA made them before: notifications and
// memberships always (filtered to the employee), then those of the screen
// it shows: the feed (posts, comments) for half of them, my tasks (tasks,
// handovers) for the other half.
func topics(acc *account, onFeed bool) []string {
	mine := map[string]any{"filter": "user = " + quote(acc.id)}
	t := []string{topic("notifications", mine), topic("memberships", mine)}
	if onFeed {
		return append(t, topic("posts", map[string]any{"expand": "author,team"}), topic("comments", map[string]any{"expand": "author"}))
	}
	return append(t, "tasks/*", "task_transfers/*")
}

// topic is "collection/*" with the options as the SDK encodes them.
func topic(collection string, query map[string]any) string {
	opts, err := json.Marshal(map[string]any{"query": query})
	if err != nil {
		panic(err)
	}
	return collection + "/*?options=" + url.QueryEscape(string(opts))
}

// connect opens the streams of every account and subscribes them, a few
// at a time; the clients then idle until ctx ends.
func (s *idlers) connect(ctx context.Context, accounts []*account) {
	s.res = RealtimeResult{Clients: len(accounts), Events: map[string]int{}}
	s.ctx, s.accounts = ctx, accounts
	s.fan.arrived = map[string][]time.Time{}
	sem := make(chan struct{}, connectParallel)
	var ready sync.WaitGroup
	for i, acc := range accounts {
		sem <- struct{}{}
		ready.Add(1)
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.idle(ctx, acc, i%2 == 0, func() { <-sem; ready.Done() })
		}()
	}
	ready.Wait()
}

// startCounting makes events count from now on, and starts the fan-out
// probe.
func (s *idlers) startCounting() {
	s.counting.Store(true)
	if len(s.accounts) > 0 {
		s.wg.Go(func() { s.probe(s.ctx, s.accounts[0]) })
	}
}

// wait waits for every client to close after ctx ended, and returns the
// sums.
func (s *idlers) wait() RealtimeResult {
	s.wg.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.res.Fanout = s.fan.results()
	return s.res
}

// idle keeps one client connected until ctx ends; connected is called
// once the first connection attempt ended.
func (s *idlers) idle(ctx context.Context, acc *account, onFeed bool, connected func()) {
	first := true
	for {
		subscriptions := topics(acc, onFeed)
		if s.scoped {
			subscriptions = scopedTopics(acc)
		}
		stream, err := s.open(ctx, acc, subscriptions)
		s.mu.Lock()
		switch {
		case first && err != nil:
			s.res.Failed++
		case first:
			s.res.Connected++
		case err != nil && ctx.Err() == nil:
			s.res.Lost++
		case err == nil:
			s.res.Reconnects++
		}
		s.mu.Unlock()
		if first {
			first = false
			connected()
		}
		if err != nil {
			return
		}

		s.receive(stream)
		stream.Close()
		if ctx.Err() != nil {
			return
		}
	}
}

// stream is an open realtime connection.
type stream struct {
	res    *http.Response
	reader *bufio.Reader
}

func (st *stream) Close() { st.res.Body.Close() }

// open connects, waits for PB_CONNECT and subscribes, from the account's
// own address (PocketBase requires the subscribing request to come from
// the address that connected).
func (s *idlers) open(ctx context.Context, acc *account, subscriptions []string) (*stream, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.base+"/api/realtime", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("X-Forwarded-For", acc.ip)
	res, err := s.client.Do(req)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK {
		res.Body.Close()
		return nil, fmt.Errorf("realtime connect: status %d", res.StatusCode)
	}
	st := &stream{res: res, reader: bufio.NewReader(res.Body)}

	name, data, err := st.next()
	if err != nil || name != "PB_CONNECT" {
		st.Close()
		return nil, fmt.Errorf("realtime connect: no PB_CONNECT (%v)", err)
	}
	var hello struct{ ClientId string }
	if err := json.Unmarshal(data, &hello); err != nil {
		st.Close()
		return nil, err
	}

	if err := s.subscribe(ctx, acc, hello.ClientId, subscriptions); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

func (s *idlers) subscribe(ctx context.Context, acc *account, clientId string, subscriptions []string) error {
	payload, err := json.Marshal(map[string]any{"clientId": clientId, "subscriptions": subscriptions})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.base+"/api/realtime", bytes.NewReader(payload))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", acc.token)
	req.Header.Set("X-Forwarded-For", acc.ip)
	res, err := s.client.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNoContent {
		return fmt.Errorf("realtime subscribe: status %d", res.StatusCode)
	}
	return nil
}

// receive counts the stream's events by collection until it ends, and
// notes when the fan-out probe's posts arrive.
func (s *idlers) receive(st *stream) {
	for {
		name, data, err := st.next()
		if err != nil {
			return
		}
		if !s.counting.Load() {
			continue
		}
		at := time.Now()
		collection, _, _ := strings.Cut(name, "/")
		if collection == "buurtplein" {
			collection = fieldOf(data, "collectionName")
		}
		s.mu.Lock()
		s.res.Events[collection]++
		s.mu.Unlock()
		if collection == "posts" && bytes.Contains(data, []byte(probeMarker)) {
			var ev struct{ Record struct{ Id string } }
			if json.Unmarshal(data, &ev) == nil {
				s.fan.arrive(ev.Record.Id, at)
			}
		}
	}
}

// fieldOf returns the first string field name of a record event's data,
// found without decoding it all (2,000 clients decode a lot). Our server
// encodes the record's keys sorted, so its collectionName comes before
// those of its expand.
func fieldOf(data []byte, name string) string {
	key := []byte(`"` + name + `":"`)
	i := bytes.Index(data, key)
	if i < 0 {
		return ""
	}
	rest := data[i+len(key):]
	end := bytes.IndexByte(rest, '"')
	if end < 0 {
		return ""
	}
	return string(rest[:end])
}

// probeEvery is how often the fan-out probe posts, alternately to the
// organisation and to the poster's team.
const probeEvery = 2 * time.Second

// probeMarker starts the body of the probe's posts.
const probeMarker = "Fan-out probe "

// Fanout is how long a probe's posts took from the answer to the post
// until each idle client that follows them had its event.
type Fanout struct {
	Kind      string // "organisation" or "team" post
	Posts     int    // posted and answered
	Receivers int    // events received, over all posts
	P50, P99  time.Duration
}

// fanout collects the probe's posts and their arrivals.
type fanout struct {
	mu       sync.Mutex
	posted   []probePost
	arrived  map[string][]time.Time // by post id
	stopping time.Time
}

type probePost struct {
	id, kind string
	answered time.Time
}

func (f *fanout) arrive(id string, at time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.arrived != nil && id != "" {
		f.arrived[id] = append(f.arrived[id], at)
	}
}

// results returns the fan-out by kind of post, leaving out the posts of
// the last seconds, whose events may have been cut off by the end.
func (f *fanout) results() []Fanout {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Fanout
	for _, kind := range []string{"organisation", "team"} {
		r := Fanout{Kind: kind}
		var lat []time.Duration
		for _, p := range f.posted {
			if p.kind != kind || p.answered.After(f.stopping.Add(-probeEvery)) {
				continue
			}
			r.Posts++
			for _, at := range f.arrived[p.id] {
				// an event may come before the answer does: count it as 0
				lat = append(lat, max(at.Sub(p.answered), 0))
			}
		}
		slices.Sort(lat)
		r.Receivers, r.P50, r.P99 = len(lat), percentile(lat, 50), percentile(lat, 99)
		out = append(out, r)
	}
	return out
}

// probe posts every probeEvery as acc, alternately to the whole
// organisation and to acc's own team, until ctx ends; the idle clients
// note when each post reaches them.
func (s *idlers) probe(ctx context.Context, acc *account) {
	tick := time.NewTicker(probeEvery)
	defer tick.Stop()
	for n := 0; ; n++ {
		select {
		case <-ctx.Done():
			s.fan.mu.Lock()
			s.fan.stopping = time.Now()
			s.fan.mu.Unlock()
			return
		case <-tick.C:
		}
		body := map[string]any{"author": acc.id, "kind": "update", "body": fmt.Sprintf("%s%d", probeMarker, n), "visibility": "organisation"}
		kind := "organisation"
		if n%2 == 1 && len(acc.teams) > 0 {
			body["team"], body["visibility"], kind = acc.teams[0], "team", "team"
		}
		if id, answered, err := s.post(ctx, acc, body); err == nil {
			s.fan.mu.Lock()
			s.fan.posted = append(s.fan.posted, probePost{id: id, kind: kind, answered: answered})
			s.fan.mu.Unlock()
		}
	}
}

// post creates a post as acc and returns its id and when the answer came.
func (s *idlers) post(ctx context.Context, acc *account, body map[string]any) (string, time.Time, error) {
	payload, err := json.Marshal(body)
	if err != nil {
		return "", time.Time{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.base+"/api/collections/posts/records", bytes.NewReader(payload))
	if err != nil {
		return "", time.Time{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", acc.token)
	req.Header.Set("X-Forwarded-For", acc.ip)
	res, err := s.client.Do(req)
	if err != nil {
		return "", time.Time{}, err
	}
	defer res.Body.Close()
	answered := time.Now()
	var created struct{ Id string }
	if err := json.NewDecoder(res.Body).Decode(&created); err != nil || res.StatusCode != http.StatusOK {
		return "", time.Time{}, fmt.Errorf("fan-out post: status %d (%v)", res.StatusCode, err)
	}
	return created.Id, answered, nil
}

// next reads one server-sent event: its name and data.
func (st *stream) next() (name string, data []byte, err error) {
	for {
		line, err := st.reader.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// a record longer than the buffer: only PB_CONNECT's data is
			// read, so skip the rest of the line
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = st.reader.ReadSlice('\n')
			}
			if err != nil {
				return "", nil, err
			}
			continue
		}
		if err != nil {
			return "", nil, err
		}
		line = bytes.TrimRight(line, "\r\n")
		switch {
		case len(line) == 0 && name != "":
			return name, data, nil
		case bytes.HasPrefix(line, []byte("event:")):
			name = string(bytes.TrimSpace(line[len("event:"):]))
		case bytes.HasPrefix(line, []byte("data:")):
			data = append(data, bytes.TrimSpace(line[len("data:"):])...)
		}
	}
}
