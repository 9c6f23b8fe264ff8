package chat_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/chat"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// reactionsOf returns the stored reactions of message id.
func reactionsOf(t testing.TB, app core.App, id string) map[string][]string {
	t.Helper()
	m, err := app.FindRecordById(chat.MessagesCollection, id)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string][]string
	_ = m.UnmarshalJSONField("reactions", &out)
	return out
}

func TestReactionRefusals(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	url := "/api/buurtplein/chat/messages/" + schalkwijkMessage + "/reactions"
	headers := func(token string) map[string]string {
		return map[string]string{"Authorization": token, "Content-Type": "application/json"}
	}
	unchanged := func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		if r := reactionsOf(t, app, schalkwijkMessage); len(r) != 0 {
			t.Fatalf("reactions stored: %v", r)
		}
	}
	scenarios := []tests.ApiScenario{
		{Name: "anonymous", Body: jsonBody(map[string]any{"emoji": "👍"}), ExpectedStatus: 401, ExpectedContent: []string{`"status":401`}},
		{Name: "superuser", Headers: headers(o.superT), Body: jsonBody(map[string]any{"emoji": "👍"}), ExpectedStatus: 403, ExpectedContent: []string{`"status":403`}},
		{
			Name: "not a member", Headers: headers(o.annaT), Body: jsonBody(map[string]any{"emoji": "👍"}),
			ExpectedStatus: 404, ExpectedContent: []string{`"code":"chat_message_not_found"`},
		},
		{
			Name: "no message", URL: "/api/buurtplein/chat/messages/nosuchmessage00/reactions", Headers: headers(o.carlaT),
			Body: jsonBody(map[string]any{"emoji": "👍"}), ExpectedStatus: 404, ExpectedContent: []string{`"code":"chat_message_not_found"`},
		},
		{
			Name: "text", Headers: headers(o.carlaT), Body: jsonBody(map[string]any{"emoji": "leuk"}),
			ExpectedStatus: 400, ExpectedContent: []string{`"code":"chat_reaction_invalid"`},
		},
		{
			Name: "two emoji", Headers: headers(o.carlaT), Body: jsonBody(map[string]any{"emoji": "👍👍"}),
			ExpectedStatus: 400, ExpectedContent: []string{`"code":"chat_reaction_invalid"`},
		},
		{
			Name: "empty", Headers: headers(o.carlaT), Body: jsonBody(map[string]any{"emoji": ""}),
			ExpectedStatus: 400, ExpectedContent: []string{`"code":"chat_reaction_invalid"`},
		},
		{
			Name: "too long", Headers: headers(o.carlaT), Body: jsonBody(map[string]any{"emoji": "👨‍👩‍👧‍👦"}),
			ExpectedStatus: 400, ExpectedContent: []string{`"code":"chat_reaction_invalid"`},
		},
	}
	for _, s := range scenarios {
		s.Method = http.MethodPost
		if s.URL == "" {
			s.URL = url
		}
		s.TestAppFactory = messagesFactory(o)
		if s.ExpectedStatus != 401 && s.ExpectedStatus != 403 {
			s.AfterTestFunc = unchanged
		}
		s.Test(t)
	}
}

func TestReactionToggle(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	fixedChannels(t, o.app, o)
	srv := testapp.Serve(t, o.app)
	react := func(token, emoji string) (int, string) {
		status, body := testapp.Do(t, http.MethodPost, srv.URL+"/api/buurtplein/chat/messages/"+schalkwijkMessage+"/reactions", token,
			map[string]any{"emoji": emoji})
		return status, string(body)
	}

	status, body := react(o.carlaT, "👍")
	if status != 200 || !strings.Contains(body, `"id":"`+schalkwijkMessage+`"`) || !strings.Contains(body, `"reactions":{"👍":["`+o.carla+`"]}`) {
		t.Fatalf("first reaction: %d %s", status, body)
	}
	if status, _ := react(o.dirkT, "👍"); status != 200 {
		t.Fatalf("dirk's reaction: %d", status)
	}
	if status, body := react(o.carlaT, "👍"); status != 200 || !strings.Contains(body, `"reactions":{"👍":["`+o.dirk+`"]}`) {
		t.Fatalf("carla's reaction again takes it away: %d %s", status, body)
	}
	if status, body := react(o.dirkT, "👍"); status != 200 || !strings.Contains(body, `"reactions":{}`) {
		t.Fatalf("the last one gone: %d %s", status, body)
	}

	// twenty different emoji at most
	emoji := []string{"😀", "😁", "😂", "😃", "😄", "😅", "😆", "😇", "😈", "😉", "😊", "😋", "😌", "😍", "😎", "😏", "😐", "😑", "😒", "😓"}
	for _, e := range emoji {
		if status, body := react(o.carlaT, e); status != 200 {
			t.Fatalf("reacting %s: %d %s", e, status, body)
		}
	}
	if status, body := react(o.dirkT, "😔"); status != 400 || !strings.Contains(body, `"code":"chat_reaction_invalid"`) {
		t.Fatalf("a 21st emoji: %d %s", status, body)
	}
	if status, _ := react(o.dirkT, "😀"); status != 200 {
		t.Fatalf("joining one of the twenty: %d", status)
	}
	if r := reactionsOf(t, o.app, schalkwijkMessage); len(r) != 20 || len(r["😀"]) != 2 {
		t.Fatalf("reactions %v", r)
	}

	// a reaction leaves the message unedited
	m, _ := o.app.FindRecordById(chat.MessagesCollection, schalkwijkMessage)
	if !m.GetDateTime("edited").IsZero() {
		t.Fatal("a reaction marked the message edited")
	}
}

func TestReactionsAtOnce(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	fixedChannels(t, o.app, o)
	srv := testapp.Serve(t, o.app)

	var wg sync.WaitGroup
	statuses := make([]int, 2)
	for i, token := range []string{o.carlaT, o.dirkT} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i], _ = testapp.Do(t, http.MethodPost, srv.URL+"/api/buurtplein/chat/messages/"+schalkwijkMessage+"/reactions", token,
				map[string]any{"emoji": "🎉"})
		}()
	}
	wg.Wait()
	if statuses[0] != 200 || statuses[1] != 200 {
		t.Fatalf("reactions at once answered %v", statuses)
	}
	got := reactionsOf(t, o.app, schalkwijkMessage)["🎉"]
	slices.Sort(got)
	want := []string{o.carla, o.dirk}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		b, _ := json.Marshal(got)
		t.Fatalf("reactions kept: %s, want both", b)
	}
}
