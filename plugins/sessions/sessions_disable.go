package sessions

import (
	"errors"
	"fmt"
	"net/http"

	"buurtplein/hooks"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
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

// setDisabled blocks or unblocks the employee of the path's id for IT and
// for a coordinator of one of the employee's teams. It answers 204, also
// when nothing changes.
func (p *plugin) setDisabled(e *core.RequestEvent, disabled bool) error {
	user, err := e.App.FindRecordById(hooks.UsersCollection, e.Request.PathValue("id"))
	if err != nil {
		return e.NotFoundError("Deze collega bestaat niet (meer).", err)
	}

	if !e.HasSuperuserAuth() {
		if user.Id == e.Auth.Id {
			return e.ForbiddenError("Je kunt je eigen account niet blokkeren of deblokkeren.", nil)
		}
		ok, err := coordinates(e.App, e.Auth.Id, user.Id)
		if err != nil {
			return err
		}
		if !ok {
			return e.ForbiddenError("Alleen een coördinator van een team van deze collega, of IT, kan dit account blokkeren of deblokkeren.", nil)
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
		return router.NewForbiddenError(disabledMessage, validation.Errors{
			DisabledField: validation.NewError("validation_account_disabled", disabledMessage),
		})
	}
	return err
}
