// Package plugins is Buurtplein's plugin registry: the one ordered list of
// the plugins under plugins/ that the binary, the test apps and the demo
// seed all use.
//
// Example usage:
//
//	plugins.MustRegister(app, plugins.Options{
//		Demo:    true,        // seed the demo organisation when the server starts
//		Command: app.RootCmd, // add the plugins' commands ("users import", "backup")
//	})
//
// A new plugin is one line in [All] (after the plugins it builds on), besides
// its folder, its migration, its rows in authz/matrix.txt and its screens.
package plugins

import (
	"fmt"
	"slices"
	"time"

	"buurtplein/hooks"
	"buurtplein/plugins/audit"
	"buurtplein/plugins/backups"
	"buurtplein/plugins/bob"
	"buurtplein/plugins/chat"
	"buurtplein/plugins/feed"
	"buurtplein/plugins/metrics"
	"buurtplein/plugins/mustread"
	"buurtplein/plugins/notify"
	"buurtplein/plugins/proxy"
	"buurtplein/plugins/push"
	"buurtplein/plugins/pwa"
	"buurtplein/plugins/regie"
	"buurtplein/plugins/replica"
	"buurtplein/plugins/search"
	"buurtplein/plugins/sessions"
	"buurtplein/plugins/storage"
	"buurtplein/plugins/tasks"
	"buurtplein/plugins/teams"
	"buurtplein/plugins/upgrade"
	"buurtplein/plugins/wiki"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"
)

// Options are the settings the binary's flags give every plugin; each
// plugin takes what concerns it. The zero value is a test app's: no demo
// content, no commands.
type Options struct {
	// Demo seeds the demo organisation (every plugin's [Plugin.Seed], in
	// registry order) when the server starts.
	Demo bool

	// Command is the root command plugins add their commands to; nil adds
	// none.
	Command *cobra.Command

	// RequireMFA asks a second factor of superusers and BOB staff (the
	// --mfa flag; see plugins/sessions).
	RequireMFA bool

	// PublicDir serves the PWA from this directory instead of the files
	// in the binary (the --publicDir flag, for development).
	PublicDir string

	// Replica is where the database is replicated to while the server
	// runs (the --replica flag; see plugins/replica); empty for none.
	Replica string

	// ReplicaRetention is how far back a restore from the replica can go
	// (--replica-retention); zero for the plugin's default.
	ReplicaRetention time.Duration

	// Storage puts the files on S3-compatible storage (the --s3-… flags;
	// see plugins/storage); the zero value leaves the storage settings.
	Storage storage.Config

	// TrustedProxy are the headers a reverse proxy puts the caller's
	// address in (the --trusted-proxy flag; see plugins/proxy); nil for
	// none.
	TrustedProxy []string

	// MetricsToken serves the metrics on the API to a caller with it, and
	// MetricsAddr on a listener of their own (the --metrics-token and
	// --metrics-addr flags; see plugins/metrics). Neither: no metrics.
	MetricsToken string
	MetricsAddr  string
}

// Plugin is one entry of the registry.
type Plugin struct {
	// Name is the plugin's folder under plugins/.
	Name string

	// Register binds the plugin to app with the options.
	Register func(app core.App, opts Options) error

	// Seed adds the plugin's demo content, idempotently; nil for none. It
	// may rely on the seeds of the plugins before it.
	Seed func(app core.App) error

	// Collections are the collections the plugin owns: every collection of
	// a migrated app belongs to exactly one plugin, and each needs rows in
	// the authorization matrix.
	Collections []string
}

