package regie

import (
	"fmt"
	"strconv"
)

// reportActions are the actions of the log in Dutch.
var reportActions = map[string]string{
	"create": "aangemaakt", "read": "ingezien", "update": "gewijzigd", "delete": "verwijderd",
	"export": "geëxporteerd", "print": "afgedrukt", "erase": "gewist", "refused": "geweigerd",
}

// reportRoles are the roles of the log in Dutch.
var reportRoles = map[string]string{
	"member": "teamlid", "coordinator": "coördinator", "superuser": "IT-beheer",
	"system": "systeem", "none": "geen lid van het team",
}

// PDF returns the report as the NEN 7513 access report: who accessed the
// client's file, when, in which role and team, on whose behalf, what and
// from where, oldest first, on as many landscape pages as it takes.
func (r *Report) PDF() ([]byte, error) {
	d, err := newPDF("Toegangsrapport cliënt "+r.Client.Code, r.Generated, true)
	if err != nil {
		return nil, err
	}
	d.paragraph("Elke toegang tot het dossier van deze cliënt zoals het toegangslog van Buurtplein die vastlegt (NEN 7513): " +
		"wie, wanneer, in welke rol en welk team, namens wie, welke gegevens en vanaf welk adres. Ook geweigerde pogingen staan erin.")
	d.pdf.Ln(2)
	d.field("Cliënt", r.Client.Code)
	d.field("Cliëntnummer", r.Client.Id)
	d.field("Periode", r.period())
	d.field("Toegangen", strconv.Itoa(len(r.Entries)))
	d.field("Gemaakt", pdfTime(r.Generated))

	d.heading("Toegangen")
	if len(r.Entries) == 0 {
		d.paragraph("Geen toegangen in deze periode.")
		return d.bytes()
	}
	rows := make([][]string, len(r.Entries))
	for i, e := range r.Entries {
		rows[i] = []string{
			pdfTime(e.Created), reportWord(reportActions, e.Action), e.UserName,
			reportWord(reportRoles, e.Role), e.TeamName, e.onBehalfOf(), joinNonEmpty("\n", e.Record, e.Details), e.IP,
		}
	}
	d.table([]float64{26, 20, 36, 22, 30, 30, 71, 26}, []string{"Wanneer", "Wat", "Wie", "Rol", "Team", "Namens", "Gegevens", "Adres"}, rows)
	return d.bytes()
}

// period returns the report's period as a reader reads it.
func (r *Report) period() string {
	switch {
	case r.From == "" && r.To == "":
		return "alles"
	case r.From == "":
		return "tot en met " + r.To
	case r.To == "":
		return "vanaf " + r.From
	}
	return fmt.Sprintf("%s tot en met %s", r.From, r.To)
}

// onBehalfOf returns on whose behalf the access was made, "" when the
// employee acted for themselves.
func (e ReportEntry) onBehalfOf() string {
	if e.OnBehalfOf == e.User {
		return ""
	}
	return e.OnBehalfOf
}

func reportWord(words map[string]string, key string) string {
	if w, ok := words[key]; ok {
		return w
	}
	return key
}
