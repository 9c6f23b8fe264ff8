package audit

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"buurtplein/hooks"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// The log is append-only on every path:
//
//   - the API and the dashboard: every request other than GET, HEAD or
//     OPTIONS under /api/collections/access_log (the records, the
//     collection itself, its truncate), by name or by id, is refused with
//     a 403 audit_append_only before PocketBase handles it, for everyone,
//     superusers included; so is a batch with any request on the log;
//   - a collections import (the dashboard's "Import collections") that
//     would change the log's fields, rules or indexes, or drop it, is
//     refused and rolled back;
//   - Go: a Save or Delete of an entry (and so a truncate) is refused by
//     the model hooks. [Append] and [Purge] write with SQL and are not
//     affected.
//
// Not covered, on purpose: Go code that saves or deletes the collection
// itself. That is how a migration changes the schema (and how the
// regie migration's down removes it), and code is reviewed. Nor is SQL on
// the database file, or a backup restored over it from the dashboard
// (it replaces the file as a whole): that is what the hash chain and
// [Verify] are for.

// errAppendOnly is the refusal of every change to the log.
func errAppendOnly() *hooks.Error {
	return hooks.Err(http.StatusForbidden, "audit_append_only", nil,
		"Het toegangslogboek kan alleen worden aangevuld: een regel wijzigen of verwijderen kan niemand, ook de beheerder niet.")
}

// bindAppendOnly makes the log append-only on every path (see above).
func (p *plugin) bindAppendOnly() {
	refuse := func(e *core.RecordEvent) error { return errAppendOnly() }
	p.app.OnRecordCreate(Collection).BindFunc(refuse)
	p.app.OnRecordUpdate(Collection).BindFunc(refuse)
	p.app.OnRecordDelete(Collection).BindFunc(refuse)

	p.app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: "buurtpleinAuditAppendOnly",
		Func: func(se *core.ServeEvent) error {
			se.Router.BindFunc(func(e *core.RequestEvent) error {
				if writes(e.Request.Method) && namesLog(e.App, e.Request.URL.Path) {
					return errAppendOnly()
				}
				return e.Next()
			})
			return se.Next()
		},
	})

	// the requests inside a batch do not pass the router's middlewares;
	// every request a batch may hold is a write
	p.app.OnBatchRequest().BindFunc(func(e *core.BatchRequestEvent) error {
		for _, ir := range e.Batch {
			u, err := url.Parse(ir.URL)
			if err != nil {
				continue // PocketBase refuses the request itself
			}
			if namesLog(e.App, u.Path) {
				return errAppendOnly()
			}
		}
		return e.Next()
	})

	p.app.OnCollectionsImportRequest().BindFunc(guardImport)
}

// writes reports whether method may change what it is sent to.
func writes(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}

// namesLog reports whether path is the log's collection or lies under it
// ("/api/collections/{access_log or its id}/…").
func namesLog(app core.App, path string) bool {
	rest, ok := strings.CutPrefix(path, "/api/collections/")
	if !ok {
		return false
	}
	name, _, _ := strings.Cut(rest, "/")
	if name == "" {
		return false
	}
	if strings.EqualFold(name, Collection) {
		return true
	}
	c, err := app.FindCachedCollectionByNameOrId(name)
	return err == nil && c.Name == Collection
}

// guardImport runs a collections import in a transaction and rolls it
// back when it changed or dropped the log's collection.
func guardImport(e *core.CollectionsImportRequestEvent) error {
	before, err := schemaOf(e.App)
	if err != nil {
		return err
	}
	app := e.App
	defer func() { e.App = app }()
	return app.RunInTransaction(func(txApp core.App) error {
		e.App = txApp
		if err := e.Next(); err != nil {
			return err
		}
		after, err := schemaOf(txApp)
		if err != nil || after != before {
			return errAppendOnly()
		}
		return nil
	})
}

// schemaOf returns what of the log's collection an import must leave as
// it is: its name, rules, fields and indexes; "" when it is gone.
func schemaOf(app core.App) (string, error) {
	c, err := app.FindCollectionByNameOrId(Collection)
	if err != nil {
		return "", nil
	}
	schema, err := json.Marshal([]any{
		c.Id, c.Name, c.Type, c.System, c.ListRule, c.ViewRule, c.CreateRule,
		c.UpdateRule, c.DeleteRule, c.Fields, c.Indexes,
	})
	if err != nil {
		return "", fmt.Errorf("reading the access log's schema: %w", err)
	}
	return string(schema), nil
}
