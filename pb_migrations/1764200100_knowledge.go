package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Knowledge: the wikis, their revisions, must-read confirmations and what
// a complete feed needs.
//
//   - wiki_pages: a team's wiki (team set; its members read and edit; a
//     page shared = true is readable by the whole organisation) or the
//     organisation's (team empty; everyone reads, BOB staff edit). A page
//     nests under a parent, has a slug unique in its wiki, and carries the
//     number of its current revision: a save sends back the revision it
//     started from, and the wiki plugin refuses a stale one. protocol and
//     must_read are for the organisation's care protocols: a must-read page
//     asks every employee to confirm it, or the members of must_read_team
//     when that is set. Pages are not deleted: their history stays.
//   - wiki_revisions: one per save, written by the wiki plugin only; no
//     rule lets anyone create, change or delete one.
//   - reads: a confirmation ("gelezen en begrepen") of a must-read post or
//     page, by its reader, of one revision of a page (0 for a post); a new
//     revision of a must-read page asks for a new one. Each reader reads
//     their own; who has confirmed is a route of the must-read plugin.
//   - posts and comments: edited (when the text last changed) with the
//     text before it, posts pinned (by a route: coordinators pin their
//     team's posts, BOB the organisation's) and PDF attachments. None of
//     these is written through the record API by a client.

const (
	wikiSignedIn = `@request.auth.collectionName = "users"`
	wikiBOB      = `@request.auth.memberships_via_user.team.kind ?= "bob"`

	wikiPageReadable = wikiSignedIn + ` && (team = "" || shared = true || @request.auth.memberships_via_user.team ?= team)`
	wikiPageEditable = wikiSignedIn + ` && ((team = "" && ` + wikiBOB + `) || (team != "" && @request.auth.memberships_via_user.team ?= team))`

	wikiRevisionReadable = wikiSignedIn + ` && (page.team = "" || page.shared = true || @request.auth.memberships_via_user.team ?= page.team)`

	readsOwn    = wikiSignedIn + ` && user = @request.auth.id`
	readsCreate = readsOwn + ` && ((post != "" && page = "" && post.must_read = true &&` +
		` (post.team = "" || post.visibility = "organisation" || @request.auth.memberships_via_user.team ?= post.team))` +
		` || (page != "" && post = "" && page.must_read = true &&` +
		` (page.must_read_team = "" || @request.auth.memberships_via_user.team ?= page.must_read_team) &&` +
		` (page.team = "" || page.shared = true || @request.auth.memberships_via_user.team ?= page.team)))`

	// the posts' and comments' update rules of 1763900100, for the way back
	postsUpdateBefore = `@request.auth.collectionName = "users" && author = @request.auth.id && (team = "" || @request.auth.memberships_via_user.team ?= team)` +
		` && @request.body.author:changed = false && @request.body.team:changed = false`
	postsUpdate = postsUpdateBefore +
		` && @request.body.pinned:changed = false && @request.body.edited:changed = false` +
		` && @request.body.previous_title:changed = false && @request.body.previous_body:changed = false`
	postsCreateBefore = `@request.auth.collectionName = "users" && author = @request.auth.id && (team = "" || @request.auth.memberships_via_user.team ?= team)`
	postsCreate       = postsCreateBefore +
		` && @request.body.pinned:isset = false && @request.body.edited:isset = false` +
		` && @request.body.previous_title:isset = false && @request.body.previous_body:isset = false`

	commentsUpdateBefore = `@request.auth.collectionName = "users" && (post.team = "" || post.visibility = "organisation" || @request.auth.memberships_via_user.team ?= post.team)` +
		` && author = @request.auth.id && @request.body.author:changed = false && @request.body.post:changed = false`
	commentsUpdate = commentsUpdateBefore +
		` && @request.body.edited:changed = false && @request.body.previous_body:changed = false`
	commentsCreateBefore = `@request.auth.collectionName = "users" && (post.team = "" || post.visibility = "organisation" || @request.auth.memberships_via_user.team ?= post.team)` +
		` && author = @request.auth.id`
	commentsCreate = commentsCreateBefore +
		` && @request.body.edited:isset = false && @request.body.previous_body:isset = false`
)

func init() {
	m.Register(func(app core.App) error {
		pages, err := createWikiPages(app)
		if err != nil {
			return err
		}
		if err := createWikiRevisions(app, pages); err != nil {
			return err
		}
		if err := createReads(app, pages); err != nil {
			return err
		}
		return extendFeed(app)
	}, func(app core.App) error {
		if err := shrinkFeed(app); err != nil {
			return err
		}
		return deleteCollections(app, "reads", "wiki_revisions", "wiki_pages")
	})
}

