package testapp

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Event is one server-sent event of the realtime stream.
type Event struct{ Name, Data string }

// RealtimeClient is a real realtime connection to a test server.
type RealtimeClient struct {
	ID     string
	Events chan Event

	baseURL string
	body    io.Closer
}

// ConnectRealtime opens the realtime stream, signs it in with token ("" for
// anonymous) and subscribes to topics. It returns the subscribe response's
// status, so a refused subscription can be checked too.
func ConnectRealtime(t testing.TB, baseURL, token string, topics ...string) (*RealtimeClient, int) {
	t.Helper()

	c, status := OpenRealtime(t, baseURL)
	if c == nil {
		t.Fatalf("opening the realtime stream: status %d", status)
	}
	return c, c.Subscribe(t, token, topics...)
}

// OpenRealtime opens the realtime stream and waits for its PB_CONNECT,
// without subscribing. When the server refuses the stream it returns nil
// and the status.
func OpenRealtime(t testing.TB, baseURL string) (*RealtimeClient, int) {
	t.Helper()

	res, err := http.Get(baseURL + "/api/realtime")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	if res.StatusCode != http.StatusOK {
		res.Body.Close()
		return nil, res.StatusCode
	}

	c := &RealtimeClient{Events: make(chan Event, 100), baseURL: baseURL, body: res.Body}
	go readEvents(res.Body, c.Events)

	connect := c.Next(t, 10*time.Second)
	if connect.Name != "PB_CONNECT" {
		t.Fatalf("expected PB_CONNECT, got %+v", connect)
	}
	var hello struct{ ClientId string }
	if err := json.Unmarshal([]byte(connect.Data), &hello); err != nil {
		t.Fatal(err)
	}
	c.ID = hello.ClientId
	return c, res.StatusCode
}

// Subscribe sets the connection's subscriptions, signed in with token (""
// for anonymous), and returns the response's status.
func (c *RealtimeClient) Subscribe(t testing.TB, token string, topics ...string) int {
	t.Helper()

	body, _ := json.Marshal(map[string]any{"clientId": c.ID, "subscriptions": topics})
	req, _ := http.NewRequest(http.MethodPost, c.baseURL+"/api/realtime", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	sub, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	sub.Body.Close()
	return sub.StatusCode
}

// Close ends the connection from the client's side.
func (c *RealtimeClient) Close() { c.body.Close() }

func readEvents(r io.Reader, out chan<- Event) {
	defer close(out)
	scanner := bufio.NewScanner(r)
	scanner.Buffer(make([]byte, 1<<20), 1<<20)
	var ev Event
	for scanner.Scan() {
		line := scanner.Text()
		switch {
		case strings.HasPrefix(line, "event:"):
			ev.Name = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
		case strings.HasPrefix(line, "data:"):
			ev.Data += strings.TrimSpace(strings.TrimPrefix(line, "data:"))
		case line == "" && ev.Name != "":
			out <- ev
			ev = Event{}
		}
	}
}

// Next returns the next event, failing the test when none comes in wait.
func (c *RealtimeClient) Next(t testing.TB, wait time.Duration) Event {
	t.Helper()
	select {
	case ev, ok := <-c.Events:
		if !ok {
			t.Fatal("the realtime stream closed")
		}
		return ev
	case <-time.After(wait):
		t.Fatal("no realtime event arrived")
	}
	return Event{}
}

// Receive returns the next n events.
func (c *RealtimeClient) Receive(t testing.TB, n int) []Event {
	t.Helper()
	events := make([]Event, n)
	for i := range events {
		events[i] = c.Next(t, 10*time.Second)
	}
	return events
}
