package bob

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"buurtplein/hooks"
	"buurtplein/plugins/notify"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// demoReply is a reply in a demo question's conversation, by the demo
// account author (its email's name).
type demoReply struct {
	author, body string
	internal     bool
}

type demoQuestion struct {
	team, asker, category, subject, body string
	replies                              []demoReply
	status, assignee                     string // after the replies; "" leaves what the replies made
	flagged                              bool
}

// demoQuestions are questions of several teams in every state of the
// desk: new, assigned with an internal note, answered, flagged, closed.
var demoQuestions = []demoQuestion{
	{team: "haarlem-noord", asker: "anna", category: "financien", subject: "Declaratie reiskosten scholing",
		body: "Hoe declareer ik de reiskosten van de scholing wondzorg in Utrecht? Het formulier vraagt een kostenplaats."},
	{team: "haarlem-noord", asker: "bram", category: "pr", subject: "Flyer voor de open dag",
		body: "We houden op 14 maart een open dag in het buurthuis. Kunnen jullie helpen met een flyer?",
		replies: []demoReply{
			{author: "bo", body: "Leuk! Bestel de flyer in de catalogus; ik kijk mee naar de tekst."},
			{author: "bo", internal: true, body: "Intern: het PR-budget van Haarlem-Noord is voor dit kwartaal bijna op; eerst met Anna afstemmen."},
		},
		status: StatusWaiting, assignee: "bo"},
	{team: "schalkwijk", asker: "carla", category: "planning", subject: "Rooster zomerperiode",
		body: "Hoe plannen andere teams de zomervakanties? Wij komen drie weken niet rond.",
		replies: []demoReply{
			{author: "bo", body: "Veel teams werken met een vakantiepot per week; in de wiki staat een voorbeeldrooster."},
		},
		status: StatusAnswered},
	{team: "schalkwijk", asker: "dirk", category: "ict", subject: "Tablet start niet meer op",
		body: "De teamtablet blijft hangen op het logo. Kan iemand ernaar kijken?", flagged: true},
	{team: "heemstede", asker: "eva", category: "communicatie", subject: "Nieuwsbrief voor de wijk",
		body: "Mogen wij zelf een nieuwsbrief rondbrengen met het logo van de organisatie?",
		replies: []demoReply{
			{author: "bo", body: "Ja, gebruik de huisstijl uit de wiki; stuur de tekst gerust eerst naar ons."},
			{author: "eva", body: "Dank je, dat doen we!"},
		},
		status: StatusClosed},
}

// demoSavedReplies are BOB's standard answers in the demo.
var demoSavedReplies = []struct{ title, category, body string }{
	{"Bestellen via de catalogus", "pr", "Drukwerk bestel je zelf in de catalogus van BOB: kies het product, vul de tekst in en vraag een proef aan. Wij zorgen voor de rest."},
	{"Declaraties", "financien", "Declaraties lopen via het declaratieformulier op de wiki; de kostenplaats van je team staat bovenaan de teampagina."},
	{"Wachtwoord vergeten", "ict", "Een nieuw wachtwoord vraag je aan op het inlogscherm met \"Wachtwoord vergeten\". Lukt het niet, bel dan de ICT-lijn."},
}

// seedQuestions seeds the demo questions and saved replies; a question
// whose subject its team already asked, and a saved reply whose title BOB
// already has, are not added again.
func seedQuestions(app core.App) error {
	return app.RunInTransaction(func(txApp core.App) error {
		for _, d := range demoQuestions {
			if err := seedQuestion(txApp, d); err != nil {
				return fmt.Errorf("demo question %q: %w", d.subject, err)
			}
		}
		return seedSavedReplies(txApp)
	})
}

func seedQuestion(app core.App, d demoQuestion) error {
	team, err := app.FindFirstRecordByData(hooks.TeamsCollection, "slug", d.team)
	if err != nil {
		return err
	}
	_, err = app.FindFirstRecordByFilter(QuestionsCollection, "team = {:team} && subject = {:subject}",
		dbx.Params{"team": team.Id, "subject": d.subject})
	if err == nil {
		return nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return err
	}

	q := core.NewRecord(deskCollection(app, QuestionsCollection))
	q.Set("team", team.Id)
	q.Set("asker", deskUser(app, d.asker))
	q.Set("category", d.category)
	q.Set("subject", d.subject)
	q.Set("body", d.body)
	if err := app.Save(q); err != nil {
		return err
	}
	for _, r := range d.replies {
		reply := core.NewRecord(deskCollection(app, RepliesCollection))
		reply.Set("question", q.Id)
		reply.Set("author", deskUser(app, r.author))
		reply.Set("body", r.body)
		reply.Set("internal", r.internal)
		if err := app.Save(reply); err != nil {
			return err
		}
	}
	if q, err = app.FindRecordById(QuestionsCollection, q.Id); err != nil {
		return err
	}
	if d.status != "" {
		q.Set("status", d.status)
	}
	if d.assignee != "" {
		q.Set("assignee", deskUser(app, d.assignee))
	}
	if d.flagged {
		q.Set("flagged", time.Now().UTC())
	}
	if err := app.Save(q); err != nil {
		return err
	}
	// the demo starts with no notifications about its questions: the
	// replies and the assignment above told the asker and bo, as if
	// they had happened just now
	return notify.Withdraw(app, dbx.HashExp{"subject": q.Id, "subject_collection": QuestionsCollection})
}

func seedSavedReplies(app core.App) error {
	bo := deskUser(app, "bo")
	for _, d := range demoSavedReplies {
		_, err := app.FindFirstRecordByData(SavedRepliesCollection, "title", d.title)
		if err == nil {
			continue
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		r := core.NewRecord(deskCollection(app, SavedRepliesCollection))
		r.Set("title", d.title)
		r.Set("category", d.category)
		r.Set("body", d.body)
		r.Set("created_by", bo)
		if err := app.Save(r); err != nil {
			return fmt.Errorf("demo saved reply %q: %w", d.title, err)
		}
	}
	return nil
}

// deskUser returns the id of the demo account name@buurtplein.test, or ""
// when it is missing.
func deskUser(app core.App, name string) string {
	u, err := app.FindAuthRecordByEmail(hooks.UsersCollection, name+"@buurtplein.test")
	if err != nil {
		return ""
	}
	return u.Id
}

func deskCollection(app core.App, name string) *core.Collection {
	c, err := app.FindCachedCollectionByNameOrId(name)
	if err != nil {
		panic(fmt.Sprintf("collection %s: %v", name, err))
	}
	return c
}
