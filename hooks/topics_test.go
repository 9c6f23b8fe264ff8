package hooks_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"buurtplein/hooks"
	"buurtplein/internal/testapp"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/subscriptions"
)

// topicEvent is the data of a scoped topic's event.
type topicEvent struct {
	Action string         `json:"action"`
	Record map[string]any `json:"record"`
}

func decodeTopicEvent(t *testing.T, ev testapp.Event) topicEvent {
	t.Helper()
	var out topicEvent
	if err := json.Unmarshal([]byte(ev.Data), &out); err != nil {
		t.Fatalf("event %s: %v (%s)", ev.Name, err, ev.Data)
	}
	return out
}

// nextTopicEvent returns the next event of c that is not PocketBase's own.
func nextTopicEvent(t *testing.T, c *testapp.RealtimeClient) (string, topicEvent) {
	t.Helper()
	for {
		ev := c.Next(t, 10*time.Second)
		if ev.Name != "PB_CONNECT" {
			return ev.Name, decodeTopicEvent(t, ev)
		}
	}
}

// orgPost creates an organisation-wide post by author, the marker a test
// waits for: events arrive in the order of the writes, so whatever a
// client did not get before it, it was not sent.
func orgPost(t testing.TB, app core.App, author, body string) *core.Record {
	t.Helper()
	p := core.NewRecord(mustCollection(t, app, "posts"))
	p.Set("author", testapp.Id(t, app, "users", "email", author))
	p.Set("kind", "update")
	p.Set("visibility", "organisation")
	p.Set("body", body)
	if err := app.Save(p); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestTopicTeamGetsItsEvents: a subscriber to a team topic gets that team's
// posts, comments and tasks, in PocketBase's event shape with what the API
// shows, and nothing of another team.
func TestTopicTeamGetsItsEvents(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	server := testapp.Serve(t, app)
	haarlem := testapp.Id(t, app, "teams", "slug", "haarlem-noord")

	bram := testapp.Token(t, app, "bram@buurtplein.test")
	c, status := testapp.ConnectRealtime(t, server.URL, bram, hooks.TeamTopic(haarlem))
	if status != http.StatusNoContent {
		t.Fatalf("bram's subscription to his team: status %d, want 204", status)
	}

	newPost(t, app, "schalkwijk", "carla@buurtplein.test", "Niet voor Haarlem-Noord")
	post := newPost(t, app, "haarlem-noord", "anna@buurtplein.test", "Voor Haarlem-Noord")

	name, ev := nextTopicEvent(t, c)
	if name != hooks.TeamTopic(haarlem) || ev.Action != "create" || ev.Record["id"] != post.Id {
		t.Fatalf("first event: %s %s %v, want the create of %s on the team topic", name, ev.Action, ev.Record["id"], post.Id)
	}
	if ev.Record["collectionName"] != "posts" || ev.Record["body"] != "Voor Haarlem-Noord" {
		t.Errorf("record: %v", ev.Record)
	}
	author, _ := ev.Record["expand"].(map[string]any)["author"].(map[string]any)
	if author["name"] == "" || author["name"] == nil {
		t.Errorf("the author is not expanded with a name: %v", ev.Record["expand"])
	}
	if _, leaked := author["email"]; leaked {
		t.Errorf("the author's e-mail address went out: %v", author)
	}

	comments := mustCollection(t, app, "comments")
	comment := core.NewRecord(comments)
	comment.Set("post", post.Id)
	comment.Set("author", testapp.Id(t, app, "users", "email", "bram@buurtplein.test"))
	comment.Set("body", "Gezien")
	if err := app.Save(comment); err != nil {
		t.Fatal(err)
	}
	if name, ev := nextTopicEvent(t, c); ev.Record["collectionName"] != "comments" || ev.Record["id"] != comment.Id || name != hooks.TeamTopic(haarlem) {
		t.Fatalf("after the comment: %s %v", name, ev.Record)
	}

	// a task written through the API, in the tasks plugin's transaction,
	// arrives with its people expanded
	bramId := testapp.Id(t, app, "users", "email", "bram@buurtplein.test")
	status, body := testapp.Do(t, http.MethodPost, server.URL+"/api/collections/tasks/records", bram, map[string]any{
		"team": haarlem, "title": "Medicatie ophalen", "status": "open", "created_by": bramId, "assignee": bramId,
	})
	if status != http.StatusOK {
		t.Fatalf("creating a task: %d %s", status, body)
	}
	for {
		_, ev := nextTopicEvent(t, c)
		if ev.Record["collectionName"] != "tasks" {
			continue
		}
		expand, _ := ev.Record["expand"].(map[string]any)
		if assignee, _ := expand["assignee"].(map[string]any); assignee["name"] == nil {
			t.Errorf("the task's assignee is not expanded: %v", ev.Record)
		}
		break
	}

	if err := app.Delete(post); err != nil {
		t.Fatal(err)
	}
	// the post's delete and its comment's (deleted with it) on the team topic
	got := map[string]string{}
	for got["posts"] == "" || got["comments"] == "" {
		_, ev := nextTopicEvent(t, c)
		got[ev.Record["collectionName"].(string)] = ev.Action
	}
	if got["posts"] != "delete" || got["comments"] != "delete" {
		t.Errorf("after the post's delete: %v", got)
	}
}

// TestTopicSubscribeRefused: a topic that is not the caller's refuses the
// whole subscribe request with 403, and the connection then gets nothing.
func TestTopicSubscribeRefused(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	testapp.Unlimited(t, app)
	server := testapp.Serve(t, app)
	haarlem := testapp.Id(t, app, "teams", "slug", "haarlem-noord")
	schalkwijk := testapp.Id(t, app, "teams", "slug", "schalkwijk")
	bramId := testapp.Id(t, app, "users", "email", "bram@buurtplein.test")
	carlaId := testapp.Id(t, app, "users", "email", "carla@buurtplein.test")
	bram := testapp.Token(t, app, "bram@buurtplein.test")

	cases := []struct {
		name   string
		token  string
		topics []string
		want   int
	}{
		{"own team", bram, []string{hooks.TeamTopic(haarlem)}, 204},
		{"own user", bram, []string{hooks.UserTopic(bramId), hooks.OrganisationTopic}, 204},
		{"another team", bram, []string{hooks.TeamTopic(schalkwijk)}, 403},
		{"another team among own", bram, []string{hooks.OrganisationTopic, hooks.TeamTopic(haarlem), hooks.TeamTopic(schalkwijk)}, 403},
		{"another user", bram, []string{hooks.UserTopic(carlaId)}, 403},
		{"unknown kind", bram, []string{"buurtplein/everything"}, 403},
		{"team without id", bram, []string{"buurtplein/team/"}, 403},
		{"with options", bram, []string{hooks.OrganisationTopic + `?options={"query":{"expand":"author"}}`}, 403},
		{"anonymous", "", []string{hooks.OrganisationTopic}, 401},
		{"superuser any team", testapp.Token(t, app, "it@buurtplein.test"), []string{hooks.TeamTopic(schalkwijk), hooks.UserTopic(carlaId)}, 204},
	}
	for _, c := range cases {
		_, status := testapp.ConnectRealtime(t, server.URL, c.token, c.topics...)
		if status != c.want {
			t.Errorf("%s: status %d, want %d", c.name, status, c.want)
		}
	}

	// the refused request set nothing: bram's connection gets no
	// Schalkwijk post and no organisation post either
	refused, status := testapp.ConnectRealtime(t, server.URL, bram, hooks.OrganisationTopic, hooks.TeamTopic(schalkwijk))
	if status != http.StatusForbidden {
		t.Fatalf("status %d", status)
	}
	if status := refused.Subscribe(t, bram, hooks.TeamTopic(haarlem)); status != http.StatusNoContent {
		t.Fatalf("resubscribing to his own team: %d", status)
	}
	newPost(t, app, "schalkwijk", "carla@buurtplein.test", "Schalkwijk")
	orgPost(t, app, "carla@buurtplein.test", "Iedereen")
	marker := newPost(t, app, "haarlem-noord", "anna@buurtplein.test", "Haarlem")
	if _, ev := nextTopicEvent(t, refused); ev.Record["id"] != marker.Id {
		t.Fatalf("got %v before the Haarlem-Noord post", ev.Record)
	}
}

// TestTopicRemovedMemberStops: a member removed from a team stops getting
// its topic at once, without reconnecting; the removal itself reaches her
// on her own topic.
func TestTopicRemovedMemberStops(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	server := testapp.Serve(t, app)
	schalkwijk := testapp.Id(t, app, "teams", "slug", "schalkwijk")
	dirkId := testapp.Id(t, app, "users", "email", "dirk@buurtplein.test")
	dirk := testapp.Token(t, app, "dirk@buurtplein.test")

	c, status := testapp.ConnectRealtime(t, server.URL, dirk,
		hooks.TeamTopic(schalkwijk), hooks.UserTopic(dirkId), hooks.OrganisationTopic)
	if status != http.StatusNoContent {
		t.Fatalf("status %d", status)
	}

	membership, err := app.FindFirstRecordByFilter("memberships", "team = {:team} && user = {:user}",
		map[string]any{"team": schalkwijk, "user": dirkId})
	if err != nil {
		t.Fatal(err)
	}
	if err := app.Delete(membership); err != nil {
		t.Fatal(err)
	}
	newPost(t, app, "schalkwijk", "carla@buurtplein.test", "Na Dirks vertrek")
	marker := orgPost(t, app, "anna@buurtplein.test", "Voor iedereen")

	var sawRemoval bool
	for {
		name, ev := nextTopicEvent(t, c)
		if ev.Record["id"] == marker.Id {
			break
		}
		if ev.Record["collectionName"] == "posts" {
			t.Fatalf("dirk got a Schalkwijk post after he left: %s %v", name, ev.Record)
		}
		if ev.Record["id"] == membership.Id && ev.Action == "delete" && name == hooks.UserTopic(dirkId) {
			sawRemoval = true
		}
	}
	if !sawRemoval {
		t.Error("dirk was not told on his own topic that he left Schalkwijk")
	}

	// and he cannot subscribe to it again
	if status := c.Subscribe(t, dirk, hooks.TeamTopic(schalkwijk)); status != http.StatusForbidden {
		t.Errorf("resubscribing after leaving: status %d, want 403", status)
	}
}

// TestTopicVisibilityWithdraws: a post changed from organisation to team
// visibility is withdrawn from the organisation topic (a delete) and
// arrives on its team's topic (a create), in that order.
func TestTopicVisibilityWithdraws(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	server := testapp.Serve(t, app)
	haarlem := testapp.Id(t, app, "teams", "slug", "haarlem-noord")

	carla, _ := testapp.ConnectRealtime(t, server.URL, testapp.Token(t, app, "carla@buurtplein.test"), hooks.OrganisationTopic)
	bram, _ := testapp.ConnectRealtime(t, server.URL, testapp.Token(t, app, "bram@buurtplein.test"),
		hooks.OrganisationTopic, hooks.TeamTopic(haarlem))

	post := orgPost(t, app, "anna@buurtplein.test", "Eerst voor iedereen")
	for _, c := range []*testapp.RealtimeClient{carla, bram} {
		if name, ev := nextTopicEvent(t, c); name != hooks.OrganisationTopic || ev.Record["id"] != post.Id {
			t.Fatalf("the organisation post: %s %v", name, ev.Record)
		}
	}

	post.Set("team", haarlem)
	post.Set("visibility", "team")
	post.Set("body", "Nu alleen voor het team")
	if err := app.Save(post); err != nil {
		t.Fatal(err)
	}
	if name, ev := nextTopicEvent(t, carla); name != hooks.OrganisationTopic || ev.Action != "delete" || ev.Record["id"] != post.Id {
		t.Fatalf("carla: %s %s %v, want a delete on the organisation topic", name, ev.Action, ev.Record["id"])
	} else if ev.Record["body"] != nil || ev.Record["team"] != nil {
		// the post as it is now is no longer carla's to read
		t.Errorf("carla's delete carries the post as it is now: %v", ev.Record)
	}
	var got []string
	for range 2 {
		name, ev := nextTopicEvent(t, bram)
		got = append(got, ev.Action+" "+name)
	}
	want := []string{"delete " + hooks.OrganisationTopic, "create " + hooks.TeamTopic(haarlem)}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("bram got %v, want %v", got, want)
	}

	// carla gets nothing more of it: the next she sees is the marker
	post.Set("body", "Nu alleen voor het team")
	if err := app.Save(post); err != nil {
		t.Fatal(err)
	}
	marker := orgPost(t, app, "bram@buurtplein.test", "Marker")
	if _, ev := nextTopicEvent(t, carla); ev.Record["id"] != marker.Id {
		t.Errorf("carla got %v after the post left her topic", ev.Record)
	}
}

