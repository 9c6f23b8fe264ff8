package regie_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"buurtplein/hooks"
	"buurtplein/internal/testapp"
	"buurtplein/plugins/regie"
)

// TestClientDataSubscriptionsRefused: a collection subscription to client
// data, by its name or id, to all records or one, is refused for
// everyone, superusers included (403 regie_subscription_forbidden), also
// mixed with a team topic; the team topic carries a client's id and
// collection alone.
func TestClientDataSubscriptionsRefused(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	testapp.Unlimited(t, app)
	f := newAccessFixture(t, app)
	server := testapp.Serve(t, app)
	conversations, err := app.FindCollectionByNameOrId(regie.ConversationsCollection)
	if err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct {
		who    string
		topics []string
	}{
		{"it", []string{"clients/*"}},
		{"it", []string{"clients/" + f.client1.Id}},
		{"anna", []string{"referrals/*"}},
		{"bram", []string{conversations.Id + "/*"}},
		{"bram", []string{`plans/*?options={"query":{"expand":"client"}}`}},
		{"bram", []string{hooks.TeamTopic(f.hn), "case_steps/" + f.client1.Id}},
	} {
		rt, status := testapp.OpenRealtime(t, server.URL)
		if rt == nil {
			t.Fatalf("opening the realtime stream: %d", status)
		}
		body := map[string]any{"clientId": rt.ID, "subscriptions": c.topics}
		status, res := testapp.Do(t, http.MethodPost, server.URL+"/api/realtime", f.tokens[c.who], body)
		if status != http.StatusForbidden || !strings.Contains(string(res), `"regie_subscription_forbidden"`) {
			t.Errorf("%s subscribing to %v: %d %s", c.who, c.topics, status, res)
		}
		rt.Close()
	}

	rt, status := testapp.ConnectRealtime(t, server.URL, f.tokens["bram"], hooks.TeamTopic(f.hn))
	if status != http.StatusNoContent {
		t.Fatalf("bram subscribing to his team's topic: %d", status)
	}
	client := f.saveClient(t, f.hn, "HN-9003", "G.H.")
	for {
		ev := rt.Next(t, 10*time.Second)
		if ev.Name == "PB_CONNECT" {
			continue
		}
		var data struct {
			Record map[string]any `json:"record"`
		}
		if err := json.Unmarshal([]byte(ev.Data), &data); err != nil {
			t.Fatal(err)
		}
		if data.Record["id"] != client.Id {
			continue // the workflow's writes that came with it
		}
		if len(data.Record) != 3 || data.Record["collectionName"] != regie.ClientsCollection || data.Record["collectionId"] == nil {
			t.Errorf("the team topic carries %v", data.Record)
		}
		if strings.Contains(ev.Data, "G.H.") || strings.Contains(ev.Data, "HN-9003") {
			t.Errorf("the team topic carries client data: %s", ev.Data)
		}
		break
	}
}
