package bob

import (
	"fmt"
	"net/http"
	"slices"
	"sync"

	"buurtplein/hooks"
	"buurtplein/plugins/notify"
	"buurtplein/plugins/search"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// The statuses of a question.
const (
	StatusNew        = "new"
	StatusInProgress = "in_progress"
	StatusWaiting    = "waiting"
	StatusAnswered   = "answered"
	StatusClosed     = "closed"
)

// serverFields are the fields of a question a client sets none of on
// create: the server starts every question as new and unassigned, and
// writes serverOnly itself (a client never changes them). Status and
// assignee then follow the table of [mayMove] and BOB's hand.
var (
	serverOnly   = []string{"first_response", "closed", "flagged", "wiki_page"}
	serverFields = append([]string{"status", "assignee"}, serverOnly...)
)

// actors are the records a request is saving, with the id of the employee
// who saves them ("" for a superuser), for the model hooks that notify:
// the key is the record itself, so only the save that stored it finds it.
var actors sync.Map

// bindQuestions binds the questions desk: questions, replies and internal
// notes, saved replies, the response-time check and the answer that
// becomes a wiki page.
func (p *plugin) bindQuestions() error {
	p.config.WorkingHours = p.config.WorkingHours.orDefault()
	if p.config.SLASchedule == "" {
		p.config.SLASchedule = "*/5 * * * *"
	}

	person := []string{"name", "avatar"}
	hooks.PublishTo(p.app, QuestionsCollection, hooks.Topics{Of: teamAndBOB("team"), Expand: map[string][]string{
		"asker": person, "assignee": person, "team": {"name", "slug"},
	}})
	hooks.PublishTo(p.app, RepliesCollection, hooks.Topics{Of: replyTopics, Expand: map[string][]string{"author": person}})
	hooks.PublishTo(p.app, SavedRepliesCollection, hooks.Topics{Of: func(app core.App, _ *core.Record) ([]string, error) {
		return bobTopics(app)
	}, Expand: map[string][]string{"created_by": person}})

	p.bindQuestionHooks()
	p.bindReplyHooks()
	p.bindSavedReplyHooks()

	// the search plugin comes before this one in the registry
	for _, k := range searchKinds {
		if err := search.AddKind(p.app, k); err != nil {
			return fmt.Errorf("bob: %w", err)
		}
	}

	p.app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		g := se.Router.Group("/api/buurtplein/questions")
		g.Bind(apis.RequireAuth(hooks.UsersCollection))
		g.POST("/{id}/wiki", p.wikiRoute)
		return se.Next()
	})

	p.bindSLA()
	return nil
}

func (p *plugin) bindQuestionHooks() {
	p.app.OnRecordValidate(QuestionsCollection).BindFunc(validateQuestion)

	p.app.OnRecordCreateRequest(QuestionsCollection).BindFunc(func(e *core.RecordRequestEvent) error {
		if !superuserRequest(e.RequestEvent) {
			for _, field := range serverFields {
				if v := e.Record.GetString(field); v != "" && !(field == "status" && v == StatusNew) {
					return serverFieldError(field)
				}
			}
			e.Record.Set("status", StatusNew)
		}
		return withActor(e)
	})
	p.app.OnRecordUpdateRequest(QuestionsCollection).BindFunc(func(e *core.RecordRequestEvent) error {
		if actor := requestActor(e.RequestEvent); actor != "" {
			if err := checkQuestionChange(e.App, e.Record.Original(), e.Record, actor); err != nil {
				return err
			}
		}
		return withActor(e)
	})

	p.app.OnRecordCreate(QuestionsCollection).BindFunc(func(e *core.RecordEvent) error {
		return writeWith(e, func(txApp core.App) error {
			return notifyAssigned(txApp, nil, e.Record)
		})
	})
	p.app.OnRecordUpdate(QuestionsCollection).BindFunc(func(e *core.RecordEvent) error {
		old := e.Record.Original()
		return writeWith(e, func(txApp core.App) error {
			return notifyAssigned(txApp, old, e.Record)
		})
	})
	// a question goes only with its team (IT deletes it): the
	// notifications about it would point at nothing
	p.app.OnRecordDelete(QuestionsCollection).BindFunc(func(e *core.RecordEvent) error {
		return writeWith(e, func(txApp core.App) error {
			return notify.Withdraw(txApp, dbx.HashExp{"subject": e.Record.Id, "subject_collection": QuestionsCollection})
		})
	})
}

// withActor notes who saves the request's record, for the model hooks,
// for the rest of the request.
func withActor(e *core.RecordRequestEvent) error {
	actors.Store(e.Record, requestActor(e.RequestEvent))
	defer actors.Delete(e.Record)
	return e.Next()
}

// actorFor returns who saves record through a request, or "" (Go code, a
// superuser).
func actorFor(record *core.Record) string {
	id, _ := actors.Load(record)
	s, _ := id.(string)
	return s
}

// writeWith writes e's record and runs then in one transaction with
// it: the record and what follows from it land together or not at all.
func writeWith(e *core.RecordEvent, then func(txApp core.App) error) error {
	app := e.App
	err := app.RunInTransaction(func(txApp core.App) error {
		e.App = txApp
		if err := e.Next(); err != nil {
			return err
		}
		return then(txApp)
	})
	// NB! PocketBase runs the record's success hooks (realtime among them)
	// on the event's app once this returns: the app, not the transaction
	e.App = app
	return err
}

