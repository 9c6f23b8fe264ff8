package chat_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"buurtplein/hooks"
	"buurtplein/internal/testapp"
	"buurtplein/plugins/chat"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/filesystem"
)

// Fixed ids of the messages' scenarios, the same in every copy of the
// test app.
const (
	haarlemChannel    = "chathaarlem0001"
	schalkwijkChannel = "chatschalkw0001"
	schalkwijkMessage = "msgschalkw00001"
)

// messagesFactory returns a TestAppFactory whose app has the team
// channels of haarlem-noord (anna, bram, dirk) and schalkwijk (carla,
// dirk) under fixed ids, and one message of carla's in schalkwijk's.
func messagesFactory(o org) func(testing.TB) *tests.TestApp {
	return func(t testing.TB) *tests.TestApp {
		app := testapp.Factory(t)
		fixedChannels(t, app, o)
		return app
	}
}

func fixedChannels(t testing.TB, app core.App, o org) {
	t.Helper()
	for id, team := range map[string]string{haarlemChannel: o.haarlem, schalkwijkChannel: o.schalkwijk} {
		if _, err := app.FindRecordById(chat.ChannelsCollection, id); err == nil {
			continue
		}
		// a team channel the server made makes way (with SQL: its
		// messages stay, in no channel, and count for no test)
		_, err := app.DB().Delete(chat.ChannelsCollection, dbx.HashExp{"kind": chat.KindTeam, "team": team}).Execute()
		if err != nil {
			t.Fatal(err)
		}
		saveChannel(t, app, map[string]any{"id": id, "kind": chat.KindTeam, "team": team})
	}
	if _, err := app.FindRecordById(chat.MessagesCollection, schalkwijkMessage); err != nil {
		saveRecord(t, app, chat.MessagesCollection, map[string]any{
			"id": schalkwijkMessage, "channel": schalkwijkChannel, "author": o.carla, "body": "Goedemorgen"})
	}
}

// countMessages returns how many messages app holds.
func countMessages(t testing.TB, app core.App) int {
	t.Helper()
	n, err := app.CountRecords(chat.MessagesCollection)
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// countMentions returns how many chat_mention notifications user has.
func countMentions(t testing.TB, app core.App, user string) int {
	t.Helper()
	n, err := app.CountRecords("notifications", dbx.HashExp{"user": user, "kind": "chat_mention"})
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func jsonBody(v any) *strings.Reader {
	b, _ := json.Marshal(v)
	return strings.NewReader(string(b))
}

func TestMessageCreateRefusals(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	url := "/api/collections/messages/records"
	headers := func(token string) map[string]string {
		return map[string]string{"Authorization": token, "Content-Type": "application/json"}
	}
	nothingStored := func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		if n, err := app.CountRecords(chat.MessagesCollection, dbx.HashExp{"channel": haarlemChannel}); err != nil || n != 0 {
			t.Fatalf("%d messages stored (%v), want none", n, err)
		}
	}
	msg := func(fields map[string]any) *strings.Reader {
		m := map[string]any{"channel": haarlemChannel, "author": o.anna, "body": "Hallo"}
		for k, v := range fields {
			m[k] = v
		}
		return jsonBody(m)
	}
	scenarios := []tests.ApiScenario{
		{
			Name: "not a member", Method: http.MethodPost, URL: url, Headers: headers(o.carlaT),
			Body:            msg(map[string]any{"author": o.carla}),
			ExpectedStatus:  403,
			ExpectedContent: []string{`"code":"chat_not_member"`},
		},
		{
			Name: "not a member, in a batch", Method: http.MethodPost, URL: "/api/batch", Headers: headers(o.carlaT),
			Body: jsonBody(map[string]any{"requests": []map[string]any{{
				"method": "POST", "url": url,
				"body": map[string]any{"channel": haarlemChannel, "author": o.carla, "body": "Hallo"},
			}}}),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"status":403`, `"code":"chat_not_member"`},
		},
		{
			Name: "empty", Method: http.MethodPost, URL: url, Headers: headers(o.annaT),
			Body:            msg(map[string]any{"body": " \n\t "}),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"chat_message_empty"`},
		},
		{
			Name: "too long", Method: http.MethodPost, URL: url, Headers: headers(o.annaT),
			Body:            msg(map[string]any{"body": strings.Repeat("é", 4001)}),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"chat_message_too_long"`, `"max":4000`},
		},
		{
			Name: "a reply to another channel", Method: http.MethodPost, URL: url, Headers: headers(o.dirkT),
			Body:            msg(map[string]any{"author": o.dirk, "reply_to": schalkwijkMessage}),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"chat_reply_other_channel"`},
		},
		{
			Name: "mentions set by the client", Method: http.MethodPost, URL: url, Headers: headers(o.annaT),
			Body:            msg(map[string]any{"mentions": []string{o.bram}}),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"chat_server_field"`, `"field":"mentions"`},
		},
		{
			Name: "reactions set by the client", Method: http.MethodPost, URL: url, Headers: headers(o.annaT),
			Body:            msg(map[string]any{"reactions": map[string]any{"👍": []string{o.anna}}}),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"chat_server_field"`, `"field":"reactions"`},
		},
		{
			Name: "deleted set by the client", Method: http.MethodPost, URL: url, Headers: headers(o.annaT),
			Body:            msg(map[string]any{"deleted": "2026-01-01 10:00:00.000Z"}),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"code":"chat_server_field"`, `"field":"deleted"`},
		},
		{
			Name: "@iedereen in a channel of a few: allowed", Method: http.MethodPost, URL: url, Headers: headers(o.annaT),
			Body:            msg(map[string]any{"body": "@iedereen overleg om 10 uur"}),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"mention_all":"everyone"`},
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = messagesFactory(o)
		if s.ExpectedStatus != 200 {
			s.AfterTestFunc = nothingStored
		}
		s.Test(t)
	}
}

