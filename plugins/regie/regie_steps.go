package regie

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"time"

	"buurtplein/hooks"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// The lengths of a step's text answers.
const (
	maxTextAnswer     = 1000
	maxTextareaAnswer = 5000
)

// formCollections are the collections of the record each form asks for.
var formCollections = map[string]string{
	FormReferral:     ReferralsCollection,
	FormConversation: ConversationsCollection,
	FormPlan:         PlansCollection,
}

// bindSteps binds the moves of a case: a case_steps record created, on
// any path (the record API, a batch, Go code), is checked against the
// team's template and moves the client's case in the same transaction.
func (p *plugin) bindSteps() {
	p.app.OnRecordCreateRequest(StepsCollection).BindFunc(func(e *core.RecordRequestEvent) error {
		if e.Record.GetString("kind") == StepStart {
			return hooks.Err(http.StatusBadRequest, "regie_step_kind", hooks.Params{"kind": StepStart},
				"Een zaak begint vanzelf, met de cliënt; kies verder, terug, afsluiten of heropenen.")
		}
		e.Record.Set("actor", userOf(e.RequestEvent))
		return e.Next()
	})
	p.app.OnRecordCreate(StepsCollection).BindFunc(func(e *core.RecordEvent) error {
		if e.Record.GetString("kind") == StepStart {
			return e.Next() // written by openCase, with the client
		}
		return inTransaction(e, func(txApp core.App) error {
			client, err := txApp.FindRecordById(ClientsCollection, e.Record.GetString("client"))
			if err != nil {
				return hooks.Err(http.StatusBadRequest, "regie_client_not_found", nil,
					"Deze cliënt bestaat niet (meer), of hij hoort bij een ander team.")
			}
			if err := moveCase(txApp, client, e.Record); err != nil {
				return err
			}
			if err := e.Next(); err != nil {
				return err
			}
			if err := txApp.Save(client); err != nil {
				return fmt.Errorf("moving the case of client %s: %w", client.Id, err)
			}
			return nil
		})
	})
}

// moveCase checks move (a new case_steps record) against the case of
// client and the team's template, fills in its from and team, and sets the
// client's fields to where the case goes; the caller saves both.
func moveCase(app core.App, client, move *core.Record) error {
	template, err := TemplateOf(app, client.GetString("team"))
	if err != nil {
		return err
	}
	from := client.GetString("step")
	kind := move.GetString("kind")
	// a move sent with the step its sender saw is refused when a colleague
	// moved the case meanwhile: it was meant for another step
	if sent := move.GetString("from"); sent != "" && sent != from {
		return hooks.Err(http.StatusConflict, "regie_step_moved", hooks.Params{"step": from},
			fmt.Sprintf("De zaak is intussen verplaatst naar %q: bekijk hem opnieuw.", from))
	}
	move.Set("from", from)
	move.Set("team", client.GetString("team"))

	current := template.Step(from)
	if current == nil {
		return hooks.Err(http.StatusBadRequest, "regie_step_unknown", hooks.Params{"step": from},
			fmt.Sprintf("De stap %q bestaat niet meer in de werkwijze van het team.", from))
	}
	closed := client.GetString("status") == StatusClosed
	if closed && kind != StepReopen {
		return hooks.Err(http.StatusBadRequest, "regie_case_closed", nil,
			"Deze zaak is afgesloten: heropen hem eerst.")
	}

	now := time.Now()
	switch kind {
	case StepForward:
		to := template.Step(move.GetString("to"))
		if to == nil || !slices.Contains(current.Next, to.Key) {
			return notAllowed(from, move.GetString("to"))
		}
		if err := checkForm(app, client.Id, current.Form); err != nil {
			return err
		}
		if err := checkAnswers(current, move); err != nil {
			return err
		}
		setStep(client, to, now)
	case StepBack:
		to := template.Step(move.GetString("to"))
		if to == nil || !slices.Contains(current.Back, to.Key) {
			return notAllowed(from, move.GetString("to"))
		}
		if move.GetString("reason") == "" {
			return hooks.Err(http.StatusBadRequest, "regie_step_reason_required", nil,
				"Zeg waarom de zaak een stap terug gaat.")
		}
		move.Set("answers", nil)
		setStep(client, to, now)
	case StepClose:
		if !current.IsEnd() {
			return hooks.Err(http.StatusBadRequest, "regie_step_not_end", hooks.Params{"step": current.Name},
				fmt.Sprintf("Een zaak sluit je af in een laatste stap, niet in %q.", current.Name))
		}
		if err := checkAnswers(current, move); err != nil {
			return err
		}
		move.Set("to", "")
		client.Set("status", StatusClosed)
		client.Set("step_due", "")
	case StepReopen:
		if !closed {
			return hooks.Err(http.StatusBadRequest, "regie_case_not_closed", nil,
				"Alleen een afgesloten zaak kun je heropenen.")
		}
		move.Set("to", from)
		move.Set("answers", nil)
		client.Set("status", StatusOpen)
		setStep(client, current, now)
	default:
		return hooks.Err(http.StatusBadRequest, "regie_step_kind", hooks.Params{"kind": kind},
			"Een zaak gaat verder, terug, wordt afgesloten of heropend.")
	}
	client.Set("overdue_step", "")
	return nil
}

