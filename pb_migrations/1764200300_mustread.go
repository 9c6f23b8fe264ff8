package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Must-read confirmations, as the must-read plugin keeps them:
//
//   - reads: the create rule keeps what a reader may confirm at all (their
//     own confirmation, of a post or page they may read) and leaves whether
//     it is must-read, whether they are asked to and whether they already
//     did to the plugin, which answers each with a code a person can act
//     on; with the must-read test in the rule a colleague who confirms a
//     page that stopped being must-read got PocketBase's bare 400. A
//     confirmation may leave out its user: the plugin sets the reader's own
//   - mustread_reminders: when someone reminded the readers of a must-read
//     post or page who have not confirmed it, so the plugin sends at most
//     one reminder a day per item; written by the plugin only, read by no
//     one through the API
//   - posts: an index on the must-read posts alone, so a reader's list of
//     what they still have to confirm reads a handful of rows

const (
	mustreadReadsCreate = `@request.auth.collectionName = "users" && (user = @request.auth.id || user = "")` +
		` && ((post != "" && page = "" &&` +
		` (post.team = "" || post.visibility = "organisation" || @request.auth.memberships_via_user.team ?= post.team))` +
		` || (page != "" && post = "" &&` +
		` (page.team = "" || page.shared = true || @request.auth.memberships_via_user.team ?= page.team)))`

	// the create rule of 1764200100, for the way back
	mustreadReadsCreateBefore = `@request.auth.collectionName = "users" && user = @request.auth.id` +
		` && ((post != "" && page = "" && post.must_read = true &&` +
		` (post.team = "" || post.visibility = "organisation" || @request.auth.memberships_via_user.team ?= post.team))` +
		` || (page != "" && post = "" && page.must_read = true &&` +
		` (page.must_read_team = "" || @request.auth.memberships_via_user.team ?= page.must_read_team) &&` +
		` (page.team = "" || page.shared = true || @request.auth.memberships_via_user.team ?= page.team)))`
)

func init() {
	m.Register(func(app core.App) error {
		reads, err := app.FindCollectionByNameOrId("reads")
		if err != nil {
			return err
		}
		reads.CreateRule = types.Pointer(mustreadReadsCreate)
		if err := app.Save(reads); err != nil {
			return err
		}

		posts, err := app.FindCollectionByNameOrId("posts")
		if err != nil {
			return err
		}
		posts.AddIndex("idx_posts_must_read", false, "updated", "must_read = 1")
		if err := app.Save(posts); err != nil {
			return err
		}

		pages, err := app.FindCollectionByNameOrId("wiki_pages")
		if err != nil {
			return err
		}
		reminders := core.NewBaseCollection("mustread_reminders")
		reminders.Fields.Add(
			&core.RelationField{Name: "post", MaxSelect: 1, CollectionId: posts.Id, CascadeDelete: true},
			&core.RelationField{Name: "page", MaxSelect: 1, CollectionId: pages.Id, CascadeDelete: true},
			&core.RelationField{Name: "sender", MaxSelect: 1, CollectionId: "_pb_users_auth_"},
			&core.NumberField{Name: "notified", OnlyInt: true, Min: types.Pointer(0.0)},
			&core.AutodateField{Name: "created", OnCreate: true},
		)
		reminders.AddIndex("idx_mustread_reminders_subject", false, "post, page, created", "")
		return app.Save(reminders)
	}, func(app core.App) error {
		reminders, err := app.FindCollectionByNameOrId("mustread_reminders")
		if err != nil {
			return err
		}
		if err := app.Delete(reminders); err != nil {
			return err
		}

		posts, err := app.FindCollectionByNameOrId("posts")
		if err != nil {
			return err
		}
		posts.RemoveIndex("idx_posts_must_read")
		if err := app.Save(posts); err != nil {
			return err
		}

		reads, err := app.FindCollectionByNameOrId("reads")
		if err != nil {
			return err
		}
		reads.CreateRule = types.Pointer(mustreadReadsCreateBefore)
		return app.Save(reads)
	})
}
