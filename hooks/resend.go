package hooks

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// ResendAuthors names, for each collection the PWA's outbox creates
// records in while offline, the field that holds who wrote the record.
// The outbox picks a record's id before it sends it, and sends the same
// create again when an answer was lost; [AnswerResends] makes such a
// resend answer 200 with the stored record, so every write is kept
// exactly once. The chat's messages do the same in plugins/chat, where
// the lookup shares the transaction of the message's mentions.
var ResendAuthors = map[string]string{
	"posts":          "author",
	"comments":       "author",
	"task_transfers": "from_user",
	"reads":          "user",
	"questions":      "asker",
}

// resendPriority runs the resend check before every plugin's create
// hook: a resend is answered as the first create was, before a check
// that the first create changed the answer to (an offer already pending
// for the task, a confirmation already given).
const resendPriority = -1000

// AnswerResends makes a create in each of collections (name → the field
// of its writer) idempotent for its writer: a create whose id is already
// stored, written by the same signed-in employee, is answered 200 with
// the stored record (expanded as asked) and writes and notifies nothing.
// The same id stored by someone else is left to PocketBase, which
// refuses it. On every path of the record API, batches included; when
// two copies of a create race each other outside a batch, the loser's
// failure is answered with the winner's record as well.
func AnswerResends(app core.App, collections map[string]string) {
	for collection, field := range collections {
		app.OnRecordCreateRequest(collection).Bind(&hook.Handler[*core.RecordRequestEvent]{
			Id:       "buurtplein_resend_" + collection,
			Priority: resendPriority,
			Func: func(e *core.RecordRequestEvent) error {
				return answerResend(e, field)
			},
		})
	}
}

// answerResend is [AnswerResends]' hook for one collection.
func answerResend(e *core.RecordRequestEvent, field string) error {
	id := e.Record.Id
	if id == "" || e.Auth == nil || e.Auth.Collection().Name != UsersCollection {
		return e.Next()
	}
	stored, err := storedResend(e.App, e.Record.Collection().Name, id, field, e.Auth.Id)
	if err != nil {
		return err
	}
	if stored == nil {
		err = e.Next()
		if err == nil || e.App.IsTransactional() {
			// NB! in a batch, e.Next() runs the batch's later requests:
			// its error may be theirs
			return err
		}
		// a copy of this create that raced it may have won
		stored, _ = storedResend(e.App, e.Record.Collection().Name, id, field, e.Auth.Id)
		if stored == nil {
			return err
		}
	}
	if err := apis.EnrichRecord(e.RequestEvent, stored); err != nil {
		return fmt.Errorf("answering the resend of %s %s: %w", stored.Collection().Name, id, err)
	}
	return e.JSON(http.StatusOK, stored)
}

// storedResend returns the record of collection with id when author
// wrote it (its field holds author), else nil.
func storedResend(app core.App, collection, id, field, author string) (*core.Record, error) {
	found, err := app.FindRecordById(collection, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("looking up %s %s for a resend: %w", collection, id, err)
	}
	if found.GetString(field) != author {
		return nil, nil
	}
	return found, nil
}
