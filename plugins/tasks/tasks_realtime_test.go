package tasks_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"buurtplein/internal/testapp"
)

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

	subscribe := func(token string, topics ...string) *testapp.RealtimeClient {
		c, status := testapp.ConnectRealtime(t, server.URL, token, topics...)
		if status != http.StatusNoContent {
			t.Fatalf("subscribing to %v: status %d", topics, status)
		}
		return c
	}
	carla := subscribe(f.carlaT, "tasks", "task_events", "task_transfers", "notifications",
		"tasks/"+f.task[wondzorg], "task_transfers/"+f.offer, `tasks?options={"query":{"filter":"team.slug = 'haarlem-noord'"}}`)
	dirk := subscribe(f.dirkT, "tasks")
	bram := subscribe(f.bramT, "notifications")
	// realtime needs a session: an anonymous subscription is refused, and
	// its stream must stay silent too
	anonymous, status := testapp.ConnectRealtime(t, server.URL, "", "tasks", "task_events", "task_transfers", "notifications")
	if status != http.StatusUnauthorized {
		t.Fatalf("an anonymous subscription: status %d, want 401", status)
	}

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
	for _, ev := range carla.Receive(t, 4) {
		if !strings.Contains(ev.Data, marker) {
			t.Fatalf("carla received an event that is not about her team's new task: %s %s", ev.Name, ev.Data)
		}
		topics[ev.Name]++
	}
	if topics["tasks"] != 1 || topics["task_events"] != 2 || topics["notifications"] != 1 {
		t.Errorf("carla's events by topic: %v; want the task, two history lines, one notification", topics)
	}

	// dirk, in both teams: wondzorg edited and handed over, the new
	// Haarlem-Noord task and the marker
	ids := map[string]int{}
	for _, ev := range dirk.Receive(t, 4) {
		for _, id := range []string{f.task[wondzorg], secret, marker} {
			if strings.Contains(ev.Data, `"id":"`+id+`"`) {
				ids[id]++
			}
		}
	}
	if ids[f.task[wondzorg]] != 2 || ids[secret] != 1 || ids[marker] != 1 {
		t.Errorf("dirk's task events: %v; want wondzorg twice, the new task and the marker once", ids)
	}

	// bram hears his offer was accepted
	if ev := bram.Next(t, 10*time.Second); !strings.Contains(ev.Data, `"kind":"handover_accepted"`) || !strings.Contains(ev.Data, `"actor":"Anna de Vries"`) {
		t.Errorf("bram's notification event: %s", ev.Data)
	}

	// every send of the changes above was under way before the marker's
	// events reached carla; none may have reached carla or anonymous
	select {
	case ev := <-carla.Events:
		t.Errorf("carla received a further event: %s %s", ev.Name, ev.Data)
	case ev := <-anonymous.Events:
		t.Errorf("an anonymous client received %s %s", ev.Name, ev.Data)
	default:
	}
}

func TestTasksRealtimeFilterGuard(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	server := testapp.Serve(t, testapp.New(t))

	for _, filter := range []string{
		`tasks_via_assignee.title ~ 'Wondzorg'`,
		`notifications_via_user.params ~ 'Wondzorg'`,
		`task_transfers_via_to_user.note ~ 'vrij'`,
	} {
		_, status := testapp.ConnectRealtime(t, server.URL, f.carlaT, `users?options={"query":{"filter":"`+filter+`"}}`)
		if status != http.StatusBadRequest {
			t.Errorf("a subscription to users filtered on %s: status %d, want 400", filter, status)
		}
	}
	if _, status := testapp.ConnectRealtime(t, server.URL, f.carlaT, `tasks?options={"query":{"filter":"status = 'open'"}}`); status != http.StatusNoContent {
		t.Errorf("a plain filtered subscription: status %d, want 204", status)
	}
}
