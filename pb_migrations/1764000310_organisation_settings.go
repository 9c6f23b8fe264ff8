package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// organisation_settings holds the settings IT keeps for the whole
// organisation, as one record: every signed-in employee reads it (the PWA
// shows a locked name as read-only), only IT changes it in the dashboard.
// names_locked makes names read-only for employees; the CSV import and
// the dashboard still set them.

func init() {
	m.Register(func(app core.App) error {
		settings := core.NewBaseCollection("organisation_settings")
		settings.ListRule = types.Pointer(`@request.auth.collectionName = "users"`)
		settings.ViewRule = types.Pointer(`@request.auth.collectionName = "users"`)
		settings.Fields.Add(
			&core.BoolField{Name: "names_locked"},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		if err := app.Save(settings); err != nil {
			return err
		}

		record := core.NewRecord(settings)
		record.Set("names_locked", false)
		return app.SaveNoValidate(record)
	}, func(app core.App) error {
		return deleteCollections(app, "organisation_settings")
	})
}
