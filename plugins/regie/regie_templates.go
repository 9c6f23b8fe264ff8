package regie

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"

	"buurtplein/hooks"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// The forms a step asks for before a case leaves it forward.
const (
	FormReferral     = "referral"
	FormConversation = "conversation"
	FormPlan         = "plan"
	FormNone         = "none"
)

// The types of a step's own fields.
const (
	FieldText     = "text"
	FieldTextarea = "textarea"
	FieldDate     = "date"
	FieldNumber   = "number"
	FieldChoice   = "choice"
	FieldYesNo    = "yesno"
)

// The bounds of a template.
const (
	maxSteps        = 20
	maxStepFields   = 20
	maxOptions      = 20
	maxDeadlineDays = 60
	maxStepName     = 60
	maxFieldLabel   = 100
	maxOptionLength = 100
)

// DefaultSteps is the template a new buurtteam starts with: melding,
// gesprek, regie (as the migration gave the teams there were).
const DefaultSteps = `[` +
	`{"key":"melding","name":"Melding","form":"referral","deadline_days":2,"fields":[],"next":["gesprek"],"back":[]},` +
	`{"key":"gesprek","name":"Gesprek","form":"conversation","deadline_days":5,"fields":[],"next":["regie"],"back":["melding"]},` +
	`{"key":"regie","name":"Regie","form":"plan","deadline_days":10,"fields":[],"next":[],"back":["gesprek"]}` +
	`]`

// defaultTemplateName is the name of [DefaultSteps].
const defaultTemplateName = "Melding, gesprek, regie"

// keyPattern is what a step's or a field's key looks like.
var keyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// Step is one step of a team's process.
type Step struct {
	Key          string      `json:"key"`
	Name         string      `json:"name"`
	Form         string      `json:"form"`
	DeadlineDays int         `json:"deadline_days"`
	Fields       []StepField `json:"fields"`
	Next         []string    `json:"next"`
	Back         []string    `json:"back"`
}

// StepField is a question a step asks, answered when a case leaves it.
type StepField struct {
	Key      string   `json:"key"`
	Label    string   `json:"label"`
	Type     string   `json:"type"`
	Required bool     `json:"required"`
	Options  []string `json:"options"`
}

// IsEnd reports whether a case may be closed in s: it goes on nowhere.
func (s *Step) IsEnd() bool { return len(s.Next) == 0 }

// Template is a team's process: its steps in order, the first the start.
type Template []Step

// Step returns the step with key, or nil.
func (t Template) Step(key string) *Step {
	for i := range t {
		if t[i].Key == key {
			return &t[i]
		}
	}
	return nil
}

func (p *plugin) bindTemplates() {
	// a new buurtteam gets its template with it, in the same transaction
	p.app.OnRecordCreate(hooks.TeamsCollection).BindFunc(func(e *core.RecordEvent) error {
		return inTransaction(e, func(txApp core.App) error {
			if err := e.Next(); err != nil {
				return err
			}
			if e.Record.GetString("kind") != hooks.TeamKindBuurtteam {
				return nil
			}
			return EnsureTemplate(txApp, e.Record.Id)
		})
	})

	// and so does a team that becomes one
	p.app.OnRecordUpdate(hooks.TeamsCollection).BindFunc(func(e *core.RecordEvent) error {
		return inTransaction(e, func(txApp core.App) error {
			if err := e.Next(); err != nil {
				return err
			}
			if e.Record.GetString("kind") != hooks.TeamKindBuurtteam {
				return nil
			}
			return EnsureTemplate(txApp, e.Record.Id)
		})
	})

	p.app.OnRecordValidate(TemplatesCollection).BindFunc(func(e *core.RecordEvent) error {
		if err := validateTemplateRecord(e.App, e.Record); err != nil {
			return err
		}
		return e.Next()
	})

	p.app.OnRecordUpdateRequest(TemplatesCollection).BindFunc(func(e *core.RecordRequestEvent) error {
		if actor := userOf(e.RequestEvent); actor != "" {
			e.Record.Set("updated_by", actor)
		} else {
			e.Record.Set("updated_by", e.Record.Original().Get("updated_by"))
		}
		return e.Next()
	})
}