// postMessage creates a message through the record API.
func postMessage(t testing.TB, base, token string, fields map[string]any) (int, map[string]any) {
	t.Helper()
	status, body := testapp.Do(t, http.MethodPost, base+"/api/collections/messages/records", token, fields)
	var out map[string]any
	_ = json.Unmarshal(body, &out)
	return status, out
}

func TestMessageExactlyOnce(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	fixedChannels(t, o.app, o)
	srv := testapp.Serve(t, o.app)
	before := countMessages(t, o.app)

	send := map[string]any{"id": "offline00000001", "channel": haarlemChannel, "author": o.anna, "body": "@Bram Jansen kun jij om 3 uur?"}
	status, first := postMessage(t, srv.URL, o.annaT, send)
	if status != 200 {
		t.Fatalf("first send: %d %v", status, first)
	}
	status, raw := testapp.Do(t, http.MethodPost, srv.URL+"/api/collections/messages/records?expand=author", o.annaT, send)
	var again map[string]any
	_ = json.Unmarshal(raw, &again)
	if status != 200 || again["id"] != "offline00000001" || again["created"] != first["created"] ||
		!strings.Contains(string(raw), `"expand":{"author":{`) {
		t.Fatalf("resend: %d %s, want 200 with the stored message %v", status, raw, first)
	}
	if n := countMessages(t, o.app) - before; n != 1 {
		t.Fatalf("%d messages stored, want 1", n)
	}
	if n := countMentions(t, o.app, o.bram); n != 1 {
		t.Fatalf("bram has %d notifications, want 1", n)
	}

	// the same id by another author or in another channel is not a resend
	other := map[string]any{"id": "offline00000001", "channel": haarlemChannel, "author": o.dirk, "body": "Hoi"}
	if status, out := postMessage(t, srv.URL, o.dirkT, other); status != 400 {
		t.Fatalf("another author's id: %d %v, want 400", status, out)
	}
	elsewhere := map[string]any{"id": "offline00000001", "channel": schalkwijkChannel, "author": o.dirk, "body": "Hoi"}
	if status, out := postMessage(t, srv.URL, o.dirkT, elsewhere); status != 400 {
		t.Fatalf("another channel's id: %d %v, want 400", status, out)
	}

	// a resend in a batch answers the stored message as well
	status, body := testapp.Do(t, http.MethodPost, srv.URL+"/api/batch", o.annaT, map[string]any{"requests": []map[string]any{
		{"method": "POST", "url": "/api/collections/messages/records", "body": send},
	}})
	if status != 200 || !strings.Contains(string(body), `"status":200`) || !strings.Contains(string(body), "offline00000001") {
		t.Fatalf("resend in a batch: %d %s", status, body)
	}

	// the same create twice at once, as a flaky connection sends it
	race := map[string]any{"id": "offline00000002", "channel": haarlemChannel, "author": o.anna, "body": "@Dirk Visser ben je er?"}
	var wg sync.WaitGroup
	statuses := make([]int, 2)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i], _ = postMessage(t, srv.URL, o.annaT, race)
		}()
	}
	wg.Wait()
	if statuses[0] != 200 || statuses[1] != 200 {
		t.Fatalf("concurrent sends answered %v, want 200 twice", statuses)
	}
	if n := countMessages(t, o.app) - before; n != 2 {
		t.Fatalf("%d messages stored, want 2", n)
	}
	if n := countMentions(t, o.app, o.dirk); n != 1 {
		t.Fatalf("dirk has %d notifications, want 1", n)
	}
}

