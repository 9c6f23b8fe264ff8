// Buurtplein is the social intranet for self-managing home-care teams: one
// binary with the API, the realtime feed, the dashboard and the PWA.
package main

import (
	"log"
	"os"
	"strings"
	"time"

	"buurtplein/hooks"
	_ "buurtplein/pb_migrations"
	"buurtplein/plugins"
	"buurtplein/plugins/replica"
	"buurtplein/plugins/storage"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/plugins/migratecmd"
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

	replica          string
	replicaRetention time.Duration
	storage          *storage.Config

	trustedProxy []string

	metricsToken string
	metricsAddr  string
}

// newApp builds the buurtplein app from the command line: its flags, every
// plugin of the registry (plugins.All) and the PWA.
func newApp() *pocketbase.PocketBase {
	// a zero DefaultDev: PocketBase would switch dev mode (every SQL
	// statement logged) on by itself under "go run"; only --dev does here.
	// The database's checkpoints run in the background (hooks.DBConnect).
	app := pocketbase.NewWithConfig(pocketbase.Config{DBConnect: hooks.DBConnect})
	f := parseFlags(app)

	migratecmd.MustRegister(app, app.RootCmd, migratecmd.Config{
		TemplateLang: migratecmd.TemplateLangGo,
		Automigrate:  f.automigrate,
		Dir:          "pb_migrations",
	})
	plugins.MustRegister(app, plugins.Options{
		Demo:       f.demo,
		Command:    app.RootCmd,
		RequireMFA: f.mfa,
		PublicDir:  f.publicDir,

		Replica:          f.replica,
		ReplicaRetention: f.replicaRetention,
		Storage:          *f.storage,

		TrustedProxy: f.trustedProxy,
		MetricsToken: f.metricsToken,
		MetricsAddr:  f.metricsAddr,
	})
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
	pf.StringVar(&f.publicDir, "publicDir", "",
		"serve the PWA from this directory instead of the files in the binary (development)")
	pf.BoolVar(&f.mfa, "mfa", false,
		"require a code sent by e-mail, after the password, from superusers and BOB staff (PocketBase's MFA with OTP)")
	pf.StringVar(&f.replica, "replica", os.Getenv("BUURTPLEIN_REPLICA"),
		"replicate the database, while serving, to this directory or s3://bucket/path (Litestream); env BUURTPLEIN_REPLICA")
	pf.DurationVar(&f.replicaRetention, "replica-retention", envDuration("BUURTPLEIN_REPLICA_RETENTION", replica.DefaultRetention),
		"how far back \"replica restore --to\" can go; env BUURTPLEIN_REPLICA_RETENTION")
	f.storage = storageFlags(pf)
	pf.StringSliceVar(&f.trustedProxy, "trusted-proxy", envList("BUURTPLEIN_TRUSTED_PROXY"),
		"behind a reverse proxy: the header it puts the caller's address in, e.g. X-Forwarded-For (read from the right, so a forged address is not believed); only when the server is reachable through the proxy alone; env BUURTPLEIN_TRUSTED_PROXY")
	pf.StringVar(&f.metricsToken, "metrics-token", "",
		"serve the Prometheus metrics at /api/buurtplein/metrics to a caller sending this token as \"Authorization: Bearer <token>\" (at least 16 characters; or BUURTPLEIN_METRICS_TOKEN, which keeps it out of the process list)")
	pf.StringVar(&f.metricsAddr, "metrics-addr", "",
		"serve the Prometheus metrics at /metrics, without a token, on this internal address, such as 127.0.0.1:9090 (or BUURTPLEIN_METRICS_ADDR)")
	app.RootCmd.ParseFlags(os.Args[1:])
	// the environment's, unless the flag gives one
	if f.metricsToken == "" {
		f.metricsToken = os.Getenv("BUURTPLEIN_METRICS_TOKEN")
	}
	if f.metricsAddr == "" {
		f.metricsAddr = os.Getenv("BUURTPLEIN_METRICS_ADDR")
	}
	return f
}

// envList reads a comma-separated list from the environment variable
// name; nil when it is unset.
func envList(name string) []string {
	if v := os.Getenv(name); v != "" {
		return strings.Split(v, ",")
	}
	return nil
}

// envDuration reads a duration ("72h") from the environment variable
// name, or returns fallback when it is unset or not a duration.
func envDuration(name string, fallback time.Duration) time.Duration {
	d, err := time.ParseDuration(os.Getenv(name))
	if err != nil {
		return fallback
	}
	return d
}
