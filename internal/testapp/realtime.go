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
}

// ConnectRealtime opens the realtime stream, signs it in with token ("" for
// anonymous) and subscribes to topics. It returns the subscribe response's
// status, so a refused subscription can be checked too.
func ConnectRealtime(t testing.TB, baseURL, token string, topics ...string) (*RealtimeClient, int) {
	t.Helper()

	res, err := http.Get(baseURL + "/api/realtime")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })

	c := &RealtimeClient{Events: make(chan Event, 100)}
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

	body, _ := json.Marshal(map[string]any{"clientId": c.ID, "subscriptions": topics})
	req, _ := http.NewRequest(http.MethodPost, baseURL+"/api/realtime", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	sub, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	sub.Body.Close()
	return c, sub.StatusCode
}

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
