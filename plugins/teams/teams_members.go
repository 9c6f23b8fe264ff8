package teams

import (
	"database/sql"
	"errors"
	"fmt"

	"buurtplein/hooks"
	"buurtplein/plugins/notify"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// lastCoordinatorMessage is the refusal when a change would leave a team
// without a coordinator.
const lastCoordinatorMessage = "Dit is de laatste coördinator van het team. Maak eerst een collega coördinator."

// bindMembershipHooks keeps every team with at least one coordinator, so
// there is always someone who can add colleagues, and tells a person who
// is added to a team.
//
// The coordinator rule is a model hook: it holds for the API, the
// dashboard (IT too), the CSV import and Go code alike. The check and the
// change run in one transaction, so two coordinators stepping down at the
// same moment cannot both succeed.
func (p *plugin) bindMembershipHooks() {
	p.app.OnRecordUpdate(hooks.MembershipsCollection).BindFunc(func(e *core.RecordEvent) error {
		old := e.Record.Original()
		if old.GetString("role") != hooks.RoleCoordinator ||
			(e.Record.GetString("role") == hooks.RoleCoordinator && e.Record.GetString("team") == old.GetString("team")) {
			return e.Next()
		}
		return e.App.RunInTransaction(func(txApp core.App) error {
			e.App = txApp
			if err := requireOtherCoordinator(txApp, old); err != nil {
				return err
			}
			return e.Next()
		})
	})

	p.app.OnRecordDelete(hooks.MembershipsCollection).BindFunc(func(e *core.RecordEvent) error {
		if e.Record.GetString("role") != hooks.RoleCoordinator {
			return e.Next()
		}
		return e.App.RunInTransaction(func(txApp core.App) error {
			e.App = txApp
			// a team that is being deleted takes its memberships along
			if _, err := txApp.FindRecordById(hooks.TeamsCollection, e.Record.GetString("team")); errors.Is(err, sql.ErrNoRows) {
				return e.Next()
			} else if err != nil {
				return fmt.Errorf("checking the team of a membership: %w", err)
			}
			if err := requireOtherCoordinator(txApp, e.Record); err != nil {
				return err
			}
			return e.Next()
		})
	})

	// a coordinator may add any colleague to her team without asking: the
	// colleague hears of it at once, with who did it
	p.app.OnRecordCreateRequest(hooks.MembershipsCollection).BindFunc(func(e *core.RecordRequestEvent) error {
		return e.App.RunInTransaction(func(txApp core.App) error {
			e.App = txApp
			if err := e.Next(); err != nil {
				return err
			}
			return notifyAdded(txApp, e.Record, e.Auth)
		})
	})
}

// requireOtherCoordinator returns a 400 error when membership (as it is
// stored) holds the last coordinator role of its team.
func requireOtherCoordinator(app core.App, membership *core.Record) error {
	others, err := app.CountRecords(hooks.MembershipsCollection,
		dbx.HashExp{"team": membership.GetString("team"), "role": hooks.RoleCoordinator},
		dbx.Not(dbx.HashExp{"id": membership.Id}),
	)
	if err != nil {
		return fmt.Errorf("counting the coordinators of a team: %w", err)
	}
	if others == 0 {
		return hooks.FieldError("role", "last_coordinator", lastCoordinatorMessage)
	}
	return nil
}

// notifyAdded tells the user of a new membership who added them to which
// team, and as what. IT (a superuser) is named as IT.
func notifyAdded(app core.App, membership *core.Record, actor *core.Record) error {
	userId := membership.GetString("user")
	if actor != nil && actor.Id == userId {
		return nil
	}
	team, err := app.FindRecordById(hooks.TeamsCollection, membership.GetString("team"))
	if err != nil {
		return fmt.Errorf("finding the team of a new membership: %w", err)
	}
	who, sender := "IT", ""
	if actor != nil && actor.Collection().Name == hooks.UsersCollection {
		who, sender = actor.GetString("name"), actor.Id
	}
	return notify.Notify(app, notify.Notification{
		User:    userId,
		Kind:    notify.KindTeamAdded,
		Subject: notify.Subject{Collection: hooks.TeamsCollection, Id: team.Id},
		Sender:  sender,
		Params:  map[string]any{"actor": who, "team": team.GetString("name"), "role": membership.GetString("role")},
	})
}
