// Package audit keeps Buurtplein's NEN 7513 access log: one entry for
// every access to client data (create, read, update, delete, export,
// print, erasure, and the attempts that were refused), with who, when,
// in which role and team, on whose behalf, which client and record, and
// from which network address.
//
// The log is append-only on every path: no API request, batch, dashboard
// edit or Go save changes or deletes an entry, superusers included. The
// entries are chained by hash (each names the hash of the one before), so
// a change made directly in the database file is found by
// `buurtplein audit verify`. Entries are kept at least five years; a purge
// never deletes younger ones.
//
// An entry is written with [Append], in the transaction of the access it
// records: an access that cannot be logged does not happen.
//
// Example usage:
//
//	audit.MustRegister(app, audit.Config{Command: app.RootCmd})
package audit

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"
)

// Collection is the access log's collection.
const Collection = "access_log"

// Collections are the collections the audit plugin owns.
var Collections = []string{Collection}

// Config defines the config options of the audit plugin.
type Config struct {
	// Command is the root command "audit verify" and "audit purge" are
	// added to; nil adds none.
	Command *cobra.Command

	// RetentionYears is how long entries are kept; a purge deletes older
	// ones only. Less than the legal minimum of 5 is raised to 5.
	// Default: 5.
	RetentionYears int
}

type plugin struct {
	app    core.App
	config Config
}

// MustRegister registers the audit plugin to app and panics on error.
func MustRegister(app core.App, config Config) {
	if err := Register(app, config); err != nil {
		panic(err)
	}
}

// Register registers the audit plugin to app.
func Register(app core.App, config Config) error {
	if config.RetentionYears < MinRetentionYears {
		config.RetentionYears = MinRetentionYears
	}
	p := &plugin{app: app, config: config}
	p.bindAppendOnly()
	p.bindPurge()
	if config.Command != nil {
		config.Command.AddCommand(p.command())
	}
	return nil
}

// MinRetentionYears is the shortest time an entry is kept.
const MinRetentionYears = 5
