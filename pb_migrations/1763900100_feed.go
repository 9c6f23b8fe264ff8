package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// postReadable holds when the signed-in user may read a post: it is
// organisation-wide, or the user is in its team. commentPostReadable is the
// same for the post a comment belongs to.
const (
	postReadable        = `@request.auth.collectionName = "users" && (team = "" || visibility = "organisation" || @request.auth.memberships_via_user.team ?= team)`
	commentPostReadable = `@request.auth.collectionName = "users" && (post.team = "" || post.visibility = "organisation" || @request.auth.memberships_via_user.team ?= post.team)`
)

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
	teams, err := app.FindCollectionByNameOrId("teams")
	if err != nil {
		return nil, err
	}

	posts := core.NewBaseCollection("posts")
	posts.ListRule = types.Pointer(postReadable)
	posts.ViewRule = types.Pointer(postReadable)
	posts.CreateRule = types.Pointer(`@request.auth.collectionName = "users"` +
		` && author = @request.auth.id && (team = "" || @request.auth.memberships_via_user.team ?= team)`)
	posts.UpdateRule = types.Pointer(`@request.auth.collectionName = "users"` +
		` && author = @request.auth.id && (team = "" || @request.auth.memberships_via_user.team ?= team)` +
		` && @request.body.author:changed = false && @request.body.team:changed = false`)
	posts.DeleteRule = types.Pointer(`@request.auth.collectionName = "users"` +
		` && (author = @request.auth.id || (team != "" && (@request.auth.memberships_via_user.team ?= team && @request.auth.memberships_via_user.role ?= "coordinator")))`)

	posts.Fields.Add(
		&core.RelationField{Name: "team", MaxSelect: 1, CollectionId: teams.Id, CascadeDelete: true},
		&core.RelationField{Name: "author", Required: true, MaxSelect: 1, CollectionId: "_pb_users_auth_"},
		&core.SelectField{Name: "kind", Required: true, MaxSelect: 1, Values: []string{"update", "blog"}},
		&core.TextField{Name: "title", Max: 200},
		&core.TextField{Name: "body", Required: true, Max: 20000},
		&core.BoolField{Name: "must_read"},
		&core.SelectField{Name: "visibility", Required: true, MaxSelect: 1, Values: []string{"team", "organisation"}},
		&core.FileField{Name: "images", MaxSelect: 4, MaxSize: 10 << 20, MimeTypes: []string{"image/jpeg", "image/png", "image/gif", "image/webp"}, Thumbs: []string{"480x0"}, Protected: true},
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
	comments.ListRule = types.Pointer(commentPostReadable)
	comments.ViewRule = types.Pointer(commentPostReadable)
	comments.CreateRule = types.Pointer(commentPostReadable + ` && author = @request.auth.id`)
	comments.UpdateRule = types.Pointer(commentPostReadable + ` && author = @request.auth.id` +
		` && @request.body.author:changed = false && @request.body.post:changed = false`)
	comments.DeleteRule = types.Pointer(`@request.auth.collectionName = "users"` +
		` && (author = @request.auth.id || (post.team != "" && (@request.auth.memberships_via_user.team ?= post.team && @request.auth.memberships_via_user.role ?= "coordinator")))`)

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
