package regie

import (
	"strings"

	"buurtplein/hooks"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// bindNoStore makes every response about client data say Cache-Control:
// no-store, errors included, so that no browser or proxy keeps a copy.
func bindNoStore(app core.App) {
	// before every other middleware, so their refusals say it too
	hooks.BindMiddleware(app, "regieNoStore", apis.DefaultActivityLoggerMiddlewarePriority-1, func(e *core.RequestEvent) error {
		if aboutClientData(e.App, e.Request.URL.Path) {
			e.Response.Header().Set("Cache-Control", "no-store")
		}
		return e.Next()
	})
}

// aboutClientData reports whether path is under
// /api/collections/<client data>/, /api/files/<client data>/ or
// /api/buurtplein/clients/.
func aboutClientData(app core.App, path string) bool {
	if strings.HasPrefix(path, "/api/buurtplein/clients/") || path == "/api/buurtplein/clients" {
		return true
	}
	for _, prefix := range []string{"/api/collections/", "/api/files/"} {
		if rest, ok := strings.CutPrefix(path, prefix); ok {
			collection, _, _ := strings.Cut(rest, "/")
			return clientDataCollection(app, collection) != ""
		}
	}
	return false
}