func TestMessageEditAndDelete(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	fixedChannels(t, o.app, o)
	srv := testapp.Serve(t, o.app)
	url := srv.URL + "/api/collections/messages/records/"

	status, m := postMessage(t, srv.URL, o.annaT, map[string]any{"channel": haarlemChannel, "author": o.anna, "body": "@Bram Jansen hoi"})
	if status != 200 {
		t.Fatalf("create: %d %v", status, m)
	}
	id := m["id"].(string)

	// the body alone changes; an edit notifies only whom it mentions anew
	status, body := testapp.Do(t, http.MethodPatch, url+id, o.annaT, map[string]any{"body": "@Bram Jansen en @Dirk Visser hoi"})
	if status != 200 || !strings.Contains(string(body), `"edited":"2`) {
		t.Fatalf("edit: %d %s", status, body)
	}
	if b, d := countMentions(t, o.app, o.bram), countMentions(t, o.app, o.dirk); b != 1 || d != 1 {
		t.Fatalf("after the edit bram has %d and dirk %d notifications, want 1 each", b, d)
	}
	for field, value := range map[string]any{"reply_to": schalkwijkMessage, "mentions": []string{o.anna}, "edited": ""} {
		status, body := testapp.Do(t, http.MethodPatch, url+id, o.annaT, map[string]any{field: value})
		if status != 400 || !strings.Contains(string(body), "chat_message_fields") {
			t.Errorf("changing %s: %d %s, want 400 chat_message_fields", field, status, body)
		}
	}
	if status, _ := testapp.Do(t, http.MethodPatch, url+id, o.bramT, map[string]any{"body": "niet van mij"}); status != 404 {
		t.Errorf("bram edits anna's message: %d, want 404", status)
	}

	// an attachment, to see it leave the storage with the message
	record, err := o.app.FindRecordById(chat.MessagesCollection, id)
	if err != nil {
		t.Fatal(err)
	}
	file, _ := filesystem.NewFileFromBytes([]byte("notities"), "notities.txt")
	record.Set("attachments", []any{file})
	if err := o.app.Save(record); err != nil {
		t.Fatal(err)
	}
	stored := record.GetStringSlice("attachments")[0]
	fsys, err := o.app.NewFilesystem()
	if err != nil {
		t.Fatal(err)
	}
	defer fsys.Close()
	key := record.BaseFilesPath() + "/" + stored

	rt, code := testapp.ConnectRealtime(t, srv.URL, o.bramT, hooks.TeamTopic(o.haarlem))
	if code != 204 {
		t.Fatalf("subscribing: %d", code)
	}
	if status, body := testapp.Do(t, http.MethodDelete, url+id, o.annaT, nil); status != 204 {
		t.Fatalf("delete: %d %s", status, body)
	}
	gone, err := o.app.FindRecordById(chat.MessagesCollection, id)
	if err != nil {
		t.Fatalf("the deleted message is gone: %v", err)
	}
	if gone.GetString("body") != "" || len(gone.GetStringSlice("attachments")) != 0 || len(gone.GetStringSlice("mentions")) != 0 ||
		gone.GetDateTime("deleted").IsZero() {
		t.Fatalf("deleted message not cleared: %v", gone.FieldsData())
	}
	if exists, _ := fsys.Exists(key); exists {
		t.Errorf("the attachment %s is still stored", key)
	}
	ev := rt.Next(t, 10*time.Second)
	var data struct {
		Action string         `json:"action"`
		Record map[string]any `json:"record"`
	}
	if err := json.Unmarshal([]byte(ev.Data), &data); err != nil {
		t.Fatal(err)
	}
	if data.Action != "update" || data.Record["id"] != id || data.Record["body"] != "" || data.Record["deleted"] == "" {
		t.Fatalf("realtime after the delete: %s", ev.Data)
	}

	if status, body := testapp.Do(t, http.MethodPatch, url+id, o.annaT, map[string]any{"body": "toch niet"}); status != 400 ||
		!strings.Contains(string(body), "chat_message_deleted") {
		t.Fatalf("editing a deleted message: %d %s", status, body)
	}

	// in a batch too: the message stays, cleared, and the batch answers 204
	_, m2 := postMessage(t, srv.URL, o.annaT, map[string]any{"channel": haarlemChannel, "author": o.anna, "body": "weg ermee"})
	id2 := m2["id"].(string)
	status, body = testapp.Do(t, http.MethodPost, srv.URL+"/api/batch", o.annaT, map[string]any{"requests": []map[string]any{
		{"method": "DELETE", "url": "/api/collections/messages/records/" + id2},
		{"method": "POST", "url": "/api/collections/messages/records", "body": map[string]any{"channel": haarlemChannel, "author": o.anna, "body": "erna"}},
	}})
	if status != 200 || !strings.Contains(string(body), `"status":204`) || !strings.Contains(string(body), `"erna"`) {
		t.Fatalf("delete in a batch: %d %s", status, body)
	}
	gone2, err := o.app.FindRecordById(chat.MessagesCollection, id2)
	if err != nil || gone2.GetString("body") != "" || gone2.GetDateTime("deleted").IsZero() {
		t.Fatalf("deleted in a batch: %v %v", err, gone2)
	}
}

