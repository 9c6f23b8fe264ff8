package sessions

import (
	"fmt"
	"net/http"

	"buurtplein/hooks"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// realtimeAccountKey is the realtime client store key that holds the
// account ("collection/id") a connection subscribed as. PocketBase's own
// auth key is cleared when the account's token key changes, possibly
// before our hook runs; ours stays, so the connection can still be found.
const realtimeAccountKey = "buurtpleinAccount"

// signOut ends every session of the signed-in account: a new token key
// invalidates all its tokens, on every device, and the after-update hook
// closes its realtime connections.
func (p *plugin) signOut(e *core.RequestEvent) error {
	account, err := e.App.FindRecordById(e.Auth.Collection(), e.Auth.Id)
	if err != nil {
		return hooks.Err(http.StatusNotFound, "session_account_gone", nil, "Dit account bestaat niet meer.")
	}

	account.RefreshTokenKey()
	// no validation: an account with an incomplete profile must still be
	// able to sign out
	if err := e.App.SaveNoValidate(account); err != nil {
		return fmt.Errorf("signing out %s: %w", account.Id, err)
	}

	return e.NoContent(http.StatusNoContent)
}

// bindRealtimeHooks remembers which account each realtime connection
// belongs to and closes an account's connections when its token key
// changes (sign-out, blocking, a new password or e-mail address) or the
// account is deleted.
func (p *plugin) bindRealtimeHooks() {
	p.app.OnRealtimeSubscribeRequest().BindFunc(func(e *core.RealtimeSubscribeRequestEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		if e.Auth != nil {
			e.Client.Set(realtimeAccountKey, accountKey(e.Auth))
		}
		return nil
	})

	p.app.OnRecordAfterUpdateSuccess(hooks.UsersCollection, core.CollectionNameSuperusers).BindFunc(func(e *core.RecordEvent) error {
		if e.Record.TokenKey() != e.Record.Original().TokenKey() {
			CloseRealtime(e.App, e.Record)
		}
		return e.Next()
	})

	p.app.OnRecordAfterDeleteSuccess(hooks.UsersCollection, core.CollectionNameSuperusers).BindFunc(func(e *core.RecordEvent) error {
		CloseRealtime(e.App, e.Record)
		return e.Next()
	})
}

// CloseRealtime ends every open realtime connection of account. The
// client's stream ends; the PocketBase SDK reconnects by itself, and then
// only with a token that is still valid gets anything but public events.
func CloseRealtime(app core.App, account *core.Record) {
	key := accountKey(account)
	broker := app.SubscriptionsBroker()
	for id, client := range broker.Clients() {
		own, _ := client.Get(realtimeAccountKey).(string)
		auth, _ := client.Get(apis.RealtimeClientAuthKey).(*core.Record)
		if own == key || (auth != nil && accountKey(auth) == key) {
			broker.Unregister(id)
		}
	}
}

// accountKey identifies an auth record across auth collections.
func accountKey(record *core.Record) string {
	return record.Collection().Name + "/" + record.Id
}