// EnsureTemplate gives teamId the default template unless it has one.
func EnsureTemplate(app core.App, teamId string) error {
	var n int
	err := app.DB().Select("count(*)").From(TemplatesCollection).Where(dbx.HashExp{"team": teamId}).Row(&n)
	if err != nil {
		return fmt.Errorf("looking up the template of team %s: %w", teamId, err)
	}
	if n > 0 {
		return nil
	}
	collection, err := app.FindCachedCollectionByNameOrId(TemplatesCollection)
	if err != nil {
		return err
	}
	template := core.NewRecord(collection)
	template.Set("team", teamId)
	template.Set("name", defaultTemplateName)
	template.Set("steps", DefaultSteps)
	if err := app.Save(template); err != nil {
		return fmt.Errorf("making the template of team %s: %w", teamId, err)
	}
	return nil
}

// TemplateOf returns the steps of teamId's template.
func TemplateOf(app core.App, teamId string) (Template, error) {
	record, err := app.FindFirstRecordByData(TemplatesCollection, "team", teamId)
	if err != nil {
		return nil, fmt.Errorf("the template of team %s: %w", teamId, err)
	}
	return parseSteps(record)
}

// parseSteps reads the steps of a template record.
func parseSteps(record *core.Record) (Template, error) {
	var steps Template
	if err := json.Unmarshal(rawJSON(record.GetRaw("steps")), &steps); err != nil {
		return nil, err
	}
	return steps, nil
}

// rawJSON returns the bytes of a JSON field's value.
func rawJSON(v any) []byte {
	switch raw := v.(type) {
	case types.JSONRaw:
		return raw
	case string:
		return []byte(raw)
	case []byte:
		return raw
	case nil:
		return nil
	default:
		b, _ := json.Marshal(raw)
		return b
	}
}

// validateTemplateRecord holds a template to the rules of a process on
// every path: a valid list of steps, its team fixed, and no step removed
// while open cases sit in it.
func validateTemplateRecord(app core.App, record *core.Record) error {
	if !record.IsNew() && record.GetString("team") != record.Original().GetString("team") {
		return hooks.Err(http.StatusBadRequest, "regie_template_team_fixed", nil,
			"Het team van een werkwijze verandert niet.")
	}
	steps, err := parseSteps(record)
	if err != nil {
		return hooks.Err(http.StatusBadRequest, "regie_template_invalid", nil,
			"De stappen zijn geen lijst van stappen met key, name, form, deadline_days, fields, next en back.")
	}
	if err := ValidateTemplate(steps); err != nil {
		return err
	}
	if record.IsNew() {
		return nil
	}
	return checkStepsInUse(app, record.GetString("team"), steps)
}

