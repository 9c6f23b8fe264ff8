package tasks

import (
	"errors"
	"fmt"
	"net/http"
	"slices"

	"buurtplein/hooks"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// distributeForm is the body of POST /api/buurtplein/tasks/distribute.
type distributeForm struct {
	Team    string   `json:"team"`
	Tasks   []string `json:"tasks"`
	Members []string `json:"members"`
}

func (f distributeForm) validate() error {
	return validation.ValidateStruct(&f,
		validation.Field(&f.Team, validation.Required.Error("Kies een team.")),
		validation.Field(&f.Tasks, validation.Required.Error("Kies de taken die je wilt verdelen."), validation.Length(1, 200).Error("Verdeel ten hoogste 200 taken tegelijk.")),
		validation.Field(&f.Members, validation.Required.Error("Kies de collega's over wie je de taken verdeelt."), validation.Length(1, 100).Error("Kies ten hoogste 100 collega's.")),
	)
}

// assignment is one task given to one member by distribute.
type assignment struct {
	Task     string `json:"task"`
	Assignee string `json:"assignee"`
}

// distribute ("verdelen") spreads open tasks without an assignee over the
// chosen members of their team: each task goes to the member with the
// fewest open tasks so far. All or nothing, in one transaction.
func (p *plugin) distribute(e *core.RequestEvent) error {
	var form distributeForm
	if err := e.BindBody(&form); err != nil {
		return hooks.Err(http.StatusBadRequest, "request_invalid_json", nil, "De aanvraag is geen geldige JSON.")
	}
	if err := form.validate(); err != nil {
		return badRequest(err, hooks.FormError("tasks_distribute_invalid", "Controleer de gekozen taken en collega's.", fieldsOf(err)))
	}

	actor := e.Auth.Id
	if member, err := hooks.IsMember(e.App, actor, form.Team); err != nil {
		return err
	} else if !member {
		return hooks.Err(http.StatusForbidden, "tasks_distribute_not_member", nil, "Je kunt alleen taken verdelen in je eigen team.")
	}

	var assigned []assignment
	err := e.App.RunInTransaction(func(txApp core.App) error {
		load, err := openLoad(txApp, form.Team, form.Members)
		if err != nil {
			return err
		}
		for _, id := range form.Tasks {
			task, err := txApp.FindRecordById(TasksCollection, id)
			if err != nil || task.GetString("team") != form.Team {
				return hooks.FieldError("tasks", "not_in_team", "Een van de taken hoort niet (meer) bij dit team.")
			}
			if task.GetString("assignee") != "" || task.GetString("status") != StatusOpen {
				return hooks.FieldError("tasks", "not_open", fmt.Sprintf("De taak %q is niet meer open voor het team; vernieuw de lijst.", task.GetString("title")),
					hooks.Params{"title": task.GetString("title")})
			}
			member := leastLoaded(form.Members, load)
			load[member]++

			old := task.Original()
			task.Set("assignee", member)
			if err := txApp.Save(task); err != nil {
				return err
			}
			if err := taskChanged(txApp, old, task, actor); err != nil {
				return err
			}
			assigned = append(assigned, assignment{Task: task.Id, Assignee: member})
		}
		return nil
	})
	if err != nil {
		return badRequest(err, hooks.FormError("tasks_distribute_failed", "De taken zijn niet verdeeld.", fieldsOf(err)))
	}

	return e.JSON(http.StatusOK, map[string]any{"assigned": assigned})
}

// openLoad counts the open tasks each member has in team, and checks that
// every one of them is in it.
func openLoad(app core.App, team string, members []string) (map[string]int, error) {
	load := map[string]int{}
	for _, m := range members {
		member, err := hooks.IsMember(app, m, team)
		if err != nil {
			return nil, err
		}
		if !member {
			return nil, hooks.FieldError("members", "not_member", "Een van de gekozen collega's is geen lid van dit team.")
		}
		n, err := app.CountRecords(TasksCollection,
			dbx.HashExp{"team": team, "assignee": m},
			dbx.In("status", StatusOpen, StatusInProgress),
		)
		if err != nil {
			return nil, fmt.Errorf("counting open tasks: %w", err)
		}
		load[m] = int(n)
	}
	return load, nil
}

// leastLoaded returns the member with the fewest open tasks, the first in
// the chosen order on a tie.
func leastLoaded(members []string, load map[string]int) string {
	return slices.MinFunc(members, func(a, b string) int { return load[a] - load[b] })
}

// handoverForm is the body of POST /api/buurtplein/tasks/handover.
type handoverForm struct {
	ToUser string `json:"to_user"`
	Note   string `json:"note"`
}

func (f handoverForm) validate() error {
	return validation.ValidateStruct(&f,
		validation.Field(&f.ToUser, validation.Required.Error("Kies de collega die je taken overneemt.")),
		validation.Field(&f.Note, validation.Length(0, 2000).Error("Een overdrachtsnotitie heeft ten hoogste 2000 tekens.")),
	)
}

// skipped is a task the shift handover did not offer, and why: the code
// and params of the refusal (the PWA's text), and its Dutch message.
type skipped struct {
	Task   string       `json:"task"`
	Title  string       `json:"title"`
	Reason string       `json:"reason"`
	Code   string       `json:"code"`
	Params hooks.Params `json:"params,omitempty"`
}

// handover ("overdracht") offers all of the caller's open tasks to one
// colleague at once, with one note: every task in a team they share. Tasks
// in other teams, or with an offer already pending, are listed as skipped.
func (p *plugin) handover(e *core.RequestEvent) error {
	var form handoverForm
	if err := e.BindBody(&form); err != nil {
		return hooks.Err(http.StatusBadRequest, "request_invalid_json", nil, "De aanvraag is geen geldige JSON.")
	}
	if err := form.validate(); err != nil {
		return badRequest(err, hooks.FormError("tasks_handover_invalid", "Controleer de overdracht.", fieldsOf(err)))
	}
	actor := e.Auth.Id
	if form.ToUser == actor {
		return hooks.FieldError("to_user", "self", "Je kunt je taken niet aan jezelf overdragen.")
	}
	// the whole handover is one notification, so it counts as one offer
	release, err := p.offers.take(actor)
	if err != nil {
		return err
	}

	offered := []string{}
	skips := []skipped{}
	err = e.App.RunInTransaction(func(txApp core.App) error {
		tasks, err := txApp.FindAllRecords(TasksCollection,
			dbx.HashExp{"assignee": actor}, dbx.In("status", StatusOpen, StatusInProgress))
		if err != nil {
			return err
		}
		transfers, err := txApp.FindCollectionByNameOrId(TransfersCollection)
		if err != nil {
			return err
		}

		var last *core.Record
		for _, task := range tasks {
			t := core.NewRecord(transfers)
			t.Set("task", task.Id)
			t.Set("from_user", actor)
			t.Set("to_user", form.ToUser)
			t.Set("note", form.Note)
			if err := txApp.Save(t); err != nil {
				code, params := hooks.CodeOf(err)
				skips = append(skips, skipped{Task: task.Id, Title: task.GetString("title"), Reason: reasonOf(err), Code: code, Params: params})
				continue
			}
			if err := transferOffered(txApp, t); err != nil {
				return err
			}
			offered = append(offered, t.Id)
			last = t
		}
		switch len(offered) {
		case 0:
			return nil
		case 1:
			return notifyOffer(txApp, last, 1)
		}
		// one summary per sender and receiver, counting what waits
		pending, err := txApp.CountRecords(TransfersCollection,
			dbx.HashExp{"from_user": actor, "to_user": form.ToUser, "status": TransferPending})
		if err != nil {
			return fmt.Errorf("counting pending offers: %w", err)
		}
		return notifyOffer(txApp, last, int(pending))
	})
	if err != nil || len(offered) == 0 {
		release()
	}
	if err != nil {
		return badRequest(err, hooks.FormError("tasks_handover_failed", "De overdracht is niet gelukt.", fieldsOf(err)))
	}

	return e.JSON(http.StatusOK, map[string]any{"offered": offered, "skipped": skips})
}

// reasonOf returns the message a person reads from a validation error.
func reasonOf(err error) string {
	var errs validation.Errors
	if errors.As(err, &errs) {
		for _, fieldErr := range errs {
			return fieldErr.Error()
		}
	}
	return err.Error()
}

// badRequest answers a failed check with its own error (a field error),
// or with form when err holds validation errors; anything else is a
// server error, not bad input.
func badRequest(err error, form *hooks.Error) error {
	var apiErr *router.ApiError
	if errors.As(err, &apiErr) {
		return apiErr
	}
	if fieldsOf(err) != nil {
		return form
	}
	return err
}

// fieldsOf returns the validation errors err holds, or nil.
func fieldsOf(err error) validation.Errors {
	var errs validation.Errors
	if errors.As(err, &errs) {
		return errs
	}
	return nil
}
