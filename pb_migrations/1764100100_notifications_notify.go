package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// The notifications collection as the notify plugin keeps it: a
// notification stores a kind, its parameters and the record it is about,
// no sentence, and the PWA words it in the reader's language.
//
//   - title and link go: the Dutch text and the route were words and
//     places the PWA now makes from the kind and the subject
//   - subject_collection: the collection of the subject ("tasks",
//     "teams", "users"), so the PWA knows where it points
//   - a notification written before its kind carried parameters keeps its
//     Dutch text as the parameter "text", so it stays readable; its subject
//     comes from its link where the link named a task or a team
//   - an offer of several tasks at once (a shift handover) was
//     "handover_offered" about the sender; it is now "handover_shift", and
//     an offer of one task no longer counts its one task (n)
//   - the reader changes read alone, and no longer deletes: a
//     notification is the server's record of what it told someone
//
// The index on subject, kind and user stays: Notify and Settle look
// notifications up by what they are about.

const notificationsOwn = `@request.auth.collectionName = "users" && user = @request.auth.id`

const notificationsUpdateReadOnly = notificationsOwn +
	` && @request.body.user:changed = false && @request.body.kind:changed = false` +
	` && @request.body.params:changed = false && @request.body.subject:changed = false` +
	` && @request.body.subject_collection:changed = false && @request.body.sender:changed = false` +
	` && @request.body.settled:changed = false && @request.body.created:changed = false`

// the update rule of 1764000400, for the way back
const notificationsUpdateWithTitle = notificationsOwn +
	` && @request.body.user:changed = false && @request.body.kind:changed = false` +
	` && @request.body.title:changed = false && @request.body.link:changed = false` +
	` && @request.body.subject:changed = false && @request.body.sender:changed = false` +
	` && @request.body.params:changed = false && @request.body.settled:changed = false`

// notificationsToKinds moves the rows to kinds, parameters and subjects
// while title and link are still there to read.
var notificationsToKinds = []string{
	`UPDATE notifications SET kind = 'handover_shift'
		WHERE kind = 'handover_offered' AND subject != '' AND subject = sender`,
	`UPDATE notifications SET params = json_remove(params, '$.n')
		WHERE kind = 'handover_offered' AND json_valid(params)`,
	`UPDATE notifications SET params = json_object('text', title)
		WHERE params IS NULL OR trim(params) IN ('', 'null', '{}', '[]')`,
	`UPDATE notifications SET subject = substr(link, 9)
		WHERE subject = '' AND link GLOB '#/tasks/?*'`,
	`UPDATE notifications SET subject = coalesce((SELECT id FROM teams WHERE slug = substr(notifications.link, 8)), ''),
		subject_collection = 'teams'
		WHERE subject = '' AND link GLOB '#/team/?*'`,
	`UPDATE notifications SET subject_collection = 'users' WHERE kind = 'handover_shift'`,
	`UPDATE notifications SET subject_collection = 'tasks'
		WHERE subject != '' AND subject_collection = '' AND (kind GLOB 'task_*' OR kind GLOB 'handover_*')`,
	`UPDATE notifications SET subject_collection = '' WHERE subject = ''`,
}

// notificationsToTitles is the way back: each row gets a title and link
// again, its own old text where it had one.
var notificationsToTitles = []string{
	`UPDATE notifications SET title = coalesce(json_extract(params, '$.text'), kind),
		link = CASE
			WHEN subject_collection = 'tasks' AND kind != 'handover_offered' THEN '#/tasks/' || subject
			WHEN subject_collection = 'teams' THEN coalesce('#/team/' || (SELECT slug FROM teams WHERE id = notifications.subject), '#/teams')
			ELSE '#/tasks' END`,
	`UPDATE notifications SET kind = 'handover_offered' WHERE kind = 'handover_shift'`,
}

func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("notifications")
		if err != nil {
			return err
		}
		c.Fields.Add(&core.TextField{Name: "subject_collection", Max: 50})
		if err := app.Save(c); err != nil {
			return err
		}
		for _, q := range notificationsToKinds {
			if _, err := app.DB().NewQuery(q).Execute(); err != nil {
				return err
			}
		}

		c.Fields.RemoveByName("title")
		c.Fields.RemoveByName("link")
		c.ListRule = types.Pointer(notificationsOwn)
		c.ViewRule = types.Pointer(notificationsOwn)
		c.CreateRule = nil
		c.UpdateRule = types.Pointer(notificationsUpdateReadOnly)
		c.DeleteRule = nil
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("notifications")
		if err != nil {
			return err
		}
		c.Fields.Add(
			&core.TextField{Name: "title", Required: true, Max: 300},
			&core.TextField{Name: "link", Max: 500},
		)
		if err := app.Save(c); err != nil {
			return err
		}
		for _, q := range notificationsToTitles {
			if _, err := app.DB().NewQuery(q).Execute(); err != nil {
				return err
			}
		}

		c.Fields.RemoveByName("subject_collection")
		c.UpdateRule = types.Pointer(notificationsUpdateWithTitle)
		c.DeleteRule = types.Pointer(notificationsOwn)
		return app.Save(c)
	})
}
