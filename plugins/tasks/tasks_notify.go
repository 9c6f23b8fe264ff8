package tasks

import (
	"database/sql"
	"errors"
	"fmt"

	"buurtplein/hooks"
	"buurtplein/plugins/notify"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// aboutTask is the subject of a notification about the task with id.
func aboutTask(id string) notify.Subject {
	return notify.Subject{Collection: TasksCollection, Id: id}
}

// aboutShift is the subject of a notification about several offers of
// sender at once (a shift handover): the sender.
func aboutShift(sender string) notify.Subject {
	return notify.Subject{Collection: hooks.UsersCollection, Id: sender}
}

// notifyAssigned tells the assignee, unless they assigned it themselves.
func notifyAssigned(app core.App, task *core.Record, actor string) error {
	assignee := task.GetString("assignee")
	if assignee == "" || assignee == actor {
		return nil
	}
	return notify.Notify(app, notify.Notification{
		User:    assignee,
		Kind:    notify.KindTaskAssigned,
		Subject: aboutTask(task.Id),
		Sender:  actor,
		Params:  map[string]any{"title": task.GetString("title")},
	})
}

// notifyHandedOver tells the previous assignee of task that by (a
// coordinator, or IT) gave it to someone else: directly, or through an
// offer by that someone else that was accepted. Who gives their own task
// away needs no telling, and taking a task back to the team is no
// handover.
func notifyHandedOver(app core.App, old, task *core.Record, by string) error {
	previous, assignee := old.GetString("assignee"), task.GetString("assignee")
	if previous == "" || assignee == "" || previous == assignee || previous == by {
		return nil
	}
	return notify.Notify(app, notify.Notification{
		User:    previous,
		Kind:    notify.KindTaskHandedOver,
		Subject: aboutTask(task.Id),
		Sender:  by,
		Params: map[string]any{
			"actor": notify.ActorName(app, by), "title": task.GetString("title"), "assignee": notify.ActorName(app, assignee),
		},
	})
}

// notifyOffer tells the receiver (every member, for a team) about an offer
// of t's task, or, when count > 1, about a shift handover of count tasks
// from the same sender. Offering the same task again updates the open
// notification rather than adding one; a shift handover keeps one per
// sender and receiver.
func notifyOffer(app core.App, t *core.Record, count int) error {
	from := t.GetString("from_user")
	n := notify.Notification{
		Kind:    notify.KindHandoverOffered,
		Subject: aboutTask(t.GetString("task")),
		Sender:  from,
		Params:  map[string]any{"actor": notify.ActorName(app, from), "title": t.GetString("task_title")},
	}
	if count > 1 {
		n.Kind = notify.KindHandoverShift
		n.Subject = aboutShift(from)
		n.Params = map[string]any{"actor": notify.ActorName(app, from), "n": count}
	}

	receivers, err := receiversOf(app, t)
	if err != nil {
		return err
	}
	for _, r := range receivers {
		n.User = r
		if err := notify.Notify(app, n); err != nil {
			return err
		}
	}
	return nil
}

// offerClosed settles what the receivers were told about an offer that is
// no longer pending (answered, withdrawn or lapsed), for everyone it was
// offered to: when one member of a team answers, the other members'
// notifications are settled too. The summary of a shift handover is
// settled when none of its offers waits any more.
func offerClosed(app core.App, t *core.Record) error {
	from, toUser := t.GetString("from_user"), t.GetString("to_user")
	task := aboutTask(t.GetString("task"))
	err := notify.Settle(app, dbx.HashExp{
		"kind": string(notify.KindHandoverOffered), "subject": task.Id, "subject_collection": task.Collection, "sender": from,
	})
	if err != nil || toUser == "" {
		return err
	}
	pending, err := app.CountRecords(TransfersCollection, dbx.HashExp{"from_user": from, "to_user": toUser, "status": TransferPending})
	if err != nil {
		return fmt.Errorf("counting pending offers: %w", err)
	}
	if pending > 0 {
		return nil
	}
	shift := aboutShift(from)
	return notify.Settle(app, dbx.HashExp{
		"kind": string(notify.KindHandoverShift), "subject": shift.Id, "subject_collection": shift.Collection,
		"sender": from, "user": toUser,
	})
}

// notifyAnswer tells the sender of t who answered it, and how (kind).
func notifyAnswer(app core.App, t *core.Record, kind notify.Kind) error {
	actor := t.GetString("responded_by")
	return notify.Notify(app, notify.Notification{
		User:    t.GetString("from_user"),
		Kind:    kind,
		Subject: aboutTask(t.GetString("task")),
		Sender:  actor,
		Params:  map[string]any{"actor": notify.ActorName(app, actor), "title": t.GetString("task_title")},
	})
}

// notifyLapsed tells the receivers of offers that lapsed (the server ended
// them: the task was closed, or the sender or receiver left the team) that
// they need not answer. Several offers of one sender to one receiver that
// lapse at once (a shift handover, when the sender leaves) are one
// notification. The actor who made them lapse is not told.
func notifyLapsed(app core.App, offers []*core.Record, actor string) error {
	type pair struct{ receiver, sender string }
	lapsed := map[pair][]*core.Record{}
	var order []pair
	for _, t := range offers {
		receivers, err := receiversOf(app, t)
		if err != nil {
			return err
		}
		for _, r := range receivers {
			if r == actor {
				continue
			}
			p := pair{r, t.GetString("from_user")}
			if lapsed[p] == nil {
				order = append(order, p)
			}
			lapsed[p] = append(lapsed[p], t)
		}
	}
	for _, p := range order {
		ts := lapsed[p]
		n := notify.Notification{
			User:    p.receiver,
			Kind:    notify.KindHandoverLapsed,
			Subject: aboutTask(ts[0].GetString("task")),
			Sender:  p.sender,
			Params:  map[string]any{"actor": notify.ActorName(app, p.sender), "title": ts[0].GetString("task_title")},
		}
		if len(ts) > 1 {
			n.Kind = notify.KindHandoverShiftLapsed
			n.Subject = aboutShift(p.sender)
			n.Params = map[string]any{"actor": notify.ActorName(app, p.sender), "n": len(ts)}
		}
		if err := notify.Notify(app, n); err != nil {
			return err
		}
	}
	return nil
}

// receiversOf returns who an offer goes to: its colleague, or every
// member of its team.
func receiversOf(app core.App, t *core.Record) ([]string, error) {
	if toTeam := t.GetString("to_team"); toTeam != "" {
		return memberIds(app, toTeam)
	}
	return []string{t.GetString("to_user")}, nil
}

func memberIds(app core.App, teamId string) ([]string, error) {
	ids := []string{}
	err := app.DB().Select("user").From(hooks.MembershipsCollection).
		Where(dbx.HashExp{"team": teamId}).Column(&ids)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("members of %s: %w", teamId, err)
	}
	return ids, nil
}
