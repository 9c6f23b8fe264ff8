package chat

import (
	"fmt"

	"buurtplein/plugins/search"

	"github.com/pocketbase/pocketbase/core"
)

// searchKind makes the messages of team channels searchable
// (plugins/search, kind "messages"): found by the team's members alone,
// the channel's members. A message of an organisation, direct or group
// channel is never indexed: its audience is no team, and the index
// scopes a record to one team or to everyone. Neither is a deleted
// message (its row goes when it is cleared), nor one without text (a
// photo alone). An edit re-indexes the message in its save's
// transaction. A result's slug is the message's channel, where the PWA
// opens it (#/chat/<channel>).
var searchKind = search.Kind{
	Collection: MessagesCollection,
	Text:       func(r *core.Record) string { return r.GetString("body") },
	ScopeIn:    searchScope,
	Slug:       func(r *core.Record) string { return r.GetString("channel") },
}

// searchScope returns the team whose members may find message, and
// whether it is indexed at all: a message with text, not deleted, in a
// team channel.
func searchScope(app core.App, message *core.Record) (search.Scope, bool, error) {
	if message.GetString("body") == "" || !message.GetDateTime("deleted").IsZero() {
		return search.Scope{}, false, nil
	}
	channel, err := app.FindRecordById(ChannelsCollection, message.GetString("channel"))
	if err != nil {
		return search.Scope{}, false, fmt.Errorf("channel of message %s: %w", message.Id, err)
	}
	team := channel.GetString("team")
	if channel.GetString("kind") != KindTeam || team == "" {
		return search.Scope{}, false, nil
	}
	return search.Scope{Team: team}, true, nil
}

// bindSearch adds the messages of team channels to the search index; the
// search plugin comes before this one in the registry.
func (p *plugin) bindSearch() error {
	if err := search.AddKind(p.app, searchKind); err != nil {
		return fmt.Errorf("chat: %w", err)
	}
	return nil
}
