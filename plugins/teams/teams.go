// Package teams adds the buurtteams to Buurtplein: teams, memberships, the
// employee directory, the demo organisation and the CSV user import.
//
// Example usage:
//
//	teams.MustRegister(app, teams.Config{
//		Command: app.RootCmd, // add the "users import" command
//	})
//
// [SeedDemo] seeds the demo organisation (the registry in plugins runs it
// with --demo).
package teams

import (
	"buurtplein/hooks"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"
)

// Config defines the config options of the teams plugin.
type Config struct {
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
	// a membership goes to its team and to the person, who learns at once
	// of being added or removed
	hooks.PublishTo(app, hooks.MembershipsCollection, hooks.Topics{
		Of:     hooks.AllOf(hooks.ByTeam("team"), hooks.ByUser("user")),
		Expand: map[string][]string{"team": {"name", "slug", "kind"}},
	})
	p.bindUserHooks()

	if p.config.Command != nil {
		p.config.Command.AddCommand(p.usersCommand())
	}

	return nil
}
