package regie

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"regexp"

	"buurtplein/hooks"
	"buurtplein/plugins/audit"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// The formats of an export and an access report.
const (
	formatJSON = "json"
	formatPDF  = "pdf"
)

// reportDetails is the details of the entry of an access report handed
// out.
const reportDetails = "access report"

// recordId is what a record id can be.
var recordId = regexp.MustCompile(`^[a-zA-Z0-9_]{1,40}$`)

// errLogUnavailable marks an access that did not happen because the
// access log could not be written (or, for a report, read).
var errLogUnavailable = errors.New("the access log is unavailable")

// bindRights adds the client's rights, for the members of the client's
// team (BOB staff are refused, as every other non-member) and superusers:
//
//	GET  /api/buurtplein/clients/{client}/export?format=json|pdf        everything held about the client
//	GET  /api/buurtplein/clients/{client}/access-report?from=&to=&format=json|pdf  who accessed the file
//	POST /api/buurtplein/clients/{client}/erase {"code"}                 coordinators: erase the client
//
// Each is logged in the access log before it is answered, a refusal too.
func (p *plugin) bindRights() {
	p.app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		g := se.Router.Group("/api/buurtplein/clients/{client}")
		// client data is never kept by a browser or a proxy, an error
		// neither
		g.BindFunc(func(e *core.RequestEvent) error {
			e.Response.Header().Set("Cache-Control", "no-store")
			return e.Next()
		})
		g.Bind(apis.RequireAuth())
		g.GET("/export", p.clientRoute(false, serveExport))
		g.GET("/access-report", p.clientRoute(false, serveReport))
		g.POST("/erase", p.clientRoute(true, serveErase))
		return se.Next()
	})
}

// clientRoute returns a handler that finds the route's client, lets only
// the members of its team (coordinators for coordinatorOnly) through to
// serve, and logs a refusal: a 4xx after the caller signed in.
func (p *plugin) clientRoute(coordinatorOnly bool, serve func(*core.RequestEvent, *core.Record) error) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		id := e.Request.PathValue("client")
		client, err := e.App.FindRecordById(ClientsCollection, id)
		if errors.Is(err, sql.ErrNoRows) {
			return refuse(e, nil, id, hooks.Err(http.StatusNotFound, "regie_client_not_found", nil,
				"Deze cliënt bestaat niet (meer)."))
		}
		if err != nil {
			return err
		}
		if err := mayExercise(e, client, coordinatorOnly); err != nil {
			return refuse(e, client, id, err)
		}
		return refuse(e, client, id, serve(e, client))
	}
}

// mayExercise refuses whoever is not a member of the client's team, and
// a member who is not its coordinator when coordinatorOnly. A superuser
// (IT) may, as everywhere: superusers bypass every rule, and their
// accesses are logged like anyone's.
func mayExercise(e *core.RequestEvent, client *core.Record, coordinatorOnly bool) error {
	if e.Auth.IsSuperuser() {
		return nil
	}
	role, err := hooks.Role(e.App, e.Auth.Id, client.GetString("team"))
	if err != nil {
		return err
	}
	switch {
	case role == "":
		return hooks.Err(http.StatusForbidden, "regie_not_team_member", nil,
			"Alleen de leden van het team van deze cliënt zien of wijzigen iets van de cliënt.")
	case coordinatorOnly && role != hooks.RoleCoordinator:
		return hooks.Err(http.StatusForbidden, "regie_erase_not_coordinator", nil,
			"Alleen een coördinator van het team wist een cliënt.")
	}
	return nil
}

// refuse returns err, after writing a refused entry when it is an answer
// in the 4xx range other than 401 to someone signed in. The entry is
// written in its own transaction: whatever the request began was rolled
// back. If it cannot be written, the answer is a 503.
func refuse(e *core.RequestEvent, client *core.Record, id string, err error) error {
	var apiErr *router.ApiError
	if err == nil || e.Auth == nil || !errors.As(err, &apiErr) ||
		apiErr.Status < 400 || apiErr.Status >= 500 || apiErr.Status == http.StatusUnauthorized {
		return unavailableIfNotLogged(e.App, err)
	}
	details := fmt.Sprint(apiErr.Status)
	if code, _ := hooks.CodeOf(err); code != "" {
		details = code
	}
	// the id is what the caller typed: kept only when it can be an id
	if !recordId.MatchString(id) {
		id = "?"
	}
	entry := audit.Entry{Action: audit.ActionRefused, Actor: audit.ActorOf(e),
		Record: ClientsCollection + "/" + id, Details: details}
	if client != nil {
		entry.Team, entry.Client, entry.ClientCode = client.GetString("team"), client.Id, client.GetString("code")
	}
	if logErr := audit.Append(e.App, entry); logErr != nil {
		return unavailableIfNotLogged(e.App, fmt.Errorf("%w: %w", errLogUnavailable, logErr))
	}
	return err
}

