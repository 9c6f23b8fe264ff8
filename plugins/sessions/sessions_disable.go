package sessions

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"buurtplein/hooks"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/types"
)

// disabledMessage is what a blocked employee reads when signing in.
const disabledMessage = "Je account is geblokkeerd. Neem contact op met je coördinator of met IT."

// disable blocks an employee (POST /api/buurtplein/users/{id}/disable).
func (p *plugin) disable(e *core.RequestEvent) error {
	return p.setDisabled(e, true)
}

// enable unblocks an employee (POST /api/buurtplein/users/{id}/enable).
func (p *plugin) enable(e *core.RequestEvent) error {
	return p.setDisabled(e, false)
}

// MembershipAgeToBlock is how long a coordinator's power to block a
// member waits after the member joined her team: a membership she just
// made gives her none.
const MembershipAgeToBlock = 24 * time.Hour

// setDisabled blocks or unblocks the employee of the path's id, for IT
// and, within the limits of [mayBlock], for a coordinator. It answers 204,
// also when nothing changes.
func (p *plugin) setDisabled(e *core.RequestEvent, disabled bool) error {
	user, err := e.App.FindRecordById(hooks.UsersCollection, e.Request.PathValue("id"))
	if err != nil {
		return hooks.Err(http.StatusNotFound, "block_user_not_found", nil, "Deze collega bestaat niet (meer).")
	}

	if !e.HasSuperuserAuth() {
		if user.Id == e.Auth.Id {
			return hooks.Err(http.StatusForbidden, "block_self", nil, "Je kunt je eigen account niet blokkeren of deblokkeren.")
		}
		refusal, err := mayBlock(e.App, e.Auth.Id, user.Id, time.Now())
		if err != nil {
			return err
		}
		if refusal != nil {
			return refusal
		}
	}

	if user.GetBool(DisabledField) != disabled {
		user.Set(DisabledField, disabled)
		// no validation: blocking must not wait for a complete profile
		if err := e.App.SaveNoValidate(user); err != nil {
			return fmt.Errorf("setting %s disabled=%v: %w", user.Id, disabled, err)
		}
	}

	return e.NoContent(http.StatusNoContent)
}

// mayBlock returns why coordinatorId may not block or unblock userId (a
// 403), or nil when she may. A coordinator may when
//
//   - every team userId is in is one she coordinates: someone who also
//     works in another team is blocked by IT, so no coordinator decides
//     for another team;
//   - userId coordinates no team: coordinators are blocked by IT;
//   - userId joined one of her teams at least [MembershipAgeToBlock]
//     before now: a coordinator may add anyone to her team without
//     consent, and that must not give her the power to block them.
func mayBlock(app core.App, coordinatorId, userId string, now time.Time) (*hooks.Error, error) {
	var targets []struct {
		Team    string `db:"team"`
		Role    string `db:"role"`
		Created string `db:"created"`
	}
	err := app.DB().Select("team", "role", "created").
		From(hooks.MembershipsCollection).
		Where(dbx.HashExp{"user": userId}).
		All(&targets)
	if err != nil {
		return nil, fmt.Errorf("listing the teams of %s: %w", userId, err)
	}
	coordinated, err := coordinatedTeams(app, coordinatorId)
	if err != nil {
		return nil, err
	}

	shared, aged := false, false
	for _, m := range targets {
		if coordinated[m.Team] {
			shared = true
		}
	}
	if !shared {
		return hooks.Err(http.StatusForbidden, "block_not_coordinator", nil,
			"Alleen een coördinator van een team van deze collega, of IT, kan dit account blokkeren of deblokkeren."), nil
	}
	for _, m := range targets {
		if !coordinated[m.Team] {
			return hooks.Err(http.StatusForbidden, "block_other_team", nil,
				"Deze collega werkt ook in een team dat je niet coördineert. Alleen IT kan dit account blokkeren of deblokkeren."), nil
		}
		if m.Role == hooks.RoleCoordinator {
			return hooks.Err(http.StatusForbidden, "block_coordinator", nil,
				"Deze collega is coördinator. Alleen IT kan het account van een coördinator blokkeren of deblokkeren."), nil
		}
		created, err := types.ParseDateTime(m.Created)
		if err != nil {
			return nil, fmt.Errorf("reading when %s joined team %s: %w", userId, m.Team, err)
		}
		if !created.IsZero() && now.Sub(created.Time()) >= MembershipAgeToBlock {
			aged = true
		}
	}
	if !aged {
		return hooks.Err(http.StatusForbidden, "block_too_soon", hooks.Params{"hours": int(MembershipAgeToBlock.Hours())},
			"Deze collega is minder dan 24 uur geleden aan je team toegevoegd. Blokkeren of deblokkeren kan daarna, of nu door IT."), nil
	}
	return nil, nil
}

