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
	stored, err := storedResend(e, id, field)
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
		stored, _ = storedResend(e, id, field)
		if stored == nil {
			return err
		}
	}
	if err := apis.EnrichRecord(e.RequestEvent, stored); err != nil {
		return fmt.Errorf("answering the resend of %s %s: %w", stored.Collection().Name, id, err)
	}
	return e.JSON(http.StatusOK, stored)
}

// storedResend returns the record of e's collection with id when the
// signed-in employee wrote it (its field holds them) and may still see it
// (its view rule), else nil: a writer who lost access to what they wrote
// is not shown it again through a resend.
func storedResend(e *core.RecordRequestEvent, id, field string) (*core.Record, error) {
	collection := e.Record.Collection()
	found, err := e.App.FindRecordById(collection, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("looking up %s %s for a resend: %w", collection.Name, id, err)
	}
	if found.GetString(field) != e.Auth.Id {
		return nil, nil
	}
	info, err := e.RequestInfo()
	if err != nil {
		return nil, fmt.Errorf("the request of a resend of %s %s: %w", collection.Name, id, err)
	}
	visible, err := e.App.CanAccessRecord(found, info, collection.ViewRule)
	if err != nil || !visible {
		return nil, err
	}
	return found, nil
}
