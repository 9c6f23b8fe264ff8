package migrations

import (
	"buurtplein/hooks"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// transfersInvolved returns the read rule of task_transfers: the task's
// team, the sender, the colleague offered the task and, when a team is
// offered it, that team's members. toTeamGuard says whether the team offered
// must be set for its membership check to count.
//
// NB! hooks.MemberOf("to_team") alone holds for an employee in no team at
// all on every offer to a colleague: the join over the employee's
// memberships comes back empty, and PocketBase compares the missing team and
// the empty to_team as equal. Someone removed from their only team, or not
// yet in one, read every person-to-person offer in the organisation.
func transfersInvolved(toTeamGuard bool) string {
	toTeam := hooks.MemberOf("to_team")
	if toTeamGuard {
		toTeam = `(to_team != "" && ` + toTeam + ")"
	}
	return hooks.SignedIn + " && (" + hooks.MemberOf("task.team") +
		" || from_user = @request.auth.id || to_user = @request.auth.id || " + toTeam + ")"
}

const transfersFixedParties = " && @request.body.task:changed = false && @request.body.from_user:changed = false" +
	" && @request.body.to_user:changed = false && @request.body.to_team:changed = false"

func init() {
	m.Register(func(app core.App) error {
		return setTransfersRules(app, transfersInvolved(true))
	}, func(app core.App) error {
		return setTransfersRules(app, transfersInvolved(false))
	})
}

func setTransfersRules(app core.App, involved string) error {
	transfers, err := app.FindCollectionByNameOrId("task_transfers")
	if err != nil {
		return err
	}
	transfers.ListRule = types.Pointer(involved)
	transfers.ViewRule = types.Pointer(involved)
	transfers.UpdateRule = types.Pointer(involved + transfersFixedParties)
	return app.Save(transfers)
}
