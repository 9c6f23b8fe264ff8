// Package tasks adds the work of a buurtteam to Buurtplein: tasks that the
// team adds, divides ("verdelen") and hands over ("overdragen") inside the
// team and to other teams, with a history and in-app notifications.
//
// A handover counts only once the receiver accepts it; until then the task
// stays with the one who offers it.
//
// Tasks are searchable (plugins/search, kind "tasks") by the members of
// their team: the search plugin must be registered first.
//
// Example usage:
//
//	tasks.MustRegister(app, tasks.Config{
//		OverdueSchedule: "*/5 * * * *", // check for overdue tasks every 5 minutes
//	})
//
// [SeedDemo] seeds demo tasks (the registry in plugins runs it with --demo).
package tasks

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"buurtplein/hooks"
	"buurtplein/plugins/search"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// Collection names of the tasks plugin.
const (
	TasksCollection     = "tasks"
	TransfersCollection = "task_transfers"
	EventsCollection    = "task_events"
)

// Task and transfer statuses.
const (
	StatusOpen       = "open"
	StatusInProgress = "in_progress"
	StatusDone       = "done"
	StatusCancelled  = "cancelled"

	TransferPending   = "pending"
	TransferAccepted  = "accepted"
	TransferDeclined  = "declined"
	TransferCancelled = "cancelled"
)

// Config defines the config options of the tasks plugin.
type Config struct {
	// OverdueSchedule is the cron schedule of the overdue check that
	// notifies assignees. Default: every 10 minutes.
	OverdueSchedule string

	// OffersPerWindow is how many handover offers one employee may make
	// in OfferWindow; a shift handover ("overdracht", all my open tasks at
	// once) counts as one. Default: 30.
	OffersPerWindow int

	// OfferWindow is the period OffersPerWindow counts over. Default: 10
	// minutes.
	OfferWindow time.Duration

	// MaxPendingOffers is how many offers one employee may have waiting
	// for an answer at once. Default: 100.
	MaxPendingOffers int
}

type plugin struct {
	app    core.App
	config Config
	offers *offerLimiter

	// writes are the records a request is saving, with the request, for
	// the model hook that writes them (see inWrite)
	writes sync.Map

	overdueRunning atomic.Bool
}

// MustRegister registers the tasks plugin to app and panics on error.
func MustRegister(app core.App, config Config) {
	if err := Register(app, config); err != nil {
		panic(err)
	}
}

// Register registers the tasks plugin to app.
func Register(app core.App, config Config) error {
	p := &plugin{app: app, config: config}
	if p.config.OverdueSchedule == "" {
		p.config.OverdueSchedule = "*/10 * * * *"
	}
	if p.config.OffersPerWindow <= 0 {
		p.config.OffersPerWindow = 30
	}
	if p.config.OfferWindow <= 0 {
		p.config.OfferWindow = 10 * time.Minute
	}
	if p.config.MaxPendingOffers <= 0 {
		p.config.MaxPendingOffers = 100
	}
	p.offers = newOfferLimiter(p.config.OffersPerWindow, p.config.OfferWindow)

	hooks.GuardScoped(app, TasksCollection, TransfersCollection, EventsCollection)

	person := []string{"name", "avatar"}
	hooks.PublishTo(app, TasksCollection, hooks.Topics{Of: hooks.ByTeam("team"), Expand: map[string][]string{
		"assignee": person, "created_by": person, "team": {"name", "slug"},
	}})
	// an offer goes to the task's team, to both colleagues and to a team
	// that is offered it
	hooks.PublishTo(app, TransfersCollection, hooks.Topics{
		Of:     hooks.AllOf(hooks.Via("task"), hooks.ByUser("from_user", "to_user"), hooks.ByTeam("to_team")),
		Expand: map[string][]string{"from_user": person, "to_user": person, "to_team": {"name", "slug"}},
	})
	hooks.PublishTo(app, EventsCollection, hooks.Topics{Of: hooks.Via("task"), Expand: map[string][]string{"actor": person}})

	p.bindTaskHooks()
	p.bindTaskDeleteHooks()
	p.bindTransferHooks()
	p.bindMembershipHooks()

	// the search plugin comes before this one in the registry
	if err := search.AddKind(app, searchKind); err != nil {
		return fmt.Errorf("tasks: %w", err)
	}

	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		g := se.Router.Group("/api/buurtplein/tasks")
		g.Bind(apis.RequireAuth(hooks.UsersCollection))
		g.POST("/distribute", p.distribute)
		g.POST("/handover", p.handover)
		return se.Next()
	})

	app.Cron().MustAdd("buurtpleinTasksOverdue", p.config.OverdueSchedule, func() {
		// a run that takes longer than the schedule is not joined by a
		// second one notifying the same tasks
		if !p.overdueRunning.CompareAndSwap(false, true) {
			return
		}
		defer p.overdueRunning.Store(false)
		if _, err := NotifyOverdue(app); err != nil {
			app.Logger().Error("overdue tasks check failed", "error", err)
		}
	})

	return nil
}

// requestWrite marks the record a request saves as that request's for the
// rest of it, so that the hook around its write (inWrite) knows who makes
// the change.
func (p *plugin) requestWrite(e *core.RecordRequestEvent) error {
	p.writes.Store(e.Record, e)
	defer p.writes.Delete(e.Record)
	return e.Next()
}

// inWrite runs fn in one transaction around the write of a record a request
// saves: fn calls write (the record's validation and its row) and does what
// must land with it (history, notifications, the next recurring task), so
// that all of it lands together or not at all. The request's answer, with
// its expand, is built after the commit: the transaction holds SQLite's
// single writer no longer than the write needs. Saves no request marked
// (Go code, which writes its own history) just write.
func (p *plugin) inWrite(e *core.RecordEvent, fn func(txApp core.App, req *core.RecordRequestEvent, write func() error) error) error {
	marked, ok := p.writes.LoadAndDelete(e.Record)
	if !ok {
		return e.Next()
	}
	req, _ := marked.(*core.RecordRequestEvent)
	app := e.App
	err := app.RunInTransaction(func(txApp core.App) error {
		e.App = txApp
		return fn(txApp, req, e.Next)
	})
	// NB! PocketBase runs the record's success hooks (realtime among them)
	// on the event's app once this returns: the app, not the transaction
	// that has ended by then
	e.App = app
	return err
}

// actorOf returns the id of the signed-in employee behind a request, or ""
// for a superuser (IT), whose changes the history shows without a name.
func actorOf(e *core.RequestEvent) string {
	if e.Auth == nil || e.Auth.Collection().Name != hooks.UsersCollection {
		return ""
	}
	return e.Auth.Id
}
