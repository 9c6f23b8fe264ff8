package chat_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/chat"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tests"
)

// historyPage is the answer of the conversation's page route.
type historyPage struct {
	PerPage int `json:"perPage"`
	Items   []struct {
		Id      string `json:"id"`
		Body    string `json:"body"`
		Created string `json:"created"`
		Expand  struct {
			Author struct {
				Name string `json:"name"`
			} `json:"author"`
			ReplyTo struct {
				Id string `json:"id"`
			} `json:"reply_to"`
		} `json:"expand"`
	} `json:"items"`
}

// TestHistoryPages reads a conversation back page by page: newest first,
// with the author and the message replied to, every message once, also
// when several share a millisecond at the edge of a page.
func TestHistoryPages(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	server := testapp.Serve(t, o.app)
	group := saveChannel(t, o.app, map[string]any{
		"kind": chat.KindGroup, "name": "Bladzijden", "members": []string{o.anna, o.bram, o.carla}, "created_by": o.anna,
	})
	// 7 messages, the middle three in one millisecond
	start := time.Now().Add(-time.Hour).UTC().Truncate(time.Millisecond)
	var ids []string
	for i, at := range []time.Duration{0, 1, 2, 2, 2, 3, 4} {
		created := start.Add(at * time.Millisecond).Format("2006-01-02 15:04:05.000Z")
		id := strings.Repeat(string(rune('a'+i)), 15)
		_, err := o.app.DB().Insert(chat.MessagesCollection, dbx.Params{
			"id": id, "channel": group.Id, "author": o.bram, "body": "Bericht " + id[:1], "created": created, "updated": created,
		}).Execute()
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	reply := saveMessage(t, o.app, group.Id, o.carla, "Antwoord")
	reply.Set("reply_to", ids[6])
	if err := o.app.Save(reply); err != nil {
		t.Fatal(err)
	}

	page := func(query string) historyPage {
		t.Helper()
		status, body := testapp.Do(t, http.MethodGet, server.URL+"/api/buurtplein/chat/channels/"+group.Id+"/messages?"+query, o.annaT, nil)
		if status != http.StatusOK {
			t.Fatalf("page %q: %d %s", query, status, body)
		}
		var p historyPage
		if err := json.Unmarshal(body, &p); err != nil {
			t.Fatal(err)
		}
		return p
	}

	first := page("perPage=3")
	if len(first.Items) != 3 || first.Items[0].Id != reply.Id || first.Items[0].Expand.Author.Name != "Carla Bakker" ||
		first.Items[0].Expand.ReplyTo.Id != ids[6] || first.Items[1].Id != ids[6] {
		t.Fatalf("the first page: %+v", first.Items)
	}
	var seen []string
	for p := first; len(p.Items) > 0; {
		for _, m := range p.Items {
			seen = append(seen, m.Id)
		}
		last := p.Items[len(p.Items)-1]
		p = page("perPage=3&before=" + url.QueryEscape(last.Created) + "&beforeId=" + last.Id)
	}
	want := []string{reply.Id, ids[6], ids[5], ids[4], ids[3], ids[2], ids[1], ids[0]}
	if strings.Join(seen, " ") != strings.Join(want, " ") {
		t.Errorf("read back %v, want %v", seen, want)
	}
	if p := page(""); p.PerPage != 50 || len(p.Items) != 8 {
		t.Errorf("a page without perPage: %d of %d", len(p.Items), p.PerPage)
	}
}

// TestHistoryAccess: the page route is its chat's members', employees'
// only, and refuses a page it cannot read. (HEAD is the authorization
// matrix's, over a real connection.)
func TestHistoryAccess(t *testing.T) {
	o := newOrg(t)
	haarlem := teamChannel(t, o.app, o.haarlem).Id
	path := "/api/buurtplein/chat/channels/" + haarlem + "/messages"
	scenarios := []tests.ApiScenario{
		{Name: "a member", Method: http.MethodGet, URL: path, Headers: map[string]string{"Authorization": o.bramT},
			ExpectedStatus: 200, ExpectedContent: []string{`"items":[{`, `"perPage":50`}},
		{Name: "someone of another team", Method: http.MethodGet, URL: path, Headers: map[string]string{"Authorization": o.carlaT},
			ExpectedStatus: 404, ExpectedContent: []string{`"code":"chat_channel_not_found"`}, NotExpectedContent: []string{`"items"`}},
		{Name: "no channel", Method: http.MethodGet, URL: "/api/buurtplein/chat/channels/geenkanaalhier0/messages", Headers: map[string]string{"Authorization": o.bramT},
			ExpectedStatus: 404, ExpectedContent: []string{`"code":"chat_channel_not_found"`}},
		{Name: "anonymous", Method: http.MethodGet, URL: path, ExpectedStatus: 401, ExpectedContent: []string{`"status":401`}},
		{Name: "IT", Method: http.MethodGet, URL: path, Headers: map[string]string{"Authorization": o.superT},
			ExpectedStatus: 403, ExpectedContent: []string{`"status":403`}},
		{Name: "perPage over the bound", Method: http.MethodGet, URL: path + "?perPage=101", Headers: map[string]string{"Authorization": o.bramT},
			ExpectedStatus: 400, ExpectedContent: []string{`"code":"chat_page_invalid"`}},
		{Name: "perPage no number", Method: http.MethodGet, URL: path + "?perPage=veel", Headers: map[string]string{"Authorization": o.bramT},
			ExpectedStatus: 400, ExpectedContent: []string{`"code":"chat_page_invalid"`}},
		{Name: "before no time", Method: http.MethodGet, URL: path + "?before=gisteren", Headers: map[string]string{"Authorization": o.bramT},
			ExpectedStatus: 400, ExpectedContent: []string{`"code":"chat_page_invalid"`}},
		{Name: "an expand past the query bounds", Method: http.MethodGet, URL: path + "?expand=channel.team.memberships_via_team.user", Headers: map[string]string{"Authorization": o.bramT},
			ExpectedStatus: 400, NotExpectedContent: []string{`"items"`}},
	}
	for _, s := range scenarios {
		s.TestAppFactory = testapp.Factory // copies of one data dir: the same ids and tokens
		s.Test(t)
	}
}