// ValidateTemplate checks the steps of a template: their number and
// shape, that every next and back names a step, that every step can be
// reached from the first and that from every step an end step can be
// reached going forward. Each error is a 400 with its own code.
func ValidateTemplate(steps Template) error {
	if len(steps) < 1 || len(steps) > maxSteps {
		return hooks.Err(http.StatusBadRequest, "regie_template_steps", hooks.Params{"min": 1, "max": maxSteps},
			fmt.Sprintf("Een werkwijze heeft 1 tot %d stappen.", maxSteps))
	}
	seen := map[string]bool{}
	for i := range steps {
		if err := validateStep(&steps[i]); err != nil {
			return err
		}
		if seen[steps[i].Key] {
			return hooks.Err(http.StatusBadRequest, "regie_template_step_duplicate", hooks.Params{"step": steps[i].Key},
				fmt.Sprintf("De stap %q komt twee keer voor.", steps[i].Key))
		}
		seen[steps[i].Key] = true
	}
	for _, s := range steps {
		for _, to := range slices.Concat(s.Next, s.Back) {
			if !seen[to] {
				return hooks.Err(http.StatusBadRequest, "regie_template_step_unknown", hooks.Params{"step": s.Key, "to": to},
					fmt.Sprintf("De stap %q verwijst naar %q, een stap die niet bestaat.", s.Key, to))
			}
		}
	}
	reached := reachable(steps, []string{steps[0].Key}, func(s *Step) []string { return slices.Concat(s.Next, s.Back) })
	for _, s := range steps {
		if !reached[s.Key] {
			return hooks.Err(http.StatusBadRequest, "regie_template_unreachable", hooks.Params{"step": s.Name},
				fmt.Sprintf("De stap %q is vanaf de eerste stap niet te bereiken.", s.Name))
		}
	}
	for _, s := range steps {
		ends := reachable(steps, []string{s.Key}, func(s *Step) []string { return s.Next })
		if !slices.ContainsFunc(steps, func(o Step) bool { return ends[o.Key] && o.IsEnd() }) {
			return hooks.Err(http.StatusBadRequest, "regie_template_no_end", hooks.Params{"step": s.Name},
				fmt.Sprintf("Vanaf de stap %q komt een zaak nooit bij een laatste stap: de stappen vormen een kring zonder einde.", s.Name))
		}
	}
	return nil
}

// reachable returns the keys of the steps reached from start along edges.
func reachable(steps Template, start []string, edges func(*Step) []string) map[string]bool {
	reached := map[string]bool{}
	queue := slices.Clone(start)
	for len(queue) > 0 {
		key := queue[0]
		queue = queue[1:]
		if reached[key] {
			continue
		}
		reached[key] = true
		if s := steps.Step(key); s != nil {
			queue = append(queue, edges(s)...)
		}
	}
	return reached
}

func validateStep(s *Step) error {
	params := hooks.Params{"step": s.Key}
	switch {
	case !keyPattern.MatchString(s.Key):
		return hooks.Err(http.StatusBadRequest, "regie_template_step_key", params,
			"De sleutel van een stap begint met een kleine letter en heeft alleen kleine letters, cijfers en _ (ten hoogste 40).")
	case len([]rune(s.Name)) < 1 || len([]rune(s.Name)) > maxStepName:
		return hooks.Err(http.StatusBadRequest, "regie_template_step_name", hooks.Params{"step": s.Key, "max": maxStepName},
			fmt.Sprintf("De naam van de stap %q is 1 tot %d tekens lang.", s.Key, maxStepName))
	case !slices.Contains([]string{FormReferral, FormConversation, FormPlan, FormNone}, s.Form):
		return hooks.Err(http.StatusBadRequest, "regie_template_step_form", params,
			fmt.Sprintf("De stap %q vraagt om een melding, een gesprek, een plan of niets.", s.Key))
	case s.DeadlineDays < 0 || s.DeadlineDays > maxDeadlineDays:
		return hooks.Err(http.StatusBadRequest, "regie_template_step_deadline", hooks.Params{"step": s.Key, "max": maxDeadlineDays},
			fmt.Sprintf("De termijn van de stap %q is 0 tot %d werkdagen.", s.Key, maxDeadlineDays))
	case len(s.Fields) > maxStepFields:
		return hooks.Err(http.StatusBadRequest, "regie_template_fields", hooks.Params{"step": s.Key, "max": maxStepFields},
			fmt.Sprintf("De stap %q heeft ten hoogste %d velden.", s.Key, maxStepFields))
	}
	keys := map[string]bool{}
	for _, f := range s.Fields {
		if err := validateStepField(s.Key, f); err != nil {
			return err
		}
		if keys[f.Key] {
			return hooks.Err(http.StatusBadRequest, "regie_template_field_duplicate", hooks.Params{"step": s.Key, "field": f.Key},
				fmt.Sprintf("Het veld %q komt twee keer voor in de stap %q.", f.Key, s.Key))
		}
		keys[f.Key] = true
	}
	return nil
}

