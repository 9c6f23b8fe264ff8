// Package bob adds BOB (Buurt Ondersteunend Bureau), the organisation's
// support bureau, to Buurtplein: the questions desk where every employee
// asks on behalf of one of their teams and BOB staff answer, the catalogue
// of printed material (posters, flyers, ads, stickers, brochures), and the
// teams' orders of it with print-ready PDF proofs (package proof renders
// them).
//
// BOB staff are the members of the team of kind "bob". They see every
// question and order; a team sees its own. Internal notes on a question
// are BOB's alone on every path. Every status change of a question or an
// order is checked by the plugin's hooks (who may make it, from which
// state), on every write path, and an order's lands in its history
// (order_events).
//
// Example usage:
//
//	bob.MustRegister(app, bob.Config{})
//
// [SeedDemo] seeds the demo questions, catalogue and orders (the registry
// in plugins runs it with --demo).
package bob

import (
	"buurtplein/hooks"

	"github.com/pocketbase/pocketbase/core"
)

// Collection names of the bob plugin.
const (
	QuestionsCollection    = "questions"
	RepliesCollection      = "question_replies"
	SavedRepliesCollection = "saved_replies"
	ProductsCollection     = "products"
	OrdersCollection       = "orders"
	OrderEventsCollection  = "order_events"
)

// Collections are the collections the bob plugin owns.
var Collections = []string{
	QuestionsCollection, RepliesCollection, SavedRepliesCollection,
	ProductsCollection, OrdersCollection, OrderEventsCollection,
}

// Config defines the config options of the bob plugin.
type Config struct {
	// SLASchedule is the cron schedule of the check that flags questions
	// without a first response in time (see [FlagUnanswered]). Default:
	// every 5 minutes.
	SLASchedule string

	// WorkingHours are the hours a question's response time counts.
	// Default: Monday to Friday, 08:30 to 17:00, Europe/Amsterdam.
	WorkingHours WorkingHours
}

type plugin struct {
	app    core.App
	config Config
}

// MustRegister registers the bob plugin to app and panics on error.
func MustRegister(app core.App, config Config) {
	if err := Register(app, config); err != nil {
		panic(err)
	}
}

// Register registers the bob plugin to app.
func Register(app core.App, config Config) error {
	p := &plugin{app: app, config: config}

	hooks.GuardScoped(app, QuestionsCollection, RepliesCollection, OrdersCollection, OrderEventsCollection)

	if err := p.bindQuestions(); err != nil {
		return err
	}
	if err := p.bindCatalogue(); err != nil {
		return err
	}
	return p.bindOrders()
}

// SeedDemo seeds the demo organisation's questions, catalogue and orders;
// it only adds what is missing.
func SeedDemo(app core.App) error {
	if err := seedQuestions(app); err != nil {
		return err
	}
	if err := seedCatalogue(app); err != nil {
		return err
	}
	return seedOrders(app)
}
