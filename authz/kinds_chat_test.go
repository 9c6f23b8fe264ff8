package authz_test

import (
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// The chat (plugins/chat): the owning team's channel and another team's,
// an organisation channel that bram and bo joined, a direct chat of bram's
// and a group chat of bram, dirk and eva (not carla, not anna); a message
// in each, with a photo, and one fenna wrote in her team's channel before
// she left; read states of bram's and of dirk's in the group.
func init() {
	kinds = append(kinds,
		teamChannel("channels/own", "haarlem-noord"),
		teamChannel("channels/other", "schalkwijk"),
		kind{
			name: "channels/org",
			make: func(t testing.TB, f *fixture) *core.Record { return f.newOrgChannel(t) },
			create: func(t testing.TB, f *fixture, me string) map[string]any {
				return map[string]any{"kind": "organisation", "name": unique("Authz kanaal "), "created_by": me}
			},
			update: map[string]any{"description": "Authz: bijgewerkt."},
		},
		kind{
			name: "channels/direct",
			make: func(t testing.TB, f *fixture) *core.Record { return f.newDirectChannel(t) },
			create: func(t testing.TB, f *fixture, me string) map[string]any {
				return map[string]any{"kind": "direct", "members": []string{me, f.newUser(t).Id}, "created_by": me}
			},
			update: map[string]any{"name": "Authz: een naam"},
		},
		kind{
			name: "channels/group",
			make: func(t testing.TB, f *fixture) *core.Record { return f.newGroupChannel(t) },
			create: func(t testing.TB, f *fixture, me string) map[string]any {
				return map[string]any{"kind": "group", "name": unique("Authz groep "), "members": []string{me, f.user["dirk"], f.user["eva"]}, "created_by": me}
			},
			update: map[string]any{"name": "Authz: nieuwe naam"},
		},
		chatMessage("messages/own", "channels/own", "bram"),
		chatMessage("messages/other", "channels/other", "carla"),
		chatMessage("messages/org", "channels/org", "bo"),
		chatMessage("messages/direct", "channels/direct", "bram"),
		chatMessage("messages/group", "channels/group", "dirk"),
		chatMessage("messages/removed", "channels/own", "fenna"),
		kind{
			// bram's membership of an organisation channel
			name: "channel_reads/org",
			make: func(t testing.TB, f *fixture) *core.Record {
				channel := f.newOrgChannel(t)
				return f.findWhere(t, "channel_reads", "channel = {:c} && user = {:u}", dbx.Params{"c": channel.Id, "u": f.user["bram"]})
			},
			create: func(t testing.TB, f *fixture, me string) map[string]any {
				// eva's channel, which none of the roles joined
				channel := f.save(t, "channels", map[string]any{"kind": "organisation", "name": unique("Authz kanaal "), "created_by": f.user["eva"]})
				return map[string]any{"channel": channel.Id, "user": me}
			},
			update: map[string]any{"last_read": "2020-01-01 00:00:00.000Z"},
		},
		kind{
			// dirk's read state in a group of bram, dirk and eva
			name: "channel_reads/group",
			make: func(t testing.TB, f *fixture) *core.Record {
				channel := f.newGroupChannel(t)
				return f.save(t, "channel_reads", map[string]any{"channel": channel.Id, "user": f.user["dirk"], "last_read": "2025-01-01 00:00:00.000Z"})
			},
			create: func(t testing.TB, f *fixture, me string) map[string]any {
				return map[string]any{"channel": f.newGroupChannel(t).Id, "user": me}
			},
			update: map[string]any{"last_read": "2020-01-01 00:00:00.000Z"},
		},
	)
	routeBodies["/api/buurtplein/chat/channels/{id}/read"] = func(f *fixture, target *core.Record) map[string]any {
		return map[string]any{}
	}
	routeBodies["/api/buurtplein/chat/messages/{id}/reactions"] = func(f *fixture, target *core.Record) map[string]any {
		return map[string]any{"emoji": "👍"}
	}
}

// teamChannel is the kind of the team channel of team: the server makes
// it with the team, and there is one, so cases change it in place.
func teamChannel(name, team string) kind {
	return kind{
		name: name,
		shared: func(t testing.TB, f *fixture) *core.Record {
			return f.findWhere(t, "channels", "kind = 'team' && team = {:team}", dbx.Params{"team": f.team[team]})
		},
		create: func(t testing.TB, f *fixture, me string) map[string]any {
			return map[string]any{"kind": "team", "team": f.team[team], "created_by": me}
		},
		update: map[string]any{"description": "Authz: bijgewerkt."},
	}
}

// chatMessage is a kind of message by author, with a photo, in the shared
// channel of kind channel; a new one is written in the caller's name.
func chatMessage(name, channel, author string) kind {
	return kind{
		name: name,
		make: func(t testing.TB, f *fixture) *core.Record {
			return f.save(t, "messages", map[string]any{
				"channel": f.shared[channel].Id, "author": f.user[author], "body": "Authz: een bericht.",
				"attachments": photo(t, "foto.png"),
			})
		},
		create: func(t testing.TB, f *fixture, me string) map[string]any {
			return map[string]any{"channel": f.shared[channel].Id, "author": me, "body": "Authz: nog een bericht."}
		},
		update: map[string]any{"body": "Authz: bewerkt."},
	}
}

// newOrgChannel makes an organisation channel of bo's that bo and bram
// joined.
func (f *fixture) newOrgChannel(t testing.TB) *core.Record {
	t.Helper()
	channel := f.save(t, "channels", map[string]any{"kind": "organisation", "name": unique("Authz kanaal "), "created_by": f.user["bo"]})
	for _, name := range []string{"bo", "bram"} {
		if _, err := f.app.FindFirstRecordByFilter("channel_reads", "channel = {:c} && user = {:u}", dbx.Params{"c": channel.Id, "u": f.user[name]}); err != nil {
			f.save(t, "channel_reads", map[string]any{"channel": channel.Id, "user": f.user[name]})
		}
	}
	return channel
}

// newDirectChannel makes a direct chat of bram's with a new colleague (a
// pair has one).
func (f *fixture) newDirectChannel(t testing.TB) *core.Record {
	t.Helper()
	return f.save(t, "channels", map[string]any{"kind": "direct", "members": []string{f.user["bram"], f.newUser(t).Id}, "created_by": f.user["bram"]})
}

// newGroupChannel makes a group chat of bram, dirk and eva, dirk's.
func (f *fixture) newGroupChannel(t testing.TB) *core.Record {
	t.Helper()
	return f.save(t, "channels", map[string]any{
		"kind": "group", "name": unique("Authz groep "),
		"members": []string{f.user["bram"], f.user["dirk"], f.user["eva"]}, "created_by": f.user["dirk"],
	})
}