func notAllowed(from, to string) error {
	return hooks.Err(http.StatusBadRequest, "regie_step_not_allowed", hooks.Params{"from": from, "to": to},
		fmt.Sprintf("Van de stap %q gaat een zaak niet naar %q: de werkwijze van het team staat dat niet toe.", from, to))
}

// checkForm refuses to leave a step before the record it asks for exists
// for the client.
func checkForm(app core.App, clientId, form string) error {
	collection, ok := formCollections[form]
	if !ok {
		return nil
	}
	var n int
	err := app.DB().Select("count(*)").From(collection).Where(dbx.HashExp{"client": clientId}).Row(&n)
	if err != nil {
		return fmt.Errorf("the %s of client %s: %w", form, clientId, err)
	}
	if n == 0 {
		return hooks.Err(http.StatusBadRequest, "regie_step_form_missing", hooks.Params{"form": form},
			"Deze stap vraagt eerst om een "+formNames[form]+" van de cliënt.")
	}
	return nil
}

// formNames are the Dutch names of the forms, for the messages.
var formNames = map[string]string{
	FormReferral:     "melding",
	FormConversation: "gesprek",
	FormPlan:         "plan",
}

// checkAnswers holds the answers of move to the fields of the step it
// leaves: no unknown key, every required one, each of its type.
func checkAnswers(step *Step, move *core.Record) error {
	answers := map[string]any{}
	if raw := rawJSON(move.GetRaw("answers")); len(raw) > 0 && string(raw) != "null" {
		if err := json.Unmarshal(raw, &answers); err != nil {
			return hooks.Err(http.StatusBadRequest, "regie_step_answers_invalid", nil,
				"De antwoorden zijn een object met per veld van de stap een antwoord.")
		}
	}
	for key := range answers {
		if !slices.ContainsFunc(step.Fields, func(f StepField) bool { return f.Key == key }) {
			return hooks.Err(http.StatusBadRequest, "regie_step_field_unknown", hooks.Params{"field": key, "step": step.Name},
				fmt.Sprintf("De stap %q heeft geen veld %q.", step.Name, key))
		}
	}
	for _, f := range step.Fields {
		value, given := answers[f.Key]
		if !given || value == nil || value == "" {
			if f.Required {
				return hooks.Err(http.StatusBadRequest, "regie_step_field_required", hooks.Params{"field": f.Label},
					fmt.Sprintf("Vul %q in voor de zaak verder gaat.", f.Label))
			}
			continue
		}
		if !validAnswer(f, value) {
			return hooks.Err(http.StatusBadRequest, "regie_step_field_invalid", hooks.Params{"field": f.Label},
				fmt.Sprintf("Het antwoord op %q past niet bij het veld.", f.Label))
		}
	}
	return nil
}

// validAnswer reports whether value answers a field of its type.
func validAnswer(f StepField, value any) bool {
	switch f.Type {
	case FieldText, FieldTextarea:
		s, ok := value.(string)
		limit := maxTextAnswer
		if f.Type == FieldTextarea {
			limit = maxTextareaAnswer
		}
		return ok && len([]rune(s)) <= limit
	case FieldDate:
		s, ok := value.(string)
		if !ok {
			return false
		}
		_, err := time.Parse(time.DateOnly, s)
		return err == nil
	case FieldNumber:
		n, ok := value.(float64)
		return ok && !math.IsInf(n, 0) && !math.IsNaN(n)
	case FieldChoice:
		s, ok := value.(string)
		return ok && slices.Contains(f.Options, s)
	case FieldYesNo:
		_, ok := value.(bool)
		return ok
	}
	return false
}
