package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// An order goes with its team, as the team's tasks do: IT deleting a team
// (in the dashboard) deletes its orders and, through them, their history.
// Without it the team could not be deleted at all once it had ordered
// anything (orders.team is required). A product is made inactive rather
// than deleted, and stays refused while orders point at it.
func init() {
	m.Register(func(app core.App) error {
		return setOrdersTeamCascade(app, true)
	}, func(app core.App) error {
		return setOrdersTeamCascade(app, false)
	})
}

func setOrdersTeamCascade(app core.App, cascade bool) error {
	orders, err := app.FindCollectionByNameOrId("orders")
	if err != nil {
		return err
	}
	orders.Fields.GetByName("team").(*core.RelationField).CascadeDelete = cascade
	return app.Save(orders)
}
