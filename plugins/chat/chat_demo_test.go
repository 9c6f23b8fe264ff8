package chat_test

import (
	"slices"
	"testing"

	"buurtplein/plugins/chat"

	"github.com/pocketbase/dbx"
)

// TestDemoConversations checks the demo seed: messages in every team's
// channel, anna and bram's direct chat, a group chat across three teams,
// an organisation channel with members, some of it unread, no
// notification about any of it; and a second seed adds nothing.
func TestDemoConversations(t *testing.T) {
	t.Parallel()
	o := newOrg(t)
	app := o.app

	for _, team := range []string{o.haarlem, o.schalkwijk, o.heemstede, o.bob} {
		channel := teamChannel(t, app, team)
		if n, _ := app.CountRecords(chat.MessagesCollection, dbx.HashExp{"channel": channel.Id}); n < 2 {
			t.Errorf("team %s: %d messages", team, n)
		}
	}
	direct := demoChannel(t, o, chat.KindDirect, "")
	group := demoChannel(t, o, chat.KindGroup, "Wondzorg regio")
	organisation := demoChannel(t, o, chat.KindOrganisation, "Scholing & intervisie")
	members := group.GetStringSlice("members")
	slices.Sort(members)
	want := []string{o.carla, o.dirk, o.eva}
	slices.Sort(want)
	if !slices.Equal(members, want) {
		t.Errorf("the group's members: %v, want dirk, carla and eva", members)
	}
	joined, err := chat.Members(app, organisation)
	if err != nil || len(joined) < 3 {
		t.Errorf("the organisation channel's members: %v %v", joined, err)
	}
	for _, c := range []string{direct.Id, group.Id, organisation.Id} {
		if n, _ := app.CountRecords(chat.MessagesCollection, dbx.HashExp{"channel": c}); n < 3 {
			t.Errorf("channel %s: %d messages", c, n)
		}
	}

	unread := 0
	for _, user := range []string{o.anna, o.bram, o.carla, o.dirk, o.eva, o.bo} {
		items, err := chat.Channels(app, user)
		if err != nil {
			t.Fatal(err)
		}
		for _, item := range items {
			unread += item.Unread
			if item.LastMessage == nil {
				t.Errorf("%s's channel %s has no messages", user, item.Id)
			}
		}
	}
	if unread == 0 {
		t.Error("the demo has nothing unread")
	}

	if n, _ := app.CountRecords("notifications", dbx.HashExp{"subject_collection": chat.ChannelsCollection}); n != 0 {
		t.Errorf("%d notifications about the demo conversations", n)
	}

	before := chatCounts(t, app)
	if err := chat.SeedDemo(app); err != nil {
		t.Fatal(err)
	}
	if after := chatCounts(t, app); after != before {
		t.Errorf("a second seed: %v, was %v", after, before)
	}
}
