// Package upgrade keeps a Buurtplein from serving a data dir that a newer
// Buurtplein has migrated. The newer version's migrations changed the
// schema in ways this binary does not know, so its rules and hooks would
// work on a database they were not written for. The way back is the newer
// binary, or the backup made before the upgrade (README, "Upgrading").
//
// Example usage:
//
//	upgrade.MustRegister(app, upgrade.Config{})
package upgrade

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// Config is the plugin's configuration; it has no settings yet.
type Config struct{}

type plugin struct {
	app core.App
}

// MustRegister registers the plugin and panics on failure.
func MustRegister(app core.App, config Config) {
	if err := Register(app, config); err != nil {
		panic(err)
	}
}

// Register refuses to serve a data dir migrated by a newer Buurtplein.
func Register(app core.App, config Config) error {
	p := &plugin{app: app}
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id:       "buurtpleinUpgradeCheck",
		Priority: -1000, // before any other plugin's routes or jobs
		Func:     p.checkOnServe,
	})
	return nil
}

// checkOnServe stops the server before it serves a newer data dir; the
// error is the serve command's, printed for IT.
func (p *plugin) checkOnServe(e *core.ServeEvent) error {
	if err := CheckDataDir(p.app); err != nil {
		return err
	}
	return e.Next()
}

// CheckDataDir returns an error naming the first migration applied to the
// app's database that this binary does not have: one a newer Buurtplein
// applied. Nil when the binary knows every applied migration.
func CheckDataDir(app core.App) error {
	known := map[string]bool{}
	for _, m := range core.SystemMigrations.Items() {
		known[m.File] = true
	}
	for _, m := range core.AppMigrations.Items() {
		known[m.File] = true
	}
	var applied []string
	err := app.DB().Select("file").From(core.DefaultMigrationsTable).OrderBy("applied ASC", "file ASC").Column(&applied)
	if err != nil {
		return fmt.Errorf("upgrade: reading the applied migrations: %w", err)
	}
	for _, file := range applied {
		if !known[file] {
			return fmt.Errorf("deze datamap is bijgewerkt door een nieuwere Buurtplein (migratie %s), die deze versie niet kent: "+
				"start de nieuwere versie, of zet de back-up van vóór de upgrade terug", file)
		}
	}
	return nil
}
