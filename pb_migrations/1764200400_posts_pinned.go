package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The PWA shows a feed's pinned posts on top of it, fetched apart from the
// feed (which stays in created order): a team's with "team = {id} &&
// pinned = true", the organisation's with "visibility = "organisation" &&
// pinned = true". Two partial indexes hold just the pinned posts, a
// handful in a feed of thousands, by team and by visibility (each in
// created order): either list reads those few rows and no others, where
// the indexes (team, created) and (visibility, created) would walk every
// post of the team or of the organisation. PocketBase writes "pinned =
// true" as the literal "pinned = 1" (not a parameter), so SQLite can prove
// the indexes' WHERE from the filter (plugins/feed's TestPinnedListsUseIndex).

func init() {
	m.Register(func(app core.App) error {
		posts, err := app.FindCollectionByNameOrId("posts")
		if err != nil {
			return err
		}
		posts.AddIndex("idx_posts_pinned_team", false, "team, created", "pinned = 1")
		posts.AddIndex("idx_posts_pinned_visibility", false, "visibility, created", "pinned = 1")
		return app.Save(posts)
	}, func(app core.App) error {
		posts, err := app.FindCollectionByNameOrId("posts")
		if err != nil {
			return err
		}
		posts.RemoveIndex("idx_posts_pinned_team")
		posts.RemoveIndex("idx_posts_pinned_visibility")
		return app.Save(posts)
	})
}