// TestTopicSlowClientDisconnected: a client that stops taking events is
// disconnected once its queue is full; the writes never wait for it, the
// other clients keep getting every event and the hang-up is counted.
func TestTopicSlowClientDisconnected(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	server := testapp.Serve(t, app)

	// a client whose connection never takes an event: PocketBase's Send
	// to it blocks forever
	stuck := subscriptions.NewDefaultClient()
	stuck.Subscribe(hooks.OrganisationTopic)
	app.SubscriptionsBroker().Register(stuck)

	fine, _ := testapp.ConnectRealtime(t, server.URL, testapp.Token(t, app, "carla@buurtplein.test"), hooks.OrganisationTopic)

	var last *core.Record
	for i := range hooks.TopicQueue + 10 {
		last = orgPost(t, app, "anna@buurtplein.test", fmt.Sprintf("Bericht %d", i))
	}
	for {
		if _, ev := nextTopicEvent(t, fine); ev.Record["id"] == last.Id {
			break
		}
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := app.SubscriptionsBroker().ClientById(stuck.Id()); err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the stuck client is still connected")
		}
	}
	if !stuck.IsDiscarded() || len(stuck.Subscriptions()) != 0 {
		t.Error("the stuck client kept its subscriptions")
	}

	// the metrics count the hang-up and the events that went nowhere
	stats := hooks.TopicStatsOf(app)
	if stats.HangUps != 1 || stats.Dropped < hooks.TopicQueue || stats.Pending != 0 {
		t.Errorf("topic stats %+v, want one hang-up, at least %d dropped, none pending", stats, hooks.TopicQueue)
	}
}

