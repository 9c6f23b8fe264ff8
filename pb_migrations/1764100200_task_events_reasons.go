package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// A withdrawn offer's history line gave its reason in Dutch prose; it now
// gives a code the PWA words in the reader's language. The lines written
// before are rewritten to the codes of the two reasons the server wrote.

func init() {
	m.Register(func(app core.App) error {
		_, err := app.DB().NewQuery(`UPDATE task_events
			SET details = json_set(details, '$.reason', CASE json_extract(details, '$.reason')
				WHEN 'de taak is afgesloten' THEN 'task_closed'
				ELSE 'member_left' END)
			WHERE kind = 'handover_cancelled' AND json_valid(details)
				AND json_extract(details, '$.reason') IN ('de taak is afgesloten', 'de collega is geen lid meer van het team')`).Execute()
		return err
	}, func(app core.App) error {
		_, err := app.DB().NewQuery(`UPDATE task_events
			SET details = json_set(details, '$.reason', CASE json_extract(details, '$.reason')
				WHEN 'task_closed' THEN 'de taak is afgesloten'
				ELSE 'de collega is geen lid meer van het team' END)
			WHERE kind = 'handover_cancelled' AND json_valid(details)
				AND json_extract(details, '$.reason') IN ('task_closed', 'member_left')`).Execute()
		return err
	})
}