// TestMessageGoCode checks that what a message is holds for Go code too
// (the demo, an import): trimmed, not empty, not too long, a reply within
// its channel, its mentions read; Go code notifies no one.
func TestMessageGoCode(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	fixedChannels(t, o.app, o)
	collection, err := o.app.FindCollectionByNameOrId(chat.MessagesCollection)
	if err != nil {
		t.Fatal(err)
	}
	save := func(fields map[string]any) (*core.Record, error) {
		m := core.NewRecord(collection)
		m.Set("channel", haarlemChannel)
		m.Set("author", o.anna)
		for k, v := range fields {
			m.Set(k, v)
		}
		return m, o.app.Save(m)
	}
	for code, fields := range map[string]map[string]any{
		"chat_message_empty":       {"body": "  "},
		"chat_message_too_long":    {"body": strings.Repeat("a", 4001)},
		"chat_reply_other_channel": {"body": "ja", "reply_to": schalkwijkMessage},
	} {
		if _, err := save(fields); err == nil || !strings.Contains(fmt.Sprint(hooksCode(err)), code) {
			t.Errorf("%v: %v, want %s", fields, err, code)
		}
	}
	m, err := save(map[string]any{"body": "  @Bram Jansen, hoi  "})
	if err != nil {
		t.Fatal(err)
	}
	if m.GetString("body") != "@Bram Jansen, hoi" || !slices.Equal(m.GetStringSlice("mentions"), []string{o.bram}) {
		t.Fatalf("saved %v", m.FieldsData())
	}
	if n := countMentions(t, o.app, o.bram); n != 0 {
		t.Fatalf("Go code notified bram %d times", n)
	}
}

func hooksCode(err error) string {
	code, _ := hooks.CodeOf(err)
	return code
}