// unavailableIfNotLogged returns a 503 for an access that was not
// answered because the log could not be written or read.
func unavailableIfNotLogged(app core.App, err error) error {
	if errors.Is(err, errLogUnavailable) {
		app.Logger().Error("A client's right was refused: the access log is unavailable", "error", err)
		return hooks.Err(http.StatusServiceUnavailable, "audit_unavailable", nil,
			"Het toegangslog kan nu niet worden bijgewerkt, en zonder dat worden geen cliëntgegevens getoond. Probeer het later opnieuw.")
	}
	return err
}

// entryOf returns the entry of an access by the request's caller to
// client.
func entryOf(e *core.RequestEvent, action string, client *core.Record, record, details string) audit.Entry {
	return audit.Entry{
		Action: action, Actor: audit.ActorOf(e), Team: client.GetString("team"),
		Client: client.Id, ClientCode: client.GetString("code"), Record: record, Details: details,
	}
}

// logAccess writes entry, or returns an error that is errLogUnavailable.
func logAccess(app core.App, entry audit.Entry) error {
	if err := audit.Append(app, entry); err != nil {
		return fmt.Errorf("%w: %w", errLogUnavailable, err)
	}
	return nil
}

// formatOf returns the format the request asks for, json by default.
func formatOf(e *core.RequestEvent) (string, error) {
	switch format := e.Request.URL.Query().Get("format"); format {
	case "", formatJSON:
		return formatJSON, nil
	case formatPDF:
		return formatPDF, nil
	default:
		return "", hooks.Err(http.StatusBadRequest, "regie_format_invalid", hooks.Params{"format": format},
			"Kies als vorm json of pdf.")
	}
}

// serveExport answers everything held about client, as JSON (logged
// export) or as a PDF (logged print), once the entry is written.
func serveExport(e *core.RequestEvent, client *core.Record) error {
	format, err := formatOf(e)
	if err != nil {
		return err
	}
	x, err := Export(e.App, client.Id)
	if err != nil {
		return err
	}
	if format == formatJSON {
		if err := logAccess(e.App, entryOf(e, audit.ActionExport, client, x.recordNames(), formatJSON)); err != nil {
			return err
		}
		return e.JSON(http.StatusOK, x)
	}
	pdf, err := x.PDF()
	if err != nil {
		return err
	}
	if err := logAccess(e.App, entryOf(e, audit.ActionPrint, client, x.recordNames(), "export pdf")); err != nil {
		return err
	}
	return servePDF(e, client.GetString("code")+".pdf", pdf)
}

// serveReport answers the access report of client for the period of the
// from and to days (YYYY-MM-DD, both optional), as JSON (logged read) or
// as the PDF (logged print).
func serveReport(e *core.RequestEvent, client *core.Record) error {
	format, err := formatOf(e)
	if err != nil {
		return err
	}
	query := e.Request.URL.Query()
	from, to, err := reportPeriod(query.Get("from"), query.Get("to"))
	if err != nil {
		return hooks.Err(http.StatusBadRequest, "regie_report_period_invalid",
			hooks.Params{"from": query.Get("from"), "to": query.Get("to")},
			"Kies een periode van dagen (JJJJ-MM-DD) waarvan de eerste niet na de laatste komt.")
	}
	report, err := AccessReport(e.App, client.Id, from, to)
	if err != nil {
		return fmt.Errorf("%w: %w", errLogUnavailable, err)
	}
	record := ClientsCollection + "/" + client.Id
	if format == formatJSON {
		if err := logAccess(e.App, entryOf(e, audit.ActionRead, client, record, reportDetails)); err != nil {
			return err
		}
		return e.JSON(http.StatusOK, report)
	}
	pdf, err := report.PDF()
	if err != nil {
		return err
	}
	if err := logAccess(e.App, entryOf(e, audit.ActionPrint, client, record, reportDetails)); err != nil {
		return err
	}
	return servePDF(e, client.GetString("code")+"-toegangsrapport.pdf", pdf)
}

// eraseForm is the body of an erasure: the client's code, typed by the
// coordinator as a confirmation.
type eraseForm struct {
	Code string `json:"code"`
}

// serveErase erases client when the body names its code, and answers
// what was deleted.
func serveErase(e *core.RequestEvent, client *core.Record) error {
	var form eraseForm
	if err := e.BindBody(&form); err != nil {
		return hooks.Err(http.StatusBadRequest, "request_invalid_json", nil, "De aanvraag is geen geldige JSON.")
	}
	if form.Code != client.GetString("code") {
		return hooks.Err(http.StatusBadRequest, "regie_erase_code_mismatch", nil,
			"Typ de code van de cliënt precies over om te bevestigen dat je deze cliënt wist.")
	}
	counts, err := erase(e.App, audit.ActorOf(e), client.Id)
	if errors.Is(err, sql.ErrNoRows) {
		return hooks.Err(http.StatusNotFound, "regie_client_not_found", nil, "Deze cliënt bestaat niet (meer).")
	}
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{"erased": counts})
}

// servePDF answers a PDF as a download named name.
func servePDF(e *core.RequestEvent, name string, pdf []byte) error {
	e.Response.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
	return e.Blob(http.StatusOK, "application/pdf", pdf)
}
