package chat_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"buurtplein/internal/testapp"
	"buurtplein/plugins/chat"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// crowd makes n more people members of the organisation channel, as
// read-state rows of accounts that are not in the demo: a channel over
// the limit of @iedereen.
func crowd(t testing.TB, app core.App, channelId string, n int) {
	t.Helper()
	for i := range n {
		_, err := app.DB().Insert(chat.ReadsCollection, dbx.Params{
			"id": fmt.Sprintf("crowdread%06d", i), "channel": channelId, "user": fmt.Sprintf("crowduser%06d", i),
		}).Execute()
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestMessageMentions(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	fixedChannels(t, o.app, o)
	srv := testapp.Serve(t, o.app)

	// a name is a mention of a member only: carla is not in haarlem-noord
	status, m := postMessage(t, srv.URL, o.annaT, map[string]any{"channel": haarlemChannel, "author": o.anna,
		"body": "@bram jansen en @Dirk Visser, vragen jullie @Carla? Mail anna@buurtplein.test"})
	if status != 200 {
		t.Fatalf("create: %d %v", status, m)
	}
	got := []string{}
	for _, id := range m["mentions"].([]any) {
		got = append(got, id.(string))
	}
	if !slices.Equal(got, []string{o.bram, o.dirk}) || m["mention_all"] != "" {
		t.Fatalf("mentions %v, mention_all %q, want bram and dirk", got, m["mention_all"])
	}
	if n := countMentions(t, o.app, o.carla); n != 0 {
		t.Fatalf("carla, no member, got %d notifications", n)
	}

	// @team in a channel of a few calls everyone but the author
	status, m = postMessage(t, srv.URL, o.dirkT, map[string]any{"channel": haarlemChannel, "author": o.dirk, "body": "Overleg, @TEAM!"})
	if status != 200 || m["mention_all"] != chat.MentionTeam {
		t.Fatalf("@team: %d %v", status, m)
	}
	if a, d := countMentions(t, o.app, o.anna), countMentions(t, o.app, o.dirk); a != 1 || d != 1 {
		t.Fatalf("after @team anna has %d and the author dirk %d notifications, want 1 and still 1", a, d)
	}
	if status, m = postMessage(t, srv.URL, o.annaT, map[string]any{"channel": haarlemChannel, "author": o.anna, "body": "mijn@team.nl en @teamoverleg"}); m["mention_all"] != "" {
		t.Fatalf("no whole word @team: %d %v", status, m)
	}

	// an organisation channel of more than 50: only BOB calls everyone
	org := saveChannel(t, o.app, map[string]any{"kind": chat.KindOrganisation, "name": "Iedereen", "created_by": o.bo})
	for _, u := range []string{o.anna, o.bo, o.eva} {
		if ok, _ := chat.IsMember(o.app, org, u); !ok { // the creator may have joined already
			join(t, o.app, org.Id, u)
		}
	}
	crowd(t, o.app, org.Id, 48)
	status, body := testapp.Do(t, http.MethodPost, srv.URL+"/api/collections/messages/records", o.annaT,
		map[string]any{"channel": org.Id, "author": o.anna, "body": "@iedereen let op"})
	if status != 400 || !strings.Contains(string(body), `"code":"chat_mention_all_forbidden"`) || !strings.Contains(string(body), `"max":50`) {
		t.Fatalf("@iedereen by anna in a channel of 51: %d %s", status, body)
	}
	status, m = postMessage(t, srv.URL, o.boT, map[string]any{"channel": org.Id, "author": o.bo, "body": "@iedereen let op"})
	if status != 200 || m["mention_all"] != chat.MentionEveryone {
		t.Fatalf("@iedereen by BOB: %d %v", status, m)
	}
	if a, e := countMentions(t, o.app, o.anna), countMentions(t, o.app, o.eva); a != 2 || e != 1 {
		t.Fatalf("after BOB's @iedereen anna has %d and eva %d notifications, want 2 and 1", a, e)
	}

	// in a group of three anyone calls all
	team := saveChannel(t, o.app, map[string]any{"kind": chat.KindGroup, "name": "Klein", "members": []string{o.anna, o.bo, o.eva}, "created_by": o.anna})
	if status, m := postMessage(t, srv.URL, o.boT, map[string]any{"channel": team.Id, "author": o.bo, "body": "@team"}); status != 200 {
		t.Fatalf("@team in a group of 3: %d %v", status, m)
	}
}

func TestMessageMentionsOnEdit(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	fixedChannels(t, o.app, o)
	srv := testapp.Serve(t, o.app)
	url := srv.URL + "/api/collections/messages/records/"

	_, m := postMessage(t, srv.URL, o.annaT, map[string]any{"channel": haarlemChannel, "author": o.anna, "body": "@Bram Jansen hoi"})
	id := m["id"].(string)
	// bram read his notification: an edit that still names him does not call him again
	if _, err := o.app.DB().Update("notifications", dbx.Params{"read": true}, dbx.HashExp{"user": o.bram, "kind": "chat_mention"}).Execute(); err != nil {
		t.Fatal(err)
	}
	testapp.Do(t, http.MethodPatch, url+id, o.annaT, map[string]any{"body": "@Bram Jansen hoi!"})
	if n, _ := o.app.CountRecords("notifications", dbx.HashExp{"user": o.bram, "kind": "chat_mention", "read": false}); n != 0 {
		t.Fatalf("bram got %d new notifications for an edit naming him again", n)
	}
	status, body := testapp.Do(t, http.MethodPatch, url+id, o.annaT, map[string]any{"body": "hoi @team"})
	if status != 200 || !strings.Contains(string(body), `"mention_all":"team"`) || !strings.Contains(string(body), `"mentions":[]`) {
		t.Fatalf("edit to @team: %d %s", status, body)
	}
	if n := countMentions(t, o.app, o.dirk); n != 1 {
		t.Fatalf("dirk got %d notifications for the @team an edit added, want 1", n)
	}
}

func TestMessageQuietHours(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	fixedChannels(t, o.app, o)
	srv := testapp.Serve(t, o.app)

	// bram is quiet from an hour ago until an hour from now, dirk is not
	ams, _ := time.LoadLocation("Europe/Amsterdam")
	now := time.Now().In(ams)
	bram, err := o.app.FindRecordById("users", o.bram)
	if err != nil {
		t.Fatal(err)
	}
	bram.Set("quiet_from", now.Add(-time.Hour).Format("15:04"))
	bram.Set("quiet_until", now.Add(time.Hour).Format("15:04"))
	if err := o.app.Save(bram); err != nil {
		t.Fatal(err)
	}

	status, m := postMessage(t, srv.URL, o.annaT, map[string]any{"channel": haarlemChannel, "author": o.anna, "body": "@Bram Jansen @Dirk Visser kijk even"})
	if status != 200 || len(m["mentions"].([]any)) != 2 {
		t.Fatalf("create: %d %v", status, m)
	}
	if b, d := countMentions(t, o.app, o.bram), countMentions(t, o.app, o.dirk); b != 0 || d != 1 {
		t.Fatalf("bram (quiet) has %d and dirk %d notifications, want 0 and 1", b, d)
	}
	n, err := o.app.FindFirstRecordByFilter("notifications", "user = {:u} && kind = 'chat_mention'", dbx.Params{"u": o.dirk})
	if err != nil {
		t.Fatal(err)
	}
	if n.GetString("subject") != haarlemChannel || n.GetString("subject_collection") != "channels" || n.GetString("sender") != o.anna ||
		!strings.Contains(n.GetString("params"), `"channel":"Buurtteam Haarlem-Noord"`) || !strings.Contains(n.GetString("params"), `"actor":"Anna de Vries"`) {
		t.Fatalf("notification %v", n.FieldsData())
	}
	if text := testapp.NotificationText(t, n); text != `Anna de Vries noemde je in de chat "Buurtteam Haarlem-Noord"` {
		t.Fatalf("the notification reads %q", text)
	}
}
