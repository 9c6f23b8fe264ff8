package mustread_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"buurtplein/hooks"
	"buurtplein/internal/testapp"
)

// TestConfirmationLive: bram's confirmation of his team's must-read
// reaches anna's readers overview live, on the team's topic, with bram's
// name; carla, listening to the organisation, hears nothing of it; a
// confirmation of what asks every employee reaches BOB's topic.
func TestConfirmationLive(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	app := testapp.New(t)
	testapp.Unlimited(t, app)
	f.seed(t, app)
	server := testapp.Serve(t, app)

	anna, status := testapp.ConnectRealtime(t, server.URL, f.annaT, hooks.TeamTopic(f.haarlem))
	if status != http.StatusNoContent {
		t.Fatalf("anna subscribing: %d", status)
	}
	defer anna.Close()
	bo, status := testapp.ConnectRealtime(t, server.URL, f.boT, hooks.TeamTopic(f.bob))
	if status != http.StatusNoContent {
		t.Fatalf("bo subscribing: %d", status)
	}
	defer bo.Close()
	carla, status := testapp.ConnectRealtime(t, server.URL, f.carlaT, hooks.OrganisationTopic, hooks.UserTopic(f.carla))
	if status != http.StatusNoContent {
		t.Fatalf("carla subscribing: %d", status)
	}
	defer carla.Close()

	if status, b := testapp.Do(t, http.MethodPost, server.URL+readsURL, f.bramT, map[string]any{"post": teamPost, "user": f.bram}); status != 200 {
		t.Fatalf("bram confirming: %d %s", status, b)
	}
	var event struct {
		Action string
		Record struct {
			Post, User string
			Expand     struct{ User struct{ Name string } }
		}
	}
	ev := anna.Next(t, 10*time.Second)
	if err := json.Unmarshal([]byte(ev.Data), &event); err != nil {
		t.Fatal(err)
	}
	if ev.Name != hooks.TeamTopic(f.haarlem) || event.Action != "create" || event.Record.Post != teamPost ||
		event.Record.User != f.bram || event.Record.Expand.User.Name != "Bram Jansen" {
		t.Errorf("anna got %s %s", ev.Name, ev.Data)
	}

	// carla's own confirmation of the organisation's post: on her topic
	// and BOB's, not on the organisation's; events come in the order of
	// the writes, so had bram's reached her, it would come first
	if status, b := testapp.Do(t, http.MethodPost, server.URL+readsURL, f.carlaT, map[string]any{"post": orgPost, "user": f.carla}); status != 200 {
		t.Fatalf("carla confirming: %d %s", status, b)
	}
	if ev := bo.Next(t, 10*time.Second); ev.Name != hooks.TeamTopic(f.bob) {
		t.Errorf("bo got %s %s", ev.Name, ev.Data)
	}
	if ev := carla.Next(t, 10*time.Second); ev.Name != hooks.UserTopic(f.carla) {
		t.Errorf("carla got %s %s: bram's confirmation or hers on the organisation's topic", ev.Name, ev.Data)
	}
}
