// Buurtplein is the social intranet for self-managing home-care teams: one
// binary with the API, the realtime feed, the dashboard and the PWA.
package main

import (
	"log"
	"os"

	"buurtplein/hooks"
	"buurtplein/internal/drill"
	"buurtplein/internal/loadtest"
	_ "buurtplein/pb_migrations"
	"buurtplein/plugins/backups"
	"buurtplein/plugins/feed"
	"buurtplein/plugins/pwa"
	"buurtplein/plugins/sessions"
	"buurtplein/plugins/tasks"
	"buurtplein/plugins/teams"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/plugins/migratecmd"
	"github.com/spf13/cobra"
)

func main() {
	app := pocketbase.New()

	// ---------------------------------------------------------------
	// Flags:
	// ---------------------------------------------------------------

	var demo bool
	app.RootCmd.PersistentFlags().BoolVar(
		&demo,
		"demo",
		false,
		"seed the demo organisation (idempotent) when the server starts",
	)

	var automigrate bool
	app.RootCmd.PersistentFlags().BoolVar(
		&automigrate,
		"automigrate",
		false,
		"write a Go migration to pb_migrations for each collection change made in the dashboard (development only)",
	)

	var publicDir string
	app.RootCmd.PersistentFlags().StringVar(
		&publicDir,
		"publicDir",
		"",
		"serve the PWA from this directory instead of the files in the binary (development)",
	)

	var bare bool
	app.RootCmd.PersistentFlags().BoolVar(
		&bare,
		"bare",
		false,
		"serve the collections and API rules without Buurtplein's hooks, routes and PWA (the load test's baseline)",
	)
	app.RootCmd.PersistentFlags().MarkHidden("bare")

	var mfa bool
	app.RootCmd.PersistentFlags().BoolVar(
		&mfa,
		"mfa",
		false,
		"require a code sent by e-mail, after the password, from superusers and BOB staff (PocketBase's MFA with OTP)",
	)

	app.RootCmd.ParseFlags(os.Args[1:])

	// ---------------------------------------------------------------
	// Plugins:
	// ---------------------------------------------------------------

	migratecmd.MustRegister(app, app.RootCmd, migratecmd.Config{
		TemplateLang: migratecmd.TemplateLangGo,
		Automigrate:  automigrate,
		Dir:          "pb_migrations",
	})

	// bench holds the drills and the load test: commands that run this
	// binary as a server and measure it
	benchCmd := &cobra.Command{
		Use:   "bench",
		Short: "Drills and load tests against this binary as a server",
	}
	app.RootCmd.AddCommand(benchCmd)
	benchCmd.AddCommand(loadtest.NewCommand())
	benchCmd.AddCommand(drill.NewCrashCommand(), drill.NewBackupCommand())

	// the bare baseline keeps the schema, the rules and PocketBase's own
	// routes and leaves every Buurtplein plugin out
	if bare {
		if err := app.Start(); err != nil {
			log.Fatal(err)
		}
		return
	}

	hooks.Bind(app)
	teams.MustRegister(app, teams.Config{Demo: demo, Command: app.RootCmd})
	feed.MustRegister(app, feed.Config{Demo: demo})
	tasks.MustRegister(app, tasks.Config{Demo: demo})
	sessions.MustRegister(app, sessions.Config{RequireMFA: mfa})
	backups.MustRegister(app, backups.Config{Command: app.RootCmd})

	pwa.MustRegister(app, pwa.Config{PublicDir: publicDir})

	if err := app.Start(); err != nil {
		log.Fatal(err)
	}
}