func validateStepField(step string, f StepField) error {
	params := hooks.Params{"step": step, "field": f.Key}
	switch {
	case !keyPattern.MatchString(f.Key):
		return hooks.Err(http.StatusBadRequest, "regie_template_field_key", params,
			fmt.Sprintf("De sleutel van een veld van de stap %q begint met een kleine letter en heeft alleen kleine letters, cijfers en _.", step))
	case len([]rune(f.Label)) < 1 || len([]rune(f.Label)) > maxFieldLabel:
		return hooks.Err(http.StatusBadRequest, "regie_template_field_label", hooks.Params{"step": step, "field": f.Key, "max": maxFieldLabel},
			fmt.Sprintf("Het veld %q van de stap %q heeft een label van 1 tot %d tekens.", f.Key, step, maxFieldLabel))
	case !slices.Contains([]string{FieldText, FieldTextarea, FieldDate, FieldNumber, FieldChoice, FieldYesNo}, f.Type):
		return hooks.Err(http.StatusBadRequest, "regie_template_field_type", params,
			fmt.Sprintf("Het veld %q van de stap %q is tekst, lange tekst, datum, getal, keuze of ja/nee.", f.Key, step))
	case f.Type == FieldChoice && (len(f.Options) < 1 || len(f.Options) > maxOptions):
		return hooks.Err(http.StatusBadRequest, "regie_template_field_options", hooks.Params{"step": step, "field": f.Key, "min": 1, "max": maxOptions},
			fmt.Sprintf("Het keuzeveld %q van de stap %q heeft 1 tot %d keuzes.", f.Key, step, maxOptions))
	case f.Type != FieldChoice && len(f.Options) > 0:
		return hooks.Err(http.StatusBadRequest, "regie_template_field_options", hooks.Params{"step": step, "field": f.Key, "min": 1, "max": maxOptions},
			fmt.Sprintf("Alleen een keuzeveld heeft keuzes (het veld %q van de stap %q).", f.Key, step))
	}
	for _, o := range f.Options {
		if len([]rune(o)) < 1 || len([]rune(o)) > maxOptionLength {
			return hooks.Err(http.StatusBadRequest, "regie_template_field_options", hooks.Params{"step": step, "field": f.Key, "min": 1, "max": maxOptions},
				fmt.Sprintf("Elke keuze van het veld %q is 1 tot %d tekens lang.", f.Key, maxOptionLength))
		}
	}
	return nil
}

// checkStepsInUse refuses a template without a step in which open cases of
// the team sit: they would be nowhere.
func checkStepsInUse(app core.App, teamId string, steps Template) error {
	type row struct {
		Step  string `db:"step"`
		Count int    `db:"n"`
	}
	var rows []row
	err := app.DB().Select("step", "count(*) AS n").From(ClientsCollection).
		Where(dbx.HashExp{"team": teamId, "status": StatusOpen}).
		GroupBy("step").OrderBy("step").All(&rows)
	if err != nil {
		return fmt.Errorf("the steps in use of team %s: %w", teamId, err)
	}
	for _, r := range rows {
		if steps.Step(r.Step) == nil {
			return hooks.Err(http.StatusBadRequest, "regie_template_step_in_use", hooks.Params{"step": r.Step, "count": r.Count},
				fmt.Sprintf("In de stap %q staan nog %d open zaken: zet ze eerst in een andere stap.", r.Step, r.Count))
		}
	}
	return nil
}

// userOf returns the id of the signed-in employee behind a request, or ""
// for a superuser or no one.
func userOf(e *core.RequestEvent) string {
	if e == nil || e.Auth == nil || e.Auth.Collection().Name != hooks.UsersCollection {
		return ""
	}
	return e.Auth.Id
}
