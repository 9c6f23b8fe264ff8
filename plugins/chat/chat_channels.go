package chat

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"buurtplein/hooks"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// The sizes of a group chat: at least GroupMin people when it starts
// (the caller and two colleagues; two people have a direct chat), never
// fewer than GroupKeep while it lasts, at most GroupMax.
const (
	GroupMin  = 3
	GroupKeep = 2
	GroupMax  = 50
)

// bindChannels binds the hooks and routes of the chat's channels: a team
// gets its channel with it, the shape of each kind of channel holds on
// every path, and who may start and change a chat holds on the record API
// and in batches.
func (p *plugin) bindChannels() error {
	p.app.OnRecordCreate(hooks.TeamsCollection).BindFunc(func(e *core.RecordEvent) error {
		return e.App.RunInTransaction(func(txApp core.App) error {
			e.App = txApp
			if err := e.Next(); err != nil {
				return err
			}
			return EnsureTeamChannel(txApp, e.Record.Id)
		})
	})

	p.app.OnRecordCreate(ChannelsCollection).BindFunc(func(e *core.RecordEvent) error {
		setDirectKey(e.Record)
		return e.Next()
	})
	p.app.OnRecordUpdate(ChannelsCollection).BindFunc(func(e *core.RecordEvent) error {
		setDirectKey(e.Record)
		return e.Next()
	})
	p.app.OnRecordValidate(ChannelsCollection).BindFunc(func(e *core.RecordEvent) error {
		if err := validateChannel(e.Record); err != nil {
			return err
		}
		return e.Next()
	})

	p.app.OnRecordCreateRequest(ChannelsCollection).BindFunc(p.createChannelRequest)
	p.app.OnRecordUpdateRequest(ChannelsCollection).BindFunc(p.updateChannelRequest)

	p.app.OnServe().BindFunc(p.bindRoutes)
	return nil
}

// EnsureTeamChannel makes the team channel of teamId unless it has one.
func EnsureTeamChannel(app core.App, teamId string) error {
	var n int
	err := app.DB().Select("count(*)").From(ChannelsCollection).
		Where(dbx.HashExp{"kind": KindTeam, "team": teamId}).Row(&n)
	if err != nil {
		return fmt.Errorf("looking up the channel of team %s: %w", teamId, err)
	}
	if n > 0 {
		return nil
	}
	collection, err := app.FindCachedCollectionByNameOrId(ChannelsCollection)
	if err != nil {
		return err
	}
	channel := core.NewRecord(collection)
	channel.Set("kind", KindTeam)
	channel.Set("team", teamId)
	if err := app.Save(channel); err != nil {
		return fmt.Errorf("making the channel of team %s: %w", teamId, err)
	}
	return nil
}

// DirectKey returns the key of the direct channel between two people: one
// channel per pair, whoever starts it.
func DirectKey(a, b string) string {
	if b < a {
		a, b = b, a
	}
	return a + ":" + b
}

// setDirectKey sets a direct channel's key from its members; other
// channels have none. The client never sets it.
func setDirectKey(channel *core.Record) {
	members := channel.GetStringSlice("members")
	if channel.GetString("kind") == KindDirect && len(members) == 2 {
		channel.Set("direct_key", DirectKey(members[0], members[1]))
		return
	}
	channel.Set("direct_key", "")
}

// validateChannel holds the shape of each kind of channel on every path
// (record API, batch, dashboard, Go code): a team channel belongs to a
// team and lists no one, a direct one is two people, a group at least
// [GroupKeep], an organisation channel has a name; kind and team never
// change.
func validateChannel(channel *core.Record) error {
	kind := channel.GetString("kind")
	members := channel.GetStringSlice("members")
	if !channel.IsNew() {
		original := channel.Original()
		if kind != original.GetString("kind") || channel.GetString("team") != original.GetString("team") {
			return hooks.Err(http.StatusBadRequest, "chat_channel_fixed", nil,
				"Het soort gesprek en het team van een gesprek veranderen niet.")
		}
	}
	if (kind == KindTeam) != (channel.GetString("team") != "") {
		return hooks.Err(http.StatusBadRequest, "chat_channel_team", nil,
			"Alleen het teamgesprek hoort bij een team; Buurtplein maakt het zelf, met het team.")
	}
	switch kind {
	case KindTeam, KindOrganisation:
		if len(members) > 0 {
			return hooks.Err(http.StatusBadRequest, "chat_channel_members", nil,
				"Wie in een team- of organisatiegesprek zit, volgt uit het team of uit wie meedoet; er staan geen deelnemers op.")
		}
		if kind == KindOrganisation && strings.TrimSpace(channel.GetString("name")) == "" {
			return hooks.FieldError("name", "required", "Geef het gesprek een naam.")
		}
	case KindDirect:
		if len(members) != 2 {
			return directMembersError()
		}
	case KindGroup:
		if len(members) < GroupKeep {
			return groupTooSmallError()
		}
	}
	return nil
}

func directMembersError() error {
	return hooks.Err(http.StatusBadRequest, "chat_direct_members", nil,
		"Een een-op-eengesprek is tussen jou en één collega.")
}

func groupTooSmallError() error {
	return hooks.Err(http.StatusBadRequest, "chat_group_too_small", hooks.Params{"min": GroupKeep},
		fmt.Sprintf("Een groepsgesprek houdt ten minste %d deelnemers.", GroupKeep))
}

func groupMembersError() error {
	return hooks.Err(http.StatusBadRequest, "chat_group_members", hooks.Params{"min": GroupMin, "max": GroupMax},
		fmt.Sprintf("Een groepsgesprek begint met %d tot %d collega's, jijzelf meegeteld.", GroupMin, GroupMax))
}

