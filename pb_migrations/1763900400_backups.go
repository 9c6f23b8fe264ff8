package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(func(app core.App) error {
		s := app.Settings()

		// a data dir where IT already chose a schedule keeps it; later
		// changes in the dashboard are IT's too (a migration runs once)
		if s.Backups.Cron != "" {
			return nil
		}

		// every night at 02:00 UTC (03:00 in Dutch winter time, 04:00 in
		// summer), and a week of them kept
		s.Backups.Cron = "0 2 * * *"
		s.Backups.CronMaxKeep = 7
		return app.Save(s)
	}, nil)
}