// All are Buurtplein's plugins in the order they register and seed: a
// plugin comes after the plugins whose hooks or demo content it builds on.
var All = []Plugin{
	{
		// first: a data dir a newer Buurtplein migrated is not served
		Name:     "upgrade",
		Register: func(app core.App, o Options) error { return upgrade.Register(app, upgrade.Config{}) },
	},
	{
		Name:     "proxy",
		Register: func(app core.App, o Options) error { return proxy.Register(app, proxy.Config{Headers: o.TrustedProxy}) },
	},
	{
		// the replication starts once the data dir passed upgrade
		Name: "replica",
		Register: func(app core.App, o Options) error {
			return replica.Register(app, replica.Config{URL: o.Replica, Retention: o.ReplicaRetention, Command: o.Command})
		},
	},
	{
		// first of the others: they notify
		Name:        "notify",
		Register:    func(app core.App, o Options) error { return notify.Register(app, notify.Config{}) },
		Collections: []string{notify.Collection},
	},
	{
		// before the plugins whose records have files
		Name:     "storage",
		Register: func(app core.App, o Options) error { return storage.Register(app, o.Storage) },
	},
	{
		Name: "teams",
		Register: func(app core.App, o Options) error {
			return teams.Register(app, teams.Config{Command: o.Command})
		},
		Seed:        teams.SeedDemo,
		Collections: []string{hooks.UsersCollection, hooks.TeamsCollection, hooks.MembershipsCollection, teams.SettingsCollection},
	},
	{
		Name:        "feed",
		Register:    func(app core.App, o Options) error { return feed.Register(app, feed.Config{}) },
		Seed:        feed.SeedDemo,
		Collections: []string{"posts", "comments"},
	},
	{
		Name:        "wiki",
		Register:    func(app core.App, o Options) error { return wiki.Register(app, wiki.Config{}) },
		Seed:        wiki.SeedDemo,
		Collections: []string{wiki.PagesCollection, wiki.RevisionsCollection},
	},
	{
		// after feed and wiki: it confirms their posts and pages
		Name:        "mustread",
		Register:    func(app core.App, o Options) error { return mustread.Register(app, mustread.Config{}) },
		Collections: []string{mustread.ReadsCollection, mustread.RemindersCollection},
	},
	{
		// after the feed and the wiki: it indexes their posts, comments and pages
		Name:     "search",
		Register: func(app core.App, o Options) error { return search.Register(app, search.Config{}) },
	},
	{
		// after search: its tasks are searchable (search.AddKind)
		Name:        "tasks",
		Register:    func(app core.App, o Options) error { return tasks.Register(app, tasks.Config{}) },
		Seed:        tasks.SeedDemo,
		Collections: []string{tasks.TasksCollection, tasks.TransfersCollection, tasks.EventsCollection},
	},
	{
		// after wiki, search and tasks: an answer becomes a wiki page
		Name:        "bob",
		Register:    func(app core.App, o Options) error { return bob.Register(app, bob.Config{}) },
		Seed:        bob.SeedDemo,
		Collections: bob.Collections,
	},
	{
		// after teams, notify and search: a team's channel comes with it,
		// mentions notify, messages are searchable
		Name:        "chat",
		Register:    func(app core.App, o Options) error { return chat.Register(app, chat.Config{}) },
		Seed:        chat.SeedDemo,
		Collections: chat.Collections,
	},
	{
		// before regie: every access to client data is logged
		Name: "audit",
		Register: func(app core.App, o Options) error {
			return audit.Register(app, audit.Config{Command: o.Command})
		},
		Collections: audit.Collections,
	},
	{
		// after teams, tasks, notify and audit: a buurtteam's template
		// comes with it, agreed actions become tasks, overdue cases
		// notify, every access is logged
		Name: "regie",
		Register: func(app core.App, o Options) error {
			return regie.Register(app, regie.Config{Command: o.Command})
		},
		Seed:        regie.SeedDemo,
		Collections: regie.Collections,
	},
	{
		Name: "sessions",
		Register: func(app core.App, o Options) error {
			return sessions.Register(app, sessions.Config{RequireMFA: o.RequireMFA})
		},
	},
	{
		Name: "backups",
		Register: func(app core.App, o Options) error {
			return backups.Register(app, backups.Config{Command: o.Command})
		},
	},
	{
		// after notify and every plugin that notifies: it sends their
		// notifications to the lock screen
		Name:        "push",
		Register:    func(app core.App, o Options) error { return push.Register(app, push.Config{}) },
		Collections: []string{push.Collection},
	},
	{
		// its middleware runs before every other one, wherever it is here
		Name: "metrics",
		Register: func(app core.App, o Options) error {
			return metrics.Register(app, metrics.Config{Token: o.MetricsToken, Addr: o.MetricsAddr, ReplicaSynced: func() (time.Time, bool) { return replica.Synced(app) }})
		},
	},
	{
		// last: the PWA's catch-all route yields to every API route
		Name: "pwa",
		Register: func(app core.App, o Options) error {
			return pwa.Register(app, pwa.Config{PublicDir: o.PublicDir})
		},
	},
}

// registeredKey is the app store key under which [Register] records the
// plugins it registered.
const registeredKey = "buurtplein.plugins"

// MustRegister registers every plugin to app and panics on error.
func MustRegister(app core.App, opts Options) {
	if err := Register(app, opts); err != nil {
		panic(err)
	}
}

// Register binds the framework checks (hooks.Bind) and then every plugin
// of [All] to app, in order. With opts.Demo it seeds the demo organisation
// when the server starts.
func Register(app core.App, opts Options) error {
	hooks.Bind(app)

	names := make([]string, 0, len(All))
	for _, p := range All {
		if err := p.Register(app, opts); err != nil {
			return fmt.Errorf("plugin %s: %w", p.Name, err)
		}
		names = append(names, p.Name)
	}
	app.Store().Set(registeredKey, names)

	if opts.Demo {
		hooks.SeedOnServe(app, SeedDemo)
	}
	return nil
}

// Registered returns the names of the plugins [Register] registered to
// app, in order; nil if it was not called.
func Registered(app core.App) []string {
	names, _ := app.Store().Get(registeredKey).([]string)
	return slices.Clone(names)
}

// SeedDemo seeds the demo organisation: every plugin's demo content, in
// registry order. It only adds what is missing.
func SeedDemo(app core.App) error {
	for _, p := range All {
		if p.Seed == nil {
			continue
		}
		if err := p.Seed(app); err != nil {
			return fmt.Errorf("demo content of %s: %w", p.Name, err)
		}
	}
	return nil
}

// Names returns the names of the plugins of [All], in order.
func Names() []string {
	names := make([]string, len(All))
	for i, p := range All {
		names[i] = p.Name
	}
	return names
}

// Collections returns the collections the plugins own, in registry order.
func Collections() []string {
	var names []string
	for _, p := range All {
		names = append(names, p.Collections...)
	}
	return names
}
