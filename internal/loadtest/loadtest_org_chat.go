package loadtest

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// orgChannelName is the name of the generated organisation channel.
const orgChannelName = "Iedereen"

// chat adds a channel per team, with its messages over the last sixty
// days, and one organisation channel joined by the first ChannelMembers
// employees, with a tenth as many messages. Every member has read their
// channels up to some point in the last three days, so most have a few
// unread.
func (g *generator) chat(tx core.App) error {
	db := tx.DB()
	stamp := dbDate(g.now.AddDate(-1, 0, 0))
	channels := g.inserter(db, "channels", "id", "kind", "team", "name", "description", "members", "direct_key", "created_by", "created", "updated")
	defer channels.close()

	teamChannels := make([]string, g.org.Teams)
	for t := range teamChannels {
		teamChannels[t] = g.id()
		if err := channels.insert(dbx.Params{
			"id": teamChannels[t], "kind": "team", "team": g.teamIds[t], "name": "", "description": "",
			"members": "[]", "direct_key": "", "created_by": "", "created": stamp, "updated": stamp,
		}); err != nil {
			return err
		}
	}
	orgChannel := g.id()
	if err := channels.insert(dbx.Params{
		"id": orgChannel, "kind": "organisation", "team": "", "name": orgChannelName,
		"description": "Mededelingen en vragen voor de hele organisatie.", "members": "[]", "direct_key": "",
		"created_by": g.userIds[0], "created": stamp, "updated": stamp,
	}); err != nil {
		return err
	}

	if err := g.messages(db, teamChannels, orgChannel); err != nil {
		return err
	}
	return g.channelReads(db, teamChannels, orgChannel)
}

// messages adds the team channels' messages and the organisation
// channel's, oldest first.
func (g *generator) messages(db dbx.Builder, teamChannels []string, orgChannel string) error {
	messages := g.inserter(db, "messages", "id", "channel", "author", "body", "attachments", "mentions", "mention_all",
		"reactions", "edited", "deleted", "reply_to", "created", "updated")
	defer messages.close()

	orgMessages := max(g.org.Messages/10, 1)
	total := g.org.Messages + orgMessages
	span := 60 * 24 * time.Hour
	start := g.now.Add(-span)
	step := span / time.Duration(total)
	for i := range total {
		channel, author := orgChannel, g.userIds[g.rng.IntN(g.org.ChannelMembers)]
		if g.rng.IntN(total) >= orgMessages {
			t := g.rng.IntN(g.org.Teams)
			channel, author = teamChannels[t], g.member(t)
		}
		at := dbDate(start.Add(time.Duration(i)*step + time.Duration(g.rng.Int64N(int64(step)))))
		if err := messages.insert(dbx.Params{
			"id": g.id(), "channel": channel, "author": author, "body": g.pick(chatLines),
			"attachments": "[]", "mentions": "[]", "mention_all": "", "reactions": nil,
			"edited": "", "deleted": "", "reply_to": "", "created": at, "updated": at,
		}); err != nil {
			return err
		}
	}
	return nil
}

// channelReads adds each member's read state: of the team channels of
// their teams and, for the first ChannelMembers employees, of the
// organisation channel (which makes them its members).
func (g *generator) channelReads(db dbx.Builder, teamChannels []string, orgChannel string) error {
	reads := g.inserter(db, "channel_reads", "id", "channel", "user", "last_read", "created", "updated")
	defer reads.close()
	read := func(channel, user string) error {
		at := dbDate(g.now.Add(-time.Duration(g.rng.IntN(3*24*60)) * time.Minute))
		return reads.insert(dbx.Params{"id": g.id(), "channel": channel, "user": user, "last_read": at, "created": at, "updated": at})
	}
	for t, members := range g.members {
		for _, u := range members {
			if err := read(teamChannels[t], g.userIds[u]); err != nil {
				return err
			}
		}
	}
	for u := range g.org.ChannelMembers {
		if err := read(orgChannel, g.userIds[u]); err != nil {
			return err
		}
	}
	return nil
}

var chatLines = []string{
	"Wie kan vanavond de late dienst van mij overnemen?",
	"Mevrouw K. heeft vandaag geen wondzorg nodig, de huisarts is geweest.",
	"Sleutelkluis Zijlweg werkt weer.",
	"Ik ben 10 minuten later, file op de ring.",
	"Dank je! 👍",
	"Staat de overdracht van meneer D. al in het dossier?",
	"Materiaal voor de steunkousen ligt op kantoor.",
	"Teamoverleg morgen om 14:00, wie neemt koffie mee?",
}

// chatChannels is the generated organisation's chat as a run writes in
// it: the team channels by team id, and the organisation channel with
// its members.
type chatChannels struct {
	team       map[string]string
	org        string
	orgMembers map[string]bool
}

// readChatChannels reads the generated organisation's channels.
func readChatChannels(app core.App) (chatChannels, error) {
	c := chatChannels{team: map[string]string{}, orgMembers: map[string]bool{}}
	var teams []struct {
		Id   string `db:"id"`
		Team string `db:"team"`
	}
	if err := app.DB().Select("id", "team").From("channels").Where(dbx.HashExp{"kind": "team"}).All(&teams); err != nil {
		return c, fmt.Errorf("the team channels: %w", err)
	}
	for _, t := range teams {
		c.team[t.Team] = t.Id
	}
	if err := app.DB().Select("id").From("channels").
		Where(dbx.HashExp{"kind": "organisation", "name": orgChannelName}).Row(&c.org); err != nil {
		return c, fmt.Errorf("the organisation channel %q: %w", orgChannelName, err)
	}
	var users []string
	if err := app.DB().Select("user").From("channel_reads").Where(dbx.HashExp{"channel": c.org}).Column(&users); err != nil {
		return c, fmt.Errorf("the organisation channel's members: %w", err)
	}
	for _, u := range users {
		c.orgMembers[u] = true
	}
	return c, nil
}
