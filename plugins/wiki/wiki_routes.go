package wiki

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"buurtplein/hooks"
	"buurtplein/plugins/mustread"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// diffRoute answers GET /api/buurtplein/wiki/{page}/diff?from=N&to=M with
// the [Diff] from revision N to revision M of a page the caller may read.
func (p *plugin) diffRoute(e *core.RequestEvent) error {
	page, err := readablePage(e)
	if err != nil {
		return err
	}
	query := e.Request.URL.Query()
	from, errFrom := strconv.Atoi(query.Get("from"))
	to, errTo := strconv.Atoi(query.Get("to"))
	current := page.GetInt("revision")
	if errFrom != nil || errTo != nil || from < 1 || to < 1 || from > current || to > current {
		return hooks.Err(http.StatusBadRequest, "wiki_diff_revisions", hooks.Params{"max": current},
			fmt.Sprintf("Kies twee versies van deze pagina om te vergelijken: from en to, elk een nummer van 1 tot en met %d.", current))
	}
	diff, err := diffRevisions(e.App, page.Id, from, to)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, diff)
}

// restoreRoute answers POST /api/buurtplein/wiki/{page}/restore
// {"revision": N}: the page gets a new revision with the title and body of
// revision N; history is not rewritten. The caller must be allowed to edit
// the page. A must-read page's readers are asked to confirm the new
// revision ([mustread.Announce]), as after an edit.
func (p *plugin) restoreRoute(e *core.RequestEvent) error {
	page, err := readablePage(e)
	if err != nil {
		return err
	}
	info, err := e.RequestInfo()
	if err != nil {
		return err
	}
	editable, err := e.App.CanAccessRecord(page, info, page.Collection().UpdateRule)
	if err != nil {
		return fmt.Errorf("may %s edit page %s: %w", actorOf(e), page.Id, err)
	}
	if !editable {
		return hooks.Err(http.StatusForbidden, "wiki_edit_forbidden", nil,
			"Je kunt deze pagina lezen maar niet wijzigen: alleen de leden van het team (of BOB, bij de organisatiewiki) kunnen een versie terugzetten.")
	}

	var body struct {
		Revision int `json:"revision"`
	}
	if err := e.BindBody(&body); err != nil || body.Revision < 1 || body.Revision > page.GetInt("revision") {
		return hooks.FieldError("revision", "wiki_restore_revision",
			fmt.Sprintf("Kies de versie die je terugzet: een nummer van 1 tot en met %d.", page.GetInt("revision")),
			hooks.Params{"max": page.GetInt("revision")})
	}

	err = e.App.RunInTransaction(func(txApp core.App) error {
		rev, err := findRevision(txApp, page.Id, body.Revision)
		if err != nil {
			return fmt.Errorf("revision %d of page %s: %w", body.Revision, page.Id, err)
		}
		fresh, err := txApp.FindRecordById(PagesCollection, page.Id)
		if err != nil {
			return err
		}
		fresh.Set("title", rev.GetString("title"))
		fresh.Set("body", rev.GetString("body"))
		fresh.Set("summary", RestoredSummary)
		if err := SaveAs(txApp, fresh, actorOf(e)); err != nil {
			return err
		}
		// the must-read plugin asks again on saves through the record API
		// only: a restored protocol is a new revision its readers confirm
		if err := mustread.Announce(txApp, fresh, actorOf(e)); err != nil {
			return fmt.Errorf("asking to confirm page %s again: %w", page.Id, err)
		}
		page = fresh
		return nil
	})
	if err != nil {
		return err
	}
	if err := apis.EnrichRecord(e, page); err != nil {
		return err
	}
	return e.JSON(http.StatusOK, page)
}

// readablePage returns the page of the route's {page} when the caller may
// read it, and a 404 otherwise: a page one may not read does not exist.
func readablePage(e *core.RequestEvent) (*core.Record, error) {
	notFound := hooks.Err(http.StatusNotFound, "wiki_page_not_found", nil,
		"Deze wikipagina bestaat niet (meer), of hij hoort bij een team waar je geen lid van bent.")
	page, err := e.App.FindRecordById(PagesCollection, e.Request.PathValue("page"))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	info, err := e.RequestInfo()
	if err != nil {
		return nil, err
	}
	readable, err := e.App.CanAccessRecord(page, info, page.Collection().ViewRule)
	if err != nil {
		return nil, fmt.Errorf("may %s read page %s: %w", actorOf(e), page.Id, err)
	}
	if !readable {
		return nil, notFound
	}
	return page, nil
}
