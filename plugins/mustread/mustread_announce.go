package mustread

import (
	"buurtplein/plugins/notify"

	"github.com/pocketbase/pocketbase/core"
)

// announceOnSave asks the audience of a post or page that a request makes
// must-read (created so, or marked so), or of a must-read page that a
// request gives a new revision or another audience, to read and confirm
// it: a notification of kind mustread_new for each who has not confirmed
// it at its current revision, but for who made the change. They are
// written in the save's transaction (see notifyAll): a few statements for
// the 3,000 employees an organisation protocol asks.
//
// It follows the record API (and so the dashboard and batches), not every
// save: demo content and imports ask without notifying, and the badge of
// GET /mustread counts a page restored to a new revision all the same.
func (p *plugin) announceOnSave(e *core.RecordRequestEvent) error {
	if !e.Record.GetBool("must_read") {
		return e.Next()
	}
	isNew := e.Record.IsNew()
	before := e.Record.Original()
	wasMustRead, revision, team := before.GetBool("must_read"), before.GetInt("revision"), before.GetString("must_read_team")

	return e.App.RunInTransaction(func(txApp core.App) error {
		e.App = txApp
		if err := e.Next(); err != nil {
			return err
		}
		r := e.Record
		if !r.GetBool("must_read") {
			return nil
		}
		changed := isNew || !wasMustRead ||
			(r.Collection().Name == pagesCollection && (r.GetInt("revision") != revision || r.GetString("must_read_team") != team))
		if !changed {
			return nil
		}
		return announce(txApp, subjectOf(r), changedBy(r))
	})
}

// Announce asks the audience of record, a must-read post or page, to read
// and confirm it, as a save through the record API does: a notification
// of kind mustread_new for each who has not confirmed its current
// revision, but for sender. A plugin that saves a must-read page's new
// revision outside the record API (a restore) calls it with its
// transaction's app. It does nothing for a record that is not must-read.
func Announce(app core.App, record *core.Record, sender string) error {
	if !record.GetBool("must_read") {
		return nil
	}
	return announce(app, subjectOf(record), sender)
}

// changedBy returns who made the change to a post or page: a post's
// author, a page's last editor.
func changedBy(r *core.Record) string {
	if r.Collection().Name == postsCollection {
		return r.GetString("author")
	}
	if by := r.GetString("updated_by"); by != "" {
		return by
	}
	return r.GetString("created_by")
}

// announce notifies who has not confirmed s, but for sender, with kind
// mustread_new.
func announce(app core.App, s subject, sender string) error {
	pending, err := s.pending(app, sender)
	if err != nil || len(pending) == 0 {
		return err
	}
	name := ""
	if sender != "" {
		if u, err := app.FindRecordById("users", sender); err == nil {
			name = u.GetString("name")
		}
	}
	return notifyAll(app, pending, notify.Notification{
		Kind:    notify.KindMustreadNew,
		Subject: notify.Subject{Collection: s.collection(), Id: s.record.Id},
		Sender:  sender,
		Params:  map[string]any{"actor": name, "title": s.title()},
	})
}

// liveNotifications is the most readers notified one by one, each with
// its realtime event: a team. More (a protocol for every employee) are
// written at once by notify.NotifyMany, without events; they read them
// when they open their notifications, and the must-read itself comes live
// on their feed's topics.
const liveNotifications = 50

// notifyAll gives each of users the notification n.
func notifyAll(app core.App, users []string, n notify.Notification) error {
	if len(users) > liveNotifications {
		return notify.NotifyMany(app, users, n)
	}
	for _, user := range users {
		n.User = user
		if err := notify.Notify(app, n); err != nil {
			return err
		}
	}
	return nil
}
