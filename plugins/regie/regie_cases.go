package regie

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"buurtplein/hooks"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// serverFields are the fields of a client only the server writes: where
// the case is, since when, until when, whether it is open, whether the
// regisseur was told it is overdue, and who opened it. A case moves
// through case_steps alone.
var serverFields = []string{"step", "step_since", "step_due", "status", "overdue_step", "created_by"}

// bindCases binds the hooks of a client's case: its creation with its
// first step, the server's fields kept out of a request's hands, and the
// parts of the case (referrals, conversations, plans) on the client's
// team; the moves of a case are in regie_steps.go.
func (p *plugin) bindCases() {
	p.app.OnRecordCreateRequest(ClientsCollection).BindFunc(func(e *core.RecordRequestEvent) error {
		if err := refuseServerFields(e.Record, nil); err != nil {
			return err
		}
		e.Record.Set("created_by", userOf(e.RequestEvent))
		return e.Next()
	})
	p.app.OnRecordUpdateRequest(ClientsCollection).BindFunc(func(e *core.RecordRequestEvent) error {
		if err := refuseServerFields(e.Record, e.Record.Original()); err != nil {
			return err
		}
		return e.Next()
	})
	p.app.OnRecordCreate(ClientsCollection).BindFunc(func(e *core.RecordEvent) error {
		return inTransaction(e, func(txApp core.App) error {
			return openCase(txApp, e.Record, e.Next)
		})
	})
	p.app.OnRecordValidate(ClientsCollection).BindFunc(func(e *core.RecordEvent) error {
		if !e.Record.IsNew() && e.Record.GetString("team") != e.Record.Original().GetString("team") {
			return hooks.Err(http.StatusBadRequest, "regie_client_team_fixed", nil,
				"Een cliënt blijft bij het team waar de zaak begon.")
		}
		return e.Next()
	})

	for _, part := range []string{ReferralsCollection, ConversationsCollection, PlansCollection} {
		p.app.OnRecordCreateRequest(part).BindFunc(func(e *core.RecordRequestEvent) error {
			e.Record.Set("author", userOf(e.RequestEvent))
			return e.Next()
		})
		p.app.OnRecordUpdateRequest(part).BindFunc(func(e *core.RecordRequestEvent) error {
			e.Record.Set("author", e.Record.Original().Get("author"))
			return e.Next()
		})
	}
	for _, part := range []string{ReferralsCollection, ConversationsCollection, PlansCollection, StepsCollection} {
		p.app.OnRecordValidate(part).BindFunc(func(e *core.RecordEvent) error {
			if err := setTeamOfClient(e.App, e.Record); err != nil {
				return err
			}
			return e.Next()
		})
	}

	p.bindSteps()
}

// inTransaction runs fn in one transaction around the write of a record
// (fn calls e.Next), so that what must land with it lands with it or not
// at all.
func inTransaction(e *core.RecordEvent, fn func(txApp core.App) error) error {
	app := e.App
	err := app.RunInTransaction(func(txApp core.App) error {
		e.App = txApp
		return fn(txApp)
	})
	// NB! PocketBase runs the record's success hooks (realtime among them)
	// on the event's app once this returns: the app, not the transaction
	// that has ended by then
	e.App = app
	return err
}

// refuseServerFields refuses a request that sets one of the server's
// fields of a client: to a value on create (old is nil), to another value
// on update (the dashboard sends the fields as they are).
func refuseServerFields(client, old *core.Record) error {
	for _, field := range serverFields {
		value := client.GetString(field)
		if old != nil && value == old.GetString(field) || old == nil && value == "" {
			continue
		}
		return hooks.Err(http.StatusBadRequest, "regie_server_field", hooks.Params{"field": field},
			fmt.Sprintf("Het veld %q van een cliënt vult Buurtplein zelf in: een zaak gaat verder met een stap.", field))
	}
	return nil
}

// setTeamOfClient gives a part of a case the team of its client.
func setTeamOfClient(app core.App, record *core.Record) error {
	clientId := record.GetString("client")
	if clientId == "" {
		return nil // the save names the missing client
	}
	var team string
	err := app.DB().Select("team").From(ClientsCollection).Where(dbx.HashExp{"id": clientId}).Row(&team)
	if errors.Is(err, sql.ErrNoRows) {
		return hooks.Err(http.StatusBadRequest, "regie_client_not_found", nil,
			"Deze cliënt bestaat niet (meer), of hij hoort bij een ander team.")
	}
	if err != nil {
		return fmt.Errorf("the team of client %s: %w", clientId, err)
	}
	record.Set("team", team)
	return nil
}

