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

// TestClientDataNoStore: every answer about client data says
// Cache-Control: no-store, refusals and missing routes included; other
// answers do not.
func TestClientDataNoStore(t *testing.T) {
	t.Parallel()
	noStore := func(want bool) func(t testing.TB, f *accessFixture, res *http.Response) {
		return func(t testing.TB, f *accessFixture, res *http.Response) {
			if got := res.Header.Get("Cache-Control") == "no-store"; got != want {
				t.Errorf("Cache-Control %q", res.Header.Get("Cache-Control"))
			}
		}
	}
	scenarios := []accessScenario{
		{
			name: "a client's list", method: http.MethodGet, who: "bram",
			url:    func(*accessFixture) string { return "/api/collections/clients/records" },
			status: 200, content: []string{"HN-9001"}, check: noStore(true),
		},
		{
			name: "a client refused", method: http.MethodGet, who: "carla",
			url:    func(f *accessFixture) string { return "/api/collections/clients/records/" + f.client1.Id },
			status: 404, check: noStore(true),
		},
		{
			name: "referrals by the collection's id, anonymous", method: http.MethodGet,
			url: func(f *accessFixture) string {
				c, _ := f.app.FindCollectionByNameOrId(regie.ReferralsCollection)
				return "/api/collections/" + c.Id + "/records"
			},
			status: 200, content: []string{`"items":[]`}, check: noStore(true),
		},
		{
			name: "an attachment", method: http.MethodGet,
			url: func(f *accessFixture) string {
				return "/api/files/conversations/" + f.conversation.Id + "/" + f.attachment(0) + "?token=" + f.fileToken("bram")
			},
			status: 200, content: []string{"PNG"}, check: noStore(true),
		},
		{
			name: "an attachment's thumb refused", method: http.MethodGet,
			url: func(f *accessFixture) string {
				return "/api/files/conversations/" + f.conversation.Id + "/" + f.attachment(1) + "?thumb=100x100"
			},
			status: 404, check: noStore(true),
		},
		{
			name: "a client route", method: http.MethodGet, who: "bram",
			url:    func(f *accessFixture) string { return "/api/buurtplein/clients/" + f.client1.Id + "/no-such-route" },
			status: 404, check: noStore(true),
		},
		{
			name: "tasks are not client data", method: http.MethodGet, who: "bram",
			url:    func(*accessFixture) string { return "/api/collections/tasks/records?perPage=1" },
			status: 200, content: []string{`"page":1`}, check: noStore(false),
		},
	}
	for _, s := range scenarios {
		s.run(t)
	}
}
