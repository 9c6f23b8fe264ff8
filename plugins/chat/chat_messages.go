package chat

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"buurtplein/hooks"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// maxBodyRunes is the most characters a message's body has (the field's
// own Max, checked first so the answer carries the chat's code).
const maxBodyRunes = 4000

// serverFields are the fields of a message only the server sets.
var serverFields = []string{"mentions", "mention_all", "reactions", "edited", "deleted"}

// bindMessages binds the hooks of the chat's messages: on every path a
// message is trimmed, not empty, not too long, replies within its channel
// and carries the mentions of its body; a request writes only into a
// channel of its author, may send the same message (its id) again, edits
// only the body of its own message and deletes it by clearing it in
// place. Mentions notify in the transaction of the write.
func (p *plugin) bindMessages() error {
	p.app.OnRecordCreate(MessagesCollection).BindFunc(func(e *core.RecordEvent) error {
		if err := p.prepareMessage(e.App, e.Record); err != nil {
			return err
		}
		return e.Next()
	})
	p.app.OnRecordUpdate(MessagesCollection).BindFunc(func(e *core.RecordEvent) error {
		if err := p.prepareMessage(e.App, e.Record); err != nil {
			return err
		}
		return e.Next()
	})

	p.app.OnRecordCreateRequest(MessagesCollection).BindFunc(p.createRequest)
	p.app.OnRecordUpdateRequest(MessagesCollection).BindFunc(p.updateRequest)
	p.app.OnRecordDeleteRequest(MessagesCollection).BindFunc(p.deleteRequest)

	p.app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		g := se.Router.Group("/api/buurtplein/chat/messages")
		g.Bind(apis.RequireAuth(hooks.UsersCollection))
		g.POST("/{id}/reactions", p.react)
		return se.Next()
	})
	return nil
}

// prepareMessage holds a message to what a message is, on every path (Go
// code too): its body trimmed, at most [maxBodyRunes] characters, not
// empty without attachments (unless deleted), a reply to a message of the
// same channel; and it reads the mentions of a new or changed body.
func (p *plugin) prepareMessage(app core.App, message *core.Record) error {
	body := strings.TrimSpace(message.GetString("body"))
	message.Set("body", body)
	if utf8.RuneCountInString(body) > maxBodyRunes {
		return hooks.Err(http.StatusBadRequest, "chat_message_too_long", hooks.Params{"max": maxBodyRunes},
			fmt.Sprintf("Een bericht is ten hoogste %d tekens lang. Maak het korter of verdeel het over meer berichten.", maxBodyRunes))
	}
	deleted := !message.GetDateTime("deleted").IsZero()
	if body == "" && attachmentCount(message) == 0 && !deleted {
		return hooks.Err(http.StatusBadRequest, "chat_message_empty", nil,
			"Een bericht heeft tekst of een bijlage.")
	}
	if err := checkReply(app, message); err != nil {
		return err
	}

	old := message.Original()
	if !message.IsNew() && body == old.GetString("body") && deleted == !old.GetDateTime("deleted").IsZero() {
		return nil // the mentions stay what they were
	}
	return p.readMentions(app, message)
}

// attachmentCount returns how many files message has, stored and new.
func attachmentCount(message *core.Record) int {
	files, _ := message.GetRaw("attachments").([]any)
	return len(files)
}

// checkReply refuses a reply to a message of another channel. A reply to
// a message that does not exist is the relation field's to refuse.
func checkReply(app core.App, message *core.Record) error {
	replyTo := message.GetString("reply_to")
	if replyTo == "" || (!message.IsNew() && replyTo == message.Original().GetString("reply_to")) {
		return nil
	}
	other, err := app.FindRecordById(MessagesCollection, replyTo)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("the message %s replies to: %w", message.Id, err)
	}
	if other.GetString("channel") != message.GetString("channel") {
		return hooks.Err(http.StatusBadRequest, "chat_reply_other_channel", nil,
			"Je kunt alleen reageren op een bericht uit hetzelfde gesprek.")
	}
	return nil
}

