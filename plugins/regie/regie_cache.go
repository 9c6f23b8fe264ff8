package regie

import (
	"net/http"
	"strings"

	"buurtplein/hooks"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// bindNoStore makes every response about client data say Cache-Control:
// no-store, errors included, so that no browser or proxy keeps a copy.
func bindNoStore(app core.App) {
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: "regieNoStore",
		Func: func(se *core.ServeEvent) error {
			se.Router.Bind(&hook.Handler[*core.RequestEvent]{
				Id: "regieNoStore",
				// before every other middleware, so their refusals say it
				// too
				Priority: apis.DefaultActivityLoggerMiddlewarePriority - 1,
				Func: func(e *core.RequestEvent) error {
					if aboutClientData(e.App, e.Request.URL.Path) {
						e.Response.Header().Set("Cache-Control", "no-store")
					}
					return e.Next()
				},
			})
			return se.Next()
		},
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

// bindSubscriptions refuses realtime collection subscriptions to client
// data for everyone, superusers included: its events go on the team's
// topic, ids only, and every read goes through the logged API.
func bindSubscriptions(app core.App) {
	app.OnRealtimeSubscribeRequest().BindFunc(func(e *core.RealtimeSubscribeRequestEvent) error {
		for _, topic := range e.Subscriptions {
			collection, _, _ := strings.Cut(topic, "/")
			collection, _, _ = strings.Cut(collection, "?")
			if name := clientDataCollection(e.App, collection); name != "" {
				return hooks.Err(http.StatusForbidden, "regie_subscription_forbidden", hooks.Params{"collection": name},
					"Live meekijken met cliëntgegevens kan niet, ook niet als beheerder: wijzigingen komen als melding op het kanaal van het team.")
			}
		}
		return e.Next()
	})
}
