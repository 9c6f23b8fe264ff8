// Package mustread adds must-read confirmations to Buurtplein: a post or a
// wiki page marked must-read asks its audience (a team, or every employee)
// to confirm it ("gelezen en begrepen"), again at each new revision of a
// page. Each confirmation is a record of the reads collection, created by
// its reader through the record API; the plugin sets the revision it
// confirms and refuses what is not asked.
//
// Routes, behind a signed-in employee (or IT):
//
//	GET  /api/buurtplein/mustread                     my must-reads not yet confirmed
//	GET  /api/buurtplein/posts/{post}/readers         who has and has not confirmed
//	GET  /api/buurtplein/wiki/{page}/readers
//	POST /api/buurtplein/posts/{post}/readers/remind  notify who has not, once a day
//	POST /api/buurtplein/wiki/{page}/readers/remind
//
// A post or page made must-read, or a must-read page's new revision, saved
// through the record API notifies its audience (kind mustread_new); a
// plugin that saves one itself calls [Announce].
//
// Example usage:
//
//	mustread.MustRegister(app, mustread.Config{})
//
//	// in a plugin that saves a page's new revision itself:
//	err := mustread.Announce(txApp, page, editorId)
package mustread

import (
	"fmt"
	"time"
	_ "time/tzdata" // the reminders' day is Amsterdam's, on any server

	"buurtplein/hooks"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// The collections the plugin owns.
const (
	// ReadsCollection holds the confirmations: a reader, a post or a page,
	// the revision confirmed (0 for a post) and when.
	ReadsCollection = "reads"
	// RemindersCollection holds when someone reminded the readers of an
	// item who had not confirmed it; no API rule reads or writes it.
	RemindersCollection = "mustread_reminders"
)

// Config defines the config options of the must-read plugin.
type Config struct {
	// Location is the time zone whose calendar day allows one reminder
	// per item. Default: Europe/Amsterdam.
	Location *time.Location

	// MaxItems is the most unconfirmed must-reads GET /mustread lists
	// (its count counts them all). Default: 100.
	MaxItems int
}

type plugin struct {
	app    core.App
	config Config
}

// MustRegister registers the must-read plugin to app and panics on error.
func MustRegister(app core.App, config Config) {
	if err := Register(app, config); err != nil {
		panic(err)
	}
}

// Register registers the must-read plugin to app. It needs the feed's
// posts and the wiki's pages.
func Register(app core.App, config Config) error {
	p := &plugin{app: app, config: config}
	if p.config.Location == nil {
		loc, err := time.LoadLocation("Europe/Amsterdam")
		if err != nil {
			return fmt.Errorf("the reminders' time zone: %w", err)
		}
		p.config.Location = loc
	}
	if p.config.MaxItems <= 0 {
		p.config.MaxItems = 100
	}

	hooks.GuardScoped(app, ReadsCollection, RemindersCollection)

	app.OnRecordCreateRequest(ReadsCollection).BindFunc(confirmAsMe)
	app.OnRecordCreate(ReadsCollection).BindFunc(p.confirm)
	hooks.PublishTo(app, ReadsCollection, hooks.Topics{
		Of:     readTopics,
		Expand: map[string][]string{"user": {"name", "avatar"}},
	})

	app.OnRecordCreateRequest(postsCollection, pagesCollection).BindFunc(p.announceOnSave)
	app.OnRecordUpdateRequest(postsCollection, pagesCollection).BindFunc(p.announceOnSave)

	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		g := se.Router.Group("/api/buurtplein")
		g.Bind(apis.RequireAuth(hooks.UsersCollection, core.CollectionNameSuperusers))
		g.GET("/mustread", p.unconfirmed)
		g.GET("/posts/{id}/readers", p.readers(postsCollection))
		g.GET("/wiki/{id}/readers", p.readers(pagesCollection))
		g.POST("/posts/{id}/readers/remind", p.remind(postsCollection))
		g.POST("/wiki/{id}/readers/remind", p.remind(pagesCollection))
		return se.Next()
	})
	return nil
}
