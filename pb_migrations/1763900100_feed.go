package migrations

import (
	"buurtplein/hooks"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// postReadable holds when the signed-in user may read the post that
// prefix ("" for a post itself, "post." for a comment) points at: it is
// organisation-wide, or the user is in its team.
func postReadable(prefix string) string {
	return hooks.SignedIn + " && (" + prefix + `team = "" || ` + prefix + `visibility = "organisation" || ` + hooks.MemberOf(prefix+"team") + ")"
}

func init() {
	m.Register(func(app core.App) error {
		posts, err := createPosts(app)
		if err != nil {
			return err
		}
		return createComments(app, posts)
	}, func(app core.App) error {
		return deleteCollections(app, "comments", "posts")
	})
}

func createPosts(app core.App) (*core.Collection, error) {
	teams, err := app.FindCollectionByNameOrId(hooks.TeamsCollection)
	if err != nil {
		return nil, err
	}

	posts := core.NewBaseCollection("posts")
	posts.ListRule = types.Pointer(postReadable(""))
	posts.ViewRule = types.Pointer(postReadable(""))
	posts.CreateRule = types.Pointer(hooks.SignedIn + ` && author = @request.auth.id && (team = "" || ` + hooks.MemberOf("team") + ")")
	posts.UpdateRule = types.Pointer(hooks.SignedIn + ` && author = @request.auth.id && (team = "" || ` + hooks.MemberOf("team") + ")" +
		" && @request.body.author:changed = false && @request.body.team:changed = false")
	posts.DeleteRule = types.Pointer(hooks.SignedIn + ` && (author = @request.auth.id || (team != "" && ` + hooks.CoordinatorOf("team") + "))")

	posts.Fields.Add(
		&core.RelationField{Name: "team", MaxSelect: 1, CollectionId: teams.Id, CascadeDelete: true},
		&core.RelationField{Name: "author", Required: true, MaxSelect: 1, CollectionId: "_pb_users_auth_"},
		&core.SelectField{Name: "kind", Required: true, MaxSelect: 1, Values: []string{"update", "blog"}},
		&core.TextField{Name: "title", Max: 200},
		&core.TextField{Name: "body", Required: true, Max: 20000},
		&core.BoolField{Name: "must_read"},
		&core.SelectField{Name: "visibility", Required: true, MaxSelect: 1, Values: []string{"team", "organisation"}},
		&core.FileField{Name: "images", MaxSelect: 4, MaxSize: 10 << 20, MimeTypes: imageTypes, Thumbs: []string{"480x0"}, Protected: true},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	posts.AddIndex("idx_posts_team_created", false, "team, created", "")
	posts.AddIndex("idx_posts_visibility_created", false, "visibility, created", "")
	posts.AddIndex("idx_posts_author", false, "author", "")

	return posts, app.Save(posts)
}

func createComments(app core.App, posts *core.Collection) error {
	comments := core.NewBaseCollection("comments")
	comments.ListRule = types.Pointer(postReadable("post."))
	comments.ViewRule = types.Pointer(postReadable("post."))
	comments.CreateRule = types.Pointer(postReadable("post.") + " && author = @request.auth.id")
	comments.UpdateRule = types.Pointer(postReadable("post.") + " && author = @request.auth.id" +
		" && @request.body.author:changed = false && @request.body.post:changed = false")
	comments.DeleteRule = types.Pointer(hooks.SignedIn + ` && (author = @request.auth.id || (post.team != "" && ` + hooks.CoordinatorOf("post.team") + "))")

	comments.Fields.Add(
		&core.RelationField{Name: "post", Required: true, MaxSelect: 1, CollectionId: posts.Id, CascadeDelete: true},
		&core.RelationField{Name: "author", Required: true, MaxSelect: 1, CollectionId: "_pb_users_auth_"},
		&core.TextField{Name: "body", Required: true, Max: 5000},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	comments.AddIndex("idx_comments_post_created", false, "post, created", "")

	return app.Save(comments)
}
