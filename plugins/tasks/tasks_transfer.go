package tasks

import (
	"fmt"
	"net/http"
	"slices"

	"buurtplein/hooks"
	"buurtplein/plugins/notify"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// transferResponseFields may change after an offer is made: everything else
// about it (task, parties, copied task details) is fixed, and who answered
// and when the server writes itself (transferServerFields).
var transferResponseFields = []string{"status", "note", "updated"}

// transferServerFields are written by the server alone: a client that
// sends them, on any path (record API, batch, upsert), gets a 400.
var transferServerFields = []string{"responded_by", "responded_at", "task_title", "task_due"}

func (p *plugin) bindTransferHooks() {
	p.app.OnRecordValidate(TransfersCollection).BindFunc(p.validateTransfer)

	p.app.OnRecordCreateRequest(TransfersCollection).BindFunc(func(e *core.RecordRequestEvent) error {
		if err := checkServerFields(e.Record, nil); err != nil {
			return err
		}
		if err := checkSender(e); err != nil {
			return err
		}
		release, err := p.offers.take(actorOf(e.RequestEvent))
		if err != nil {
			return err
		}
		// NB! PocketBase runs the rest of a batch inside e.Next()
		err = p.requestWrite(e)
		if err != nil {
			release() // no offer made: refused, or rolled back with its batch
		}
		return err
	})
	p.app.OnRecordCreate(TransfersCollection).BindFunc(func(e *core.RecordEvent) error {
		return p.inWrite(e, func(txApp core.App, _ *core.RecordRequestEvent, write func() error) error {
			if err := write(); err != nil {
				return err
			}
			if err := transferOffered(txApp, e.Record); err != nil {
				return err
			}
			// a later request of a batch that withdraws the offer takes
			// this notification back with it
			return notifyOffer(txApp, e.Record, 1)
		})
	})

	// an offer deleted while it waits (with its sender's account, or the
	// team offered it) settles its notifications, as a withdrawal
	p.app.OnRecordDelete(TransfersCollection).BindFunc(func(e *core.RecordEvent) error {
		return e.App.RunInTransaction(func(txApp core.App) error {
			e.App = txApp
			if err := e.Next(); err != nil {
				return err
			}
			if e.Record.GetString("status") != TransferPending {
				return nil
			}
			withdrawn := e.Record.Fresh()
			withdrawn.Set("status", TransferCancelled)
			return offerClosed(txApp, withdrawn)
		})
	})

	p.app.OnRecordUpdateRequest(TransfersCollection).BindFunc(p.requestWrite)
	p.app.OnRecordUpdate(TransfersCollection).BindFunc(func(e *core.RecordEvent) error {
		return p.inWrite(e, func(txApp core.App, req *core.RecordRequestEvent, write func() error) error {
			// NB! read the offer again inside the transaction: of two
			// colleagues answering at once, the second must see the first's
			// answer, not the state its request loaded
			current, err := txApp.FindRecordById(TransfersCollection, e.Record.Id)
			if err != nil {
				return err
			}
			if err := checkResponse(txApp, req, current); err != nil {
				return err
			}
			if err := write(); err != nil {
				return err
			}
			return transferAnswered(txApp, current, e.Record)
		})
	})
}

// checkServerFields refuses an offer whose server-written fields a client
// set or changed: a sender cannot make an offer that looks answered, nor
// dress it up with a title other than the task's. current is nil for a
// new offer.
func checkServerFields(t, current *core.Record) error {
	for _, field := range transferServerFields {
		changed := t.GetString(field) != ""
		if current != nil {
			changed = fmt.Sprint(t.Get(field)) != fmt.Sprint(current.Get(field))
		}
		if changed {
			return hooks.FieldError(field, "server_field", fmt.Sprintf(
				"Het veld %s van een overdracht vult de server zelf in; laat het weg.", field), hooks.Params{"field": field})
		}
	}
	return nil
}

// validateTransfer holds the rules of a new offer, on every path (record
// API, batch, the shift handover), and copies what the receiver needs to
// decide from the task.
func (p *plugin) validateTransfer(e *core.RecordEvent) error {
	t := e.Record
	if !t.IsNew() {
		return e.Next()
	}
	if t.GetString("status") == "" {
		t.Set("status", TransferPending)
	}

	task, err := e.App.FindRecordById(TasksCollection, t.GetString("task"))
	if err != nil {
		return hooks.FieldError("task", "not_found", "Deze taak bestaat niet (meer).")
	}
	switch task.GetString("status") {
	case StatusDone:
		return hooks.FieldError("task", "task_done", "Deze taak is al afgerond en kan niet worden overgedragen.")
	case StatusCancelled:
		return hooks.FieldError("task", "task_cancelled", "Deze taak is geannuleerd en kan niet worden overgedragen.")
	}

	if err := validateReceiver(e.App, t, task); err != nil {
		return err
	}

	pending, err := e.App.CountRecords(TransfersCollection, dbx.HashExp{"task": task.Id, "status": TransferPending})
	if err != nil {
		return fmt.Errorf("counting pending offers: %w", err)
	}
	if pending > 0 {
		return hooks.FieldError("task", "pending_exists", "Voor deze taak staat al een overdracht open. Wacht op het antwoord of trek dat aanbod eerst in.")
	}

	if err := p.checkPendingOffers(e.App, t.GetString("from_user")); err != nil {
		return err
	}

	t.Set("task_title", task.GetString("title"))
	t.Set("task_due", task.Get("due"))
	return e.Next()
}

// checkPendingOffers refuses a new offer of sender when MaxPendingOffers of
// theirs wait for an answer already: each of them stands as a notification
// with every receiver.
func (p *plugin) checkPendingOffers(app core.App, sender string) error {
	pending, err := app.CountRecords(TransfersCollection, dbx.HashExp{"from_user": sender, "status": TransferPending})
	if err != nil {
		return fmt.Errorf("counting pending offers of %s: %w", sender, err)
	}
	if int(pending) >= p.config.MaxPendingOffers {
		return hooks.FieldError("from_user", "too_many_pending", fmt.Sprintf(
			"Je hebt al %d aanbiedingen openstaan waarop nog geen antwoord is. Wacht op antwoorden of trek eerst een aanbod in.", pending),
			hooks.Params{"n": pending})
	}
	return nil
}

func validateReceiver(app core.App, t, task *core.Record) error {
	toUser, toTeam := t.GetString("to_user"), t.GetString("to_team")
	switch {
	case toUser == "" && toTeam == "":
		return hooks.FieldError("to_user", "required", "Kies een collega of een team om de taak aan over te dragen.")
	case toUser != "" && toTeam != "":
		return hooks.FieldError("to_team", "both", "Kies een collega óf een team, niet allebei.")
	case toUser != "":
		if toUser == t.GetString("from_user") {
			return hooks.FieldError("to_user", "self", "Je kunt een taak niet aan jezelf overdragen.")
		}
		member, err := hooks.IsMember(app, toUser, task.GetString("team"))
		if err != nil {
			return err
		}
		if !member {
			return hooks.FieldError("to_user", "not_member", "Deze collega is geen lid van het team van de taak. Draag de taak over aan het team van die collega.")
		}
	default:
		if toTeam == task.GetString("team") {
			return hooks.FieldError("to_team", "same_team", "De taak hoort al bij dit team.")
		}
		team, err := app.FindRecordById(hooks.TeamsCollection, toTeam)
		if err != nil || team.GetString("kind") != hooks.TeamKindBuurtteam {
			return hooks.FieldError("to_team", "not_buurtteam", "Een taak kan alleen naar een buurtteam.")
		}
	}
	return nil
}

// checkSender lets only the one who has the task, or a coordinator of its
// team, offer it; an open task (no assignee) any member may offer.
func checkSender(e *core.RecordRequestEvent) error {
	task, err := e.App.FindRecordById(TasksCollection, e.Record.GetString("task"))
	if err != nil {
		return nil // validateTransfer answers this
	}
	assignee, actor := task.GetString("assignee"), actorOf(e.RequestEvent)
	if assignee == "" || assignee == actor || actor == "" {
		return nil
	}
	coordinator, err := hooks.IsCoordinator(e.App, actor, task.GetString("team"))
	if err != nil {
		return err
	}
	if !coordinator {
		return hooks.FieldError("task", "not_yours", "Alleen wie de taak heeft, of een coördinator van het team, kan hem overdragen.")
	}
	return nil
}

// checkResponse lets the receiver accept or decline and the sender cancel
// or edit the note, and only while the offer is pending. It records who
// answered; nobody else writes that.
func checkResponse(app core.App, e *core.RecordRequestEvent, current *core.Record) error {
	if current.GetString("status") != TransferPending {
		return answeredError(app, current)
	}

	t := e.Record
	if err := checkServerFields(t, current); err != nil {
		return err
	}
	for _, field := range t.Collection().Fields.FieldNames() {
		if !slices.Contains(transferResponseFields, field) && fmt.Sprint(t.Get(field)) != fmt.Sprint(current.Get(field)) {
			return hooks.FieldError(field, "fixed", "Dit deel van een overdracht kan niet veranderen. Trek het aanbod in en doe een nieuw.")
		}
	}

	actor := actorOf(e.RequestEvent)
	sender := actor != "" && actor == current.GetString("from_user")
	// the note is the sender's word to the receiver: whoever answers
	// cannot put other words in the sender's mouth
	if t.GetString("note") != current.GetString("note") && !sender && actor != "" {
		return hooks.FieldError("note", "not_sender", "Alleen wie de taak aanbiedt kan de notitie bij het aanbod aanpassen.")
	}
	switch status := t.GetString("status"); status {
	case TransferAccepted, TransferDeclined:
		if sender {
			return hooks.FieldError("status", "own_offer", "Je kunt je eigen aanbod niet aannemen of weigeren.")
		}
		receiver, err := isReceiver(app, actor, current)
		if err != nil {
			return err
		}
		if !receiver {
			return hooks.FieldError("status", "not_receiver", "Alleen wie de taak krijgt aangeboden kan het aanbod aannemen of weigeren.")
		}
	case TransferCancelled, TransferPending:
		if !sender && actor != "" {
			return hooks.FieldError("status", "not_sender", "Alleen wie de taak aanbiedt kan het aanbod wijzigen of intrekken.")
		}
	}

	if t.GetString("status") == TransferPending {
		t.Set("responded_by", current.Get("responded_by"))
		t.Set("responded_at", current.Get("responded_at"))
	} else {
		t.Set("responded_by", actor)
		t.Set("responded_at", types.NowDateTime())
	}
	return nil
}

func isReceiver(app core.App, userId string, t *core.Record) (bool, error) {
	if userId == "" {
		return false, nil
	}
	if toUser := t.GetString("to_user"); toUser != "" {
		return toUser == userId, nil
	}
	return hooks.IsMember(app, userId, t.GetString("to_team"))
}

// answeredError says who already answered an offer, for the 409 of the
// colleague who came second.
func answeredError(app core.App, t *core.Record) error {
	u, err := app.FindRecordById(hooks.UsersCollection, t.GetString("responded_by"))
	if err != nil && t.GetString("status") != TransferCancelled {
		return hooks.Err(http.StatusConflict, "tasks_offer_answered", nil, "Deze overdracht is al afgehandeld door iemand anders.")
	}
	var who string
	var params hooks.Params
	if u != nil {
		who = u.GetString("name")
		params = hooks.Params{"name": who}
	}
	switch t.GetString("status") {
	case TransferAccepted:
		return hooks.Err(http.StatusConflict, "tasks_offer_accepted", params,
			fmt.Sprintf("Deze overdracht is al afgehandeld: %s heeft de taak aangenomen.", who))
	case TransferDeclined:
		return hooks.Err(http.StatusConflict, "tasks_offer_declined", params,
			fmt.Sprintf("Deze overdracht is al afgehandeld: %s heeft het aanbod geweigerd.", who))
	}
	return hooks.Err(http.StatusConflict, "tasks_offer_withdrawn", nil,
		"Deze overdracht is al afgehandeld: het aanbod is ingetrokken.")
}

// transferOffered writes the history line of a new offer.
func transferOffered(app core.App, t *core.Record) error {
	return recordEvent(app, t.GetString("task"), t.GetString("from_user"), "handover_offered", map[string]any{
		"transfer": t.Id, "to_user": t.GetString("to_user"), "to_team": t.GetString("to_team"), "note": t.GetString("note"),
	})
}

// transferAnswered carries out an answer: on accepted the task moves to the
// receiver (and for a team offer, to that team), and the history and the
// sender hear of it.
func transferAnswered(app core.App, before, t *core.Record) error {
	status := t.GetString("status")
	if status == before.GetString("status") {
		return nil // only the note changed
	}
	if err := offerClosed(app, t); err != nil {
		return err
	}
	actor := t.GetString("responded_by")
	taskId := t.GetString("task")
	details := map[string]any{"transfer": t.Id, "from_user": t.GetString("from_user"), "to_user": t.GetString("to_user"), "to_team": t.GetString("to_team")}

	switch status {
	case TransferAccepted:
		task, err := app.FindRecordById(TasksCollection, taskId)
		if err != nil {
			return err
		}
		old := task.Original()
		if toTeam := t.GetString("to_team"); toTeam != "" {
			task.Set("team", toTeam)
			task.Set("assignee", actor)
		} else {
			task.Set("assignee", t.GetString("to_user"))
		}
		if err := app.Save(task); err != nil {
			return fmt.Errorf("handing over task %s: %w", taskId, err)
		}
		if err := recordEvent(app, taskId, actor, "handover_accepted", details); err != nil {
			return err
		}
		if err := recordChanges(app, old, task, actor); err != nil {
			return err
		}
		if err := notifyHandedOver(app, old, task, t.GetString("from_user")); err != nil {
			return err
		}
		return notifyAnswer(app, t, notify.KindHandoverAccepted)
	case TransferDeclined:
		if err := recordEvent(app, taskId, actor, "handover_declined", details); err != nil {
			return err
		}
		return notifyAnswer(app, t, notify.KindHandoverDeclined)
	case TransferCancelled:
		return recordEvent(app, taskId, actor, "handover_cancelled", details)
	}
	return nil
}

// cancelPendingTransfers withdraws the pending offers matching where, with a
// history line giving reason (a Reason… code), and tells their receivers
// they lapsed.
func cancelPendingTransfers(app core.App, where dbx.Expression, actor, reason string) error {
	pending, err := app.FindAllRecords(TransfersCollection, where, dbx.HashExp{"status": TransferPending})
	if err != nil {
		return fmt.Errorf("finding pending offers: %w", err)
	}
	for _, t := range pending {
		t.Set("status", TransferCancelled)
		t.Set("responded_at", types.NowDateTime())
		if err := app.Save(t); err != nil {
			return fmt.Errorf("withdrawing offer %s: %w", t.Id, err)
		}
		if err := offerClosed(app, t); err != nil {
			return err
		}
		if err := recordEvent(app, t.GetString("task"), actor, "handover_cancelled", map[string]any{
			"transfer": t.Id, "reason": reason,
		}); err != nil {
			return err
		}
	}
	return notifyLapsed(app, pending, actor)
}
