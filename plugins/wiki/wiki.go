// Package wiki adds the wikis to Buurtplein: each team's wiki (its members
// read and edit; a page can be shared, read-only, with the whole
// organisation) and the organisation's (everyone reads, BOB staff edit; a
// page can be a care protocol that must be read). Pages nest under a
// parent, link to each other by slug ("[[wondzorg]]", see [Links]) and carry
// PDF and image attachments.
//
// Every create and update of a page, on any path (the record API, a batch,
// the dashboard, app.Save from Go code), writes an immutable revision in
// the same transaction. A save says which revision it started from (the
// page's revision field, sent back as it was read); a save from an older
// one is refused with a 409 that carries the current revision and a
// [Diff] from the one the save started from. No path changes or deletes a
// revision, and no page is deleted: its history stays.
//
// Example usage:
//
//	wiki.MustRegister(app, wiki.Config{})
//
// Routes (behind apis.RequireAuth, with the page's own read rule):
//
//	GET  /api/buurtplein/wiki/{page}/diff?from=N&to=M   a Diff
//	POST /api/buurtplein/wiki/{page}/restore {"revision": N}   the page, at a new revision
//
// [SeedDemo] seeds the demo wikis (the registry in plugins runs it with
// --demo).
package wiki

import (
	"buurtplein/hooks"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// Collection names of the wiki plugin.
const (
	PagesCollection     = "wiki_pages"
	RevisionsCollection = "wiki_revisions"
)

// RestoredSummary is the summary of the revision the restore route writes;
// it names no revision, so a client words it in its reader's language.
const RestoredSummary = "wiki_restored"

// Config defines the config options of the wiki plugin.
type Config struct{}

type plugin struct {
	app    core.App
	config Config
}

// MustRegister registers the wiki plugin to app and panics on error.
func MustRegister(app core.App, config Config) {
	if err := Register(app, config); err != nil {
		panic(err)
	}
}

// Register registers the wiki plugin to app.
func Register(app core.App, config Config) error {
	p := &plugin{app: app, config: config}

	hooks.GuardScoped(app, PagesCollection, RevisionsCollection)

	person := []string{"name", "avatar"}
	hooks.PublishTo(app, PagesCollection, hooks.Topics{Of: pageTopics, Expand: map[string][]string{
		"created_by": person, "updated_by": person, "team": {"name", "slug"},
	}})
	hooks.PublishTo(app, RevisionsCollection, hooks.Topics{Of: hooks.Via("page"), Expand: map[string][]string{"author": person}})

	app.OnRecordValidate(PagesCollection).BindFunc(validatePage)
	p.bindVersioning()
	p.bindImmutability()

	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		g := se.Router.Group("/api/buurtplein/wiki")
		g.Bind(apis.RequireAuth(hooks.UsersCollection, core.CollectionNameSuperusers))
		g.GET("/{page}/diff", p.diffRoute)
		g.POST("/{page}/restore", p.restoreRoute)
		return se.Next()
	})
	return nil
}

// pageTopics puts an organisation page on the organisation's topic and a
// team's page on its team's, and a team's page shared with the
// organisation on the organisation's as well.
func pageTopics(_ core.App, page *core.Record) ([]string, error) {
	team := page.GetString("team")
	if team == "" {
		return []string{hooks.OrganisationTopic}, nil
	}
	if page.GetBool("shared") {
		return []string{hooks.TeamTopic(team), hooks.OrganisationTopic}, nil
	}
	return []string{hooks.TeamTopic(team)}, nil
}
