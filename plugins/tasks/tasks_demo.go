package tasks

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"buurtplein/hooks"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

type demoTask struct {
	team, title, description, assignee, creator, status, priority, repeat string
	dueInDays                                                             int
	handoverTo                                                            string // a pending offer to this demo account
}

var demoTasks = []demoTask{
	{"haarlem-noord", "Wondzorg mevrouw K.", "Verband verwisselen volgens het nieuwe protocol.", "bram@buurtplein.test", "anna@buurtplein.test", StatusOpen, "high", "", 1, "anna@buurtplein.test"},
	{"haarlem-noord", "Medicatierol bestellen", "Voor meneer D., apotheek Zijlweg.", "", "anna@buurtplein.test", StatusOpen, "normal", "", 3, ""},
	{"haarlem-noord", "Weekoverleg voorbereiden", "Agenda rondsturen en notulen van vorige week nalopen.", "anna@buurtplein.test", "anna@buurtplein.test", StatusOpen, "normal", "weekly", 4, ""},
	{"haarlem-noord", "Sleutelkastje controleren", "", "dirk@buurtplein.test", "bram@buurtplein.test", StatusInProgress, "low", "", -1, ""},
	{"schalkwijk", "Intake nieuwe cliënt", "Eerste gesprek plannen met de familie.", "carla@buurtplein.test", "carla@buurtplein.test", StatusOpen, "high", "", 2, ""},
	{"schalkwijk", "Hulpmiddelen retour", "Rollator ophalen en terugbrengen naar de uitleen.", "", "dirk@buurtplein.test", StatusOpen, "normal", "", 5, ""},
	{"heemstede", "Inwerkplan Sanne", "Eerste twee weken meelopen inplannen.", "eva@buurtplein.test", "eva@buurtplein.test", StatusOpen, "normal", "", 7, ""},
	{"bob", "Posters griepprik drukken", "Oplage 200, A3.", "bo@buurtplein.test", "bo@buurtplein.test", StatusOpen, "normal", "", 10, ""},
}

// demoDue is the due moment of a demo task dueInDays from now: a date
// without a time, which the app stores as 23:59 Amsterdam time on that day
// (overdue only once the day is over), as a task form does.
func demoDue(now time.Time, dueInDays int) time.Time {
	y, m, d := now.In(localTime).AddDate(0, 0, dueInDays).Date()
	return time.Date(y, m, d, 23, 59, 0, 0, localTime)
}

// SeedDemo adds demo tasks to every team of the demo organisation, with a
// weekly recurring task and a pending handover to anna. A task whose title
// its team already has is not added again.
func SeedDemo(app core.App) error {
	return app.RunInTransaction(func(txApp core.App) error {
		for _, d := range demoTasks {
			if err := seedTask(txApp, d); err != nil {
				return err
			}
		}
		return nil
	})
}

func seedTask(app core.App, d demoTask) error {
	team, err := app.FindFirstRecordByData(hooks.TeamsCollection, "slug", d.team)
	if err != nil {
		return fmt.Errorf("demo team %s: %w", d.team, err)
	}
	_, err = app.FindFirstRecordByFilter(TasksCollection, "team = {:team} && title = {:title}",
		dbx.Params{"team": team.Id, "title": d.title})
	if err == nil {
		return nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("looking up demo task %q: %w", d.title, err)
	}

	collection, err := app.FindCollectionByNameOrId(TasksCollection)
	if err != nil {
		return err
	}
	task := core.NewRecord(collection)
	task.Set("team", team.Id)
	task.Set("title", d.title)
	task.Set("description", d.description)
	task.Set("status", d.status)
	task.Set("priority", d.priority)
	task.Set("repeat", d.repeat)
	task.Set("due", demoDue(time.Now(), d.dueInDays))
	task.Set("created_by", userId(app, d.creator))
	if d.assignee != "" {
		task.Set("assignee", userId(app, d.assignee))
	}
	if err := app.Save(task); err != nil {
		return fmt.Errorf("creating demo task %q: %w", d.title, err)
	}
	if err := taskCreated(app, task, task.GetString("created_by")); err != nil {
		return err
	}

	if d.handoverTo == "" {
		return nil
	}
	transfers, err := app.FindCollectionByNameOrId(TransfersCollection)
	if err != nil {
		return err
	}
	offer := core.NewRecord(transfers)
	offer.Set("task", task.Id)
	offer.Set("from_user", task.GetString("assignee"))
	offer.Set("to_user", userId(app, d.handoverTo))
	offer.Set("note", "Ik ben morgen vrij; kun jij dit overnemen?")
	if err := app.Save(offer); err != nil {
		return fmt.Errorf("creating the demo handover: %w", err)
	}
	if err := transferOffered(app, offer); err != nil {
		return err
	}
	return notifyOffer(app, offer, 1)
}

// userId returns the id of a demo account, or "" when it is missing (the
// save then names the empty field).
func userId(app core.App, email string) string {
	u, err := app.FindAuthRecordByEmail(hooks.UsersCollection, email)
	if err != nil {
		return ""
	}
	return u.Id
}
