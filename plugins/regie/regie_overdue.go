package regie

import (
	"database/sql"
	"errors"
	"fmt"
	"sync/atomic"

	"buurtplein/hooks"
	"buurtplein/plugins/notify"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// overduePage is how many cases the overdue check loads at a time;
// overdueMaxPerRun bounds one run (the next run takes the rest).
const (
	overduePage      = 500
	overdueMaxPerRun = 20000
)

// overdueQueue picks the next page of open cases past their step's
// deadline that nobody was told about in this step, oldest deadline first.
const overdueQueue = `SELECT id FROM clients
	WHERE status = 'open' AND step_due != '' AND step_due < {:now} AND overdue_step != step
	ORDER BY step_due, id LIMIT {:limit}`

// overdueRunning keeps a slow run from being joined by the next one.
var overdueRunning atomic.Bool

// bindOverdue schedules the check of cases past their deadline.
func (p *plugin) bindOverdue() error {
	return p.app.Cron().Add("buurtpleinRegieOverdue", p.config.OverdueSchedule, func() {
		if !overdueRunning.CompareAndSwap(false, true) {
			return
		}
		defer overdueRunning.Store(false)
		if _, err := NotifyOverdue(p.app); err != nil {
			p.app.Logger().Error("overdue cases check failed", "error", err)
		}
	})
}

// NotifyOverdue tells, once per step of a case, the regisseur of the
// client's latest plan (or, without a plan, the team's coordinators) that
// the case is past its step's deadline, and returns how many cases it
// handled. The notification names the step and the team, never the
// client: notifications are not in the access log.
func NotifyOverdue(app core.App) (int, error) {
	now := types.NowDateTime()
	handled := 0
	for handled < overdueMaxPerRun {
		var ids []string
		err := app.DB().NewQuery(overdueQueue).
			Bind(dbx.Params{"now": now.String(), "limit": min(overduePage, overdueMaxPerRun-handled)}).
			Column(&ids)
		if err != nil {
			return handled, fmt.Errorf("finding overdue cases: %w", err)
		}
		for _, id := range ids {
			if err := notifyOverdueCase(app, id); err != nil {
				return handled, fmt.Errorf("notifying overdue case %s: %w", id, err)
			}
			handled++
		}
		if len(ids) < overduePage {
			break
		}
	}
	return handled, nil
}

// notifyOverdueCase tells who leads the case that it is over time, and
// marks its step told, in one transaction.
func notifyOverdueCase(app core.App, id string) error {
	return app.RunInTransaction(func(txApp core.App) error {
		client, err := txApp.FindRecordById(ClientsCollection, id)
		if err != nil {
			return err
		}
		teamId := client.GetString("team")
		receivers, err := overdueReceivers(txApp, client.Id, teamId)
		if err != nil {
			return err
		}
		stepName := client.GetString("step")
		if template, err := TemplateOf(txApp, teamId); err == nil {
			if s := template.Step(stepName); s != nil {
				stepName = s.Name
			}
		}
		var teamName string
		if err := txApp.DB().Select("name").From(hooks.TeamsCollection).Where(dbx.HashExp{"id": teamId}).Row(&teamName); err != nil {
			return fmt.Errorf("the name of team %s: %w", teamId, err)
		}
		for _, r := range receivers {
			if err := notify.Notify(txApp, notify.Notification{
				User:    r,
				Kind:    notify.KindCaseOverdue,
				Subject: notify.Subject{Collection: ClientsCollection, Id: client.Id},
				Params:  map[string]any{"step": stepName, "team": teamName},
			}); err != nil {
				return err
			}
		}
		client.Set("overdue_step", client.GetString("step"))
		// NB! the mark is the server's own: a client that no longer meets
		// the rules of a save must not stay in the queue for ever
		return txApp.SaveNoValidate(client)
	})
}

// overdueReceivers returns the regisseur of the client's latest plan, or
// the team's coordinators when it has none (or its regisseur left the
// team).
func overdueReceivers(app core.App, clientId, teamId string) ([]string, error) {
	var regisseur string
	err := app.DB().Select("regisseur").From(PlansCollection).
		Where(dbx.HashExp{"client": clientId}).
		OrderBy("created DESC", "id DESC").Limit(1).Row(&regisseur)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("the regisseur of client %s: %w", clientId, err)
	}
	if regisseur != "" {
		member, err := hooks.IsMember(app, regisseur, teamId)
		if err != nil {
			return nil, err
		}
		if member {
			return []string{regisseur}, nil
		}
	}
	ids := []string{}
	err = app.DB().Select("user").From(hooks.MembershipsCollection).
		Where(dbx.HashExp{"team": teamId, "role": hooks.RoleCoordinator}).Column(&ids)
	if err != nil {
		return nil, fmt.Errorf("the coordinators of team %s: %w", teamId, err)
	}
	return ids, nil
}
