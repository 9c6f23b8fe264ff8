package chat

import (
	"fmt"
	"net/http"

	"buurtplein/hooks"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Member is a person in a channel, as GET .../channels/{id}/members
// lists them.
type Member struct {
	Id         string `db:"id" json:"id"`
	Name       string `db:"name" json:"name"`
	Avatar     string `db:"avatar" json:"avatar"`
	Discipline string `db:"discipline" json:"discipline"`
}

// listMembers answers GET /api/buurtplein/chat/channels/{id}/members: the
// people in a channel the caller may see (every organisation channel, to
// decide whether to join it; the others only by their members), by name.
func (p *plugin) listMembers(e *core.RequestEvent) error {
	channel, err := channelFor(e, e.Request.PathValue("id"), true)
	if err != nil {
		return err
	}

	members, err := membersOf(e.App, channel)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{"items": members})
}

// membersOf returns the people of channel by name, in one query.
func membersOf(app core.App, channel *core.Record) ([]Member, error) {
	q := app.DB().Select("u.id", "u.name", "u.avatar", "u.discipline").From(hooks.UsersCollection+" u").OrderBy("u.name", "u.id")
	switch channel.GetString("kind") {
	case KindTeam:
		q.InnerJoin(hooks.MembershipsCollection+" m", dbx.NewExp("m.user = u.id")).
			Where(dbx.HashExp{"m.team": channel.GetString("team")})
	case KindOrganisation:
		q.InnerJoin(ReadsCollection+" r", dbx.NewExp("r.user = u.id")).
			Where(dbx.HashExp{"r.channel": channel.Id})
	default:
		q.Where(dbx.In("u.id", toAny(channel.GetStringSlice("members"))...))
	}
	members := []Member{}
	if err := q.All(&members); err != nil {
		return nil, fmt.Errorf("members of channel %s: %w", channel.Id, err)
	}
	return members, nil
}