// validateQuestion keeps the invariants of a question on every save,
// whoever makes it (a request, the dashboard, Go code): a status (new
// by default), closed set exactly while the status is closed (the time it
// was closed; reopening clears it), a first response that is never taken
// back, and an assignee who is BOB staff.
func validateQuestion(e *core.RecordEvent) error {
	q := e.Record
	old := q.Original()
	if q.GetString("status") == "" {
		q.Set("status", StatusNew)
	}
	switch {
	case q.GetString("status") != StatusClosed:
		q.Set("closed", "")
	case q.GetString("closed") == "" || (!q.IsNew() && old.GetString("status") != StatusClosed):
		q.Set("closed", types.NowDateTime())
	}
	if !q.IsNew() && q.GetString("first_response") == "" {
		q.Set("first_response", old.Get("first_response"))
	}
	if assignee := q.GetString("assignee"); assignee != "" && (q.IsNew() || assignee != old.GetString("assignee")) {
		staff, err := hooks.IsBOBStaff(e.App, assignee)
		if err != nil {
			return err
		}
		if !staff {
			return hooks.FieldError("assignee", "bob_assignee_not_staff",
				"Een vraag kan alleen aan een medewerker van BOB worden toegewezen.")
		}
	}
	return e.Next()
}

// checkQuestionChange holds a change of a question by the employee actor
// to who may make it: the server's fields stay the server's, BOB staff
// change the rest (status and assignee too), the asking team only closes
// its question (see [mayMove]). The update rule has already limited
// actor to the asking team and BOB; the rule runs after this hook, so
// someone outside both gets the rule's answer, not a hint from here.
func checkQuestionChange(app core.App, old, q *core.Record, actor string) error {
	staff, err := hooks.IsBOBStaff(app, actor)
	if err != nil {
		return err
	}
	if !staff {
		member, err := hooks.IsMember(app, actor, old.GetString("team"))
		if err != nil {
			return err
		}
		if !member {
			return nil // the rule refuses it
		}
	}
	for _, field := range serverOnly {
		if q.GetString(field) != old.GetString(field) {
			return serverFieldError(field)
		}
	}
	from, to := old.GetString("status"), q.GetString("status")
	if from != to && !mayMove(from, to, staff) {
		return hooks.Err(http.StatusForbidden, "bob_question_status_forbidden", hooks.Params{"from": from, "to": to},
			fmt.Sprintf("Je kunt de status van deze vraag niet van %q naar %q zetten: het team dat de vraag stelde kan een vraag alleen sluiten, BOB doet de rest.", from, to))
	}
	if staff {
		return nil
	}
	if q.GetString("assignee") != old.GetString("assignee") {
		return hooks.Err(http.StatusForbidden, "bob_question_assign_forbidden", nil,
			"Alleen BOB wijst een vraag toe aan een medewerker.")
	}
	for _, field := range []string{"category", "subject", "body", "attachments"} {
		if fmt.Sprint(q.Get(field)) != fmt.Sprint(old.Get(field)) {
			return hooks.Err(http.StatusForbidden, "bob_question_field_forbidden", hooks.Params{"field": field},
				"Een gestelde vraag verandert alleen BOB nog; voeg wat je wilt aanvullen toe als reactie.")
		}
	}
	return nil
}

// mayMove reports whether a question's status may go from one to another
// (two different statuses), by BOB staff (staff) or by a member of the
// asking team:
//
//	by            from                                       to
//	BOB staff     any                                        any other (reopening a closed one too)
//	asking team   new, in_progress, waiting, answered        closed
//	asking team   closed                                     nothing (a reply asks BOB again)
//
// No one else changes a question (the update rule). A reply moves the
// status too, as the server's own change (see [replyAdded]).
func mayMove(from, to string, staff bool) bool {
	if staff {
		return true
	}
	return to == StatusClosed && from != StatusClosed
}

// serverFieldError is the answer to a client that sets a field only the
// server writes.
func serverFieldError(field string) error {
	return hooks.Err(http.StatusBadRequest, "bob_question_server_field", hooks.Params{"field": field},
		fmt.Sprintf("Het veld %q van een vraag zet Buurtplein zelf; stuur het niet mee.", field))
}

// notifyAssigned tells a question's new assignee, unless they took it
// themselves. old is nil for a new question.
func notifyAssigned(app core.App, old, q *core.Record) error {
	assignee := q.GetString("assignee")
	if assignee == "" || (old != nil && old.GetString("assignee") == assignee) {
		return nil
	}
	actor := actorFor(q)
	if assignee == actor {
		return nil
	}
	return notify.Notify(app, notify.Notification{
		User:    assignee,
		Kind:    notify.KindQuestionAssigned,
		Subject: aboutQuestion(q.Id),
		Sender:  actor,
		Params:  map[string]any{"title": q.GetString("subject")},
	})
}

// aboutQuestion is the subject of a notification about the question id.
func aboutQuestion(id string) notify.Subject {
	return notify.Subject{Collection: QuestionsCollection, Id: id}
}

// requestActor returns the id of the signed-in employee behind a request, or ""
// for a superuser (IT).
func requestActor(e *core.RequestEvent) string {
	if e.Auth == nil || e.Auth.Collection().Name != hooks.UsersCollection {
		return ""
	}
	return e.Auth.Id
}

// superuserRequest reports whether a request is a superuser's (IT's, in the
// dashboard): the rules and the table do not bind them.
func superuserRequest(e *core.RequestEvent) bool {
	return e.Auth != nil && e.Auth.IsSuperuser()
}

// bobStaffIds returns the ids of every BOB staff member.
func bobStaffIds(app core.App) ([]string, error) {
	var ids []string
	err := app.DB().NewQuery(`SELECT DISTINCT m.[[user]] FROM {{memberships}} m
		JOIN {{teams}} t ON t.id = m.team WHERE t.kind = {:kind}`).
		Bind(dbx.Params{"kind": hooks.TeamKindBOB}).Column(&ids)
	if err != nil {
		return nil, fmt.Errorf("BOB staff: %w", err)
	}
	return slices.Compact(ids), nil
}
