package chat

import (
	"fmt"

	"buurtplein/hooks"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// bindTopics puts the chat's records on the scoped topics: a channel and
// its messages on its team's topic, on the organisation topic (a
// message there narrowed to the channel's members) or on each member's
// own topic; a read state on its reader's topic and, in a direct or
// group channel, on its members' (for "gelezen door").
func (p *plugin) bindTopics() {
	hooks.PublishTo(p.app, ChannelsCollection, hooks.Topics{Of: channelTopics})
	hooks.PublishTo(p.app, MessagesCollection, hooks.Topics{
		Of:      hooks.Via("channel"),
		Expand:  map[string][]string{"author": {"name", "avatar"}},
		Readers: messageReaders,
	})
	hooks.PublishTo(p.app, ReadsCollection, hooks.Topics{
		Of: hooks.AllOf(hooks.ByUser("user"), readTopics),
	})
}

// channelTopics returns the topics of a channel.
func channelTopics(_ core.App, channel *core.Record) ([]string, error) {
	switch channel.GetString("kind") {
	case KindTeam:
		if team := channel.GetString("team"); team != "" {
			return []string{hooks.TeamTopic(team)}, nil
		}
		return nil, nil
	case KindOrganisation:
		return []string{hooks.OrganisationTopic}, nil
	}
	return hooks.ByUser("members")(nil, channel)
}

// readTopics returns the topics of the members of a read state's direct
// or group channel: they see how far each other has read.
func readTopics(app core.App, read *core.Record) ([]string, error) {
	channel, err := app.FindRecordById(ChannelsCollection, read.GetString("channel"))
	if err != nil {
		return nil, fmt.Errorf("channel of read state %s: %w", read.Id, err)
	}
	switch channel.GetString("kind") {
	case KindDirect, KindGroup:
		return hooks.ByUser("members")(app, channel)
	}
	return nil, nil
}

// messageReaders returns the members of a message's channel: only they
// get its events, also on the organisation topic every employee follows.
func messageReaders(app core.App, message *core.Record) ([]string, error) {
	channel, err := app.FindRecordById(ChannelsCollection, message.GetString("channel"))
	if err != nil {
		return nil, fmt.Errorf("channel of message %s: %w", message.Id, err)
	}
	return Members(app, channel)
}

// Members returns the ids of the members of channel: its team's members,
// those who joined an organisation channel, or those listed on a direct
// or group channel.
func Members(app core.App, channel *core.Record) ([]string, error) {
	var users []string
	var err error
	switch channel.GetString("kind") {
	case KindTeam:
		err = app.DB().Select("user").From(hooks.MembershipsCollection).
			Where(dbx.HashExp{"team": channel.GetString("team")}).Column(&users)
	case KindOrganisation:
		err = app.DB().Select("user").From(ReadsCollection).
			Where(dbx.HashExp{"channel": channel.Id}).Column(&users)
	default:
		users = channel.GetStringSlice("members")
	}
	if err != nil {
		return nil, fmt.Errorf("members of channel %s: %w", channel.Id, err)
	}
	return users, nil
}

// IsMember reports whether userId is a member of channel.
func IsMember(app core.App, channel *core.Record, userId string) (bool, error) {
	if userId == "" {
		return false, nil
	}
	var n int
	var err error
	switch channel.GetString("kind") {
	case KindTeam:
		return hooks.IsMember(app, userId, channel.GetString("team"))
	case KindOrganisation:
		err = app.DB().Select("count(*)").From(ReadsCollection).
			Where(dbx.HashExp{"channel": channel.Id, "user": userId}).Row(&n)
	default:
		for _, m := range channel.GetStringSlice("members") {
			if m == userId {
				return true, nil
			}
		}
	}
	if err != nil {
		return false, fmt.Errorf("membership of channel %s: %w", channel.Id, err)
	}
	return n > 0, nil
}
