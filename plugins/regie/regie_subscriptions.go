package regie

import (
	"net/http"
	"strings"

	"buurtplein/hooks"

	"github.com/pocketbase/pocketbase/core"
)

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
