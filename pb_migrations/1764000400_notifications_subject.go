package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// A notification now knows what it is about and who caused it, so the
// server can keep one notification per subject and sender instead of one
// per repeat, and take it back when what it asks for is withdrawn or done:
//
//   - subject: the id of the record it is about (a task, for a handover)
//   - sender: who caused it (empty for the server itself)
//   - params: the values the PWA fills into the wording of the kind, in the
//     reader's language; the title stays for clients that do not know it
//   - settled: what it asked for was done or withdrawn; it is no longer open
//
// The reader still only marks a notification read (or deletes it).

const notificationsUpdateBefore = `@request.auth.collectionName = "users" && user = @request.auth.id` +
	` && @request.body.user:changed = false && @request.body.kind:changed = false` +
	` && @request.body.title:changed = false && @request.body.link:changed = false`

const notificationsUpdateAfter = notificationsUpdateBefore +
	` && @request.body.subject:changed = false && @request.body.sender:changed = false` +
	` && @request.body.params:changed = false && @request.body.settled:changed = false`

func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("notifications")
		if err != nil {
			return err
		}
		c.Fields.Add(
			&core.TextField{Name: "subject", Max: 100},
			&core.RelationField{Name: "sender", MaxSelect: 1, CollectionId: "_pb_users_auth_"},
			&core.JSONField{Name: "params", MaxSize: 4000},
			&core.BoolField{Name: "settled"},
		)
		c.UpdateRule = types.Pointer(notificationsUpdateAfter)
		c.AddIndex("idx_notifications_subject_kind_user", false, "subject, kind, user", "")
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("notifications")
		if err != nil {
			return err
		}
		c.RemoveIndex("idx_notifications_subject_kind_user")
		for _, name := range []string{"subject", "sender", "params", "settled"} {
			c.Fields.RemoveByName(name)
		}
		c.UpdateRule = types.Pointer(notificationsUpdateBefore)
		return app.Save(c)
	})
}
