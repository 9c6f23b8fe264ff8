package regie

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// exportLabel is a field of an exported record as the PDF shows it.
type exportLabel struct{ field, label string }

// The fields of each kind of record in the PDF, in the order shown.
var (
	clientLabels = []exportLabel{
		{"code", "Code"}, {"initials", "Initialen"}, {"birth_year", "Geboortejaar"},
		{"neighbourhood", "Wijk"}, {"contact_preference", "Contactvoorkeur"},
		{"contact_notes", "Over het contact"}, {"step", "Stap"}, {"step_since", "In deze stap sinds"},
		{"step_due", "Termijn van de stap"}, {"status", "Status"}, {"created_by", "Aangemaakt door"},
		{"created", "Aangemaakt"}, {"updated", "Laatst gewijzigd"},
	}
	referralLabels = []exportLabel{
		{"received", "Ontvangen"}, {"source", "Van"}, {"urgency", "Urgentie"},
		{"reason", "Reden"}, {"author", "Vastgelegd door"}, {"created", "Vastgelegd"},
	}
	conversationLabels = []exportLabel{
		{"date", "Datum"}, {"participants", "Deelnemers"}, {"notes", "Aantekeningen"},
		{"outcome", "Uitkomst"}, {"attachments", "Bijlagen"}, {"author", "Vastgelegd door"},
		{"created", "Vastgelegd"},
	}
	planLabels = []exportLabel{
		{"goals", "Doelen"}, {"regisseur", "Regisseur"}, {"review_date", "Evaluatie"},
		{"author", "Vastgelegd door"}, {"created", "Vastgelegd"}, {"updated", "Laatst gewijzigd"},
	}
)

// exportValues are the values of select fields in Dutch, by field.
var exportValues = map[string]map[string]string{
	"contact_preference": {"phone": "telefoon", "visit": "huisbezoek", "mail": "post", "relative": "via een naaste"},
	"status":             {"open": "open", "closed": "afgesloten", "in_progress": "bezig", "done": "klaar", "cancelled": "vervallen"},
	"source": {"gp": "huisarts", "hospital": "ziekenhuis", "client": "cliënt zelf", "carer": "mantelzorger",
		"social_team": "sociaal team", "municipality": "gemeente", "other": "anders"},
	"urgency": {"green": "groen", "orange": "oranje", "red": "rood"},
	"kind":    {"start": "start", "forward": "verder", "back": "terug", "close": "afgesloten", "reopen": "heropend"},
}

// PDF returns the export as a PDF a client can read: every record with
// its fields in Dutch, employees by name, times in Dutch time.
func (x *ClientExport) PDF() ([]byte, error) {
	code := x.Client.GetString("code")
	d, err := newPDF("Gegevens van cliënt "+code, x.Exported, false)
	if err != nil {
		return nil, err
	}
	d.paragraph(fmt.Sprintf("Alles wat Buurtplein over cliënt %s bewaart, van %s, op %s.", code, x.TeamName, pdfTime(x.Exported)))

	d.heading("Cliënt")
	x.fields(d, x.Client, clientLabels)
	d.field("Team", x.TeamName)

	x.section(d, "Aanmeldingen", "Aanmelding", x.Referrals, referralLabels)
	x.section(d, "Gesprekken", "Gesprek", x.Conversations, conversationLabels)
	x.section(d, "Plannen", "Plan", x.Plans, planLabels)
	for i, plan := range x.Plans {
		if actions := exportActions(plan); len(actions) > 0 {
			d.subheading(fmt.Sprintf("Afspraken van plan %d", i+1))
			rows := make([][]string, len(actions))
			for j, a := range actions {
				rows[j] = []string{a.Text, x.Users[a.Assignee], a.Due}
			}
			d.table([]float64{110, 40, 24}, []string{"Afspraak", "Wie", "Wanneer"}, rows)
		}
	}

	d.heading("Verloop")
	rows := make([][]string, len(x.CaseSteps))
	for i, s := range x.CaseSteps {
		rows[i] = []string{
			x.value(s, "created"), x.value(s, "kind"), s.GetString("from"), s.GetString("to"),
			joinNonEmpty("\n", s.GetString("reason"), x.value(s, "answers")), x.value(s, "actor"),
		}
	}
	d.table([]float64{26, 18, 22, 22, 58, 28}, []string{"Wanneer", "Wat", "Van", "Naar", "Reden en antwoorden", "Door"}, rows)

	d.heading("Taken uit de plannen")
	rows = make([][]string, len(x.Tasks))
	for i, t := range x.Tasks {
		rows[i] = []string{t.GetString("title"), x.value(t, "status"), x.value(t, "assignee"), x.value(t, "due")}
	}
	d.table([]float64{94, 24, 36, 20}, []string{"Taak", "Status", "Wie", "Wanneer"}, rows)

	d.heading("Bestanden")
	if len(x.Files) == 0 {
		d.paragraph("Geen.")
	}
	for _, f := range x.Files {
		d.paragraph(f)
	}
	return d.bytes()
}

// section writes records, each under a subheading, or "Geen." when
// there are none.
func (x *ClientExport) section(d *pdfDoc, heading, each string, records []*core.Record, labels []exportLabel) {
	d.heading(heading)
	if len(records) == 0 {
		d.paragraph("Geen.")
	}
	for i, r := range records {
		d.subheading(fmt.Sprintf("%s %d", each, i+1))
		x.fields(d, r, labels)
	}
}

func (x *ClientExport) fields(d *pdfDoc, r *core.Record, labels []exportLabel) {
	for _, l := range labels {
		d.field(l.label, x.value(r, l.field))
	}
}

// value returns field of r as a reader reads it: a time in Dutch time, a
// choice in Dutch, an employee by name, files by name, answers as
// "key: value" lines.
func (x *ClientExport) value(r *core.Record, field string) string {
	switch f := r.Collection().Fields.GetByName(field).(type) {
	case nil:
		return ""
	case *core.DateField, *core.AutodateField:
		return exportDate(r.GetDateTime(field))
	case *core.SelectField:
		v := r.GetString(field)
		if dutch, ok := exportValues[field][v]; ok {
			return dutch
		}
		return v
	case *core.RelationField:
		id := r.GetString(field)
		if name := x.Users[id]; name != "" {
			return name
		}
		return id
	case *core.FileField:
		return strings.Join(r.GetStringSlice(field), ", ")
	case *core.NumberField:
		if r.GetFloat(field) == 0 {
			return ""
		}
		return strconv.FormatFloat(r.GetFloat(field), 'f', -1, 64)
	case *core.JSONField:
		return exportJSON(r.GetString(f.Name))
	default:
		return r.GetString(field)
	}
}

// exportDate returns a date as a day when it holds no time of day (a
// date picked in a form is stored at midnight UTC), else as a Dutch time.
func exportDate(d types.DateTime) string {
	if d.IsZero() {
		return ""
	}
	t := d.Time()
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Format("02-01-2006")
	}
	return pdfTime(t)
}

// exportJSON returns a JSON object as "key: value" lines, anything else
// as it is.
func exportJSON(raw string) string {
	var object map[string]any
	if err := json.Unmarshal([]byte(raw), &object); err != nil {
		if raw == "null" {
			return ""
		}
		return raw
	}
	lines := make([]string, 0, len(object))
	for k, v := range object {
		lines = append(lines, fmt.Sprintf("%s: %v", k, v))
	}
	// map order is random: sort for a stable document
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

func joinNonEmpty(sep string, parts ...string) string {
	kept := parts[:0]
	for _, p := range parts {
		if p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, sep)
}
