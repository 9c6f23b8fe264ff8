package regie

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"buurtplein/plugins/audit"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Report is the NEN 7513 access report of one client's file: every entry
// of the access log about the client in a period, oldest first.
type Report struct {
	Client ReportClient `json:"client"`
	// From and To are the period's first and last day (YYYY-MM-DD, Dutch
	// time), "" where the period is open.
	From    string        `json:"from"`
	To      string        `json:"to"`
	Entries []ReportEntry `json:"entries"`
	// Generated is when the report was made.
	Generated time.Time `json:"generated"`
}

// ReportClient names the client of a report.
type ReportClient struct {
	Id   string `json:"id"`
	Code string `json:"code"`
}

// ReportEntry is one access in a report.
type ReportEntry struct {
	Created    time.Time `json:"created"`
	Action     string    `json:"action"`
	User       string    `json:"user"`
	UserName   string    `json:"user_name"`
	Role       string    `json:"role"`
	Team       string    `json:"team"`
	TeamName   string    `json:"team_name"`
	OnBehalfOf string    `json:"on_behalf_of"`
	Record     string    `json:"record"`
	IP         string    `json:"ip"`
	Details    string    `json:"details"`
}

// AccessReport returns the access report of the client clientId from from
// up to (not including) to; a zero time leaves that side open. It reads
// the log, so it works for an erased client too (its code then comes from
// the log). It does not log: whoever hands the report on writes the
// entry.
func AccessReport(app core.App, clientId string, from, to time.Time) (*Report, error) {
	rows, err := audit.ClientEntries(app, clientId, from, to)
	if err != nil {
		return nil, err
	}
	code, err := reportClientCode(app, clientId)
	if err != nil {
		return nil, err
	}
	r := &Report{
		Client:    ReportClient{Id: clientId, Code: code},
		From:      reportDay(from),
		Entries:   make([]ReportEntry, 0, len(rows)),
		Generated: time.Now().UTC(),
	}
	if !to.IsZero() {
		// the last day is the one before the end
		r.To = reportDay(to.Add(-time.Nanosecond))
	}
	teams := map[string]string{}
	for _, row := range rows {
		created, err := types.ParseDateTime(row.Created)
		if err != nil {
			return nil, fmt.Errorf("access report: entry %d: %w", row.Seq, err)
		}
		r.Entries = append(r.Entries, ReportEntry{
			Created: created.Time(), Action: row.Action, User: row.User, UserName: row.UserName,
			Role: row.Role, Team: row.Team, TeamName: teamName(app, row.Team, teams),
			OnBehalfOf: row.OnBehalfOf, Record: row.Record, IP: row.IP, Details: row.Details,
		})
		if code == "" {
			r.Client.Code = row.ClientCode
		}
	}
	return r, nil
}

// reportClientCode returns the code of the client, "" when it was erased.
func reportClientCode(app core.App, clientId string) (string, error) {
	client, err := app.FindRecordById(ClientsCollection, clientId)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("access report: the client %s: %w", clientId, err)
	}
	return client.GetString("code"), nil
}

// teamName returns the name of the team id, looked up once per report; a
// team that is gone keeps its id.
func teamName(app core.App, id string, names map[string]string) string {
	if id == "" {
		return ""
	}
	if name, ok := names[id]; ok {
		return name
	}
	name := id
	if team, err := app.FindRecordById("teams", id); err == nil {
		name = team.GetString("name")
	}
	names[id] = name
	return name
}

// reportDay returns the day of t in Dutch time, "" for a zero time.
func reportDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(pdfZone).Format(time.DateOnly)
}

// reportPeriod returns the times of a period of days given as YYYY-MM-DD
// (either may be ""): from the start of the first day up to the start of
// the day after the last, in Dutch time.
func reportPeriod(fromDay, toDay string) (from, to time.Time, err error) {
	if fromDay != "" {
		if from, err = time.ParseInLocation(time.DateOnly, fromDay, pdfZone); err != nil {
			return from, to, err
		}
	}
	if toDay != "" {
		if to, err = time.ParseInLocation(time.DateOnly, toDay, pdfZone); err != nil {
			return from, to, err
		}
		to = to.AddDate(0, 0, 1)
	}
	if !from.IsZero() && !to.IsZero() && !from.Before(to) {
		return from, to, errors.New("the period ends before it starts")
	}
	return from, to, nil
}