// createChannelRequest holds who may start which chat, on the record API
// and in batches (the create rule has already pinned created_by to the
// caller and kept team channels out). A direct chat with a colleague one
// already has answers 200 with that chat.
func (p *plugin) createChannelRequest(e *core.RecordRequestEvent) error {
	if e.HasSuperuserAuth() {
		return e.Next() // IT in the dashboard: validateChannel still holds
	}
	me := e.Auth.Id
	channel := e.Record
	members := channel.GetStringSlice("members")

	switch channel.GetString("kind") {
	case KindDirect:
		if len(members) == 1 && members[0] == me {
			return hooks.Err(http.StatusBadRequest, "chat_direct_self", nil, "Een gesprek met jezelf kan niet; kies een collega.")
		}
		if len(members) != 2 || !slices.Contains(members, me) {
			return directMembersError()
		}
		if err := checkActive(e.App, members); err != nil {
			return err
		}
		existing, err := findDirect(e.App, DirectKey(members[0], members[1]))
		if err != nil {
			return err
		}
		if existing != nil {
			return answerExisting(e, existing)
		}
		return e.Next()

	case KindGroup:
		if len(members) < GroupMin || len(members) > GroupMax || !slices.Contains(members, me) {
			return groupMembersError()
		}
		if err := checkActive(e.App, members); err != nil {
			return err
		}
		return e.Next()

	case KindOrganisation:
		may, err := mayStartOrganisationChannel(e.App, me)
		if err != nil {
			return err
		}
		if !may {
			return hooks.Err(http.StatusForbidden, "chat_organisation_forbidden", nil,
				"Alleen BOB en coördinatoren starten een gesprek voor de hele organisatie.")
		}
		// the creator joins in the same transaction: a channel without
		// its creator in it is never seen
		return e.App.RunInTransaction(func(txApp core.App) error {
			e.App = txApp
			if err := e.Next(); err != nil {
				return err
			}
			return joinChannel(txApp, e.Record.Id, me)
		})
	}
	return e.Next()
}

// answerExisting answers a create with the channel that already exists,
// as the record API would answer the new one (with ?expand and ?fields);
// in a batch the requests after it still run.
func answerExisting(e *core.RecordRequestEvent, existing *core.Record) error {
	e.Record = existing
	if err := apis.EnrichRecord(e.RequestEvent, existing); err != nil {
		return err
	}
	return e.JSON(http.StatusOK, existing)
}

// findDirect returns the direct channel of key, or nil.
func findDirect(app core.App, key string) (*core.Record, error) {
	channel, err := app.FindFirstRecordByFilter(ChannelsCollection, "kind = {:kind} && direct_key = {:key}",
		dbx.Params{"kind": KindDirect, "key": key})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("looking up a direct channel: %w", err)
	}
	return channel, nil
}

// mayStartOrganisationChannel reports whether userId is BOB staff or a
// coordinator of a team.
func mayStartOrganisationChannel(app core.App, userId string) (bool, error) {
	var n int
	err := app.DB().Select("count(*)").
		From(hooks.MembershipsCollection+" m").
		InnerJoin(hooks.TeamsCollection+" t", dbx.NewExp("t.id = m.team")).
		Where(dbx.HashExp{"m.user": userId}).
		AndWhere(dbx.Or(dbx.HashExp{"t.kind": hooks.TeamKindBOB}, dbx.HashExp{"m.role": hooks.RoleCoordinator})).
		Row(&n)
	if err != nil {
		return false, fmt.Errorf("checking whether %s may start an organisation channel: %w", userId, err)
	}
	return n > 0, nil
}

// checkActive returns a 400 naming the first of users whose account is
// blocked. One who does not exist is left to the relation field's own
// validation.
func checkActive(app core.App, users []string) error {
	if len(users) == 0 {
		return nil
	}
	var blocked []struct {
		Name string `db:"name"`
	}
	err := app.DB().Select("name").From(hooks.UsersCollection).
		Where(dbx.In("id", toAny(users)...)).
		AndWhere(dbx.HashExp{"disabled": true}).
		OrderBy("name").
		All(&blocked)
	if err != nil {
		return fmt.Errorf("checking the accounts of a chat's members: %w", err)
	}
	if len(blocked) > 0 {
		return hooks.Err(http.StatusBadRequest, "chat_member_blocked", hooks.Params{"name": blocked[0].Name},
			fmt.Sprintf("Het account van %s is geblokkeerd; met een geblokkeerde collega start of deel je geen gesprek.", blocked[0].Name))
	}
	return nil
}

// updateChannelRequest holds who may change a group chat's members on the
// record API and in batches (the update rule has already kept it to its
// members, and organisation channels to their creator and BOB): anyone in
// it adds colleagues, removes only themselves (leaving), and its creator
// removes anyone.
func (p *plugin) updateChannelRequest(e *core.RecordRequestEvent) error {
	channel := e.Record
	if e.HasSuperuserAuth() || channel.GetString("kind") != KindGroup {
		return e.Next()
	}
	me := e.Auth.Id
	before := channel.Original().GetStringSlice("members")
	after := channel.GetStringSlice("members")

	var added []string
	for _, m := range after {
		if !slices.Contains(before, m) {
			added = append(added, m)
		}
	}
	for _, m := range before {
		if !slices.Contains(after, m) && m != me && channel.GetString("created_by") != me {
			return hooks.Err(http.StatusForbidden, "chat_group_remove_forbidden", nil,
				"Alleen wie het groepsgesprek begon, haalt er anderen uit; jij kunt het zelf verlaten.")
		}
	}
	if len(after) > GroupMax {
		return groupMembersError()
	}
	if len(after) < GroupKeep {
		return groupTooSmallError()
	}
	if err := checkActive(e.App, added); err != nil {
		return err
	}
	return e.Next()
}

func toAny(ids []string) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}
