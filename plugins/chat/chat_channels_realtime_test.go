package chat_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"buurtplein/hooks"
	"buurtplein/internal/testapp"
	"buurtplein/plugins/chat"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// until reads c's events until one holds marker, failing on any that
// holds secret, then waits a moment for a late one (PocketBase sends each
// event from its own goroutine, so they may arrive out of order).
func until(t *testing.T, c *testapp.RealtimeClient, marker, secret string) {
	t.Helper()
	for {
		ev := c.Next(t, 10*time.Second)
		if strings.Contains(ev.Data, secret) {
			t.Fatalf("an event that should not come: %s %s", ev.Name, ev.Data)
		}
		if strings.Contains(ev.Data, marker) {
			break
		}
	}
	select {
	case ev := <-c.Events:
		if strings.Contains(ev.Data, secret) {
			t.Fatalf("an event that should not come: %s %s", ev.Name, ev.Data)
		}
	case <-time.After(500 * time.Millisecond):
	}
}

// wantEvent reads c's events until one holds want.
func wantEvent(t *testing.T, c *testapp.RealtimeClient, want string) testapp.Event {
	t.Helper()
	for {
		ev := c.Next(t, 10*time.Second)
		if strings.Contains(ev.Data, want) {
			return ev
		}
	}
}

// touch saves channel with a new description: an event every employee
// on its topic receives, to mark the end of what came before.
func touch(t *testing.T, app core.App, channel *core.Record, description string) {
	t.Helper()
	fresh, err := app.FindRecordById(chat.ChannelsCollection, channel.Id)
	if err != nil {
		t.Fatal(err)
	}
	fresh.Set("description", description)
	if err := app.Save(fresh); err != nil {
		t.Fatal(err)
	}
}

// TestOrganisationChannelReaders checks hooks.Topics.Readers through the
// chat: a message of an organisation channel goes on the organisation
// topic every employee follows, yet reaches only the channel's members;
// after leaving, none reaches the one who left.
func TestOrganisationChannelReaders(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	server := testapp.Serve(t, o.app)
	scholing := demoChannel(t, o, chat.KindOrganisation, "Scholing & intervisie") // anna in, bram not

	anna, status := testapp.ConnectRealtime(t, server.URL, o.annaT, hooks.OrganisationTopic)
	if status != http.StatusNoContent {
		t.Fatalf("anna's subscription: %d", status)
	}
	bram, _ := testapp.ConnectRealtime(t, server.URL, o.bramT, hooks.OrganisationTopic)

	first := saveMessage(t, o.app, scholing.Id, o.bo, "Voor wie meedoet")
	ev := wantEvent(t, anna, first.Id)
	if ev.Name != hooks.OrganisationTopic || !strings.Contains(ev.Data, `"action":"create"`) || !strings.Contains(ev.Data, "Bo Meijer") {
		t.Errorf("anna's event: %s %s", ev.Name, ev.Data)
	}
	touch(t, o.app, scholing, "marker één")
	until(t, bram, "marker één", first.Id)

	// anna leaves: the next message does not reach her
	read, err := o.app.FindFirstRecordByFilter(chat.ReadsCollection, "channel = {:c} && user = {:u}", dbx.Params{"c": scholing.Id, "u": o.anna})
	if err != nil {
		t.Fatal(err)
	}
	if err := o.app.Delete(read); err != nil {
		t.Fatal(err)
	}
	second := saveMessage(t, o.app, scholing.Id, o.bo, "Na het vertrek")
	touch(t, o.app, scholing, "marker twee")
	until(t, anna, "marker twee", second.Id)
}

// TestTeamChannelFollowsTheTeam checks that a team gets its channel with
// it and loses it with it, and that its members are the team's: one who
// leaves reads none of its messages and receives none.
func TestTeamChannelFollowsTheTeam(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	server := testapp.Serve(t, o.app)

	// a new team, its channel in the same save
	teams, err := o.app.FindCollectionByNameOrId(hooks.TeamsCollection)
	if err != nil {
		t.Fatal(err)
	}
	team := core.NewRecord(teams)
	team.Set("name", "Buurtteam Bloemendaal")
	team.Set("slug", "bloemendaal")
	team.Set("kind", hooks.TeamKindBuurtteam)
	if err := o.app.Save(team); err != nil {
		t.Fatal(err)
	}
	channel, err := o.app.FindFirstRecordByFilter(chat.ChannelsCollection, "kind = 'team' && team = {:team}", dbx.Params{"team": team.Id})
	if err != nil {
		t.Fatalf("the new team has no channel: %v", err)
	}
	saveMessage(t, o.app, channel.Id, o.anna, "Welkom")
	if err := o.app.Delete(team); err != nil {
		t.Fatal(err)
	}
	for _, c := range chat.Collections[:2] {
		if n, _ := o.app.CountRecords(c, dbx.HashExp{map[string]string{chat.ChannelsCollection: "id", chat.MessagesCollection: "channel"}[c]: channel.Id}); n != 0 {
			t.Errorf("%d %s of the deleted team left", n, c)
		}
	}

	// bram leaves Haarlem-Noord while following its topic
	haarlem := teamChannel(t, o.app, o.haarlem)
	annaBram := demoChannel(t, o, chat.KindDirect, "")
	bram, status := testapp.ConnectRealtime(t, server.URL, o.bramT, hooks.TeamTopic(o.haarlem), hooks.UserTopic(o.bram))
	if status != http.StatusNoContent {
		t.Fatalf("bram's subscription: %d", status)
	}
	membership, err := o.app.FindFirstRecordByFilter(hooks.MembershipsCollection, "team = {:t} && user = {:u}", dbx.Params{"t": o.haarlem, "u": o.bram})
	if err != nil {
		t.Fatal(err)
	}
	if err := o.app.Delete(membership); err != nil {
		t.Fatal(err)
	}
	secret := saveMessage(t, o.app, haarlem.Id, o.anna, "Na Brams vertrek")
	marker := saveMessage(t, o.app, annaBram.Id, o.anna, "Tot ziens, Bram")
	until(t, bram, marker.Id, secret.Id)

	status, body := testapp.Do(t, http.MethodGet, server.URL+"/api/collections/messages/records?filter="+
		"channel%3D%27"+haarlem.Id+"%27", o.bramT, nil)
	if status != http.StatusOK || !strings.Contains(string(body), `"totalItems":0`) {
		t.Errorf("bram lists Haarlem-Noord's messages: %d %s", status, body)
	}
	status, _ = testapp.Do(t, http.MethodGet, server.URL+"/api/collections/messages/records/"+secret.Id, o.bramT, nil)
	if status != http.StatusNotFound {
		t.Errorf("bram views a Haarlem-Noord message: %d", status)
	}
	if _, ok := channelList(t, server.URL, o.bramT)[haarlem.Id]; ok {
		t.Error("Haarlem-Noord's channel is still in bram's list")
	}
}
