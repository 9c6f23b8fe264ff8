// Buurtplein is the social intranet for self-managing home-care teams: one
// binary with the API, the realtime feed, the dashboard and the PWA.
package main

import (
	"log"
	"mime"
	"net/http"
	"os"
	"path/filepath"

	"buurtplein/hooks"
	"buurtplein/internal/drill"
	"buurtplein/internal/loadtest"
	_ "buurtplein/pb_migrations"
	"buurtplein/plugins/backups"
	"buurtplein/plugins/feed"
	"buurtplein/plugins/notify"
	"buurtplein/plugins/sessions"
	"buurtplein/plugins/tasks"
	"buurtplein/plugins/teams"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/plugins/migratecmd"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/osutils"
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
		defaultPublicDir(),
		"the directory with the PWA's static files",
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
	notify.MustRegister(app, notify.Config{})
	teams.MustRegister(app, teams.Config{Demo: demo, Command: app.RootCmd})
	feed.MustRegister(app, feed.Config{Demo: demo})
	tasks.MustRegister(app, tasks.Config{Demo: demo})
	sessions.MustRegister(app, sessions.Config{RequireMFA: mfa})
	backups.MustRegister(app, backups.Config{Command: app.RootCmd})

	// ---------------------------------------------------------------
	// The PWA, served last so that every API route wins:
	// ---------------------------------------------------------------

	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Func: func(e *core.ServeEvent) error {
			if !e.Router.HasRoute(http.MethodGet, "/{path...}") {
				e.Router.GET("/{path...}", apis.Static(os.DirFS(publicDir), true)).BindFunc(pwaHeaders)
			}
			return e.Next()
		},
		Priority: 999,
	})

	// Go's table lacks the web manifest type; browsers want it exact
	mime.AddExtensionType(".webmanifest", "application/manifest+json")

	if err := app.Start(); err != nil {
		log.Fatal(err)
	}
}

// pwaCSP is the PWA's Content-Security-Policy: index.html carries the same
// as a meta tag, but only a header can forbid framing (frame-ancestors).
const pwaCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; " +
	"connect-src 'self'; font-src 'self'; manifest-src 'self'; worker-src 'self'; object-src 'none'; " +
	"base-uri 'self'; form-action 'self'; frame-ancestors 'none'; " +
	"require-trusted-types-for 'script'; trusted-types buurtplein"

// pwaHeaders sends the PWA's security policy and makes browsers revalidate
// the service worker, so a new version reaches phones on their next visit.
func pwaHeaders(e *core.RequestEvent) error {
	e.Response.Header().Set("Content-Security-Policy", pwaCSP)
	if e.Request.PathValue("path") == "sw.js" {
		e.Response.Header().Set("Cache-Control", "no-cache")
	}
	return e.Next()
}

// defaultPublicDir is pb_public beside the executable, or in the working
// directory under "go run".
func defaultPublicDir() string {
	if osutils.IsProbablyGoRun() {
		return "./pb_public"
	}
	return filepath.Join(os.Args[0], "../pb_public")
}
