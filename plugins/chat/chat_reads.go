package chat

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"time"

	"buurtplein/hooks"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// bindReads binds the hooks of the chat's read states: how far someone
// read a channel only moves forward and never past now, on every path;
// joining an organisation channel twice answers the row there is.
func (p *plugin) bindReads() error {
	p.app.OnRecordCreate(ReadsCollection).BindFunc(func(e *core.RecordEvent) error {
		clampLastRead(e.Record, types.DateTime{}, time.Now())
		return e.Next()
	})
	p.app.OnRecordUpdate(ReadsCollection).BindFunc(func(e *core.RecordEvent) error {
		// as stored: a record saved twice in Go code has no fresh
		// Original() to compare with
		var stored types.DateTime
		err := e.App.DB().Select("last_read").From(ReadsCollection).
			Where(dbx.HashExp{"id": e.Record.Id}).Row(&stored)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("read state %s: %w", e.Record.Id, err)
		}
		clampLastRead(e.Record, stored, time.Now())
		return e.Next()
	})
	p.app.OnRecordCreateRequest(ReadsCollection).BindFunc(p.createReadRequest)
	return nil
}

// clampLastRead keeps a read state's last_read between the one stored
// and now: a phone with a wrong clock, or an older tab, never marks
// unread what was read, nor read what is still to come.
func clampLastRead(read *core.Record, stored types.DateTime, now time.Time) {
	last := read.GetDateTime("last_read")
	if last.IsZero() || last.Before(stored) {
		last = stored
	}
	if last.Time().After(now) {
		last, _ = types.ParseDateTime(now)
	}
	read.Set("last_read", last)
}

// createReadRequest answers a second join of an organisation channel (or
// any create of a row that exists) with the row there is, and starts a
// new member of an organisation channel as having read what came before.
func (p *plugin) createReadRequest(e *core.RecordRequestEvent) error {
	existing, err := findRead(e.App, e.Record.GetString("channel"), e.Record.GetString("user"))
	if err != nil {
		return err
	}
	if existing != nil {
		e.Record = existing
		if err := apis.EnrichRecord(e.RequestEvent, existing); err != nil {
			return err
		}
		return e.JSON(http.StatusOK, existing)
	}
	if e.Record.GetDateTime("last_read").IsZero() {
		channel, err := e.App.FindRecordById(ChannelsCollection, e.Record.GetString("channel"))
		if err == nil && channel.GetString("kind") == KindOrganisation {
			e.Record.Set("last_read", types.NowDateTime())
		}
	}
	return e.Next()
}

// findRead returns the read state of userId in channelId, or nil.
func findRead(app core.App, channelId, userId string) (*core.Record, error) {
	read, err := app.FindFirstRecordByFilter(ReadsCollection, "channel = {:channel} && user = {:user}",
		dbx.Params{"channel": channelId, "user": userId})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read state of %s in %s: %w", userId, channelId, err)
	}
	return read, nil
}

// joinChannel makes userId a member of the organisation channel
// channelId, having read all there is, unless they are one.
func joinChannel(app core.App, channelId, userId string) error {
	existing, err := findRead(app, channelId, userId)
	if err != nil || existing != nil {
		return err
	}
	collection, err := app.FindCachedCollectionByNameOrId(ReadsCollection)
	if err != nil {
		return err
	}
	read := core.NewRecord(collection)
	read.Set("channel", channelId)
	read.Set("user", userId)
	read.Set("last_read", types.NowDateTime())
	if err := app.Save(read); err != nil {
		return fmt.Errorf("joining %s to channel %s: %w", userId, channelId, err)
	}
	return nil
}

// markRead answers POST /api/buurtplein/chat/channels/{id}/read
// {"message": id}: the caller has read the channel up to that message
// (all of it when there is none). It answers the caller's read state.
func (p *plugin) markRead(e *core.RequestEvent) error {
	var body struct {
		Message string `json:"message"`
	}
	if err := e.BindBody(&body); err != nil {
		return hooks.Err(http.StatusBadRequest, "chat_read_invalid", nil, "Geef aan tot welk bericht je het gesprek hebt gelezen.")
	}
	channel, err := channelOfMember(e, e.Request.PathValue("id"))
	if err != nil {
		return err
	}

	upTo := types.NowDateTime()
	if body.Message != "" {
		message, err := e.App.FindRecordById(MessagesCollection, body.Message)
		if err != nil || message.GetString("channel") != channel.Id {
			return hooks.Err(http.StatusBadRequest, "chat_read_invalid", nil, "Geef aan tot welk bericht je het gesprek hebt gelezen.")
		}
		upTo = message.GetDateTime("created")
	}

	var read *core.Record
	err = e.App.RunInTransaction(func(txApp core.App) error {
		read, err = findRead(txApp, channel.Id, e.Auth.Id)
		if err != nil {
			return err
		}
		if read == nil {
			collection, err := txApp.FindCachedCollectionByNameOrId(ReadsCollection)
			if err != nil {
				return err
			}
			read = core.NewRecord(collection)
			read.Set("channel", channel.Id)
			read.Set("user", e.Auth.Id)
		} else if !upTo.After(read.GetDateTime("last_read")) {
			return nil // never backwards; nothing to write
		}
		read.Set("last_read", upTo)
		return txApp.Save(read)
	})
	if err != nil {
		return fmt.Errorf("marking channel %s read: %w", channel.Id, err)
	}
	if err := apis.EnrichRecord(e, read); err != nil {
		return err
	}
	return e.JSON(http.StatusOK, read)
}

// channelOfMember returns the channel id when the caller is one of its
// members, or a 404: a channel one may not read does not exist for one,
// and an organisation channel one has not joined has no read state.
func channelOfMember(e *core.RequestEvent, id string) (*core.Record, error) {
	return channelFor(e, id, false)
}

// channelFor returns the channel id when the caller is one of its
// members, or any employee when anyone may look at it (an organisation
// channel, with anyOrganisation); a 404 otherwise.
func channelFor(e *core.RequestEvent, id string, anyOrganisation bool) (*core.Record, error) {
	notFound := hooks.Err(http.StatusNotFound, "chat_channel_not_found", nil,
		"Dit gesprek bestaat niet (meer), of je doet er niet aan mee.")
	channel, err := e.App.FindRecordById(ChannelsCollection, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	if anyOrganisation && channel.GetString("kind") == KindOrganisation {
		return channel, nil
	}
	member, err := IsMember(e.App, channel, e.Auth.Id)
	if err != nil {
		return nil, err
	}
	if !member {
		return nil, notFound
	}
	return channel, nil
}
