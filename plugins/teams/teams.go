// Package teams adds the buurtteams to Buurtplein: teams, memberships, the
// employee directory, the demo organisation and the CSV user import.
//
// Example usage:
//
//	teams.MustRegister(app, teams.Config{
//		Demo: true, // seed the demo organisation when the server starts
//	})
package teams

import (
	"fmt"

	"buurtplein/hooks"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"
)

// Config defines the config options of the teams plugin.
type Config struct {
	// Demo seeds the demo organisation (see [SeedDemo]) when the server
	// starts. Seeding is idempotent: a second start changes nothing.
	Demo bool

	// Command is the root command the "users import" command is added to.
	// Leave it nil to add no command.
	Command *cobra.Command
}

type plugin struct {
	app    core.App
	config Config
}

// MustRegister registers the teams plugin to app and panics on error.
func MustRegister(app core.App, config Config) {
	if err := Register(app, config); err != nil {
		panic(err)
	}
}

// Register registers the teams plugin to app.
func Register(app core.App, config Config) error {
	p := &plugin{app: app, config: config}

	p.bindMembershipHooks()

	if p.config.Demo {
		hooks.SeedOnServe(app, SeedDemo)
	}

	if p.config.Command != nil {
		p.config.Command.AddCommand(p.usersCommand())
	}

	return nil
}

// bindMembershipHooks keeps every team with at least one coordinator when
// members leave or change roles through the API, so there is always someone
// who can add colleagues. IT (a superuser) is not held to this.
func (p *plugin) bindMembershipHooks() {
	p.app.OnRecordUpdateRequest(hooks.MembershipsCollection).BindFunc(func(e *core.RecordRequestEvent) error {
		if e.HasSuperuserAuth() {
			return e.Next()
		}
		old := e.Record.Original()
		if old.GetString("role") == hooks.RoleCoordinator && e.Record.GetString("role") != hooks.RoleCoordinator {
			if err := p.requireOtherCoordinator(e.App, e.Record); err != nil {
				return err
			}
		}
		return e.Next()
	})

	p.app.OnRecordDeleteRequest(hooks.MembershipsCollection).BindFunc(func(e *core.RecordRequestEvent) error {
		if e.HasSuperuserAuth() || e.Record.GetString("role") != hooks.RoleCoordinator {
			return e.Next()
		}
		if err := p.requireOtherCoordinator(e.App, e.Record); err != nil {
			return err
		}
		return e.Next()
	})
}

// requireOtherCoordinator returns a 400 error when membership holds the
// last coordinator role of its team.
func (p *plugin) requireOtherCoordinator(app core.App, membership *core.Record) error {
	others, err := app.CountRecords(hooks.MembershipsCollection,
		dbx.HashExp{"team": membership.GetString("team"), "role": hooks.RoleCoordinator},
		dbx.Not(dbx.HashExp{"id": membership.Id}),
	)
	if err != nil {
		return fmt.Errorf("counting the coordinators of a team: %w", err)
	}
	if others == 0 {
		return hooks.FieldError("role", "last_coordinator",
			"Dit is de laatste coördinator van het team. Maak eerst een collega coördinator.")
	}
	return nil
}