// openCase gives a new client its code (when it has none), its case on
// the first step of the team's template and the case's start, with write
// (the client's own row) in between.
func openCase(app core.App, client *core.Record, write func() error) error {
	team, err := buurtteam(app, client.GetString("team"))
	if err != nil {
		return err
	}
	template, err := TemplateOf(app, team.Id)
	if err != nil {
		return err
	}
	if client.GetString("code") == "" {
		code, err := nextCode(app, team)
		if err != nil {
			return err
		}
		client.Set("code", code)
	}
	first := &template[0]
	now := time.Now()
	client.Set("status", StatusOpen)
	client.Set("overdue_step", "")
	setStep(client, first, now)
	if err := write(); err != nil {
		return err
	}
	return addStep(app, client, StepStart, "", first.Key, client.GetString("created_by"))
}

// setStep puts client's case in step, since now, with the step's deadline.
func setStep(client *core.Record, step *Step, now time.Time) {
	client.Set("step", step.Key)
	client.Set("step_since", now.UTC())
	if due := AddWorkingDays(now, step.DeadlineDays); due.IsZero() {
		client.Set("step_due", "")
	} else {
		client.Set("step_due", due)
	}
}

// addStep writes a line of a case's history the server makes itself.
func addStep(app core.App, client *core.Record, kind, from, to, actor string) error {
	collection, err := app.FindCachedCollectionByNameOrId(StepsCollection)
	if err != nil {
		return err
	}
	step := core.NewRecord(collection)
	step.Set("client", client.Id)
	step.Set("team", client.GetString("team"))
	step.Set("kind", kind)
	step.Set("from", from)
	step.Set("to", to)
	step.Set("actor", actor)
	if err := app.Save(step); err != nil {
		return fmt.Errorf("the %s of the case of client %s: %w", kind, client.Id, err)
	}
	return nil
}

// buurtteam returns the team teamId, refusing a team that is not a
// buurtteam: only buurtteams have clients.
func buurtteam(app core.App, teamId string) (*core.Record, error) {
	team, err := app.FindRecordById(hooks.TeamsCollection, teamId)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, hooks.Err(http.StatusBadRequest, "regie_team_kind", nil,
			"Alleen een buurtteam heeft cliënten.")
	}
	if err != nil {
		return nil, fmt.Errorf("team %s: %w", teamId, err)
	}
	if team.GetString("kind") != hooks.TeamKindBuurtteam {
		return nil, hooks.Err(http.StatusBadRequest, "regie_team_kind", nil,
			"Alleen een buurtteam heeft cliënten.")
	}
	return team, nil
}

// nextCode returns the next free code of team: the letters its clients'
// codes start with (or, for its first client, the initials of its name,
// "HN" for Buurtteam Haarlem-Noord), a dash and the next number.
func nextCode(app core.App, team *core.Record) (string, error) {
	var last string
	err := app.DB().Select("code").From(ClientsCollection).
		Where(dbx.HashExp{"team": team.Id}).
		AndWhere(dbx.NewExp("code GLOB '[A-Z][A-Z]-[0-9]*'")).
		OrderBy("created DESC", "code DESC").Limit(1).Row(&last)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("the codes of team %s: %w", team.Id, err)
	}
	prefix := teamInitials(team.GetString("name"))
	if last != "" {
		prefix = last[:2]
	}
	var numbers []string
	err = app.DB().Select("substr(code, 4)").From(ClientsCollection).
		Where(dbx.Like("code", prefix+"-").Match(false, true)).
		Column(&numbers)
	if err != nil {
		return "", fmt.Errorf("the codes %s-…: %w", prefix, err)
	}
	highest := 0
	for _, n := range numbers {
		if v, err := strconv.Atoi(n); err == nil && v > highest {
			highest = v
		}
	}
	return fmt.Sprintf("%s-%04d", prefix, highest+1), nil
}

// teamInitials returns two capitals for a team's name: the initials of its
// first two words without "Buurtteam" ("Haarlem-Noord" → "HN"), or the
// first two letters of a one-word name ("Heemstede" → "HE").
func teamInitials(name string) string {
	var words [][]rune
	for _, w := range strings.FieldsFunc(strings.ToUpper(name), func(r rune) bool { return r < 'A' || r > 'Z' }) {
		if w != "BUURTTEAM" {
			words = append(words, []rune(w))
		}
	}
	switch {
	case len(words) >= 2:
		return string([]rune{words[0][0], words[1][0]})
	case len(words) == 1 && len(words[0]) >= 2:
		return string(words[0][:2])
	}
	return "CL"
}
