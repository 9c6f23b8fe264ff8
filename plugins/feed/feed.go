// Package feed adds each team's space with its feed to Buurtplein: posts
// (updates and blogs, for the team or the whole organisation) and comments.
//
// Authors edit their posts and comments: the server marks the edit
// (edited) and keeps the text before it (previous_title, previous_body).
// Coordinators pin their team's posts and BOB staff the organisation's
// (POST /api/buurtplein/posts/{post}/pin). The author of a post is
// notified of a colleague's comment on it, and "@Full Name" in a post or
// comment notifies that colleague when they may read it. A post carries
// PDF attachments, checked to be PDFs by their bytes.
//
// Example usage:
//
//	feed.MustRegister(app, feed.Config{})
//
// [SeedDemo] seeds demo posts and comments (the registry in plugins runs it
// with --demo).
package feed

import (
	"sync"

	"buurtplein/hooks"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// Collections of the feed.
const (
	PostsCollection    = "posts"
	CommentsCollection = "comments"
)

// Config defines the config options of the feed plugin.
type Config struct {
	// MaxMentions is how many "@" signs of one text are looked at for
	// mentions; more are ignored, so a text full of them costs no more
	// than this. Default: 20.
	MaxMentions int
}

type plugin struct {
	app    core.App
	config Config

	// writes are the records a request (the record API, a batch) is
	// saving, for the model hook that writes them (see inWrite)
	writes sync.Map
}

// MustRegister registers the feed plugin to app and panics on error.
func MustRegister(app core.App, config Config) {
	if err := Register(app, config); err != nil {
		panic(err)
	}
}

// Register registers the feed plugin to app.
func Register(app core.App, config Config) error {
	p := &plugin{app: app, config: config}
	if p.config.MaxMentions <= 0 {
		p.config.MaxMentions = 20
	}

	hooks.GuardScoped(app, PostsCollection, CommentsCollection)

	app.OnRecordValidate(PostsCollection).BindFunc(p.validatePost)
	app.OnRecordValidate(PostsCollection).BindFunc(checkAttachments)

	p.bindEdits()
	p.bindNotifications()

	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		g := se.Router.Group("/api/buurtplein/posts")
		g.Bind(apis.RequireAuth(hooks.UsersCollection))
		g.POST("/{post}/pin", p.pin)
		return se.Next()
	})

	person := []string{"name", "avatar"}
	hooks.PublishTo(app, "posts", hooks.Topics{Of: postTopics, Expand: map[string][]string{"author": person, "team": {"name", "slug"}}})
	hooks.PublishTo(app, "comments", hooks.Topics{Of: hooks.Via("post"), Expand: map[string][]string{"author": person}})

	return nil
}

// postTopics puts an organisation-wide post on the organisation's topic
// and a team's post on its team's.
func postTopics(_ core.App, post *core.Record) ([]string, error) {
	if post.GetString("team") == "" || post.GetString("visibility") == "organisation" {
		return []string{hooks.OrganisationTopic}, nil
	}
	return []string{hooks.TeamTopic(post.GetString("team"))}, nil
}

// validatePost keeps visibility consistent with the team: a post without a
// team is organisation-wide by definition.
func (p *plugin) validatePost(e *core.RecordEvent) error {
	if e.Record.GetString("team") == "" {
		if e.Record.GetString("visibility") == "team" {
			return hooks.FieldError("visibility", "team_required",
				"Een bericht voor het team heeft een team nodig. Kies een team of deel het met de hele organisatie.")
		}
		if e.Record.GetString("visibility") == "" {
			e.Record.Set("visibility", "organisation")
		}
	}
	return e.Next()
}
