// Buurtplein is the social intranet for self-managing home-care teams: one
// binary with the API, the realtime feed, the dashboard and the PWA.
package main

import (
	"log"
	"mime"
	"net/http"
	"os"
	"path/filepath"

	_ "buurtplein/pb_migrations"
	"buurtplein/plugins"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/plugins/migratecmd"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/osutils"
)

func main() {
	if err := newApp().Start(); err != nil {
		log.Fatal(err)
	}
}

// flags are Buurtplein's own command line flags, besides PocketBase's.
type flags struct {
	demo        bool
	automigrate bool
	publicDir   string
	mfa         bool
}

// newApp builds the buurtplein app from the command line: its flags, every
// plugin of the registry (plugins.All) and the PWA.
func newApp() *pocketbase.PocketBase {
	// a zero DefaultDev: PocketBase would switch dev mode (every SQL
	// statement logged) on by itself under "go run"; only --dev does here
	app := pocketbase.NewWithConfig(pocketbase.Config{})
	f := parseFlags(app)

	migratecmd.MustRegister(app, app.RootCmd, migratecmd.Config{
		TemplateLang: migratecmd.TemplateLangGo,
		Automigrate:  f.automigrate,
		Dir:          "pb_migrations",
	})
	plugins.MustRegister(app, plugins.Options{Demo: f.demo, Command: app.RootCmd, RequireMFA: f.mfa})
	servePWA(app, f.publicDir)
	return app
}

// parseFlags adds Buurtplein's flags to app's root command and reads them
// from the command line, so that they take effect before it runs.
func parseFlags(app *pocketbase.PocketBase) flags {
	var f flags
	pf := app.RootCmd.PersistentFlags()
	pf.BoolVar(&f.demo, "demo", false,
		"seed the demo organisation (idempotent) when the server starts")
	pf.BoolVar(&f.automigrate, "automigrate", false,
		"write a Go migration to pb_migrations for each collection change made in the dashboard (development only)")
	pf.StringVar(&f.publicDir, "publicDir", defaultPublicDir(),
		"the directory with the PWA's static files")
	pf.BoolVar(&f.mfa, "mfa", false,
		"require a code sent by e-mail, after the password, from superusers and BOB staff (PocketBase's MFA with OTP)")
	app.RootCmd.ParseFlags(os.Args[1:])
	return f
}

// servePWA serves the PWA from dir, last, so that every API route wins.
func servePWA(app core.App, dir string) {
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Func: func(e *core.ServeEvent) error {
			if !e.Router.HasRoute(http.MethodGet, "/{path...}") {
				e.Router.GET("/{path...}", apis.Static(os.DirFS(dir), true)).BindFunc(pwaHeaders)
			}
			return e.Next()
		},
		Priority: 999,
	})

	// Go's table lacks the web manifest type; browsers want it exact
	mime.AddExtensionType(".webmanifest", "application/manifest+json")
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
