package migrations

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Chat, as the chat plugin runs it: conversations of a team, of the
// organisation, between two colleagues and among a chosen few.
//
//   - channels: kind "team" (one per team, made by the server with the
//     team; its members are the team's members), "organisation" (made by
//     BOB staff and coordinators, joined by anyone), "direct" (two
//     colleagues, one channel per pair: direct_key) and "group" (chosen
//     colleagues from any teams). members lists the people of a direct or
//     group channel; a team channel's are the team's memberships and an
//     organisation channel's are the people with a channel_reads row for
//     it (joining creates the row, leaving deletes it). Every employee
//     sees the organisation channels, to join them. No one deletes a
//     channel through the API: a team's goes with the team.
//   - messages: written by a member into a channel, read by its members
//     on every path. The create rule only pins the author: the plugin's
//     hooks refuse a non-member with a 403 and a code (a rule failure
//     would be a bare 400), on the record API and in batches. The client
//     may pick the id, so a resend after a lost answer cannot duplicate a
//     message. mentions, mention_all, reactions, edited and deleted are
//     the server's; a delete by the author clears the message in place
//     ("bericht verwijderd").
//
//     NB! A multiple relation is matched with "members:each ?= X": plain
//     "members ?= X" compares X with the whole stored JSON list and holds
//     for no one.
//   - channel_reads: how far a member has read a channel (last_read), one
//     per channel and person; the row is the membership of an
//     organisation channel. Members of a direct or group channel see each
//     other's (for "gelezen door"); elsewhere it is one's own.
//   - users: quiet_from and quiet_until ("22:00" to "07:00", Amsterdam
//     time), the hours in which mentions do not notify the person.

const (
	chatSignedIn = `@request.auth.collectionName = "users"`

	chatChannelsRead   = chatSignedIn + ` && (kind = "organisation" || (kind = "team" && team != "" && @request.auth.memberships_via_user.team ?= team) || members:each ?= @request.auth.id)`
	chatChannelsCreate = chatSignedIn + ` && created_by = @request.auth.id && team = "" && (kind = "direct" || kind = "group" || kind = "organisation")`
	chatChannelsUpdate = chatSignedIn + ` && ((kind = "group" && members:each ?= @request.auth.id) || (kind = "organisation" && (created_by = @request.auth.id || @request.auth.memberships_via_user.team.kind ?= "bob"))) && @request.body.kind:changed = false && @request.body.team:changed = false && @request.body.created_by:changed = false && @request.body.direct_key:changed = false`

	chatMember         = `((channel.kind = "team" && channel.team != "" && @request.auth.memberships_via_user.team ?= channel.team) || (channel.kind = "organisation" && @request.auth.channel_reads_via_user.channel ?= channel) || channel.members:each ?= @request.auth.id)`
	chatMessagesRead   = chatSignedIn + ` && ` + chatMember
	chatMessagesCreate = chatSignedIn + ` && author = @request.auth.id`
	chatMessagesUpdate = chatSignedIn + ` && author = @request.auth.id && ` + chatMember + ` && @request.body.channel:changed = false && @request.body.author:changed = false`
	chatMessagesDelete = chatSignedIn + ` && author = @request.auth.id && ` + chatMember

	chatReadsRead   = chatSignedIn + ` && (user = @request.auth.id || ((channel.kind = "direct" || channel.kind = "group") && channel.members:each ?= @request.auth.id))`
	chatReadsCreate = chatSignedIn + ` && user = @request.auth.id && (channel.kind = "organisation" || (channel.kind = "team" && channel.team != "" && @request.auth.memberships_via_user.team ?= channel.team) || channel.members:each ?= @request.auth.id)`
	chatReadsUpdate = chatSignedIn + ` && user = @request.auth.id && @request.body.user:changed = false && @request.body.channel:changed = false`
	chatReadsDelete = chatSignedIn + ` && user = @request.auth.id && channel.kind = "organisation"`
)

func init() {
	m.Register(func(app core.App) error {
		channels, err := createChatChannels(app)
		if err != nil {
			return err
		}
		if err := createChatMessages(app, channels); err != nil {
			return err
		}
		if err := createChatReads(app, channels); err != nil {
			return err
		}
		if err := addQuietHours(app); err != nil {
			return err
		}
		return createTeamChannels(app, channels)
	}, func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		users.Fields.RemoveByName("quiet_from")
		users.Fields.RemoveByName("quiet_until")
		if err := app.Save(users); err != nil {
			return err
		}
		return deleteCollections(app, "channel_reads", "messages", "channels")
	})
}

