package tasks_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"buurtplein/internal/testapp"
)

// sseEvent is one server-sent event of the realtime stream.
type sseEvent struct{ name, data string }

// realtimeClient is a real realtime connection to a test server (the same
// small client as plugins/feed's realtime test).
type realtimeClient struct {
	id     string
	events chan sseEvent
}

// connectRealtime opens the realtime stream, signs it in with token ("" for
// anonymous) and subscribes to topics. It returns the subscribe response's
// status.
func connectRealtime(t *testing.T, baseURL, token string, topics ...string) (*realtimeClient, int) {
	t.Helper()

	res, err := http.Get(baseURL + "/api/realtime")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })

	c := &realtimeClient{events: make(chan sseEvent, 100)}
	go readEvents(res.Body, c.events)

	connect := c.next(t, 10*time.Second)
	if connect.name != "PB_CONNECT" {
		t.Fatalf("expected PB_CONNECT, got %+v", connect)
	}
	var hello struct{ ClientId string }
	if err := json.Unmarshal([]byte(connect.data), &hello); err != nil {
		t.Fatal(err)
	}
	c.id = hello.ClientId

	body, _ := json.Marshal(map[string]any{"clientId": c.id, "subscriptions": topics})
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

func readEvents(r io.Reader, out chan<- sseEvent) {
	defer close(out)
	scanner := bufio.NewScanner(r)
	scanner.Buffer(make([]byte, 1<<20), 1<<20)
	var ev sseEvent
	for scanner.Scan() {
		line := scanner.Text()
		switch {
		case strings.HasPrefix(line, "event:"):
			ev.name = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
		case strings.HasPrefix(line, "data:"):
			ev.data += strings.TrimSpace(strings.TrimPrefix(line, "data:"))
		case line == "" && ev.name != "":
			out <- ev
			ev = sseEvent{}
		}
	}
}

// next returns the next event, failing the test when none comes in wait.
func (c *realtimeClient) next(t *testing.T, wait time.Duration) sseEvent {
	t.Helper()
	select {
	case ev, ok := <-c.events:
		if !ok {
			t.Fatal("the realtime stream closed")
		}
		return ev
	case <-time.After(wait):
		t.Fatal("no realtime event arrived")
	}
	return sseEvent{}
}

// receive returns the next n events.
func (c *realtimeClient) receive(t *testing.T, n int) []sseEvent {
	t.Helper()
	events := make([]sseEvent, n)
	for i := range events {
		events[i] = c.next(t, 10*time.Second)
	}
	return events
}

// TestTasksRealtimeScope checks that realtime events about tasks, offers,
// history and notifications reach only those who may read them. carla's
// only events must be those of a marker change in her own team, made after
// Haarlem-Noord's changes: had any of those reached her, it would have come
// first.
func TestTasksRealtimeScope(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	app := testapp.New(t)
	server := testapp.Serve(t, app)
	api := server.URL + "/api/collections/"

	subscribe := func(token string, topics ...string) *realtimeClient {
		c, status := connectRealtime(t, server.URL, token, topics...)
		if status != http.StatusNoContent {
			t.Fatalf("subscribing to %v: status %d", topics, status)
		}
		return c
	}
	carla := subscribe(f.carlaT, "tasks", "task_events", "task_transfers", "notifications",
		"tasks/"+f.task[wondzorg], "task_transfers/"+f.offer, `tasks?options={"query":{"filter":"team.slug = 'haarlem-noord'"}}`)
	dirk := subscribe(f.dirkT, "tasks")
	bram := subscribe(f.bramT, "notifications")
	anonymous := subscribe("", "tasks", "task_events", "task_transfers", "notifications")

	request := func(method, path, token string, body map[string]any) string {
		t.Helper()
		code, res := do(t, method, api+path, token, body)
		if code != 200 {
			t.Fatalf("%s %s: %d %s", method, path, code, res)
		}
		return res
	}

	// Haarlem-Noord's changes, made through the API as the PWA makes them
	request(http.MethodPatch, "tasks/records/"+f.task[wondzorg], f.annaT, map[string]any{"description": "Geheim: sleutel onder de mat"})
	request(http.MethodPatch, "task_transfers/records/"+f.offer, f.annaT, map[string]any{"status": "accepted"})
	secret := idOf(t, request(http.MethodPost, "tasks/records", f.annaT,
		map[string]any{"team": f.haarlem, "title": "Geheime taak", "created_by": f.anna, "assignee": f.dirk}))

	// the marker: a Schalkwijk task for carla
	marker := idOf(t, request(http.MethodPost, "tasks/records", f.dirkT,
		map[string]any{"team": f.schalkwijk, "title": "Voor Carla", "created_by": f.dirk, "assignee": f.carla}))

	// carla: the task, its two history lines and her notification, nothing
	// else
	topics := map[string]int{}
	for _, ev := range carla.receive(t, 4) {
		if !strings.Contains(ev.data, marker) {
			t.Fatalf("carla received an event that is not about her team's new task: %s %s", ev.name, ev.data)
		}
		topics[ev.name]++
	}
	if topics["tasks"] != 1 || topics["task_events"] != 2 || topics["notifications"] != 1 {
		t.Errorf("carla's events by topic: %v; want the task, two history lines, one notification", topics)
	}

	// dirk, in both teams: wondzorg edited and handed over, the new
	// Haarlem-Noord task and the marker
	ids := map[string]int{}
	for _, ev := range dirk.receive(t, 4) {
		for _, id := range []string{f.task[wondzorg], secret, marker} {
			if strings.Contains(ev.data, `"id":"`+id+`"`) {
				ids[id]++
			}
		}
	}
	if ids[f.task[wondzorg]] != 2 || ids[secret] != 1 || ids[marker] != 1 {
		t.Errorf("dirk's task events: %v; want wondzorg twice, the new task and the marker once", ids)
	}

	// bram hears his offer was accepted
	if ev := bram.next(t, 10*time.Second); !strings.Contains(ev.data, "heeft de taak") || !strings.Contains(ev.data, "aangenomen") {
		t.Errorf("bram's notification event: %s", ev.data)
	}

	// every send of the changes above was under way before the marker's
	// events reached carla; none may have reached carla or anonymous
	select {
	case ev := <-carla.events:
		t.Errorf("carla received a further event: %s %s", ev.name, ev.data)
	case ev := <-anonymous.events:
		t.Errorf("an anonymous client received %s %s", ev.name, ev.data)
	default:
	}
}

func TestTasksRealtimeFilterGuard(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	server := testapp.Serve(t, testapp.New(t))

	for _, filter := range []string{
		`tasks_via_assignee.title ~ 'Wondzorg'`,
		`notifications_via_user.title ~ 'overdragen'`,
		`task_transfers_via_to_user.note ~ 'vrij'`,
	} {
		_, status := connectRealtime(t, server.URL, f.carlaT, `users?options={"query":{"filter":"`+filter+`"}}`)
		if status != http.StatusBadRequest {
			t.Errorf("a subscription to users filtered on %s: status %d, want 400", filter, status)
		}
	}
	if _, status := connectRealtime(t, server.URL, f.carlaT, `tasks?options={"query":{"filter":"status = 'open'"}}`); status != http.StatusNoContent {
		t.Errorf("a plain filtered subscription: status %d, want 204", status)
	}
}