// createRequest lets a request write a message only into a channel its
// author is a member of, never with the server's fields, and makes the
// create idempotent: the client picks the id, and a create whose id is
// already stored, by the same author in the same channel (a resend after
// a lost answer), is answered as the first was, with the stored message,
// writing and notifying nothing. The lookup and the write share one
// transaction, so two copies of a create racing each other store one
// message. In a batch such a resend answers 200 with the stored message
// too, and the batch goes on.
func (p *plugin) createRequest(e *core.RecordRequestEvent) error {
	for _, field := range serverFields {
		if isSet(e.Record, field) {
			return hooks.Err(http.StatusBadRequest, "chat_server_field", hooks.Params{"field": field},
				fmt.Sprintf("Het veld %q van een bericht vult de server zelf in.", field))
		}
	}
	channel, err := e.App.FindRecordById(ChannelsCollection, e.Record.GetString("channel"))
	if errors.Is(err, sql.ErrNoRows) {
		return e.Next() // the relation field refuses it
	}
	if err != nil {
		return fmt.Errorf("the channel of a new message: %w", err)
	}
	if err := mustBeMember(e.App, channel, e.Record.GetString("author")); err != nil {
		return err
	}

	var stored *core.Record
	err = p.inTransaction(e, func(txApp core.App) error {
		if e.Record.Id != "" {
			found, err := txApp.FindRecordById(MessagesCollection, e.Record.Id)
			switch {
			case err == nil && found.GetString("author") == e.Record.GetString("author") &&
				found.GetString("channel") == channel.Id:
				stored = found
				return nil
			case err != nil && !errors.Is(err, sql.ErrNoRows):
				return fmt.Errorf("looking up message %s: %w", e.Record.Id, err)
			}
			// another's message with this id: PocketBase refuses the id
		}
		if err := e.Next(); err != nil {
			return err
		}
		return p.notifyMentions(txApp, nil, e.Record, channel)
	})
	if err != nil || stored == nil {
		return err
	}
	if err := apis.EnrichRecord(e.RequestEvent, stored); err != nil {
		return err
	}
	return e.JSON(http.StatusOK, stored)
}

// isSet reports whether field of a new message holds a value.
func isSet(message *core.Record, field string) bool {
	switch v := message.GetRaw(field).(type) {
	case nil:
		return false
	case string:
		return v != ""
	case []string:
		return len(v) > 0
	case types.DateTime:
		return !v.IsZero()
	case types.JSONRaw:
		s := strings.TrimSpace(string(v))
		return s != "" && s != "null" && s != "{}" && s != "[]"
	}
	return true
}

// mustBeMember returns a 403 unless userId is a member of channel.
func mustBeMember(app core.App, channel *core.Record, userId string) error {
	ok, err := IsMember(app, channel, userId)
	if err != nil {
		return err
	}
	if !ok {
		return hooks.Err(http.StatusForbidden, "chat_not_member", nil,
			"Je bent geen lid van dit gesprek, dus je kunt er niet in schrijven.")
	}
	return nil
}

// updateRequest lets the author edit the body of a message alone, never
// of a deleted one; an edit is marked (edited) and notifies only whom it
// mentions anew.
func (p *plugin) updateRequest(e *core.RecordRequestEvent) error {
	old := e.Record.Original()
	if !old.GetDateTime("deleted").IsZero() {
		return hooks.Err(http.StatusBadRequest, "chat_message_deleted", nil,
			"Dit bericht is verwijderd en kan niet meer worden gewijzigd.")
	}
	for _, field := range e.Record.Collection().Fields {
		name := field.GetName()
		if name == "body" || name == "updated" {
			continue
		}
		if fmt.Sprint(e.Record.GetRaw(name)) != fmt.Sprint(old.GetRaw(name)) {
			return hooks.Err(http.StatusBadRequest, "chat_message_fields", hooks.Params{"field": name},
				"Van een bericht kun je alleen de tekst wijzigen.")
		}
	}
	if strings.TrimSpace(e.Record.GetString("body")) == old.GetString("body") {
		return e.Next() // nothing changes
	}
	e.Record.Set("edited", types.NowDateTime())

	channel, err := e.App.FindRecordById(ChannelsCollection, e.Record.GetString("channel"))
	if err != nil {
		return fmt.Errorf("the channel of message %s: %w", e.Record.Id, err)
	}
	return p.inTransaction(e, func(txApp core.App) error {
		if err := e.Next(); err != nil {
			return err
		}
		return p.notifyMentions(txApp, old, e.Record, channel)
	})
}

// deleteRequest deletes a message in place: it stays in its channel,
// cleared (no body, files, mentions or reactions) and marked deleted, so
// replies keep their place and the PWA shows "bericht verwijderd". It
// answers 204, as a delete does. NB! It does not call e.Next(): a batch
// then goes on with its next request on its own and takes this answer.
func (p *plugin) deleteRequest(e *core.RecordRequestEvent) error {
	message := e.Record
	if message.GetDateTime("deleted").IsZero() {
		message.Set("body", "")
		message.Set("attachments", []string{})
		message.Set("mentions", []string{})
		message.Set("mention_all", "")
		message.Set("reactions", nil)
		message.Set("deleted", types.NowDateTime())
		if err := e.App.Save(message); err != nil {
			return fmt.Errorf("deleting message %s: %w", message.Id, err)
		}
	}
	return e.NoContent(http.StatusNoContent)
}

// inTransaction runs fn with e's app in one transaction (the write of the
// request and what comes with it), or in the batch's.
func (p *plugin) inTransaction(e *core.RecordRequestEvent, fn func(txApp core.App) error) error {
	app := e.App
	defer func() { e.App = app }()
	return app.RunInTransaction(func(txApp core.App) error {
		e.App = txApp
		return fn(txApp)
	})
}
