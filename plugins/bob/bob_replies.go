package bob

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"

	"buurtplein/hooks"
	"buurtplein/plugins/notify"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Replies are written by their author (the create rule), never changed or
// deleted. What a reply does to its question is the server's change, in
// the reply's own transaction (a batch's, inside a batch request):
//
//   - a public reply by BOB staff sets the question's first_response (the
//     first one), moves it from new to in_progress and tells the asker;
//   - a reply by the asking team reopens a question that is waiting or
//     answered (in_progress again) and tells the assignee; to a closed
//     question the team cannot reply (it asks a new one);
//   - an internal note (BOB staff only) changes nothing of the question,
//     not even its updated time: the asking team sees no trace of it.

func (p *plugin) bindReplyHooks() {
	p.app.OnRecordValidate(RepliesCollection).BindFunc(func(e *core.RecordEvent) error {
		if !e.Record.IsNew() {
			return e.Next()
		}
		question, err := e.App.FindRecordById(QuestionsCollection, e.Record.GetString("question"))
		if errors.Is(err, sql.ErrNoRows) {
			return e.Next() // the relation's own validation answers
		}
		if err != nil {
			return err
		}
		if err := checkReply(e.App, question, e.Record); err != nil {
			return err
		}
		return e.Next()
	})

	p.app.OnRecordCreateRequest(RepliesCollection).BindFunc(func(e *core.RecordRequestEvent) error {
		actor := requestActor(e.RequestEvent)
		if actor == "" || e.Record.GetString("author") != actor {
			return e.Next() // a superuser, or one the rule refuses
		}
		question, err := e.App.FindRecordById(QuestionsCollection, e.Record.GetString("question"))
		if err != nil {
			return e.Next() // the rule and the relation's validation answer
		}
		staff, err := hooks.IsBOBStaff(e.App, actor)
		if err != nil {
			return err
		}
		if !staff {
			// someone outside the asking team learns nothing here
			member, err := hooks.IsMember(e.App, actor, question.GetString("team"))
			if err != nil || !member {
				if err != nil {
					return err
				}
				return e.Next()
			}
		}
		if err := checkReply(e.App, question, e.Record); err != nil {
			return err
		}
		return e.Next()
	})

	p.app.OnRecordCreate(RepliesCollection).BindFunc(func(e *core.RecordEvent) error {
		return writeWith(e, func(txApp core.App) error {
			return replyAdded(txApp, e.Record)
		})
	})
}

// checkReply refuses an internal note by someone outside BOB and a reply
// of the asking team to a closed question.
func checkReply(app core.App, question, reply *core.Record) error {
	staff, err := hooks.IsBOBStaff(app, reply.GetString("author"))
	if err != nil {
		return err
	}
	if staff {
		return nil
	}
	if reply.GetBool("internal") {
		return hooks.Err(http.StatusForbidden, "bob_reply_internal_forbidden", nil,
			"Alleen BOB schrijft interne notities bij een vraag.")
	}
	if question.GetString("status") == StatusClosed {
		return hooks.Err(http.StatusBadRequest, "bob_question_closed", nil,
			"Deze vraag is gesloten. Stel een nieuwe vraag als je nog iets wilt weten.")
	}
	return nil
}

// replyAdded does what a new reply does to its question (see above), in
// app, the reply's transaction.
func replyAdded(app core.App, reply *core.Record) error {
	if reply.GetBool("internal") {
		return nil
	}
	question, err := app.FindRecordById(QuestionsCollection, reply.GetString("question"))
	if err != nil {
		return fmt.Errorf("question of reply %s: %w", reply.Id, err)
	}
	author := reply.GetString("author")
	staff, err := hooks.IsBOBStaff(app, author)
	if err != nil {
		return err
	}

	n := notify.Notification{
		Subject: aboutQuestion(question.Id),
		Sender:  author,
		Params:  map[string]any{"actor": notify.ActorName(app, author), "title": question.GetString("subject")},
	}
	status := question.GetString("status")
	if staff {
		if question.GetString("first_response") == "" {
			question.Set("first_response", types.NowDateTime())
		}
		if status == StatusNew {
			question.Set("status", StatusInProgress)
		}
		n.User, n.Kind = question.GetString("asker"), notify.KindQuestionAnswered
	} else {
		if status == StatusWaiting || status == StatusAnswered {
			question.Set("status", StatusInProgress)
		}
		n.User, n.Kind = question.GetString("assignee"), notify.KindQuestionReplied
	}
	// saved in any case: the queue sorts on the last activity (updated)
	if err := app.Save(question); err != nil {
		return fmt.Errorf("question %s after a reply: %w", question.Id, err)
	}
	if n.User == author {
		return nil
	}
	return notify.Notify(app, n)
}

// replyTopics puts a public reply on its question's topics (the asking
// team's and BOB's) and an internal note on BOB's alone.
func replyTopics(app core.App, reply *core.Record) ([]string, error) {
	if reply.GetBool("internal") {
		return bobTopics(app)
	}
	return hooks.Via("question")(app, reply)
}
