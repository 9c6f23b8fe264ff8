// Package backups adds backups to Buurtplein: PocketBase's scheduled
// backups (a zip of the data dir, the database copied with VACUUM INTO,
// the oldest automatic ones pruned) with a schedule and retention that a
// deployment can pin, and the "backup" commands: create, list, schedule
// and an offline restore into the data dir or a fresh one.
//
// The schedule and the number of automatic backups kept live in the
// settings (Backups in the dashboard): a migration sets daily at 02:00 UTC
// and 7 kept, IT changes them in the dashboard or with "backup schedule".
//
// Example usage:
//
//	backups.MustRegister(app, backups.Config{
//		Command:  app.RootCmd, // add the "backup" commands
//		Schedule: "30 1 * * *", // optional: pin the schedule (UTC)
//		Keep:     14,           // optional: pin the retention
//	})
package backups

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/cron"
	"github.com/spf13/cobra"
)

// Config defines the config options of the backups plugin.
type Config struct {
	// Command is the root command the "backup" command group is added to;
	// nil adds none.
	Command *cobra.Command

	// Schedule, when set, is the cron expression (in UTC) of the automatic
	// backups, written to the settings at every start: it wins over a
	// change made in the dashboard since. Empty leaves the settings' own
	// schedule (see the package documentation).
	Schedule string

	// Keep, when above zero, is how many automatic backups are kept (after
	// each new one the oldest beyond it are deleted), written to the
	// settings at every start like Schedule. Zero leaves the settings' own.
	Keep int
}

type plugin struct {
	app    core.App
	config Config
}

// MustRegister registers the backups plugin to app and panics on error.
func MustRegister(app core.App, config Config) {
	if err := Register(app, config); err != nil {
		panic(err)
	}
}

// Register registers the backups plugin to app.
func Register(app core.App, config Config) error {
	p := &plugin{app: app, config: config}

	if p.config.Schedule != "" {
		if _, err := cron.NewSchedule(p.config.Schedule); err != nil {
			return fmt.Errorf("backups: schedule %q: %w", p.config.Schedule, err)
		}
	}
	if p.config.Keep < 0 {
		return fmt.Errorf("backups: keep %d: want 0 (the settings' own) or more", p.config.Keep)
	}
	if p.config.Schedule != "" || p.config.Keep > 0 {
		// at bootstrap for the commands and the cron job; again when the
		// server starts, after the migrations, of which one sets defaults
		app.OnBootstrap().BindFunc(func(e *core.BootstrapEvent) error {
			if err := e.Next(); err != nil {
				return err
			}
			return p.pinSchedule(e.App)
		})
		app.OnServe().BindFunc(func(e *core.ServeEvent) error {
			if err := p.pinSchedule(e.App); err != nil {
				return err
			}
			return e.Next()
		})
	}

	if p.config.Command != nil {
		p.config.Command.AddCommand(p.backupCommand())
	}
	return nil
}

// pinSchedule writes the configured schedule and retention to the
// settings where they differ. Saving the settings reloads them, and
// PocketBase's backup cron job with them.
func (p *plugin) pinSchedule(app core.App) error {
	s := app.Settings()
	changed := false
	if p.config.Schedule != "" && s.Backups.Cron != p.config.Schedule {
		s.Backups.Cron = p.config.Schedule
		changed = true
	}
	if p.config.Keep > 0 && s.Backups.CronMaxKeep != p.config.Keep {
		s.Backups.CronMaxKeep = p.config.Keep
		changed = true
	}
	if !changed {
		return nil
	}
	if err := app.Save(s); err != nil {
		return fmt.Errorf("backups: saving the schedule: %w", err)
	}
	return nil
}