func createWikiPages(app core.App) (*core.Collection, error) {
	teams, err := app.FindCollectionByNameOrId("teams")
	if err != nil {
		return nil, err
	}

	pages := core.NewBaseCollection("wiki_pages")
	pages.ListRule = types.Pointer(wikiPageReadable)
	pages.ViewRule = types.Pointer(wikiPageReadable)
	pages.CreateRule = types.Pointer(wikiPageEditable)
	pages.UpdateRule = types.Pointer(wikiPageEditable + ` && @request.body.team:changed = false`)
	pages.DeleteRule = nil

	pages.Fields.Add(
		&core.RelationField{Name: "team", MaxSelect: 1, CollectionId: teams.Id},
		&core.TextField{Name: "slug", Required: true, Max: 80, Pattern: `^[a-z0-9]+(-[a-z0-9]+)*$`},
		&core.TextField{Name: "title", Required: true, Max: 200},
		&core.TextField{Name: "body", Max: 100000},
		&core.NumberField{Name: "revision", OnlyInt: true, Min: types.Pointer(0.0)},
		&core.TextField{Name: "summary", Max: 300},
		&core.BoolField{Name: "shared"},
		&core.BoolField{Name: "protocol"},
		&core.BoolField{Name: "must_read"},
		&core.RelationField{Name: "must_read_team", MaxSelect: 1, CollectionId: teams.Id},
		&core.FileField{Name: "attachments", MaxSelect: 10, MaxSize: 20 << 20, Protected: true,
			MimeTypes: []string{"application/pdf", "image/jpeg", "image/png", "image/gif", "image/webp"}, Thumbs: []string{"480x0"}},
		&core.RelationField{Name: "created_by", MaxSelect: 1, CollectionId: "_pb_users_auth_"},
		&core.RelationField{Name: "updated_by", MaxSelect: 1, CollectionId: "_pb_users_auth_"},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	pages.AddIndex("idx_wiki_pages_team_slug", true, "team, slug", "")
	if err := app.Save(pages); err != nil {
		return nil, err
	}

	// the parent is a page of the same collection: the field needs its id
	pages.Fields.Add(&core.RelationField{Name: "parent", MaxSelect: 1, CollectionId: pages.Id})
	pages.AddIndex("idx_wiki_pages_team_parent", false, "team, parent", "")
	pages.AddIndex("idx_wiki_pages_must_read", false, "must_read", "")
	return pages, app.Save(pages)
}

func createWikiRevisions(app core.App, pages *core.Collection) error {
	revisions := core.NewBaseCollection("wiki_revisions")
	revisions.ListRule = types.Pointer(wikiRevisionReadable)
	revisions.ViewRule = types.Pointer(wikiRevisionReadable)
	revisions.CreateRule = nil
	revisions.UpdateRule = nil
	revisions.DeleteRule = nil

	revisions.Fields.Add(
		&core.RelationField{Name: "page", Required: true, MaxSelect: 1, CollectionId: pages.Id},
		&core.NumberField{Name: "revision", Required: true, OnlyInt: true, Min: types.Pointer(1.0)},
		&core.TextField{Name: "title", Required: true, Max: 200},
		&core.TextField{Name: "body", Max: 100000},
		&core.TextField{Name: "summary", Max: 300},
		&core.RelationField{Name: "author", MaxSelect: 1, CollectionId: "_pb_users_auth_"},
		&core.AutodateField{Name: "created", OnCreate: true},
	)
	revisions.AddIndex("idx_wiki_revisions_page_revision", true, "page, revision", "")
	return app.Save(revisions)
}

func createReads(app core.App, pages *core.Collection) error {
	posts, err := app.FindCollectionByNameOrId("posts")
	if err != nil {
		return err
	}

	reads := core.NewBaseCollection("reads")
	reads.ListRule = types.Pointer(readsOwn)
	reads.ViewRule = types.Pointer(readsOwn)
	reads.CreateRule = types.Pointer(readsCreate)
	reads.UpdateRule = nil
	reads.DeleteRule = nil

	reads.Fields.Add(
		&core.RelationField{Name: "post", MaxSelect: 1, CollectionId: posts.Id, CascadeDelete: true},
		&core.RelationField{Name: "page", MaxSelect: 1, CollectionId: pages.Id},
		&core.RelationField{Name: "user", Required: true, MaxSelect: 1, CollectionId: "_pb_users_auth_", CascadeDelete: true},
		&core.NumberField{Name: "revision", OnlyInt: true, Min: types.Pointer(0.0)},
		&core.AutodateField{Name: "created", OnCreate: true},
	)
	reads.AddIndex("idx_reads_user_subject", true, "user, post, page, revision", "")
	reads.AddIndex("idx_reads_post", false, "post", "")
	reads.AddIndex("idx_reads_page_revision", false, "page, revision", "")
	return app.Save(reads)
}

func extendFeed(app core.App) error {
	posts, err := app.FindCollectionByNameOrId("posts")
	if err != nil {
		return err
	}
	posts.CreateRule = types.Pointer(postsCreate)
	posts.UpdateRule = types.Pointer(postsUpdate)
	posts.Fields.Add(
		&core.BoolField{Name: "pinned"},
		&core.DateField{Name: "edited"},
		&core.TextField{Name: "previous_title", Max: 200},
		&core.TextField{Name: "previous_body", Max: 20000},
		&core.FileField{Name: "attachments", MaxSelect: 4, MaxSize: 20 << 20, Protected: true, MimeTypes: []string{"application/pdf"}},
	)
	if err := app.Save(posts); err != nil {
		return err
	}

	comments, err := app.FindCollectionByNameOrId("comments")
	if err != nil {
		return err
	}
	comments.CreateRule = types.Pointer(commentsCreate)
	comments.UpdateRule = types.Pointer(commentsUpdate)
	comments.Fields.Add(
		&core.DateField{Name: "edited"},
		&core.TextField{Name: "previous_body", Max: 5000},
	)
	return app.Save(comments)
}

func shrinkFeed(app core.App) error {
	posts, err := app.FindCollectionByNameOrId("posts")
	if err != nil {
		return err
	}
	posts.CreateRule = types.Pointer(postsCreateBefore)
	posts.UpdateRule = types.Pointer(postsUpdateBefore)
	for _, name := range []string{"pinned", "edited", "previous_title", "previous_body", "attachments"} {
		posts.Fields.RemoveByName(name)
	}
	if err := app.Save(posts); err != nil {
		return err
	}

	comments, err := app.FindCollectionByNameOrId("comments")
	if err != nil {
		return err
	}
	comments.CreateRule = types.Pointer(commentsCreateBefore)
	comments.UpdateRule = types.Pointer(commentsUpdateBefore)
	comments.Fields.RemoveByName("edited")
	comments.Fields.RemoveByName("previous_body")
	return app.Save(comments)
}
