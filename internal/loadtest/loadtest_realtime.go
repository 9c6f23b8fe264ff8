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
	"strings"
	"sync"
	"sync/atomic"
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

	counting atomic.Bool // events count from the start of the load
	mu       sync.Mutex
	res      RealtimeResult
	wg       sync.WaitGroup
}

// topics are the subscriptions of an idle client, as the PWA makes them:
// notifications and memberships always (filtered to the employee), then
// those of the screen it shows: the feed (posts, comments) for half of
// them, my tasks (tasks, handovers) for the other half.
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

// startCounting makes events count from now on.
func (s *idlers) startCounting() { s.counting.Store(true) }

// wait waits for every client to close after ctx ended, and returns the
// sums.
func (s *idlers) wait() RealtimeResult {
	s.wg.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.res
}

// idle keeps one client connected until ctx ends; connected is called
// once the first connection attempt ended.
func (s *idlers) idle(ctx context.Context, acc *account, onFeed bool, connected func()) {
	first := true
	for {
		stream, err := s.open(ctx, acc, topics(acc, onFeed))
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

// receive counts the stream's events by collection until it ends.
func (s *idlers) receive(st *stream) {
	for {
		name, _, err := st.next()
		if err != nil {
			return
		}
		if !s.counting.Load() {
			continue
		}
		collection, _, _ := strings.Cut(name, "/")
		s.mu.Lock()
		s.res.Events[collection]++
		s.mu.Unlock()
	}
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
