// Package regie adds case coordination to Buurtplein: a team's cases
// around a client, moving through the steps of the team's own lean
// process (melding → gesprek → regie by default), with a deadline per
// step, the referral, the conversations and the plan of each case, and
// the plan's agreed actions as tasks of the team.
//
// It is the one part of Buurtplein that holds client data, so:
//
//   - only members of the client's team see or change anything about the
//     client, on every path; BOB staff see nothing of it; client data is
//     never in the search index;
//   - every access to it (create, read, update, delete, export, print,
//     erasure, and refused attempts) writes one entry to the access log
//     (plugins/audit) in the same transaction: an access that cannot be
//     logged is refused;
//   - realtime events about it carry only the record's id and collection,
//     on the team's topic, so every read goes through the logged API;
//     collection subscriptions to it are refused;
//   - its responses say Cache-Control: no-store;
//   - a client can get everything held about them (export, JSON and PDF),
//     the access report of their file (PDF), and erasure, which keeps the
//     access log.
//
// Example usage:
//
//	regie.MustRegister(app, regie.Config{Command: app.RootCmd})
//
// [SeedDemo] seeds fictional clients in two demo teams.
package regie

import (
	"buurtplein/hooks"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"
)

// Collection names of the regie plugin.
const (
	TemplatesCollection     = "process_templates"
	ClientsCollection       = "clients"
	ReferralsCollection     = "referrals"
	ConversationsCollection = "conversations"
	PlansCollection         = "plans"
	StepsCollection         = "case_steps"
)

// Collections are the collections the regie plugin owns.
var Collections = []string{
	TemplatesCollection, ClientsCollection, ReferralsCollection,
	ConversationsCollection, PlansCollection, StepsCollection,
}

// ClientData are the collections that hold client data: every access to
// them is logged. The templates are the team's, not a client's.
var ClientData = []string{
	ClientsCollection, ReferralsCollection, ConversationsCollection,
	PlansCollection, StepsCollection,
}

// The kinds of case_steps record.
const (
	StepStart   = "start"
	StepForward = "forward"
	StepBack    = "back"
	StepClose   = "close"
	StepReopen  = "reopen"
)

// The statuses of a case.
const (
	StatusOpen   = "open"
	StatusClosed = "closed"
)

// Config defines the config options of the regie plugin.
type Config struct {
	// Command is the root command "clients export", "clients report" and
	// "clients erase" are added to; nil adds none.
	Command *cobra.Command

	// OverdueSchedule is the cron schedule of the check that tells
	// regisseurs about cases past their step's deadline.
	// Default: every 15 minutes.
	OverdueSchedule string
}

type plugin struct {
	app    core.App
	config Config
}

// MustRegister registers the regie plugin to app and panics on error.
func MustRegister(app core.App, config Config) {
	if err := Register(app, config); err != nil {
		panic(err)
	}
}

// Register registers the regie plugin to app.
func Register(app core.App, config Config) error {
	if config.OverdueSchedule == "" {
		config.OverdueSchedule = "*/15 * * * *"
	}
	p := &plugin{app: app, config: config}

	hooks.GuardScoped(app, Collections...)

	// the case's workflow
	p.bindTemplates()
	p.bindCases()
	p.bindPlans()
	if err := p.bindOverdue(); err != nil {
		return err
	}

	// the access log, realtime and caching of client data
	p.bindAccessLog()
	p.bindRealtime()

	// the client's rights: export, access report, erasure
	p.bindRights()
	if config.Command != nil {
		config.Command.AddCommand(p.command())
	}
	return nil
}
