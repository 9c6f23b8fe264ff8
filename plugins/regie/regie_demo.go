package regie

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"buurtplein/hooks"

	"github.com/pocketbase/pocketbase/core"
)

// demoClient is a fictional client of a demo team and how far its case
// got: "melding", "gesprek" or "regie".
type demoClient struct {
	team, code, initials, neighbourhood, contact, author string
	birthYear                                            int
	step                                                 string
	overdueDays                                          int // calendar days the case has sat in its step, 0: it just got there
}

var demoClients = []demoClient{
	// the browser test moves HN-0001 from melding to gesprek
	{"haarlem-noord", "HN-0001", "J.B.", "Indische wijk", "phone", "anna@buurtplein.test", 1948, "melding", 0},
	{"haarlem-noord", "HN-0002", "M.d.V.", "Vondelkwartier", "visit", "bram@buurtplein.test", 1937, "gesprek", 0},
	{"haarlem-noord", "HN-0003", "A.K.", "Delftwijk", "relative", "anna@buurtplein.test", 1952, "regie", 0},
	{"haarlem-noord", "HN-0004", "P.S.", "Sinnevelt", "mail", "bram@buurtplein.test", 1960, "melding", 14},
	{"schalkwijk", "SW-0001", "R.E.", "Molenwijk", "phone", "carla@buurtplein.test", 1944, "melding", 0},
	{"schalkwijk", "SW-0002", "T.Y.", "Boerhaavewijk", "visit", "carla@buurtplein.test", 1958, "gesprek", 0},
}

// SeedDemo seeds fictional clients in the demo teams Haarlem-Noord
// (HN-0001…) and Schalkwijk (SW-0001…), at different steps: HN-0001 in
// melding with its referral, HN-0002 in gesprek, HN-0003 in regie with a
// plan (regisseur anna, two agreed actions that are tasks), HN-0004 in
// melding long past its deadline. A client whose code exists is left as
// it is.
func SeedDemo(app core.App) error {
	return app.RunInTransaction(func(txApp core.App) error {
		for _, d := range demoClients {
			if err := seedClient(txApp, d); err != nil {
				return fmt.Errorf("demo client %s: %w", d.code, err)
			}
		}
		return nil
	})
}

func seedClient(app core.App, d demoClient) error {
	_, err := app.FindFirstRecordByData(ClientsCollection, "code", d.code)
	if err == nil {
		return nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	team, err := app.FindFirstRecordByData(hooks.TeamsCollection, "slug", d.team)
	if err != nil {
		return fmt.Errorf("demo team %s: %w", d.team, err)
	}
	author, err := app.FindAuthRecordByEmail(hooks.UsersCollection, d.author)
	if err != nil {
		return fmt.Errorf("demo account %s: %w", d.author, err)
	}
	collection, err := app.FindCachedCollectionByNameOrId(ClientsCollection)
	if err != nil {
		return err
	}
	client := core.NewRecord(collection)
	client.Set("team", team.Id)
	client.Set("code", d.code)
	client.Set("initials", d.initials)
	client.Set("birth_year", d.birthYear)
	client.Set("neighbourhood", d.neighbourhood)
	client.Set("contact_preference", d.contact)
	client.Set("created_by", author.Id)
	if err := app.Save(client); err != nil {
		return err
	}

	if err := seedPart(app, ReferralsCollection, client, author.Id, map[string]any{
		"source": "gp", "urgency": "orange", "received": time.Now().AddDate(0, 0, -d.overdueDays-1).UTC(),
		"reason": "De huisarts maakt zich zorgen: woont alleen, eet slecht en mist afspraken.",
	}); err != nil {
		return err
	}
	if d.step == "melding" {
		return backdate(app, client, d.overdueDays)
	}
	if err := seedMove(app, client, "gesprek", author.Id); err != nil {
		return err
	}
	if d.step == "gesprek" {
		return nil
	}
	if err := seedPart(app, ConversationsCollection, client, author.Id, map[string]any{
		"date": time.Now().AddDate(0, 0, -2).UTC(), "participants": "Cliënt, dochter, wijkverpleegkundige",
		"notes":   "Kennismaking thuis. Hulp bij boodschappen en medicatie gewenst.",
		"outcome": "Plan maken met de dochter.",
	}); err != nil {
		return err
	}
	if err := seedMove(app, client, "regie", author.Id); err != nil {
		return err
	}
	anna, err := app.FindAuthRecordByEmail(hooks.UsersCollection, "anna@buurtplein.test")
	if err != nil {
		return err
	}
	bram, err := app.FindAuthRecordByEmail(hooks.UsersCollection, "bram@buurtplein.test")
	if err != nil {
		return err
	}
	return seedPart(app, PlansCollection, client, author.Id, map[string]any{
		"goals":     "Zelfstandig thuis blijven wonen, met hulp bij boodschappen en medicatie.",
		"regisseur": anna.Id,
		"actions": []Action{
			{Text: "Aanvraag boodschappendienst indienen", Assignee: bram.Id, Due: time.Now().AddDate(0, 0, 7).Format(time.DateOnly)},
			{Text: "Medicatierol afstemmen met de apotheek", Assignee: anna.Id, Due: time.Now().AddDate(0, 0, 3).Format(time.DateOnly)},
		},
		"review_date": time.Now().AddDate(0, 1, 0).UTC(),
	})
}

// seedPart saves a referral, conversation or plan of client.
func seedPart(app core.App, collectionName string, client *core.Record, author string, fields map[string]any) error {
	collection, err := app.FindCachedCollectionByNameOrId(collectionName)
	if err != nil {
		return err
	}
	record := core.NewRecord(collection)
	record.Set("client", client.Id)
	record.Set("author", author)
	for k, v := range fields {
		record.Set(k, v)
	}
	return app.Save(record)
}

// seedMove moves client's case forward to step.
func seedMove(app core.App, client *core.Record, step, actor string) error {
	collection, err := app.FindCachedCollectionByNameOrId(StepsCollection)
	if err != nil {
		return err
	}
	move := core.NewRecord(collection)
	move.Set("client", client.Id)
	move.Set("kind", StepForward)
	move.Set("to", step)
	move.Set("actor", actor)
	return app.Save(move)
}

// backdate puts client's case days calendar days back in its step, so it
// is past its deadline.
func backdate(app core.App, client *core.Record, days int) error {
	if days == 0 {
		return nil
	}
	template, err := TemplateOf(app, client.GetString("team"))
	if err != nil {
		return err
	}
	client, err = app.FindRecordById(ClientsCollection, client.Id)
	if err != nil {
		return err
	}
	since := time.Now().AddDate(0, 0, -days)
	setStep(client, template.Step(client.GetString("step")), since)
	return app.Save(client)
}
