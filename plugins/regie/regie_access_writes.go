package regie

import (
	"sync"

	"buurtplein/plugins/audit"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// writesPriority runs the write hooks around every other hook of a
// record's save (the workflow's among them), so that what those hooks
// write in the save's transaction is logged with the request's actor.
const writesPriority = -1000

// txWrites are the transactions that write client data (the
// transaction's app → *txWrite): a save inside one is made by its actor.
var txWrites sync.Map

// bindWrites logs every create, update and delete of client data in the
// transaction of the write: the request marks the record it saves with
// its actor, the model hook writes the record and its entry together.
func (l *accessLog) bindWrites() {
	l.app.OnRecordCreateRequest(ClientData...).BindFunc(l.requestWrite)
	l.app.OnRecordUpdateRequest(ClientData...).BindFunc(l.requestWrite)
	l.app.OnRecordDeleteRequest(ClientData...).BindFunc(l.requestWrite)

	l.app.OnRecordCreate(ClientData...).Bind(&hook.Handler[*core.RecordEvent]{
		Id: "regieAccessLogCreate", Priority: writesPriority, Func: l.logWrite(audit.ActionCreate),
	})
	l.app.OnRecordUpdate(ClientData...).Bind(&hook.Handler[*core.RecordEvent]{
		Id: "regieAccessLogUpdate", Priority: writesPriority, Func: l.logWrite(audit.ActionUpdate),
	})
	l.app.OnRecordDelete(ClientData...).Bind(&hook.Handler[*core.RecordEvent]{
		Id: "regieAccessLogDelete", Priority: writesPriority, Func: l.logWrite(audit.ActionDelete),
	})
}

// requestWrite marks the record a request saves with the request's actor
// for the model hook that logs the write (logWrite).
func (l *accessLog) requestWrite(e *core.RecordRequestEvent) error {
	l.writes.Store(e.Record, audit.ActorOf(e.RequestEvent))
	defer l.writes.Delete(e.Record)
	return e.Next()
}

// logWrite returns the model hook that runs a write of client data and its
// entry in one transaction: both land or neither does. The actor is the
// request's that marked the record, else the one of the transaction the
// save runs in (a save the server makes while handling a request), else
// the system (a save from Go outside any request: the demo, a cron job).
func (l *accessLog) logWrite(action string) func(e *core.RecordEvent) error {
	return func(e *core.RecordEvent) error {
		var actor audit.Actor
		if marked, ok := l.writes.Load(e.Record); ok {
			actor = marked.(audit.Actor)
		} else if tx, ok := txWrites.Load(e.App); ok {
			actor = tx.(*txWrite).actor
		} else {
			actor = audit.SystemActor("regie", "")
		}
		app := e.App
		err := withActor(app, actor, func(txApp core.App) error {
			e.App = txApp
			entries := newClientEntries()
			entries.known = txWriteOf(txApp).codes
			if action == audit.ActionDelete {
				// the parts of a deleted client go after it, in the same
				// transaction (a cascade): they find its code here
				entries.add(e.Record, recordName(e.Record))
				if e.Record.Collection().Name == ClientsCollection {
					entries.known[e.Record.Id] = e.Record.GetString("code")
				}
			}
			if err := e.Next(); err != nil {
				return err
			}
			if action != audit.ActionDelete {
				entries.add(e.Record, recordName(e.Record))
			}
			list, err := entries.entries(txApp, action, actor, "")
			if err == nil {
				err = audit.Append(txApp, list...)
			}
			if err != nil {
				return auditUnavailable(txApp, err)
			}
			return nil
		})
		// PocketBase runs the success hooks on the event's app once this
		// returns: the app, not the transaction that has ended by then
		e.App = app
		return err
	}
}

// txWrite is what a transaction that writes client data knows: its
// actor, and the codes of the clients it deleted.
type txWrite struct {
	actor audit.Actor
	codes map[string]string
}

// txWriteOf returns the txWrite of txApp, a transaction withActor runs.
func txWriteOf(txApp core.App) *txWrite {
	tx, _ := txWrites.Load(txApp)
	return tx.(*txWrite)
}

// withActor runs fn in a transaction of app (app's own when it is in one)
// in which every write of client data is logged as actor's, unless the
// request that saves a record names another. A route that writes client
// data from Go (an erasure) calls it so that its writes are not logged as
// the system's.
func withActor(app core.App, actor audit.Actor, fn func(txApp core.App) error) error {
	return app.RunInTransaction(func(txApp core.App) error {
		tx := &txWrite{actor: actor, codes: map[string]string{}}
		if _, taken := txWrites.LoadOrStore(txApp, tx); !taken {
			defer txWrites.Delete(txApp)
		}
		return fn(txApp)
	})
}
