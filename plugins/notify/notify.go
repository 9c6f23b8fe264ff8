// Package notify owns Buurtplein's in-app notifications: the notifications
// collection, the kinds of notification with their parameters, and the
// functions other plugins tell a person something with.
//
// A notification stores no sentence: a kind, its parameters (names, a
// task's title) and the record it is about. The PWA words it in the
// reader's language and links it to what it is about.
//
// Example usage:
//
//	notify.MustRegister(app, notify.Config{})
//
//	// in a plugin, with the transaction's app:
//	err := notify.Notify(txApp, notify.Notification{
//		User:    assigneeId,
//		Kind:    notify.KindTaskAssigned,
//		Subject: notify.Subject{Collection: "tasks", Id: task.Id},
//		Sender:  actorId,
//		Params:  map[string]any{"title": task.GetString("title")},
//	})
package notify

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"buurtplein/hooks"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Collection holds the in-app notifications. A reader lists and views
// their own and marks them read; only the server creates, changes and
// deletes them.
const Collection = "notifications"

// Config defines the config options of the notify plugin.
type Config struct {
	// MaxParamLength is the most characters a text parameter keeps (a
	// task's title, a name); a longer one is cut with "…". Default: 200.
	MaxParamLength int
}

type plugin struct {
	app    core.App
	config Config
}

// MustRegister registers the notify plugin to app and panics on error.
func MustRegister(app core.App, config Config) {
	if err := Register(app, config); err != nil {
		panic(err)
	}
}

// Register registers the notify plugin to app. Register it before the
// plugins that notify.
func Register(app core.App, config Config) error {
	p := &plugin{app: app, config: config}
	if p.config.MaxParamLength <= 0 {
		p.config.MaxParamLength = 200
	}

	hooks.GuardScoped(app, Collection)
	app.OnRecordValidate(Collection).BindFunc(p.validate)

	// live on the reader's own topic, buurtplein/user/<id>
	hooks.PublishTo(app, Collection, hooks.Topics{Of: hooks.ByUser("user")})

	return nil
}

// Subject is the record a notification is about: the PWA links to it.
type Subject struct {
	// Collection is the collection of the record ("tasks", "teams",
	// "users").
	Collection string
	// Id is the id of the record.
	Id string
}

// Notification is an in-app notification for [Notify].
type Notification struct {
	// User is who reads it.
	User string
	// Kind says what happened.
	Kind Kind
	// Subject is the record it is about (zero for none: then it is never
	// merged with another).
	Subject Subject
	// Sender is who caused it ("" for the server itself).
	Sender string
	// Params are the values the PWA fills into the wording of the kind
	// (see [Kind.Params]); text a colleague wrote goes here, as a value,
	// never into the wording.
	Params map[string]any
}

// Notify creates n, and keeps one notification per reader, kind, subject
// and sender: when the reader already has an open one (unread, not
// settled), that one is brought up to date instead, and older ones (read
// or settled) make way for the new one. Repeating an action, such as
// offering the same task again and again, never piles up notifications.
//
// Call it with the transaction's app, so the notification is written with
// the change it is about, or not at all.
func Notify(app core.App, n Notification) error {
	if n.User == "" {
		return nil
	}
	collection, err := app.FindCachedCollectionByNameOrId(Collection)
	if err != nil {
		return fmt.Errorf("notifications collection: %w", err)
	}

	var record *core.Record
	if n.Subject.Id != "" {
		same, err := app.FindAllRecords(Collection, dbx.HashExp{
			"subject": n.Subject.Id, "subject_collection": n.Subject.Collection,
			"kind": string(n.Kind), "user": n.User, "sender": n.Sender,
		})
		if err != nil {
			return fmt.Errorf("notifications about %s: %w", n.Subject.Id, err)
		}
		for _, old := range same {
			if record == nil && !old.GetBool("read") && !old.GetBool("settled") {
				record = old
				continue
			}
			if err := app.Delete(old); err != nil {
				return fmt.Errorf("replacing notification %s: %w", old.Id, err)
			}
		}
	}
	if record == nil {
		record = core.NewRecord(collection)
	}

	record.Set("user", n.User)
	record.Set("kind", string(n.Kind))
	record.Set("subject", n.Subject.Id)
	record.Set("subject_collection", n.Subject.Collection)
	record.Set("sender", n.Sender)
	record.Set("params", n.Params)
	if err := app.Save(record); err != nil {
		return fmt.Errorf("notifying %s: %w", n.User, err)
	}
	return nil
}

// validate holds every notification, on every path (Notify, the
// dashboard), to a known kind with its own parameters, and makes each text
// parameter one plain line of bounded length. A notification written
// before the kinds carried parameters keeps its old text while it is
// marked read.
func (p *plugin) validate(e *core.RecordEvent) error {
	r := e.Record
	kind := Kind(r.GetString("kind"))
	if !r.IsNew() && string(kind) == r.Original().GetString("kind") &&
		fmt.Sprint(r.Get("params")) == fmt.Sprint(r.Original().Get("params")) {
		return e.Next()
	}
	if !kind.Known() {
		return hooks.FieldError("kind", "unknown_kind", fmt.Sprintf("Een melding van de soort %q bestaat niet.", kind))
	}

	params := map[string]any{}
	if raw, _ := r.GetRaw("params").(types.JSONRaw); len(raw) > 0 && string(raw) != "null" {
		if err := json.Unmarshal(raw, &params); err != nil {
			return hooks.FieldError("params", "invalid", "De gegevens van een melding moeten een object met namen en waarden zijn.")
		}
	}
	names := kind.Params()
	for name, v := range params {
		if !slices.Contains(names, name) {
			return hooks.FieldError("params", "unknown_param", fmt.Sprintf(
				"Een melding van de soort %s heeft geen gegeven %q; wel: %s.", kind, name, strings.Join(names, ", ")))
		}
		if s, ok := v.(string); ok {
			params[name] = plainText(s, p.config.MaxParamLength)
		}
	}
	r.Set("params", params)
	return e.Next()
}

// plainText returns s on one line, without control or bidirectional
// formatting characters (which could make a colleague's text read as
// something else), cut to at most limit characters.
func plainText(s string, limit int) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, s)
	if r := []rune(s); len(r) > limit {
		s = string(r[:limit-1]) + "…"
	}
	return s
}

// ActorName returns the name of the employee userId for a notification's
// parameters, or "" for none (IT, or an account that is gone): the PWA
// then says "a colleague" in the reader's language.
func ActorName(app core.App, userId string) string {
	if userId == "" {
		return ""
	}
	u, err := app.FindRecordById(hooks.UsersCollection, userId)
	if err != nil {
		return ""
	}
	return u.GetString("name")
}
