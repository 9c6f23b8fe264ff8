// Package feed adds each team's space with its feed to Buurtplein: posts
// (updates and blogs, for the team or the whole organisation) and comments.
//
// Example usage:
//
//	feed.MustRegister(app, feed.Config{})
//
// [SeedDemo] seeds demo posts and comments (the registry in plugins runs it
// with --demo).
package feed

import (
	"buurtplein/hooks"

	"github.com/pocketbase/pocketbase/core"
)

// Config defines the config options of the feed plugin.
type Config struct{}

type plugin struct {
	app    core.App
	config Config
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

	hooks.GuardScoped(app, "posts", "comments")

	app.OnRecordValidate("posts").BindFunc(p.validatePost)

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
