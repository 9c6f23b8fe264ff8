package push

import (
	"fmt"
	"net/http"
	"net/url"

	"buurtplein/hooks"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// maxEndpointLength bounds an endpoint before it is parsed; the push
// services' are a few hundred characters.
const maxEndpointLength = 1000

// bindSubscriptions holds every subscription, on every path (the API,
// the dashboard, Go code), to an endpoint the server may post to; lets a
// browser's new subscription take over the same endpoint's old one; and
// deletes a person's subscriptions when their sessions end (signed out,
// blocked).
func (p *plugin) bindSubscriptions() {
	p.app.OnRecordValidate(Collection).BindFunc(func(e *core.RecordEvent) error {
		if err := p.checkEndpoint(e.Record.GetString("endpoint")); err != nil {
			return err
		}
		return e.Next()
	})

	// the same endpoint is the same browser: signed in by another person
	// (a shared phone) or subscribed again, the old row goes, in the
	// create's transaction, so a phone never shows the previous person's
	// notifications
	p.app.OnRecordCreate(Collection).BindFunc(func(e *core.RecordEvent) error {
		return e.App.RunInTransaction(func(txApp core.App) error {
			e.App = txApp
			if err := deleteSubscriptions(txApp, dbx.HashExp{"endpoint": e.Record.GetString("endpoint")}); err != nil {
				return err
			}
			return e.Next()
		})
	})

	// a new token key ends every session of the person (signing out,
	// which signs out everywhere; a new password; blocking): the devices
	// they were signed in on stop receiving their notifications. The rows
	// go with the save's app, in its transaction when it has one. NB! not
	// in a transaction of its own: with one, the realtime event of the
	// users change went missing after a sign-out (plugins/sessions
	// TestSignOut).
	p.app.OnRecordUpdate(hooks.UsersCollection).BindFunc(func(e *core.RecordEvent) error {
		old := e.Record.Original()
		blocked := e.Record.GetBool("disabled") && !old.GetBool("disabled")
		ended := blocked || e.Record.TokenKey() != old.TokenKey()
		if err := e.Next(); err != nil || !ended {
			return err
		}
		return deleteSubscriptions(e.App, dbx.HashExp{"user": e.Record.Id})
	})
}

// checkEndpoint returns a 400 error (push_endpoint_invalid) unless
// endpoint is an https URL the plugin's config allows.
func (p *plugin) checkEndpoint(endpoint string) error {
	invalid := hooks.Err(http.StatusBadRequest, "push_endpoint_invalid", nil,
		"Dit adres voor pushmeldingen is niet van een bekende pushdienst.")
	if len(endpoint) > maxEndpointLength {
		return invalid
	}
	u, err := url.Parse(endpoint)
	if err != nil || u.Scheme != "https" || u.User != nil || u.Hostname() == "" || u.Fragment != "" {
		return invalid
	}
	if !p.config.AllowEndpoint(u) {
		return invalid
	}
	return nil
}

// deleteSubscriptions deletes the subscriptions that match where.
func deleteSubscriptions(app core.App, where dbx.Expression) error {
	if _, err := app.DB().Delete(Collection, where).Execute(); err != nil {
		return fmt.Errorf("deleting push subscriptions: %w", err)
	}
	return nil
}
