package notify

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// ManyEvent is what [NotifyMany] wrote: n for each of users. Its
// notifications passed no record hook, so whoever reacts to new
// notifications (Web Push) hears of them here.
type ManyEvent struct {
	hook.Event

	// App is the app NotifyMany wrote with: the caller's transaction.
	App core.App
	// Users are the readers, without duplicates.
	Users []string
	// Notification is what each of them was told (its User is empty).
	Notification Notification
}

// manyHookKey is the app store key of the hook [OnMany] returns.
const manyHookKey = "buurtplein.notify.many"

// OnMany returns the hook [NotifyMany] triggers on app after it wrote,
// still inside the caller's transaction (the handler may read what was
// written with e.App; whatever it does outside the database belongs after
// the commit, see core.App.TxInfo).
func OnMany(app core.App) *hook.Hook[*ManyEvent] {
	return app.Store().GetOrSet(manyHookKey, func() any { return &hook.Hook[*ManyEvent]{} }).(*hook.Hook[*ManyEvent])
}
