package hooks

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// NotificationsCollection holds the in-app notifications the PWA shows live.
const NotificationsCollection = "notifications"

// maxNotificationTitle is the length of the notifications' title field.
const maxNotificationTitle = 300

// Notification is an in-app notification for [NotifyAbout].
type Notification struct {
	// User is who reads it.
	User string
	// Kind says what happened, such as "handover_offered"; the PWA words
	// each kind itself, in the reader's language.
	Kind string
	// Title is the Dutch text, for clients that do not know the kind.
	Title string
	// Link is a route of the PWA ("#/tasks/<id>").
	Link string
	// Subject is the id of the record it is about ("" for none: then it
	// is never merged with another).
	Subject string
	// Sender is who caused it ("" for the server itself).
	Sender string
	// Params are the values the PWA fills into the wording of the kind,
	// such as the task's title; text a colleague wrote goes here, as a
	// value, never into the wording.
	Params map[string]any
}

// Notify creates an in-app notification for userId. Call it with the
// transaction's app, so the notification is written with the change it is
// about, or not at all.
func Notify(app core.App, userId, kind, title, link string) error {
	return NotifyAbout(app, Notification{User: userId, Kind: kind, Title: title, Link: link})
}

// NotifyAbout creates n, like [Notify], but keeps one notification per
// reader, kind, subject and sender: when the reader already has an open
// one (unread, not settled), that one is brought up to date instead, and
// older ones (read or settled) make way for the new one. Repeating an
// action, such as offering the same task again and again, never piles up
// notifications.
func NotifyAbout(app core.App, n Notification) error {
	if n.User == "" {
		return nil
	}
	collection, err := app.FindCachedCollectionByNameOrId(NotificationsCollection)
	if err != nil {
		return fmt.Errorf("notifications collection: %w", err)
	}

	var record *core.Record
	if n.Subject != "" {
		same, err := app.FindAllRecords(NotificationsCollection, dbx.HashExp{
			"subject": n.Subject, "kind": n.Kind, "user": n.User, "sender": n.Sender,
		})
		if err != nil {
			return fmt.Errorf("notifications about %s: %w", n.Subject, err)
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
	record.Set("kind", n.Kind)
	record.Set("title", plainText(n.Title, maxNotificationTitle))
	record.Set("link", n.Link)
	record.Set("subject", n.Subject)
	record.Set("sender", n.Sender)
	if n.Params != nil {
		params := make(map[string]any, len(n.Params))
		for k, v := range n.Params {
			if s, ok := v.(string); ok {
				v = plainText(s, 200)
			}
			params[k] = v
		}
		record.Set("params", params)
	}
	if err := app.Save(record); err != nil {
		return fmt.Errorf("notifying %s: %w", n.User, err)
	}
	return nil
}

// SettleNotifications marks the open notifications matching where as
// settled: what they asked for was done, by the reader or by a colleague.
// The reader still sees them, no longer as open.
func SettleNotifications(app core.App, where dbx.Expression) error {
	open, err := app.FindAllRecords(NotificationsCollection, where, dbx.HashExp{"settled": false})
	if err != nil {
		return fmt.Errorf("finding notifications to settle: %w", err)
	}
	for _, n := range open {
		n.Set("settled", true)
		if err := app.Save(n); err != nil {
			return fmt.Errorf("settling notification %s: %w", n.Id, err)
		}
	}
	return nil
}

// WithdrawNotifications takes back the notifications matching where: what
// they announced was withdrawn. Unread ones are deleted, so a withdrawn
// offer leaves nothing behind; read ones are settled.
func WithdrawNotifications(app core.App, where dbx.Expression) error {
	found, err := app.FindAllRecords(NotificationsCollection, where)
	if err != nil {
		return fmt.Errorf("finding notifications to withdraw: %w", err)
	}
	for _, n := range found {
		switch {
		case !n.GetBool("read"):
			err = app.Delete(n)
		case !n.GetBool("settled"):
			n.Set("settled", true)
			err = app.Save(n)
		}
		if err != nil {
			return fmt.Errorf("withdrawing notification %s: %w", n.Id, err)
		}
	}
	return nil
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
