package chat

import (
	"fmt"
	"slices"
	"time"

	"buurtplein/hooks"
	"buurtplein/plugins/notify"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// quietAt and quietZone are the quiet hours people set, which Web Push
// keeps as well (hooks.QuietAt).
var quietAt, quietZone = hooks.QuietAt, hooks.QuietZone

// notifyMentions tells the people message mentions that they were, in the
// transaction of its write (old is the message before an edit, nil for a
// new one): each member it names, or every member for "@team" and
// "@iedereen", but not its author, not a blocked account and not whoever
// is inside their quiet hours now. An edit tells only whom it mentions
// anew: who was mentioned already knows.
func (p *plugin) notifyMentions(app core.App, old, message, channel *core.Record) error {
	author := message.GetString("author")
	var users []string
	all := message.GetString("mention_all") != "" && (old == nil || old.GetString("mention_all") == "")
	if all {
		members, err := Members(app, channel)
		if err != nil {
			return err
		}
		users = members
	} else {
		users = message.GetStringSlice("mentions")
		if old != nil {
			before := old.GetStringSlice("mentions")
			users = slices.DeleteFunc(users, func(u string) bool { return slices.Contains(before, u) })
		}
	}
	users = slices.DeleteFunc(slices.Clone(users), func(u string) bool { return u == author })
	users, err := awake(app, users, time.Now())
	if err != nil || len(users) == 0 {
		return err
	}

	n := notify.Notification{
		Kind:    notify.KindChatMention,
		Subject: notify.Subject{Collection: ChannelsCollection, Id: channel.Id},
		Sender:  author,
		Params:  map[string]any{"actor": notify.ActorName(app, author), "channel": channelName(app, channel)},
	}
	if all {
		// a channel of up to everyone: in three statements
		return notify.NotifyMany(app, users, n)
	}
	for _, u := range users {
		n.User = u
		if err := notify.Notify(app, n); err != nil {
			return err
		}
	}
	return nil
}

// channelName is what a notification calls channel: its team's name for
// a team channel, its own name for an organisation or group channel, and
// "" for a direct chat (the PWA names the colleague, the notification's
// actor).
func channelName(app core.App, channel *core.Record) string {
	switch channel.GetString("kind") {
	case KindTeam:
		team, err := app.FindRecordById(hooks.TeamsCollection, channel.GetString("team"))
		if err != nil {
			return ""
		}
		return team.GetString("name")
	case KindDirect:
		return ""
	}
	return channel.GetString("name")
}

// awake returns those of users, in their order, whose account is not
// blocked and who are not inside their quiet hours at now.
func awake(app core.App, users []string, now time.Time) ([]string, error) {
	if len(users) == 0 {
		return nil, nil
	}
	ids := make([]any, len(users))
	for i, u := range users {
		ids[i] = u
	}
	var rows []struct {
		Id    string `db:"id"`
		From  string `db:"quiet_from"`
		Until string `db:"quiet_until"`
	}
	err := app.DB().Select("id", "quiet_from", "quiet_until").
		From(hooks.UsersCollection).
		Where(dbx.In("id", ids...)).
		AndWhere(dbx.HashExp{"disabled": false}).
		All(&rows)
	if err != nil {
		return nil, fmt.Errorf("the quiet hours of %d colleagues: %w", len(users), err)
	}
	ok := make(map[string]bool, len(rows))
	for _, r := range rows {
		ok[r.Id] = !quietAt(r.From, r.Until, now)
	}
	return slices.DeleteFunc(slices.Clone(users), func(u string) bool { return !ok[u] }), nil
}