func createChatChannels(app core.App) (*core.Collection, error) {
	teams, err := app.FindCollectionByNameOrId("teams")
	if err != nil {
		return nil, err
	}
	channels := core.NewBaseCollection("channels")
	channels.ListRule = types.Pointer(chatChannelsRead)
	channels.ViewRule = types.Pointer(chatChannelsRead)
	channels.CreateRule = types.Pointer(chatChannelsCreate)
	channels.UpdateRule = types.Pointer(chatChannelsUpdate)
	channels.DeleteRule = nil

	channels.Fields.Add(
		&core.SelectField{Name: "kind", Required: true, MaxSelect: 1, Values: []string{"team", "organisation", "direct", "group"}},
		&core.RelationField{Name: "team", MaxSelect: 1, CollectionId: teams.Id, CascadeDelete: true},
		&core.TextField{Name: "name", Max: 80},
		&core.TextField{Name: "description", Max: 500},
		&core.RelationField{Name: "members", MaxSelect: 50, CollectionId: "_pb_users_auth_"},
		// the two members' ids, sorted and joined with ":", so a pair has
		// one direct channel
		&core.TextField{Name: "direct_key", Max: 40, Hidden: true},
		&core.RelationField{Name: "created_by", MaxSelect: 1, CollectionId: "_pb_users_auth_"},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	channels.AddIndex("idx_channels_team", true, "team", "kind = 'team'")
	channels.AddIndex("idx_channels_direct_key", true, "direct_key", "direct_key != ''")
	channels.AddIndex("idx_channels_kind", false, "kind", "")
	// a person's direct chats, by either of the two (the members of a
	// direct channel are a JSON list of two ids; a query repeats the
	// expression and the condition, or SQLite does not use them)
	channels.AddIndex("idx_channels_direct_first", false, "json_extract(members, '$[0]')", "kind = 'direct'")
	channels.AddIndex("idx_channels_direct_second", false, "json_extract(members, '$[1]')", "kind = 'direct'")
	return channels, app.Save(channels)
}

func createChatMessages(app core.App, channels *core.Collection) error {
	messages := core.NewBaseCollection("messages")
	messages.ListRule = types.Pointer(chatMessagesRead)
	messages.ViewRule = types.Pointer(chatMessagesRead)
	messages.CreateRule = types.Pointer(chatMessagesCreate)
	messages.UpdateRule = types.Pointer(chatMessagesUpdate)
	messages.DeleteRule = types.Pointer(chatMessagesDelete)

	messages.Fields.Add(
		&core.RelationField{Name: "channel", Required: true, MaxSelect: 1, CollectionId: channels.Id, CascadeDelete: true},
		&core.RelationField{Name: "author", Required: true, MaxSelect: 1, CollectionId: "_pb_users_auth_"},
		&core.TextField{Name: "body", Max: 4000},
		&core.FileField{Name: "attachments", MaxSelect: 4, MaxSize: 10 << 20, Protected: true,
			MimeTypes: []string{
				"image/jpeg", "image/png", "image/webp", "image/gif",
				"application/pdf", "text/plain",
				"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
				"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
				"application/vnd.openxmlformats-officedocument.presentationml.presentation",
				"application/vnd.oasis.opendocument.text",
				"application/vnd.oasis.opendocument.spreadsheet",
			},
			Thumbs: []string{"480x0"}},
		&core.RelationField{Name: "mentions", MaxSelect: 50, CollectionId: "_pb_users_auth_"},
		&core.SelectField{Name: "mention_all", MaxSelect: 1, Values: []string{"team", "everyone"}},
		// {"👍": ["userId", ...]}, kept by the plugin's reactions route
		&core.JSONField{Name: "reactions", MaxSize: 32 << 10},
		&core.DateField{Name: "edited"},
		&core.DateField{Name: "deleted"},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	messages.AddIndex("idx_messages_channel_created", false, "channel, created", "")
	messages.AddIndex("idx_messages_author", false, "author", "")
	// the channel list's "an unread message mentions you": few messages
	// mention anyone, so this answers with a handful of rows even for a
	// reader who never read a channel of a million messages (a query
	// names it and repeats its condition: SQLite uses a partial index
	// only then)
	messages.AddIndex("idx_messages_mentioning", false, "channel, created", "mention_all != '' OR mentions != '[]'")
	if err := app.Save(messages); err != nil {
		return err
	}

	// a reply points at a message of the same collection, which has to
	// exist first
	messages.Fields.Add(&core.RelationField{Name: "reply_to", MaxSelect: 1, CollectionId: messages.Id})
	return app.Save(messages)
}

func createChatReads(app core.App, channels *core.Collection) error {
	reads := core.NewBaseCollection("channel_reads")
	reads.ListRule = types.Pointer(chatReadsRead)
	reads.ViewRule = types.Pointer(chatReadsRead)
	reads.CreateRule = types.Pointer(chatReadsCreate)
	reads.UpdateRule = types.Pointer(chatReadsUpdate)
	reads.DeleteRule = types.Pointer(chatReadsDelete)

	reads.Fields.Add(
		&core.RelationField{Name: "channel", Required: true, MaxSelect: 1, CollectionId: channels.Id, CascadeDelete: true},
		&core.RelationField{Name: "user", Required: true, MaxSelect: 1, CollectionId: "_pb_users_auth_", CascadeDelete: true},
		&core.DateField{Name: "last_read"},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	reads.AddIndex("idx_channel_reads_channel_user", true, "channel, user", "")
	reads.AddIndex("idx_channel_reads_user", false, "user", "")
	return app.Save(reads)
}

func addQuietHours(app core.App) error {
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		return err
	}
	const clock = `^([01][0-9]|2[0-3]):[0-5][0-9]$`
	users.Fields.Add(
		&core.TextField{Name: "quiet_from", Max: 5, Pattern: clock},
		&core.TextField{Name: "quiet_until", Max: 5, Pattern: clock},
	)
	return app.Save(users)
}

// createTeamChannels gives every team there is its team channel; the
// plugin makes one with each new team.
func createTeamChannels(app core.App, channels *core.Collection) error {
	var teamIds []string
	if err := app.DB().Select("id").From("teams").Column(&teamIds); err != nil {
		return err
	}
	for _, id := range teamIds {
		var n int
		if err := app.DB().Select("count(*)").From("channels").
			Where(dbx.HashExp{"kind": "team", "team": id}).Row(&n); err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		channel := core.NewRecord(channels)
		channel.Set("kind", "team")
		channel.Set("team", id)
		if err := app.Save(channel); err != nil {
			return err
		}
	}
	return nil
}
