package migrations

import (
	"buurtplein/hooks"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// An author who left a team (or was removed from it) could still delete
// their posts and comments there, although they may no longer read or edit
// them: the delete rules asked only for the author. Now an author deletes
// what they may still edit; a coordinator of the team deletes anything in
// it, as before. Tasks hold the same rule in a hook (plugins/tasks).

func init() {
	m.Register(func(app core.App) error {
		return setFeedDeleteRules(app,
			hooks.SignedIn+` && ((author = @request.auth.id && (team = "" || `+hooks.MemberOf("team")+`)) || (team != "" && `+hooks.CoordinatorOf("team")+"))",
			hooks.SignedIn+` && ((author = @request.auth.id && (post.team = "" || post.visibility = "organisation" || `+hooks.MemberOf("post.team")+`)) || (post.team != "" && `+hooks.CoordinatorOf("post.team")+"))",
		)
	}, func(app core.App) error {
		return setFeedDeleteRules(app,
			hooks.SignedIn+` && (author = @request.auth.id || (team != "" && `+hooks.CoordinatorOf("team")+"))",
			hooks.SignedIn+` && (author = @request.auth.id || (post.team != "" && `+hooks.CoordinatorOf("post.team")+"))",
		)
	})
}

func setFeedDeleteRules(app core.App, posts, comments string) error {
	for name, rule := range map[string]string{"posts": posts, "comments": comments} {
		c, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			return err
		}
		c.DeleteRule = types.Pointer(rule)
		if err := app.Save(c); err != nil {
			return err
		}
	}
	return nil
}