// coordinatedTeams returns the ids of the teams coordinatorId coordinates.
func coordinatedTeams(app core.App, coordinatorId string) (map[string]bool, error) {
	var ids []string
	err := app.DB().Select("team").
		From(hooks.MembershipsCollection).
		Where(dbx.HashExp{"user": coordinatorId, "role": hooks.RoleCoordinator}).
		Column(&ids)
	if err != nil {
		return nil, fmt.Errorf("listing the teams %s coordinates: %w", coordinatorId, err)
	}
	teams := make(map[string]bool, len(ids))
	for _, id := range ids {
		teams[id] = true
	}
	return teams, nil
}

// coordinates reports whether coordinatorId is a coordinator of a team that
// userId is a member of.
func coordinates(app core.App, coordinatorId, userId string) (bool, error) {
	var n int
	err := app.DB().Select("count(*)").
		From(hooks.MembershipsCollection+" target").
		InnerJoin(hooks.MembershipsCollection+" coord", dbx.NewExp("coord.team = target.team")).
		Where(dbx.HashExp{"target.user": userId, "coord.user": coordinatorId, "coord.role": hooks.RoleCoordinator}).
		Row(&n)
	if err != nil {
		return false, fmt.Errorf("checking whether %s coordinates a team of %s: %w", coordinatorId, userId, err)
	}
	return n > 0, nil
}

// bindDisableHooks makes blocking take effect at once, however it is
// done (these routes, the dashboard, Go code): the token key changes, so
// every token of the account stops working and its realtime connections
// close. The users auth rule ("disabled = false", see the migration)
// keeps the account from signing in again; these hooks only put
// PocketBase's English refusal into words the employee understands.
func (p *plugin) bindDisableHooks() {
	p.app.OnRecordUpdate(hooks.UsersCollection).BindFunc(func(e *core.RecordEvent) error {
		if e.Record.GetBool(DisabledField) && !e.Record.Original().GetBool(DisabledField) {
			e.Record.RefreshTokenKey()
		}
		return e.Next()
	})

	// who is blocked is for IT, the person and the person's coordinators:
	// the flag is left out of every other answer (lists, views, expands,
	// realtime). A flag that is false is left out too, so its absence
	// tells nothing.
	p.app.OnRecordEnrich(hooks.UsersCollection).BindFunc(func(e *core.RecordEnrichEvent) error {
		if !mayKnowBlocked(e) {
			e.Record.Hide(DisabledField)
		}
		return e.Next()
	})

	p.app.OnRecordAuthWithPasswordRequest(hooks.UsersCollection).BindFunc(func(e *core.RecordAuthWithPasswordRequestEvent) error {
		return disabledError(e.Record, e.Next())
	})
	p.app.OnRecordAuthWithOTPRequest(hooks.UsersCollection).BindFunc(func(e *core.RecordAuthWithOTPRequestEvent) error {
		return disabledError(e.Record, e.Next())
	})
	p.app.OnRecordAuthWithOAuth2Request(hooks.UsersCollection).BindFunc(func(e *core.RecordAuthWithOAuth2RequestEvent) error {
		return disabledError(e.Record, e.Next())
	})
}

// disabledError replaces the auth rule's 403 for a blocked account by a
// Dutch sentence, with the code validation_account_disabled under
// data.disabled for clients in other languages. PocketBase checks the rule only after the password (or
// code) proved right, so the sentence tells nothing to a guesser.
func disabledError(account *core.Record, err error) error {
	if err == nil || account == nil || !account.GetBool(DisabledField) {
		return err
	}
	var apiErr *router.ApiError
	if errors.As(err, &apiErr) && apiErr.Status == http.StatusForbidden {
		return hooks.FieldError(DisabledField, "account_disabled", disabledMessage).WithStatus(http.StatusForbidden)
	}
	return err
}

// mayKnowBlocked reports whether the caller of an enrich event may see
// whether its user is blocked: IT, the user, and for a blocked user the
// coordinators of one of the user's teams.
func mayKnowBlocked(e *core.RecordEnrichEvent) bool {
	if e.RequestInfo == nil {
		return false
	}
	auth := e.RequestInfo.Auth
	switch {
	case auth == nil:
		return false
	case auth.IsSuperuser() || auth.Id == e.Record.Id:
		return true
	case !e.Record.GetBool(DisabledField):
		return false
	}
	ok, err := coordinates(e.App, auth.Id, e.Record.Id)
	return err == nil && ok
}