// TestTopicIdOnly: a collection declared IdOnly (client data) sends the
// record's id and collection alone, so every read of it goes through the
// API.
func TestTopicIdOnly(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	server := testapp.Serve(t, app)
	hooks.PublishTo(app, "teams", hooks.Topics{
		Of:     func(core.App, *core.Record) ([]string, error) { return []string{hooks.OrganisationTopic}, nil },
		Expand: map[string][]string{"logo": {"name"}},
		IdOnly: true,
	})
	c, _ := testapp.ConnectRealtime(t, server.URL, testapp.Token(t, app, "bram@buurtplein.test"), hooks.OrganisationTopic)

	team := core.NewRecord(mustCollection(t, app, "teams"))
	team.Set("name", "Buurtteam Zandvoort")
	team.Set("slug", "zandvoort")
	team.Set("kind", "buurtteam")
	if err := app.Save(team); err != nil {
		t.Fatal(err)
	}
	_, ev := nextTopicEvent(t, c)
	if len(ev.Record) != 3 || ev.Record["id"] != team.Id || ev.Record["collectionName"] != "teams" || ev.Record["collectionId"] == nil {
		t.Errorf("an IdOnly event carries %v", ev.Record)
	}
}

// TestTopicStuckConnectionClosed: a real connection whose reader stopped
// reading (its socket buffers full, the server's write to it blocked) is
// closed once its queue is full, while the writes go on.
func TestTopicStuckConnectionClosed(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	testapp.Unlimited(t, app)

	router, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	var mux http.Handler
	serve := &core.ServeEvent{App: app, Router: router}
	if err := app.OnServe().Trigger(serve, func(e *core.ServeEvent) error {
		mux, err = e.Router.BuildMux()
		return err
	}); err != nil {
		t.Fatal(err)
	}
	// small socket buffers, so a reader that stops holds up the server's
	// writes after a few events rather than after megabytes
	server := httptest.NewUnstartedServer(mux)
	server.Config.ConnState = func(c net.Conn, state http.ConnState) {
		if tcp, ok := c.(*net.TCPConn); ok && state == http.StateNew {
			tcp.SetWriteBuffer(4096)
		}
	}
	server.Start()
	t.Cleanup(server.Close)

	conn, err := net.Dial("tcp", server.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.(*net.TCPConn).SetReadBuffer(4096)
	fmt.Fprintf(conn, "GET /api/realtime HTTP/1.1\r\nHost: test\r\n\r\n")
	reader := bufio.NewReader(conn)
	var clientId string
	for clientId == "" {
		line, err := reader.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if rest, ok := strings.CutPrefix(line, "id:"); ok {
			clientId = strings.TrimSpace(rest)
		}
	}
	body, _ := json.Marshal(map[string]any{"clientId": clientId, "subscriptions": []string{hooks.OrganisationTopic}})
	req, _ := http.NewRequest(http.MethodPost, server.URL+"/api/realtime", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", testapp.Token(t, app, "carla@buurtplein.test"))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNoContent {
		t.Fatalf("subscribing: %d", res.StatusCode)
	}

	// the reader stops here; the posts go on
	long := strings.Repeat("Een lang bericht. ", 200)
	for i := 0; ; i++ {
		if _, err := app.SubscriptionsBroker().ClientById(clientId); err != nil {
			break
		}
		if i > hooks.TopicQueue+2000 {
			t.Fatal("the stuck connection is still registered")
		}
		orgPost(t, app, "anna@buurtplein.test", fmt.Sprintf("%d %s", i, long))
	}

	// the server closed it: reading on reaches the end
	conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.Copy(io.Discard, reader); err != nil {
		t.Errorf("the stuck connection was not closed: %v", err)
	}
}

// TestTopicTaskMovesTeam: a task handed over to another team leaves the old
// team's topic (a delete) and arrives on the new one's (a create).
func TestTopicTaskMovesTeam(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	server := testapp.Serve(t, app)
	haarlem := testapp.Id(t, app, "teams", "slug", "haarlem-noord")
	schalkwijk := testapp.Id(t, app, "teams", "slug", "schalkwijk")

	bram, _ := testapp.ConnectRealtime(t, server.URL, testapp.Token(t, app, "bram@buurtplein.test"), hooks.TeamTopic(haarlem))
	carla, _ := testapp.ConnectRealtime(t, server.URL, testapp.Token(t, app, "carla@buurtplein.test"), hooks.TeamTopic(schalkwijk))

	task := core.NewRecord(mustCollection(t, app, "tasks"))
	task.Set("team", haarlem)
	task.Set("title", "Steunkousen aantrekken")
	task.Set("status", "open")
	task.Set("created_by", testapp.Id(t, app, "users", "email", "anna@buurtplein.test"))
	if err := app.Save(task); err != nil {
		t.Fatal(err)
	}
	task.Set("team", schalkwijk)
	if err := app.Save(task); err != nil {
		t.Fatal(err)
	}

	want := map[*testapp.RealtimeClient]string{bram: "delete", carla: "create"}
	for c, action := range want {
		for {
			_, ev := nextTopicEvent(t, c)
			if ev.Record["id"] != task.Id || (c == bram && ev.Action == "create") {
				continue // the history, or bram's create before the move
			}
			if ev.Action != action {
				t.Errorf("got %s, want %s", ev.Action, action)
			}
			break
		}
	}
}

// TestTopicReadersNarrow: a collection whose Topics.Readers names who may
// read a record sends its events on a wide topic to those readers alone
// (and to superusers), deletes included; the others on the topic get
// nothing of it.
func TestTopicReadersNarrow(t *testing.T) {
	t.Parallel()
	app := testapp.New(t)
	server := testapp.Serve(t, app)
	anna := testapp.Id(t, app, "users", "email", "anna@buurtplein.test")
	hooks.PublishTo(app, "teams", hooks.Topics{
		Of:      func(core.App, *core.Record) ([]string, error) { return []string{hooks.OrganisationTopic}, nil },
		Readers: func(core.App, *core.Record) ([]string, error) { return []string{anna}, nil },
	})
	reader, _ := testapp.ConnectRealtime(t, server.URL, testapp.Token(t, app, "anna@buurtplein.test"), hooks.OrganisationTopic)
	other, _ := testapp.ConnectRealtime(t, server.URL, testapp.Token(t, app, "bram@buurtplein.test"), hooks.OrganisationTopic)
	super, _ := testapp.ConnectRealtime(t, server.URL, testapp.Token(t, app, "it@buurtplein.test"), hooks.OrganisationTopic)

	team := core.NewRecord(mustCollection(t, app, "teams"))
	team.Set("name", "Buurtteam Zandvoort")
	team.Set("slug", "zandvoort")
	team.Set("kind", "buurtteam")
	if err := app.Save(team); err != nil {
		t.Fatal(err)
	}
	if err := app.Delete(team); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*testapp.RealtimeClient{reader, super} {
		for _, want := range []string{"create", "delete"} {
			if _, ev := nextTopicEvent(t, c); ev.Action != want || ev.Record["id"] != team.Id {
				t.Errorf("a reader got %s of %v, want %s of the team", ev.Action, ev.Record["id"], want)
			}
		}
	}

	// events arrive in the order of the writes: the marker comes, the
	// team's events did not
	marker := orgPost(t, app, "anna@buurtplein.test", "Na het team.")
	if _, ev := nextTopicEvent(t, other); ev.Record["id"] != marker.Id {
		t.Errorf("a subscriber who is no reader got %s of %v", ev.Action, ev.Record["id"])
	}
}
